"""Where a worker's time goes on real articles: py-spy samples of `marsad worker` during a drop.

The real pool's articles are dropped as one JSONL into `marsad watch` + `marsad worker` (as bench/e2e.py
does, on a database of their own), and `py-spy record --subprocesses` samples the worker's main process
and its pool processes (CPU only: a process waiting on PostgreSQL or the broker is not sampled) until
every document is final. The samples are written as collapsed stacks (`--raw`, the input of any flame
graph tool, e.g. speedscope or flamegraph.pl) and summed into the share of the worker's CPU spent under
each part of the pipeline (`PARTS`): the stages themselves, the SQL around them, Celery.

    .venv/bin/python -m bench.e2e_profile --articles 4000 --workers 2 --raw /tmp/worker.collapsed

Prints a Markdown table (and appends it to bench/RESULTS.md with `--record`). PostgreSQL's own CPU
is not in it: bench/e2e.py reports it per article beside the worker's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bench.e2e import PG, REDIS, machine
from bench.e2e_articles import articles, write_jsonl
from bench.e2e_pipeline import Pipeline, drop_database, fresh_database
from bench.e2e_report import RESULTS

# (label, the frames whose samples it counts): a sample counts for a part when any of its frames is
# one of the part's; parts nest (the stages are inside the task), so the shares do not add up to 100.
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("the task (process_documents), all of it", ("process_documents",)),
    ("clean step", ("clean_step",)),
    ("· cleaning (clean_document: the stage)", ("clean_document",)),
    ("dedupe step", ("dedupe_step",)),
    ("· MinHash signatures (the stage)", ("signature", "lead_signature")),
    ("· story facts of the pair (the stage)", ("story_facts",)),
    ("· deduplicate: candidates, decisions, band rows", ("deduplicate",)),
    ("extract step", ("extract_step",)),
    ("· extraction (extract_events: the stage)", ("extract_events",)),
    ("· event store (replace_events)", ("replace_events",)),
    ("· · event rows recomputed (refresh_events)", ("refresh_events",)),
    ("claims, outcomes, retries around the steps", ("claim_attempts", "log_outcomes", "send_retries")),
    ("SQL: statements built, sent, results read", ("Session.execute", "Connection.execute")),
    ("· of which in psycopg (parameters converted, sent, answers parsed)", ("Connection.wait",)),
    ("Celery outside the task (messages, acks, events)", ()),
]
STAGES = ("clean_document", "signature", "lead_signature", "story_facts", "extract_events")


def frame_names(stack: str) -> list[str]:
    """The function names of one collapsed stack ('name (file:line)' frames, ';'-separated)."""
    return [frame.split(" (", 1)[0] for frame in stack.split(";")]


def shares(collapsed: Iterable[str]) -> tuple[int, dict[str, float]]:
    """The samples, and each part's share of them (0..1), from collapsed-stack lines."""
    total = 0
    counts: Counter[str] = Counter()
    for line in collapsed:
        stack, _, number = line.rstrip("\n").rpartition(" ")
        if not stack:
            continue
        samples = int(number)
        names = set(frame_names(stack))
        total += samples
        in_task = "process_documents" in names
        for label, frames in PARTS:
            if (frames and names.intersection(frames)) or (not frames and not in_task):
                counts[label] += samples
        if names.intersection(STAGES):
            counts["stages"] += samples
    return total, {
        label: counts[label] / total for label in [p[0] for p in PARTS] + ["stages"]
    } if total else {}


def table(total: int, found: dict[str, float]) -> str:
    lines = ["| part of the worker's CPU | share |", "|---|---|"]
    lines += [f"| {label} | {100 * found[label]:.1f} % |" for label, _ in PARTS]
    stages = f"{100 * found['stages']:.1f} %"
    lines.append(f"| **the stages alone** (cleaning, signatures, facts, extraction) | **{stages}** |")
    lines.append(f"| samples | {total} |")
    return "\n".join(lines)


def profile(count: int, workers: int, raw: Path, rate: int) -> Path:
    """Drop `count` pool articles and sample the worker with py-spy until they are final; the raw file."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    name = "marsad_e2e_profile"
    url = fresh_database(PG, name)
    root = Path(tempfile.mkdtemp(prefix="marsad-profile-"))
    try:
        staged = root / "staging" / "feed.jsonl"
        staged.parent.mkdir(parents=True)
        write_jsonl(staged, articles("pool", count))
        with Pipeline(root, url, REDIS, workers) as pipeline:
            sampler = subprocess.Popen(
                [spy, "record", "--subprocesses", "--pid", str(pipeline.processes[1].pid), "--rate",
                 str(rate), "--format", "raw", "--output", str(raw), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            time.sleep(1.0)  # py-spy attaches
            pipeline.drop_one_file(staged, timeout=1800)
            sampler.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
            _, errors = sampler.communicate(timeout=60)
            if not raw.exists():
                raise RuntimeError(f"py-spy wrote nothing: {errors.decode(errors='replace')}")
    finally:
        drop_database(PG, name)
        shutil.rmtree(root, ignore_errors=True)
    return raw


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples a second a process")
    parser.add_argument("--raw", type=Path, default=Path("worker.collapsed"), help="collapsed stacks out")
    parser.add_argument("--from-raw", action="store_true", help="summarise --raw as it is, run nothing")
    parser.add_argument("--record", action="store_true", help="append the table to bench/RESULTS.md")
    args = parser.parse_args(argv)
    if not args.from_raw:
        profile(args.articles, args.workers, args.raw, args.rate)
    with args.raw.open(encoding="utf-8") as lines:
        total, found = shares(lines)
    host = machine()
    heading = (
        f"### Profile of the worker, {args.articles} pool articles, {args.workers} workers: "
        f"{host['date']}, commit {host['commit']}"
    )
    text = f"{heading}\n\n{table(total, found)}\n"
    if args.record:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(f"\n{text}")
    print(text)
    return text


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
