"""`marsad events`: the stored events (v_events, one row per real-world event), filtered, newest first.

The code-valued filters (`--actor`, `--country`) take a code or a name in English or Arabic, resolved
through the extractor's lexicon (which holds ISO 3166-1's names through pycountry); the table is laid
out for the console's width by `workers.events_table`.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TextIO

import pycountry
from sqlalchemy import bindparam, text

from db.session import Database
from workers.clean.normalize import normalize_for_matching
from workers.errors import ConfigurationError
from workers.extract.lexicon import PLOVER_TYPES, Kind, Lexicon, default_lexicon

__all__ = [
    "COLUMNS",
    "UNKNOWN_ACTOR",
    "EventFilters",
    "actor_code",
    "country_code",
    "event_types",
    "events_json",
    "list_events",
    "parse_day",
    "write_events_csv",
]

# The columns of v_events, in the view's order: the keys of every listed event.
COLUMNS = (
    "event_id", "event_date", "date_precision", "type", "mode", "quad", "score",
    "actor_codes", "actor_names", "recipient_codes", "recipient_names",
    "location_name", "location_country", "latitude", "longitude", "geonameid",
    "num_mentions", "num_articles", "num_sources", "first_seen", "last_seen", "evidence", "source_urls",
)  # fmt: skip
UNKNOWN_ACTOR = "UNK"  # the code of an actor the article does not name (EVENTS.md, "Actors")


@dataclass(frozen=True)
class EventFilters:
    """Which events to list. Dates are inclusive; types are upper case; `actor` and `country` are a code
    (any case) or a name in English or Arabic, as `actor_code` and `country_code` take them; empty means
    any. `located`: only events with coordinates. `limit` None: every event that passes."""

    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()
    actor: str | None = None
    country: str | None = None
    located: bool = False
    limit: int | None = 50


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
    # Containment, not ANY(): the GIN indexes on events.actor_codes and recipient_codes serve `@>`.
    actor_condition = (
        "(actor_codes @> ARRAY[CAST(:actor AS varchar)] OR recipient_codes @> ARRAY[CAST(:actor AS varchar)])"
    )
    if filters.actor is not None:
        conditions.append(actor_condition)
    if filters.country is not None:
        conditions.append("location_country = :country")
    if filters.located:
        conditions.append("latitude IS NOT NULL AND longitude IS NOT NULL")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    statement = text(
        f"SELECT {', '.join(COLUMNS)} FROM v_events {where} "
        "ORDER BY event_date DESC NULLS LAST, event_id DESC LIMIT :limit"  # LIMIT NULL: no limit
    )
    if filters.types:
        statement = statement.bindparams(bindparam("types", expanding=True))
    if filters.actor is not None:
        params["actor"] = _resolved_or_stored(database, filters.actor, actor_code, actor_condition, "actor")
    if filters.country is not None:
        params["country"] = _resolved_or_stored(
            database, filters.country, country_code, "location_country = :country", "country"
        )
    with database.session() as session:
        rows = session.execute(statement, params).mappings().all()
    return [dict(row) for row in rows]


def _resolved_or_stored(
    database: Database, value: str, resolve: Callable[[str], str], condition: str, parameter: str
) -> str:
    """The code `value` stands for; a code the lexicon does not know (written by an older lexicon or
    another coder) is taken when some stored event carries it, and refused otherwise."""
    try:
        return resolve(value)
    except ConfigurationError:
        code = value.strip().upper()
        if not _CODE.fullmatch(code):
            raise
        with database.session() as session:
            stored = session.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM events WHERE {condition})"), {parameter: code}
            ).scalar_one()
        if stored:
            return code
        raise


# -- codes and names --------------------------------------------------------------------------------

_CODE = re.compile(r"[A-Z0-9]{2,16}")  # what events.actor_codes (varchar(16)) can hold
# A state code with a CAMEO sector after it (SYRGOV, SYR-MIL): stored codes carry no sector.
_SECTOR_QUALIFIED = re.compile(r"([A-Z]{3})[\s._/-]?([A-Z]{3})")
_STATE_EXAMPLE = "an ISO 3166-1 alpha-3 code (SYR) or a name in English or Arabic (Syria, سوريا)"
_ACTOR_EXAMPLE = (
    "a state or organisation code (SYR, NATO, UNK) or a name in English or Arabic (Syria, الناتو)"
)


@dataclass(frozen=True)
class _CodeBook:
    """The codes the filters take and the names that stand for them, from the extractor's lexicon."""

    lexicon: Lexicon
    states: Mapping[str, str]  # code → English name
    organisations: Mapping[str, str]  # code → English name
    english: Mapping[str, frozenset[str]]  # casefolded English name → codes
    sectors: frozenset[str]

    def name(self, code: str) -> str:
        return self.states.get(code) or self.organisations.get(code) or code

    def arabic(self, value: str, kinds: frozenset[Kind]) -> set[str]:
        """The codes an Arabic name stands for, with or without its article (الناتو, ناتو)."""
        form = normalize_for_matching(value)
        for candidate in (form, f"ال{form}", form.removeprefix("ال")):
            found = self.lexicon.automaton.get(candidate, None) if candidate else None
            codes = {e.code for e in found[1] if e.kind in kinds and e.code} if found else set()
            if codes:
                return codes
        return set()


