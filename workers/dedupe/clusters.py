"""`marsad duplicates`: clusters of republished articles, each canonical article with its copies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from db.models import Article, ArticleDuplicate
from db.session import Database

__all__ = ["duplicate_clusters", "outlet"]


def outlet(source: str | None, url: str | None) -> str | None:
    """Who ran an article: its source, else its URL's host."""
    if source:
        return source
    if url and "://" in url:
        return url.split("://", 1)[1].split("/", 1)[0] or None
    return None


def _article(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "source": row.source,
        "url": row.url,
        "published_at": row.published_at.isoformat() if row.published_at else None,
    }


def duplicate_clusters(database: Database, limit: int, min_copies: int = 1) -> list[dict[str, Any]]:
    """The largest clusters first (then the newest): the canonical article, its copies with how each was
    found (method, similarity, the rule that linked it and why), and how many distinct outlets ran the
    story (the canonical article's included)."""
    copy = aliased(Article)
    with database.session() as session:
        sizes = (
            select(ArticleDuplicate.canonical_article_id, func.count().label("copies"))
            .group_by(ArticleDuplicate.canonical_article_id)
            .having(func.count() >= min_copies)
            .subquery()
        )
        canonical = session.execute(
            select(Article, sizes.c.copies)
            .join(sizes, sizes.c.canonical_article_id == Article.id)
            .order_by(sizes.c.copies.desc(), Article.id.desc())
            .limit(limit)
        ).all()
        ids = [row.Article.id for row in canonical]
        members = session.execute(
            select(ArticleDuplicate, copy)
            .join(copy, copy.id == ArticleDuplicate.article_id)
            .where(ArticleDuplicate.canonical_article_id.in_(ids))
            .order_by(ArticleDuplicate.canonical_article_id, copy.id)
        ).all()
    by_canonical: dict[int, list[dict[str, Any]]] = {}
    for link, article in members:
        entry = _article(article) | {
            "method": link.method,
            "similarity": round(link.similarity, 3),
            "rule": link.rule,
            "why": link.why,
        }
        by_canonical.setdefault(link.canonical_article_id, []).append(entry)
    clusters = []
    for row in canonical:
        first = row.Article
        copies = by_canonical.get(first.id, [])
        outlets = {outlet(first.source, first.url)} | {outlet(c["source"], c["url"]) for c in copies}
        outlets.discard(None)
        clusters.append(
            {
                "canonical": _article(first),
                "copies": len(copies),
                "outlets": len(outlets),
                "duplicates": copies,
            }
        )
    return clusters
