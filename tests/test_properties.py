"""Property tests: readers and cleaners never fail on arbitrary input except by refusing it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from workers.clean import RawDocument, clean_document, display_text, normalize_for_matching
from workers.errors import RejectedInput, StageError
from workers.ingest.formats import SUPPORTED_SUFFIXES, Limits, parse_file

LIMITS = Limits(max_bytes=100_000, max_article_chars=50_000)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)))
def test_parse_file_either_reads_or_refuses_arbitrary_bytes(data: bytes, suffix: str) -> None:
    try:
        parsed = parse_file(f"x{suffix}", data, LIMITS)
    except RejectedInput as exc:
        assert exc.reason and exc.message
        return
    for article in parsed.articles:
        assert article.content.strip()
        article.content.encode("utf-8")
        assert "\x00" not in article.content


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=200),
            st.dictionaries(
                st.sampled_from(["text", "html", "title", "url"]),
                st.one_of(st.text(max_size=50), st.integers()),
            ),
        )
    )
)
def test_parse_file_jsonl_reads_or_refuses_every_line(lines: list[object]) -> None:
    data = "\n".join(json.dumps(line) if isinstance(line, dict) else str(line) for line in lines).encode(
        "utf-8", "replace"
    )
    try:
        parsed = parse_file("feed.jsonl", data, LIMITS)
    except RejectedInput:
        return
    numbers = [a.line for a in parsed.articles] + [r.line for r in parsed.rejections]
    assert len(numbers) == len(set(numbers))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_normalize_for_matching_is_idempotent_and_display_text_is_stable(text: str) -> None:
    normalized = normalize_for_matching(text)
    assert normalize_for_matching(normalized) == normalized
    assert display_text(display_text(text)) == display_text(text)


# Text that looks like scraped news: Arabic words, furniture, dates, datelines, odd white space.
NEWSY = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "&",
                "***",
                "\u00a0",
                "انظر أيضاً",
                "المصدر: وكالات",
                "فيسبوك 12مليون",
                "انسخ الرابط",
                "موسكو-سانا",
                "بغداد – INA/ ",
                "سبتمبر 21, 2018",
                "الرد",
                "https://x.example/a",
                "جواد الصايغ: ",
                "أخبار العالم",
                "5 صفر 1437 هـ",
                "(أ ف ب) - ",
                "…",
                "\u200f",
                "ـ",
                "ً",
                "\ufefb",
            ]
        ),
        st.text(
            alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآءئؤ ،.:-0123456789")), max_size=60
        ),
        st.text(max_size=20),
    ),
    max_size=25,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(NEWSY, st.sampled_from(["text/plain", "text/html"]))
def test_clean_document_never_raises_except_for_no_text(text: str, content_type: str) -> None:
    try:
        cleaned = clean_document(RawDocument(text, content_type))
    except StageError as exc:
        assert exc.permanent
        return
    assert cleaned.body


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".jsonl"]))
def test_cleaning_arbitrary_bytes_ends_in_an_article_or_a_clear_refusal(data: bytes, suffix: str) -> None:
    try:
        parsed = parse_file(f"x{suffix}", data, LIMITS)
        for article in parsed.articles:
            clean_document(RawDocument(article.content, article.content_type, article.meta))
    except (RejectedInput, StageError):
        pass


def rendered(cleaned: object) -> str:
    title, body = cleaned.title, cleaned.body  # type: ignore[attr-defined]
    return f"{title}\n{body}" if title else body


@settings(max_examples=300, deadline=None)
@given(NEWSY)
def test_clean_document_is_idempotent_on_its_own_output(text: str) -> None:
    try:
        once = clean_document(RawDocument(text, "text/plain"))
    except StageError:
        return
    twice = clean_document(RawDocument(rendered(once), "text/plain"))
    assert (twice.title, twice.body) == (once.title, once.body)


@settings(max_examples=300, deadline=None)
@given(NEWSY)
def test_clean_document_never_invents_characters(text: str) -> None:
    try:
        cleaned = clean_document(RawDocument(text, "text/plain"))
    except StageError:
        return
    allowed = set(normalize_for_matching(text)) | {" ", "\n"}
    assert set(normalize_for_matching(rendered(cleaned))) <= allowed
