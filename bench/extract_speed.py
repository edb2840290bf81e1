"""Extraction speed on one core: `extract_events` alone, on cleaned articles.

The articles are the team-written test set (tests/fixtures/events/docs), and when ../shared is beside
the checkout the 5 seed articles and the 120 real articles of ../shared/dev/docs, cleaned once beforehand
and read as `marsad extract` reads them (trusted publication day, dateline, outlet, agency); the lexicons
are loaded before timing.

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
from workers.clean.report import read_articles  # noqa: E402
from workers.extract import ExtractInput, extract_events  # noqa: E402
from workers.extract.lexicon import default_lexicon  # noqa: E402
from workers.extract.run import article_files, extract_input  # noqa: E402
from workers.ingest.formats import Limits  # noqa: E402


def cleaned_inputs(paths: list[Path]) -> list[ExtractInput]:
    inputs: list[ExtractInput] = []
    for path in paths:
        parsed, file_time = read_articles(path, Limits(50_000_000, 2_000_000))
        for article in parsed.articles:
            raw = RawDocument(article.content, article.content_type, dict(article.meta), file_time)
            inputs.append(extract_input(len(inputs), clean_document(raw)))
    return inputs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20, help="passes over the article set per run")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    shared = REPO.parent / "shared"
    folders = [REPO / "tests" / "fixtures" / "events" / "docs", shared / "seeds", shared / "dev" / "docs"]
    inputs = cleaned_inputs(article_files(folder for folder in folders if folder.is_dir()))
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
