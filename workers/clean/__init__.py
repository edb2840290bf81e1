"""The clean stage: raw article text in, display body, matching form, title and metadata out.

This is the backbone's cleaner (Unicode, title/body split, metadata passed through); the full cleaner
with boilerplate rules, datelines and dates grows behind the same `clean_document` signature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from workers.clean.html import html_to_text
from workers.clean.language import detect_language
from workers.clean.normalize import display_text, normalize_for_matching
from workers.errors import StageError

__all__ = ["CleanedArticle", "RawDocument", "clean_document", "display_text", "normalize_for_matching"]

# A first line longer than this is body text, not a headline.
_MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class RawDocument:
    content: str
    content_type: str
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CleanedArticle:
    title: str | None
    body: str
    normalized_text: str
    language: str
    source: str | None
    url: str | None
    published_at: datetime | None
    text_sha256: str


def clean_document(raw: RawDocument) -> CleanedArticle:
    """Clean one article. Raises StageError(permanent) when no text is left."""
    page_title: str | None = None
    text = raw.content
    if raw.content_type == "text/html":
        page_title, text = html_to_text(text)
    body = display_text(text)
    title = display_text(raw.meta.get("title") or page_title or "") or None
    lines = body.split("\n")
    if title is None and len(lines) > 1 and 0 < len(lines[0]) <= _MAX_TITLE_CHARS:
        title, body = lines[0], "\n".join(lines[1:]).strip()
    elif title is not None and lines and lines[0] == title:
        body = "\n".join(lines[1:]).strip()  # the headline repeated as the first body line
    if not body and title:
        body = title  # a one-line article: the line is both headline and text
    if not body:
        raise StageError("clean", "no text left after cleaning", permanent=True)
    normalized = normalize_for_matching(body)
    return CleanedArticle(
        title=title,
        body=body,
        normalized_text=normalized,
        language=detect_language(body),
        source=raw.meta.get("source"),
        url=raw.meta.get("url"),
        published_at=parse_timestamp(raw.meta.get("published_at")),
        text_sha256=hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
    )


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO 8601 date or time, as an aware datetime (UTC when no zone is given); None if unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
