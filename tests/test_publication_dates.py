"""Publication dates: the forms feeds and scrapers write, values cut short, and which dates are trusted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from workers.clean import (
    PublishedSource,
    RawDocument,
    clean_document,
    parse_timestamp,
    trusted_publication_day,
)
from workers.clean.publication import read_publication, years_in_text

# A short wire story written for these tests; facts are invented.
STORY = (
    "وزير الخارجية المصري يزور الخرطوم\n"
    "وصل وزير الخارجية المصري إلى الخرطوم اليوم الثلاثاء في زيارة تستمر يومين يبحث خلالها ملف المياه."
)
FILE_TIME = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
PLUS_3 = timezone(timedelta(hours=3))

# --- parse_timestamp ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-02-18", datetime(2018, 2, 18, tzinfo=UTC)),
        ("2018-02-18T10:30:00", datetime(2018, 2, 18, 10, 30, tzinfo=UTC)),
        ("2018-02-18T10:30:00Z", datetime(2018, 2, 18, 10, 30, tzinfo=UTC)),
        ("2018-02-18 10:30:00+03:00", datetime(2018, 2, 18, 10, 30, tzinfo=PLUS_3)),
        ("20180218", datetime(2018, 2, 18, tzinfo=UTC)),
        ("Wed, 06 Jun 2018 22:07:22 GMT", datetime(2018, 6, 6, 22, 7, 22, tzinfo=UTC)),
        ("Wed, 06 Jun 2018 22:07:22 +0300", datetime(2018, 6, 6, 22, 7, 22, tzinfo=PLUS_3)),
        ("06 Jun 2018 22:07:22 -0000", datetime(2018, 6, 6, 22, 7, 22, tzinfo=UTC)),
        ("Wed, 06 Jun 2018", datetime(2018, 6, 6, tzinfo=UTC)),
        ("Wed, 06 June 2018 22:", datetime(2018, 6, 6, tzinfo=UTC)),  # the time cut: the day stands
        ("18/02/2018", datetime(2018, 2, 18, tzinfo=UTC)),
        ("18-02-2018", datetime(2018, 2, 18, tzinfo=UTC)),
        ("18.02.2018", datetime(2018, 2, 18, tzinfo=UTC)),
        ("1518912000", datetime(2018, 2, 18, tzinfo=UTC)),
        (" 1518912000.5 ", datetime(2018, 2, 18, 0, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_reads_the_forms_feeds_write(value: str, expected: datetime) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", "الأحد الماضي", "Tue, 22 Ma", "2018-02-30", "31/02/2018", "02/18/2018", "12345"],
)
def test_parse_timestamp_gives_none_for_what_is_not_a_whole_date(value: str | None) -> None:
    assert parse_timestamp(value) is None


# --- read_publication: values cut short ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/ar/arab-and-world/2018/05/22/story.html",
        "https://news.example/ar/20180522-story",
        "https://news.example/archive/2018-05-22/story",
    ],
)
def test_read_publication_completes_a_cut_value_from_the_date_in_its_url(url: str) -> None:
    # 22 March 2018 was a Thursday, 22 May 2018 a Tuesday: one reading fits.
    reading = read_publication("Tue, 22 Ma", url=url, texts=[STORY])
    assert reading.value == datetime(2018, 5, 22, tzinfo=UTC)
    assert reading.warning is not None and "URL" in reading.warning and "2018-05-22" in reading.warning


def test_read_publication_completes_a_cut_value_from_the_year_the_text_names() -> None:
    text = "قال المتحدث إن الحكومة ستعرض موازنة عام ٢٠١٨ على البرلمان خلال أيام."  # Arabic-Indic digits
    reading = read_publication("Sat, 02 Ju", url="https://news.example/world/1054067", texts=[text])
    assert reading.value == datetime(2018, 6, 2, tzinfo=UTC)  # 2 June 2018 was a Saturday; 2 July a Monday
    assert reading.warning is not None and "text" in reading.warning


def test_read_publication_prefers_the_url_date_to_the_years_in_the_text() -> None:
    text = "وكانت الحكومة قد أقرت الخطة في عام 2014."
    reading = read_publication("Sun, 04 Ma", url="https://news.example/2018/03/04/a", texts=[text])
    assert reading.value == datetime(2018, 3, 4, tzinfo=UTC)


def test_read_publication_leaves_an_ambiguous_cut_value_unknown_with_a_warning() -> None:
    # Both 4 May 2014 and 4 March 2018 were Sundays.
    text = "وأشار إلى اتفاق وقع عام 2014 وإلى جولة المحادثات التي جرت عام 2018."
    reading = read_publication("Sun, 04 Ma", url=None, texts=[text])
    assert reading.value is None and reading.warning is not None
    assert all(part in reading.warning for part in ("'Sun, 04 Ma'", "2014-05-04", "2018-03-04"))


def test_read_publication_leaves_a_cut_value_unknown_when_the_article_names_no_year() -> None:
    reading = read_publication("Tue, 22 Ma", url="https://news.example/world-43303521", texts=[STORY])
    assert reading.value is None and reading.warning is not None and "no year" in reading.warning


def test_read_publication_does_not_date_an_article_by_an_older_year_than_it_names() -> None:
    # 4 May 2014 fits "Sun, 04 Ma", but the article also names 2016: it was not written in 2014.
    text = "أعيد افتتاح المعبر عام 2014 ثم أغلق مجددا في عام 2016."
    assert read_publication("Sun, 04 Ma", url=None, texts=[text]).value is None


def test_read_publication_needs_the_weekday_to_complete_a_value() -> None:
    assert read_publication("22 Ma", url="https://news.example/2018/05/22/a", texts=[]).value is None


def test_read_publication_warns_about_a_value_that_is_no_date() -> None:
    reading = read_publication("الأحد الماضي", url=None, texts=[STORY])
    assert reading.value is None and reading.warning is not None and "not a date" in reading.warning


def test_read_publication_reads_a_whole_value_without_a_warning() -> None:
    assert read_publication("2018-05-22", url=None, texts=[]) == read_publication(
        "Tue, 22 May 2018 00:00:00 GMT", url=None, texts=[]
    )
    assert read_publication("2018-05-22", url=None, texts=[]).warning is None


def test_years_in_text_keeps_plausible_publication_years_only() -> None:
    assert years_in_text(["في 1989 و1990 و2035 و2036", "عام ٢٠١٥", "رقم 12018"]) == [1990, 2015, 2035]


# --- clean_document -----------------------------------------------------------------------------


def test_clean_document_completes_a_cut_value_and_keeps_the_warning() -> None:
    meta = {"published_at": "Tue, 22 Ma", "url": "https://news.example/ar/2018/05/22/story.html"}
    cleaned = clean_document(RawDocument(STORY, "text/plain", meta, FILE_TIME))
    assert (cleaned.published, cleaned.published_source) == (date(2018, 5, 22), PublishedSource.METADATA)
    assert len(cleaned.warnings) == 1 and "cut short" in cleaned.warnings[0]


def test_clean_document_completes_a_cut_value_from_a_year_in_the_title() -> None:
    title = "وزير الخارجية المصري يبحث في الخرطوم موازنة المياه لعام 2018"
    meta = {"published_at": "Tue, 22 Ma", "title": title}
    cleaned = clean_document(RawDocument(STORY, "text/plain", meta))
    assert cleaned.published == date(2018, 5, 22)


def test_clean_document_never_silently_replaces_an_unreadable_value() -> None:
    meta = {"published_at": "Tue, 22 Ma"}  # no year anywhere: cannot be completed
    cleaned = clean_document(RawDocument(STORY, "text/plain", meta, FILE_TIME))
    assert (cleaned.published_at, cleaned.published_source) == (FILE_TIME, PublishedSource.FILE_TIME)
    assert cleaned.trusted_published is None
    assert len(cleaned.warnings) == 1 and "'Tue, 22 Ma'" in cleaned.warnings[0]


def test_clean_document_falls_back_to_the_date_line_with_a_warning() -> None:
    text = "عنوان الخبر\n22 مايو 2018\n" + STORY
    cleaned = clean_document(RawDocument(text, "text/plain", {"published_at": "قبل ساعتين"}, FILE_TIME))
    assert (cleaned.published, cleaned.published_source) == (date(2018, 5, 22), PublishedSource.TEXT)
    assert cleaned.warnings and "not a date" in cleaned.warnings[0]


def test_clean_document_has_no_warning_for_a_whole_value_or_none() -> None:
    for meta in ({"published_at": "2018-05-22T08:00:00Z"}, {}):
        assert clean_document(RawDocument(STORY, "text/plain", meta, FILE_TIME)).warnings == ()


# --- which dates anchor events ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (PublishedSource.METADATA, date(2018, 5, 22)),
        (PublishedSource.HTML, date(2018, 5, 22)),
        (PublishedSource.TEXT, date(2018, 5, 22)),
        ("text", date(2018, 5, 22)),  # as the articles table stores it
        (PublishedSource.FILE_TIME, None),
        ("file_time", None),
        (None, None),
    ],
)
def test_trusted_publication_day_never_takes_the_file_time(source: str | None, expected: date | None) -> None:
    assert trusted_publication_day(datetime(2018, 5, 22, 8, tzinfo=UTC), source) == expected


def test_trusted_publication_day_of_no_date_is_none() -> None:
    assert trusted_publication_day(None, PublishedSource.METADATA) is None


def test_cleaned_article_of_an_undated_file_has_no_trusted_day() -> None:
    cleaned = clean_document(RawDocument(STORY, "text/plain", {}, FILE_TIME))
    assert cleaned.published == FILE_TIME.date() and cleaned.trusted_published is None
