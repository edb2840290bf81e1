"""What is inside a dropped file: its articles, and the lines or archive members that were refused.

Plain functions over bytes, no I/O: `parse_file(name, data, limits)` returns a `ParsedFile` or raises
`RejectedInput` when nothing in the file is usable.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from workers.errors import Reason, RejectedInput
from workers.ingest.decode import decode_text

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
ARCHIVE_SUFFIXES = frozenset({".gz", ".zip"})
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES | ARCHIVE_SUFFIXES
META_FIELDS = ("title", "url", "source", "published_at")

PLAIN = "text/plain"
HTML = "text/html"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_article_chars: int


@dataclass(frozen=True)
class ArticleRecord:
    """One article found in a file, before any cleaning."""

    content: str
    content_type: str
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    member: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class PartRejection:
    """One JSONL line or archive member that could not be read; the rest of the file goes on."""

    reason: Reason
    message: str
    excerpt: str
    member: str | None = None
    line: int | None = None

    def where(self) -> str:
        parts = [f"member {self.member}" if self.member else "", f"line {self.line}" if self.line else ""]
        return ", ".join(p for p in parts if p) or "file"


@dataclass(frozen=True)
class ParsedFile:
    articles: tuple[ArticleRecord, ...]
    rejections: tuple[PartRejection, ...] = ()


def suffix_of(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def parse_file(name: str, data: bytes, limits: Limits) -> ParsedFile:
    """Every article in the file `name` holding `data`."""
    parsed = _parse(name, data, limits, member=None, inside_archive=False)
    if not parsed.articles:
        if parsed.rejections:
            first = parsed.rejections[0]
            count = len(parsed.rejections)
            raise RejectedInput(
                first.reason if count == 1 else Reason.NO_ARTICLES,
                f"no readable article; {count} part(s) refused, first at {first.where()}: {first.message}",
            )
        raise RejectedInput(Reason.NO_ARTICLES, "no article found in the file")
    return parsed


def _parse(name: str, data: bytes, limits: Limits, *, member: str | None, inside_archive: bool) -> ParsedFile:
    suffix = suffix_of(name)
    if len(data) > limits.max_bytes:
        raise RejectedInput(
            Reason.OVERSIZE, f"{len(data):,} bytes is over the limit of {limits.max_bytes:,} (MAX_FILE_BYTES)"
        )
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        text, encoding = decode_text(data)
        content_type = HTML if suffix in HTML_SUFFIXES else PLAIN
        return ParsedFile((_article(text, content_type, encoding, {}, limits, member, None),))
    if suffix in JSON_SUFFIXES:
        text, encoding = decode_text(data)
        obj = _load_json(text)
        return ParsedFile((_article_from_object(obj, encoding, limits, member, None),))
    if suffix in JSONL_SUFFIXES:
        return _parse_jsonl(data, limits, member)
    if suffix == ".gz":
        inner = name[: -len(".gz")]
        if suffix_of(inner) in ARCHIVE_SUFFIXES:
            raise RejectedInput(Reason.NESTED_ARCHIVE, f"{inner!r} inside a .gz: archives are not nested")
        if suffix_of(inner) not in ARTICLE_SUFFIXES:
            raise RejectedInput(
                Reason.UNKNOWN_TYPE,
                f"a .gz must hold one of {', '.join(sorted(ARTICLE_SUFFIXES))} (name it like article.txt.gz)",
            )
        return _parse(inner, _gunzip(data, limits), limits, member=member, inside_archive=inside_archive)
    if suffix == ".zip":
        if inside_archive:
            raise RejectedInput(Reason.NESTED_ARCHIVE, "a .zip inside an archive is not read")
        return _parse_zip(data, limits)
    raise RejectedInput(
        Reason.UNKNOWN_TYPE,
        f"{suffix or 'no extension'} is not a supported type ({', '.join(sorted(SUPPORTED_SUFFIXES))})",
    )


def _article(
    text: str,
    content_type: str,
    encoding: str | None,
    meta: dict[str, str],
    limits: Limits,
    member: str | None,
    line: int | None,
) -> ArticleRecord:
    text = storable(text)
    if not text.strip():
        raise RejectedInput(Reason.MISSING_TEXT, "the article text is empty")
    if len(text) > limits.max_article_chars:
        raise RejectedInput(
            Reason.OVERSIZE,
            f"article of {len(text):,} characters is over the limit of {limits.max_article_chars:,}",
        )
    return ArticleRecord(
        text, content_type, encoding, {k: storable(v) for k, v in meta.items()}, member, line
    )


def storable(text: str) -> str:
    """`text` as PostgreSQL can store it: NUL characters dropped, lone surrogates (from JSON escapes
    such as \\ud800) replaced by U+FFFD."""
    text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedInput(
            Reason.BAD_JSON, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def _article_from_object(
    obj: Any, encoding: str | None, limits: Limits, member: str | None, line: int | None
) -> ArticleRecord:
    if isinstance(obj, list):
        raise RejectedInput(
            Reason.BAD_JSON, "a JSON array: a .json file holds one article object; use .jsonl for many"
        )
    if not isinstance(obj, dict):
        raise RejectedInput(Reason.BAD_JSON, f"expected an article object, found {type(obj).__name__}")
    html, text = obj.get("html"), obj.get("text")
    for key, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise RejectedInput(Reason.BAD_FIELD, f"field {key!r} must be a string")
    meta: dict[str, str] = {}
    for key in META_FIELDS:
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise RejectedInput(Reason.BAD_FIELD, f"field {key!r} must be a string")
        if value.strip():
            meta[key] = value.strip()
    if text and text.strip():
        return _article(text, PLAIN, encoding, meta, limits, member, line)
    if html and html.strip():
        return _article(html, HTML, encoding, meta, limits, member, line)
    raise RejectedInput(Reason.MISSING_TEXT, "the object has no non-empty 'text' or 'html' field")


def _parse_jsonl(data: bytes, limits: Limits, member: str | None) -> ParsedFile:
    text, encoding = decode_text(data)
    articles: list[ArticleRecord] = []
    rejections: list[PartRejection] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = _load_json(line)
            articles.append(_article_from_object(obj, encoding, limits, member, number))
        except RejectedInput as exc:
            rejections.append(PartRejection(exc.reason, exc.message, line[:500], member, number))
    return ParsedFile(tuple(articles), tuple(rejections))


def _gunzip(data: bytes, limits: Limits) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            out = stream.read(limits.max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedInput(Reason.BAD_ARCHIVE, f"not a readable gzip file: {exc}") from exc
    if len(out) > limits.max_bytes:
        raise RejectedInput(
            Reason.OVERSIZE, f"decompresses to over {limits.max_bytes:,} bytes (MAX_FILE_BYTES)"
        )
    return out


def _is_skipped_member(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    return info.is_dir() or path.parts[0] == "__MACOSX" or any(p.startswith(".") for p in path.parts)


def _parse_zip(data: bytes, limits: Limits) -> ParsedFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not _is_skipped_member(info)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RejectedInput(Reason.BAD_ARCHIVE, f"not a readable zip file: {exc}") from exc
    declared = sum(info.file_size for info in members)
    if declared > limits.max_bytes:
        raise RejectedInput(
            Reason.OVERSIZE, f"unpacks to {declared:,} bytes, over {limits.max_bytes:,} (MAX_FILE_BYTES)"
        )
    articles: list[ArticleRecord] = []
    rejections: list[PartRejection] = []
    for info in members:
        name = info.filename
        try:
            with archive.open(info) as stream:
                content = stream.read(limits.max_bytes + 1)
            parsed = _parse(name, content, limits, member=name, inside_archive=True)
        except RejectedInput as exc:
            rejections.append(PartRejection(exc.reason, exc.message, "", name, None))
            continue
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
            rejections.append(PartRejection(Reason.BAD_ARCHIVE, f"cannot read member: {exc}", "", name, None))
            continue
        articles.extend(parsed.articles)
        rejections.extend(parsed.rejections)
    return ParsedFile(tuple(articles), tuple(rejections))
