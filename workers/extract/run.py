"""Running clean + extract in-process over files (for `marsad extract` and `marsad eval`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from workers.clean import CleanedArticle, RawDocument, clean_document
from workers.clean.report import article_name, read_articles
from workers.errors import ConfigurationError, RejectedInput, StageError
from workers.extract import ExtractInput, Extraction, extract_events
from workers.extract.record import event_record
from workers.ingest.formats import Limits


def extract_file(path: Path, limits: Limits, *, trace: bool = False) -> Iterator[dict[str, Any]]:
    """Event records of every article in `path`; `doc` is the file name (name:line for JSONL); `trace`
    adds how each was read."""
    for doc, extraction in read_file(path, limits):
        for event in extraction.events:
            yield event_record(doc, event, trace=trace)


def read_file(path: Path, limits: Limits) -> Iterator[tuple[str, Extraction]]:
    """What extraction made of every article in `path`: its events and what its steps dropped."""
    try:
        parsed, file_time = read_articles(path, limits)
    except RejectedInput:
        return  # not an article: nothing to extract (marsad clean says why)
    for index, article in enumerate(parsed.articles):
        raw = RawDocument(article.content, article.content_type, dict(article.meta), file_time)
        try:
            cleaned = clean_document(raw)
        except StageError:
            continue
        yield article_name(path, article), extract_events(extract_input(index, cleaned))


def extract_input(index: int, cleaned: CleanedArticle) -> ExtractInput:
    """What extraction reads of a cleaned article; `index` stands in for the article id."""
    return ExtractInput(
        index,
        cleaned.body,
        cleaned.normalized_text,
        cleaned.language,
        cleaned.trusted_published,  # never the file's time: it would date every اليوم wrongly
        cleaned.dateline,
        cleaned.source,
        cleaned.agency,
    )


def article_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigurationError(f"{path}: no such file or folder")
    return files


def load_gold(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"{path}: {exc.strerror or exc}") from exc
    gold = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            gold.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ConfigurationError(f"{path.name} line {number}: not JSON ({exc.msg})") from exc
    return gold
