"""The report as one self-contained HTML page: vega, vega-lite and vega-embed inlined (vl-convert-python
ships them), the country outlines, the charts' specs and every event as JSON in the page, and a small
script for the table. The page requests nothing, so it opens from a USB stick on a plane; its
Content-Security-Policy forbids it any request besides."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from html import escape
from importlib import metadata, resources
from string import Template
from typing import Any

import altair as alt
import vl_convert

from workers.atlas import charts, summary
from workers.atlas.query import ReportData
from workers.events_query import EventFilters

__all__ = ["ROW_FIELDS", "render_page", "vega_bundle"]

# Each event of the page, as one array of these fields (key names once, not 10,000 times); the page's
# script turns them back into objects. Pairs of (page field, v_events column or "outlets").
ROW_FIELDS = (
    ("id", "event_id"), ("date", "event_date"), ("precision", "date_precision"), ("type", "type"),
    ("mode", "mode"), ("quad", "quad"), ("actor_codes", "actor_codes"), ("actor_names", "actor_names"),
    ("recipient_codes", "recipient_codes"), ("recipient_names", "recipient_names"),
    ("location", "location_name"), ("country", "location_country"), ("lat", "latitude"),
    ("lon", "longitude"), ("mentions", "num_mentions"), ("articles", "num_articles"),
    ("sources", "num_sources"), ("outlets", "outlets"), ("evidence", "evidence"), ("urls", "source_urls"),
)  # fmt: skip
TOP = 15  # dyads and actors charted


@lru_cache(maxsize=1)
def vega_bundle() -> tuple[str, str]:
    """(Vega-Lite version, the JavaScript of vega, vega-lite and vega-embed for it) from vl-convert-python,
    which ships them: nothing is downloaded. The version is the one Altair writes specs for, else the
    newest vl-convert has."""
    wanted = "_".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    available = vl_convert.get_vegalite_versions()
    version = wanted.replace("_", ".") if wanted.replace("_", ".") in available else available[-1]
    # Without a snippet the bundle puts vegaEmbed, vega and vegaLite on `window` (the stub wrongly makes the
    # snippet required; Altair calls it the same way).
    script: str = vl_convert.javascript_bundle(vl_version=f"v{version.replace('.', '_')}")  # type: ignore[call-arg]
    return version, script


def _asset(name: str) -> str:
    return resources.files("workers.atlas").joinpath(f"assets/{name}").read_text(encoding="utf-8")


def _packed(value: Any) -> str:
    """JSON, gzipped and in base64: the events' evidence and URLs are most of a page, and compress about
    fourfold (the page unpacks them with the browser's DecompressionStream)."""
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _json_in_html(value: Any) -> str:
    """JSON for a <script type="application/json"> element: `<` escaped, so no text in it closes the
    element or opens a comment."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).replace("<", "\\u003c")


def _row(event: Mapping[str, Any]) -> list[Any]:
    row = []
    for _, column in ROW_FIELDS:
        value = event[column]
        row.append(value.isoformat() if isinstance(value, date) else value)
    return row


def _filters_text(filters: EventFilters) -> str:
    given = [
        f"since {filters.since}" if filters.since else "",
        f"until {filters.until}" if filters.until else "",
        f"type {', '.join(filters.types)}" if filters.types else "",
        f"actor {filters.actor}" if filters.actor else "",
        f"country {filters.country}" if filters.country else "",
    ]
    shown = "; ".join(part for part in given if part)
    return f"Events {shown}." if shown else "Every stored event."


def _figures(pairs: Sequence[tuple[str, int]]) -> str:
    return "".join(f"<div><dt>{escape(label)}</dt><dd>{value:,}</dd></div>" for label, value in pairs)


def render_page(data: ReportData, names: Mapping[str, str], title: str = "Marsad events report") -> str:
    """The report page for `data`; `names` gives the English name of each actor and country code."""
    events = data.events
    located = [
        (e["longitude"], e["latitude"])
        for e in events
        if e["latitude"] is not None and e["longitude"] is not None
    ]
    found = summary.timeline(events)
    dyads = summary.top_dyads(events, names, TOP)
    actors = summary.top_actors(events, names, TOP)
    most = max((e["num_articles"] for e in events if e["latitude"] is not None), default=1)
    specs: dict[str, dict[str, Any]] = {
        "map": charts.map_chart(located, summary.country_counts(events), most)
    }
    if found.days:
        specs["timeline"] = charts.timeline_chart(found)
    if dyads:
        specs["dyads"] = charts.dyads_chart(dyads)
    if actors:
        specs["actors"] = charts.actors_chart(actors)
    empty = {
        "map": "",
        "timeline": '<p class="empty">No event is dated to the day.</p>',
        "dyads": '<p class="empty">No event has two sides.</p>',
        "actors": '<p class="empty">No event.</p>',
    }
    days = sorted(
        e["event_date"] for e in events if e["event_date"] is not None and e["date_precision"] == "day"
    )
    span = f" Events dated {days[0]} to {days[-1]}." if days else ""
    placed_only = sum(1 for e in events if e["location_country"] and e["latitude"] is None)
    coverage = data.coverage
    version, bundle = vega_bundle()
    page_data = {
        "columns": [field for field, _ in ROW_FIELDS],
        "rows": [_row(e) for e in events],
        "quads": [{"quad": q.quad, "name": q.name, "colour": q.colour} for q in summary.QUAD_CLASSES],
        "events_data": charts.EVENTS_DATA,
    }
    quad_options = '<option value="0">all quad classes</option>' + "".join(
        f'<option value="{q.quad}">{escape(q.name)}</option>' for q in summary.QUAD_CLASSES
    )
    values = {
        "title": escape(title),
        "lede": escape(
            f"{_filters_text(data.filters)}{span} Made {data.generated_at:%Y-%m-%d %H:%M} UTC by Marsad from "
            "PLOVER-coded Arabic news."
        ),
        "figures": _figures(
            [
                ("events", len(events)),
                ("on the map", len(located)),
                ("undated", found.undated),
                ("articles read", coverage.articles),
                ("republished copies", coverage.duplicates),
                ("articles with no event", coverage.without_events),
                ("articles carrying these events", coverage.carrying_shown),
            ]
        ),
        "coverage_note": escape(
            "Articles read, copies and articles with no event count every article stored, whatever the "
            "filters; a republished copy is not extracted again and carries its original's events."
        ),
        "map_note": escape(
            f"A mark for each of the {len(located):,} events with coordinates, sized by the articles that "
            f"reported it and coloured by quad class; {placed_only:,} more are placed only in a country, "
            "which is shaded by the events placed in it. Hover for details. Outlines: Natural Earth 1:110m "
            "(small states such as Bahrain have none)."
        ),
        "timeline_note": escape(
            f"Events dated to the day, by quad class. Not drawn: {found.undated:,} undated events (never "
            f"drawn on the day they were found) and {found.imprecise:,} dated only to a month or a year."
        ),
        "quad_options": quad_options,
        "legend": "".join(
            f'<span><i class="quad" style="background:{q.colour}"></i>{escape(q.name)}</span>'
            for q in summary.QUAD_CLASSES
        ),
        "footer": escape(
            "Charts: Vega-Lite (through Altair and vega-embed, inlined). Country outlines: Natural Earth "
            "(public domain), from world-atlas. Events: PLOVER ontology, coded by Marsad's extractor."
        ),
        "css": _asset("report.css"),
        "vega": bundle,
        "vl_convert_version": escape(f"{metadata.version('vl-convert-python')}, Vega-Lite {version}"),
        "data": _packed(page_data),
        "charts": _json_in_html(specs),
        "script": _asset("report.js"),
        **{f"empty_{name}": "" if name in specs else text for name, text in empty.items()},
    }
    return Template(_asset("report.html")).substitute(values)
