"""Log lines: one per file and per document outcome; JSON objects, one a line, with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from db.session import Database
from tests.helpers import ARTICLES, all_done, jsonl_articles, wait_until
from workers.logs import JsonLineFormatter


def test_json_formatter_writes_one_object_with_the_fields_of_the_call() -> None:
    try:
        raise ValueError("bad\nbytes")
    except ValueError:
        record = logging.LogRecord("workers.x", logging.WARNING, __file__, 1, "%s: done", ("a.txt",), None)
        record.exc_info = sys.exc_info()
    record.__dict__.update({"file": "a.txt", "document_id": 7, "outcome": "done"})
    line = JsonLineFormatter("worker").format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["time"].endswith("+00:00") and parsed["level"] == "WARNING"
    assert (parsed["logger"], parsed["role"], parsed["message"]) == ("workers.x", "worker", "a.txt: done")
    assert (parsed["file"], parsed["document_id"], parsed["outcome"]) == ("a.txt", 7, "done")
    assert "ValueError: bad" in parsed["exception"]
    assert "args" not in parsed and "lineno" not in parsed


def read_lines(log_dir: Path, prefix: str) -> list[dict[str, Any]]:
    lines = [
        line
        for path in sorted(log_dir.glob(f"{prefix}-*.log"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [json.loads(line) for line in lines]  # each line must be one JSON object


@pytest.mark.slow
def test_watcher_and_worker_write_json_lines_per_file_and_per_document(
    database: Database, inbox: Path, processes: Any, tmp_path: Path
) -> None:
    running = processes(MARSAD_LOG_FORMAT="json")
    running.watcher()
    running.worker(concurrency=1)
    (inbox / "visit.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    (inbox / "feed.jsonl").write_bytes(jsonl_articles(2, bad_lines=[3]))
    wait_until(lambda: all_done(database, 3), 60, "three articles done")

    def outcome_lines() -> list[dict[str, Any]]:
        lines = read_lines(tmp_path, "worker")
        return [line for line in lines if "document_id" in line]

    documents = wait_until(lambda: len(outcome_lines()) == 3 and outcome_lines(), 10, "3 outcome lines")
    assert {(d["file"], d["line"], d["outcome"]) for d in documents} == {
        ("visit.txt", None, "done"),
        ("feed.jsonl", 1, "done"),
        ("feed.jsonl", 2, "done"),
    }
    watcher = read_lines(tmp_path, "watch")
    files = {(line["file"], line["outcome"]) for line in watcher if "file" in line}
    assert files == {("visit.txt", "queued"), ("feed.jsonl", "queued"), ("feed.jsonl", "rejected")}
    refused = next(line for line in watcher if line.get("outcome") == "rejected")
    assert (refused["line"], refused["reason"], refused["level"]) == (3, "bad_json", "WARNING")
    for line in [*watcher, *documents]:
        assert {"time", "level", "logger", "role", "message"} <= set(line)
