"""The dedupe stage: is this article a repeat of one already seen?

Exact duplicates share the hash of their normalised text. The decision is taken under a transaction
advisory lock on that hash, so two workers deciding about the same text at once are serialised and only
the first becomes canonical. Near duplicates (MinHash/LSH) extend this module behind `find_canonical`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from db.models import Article, ArticleDuplicate
from workers.status import DuplicateMethod

__all__ = ["DuplicateVerdict", "find_canonical"]


@dataclass(frozen=True)
class DuplicateVerdict:
    canonical_article_id: int
    method: DuplicateMethod
    similarity: float


def find_canonical(session: Session, article_id: int, text_sha256: str) -> DuplicateVerdict | None:
    """The earliest decided, non-duplicate article with the same text, if any.

    Must run in the transaction that records the verdict; the lock it takes is released at commit.
    """
    session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(text_sha256, 0))))
    canonical = session.execute(
        select(Article.id)
        .where(
            Article.text_sha256 == text_sha256,
            Article.id != article_id,
            Article.deduplicated_at.is_not(None),
            ~exists().where(and_(ArticleDuplicate.article_id == Article.id)),
        )
        .order_by(Article.id)
        .limit(1)
    ).scalar_one_or_none()
    if canonical is None:
        return None
    return DuplicateVerdict(canonical, DuplicateMethod.EXACT, 1.0)
