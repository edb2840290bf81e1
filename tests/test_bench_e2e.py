"""bench/e2e.py: its arguments, its articles, its bound and report, and one tiny run through real
processes against the test servers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import numpy as np
import pytest

from bench import e2e
from bench.e2e_articles import POOL, articles, edited_copy, read_pool, write_jsonl
from bench.e2e_bound import measure_bound
from bench.e2e_pipeline import percentile
from bench.e2e_report import HEADING, record
from workers.clean import RawDocument, clean_document
from workers.dedupe.minhash import estimate, signature

REQUIRED = {"throughput", "bound", "ratio", "latency_p50", "latency_p95", "latency_p99", "worker_rss_mb"}
REQUIRED |= {"db_mb_per_1000"}
has_pool = pytest.mark.skipif(not POOL.exists(), reason="../shared/dev is not beside the repository")


def test_e2e_arguments_default_to_the_pool_and_two_workers() -> None:
    args = e2e.parse_args([])
    assert (args.articles, args.workers, args.runs, args.corpus, args.rate) == (4000, 2, 1, "pool", 20.0)


def test_e2e_arguments_are_read() -> None:
    argv = ["--articles", "500", "--workers", "3", "--runs", "3", "--corpus", "generated"]
    argv += ["--republished", "0.2", "--stored", "1000", "--rate", "0", "--json", "--no-record"]
    args = e2e.parse_args(argv)
    assert (args.articles, args.workers, args.runs, args.republished, args.stored) == (500, 3, 3, 0.2, 1000)
    assert (args.rate, args.json, args.no_record) == (0.0, True, True)


@pytest.mark.parametrize(
    "argv", [["--articles", "0"], ["--workers", "0"], ["--rate", "-1"], ["--republished", "0.2"]]
)
def test_e2e_arguments_refuse_what_cannot_run(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        e2e.parse_args(argv)


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50, 95, 99)
    assert percentile([3.0], 0.99) == 3.0


@has_pool
def test_e2e_pool_copies_are_not_near_duplicates_of_the_pool() -> None:
    pool = read_pool()
    for index in (0, 17, 1234, len(pool) - 1):
        for k in (1, 2, 5):
            copy = edited_copy(pool, index, k)
            ours = np.asarray(signature(copy["text"]).hashvalues, dtype="<u4")
            theirs = np.asarray(signature(pool[index]["text"]).hashvalues, dtype="<u4")
            assert estimate(ours, theirs) < 0.4
            assert copy["text"] != pool[index]["text"]


def test_e2e_bound_runs_the_stages_over_a_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    write_jsonl(path, articles("generated", 30, seed=1, republished=0.2))
    measured = measure_bound(path, 2)
    assert measured["bound"] > 0
    assert measured["bound_failed"] == 0 and measured["bound_events"] > 0


def test_e2e_bound_store_finds_a_republished_copy() -> None:
    from bench.e2e_bound import MemoryStore

    made = list(articles("generated", 40, seed=3, republished=0.3))
    store = MemoryStore()
    found = [
        store.is_copy(n, clean_document(RawDocument(json.dumps(a), "application/json", {}, None)))
        for n, a in enumerate(made)
    ]
    assert any(found) and not found[0]


def test_e2e_report_adds_a_table_under_the_issue_heading(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## Another section\n\ntext\n", encoding="utf-8")
    run = {key: 1.5 for key in REQUIRED}
    summary = run | {
        "articles": 20, "workers": 2, "corpus": "pool", "republished": 0.0, "stored": 0, "rate": 20.0,
        "duration": 1.0, "runs": [run],
        "machine": {"cores": 2, "ram_gib": 8.0, "python": "3.11", "load_before": [0.1, 0.2, 0.3],
                    "date": "2026-12-03 10:00 UTC", "commit": "abc1234"},
    }  # fmt: skip
    record(summary, ["python", "-m", "bench.e2e", "--articles", "20"], results)
    record(summary, ["python", "-m", "bench.e2e", "--articles", "20"], results)
    text = results.read_text(encoding="utf-8")
    assert text.count(HEADING) == 1 and text.count("commit abc1234") == 2
    assert "| ratio throughput / bound | 1.50 | **1.50** | ≥ 0.8 |" in text
    assert text.index("## Another section") < text.index(HEADING)


@pytest.mark.slow
def test_e2e_prints_every_key_on_a_tiny_run(
    pg_server_url: str, redis_server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--articles", "20", "--workers", "2", "--corpus", "generated", "--republished", "0.2"]
    argv += ["--rate", "10", "--duration", "1", "--json", "--no-record", "--timeout", "60"]
    argv += ["--pg", pg_server_url, "--redis", redis_server_url, "--database", f"e2e_{uuid.uuid4().hex[:8]}"]
    e2e.main(argv)
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) >= REQUIRED
    assert printed["failed"] == 0 and printed["runs"][0]["latency_samples"] == 10
    assert printed["throughput"] > 0 and printed["bound"] > 0 and printed["worker_rss_mb"] > 50
