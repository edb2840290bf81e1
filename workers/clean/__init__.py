"""The clean stage: a raw article in; its display body, matching form, title and metadata out.

`clean_document` is a plain function over small frozen dataclasses: the pipeline, `marsad clean` and
the tests all call it. What it drops is reported line by line with the rule that dropped it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from workers.clean.html import read_html
from workers.clean.language import detect_language
from workers.clean.lines import Dropped, clean_lines
from workers.clean.normalize import display_text, matching_form, normalize_for_matching
from workers.clean.publication import parse_timestamp, read_publication
from workers.clean.rules import default_agencies, default_rules
from workers.errors import StageError
from workers.ingest.formats import DECODING_NOTE

__all__ = [
    "CleanedArticle",
    "Dropped",
    "PublishedSource",
    "RawDocument",
    "clean_document",
    "cleaner_version",
    "display_text",
    "normalize_for_matching",
    "parse_timestamp",
    "trusted_publication_day",
]


class PublishedSource(StrEnum):
    """Where the publication date came from, most trusted first."""

    METADATA = "metadata"  # the article's own field (JSON published_at)
    HTML = "html"  # the page's metadata (htmldate)
    TEXT = "text"  # a date line in the text, or the date a page shows beside its headline
    FILE_TIME = "file_time"  # the file's modification time

    @property
    def is_trusted(self) -> bool:
        """Whether event dates may be resolved against it. The file's time says when the file was
        written (or copied), which can be years after the article appeared."""
        return self is not PublishedSource.FILE_TIME


@dataclass(frozen=True)
class RawDocument:
    content: str
    content_type: str
    meta: dict[str, str] = field(default_factory=dict)
    file_time: datetime | None = None


@dataclass(frozen=True)
class CleanedArticle:
    title: str | None
    body: str
    normalized_text: str
    language: str
    author: str | None
    agency: str | None
    dateline: str | None
    source: str | None
    url: str | None
    published_at: datetime | None
    published_source: PublishedSource | None
    text_sha256: str
    dropped: tuple[Dropped, ...] = ()
    # What could not be read as given: bytes stripped or replaced in decoding, a published_at cut short
    # or unreadable, ... Stored in the cleaning audit and shown by `marsad clean`.
    warnings: tuple[str, ...] = ()

    @property
    def published(self) -> date | None:
        return self.published_at.date() if self.published_at else None

    @property
    def trusted_published(self) -> date | None:
        """The publication day event dates may be resolved against: None when it is only the file's time."""
        return trusted_publication_day(self.published_at, self.published_source)


def trusted_publication_day(published_at: datetime | None, source: str | None) -> date | None:
    """The day of `published_at` when its source (a PublishedSource value) is one event dates may be
    resolved against; None when the day is unknown or only the file's modification time."""
    if published_at is None or source is None or not PublishedSource(source).is_trusted:
        return None
    return published_at.date()


def cleaner_version() -> str:
    """Versions of the rule data, stored with every cleaned article."""
    return f"{default_rules().version}+{default_agencies().version}"


def clean_document(raw: RawDocument) -> CleanedArticle:
    """Clean one article. Raises StageError(permanent) when no text is left."""
    text, page_title, page_date, url, author, site = raw.content, None, None, None, None, None
    shown_date = None
    if raw.content_type == "text/html":
        page = read_html(raw.content)
        text, page_title, page_date, url, author, site = (
            page.text, page.title, page.published, page.url, page.author, page.site_name,
        )  # fmt: skip
        shown_date = page.shown
    lines = clean_lines(text, known_title=raw.meta.get("title") or page_title)
    if not lines.body:
        raise StageError("clean", "no text left after cleaning", permanent=True)
    url = raw.meta.get("url") or url
    given = read_publication(raw.meta.get("published_at"), url=url, texts=(lines.title or "", lines.body))
    # The date shown beside a page's headline is the page's own; a date line elsewhere comes after.
    text_date = shown_date or lines.published
    published_at, published_source = _publication(given.value, raw.file_time, page_date, text_date)
    normalized = matching_form(lines.body)
    return CleanedArticle(
        title=lines.title,
        body=lines.body,
        normalized_text=normalized,
        language=detect_language(lines.body),
        author=display_text(author or "") or lines.author,
        agency=lines.agency,
        dateline=lines.dateline,
        source=raw.meta.get("source") or lines.source or site,
        url=url,
        published_at=published_at,
        published_source=published_source,
        text_sha256=hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
        dropped=tuple(lines.dropped),
        warnings=tuple(warning for warning in (_decoding_warning(raw.meta), given.warning) if warning),
    )


def _decoding_warning(meta: dict[str, str]) -> str | None:
    """What decoding stripped or replaced in the file's bytes, as ingest noted it on the article."""
    note = meta.get(DECODING_NOTE)
    return f"decoding: {note}" if note else None


def _publication(
    given: datetime | None, file_time: datetime | None, page_date: date | None, text_date: date | None
) -> tuple[datetime | None, PublishedSource | None]:
    if given is not None:
        return given, PublishedSource.METADATA
    for found, source in ((page_date, PublishedSource.HTML), (text_date, PublishedSource.TEXT)):
        if found is not None:
            return datetime(found.year, found.month, found.day, tzinfo=UTC), source
    if file_time is not None:
        return file_time.astimezone(UTC), PublishedSource.FILE_TIME
    return None, None
