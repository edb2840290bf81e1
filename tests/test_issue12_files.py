"""Issue 12, real files: Windows-1256 articles padded with NUL bytes are read, not refused.

A whole legacy corpus ends every file in one NUL byte. Padding NULs and a few stray control characters
in an otherwise textual file are stripped, with a note that reaches the cleaning audit; a file is
binary when its content says so (a signature, a high share of NUL bytes), not because of one byte.
The articles are team-written; facts are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import Article, Document
from db.session import Database
from tests.helpers import RecordingQueue, zip_bytes
from workers.clean import RawDocument, clean_document
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
