"""The code-valued filters of `marsad events` (`--country`, `--actor`) and its table, over a real PostgreSQL.

A filter takes a code (any case) or a name in English or Arabic, as the lexicon knows them; what names
nothing is refused with a message that says what to give. A code the lexicon does not know is still
taken when stored events carry it. The table is laid out for the console's width: every line fits, and
dates, types and codes are never cut.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from sqlalchemy import insert

from db.models import Event as EventRow
from db.session import Database
from tests.conftest import truncate_all
from workers.errors import ConfigurationError
from workers.events_query import EventFilters, actor_code, country_code, list_events
from workers.events_table import events_table

NAMES = {
    "SYR": "Syria", "ISR": "Israel", "RUS": "Russia", "USA": "United States", "EGY": "Egypt",
    "TUR": "Türkiye", "NATO": "North Atlantic Treaty Organization", "AMNESTY": "Amnesty International",
    "SYRGOV": "Syrian government",
}  # fmt: skip
LONG_EVIDENCE = (
    "اتهمت وزارة الخارجية السورية في بيان صدر اليوم إسرائيل بشن غارات جوية على مواقع عسكرية قرب العاصمة "
    "دمشق وطالبت مجلس الأمن الدولي بالتحرك الفوري لوقف الاعتداءات المتكررة على الأراضي السورية."
)


def side(code: str) -> dict[str, Any]:
    return {"code": code, "name": NAMES[code], "sector": "GOV", "text": ""}


def event_row(
    event_id: int,
    event_type: str,
    actors: list[str],
    recipients: list[str],
    day: date,
    place: tuple[str, str] | None,
    *,
    mode: str | None = None,
) -> dict[str, Any]:
    created = datetime(2024, 8, 1, tzinfo=UTC)
    name, country = place or (None, None)
    return {
        "id": event_id, "type": event_type, "mode": mode, "quad": 3, "score": -2.0,
        "actor_codes": sorted(actors), "recipient_codes": sorted(recipients),
        "actors": [side(c) for c in actors], "recipients": [side(c) for c in recipients],
        "event_date": day, "date_precision": "day", "location_name": name, "location_country": country,
        "context": [], "lexicon_version": "test",
        "participants": ",".join(sorted(actors)) + (">" + ",".join(sorted(recipients)) if recipients else ""),
        "num_mentions": 1, "num_articles": 1, "num_sources": 1, "source_urls": [], "evidence": LONG_EVIDENCE,
        "first_seen": created, "last_seen": created, "created_at": created,
    }  # fmt: skip


# Ids large enough to take the room a real store's ids take.
EVENTS = [
    event_row(1_000_001, "ACCUSE", ["SYR"], ["ISR"], date(2024, 7, 20), ("Damascus", "SYR"), mode="allege"),
    event_row(1_000_002, "CONSULT", ["RUS", "USA"], [], date(2021, 3, 10), None, mode="phone"),
    event_row(1_000_003, "ACCUSE", ["AMNESTY"], ["EGY"], date(2024, 5, 2), ("Cairo", "EGY")),
    event_row(1_000_004, "COOPERATE", ["NATO", "TUR"], [], date(2024, 6, 15), ("Ankara", "TUR")),
    # A code the lexicon does not know, as an older or outside coder may have stored it.
    event_row(1_000_005, "THREATEN", ["SYRGOV"], ["TUR"], date(2023, 1, 1), ("Syria", "SYR")),
]


@pytest.fixture(scope="module")
def stored(database_url: str) -> Iterator[Database]:
    """The database holding EVENTS, once for the module: no test here writes."""
    database = Database(database_url)
    truncate_all(database)
    with database.session() as session:
        session.execute(insert(EventRow), EVENTS)
    yield database
    database.dispose()


def ids(database: Database, **filters: Any) -> list[int]:
    return [e["event_id"] - 1_000_000 for e in list_events(database, EventFilters(**filters))]


# --- Resolving a code or a name -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("SYR", "SYR"),
        ("syr", "SYR"),
        (" Syria ", "SYR"),
        ("syrian arab republic", "SYR"),  # ISO's official name
        ("سوريا", "SYR"),
        ("سورية", "SYR"),
        ("الجمهورية العربية السورية", "SYR"),
        ("Turkey", "TUR"),  # a name news uses beside ISO's
        ("Türkiye", "TUR"),
        ("تركيا", "TUR"),
        ("السعودية", "SAU"),
        ("Egypt", "EGY"),
        ("مِصْر", "EGY"),  # with diacritics
    ],
)
def test_country_code_takes_a_code_or_a_name_in_english_or_arabic(value: str, code: str) -> None:
    assert country_code(value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("NATO", "NATO"),
        ("nato", "NATO"),
        ("North Atlantic Treaty Organization", "NATO"),
        ("الناتو", "NATO"),
        ("ناتو", "NATO"),  # the name without its article
        ("حلف شمال الأطلسي", "NATO"),
        ("AMNESTY", "AMNESTY"),
        ("amnesty international", "AMNESTY"),
        ("منظمة العفو الدولية", "AMNESTY"),
        ("Syria", "SYR"),  # a state is an actor too
        ("سوريا", "SYR"),
        ("unk", "UNK"),
    ],
)
def test_actor_code_takes_a_state_or_organisation_code_or_name(value: str, code: str) -> None:
    assert actor_code(value) == code


@pytest.mark.parametrize(
    ("resolve", "value", "message"),
    [
        (country_code, "Atlantis", r"--country 'Atlantis': no country has this code or name"),
        (country_code, "أطلانتس", r"--country 'أطلانتس': no country has this code or name"),
        (country_code, "", r"--country '': no country has this code or name"),
        (country_code, "Syra", r"Did you mean SYR \(Syria\)\?"),
        (country_code, "SY", r"SY is an ISO alpha-2 code: give SYR \(Syria\)"),
        (country_code, "NATO", r"NATO \(North Atlantic Treaty Organization\) is an organisation, not a"),
        (country_code, "الناتو", r"is an organisation, not a country.*--actor NATO"),
        (actor_code, "Narnia", r"--actor 'Narnia': no state or organisation has this code or name"),
        (actor_code, "SYRMIL", r"codes carry no sector.*--actor SYR"),
    ],
)  # fmt: skip
def test_unknown_codes_and_names_are_refused_with_what_to_give(
    resolve: Any, value: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        resolve(value)


# --- The filters on the stored events ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "found"),
    [
        ({"country": "Syria"}, [1, 5]),
        ({"country": "سوريا"}, [1, 5]),
        ({"country": "syr"}, [1, 5]),
        ({"country": "Turkey"}, [4]),
        ({"actor": "Israel"}, [1]),
        ({"actor": "إسرائيل"}, [1]),
        ({"actor": "الناتو"}, [4]),
        ({"actor": "Amnesty International"}, [3]),
        ({"actor": "AMNESTY", "country": "مصر"}, [3]),
        ({"actor": "syrgov"}, [5]),  # stored, though the lexicon does not know it
        ({"actor": "France"}, []),  # known, and in no event
    ],
)
def test_events_filters_take_names_and_stored_codes(
    stored: Database, filters: dict[str, Any], found: list[int]
) -> None:
    assert ids(stored, **filters) == found


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"country": "Atlantis"}, "--country 'Atlantis': no country has this code or name"),
        ({"actor": "Atlantis"}, "--actor 'Atlantis': no state or organisation has this code or name"),
        ({"actor": "SYRMIL"}, "codes carry no sector"),  # not stored: refused with the hint
    ],
)
def test_events_unknown_filters_are_refused(stored: Database, filters: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        list_events(stored, EventFilters(**filters))


# --- The table ----------------------------------------------------------------------------------------


def rendered(events: list[dict[str, Any]], width: int) -> str:
    console = Console(width=width, file=io.StringIO(), force_terminal=False, color_system=None)
    console.print(events_table(events, console.width))
    return console.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [60, 80, 100, 120, 160, 240])
def test_events_table_fits_the_width_and_cuts_no_date_type_or_code(stored: Database, width: int) -> None:
    events = list_events(stored, EventFilters())
    table = rendered(events, width)
    assert all(cell_len(line) <= width for line in table.splitlines()), table
    for event in events:
        for whole in (str(event["event_id"]), event["event_date"].isoformat(), event["type"]):
            assert whole in table, (whole, table)
        for code in event["actor_codes"] + event["recipient_codes"]:
            assert code in table, (code, table)


def test_events_table_shows_the_evidence_when_wide_enough(stored: Database) -> None:
    events = list_events(stored, EventFilters(actor="ISR"))
    assert "اتهمت" in rendered(events, 80)
    assert "اتهمت" in rendered(events, 200)
