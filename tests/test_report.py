"""`marsad report` end to end: articles through the real pipeline into a real PostgreSQL, the command writes
the page, and headless Chromium opens it as a reader would: the map has a mark per located event, the
timeline has bars, typing in the filter keeps the matching rows, and the page requests nothing beyond its
own file. Run for a team-written set (tests/fixtures/report/articles.jsonl: wire copy with a republished
copy, an undated event and an article with no event) and for the seed articles of ../shared/seeds (skipped
when ../shared is absent)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from db.session import Database
from tests.browser import Chromium, chromium_binary
from tests.conftest import SHARED, marsad, truncate_all
from tests.helpers import RecordingQueue
from workers.atlas.charts import DETAIL_DAYS
from workers.atlas.query import report_data
from workers.events_query import EventFilters
from workers.ingest.inbox import Ingestor
from workers.pipeline import run_documents
from workers.settings import AfterProcessing, Settings

FIXTURES = Path(__file__).parent / "fixtures" / "report"
CORPORA = {
    "team-written": [FIXTURES / "articles.jsonl"],
    "seeds": sorted((SHARED / "seeds").glob("*.txt")),
}
NO_CHROMIUM = "no chromium binary (Debian: apt-get install chromium; .ci/run installs it)"


@dataclass
class Report:
    corpus: str
    settings: Settings
    path: Path
    stdout: str
    events: list[dict[str, Any]]
    database: Database

    @property
    def located(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["latitude"] is not None and e["longitude"] is not None]


class _Page(HTMLParser):
    """What a test reads of the page's HTML: its figures, JSON blocks and every URL-bearing attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.scripts: dict[str, str] = {}
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.styles: list[str] = []
        self._in: tuple[str, str] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            if found.get(name):
                self.references.append((tag, name, found[name] or ""))
        if tag in ("dt", "dd", "style") or (tag == "script" and found.get("id")):
            self._in = (tag, found.get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is None:
            return
        tag, ident = self._in
        if tag == "dt":
            self._label = data
        elif tag == "dd":
            self.figures[self._label] = data
        elif tag == "style":
            self.styles.append(data)
        else:
            self.scripts[ident] = self.scripts.get(ident, "") + data


def unpacked(text: str) -> Any:
    """The page's events: JSON, gzipped, in base64."""
    return json.loads(gzip.decompress(base64.b64decode(text)))


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module", params=sorted(CORPORA))
def report(
    request: pytest.FixtureRequest,
    database_url: str,
    redis_server_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Report]:
    """The corpus through the real pipeline into the test database, then `marsad report -o` run on it."""
    corpus: str = request.param
    files = CORPORA[corpus]
    if not files:
        pytest.skip("../shared/seeds is not beside this checkout")
    root = tmp_path_factory.mktemp(corpus)
    settings = Settings(
        database_url=database_url,
        broker_url=redis_server_url,
        inbox_dir=root / "inbox",
        state_dir=root / "state",
        after_processing=AfterProcessing.KEEP,  # the corpus stays where it is (../shared is read-only)
        _env_file=None,
    )
    settings.inbox_dir.mkdir()
    database = Database(database_url)
    truncate_all(database)
    queue = RecordingQueue()
    ingestor = Ingestor(settings, database, queue)
    for path in files:
        ingestor.ingest(path)
    outcome = run_documents(database, queue.sent, max_attempts=3)
    assert len(outcome.done) == len(queue.sent) > 0
    path = root / "report.html"
    result = marsad(settings, "report", "-o", str(path))
    events = list(report_data(database, EventFilters(limit=None)).events)  # v_events rows, with outlets
    yield Report(corpus, settings, path, result.stdout, events, database)
    database.dispose()


# Vega draws the charts on a canvas or as SVG: what a reader sees is counted in each view's scene graph,
# the items of the data marks (Vega-Lite names them marks or *_marks; legends, axes and brushes are
# named otherwise).
COUNT_MARKS = """
((view, marktype) => {
  let count = 0;
  const walk = (node) => {
    if (node.marktype === marktype && /(^|_)marks$/.test(node.name || "")) count += node.items.length;
    for (const item of node.items || []) walk(item);
  };
  walk(view.scenegraph().root);
  return count;
})
"""


@pytest.fixture(scope="module")
def browser(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    """The report opened in headless Chromium, its charts drawn; a screenshot of its top is kept."""
    if chromium_binary() is None:
        pytest.skip(NO_CHROMIUM)
    with Chromium(width=1280, height=900) as chromium:
        chromium.open(report.path.as_uri())
        chromium.evaluate("window.marsadReady")
        shot = chromium.screenshot(tmp_path_factory.mktemp("shots") / f"report-{report.corpus}.png", 2400)
        print(f"screenshot: {shot}")
        yield chromium


def test_report_command_says_what_it_wrote(report: Report) -> None:
    located = len(report.located)
    assert f"wrote {report.path}: {len(report.events):,} events, {located:,} of them on the map" in " ".join(
        report.stdout.split()
    )


def test_report_page_holds_every_event_once(report: Report) -> None:
    data = unpacked(parse(report.path).scripts["marsad-data"])
    ids = [row[data["columns"].index("id")] for row in data["rows"]]
    assert sorted(ids) == sorted(e["event_id"] for e in report.events)
    assert len(ids) > 0


def test_report_page_references_nothing_outside_itself(report: Report) -> None:
    page = parse(report.path)
    # links to the articles are the only URLs: anchors a reader may follow, never loaded by the page
    assert {tag for tag, _, _ in page.references} <= {"a"}
    assert not any("url(" in style or "@import" in style for style in page.styles)
    assert "default-src 'none'" in report.path.read_text(encoding="utf-8")


def test_report_opens_with_no_request_leaving_its_file(report: Report, browser: Chromium) -> None:
    assert browser.requests == [report.path.as_uri()]
    assert browser.console == []  # no error or warning from the page or Vega


def test_report_map_has_a_mark_for_each_located_event(report: Report, browser: Chromium) -> None:
    marks = browser.evaluate(f"{COUNT_MARKS}(marsadViews.map, 'symbol')")
    assert marks == len(report.located) > 0


def test_report_timeline_has_a_bar_for_each_day_and_quad_class(report: Report, browser: Chromium) -> None:
    dated = [e for e in report.events if e["date_precision"] == "day"]
    last = max(e["event_date"] for e in dated)
    shown = {(e["event_date"], e["quad"]) for e in dated if (last - e["event_date"]).days < DETAIL_DAYS}
    bars = browser.evaluate(f"{COUNT_MARKS}(marsadViews.timeline, 'rect')")
    # over a longer span the overview of weeks below adds bars of its own
    assert bars == len(shown) if (last - min(e["event_date"] for e in dated)).days < DETAIL_DAYS else bars > 0


# Where the first mark of the map is on the screen, and the event it stands for.
FIRST_MARK = """
(() => {
  document.getElementById("chart-map").scrollIntoView();
  const view = marsadViews.map;
  let mark = null;
  const walk = (node) => {
    if (!mark && node.marktype === "symbol" && /(^|_)marks$/.test(node.name || "")) mark = node.items[0];
    for (const item of node.items || []) walk(item);
  };
  walk(view.scenegraph().root);
  const [left, top] = view.origin();
  const canvas = view.container().querySelector("canvas").getBoundingClientRect();
  return {x: canvas.left + left + mark.x, y: canvas.top + top + mark.y, id: mark.datum.id};
})()
"""


def test_report_map_mark_tells_its_event_on_hover(report: Report, browser: Chromium) -> None:
    mark = browser.evaluate(FIRST_MARK)
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=mark["x"], y=mark["y"])
    shown = browser.evaluate(
        "new Promise(r => setTimeout(() => r(document.getElementById('vg-tooltip-element').innerText), 300))"
    )
    event = next(e for e in report.events if e["event_id"] == mark["id"])
    said = " ".join(shown.split())
    assert f"type {event['type']}" in said
    assert f"date {event['event_date'] or 'undated'}" in said
    assert ",".join(event["actor_codes"]) in said.replace(", ", ",")
    assert f"outlets {', '.join(event['outlets']) or event['num_sources']}" in said
    browser.evaluate("window.scrollTo(0, 0)")


def _rows(browser: Chromium) -> list[str]:
    rows: list[str] = browser.evaluate(
        "[...document.querySelectorAll('#events tbody tr')].map(tr => tr.dataset.id)"
    )
    return rows


def test_report_table_lists_every_event_newest_first(report: Report, browser: Chromium) -> None:
    assert [int(i) for i in _rows(browser)] == [e["event_id"] for e in report.events][:200]


def test_report_table_filter_keeps_only_the_rows_typed_for(report: Report, browser: Chromium) -> None:
    wanted = min({e["type"] for e in report.events}, key=lambda t: sum(e["type"] == t for e in report.events))
    browser.type_into("#filter", wanted.lower())
    try:
        assert sorted(int(i) for i in _rows(browser)) == sorted(
            e["event_id"] for e in report.events if e["type"] == wanted
        )
        assert len(_rows(browser)) < len(report.events)
    finally:
        browser.evaluate("(f => { f.value = ''; f.dispatchEvent(new Event('input')); })(filter)")
    assert len(_rows(browser)) == min(len(report.events), 200)


def test_report_table_sorts_by_a_heading(report: Report, browser: Chromium) -> None:
    browser.evaluate("document.querySelector('button[data-key=articles]').click()")
    try:
        first = int(_rows(browser)[0])
        assert next(e for e in report.events if e["event_id"] == first)["num_articles"] == max(
            e["num_articles"] for e in report.events
        )
    finally:
        browser.evaluate("document.querySelector('button[data-key=date]').click()")


# -- the team-written set, whose events are known -------------------------------------------------------


# These tests take the module's report fixture for the team-written set only.
TEAM = pytest.mark.parametrize("report", ["team-written"], indirect=True)


@TEAM
def test_report_team_set_has_its_events(report: Report) -> None:
    coded = sorted(
        (e["type"], ",".join(e["actor_codes"]), ",".join(e["recipient_codes"])) for e in report.events
    )
    assert coded == [
        ("ACCUSE", "IRN", "USA"),
        ("ASSAULT", "RUS", "SYR"),
        ("CONSULT", "EGY,SAU", ""),
        ("CONSULT", "TUR", "IRQ"),
        ("PROTEST", "JOR", "JOR"),
        ("REQUEST", "JOR", "JOR"),
    ]
    assault = next(e for e in report.events if e["type"] == "ASSAULT")
    assert (assault["num_articles"], assault["num_sources"]) == (2, 2)  # the original and its copy


@TEAM
def test_report_counts_what_was_read(report: Report) -> None:
    figures = {label: int(value.replace(",", "")) for label, value in parse(report.path).figures.items()}
    assert figures == {
        "events": 6,
        "on the map": 3,  # Idlib, Amman, Baghdad
        "undated": 1,
        "articles read": 7,
        "republished copies": 1,
        "articles with no event": 1,  # the price of gold
        "articles carrying these events": 6,
    }


@TEAM
def test_report_never_draws_an_undated_event_on_the_day_it_was_found(report: Report) -> None:
    charts = json.loads(parse(report.path).scripts["marsad-charts"])
    days = [row for values in charts["timeline"]["datasets"].values() for row in values]
    undated = next(e for e in report.events if e["event_date"] is None)
    assert sum(row["events"] for row in days) == 5
    assert {row["day"] for row in days} == {"2024-03-12", "2024-03-13", "2024-03-14", "2024-03-15"}
    assert undated["first_seen"].date().isoformat() not in {row["day"] for row in days}


@TEAM
def test_report_filter_folds_arabic_spelling(report: Report, browser: Chromium) -> None:
    browser.type_into("#filter", "عمان")  # written عمّان in the articles
    try:
        assert sorted(int(i) for i in _rows(browser)) == sorted(
            e["event_id"] for e in report.events if e["location_name"] == "Amman" or "عمّان" in e["evidence"]
        )
        assert _rows(browser)
    finally:
        browser.evaluate("(f => { f.value = ''; f.dispatchEvent(new Event('input')); })(filter)")


@TEAM
def test_events_geojson_limit_counts_events_with_coordinates(report: Report) -> None:
    # Before 15 March the newest events (the call on the 14th, the accusation on the 13th) have no place:
    # --limit 1 gives the newest one with coordinates, the air strike on Idlib.
    result = marsad(report.settings, "events", "--format", "geojson", "--until", "2024-03-14", "--limit", "1")
    (feature,) = json.loads(result.stdout)["features"]
    assert feature["properties"]["type"] == "ASSAULT"
    assert feature["geometry"]["coordinates"] == [pytest.approx(36.6, abs=0.1), pytest.approx(35.9, abs=0.1)]


@TEAM
def test_report_takes_the_filters_of_marsad_events(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "jordan.html"
    marsad(report.settings, "report", "--country", "الأردن", "--type", "protest,request", "-o", str(path))
    data = unpacked(parse(path).scripts["marsad-data"])
    types = [row[data["columns"].index("type")] for row in data["rows"]]
    assert types == ["PROTEST"]  # the request in the same article has no place


@TEAM
def test_report_refuses_a_bad_filter_with_a_message(report: Report, tmp_path: Path) -> None:
    result = marsad(
        report.settings, "report", "--since", "2024-13-01", "-o", str(tmp_path / "r.html"), check=False
    )
    assert result.returncode == 1
    assert "--since '2024-13-01': not a date" in result.stderr
    assert not (tmp_path / "r.html").exists()
