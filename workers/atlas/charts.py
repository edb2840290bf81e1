"""The report's charts as Vega-Lite specifications, written with Altair: the map, the timeline, the top
dyads and the top actors. Every spec is plain JSON; the page's script gives the map its events (the data
set named `events`, shared with the table) and vega-embed draws them, with no request of its own."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import altair as alt
import pycountry

from workers.atlas.summary import QUAD_CLASSES, Tally, Timeline

__all__ = ["EVENTS_DATA", "actors_chart", "dyads_chart", "map_chart", "timeline_chart", "world_topology"]

EVENTS_DATA = "events"  # the name of the data set the page fills with every event
WIDTH = 1000
DETAIL_DAYS = 120  # the most days the timeline shows a bar for at once
MIN_DAYS = 21  # the fewest it spreads its bars over


def _count_axis(most: int) -> alt.Axis:
    """An axis of counts of events: whole numbers only (Vega would tick 0.5 up to 2)."""
    return alt.Axis(format="d", tickMinStep=1, tickCount=max(1, min(most, 8)))


_FONT = "system-ui, 'Noto Sans Arabic', 'DejaVu Sans', sans-serif"


@lru_cache(maxsize=1)
def world_topology() -> dict[str, Any]:
    """Natural Earth's 1:110m country outlines (TopoJSON, object `countries`, ids ISO 3166-1 numeric);
    see workers/atlas/data/README.md."""
    raw = resources.files("workers.atlas").joinpath("data/countries-110m.json").read_text(encoding="utf-8")
    topology: dict[str, Any] = json.loads(raw)
    return topology


def _quad_colour() -> alt.Color:
    """Colour by quad class; the page shows the legend once for every chart."""
    scale = alt.Scale(domain=[q.name for q in QUAD_CLASSES], range=[q.colour for q in QUAD_CLASSES])
    return alt.Color("quad:N", scale=scale, legend=None)


def _quad_order() -> alt.Order:
    return alt.Order("quad_order:Q", sort="ascending")


def _with_quad_order(chart: alt.Chart) -> alt.Chart:
    cases = " : ".join(f"datum.quad === {json.dumps(q.name)} ? {q.quad}" for q in QUAD_CLASSES)
    return chart.transform_calculate(quad_order=f"{cases} : 0")


def _numeric(alpha3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=alpha3)
    return country.numeric if country is not None else None


def _frame(points: Sequence[tuple[float, float]]) -> dict[str, Any] | None:
    """A GeoJSON outline of where the marks are, with a margin, that the projection is fitted to: the map
    shows the region of the events, not the whole world, when they are all in one region."""
    if not points:
        return None
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    span = max(max(lons) - min(lons), max(lats) - min(lats), 20.0)
    margin = span * 0.15
    west, east = max(min(lons) - margin, -180.0), min(max(lons) + margin, 180.0)
    south, north = max(min(lats) - margin, -85.0), min(max(lats) + margin, 85.0)
    corners = [[west, south], [east, south], [east, north], [west, north]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": corners}}


def _largest_mark(marks: int) -> float:
    """The area in pixels of the map's largest mark: smaller as marks crowd (900 for 50 marks or fewer,
    100 from about 4,000)."""
    crowding: float = math.sqrt(50 / max(marks, 1))
    return max(100.0, min(900.0, 900.0 * crowding))


def _steps(most: int) -> list[int]:
    """Round numbers of articles up to `most`, for the size legend: 1, 2, 5, 10, 20, 50, ..."""
    steps = [n * 10**power for power in range(7) for n in (1, 2, 5)]
    shown = [n for n in steps if n <= max(most, 1)]
    return shown[-4:]


def map_chart(
    points: Sequence[tuple[float, float]], countries: Mapping[str, int], most_articles: int
) -> dict[str, Any]:
    """The map: country outlines shaded by the events placed in each country, and a mark for each event
    with coordinates (`points`, lon/lat, fix the view), sized by its articles (`most_articles` the most of
    any) and coloured by quad class, with a tooltip."""
    shaded = [{"id": n, "placed": count} for code, count in countries.items() if (n := _numeric(code))]
    world = alt.NamedData(name="world", format=alt.TopoDataFormat(type="topojson", feature="countries"))
    outlines = (
        alt.Chart(world)
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.6, clip=True)
        .transform_lookup(lookup="id", from_=alt.LookupData(alt.NamedData(name="placed"), "id", ["placed"]))
        .transform_calculate(placed="datum.placed || 0", country="datum.properties.name")
        .encode(
            color=alt.Color(
                "placed:Q", scale=alt.Scale(range=["#eceff1", "#b0bec5"], domainMin=0), legend=None
            ),
            tooltip=[alt.Tooltip("country:N"), alt.Tooltip("placed:Q", title="events placed here")],
        )
    )
    marks = (
        alt.Chart(alt.NamedData(name=EVENTS_DATA))
        .mark_circle(opacity=0.75, stroke="#ffffff", strokeWidth=0.6, clip=True)
        .transform_filter("isValid(datum.lat) && isValid(datum.lon)")
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size(
                "articles:Q",
                scale=alt.Scale(type="sqrt", domainMin=0, range=[0, _largest_mark(len(points))]),
                legend=alt.Legend(
                    title="articles", orient="bottom-left", values=_steps(most_articles), format="d"
                ),
            ),
            color=_quad_colour(),
            order=alt.Order("articles:Q", sort="descending"),
            tooltip=[
                alt.Tooltip("type:N"),
                alt.Tooltip("who:N", title="actors"),
                alt.Tooltip("date_shown:N", title="date"),
                alt.Tooltip("place:N"),
                alt.Tooltip("outlets_shown:N", title="outlets"),
                alt.Tooltip("articles:Q"),
            ],
        )
    )
    frame = _frame(points)
    datasets = {"world": world_topology(), "placed": shaded}
    if frame is None:  # no event has coordinates: the outlines alone (a mark layer with no data would warn)
        return _spec(outlines.project(type="equalEarth").properties(width=WIDTH, height=520), datasets)
    chart = alt.layer(outlines, marks).resolve_scale(color="independent")  # shade and quad are two scales
    chart = chart.project(type="equalEarth", fit=frame)
    chart = chart.properties(width=WIDTH, height=520)
    return _spec(chart, datasets)


def timeline_chart(found: Timeline) -> dict[str, Any]:
    """Events a day (dated to the day), stacked by quad class. Over more than DETAIL_DAYS days a day's bar
    would be too thin to see: the chart then shows the last DETAIL_DAYS days of events, and beneath it an
    overview of every week, where dragging picks the days shown."""
    rows = [{"day": day.isoformat(), "quad": quad, "events": n} for day, quad, n in found.days]
    first, last = found.days[0][0], found.days[-1][0]
    totals: dict[date, int] = {}
    for day, _, n in found.days:
        totals[day] = totals.get(day, 0) + n
    axis_y = _count_axis(max(totals.values()))
    daily = _with_quad_order(alt.Chart(alt.NamedData(name="days"))).mark_bar(
        clip=True, width=alt.RelativeBandSize(0.85)
    )
    tooltip = [
        alt.Tooltip("yearmonthdate(day):T", title="day", format="%Y-%m-%d"),
        alt.Tooltip("quad:N", title="quad class"),
        alt.Tooltip("sum(events):Q", title="events"),
    ]
    axis = alt.Axis(format="%e %b %Y", labelAngle=0, labelOverlap=True)
    if (last - first).days < DETAIL_DAYS:
        # at least MIN_DAYS days wide, so that a day's bar is not the width of the chart
        start = min(first, last - timedelta(days=MIN_DAYS - 1))
        domain = [_datetime(start), _datetime(last + timedelta(days=1))]
        x = alt.X("yearmonthdate(day):T", title=None, axis=axis, scale=alt.Scale(domain=domain))
        return _spec(_daily(daily, x, axis_y, tooltip).properties(width=WIDTH, height=220), {"days": rows})
    start, end = last - timedelta(days=DETAIL_DAYS - 1), last + timedelta(days=1)
    window = alt.selection_interval(
        name="days", encodings=["x"], value={"x": [_datetime(start), _datetime(end)]}
    )
    x = alt.X("yearmonthdate(day):T", title=None, axis=axis, scale=alt.Scale(domain=window))
    detail = _daily(daily, x, axis_y, tooltip).properties(width=WIDTH, height=220)
    overview = (
        _with_quad_order(alt.Chart(alt.NamedData(name="days")))
        .mark_bar()
        .encode(
            x=alt.X("yearweek(day):T", title="every week: drag to choose the days above", axis=axis),
            y=alt.Y("sum(events):Q", title=None, axis=alt.Axis(tickCount=2)),
            color=_quad_colour(),
            order=_quad_order(),
        )
        .add_params(window)
        .properties(width=WIDTH, height=70)
    )
    return _spec(alt.vconcat(detail, overview, spacing=8), {"days": rows})


def _daily(chart: alt.Chart, x: alt.X, axis: alt.Axis, tooltip: list[alt.Tooltip]) -> alt.Chart:
    return chart.encode(
        x=x,
        y=alt.Y("sum(events):Q", title="events a day", axis=axis),
        color=_quad_colour(),
        order=_quad_order(),
        tooltip=tooltip,
    )


def _datetime(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day)


def _bars(tallies: Sequence[Tally], axis_title: str) -> dict[str, Any]:
    rows = [row for tally in tallies for row in tally.rows()]
    chart = (
        _with_quad_order(alt.Chart(alt.NamedData(name="tallies")))
        .mark_bar()
        .encode(
            y=alt.Y(
                "label:N", sort=[tally.label for tally in tallies], title=None, axis=alt.Axis(labelLimit=220)
            ),
            x=alt.X("sum(events):Q", title=axis_title, axis=_count_axis(max(t.total for t in tallies))),
            color=_quad_colour(),
            order=_quad_order(),
            tooltip=[
                alt.Tooltip("detail:N", title=" "),
                alt.Tooltip("quad:N", title="quad class"),
                alt.Tooltip("events:Q"),
                alt.Tooltip("total:Q", title="all events"),
            ],
        )
    )
    return _spec(chart.properties(width=300, height=alt.Step(18)), {"tallies": rows})


def dyads_chart(tallies: Sequence[Tally]) -> dict[str, Any]:
    """The busiest dyads (A → B: A acts on B; A ↔ B: together), their events stacked by quad class."""
    return _bars(tallies, "events")


def actors_chart(tallies: Sequence[Tally]) -> dict[str, Any]:
    """The actors in the most events, on either side, stacked by quad class."""
    return _bars(tallies, "events")


def _spec(chart: alt.TopLevelMixin, datasets: Mapping[str, Any]) -> dict[str, Any]:
    """The chart's Vega-Lite spec, validated by Altair, with its data sets: added after the validation,
    which would otherwise check every row (3 s for the days of 10,000 events)."""
    configured = chart.configure(
        font=_FONT, view=alt.ViewConfig(stroke=None), axis=alt.AxisConfig(labelFontSize=11, titleFontSize=12)
    )
    spec: dict[str, Any] = configured.to_dict(validate=True)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec
