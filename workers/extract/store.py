"""The event store: an article's events merged with the same events reported by other articles.

Two reports are one event when they have the same type and the same participants (all sides of a
symmetric event; actors and recipients of a directed one), their dates agree within the precision each
was resolved to, their places are compatible (the same country, and not two different cities) and their
modes do not differ (a phone call is not the meeting on the sidelines). A
report whose article had no trustworthy publication date (unknown, or only the file time) has no date
window and agrees with any date.

Every change is made under a transaction advisory lock on the (type, participants) key, taken in sorted
order, so two workers adding reports of one event at the same moment make one row. An event's counts
and its date, place and names are recomputed from its mentions (and the republished copies of their
articles) whenever they change, so the row is the same whatever order the reports arrived in; an
unchanged row is not written, so `NOTIFY marsad_events` (a trigger) fires only for real changes.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, Text

from db.models import Event as EventRow
from db.models import EventMention
from workers.extract import Event, Extraction
from workers.extract.actor import Actor
from workers.extract.lexicon import default_lexicon
from workers.extract.record import actor_record

__all__ = ["ArticleEvents", "move_mentions", "participants_key", "refresh_events", "replace_events"]

REPORTING_WINDOW = timedelta(days=7)  # an undated event happened at most this long before it was published
_MENTION_IDENTITY = ("article_id", "event_id", "sentence", "trigger", "char_start", "char_end")
_PRECISION_RANK = {"day": 3, "month": 2, "year": 1}

_LOCK = text("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(:keys) AS key").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger))
)
# The events of the wanted keys (with their mentions' details) but those with a mention whose date
# window lies wholly outside the key's span of days (low and high NULL: no bound). Windows are ISO days,
# compared byte by byte (COLLATE "C"), as Python compares them, whatever the database's collation.
_CANDIDATES = text(
    """
    SELECT e.type, e.participants, e.id, m.details
    FROM unnest(:types, :participants, :lows, :highs) AS w(type, participants, low, high)
    JOIN events e ON e.type = w.type AND e.participants = w.participants
    LEFT JOIN event_mentions m ON m.event_id = e.id
    WHERE w.low IS NULL OR NOT EXISTS (
        SELECT 1 FROM event_mentions o
        WHERE o.event_id = e.id
          AND jsonb_typeof(o.details -> 'window') = 'array'
          AND ((o.details -> 'window' ->> 1) COLLATE "C" < w.low
               OR (o.details -> 'window' ->> 0) COLLATE "C" > w.high)
    )
    ORDER BY e.id, m.id
    """
).bindparams(*(bindparam(name, type_=ARRAY(Text)) for name in ("types", "participants", "lows", "highs")))
# Core tables: bulk statements, without the ORM's bookkeeping of the objects a statement touches.
_EVENTS = cast(Table, EventRow.__table__)
_MENTIONS = cast(Table, EventMention.__table__)
_COUNTS = text(
    """
    WITH carriers AS (
        SELECT m.event_id, m.article_id FROM event_mentions m WHERE m.event_id = ANY(:ids)
        UNION ALL
        SELECT m.event_id, d.article_id
        FROM event_mentions m JOIN article_duplicates d ON d.canonical_article_id = m.article_id
        WHERE m.event_id = ANY(:ids)
    )
    SELECT c.event_id,
           count(*) AS num_mentions,
           count(DISTINCT c.article_id) AS num_articles,
           count(DISTINCT coalesce(nullif(a.source, ''), substring(a.url from '://([^/]+)'),
                                   'article ' || a.id)) AS num_sources,
           min(a.created_at) AS first_seen,
           max(a.created_at) AS last_seen,
           coalesce(array_agg(DISTINCT a.url ORDER BY a.url) FILTER (WHERE a.url IS NOT NULL), '{}')
               AS source_urls
    FROM carriers c JOIN articles a ON a.id = c.article_id
    GROUP BY c.event_id
    """
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))


@dataclass(frozen=True)
class ArticleEvents:
    """What extraction found in one article, with what merging needs to know of the article."""

    article_id: int
    extraction: Extraction
    published: date | None  # publication day, when it is trustworthy (not the file time)


def participants_key(event: Event) -> str:
    actors = sorted({a.code for a in event.actors})
    recipients = sorted({r.code for r in event.recipients})
    if not recipients:
        return ",".join(actors)
    return ",".join(actors) + ">" + ",".join(recipients)


def _lock_key(event_type: str, participants: str) -> int:
    digest = hashlib.blake2b(f"event {event_type} {participants}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _window(event: Event, published: date | None) -> list[str] | None:
    """The days the event can have happened on, as ISO strings; None when nothing bounds it."""
    if published is None:
        return None
    if event.date is not None and event.date_precision in _PRECISION_RANK:
        day = event.date
        if event.date_precision == "day":
            low, high = day - timedelta(days=1), day + timedelta(days=1)
        elif event.date_precision == "month":
            low = day.replace(day=1)
            high = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        else:
            low, high = date(day.year, 1, 1), date(day.year, 12, 31)
        return [low.isoformat(), high.isoformat()]
    return [(published - REPORTING_WINDOW).isoformat(), published.isoformat()]


def _actor(actor: Actor) -> dict[str, Any]:
    """The EVENTS.md actor record, and whether it names a person (not the state or body itself)."""
    lexicon = default_lexicon()
    entity = lexicon.countries.get(actor.code) or lexicon.organizations.get(actor.code)
    return actor_record(actor) | {"person": entity is not None and actor.name != entity}


def _details(event: Event, published: date | None) -> dict[str, Any]:
    place = event.location
    return {
        "mode": event.mode,
        "quad": event.quad,
        "score": event.score,
        "actors": [_actor(a) for a in event.actors],
        "recipients": [_actor(r) for r in event.recipients],
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision,
        "date_anchored": published is not None,
        "window": _window(event, published),
        "location": None
        if place is None
        else {
            "name": place.name,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
            "geonameid": place.geonameid,
        },
        "context": list(event.context),
    }


def _dates_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    first, second = a.get("window"), b.get("window")
    if not first or not second:
        return True
    return bool(first[0] <= second[1] and second[0] <= first[1])


def _places_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    first, second = a.get("location"), b.get("location")
    if not first or not second:
        return True
    if first["country"] != second["country"]:
        return False
    if first.get("geonameid") and second.get("geonameid"):
        return bool(first["geonameid"] == second["geonameid"])
    return True


def _modes_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """A phone call and a meeting on the sidelines are two events; a report without a mode fits either."""
    return not (a.get("mode") and b.get("mode") and a["mode"] != b["mode"])


def _people(details: dict[str, Any]) -> dict[str, set[str]]:
    people: dict[str, set[str]] = {}
    for actor in details.get("actors", []) + details.get("recipients", []):
        if actor.get("person"):
            people.setdefault(actor["code"], set()).add(actor["name"])
    return people


def _people_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Putin meeting Obama is not Putin meeting Trump: for a side both reports name people for, they
    must share one."""
    first, second = _people(a), _people(b)
    return all(first[code] & second[code] for code in first.keys() & second.keys())


