"""Hostile and unlucky files against a real `marsad watch` process, a real PostgreSQL and Redis.

Each test reproduces a fault a red-team run found: files cut short while still being written, a FIFO
that hung the watcher, symbolic links followed out of the inbox, names PostgreSQL or the file system
refuse, and a file that cannot be moved out of the inbox.
"""

from __future__ import annotations

import gzip
import json
import os
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Document, InboxFile
from db.session import Database
from tests.conftest import marsad
from tests.helpers import ARTICLES, RecordingQueue, jsonl_articles, wait_until, write_slowly
from workers.ingest.inbox import Ingestor, Outcome
from workers.ingest.names import fitting_name, path_from_stored, stored_name
from workers.settings import Settings


def settled(found: list[Any]) -> list[Any]:
    """The rows, once none is still `received` (committed, the file not yet moved out): else []."""
    return found if found and all(row.status != "received" for row in found) else []


def rows(database: Database) -> list[Any]:
    with database.session() as session:
        return list(
            session.execute(
                select(
                    InboxFile.name,
                    InboxFile.status,
                    InboxFile.reason,
                    InboxFile.size_bytes,
                    InboxFile.moved_to,
                    InboxFile.move_attempts,
                    InboxFile.stuck_reason,
                    InboxFile.documents_count,
                ).order_by(InboxFile.id)
            ).all()
        )


def documents(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.execute(select(Document.raw_content).order_by(Document.id)).scalars())


def watching(processes: Any) -> Any:
    running = processes()
    running.watcher()
    return running


def log_text(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(tmp_path.glob("watch-*.log")))


# -- files still being written ------------------------------------------------------------------


