"""docs/QUERYING.md: every SQL recipe runs against a real database, logged in as the read-only
`marsad_reader` as the page says, and returns what it promises.

The database is filled with known events (rows written directly, so every count and date is known):
March 2026 events for the recipes with fixed dates, and events dated from today for those that count
back from `current_date`. One further test runs the real pipeline on articles written for it and reads
its output through the recipes, and one checks the `marsad_events` notification the page describes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from sqlalchemy import insert, make_url, text, update

from db.models import Article, ArticleDuplicate, Document, EventMention, InboxFile
from db.models import Event as EventRow
from db.reader import READER_ROLE
from db.session import Database
from tests.helpers import add_documents
from workers.pipeline import run_documents

QUERYING = Path(__file__).resolve().parent.parent / "docs" / "QUERYING.md"
SINCE = datetime.fromisoformat("2026-11-20T09:00:00+00:00")  # the timestamp of the last recipe
NAMES = {
    "RUS": "Russia", "USA": "United States", "UKR": "Ukraine", "SYR": "Syria", "ISR": "Israel",
    "JOR": "Jordan", "EGY": "Egypt", "TUR": "Türkiye", "CHN": "China", "LBN": "Lebanon",
}  # fmt: skip
Place = tuple[str, str, float | None, float | None]  # name, country, latitude, longitude
UKRAINE: Place = ("Ukraine", "UKR", None, None)
KHARKIV: Place = ("Kharkiv", "UKR", 49.98081, 36.25272)
DAMASCUS: Place = ("Damascus", "SYR", 33.5102, 36.29128)
SYRIA: Place = ("Syria", "SYR", None, None)
CAIRO: Place = ("Cairo", "EGY", 30.06263, 31.24967)
ANKARA: Place = ("Ankara", "TUR", 39.91987, 32.85427)


def recipes() -> dict[str, str]:
    """Each ```sql block of the page under the `### ` heading it follows."""
    found: dict[str, str] = {}
    heading = None
    for block in re.split(r"^(### .*|```sql\n(?:.*\n)*?```)$", QUERYING.read_text(), flags=re.M):
        if block.startswith("### "):
            heading = block[4:].strip()
        elif block.startswith("```sql"):
            assert heading is not None and heading not in found, f"SQL block without its own heading: {block}"
            found[heading] = block.removeprefix("```sql\n").removesuffix("```")
    return found


RECIPES = recipes()


def as_reader(database_url: str) -> str:
    """The libpq URL of the same database for `marsad_reader`, as the page tells analysts to log in (the
    test servers trust local connections, so it needs no password)."""
    url = make_url(database_url).set(drivername="postgresql", username=READER_ROLE, password=None)
    return url.render_as_string(hide_password=False)


def run(database: Database, sql: str) -> list[dict[str, Any]]:
    with psycopg.connect(as_reader(database.url), row_factory=dict_row) as reader:
        return reader.execute(sql).fetchall()  # type: ignore[arg-type]


# --- The known data -------------------------------------------------------------------------------


def side(code: str) -> dict[str, Any]:
    return {"code": code, "name": NAMES[code], "sector": "GOV", "text": NAMES[code]}


def event_row(
    event_id: int,
    event_type: str,
    quad: int,
    actors: Sequence[str],
    recipients: Sequence[str],
    day: date | None,
    *,
    mode: str | None = None,
    precision: str = "day",
    place: Place | None = None,
    counts: tuple[int, int, int] = (1, 1, 1),
    created: datetime | None = None,
) -> dict[str, Any]:
    created = created or datetime.now(UTC)
    participants = ",".join(sorted(actors)) + (">" + ",".join(sorted(recipients)) if recipients else "")
    name, country, lat, lon = place or (None, None, None, None)
    return {
        "id": event_id,
        "type": event_type,
        "mode": mode,
        "quad": quad,
        "score": {1: 1.0, 2: 7.0, 3: -2.0, 4: -10.0}[quad],
        "actor_codes": sorted(actors),
        "recipient_codes": sorted(recipients),
        "actors": [side(c) for c in actors],
        "recipients": [side(c) for c in recipients],
        "event_date": day,
        "date_precision": precision if day else "unknown",
        "location_name": name,
        "location_country": country,
        "latitude": lat,
        "longitude": lon,
        "geonameid": 1000 + event_id if lat is not None else None,
        "context": [],
        "lexicon_version": "test",
        "participants": participants,
        "num_mentions": counts[0],
        "num_articles": counts[1],
        "num_sources": counts[2],
        "source_urls": [],  # filled in from the mentions below, as the event store does
        "first_seen": created,
        "last_seen": created,
        "created_at": created,
    }


