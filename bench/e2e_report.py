"""The end-to-end benchmark's table in bench/RESULTS.md, under the heading of issue 15."""

from __future__ import annotations

from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADING = "## End to end on real articles, against the in-process bound (issue 15)"
INTRO = """
`bench/e2e.py` drops N articles as one JSONL into `marsad watch` + `marsad worker` (real processes,
the machine's PostgreSQL and Redis, a database of its own) and times each document from the rename
into the inbox to its `finished_at`; then, at an offered load, one `.json` file an article every 1/rate s
on the store the drop left. The bound runs the same stages (clean, dedupe against an in-memory store,
extract) over the same articles in as many forked processes, with no queue and no database, start-up
excluded. The pool is `../shared/dev/pool.jsonl.gz` (about 4,000 real political articles, ~300 words),
read at run time. Each table is what one command printed; medians of its runs.
"""
# (key, label, digits, target)
ROWS = [
    ("throughput", "throughput (articles/s)", 1, ""),
    ("bound", "in-process bound (articles/s)", 1, ""),
    ("ratio", "ratio throughput / bound", 2, "≥ 0.8"),
    ("latency_p50", "latency p50 (s)", 2, ""),
    ("latency_p95", "latency p95 (s)", 2, "≤ 1"),
    ("latency_p99", "latency p99 (s)", 2, ""),
    ("median_drop_to_queued", "of which, median: drop → queued (watcher) (s)", 3, ""),
    ("median_queued_to_cleaned", "of which, median: queued → cleaned (queue, clean step) (s)", 3, ""),
    ("median_cleaned_to_deduplicated", "of which, median: cleaned → deduplicated (s)", 3, ""),
    ("median_deduplicated_to_done", "of which, median: deduplicated → done (extract step) (s)", 3, ""),
    ("cpu_ms_per_article_watcher", "CPU per article over the drop: watcher (ms)", 2, ""),
    ("cpu_ms_per_article_worker", "CPU per article over the drop: worker and its pool (ms)", 2, ""),
    ("cpu_ms_per_article_postgres", "CPU per article over the drop: PostgreSQL (ms)", 2, ""),
    ("cpu_ms_per_article_redis", "CPU per article over the drop: Redis (ms)", 2, ""),
    # RSS counts the pages a pool process shares with the main process once in each of them; PSS
    # divides them among their sharers, so its sum is what the worker takes from the machine.
    ("worker_pss_mb", "worker memory: PSS, peak, summed over its processes (MB)", 0, "≤ 300"),
    ("worker_rss_mb_largest_process", "worker RSS, largest one process (MB)", 0, "≤ 300"),
    ("worker_rss_mb", "worker RSS, peak, summed (shared pages counted in each process) (MB)", 0, ""),
    ("db_mb_per_1000", "database growth (MB per 1,000 articles)", 2, ""),
    ("seconds", "drop → last done (s)", 1, ""),
    ("duplicates", "articles linked as copies", 0, ""),
    ("events", "events stored", 0, ""),
]


def _cell(value: Any, digits: int) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def table(summary: dict[str, Any], command: list[str]) -> str:
    host = summary["machine"]
    runs = summary["runs"]
    load = ", ".join(f"{x:.2f}" for x in host["load_before"])
    corpus = (
        "the real pool" + (" extended by edited copies" if summary["articles"] > 4000 else "")
        if summary["corpus"] == "pool"
        else f"generated (bench/corpus.py), {summary['republished']:.0%} republished copies"
    )
    latency = (
        f"{summary['rate']:g} articles/s as single files for {summary['duration']:g} s"
        + (", each moved in from beside the inbox" if summary.get("drop") == "move-in" else "")
        if summary["rate"]
        else "drop-to-done of the JSONL's documents"
    )
    lines = [
        f"### {summary['articles']:,} {summary['corpus']} articles"
        + (f" on {summary['stored']:,} stored" if summary["stored"] else "")
        + f", {summary['workers']} workers: {host['date']}, "
        f"commit {host['commit']}",
        "",
        "```",
        " ".join(command),
        "```",
        "",
        f"Machine: {host['cores']} cores, {host['ram_gib']} GiB RAM, Python {host['python']}; load average "
        f"before the runs {load}. Corpus: {corpus}; {summary['stored']:,} articles stored before the drop. "
        f"Latency: {latency}.",
        "",
        "| measure | " + " | ".join(f"run {n + 1}" for n in range(len(runs))) + " | median | target |",
        "|---|" + "---|" * (len(runs) + 2),
    ]
    for key, label, digits, target in ROWS:
        if key not in summary:
            continue
        cells = [_cell(run.get(key), digits) for run in runs]
        lines.append(f"| {label} | {' | '.join(cells)} | **{_cell(summary[key], digits)}** | {target} |")
    return "\n".join(lines) + "\n"


def record(summary: dict[str, Any], command: list[str], path: Path = RESULTS) -> None:
    """Add the table under the issue's heading (made at the end of the file the first time)."""
    text = path.read_text(encoding="utf-8")
    block = table(summary, command)
    if HEADING not in text:
        path.write_text(text.rstrip("\n") + f"\n\n{HEADING}\n{INTRO}\n{block}", encoding="utf-8")
        return
    start = text.index(HEADING) + len(HEADING)
    following = text.find("\n## ", start)
    end = len(text) if following < 0 else following + 1
    section = text[:end].rstrip("\n") + f"\n\n{block}"
    path.write_text(section + ("\n" + text[end:] if following >= 0 else ""), encoding="utf-8")