def test_watcher_keeps_a_writer_that_pauses_5s_with_the_file_open(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    data = jsonl_articles(50)
    watching(processes)
    time.sleep(1.0)
    write_slowly(inbox / "slow.jsonl", data, chunks=3, seconds=15.0)  # 5 s between chunks
    wait_until(lambda: rows(database), 30, "slow file ingested")
    time.sleep(1.0)
    [row] = rows(database)
    assert (row.status, row.size_bytes, row.documents_count) == ("processed", len(data), 50)


def test_watcher_waits_for_the_last_line_of_a_jsonl_whose_writer_reopens_it(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    """A writer that closes the file between chunks (append mode) and pauses 2.5 s each time."""
    data = jsonl_articles(50)
    cuts = [len(data) // 3 + 7, 2 * len(data) // 3 + 11]  # inside lines, not on a newline
    assert all(data[cut - 1 : cut] != b"\n" for cut in cuts)
    watching(processes)
    time.sleep(1.0)
    start = 0
    for end in [*cuts, len(data)]:
        with (inbox / "feed.jsonl").open("ab") as handle:
            handle.write(data[start:end])
        start = end
        if end != len(data):
            time.sleep(2.5)
    wait_until(lambda: rows(database), 30, "feed ingested")
    time.sleep(1.0)
    assert [(r.status, r.size_bytes, r.documents_count) for r in rows(database)] == [
        ("processed", len(data), 50)
    ]


def test_ingestor_records_nothing_of_a_file_that_changed_after_it_was_read(
    settings: Settings, database: Database, inbox: Path
) -> None:
    path = inbox / "growing.jsonl"
    path.write_bytes(jsonl_articles(3))
    ingestor = Ingestor(settings, database, RecordingQueue())
    real_read = ingestor._read

    def read_then_the_writer_goes_on(target: Path) -> Any:
        candidate = real_read(target)
        with target.open("ab") as handle:
            handle.write(jsonl_articles(1, tag="later"))
        return candidate

    ingestor._read = read_then_the_writer_goes_on  # type: ignore[method-assign]
    result = ingestor.ingest(path)
    assert result.outcome is Outcome.CHANGED
    assert rows(database) == [] and path.exists()
    ingestor._read = real_read  # type: ignore[method-assign]
    assert ingestor.ingest(path).documents == 4


# -- kinds of file ------------------------------------------------------------------------------


def test_watcher_rejects_a_fifo_without_opening_it_and_goes_on(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    watching(processes)
    time.sleep(1.0)
    os.mkfifo(inbox / "pipe.txt")
    time.sleep(0.5)
    (inbox / "after.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    # Each row commits as received before its file moves: wait for both outcomes, not for the rows.
    wait_until(
        lambda: [r.status != "received" for r in rows(database)] == [True, True],
        20,
        "FIFO refused and the next file read",
    )
    by_name = {r.name: r for r in rows(database)}
    assert (by_name["pipe.txt"].status, by_name["pipe.txt"].reason) == ("rejected", "not_regular_file")
    assert by_name["after.txt"].status == "processed"
    note = (settings.rejected_path / "pipe.txt.error.txt").read_text(encoding="utf-8")
    assert "not a regular file" in note and "named pipe" in note


def test_watcher_refuses_symbolic_links_out_of_the_inbox(
    settings: Settings, database: Database, inbox: Path, processes: Any, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = outside / "secret.txt"
    secret.write_text(ARTICLES["call"], encoding="utf-8")
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    (inbox / "secret.txt").symlink_to(secret)
    (inbox / "folder").symlink_to(outside / "folder", target_is_directory=True)
    watching(processes)
    wait_until(
        lambda: [r.status != "received" for r in rows(database)] == [True] * 3, 20, "three links refused"
    )
    assert {(r.name, r.status, r.reason, r.size_bytes > 1000) for r in rows(database)} == {
        ("passwd.txt", "rejected", "symlink", False),
        ("secret.txt", "rejected", "symlink", False),
        ("folder", "rejected", "symlink", False),
    }
    assert documents(database) == []
    assert secret.read_text(encoding="utf-8") == ARTICLES["call"]  # the target is untouched
    assert not any(p.is_symlink() for p in inbox.iterdir())


def test_watcher_follows_a_link_into_a_folder_it_is_allowed(
    settings: Settings, database: Database, inbox: Path, processes: Any, tmp_path: Path
) -> None:
    shared = tmp_path / "shared-feeds"
    shared.mkdir()
    (shared / "story.txt").write_text(ARTICLES["protest"], encoding="utf-8")
    (inbox / "story.txt").symlink_to(shared / "story.txt")
    running = processes(MARSAD_FOLLOW_LINKS_INTO=json.dumps([str(shared)]))
    running.watcher()
    wait_until(lambda: settled(rows(database)), 20, "allowed link read")
    [row] = rows(database)
    assert (row.status, row.documents_count) == ("processed", 1)
    assert documents(database) == [ARTICLES["protest"]]


# -- names --------------------------------------------------------------------------------------


def test_watcher_stores_a_name_that_is_not_utf8_losslessly(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    raw = os.fsencode(inbox) + b"/\xd8\xae\xd8\xa8\xd8\xb1-\xff\xfe.txt"  # "خبر-" then two bad bytes
    with open(raw, "wb") as handle:
        handle.write(ARTICLES["visit"].encode("utf-8"))
    watching(processes)
    wait_until(lambda: settled(rows(database)), 20, "file with a non-UTF-8 name ingested")
    [row] = rows(database)
    assert (row.name, row.status, row.documents_count) == ("خبر-\\xff\\xfe.txt", "processed", 1)
    assert os.fsencode(path_from_stored(row.moved_to)).endswith(b"/\xd8\xae\xd8\xa8\xd8\xb1-\xff\xfe.txt")
    assert os.path.exists(os.fsencode(path_from_stored(row.moved_to)))


def test_watcher_error_note_of_a_name_with_a_newline_has_no_forged_line(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    name = "empty\nreason: all clear.txt"
    (inbox / name).write_bytes(b"")
    watching(processes)
    wait_until(lambda: rows(database), 20, "empty file refused")
    [row] = rows(database)
    assert (row.name, row.status, row.reason) == ("empty\\x0areason: all clear.txt", "rejected", "empty_file")
    note = (settings.rejected_path / (name + ".error.txt")).read_text(encoding="utf-8").splitlines()
    assert note[0] == "file: empty\\x0areason: all clear.txt"
    assert [line for line in note if line.startswith("reason:")] == ["reason: empty_file"]


def test_watcher_handles_two_files_of_a_255_byte_name(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    name = "تقرير" * 24 + "-" * 9 + ".txt"
    assert len(os.fsencode(name)) == 253
    watching(processes)
    time.sleep(1.0)
    (inbox / name).write_bytes(b"")  # refused: empty
    wait_until(lambda: rows(database), 20, "first file refused")
    (inbox / name).write_text(ARTICLES["call"], encoding="utf-8")
    wait_until(
        lambda: [r.status != "received" for r in rows(database)] == [True, True], 20, "second file read"
    )
    first, second = rows(database)
    assert (first.status, first.reason, second.status, second.documents_count) == (
        "rejected",
        "empty_file",
        "processed",
        1,
    )
    assert first.moved_to and second.moved_to
    assert Path(first.moved_to).exists() and Path(second.moved_to).exists()
    notes = list(settings.rejected_path.glob("*.error.txt"))
    assert len(notes) == 1 and len(os.fsencode(notes[0].name)) <= 255
    assert name not in {p.name for p in inbox.iterdir()}


@pytest.mark.parametrize(
    "name",
    ["plain.txt", "back\\slash.txt", "line\nbreak.txt", os.fsdecode(b"bad-\xff.txt"), "tab\there\x7f"],
)
def test_stored_name_round_trips_and_is_one_line_of_utf8(name: str) -> None:
    shown = stored_name(name)
    shown.encode("utf-8")  # raises on a lone surrogate
    assert "\n" not in shown and path_from_stored(shown) == Path(name)


def test_fitting_name_keeps_extensions_and_fits_255_bytes() -> None:
    name = "خبر" * 60 + ".jsonl.gz"
    fitted = fitting_name(name, ".error.txt")
    assert fitted.endswith("~.jsonl.gz.error.txt") and len(os.fsencode(fitted)) <= 255
    fitted.encode("utf-8")  # no multi-byte character was cut in two


# -- files that cannot leave the inbox ------------------------------------------------------------


def test_watcher_gives_up_moving_a_file_after_a_few_attempts_with_one_row(
    settings: Settings, database: Database, inbox: Path, processes: Any, tmp_path: Path
) -> None:
    # Where today's processed/ folder should be, a file stands: every move fails.
    settings.processed_path.mkdir(parents=True)
    (settings.processed_path / datetime.now(UTC).strftime("%Y-%m-%d")).write_text("in the way")
    (inbox / "story.txt").write_text(ARTICLES["protest"], encoding="utf-8")
    watching(processes)
    wait_until(lambda: rows(database) and rows(database)[0].stuck_reason, 40, "file reported stuck")
    time.sleep(3.0)  # no more attempts, no more rows
    [row] = rows(database)
    assert (row.status, row.documents_count, row.move_attempts) == ("received", 1, 5)
    assert "could not leave the inbox" in row.stuck_reason
    assert len(documents(database)) == 1
    status = json.loads(marsad(settings, "status", "--json").stdout)
    assert [s["path"] for s in status["stuck_files"]] == [str(inbox / "story.txt")]
    log = log_text(tmp_path)
    assert "Traceback" not in log and "database unavailable" not in log
    assert log.count("could not leave the inbox") == 5


def test_ingestor_counts_a_failed_move_on_the_files_own_row(
    settings: Settings, database: Database, inbox: Path
) -> None:
    settings.processed_path.mkdir(parents=True)
    (settings.processed_path / datetime.now(UTC).strftime("%Y-%m-%d")).write_text("in the way")
    path = inbox / "story.txt"
    path.write_text(ARTICLES["visit"], encoding="utf-8")
    queue = RecordingQueue()
    ingestor = Ingestor(settings, database, queue)
    results = [ingestor.ingest(path) for _ in range(2)]
    assert [r.move_error is not None for r in results] == [True, True]
    assert [(r.status, r.move_attempts) for r in rows(database)] == [("received", 2)]
    assert len(queue.sent) == 1  # the second attempt does not send the article again


def test_ingestor_does_not_hold_what_refused_archives_unpacked(
    settings_factory: Any, database: Database
) -> None:
    """A group of gzip bombs: each is refused once its unpacked bytes pass the limit, and what it
    unpacked is let go at once, not kept (through the error's traceback) until the group is done."""
    settings = settings_factory(max_file_bytes=4 * 2**20)
    settings.inbox_dir.mkdir(parents=True)
    bomb = gzip.compress(b"\0" * 8 * 2**20, compresslevel=9)
    paths = []
    for n in range(30):
        paths.append(settings.inbox_dir / f"bomb{n}.txt.gz")
        paths[-1].write_bytes(bomb)
    ingestor = Ingestor(settings, database, RecordingQueue())
    tracemalloc.start()
    try:
        results = ingestor.ingest_many(paths)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert {(r.outcome, r.reason) for r in results} == {(Outcome.REJECTED, "oversize")}
    assert peak < 40 * 2**20  # 30 bombs held at once would be 120 MB
