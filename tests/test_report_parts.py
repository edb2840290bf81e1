"""The pieces of `marsad report` on made-up events, without a database: the timeline, dyads and actors it
counts, the GeoJSON of `marsad events`, and the page's handling of hostile text (a `</script>` in
evidence, a `javascript:` URL), checked in headless Chromium. Also that the browser harness records a
request that leaves the page, so that the report's "no request" test can fail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.browser import Chromium, chromium_binary
from workers.atlas.geojson import events_geojson
from workers.atlas.page import render_page
from workers.atlas.query import Coverage, ReportData
from workers.atlas.summary import dyads, timeline, top_actors, top_dyads
from workers.events_query import COLUMNS, EventFilters

NO_CHROMIUM = "no chromium binary (Debian: apt-get install chromium; .ci/run installs it)"
NAMES = {"RUS": "Russia", "USA": "United States", "SYR": "Syria", "TUR": "Türkiye", "IRN": "Iran"}


def event(
    event_id: int,
    event_type: str,
    quad: int,
    actors: list[str],
    recipients: list[str],
    day: date | None,
    precision: str = "day",
    **fields: Any,
) -> dict[str, Any]:
    """A v_events row with the outlets a report adds."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        event_id=event_id, type=event_type, quad=quad, actor_codes=actors, recipient_codes=recipients,
        event_date=day, date_precision=precision if day else "unknown", num_mentions=1, num_articles=1,
        num_sources=1, evidence="جملة", source_urls=[], outlets=[],
        first_seen=datetime(2024, 3, 20, 9, tzinfo=UTC), last_seen=datetime(2024, 3, 20, 9, tzinfo=UTC),
    )  # fmt: skip
    row.update(fields)
    return row


EVENTS = [
    event(1, "ASSAULT", 4, ["RUS"], ["SYR"], date(2024, 3, 12)),
    event(2, "CONSULT", 1, ["RUS", "TUR", "USA"], [], date(2024, 3, 12)),
    event(3, "ACCUSE", 3, ["IRN"], ["USA"], date(2024, 3, 13)),
    event(4, "ASSAULT", 4, ["RUS"], ["SYR"], date(2024, 3, 1), "month"),
    event(5, "CONSULT", 1, ["TUR"], ["SYR"], None),
]


def test_timeline_counts_days_and_leaves_the_undated_and_imprecise_apart() -> None:
    found = timeline(EVENTS)
    assert list(found.days) == [
        (date(2024, 3, 12), "verbal cooperation", 1),
        (date(2024, 3, 12), "material conflict", 1),
        (date(2024, 3, 13), "verbal conflict", 1),
    ]
    assert (found.undated, found.imprecise) == (1, 1)


@pytest.mark.parametrize(
    ("index", "pairs"),
    [
        (0, [("RUS", "SYR", True)]),  # directed: the actor on the recipient
        (1, [("RUS", "TUR", False), ("RUS", "USA", False), ("TUR", "USA", False)]),  # each pair of sides
    ],
)
def test_dyads_are_counted_as_v_dyads_daily_counts_them(
    index: int, pairs: list[tuple[str, str, bool]]
) -> None:
    assert dyads(EVENTS[index]) == pairs


def test_top_dyads_rank_by_events_and_split_them_by_quad_class() -> None:
    found = top_dyads(EVENTS, NAMES, count=2)
    assert [(t.label, dict(t.by_quad)) for t in found] == [("RUS → SYR", {4: 2}), ("IRN → USA", {3: 1})]
    assert found[0].detail == "Russia → Syria"


def test_top_actors_count_either_side_and_say_how_they_took_part() -> None:
    found = {t.key: t for t in top_actors(EVENTS, NAMES)}
    assert dict(found["SYR"].by_quad) == {4: 2, 1: 1}
    assert found["SYR"].detail == "Syria: acted on 3"
    assert found["RUS"].detail == "Russia: acting 2, with others 1"
    assert found["TUR"].label == "TUR Türkiye"


