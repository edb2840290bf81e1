"""Drop → done throughput of the whole backbone (watcher, worker, PostgreSQL, Redis): the dedupe-heavy
templated load.

Its articles are one 40-word template with a number and a city changed, so all but the first of each
are near duplicates (999 of 1,000) and extraction hardly runs: it measures the backbone and the dedupe
stage, not Marsad on real work. For that, see bench/e2e.py (real articles, against the in-process bound).

Runs `marsad watch` and `marsad worker` as real processes against the PostgreSQL and Redis given by
BENCH_PG_URL / BENCH_REDIS_URL (default: the local servers), drops N short articles as one JSONL file
and as N separate files, and times each from the drop until every document is `done` in Postgres.
Reports the median of --runs runs.

    .venv/bin/python bench/throughput.py --articles 10000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import redis

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db.migrate import upgrade  # noqa: E402
from db.session import Database  # noqa: E402

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
CITIES = ["بغداد", "دمشق", "بيروت", "عمّان", "الرياض", "الدوحة", "مسقط", "الكويت", "المنامة", "القاهرة"]


def article(n: int) -> dict[str, str]:
    city = CITIES[n % len(CITIES)]
    return {
        "title": f"اجتماع في {city} حول التعاون الاقتصادي رقم {n}",
        "text": f"{city} - عقد مسؤولون من البلدين اجتماعاً اليوم لبحث سبل تعزيز التعاون الاقتصادي "
        f"والتجاري، في الجولة {n} من المشاورات، وأكد الجانبان أهمية مواصلة التنسيق بحسب بيان رسمي.",
        "source": "وكالة القياس",
    }


def fresh_database(name: str = "marsad_bench") -> str:
    """A new database `name` on the bench server (dropped first if it is there), migrated to head."""
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = PG.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    database = Database(url, pool_size=1)
    upgrade(database)
    database.dispose()
    return url


def done_count(url: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FROM documents WHERE status = 'done'").fetchone()
        return int(row[0]) if row else 0


def run_once(mode: str, count: int, concurrency: int, root: Path) -> float:
    url = fresh_database()
    redis.Redis.from_url(REDIS).flushdb()
    inbox, state = root / "inbox", root / "state"
    staging = root / "staging"
    for folder in (inbox, state, staging):
        folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BROKER_URL": REDIS,
        "INBOX_DIR": str(inbox),
        "STATE_DIR": str(state),
        "MARSAD_WORKER_CONCURRENCY": str(concurrency),
        "MARSAD_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }
    marsad = [sys.executable, "-m", "workers.cli"]
    logs = (root / "processes.log").open("ab")
    procs = [
        subprocess.Popen([*marsad, "watch"], env=env, stdout=logs, stderr=subprocess.STDOUT),
        subprocess.Popen([*marsad, "worker"], env=env, stdout=logs, stderr=subprocess.STDOUT),
    ]
    try:
        time.sleep(6)  # both processes up and idle
        if mode == "jsonl":
            staged = staging / "feed.jsonl"
            staged.write_text(
                "\n".join(json.dumps(article(n), ensure_ascii=False) for n in range(count)) + "\n"
            )
            start = time.perf_counter()
            os.replace(staged, inbox / "feed.jsonl")
        else:
            for n in range(count):
                a = article(n)
                (staging / f"a{n:05d}.txt").write_text(f"{a['title']}\n{a['text']}\n", encoding="utf-8")
            start = time.perf_counter()
            for n in range(count):
                os.replace(staging / f"a{n:05d}.txt", inbox / f"a{n:05d}.txt")
        deadline = start + 1800
        while done_count(url) < count:
            if time.perf_counter() > deadline:
                raise RuntimeError("not done after 30 minutes")
            time.sleep(0.25)
        return time.perf_counter() - start
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--mode", choices=["jsonl", "files", "both"], default="both")
    args = parser.parse_args()
    modes = ["jsonl", "files"] if args.mode == "both" else [args.mode]
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}")
    for mode in modes:
        times = []
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="mb") as tmp:
                seconds = run_once(mode, args.articles, args.concurrency, Path(tmp))
            times.append(seconds)
            print(
                f"{mode} run {run + 1}: {seconds:.1f}s, {args.articles / seconds:.0f} articles/s", flush=True
            )
        median = statistics.median(times)
        print(f"{mode} median: {median:.1f}s, {args.articles / median:.0f} articles/s")


if __name__ == "__main__":
    main()
