"""The real pipeline under measurement: `marsad watch` and `marsad worker` as processes, against the
PostgreSQL and Redis servers given, in a database of the benchmark's own.

A run's database is made afresh (dropped first if there) and migrated; the Redis database is flushed.
The processes are started with the run's inbox and state folders, and the measurement starts once the
worker's pool of processes is up. Times are taken from PostgreSQL (`documents.finished_at`, the moment
the extract step committed, on this machine's clock) against the moment a file was renamed into the
inbox. The worker's memory is sampled (every 0.2 s) over its process and all its descendants.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg
import redis
from sqlalchemy import make_url

from db.migrate import upgrade
from db.session import Database

REPO = Path(__file__).resolve().parent.parent
MARSAD = [sys.executable, "-m", "workers.cli"]
POLL_SECONDS = 0.2
PSS_EVERY = 10  # samples: reading smaps costs more than the RSS
FINAL = "('done', 'failed', 'rejected')"


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def database_url(server: str, name: str) -> str:
    """The libpq URL of database `name` on the server of `server` (a libpq or SQLAlchemy URL)."""
    return libpq(make_url(server).set(database=name).render_as_string(hide_password=False))


def redis_client(url: str) -> redis.Redis:
    """A client of a redis:// URL, or of Celery's redis+socket:// (the embedded server's socket)."""
    if url.startswith("redis+socket://"):
        path, _, query = url[len("redis+socket://") :].partition("?")
        db = int(query.split("virtual_host=")[1]) if "virtual_host=" in query else 0
        return redis.Redis(unix_socket_path=path, db=db)
    return redis.Redis.from_url(url)


