"""What is inside a dropped file: its articles, and the lines or archive members that were refused.

Plain functions over bytes, no I/O: `parse_file(name, data, limits)` returns a `ParsedFile` or raises
`RejectedInput` when nothing in the file is usable.

Archives are unpacked in chunks against one running count per dropped file: every byte a .gz or a .zip
member yields, at every level (a .jsonl.gz inside a .zip counts its .gz bytes and its .jsonl bytes),
adds to it, and the whole file is refused (`oversize`) the moment the count passes `Limits.max_bytes`.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol

from workers.errors import Reason, RejectedInput
from workers.ingest.decode import DecodedText, decode

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
ARCHIVE_SUFFIXES = frozenset({".gz", ".zip"})
SUPPORTED_SUFFIXES = ARTICLE_SUFFIXES | ARCHIVE_SUFFIXES
META_FIELDS = ("title", "url", "source", "published_at")
# Feeds write published_at as epoch seconds, often as a JSON number: kept as its text, read by the cleaner.
NUMERIC_META_FIELDS = frozenset({"published_at"})
# The meta key under which an article carries what decoding stripped or replaced (padding NULs, stray
# control characters, bytes that are not UTF-8): stored with the document's raw_meta, and reported by
# the cleaner among the article's warnings. Never read from the article's own fields.
DECODING_NOTE = "decoding"
# An article object is two or three levels deep; anything past this is refused before json.loads, whose
# recursion would otherwise end in a RecursionError on input nested thousands of levels.
MAX_JSON_DEPTH = 100
# Archives are unpacked this many bytes at a time, each chunk counted before the next is read.
_UNPACK_CHUNK = 1 << 16
# JSON read as consecutive pieces: a whole string (brackets inside it are text), a run of anything else
# but brackets, or one character (a bracket, or the quote of a string that never ends). Possessive
# quantifiers keep the scan linear: no backtracking into a long string.
_JSON_PIECE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[^"\[\]{}]++|.', re.S)
# A drive letter (C:) starts an absolute Windows path.
_DRIVE = re.compile(r"[A-Za-z]:")
# `zipfile` builds an object for every member listed before anything can be checked: a small zip
# listing millions of empty members would take gigabytes. Its end record says how many; more than
# this is refused (a real corpus of a few thousand articles fits many times over).
MAX_ZIP_MEMBERS = 100_000
_ZIP_END = b"PK\x05\x06"
_ZIP_END_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_END = b"PK\x06\x06"

PLAIN = "text/plain"
HTML = "text/html"


@dataclass(frozen=True)
class Limits:
    """`max_bytes` bounds the file and, separately, all that its archives unpack to (MAX_FILE_BYTES)."""

    max_bytes: int
    max_article_chars: int


class _Stream(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _UnpackLimitExceeded(RejectedInput):
    """The running count of unpacked bytes passed the limit: the whole file is refused, not one part."""


@dataclass
class _Unpacked:
    """The bytes unpacked so far from one dropped file, over every member and nesting level."""

    limit: int
    total: int = 0

    def read(self, stream: _Stream, where: str) -> bytes:
        """All of `stream`, read a chunk at a time; raises as soon as the running count passes the limit."""
        chunks: list[bytes] = []
        while chunk := stream.read(_UNPACK_CHUNK):
            self.total += len(chunk)
            if self.total > self.limit:
                raise _UnpackLimitExceeded(
                    Reason.OVERSIZE,
                    f"unpacked bytes exceeded the limit of {self.limit:,} (MAX_FILE_BYTES) while reading "
                    f"{where}: every byte unpacked from the file's archives counts, at every level",
                )
            chunks.append(chunk)
        return b"".join(chunks)


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
    unpacked = _Unpacked(limits.max_bytes)
    parsed = _parse(name, data, limits, unpacked, member=None, inside_archive=False)
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


def _parse(
    name: str, data: bytes, limits: Limits, unpacked: _Unpacked, *, member: str | None, inside_archive: bool
) -> ParsedFile:
    suffix = suffix_of(name)
    if len(data) > limits.max_bytes:
        raise RejectedInput(
            Reason.OVERSIZE, f"{len(data):,} bytes is over the limit of {limits.max_bytes:,} (MAX_FILE_BYTES)"
        )
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        decoded = decode(data)
        content_type = HTML if suffix in HTML_SUFFIXES else PLAIN
        return ParsedFile((_article(decoded.text, content_type, decoded, {}, limits, member, None),))
    if suffix in JSON_SUFFIXES:
        decoded = decode(data)
        obj = _load_json(decoded.text)
        return ParsedFile((_article_from_object(obj, decoded, limits, member, None),))
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
        content = _gunzip(data, unpacked, member or name)
        return _parse(inner, content, limits, unpacked, member=member, inside_archive=inside_archive)
    if suffix == ".zip":
        if inside_archive:
            raise RejectedInput(Reason.NESTED_ARCHIVE, "a .zip inside an archive is not read")
        return _parse_zip(data, limits, unpacked)
    raise RejectedInput(
        Reason.UNKNOWN_TYPE,
        f"{suffix or 'no extension'} is not a supported type ({', '.join(sorted(SUPPORTED_SUFFIXES))})",
    )


def _article(
    text: str,
    content_type: str,
    decoded: DecodedText,
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
    meta = {k: storable(v) for k, v in meta.items()}
    if decoded.notes:
        meta[DECODING_NOTE] = "; ".join(decoded.notes)
    return ArticleRecord(text, content_type, decoded.encoding, meta, member, line)


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
    _check_json_depth(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedInput(
            Reason.BAD_JSON, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:  # only when called with little stack left: the check above comes first
        raise RejectedInput(Reason.DEEP_JSON, "JSON nested too deep to read") from exc


def _check_json_depth(text: str) -> None:
    """Refuse JSON whose arrays and objects nest deeper than MAX_JSON_DEPTH, without parsing it."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return  # too few brackets to nest that deep: the common case, no scan
    depth = 0
    for match in _JSON_PIECE.finditer(text):
        first = text[match.start()]
        if first == '"' and match.end() - match.start() == 1:
            return  # a string that never ends: json.loads says so
        if first in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise RejectedInput(
                    Reason.DEEP_JSON, f"JSON nested deeper than {MAX_JSON_DEPTH} levels: not an article"
                )
        elif first in "]}":
            depth -= 1


