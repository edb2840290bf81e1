"""The process supervisor behind `marsad up`."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import psutil

from tests.helpers import wait_until
from workers.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
# A child that starts a grandchild of its own (as Celery's pool does), then waits.
PARENT_OF_GRANDCHILD = [
    sys.executable,
    "-c",
    "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
    "time.sleep(600)",
]


def test_stop_ends_children_and_their_own_children() -> None:
    supervisor = Supervisor([Child("a", SLEEPER), Child("b", PARENT_OF_GRANDCHILD)], os.environ)
    supervisor.start()
    leader = psutil.Process(supervisor.children[1].process.pid)  # type: ignore[union-attr]
    grandchildren = wait_until(lambda: leader.children(), 10, "grandchild started")
    family = [psutil.Process(pid) for pid in supervisor.pids()] + grandchildren
    supervisor.stop()
    time.sleep(0.2)
    assert [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []


def test_a_child_that_exits_is_restarted(tmp_path: Path) -> None:
    marker = tmp_path / "starts"
    script = f"open({str(marker)!r}, 'a').write('x')"
    supervisor = Supervisor([Child("flaky", [sys.executable, "-c", script])], os.environ)
    supervisor.start()
    watcher = threading.Thread(target=supervisor.watch)
    watcher.start()
    try:
        wait_until(lambda: marker.exists() and len(marker.read_text()) >= 2, 15, "restarted at least once")
    finally:
        supervisor.stop()
        watcher.join(5)
    assert supervisor.children[0].restarts >= 1
