"""A few hundred hostile files (names, encodings, archives, sizes, kinds) into a real `marsad watch`.

The 10,000-file run is `bench/hostile_fuzz.py`; its figures are in bench/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path

from bench.hostile_fuzz import run_fuzz
from db.session import Database


def test_watcher_accounts_for_every_hostile_file_and_reads_nothing_outside(
    database: Database, database_url: str, broker_url: str, tmp_path: Path
) -> None:
    figures = run_fuzz(tmp_path, database_url, broker_url, 270, timeout=240)
    assert len(figures["kinds"]) == 27  # every kind of hostile file was dropped
    assert figures["left_in_inbox"] == 0
    assert figures["rows"] == 270  # one row per file, none twice
    assert figures["not_final"] == 0
    assert figures["rejected_without_reason"] == 0 and figures["rejected_not_moved"] == 0
    assert {"symlink", "not_regular_file", "oversize", "deep_json"} <= set(figures["reasons"])
    assert figures["watcher_alive"] and figures["watcher_peak_rss_mb"] < 500
    assert figures["documents_from_outside_the_inbox"] == 0
    assert figures["tracebacks_in_log"] == 0