def march(day: int) -> date:
    return date(2026, 3, day)


def fill(database: Database) -> None:
    """The known events: ids 1-9 and 20 in March 2026 (4 in February), 10-19 dated from today."""
    with database.session() as session:
        today = session.execute(text("SELECT current_date")).scalar_one()
    march_created = datetime.fromisoformat("2026-03-28T12:00:00+00:00")
    events = [
        # March 2026 (fixed dates).
        event_row(1, "CONSULT", 1, ["RUS", "USA"], [], march(12), mode="phone", place=UKRAINE,
                  counts=(3, 3, 3), created=march_created),
        event_row(2, "ACCUSE", 3, ["USA"], ["RUS"], march(20), created=march_created),
        event_row(3, "ASSAULT", 4, ["RUS"], ["UKR"], march(15), mode="aerial", place=KHARKIV,
                  created=march_created),
        event_row(4, "CONSULT", 1, ["RUS", "USA"], [], date(2026, 2, 10), mode="phone",
                  created=datetime.fromisoformat("2026-02-11T00:00:00+00:00")),
        event_row(5, "AID", 2, ["RUS", "USA"], ["SYR"], march(18), created=march_created),
        event_row(6, "ASSAULT", 4, ["ISR"], ["SYR"], march(18), mode="aerial", place=DAMASCUS,
                  created=march_created),
        event_row(7, "ASSAULT", 4, ["ISR"], ["SYR"], march(25), precision="month", place=SYRIA,
                  created=march_created),
        event_row(8, "CONSULT", 1, ["JOR"], ["EGY"], march(5), mode="visit", place=CAIRO,
                  counts=(2, 2, 2), created=march_created),
        event_row(9, "CONSULT", 1, ["SYR", "TUR"], [], march(22), place=ANKARA, created=march_created),
        event_row(20, "PROTEST", 4, ["EGY"], [], march(8), created=march_created),
        # Dated from today.
        event_row(10, "ASSAULT", 4, ["TUR"], ["SYR"], today, mode="shelling"),
        event_row(11, "ASSAULT", 4, ["TUR"], ["SYR"], today, mode="aerial"),
        event_row(12, "ACCUSE", 3, ["RUS"], ["UKR"], today - timedelta(days=3)),
        event_row(13, "CONSULT", 1, ["CHN", "RUS", "USA"], [], today),
        event_row(14, "ASSAULT", 4, ["ISR"], ["LBN"], today - timedelta(days=8)),
        event_row(15, "ASSAULT", 4, ["ISR"], ["LBN"], today - timedelta(days=8)),
        event_row(16, "ASSAULT", 4, ["ISR"], ["LBN"], today - timedelta(days=8)),
        event_row(17, "SANCTION", 4, ["USA"], ["RUS"], today - timedelta(days=5)),
        event_row(18, "ASSAULT", 4, ["RUS"], ["UKR"], today - timedelta(days=40)),
        event_row(19, "CONSULT", 1, ["RUS"], ["UKR"], None),
    ]  # fmt: skip
    # Event 1 was reported by two agencies (articles 1 and 2) and republished by a third (article 3);
    # every other event by one article, numbered 100 + its id.
    articles = [
        (1, "سبوتنيك", "https://sputnik.example/1", datetime.fromisoformat("2026-03-12T08:00:00+00:00")),
        (2, "رويترز", "https://reuters.example/2", datetime.fromisoformat("2026-03-12T10:00:00+00:00")),
        (3, "آر تي عربي", "https://rt.example/3", datetime.fromisoformat("2026-03-12T11:00:00+00:00")),
    ] + [(100 + e["id"], f"وكالة {e['id']}", f"https://agency{e['id']}.example/", None) for e in events[1:]]
    call = "أجرى الرئيس الروسي اتصالاً هاتفياً مع نظيره الأمريكي بحثا خلاله الأوضاع في أوكرانيا."
    mentions = [
        (1, 1, 1, call, "اتصالاً هاتفياً", 0.9),
        (2, 1, 2, "وبحث بوتين مع الرئيس الأمريكي في اتصال هاتفي ملف أوكرانيا.", "اتصال هاتفي", 0.8),
    ] + [(100 + e["id"], e["id"], 100 + e["id"], f"الخبر رقم {e['id']}.", "خبر", 0.7) for e in events[1:]]
    with database.session() as session:
        session.execute(
            insert(InboxFile).values(id=1, name="f.jsonl", path="/x/f.jsonl", sha256="0" * 64, size_bytes=1)
        )
        session.execute(
            insert(Document),
            [
                {"id": a[0], "inbox_file_id": 1, "content_type": "text/plain", "raw_content": a[1],
                 "sha256": "0" * 64, "status": "done", "raw_meta": {}}
                for a in articles
            ],
        )  # fmt: skip
        session.execute(
            insert(Article),
            [
                {"id": a[0], "document_id": a[0], "title": f"عنوان {a[0]}", "body": a[1],
                 "normalized_text": a[1], "language": "ar", "source": a[1], "url": a[2],
                 "published_at": a[3], "text_sha256": f"{a[0]:064d}"}
                for a in articles
            ],
        )  # fmt: skip
        session.execute(
            insert(ArticleDuplicate).values(
                article_id=3, canonical_article_id=1, method="exact", similarity=1.0
            )
        )
        session.execute(insert(EventRow), events)
        session.execute(
            insert(EventMention),
            [
                {"id": m[0], "event_id": m[1], "article_id": m[2], "sentence": m[3], "trigger": m[4],
                 "char_start": 0, "char_end": len(m[4]), "confidence": m[5], "lexicon_version": "test",
                 "details": {"date": "2026-03-12", "location": {"name": "Ukraine", "country": "UKR"}}
                 if m[1] == 1 else {}}
                for m in mentions
            ],
        )  # fmt: skip
        session.execute(
            text(
                "UPDATE events e SET evidence = (SELECT m.sentence FROM event_mentions m "
                "WHERE m.event_id = e.id ORDER BY m.confidence DESC, m.id LIMIT 1), "
                "source_urls = coalesce((SELECT array_agg(DISTINCT v.url ORDER BY v.url) "
                "FROM v_article_events v WHERE v.event_id = e.id AND v.url IS NOT NULL), '{}')"
            )
        )
        # The February call has not changed since; every other event was updated just now.
        session.execute(update(EventRow).where(EventRow.id == 4).values(updated_at=EventRow.created_at))


