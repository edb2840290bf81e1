"""The extract stage: where PLOVER event extraction plugs in.

Until the extractor lands, the stage accepts every article and finds no events; the pipeline records
that the article reached it (`articles.extracted_at`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ExtractInput", "Extraction", "extract_events"]

LEXICON_VERSION = "0"


@dataclass(frozen=True)
class ExtractInput:
    article_id: int
    body: str
    normalized_text: str
    language: str


@dataclass(frozen=True)
class Extraction:
    events: tuple[object, ...]
    skipped_reason: str | None
    lexicon_version: str = LEXICON_VERSION


def extract_events(article: ExtractInput) -> Extraction:
    if article.language != "ar":
        return Extraction((), f"language {article.language}: extraction reads Arabic only")
    return Extraction((), None)
