"""A file read in part: its refused lines are easy to find, beside the file and in `marsad status`."""

from __future__ import annotations

import json
from pathlib import Path

from db.session import Database
from tests.conftest import marsad
from tests.helpers import RecordingQueue, jsonl_articles
from workers.ingest.inbox import Ingestor, Outcome
from workers.settings import AfterProcessing, Settings


def test_ingestor_writes_the_refused_lines_beside_the_processed_file(
    settings: Settings, database: Database
) -> None:
    settings.inbox_dir.mkdir(parents=True)
    path = settings.inbox_dir / "feed.jsonl"
    path.write_bytes(jsonl_articles(3, bad_lines=[2, 4]))
    result = Ingestor(settings, database, RecordingQueue()).ingest(path)
    assert (result.outcome, result.documents) == (Outcome.QUEUED, 3)
    [note] = settings.processed_path.glob("*/feed.jsonl.rejected.txt")
    lines = note.read_text(encoding="utf-8").splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 2", "line 4"]
    assert all(": bad_json: " in line for line in lines)
    assert "هذا السطر ليس JSON" in lines[1]  # the start of the line, to find it by eye


def test_ingestor_leaves_no_note_in_the_inbox_when_files_are_kept(
    settings_factory: object, database: Database
) -> None:
    settings = settings_factory(after_processing=AfterProcessing.KEEP)  # type: ignore[operator]
    settings.inbox_dir.mkdir(parents=True)
    path = settings.inbox_dir / "feed.jsonl"
    path.write_bytes(jsonl_articles(2, bad_lines=[1]))
    Ingestor(settings, database, RecordingQueue()).ingest(path)
    assert sorted(p.name for p in settings.inbox_dir.rglob("*")) == ["feed.jsonl"]


def test_status_lists_recent_refused_lines(settings: Settings, database: Database, tmp_path: Path) -> None:
    settings.inbox_dir.mkdir(parents=True)
    path = settings.inbox_dir / "feed.jsonl"
    path.write_bytes(jsonl_articles(2, bad_lines=[3]))
    Ingestor(settings, database, RecordingQueue()).ingest(path)
    report = json.loads(marsad(settings, "status", "--json").stdout)
    assert [(p["file"], p["line"], p["reason"]) for p in report["recent_refused_parts"]] == [
        ("feed.jsonl", 3, "bad_json")
    ]
    text = marsad(settings, "status").stdout
    assert "feed.jsonl line 3: bad_json" in text
