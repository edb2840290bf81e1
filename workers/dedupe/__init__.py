"""The dedupe stage: is this article a repeat of one already seen, exactly or nearly?

Exact duplicates share the hash of their normalised text. Near duplicates share enough MinHash values
(`workers.dedupe.minhash`): each canonical article's signature is cut into LSH bands stored in
`article_bands`, an article sharing one band with a canonical article is a candidate, and a candidate at
or above the threshold is confirmed. Only canonical articles are indexed, so a cluster of republications
is found through its first article however many copies it has.

Decisions are serialised where they could conflict: the stage takes a transaction advisory lock on the
text hash and on every band bucket of the articles it decides, all in one sorted order (so two batches
never deadlock), and holds them until its transaction commits. Two workers deciding near duplicates at
the same moment share at least one bucket, so the second waits, then sees the first as a candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash
from sqlalchemy import and_, bindparam, exists, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, SmallInteger

from db.models import Article, ArticleDuplicate
from workers.dedupe.minhash import band_hashes, estimate, from_bytes
from workers.status import DuplicateMethod

__all__ = ["ArticleKey", "DuplicateVerdict", "deduplicate"]

_LOCK = text("SELECT count(pg_advisory_xact_lock(key)) FROM unnest(:keys) AS key").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger))
)
_INDEX = text(
    "INSERT INTO article_bands (article_id, band, hash) SELECT * FROM unnest(:ids, :bands, :hashes)"
).bindparams(
    bindparam("ids", type_=ARRAY(BigInteger)),
    bindparam("bands", type_=ARRAY(SmallInteger)),
    bindparam("hashes", type_=ARRAY(BigInteger)),
)
_CANDIDATES = text(
    "SELECT hash, article_id FROM article_bands WHERE hash = ANY(:buckets) AND article_id <> ALL(:given)"
).bindparams(bindparam("buckets", type_=ARRAY(BigInteger)), bindparam("given", type_=ARRAY(BigInteger)))


@dataclass(frozen=True)
class ArticleKey:
    """What the stage needs of an article: its id, its text hash and its signature (None: no words)."""

    article_id: int
    text_hash: str
    minhash: LeanMinHash | None


@dataclass(frozen=True)
class DuplicateVerdict:
    canonical_article_id: int
    method: DuplicateMethod
    similarity: float


def _hash_key(text_hash: str) -> int:
    """The advisory lock key of a text hash (its first 64 bits, signed)."""
    return int.from_bytes(bytes.fromhex(text_hash[:16]), "big", signed=True)


def deduplicate(
    session: Session, articles: Sequence[ArticleKey], threshold: float
) -> dict[int, DuplicateVerdict]:
    """For each article given, its canonical article if it is a duplicate; index the others.

    The canonical article is the first one decided: an earlier decided article with the same text, else
    the earliest indexed article whose estimated similarity reaches `threshold`; within the batch,
    articles are decided in id order. Articles found to be originals get their bands in `article_bands`.
    Must run in the transaction that records the verdicts: the locks it takes are released at commit.
    """
    if not articles:
        return {}
    bands = {a.article_id: band_hashes(a.minhash) if a.minhash is not None else [] for a in articles}
    keys = {_hash_key(a.text_hash) for a in articles} | {h for hashes in bands.values() for h in hashes}
    session.execute(_LOCK, {"keys": sorted(keys)})

    given = [a.article_id for a in articles]
    by_hash = _decided_by_hash(session, sorted({a.text_hash for a in articles}), given)
    by_bucket, stored = _indexed_candidates(session, sorted(keys), given)

    verdicts: dict[int, DuplicateVerdict] = {}
    new_bands: list[tuple[int, int, int]] = []
    for article in sorted(articles, key=lambda a: a.article_id):
        exact = by_hash.get(article.text_hash)
        if exact is not None:
            verdicts[article.article_id] = DuplicateVerdict(exact, DuplicateMethod.EXACT, 1.0)
            continue
        near = _nearest_earliest(article, bands[article.article_id], by_bucket, stored, threshold)
        if near is not None:
            verdicts[article.article_id] = near
            continue
        by_hash[article.text_hash] = article.article_id
        if article.minhash is not None:
            stored[article.article_id] = np.asarray(article.minhash.hashvalues, dtype="<u4")
            for band, bucket in enumerate(bands[article.article_id]):
                by_bucket.setdefault(bucket, set()).add(article.article_id)
                new_bands.append((article.article_id, band, bucket))
    if new_bands:
        ids, numbers, hashes = (list(column) for column in zip(*new_bands, strict=True))
        session.execute(_INDEX, {"ids": ids, "bands": numbers, "hashes": hashes})
    return verdicts


def _decided_by_hash(session: Session, hashes: list[str], given: list[int]) -> dict[str, int]:
    """The earliest decided, non-duplicate article of each text hash (not among those given)."""
    is_duplicate = exists().where(and_(ArticleDuplicate.article_id == Article.id))
    rows = session.execute(
        select(Article.text_sha256, func.min(Article.id))
        .where(
            Article.text_sha256.in_(hashes),
            Article.id.not_in(given),
            Article.deduplicated_at.is_not(None),
            ~is_duplicate,
        )
        .group_by(Article.text_sha256)
    ).all()
    return {text_hash: int(article_id) for text_hash, article_id in rows}


def _indexed_candidates(
    session: Session, buckets: list[int], given: list[int]
) -> tuple[dict[int, set[int]], dict[int, np.ndarray]]:
    """Indexed articles in any of the buckets: bucket → article ids, and each article's signature."""
    rows = session.execute(_CANDIDATES, {"buckets": buckets, "given": given}).all()
    by_bucket: dict[int, set[int]] = {}
    for bucket, article_id in rows:
        by_bucket.setdefault(int(bucket), set()).add(int(article_id))
    ids = sorted({int(article_id) for _, article_id in rows})
    stored: dict[int, np.ndarray] = {}
    if ids:
        for article_id, minhash in session.execute(
            select(Article.id, Article.minhash).where(Article.id.in_(ids), Article.minhash.is_not(None))
        ):
            if minhash is not None:  # filtered in SQL; the check is for the type
                stored[int(article_id)] = from_bytes(minhash)
    return by_bucket, stored


def _nearest_earliest(
    article: ArticleKey,
    buckets: list[int],
    by_bucket: dict[int, set[int]],
    stored: dict[int, np.ndarray],
    threshold: float,
) -> DuplicateVerdict | None:
    """The earliest candidate whose estimated similarity reaches the threshold, if any."""
    if article.minhash is None:
        return None
    values = np.asarray(article.minhash.hashvalues, dtype="<u4")
    candidates = sorted({c for bucket in buckets for c in by_bucket.get(bucket, ())} & stored.keys())
    for candidate in candidates:
        value = estimate(values, stored[candidate])
        if value >= threshold:
            return DuplicateVerdict(candidate, DuplicateMethod.NEAR, round(value, 3))
    return None
