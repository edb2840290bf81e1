"""`marsad clean FILE`: clean a file in-process and report on it, one object per article."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workers.clean import RawDocument, clean_document
from workers.errors import ConfigurationError, RejectedInput, StageError
from workers.ingest.formats import ArticleRecord, Limits, ParsedFile, parse_file


def article_name(path: Path, article: ArticleRecord) -> str:
    """How an article is named in reports: the file, then the archive member, then the line."""
    name = path.name
    if article.member:
        name += f"/{article.member}"
    if article.line is not None:
        name += f":{article.line}"
    return name


def read_articles(path: Path, limits: Limits) -> tuple[ParsedFile, datetime]:
    """The articles in a file of any inbox format, and the file's time (the date of last resort).

    Raises ConfigurationError when the file cannot be read, RejectedInput when it holds no article.
    """
    try:
        data = path.read_bytes()
        file_time = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as exc:
        raise ConfigurationError(f"{path}: {exc.strerror or exc}") from exc
    return parse_file(path.name, data, limits), file_time


def clean_file(path: Path, max_bytes: int, max_article_chars: int) -> Iterator[dict[str, Any]]:
    """A report per article in `path`: the cleaned article, its metadata and the dropped lines."""
    try:
        parsed, file_time = read_articles(path, Limits(max_bytes, max_article_chars))
    except RejectedInput as exc:
        raise ConfigurationError(f"{path.name} would be rejected: {exc}") from exc
    for article in parsed.articles:
        raw = RawDocument(article.content, article.content_type, dict(article.meta), file_time)
        try:
            cleaned = clean_document(raw)
        except StageError as exc:
            yield {"doc": article_name(path, article), "error": str(exc)}
            continue
        yield {
            "doc": article_name(path, article),
            "title": cleaned.title,
            "body": cleaned.body,
            "author": cleaned.author,
            "agency": cleaned.agency,
            "dateline": cleaned.dateline,
            "published": cleaned.published.isoformat() if cleaned.published else None,
            "published_source": cleaned.published_source.value if cleaned.published_source else None,
            "language": cleaned.language,
            "source": cleaned.source,
            "url": cleaned.url,
            "dropped": [{"rule": d.rule, "line": d.line} for d in cleaned.dropped],
            "warnings": list(cleaned.warnings),
        }
