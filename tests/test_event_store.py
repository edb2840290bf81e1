"""The event store over a real PostgreSQL: reports merged into one row per event, counts from mentions
and copies, notifications, merging under concurrency, and reprocessing."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from sqlalchemy import select, text, update

from db.models import Article, ArticleBand, ArticleDuplicate, Document, EventMention
from db.models import Event as EventRow
from db.session import Database
from tests.conftest import SHARED, marsad
from tests.dedupe_pairs import DOCS, vocabulary
from tests.helpers import add_documents, all_done, decide_at_the_same_moment, wait_until
from workers.extract import lexicon as lexicon_module
from workers.extract import store
from workers.pipeline import run_documents
from workers.reprocess import reprocess
from workers.settings import Settings

CALL = (
    "أجرى الرئيس الروسي فلاديمير بوتين {when} اتصالا هاتفيا مع نظيره الكازاخستاني قاسم جومارت توكاييف "
    "تناول العلاقات الثنائية وسبل تطويرها."
)


def call_article(lead: str, filler_seed: int, when: str = "اليوم") -> str:
    """A report of the same phone call in another outlet's words: its own lead and background."""
    rng = random.Random(filler_seed)
    background = " ".join(rng.choices(vocabulary(), k=60))
    return f"{lead}\n\n" + CALL.format(when=when) + f"\n\n{background}.\n"


def events(database: Database) -> list[Any]:
    with database.session() as session:
        return list(session.execute(select(EventRow).order_by(EventRow.id)).scalars())


def set_meta(database: Database, document_id: int, **meta: str) -> None:
    with database.session() as session:
        session.execute(update(Document).where(Document.id == document_id).values(raw_meta=meta))


def calls(database: Database) -> list[Any]:
    return [e for e in events(database) if e.type == "CONSULT" and e.participants == "KAZ,RUS"]


def test_two_outlets_reporting_one_call_make_one_event_with_their_counts(database: Database) -> None:
    same = call_article("بوتين وتوكاييف يبحثان العلاقات", 1)
    docs = add_documents(database, [same, same, call_article("اتصال بين الكرملين وأستانا", 2)])
    for doc_id, source in zip(docs, ["تاس", "سبوتنيك", "الأناضول"], strict=True):
        set_meta(database, doc_id, source=source, published_at="2024-05-06T09:00:00Z")
    run_documents(database, docs, max_attempts=3)
    (call,) = calls(database)
    # three articles (one an exact copy from a second outlet), two of them with a mention
    assert (call.num_mentions, call.num_articles, call.num_sources) == (3, 3, 3)
    assert call.event_date.isoformat() == "2024-05-06" and call.mode == "phone"
    assert call.first_seen <= call.last_seen


def test_reports_of_the_same_pair_on_different_days_stay_two_events(database: Database) -> None:
    docs = add_documents(
        database, [call_article("اتصال أول", 1), call_article("اتصال ثان", 2, when="يوم الخميس")]
    )
    set_meta(database, docs[0], source="تاس", published_at="2024-05-06T09:00:00Z")
    set_meta(database, docs[1], source="تاس", published_at="2024-09-20T09:00:00Z")
    run_documents(database, docs, max_attempts=3)
    assert sorted(e.event_date.isoformat() for e in calls(database)) == ["2024-05-06", "2024-09-19"]


def test_reports_without_a_trusted_date_join_the_dated_event(database: Database) -> None:
    docs = add_documents(database, [call_article("اتصال أول", 1), call_article("اتصال", 2)])
    set_meta(database, docs[0], source="تاس", published_at="2024-05-06T09:00:00Z")  # the other: no date
    run_documents(database, docs, max_attempts=3)
    (call,) = calls(database)
    assert call.num_articles == 2 and call.event_date.isoformat() == "2024-05-06"