# --- What each recipe must return on that data ------------------------------------------------------


def between_two_countries(rows: list[dict[str, Any]]) -> None:
    # Not 3 (Russia and Ukraine), 4 (February) nor 5 (both acting on Syria).
    assert [r["event_id"] for r in rows] == [1, 2]
    assert rows[0]["actor_names"] == "Russia; United States" and rows[0]["mode"] == "phone"
    assert rows[1]["actor_names"] == "United States" and rows[1]["recipient_names"] == "Russia"
    assert rows[0]["evidence"].startswith("أجرى الرئيس الروسي")


def top_dyads(rows: list[dict[str, Any]]) -> None:
    assert (rows[0]["actor_code"], rows[0]["recipient_code"], rows[0]["events"]) == ("TUR", "SYR", 2)
    assert rows[0]["types"] == "ASSAULT"
    pairs = {(r["actor_code"], r["recipient_code"]): r["events"] for r in rows}
    assert {p: pairs.get(p) for p in [("CHN", "RUS"), ("CHN", "USA"), ("RUS", "USA")]} == {
        ("CHN", "RUS"): 1,
        ("CHN", "USA"): 1,
        ("RUS", "USA"): 1,
    }
    assert ("ISR", "LBN") not in pairs  # last week's


def geojson(rows: list[dict[str, Any]]) -> None:
    (row,) = rows
    collection = row["feature_collection"]
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    # Only CONSULT events with coordinates: not 1 (country only), not the ASSAULTs in Kharkiv and Damascus.
    assert [f["id"] for f in features] == [8, 9]
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in features)
    assert [f["geometry"]["coordinates"] for f in features] == [[31.24967, 30.06263], [32.85427, 39.91987]]
    assert features[0]["properties"]["place"] == "Cairo" and features[0]["properties"]["sources"] == 2


