"""What a new user sees when starting Marsad: plain words, no alarms when nothing is wrong."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import MARSAD
from tests.helpers import wait_until


def test_worker_started_as_root_says_so_in_one_plain_line(processes: Any, tmp_path: Path) -> None:
    running = processes()
    running.worker(concurrency=1)
    wait_until(lambda: "ready." in running.logs(), 60, "worker ready")
    log = running.logs()
    assert "absolutely not recommended" not in log and "SecurityWarning" not in log
    if os.geteuid() == 0:
        assert log.count("note: the worker runs as root") == 1


def test_clean_command_reports_an_article_it_cannot_clean(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title></title></head><body><script>var a = 1;</script></body></html>")
    shown = subprocess.run([*MARSAD, "clean", str(page)], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert "not cleaned: clean: no text left after cleaning" in shown.stdout
    as_json = subprocess.run(
        [*MARSAD, "clean", str(page), "--json"], capture_output=True, text=True, timeout=120
    )
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout) == {"doc": "empty.html", "error": "clean: no text left after cleaning"}