def test_a_stored_key_is_read_only_for_the_days_a_report_could_join(database: Database) -> None:
    docs = add_documents(
        database,
        [
            call_article("اتصال في أيار", 1),
            call_article("اتصال في أيلول", 2, when="يوم الخميس"),
            call_article("الاتصال نفسه في أيلول", 3, when="يوم الخميس"),
            call_article("اتصال", 4),
        ],
    )
    for doc_id, day in zip(docs, ["2024-05-06", "2024-09-20", "2024-09-20"], strict=False):
        set_meta(database, doc_id, source="تاس", published_at=f"{day}T09:00:00Z")
    for doc_id in docs[:3]:  # one batch each: the later ones look the earlier up in the store
        run_documents(database, [doc_id], max_attempts=3)
    may, september = sorted(calls(database), key=lambda e: e.event_date)
    assert (may.num_articles, september.num_articles) == (1, 2)
    with database.session() as session:
        read = store._candidates(session, {("CONSULT", "KAZ,RUS"): [["2024-09-18", "2024-09-20"]]})
        unbounded = store._candidates(session, {("CONSULT", "KAZ,RUS"): [["2024-09-19", "2024-09-19"], None]})
    assert [event_id for event_id, _ in read[("CONSULT", "KAZ,RUS")]] == [september.id]
    assert {event_id for event_id, _ in unbounded[("CONSULT", "KAZ,RUS")]} == {may.id, september.id}
    run_documents(database, [docs[3]], max_attempts=3)  # no date: it may join either, the larger one
    assert sorted(e.num_articles for e in calls(database)) == [1, 3]


def test_one_event_reported_by_eight_outlets_at_the_same_moment_is_one_row(database: Database) -> None:
    texts = [call_article(f"خبر رقم {n} عن الاتصال", 10 + n) for n in range(8)]
    docs = add_documents(database, texts)
    decide_at_the_same_moment(database, docs)
    (call,) = calls(database)
    assert call.num_articles == 8 and call.num_mentions == 8
    with database.session() as session:
        assert session.execute(select(ArticleDuplicate)).first() is None  # eight articles, not copies


@pytest.fixture
def listener(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("LISTEN marsad_events")
        yield connection


def notified(connection: psycopg.Connection[Any]) -> set[int]:
    return {int(n.payload) for n in connection.notifies(timeout=1.0, stop_after=1000)}


def test_a_listener_on_marsad_events_gets_the_ids_of_the_events_an_article_creates(
    database: Database, listener: psycopg.Connection[Any]
) -> None:
    article = (DOCS / "003_putin_erdogan_phone.txt").read_text(encoding="utf-8")
    original, copy = add_documents(database, [article, article])
    run_documents(database, [original], max_attempts=3)
    created = {e.id for e in events(database)}
    assert created and notified(listener) == created
    run_documents(database, [copy], max_attempts=3)  # a copy: every event gains an article
    assert notified(listener) == created


def snapshot(database: Database) -> dict[str, list[Any]]:
    """Every row consumers read, with what marks processing time left out of articles."""
    skip = {"deduplicated_at", "extracted_at"}
    tables = {
        "events": (EventRow, EventRow.id),
        "event_mentions": (EventMention, EventMention.id),
        "article_duplicates": (ArticleDuplicate, ArticleDuplicate.article_id),
        "article_bands": (ArticleBand, ArticleBand.article_id),
        "articles": (Article, Article.id),
    }
    found: dict[str, list[Any]] = {}
    with database.session() as session:
        for name, (model, order) in tables.items():
            columns = [c.name for c in model.__table__.columns if c.name not in skip]
            rows = session.execute(
                select(model).order_by(order, *model.__table__.primary_key.columns)
            ).scalars()
            found[name] = [{c: getattr(row, c) for c in columns} for row in rows]
    return found


def team_articles(count: int) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(DOCS.glob("*.txt"))[:count]]


def test_marsad_reprocess_all_twice_leaves_identical_rows(settings: Settings, database: Database) -> None:
    texts = team_articles(12)
    docs = add_documents(database, [*texts, texts[0]])  # and a copy
    run_documents(database, docs, max_attempts=3)
    first = snapshot(database)
    assert first["events"] and first["article_duplicates"]
    for _ in range(2):
        result = marsad(settings, "reprocess", "--all")
        assert "reprocessed 13 documents: 13 done" in result.stdout
        assert snapshot(database) == first


def test_reprocess_needs_one_selection_and_names_a_missing_article(
    settings: Settings, database: Database
) -> None:
    assert "exactly one of" in marsad(settings, "reprocess", check=False).stderr
    missing = marsad(settings, "reprocess", "--article", "999", check=False)
    assert missing.returncode == 1 and "no article 999" in missing.stderr
    assert "not a date" in marsad(settings, "reprocess", "--since", "yesterday", check=False).stderr


