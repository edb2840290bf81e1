"""What a new user sees when starting Marsad: plain words, no alarms when nothing is wrong."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.helpers import wait_until


def test_worker_started_as_root_says_so_in_one_plain_line(processes: Any, tmp_path: Path) -> None:
    running = processes()
    running.worker(concurrency=1)
    wait_until(lambda: "ready." in running.logs(), 60, "worker ready")
    log = running.logs()
    assert "absolutely not recommended" not in log and "SecurityWarning" not in log
    if os.geteuid() == 0:
        assert log.count("note: the worker runs as root") == 1
