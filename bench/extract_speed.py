"""Extraction speed on one core: `extract_events` alone, on cleaned articles.

The articles are the team-written test set (tests/fixtures/events/docs) and the development set when
../shared is beside the checkout, cleaned once beforehand; the lexicons are loaded before timing.

    .venv/bin/python bench/extract_speed.py --repeat 20 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workers.clean import RawDocument, clean_document  # noqa: E402
from workers.extract import ExtractInput, extract_events  # noqa: E402
from workers.extract.lexicon import default_lexicon  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="passes over the article set per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    paths = sorted((REPO / "tests" / "fixtures" / "events" / "docs").glob("*.txt"))
    paths += sorted((REPO.parent / "shared" / "seeds").glob("*.txt"))
    inputs = []
    for number, path in enumerate(paths):
        cleaned = clean_document(RawDocument(path.read_text(encoding="utf-8"), "text/plain"))
        published = cleaned.published_at.date() if cleaned.published_at else None
        inputs.append(
            ExtractInput(number, cleaned.body, cleaned.normalized_text, "ar", published, cleaned.dateline)
        )
    start = time.perf_counter()
    default_lexicon()
    load = time.perf_counter() - start
    words = statistics.mean(len(i.body.split()) for i in inputs)
    rates = []
    for _ in range(args.runs):
        start = time.process_time()
        for _ in range(args.repeat):
            for item in inputs:
                extract_events(item)
        rates.append(args.repeat * len(inputs) / (time.process_time() - start))
    print(f"lexicon load: {load:.2f}s once per process")
    median = statistics.median(rates)
    runs = ", ".join(f"{r:.0f}" for r in rates)
    label = f"{len(inputs)} articles of ~{words:.0f} words x {args.repeat}"
    print(f"extraction: {label}: median {median:.0f} articles/s (runs: {runs})")


if __name__ == "__main__":
    main()
