"""Flower under `marsad up`, on the configured test servers: behind a login, its API usable with that
login, tasks named by their files and titles, history kept across a restart; the metrics `up` serves
equal the counts in PostgreSQL; and one `up` per folder.

One `marsad up` serves the whole module (Flower takes seconds to start); the restart test comes last.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import stat
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

from db.session import Database
from tests.conftest import MARSAD, REPO, redis_client, service_env, truncate_all
from tests.helpers import ARTICLES, document_counts, stop_process, wait_until
from tests.test_metrics import grouped, scrape, sql
from tests.test_up import free_port
from workers.flower import LOGIN_FILE
from workers.settings import Settings
from workers.task_labels import shorten

pytestmark = pytest.mark.slow

# The files dropped, and the title each one's label must show.
CALL = {"title": "اتصال بين الرئيسين", "text": ARTICLES["call"]}
PAGE = f"<html><head><title>مظاهرات في الرباط</title></head><body><p>{ARTICLES['protest']}</p></body></html>"
FILES = {
    "visit.txt": (ARTICLES["visit"], shorten(ARTICLES["visit"].splitlines()[0])),
    "call.json": (json.dumps(CALL), CALL["title"]),
    "page.html": (PAGE, "مظاهرات في الرباط"),
}


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    root: Path
    state_dir: Path
    log_path: Path
    port: int
    metrics_url: str

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def credentials(self) -> str:
        return (self.state_dir / LOGIN_FILE).read_text().strip()

    def get(self, path: str, credentials: str | None = None) -> tuple[int, Any]:
        """GET a Flower path; (status, parsed JSON or text)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if credentials is not None:
            token = base64.b64encode(credentials.encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                body = response.read().decode()
                return response.status, json.loads(body) if body.startswith(("{", "[")) else body
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def children(self, role: str) -> list[int]:
        """Pids of the live children of `up` that run `marsad <role>`."""
        found = []
        for child in psutil.Process(self.process.pid).children():
            try:
                if role in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                    found.append(child.pid)
            except psutil.Error:
                continue
        return found

    def answers(self) -> bool:
        try:
            return self.get("/healthcheck")[0] == 200
        except OSError:
            return False

    def processing_tasks(self) -> dict[str, dict[str, Any]]:
        status, tasks = self.get("/api/tasks?taskname=marsad.process_documents", self.credentials())
        assert status == 200, tasks
        return dict(tasks)


@pytest.fixture(scope="module")
def running(
    database_url: str, redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    """`marsad up` on the test servers, after the files of FILES were dropped and processed."""
    database = Database(database_url, pool_size=1)
    truncate_all(database)
    client = redis_client(redis_server_url)
    client.flushdb()
    client.close()
    root = tmp_path_factory.mktemp("flower")
    settings = Settings(
        database_url=database_url,
        broker_url=redis_server_url,
        inbox_dir=root / "inbox",
        state_dir=root / "state",
        settle_seconds=0.5,
        rescan_interval=2.0,
        _env_file=None,
    )
    port, metrics_port = free_port(), free_port()
    env = service_env(settings, MARSAD_FLOWER_PORT=str(port), MARSAD_METRICS_PORT=str(metrics_port))
    log_path = root / "up.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*MARSAD, "up"], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    up = Running(process, env, root, settings.state_dir, log_path, port, metrics_url)
    try:
        wait_until(lambda: "ready" in up.log() or process.poll() is not None, 90, "marsad up ready")
        assert process.poll() is None, up.log()[-3000:]
        for name, (content, _) in FILES.items():
            (settings.inbox_dir / name).write_text(content, encoding="utf-8")
        wait_until(lambda: document_counts(database).get("done") == len(FILES), 90, "the files processed")
        wait_until(up.answers, 60, "Flower answering")
        yield up
    except BaseException:
        print(up.log()[-5000:])
        raise
    finally:
        stop_process(process, timeout=60)
        database.dispose()


def test_up_prints_the_generated_flower_login_once_and_keeps_it_private(running: Running) -> None:
    credentials = running.credentials()
    password = credentials.split(":", 1)[1]
    assert running.log().count(password) == 1
    assert f"login    {credentials} (generated" in running.log()
    assert stat.S_IMODE((running.state_dir / LOGIN_FILE).stat().st_mode) == 0o600


def test_flower_api_lists_the_tasks_by_file_name_and_title(running: Running) -> None:
    def labels() -> str:
        done = [t for t in running.processing_tasks().values() if t["state"] == "SUCCESS"]
        shown = " ".join(t["args"] for t in done)
        return shown if all(name in shown for name in FILES) else ""

    shown = wait_until(labels, 30, "Flower recording every file's task")
    for name, (_, title) in FILES.items():
        assert f"{name} «{title}»" in shown


def test_flower_api_lists_the_worker_that_ran_them(running: Running) -> None:
    status, workers = running.get("/api/workers?refresh=1", running.credentials())
    assert status == 200
    (worker_pid,) = running.children("worker")
    (name,) = [n for n in workers if n.startswith(f"marsad-{worker_pid}@")]
    assert "marsad.process_documents" in workers[name]["registered"]
    tasks = running.processing_tasks()
    assert tasks and all(t["worker"] == name for t in tasks.values() if t["state"] == "SUCCESS")


@pytest.mark.parametrize("path", ["/api/tasks", "/api/workers", "/"])
@pytest.mark.parametrize("login", [None, "marsad:wrong-password", "intruder:"])
def test_flower_refuses_calls_without_the_login(running: Running, path: str, login: str | None) -> None:
    status, _ = running.get(path, login)
    assert status == 401


def test_the_metrics_of_up_equal_the_counts_in_postgres(running: Running, database_url: str) -> None:
    database = Database(database_url, pool_size=1)
    try:
        got = scrape(running.metrics_url)
        files = sql(database, "SELECT count(*) FROM inbox_files")
        documents = grouped(database, "SELECT status, count(*) FROM documents GROUP BY status")
        events = sql(database, "SELECT count(*) FROM events")
    finally:
        database.dispose()
    assert got[("marsad_files_received_total", ())] == files == len(FILES)
    assert got[("marsad_documents", (("status", "done"),))] == documents["done"] == len(FILES)
    assert got[("marsad_documents_finished_total", (("outcome", "done"),))] == len(FILES)
    assert got[("marsad_events_total", ())] == events > 0
    assert got[("marsad_queue_depth", (("queue", Settings(_env_file=None).queue_name),))] == 0


def test_a_second_up_on_the_same_state_folder_exits_naming_the_holder(running: Running) -> None:
    second = subprocess.run(
        [*MARSAD, "up"], env=running.env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    said = " ".join((second.stdout + second.stderr).split())
    assert second.returncode == 1, said
    assert f"marsad up is already running on {running.state_dir} (pid {running.process.pid} holds" in said
    assert "starting" not in said and "started watcher" not in said
    assert running.process.poll() is None


def test_flower_restarted_keeps_the_task_history(running: Running) -> None:
    before = wait_until(running.processing_tasks, 30, "tasks in Flower")
    (old,) = running.children("flower")
    os.kill(old, signal.SIGTERM)
    wait_until(lambda: set(running.children("flower")) - {old}, 30, "Flower restarted by up")
    wait_until(running.answers, 60, "the restarted Flower answering")
    after = running.processing_tasks()
    assert set(before) <= set(after)
    assert [after[task]["args"] for task in before] == [before[task]["args"] for task in before]