@lru_cache(maxsize=1)
def _code_book() -> _CodeBook:
    lexicon = default_lexicon()
    english: defaultdict[str, set[str]] = defaultdict(set)
    for code, names in lexicon.country_names.items():
        for name in names:
            english[name.casefold()].add(code)
    for code, name in lexicon.organizations.items():
        english[name.casefold()].add(code)
    sectors = {e.sector for _, entries, *_ in lexicon.automaton.values() for e in entries if e.sector}
    return _CodeBook(
        lexicon=lexicon,
        states=dict(lexicon.countries),
        organisations=dict(lexicon.organizations),
        english={name: frozenset(codes) for name, codes in english.items()},
        sectors=frozenset(sectors),
    )


def _lookup(
    book: _CodeBook, value: str, codes: Mapping[str, str] | frozenset[str], option: str
) -> str | None:
    """The one code among `codes` that `value` is (any case) or names in English or Arabic."""
    given = value.strip()
    if given.upper() in codes:
        return given.upper()
    kinds = frozenset({Kind.COUNTRY, Kind.ORGANIZATION})
    found = (book.english.get(given.casefold()) or book.arabic(given, kinds)) if given else set()
    matching = sorted(code for code in found if code in codes)
    if len(matching) > 1:
        shown = ", ".join(f"{code} ({book.name(code)})" for code in matching)
        raise ConfigurationError(f"{option} {value!r} names {shown}: give one of the codes")
    return matching[0] if matching else None


def country_code(value: str) -> str:
    """The ISO alpha-3 code `--country` means by `value`: a code (any case) or a country's name in English
    or Arabic (Syria, سوريا). Anything else is a ConfigurationError that says what to give."""
    book = _code_book()
    code = _lookup(book, value, book.states, "--country")
    if code is not None:
        return code
    organisation = _lookup(book, value, book.organisations, "--country")
    if organisation is not None:
        raise ConfigurationError(
            f"--country {value!r}: {organisation} ({book.name(organisation)}) is an organisation, not a "
            f"country; events are placed in countries. For the events it took part in, give --actor "
            f"{organisation}"
        )
    raise ConfigurationError(_unknown(book, value, "--country", "no country", book.states, _STATE_EXAMPLE))


def actor_code(value: str) -> str:
    """The actor code `--actor` means by `value`: a state's or organisation's code (any case) or `UNK`, or
    a name in English or Arabic (Syria, الناتو). Anything else is a ConfigurationError that says what to
    give."""
    book = _code_book()
    codes = frozenset({*book.states, *book.organisations, UNKNOWN_ACTOR})
    code = _lookup(book, value, codes, "--actor")
    if code is not None:
        return code
    qualified = _SECTOR_QUALIFIED.fullmatch(value.strip().upper())
    if qualified and qualified[1] in book.states and qualified[2] in book.sectors:
        state, sector = qualified[1], qualified[2]
        raise ConfigurationError(
            f"--actor {value!r}: codes carry no sector (an actor's sector is stored beside its code); this "
            f"reads as {state} ({book.name(state)}) with sector {sector}: give --actor {state}"
        )
    every = {code: book.name(code) for code in codes}
    raise ConfigurationError(
        _unknown(book, value, "--actor", "no state or organisation", every, _ACTOR_EXAMPLE)
    )


def _unknown(
    book: _CodeBook, value: str, option: str, nobody: str, codes: Mapping[str, str], example: str
) -> str:
    message = f"{option} {value!r}: {nobody} has this code or name; give {example}"
    given = value.strip()
    alpha2 = pycountry.countries.get(alpha_2=given.upper()) if len(given) == 2 else None
    if alpha2 is not None and alpha2.alpha_3 in codes:
        alpha3 = alpha2.alpha_3
        return f"{message}. {given.upper()} is an ISO alpha-2 code: give {alpha3} ({book.name(alpha3)})"
    names = {code.casefold(): code for code in codes}
    names.update((name.casefold(), code) for code, name in codes.items())
    names.update((name, code) for name, found in book.english.items() for code in found if code in codes)
    close = difflib.get_close_matches(value.strip().casefold(), list(names), n=3, cutoff=0.75)
    suggested = list(dict.fromkeys(names[name] for name in close))
    if suggested:
        message += f". Did you mean {' or '.join(f'{c} ({book.name(c)})' for c in suggested)}?"
    return message


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
