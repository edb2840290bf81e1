"""The extract stage: PLOVER events from a cleaned Arabic article.

`extract_events` is a plain function over small frozen dataclasses; the lexicons are data files loaded
once per process (`workers.extract.lexicon`). Non-Arabic articles are skipped with a reason. The steps
are in `workers.extract.engine`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workers.extract.actor import Actor
from workers.extract.engine import Dropped, Event, Location, read_article
from workers.extract.lexicon import default_lexicon

__all__ = [
    "Actor",
    "Dropped",
    "Event",
    "ExtractInput",
    "Extraction",
    "Location",
    "extract_events",
    "lexicon_version",
]


@dataclass(frozen=True)
class ExtractInput:
    article_id: int
    body: str
    normalized_text: str
    language: str
    published: date | None = None  # a trusted publication day only: never a file's time or a crawl date
    dateline: str | None = None
    source: str | None = None  # the outlet, as the article's metadata names it
    agency: str | None = None  # the agency credited in the dateline (workers/clean/data/agencies.yaml)


@dataclass(frozen=True)
class Extraction:
    events: tuple[Event, ...]
    skipped_reason: str | None
    lexicon_version: str
    dropped: tuple[Dropped, ...] = ()  # what the steps decided was no event, and why


def lexicon_version() -> str:
    return default_lexicon().version


def extract_events(article: ExtractInput) -> Extraction:
    lexicon = default_lexicon()
    if article.language != "ar":
        return Extraction((), f"language {article.language}: extraction reads Arabic only", lexicon.version)
    reading = read_article(
        article.body, lexicon, article.published, article.dateline, article.source, article.agency
    )
    return Extraction(reading.events, None, lexicon.version, reading.dropped)