@pytest.fixture
def edited_lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the lexicons the test may edit, in use until the test ends."""
    folder = tmp_path / "lexicon"
    shutil.copytree(lexicon_module.LEXICON_DIR, folder)
    monkeypatch.setattr(lexicon_module, "LEXICON_DIR", folder)
    lexicon_module.default_lexicon.cache_clear()
    yield folder
    lexicon_module.default_lexicon.cache_clear()


def test_a_lexicon_change_and_reprocess_rewrite_exactly_the_events_it_affects(
    database: Database, listener: psycopg.Connection[Any], edited_lexicon: Path
) -> None:
    docs = add_documents(database, team_articles(12))
    run_documents(database, docs, max_attempts=3)
    before = {e.id: e for e in events(database)}
    notified(listener)
    # A country named as a state in some events (not all) gets a new English name.
    countries = edited_lexicon / "countries.yaml"
    data = yaml.safe_load(countries.read_text(encoding="utf-8"))
    named = {(side["code"], side["name"]) for e in before.values() for side in e.actors + e.recipients}
    code, name = min((c, n) for c, n in named if data["countries"].get(c, {}).get("name") == n)
    data["countries"][code]["name"] = f"{name} (renamed)"
    countries.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    lexicon_module.default_lexicon.cache_clear()

    reprocess(database, docs, batch_size=5, max_attempts=3)
    after = {e.id: e for e in events(database)}
    affected = {
        event_id
        for event_id, event in before.items()
        if any((side["code"], side["name"]) == (code, name) for side in event.actors + event.recipients)
    }
    changed = {
        event_id
        for event_id in before.keys() | after.keys()
        if event_id not in before
        or event_id not in after
        or json.dumps(before[event_id].actors + before[event_id].recipients)
        != json.dumps(after[event_id].actors + after[event_id].recipients)
        or before[event_id].updated_at != after[event_id].updated_at
    }
    assert affected and len(affected) < len(before) and changed == affected
    assert notified(listener) == affected


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="needs ../shared/seeds")
def test_the_five_seed_articles_dropped_in_the_inbox_merge_the_events_two_of_them_report(
    settings: Settings, database: Database, processes: Any
) -> None:
    procs = processes()
    procs.watcher()
    procs.worker()
    wait_until(settings.inbox_dir.exists, 20, "watcher created the inbox")
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    for seed in seeds:
        shutil.copy(seed, settings.inbox_dir / seed.name)
    wait_until(lambda: all_done(database, len(seeds)), 120, "the seeds done")

    with database.session() as session:
        rows = session.execute(
            text(
                "SELECT e.id, e.type, e.participants, e.num_articles, f.name "
                "FROM events e JOIN event_mentions m ON m.event_id = e.id "
                "JOIN articles a ON a.id = m.article_id JOIN documents d ON d.id = a.document_id "
                "JOIN inbox_files f ON f.id = d.inbox_file_id"
            )
        ).all()
    stored: dict[tuple[str, str], set[int]] = {}
    in_doc: dict[tuple[str, str, str], set[int]] = {}
    articles = {}
    for event_id, event_type, participants, num_articles, name in rows:
        stored.setdefault((event_type, participants), set()).add(event_id)
        in_doc.setdefault((name, event_type, participants), set()).add(event_id)
        articles[event_id] = num_articles

    def key(gold: dict[str, Any]) -> tuple[str, str]:
        actors, recipients = sorted(set(gold["actors"])), sorted(set(gold["recipients"]))
        return gold["type"], ",".join(actors) + (">" + ",".join(recipients) if recipients else "")

    meeting, call = ("CONSULT", "RUS,UNO"), ("REQUEST", "UNO>RUS,USA")
    for shared_event in (meeting, call):
        (event_id,) = stored[shared_event]
        assert articles[event_id] == 2
    gold_lines = (SHARED / "gold" / "seeds.events.jsonl").read_text(encoding="utf-8").splitlines()
    for gold in map(json.loads, gold_lines):
        found = in_doc.get((gold["doc"], *key(gold)), set())
        if gold.get("required", True) and key(gold) not in (meeting, call) and found:
            assert len(found) == 1, gold  # the event it was found as appears once
