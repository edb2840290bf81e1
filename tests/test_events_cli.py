"""`marsad events` over a real PostgreSQL: the stored events, newest first, filtered by date, type, actor
and place, as a table, one JSON array or CSV. The filters are checked on the query function; the command
is run for its output formats, option wiring and errors, all its runs at once (each is a process start)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from sqlalchemy import update

from db.models import Document
from db.session import Database
from tests.conftest import marsad, truncate_all
from tests.helpers import add_documents
from workers.errors import ConfigurationError
from workers.events_query import COLUMNS, EventFilters, event_types, list_events, parse_day
from workers.pipeline import run_documents
from workers.settings import Settings

# Short articles written for this test in the manner of Arabic wire copy; facts are invented. Each has
# one event, dated by "اليوم" against its publication date.
STORIES = [
    (
        "موسكو-سانا\nأجرى الرئيس الروسي فلاديمير بوتين اليوم اتصالا هاتفيا مع نظيره الأمريكي جو بايدن "
        "بحثا خلاله العلاقات الثنائية والأوضاع الدولية.",
        {"published_at": "2021-03-10T09:00:00Z", "source": "سانا", "url": "https://sana.example/1"},
    ),
    (
        "القاهرة-واع\nوصل وزير الخارجية العراقي إلى القاهرة اليوم في زيارة رسمية يلتقي خلالها نظيره المصري "
        "لبحث العلاقات الثنائية.",
        {"published_at": "2024-05-02T09:00:00Z", "source": "واع", "url": "https://ina.example/2"},
    ),
    (
        "الرباط-(وكالات)\nتظاهر مئات المغاربة اليوم السبت أمام مبنى البرلمان في الرباط احتجاجا على غلاء "
        "المعيشة.",
        {"published_at": "2024-06-15T09:00:00Z", "source": "وكالات", "url": "https://w.example/3"},
    ),
    (
        "دمشق-سانا\nاتهمت وزارة الخارجية السورية في دمشق اليوم إسرائيل بشن غارات جوية على مواقع قرب العاصمة.",
        {"published_at": "2024-07-20T09:00:00Z", "source": "سانا", "url": "https://sana.example/4"},
    ),
]
# (date, type, mode, actors, recipients, country), newest first.
EXPECTED = [
    ("2024-07-20", "ACCUSE", "allege", ["SYR"], ["ISR"], "SYR"),
    ("2024-06-15", "PROTEST", "demo", ["MAR"], ["MAR"], "MAR"),
    ("2024-05-02", "CONSULT", "visit", ["IRQ"], ["EGY"], "EGY"),
    ("2021-03-10", "CONSULT", "phone", ["RUS", "USA"], [], None),
]


@pytest.fixture(scope="module")
def stored(database_url: str) -> Iterator[Database]:
    """The database with the stories run through the real pipeline, once for the module: no test here
    writes."""
    database = Database(database_url)
    truncate_all(database)
    docs = add_documents(database, [text for text, _ in STORIES])
    with database.session() as session:
        for doc_id, (_, meta) in zip(docs, STORIES, strict=True):
            session.execute(update(Document).where(Document.id == doc_id).values(raw_meta=meta))
    outcome = run_documents(database, docs, max_attempts=3)
    assert len(outcome.done) == len(STORIES)
    yield database
    database.dispose()


# Every `marsad events` run of this module, by name.
RUNS = {
    "json": ["--format", "json"],
    # Each option of a run removes an event the run's other options keep.
    "type, until and limit": [
        "--format", "json", "--type", "consult,Accuse", "--type", "consult", "--until", "2024-07-01",
        "--limit", "1",
    ],
    "actor": ["--format", "json", "--actor", "isr"],
    "country and since": ["--format", "json", "--country", "egy", "--since", "2024-05-03"],
    "csv": ["--format", "csv"],
    "table": [],
    "bad date": ["--since", "2024-13-01"],
    "unknown type": ["--type", "consult,PARLEY"],
    "country in English": ["--format", "json", "--country", "Syria"],
    "country in Arabic": ["--format", "json", "--country", "سوريا"],
    "actor by name": ["--format", "json", "--actor", "Israel"],
    "unknown country": ["--country", "Atlantis"],
    "unknown actor": ["--actor", "Narnia"],
    "table at 80 columns": [],
    "geojson": ["--format", "geojson"],
}  # fmt: skip
# The console width of each run: wide, so that the table tests read whole cells, unless named here.
WIDTH = {"table at 80 columns": 80}


@pytest.fixture(scope="module")
def runs(
    stored: Database, database_url: str, redis_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, subprocess.CompletedProcess[str]]:
    """The RUNS, run in parallel against the stored events."""
    root: Path = tmp_path_factory.mktemp("events")
    settings = Settings(
        database_url=database_url,
        broker_url=redis_server_url,
        inbox_dir=root / "inbox",
        state_dir=root / "state",
        _env_file=None,
    )
    with ThreadPoolExecutor(len(RUNS)) as pool:
        started = {
            name: pool.submit(
                marsad, settings, "events", *args, check=False, COLUMNS=str(WIDTH.get(name, 200))
            )
            for name, args in RUNS.items()
        }
    return {name: future.result() for name, future in started.items()}


def output(runs: dict[str, subprocess.CompletedProcess[str]], name: str) -> str:
    run = runs[name]
    assert run.returncode == 0, run.stderr
    return run.stdout


def summary(event: dict[str, Any]) -> tuple[Any, ...]:
    return (
        event["event_date"], event["type"], event["mode"], event["actor_codes"], event["recipient_codes"],
        event["location_country"],
    )  # fmt: skip


def dates(database: Database, **filters: Any) -> list[str]:
    return [e["event_date"].isoformat() for e in list_events(database, EventFilters(**filters))]


def test_events_json_is_one_array_of_v_events_rows_newest_first(runs: dict[str, Any]) -> None:
    events = json.loads(output(runs, "json"))
    assert [summary(e) for e in events] == [tuple(row) for row in EXPECTED]
    assert all(list(e) == list(COLUMNS) for e in events)
    accuse = events[0]
    assert accuse["num_articles"] == 1 and accuse["num_sources"] == 1
    assert accuse["source_urls"] == ["https://sana.example/4"]
    assert "اتهمت" in accuse["evidence"]
    assert accuse["location_name"] == "Damascus"
    assert accuse["first_seen"].startswith("20")  # an ISO time


def test_events_geojson_is_a_feature_collection_of_the_located_events(runs: dict[str, Any]) -> None:
    collection = json.loads(output(runs, "geojson"))
    located = [e for e in json.loads(output(runs, "json")) if e["latitude"] is not None]
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == [e["event_id"] for e in located]
    assert len(located) == 3  # Damascus, Rabat, Cairo; the call has no place
    for feature, event in zip(collection["features"], located, strict=True):
        assert feature["type"] == "Feature"
        point = [event["longitude"], event["latitude"]]  # GeoJSON's order
        assert feature["geometry"] == {"type": "Point", "coordinates": point}
        assert feature["properties"] == event  # the fields of the other formats


@pytest.mark.parametrize(
    ("run", "found"),
    [("type, until and limit", ["2024-05-02"]), ("actor", ["2024-07-20"]), ("country and since", [])],
)
def test_events_options_reach_the_query(runs: dict[str, Any], run: str, found: list[str]) -> None:
    assert [e["event_date"] for e in json.loads(output(runs, run))] == found


@pytest.mark.parametrize(
    ("values", "types"),
    [
        (["consult"], ("CONSULT",)),
        (["accuse,Protest"], ("ACCUSE", "PROTEST")),
        (["ACCUSE", " consult , accuse"], ("ACCUSE", "CONSULT")),
        ([], ()),
    ],
)
def test_event_types_take_any_case_repeated_or_comma_separated(values: list[str], types: tuple[str]) -> None:
    assert event_types(values) == types


@pytest.mark.parametrize(
    ("types", "found"),
    [
        (("CONSULT",), ["2024-05-02", "2021-03-10"]),
        (("ACCUSE", "PROTEST"), ["2024-07-20", "2024-06-15"]),
        (("ASSAULT",), []),
    ],
)
def test_events_type_filter(stored: Database, types: tuple[str, ...], found: list[str]) -> None:
    assert dates(stored, types=types) == found


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("isr", ["2024-07-20"]),  # a recipient
        ("SYR", ["2024-07-20"]),  # an actor
        ("usa", ["2021-03-10"]),  # one of the sides of a symmetric event
        ("EGY", ["2024-05-02"]),
        ("FRA", []),
    ],
)
def test_events_actor_filter_matches_actors_and_recipients(
    stored: Database, code: str, found: list[str]
) -> None:
    assert dates(stored, actor=code) == found


@pytest.mark.parametrize(
    ("country", "found"), [("mar", ["2024-06-15"]), ("SYR", ["2024-07-20"]), ("RUS", [])]
)
def test_events_country_filter_is_the_location_country(
    stored: Database, country: str, found: list[str]
) -> None:
    assert dates(stored, country=country) == found


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"since": date(2024, 5, 2), "until": date(2024, 6, 15)}, ["2024-06-15", "2024-05-02"]),
        ({"until": date(2022, 1, 1)}, ["2021-03-10"]),
        ({"since": date(2024, 7, 20)}, ["2024-07-20"]),
        ({"since": date(2024, 7, 21)}, []),
    ],
)
def test_events_date_filters_are_inclusive(
    stored: Database, filters: dict[str, Any], found: list[str]
) -> None:
    assert dates(stored, **filters) == found


def test_events_limit_keeps_the_newest(stored: Database) -> None:
    assert dates(stored, limit=2) == ["2024-07-20", "2024-06-15"]


def test_events_csv_has_a_header_and_matches_json(runs: dict[str, Any]) -> None:
    events = json.loads(output(runs, "json"))
    rows = list(csv.DictReader(io.StringIO(output(runs, "csv"))))
    assert len(rows) == len(EXPECTED) and list(rows[0]) == list(COLUMNS)
    for row, event in zip(rows, events, strict=True):
        for column in COLUMNS:
            value = event[column]
            expected = ";".join(value) if isinstance(value, list) else "" if value is None else str(value)
            assert row[column] == expected, column


@pytest.mark.parametrize(
    ("run", "found"),
    [
        ("country in English", ["2024-07-20"]),
        ("country in Arabic", ["2024-07-20"]),
        ("actor by name", ["2024-07-20"]),
    ],
)
def test_events_code_filters_take_names_in_english_and_arabic(
    runs: dict[str, Any], run: str, found: list[str]
) -> None:
    assert [e["event_date"] for e in json.loads(output(runs, run))] == found


def test_events_table_fits_80_columns_with_whole_dates_types_and_codes(runs: dict[str, Any]) -> None:
    table = output(runs, "table at 80 columns")
    assert all(cell_len(line) <= 80 for line in table.splitlines()), table
    for day, event_type, _, actors, recipients, country in EXPECTED:
        for whole in (day, event_type, *actors, *recipients, *([country] if country else [])):
            assert whole in table, (whole, table)
    assert "Damascus" in table and "اتهمت" in table  # the place and the evidence still shown


def test_events_table_shows_codes_and_places(runs: dict[str, Any]) -> None:
    table = output(runs, "table")
    for shown in ("SYR", "ISR", "MAR", "IRQ", "EGY", "RUS", "USA", "ACCUSE", "PROTEST", "Damascus", "1/1"):
        assert shown in table
    assert "2024-07-20" in table


@pytest.mark.parametrize(
    ("run", "message"),
    [
        ("bad date", "--since '2024-13-01': not a date"),
        ("unknown type", "unknown event type PARLEY"),
        ("unknown country", "--country 'Atlantis': no country has this code or name"),
        ("unknown actor", "--actor 'Narnia': no state or organisation has this code or name"),
    ],
)
def test_events_bad_filters_exit_1_with_a_clear_message(runs: dict[str, Any], run: str, message: str) -> None:
    result = runs[run]
    assert result.returncode == 1
    assert message in result.stderr and result.stdout == ""
    if run == "unknown type":
        assert "CONSULT" in result.stderr and "ASSAULT" in result.stderr  # the valid types are listed


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "2024/05/01", ""])
def test_parse_day_refuses_what_is_not_an_iso_date(value: str) -> None:
    with pytest.raises(ConfigurationError, match=r"--until .*not a date"):
        parse_day(value, "--until")


def test_event_types_refuses_unknown_ones_and_lists_the_valid_ones() -> None:
    expected = "unknown event type PARLEY, MEET: the types are AGREE, CONSULT"
    with pytest.raises(ConfigurationError, match=expected):
        event_types(["parley,consult", "meet"])


def test_events_since_after_until_is_refused(stored: Database) -> None:
    with pytest.raises(ConfigurationError, match="--since 2024-06-01 is after --until 2024-05-01"):
        list_events(stored, EventFilters(since=date(2024, 6, 1), until=date(2024, 5, 1)))
