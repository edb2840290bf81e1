"""`marsad report` for 10,000 events: how long the command takes to build the page, how big the page is,
and how long headless Chromium takes from opening it to a page a reader can use.

A fresh database `marsad_bench_report` on the PostgreSQL server BENCH_PG_URL (default: the local one),
migrated to head, is filled by bench/events_query.py's bulk loader (N events over 5 years, 200 actors
with a Zipf-like skew, 70 % with coordinates, a fifth of the articles republished, 1 to 3 mentions an
event), then each event is given an evidence sentence and source URLs as long and as varied as real
ones (the median evidence of the development set's events is 174 characters, the mean 197; one URL of
about 100 bytes): the page carries every event's evidence and URLs, gzipped, so their length and variety
make most of its size. The sentences are real ones from ../shared/dev/pool.jsonl.gz, read at run time,
when it is there.

Timed, --runs times each (the median is reported):
- build: `marsad report -o FILE` as a user runs it, a new process each time (Python's start, imports,
  the lexicon's names, the queries, the charts, vl-convert's JavaScript bundle, writing the file);
- interactive: Debian's chromium, headless, a new browser each time, from Page.navigate to the moment
  the page's script resolves `window.marsadReady` (every chart drawn, the table's first rows in place),
  by the wall clock of this process; the page's own performance.now() at that moment is printed too;
- filter: typing a word in the table's filter until its rows are shown again (in the page).

    .venv/bin/python bench/report_bench.py --events 10000 --runs 3
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import article  # noqa: E402
from bench.e2e_pipeline import fresh_database  # noqa: E402
from bench.events_query import fill  # noqa: E402
from db.session import Database  # noqa: E402
from tests.browser import Chromium, chromium_binary  # noqa: E402

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "marsad_bench_report"
POOL = REPO.parent / "shared" / "dev" / "pool.jsonl.gz"  # real articles, read here, never copied


def sentences(count: int) -> tuple[list[str], str]:
    """`count` evidence sentences as varied and as long as real ones, and where they come from: sentences
    of the real articles of ../shared/dev/pool.jsonl.gz (60 to 400 characters, as the development set's
    evidence) when it is there, else of bench/corpus.py's generated articles, two at a time (one is about
    half as long as real evidence). Varied text matters: the page is gzipped."""
    found: list[str] = []
    if POOL.exists():
        with gzip.open(POOL, "rt", encoding="utf-8") as lines:
            for line in lines:
                text = json.loads(line).get("text") or ""
                found += [
                    s.strip() for s in re.split(r"(?<=[.!؟])\s+|\n+", text) if 60 <= len(s.strip()) <= 400
                ]
                if len(found) >= count:
                    return found[:count], f"sentences of {POOL.name}"
    generated = (article(index).text.split(" - ", 1)[1].split(". ") for index in range(count))
    found = [". ".join(parts[:2]) + "." for parts in generated]
    return found[:count], "sentences of bench/corpus.py's articles"


def lengthen(libpq: str, count: int) -> str:
    """Evidence and URLs as long and varied as real ones (the loader's are short and all alike); says
    where the sentences came from."""
    evidence, origin = sentences(count)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(
            "UPDATE events AS e SET evidence = v.sentence "
            "FROM unnest(%s::bigint[], %s::text[]) AS v(id, sentence) WHERE e.id = v.id",
            (list(range(1, count + 1)), evidence),
        )
        conn.execute(
            "UPDATE events SET source_urls = ARRAY(SELECT "
            "'https://www.news' || ((id + k) % 40) || '.example/ar/politics/2026/11/' || id || '/' || k "
            "|| '-%D8%A7%D9%84%D8%AE%D8%A8%D8%B1-' || md5(id::text || k) "
            "FROM generate_series(1, num_mentions) AS k)"
        )
        conn.execute("VACUUM ANALYZE events")
        median = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY length(evidence)) FROM events"
        )
        row = median.fetchone()
    return f"{origin}, median {row[0] if row else 0:.0f} characters"


def build(libpq: str, page: Path) -> float:
    """Seconds `marsad report -o page` takes, as a new process."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MARSAD_")},
        "DATABASE_URL": libpq.replace("postgresql://", "postgresql+psycopg://"),
        "BROKER_URL": "redis://127.0.0.1:6379/14",  # never contacted by the command; set so none is started
    }
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "workers.cli", "report", "-o", str(page)],
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def phases(libpq: str) -> str:
    """Where a build's time goes, timed in this process (after the command's runs: imports are warm)."""
    from workers.atlas import code_names_shown
    from workers.atlas.page import render_page, vega_bundle
    from workers.atlas.query import report_data
    from workers.events_query import EventFilters

    database = Database(libpq.replace("postgresql://", "postgresql+psycopg://"), pool_size=1)
    began = time.perf_counter()
    data = report_data(database, EventFilters(limit=None))
    queried = time.perf_counter()
    vega_bundle()
    bundled = time.perf_counter()
    render_page(data, code_names_shown())
    rendered = time.perf_counter()
    database.dispose()
    return (
        f"queries {queried - began:.2f} s, vl-convert's JavaScript bundle {bundled - queried:.2f} s, "
        f"charts and page {rendered - bundled:.2f} s"
    )


