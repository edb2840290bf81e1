"""Which step of the extractor made an error that `marsad eval --errors` lists.

A false or wrong event names the step whose decision it carries: the trigger's type (frames), a side
recognised wrongly (mentions: a side the article context supplied, a place read as a side) or put in the
wrong role (roles), an event that is none (event-hood). A missed event names the step that dropped a
candidate of its type in its article, with the reason, or `frames` when no trigger of its type was there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workers.extract.evaluate import Cause, ErrorCase
from workers.extract.frames import Dropped

# Sides whose code came from the article context rather than the words themselves.
_CONTEXT_SOURCES = frozenset({"context", "pronoun", "pair", "place"})


def dropped_record(doc: str, dropped: Dropped) -> dict[str, Any]:
    return {
        "doc": doc,
        "type": dropped.type,
        "step": dropped.step,
        "reason": dropped.reason,
        "trigger": dropped.trigger,
        "actors": list(dropped.actors),
        "recipients": list(dropped.recipients),
    }


def blame(cases: Iterable[ErrorCase], dropped: Sequence[Mapping[str, Any]]) -> list[ErrorCase]:
    """The cases with `step` set on the extracted event (or, for a missed one, on the gold event)."""
    by_doc: dict[str, list[Mapping[str, Any]]] = {}
    for item in dropped:
        by_doc.setdefault(str(item["doc"]), []).append(item)
    blamed = []
    for case in cases:
        if case.found is not None:
            step = _step_of_found(case)
            blamed.append(ErrorCase(case.cause, case.doc, case.gold, {**case.found, "step": step}))
        elif case.gold is not None:
            step = _step_of_missed(case.gold, by_doc.get(case.doc, []))
            blamed.append(ErrorCase(case.cause, case.doc, {**case.gold, "step": step}, None))
        else:
            blamed.append(case)
    return blamed


def _step_of_found(case: ErrorCase) -> str:
    assert case.found is not None
    if case.cause is Cause.WRONG_TYPE:
        return "frames"
    if case.cause is Cause.NOT_AN_EVENT:
        return "event-hood"
    wrong = case.found.get("actors" if case.cause is Cause.WRONG_ACTOR else "recipients") or []
    sources = {a.get("source") for a in wrong if isinstance(a, Mapping)}
    return "mentions" if sources & _CONTEXT_SOURCES else "roles"


def _step_of_missed(gold: Mapping[str, Any], dropped: list[Mapping[str, Any]]) -> str:
    same_type = [d for d in dropped if d["type"] == gold["type"]]
    wanted = set(gold.get("actors") or []) | set(gold.get("recipients") or [])
    for item in same_type:
        if set(item["actors"]) | set(item["recipients"]) == wanted:
            return f"{item['step']}: {item['reason']} ({item['trigger']})"
    if same_type:
        item = same_type[0]
        return f"{item['step']}: {item['reason']} ({item['trigger']})"
    return "frames: no trigger of this type"