def test_geojson_has_the_events_with_coordinates_as_lon_lat_points_with_every_field() -> None:
    located = event(6, "PROTEST", 4, ["JOR"], ["JOR"], date(2024, 3, 15), latitude=31.95, longitude=35.93)
    collection = json.loads(events_geojson([*EVENTS, located]))
    (feature,) = collection["features"]
    assert collection["type"] == "FeatureCollection"
    assert feature["id"] == 6
    assert feature["geometry"] == {"type": "Point", "coordinates": [35.93, 31.95]}
    assert feature["properties"]["event_date"] == "2024-03-15"
    assert set(feature["properties"]) == {*COLUMNS, "outlets"}


# -- the page, in a browser ---------------------------------------------------------------------------

HOSTILE = "</script><script>document.title = 'pwned'</script><!--"


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report whose events carry text a feed could: script in the evidence, a javascript: URL."""
    events = [
        event(1, "ASSAULT", 4, ["RUS"], ["SYR"], date(2024, 3, 12), evidence=HOSTILE,
              source_urls=["javascript:document.title='pwned'", "https://news.example/1"],
              latitude=35.9, longitude=36.6, location_name="Idlib", location_country="SYR"),
        *EVENTS[1:],
    ]  # fmt: skip
    data = ReportData(
        EventFilters(limit=None), events, Coverage(5, 0, 0, 5), datetime(2024, 3, 20, tzinfo=UTC)
    )
    path = tmp_path_factory.mktemp("page") / "report.html"
    path.write_text(render_page(data, NAMES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def opened(hostile_page: Path) -> Iterator[Chromium]:
    if chromium_binary() is None:
        pytest.skip(NO_CHROMIUM)
    with Chromium() as chromium:
        chromium.open(hostile_page.as_uri())
        chromium.evaluate("window.marsadReady")
        yield chromium


def test_page_shows_hostile_evidence_as_text(opened: Chromium) -> None:
    assert opened.evaluate("document.title") == "Marsad events report"
    assert (
        opened.evaluate("document.querySelector('#events tr[data-id=\"1\"] td.evidence').textContent")
        == HOSTILE
    )


def test_page_links_only_web_addresses(opened: Chromium) -> None:
    hrefs = opened.evaluate("[...document.querySelectorAll('#events a')].map(a => a.getAttribute('href'))")
    assert hrefs == ["https://news.example/1"]


def test_page_draws_no_bar_for_undated_or_month_dated_events(opened: Chromium) -> None:
    # the bars drawn, with the day each stands for
    days = opened.evaluate(
        "marsadViews.timeline.data('marks')"
        ".map(m => new Date(m.datum.yearmonthdate_day).toISOString().slice(0, 10))"
    )
    assert sorted(days) == ["2024-03-12", "2024-03-12", "2024-03-13"]


def test_page_without_located_events_draws_the_outlines_without_a_warning(tmp_path: Path) -> None:
    if chromium_binary() is None:
        pytest.skip(NO_CHROMIUM)
    data = ReportData(
        EventFilters(limit=None), EVENTS, Coverage(5, 0, 0, 5), datetime(2024, 3, 20, tzinfo=UTC)
    )
    page = tmp_path / "report.html"
    page.write_text(render_page(data, NAMES), encoding="utf-8")
    with Chromium() as chromium:
        chromium.open(page.as_uri())
        chromium.evaluate("window.marsadReady")
        assert chromium.evaluate("marsadViews.map.scenegraph().root.items.length") == 1
        assert chromium.console == []


def test_browser_records_a_request_that_leaves_the_page(tmp_path: Path) -> None:
    if chromium_binary() is None:
        pytest.skip(NO_CHROMIUM)
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8")
    with Chromium() as chromium:
        chromium.open(page.as_uri())
        assert chromium.requests == [page.as_uri(), "http://127.0.0.1:9/pixel.png"]
