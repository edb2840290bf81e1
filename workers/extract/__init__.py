"""The extract stage: PLOVER events from a cleaned Arabic article.

`extract_events` is a plain function over small frozen dataclasses; the lexicons are data files loaded
once per process (`workers.extract.lexicon`). Non-Arabic articles are skipped with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workers.extract.actors import Actor
from workers.extract.engine import Event, extract
from workers.extract.lexicon import default_lexicon
from workers.extract.places import Location

__all__ = ["Actor", "Event", "ExtractInput", "Extraction", "Location", "extract_events", "lexicon_version"]


@dataclass(frozen=True)
class ExtractInput:
    article_id: int
    body: str
    normalized_text: str
    language: str
    published: date | None = None
    dateline: str | None = None


@dataclass(frozen=True)
class Extraction:
    events: tuple[Event, ...]
    skipped_reason: str | None
    lexicon_version: str


def lexicon_version() -> str:
    return default_lexicon().version


def extract_events(article: ExtractInput) -> Extraction:
    lexicon = default_lexicon()
    if article.language != "ar":
        return Extraction((), f"language {article.language}: extraction reads Arabic only", lexicon.version)
    events = extract(article.body, lexicon, article.published, article.dateline)
    return Extraction(tuple(events), None, lexicon.version)
