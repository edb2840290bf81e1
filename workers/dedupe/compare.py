"""In-process comparison of article files (for `marsad similar`): clean each, then MinHash similarity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workers.clean import RawDocument, clean_document
from workers.clean.report import read_articles
from workers.dedupe.minhash import similarity
from workers.errors import ConfigurationError, RejectedInput, StageError
from workers.ingest.formats import Limits


def normalized_text(path: Path, limits: Limits) -> str:
    """The normalised text of the one article in `path` (any inbox format)."""
    try:
        parsed, file_time = read_articles(path, limits)
    except RejectedInput as exc:
        raise ConfigurationError(f"{path}: not an article ({exc})") from exc
    if len(parsed.articles) != 1:
        raise ConfigurationError(f"{path}: holds {len(parsed.articles)} articles; compare one-article files")
    article = parsed.articles[0]
    try:
        cleaned = clean_document(
            RawDocument(article.content, article.content_type, dict(article.meta), file_time)
        )
    except StageError as exc:
        raise ConfigurationError(f"{path}: cannot be cleaned ({exc})") from exc
    return cleaned.normalized_text


def compare(a: Path, b: Path, limits: Limits, threshold: float) -> dict[str, Any]:
    """One verdict: `a`, `b`, `similarity` and `duplicate`."""
    found = similarity(normalized_text(a, limits), normalized_text(b, limits), threshold)
    return {"a": str(a), "b": str(b), "similarity": found.value, "duplicate": found.duplicate}


def read_pairs(pairs: Path) -> Iterator[tuple[int, Path, Path]]:
    """The (line number, a, b) of a pairs file; relative paths are read against the file's folder.

    Raises ConfigurationError, naming the line, for a line that is not {"a": path, "b": path}.
    """
    try:
        lines = pairs.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {pairs}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            a, b = item["a"], item["b"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigurationError(f'{pairs}:{number}: expected {{"a": path, "b": path}}') from exc
        yield number, _resolve(Path(a), pairs.parent), _resolve(Path(b), pairs.parent)


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() or path.exists() else base / path