def _agrees(details: dict[str, Any], reports: Iterable[dict[str, Any]]) -> bool:
    return all(
        _dates_agree(details, other)
        and _places_agree(details, other)
        and _modes_agree(details, other)
        and _people_agree(details, other)
        for other in reports
    )


def replace_events(session: Session, articles: Sequence[ArticleEvents]) -> set[int]:
    """Store the articles' events in place of what earlier runs stored for them; returns the ids of
    every event touched (created, joined, left or removed).

    An event an article reported before keeps its id when the article reports it again, so re-running
    extraction without a change leaves every row as it was.
    """
    article_ids = [a.article_id for a in articles]
    keyed = [
        (article, event, participants_key(event))
        for article in articles
        for event in article.extraction.events
    ]
    keys = {_lock_key(event.type, key) for _, event, key in keyed}
    previous = session.execute(
        select(EventMention.event_id, EventMention.article_id, EventRow.type, EventRow.participants)
        .join(EventRow, EventRow.id == EventMention.event_id)
        .where(EventMention.article_id.in_(article_ids))
    ).all()
    if not keys and not previous:
        return set()  # no events, before or now
    keys |= {_lock_key(row.type, row.participants) for row in previous}
    session.execute(_LOCK, {"keys": sorted(keys)})

    earlier = {
        _mention_key(row): row
        for row in session.execute(
            select(EventMention).where(EventMention.article_id.in_(article_ids))
        ).scalars()
    }
    session.execute(delete(EventMention).where(EventMention.article_id.in_(article_ids)))
    before: dict[int, set[int]] = {}
    for row in previous:
        before.setdefault(row.article_id, set()).add(row.event_id)
    touched = {row.event_id for row in previous}
    details_of = [_details(event, article.published) for article, event, _ in keyed]
    wanted: dict[tuple[str, str], list[list[str] | None]] = {}
    for (_, event, key), details in zip(keyed, details_of, strict=True):
        wanted.setdefault((event.type, key), []).append(details["window"])
    candidates = _candidates(session, wanted)
    new_events: list[dict[str, Any]] = []  # created in one statement below; -1, -2 … stand for them
    mentions: list[dict[str, Any]] = []
    for (article, event, key), details in zip(keyed, details_of, strict=True):
        options = candidates.setdefault((event.type, key), [])
        chosen = _choose(options, details, before.get(article.article_id, set()))
        if chosen is None:
            new_events.append(_new_event(event, key, article.extraction.lexicon_version))
            chosen = -len(new_events)
            options.append((chosen, []))
        for event_id, reports in options:
            if event_id == chosen:
                reports.append(details)
        mention: dict[str, Any] = {
            "event_id": chosen,
            "article_id": article.article_id,
            "sentence": event.sentence,
            "trigger": event.trigger,
            "char_start": event.char_start,
            "char_end": event.char_end,
            "confidence": event.confidence,
            "lexicon_version": article.extraction.lexicon_version,
            "details": details,
        }
        same = earlier.pop(_mention_key(mention), None)
        if same is not None and (same.confidence, same.details) == (event.confidence, details):
            # Unchanged: the same row again, with the version of the lexicons that first found it as it
            # is, so that a lexicon change rewrites only the events it changes.
            mention |= {"id": same.id, "created_at": same.created_at, "lexicon_version": same.lexicon_version}
        mentions.append(mention)
    created = _create(session, new_events)
    for mention in mentions:
        if mention["event_id"] < 0:
            mention["event_id"] = created[-mention["event_id"] - 1]
        touched.add(mention["event_id"])
    # One statement for the mentions kept as they were (their ids) and one for the new ones.
    for kept in (True, False):
        rows = [m for m in mentions if ("id" in m) is kept]
        if rows:
            session.execute(insert(_MENTIONS), rows)
    refresh_events(session, touched)
    return touched


