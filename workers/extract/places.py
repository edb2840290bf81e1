"""Where an event happened: a place named after في / إلى / فوق …, resolved against the gazetteer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.extract.lexicon import Kind, Match, Place
from workers.extract.text import Sentence

WORDS = re.compile(r"\w+")


_LOCATIVE = (
    "في", "الي", "من", "بمدينه", "مدينه", "بالعاصمه", "العاصمه", "فوق", "قرب", "بالقرب من", "داخل",
    "باتجاه", "نحو",
)  # fmt: skip


@dataclass(frozen=True)
class Location:
    name: str
    country: str
    lat: float | None
    lon: float | None
    geonameid: int | None


def is_place_use(sentence: Sentence, match: Match) -> bool:
    if match.prefix.endswith("ب") or match.prefix in ("ل", "ول"):
        return True
    before = WORDS.findall(sentence.matching[max(0, match.start - 14) : match.start])
    if not before:
        return False
    word = before[-1]
    return word in _LOCATIVE or (word[:1] in ("و", "ف") and word[1:] in _LOCATIVE)  # "وفي القاهرة"


def find_location(sentence: Sentence, matches: list[Match], home: str | None = None) -> Location | None:
    for match in matches:
        entry = match.first(Kind.PLACE)
        if entry is None or entry.place is None or not is_place_use(sentence, match):
            continue
        if match.first(Kind.PERSON, Kind.ORGANIZATION):
            continue
        at_home = [
            e for e in match.entries if e.kind is Kind.PLACE and e.code == home and e.place is not None
        ]
        if at_home:
            entry = at_home[0]  # the article's own country wins a shared name
        assert entry.place is not None
        place: Place = entry.place
        return Location(place.name, place.country, place.lat or None, place.lon or None, place.geonameid)
    return None
