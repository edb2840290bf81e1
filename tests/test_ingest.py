"""Ingesting files into a real PostgreSQL: rows, moves, rejections, duplicates and recovery."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update

from db.models import Document, InboxFile
from db.session import Database
from tests.helpers import (
    ARTICLES,
    PNG_BYTES,
    RecordingQueue,
    gzip_bytes,
    html_page,
    jsonl_articles,
    zip_bytes,
)
from workers.ingest.inbox import Ingestor, Outcome
from workers.settings import AfterProcessing, Settings
from workers.status import DocumentStatus, FileStatus


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def ingestor(settings: Settings, database: Database, queue: RecordingQueue) -> Ingestor:
    settings.inbox_dir.mkdir(parents=True)
    return Ingestor(settings, database, queue)


def drop(settings: Settings, name: str, data: bytes) -> Path:
    path = settings.inbox_dir / name
    path.write_bytes(data)
    return path


def rows(database: Database, *columns: Any) -> list[Any]:
    with database.session() as session:
        return list(session.execute(select(*columns).order_by(columns[0])).all())


def test_ingest_txt_creates_file_and_document_rows_then_moves_the_file(
    ingestor: Ingestor, settings: Settings, database: Database, queue: RecordingQueue
) -> None:
    path = drop(settings, "visit.txt", ARTICLES["visit"].encode())
    os.utime(path, (1_600_000_000, 1_600_000_000))
    result = ingestor.ingest(path)
    assert result.outcome is Outcome.QUEUED and result.documents == 1
    (file_row,) = rows(
        database, InboxFile.id, InboxFile.status, InboxFile.moved_to, InboxFile.documents_count
    )
    assert file_row.status == FileStatus.PROCESSED and file_row.documents_count == 1
    moved = Path(file_row.moved_to)
    assert moved.parent.parent == settings.processed_path and moved.read_bytes() == ARTICLES["visit"].encode()
    assert not path.exists()
    (doc,) = rows(
        database,
        Document.id,
        Document.status,
        Document.raw_content,
        Document.encoding,
        Document.file_modified_at,
    )
    assert (doc.status, doc.raw_content, doc.encoding) == ("queued", ARTICLES["visit"], "utf-8")
    assert doc.file_modified_at == datetime.fromtimestamp(1_600_000_000, UTC)  # the date of last resort
    assert queue.sent == [doc.id]


def test_ingest_mixed_drop_every_good_article_becomes_a_document(
    ingestor: Ingestor, settings: Settings, database: Database, queue: RecordingQueue
) -> None:
    files = {
        "a.txt": ARTICLES["visit"].encode(),
        "b.md": ARTICLES["call"].encode("utf-16"),
        "c.txt": ARTICLES["protest"].encode("windows-1256"),
        "feed.jsonl": jsonl_articles(100, bad_lines=(10, 77)),
        "page.html": html_page("عنوان", ["فقرة أولى", "فقرة ثانية"]),
        "story.txt.gz": gzip_bytes("خبر مضغوط\nنص الخبر المضغوط".encode()),
        "bundle.zip": zip_bytes(
            {"x.txt": "خبر أول في الأرشيف".encode(), "y.json": '{"text": "خبر ثان"}'.encode()}
        ),
        "empty.txt": b"",
        "picture.txt": PNG_BYTES,
        "notes.docx": b"PK\x03\x04docx",
    }
    results = {name: ingestor.ingest(drop(settings, name, data)) for name, data in files.items()}
    assert sum(r.documents for r in results.values()) == 3 + 100 + 1 + 1 + 2
    assert [(r.line, r.reason.value) for r in results["feed.jsonl"].rejections] == [
        (10, "bad_json"),
        (77, "bad_json"),
    ]
    rejected = {name: r.reason for name, r in results.items() if r.outcome is Outcome.REJECTED}
    assert rejected == {
        "empty.txt": "empty_file",
        "picture.txt": "binary_content",
        "notes.docx": "unknown_type",
    }
    for name, reason in rejected.items():
        assert (settings.rejected_path / name).exists()
        assert f"reason: {reason}" in (settings.rejected_path / f"{name}.error.txt").read_text()
    statuses = [r.status for r in rows(database, Document.id, Document.status)]
    assert statuses.count("queued") == 107 and statuses.count("rejected") == 2
    bad = rows(database, Document.origin_line, Document.reason, Document.status)
    assert [(b.origin_line, b.reason) for b in bad if b.status == "rejected"] == [
        (10, "bad_json"),
        (77, "bad_json"),
    ]
    assert len(queue.sent) == 107
    assert not any(settings.inbox_dir.glob("*.*"))


def test_ingest_same_bytes_twice_is_recorded_as_duplicate_and_not_queued_again(
    ingestor: Ingestor, settings: Settings, database: Database, queue: RecordingQueue
) -> None:
    first = ingestor.ingest(drop(settings, "a.txt", ARTICLES["visit"].encode()))
    second = ingestor.ingest(drop(settings, "copy-of-a.txt", ARTICLES["visit"].encode()))
    assert second.outcome is Outcome.DUPLICATE
    files = rows(database, InboxFile.id, InboxFile.status, InboxFile.duplicate_of_id)
    assert [(f.status, f.duplicate_of_id) for f in files] == [
        ("processed", None),
        ("duplicate", first.file_id),
    ]
    assert len(rows(database, Document.id)) == 1 and len(queue.sent) == 1


def test_ingest_rejected_bytes_dropped_again_are_rejected_again(
    ingestor: Ingestor, settings: Settings
) -> None:
    ingestor.ingest(drop(settings, "bad.txt", PNG_BYTES))
    again = ingestor.ingest(drop(settings, "bad.txt", PNG_BYTES))
    assert again.outcome is Outcome.REJECTED
    assert (settings.rejected_path / "bad-1.txt").exists()


def test_ingest_oversize_file_is_rejected_without_being_read(
    settings_factory: Any, database: Database, queue: RecordingQueue
) -> None:
    settings = settings_factory(max_file_bytes=1000)
    settings.inbox_dir.mkdir(parents=True)
    result = Ingestor(settings, database, queue).ingest(drop(settings, "big.txt", "ا".encode() * 2000))
    assert (result.outcome, result.reason) == (Outcome.REJECTED, "oversize")


def test_ingest_resumes_a_file_whose_rows_committed_before_a_crash(
    ingestor: Ingestor,
    settings: Settings,
    database: Database,
    queue: RecordingQueue,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = drop(settings, "a.txt", ARTICLES["visit"].encode())

    def crash(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt("simulated crash after commit, before the move")

    monkeypatch.setattr(ingestor, "_dispose", crash)
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest(path)
    monkeypatch.undo()
    assert path.exists()
    result = ingestor.ingest(path)
    assert result.outcome is Outcome.ALREADY_DONE
    files = rows(database, InboxFile.id, InboxFile.status)
    assert [f.status for f in files] == ["processed"]
    assert len(rows(database, Document.id)) == 1
    assert not path.exists()


def test_recover_interrupted_marks_moved_files_processed(
    ingestor: Ingestor, settings: Settings, database: Database
) -> None:
    result = ingestor.ingest(drop(settings, "a.txt", ARTICLES["visit"].encode()))
    with database.session() as session:
        session.execute(update(InboxFile).values(status=FileStatus.RECEIVED.value))
    assert ingestor.recover_interrupted() == 1
    assert rows(database, InboxFile.id, InboxFile.status) == [(result.file_id, "processed")]


@pytest.mark.parametrize("mode", [AfterProcessing.DELETE, AfterProcessing.KEEP])
def test_ingest_after_processing_delete_or_keep(
    settings_factory: Any, database: Database, queue: RecordingQueue, mode: AfterProcessing
) -> None:
    settings = settings_factory(after_processing=mode)
    settings.inbox_dir.mkdir(parents=True)
    ingestor = Ingestor(settings, database, queue)
    path = drop(settings, "a.txt", ARTICLES["visit"].encode())
    ingestor.ingest(path)
    assert path.exists() is (mode is AfterProcessing.KEEP)
    assert not settings.processed_path.exists() or not any(settings.processed_path.rglob("*.txt"))
    if mode is AfterProcessing.KEEP:
        assert ingestor.ingest(path).outcome is Outcome.ALREADY_DONE
        assert len(rows(database, InboxFile.id)) == 1 and len(queue.sent) == 1


def test_ingest_unreachable_database_raises_transient_and_leaves_the_file(
    settings_factory: Any, queue: RecordingQueue
) -> None:
    from workers.errors import TransientError

    settings = settings_factory(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    settings.inbox_dir.mkdir(parents=True)
    path = drop(settings, "a.txt", ARTICLES["visit"].encode())
    with pytest.raises(TransientError):
        Ingestor(settings, Database(settings.database_url or ""), queue).ingest(path)
    assert path.exists() and queue.sent == []


def test_documents_status_check_constraint_matches_the_enum(database: Database) -> None:
    with database.session() as session:
        constraint = session.execute(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_documents_status'")
        ).scalar_one()
    assert sorted(re.findall(r"'(\w+)'", constraint)) == sorted(s.value for s in DocumentStatus)


def test_ingest_many_takes_a_group_in_one_go_with_duplicates_inside_it(
    ingestor: Ingestor, settings: Settings, database: Database, queue: RecordingQueue
) -> None:
    paths = [
        drop(settings, "a.txt", ARTICLES["visit"].encode()),
        drop(settings, "b.txt", ARTICLES["call"].encode()),
        drop(settings, "a-again.txt", ARTICLES["visit"].encode()),
        drop(settings, "bad.txt", b""),
        drop(settings, "feed.jsonl", jsonl_articles(3, bad_lines=(2,))),
    ]
    results = ingestor.ingest_many(paths)
    assert [r.outcome for r in results] == [
        Outcome.QUEUED,
        Outcome.QUEUED,
        Outcome.DUPLICATE,
        Outcome.REJECTED,
        Outcome.QUEUED,
    ]
    assert results[2].detail == f"same bytes as a.txt (file #{results[0].file_id}); nothing new queued"
    files = rows(database, InboxFile.id, InboxFile.name, InboxFile.status, InboxFile.documents_count)
    assert [(f.name, f.status, f.documents_count) for f in files] == [
        ("a.txt", "processed", 1),
        ("b.txt", "processed", 1),
        ("bad.txt", "rejected", 0),
        ("feed.jsonl", "processed", 3),
        ("a-again.txt", "duplicate", 0),
    ]
    documents = rows(database, Document.id, Document.inbox_file_id, Document.status)
    assert sorted(queue.sent) == [d.id for d in documents if d.status == "queued"]
    assert len(queue.sent) == 5 and not any(p.exists() for p in paths)