def move_mentions(session: Session, moves: Mapping[int, int]) -> set[int]:
    """Give the mentions of articles that became copies (their original arrived later) to their new
    canonical article, under the events' locks, and recompute those events; returns their ids.

    The events keep their ids: the new canonical article's own extraction then replaces the mentions it
    was given, and joins those events first (`_choose`), so the store ends as if it had come first.
    """
    if not moves:
        return set()
    previous = session.execute(
        select(EventRow.type, EventRow.participants)
        .join(EventMention, EventMention.event_id == EventRow.id)
        .where(EventMention.article_id.in_(list(moves)))
        .distinct()
    ).all()
    if not previous:
        return set()
    session.execute(_LOCK, {"keys": sorted({_lock_key(row.type, row.participants) for row in previous})})
    touched: set[int] = set()
    for former, canonical in sorted(moves.items()):
        touched.update(
            session.execute(
                update(EventMention)
                .where(EventMention.article_id == former)
                .values(article_id=canonical)
                .returning(EventMention.event_id)
            ).scalars()
        )
    refresh_events(session, touched)
    return touched


def _mention_key(mention: Any) -> tuple[Any, ...]:
    """What identifies a mention across runs: its article, event, sentence and trigger offsets."""
    get = mention.get if isinstance(mention, dict) else lambda name: getattr(mention, name)
    return tuple(get(name) for name in _MENTION_IDENTITY)