def open_page(page: Path) -> tuple[float, float, float, int, list[tuple[str, float]]]:
    """(seconds from navigation to marsadReady by this process's clock, the page's own performance.now()
    then in seconds, seconds to filter the table, rows after filtering, the page's performance marks) in
    a new headless Chromium."""
    with Chromium(width=1280, height=900) as chromium:
        began = time.perf_counter()
        chromium.open(page.as_uri())  # navigates and waits for the load event
        in_page = chromium.evaluate("window.marsadReady")  # performance.now() when every chart is drawn
        ready = time.perf_counter() - began
        if chromium.requests != [page.as_uri()]:
            raise RuntimeError(f"the page made requests: {chromium.requests}")
        filtered = chromium.evaluate(
            "(() => { const f = document.getElementById('filter'); const t = performance.now();"
            " f.value = 'ASSAULT'; f.dispatchEvent(new Event('input'));"
            " return [performance.now() - t, document.querySelectorAll('#events tbody tr').length]; })()"
        )
        marks = chromium.evaluate(
            "performance.getEntriesByType('mark').map(m => [m.name, m.startTime])"
            ".concat([['dom-content-loaded', performance.getEntriesByType('navigation')[0]"
            ".domContentLoadedEventEnd]])"
        )
    return ready, in_page / 1000, filtered[0] / 1000, filtered[1], [(name, at) for name, at in marks]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database and the page")
    args = parser.parse_args()
    if chromium_binary() is None:
        sys.exit("no chromium binary: apt-get install chromium")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    chromium = subprocess.run([chromium_binary() or "", "--version"], capture_output=True, text=True)
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} cores, {chromium.stdout.strip()}; "
        f"commit {commit.stdout.strip()}; {time.strftime('%Y-%m-%d')}"
    )
    libpq = fresh_database(PG, NAME)
    folder = Path(tempfile.mkdtemp(prefix="marsad-report-bench-"))
    page = folder / "report.html"
    try:
        seconds, counts = fill(libpq, args.events)
        evidence = lengthen(libpq, args.events)
        print(f"filled in {seconds:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        print(f"evidence: {evidence}", flush=True)
        builds = [build(libpq, page) for _ in range(args.runs)]
        size = page.stat().st_size
        split = phases(libpq)
        opened = [open_page(page) for _ in range(args.runs)]
        print(f"page: {size / 1e6:.2f} MB ({page})")
        print("in the page (ms from navigation start, last run): " + ", ".join(
            f"{name.removeprefix('marsad:')} {at:.0f}" for name, at in opened[-1][4]))  # fmt: skip
        ready = [o[0] for o in opened]
        own = statistics.median(o[1] for o in opened)
        print(f"build (marsad report, a new process): {', '.join(f'{b:.2f} s' for b in builds)}; "
              f"median {statistics.median(builds):.2f} s; in process: {split}")  # fmt: skip
        shown = ", ".join(f"{r:.2f} s" for r in ready)
        print(f"interactive (navigate → charts drawn and table filled): {shown}; "
              f"median {statistics.median(ready):.2f} s (the page's clock: median {own:.2f} s)")  # fmt: skip
        print(f"filter 'ASSAULT' ({opened[0][3]} rows shown): median "
              f"{statistics.median(o[2] for o in opened) * 1000:.0f} ms")  # fmt: skip
    finally:
        if not args.keep:
            page.unlink(missing_ok=True)
            folder.rmdir()
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