def fresh_database(server: str, name: str) -> str:
    """A new, migrated database `name`; its libpq URL."""
    with psycopg.connect(libpq(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = database_url(server, name)
    database = Database(url.replace("postgresql://", "postgresql+psycopg://"), pool_size=1)
    upgrade(database)
    database.dispose()
    return url


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(libpq(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def database_bytes(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0


def last_document_id(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()
        return int(row[0]) if row else 0


@dataclass
class MemoryPeak:
    """Peaks of a process family's memory, sampled in a thread: the sum of RSS over the process and its
    descendants (every POLL_SECONDS; pages the pool's forked processes share count once in each), the
    largest one process's RSS, and the sum of PSS (shared pages divided among their users; read from
    /proc smaps, every PSS_EVERY samples, where the system gives it)."""

    pid: int
    rss_bytes: int = 0
    largest_bytes: int = 0
    pss_bytes: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def sample(self, pss: bool = False) -> None:
        try:
            root = psutil.Process(self.pid)
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = [0]
        pss_total = 0
        for process in family:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                rss.append(process.memory_info().rss)
                if pss:
                    pss_total += getattr(process.memory_full_info(), "pss", 0)
        self.rss_bytes = max(self.rss_bytes, sum(rss))
        self.largest_bytes = max(self.largest_bytes, max(rss))
        self.pss_bytes = max(self.pss_bytes, pss_total)

    def run(self) -> None:
        count = 0
        while not self.stop.wait(POLL_SECONDS):
            self.sample(pss=count % PSS_EVERY == 0)
            count += 1


def _family_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its living descendants."""
    total = 0.0
    with contextlib.suppress(psutil.NoSuchProcess):
        root = psutil.Process(pid)
        for process in (root, *root.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = process.cpu_times()
                total += times.user + times.system
    return total


def _servers_cpu() -> dict[str, float]:
    """CPU seconds of the machine's PostgreSQL and Redis server processes (all of them: on a shared
    machine, others' work on the same servers counts too)."""
    found = {"postgres": 0.0, "redis": 0.0}
    for process in psutil.process_iter(["name", "cpu_times"]):
        name, times = process.info["name"] or "", process.info["cpu_times"]
        key = "postgres" if name.startswith("postgres") else "redis" if name.startswith("redis") else None
        if key and times is not None:
            found[key] += times.user + times.system
    return found


class Pipeline:
    """The watcher and a worker of `workers` processes, on an inbox under `root`."""

    def __init__(
        self, root: Path, db_url: str, broker_url: str, workers: int, *, move_in: bool = False
    ) -> None:
        self.inbox, self.staging = root / "inbox", root / "staging"
        self.move_in = move_in
        for folder in (self.inbox, self.staging, root / "state"):
            folder.mkdir(parents=True, exist_ok=True)
        self.db_url, self.workers = db_url, workers
        self.log_path = root / "processes.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")}
        env.update(
            DATABASE_URL=db_url.replace("postgresql://", "postgresql+psycopg://"),
            BROKER_URL=broker_url,
            INBOX_DIR=str(self.inbox),
            STATE_DIR=str(root / "state"),
            MARSAD_LOG_LEVEL="WARNING",
            PYTHONPATH=str(REPO),
        )
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []
        self.memory: MemoryPeak | None = None

    def __enter__(self) -> Pipeline:
        redis_client(self.env["BROKER_URL"]).flushdb()
        log = self.log_path.open("ab")
        for argv in ([*MARSAD, "watch"], [*MARSAD, "worker", f"--concurrency={self.workers}"]):
            self.processes.append(
                subprocess.Popen(argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
            )
        self._wait_ready()
        self.memory = MemoryPeak(self.processes[1].pid)
        threading.Thread(target=self.memory.run, daemon=True).start()
        return self

    def _wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                raise RuntimeError(f"a process exited at start:\n{self.logs()}")
            with contextlib.suppress(psutil.NoSuchProcess):
                if len(psutil.Process(self.processes[1].pid).children()) >= self.workers:
                    time.sleep(2.0)  # the pool's processes connect to the broker; the watcher's scan
                    return
            time.sleep(POLL_SECONDS)
        raise RuntimeError(f"the worker's pool did not start in {timeout:.0f} s:\n{self.logs()}")

    def __exit__(self, *_: Any) -> None:
        if self.memory is not None:
            self.memory.stop.set()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def worker_memory_mb(self) -> dict[str, float]:
        """The worker's memory peaks (MemoryPeak), in MB."""
        peak = self.memory or MemoryPeak(0)
        return {
            "worker_rss_mb": peak.rss_bytes / 2**20,
            "worker_rss_mb_largest_process": peak.largest_bytes / 2**20,
            "worker_pss_mb": peak.pss_bytes / 2**20,
        }

    def wait_final(self, after_id: int, count: int, timeout: float) -> dict[str, int]:
        """Wait until `count` documents after `after_id` are done, failed or rejected; counts by status."""
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.db_url, autocommit=True) as conn:
            while True:
                rows = conn.execute(
                    "SELECT status, count(*) FROM documents WHERE id > %s GROUP BY status", (after_id,)
                ).fetchall()
                counts = {str(status): int(n) for status, n in rows}
                if sum(n for s, n in counts.items() if s in FINAL) >= count:
                    return counts
                if time.monotonic() > deadline:
                    raise RuntimeError(f"after {timeout:.0f} s: {counts}\n{self.logs()}")
                if any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"a process exited:\n{self.logs()}")
                time.sleep(POLL_SECONDS)

    def finished(self, after_id: int) -> list[tuple[str, float]]:
        """(file name, finished epoch seconds) of the done documents after `after_id`."""
        return [(name, stamps[-1]) for name, stamps in self.stamps(after_id)]

    def stamps(self, after_id: int) -> list[tuple[str, tuple[float, ...]]]:
        """The file name and the moments (epoch seconds) each done document after `after_id` was queued,
        cleaned, deduplicated and done."""
        with psycopg.connect(self.db_url) as conn:
            rows = conn.execute(
                "SELECT f.name, extract(epoch FROM d.enqueued_at), extract(epoch FROM a.created_at), "
                "extract(epoch FROM a.deduplicated_at), extract(epoch FROM d.finished_at) FROM documents d "
                "JOIN inbox_files f ON f.id = d.inbox_file_id JOIN articles a ON a.document_id = d.id "
                "WHERE d.id > %s AND d.status = 'done'",
                (after_id,),
            ).fetchall()
        return [(str(row[0]), tuple(float(x) for x in row[1:])) for row in rows]

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds so far of the watcher, the worker (its pool included) and the servers. A pool
        process's time is counted while it lives: Celery keeps them for the whole run."""
        return {
            "watcher": _family_cpu(self.processes[0].pid),
            "worker": _family_cpu(self.processes[1].pid),
            **_servers_cpu(),
        }

    def staged(self, name: str) -> Path:
        """Where a file waits to be dropped: a hidden name in the inbox, renamed to `name` to drop it (the
        README's safe way); with `move_in`, a folder beside the inbox, moved into it."""
        return self.staging / name if self.move_in else self.inbox / f".{name}"

    def drop_one_file(self, written: Path, timeout: float) -> dict[str, Any]:
        """Drop one JSONL (staged first, untimed); its documents' drop → done times."""
        staged = self.staged(written.name)
        os.replace(written, staged)
        count = sum(1 for line in staged.open(encoding="utf-8") if line.strip())
        after = last_document_id(self.db_url)
        cpu_before = self.cpu_seconds()
        dropped = time.time()
        os.replace(staged, self.inbox / written.name)
        counts = self.wait_final(after, count, timeout)
        cpu = {k: v - cpu_before[k] for k, v in self.cpu_seconds().items()}
        latencies = [at - dropped for _, at in self.finished(after)]
        return {"seconds": max(latencies), "latencies": latencies, "statuses": counts, "cpu": cpu}

    def drop_at_rate(
        self, records: list[dict[str, Any]], rate: float, timeout: float
    ) -> list[tuple[float, ...]]:
        """Drop one `.json` file an article every 1/rate s; each file's drop, queued, cleaned,
        deduplicated and done moments (epoch seconds)."""
        names = []
        for n, record in enumerate(records):
            name = f"rate-{n:06d}.json"
            self.staged(name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            names.append(name)
        after = last_document_id(self.db_url)
        dropped: dict[str, float] = {}
        start = time.monotonic()
        for n, name in enumerate(names):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            dropped[name] = time.time()
            os.replace(self.staged(name), self.inbox / name)
        self.wait_final(after, len(names), timeout)
        return [(dropped[name], *stamps) for name, stamps in self.stamps(after) if name in dropped]


STAGES = ("drop_to_queued", "queued_to_cleaned", "cleaned_to_deduplicated", "deduplicated_to_done")


def stage_medians(moments: list[tuple[float, ...]]) -> dict[str, float]:
    """The median time between each two successive moments of `Pipeline.drop_at_rate`, by stage."""
    return {
        f"median_{stage}": statistics.median(m[n + 1] - m[n] for m in moments) if moments else math.nan
        for n, stage in enumerate(STAGES)
    }


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0..1) of the values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(share * len(ordered))))
    return ordered[rank - 1]