def _candidates(
    session: Session, wanted: Mapping[tuple[str, str], list[list[str] | None]]
) -> dict[tuple[str, str], list[tuple[int, list[dict[str, Any]]]]]:
    """Stored events with these (type, participants) keys that could take one of the reports, each with
    the details of its mentions.

    `wanted` gives each key the date windows of the reports looking for it. An event one of whose
    mentions has a window that none of them overlaps can never agree with them (`_dates_agree`), so it
    is not read: a key reported for years (Saudi Arabia consulting the United States) costs the events
    of its days, not of all time. A report without a window agrees with any date, and reads every event.
    """
    if not wanted:
        return {}
    keys = sorted(wanted)
    bounds = [_span(wanted[key]) for key in keys]
    parameters = {
        "types": [key[0] for key in keys],
        "participants": [key[1] for key in keys],
        "lows": [None if span is None else span[0] for span in bounds],
        "highs": [None if span is None else span[1] for span in bounds],
    }
    events: dict[tuple[str, str], dict[int, list[dict[str, Any]]]] = {key: {} for key in keys}
    for event_type, participants, event_id, details in session.execute(_CANDIDATES, parameters):
        reports = events[(event_type, participants)].setdefault(event_id, [])
        if details is not None:
            reports.append(details)
    return {key: list(found.items()) for key, found in events.items()}


def _span(windows: list[list[str] | None]) -> tuple[str, str] | None:
    """The days any of the windows covers, or None when one of them is unbounded."""
    if any(window is None for window in windows):
        return None
    bounded = cast(list[list[str]], windows)
    return min(window[0] for window in bounded), max(window[1] for window in bounded)


def _choose(
    options: list[tuple[int, list[dict[str, Any]]]], details: dict[str, Any], reported_before: set[int]
) -> int | None:
    """The event a report joins: one this article reported before if it still agrees, else the agreeing
    event with the most reports (then the oldest)."""
    agreeing = [(event_id, reports) for event_id, reports in options if _agrees(details, reports)]
    if not agreeing:
        return None
    again = [event_id for event_id, _ in agreeing if event_id in reported_before]
    if again:
        return min(again)
    return min(agreeing, key=lambda option: (-len(option[1]), option[0]))[0]


def _new_event(event: Event, participants: str, lexicon_version: str) -> dict[str, Any]:
    """The row of a new event until `refresh_events` fills it from its mentions."""
    return {
        "type": event.type,
        "quad": event.quad,
        "score": event.score,
        "actor_codes": sorted({a.code for a in event.actors}),
        "recipient_codes": sorted({r.code for r in event.recipients}),
        "actors": [],
        "recipients": [],
        "date_precision": "unknown",
        "context": [],
        "lexicon_version": lexicon_version,
        "participants": participants,
        "num_mentions": 0,
        "num_articles": 0,
        "num_sources": 0,
        "source_urls": [],
    }


