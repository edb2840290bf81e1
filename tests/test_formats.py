"""What the ingest stage reads out of each supported file type, and what it refuses."""

from __future__ import annotations

import codecs
import json

import pytest

from tests.helpers import ARTICLES, PNG_BYTES, gzip_bytes, html_page, jsonl_articles, zip_bytes
from workers.errors import Reason, RejectedInput
from workers.ingest.decode import decode_text
from workers.ingest.formats import HTML, PLAIN, Limits, parse_file

LIMITS = Limits(max_bytes=1_000_000, max_article_chars=200_000)
TEXT = ARTICLES["visit"]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("windows-1256"), "windows-1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "windows-1256"],
)
def test_decode_text_reads_each_supported_encoding(data: bytes, encoding: str) -> None:
    text, found = decode_text(data)
    assert text.lstrip("\ufeff") == TEXT
    assert found == encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", Reason.EMPTY_FILE),
        (b"  \n\t \r\n", Reason.EMPTY_FILE),
        (PNG_BYTES, Reason.BINARY_CONTENT),
        (b"%PDF-1.7 ...", Reason.BINARY_CONTENT),
        (b"abc\x00def", Reason.BINARY_CONTENT),
        (bytes(range(1, 32)) * 10, Reason.UNDECODABLE),
    ],
    ids=["empty", "whitespace", "png", "pdf", "nul-bytes", "control-noise"],
)
def test_decode_text_refuses_non_text(data: bytes, reason: Reason) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode_text(data)
    assert caught.value.reason is reason


def test_parse_file_reads_txt_and_md_as_plain_text() -> None:
    for name in ("a.txt", "a.md", "A.TXT"):
        parsed = parse_file(name, TEXT.encode("utf-8"), LIMITS)
        assert [(a.content, a.content_type) for a in parsed.articles] == [(TEXT, PLAIN)]


def test_parse_file_reads_html() -> None:
    parsed = parse_file("page.html", html_page("عنوان", ["فقرة"]), LIMITS)
    assert parsed.articles[0].content_type == HTML
    assert "<article>" in parsed.articles[0].content


def test_parse_file_reads_one_json_article_with_metadata() -> None:
    obj = {
        "text": TEXT,
        "title": "عنوان",
        "url": "https://x.example/1",
        "source": "وكالة",
        "published_at": "2024-01-02",
    }
    parsed = parse_file("one.json", json.dumps(obj, ensure_ascii=False).encode(), LIMITS)
    (article,) = parsed.articles
    assert article.content == TEXT
    assert article.meta == {
        "title": "عنوان",
        "url": "https://x.example/1",
        "source": "وكالة",
        "published_at": "2024-01-02",
    }


def test_parse_file_reads_json_html_field_as_html() -> None:
    parsed = parse_file("one.json", json.dumps({"html": "<p>نص</p>"}).encode(), LIMITS)
    assert parsed.articles[0].content_type == HTML


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", Reason.BAD_JSON),
        (b'[{"text": "x"}]', Reason.BAD_JSON),
        (b'"just a string"', Reason.BAD_JSON),
        (b'{"title": "no text"}', Reason.MISSING_TEXT),
        (b'{"text": "   "}', Reason.MISSING_TEXT),
        (b'{"text": 42}', Reason.BAD_FIELD),
        (b'{"text": "x", "url": ["a"]}', Reason.BAD_FIELD),
    ],
    ids=["syntax", "array", "scalar", "no-text", "blank-text", "text-not-string", "meta-not-string"],
)
def test_parse_file_rejects_bad_json_articles(payload: bytes, reason: Reason) -> None:
    with pytest.raises(RejectedInput) as caught:
        parse_file("bad.json", payload, LIMITS)
    assert caught.value.reason is reason


def test_parse_file_jsonl_rejects_bad_lines_alone_with_their_numbers() -> None:
    parsed = parse_file("feed.jsonl", jsonl_articles(100, bad_lines=(7, 58)), LIMITS)
    assert len(parsed.articles) == 100
    assert [r.line for r in parsed.rejections] == [7, 58]
    assert all(r.reason is Reason.BAD_JSON for r in parsed.rejections)
    assert [a.line for a in parsed.articles][:7] == [1, 2, 3, 4, 5, 6, 8]


def test_parse_file_jsonl_skips_blank_lines_and_accepts_ndjson() -> None:
    data = b'{"text": "\xd8\xa3"}\n\n   \n{"text": "\xd8\xa8"}\n'
    parsed = parse_file("feed.ndjson", data, LIMITS)
    assert [a.line for a in parsed.articles] == [1, 4]


