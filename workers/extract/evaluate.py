"""`marsad eval`: precision, recall and F1 of extracted events against gold, exactly as EVENTS.md defines.

Within one article an extracted event matches a gold event when the type is equal and the participant
codes are equal: for a symmetric gold event (no recipients) the union of actors and recipients is
compared, otherwise actors and recipients separately. Each gold event matches at most one extracted
event. Optional gold events are not missed when absent, and an extracted event matching one is not
false. Location and date accuracy are measured over matched events.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


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
class Report:
    overall: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    location_correct: int = 0
    location_total: int = 0
    date_correct: int = 0
    date_total: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_alarms: list[dict[str, Any]] = field(default_factory=list)

    @property
    def location_accuracy(self) -> float | None:
        return self.location_correct / self.location_total if self.location_total else None

    @property
    def date_accuracy(self) -> float | None:
        return self.date_correct / self.date_total if self.date_total else None

    def as_dict(self) -> dict[str, Any]:
        def row(c: Counts) -> dict[str, Any]:
            return {"precision": round(c.precision, 4), "recall": round(c.recall, 4), "f1": round(c.f1, 4),
                    "tp": c.true_positives, "fp": c.false_positives, "fn": c.false_negatives}  # fmt: skip

        return {
            "overall": row(self.overall),
            "by_type": {t: row(c) for t, c in sorted(self.by_type.items())},
            "location_accuracy": self.location_accuracy,
            "date_accuracy": self.date_accuracy,
            "matched": self.location_total,
        }


def _codes(items: Iterable[Any]) -> frozenset[str]:
    return frozenset(item["code"] if isinstance(item, Mapping) else str(item) for item in items)


def matches(gold: Mapping[str, Any], found: Mapping[str, Any]) -> bool:
    if gold["type"] != found["type"]:
        return False
    gold_actors, gold_recipients = _codes(gold.get("actors") or []), _codes(gold.get("recipients") or [])
    actors, recipients = _codes(found.get("actors") or []), _codes(found.get("recipients") or [])
    if not gold_recipients:
        return gold_actors == actors | recipients
    return gold_actors == actors and gold_recipients == recipients


def _same_location(gold: Any, found: Any) -> bool:
    if not gold or not found:
        return not gold and not found
    return str(gold.get("country")) == str(found.get("country")) and (
        str(gold.get("name", "")).casefold() == str(found.get("name", "")).casefold()
    )


def evaluate(gold: Sequence[Mapping[str, Any]], found: Sequence[Mapping[str, Any]]) -> Report:
    report = Report()
    docs = {g["doc"] for g in gold} | {f["doc"] for f in found}
    for doc in sorted(docs):
        gold_here = [g for g in gold if g["doc"] == doc]
        found_here = [f for f in found if f["doc"] == doc]
        used: set[int] = set()
        # Required gold events first, so an optional one never takes a match a required one needs.
        for item in sorted(gold_here, key=lambda g: bool(g.get("optional"))):
            hit = next((i for i, f in enumerate(found_here) if i not in used and matches(item, f)), None)
            counts = report.by_type[item["type"]]
            if hit is None:
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
            report.location_correct += _same_location(item.get("location"), found_here[hit].get("location"))
            if "date" in item and item["date"] is not None:
                report.date_total += 1
                report.date_correct += item["date"] == found_here[hit].get("date")
        for index, item in enumerate(found_here):
            if index not in used:
                report.overall.false_positives += 1
                report.by_type[item["type"]].false_positives += 1
                report.false_alarms.append(dict(item))
    return report
