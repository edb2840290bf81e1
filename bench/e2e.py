"""End to end on real articles: Marsad's throughput and latency against its own in-process bound.

Each run makes a fresh database `--database` on the PostgreSQL server BENCH_PG_URL (default the local
one), flushes the Redis database BENCH_REDIS_URL (default redis://127.0.0.1:6379/12), starts `marsad
watch` and `marsad worker --concurrency W` as processes (bench/e2e_pipeline.py), and measures:

Files are dropped as the README says is safe: written under a hidden name in the inbox, then renamed
(`--drop move-in`: written beside the inbox and moved in, which the watcher sees as a new file, not a
finished one, and reads after MARSAD_SETTLE_SECONDS).

- throughput: N articles (bench/e2e_articles.py: the real pool, extended beyond its ~4,000 articles
  by edited copies that are no near duplicates; or bench/corpus.py's generated articles) written as one
  JSONL, renamed into the inbox, until every document is final in PostgreSQL: N / (last finished_at −
  the rename);
- db_mb_per_1000: the growth of pg_database_size over that drop, per 1,000 articles;
- latency_p50/p95/p99: with `--rate R`, after the throughput drop (so on a store of N articles), one
  `.json` file an article is renamed into the inbox every 1/R s for `--duration` s (the articles after
  the N of the drop, never seen before), each file timed from its rename to its document's finished_at;
  with `--rate 0`, the drop-to-done times of the throughput drop's documents instead. The latency
  phase also gives the median time of each stage from the documents' own stamps: drop → queued (the
  watcher: `enqueued_at`), → cleaned (the queue and the clean step: `articles.created_at`), →
  deduplicated (`deduplicated_at`), → done (`finished_at`);
- worker_rss_mb: the peak of the worker's RSS summed over its process and pool processes, sampled
  every 0.2 s through both phases (the lexicons are loaded by the first article each process takes);
  also the largest one process's peak (worker_rss_mb_largest_process) and the peak of the summed PSS
  (worker_pss_mb: pages the forked processes share counted once), sampled every 2 s;
- cpu_ms_per_article_watcher/worker/postgres/redis: CPU time over the drop (user + system) of the
  watcher, the worker and its pool, and the machine's PostgreSQL and Redis server processes, per
  article (2 cores give 2,000 ms a second);
- bound: the same N articles through the same stages in W processes with no queue and no database
  (bench/e2e_bound.py; start-up excluded), and ratio = throughput / bound.

With `--stored M`, M articles are stored before the drop in bulk SQL, as bench/dedupe_scale.py grows
its store (documents, canonical articles and their 72 band rows; synthetic texts that match nothing):
the cost of looking up a large store, not of events in it. `--runs` repeats everything (a fresh
database each time) and reports medians. Unless `--no-record`, a table is added to bench/RESULTS.md
under the heading of issue 15, with the machine, the load before the runs, the date and the commit.

    .venv/bin/python -m bench.e2e --articles 4000 --workers 2 --runs 3 --rate 20 --duration 30
    .venv/bin/python -m bench.e2e --articles 4000 --corpus generated --republished 0.2 --stored 1000000
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg

from bench.e2e_articles import POOL, articles, write_jsonl
from bench.e2e_bound import measure_bound
from bench.e2e_pipeline import (
    STAGES,
    Pipeline,
    database_bytes,
    drop_database,
    fresh_database,
    percentile,
    stage_medians,
)
from bench.e2e_report import record

REPO = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
CPU_PARTS = ("watcher", "worker", "postgres", "redis")
KEYS = (
    "throughput", "bound", "ratio", "latency_p50", "latency_p95", "latency_p99", "worker_rss_mb",
    "worker_rss_mb_largest_process", "worker_pss_mb", "db_mb_per_1000", "seconds", "bound_seconds",
    "duplicates", "events", "failed", *(f"median_{stage}" for stage in STAGES),
    *(f"cpu_ms_per_article_{part}" for part in CPU_PARTS),
)  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.e2e",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--articles", type=int, default=4000, help="articles in the drop (default 4000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, and the bound's")
    parser.add_argument("--runs", type=int, default=1, help="runs; medians are reported")
    parser.add_argument("--corpus", choices=["pool", "generated"], default="pool")
    parser.add_argument("--pool", type=Path, default=POOL, help="the real pool (JSONL, gzipped)")
    parser.add_argument("--seed", type=int, default=0, help="generated corpus: its seed")
    parser.add_argument("--republished", type=float, default=0.0, help="generated corpus: share of copies")
    parser.add_argument("--stored", type=int, default=0, help="articles stored in bulk before the drop")
    parser.add_argument("--rate", type=float, default=20.0, help="articles/s of the latency phase; 0: none")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of the latency phase")
    parser.add_argument(
        "--drop",
        choices=["rename", "move-in"],
        default="rename",
        help="rename: each file is written under a hidden name in the inbox and renamed (the README's "
        "safe way); move-in: written in a folder beside the inbox and moved into it",
    )
    parser.add_argument("--database", default="marsad_e2e", help="the benchmark's database (dropped after)")
    parser.add_argument("--pg", default=PG, help="PostgreSQL server URL (BENCH_PG_URL)")
    parser.add_argument("--redis", default=REDIS, help="Redis database URL (BENCH_REDIS_URL)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a phase may take")
    parser.add_argument("--no-bound", action="store_true", help="skip the in-process bound")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-record", action="store_true", help="do not add to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.workers < 1 or args.runs < 1 or args.rate < 0 or args.stored < 0:
        parser.error("--articles, --workers and --runs must be positive, --rate and --stored not negative")
    if args.corpus == "pool" and args.republished:
        parser.error("--republished is for --corpus generated")
    return args


def preload(url: str, count: int) -> float:
    """Store `count` articles in bulk (bench/dedupe_scale.py's way), under one file row; seconds."""
    from sqlalchemy import insert

    from bench.dedupe_scale import grow
    from db.models import InboxFile
    from db.session import Database

    database = Database(url.replace("postgresql://", "postgresql+psycopg://"), pool_size=1)
    with database.session() as session:
        session.execute(
            insert(InboxFile).values(
                id=1, name="preloaded", path="/preloaded", sha256="0" * 64, size_bytes=1, status="processed"
            )
        )
    database.dispose()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setval('inbox_files_id_seq', 1)")
    return grow(url, count)


def one_run(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    url = fresh_database(args.pg, args.database)
    try:
        loaded = preload(url, args.stored) if args.stored else 0.0
        kind = {"pool": args.pool, "seed": args.seed, "republished": args.republished}
        staged = root / "staging" / "feed.jsonl"
        staged.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(staged, articles(args.corpus, args.articles, **kind))
        bound_input = root / "bound.jsonl"
        bound_input.write_bytes(staged.read_bytes())
        before = database_bytes(url)
        with Pipeline(root, url, args.redis, args.workers, move_in=args.drop == "move-in") as pipeline:
            drop = pipeline.drop_one_file(staged, args.timeout)
            grown = database_bytes(url) - before
            latencies = drop["latencies"]
            stages: dict[str, float] = {}
            if args.rate:
                later = list(articles(args.corpus, round(args.rate * args.duration), args.articles, **kind))
                moments = pipeline.drop_at_rate(later, args.rate, args.timeout)
                latencies = [m[-1] - m[0] for m in moments]
                stages = stage_medians(moments)
            memory = pipeline.worker_memory_mb()
        with psycopg.connect(url) as conn:
            duplicates, events = conn.execute(
                "SELECT (SELECT count(*) FROM article_duplicates), (SELECT count(*) FROM events)"
            ).fetchone() or (0, 0)
    finally:
        drop_database(args.pg, args.database)
    result: dict[str, Any] = {
        "throughput": args.articles / drop["seconds"],
        "seconds": drop["seconds"],
        "latency_p50": percentile(latencies, 0.50),
        "latency_p95": percentile(latencies, 0.95),
        "latency_p99": percentile(latencies, 0.99),
        "latency_samples": len(latencies),
        **memory,
        **stages,
        "db_mb_per_1000": grown / 2**20 * 1000 / args.articles,
        "duplicates": int(duplicates),
        "events": int(events),
        "failed": sum(n for s, n in drop["statuses"].items() if s != "done"),
        "preload_seconds": loaded,
        **{f"cpu_ms_per_article_{k}": v * 1000 / args.articles for k, v in drop["cpu"].items()},
    }
    if not args.no_bound:
        result |= measure_bound(bound_input, args.workers)
        result["ratio"] = result["throughput"] / result["bound"]
    return result


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()  # the tables an earlier command added are no change to the code measured
    return {
        "cores": os.cpu_count(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit + ("+changes" if dirty else ""),
    }


def summarise(args: argparse.Namespace, runs: list[dict[str, Any]], host: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {
        key: statistics.median([r[key] for r in runs]) for key in KEYS if all(key in r for r in runs)
    }
    summary |= {
        "articles": args.articles,
        "workers": args.workers,
        "corpus": args.corpus,
        "republished": args.republished,
        "stored": args.stored,
        "rate": args.rate,
        "drop": args.drop,
        "duration": args.duration if args.rate else None,
        "runs": runs,
        "machine": host,
    }
    return summary


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    host = machine()
    runs = []
    for number in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="me2e") as tmp:
            began = time.monotonic()
            runs.append(one_run(args, Path(tmp)))
        if not args.json:
            shown = {k: round(v, 3) for k, v in runs[-1].items() if isinstance(v, float)}
            print(f"run {number + 1} ({time.monotonic() - began:.0f} s): {shown}", flush=True)
    summary = summarise(args, runs, host)
    if not args.no_record:
        record(summary, ["python", "-m", "bench.e2e", *(sys.argv[1:] if argv is None else argv)])
    print(json.dumps(summary, ensure_ascii=False, indent=None if args.json else 2))
    return summary


if __name__ == "__main__":
    main()
