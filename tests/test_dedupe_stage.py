"""The dedupe stage over a real PostgreSQL: near duplicates found through the LSH band index, linked to
the earliest article, skipped by extraction, and decided once under concurrency."""

from __future__ import annotations

import json
import random
from typing import Any

from sqlalchemy import delete, func, select, update

from db.models import Article, ArticleBand, ArticleDuplicate, Document
from db.session import Database
from tests.conftest import marsad
from tests.dedupe_pairs import DOCS, TRANSFORMS
from tests.helpers import add_documents, decide_at_the_same_moment
from workers.dedupe.minhash import BANDS, LEAD_BANDS, NUM_PERM
from workers.pipeline import run_document, run_documents
from workers.settings import Settings

FIRST, *REST = sorted(DOCS.glob("*.txt"))
ORIGINAL = FIRST.read_text(encoding="utf-8")
OTHERS = [path.read_text(encoding="utf-8") for path in REST]


def republished(kind: str, seed: int = 1) -> str:
    return TRANSFORMS[kind](ORIGINAL, random.Random(seed), OTHERS)


def links(database: Database) -> list[tuple[int, int, str]]:
    with database.session() as session:
        return [
            (row.article_id, row.canonical_article_id, row.method)
            for row in session.execute(select(ArticleDuplicate).order_by(ArticleDuplicate.article_id))
            .scalars()
            .all()
        ]


def article_ids(database: Database, document_ids: list[int]) -> list[int]:
    with database.session() as session:
        rows = session.execute(
            select(Article.document_id, Article.id).where(Article.document_id.in_(document_ids))
        ).all()
    by_document = {document_id: article_id for document_id, article_id in rows}
    return [by_document[d] for d in document_ids]


def test_republications_point_at_the_earliest_as_near_duplicates_and_skip_extraction(
    database: Database,
) -> None:
    texts = [ORIGINAL, republished("added paragraph"), republished("spelling"), republished("all at once")]
    docs = add_documents(database, texts)
    for doc_id in docs:  # one at a time: the first is decided before the copies arrive
        run_document(database, doc_id)
    original, *copies = article_ids(database, docs)
    found = links(database)
    # A spelling variant normalises to the same text: an exact duplicate.
    assert found == [(copy, original, m) for copy, m in zip(copies, ["near", "exact", "near"], strict=True)]
    with database.session() as session:
        similarities = (
            session.execute(select(ArticleDuplicate.similarity).where(ArticleDuplicate.method == "near"))
            .scalars()
            .all()
        )
        extracted = session.execute(select(Article.id).where(Article.extracted_at.is_not(None))).scalars()
        extracted = list(extracted)
        bands = session.execute(
            select(ArticleBand.article_id, func.count()).group_by(ArticleBand.article_id)
        ).all()
        signatures = session.execute(select(func.length(Article.minhash))).scalars().all()
    assert all(0.4 <= s < 1.0 for s in similarities)
    assert extracted == [original]
    assert bands == [(original, BANDS + LEAD_BANDS)]  # only canonical articles are indexed
    assert signatures == [4 * NUM_PERM] * len(texts)


def test_different_articles_on_the_same_topic_stay_canonical(database: Database) -> None:
    texts = [ORIGINAL, *OTHERS[:6]]
    docs = add_documents(database, texts)
    run_documents(database, docs, max_attempts=3)
    assert links(database) == []
    with database.session() as session:
        indexed = session.execute(select(func.count(func.distinct(ArticleBand.article_id)))).scalar_one()
    assert indexed == len(texts)


def test_an_exact_copy_of_a_near_duplicate_points_at_the_canonical_article(database: Database) -> None:
    copy = republished("dropped paragraph")
    docs = add_documents(database, [ORIGINAL, copy, copy])
    run_documents(database, docs, max_attempts=3)  # one batch: decided in id order
    original, first_copy, second_copy = article_ids(database, docs)
    assert links(database) == [(first_copy, original, "near"), (second_copy, original, "near")]


def test_deleting_a_canonical_article_removes_its_bands(database: Database) -> None:
    docs = add_documents(database, [ORIGINAL])
    run_document(database, docs[0])
    with database.session() as session:
        session.execute(delete(Document).where(Document.id == docs[0]))
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(ArticleBand)).scalar_one() == 0


def test_near_duplicates_decided_at_the_same_moment_leave_exactly_one_canonical(database: Database) -> None:
    # Copies that all keep the lead paragraph, so that each is a duplicate of every other. "all at once"
    # may drop the lead (its furniture line comes first): two copies that cut different paragraphs, one
    # of them the lead, can each name in their lead a person the other never names, a conflict of facts
    # (workers.dedupe.decision), so without the original they are two stories. What is tested here is
    # that deciding at the same moment leaves one canonical article, not that rule.
    kinds = sorted(set(TRANSFORMS) - {"all at once"})
    texts = [republished(kinds[n % len(kinds)], seed=n) for n in range(12)]
    docs = add_documents(database, texts)
    decide_at_the_same_moment(database, docs)
    found: list[Any] = links(database)
    linked = {article for article, _, _ in found}
    canonical = set(article_ids(database, docs)) - linked
    assert len(canonical) == 1
    assert {target for _, target, _ in found} == canonical


def test_marsad_duplicates_lists_clusters_with_their_outlets(settings: Settings, database: Database) -> None:
    texts = [ORIGINAL, republished("added paragraph"), republished("dropped paragraph"), OTHERS[0]]
    docs = add_documents(database, texts)
    with database.session() as session:
        for number, doc_id in enumerate(docs):
            session.execute(
                update(Document)
                .where(Document.id == doc_id)
                .values(raw_meta={"source": f"outlet {number % 2}", "url": f"https://o{number}.example/x"})
            )
    run_documents(database, docs, max_attempts=3)
    original, first_copy, second_copy, _ = article_ids(database, docs)

    listed = marsad(settings, "duplicates", "--format", "jsonl").stdout
    (cluster,) = [json.loads(line) for line in listed.splitlines()]
    assert cluster["canonical"]["id"] == original and cluster["copies"] == 2
    copies = [(d["id"], d["method"], d["rule"]) for d in cluster["duplicates"]]
    assert copies == [(first_copy, "near", "similar"), (second_copy, "near", "similar")]
    assert all(d["why"].startswith("similar wording (similarity ") for d in cluster["duplicates"])
    assert [d["url"] for d in cluster["duplicates"]] == ["https://o1.example/x", "https://o2.example/x"]
    assert cluster["outlets"] == 2  # outlet 0 ran the original and the second copy
    table = marsad(settings, "duplicates").stdout
    assert str(original) in table and f"{first_copy} similar " in table  # the rule that linked each copy
    assert marsad(settings, "duplicates", "--min-copies", "3", "--format", "jsonl").stdout == ""
