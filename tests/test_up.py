"""`marsad up` on the zero-config default: embedded PostgreSQL and Redis, every process, clean stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest import MARSAD, REPO
from tests.helpers import ARTICLES, wait_until

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def zero_config_env(root: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "BROKER_URL"} and not k.startswith("MARSAD_")
    }
    env.update(
        {
            "INBOX_DIR": str(root / "inbox"),
            "STATE_DIR": str(root / "state"),
            "MARSAD_FLOWER_PORT": str(port),
            "MARSAD_METRICS_PORT": str(free_port()),
            "MARSAD_SETTLE_SECONDS": "0.5",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def status_json(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [*MARSAD, "status", "--json"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return dict(json.loads(out.stdout))


def test_up_zero_config_processes_a_file_and_stops_every_child_on_sigint() -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="up") as tmp:  # short: it holds Unix sockets
        root = Path(tmp)
        env = zero_config_env(root, port)
        log_path = root / "up.log"
        with log_path.open("wb") as log:
            up = subprocess.Popen([*MARSAD, "up"], env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: "ready" in log_path.read_text(errors="replace"), 90, "marsad up ready")
            banner = log_path.read_text(errors="replace")
            assert (
                str(root / "inbox") in banner
                and f"http://127.0.0.1:{port}/" in banner
                and "psql 'postgresql://" in banner
            )

            (root / "inbox" / "story.txt").write_text(ARTICLES["visit"], encoding="utf-8")
            report = wait_until(
                lambda: (r := status_json(env))["documents"]["done"] == 1 and r,  # type: ignore[index]
                90,
                "the dropped article done",
            )
            assert report["files"] == {"received": 0, "processed": 1, "rejected": 0, "duplicate": 0}
            assert report["inbox"] == str(root / "inbox")
            assert report["flower_url"] == f"http://127.0.0.1:{port}/"

            def flower_answers() -> bool:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{port}/healthcheck", timeout=2
                    ) as response:
                        return response.status == 200
                except OSError:
                    return False

            wait_until(flower_answers, 60, "Flower answering")

            def metrics_files_received() -> str | None:
                try:
                    with urllib.request.urlopen(str(report["metrics_url"]), timeout=5) as response:
                        lines = response.read().decode().splitlines()
                except OSError:
                    return None
                return next((line for line in lines if line.startswith("marsad_files_received_total")), None)

            assert wait_until(metrics_files_received, 60, "the metrics exporter") == (
                "marsad_files_received_total 1.0"
            )
            family = psutil.Process(up.pid).children(recursive=True)
            assert len(family) >= 4
            postmaster = int((root / "state" / "pgdata" / "postmaster.pid").read_text().split()[0])
            broker_socket = Path(str(report["broker_url"]).removeprefix("redis+socket://"))
            redis_server = int((broker_socket.parent / "redis.pid").read_text())
        finally:
            up.send_signal(signal.SIGINT)
            code = up.wait(timeout=90)
        assert code == 0, log_path.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
        alive = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], f"children left running: {alive}"
        for server in (postmaster, redis_server):
            assert not psutil.pid_exists(server) or psutil.Process(server).status() == psutil.STATUS_ZOMBIE
        assert "stopped." in log_path.read_text(errors="replace")