def _create(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new events in one statement; their ids, in the order given."""
    if not rows:
        return []
    created = session.execute(
        insert(_EVENTS)
        .values(first_seen=func.now(), last_seen=func.now())
        .returning(_EVENTS.c.id, sort_by_parameter_order=True),
        rows,
    )
    return [int(event_id) for event_id in created.scalars()]


def _specificity(location: dict[str, Any] | None) -> int:
    """2 for a city (it has a GeoNames id), 1 for a country or region, 0 for no place."""
    if not location:
        return 0
    return 2 if location.get("geonameid") else 1


# The columns `refresh_events` computes: what `_best` gives, and the counts.
_SHOWN = (
    "mode", "score", "actors", "recipients", "context", "lexicon_version", "evidence", "event_date",
    "date_precision", "location_name", "location_country", "latitude", "longitude", "geonameid",
    "num_mentions", "num_articles", "num_sources", "first_seen", "last_seen", "source_urls",
)  # fmt: skip


def _best(reports: list[tuple[int, float, str, dict[str, Any], str]]) -> dict[str, Any]:
    """The row an event shows, from its reports (mention id, confidence, lexicon version, details,
    sentence): the most precise trustworthy date, the most specific place, the most confident report's
    mode, names and sentence."""
    by_confidence = min(reports, key=lambda r: (-r[1], r[0]))
    dated = min(
        reports,
        key=lambda r: (
            -int(bool(r[3].get("date_anchored")) and bool(r[3].get("date"))),
            -_PRECISION_RANK.get(r[3].get("date_precision") or "", 0),
            r[0],
        ),
    )
    placed = min(
        reports,
        key=lambda r: (
            -(2 if (r[3].get("location") or {}).get("geonameid") else bool(r[3].get("location"))),
            r[0],
        ),
    )
    main, when, where = by_confidence[3], dated[3], placed[3].get("location") or {}
    return {
        "mode": main.get("mode"),
        "score": main.get("score"),
        "actors": main.get("actors", []),
        "recipients": main.get("recipients", []),
        "context": main.get("context", []),
        "lexicon_version": by_confidence[2],
        "evidence": by_confidence[4],
        "event_date": date.fromisoformat(when["date"]) if when.get("date") else None,
        "date_precision": when.get("date_precision") or "unknown",
        "location_name": where.get("name"),
        "location_country": where.get("country"),
        "latitude": where.get("lat"),
        "longitude": where.get("lon"),
        "geonameid": where.get("geonameid"),
    }


def refresh_events(session: Session, event_ids: Iterable[int]) -> None:
    """Recompute the events' counts and shown fields from their mentions and copies; delete events no
    article reports any more. Rows that would not change are not written (no notification)."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    # Lock the rows (in id order; NO KEY UPDATE, so inserting mentions that refer to them never waits):
    # a concurrent refresh of the same events waits, then sees our mentions.
    # The rows as they are now, read under the locks (a Core select of the shown columns: no ORM objects).
    current = {
        row.id: row
        for row in session.execute(
            select(_EVENTS.c.id, *(_EVENTS.c[name] for name in _SHOWN))
            .where(_EVENTS.c.id.in_(ids))
            .order_by(_EVENTS.c.id)
            .with_for_update(key_share=True)
        )
    }
    counts = {row.event_id: row for row in session.execute(_COUNTS, {"ids": ids})}
    orphans = [event_id for event_id in ids if event_id not in counts]
    if orphans:
        session.execute(delete(EventRow).where(EventRow.id.in_(orphans)))
    reports: dict[int, list[tuple[int, float, str, dict[str, Any], str]]] = {}
    for mention in session.execute(
        select(
            EventMention.event_id,
            EventMention.id,
            EventMention.confidence,
            EventMention.lexicon_version,
            EventMention.details,
            EventMention.sentence,
        ).where(EventMention.event_id.in_(list(counts)))
    ):
        reports.setdefault(mention.event_id, []).append(
            (mention.id, mention.confidence, mention.lexicon_version, mention.details, mention.sentence)
        )
    changed: list[dict[str, Any]] = []
    for event_id, count in counts.items():
        wanted = _best(reports[event_id]) | {
            "num_mentions": count.num_mentions,
            "num_articles": count.num_articles,
            "num_sources": count.num_sources,
            "first_seen": count.first_seen,
            "last_seen": count.last_seen,
            "source_urls": list(count.source_urls),
        }
        row = current[event_id]
        if any(getattr(row, column) != value for column, value in wanted.items()):
            changed.append({"event_id": event_id, **wanted})
    if changed:
        columns = [column for column in changed[0] if column != "event_id"]
        session.execute(
            update(_EVENTS)
            .where(_EVENTS.c.id == bindparam("event_id"))
            .values({**{column: bindparam(column) for column in columns}, "updated_at": func.now()}),
            changed,
        )
