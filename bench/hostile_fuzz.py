"""Fuzz the inbox: thousands of hostile files into a real `marsad watch`, then account for each.

Drops a deterministic corpus (`tests/hostile_corpus.py`: names that are not UTF-8 or hold newlines,
255-byte names, Windows-1256, UTF-16 without a byte-order mark, stray bytes, deep JSON, gzip and zip
bombs, archive members with `..`, truncated archives, FIFOs, links out of the inbox and to folders)
into the inbox of a real watcher process on PostgreSQL and Redis, samples the watcher's memory, and
checks that every file ended processed, duplicate or rejected with a reason, that the inbox is empty,
that the watcher is alive, and that nothing outside the inbox (a canary file, /etc/passwd) was read.

    .venv/bin/python -m bench.hostile_fuzz --files 10000 --json

Servers: BENCH_PG_URL (default the local PostgreSQL) and BENCH_REDIS_URL (default the local Redis, db 12).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.throughput import fresh_database  # noqa: E402
from db.models import Document, InboxFile  # noqa: E402
from db.session import Database  # noqa: E402
from tests.hostile_corpus import CANARY, left_in_inbox, make_corpus  # noqa: E402

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
FINAL_FILE_STATUSES = {"processed", "rejected", "duplicate"}


def run_fuzz(
    workdir: Path,
    database_url: str,
    broker_url: str,
    files: int,
    *,
    max_bytes: int = 2_000_000,
    timeout: float = 1800.0,
    seed: int = 7,
) -> dict[str, Any]:
    """Drop `files` hostile entries into a watched inbox and account for each; returns the figures."""
    inbox = workdir / "inbox"
    inbox.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
    env.update(
        DATABASE_URL=database_url,
        BROKER_URL=broker_url,
        INBOX_DIR=str(inbox),
        STATE_DIR=str(workdir / "state"),
        MARSAD_MAX_FILE_BYTES=str(max_bytes),
        MARSAD_SETTLE_SECONDS="0.5",
        MARSAD_RESCAN_INTERVAL="5",
        MARSAD_LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    log_path = workdir / "watch.log"
    with log_path.open("wb") as log:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "workers.cli", "watch"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    process = psutil.Process(watcher.pid)
    peak_rss = 0

    def sample() -> None:
        nonlocal peak_rss
        with contextlib.suppress(psutil.Error):  # it may have died: the report says so
            peak_rss = max(peak_rss, process.memory_info().rss)

    try:
        time.sleep(2.0)
        started = time.monotonic()
        dropped = make_corpus(
            inbox, workdir / "staging", workdir / "outside", files, max_bytes=max_bytes, seed=seed
        )
        excluded = (inbox / "processed", inbox / "rejected")
        deadline = started + timeout
        left = left_in_inbox(inbox, excluded)
        while left and time.monotonic() < deadline and watcher.poll() is None:
            sample()
            time.sleep(0.5)
            left = left_in_inbox(inbox, excluded)
        elapsed = time.monotonic() - started
        sample()
        alive = watcher.poll() is None
    finally:
        watcher.terminate()
        try:
            watcher.wait(20)
        except subprocess.TimeoutExpired:
            watcher.kill()
    database = Database(database_url, pool_size=1)
    with database.session() as session:
        rows = session.execute(select(InboxFile.status, InboxFile.reason, InboxFile.moved_to)).all()
        leaked = session.execute(
            select(Document.id).where(
                Document.raw_content.contains(CANARY) | Document.raw_content.contains("root:x:0:0")
            )
        ).all()
    database.dispose()
    log_text = log_path.read_text(errors="replace")
    statuses = Counter(row.status for row in rows)
    return {
        "files": files,
        "kinds": dict(Counter(d.kind for d in dropped)),
        "seconds": round(elapsed, 1),
        "files_per_second": round(files / elapsed, 1) if elapsed else None,
        "left_in_inbox": len(left),
        "rows": len(rows),
        "statuses": dict(statuses),
        "not_final": sum(1 for row in rows if row.status not in FINAL_FILE_STATUSES),
        "rejected_without_reason": sum(1 for row in rows if row.status == "rejected" and not row.reason),
        "rejected_not_moved": sum(1 for row in rows if row.status == "rejected" and not row.moved_to),
        "reasons": dict(Counter(row.reason for row in rows if row.status == "rejected")),
        "watcher_alive": alive,
        "watcher_peak_rss_mb": round(peak_rss / 2**20, 1),
        "documents_from_outside_the_inbox": len(leaked),
        "tracebacks_in_log": log_text.count("Traceback"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mfuzz") as work:
        figures = run_fuzz(Path(work), fresh_database("marsad_fuzz"), REDIS, args.files, seed=args.seed)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            print(f"{key:34} {value}")
    ok = (
        figures["left_in_inbox"] == 0
        and figures["rows"] == args.files
        and figures["not_final"] == 0
        and figures["rejected_without_reason"] == 0
        and figures["watcher_alive"]
        and figures["watcher_peak_rss_mb"] < 500
        and figures["documents_from_outside_the_inbox"] == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
