"""`marsad eval`: precision, recall and F1 of extracted events against gold, exactly as EVENTS.md defines.

Within one article an extracted event matches a gold event when the type is equal and the participant
codes are equal: for a symmetric gold event (no recipients) the union of actors and recipients is
compared, otherwise actors and recipients separately. Each gold event matches at most one extracted
event. Optional gold events are not missed when absent, and an extracted event matching one is not
false. Location and date accuracy are measured over matched events.

What did not match is then explained: each article's unmatched gold events are paired with its
unmatched extracted events by cause (`Cause`), so a misread event shows as one error, not as a miss
and a false alarm that look unrelated.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from workers.errors import ConfigurationError

Event = Mapping[str, Any]
E = TypeVar("E", bound=Event)


class Cause(StrEnum):
    """Why an event is an error, in the order they are reported: a misread pair, then one left alone."""

    WRONG_TYPE = "wrong type"
    WRONG_ACTOR = "wrong actor"
    WRONG_RECIPIENT = "wrong recipient"
    MISSING = "missing"
    NOT_AN_EVENT = "not an event"


@dataclass(frozen=True)
class ErrorCase:
    """One error in one article: a gold event and the extracted event that misread it, or either alone.

    A pair stands for one false event, and for one missed event when its gold is required (an optional
    gold event may explain a false one but is never missed).
    """

    cause: Cause
    doc: str
    gold: Event | None = None
    found: Event | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "gold": dict(self.gold) if self.gold is not None else None,
            "found": dict(self.found) if self.found is not None else None,
        }


@dataclass
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class Report:
    overall: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    location_correct: int = 0
    location_total: int = 0
    date_correct: int = 0
    date_total: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ErrorCase] = field(default_factory=list)
    dates_by_prefix: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))

    @property
    def location_accuracy(self) -> float | None:
        return self.location_correct / self.location_total if self.location_total else None

    @property
    def date_accuracy(self) -> float | None:
        return self.date_correct / self.date_total if self.date_total else None

    @property
    def date_accuracy_by_prefix(self) -> dict[str, float | None]:
        return {prefix: tally.accuracy for prefix, tally in sorted(self.dates_by_prefix.items())}

    @property
    def errors_by_cause(self) -> dict[Cause, list[ErrorCase]]:
        return group_errors(self.errors)

    def as_dict(self) -> dict[str, Any]:
        def row(c: Counts) -> dict[str, Any]:
            return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                    "tp": c.true_positives, "fp": c.false_positives, "fn": c.false_negatives}  # fmt: skip

        grouped = self.errors_by_cause
        return {
            "overall": row(self.overall),
            "by_type": {t: row(c) for t, c in sorted(self.by_type.items())},
            "location_accuracy": self.location_accuracy,
            "date_accuracy": self.date_accuracy,
            "matched": self.location_total,
            "date_accuracy_by_prefix": self.date_accuracy_by_prefix,
            "error_counts": {str(cause): len(cases) for cause, cases in grouped.items()},
            "errors": {str(cause): [case.as_dict() for case in cases] for cause, cases in grouped.items()},
        }


def _code_list(items: Iterable[Any]) -> list[str]:
    return [item["code"] if isinstance(item, Mapping) else str(item) for item in items]


def _codes(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(_code_list(items))


def _actors(event: Event) -> frozenset[str]:
    return _codes(event.get("actors") or [])


def _recipients(event: Event) -> frozenset[str]:
    return _codes(event.get("recipients") or [])


def _participants(event: Event) -> frozenset[str]:
    return _actors(event) | _recipients(event)


def matches(gold: Event, found: Event) -> bool:
    if gold["type"] != found["type"]:
        return False
    gold_actors, gold_recipients = _actors(gold), _recipients(gold)
    actors, recipients = _actors(found), _recipients(found)
    if not gold_recipients:
        return gold_actors == actors | recipients
    return gold_actors == actors and gold_recipients == recipients


def is_wrong_type(gold: Event, found: Event) -> bool:
    """The same participant codes (whatever their roles, which a type decides) under another type."""
    return gold["type"] != found["type"] and _participants(gold) == _participants(found)


def is_wrong_actor(gold: Event, found: Event) -> bool:
    """Same type, the recipients agree and the actors do not.

    A symmetric gold event has only actors: the union of the extracted participants differs from them
    but shares at least one, so two unrelated events of one type are not paired.
    """
    if gold["type"] != found["type"]:
        return False
    gold_actors, gold_recipients = _actors(gold), _recipients(gold)
    if not gold_recipients:
        union = _participants(found)
        return union != gold_actors and bool(union & gold_actors)
    return _recipients(found) == gold_recipients and _actors(found) != gold_actors


def is_wrong_recipient(gold: Event, found: Event) -> bool:
    """Same type, the actors agree and the recipients do not (a directed gold event only)."""
    if gold["type"] != found["type"] or not _recipients(gold):
        return False
    return _actors(found) == _actors(gold) and _recipients(found) != _recipients(gold)


# Pairs that agree on the type first: the type comes from the trigger, so it is the better evidence that
# two events are one; in an article about one country every event shares its participants.
PAIRING_RULES: tuple[tuple[Cause, Callable[[Event, Event], bool]], ...] = (
    (Cause.WRONG_ACTOR, is_wrong_actor),
    (Cause.WRONG_RECIPIENT, is_wrong_recipient),
    (Cause.WRONG_TYPE, is_wrong_type),
)


def classify_errors(unmatched_gold: Sequence[Event], unmatched_found: Sequence[Event]) -> list[ErrorCase]:
    """Pair each article's unmatched gold events with its unmatched extracted events, by cause.

    Causes are tried in `PAIRING_RULES` order, required gold before optional, the first free extracted
    event taken; each event is in at most one pair. Required gold left over is `missing`, extracted
    events left over are `not an event`; optional gold left over is no error.
    """
    cases: list[ErrorCase] = []
    gold_by_doc: dict[str, list[Event]] = defaultdict(list)
    found_by_doc: dict[str, list[Event]] = defaultdict(list)
    for item in sorted(unmatched_gold, key=lambda g: bool(g.get("optional"))):
        gold_by_doc[item["doc"]].append(item)
    for item in unmatched_found:
        found_by_doc[item["doc"]].append(item)
    for doc in sorted(gold_by_doc.keys() | found_by_doc.keys()):
        gold_here, found_here = gold_by_doc.get(doc, []), found_by_doc.get(doc, [])
        gold_used: set[int] = set()
        found_used: set[int] = set()
        for cause, rule in PAIRING_RULES:
            for g, gold_item in enumerate(gold_here):
                if g in gold_used:
                    continue
                hit = next(
                    (f for f, item in enumerate(found_here) if f not in found_used and rule(gold_item, item)),
                    None,
                )
                if hit is not None:
                    gold_used.add(g)
                    found_used.add(hit)
                    cases.append(ErrorCase(cause, doc, gold=gold_item, found=found_here[hit]))
        cases.extend(
            ErrorCase(Cause.MISSING, doc, gold=item)
            for g, item in enumerate(gold_here)
            if g not in gold_used and not item.get("optional")
        )
        cases.extend(
            ErrorCase(Cause.NOT_AN_EVENT, doc, found=item)
            for f, item in enumerate(found_here)
            if f not in found_used
        )
    return cases


def group_errors(cases: Iterable[ErrorCase]) -> dict[Cause, list[ErrorCase]]:
    """Cases by cause, every cause present (empty when none), in `Cause` order."""
    grouped: dict[Cause, list[ErrorCase]] = {cause: [] for cause in Cause}
    for case in cases:
        grouped[case.cause].append(case)
    return grouped


def doc_prefix(doc: str) -> str:
    """An article's source by its name: up to the first "-" (`ant`, `snn` in the dev set)."""
    return doc.split("-", 1)[0]


