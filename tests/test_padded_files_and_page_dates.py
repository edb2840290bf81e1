"""Real files: Windows-1256 articles padded with NUL bytes are read, not refused.

A whole legacy corpus ends every file in one NUL byte. Padding NULs and a few stray control characters
in an otherwise textual file are stripped, with a note that reaches the cleaning audit; a file is
binary when its content says so (a signature, a high share of NUL bytes), not because of one byte.
The articles are team-written; facts are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Article, Document
from db.session import Database
from tests.helpers import RecordingQueue, zip_bytes
from workers.clean import PublishedSource, RawDocument, clean_document
from workers.errors import Reason, RejectedInput
from workers.ingest.decode import decode_text
from workers.ingest.formats import DECODING_NOTE, Limits, parse_file
from workers.ingest.inbox import Ingestor
from workers.pipeline import PIPELINE, run_documents
from workers.settings import Settings

LIMITS = Limits(max_bytes=1_000_000, max_article_chars=200_000)

# Team-written, in the manner of a Levantine daily's archive.
LEGACY = {
    "harvest": (
        "موسم قطاف الزيتون يبدأ مبكراً في سهل حوران\n"
        "درعا - بدأ المزارعون في سهل حوران قطاف الزيتون قبل موعده المعتاد بأسبوعين، بعد صيف حار "
        "أنضج الثمار باكراً، وتوقعت مديرية الزراعة إنتاجاً يفوق إنتاج العام الماضي.\n"
        "وقال رئيس الجمعية الفلاحية إن المعاصر ستفتح أبوابها مطلع الشهر المقبل."
    ),
    "library": (
        "افتتاح مكتبة عامة جديدة في حي الميدان\n"
        "دمشق - افتتحت المحافظة مكتبة عامة في حي الميدان تضم أكثر من عشرين ألف كتاب وقاعة للمطالعة "
        "مخصصة للأطفال، على أن تفتح أبوابها للزوار ستة أيام في الأسبوع.\n"
        "وأوضح مدير المكتبة أن الاشتراك فيها مجاني لطلاب المدارس والجامعات."
    ),
    "bridge": (
        "إعادة فتح جسر الرستن أمام حركة الشاحنات\n"
        "حمص - أعادت وزارة النقل فتح جسر الرستن أمام الشاحنات بعد أعمال صيانة استمرت ثلاثة أشهر، "
        "شملت تدعيم الركائز وتجديد طبقة الإسفلت على امتداد الجسر.\n"
        "وأكد المهندس المشرف أن الجسر بات قادراً على تحمل الأوزان الثقيلة."
    ),
}


def legacy_bytes(text: str, tail: bytes = b"\x00") -> bytes:
    """An article as the legacy corpus stores it: Windows-1256, CRLF lines, one NUL byte at the end."""
    return text.replace("\n", "\r\n").encode("windows-1256") + tail


# -- decoding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [b"\x00", b"\x00" * 3, b"\x00" * 4000],
    ids=["one-nul", "three-nuls", "padded-to-a-block"],
)
def test_decode_text_reads_windows_1256_padded_with_nul_bytes(tail: bytes) -> None:
    text, encoding = decode_text(legacy_bytes(LEGACY["harvest"], tail))
    assert encoding == "windows-1256"
    assert text == LEGACY["harvest"].replace("\n", "\r\n")


LIBRARY = LEGACY["library"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (LIBRARY.encode("utf-8") + b"\x00", LIBRARY),
        (LIBRARY.encode("utf-8").replace(" في ".encode(), b" \x00 ", 1), LIBRARY.replace(" في ", "  ", 1)),
        (LIBRARY.encode("utf-8") + b"\x1a", LIBRARY),  # the DOS end-of-file mark
        (LIBRARY.encode("windows-1256").replace(b" ", b" \x07", 1), LIBRARY),
    ],
    ids=["utf8-trailing-nul", "utf8-stray-nul", "utf8-ctrl-z", "1256-stray-bell"],
)
def test_decode_text_strips_stray_nuls_and_control_characters_from_text(data: bytes, expected: str) -> None:
    assert decode_text(data)[0] == expected


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,  # every byte value: a quarter of them NUL or control
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 40,  # a Windows executable's head
        "نص".encode("windows-1256") + b"\x00" * 40 + "نص".encode("windows-1256") * 5,  # NULs inside
    ],
    ids=["all-byte-values", "exe-header", "nul-run-inside"],
)
def test_decode_text_still_refuses_binary_content(data: bytes) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode_text(data)
    assert caught.value.reason in (Reason.BINARY_CONTENT, Reason.UNDECODABLE)


def test_decode_text_refuses_a_file_of_nothing_but_nul_bytes_as_empty() -> None:
    with pytest.raises(RejectedInput) as caught:
        decode_text(b"\x00" * 64)
    assert caught.value.reason is Reason.EMPTY_FILE


def test_parse_file_notes_what_was_stripped_on_the_article() -> None:
    (article,) = parse_file("harvest.txt", legacy_bytes(LEGACY["harvest"]), LIMITS).articles
    assert article.encoding == "windows-1256" and "\x00" not in article.content
    assert "1 NUL byte" in article.meta[DECODING_NOTE] and "end" in article.meta[DECODING_NOTE]
    (clean,) = parse_file("clean.txt", LEGACY["harvest"].encode("windows-1256"), LIMITS).articles
    assert DECODING_NOTE not in clean.meta


def test_clean_document_keeps_the_decoding_note_as_a_warning() -> None:
    (article,) = parse_file("harvest.txt", legacy_bytes(LEGACY["harvest"]), LIMITS).articles
    cleaned = clean_document(
        RawDocument(
            article.content, article.content_type, dict(article.meta), datetime(2020, 1, 1, tzinfo=UTC)
        )
    )
    assert cleaned.title == "موسم قطاف الزيتون يبدأ مبكراً في سهل حوران"
    assert any("NUL" in warning for warning in cleaned.warnings)


def test_parse_file_reads_a_zip_of_windows_1256_files_each_ending_in_nul() -> None:
    archive = zip_bytes({f"corpus/{name}.txt": legacy_bytes(text) for name, text in LEGACY.items()})
    parsed = parse_file("corpus.zip", archive, LIMITS)
    assert parsed.rejections == ()
    assert [a.content.replace("\r\n", "\n") for a in parsed.articles] == list(LEGACY.values())


# -- through the real ingest path and the clean stage --------------------------------------------


def test_ingest_reads_windows_1256_files_ending_in_nul_and_a_zip_of_them(
    settings: Settings, database: Database
) -> None:
    settings.inbox_dir.mkdir(parents=True)
    ingestor = Ingestor(settings, database, RecordingQueue())
    single = settings.inbox_dir / "harvest.txt"
    single.write_bytes(legacy_bytes(LEGACY["harvest"]))
    archive = settings.inbox_dir / "corpus.zip"
    archive.write_bytes(
        zip_bytes({f"{name}.txt": legacy_bytes(text) for name, text in LEGACY.items() if name != "harvest"})
    )
    assert ingestor.ingest(single).documents == 1
    assert ingestor.ingest(archive).documents == 2
    with database.session() as session:
        documents = session.execute(
            select(Document.id, Document.status, Document.encoding, Document.raw_content).order_by(
                Document.id
            )
        ).all()
    assert [(d.status, d.encoding) for d in documents] == [("queued", "windows-1256")] * 3
    assert [d.raw_content.replace("\r\n", "\n") for d in documents] == [
        LEGACY["harvest"],
        LEGACY["library"],
        LEGACY["bridge"],
    ]
    clean = [step for step in PIPELINE if step.name == "clean"]
    run_documents(database, [d.id for d in documents], max_attempts=3, pipeline=clean)
    with database.session() as session:
        articles = session.execute(
            select(Article.title, Article.body, Article.cleaning).order_by(Article.document_id)
        ).all()
    assert [a.title for a in articles] == [text.split("\n", 1)[0] for text in LEGACY.values()]
    assert all("\x00" not in a.body and "\ufffd" not in a.body for a in articles)
    assert "بدأ المزارعون في سهل حوران قطاف الزيتون" in articles[0].body
    for article in articles:
        assert any("1 NUL byte" in warning for warning in article.cleaning["warnings"])


# -- news pages: comment-policy lines, and the page's own date before the file's time ------------

# Team-written story paragraphs; facts are invented.
PARAGRAPHS = (
    "بيروت - أعلنت وزارة الطاقة اللبنانية أن معمل الكهرباء الجديد في منطقة الزهراني سيدخل الخدمة "
    "مطلع الشهر المقبل، بطاقة إنتاجية تكفي لزيادة ساعات التغذية في الجنوب أربع ساعات يومياً.",
    "وقال المدير العام للاستثمار في الوزارة خلال جولة على المعمل إن الأعمال أنجزت بنسبة تسعين في المئة، "
    "وإن الفرق الفنية تجري الاختبارات الأخيرة على المولدات قبل ربطها بالشبكة.",
    "وأضاف أن الوزارة تعمل على تأمين الفيول اللازم لتشغيل المعمل بالتعاون مع الجهات المانحة، "
    "مشيراً إلى أن الخطة تشمل صيانة خطوط النقل الرئيسية بين الجنوب والعاصمة.",
)
HEADLINE = "معمل الزهراني الجديد يدخل الخدمة الشهر المقبل"
PAGE_FILE_TIME = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def news_page(*, head: str = "", above: str = "", below: str = "", after: str = "", banner: str = "") -> str:
    """A page laid out like an Arabic news site: a banner, a menu, the article, its comments, a footer."""
    story = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'>"
        f"<title>{HEADLINE} | شبكة الأرز الإخبارية</title>{head}</head><body>"
        f"<header class='site-header'>{banner}<a class='logo' href='/'>شبكة الأرز الإخبارية</a></header>"
        "<nav class='main-menu'><a href='/'>الرئيسية</a><a href='/lb'>لبنان</a></nav>"
        f"<div class='main'><article>{above}<h1>{HEADLINE}</h1>{below}"
        f"<div class='article-body'>{story}{after}</div></article></div>"
        "<footer><p>جميع الحقوق محفوظة لشبكة الأرز الإخبارية</p></footer></body></html>"
    )


def clean_page(html: str) -> Any:
    return clean_document(RawDocument(html, "text/html", {}, PAGE_FILE_TIME))


@pytest.mark.parametrize(
    "policy",
    [
        "التعليقات المنشورة تعبر عن آراء أصحابها ولا تعبر بالضرورة عن رأي الشبكة",
        "جميع التعليقات على مسؤولية كاتبيها",
        "المواضيع والتعليقات المنشورة هي مسؤولية أصحابها ولا تعكس وجهة نظر الموقع",
        "الآراء الواردة في التعليقات تمثل وجهة نظر أصحابها فقط",
        "سيتم حذف أي تعليق يتضمن إساءة أو ألفاظاً نابية",
        "يحتفظ الموقع بحق حذف التعليقات التي تخالف شروط النشر",
        "نرجو من القراء الكرام الالتزام بآداب الحوار عند كتابة تعليقاتهم",
        "سياسة التعليقات:",
    ],
    ids=[
        "opinion-of-writers",
        "responsibility",
        "topics-and-comments",
        "views",
        "deleted",
        "reserves-right",
        "manners",
        "heading",
    ],
)
def test_comment_policy_lines_are_dropped_and_reported(policy: str) -> None:
    cleaned = clean_page(news_page(after=f"<p>{policy}</p>"))
    assert policy not in cleaned.body and PARAGRAPHS[2][:40] in cleaned.body
    assert [d.line for d in cleaned.dropped if d.rule == "comment_policy"] == [policy]


@pytest.mark.parametrize(
    "story_line",
    [
        "وقال المتحدث إن التعليقات التي أدلى بها الوزير لا تعبر عن موقف الحكومة الرسمي من الاتفاق",
        "وحذفت الشركة آلاف التعليقات المسيئة من منصتها خلال الأسبوع الماضي بعد شكاوى من المستخدمين",
        "ودعا رئيس البلدية السكان إلى الالتزام بقواعد السلامة العامة خلال العاصفة",
        "وأكد أن المسؤولية تقع على عاتق أصحاب المولدات الخاصة الذين رفعوا الأسعار",
    ],
    ids=["comments-not-government", "company-deleted-comments", "safety-rules", "responsibility-of-owners"],
)
def test_comment_policy_keeps_story_sentences_about_comments_and_responsibility(story_line: str) -> None:
    cleaned = clean_page(news_page(after=f"<p>{story_line}</p>"))
    assert story_line in cleaned.body
    assert not [d for d in cleaned.dropped if d.rule == "comment_policy"]


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        (
            {"below": "<div class='date'>الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 09:40 (GMT+0400)</div>"},
            "2013-08-28",
        ),
        ({"below": "<div class='meta'>الأربعاء، 28 آب/اغسطس 2013</div>"}, "2013-08-28"),
        ({"above": "<span class='published'>نشر في: 3 تشرين الأول/أكتوبر 2019</span>"}, "2019-10-03"),
        ({"below": "<p class='byline'>بقلم: ريم الخوري | 14 آذار/مارس 2019 - 10:15</p>"}, "2019-03-14"),
        ({"below": "<div><span>الخميس</span> <span>5 كانون الثاني 2017</span></div>"}, "2017-01-05"),
    ],
    ids=[
        "levantine-egyptian-with-update",
        "levantine-egyptian",
        "above-headline",
        "byline-bar",
        "split-spans",
    ],
)
def test_a_date_shown_beside_the_headline_comes_before_the_file_time(
    layout: dict[str, str], expected: str
) -> None:
    cleaned = clean_page(news_page(**layout))
    assert cleaned.published_at is not None and cleaned.published_at.date().isoformat() == expected
    assert cleaned.published_source is PublishedSource.TEXT


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        (
            {"head": "<meta property='article:published_time' content='2018-05-22T23:30:00+03:00'>"},
            "2018-05-22",
        ),
        ({"head": "<meta property='og:published_time' content='2018-05-22T08:00:00Z'>"}, "2018-05-22"),
        ({"head": "<meta itemprop='datePublished' content='2018-05-22'>"}, "2018-05-22"),
        (
            {"below": "<span itemprop='datePublished' content='2018-05-22T08:00:00+03:00'>22 أيار</span>"},
            "2018-05-22",
        ),
        ({"below": "<time datetime='2018-05-22T08:00:00+03:00'>الثلاثاء</time>"}, "2018-05-22"),
    ],
    ids=["article-published-time", "og-published-time", "itemprop-meta", "itemprop-span", "time-element"],
)
def test_standard_date_tags_come_before_the_file_time(layout: dict[str, str], expected: str) -> None:
    cleaned = clean_page(news_page(**layout))
    assert cleaned.published_at is not None and cleaned.published_at.date().isoformat() == expected
    assert cleaned.published_source is PublishedSource.HTML


def test_a_date_tag_comes_before_a_date_shown_in_the_page() -> None:
    cleaned = clean_page(
        news_page(
            head="<meta property='article:published_time' content='2018-05-22T08:00:00+03:00'>",
            below="<div class='date'>الأربعاء، 23 أيار/مايو 2018</div>",
        )
    )
    assert cleaned.published_at is not None and cleaned.published_at.date().isoformat() == "2018-05-22"


def test_the_site_banner_date_is_not_the_article_date() -> None:
    """Sites print today's date in their banner: it is not when the article appeared."""
    cleaned = clean_page(news_page(banner="<span class='today'>السبت 28 تشرين الثاني 2026</span>"))
    assert (cleaned.published_at, cleaned.published_source) == (PAGE_FILE_TIME, PublishedSource.FILE_TIME)
