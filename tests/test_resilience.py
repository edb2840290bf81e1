"""Nothing is lost: real watcher, worker and beat processes against real PostgreSQL and Redis,
with workers killed, the broker flushed, the database stopped, and a poisoned article."""

from __future__ import annotations

import os
import signal
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from sqlalchemy import func, select

from db.migrate import upgrade
from db.models import Article, Document
from db.session import Database
from tests.conftest import redis_client, truncate_all
from tests.fault_worker import POISON_MARK, SLOW_MARK
from tests.helpers import (
    ARTICLES,
    PNG_BYTES,
    all_done,
    document_counts,
    file_counts,
    gzip_bytes,
    html_page,
    jsonl_articles,
    wait_until,
    zip_bytes,
)
from workers.celery_app import create_app
from workers.ingest.inbox import Ingestor
from workers.outbox import celery_enqueue
from workers.report import queue_depth
from workers.settings import Settings

pytestmark = pytest.mark.slow


def doc_row(database: Database, marker: str) -> Any:
    with database.session() as session:
        return session.execute(
            select(
                Document.id, Document.status, Document.attempts, Document.last_error, Document.reason
            ).where(Document.raw_content.contains(marker))
        ).one()


def test_mixed_drop_through_watcher_and_worker_ends_done(
    settings: Settings, database: Database, processes: Any
) -> None:
    procs = processes()
    procs.watcher()
    procs.worker()
    inbox = settings.inbox_dir
    wait_until(inbox.exists, 20, "watcher created the inbox")
    files = {
        "visit.txt": ARTICLES["visit"].encode(),
        "call.txt": ARTICLES["call"].encode("windows-1256"),
        "feed.jsonl": jsonl_articles(100, bad_lines=(13, 64)),
        "page.html": html_page("افتتاح معرض الكتاب", ["افتتح وزير الثقافة معرض الكتاب اليوم."]),
        "protest.txt.gz": gzip_bytes(ARTICLES["protest"].encode()),
        "bundle.zip": zip_bytes(
            {f"z{n}.txt": f"خبر رقم {n} في الأرشيف\nنص الخبر {n}".encode() for n in range(5)}
        ),
        "empty.txt": b"",
        "photo.txt": PNG_BYTES,
        "data.xlsx": b"PK\x03\x04sheet",
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    expected = 1 + 1 + 100 + 1 + 1 + 5
    wait_until(lambda: all_done(database, expected), 90, f"{expected} documents done")
    assert document_counts(database) == {"done": expected, "rejected": 2}
    with database.session() as session:
        articles = session.execute(select(func.count()).select_from(Article)).scalar_one()
    assert articles == expected
    assert file_counts(database) == {"processed": 6, "rejected": 3}
    for name in ("empty.txt", "photo.txt", "data.xlsx"):
        assert (settings.rejected_path / f"{name}.error.txt").exists()
    with database.session() as session:
        lines = (
            session.execute(
                select(Document.origin_line)
                .where(Document.status == "rejected")
                .order_by(Document.origin_line)
            )
            .scalars()
            .all()
        )
    assert lines == [13, 64]
    assert sorted(p.name for p in settings.processed_path.rglob("*") if p.is_file()) == sorted(
        [*(n for n in files if n not in ("empty.txt", "photo.txt", "data.xlsx")), "feed.jsonl.rejected.txt"]
    )


def test_kill_9_of_a_worker_process_mid_task_still_reaches_done(
    settings: Settings, database: Database, processes: Any
) -> None:
    procs = processes(FAULT_SLOW_SECONDS="4")
    worker = procs.worker(concurrency=1, faulty=True)
    ingestor = Ingestor(settings, database, celery_enqueue(create_app(settings), 1))
    settings.inbox_dir.mkdir(parents=True)
    path = settings.inbox_dir / "slow.txt"
    path.write_text(f"خبر بطيء {SLOW_MARK}\n" + ARTICLES["visit"], encoding="utf-8")
    ingestor.ingest(path)
    wait_until(lambda: doc_row(database, SLOW_MARK).attempts == 1, 30, "task started")
    children = psutil.Process(worker.pid).children()
    assert len(children) == 1
    children[0].send_signal(signal.SIGKILL)
    wait_until(lambda: doc_row(database, SLOW_MARK).status == "done", 60, "done after the kill")
    assert doc_row(database, SLOW_MARK).attempts == 2
    assert worker.poll() is None


def test_kill_9_of_the_whole_worker_and_redis_flushall_lose_nothing(
    settings_factory: Any, database: Database, processes: Any
) -> None:
    settings = settings_factory(stuck_after=2.0, reconcile_interval=1.0)
    procs = processes(settings, MARSAD_STUCK_AFTER="2", MARSAD_RECONCILE_INTERVAL="1", FAULT_SLOW_SECONDS="3")
    settings.inbox_dir.mkdir(parents=True)
    ingestor = Ingestor(settings, database, celery_enqueue(create_app(settings), settings.task_batch_size))
    # One article the worker will be killed on, then a feed whose messages will be flushed away.
    slow = settings.inbox_dir / "slow.txt"
    slow.write_text(f"خبر بطيء {SLOW_MARK}\n" + ARTICLES["call"], encoding="utf-8")
    ingestor.ingest(slow)
    worker = procs.worker(concurrency=1, faulty=True)
    wait_until(lambda: doc_row(database, SLOW_MARK).attempts == 1, 30, "slow task started")
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    feed = settings.inbox_dir / "feed.jsonl"
    feed.write_bytes(jsonl_articles(60, tag="flush"))
    ingestor.ingest(feed)
    assert (queue_depth(settings.broker_url or "", settings.queue_name) or 0) >= 3
    redis_client(settings.broker_url or "").flushall()
    assert queue_depth(settings.broker_url or "", settings.queue_name) == 0
    procs.worker(concurrency=2, faulty=True)
    procs.beat()
    wait_until(lambda: all_done(database, 61), 90, "all 61 documents done")


def test_a_poisoned_article_fails_after_max_attempts_and_others_finish(
    settings_factory: Any, database: Database, processes: Any
) -> None:
    settings = settings_factory(max_attempts=3)
    procs = processes(settings, MARSAD_MAX_ATTEMPTS="3")
    procs.worker(concurrency=2, faulty=True)
    settings.inbox_dir.mkdir(parents=True)
    ingestor = Ingestor(settings, database, celery_enqueue(create_app(settings), settings.task_batch_size))
    feed = settings.inbox_dir / "feed.jsonl"
    feed.write_bytes(jsonl_articles(20) + f'{{"text": "خبر مسموم {POISON_MARK}"}}\n'.encode())
    ingestor.ingest(feed)
    wait_until(lambda: doc_row(database, POISON_MARK).status == "failed", 60, "poison failed")
    row = doc_row(database, POISON_MARK)
    assert row.attempts == 3 and row.reason == "processing_error"
    assert "poisoned article" in row.last_error
    wait_until(lambda: document_counts(database) == {"done": 20, "failed": 1}, 30, "the others done")


@pytest.fixture
def private_postgres(tmp_root: Path) -> Iterator[Any]:
    """A PostgreSQL server of our own (pgserver), which the test may stop and start."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver._commands import pg_ctl

    server = pgserver.get_server(tmp_root / f"pg-outage-{os.getpid()}", cleanup_mode="delete")

    class Handle:
        url = f"postgresql+psycopg://postgres@/postgres?host={server.get_postmaster_info().socket_dir}"

        def stop(self) -> None:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)

        def start(self) -> None:
            server.ensure_postgres_running()

    yield Handle()
    server.cleanup()


def test_postgres_stopped_while_files_arrive_loses_nothing(
    settings_factory: Any, private_postgres: Any, processes: Any
) -> None:
    settings = settings_factory(database_url=private_postgres.url, stuck_after=5.0, reconcile_interval=1.0)
    database = Database(private_postgres.url)
    upgrade(database)
    truncate_all(database)
    procs = processes(settings, MARSAD_STUCK_AFTER="5", MARSAD_RECONCILE_INTERVAL="1")
    watcher, worker, beat = procs.watcher(), procs.worker(), procs.beat()
    wait_until(settings.inbox_dir.exists, 20, "watcher started")
    (settings.inbox_dir / "before.jsonl").write_bytes(jsonl_articles(10, tag="before"))
    wait_until(lambda: all_done(database, 10), 60, "first batch done")
    database.dispose()

    private_postgres.stop()
    for n in range(5):
        (settings.inbox_dir / f"during-{n}.txt").write_text(
            f"خبر أثناء الانقطاع {n}\n{ARTICLES['protest']} {n}", encoding="utf-8"
        )
    (settings.inbox_dir / "during.jsonl").write_bytes(jsonl_articles(20, tag="during"))
    time.sleep(5)
    assert all(p.poll() is None for p in (watcher, worker, beat)), procs.logs()
    private_postgres.start()

    wait_until(lambda: all_done(database, 35), 120, "all 35 documents done after the outage")
    assert file_counts(database) == {"processed": 7}
    assert all(p.poll() is None for p in (watcher, worker, beat)), "a process died during the outage"
    database.dispose()
