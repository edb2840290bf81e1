"""Events as the JSON records of EVENTS.md (what `marsad extract --format jsonl` prints)."""

from __future__ import annotations

from typing import Any

from workers.extract.actor import Actor
from workers.extract.engine import Event


def actor_record(actor: Actor, *, trace: bool = False) -> dict[str, Any]:
    record = {"code": actor.code, "name": actor.name, "sector": actor.sector, "text": actor.text}
    return record | {"source": actor.source} if trace else record


def event_record(doc: str, event: Event, *, trace: bool = False) -> dict[str, Any]:
    """The event as EVENTS.md prints it; `trace` adds how it was read (for `marsad eval --errors`)."""
    location = None
    if event.location is not None:
        place = event.location
        location = {"name": place.name, "country": place.country, "lat": place.lat, "lon": place.lon,
                    "geonameid": place.geonameid}  # fmt: skip
    return {
        "doc": doc,
        "type": event.type,
        "mode": event.mode,
        "actors": [actor_record(a, trace=trace) for a in event.actors],
        "recipients": [actor_record(a, trace=trace) for a in event.recipients],
        "location": location,
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "quad": event.quad,
        "score": event.score,
        "context": list(event.context),
        "sentence": event.sentence,
        "trigger": event.trigger,
        "char_start": event.char_start,
        "char_end": event.char_end,
        "confidence": event.confidence,
    } | ({"steps": list(event.steps)} if trace else {})