def _same_location(gold: Any, found: Any, country_names: Mapping[str, frozenset[str]] | None = None) -> bool:
    """The same country and the same place: names compared without accents, apostrophes and case
    ("‘Afrīn" is "Afrin"); a place given as the country itself matches under any of its names."""
    if not gold or not found:
        return not gold and not found
    country = str(gold.get("country"))
    if country != str(found.get("country")):
        return False
    gold_name, found_name = fold_place(str(gold.get("name", ""))), fold_place(str(found.get("name", "")))
    if gold_name == found_name:
        return True
    names = {fold_place(n) for n in (country_names or {}).get(country, frozenset())}
    return gold_name in names and found_name in names


def fold_place(name: str) -> str:
    """A place name without accents, apostrophes, hyphens and case: the form transliterations agree on."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[‘’'`ʻʼ\-]", " ", letters).casefold().split())


def evaluate(
    gold: Sequence[Event], found: Sequence[Event], country_names: Mapping[str, frozenset[str]] | None = None
) -> Report:
    report = Report()
    gold_by_doc: dict[str, list[Event]] = defaultdict(list)
    found_by_doc: dict[str, list[Event]] = defaultdict(list)
    for item in gold:
        gold_by_doc[item["doc"]].append(item)
    for item in found:
        found_by_doc[item["doc"]].append(item)
    unmatched_gold: list[Event] = []
    unmatched_found: list[Event] = []
    for doc in sorted(gold_by_doc.keys() | found_by_doc.keys()):
        gold_here, found_here = gold_by_doc.get(doc, []), found_by_doc.get(doc, [])
        dates = report.dates_by_prefix[doc_prefix(doc)]
        used: set[int] = set()
        # Required gold events first, so an optional one never takes a match a required one needs.
        for item in sorted(gold_here, key=lambda g: bool(g.get("optional"))):
            hit = next((i for i, f in enumerate(found_here) if i not in used and matches(item, f)), None)
            counts = report.by_type[item["type"]]
            if hit is None:
                unmatched_gold.append(item)
                if not item.get("optional"):
                    report.overall.false_negatives += 1
                    counts.false_negatives += 1
                    report.misses.append(dict(item))
                continue
            used.add(hit)
            if item.get("optional"):
                continue  # neither required nor false
            report.overall.true_positives += 1
            counts.true_positives += 1
            report.location_total += 1
            report.location_correct += _same_location(
                item.get("location"), found_here[hit].get("location"), country_names
            )
            if "date" in item and item["date"] is not None:
                correct = item["date"] == found_here[hit].get("date")
                report.date_total += 1
                report.date_correct += correct
                dates.total += 1
                dates.correct += correct
        for index, item in enumerate(found_here):
            if index not in used:
                report.overall.false_positives += 1
                report.by_type[item["type"]].false_positives += 1
                report.false_alarms.append(dict(item))
                unmatched_found.append(item)
    report.errors = classify_errors(unmatched_gold, unmatched_found)
    return report


# --- Which articles to score: one half of a split file -------------------------------------------------

_LINE_SUFFIX = re.compile(r":\d+$")


def parse_split(text: str, source: str = "split") -> dict[str, str]:
    """`<file name>\\t<half>` lines (blank and `#` lines skipped) as {file name: half}."""
    halves: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, tab, half = line.partition("\t")
        if not tab or not name.strip() or not half.strip():
            raise ConfigurationError(f"{source} line {number}: expected '<file name><TAB><half>'")
        halves[name.strip()] = half.strip()
    return halves


def load_split(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: {exc.strerror or exc}") from exc
    return parse_split(text, path.name)


def half_members(split: Mapping[str, str], half: str) -> frozenset[str]:
    """The file names of one half; a half the split does not name is an error, not an empty set."""
    halves = sorted(set(split.values()))
    if half not in halves:
        raise ConfigurationError(f"unknown half {half!r}: the split has {', '.join(halves) or 'no halves'}")
    return frozenset(name for name, member_of in split.items() if member_of == half)


def article_file(doc: str) -> str:
    """The file an article came from: its `doc` without the archive member (`/…`) or line (`:N`)."""
    return _LINE_SUFFIX.sub("", doc.split("/", 1)[0])


def restrict_to(events: Iterable[E], files: frozenset[str]) -> list[E]:
    """The events of articles from these files."""
    return [event for event in events if article_file(event["doc"]) in files]


# --- `--errors` as text --------------------------------------------------------------------------------

NOTE_WIDTH = 100


def _shorten(text: str, width: int = NOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def describe_event(event: Event, *, gold: bool) -> str:
    """One line: doc, type, actors → recipients; a gold event's note, an extracted one's trigger and step."""
    actors = ",".join(_code_list(event.get("actors") or [])) or "-"
    recipients = ",".join(_code_list(event.get("recipients") or [])) or "-"
    parts = ["gold " if gold else "found", str(event["doc"]), str(event["type"]), f"{actors} → {recipients}"]
    if gold:
        if event.get("optional"):
            parts.append("(optional)")
        if event.get("note"):
            parts.append(f"note: {_shorten(str(event['note']))}")
        if event.get("step"):
            parts.append(f"step: {event['step']}")
    else:
        if event.get("trigger"):
            parts.append(f"trigger: {event['trigger']}")
        if event.get("step"):
            parts.append(f"step: {event['step']}")
    return "  ".join(parts)


def error_lines(cases: Iterable[ErrorCase]) -> list[str]:
    """A count per cause, then each cause's cases: the gold line, then the extracted line of a pair."""
    grouped = group_errors(cases)
    width = max(len(cause) for cause in Cause)
    lines = ["errors by cause:"]
    lines.extend(f"  {cause:<{width}}  {len(items)}" for cause, items in grouped.items())
    for cause, items in grouped.items():
        if not items:
            continue
        lines.extend(["", f"{cause} ({len(items)}):"])
        for case in items:
            indent = "  "
            if case.gold is not None:
                lines.append(indent + describe_event(case.gold, gold=True))
                indent = "    "  # the extracted half of a pair, under its gold
            if case.found is not None:
                lines.append(indent + describe_event(case.found, gold=False))
    return lines
