"""`marsad events`: the stored events (v_events, one row per real-world event), filtered, newest first."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO

from sqlalchemy import bindparam, text

from db.session import Database
from workers.errors import ConfigurationError
from workers.extract.lexicon import PLOVER_TYPES

__all__ = [
    "COLUMNS",
    "TABLE_HEADERS",
    "EventFilters",
    "event_types",
    "events_json",
    "list_events",
    "parse_day",
    "table_row",
    "write_events_csv",
]

# The columns of v_events, in the view's order: the keys of every listed event.
COLUMNS = (
    "event_id", "event_date", "date_precision", "type", "mode", "quad", "score",
    "actor_codes", "actor_names", "recipient_codes", "recipient_names",
    "location_name", "location_country", "latitude", "longitude", "geonameid",
    "num_mentions", "num_articles", "num_sources", "first_seen", "last_seen", "evidence", "source_urls",
)  # fmt: skip
TABLE_HEADERS = ("id", "date", "type", "mode", "actors → recipients", "place", "articles/outlets", "evidence")
EVIDENCE_CHARS = 80


@dataclass(frozen=True)
class EventFilters:
    """Which events to list. Dates are inclusive; codes and types are upper case; empty means any."""

    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()
    actor: str | None = None
    country: str | None = None
    limit: int = 50


def parse_day(value: str | None, option: str) -> date | None:
    """An ISO date (YYYY-MM-DD) given to `option`; a ConfigurationError when it is not one."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigurationError(f"{option} {value!r}: not a date, give YYYY-MM-DD") from None


def event_types(values: Iterable[str]) -> tuple[str, ...]:
    """PLOVER types from repeated and comma-separated values, any case; unknown ones are an error."""
    found: list[str] = []
    for value in values:
        for part in value.split(","):
            name = part.strip().upper()
            if name and name not in found:
                found.append(name)
    unknown = [name for name in found if name not in PLOVER_TYPES]
    if unknown:
        raise ConfigurationError(
            f"unknown event type {', '.join(unknown)}: the types are {', '.join(PLOVER_TYPES)}"
        )
    return tuple(found)


def list_events(database: Database, filters: EventFilters) -> list[dict[str, Any]]:
    """The events that pass the filters, newest event date first (undated last, then newest id), each a
    dict of the v_events columns."""
    if filters.since and filters.until and filters.since > filters.until:
        raise ConfigurationError(f"--since {filters.since} is after --until {filters.until}")
    conditions: list[str] = []
    params: dict[str, Any] = {"limit": filters.limit}
    if filters.since is not None:
        conditions.append("event_date >= :since")
        params["since"] = filters.since
    if filters.until is not None:
        conditions.append("event_date <= :until")
        params["until"] = filters.until
    if filters.types:
        conditions.append("type IN :types")
        params["types"] = list(filters.types)
    if filters.actor is not None:
        # Containment, not ANY(): the GIN indexes on events.actor_codes and recipient_codes serve `@>`.
        conditions.append(
            "(actor_codes @> ARRAY[CAST(:actor AS varchar)]"
            " OR recipient_codes @> ARRAY[CAST(:actor AS varchar)])"
        )
        params["actor"] = filters.actor.strip().upper()
    if filters.country is not None:
        conditions.append("location_country = :country")
        params["country"] = filters.country.strip().upper()
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    statement = text(
        f"SELECT {', '.join(COLUMNS)} FROM v_events {where} "
        "ORDER BY event_date DESC NULLS LAST, event_id DESC LIMIT :limit"
    )
    if filters.types:
        statement = statement.bindparams(bindparam("types", expanding=True))
    with database.session() as session:
        rows = session.execute(statement, params).mappings().all()
    return [dict(row) for row in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def events_json(events: Sequence[dict[str, Any]]) -> str:
    """The events as one JSON array of objects, dates and times in ISO 8601."""
    return json.dumps([{k: _plain(v) for k, v in event.items()} for event in events], ensure_ascii=False)


def write_events_csv(events: Sequence[dict[str, Any]], out: TextIO) -> None:
    """The events as CSV with a header row; arrays joined with ';', nulls empty."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for event in events:
        cells = []
        for column in COLUMNS:
            value = event[column]
            if value is None:
                cells.append("")
            elif isinstance(value, list):
                cells.append(";".join(str(item) for item in value))
            else:
                cells.append(str(_plain(value)))
        writer.writerow(cells)


def _side(codes: Sequence[str] | None, names: str | None) -> str:
    shown = ",".join(codes or ())
    return f"{shown} ({names})" if names else shown


def table_row(event: dict[str, Any]) -> tuple[str, ...]:
    """One event as the cells of TABLE_HEADERS, for reading."""
    who = _side(event["actor_codes"], event["actor_names"])
    if event["recipient_codes"]:
        who = f"{who} → {_side(event['recipient_codes'], event['recipient_names'])}"
    place = event["location_name"] or ""
    if event["location_country"]:
        place = f"{place} ({event['location_country']})" if place else event["location_country"]
    evidence = " ".join((event["evidence"] or "").split())
    if len(evidence) > EVIDENCE_CHARS:
        evidence = evidence[: EVIDENCE_CHARS - 1] + "…"
    day = event["event_date"].isoformat() if event["event_date"] else ""
    return (
        str(event["event_id"]), day, event["type"], event["mode"] or "", who, place,
        f"{event['num_articles']}/{event['num_sources']}", evidence,
    )  # fmt: skip
