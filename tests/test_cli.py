"""The `marsad` command as users run it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from db.session import Database
from tests.conftest import marsad
from tests.helpers import ARTICLES, PNG_BYTES, document_counts, jsonl_articles
from workers.cli import app
from workers.settings import Settings

COMMANDS = sorted(
    [
        (c.name or (c.callback.__name__ if c.callback else "")).replace("_", "-")
        for c in app.registered_commands
    ]
    + [g.name or "" for g in app.registered_groups]
)


def test_the_documented_commands_are_all_there() -> None:
    documented = {"up", "watch", "worker", "beat", "flower", "ingest", "status", "clean", "extract", "eval"}
    assert documented | {
        "similar",
        "duplicates",
        "events",
        "report",
        "reprocess",
        "db",
        "health",
        "metrics",
    } <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(settings: Settings, command: str) -> None:
    result = marsad(settings, command, "--help")
    assert "Usage" in result.stdout


def test_status_json_has_the_documented_keys(settings: Settings, database: Database) -> None:
    report = json.loads(marsad(settings, "status", "--json").stdout)
    assert report["inbox"] == str(settings.inbox_dir)
    assert report["flower_url"] == settings.flower_url
    assert report["metrics_url"] == settings.metrics_url == "http://127.0.0.1:9808/metrics"
    assert report["documents"] == {
        s: 0 for s in ("queued", "cleaned", "deduplicated", "done", "failed", "rejected")
    }
    assert report["files"] == {"received": 0, "processed": 0, "rejected": 0, "duplicate": 0}
    assert report["queue_depth"] == 0


def test_status_json_masks_the_database_password(settings: Settings, database: Database) -> None:
    url = (settings.database_url or "").replace("postgres@", "postgres:s3cret@", 1)
    result = marsad(settings, "status", "--json", DATABASE_URL=url, check=False)
    assert "s3cret" not in result.stdout + result.stderr
    if result.returncode == 0:  # trust auth ignores the password; elsewhere it is refused, still masked
        assert "***" in json.loads(result.stdout)["database_url"]


def test_ingest_queues_files_and_folders_and_reports_problems(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    (folder / "feed.jsonl").write_bytes(jsonl_articles(30, bad_lines=(4,)))
    (folder / "bad.txt").write_bytes(PNG_BYTES)
    (folder / ".hidden.txt").write_text("x")
    result = marsad(settings, "ingest", str(folder))
    assert "3 file(s): 2 queued, 1 rejected; 31 article(s) queued" in " ".join(result.stdout.split())
    assert "line 4: bad_json" in result.stdout and "bad.txt: rejected, binary_content" in result.stdout
    assert (folder / "a.txt").exists() and (folder / "bad.txt").exists()  # the user's files stay put
    assert document_counts(database) == {"queued": 31, "rejected": 1}
    again = marsad(settings, "ingest", str(folder))
    assert "3 already_done" in again.stdout
    assert document_counts(database) == {"queued": 31, "rejected": 1}


def test_ingest_missing_path_is_a_clear_error(settings: Settings) -> None:
    result = marsad(settings, "ingest", "/no/such/place", check=False)
    assert result.returncode == 1 and "no such file or folder" in result.stderr


def test_bad_setting_stops_at_start_with_its_name(settings: Settings) -> None:
    result = marsad(settings, "status", check=False, MARSAD_MAX_ATTEMPTS="zero")
    assert result.returncode == 1 and "max_attempts" in result.stderr


def test_db_upgrade_is_idempotent(settings: Settings, database: Database) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import MIGRATIONS_DIR

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert f"revision {head}" in marsad(settings, "db", "upgrade").stdout
    assert f"revision {head}" in marsad(settings, "db", "upgrade").stdout


def test_clean_json_prints_one_object_per_article_with_the_documented_keys(
    settings: Settings, tmp_path: Path
) -> None:
    page = tmp_path / "feed.jsonl"
    page.write_bytes(jsonl_articles(2))
    result = marsad(settings, "clean", "--json", str(page))
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc"] for r in reports] == ["feed.jsonl:1", "feed.jsonl:2"]
    keys = {
        "title",
        "body",
        "author",
        "agency",
        "dateline",
        "published",
        "published_source",
        "language",
        "dropped",
    }
    assert all(keys <= set(r) for r in reports)
    assert reports[0]["published_source"] == "metadata" and reports[0]["language"] == "ar"


def test_clean_human_output_lists_dropped_lines_with_their_rules(settings: Settings, tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text("عنوان الخبر\nأخبار العالم\nفيسبوك 12مليون\n" + ARTICLES["protest"], encoding="utf-8")
    result = marsad(settings, "clean", str(article))
    assert "section_label" in result.stdout and "social_counter" in result.stdout
    assert "الرباط" in result.stdout


def test_clean_refuses_an_unreadable_file_clearly(settings: Settings, tmp_path: Path) -> None:
    picture = tmp_path / "photo.txt"
    picture.write_bytes(PNG_BYTES)
    result = marsad(settings, "clean", str(picture), check=False)
    assert result.returncode == 1 and "would be rejected: binary_content" in result.stderr


def test_extract_jsonl_prints_event_records_in_the_events_md_form(settings: Settings, tmp_path: Path) -> None:
    article = tmp_path / "call.txt"
    article.write_text(
        "عنوان\nأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الكازاخستاني نور سلطان نزارباييف.",
        encoding="utf-8",
    )
    (record,) = [json.loads(line) for line in marsad(settings, "extract", str(article)).stdout.splitlines()]
    assert record["doc"] == "call.txt" and (record["type"], record["mode"]) == ("CONSULT", "phone")
    assert {a["code"] for a in record["actors"]} == {"RUS", "KAZ"} and record["recipients"] == []
    keys = {"location", "date", "date_precision", "quad", "score", "context", "sentence", "trigger"}
    assert keys | {"char_start", "char_end", "confidence"} <= set(record)
    assert "steps" not in record
    (traced,) = [
        json.loads(line) for line in marsad(settings, "extract", "--trace", str(article)).stdout.splitlines()
    ]
    assert traced["steps"][0] == "frame:phone" and {a["source"] for a in traced["actors"]} == {"name"}


def test_eval_prints_scores_for_gold_and_documents(settings: Settings, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "عنوان\nأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الكازاخستاني نور سلطان نزارباييف.",
        encoding="utf-8",
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "a.txt", "type": "CONSULT", "actors": ["RUS", "KAZ"], "recipients": []}\n')
    scores = json.loads(marsad(settings, "eval", str(gold), "--docs", str(docs), "--json").stdout)
    assert scores["overall"]["f1"] == 1.0 and scores["by_type"]["CONSULT"]["tp"] == 1
