"""The pipeline over a real PostgreSQL, without Celery: steps, idempotence, dedupe, failures, reconciler."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.models import Article, ArticleDuplicate, Document, EventMention
from db.models import Event as EventRow
from db.session import Database
from tests.helpers import ARTICLES, add_documents, decide_at_the_same_moment
from workers import pipeline
from workers.pipeline import PIPELINE, run_document, run_documents
from workers.reconcile import reconcile
from workers.retry import claim_attempts
from workers.status import DocumentStatus


def document(database: Database, document_id: int) -> Any:
    with database.session() as session:
        return session.execute(select(Document).where(Document.id == document_id)).scalar_one()


def test_run_document_takes_a_document_through_every_step(database: Database) -> None:
    (doc_id,) = add_documents(database, [ARTICLES["visit"]])
    assert run_document(database, doc_id) is DocumentStatus.DONE
    row = document(database, doc_id)
    assert row.status == "done" and row.finished_at is not None and row.last_error is None
    with database.session() as session:
        article = session.execute(select(Article).where(Article.document_id == doc_id)).scalar_one()
    assert article.title.startswith("وزير الخارجية الأردني")
    assert article.deduplicated_at is not None and article.extracted_at is not None
    assert article.language == "ar" and len(article.text_sha256) == 64


def test_clean_step_stores_metadata_and_the_cleaning_audit(database: Database) -> None:
    text = (
        "&\nأخبار العالم\nعنوان الخبر هنا\n21 سبتمبر 2018\nدمشق (رويترز) - "
        + ARTICLES["call"]
        + "\nالمصدر: رويترز"
    )
    (doc_id,) = add_documents(database, [text])
    run_document(database, doc_id)
    with database.session() as session:
        article = session.execute(select(Article).where(Article.document_id == doc_id)).scalar_one()
    assert (article.title, article.dateline, article.agency) == ("عنوان الخبر هنا", "دمشق", "REUTERS")
    assert (article.published_at.date().isoformat(), article.published_source) == ("2018-09-21", "text")
    assert [d["rule"] for d in article.cleaning["dropped"]] == [
        "separator",
        "section_label",
        "date_line",
        "source_line",
    ]
    assert article.cleaning["version"].startswith("boilerplate-")


def test_run_document_twice_changes_nothing(database: Database) -> None:
    (doc_id,) = add_documents(database, [ARTICLES["visit"]])
    run_document(database, doc_id)
    with database.session() as session:
        before = session.execute(select(Article.id, Article.created_at)).all()
    assert run_document(database, doc_id) is DocumentStatus.DONE
    with database.session() as session:
        assert session.execute(select(Article.id, Article.created_at)).all() == before


def test_run_document_resumes_at_the_first_step_not_committed(database: Database) -> None:
    (doc_id,) = add_documents(database, [ARTICLES["call"]])
    run_document(database, doc_id, PIPELINE[:1])
    assert document(database, doc_id).status == "cleaned"
    assert run_document(database, doc_id) is DocumentStatus.DONE
    with database.session() as session:
        assert session.execute(select(Article.id)).all() == [(1,)]


def test_exact_duplicates_point_at_the_earliest_and_skip_extraction(database: Database) -> None:
    ids = add_documents(
        database, [ARTICLES["visit"], ARTICLES["visit"].replace("القاهرة", "القاهره"), ARTICLES["call"]]
    )
    run_documents(database, ids, max_attempts=3)
    with database.session() as session:
        dups = session.execute(
            select(
                ArticleDuplicate.article_id,
                ArticleDuplicate.canonical_article_id,
                ArticleDuplicate.method,
                ArticleDuplicate.similarity,
            )
        ).all()
        extracted = (
            session.execute(select(Article.id).where(Article.extracted_at.is_not(None)).order_by(Article.id))
            .scalars()
            .all()
        )
    assert dups == [(2, 1, "exact", 1.0)]
    assert extracted == [1, 3]


def test_exact_dedupe_under_concurrency_leaves_exactly_one_canonical(database: Database) -> None:
    ids = add_documents(database, [ARTICLES["protest"]] * 12)
    decide_at_the_same_moment(database, ids)
    with database.session() as session:
        canonical = (
            session.execute(
                select(Article.id).where(
                    ~select(ArticleDuplicate.article_id)
                    .where(ArticleDuplicate.article_id == Article.id)
                    .exists()
                )
            )
            .scalars()
            .all()
        )
        targets = set(session.execute(select(ArticleDuplicate.canonical_article_id)).scalars())
    assert len(canonical) == 1 and targets == set(canonical)


def test_a_document_that_always_raises_fails_after_max_attempts_others_unaffected(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_clean = pipeline.clean_document

    def clean_or_explode(raw: Any) -> Any:
        if "POISON" in raw.content:
            raise ValueError("this article breaks the cleaner")
        return real_clean(raw)

    monkeypatch.setattr(pipeline, "clean_document", clean_or_explode)
    poison, good = add_documents(database, ["POISON\nخبر مسموم", ARTICLES["visit"]])
    for attempt in range(1, 4):
        claim = claim_attempts(database, [poison, good], max_attempts=3)
        outcome = run_documents(database, claim.ready, max_attempts=3)
        if attempt < 3:
            assert outcome.retry_later == ((poison, attempt),)
    row = document(database, poison)
    assert (row.status, row.attempts, row.reason) == ("failed", 3, "processing_error")
    assert "ValueError: this article breaks the cleaner" in row.last_error
    assert document(database, good).status == "done"


def test_claim_attempts_fails_documents_that_exhausted_their_attempts(database: Database) -> None:
    (doc_id,) = add_documents(database, [ARTICLES["visit"]])
    with database.session() as session:
        session.execute(update(Document).values(attempts=3))
    claim = claim_attempts(database, [doc_id], max_attempts=3)
    assert claim.ready == () and claim.exhausted == (doc_id,)
    row = document(database, doc_id)
    assert (row.status, row.reason) == ("failed", "too_many_attempts")


def test_claim_attempts_skips_final_documents(database: Database) -> None:
    (doc_id,) = add_documents(database, [ARTICLES["visit"]])
    run_document(database, doc_id)
    assert claim_attempts(database, [doc_id], max_attempts=3).ready == ()
    assert document(database, doc_id).attempts == 0


def test_reconcile_resends_only_stuck_active_documents(database: Database) -> None:
    stuck, fresh, finished = add_documents(database, ["أ", "ب", "ج"])
    run_document(database, finished)
    with database.session() as session:
        session.execute(
            update(Document)
            .where(Document.id.in_([stuck, finished]))
            .values(enqueued_at=datetime(2020, 1, 1, tzinfo=UTC))
        )
        session.execute(update(Document).where(Document.id == fresh).values(enqueued_at=func.now()))
    sent: list[int] = []

    def enqueue(ids: Sequence[int]) -> int:
        sent.extend(ids)
        return len(ids)

    assert reconcile(database, enqueue, stuck_after=60) == 1
    assert sent == [stuck]
    assert reconcile(database, enqueue, stuck_after=60) == 0  # its enqueued_at was refreshed


CALL = (
    "بوتين ونزارباييف يبحثان مكافحة الإرهاب\n"
    "موسكو-سانا\n"
    "أجرى الرئيس الروسي فلاديمير بوتين اليوم اتصالا هاتفيا مع نظيره الكازاخستاني نور سلطان نزارباييف "
    "تناول العلاقات الثنائية."
)


def test_extract_step_writes_events_and_mentions_and_a_rerun_leaves_the_event_as_it_was(
    database: Database,
) -> None:
    (doc_id,) = add_documents(database, [CALL])
    run_document(database, doc_id)
    with database.session() as session:
        event = session.execute(select(EventRow)).scalar_one()
        mention = session.execute(select(EventMention)).scalar_one()
        body = session.execute(select(Article.body)).scalar_one()
    assert (event.type, event.mode, event.actor_codes, event.recipient_codes) == (
        "CONSULT",
        "phone",
        ["KAZ", "RUS"],
        [],
    )
    assert body[mention.char_start : mention.char_end] == mention.trigger == "اتصالا هاتفيا"
    assert mention.lexicon_version == event.lexicon_version and mention.lexicon_version.startswith("lexicon-")
    with database.session() as session:
        session.execute(update(Document).values(status=DocumentStatus.DEDUPLICATED.value))
    run_document(database, doc_id)
    with database.session() as session:
        again = session.execute(select(EventRow)).scalar_one()
        mentions = session.execute(select(EventMention.event_id)).scalars().all()
    assert mentions == [event.id]
    columns = EventRow.__table__.columns.keys()
    assert {c: getattr(again, c) for c in columns} == {c: getattr(event, c) for c in columns}
    assert (event.num_mentions, event.num_articles, event.num_sources) == (1, 1, 1)
