"""The backbone cleaner: display text, matching form, title and metadata."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.helpers import ARTICLES, html_page
from workers.clean import PublishedSource, RawDocument, clean_document, display_text, normalize_for_matching
from workers.clean.html import page_date, strip_site_name
from workers.clean.language import detect_language
from workers.errors import StageError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("قال\u200f الوزير\u200b", "قال الوزير"),  # bidi mark and zero-width space removed
        ("بيروت\u00a0-\u00a0وكالات", "بيروت - وكالات"),  # no-break spaces made plain
        ("\ufefbبنان", "لابنان"),  # presentation form (lam-alef ligature) to base letters
        ("سطر  أول \r\nسطر\tثان", "سطر أول\nسطر ثان"),
    ],
)
def test_display_text_keeps_letters_and_drops_invisible_controls(raw: str, expected: str) -> None:
    assert display_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مُحَمَّدٌ", "محمد"),  # diacritics
        ("القـــاهرة", "القاهره"),  # tatweel; teh marbuta to heh
        ("أحمد وإيمان وآمال", "احمد وايمان وامال"),  # alef variants
        ("مستشفى", "مستشفي"),  # alef maqsura to yeh, never to alef
        ("عام ٢٠٢٤ و۱۴۰۳", "عام 2024 و1403"),  # Arabic-Indic and extended digits
        ("Reuters  NEWS", "reuters news"),
    ],
)
def test_normalize_for_matching(raw: str, expected: str) -> None:
    assert normalize_for_matching(raw) == expected


def test_normalize_for_matching_is_idempotent() -> None:
    once = normalize_for_matching(ARTICLES["visit"])
    assert normalize_for_matching(once) == once


def test_clean_document_takes_first_short_line_as_title_and_lifts_the_dateline() -> None:
    cleaned = clean_document(RawDocument(ARTICLES["visit"], "text/plain"))
    assert cleaned.title == "وزير الخارجية الأردني يصل إلى القاهرة في زيارة رسمية"
    assert cleaned.body.startswith("وصل وزير الخارجية الأردني")
    assert (cleaned.dateline, cleaned.agency, cleaned.language) == ("القاهرة", None, "ar")
    assert [(d.rule, d.line) for d in cleaned.dropped] == []


def test_clean_document_prefers_given_title_and_drops_its_repeat_from_the_body() -> None:
    text = "عنوان الخبر\nنص الخبر هنا."
    cleaned = clean_document(RawDocument(text, "text/plain", {"title": "عنوان الخبر"}))
    assert (cleaned.title, cleaned.body) == ("عنوان الخبر", "نص الخبر هنا.")


def test_clean_document_passes_metadata_through() -> None:
    meta = {"source": "وكالة", "url": "https://x.example/a", "published_at": "2024-05-01T08:30:00Z"}
    cleaned = clean_document(RawDocument("سطر واحد فقط من الخبر", "text/plain", meta))
    assert cleaned.source == "وكالة" and cleaned.url == "https://x.example/a"
    assert cleaned.published_at == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert cleaned.body == "سطر واحد فقط من الخبر"


def test_clean_document_ignores_an_unreadable_date() -> None:
    cleaned = clean_document(RawDocument("خبر", "text/plain", {"published_at": "الأحد الماضي"}))
    assert cleaned.published_at is None


def test_clean_document_html_drops_scripts_navigation_and_footer() -> None:
    page = html_page("قمة في الدوحة", ["افتتحت القمة أعمالها اليوم.", "وحضرها عدد من القادة."]).decode()
    cleaned = clean_document(RawDocument(page, "text/html"))
    assert cleaned.title == "قمة في الدوحة"
    assert cleaned.body == "افتتحت القمة أعمالها اليوم.\nوحضرها عدد من القادة."
    for junk in ("var x", "color:#333", "الرئيسية", "جميع الحقوق"):
        assert junk not in cleaned.body


def test_clean_document_same_text_different_spelling_hashes_alike() -> None:
    a = clean_document(RawDocument("عنوان\nإلتقى الرئيسُ نظيره في القاهرة", "text/plain"))
    b = clean_document(RawDocument("عنوان\u00a0\nالتقى الرئيس نظيره في القاهره", "text/plain"))
    assert a.text_sha256 == b.text_sha256


PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>قمة في الدوحة | موقع الأخبار</title><meta property="og:title" content="قمة في الدوحة">
<meta property="article:published_time" content="2024-03-05T10:00:00+03:00">
<meta property="og:site_name" content="موقع الأخبار"><link rel="canonical" href="https://news.example/a/1">
<meta name="author" content="سامي يوسف"></head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/p">سياسة</a></li></ul></nav>
<div class="ad">إعلان</div>
<article><h1>قمة في الدوحة</h1>
<p>الدوحة - قنا - افتتحت القمة العربية أعمالها اليوم في الدوحة بمشاركة عدد كبير من القادة العرب
لبحث القضايا.</p>
<p>وقال أمير قطر في كلمة الافتتاح إن القمة تنعقد في ظروف دقيقة تتطلب توحيد المواقف العربية.</p>
<p>اقرأ أيضا:</p><ul><li><a href="/x">وزير المالية يعرض الموازنة</a></li></ul></article>
<section class="comments"><h3>التعليقات</h3><p>تعليق من زائر</p></section><footer>جميع الحقوق محفوظة</footer>
</body></html>"""