def articles_behind(rows: list[dict[str, Any]]) -> None:
    found = [(r["article_id"], r["link"], r["mentioning_article_id"], r["source"]) for r in rows]
    assert found == [(1, "mention", 1, "سبوتنيك"), (2, "mention", 2, "رويترز"), (3, "exact", 1, "آر تي عربي")]


def evidence_sentences(rows: list[dict[str, Any]]) -> None:
    assert [(r["mention_id"], r["confidence"]) for r in rows] == [(1, 0.9), (2, 0.8)]
    assert rows[0]["sentence"].startswith("أجرى الرئيس الروسي")
    assert (rows[0]["date_given"], rows[0]["place_given"]) == ("2026-03-12", "Ukraine")


def daily_quads(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == 31 and rows[0]["day"] == march(1) and rows[-1]["day"] == march(31)
    by_day = {
        r["day"].day: (
            r["verbal_cooperation"],
            r["material_cooperation"],
            r["verbal_conflict"],
            r["material_conflict"],
        )
        for r in rows
    }
    # 18th: the aid to Syria and the strike on Damascus; 22nd: the meeting in Ankara; 25th is dated
    # to the month only, so it is not counted.
    assert {d: q for d, q in by_day.items() if any(q)} == {18: (0, 1, 0, 1), 22: (1, 0, 0, 0)}


def most_outlets(rows: list[dict[str, Any]]) -> None:
    assert [r["event_id"] for r in rows][:2] == [1, 8]
    assert (rows[0]["num_sources"], rows[0]["num_articles"], rows[0]["num_mentions"]) == (3, 3, 3)
    assert sorted(r["event_id"] for r in rows) == [1, 2, 3, 5, 6, 7, 8, 9, 20]  # March only


def actor_last_30_days(rows: list[dict[str, Any]]) -> None:
    # Not 17 (Russia only a recipient), 18 (40 days ago) nor 19 (no date).
    assert [r["event_id"] for r in rows] == [13, 12]
    assert rows[1]["recipient_codes"] == ["UKR"] and rows[1]["recipient_names"] == "Ukraine"


def conflict_by_country(rows: list[dict[str, Any]]) -> None:
    found = [(r["location_country"], r["events"], r["types"]) for r in rows]
    assert found == [("SYR", 2, "ASSAULT"), ("?", 1, "PROTEST"), ("UKR", 1, "ASSAULT")]


def changed_since(rows: list[dict[str, Any]]) -> None:
    ids = {r["event_id"] for r in rows}
    assert ids == set(range(1, 21)) - {4}  # the February call has not changed since
    assert all(r["updated_at"] > SINCE for r in rows)
    is_new = {r["event_id"]: r["is_new"] for r in rows}
    assert (is_new[1], is_new[13]) == (False, True)


CHECKS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    "Events between two countries in a period": between_two_countries,
    "Top dyads this week": top_dyads,
    "CONSULT events with coordinates as GeoJSON": geojson,
    "The articles behind an event": articles_behind,
    "The evidence sentences of an event": evidence_sentences,
    "Daily counts per quad class for a country": daily_quads,
    "Events reported by the most outlets": most_outlets,
    "An actor's events in the last 30 days": actor_last_30_days,
    "Material-conflict events by location country": conflict_by_country,
    "What changed since a timestamp": changed_since,
}


