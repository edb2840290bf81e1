"""`marsad health`: is the pipeline able to do its work right now? One verdict with its reasons.

Four checks, each answered within HEALTH_TIMEOUT seconds so that a probe never hangs:

- **database**: PostgreSQL answers a query.
- **broker**: Redis answers a PING.
- **consuming**: some worker takes work. It fails when a document has been unfinished for longer than
  HEALTH_MAX_QUEUE_AGE and no document advanced a stage in that time: the state of a worker that is
  gone, or one that stays alive but stopped consuming after a broker reconnect (a known Celery
  failure). A long backlog that workers are draining passes: documents advance. The Celery queue's
  length in Redis is reported with it (messages waiting that nobody takes).
- **watcher**: the watcher's last inbox rescan (its heartbeat in Redis) is recent.

A check that needs a service which is down is skipped (`ok: null`), not failed twice. Nothing is
started: with DATABASE_URL or BROKER_URL unset, the embedded servers under STATE_DIR are looked for,
and a server that is not running is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Connection, create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from db.models import Document
from db.session import mask_password
from workers.broker import queue_length, redis_client
from workers.heartbeat import last_rescan
from workers.services import EMBEDDED_DATABASE, redis_registry
from workers.settings import Settings
from workers.status import ACTIVE_DOCUMENT_STATUSES, DocumentStatus

# Statuses a document reaches only when a worker (or `marsad reprocess`) ran a step on it.
_ADVANCED = (DocumentStatus.CLEANED, DocumentStatus.DEDUPLICATED, DocumentStatus.DONE, DocumentStatus.FAILED)


class CheckState(StrEnum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # depends on a service that is down


@dataclass(frozen=True)
class Check:
    name: str
    state: CheckState
    detail: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        ok = None if self.state is CheckState.SKIPPED else self.state is CheckState.OK
        return {"ok": ok, "detail": self.detail, **self.values}

    def line(self) -> str:
        return f"{self.state.value:<7} {self.name}: {self.detail}"


@dataclass(frozen=True)
class Health:
    checks: tuple[Check, ...]

    @property
    def healthy(self) -> bool:
        return all(check.state is not CheckState.FAILED for check in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {"healthy": self.healthy, "checks": {c.name: c.as_dict() for c in self.checks}}


def embedded_database_url(state_dir: Path) -> str | None:
    """The URL of the embedded PostgreSQL of `state_dir`, if its postmaster says where it listens."""
    try:
        lines = (state_dir / "pgdata" / "postmaster.pid").read_text().splitlines()
        socket_dir = lines[4].strip()
    except (OSError, IndexError):
        return None
    return f"postgresql+psycopg://postgres@/{EMBEDDED_DATABASE}?host={socket_dir}" if socket_dir else None


def embedded_broker_url(state_dir: Path) -> str | None:
    """The URL of the embedded Redis of `state_dir`, if its registry names a socket."""
    try:
        socket_file = json.loads(redis_registry(state_dir).read_text())["unixsocket"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return f"redis+socket://{socket_file}"


@contextmanager
def _connect(database_url: str, timeout: float) -> Iterator[Connection]:
    engine = create_engine(
        database_url,
        poolclass=NullPool,
        connect_args={
            "connect_timeout": max(1, round(timeout)),
            "options": f"-c statement_timeout={int(timeout * 1000)}",
        },
    )
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _short(error: BaseException) -> str:
    message = str(getattr(error, "orig", None) or error).strip().splitlines()
    return message[0] if message else type(error).__name__


def check_consuming(
    connection: Connection, max_age: float, queue_depth: int | None, queue_name: str
) -> Check:
    active = [status.value for status in ACTIVE_DOCUMENT_STATUSES]
    waiting, oldest_id, oldest_age = connection.execute(
        select(
            func.count(),
            func.min(Document.id),
            func.extract("epoch", func.now() - func.min(Document.created_at)),
        ).where(Document.status.in_(active))
    ).one()
    values: dict[str, Any] = {
        "unfinished_documents": int(waiting),
        "oldest_unfinished_seconds": round(float(oldest_age), 1) if oldest_age is not None else None,
        "queue_depth": queue_depth,
        "max_queue_age_seconds": max_age,
    }
    in_queue = "unknown" if queue_depth is None else str(queue_depth)
    if not waiting:
        return Check(
            "consuming", CheckState.OK, f"no unfinished document ({in_queue} in {queue_name})", values
        )
    summary = f"{waiting} unfinished document(s), the oldest for {float(oldest_age):.0f}s"
    if float(oldest_age) <= max_age:
        return Check("consuming", CheckState.OK, f"{summary} ({in_queue} in {queue_name})", values)
    advanced = connection.execute(
        select(
            select(Document.id)
            .where(
                Document.id >= oldest_id,
                Document.status.in_([status.value for status in _ADVANCED]),
                Document.updated_at >= func.now() - timedelta(seconds=max_age),
            )
            .exists()
        )
    ).scalar_one()
    values["advancing"] = bool(advanced)
    if advanced:
        return Check("consuming", CheckState.OK, f"{summary}; documents are advancing", values)
    if queue_depth:
        why = f"{queue_depth} message(s) wait in the queue {queue_name}: no worker is consuming"
    else:
        why = (
            f"the queue {queue_name} is {'empty' if queue_depth == 0 else 'unknown'}: no worker is "
            "consuming, or their messages were lost and wait for the reconciler (beat)"
        )
    detail = f"{summary} and none advanced in the last {max_age:.0f}s; {why}"
    return Check("consuming", CheckState.FAILED, detail, values)


def check_watcher(client: redis.Redis, queue_name: str, max_age: float) -> Check:
    rescan = last_rescan(client, queue_name)
    if rescan is None:
        return Check(
            "watcher",
            CheckState.FAILED,
            "no inbox rescan recorded in the broker: is `marsad watch` running?",
            {"last_rescan_seconds": None, "max_rescan_age_seconds": max_age},
        )
    age = rescan.age()
    values = {
        "last_rescan_seconds": round(age, 1),
        "max_rescan_age_seconds": max_age,
        "host": rescan.host,
        "pid": rescan.pid,
        "inbox": rescan.inbox,
    }
    where = f"{rescan.host} pid {rescan.pid}"
    if age > max_age:
        detail = f"the watcher ({where}) last rescanned the inbox {age:.0f}s ago, more than {max_age:.0f}s"
        return Check("watcher", CheckState.FAILED, detail, values)
    return Check("watcher", CheckState.OK, f"rescanned the inbox {age:.0f}s ago ({where})", values)


def _check_broker(broker_url: str | None, settings: Settings) -> tuple[Check, redis.Redis | None]:
    if broker_url is None:
        return Check(
            "broker", CheckState.FAILED, f"the embedded Redis of {settings.state_dir} is not running"
        ), None
    shown = mask_password(broker_url)
    client = redis_client(broker_url, settings.health_timeout)
    try:
        client.ping()
        depth = queue_length(client, settings.queue_name)
    except redis.RedisError as exc:
        client.close()
        return Check("broker", CheckState.FAILED, f"unreachable at {shown}: {_short(exc)}"), None
    return Check("broker", CheckState.OK, f"reachable at {shown}", {"queue_depth": depth}), client


def _check_database(
    database_url: str | None, settings: Settings, queue_depth: int | None
) -> tuple[Check, Check]:
    """The database check, and the consuming check that reads the documents through it."""
    not_checked = Check("consuming", CheckState.SKIPPED, "not checked: the database is unreachable")
    if database_url is None:
        message = f"the embedded PostgreSQL of {settings.state_dir} is not running"
        return Check("database", CheckState.FAILED, message), not_checked
    shown = mask_password(database_url)
    try:
        with _connect(database_url, settings.health_timeout) as connection:
            connection.execute(text("SELECT 1"))
            database = Check("database", CheckState.OK, f"reachable at {shown}")
            try:
                max_age = settings.health_max_queue_age
                return database, check_consuming(connection, max_age, queue_depth, settings.queue_name)
            except SQLAlchemyError as exc:
                failed = f"could not read the documents: {_short(exc)}"
                return database, Check("consuming", CheckState.FAILED, failed)
    except SQLAlchemyError as exc:
        return Check("database", CheckState.FAILED, f"unreachable at {shown}: {_short(exc)}"), not_checked


def check_health(settings: Settings) -> Health:
    """Run every check against the configured (or running embedded) database and broker."""
    database_url = settings.database_url or embedded_database_url(settings.state_dir)
    broker_url = settings.broker_url or embedded_broker_url(settings.state_dir)
    broker, client = _check_broker(broker_url, settings)
    database, consuming = _check_database(database_url, settings, broker.values.get("queue_depth"))
    if client is None:
        watcher = Check("watcher", CheckState.SKIPPED, "not checked: the broker is unreachable")
    else:
        try:
            watcher = check_watcher(client, settings.queue_name, settings.max_rescan_age)
        except redis.RedisError as exc:
            watcher = Check("watcher", CheckState.FAILED, f"could not read the heartbeat: {_short(exc)}")
        finally:
            client.close()
    return Health((database, broker, consuming, watcher))