def _article_from_object(
    obj: Any, decoded: DecodedText, limits: Limits, member: str | None, line: int | None
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
        if key in NUMERIC_META_FIELDS and isinstance(value, int | float) and not isinstance(value, bool):
            value = repr(value) if isinstance(value, float) else str(value)
        if not isinstance(value, str):
            kind = "a string or a number" if key in NUMERIC_META_FIELDS else "a string"
            raise RejectedInput(Reason.BAD_FIELD, f"field {key!r} must be {kind}")
        if value.strip():
            meta[key] = value.strip()
    if text and text.strip():
        return _article(text, PLAIN, decoded, meta, limits, member, line)
    if html and html.strip():
        return _article(html, HTML, decoded, meta, limits, member, line)
    raise RejectedInput(Reason.MISSING_TEXT, "the object has no non-empty 'text' or 'html' field")


def _parse_jsonl(data: bytes, limits: Limits, member: str | None) -> ParsedFile:
    decoded = decode(data)
    articles: list[ArticleRecord] = []
    rejections: list[PartRejection] = []
    for number, line in enumerate(decoded.text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = _load_json(line)
            articles.append(_article_from_object(obj, decoded, limits, member, number))
        except RejectedInput as exc:
            rejections.append(PartRejection(exc.reason, exc.message, line[:500], member, number))
    return ParsedFile(tuple(articles), tuple(rejections))


def _gunzip(data: bytes, unpacked: _Unpacked, where: str) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            return unpacked.read(stream, where)
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectedInput(Reason.BAD_ARCHIVE, f"not a readable gzip file: {exc}") from exc


def _unsafe_member_name(name: str) -> str | None:
    """Why the member name `name` could point outside the archive when unpacked, or None if it cannot."""
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        return "is an absolute path"
    if ".." in path.split("/"):
        return "climbs out of its folder with '..'"
    return None


def _is_skipped_member(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    return info.is_dir() or path.parts[0] == "__MACOSX" or any(p.startswith(".") for p in path.parts)


def _declared_members(data: bytes) -> int | None:
    """How many members a zip's end-of-central-directory record says it holds (zip64 too), read
    before `zipfile` builds an object per member; None when no such record is found."""
    end = data.rfind(_ZIP_END, max(0, len(data) - _ZIP_END_SIZE - 0xFFFF))
    if end < 0 or len(data) < end + _ZIP_END_SIZE:
        return None
    total = int(struct.unpack_from("<H", data, end + 10)[0])
    locator = end - _ZIP64_LOCATOR_SIZE
    if total == 0xFFFF and locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR:
        record = int(struct.unpack_from("<Q", data, locator + 8)[0])
        if data[record : record + 4] == _ZIP64_END and len(data) >= record + 40:
            total = int(struct.unpack_from("<Q", data, record + 32)[0])
    return total


def _parse_zip(data: bytes, limits: Limits, unpacked: _Unpacked) -> ParsedFile:
    rejections: list[PartRejection] = []
    declared_members = _declared_members(data)
    if declared_members is not None and declared_members > MAX_ZIP_MEMBERS:
        raise RejectedInput(
            Reason.OVERSIZE,
            f"holds {declared_members:,} members, over the {MAX_ZIP_MEMBERS:,} a zip may hold: split it",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = []
        for info in archive.infolist():
            unsafe = _unsafe_member_name(info.filename)
            if unsafe is not None:  # refused, never skipped in silence (checked before the skips below)
                message = f"member name {info.filename!r} {unsafe}: refused"
                rejections.append(PartRejection(Reason.UNSAFE_PATH, message, "", info.filename, None))
            elif not _is_skipped_member(info):
                members.append(info)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RejectedInput(Reason.BAD_ARCHIVE, f"not a readable zip file: {exc}") from exc
    # What the members say they hold: an honest archive over the limit is refused before any unpacking.
    # The sizes are the archive's own word, so the running count below is what holds a liar to the limit.
    declared = sum(info.file_size for info in members)
    if declared > limits.max_bytes:
        raise RejectedInput(
            Reason.OVERSIZE, f"unpacks to {declared:,} bytes, over {limits.max_bytes:,} (MAX_FILE_BYTES)"
        )
    articles: list[ArticleRecord] = []
    for info in members:
        name = info.filename
        try:
            with archive.open(info) as stream:
                content = unpacked.read(stream, f"member {name}")
            parsed = _parse(name, content, limits, unpacked, member=name, inside_archive=True)
        except _UnpackLimitExceeded:
            raise
        except RejectedInput as exc:
            rejections.append(PartRejection(exc.reason, exc.message, "", name, None))
            continue
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
            rejections.append(PartRejection(Reason.BAD_ARCHIVE, f"cannot read member: {exc}", "", name, None))
            continue
        articles.extend(parsed.articles)
        rejections.extend(parsed.rejections)
    return ParsedFile(tuple(articles), tuple(rejections))
