"""`marsad report`: an offline HTML report of stored events (map, timeline, top dyads and actors, a table
to sort and filter, coverage), and `marsad events --format geojson`.

    from workers.atlas import write_report
    write_report(database, EventFilters(since=date(2026, 3, 1)), Path("report.html"))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from db.session import Database
from workers.atlas.geojson import events_geojson
from workers.atlas.query import report_data
from workers.events_query import UNKNOWN_ACTOR, EventFilters
from workers.extract.lexicon import code_names

__all__ = ["ReportFile", "build_report", "code_names_shown", "events_geojson", "write_report"]


@lru_cache(maxsize=1)
def code_names_shown() -> dict[str, str]:
    """The English name of every state and organisation code the lexicon knows."""
    return {**code_names(), UNKNOWN_ACTOR: "unnamed"}


def build_report(
    database: Database, filters: EventFilters, now: datetime | None = None
) -> tuple[str, int, int]:
    """(the page, events in it, events on its map) for the events that pass `filters` (all of them)."""
    # Altair and vl-convert take a second to import: `marsad events --format geojson` does without.
    from workers.atlas.page import render_page

    data = report_data(database, filters, now)
    located = sum(1 for e in data.events if e["latitude"] is not None and e["longitude"] is not None)
    return render_page(data, code_names_shown()), len(data.events), located


@dataclass(frozen=True)
class ReportFile:
    path: Path
    events: int
    located: int
    size_bytes: int


def write_report(database: Database, filters: EventFilters, path: Path) -> ReportFile:
    """Write the report to `path` (through a temporary file beside it, renamed when complete)."""
    page, events, located = build_report(database, filters)
    encoded = page.encode("utf-8")
    partial = path.with_name(f".{path.name}.part")
    partial.write_bytes(encoded)
    partial.replace(path)
    return ReportFile(path, events, located, len(encoded))
