"""Event dates: what a sentence's date words resolve to, and that only a trusted publication date anchors
them (never the file's modification time), in `marsad extract` and in the pipeline."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from db.models import Article, Document, EventMention
from db.models import Event as EventRow
from db.session import Database
from tests.helpers import add_documents
from workers.extract.run import extract_file
from workers.extract.timex import resolve_date
from workers.ingest.formats import Limits
from workers.pipeline import run_document

PUBLISHED = date(2018, 5, 23)  # a Wednesday
LIMITS = Limits(50_000_000, 2_000_000)
FILE_TIME = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

# Short reports written for these tests in the manner of Arabic wire copy; facts are invented.
UNDATED = (
    "بوتين يبحث مع توكاييف العلاقات الثنائية\n"
    "موسكو - أجرى الرئيس الروسي فلاديمير بوتين اليوم اتصالا هاتفيا مع نظيره الكازاخستاني قاسم جومارت "
    "توكاييف تناول العلاقات الثنائية وسبل تطويرها.\n"
    "والتقى وزير الخارجية الروسي سيرغي لافروف يوم الاثنين نظيره التركي مولود جاويش أوغلو في أنقرة."
)


# --- resolve_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("أجرى الرئيس اللبناني اليوم اتصالا هاتفيا بنظيره القبرصي.", date(2018, 5, 23)),
        ("وأعلنت وزارة الداخلية أمس اعتقال خلية إرهابية في ريف دمشق.", date(2018, 5, 22)),
        ("وأعلنت الوزارة بالأمس توقيف ثلاثة مشتبه بهم.", date(2018, 5, 22)),
        ("وكان الوزير قد التقى أول أمس السفير الفرنسي في الرياض.", date(2018, 5, 21)),
        ("وكان الوزير قد التقى أمس الأول السفير الفرنسي في الرياض.", date(2018, 5, 21)),
        ("وقصفت الطائرات الحربية الليلة الماضية مواقع للمسلحين شمال حماة.", date(2018, 5, 22)),
        ("وتصل البعثة الأممية إلى صنعاء غداً لبحث تبادل الأسرى.", date(2018, 5, 24)),
        ("واستقبل ولي العهد البحريني الاثنين وزير الدفاع الأمريكي في المنامة.", date(2018, 5, 21)),
        ("واستقبل ولي العهد البحريني يوم الإثنين وزير الدفاع الأمريكي.", date(2018, 5, 21)),
        ("وتظاهر مئات المحتجين الأربعاء أمام مبنى البرلمان في عمّان.", date(2018, 5, 23)),
        ("وكان الرئيسان قد التقيا الأربعاء الماضي في سوتشي.", date(2018, 5, 16)),
        ("وكان الرئيسان قد التقيا الجمعة الماضية في سوتشي.", date(2018, 5, 18)),
        ("ويتوجه الرئيس الفرنسي الأربعاء المقبل إلى موسكو.", date(2018, 5, 30)),
        ("ويتوجه الرئيس الفرنسي الجمعة القادمة إلى موسكو.", date(2018, 5, 25)),
        ("وقال المتحدث باسم الحكومة أمس الثلاثاء إن المفاوضات ستستأنف.", date(2018, 5, 22)),
        # The weekday disagrees with أمس (a slip of the wire): أمس is trusted.
        ("وقال المتحدث باسم الحكومة أمس الاثنين إن المفاوضات ستستأنف.", date(2018, 5, 22)),
        ("ووقع الجانبان الاتفاق في 27 أبريل/ نيسان في القاهرة.", date(2018, 4, 27)),
        ("ومن المقرر أن تعقد القمة في 15 يوليو/ تموز في هلسنكي.", date(2018, 7, 15)),
        # More than two months after publication: last year's.
        ("وكانت الهدنة قد أعلنت في 20 أيلول/ سبتمبر برعاية روسية.", date(2017, 9, 20)),
        ("وأعلن الجيش في 16 نوفمبر 2015 انتهاء العملية العسكرية.", date(2015, 11, 16)),
        # A date after منذ is where something else began; the event is today's.
        ("وقال اليوم إن المعتقل منذ 4 مايو 2017 سيطلق سراحه قريبا.", date(2018, 5, 23)),
    ],
)
def test_resolve_date_against_the_publication_day(sentence: str, expected: date) -> None:
    assert resolve_date(sentence, PUBLISHED) == (expected, "day")


def test_resolve_date_puts_a_december_day_of_a_january_article_in_the_year_before() -> None:
    sentence = "وكانت الحكومة قد أعلنت في 28 ديسمبر/ كانون الأول خطة لخفض الدعم."
    assert resolve_date(sentence, date(2018, 1, 10)) == (date(2017, 12, 28), "day")


@pytest.mark.parametrize(
    "sentence",
    [
        "وكان البرلمان قد صادق على القانون في مارس الماضي.",
        "وهي المرة الأولى التي يزور فيها مسؤول إسرائيلي مسقط منذ عام 1996.",
        "وكانت المحادثات قد توقفت في عام 2014 بعد خلاف على الحدود.",
        "ويعتصم المحتجون منذ 27 أبريل/ نيسان أمام مقر الحكومة.",
        "ويعتصم المحتجون أمام مقر الحكومة منذ صباح أمس.",
        "ويعتصم المحتجون منذ يوم الاثنين أمام مقر الحكومة.",
        "ويقبع الصحفي في السجن منذ 4 مايو 2017 دون محاكمة.",
        "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى اليوم.",
        "وفي ذلك اليوم سقط عشرات القتلى في المدينة.",
        "وفي اليوم التالي انسحبت القوات من المدينة.",
        "ووقع الاتفاق بين الاثنين بعد وساطة قطرية.",
    ],
)
def test_resolve_date_gives_no_day_for_months_years_and_bounds(sentence: str) -> None:
    assert resolve_date(sentence, PUBLISHED) == (None, "unknown")


@pytest.mark.parametrize(
    "sentence",
    [
        "أجرى الرئيس اللبناني اليوم اتصالا هاتفيا بنظيره القبرصي.",
        "وأعلنت وزارة الداخلية أمس اعتقال خلية إرهابية في ريف دمشق.",
        "واستقبل ولي العهد البحريني الاثنين وزير الدفاع الأمريكي في المنامة.",
        "ووقع الجانبان الاتفاق في 27 أبريل/ نيسان في القاهرة.",
    ],
)
def test_resolve_date_without_a_publication_day_gives_no_date(sentence: str) -> None:
    assert resolve_date(sentence, None) == (None, "unknown")


def test_resolve_date_without_a_publication_day_still_reads_a_full_date() -> None:
    sentence = "وأعلن الجيش أمس في 16 نوفمبر 2015 انتهاء العملية العسكرية."
    assert resolve_date(sentence, None) == (date(2015, 11, 16), "day")


# --- marsad extract / marsad eval: extract_file -------------------------------------------------


def written(path: Path, text: str, when: datetime = FILE_TIME) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_extract_file_does_not_date_events_of_an_undated_file_by_its_file_time(tmp_path: Path) -> None:
    records = list(extract_file(written(tmp_path / "undated.txt", UNDATED), LIMITS))
    assert records, "the test article should yield events"
    assert {(r["date"], r["date_precision"]) for r in records} == {(None, "unknown")}


def test_extract_file_dates_the_same_events_by_a_real_publication_date(tmp_path: Path) -> None:
    title, body = UNDATED.split("\n", 1)
    article = {"title": title, "text": body, "published_at": "2018-05-23T08:00:00Z"}
    path = written(tmp_path / "dated.json", json.dumps(article, ensure_ascii=False))
    records = list(extract_file(path, LIMITS))
    assert records and all(r["date_precision"] == "day" for r in records)
    assert {r["date"] for r in records} <= {"2018-05-23", "2018-05-21"}


# --- the pipeline -------------------------------------------------------------------------------


def test_pipeline_does_not_date_events_of_an_undated_document_by_its_file_time(database: Database) -> None:
    (doc_id,) = add_documents(database, [UNDATED])
    with database.session() as session:
        session.execute(update(Document).where(Document.id == doc_id).values(file_modified_at=FILE_TIME))
    run_document(database, doc_id)
    with database.session() as session:
        article = session.execute(select(Article)).scalar_one()
        events = session.execute(select(EventRow)).scalars().all()
        mentions = session.execute(select(EventMention)).scalars().all()
    assert (article.published_at, article.published_source) == (FILE_TIME, "file_time")
    assert events and mentions
    assert {(e.event_date, e.date_precision) for e in events} == {(None, "unknown")}
    assert all(m.details["date"] is None and m.details["window"] is None for m in mentions)


def test_pipeline_keeps_the_publication_warning_in_the_cleaning_audit(database: Database) -> None:
    (doc_id,) = add_documents(database, [UNDATED])
    with database.session() as session:
        session.execute(
            update(Document)
            .where(Document.id == doc_id)
            .values(raw_meta={"published_at": "Tue, 22 Ma"}, file_modified_at=FILE_TIME)
        )
    run_document(database, doc_id)
    with database.session() as session:
        article = session.execute(select(Article)).scalar_one()
        dates = set(session.execute(select(EventRow.event_date)).scalars())
    assert article.published_source == "file_time"
    (warning,) = article.cleaning["warnings"]
    assert "'Tue, 22 Ma'" in warning and "not used" in warning
    assert dates == {None}
