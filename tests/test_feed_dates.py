"""Feed dates: `published_at` as feeds and scrapers write it gives the publication date.

RFC 2822, a day-first date, ISO 8601 with a zone, and epoch seconds (as a JSON number and as a string)
all give that date with `published_source = metadata`, from a raw document, from a JSONL line, and
through ingest and the clean stage into the stored article. A value that cannot be read is a warning
on the article (in its cleaning audit and in `marsad clean`), never silently replaced.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Article, Document
from db.session import Database
from tests.conftest import marsad
from tests.helpers import RecordingQueue
from workers.clean import PublishedSource, RawDocument, clean_document
from workers.ingest.formats import Limits, parse_file
from workers.ingest.inbox import Ingestor
from workers.pipeline import PIPELINE, run_documents
from workers.settings import Settings

# A short wire story written for these tests; facts are invented.
STORY = (
    "افتتاح معرض للكتاب في مدينة صفاقس\n"
    "صفاقس - افتتح وزير الثقافة التونسي مساء اليوم معرضاً للكتاب في مدينة صفاقس تشارك فيه مئة دار نشر "
    "من عشر دول عربية، ويستمر عشرة أيام."
)
FILE_TIME = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PLUS_3 = timezone(timedelta(hours=3))

# (value as the feed writes it in JSON, the publication time it gives)
FEED_FORMS: list[tuple[object, datetime]] = [
    ("Wed, 06 Jun 2018 22:07:22 GMT", datetime(2018, 6, 6, 22, 7, 22, tzinfo=UTC)),
    ("18/02/2018", datetime(2018, 2, 18, tzinfo=UTC)),
    ("2018-06-06T22:07:22+03:00", datetime(2018, 6, 6, 22, 7, 22, tzinfo=PLUS_3)),
    ("2018-06-06T19:07:22Z", datetime(2018, 6, 6, 19, 7, 22, tzinfo=UTC)),
    (1528322842, datetime(2018, 6, 6, 22, 7, 22, tzinfo=UTC)),
    ("1528322842", datetime(2018, 6, 6, 22, 7, 22, tzinfo=UTC)),
    (1528322842.5, datetime(2018, 6, 6, 22, 7, 22, 500000, tzinfo=UTC)),
]
FORM_IDS = ["rfc2822", "day-first", "iso-zone", "iso-z", "epoch-number", "epoch-string", "epoch-float"]


def feed_line(published_at: object, number: int = 0) -> str:
    return json.dumps(
        {"title": f"معرض الكتاب {number}", "text": STORY, "published_at": published_at}, ensure_ascii=False
    )


@pytest.mark.parametrize(("value", "expected"), FEED_FORMS, ids=FORM_IDS)
def test_clean_document_reads_each_feed_date_form_as_metadata(value: object, expected: datetime) -> None:
    cleaned = clean_document(RawDocument(STORY, "text/plain", {"published_at": str(value)}, FILE_TIME))
    assert (cleaned.published_at, cleaned.published_source) == (expected, PublishedSource.METADATA)
    assert cleaned.warnings == ()


@pytest.mark.parametrize(("value", "expected"), FEED_FORMS, ids=FORM_IDS)
def test_jsonl_line_with_each_feed_date_form_gives_that_date(value: object, expected: datetime) -> None:
    parsed = parse_file("feed.jsonl", feed_line(value).encode(), Limits(1_000_000, 100_000))
    assert parsed.rejections == ()
    (article,) = parsed.articles
    cleaned = clean_document(
        RawDocument(article.content, article.content_type, dict(article.meta), FILE_TIME)
    )
    assert (cleaned.published_at, cleaned.published_source) == (expected, PublishedSource.METADATA)


@pytest.mark.parametrize(
    "value", [True, ["2018-06-06"], {"date": "2018-06-06"}], ids=["bool", "list", "object"]
)
def test_jsonl_line_with_a_published_at_that_is_neither_text_nor_number_is_refused(value: object) -> None:
    data = f"{feed_line(value, 1)}\n{feed_line('2018-06-06', 2)}\n".encode()
    parsed = parse_file("feed.jsonl", data, Limits(1_000_000, 100_000))
    assert [a.line for a in parsed.articles] == [2]
    assert [(r.line, r.reason) for r in parsed.rejections] == [(1, "bad_field")]


@pytest.mark.parametrize(
    "value", ["قبل ساعتين", "32/13/2018", "99999999999999"], ids=["words", "no-day", "huge"]
)
def test_an_unreadable_published_at_is_a_warning_and_the_file_time_says_so(value: str) -> None:
    cleaned = clean_document(RawDocument(STORY, "text/plain", {"published_at": value}, FILE_TIME))
    assert (cleaned.published_at, cleaned.published_source) == (FILE_TIME, PublishedSource.FILE_TIME)
    assert len(cleaned.warnings) == 1 and repr(value) in cleaned.warnings[0]


def test_feed_dates_reach_the_stored_articles_through_ingest_and_the_clean_stage(
    settings: Settings, database: Database
) -> None:
    settings.inbox_dir.mkdir(parents=True)
    lines = [feed_line(value, n) for n, (value, _) in enumerate(FEED_FORMS)] + [feed_line("أمس", 99)]
    path = settings.inbox_dir / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = Ingestor(settings, database, RecordingQueue()).ingest(path)
    assert result.documents == len(FEED_FORMS) + 1 and result.rejections == ()
    with database.session() as session:
        ids = session.execute(select(Document.id).order_by(Document.id)).scalars().all()
    run_documents(database, ids, max_attempts=3, pipeline=[s for s in PIPELINE if s.name == "clean"])
    with database.session() as session:
        stored = session.execute(
            select(Article.published_at, Article.published_source, Article.cleaning).order_by(
                Article.document_id
            )
        ).all()
    assert [(a.published_at, a.published_source) for a in stored[:-1]] == [
        (expected, "metadata") for _, expected in FEED_FORMS
    ]
    assert [a.cleaning["warnings"] for a in stored[:-1]] == [[]] * len(FEED_FORMS)
    unreadable = stored[-1]
    assert unreadable.published_source == "file_time"
    assert unreadable.cleaning["warnings"] == ["published_at 'أمس' is not a date; not used"]


def test_marsad_clean_shows_the_warnings_in_json_and_on_screen(settings: Settings, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(feed_line(1528322842, 1) + "\n" + feed_line("غدا", 2) + "\n", encoding="utf-8")
    reports = [
        json.loads(line) for line in marsad(settings, "clean", "--json", str(feed)).stdout.splitlines()
    ]
    assert (reports[0]["published"], reports[0]["published_source"]) == ("2018-06-06", "metadata")
    assert [r["warnings"] for r in reports] == [[], ["published_at 'غدا' is not a date; not used"]]
    screen = marsad(settings, "clean", str(feed)).stdout
    assert "published_at 'غدا' is not a date; not used" in screen