def test_clean_document_html_takes_main_text_and_page_metadata() -> None:
    cleaned = clean_document(RawDocument(PAGE, "text/html"))
    assert cleaned.title == "قمة في الدوحة"
    assert cleaned.body.startswith("افتتحت القمة العربية") and cleaned.body.endswith("المواقف العربية.")
    assert (cleaned.dateline, cleaned.agency, cleaned.author) == ("الدوحة", "QNA", "سامي يوسف")
    assert (cleaned.url, cleaned.source) == ("https://news.example/a/1", "موقع الأخبار")
    assert (cleaned.published, cleaned.published_source) == (date(2024, 3, 5), PublishedSource.HTML)
    for junk in ("الرئيسية", "إعلان", "تعليق من زائر", "جميع الحقوق", "وزير المالية"):
        assert junk not in cleaned.body


@pytest.mark.parametrize(
    ("meta", "text", "file_time", "expected"),
    [
        ({"published_at": "2024-05-01"}, "عنوان\n21 سبتمبر 2018\nنص", None, (date(2024, 5, 1), "metadata")),
        ({}, "عنوان\n21 سبتمبر 2018\nنص", datetime(2020, 1, 1, tzinfo=UTC), (date(2018, 9, 21), "text")),
        ({}, "عنوان\nنص", datetime(2020, 1, 2, 23, 0, tzinfo=UTC), (date(2020, 1, 2), "file_time")),
        ({}, "عنوان\nنص", None, (None, None)),
    ],
    ids=["metadata-first", "then-date-line", "then-file-time", "else-none"],
)
def test_clean_document_publication_date_order(
    meta: dict[str, str], text: str, file_time: datetime | None, expected: tuple[date | None, str | None]
) -> None:
    cleaned = clean_document(RawDocument(text, "text/plain", meta, file_time))
    assert (cleaned.published, cleaned.published_source) == expected


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("طوابير أمام محطات الوقود | المشرق برس", "المشرق برس", "طوابير أمام محطات الوقود"),
        ("حصاد القطن - السودان الجديد", "السودان الجديد", "حصاد القطن"),
        ("حصاد القطن | موقع الأخبار", None, "حصاد القطن"),
        ("لقاء بين الوزيرين - تفاصيل", None, "لقاء بين الوزيرين - تفاصيل"),
    ],
)
def test_strip_site_name_from_page_titles(title: str, site: str | None, expected: str) -> None:
    assert strip_site_name(title, site) == expected


def test_page_date_ignores_dates_of_other_articles_in_sidebars() -> None:
    sidebar = "".join(
        f"<li><a href='/n{i}'>خبر</a><div class='sideDate'>2017-05-0{i}</div></li>" for i in range(1, 6)
    )
    page = (
        "<html><body><article><h2>عنوان</h2><p>نص الخبر</p></article>"
        f"<div class='sidebar'><ul>{sidebar}</ul></div></body></html>"
    )
    assert page_date(page) is None
    dated = page.replace("<head>", "").replace(
        "<html>", "<html><head><meta property='article:published_time' content='2020-01-22'></head>"
    )
    assert page_date(dated) == date(2020, 1, 22)


def test_clean_document_with_no_text_fails_permanently() -> None:
    with pytest.raises(StageError) as caught:
        clean_document(RawDocument("<html><script>x</script></html>", "text/html"))
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (ARTICLES["call"], "ar"),
        ("The minister met his counterpart in Cairo.", "en"),
        ("Министр встретился", "other"),
        ("123 456", "other"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language