def test_parse_file_jsonl_with_only_bad_lines_is_rejected_whole() -> None:
    with pytest.raises(RejectedInput) as caught:
        parse_file("feed.jsonl", b"{\n[\n", LIMITS)
    assert caught.value.reason is Reason.NO_ARTICLES
    assert "line 1" in caught.value.message


def test_parse_file_gz_reads_by_inner_name() -> None:
    parsed = parse_file("story.txt.gz", gzip_bytes(TEXT.encode()), LIMITS)
    assert parsed.articles[0].content == TEXT
    parsed = parse_file("feed.jsonl.gz", gzip_bytes(jsonl_articles(3)), LIMITS)
    assert len(parsed.articles) == 3


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("story.gz", gzip_bytes(b"text"), Reason.UNKNOWN_TYPE),
        ("story.txt.gz", b"not gzip at all", Reason.BAD_ARCHIVE),
        ("a.zip.gz", gzip_bytes(b"PK"), Reason.NESTED_ARCHIVE),
    ],
    ids=["no-inner-type", "corrupt", "nested"],
)
def test_parse_file_gz_refusals(name: str, data: bytes, reason: Reason) -> None:
    with pytest.raises(RejectedInput) as caught:
        parse_file(name, data, LIMITS)
    assert caught.value.reason is reason


def test_parse_file_zip_reads_every_member_and_refuses_bad_ones_alone() -> None:
    archive = zip_bytes(
        {
            "a.txt": ARTICLES["visit"].encode(),
            "sub/b.html": html_page("ب", ["نص"]),
            "c.jsonl": jsonl_articles(2, bad_lines=(2,)),
            "d.txt.gz": gzip_bytes(ARTICLES["call"].encode()),
            "e.exe": b"MZ",
            "inner.zip": zip_bytes({"x.txt": b"x"}),
            "__MACOSX/._a.txt": b"junk",
            ".hidden.txt": b"junk",
        }
    )
    parsed = parse_file("bundle.zip", archive, LIMITS)
    assert sorted((a.member, a.line) for a in parsed.articles) == [
        ("a.txt", None),
        ("c.jsonl", 1),
        ("c.jsonl", 3),
        ("d.txt.gz", None),
        ("sub/b.html", None),
    ]
    assert sorted((r.member, r.line, r.reason) for r in parsed.rejections) == [
        ("c.jsonl", 2, Reason.BAD_JSON),
        ("e.exe", None, Reason.UNKNOWN_TYPE),
        ("inner.zip", None, Reason.NESTED_ARCHIVE),
    ]


def test_parse_file_refuses_corrupt_zip() -> None:
    with pytest.raises(RejectedInput) as caught:
        parse_file("bundle.zip", b"PK\x03\x04 broken", LIMITS)
    assert caught.value.reason is Reason.BAD_ARCHIVE


@pytest.mark.parametrize("name", ["notes.docx", "image.png", "README", "data.csv"])
def test_parse_file_refuses_unknown_types(name: str) -> None:
    with pytest.raises(RejectedInput) as caught:
        parse_file(name, b"something", LIMITS)
    assert caught.value.reason is Reason.UNKNOWN_TYPE


def test_parse_file_refuses_oversize_content_and_bombs() -> None:
    small = Limits(max_bytes=1000, max_article_chars=500)
    with pytest.raises(RejectedInput) as caught:
        parse_file("big.txt", b"a" * 1001, small)
    assert caught.value.reason is Reason.OVERSIZE
    with pytest.raises(RejectedInput) as caught:
        parse_file("bomb.txt.gz", gzip_bytes(b"a" * 100_000), small)
    assert caught.value.reason is Reason.OVERSIZE
    with pytest.raises(RejectedInput) as caught:
        parse_file("long.txt", b"a" * 600, small)
    assert caught.value.reason is Reason.OVERSIZE


def test_parse_file_makes_text_storable_in_postgres() -> None:
    parsed = parse_file(
        "feed.jsonl", b'{"text": "\\u0627\\u0000\\u0628 \\ud800", "title": "t\\u0000"}\n', LIMITS
    )
    (article,) = parsed.articles
    assert "\x00" not in article.content and "\ud800" not in article.content
    assert article.content.startswith("اب ") and article.meta == {"title": "t"}
    article.content.encode("utf-8")
