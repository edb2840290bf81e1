"""The watcher on a real file system (inotify through watchdog) and a real PostgreSQL."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Document, InboxFile
from db.session import Database
from tests.helpers import ARTICLES, RecordingQueue, jsonl_articles, wait_until, write_slowly
from workers.ingest.inbox import Ingestor
from workers.ingest.watcher import InboxWatcher, is_ignored_name
from workers.settings import Settings


class RunningWatcher:
    def __init__(self, settings: Settings, database: Database) -> None:
        self.queue = RecordingQueue()
        self.ingestor = Ingestor(settings, database, self.queue)
        self.watcher = InboxWatcher(settings, self.ingestor)
        self.reads: list[tuple[str, int]] = []
        real = self.ingestor._read

        def counting_read(path: Path) -> Any:
            self.reads.append((path.name, path.stat().st_size if path.exists() else -1))
            return real(path)

        self.ingestor._read = counting_read  # type: ignore[method-assign]
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop, self.ready.set), daemon=True)

    def __enter__(self) -> RunningWatcher:
        self.thread.start()
        assert self.ready.wait(10), "watcher did not start"
        return self

    def __exit__(self, *_: Any) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


def file_rows(database: Database) -> list[Any]:
    with database.session() as session:
        return list(
            session.execute(
                select(InboxFile.name, InboxFile.status, InboxFile.size_bytes).order_by(InboxFile.id)
            ).all()
        )


def document_count(database: Database) -> int:
    with database.session() as session:
        return len(session.execute(select(Document.id)).all())


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("a.txt", False),
        (".hidden.txt", True),
        ("a.txt.part", True),
        ("a.tmp", True),
        ("~a.txt", True),
        ("a.txt~", True),
        ("a.TMP", True),
        ("report.html", False),
    ],
)
def test_is_ignored_name(name: str, ignored: bool) -> None:
    assert is_ignored_name(name) is ignored


def test_watcher_processes_files_dropped_while_it_was_stopped(
    settings: Settings, database: Database, inbox: Path
) -> None:
    (inbox / "early.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "nested.txt").write_text(ARTICLES["call"], encoding="utf-8")
    with RunningWatcher(settings, database) as running:
        wait_until(lambda: len(file_rows(database)) == 2, 15, "both early files ingested")
        assert sorted(r.name for r in file_rows(database)) == ["early.txt", "nested.txt"]
        assert len(running.queue.sent) == 2
    assert not (inbox / "early.txt").exists()


def test_watcher_reads_a_slowly_written_file_once_complete(
    settings: Settings, database: Database, inbox: Path
) -> None:
    data = jsonl_articles(40)
    with RunningWatcher(settings, database) as running:
        write_slowly(inbox / "slow.jsonl", data, chunks=8, seconds=2.0)
        wait_until(lambda: file_rows(database), 15, "slow file ingested")
        time.sleep(1.0)
        assert running.reads == [("slow.jsonl", len(data))]
    assert [(r.name, r.status, r.size_bytes) for r in file_rows(database)] == [
        ("slow.jsonl", "processed", len(data))
    ]
    assert document_count(database) == 40


def test_watcher_waits_for_a_rename_from_a_temporary_name(
    settings: Settings, database: Database, inbox: Path
) -> None:
    with RunningWatcher(settings, database) as running:
        part = inbox / "story.txt.part"
        part.write_text(ARTICLES["protest"], encoding="utf-8")
        (inbox / ".draft.txt").write_text(ARTICLES["call"], encoding="utf-8")
        time.sleep(1.5)
        assert running.reads == []
        os.replace(part, inbox / "story.txt")
        wait_until(lambda: file_rows(database), 10, "renamed file ingested")
    assert [r.name for r in file_rows(database)] == ["story.txt"]
    assert (inbox / ".draft.txt").exists()


def test_watcher_identical_bytes_dropped_twice_make_one_set_of_documents(
    settings: Settings, database: Database, inbox: Path
) -> None:
    data = jsonl_articles(5)
    with RunningWatcher(settings, database):
        (inbox / "one.jsonl").write_bytes(data)
        wait_until(lambda: len(file_rows(database)) == 1, 10, "first copy")
        (inbox / "two.jsonl").write_bytes(data)
        wait_until(lambda: len(file_rows(database)) == 2, 10, "second copy")
    assert [(r.name, r.status) for r in file_rows(database)] == [
        ("one.jsonl", "processed"),
        ("two.jsonl", "duplicate"),
    ]
    assert document_count(database) == 5


def test_watcher_rescan_finds_files_without_events(settings_factory: Any, database: Database) -> None:
    settings = settings_factory(rescan_interval=0.5)
    settings.inbox_dir.mkdir(parents=True)
    running = RunningWatcher(settings, database)
    # Events are swallowed, as after an inotify overflow: only the periodic scan can find the file.
    running.watcher.note = lambda *_: None  # type: ignore[method-assign]
    with running:
        (settings.inbox_dir / "quiet.txt").write_text(ARTICLES["visit"], encoding="utf-8")
        wait_until(lambda: file_rows(database), 10, "file found by rescan")


def test_watcher_survives_a_database_outage_and_catches_up(
    settings: Settings, database: Database, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = threading.Event()
    down.set()
    with RunningWatcher(settings, database) as running:
        real = running.ingestor._ingest_many

        def flaky(paths: Any) -> Any:
            if down.is_set():
                import sqlalchemy.exc

                raise sqlalchemy.exc.OperationalError("INSERT", {}, ConnectionRefusedError("server closed"))
            return real(paths)

        running.ingestor._ingest_many = flaky  # type: ignore[method-assign]
        for n in range(3):
            (inbox / f"a{n}.txt").write_text(ARTICLES["visit"] + str(n), encoding="utf-8")
        time.sleep(2.0)
        assert file_rows(database) == [] and all((inbox / f"a{n}.txt").exists() for n in range(3))
        assert running.thread.is_alive()
        down.clear()
        wait_until(lambda: len(file_rows(database)) == 3, 40, "all files after the outage")


def test_watcher_rejects_a_file_that_keeps_failing_for_an_unexpected_reason(
    settings: Settings, database: Database, inbox: Path
) -> None:
    with RunningWatcher(settings, database) as running:

        def broken(paths: Any) -> Any:
            raise ValueError("a bug in a reader")

        running.ingestor._ingest_many = broken  # type: ignore[method-assign]
        (inbox / "trouble.txt").write_text(ARTICLES["visit"], encoding="utf-8")
        wait_until(lambda: file_rows(database), 30, "file refused after repeated failures")
        assert running.thread.is_alive()
    assert [(r.name, r.status) for r in file_rows(database)] == [("trouble.txt", "rejected")]
    assert "a bug in a reader" in (settings.rejected_path / "trouble.txt.error.txt").read_text()
