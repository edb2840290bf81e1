"""The dedupe stage: is this article a repeat of one already seen?

Exact duplicates share the hash of their normalised text. The decision is taken under a transaction
advisory lock on that hash, so two workers deciding about the same text at once are serialised and only
the first becomes canonical. Near duplicates (MinHash/LSH) extend this module behind `find_canonicals`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from db.models import Article, ArticleDuplicate
from workers.status import DuplicateMethod

__all__ = ["DuplicateVerdict", "find_canonicals"]


@dataclass(frozen=True)
class DuplicateVerdict:
    canonical_article_id: int
    method: DuplicateMethod
    similarity: float


def find_canonicals(session: Session, articles: Sequence[tuple[int, str]]) -> dict[int, DuplicateVerdict]:
    """For each (article id, text hash) given, its canonical article if it is a duplicate.

    The canonical article of a text is the first one decided: the earliest already-decided,
    non-duplicate article with that hash, else the lowest id among those given. Must run in the
    transaction that records the verdicts; the locks it takes (one per hash, in hash order, so two
    batches never deadlock) are released at commit.
    """
    hashes = sorted({text_hash for _, text_hash in articles})
    if not hashes:
        return {}
    for text_hash in hashes:
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(text_hash, 0))))
    given = [article_id for article_id, _ in articles]
    is_duplicate = exists().where(and_(ArticleDuplicate.article_id == Article.id))
    decided = session.execute(
        select(Article.text_sha256, func.min(Article.id))
        .where(
            Article.text_sha256.in_(hashes),
            Article.id.not_in(given),
            Article.deduplicated_at.is_not(None),
            ~is_duplicate,
        )
        .group_by(Article.text_sha256)
    ).all()
    canonical: dict[str, int] = {text_hash: int(article_id) for text_hash, article_id in decided}
    verdicts: dict[int, DuplicateVerdict] = {}
    for article_id, text_hash in sorted(articles):
        first = canonical.setdefault(text_hash, article_id)
        if first != article_id:
            verdicts[article_id] = DuplicateVerdict(first, DuplicateMethod.EXACT, 1.0)
    return verdicts
