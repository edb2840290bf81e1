"""`marsad health` against real processes, a real PostgreSQL and a real Redis."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from db.models import Document
from db.session import Database
from tests.conftest import marsad
from tests.helpers import ARTICLES, add_documents, all_done, document_counts, wait_until
from workers.health import CheckState, check_health
from workers.heartbeat import RescanHeartbeat
from workers.settings import Settings


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def health(settings: Settings, **env: str) -> tuple[int, dict[str, Any]]:
    result = marsad(settings, "health", "--json", check=False, **env)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def failing(report: dict[str, Any]) -> set[str]:
    return {name for name, check in report["checks"].items() if check["ok"] is False}


@pytest.mark.slow
def test_health_fails_while_the_worker_is_stopped_and_passes_when_it_runs(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    running = processes(MARSAD_HEALTH_MAX_QUEUE_AGE="1")
    running.watcher()
    worker = running.worker(concurrency=1)
    (inbox / "first.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    wait_until(lambda: all_done(database, 1), 60, "the first article done")
    code, report = health(settings, MARSAD_HEALTH_MAX_QUEUE_AGE="1")
    assert (code, report["healthy"], failing(report)) == (0, True, set()), report

    os.killpg(worker.pid, signal.SIGSTOP)  # alive, but taking nothing from the queue
    try:
        # The stopped worker has already taken the first message off the list (its socket holds it);
        # the second one waits in the queue.
        (inbox / "second.txt").write_text(ARTICLES["call"], encoding="utf-8")
        wait_until(lambda: document_counts(database).get("queued") == 1, 30, "the second article queued")
        (inbox / "third.txt").write_text(ARTICLES["protest"], encoding="utf-8")
        wait_until(lambda: document_counts(database).get("queued") == 2, 30, "the third article queued")
        time.sleep(1.5)
        code, report = health(settings, MARSAD_HEALTH_MAX_QUEUE_AGE="1")
        shown = marsad(settings, "health", check=False, MARSAD_HEALTH_MAX_QUEUE_AGE="1")
    finally:
        os.killpg(worker.pid, signal.SIGCONT)
    assert code == 1 and failing(report) == {"consuming"}, report
    consuming = report["checks"]["consuming"]
    assert consuming["unfinished_documents"] == 2 and consuming["queue_depth"] >= 1
    assert shown.returncode == 1
    reasons = [line for line in shown.stdout.splitlines() if line.startswith("failed")]
    assert len(reasons) == 1 and "no worker is consuming" in reasons[0], shown.stdout

    wait_until(lambda: all_done(database, 3), 60, "the articles done once the worker goes on")
    code, report = health(settings, MARSAD_HEALTH_MAX_QUEUE_AGE="1")
    assert (code, failing(report)) == (0, set()), report


def test_health_fails_when_the_broker_is_down(settings: Settings, database: Database) -> None:
    RescanHeartbeat(settings.broker_url or "", settings.queue_name, settings.inbox_dir).record()
    code, report = health(settings, BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert code == 1 and failing(report) == {"broker"}, report
    assert report["checks"]["database"]["ok"] is True
    assert report["checks"]["watcher"]["ok"] is None  # its heartbeat lives in the broker


def test_health_fails_when_the_database_is_down(settings: Settings, database: Database) -> None:
    RescanHeartbeat(settings.broker_url or "", settings.queue_name, settings.inbox_dir).record()
    down = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/postgres"
    started = time.monotonic()
    result = marsad(settings, "health", check=False, DATABASE_URL=down)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    reasons = [line for line in result.stdout.splitlines() if line.startswith("failed")]
    assert len(reasons) == 1 and reasons[0].startswith("failed  database: unreachable"), result.stdout
    code, report = health(settings, DATABASE_URL=down)
    assert code == 1 and failing(report) == {"database"}, report
    assert report["checks"]["consuming"]["ok"] is None


def test_health_without_configured_services_starts_none(settings: Settings, tmp_path: Path) -> None:
    state = tmp_path / "empty-state"
    code, report = health(settings, DATABASE_URL="", BROKER_URL="", STATE_DIR=str(state))
    assert code == 1 and failing(report) == {"database", "broker"}, report
    assert "not running" in report["checks"]["database"]["detail"]
    assert not (state / "pgdata").exists()


def test_health_watcher_check_fails_without_a_recent_rescan(
    settings_factory: Any, database: Database
) -> None:
    settings = settings_factory(health_max_rescan_age=0.5)
    assert check_health(settings).checks[3].state is CheckState.FAILED  # nothing recorded yet
    heartbeat = RescanHeartbeat(settings.broker_url or "", settings.queue_name, settings.inbox_dir)
    heartbeat.record()
    assert check_health(settings).checks[3].state is CheckState.OK
    time.sleep(0.7)
    watcher = check_health(settings).checks[3]
    assert watcher.name == "watcher" and watcher.state is CheckState.FAILED, watcher
    assert "last rescanned the inbox" in watcher.detail


def _age(database: Database, document_ids: list[int], seconds: float) -> None:
    with database.session() as session:
        session.execute(
            update(Document)
            .where(Document.id.in_(document_ids))
            .values(created_at=datetime.now(UTC) - timedelta(seconds=seconds))
        )


def test_health_passes_a_backlog_that_workers_are_draining(settings_factory: Any, database: Database) -> None:
    settings = settings_factory(health_max_queue_age=60)
    old, newer = add_documents(database, ["قديم", "أحدث"])
    _age(database, [old, newer], 3600)
    assert check_health(settings).checks[2].state is CheckState.FAILED  # an hour old, nothing advancing
    with database.session() as session:  # a worker finished one of the backlog just now
        session.execute(update(Document).where(Document.id == newer).values(status="done"))
    consuming = check_health(settings).checks[2]
    assert consuming.state is CheckState.OK and consuming.values["advancing"] is True, consuming
