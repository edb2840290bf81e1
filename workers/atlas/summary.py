"""The report's aggregates, computed from the events alone: events a day by quad class (the undated and
imprecisely dated counted apart), the busiest dyads and actors, and events by country.

PLOVER's quad classes (docs/EVENTS.md; each type's quad is `workers.extract.lexicon.QUAD`, stored in
`events.quad`) name and colour every chart alike: cooperation in greens, conflict in reds, verbal lighter
than material."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

__all__ = [
    "QUAD_CLASSES",
    "QuadClass",
    "Tally",
    "Timeline",
    "country_counts",
    "dyads",
    "timeline",
    "top_actors",
    "top_dyads",
]


@dataclass(frozen=True)
class QuadClass:
    quad: int
    name: str
    colour: str


QUAD_CLASSES = (
    QuadClass(1, "verbal cooperation", "#74c476"),
    QuadClass(2, "material cooperation", "#1a7837"),
    QuadClass(3, "verbal conflict", "#fd8d3c"),
    QuadClass(4, "material conflict", "#b2182b"),
)
_QUAD_NAMES = {q.quad: q.name for q in QUAD_CLASSES}


@dataclass(frozen=True)
class Timeline:
    """Events a day by quad class, for the events dated to the day; the rest are only counted, never drawn
    on a day (not even the day they were found): `undated` have no date, `imprecise` only a month or a
    year (their event_date is some day within it)."""

    days: Sequence[tuple[date, str, int]]  # (day, quad class name, events), by day then quad
    undated: int
    imprecise: int


def timeline(events: Iterable[Mapping[str, Any]]) -> Timeline:
    counts: Counter[tuple[date, int]] = Counter()
    undated = imprecise = 0
    for event in events:
        if event["event_date"] is None or event["date_precision"] == "unknown":
            undated += 1
        elif event["date_precision"] != "day":
            imprecise += 1
        else:
            counts[event["event_date"], event["quad"]] += 1
    days = [(day, _QUAD_NAMES[quad], n) for (day, quad), n in sorted(counts.items())]
    return Timeline(days, undated, imprecise)


@dataclass(frozen=True)
class Tally:
    """Events of one dyad or one actor, by quad class. `key` is the codes, `label` how a chart shows them;
    `detail` says more (names, roles) for a tooltip."""

    key: str
    label: str
    detail: str
    by_quad: Mapping[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_quad.values())

    def rows(self) -> Iterator[dict[str, Any]]:
        """One row per quad class with events: the shape a stacked bar chart takes."""
        for quad in sorted(self.by_quad):
            yield {
                "key": self.key,
                "label": self.label,
                "detail": self.detail,
                "quad": _QUAD_NAMES[quad],
                "events": self.by_quad[quad],
                "total": self.total,
            }


def dyads(event: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """Who acts on whom in one event, as v_dyads_daily counts it: (actor, recipient, directed) for each
    actor and recipient of a directed event; (side, side, False) for each pair of sides of a symmetric one,
    in alphabetical order."""
    recipients = event["recipient_codes"] or []
    if recipients:
        return [(a, r, True) for a in event["actor_codes"] for r in recipients]
    return [(a, b, False) for a, b in combinations(sorted(set(event["actor_codes"])), 2)]


def _ranked(tallies: dict[str, dict[int, int]], count: int) -> list[str]:
    return sorted(tallies, key=lambda key: (-sum(tallies[key].values()), key))[:count]


def top_dyads(events: Iterable[Mapping[str, Any]], names: Mapping[str, str], count: int = 15) -> list[Tally]:
    """The `count` dyads with the most events: `A → B` when A acts on B, `A ↔ B` when they act together
    (a meeting, a call, an agreement)."""
    tallies: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for event in events:
        for actor, recipient, directed in dyads(event):
            tallies[f"{actor} {'→' if directed else '↔'} {recipient}"][event["quad"]] += 1
    found = []
    for key in _ranked(tallies, count):
        first, arrow, second = key.split(" ")
        detail = f"{names.get(first, first)} {arrow} {names.get(second, second)}"
        found.append(Tally(key, key, detail, dict(tallies[key])))
    return found


def top_actors(events: Iterable[Mapping[str, Any]], names: Mapping[str, str], count: int = 15) -> list[Tally]:
    """The `count` actors taking part in the most events, on either side; `detail` says how often each
    acted, was acted on, or acted with others."""
    tallies: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for event in events:
        recipients = set(event["recipient_codes"] or [])
        actors = set(event["actor_codes"])
        for code in actors | recipients:
            tallies[code][event["quad"]] += 1
            if not recipients:
                roles[code]["with others"] += 1
            if recipients and code in actors:
                roles[code]["acting"] += 1
            if code in recipients:
                roles[code]["acted on"] += 1
    found = []
    for code in _ranked(tallies, count):
        name = names.get(code, code)
        how = ", ".join(f"{role} {n}" for role, n in roles[code].most_common())
        found.append(
            Tally(code, f"{code} {name}" if name != code else code, f"{name}: {how}", dict(tallies[code]))
        )
    return found


def country_counts(events: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Events by the country they took place in (located ones, with or without coordinates)."""
    return Counter(e["location_country"] for e in events if e["location_country"])