def test_querying_has_ten_recipes_each_with_a_check() -> None:
    assert len(RECIPES) >= 10
    assert sorted(RECIPES) == sorted(CHECKS), "every recipe in docs/QUERYING.md needs its check here"


@pytest.mark.parametrize("heading", list(RECIPES))
def test_recipe_returns_what_it_promises(database: Database, heading: str) -> None:
    fill(database)
    rows = run(database, RECIPES[heading])
    assert rows, f"{heading!r} returned nothing"
    CHECKS[heading](rows)


# --- The recipes on the pipeline's own output ----------------------------------------------------

CALL = (
    "بوتين وبايدن يبحثان الأزمة الأوكرانية هاتفياً\n"
    "موسكو - أجرى الرئيس الروسي فلاديمير بوتين اليوم اتصالاً هاتفياً مع نظيره الأمريكي بحث خلاله "
    "الأوضاع في أوكرانيا، وفق ما أعلن الكرملين.\n"
    "وأوضح البيان أن الجانبين اتفقا على مواصلة الاتصالات على مستوى الخبراء."
)
VISIT = (
    "وزير الخارجية الأردني في القاهرة\n"
    "القاهرة - وصل وزير الخارجية الأردني إلى القاهرة اليوم في زيارة رسمية يلتقي خلالها نظيره المصري "
    "لبحث العلاقات الثنائية."
)


def test_recipes_read_the_pipelines_events(database: Database) -> None:
    """A call reported by one agency and republished by another, and a visit, through the real pipeline."""
    ids = add_documents(database, [CALL, CALL, VISIT])
    meta = [
        {"source": "سبوتنيك", "url": "https://sputnik.example/call", "published_at": "2026-03-12T08:00:00Z"},
        {"source": "آر تي عربي", "url": "https://rt.example/call", "published_at": "2026-03-12T11:00:00Z"},
        {"source": "بترا", "url": "https://petra.example/visit", "published_at": "2026-03-05T09:00:00Z"},
    ]
    with database.session() as session:
        for document_id, raw_meta in zip(ids, meta, strict=True):
            session.execute(update(Document).where(Document.id == document_id).values(raw_meta=raw_meta))
    assert run_documents(database, ids, max_attempts=3).done == tuple(ids)

    between = run(database, RECIPES["Events between two countries in a period"])
    (call,) = [row for row in between if row["type"] == "CONSULT"]  # and their agreement to go on talking
    assert (call["event_id"], call["type"], call["mode"]) == (1, "CONSULT", "phone")
    assert (call["num_articles"], call["num_sources"]) == (2, 2)
    behind = run(database, RECIPES["The articles behind an event"])
    assert [(r["link"], r["url"]) for r in behind] == [
        ("mention", "https://sputnik.example/call"),
        ("exact", "https://rt.example/call"),
    ]
    (collection,) = run(database, RECIPES["CONSULT events with coordinates as GeoJSON"])
    (feature,) = collection["feature_collection"]["features"]
    assert feature["properties"]["place"] == "Cairo"
    longitude, latitude = feature["geometry"]["coordinates"]
    assert (round(longitude), round(latitude)) == (31, 30)


def test_a_listener_is_sent_the_id_of_each_event_written(database: Database, database_url: str) -> None:
    with psycopg.connect(as_reader(database_url), autocommit=True) as listener:
        listener.execute("LISTEN marsad_events")
        fill(database)
        with database.session() as session:
            session.execute(update(EventRow).where(EventRow.id == 2).values(num_sources=2))
        payloads = [n.payload for n in listener.notifies(timeout=5, stop_after=21)]
    # One notification per event written in a transaction (event 4 was inserted, then updated), sent at
    # commit: the 20 of the first, then the change to event 2.
    assert sorted(payloads[:20], key=int) == [str(i) for i in range(1, 21)]
    assert payloads[20:] == ["2"]
