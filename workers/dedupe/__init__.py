"""The dedupe stage: is this article a repeat of one already seen, exactly or nearly?

Exact duplicates share the hash of their normalised text. Near duplicates are found through MinHash
(`workers.dedupe.minhash`): each canonical article's signature is cut into LSH bands stored in
`article_bands`, and an article sharing one band with a canonical article is a candidate. Every
candidate is then decided by `workers.dedupe.decision.decide`, from the estimated similarity of the two
signatures, the passage the two normalised texts share (`passage`) and the facts of their titles and
leads (`workers.dedupe.facts`): a template filled with other facts (another head of state, the sixth
flight, another day) stays apart however similar its wording, and the lead of a longer story, or a
trimmed copy, is linked below the threshold. Facts are read only when they could change the outcome
(`may_link`), once per article and batch. The rule that linked an article, and why in words, are kept
in its `article_duplicates` row. Only canonical articles are indexed, so a cluster of republications is
found through its canonical article however many copies it has.

The canonical article of a cluster is the one published first, where both publication dates are trusted
(the article's metadata, its page, a date line; never the file's time); otherwise, or on a tie, the one
decided first. An original decided after its republication therefore takes the cluster over: the former
canonical article and its copies are re-pointed to it, and the index holds its bands instead.

Decisions are serialised where they could conflict: the stage takes a transaction advisory lock on the
text hash and on every band bucket of the articles it decides, all in one sorted order (so two batches
never deadlock), and holds them until its transaction commits. Two workers deciding near duplicates at
the same moment share at least one bucket, so the second waits, then sees the first as a candidate.
Re-pointing a stored cluster also needs the locks of the former canonical article (its text hash and
all its buckets: every key through which another worker could find it). When the decisions call for
keys not yet held, the stage rolls back to a savepoint taken before its locks (which releases them),
and takes them all again, the new ones included, in one sorted order: it never waits for a lock while
holding one taken out of order. It then locks the former canonical article's row, which the extract
step locks too, so an extraction of it either commits first (and its mentions move) or sees it is a
copy now.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import and_, bindparam, delete, exists, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, SmallInteger

from db.models import Article, ArticleBand, ArticleDuplicate
from workers.clean import PublishedSource
from workers.dedupe.decision import decide, may_link, passage
from workers.dedupe.facts import FactComparison, StoryFacts, compare_facts, story_facts
from workers.dedupe.minhash import Signature, band_hashes, estimate, from_bytes
from workers.status import DuplicateMethod

__all__ = ["ArticleKey", "DuplicateVerdict", "Published", "deduplicate", "trusted_publication"]

# When an article was published, as far as the stage may compare: a time from its own metadata, else the
# day its page or a date line gives.
Published = datetime | date

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
    """What the stage needs of an article: its id, its text hash, its signature (None: no words), its
    trusted publication (None: unknown, or only the file's time) and the signature of its opening
    (`workers.dedupe.minhash.lead_signature`; None: found through its whole text only)."""

    article_id: int
    text_hash: str
    minhash: Signature | None
    published: Published | None = None
    lead: Signature | None = None


@dataclass(frozen=True)
class DuplicateVerdict:
    canonical_article_id: int
    method: DuplicateMethod
    similarity: float
    rule: str  # exact, a linking rule of `decide` (similar, contained_lead), or repointed
    why: str  # in words


EXACT_RULE, EXACT_WHY = "exact", "same normalised text"
REPOINTED_RULE = "repointed"  # a copy moved with its cluster to an original published before it
_NO_FACTS = FactComparison((), ())  # when the facts could not change the outcome (`may_link`)


def trusted_publication(published_at: datetime | None, source: str | None) -> Published | None:
    """An article's publication as the stage compares it: the time its metadata gives, the day its page
    or a date line gives; None when unknown or only the file's modification time."""
    if published_at is None or source is None or not PublishedSource(source).is_trusted:
        return None
    return published_at if PublishedSource(source) is PublishedSource.METADATA else published_at.date()


def published_before(a: Published | None, b: Published | None) -> bool:
    """Whether `a` was surely published before `b`: by the time when both give one, else by the day."""
    if a is None or b is None:
        return False
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a < b
    return _day(a) < _day(b)


def _day(value: Published) -> date:
    return value.date() if isinstance(value, datetime) else value


def _hash_key(text_hash: str) -> int:
    """The advisory lock key of a text hash (its first 64 bits, signed)."""
    return int.from_bytes(bytes.fromhex(text_hash[:16]), "big", signed=True)


def deduplicate(
    session: Session, articles: Sequence[ArticleKey], threshold: float, redecided: Collection[int] = ()
) -> dict[int, DuplicateVerdict]:
    """Verdicts for the articles given (each one's canonical article if it is a duplicate) and for the
    stored articles whose canonical article changed; index the articles found to be originals.

    The canonical article is the first published (module docstring) among the articles decided so far:
    an earlier decided article with the same text, else the earliest indexed article whose estimated
    similarity reaches `threshold`, unless the article given was published before it, in which case the
    given article takes its cluster over (the former canonical article and its copies get verdicts
    pointing at it). Within the batch, articles are decided in id order. `redecided` are articles given
    that were decided before (reprocessing): their earlier links and bands are dropped, under the locks.
    A candidate is a duplicate when `workers.dedupe.decision.decide` says so, `threshold` being its
    similarity for similar wording; the stage reads the texts of the articles given and of their
    candidates from the database, in one query.
    Must run in the transaction that records the verdicts: the locks it takes are released at commit.
    """
    if not articles:
        return {}
    bands = {a.article_id: band_hashes(a.minhash, a.lead) if a.minhash is not None else [] for a in articles}
    keys = {_hash_key(a.text_hash) for a in articles} | {h for hashes in bands.values() for h in hashes}
    facts: dict[int, StoryFacts] = {}  # read once per article, kept if the plan is worked out again
    while True:
        savepoint = session.begin_nested()
        session.execute(_LOCK, {"keys": sorted(keys)})
        if redecided:
            session.execute(delete(ArticleDuplicate).where(ArticleDuplicate.article_id.in_(redecided)))
            session.execute(delete(ArticleBand).where(ArticleBand.article_id.in_(redecided)))
        plan = _Plan(session, articles, bands, sorted(keys), threshold, facts)
        if plan.needs <= keys:
            break
        savepoint.rollback()  # releases the locks taken since; take them all again, in order
        keys |= plan.needs
    savepoint.commit()
    return plan.write(session)


@dataclass(frozen=True)
class _Known:
    """What the plan knows of an article it may compare or re-point."""

    text_hash: str
    signature: np.ndarray | None
    published: Published | None


@dataclass(frozen=True)
class _Text:
    """What the decision reads of an article: its normalised text, and for its facts its title, body,
    dateline and agency."""

    normalized: str
    title: str | None
    body: str
    dateline: str | None
    agency: str | None


class _Plan:
    """The decisions for one batch, worked out in memory from what is stored, then written at once."""

    def __init__(
        self,
        session: Session,
        articles: Sequence[ArticleKey],
        bands: dict[int, list[int]],
        buckets: list[int],
        threshold: float,
        facts: dict[int, StoryFacts],
    ) -> None:
        self.session = session
        self.threshold = threshold
        self.bands = bands
        self.facts = facts
        given = [a.article_id for a in articles]
        self.by_hash = _decided_by_hash(session, sorted({a.text_hash for a in articles}), given)
        self.by_bucket = _indexed_candidates(session, buckets, given)
        candidates = {c for ids in self.by_bucket.values() for c in ids}
        self.known = _known(session, set(self.by_hash.values()) | candidates)
        # The texts of every article that may be compared: those given and their stored candidates.
        self.texts = _texts(session, candidates | set(given))
        self.copied_why: dict[int, tuple[int, str]] = {}  # a re-pointed copy → its earlier link's why
        self.verdicts: dict[int, DuplicateVerdict] = {}
        self.members: dict[int, set[int]] = {}  # canonical article → articles this plan points at it
        self.new_bands: dict[int, list[int]] = {}  # articles given found to be originals → their buckets
        self.unindexed: list[int] = []  # stored canonical articles re-pointed: their bands go
        self.needs: set[int] = set()  # lock keys the plan relies on
        for article in sorted(articles, key=lambda a: a.article_id):
            self._decide(article)

    def _decide(self, article: ArticleKey) -> None:
        signature = None if article.minhash is None else np.asarray(article.minhash.hashvalues, dtype="<u4")
        # Known whatever it turns out to be: a copy linked here is re-pointed with its cluster when the
        # original comes later in the same batch.
        self.known[article.article_id] = _Known(article.text_hash, signature, article.published)
        match = self._match(article)
        if match is not None and not published_before(
            article.published, self.known[match.canonical_article_id].published
        ):
            self.verdicts[article.article_id] = match
            self.members.setdefault(match.canonical_article_id, set()).add(article.article_id)
            return
        if match is not None:
            self._repoint(match, article.article_id)
        self.by_hash[article.text_hash] = article.article_id
        if signature is not None:
            self.new_bands[article.article_id] = self.bands[article.article_id]
            for bucket in self.bands[article.article_id]:
                self.by_bucket.setdefault(bucket, set()).add(article.article_id)

    def _match(self, article: ArticleKey) -> DuplicateVerdict | None:
        """The earlier decided article with the same text, else the earliest candidate that the decision
        calls a duplicate, if any."""
        exact = self.by_hash.get(article.text_hash)
        if exact is not None:
            return DuplicateVerdict(exact, DuplicateMethod.EXACT, 1.0, EXACT_RULE, EXACT_WHY)
        if article.minhash is None:
            return None
        values = np.asarray(article.minhash.hashvalues, dtype="<u4")
        found = {c for bucket in self.bands[article.article_id] for c in self.by_bucket.get(bucket, ())}
        ours = self.texts[article.article_id]
        for candidate in sorted(found):
            stored = self.known[candidate].signature
            if stored is None:
                continue
            value = estimate(values, stored)
            shared = passage(ours.normalized, self.texts[candidate].normalized)
            compared = (
                compare_facts(self._facts(article.article_id), self._facts(candidate))
                if may_link(value, shared, self.threshold)
                else _NO_FACTS
            )
            decision = decide(value, shared, compared, self.threshold)
            if decision.duplicate:
                return DuplicateVerdict(
                    candidate, DuplicateMethod.NEAR, round(value, 3), decision.rule, decision.why
                )
        return None

    def _facts(self, article_id: int) -> StoryFacts:
        found = self.facts.get(article_id)
        if found is None:
            found = self.facts[article_id] = _story_facts(article_id, self.texts[article_id])
        return found

    def _repoint(self, match: DuplicateVerdict, original: int) -> None:
        """`original` was published before the canonical article it matched: it takes the cluster over."""
        former = match.canonical_article_id
        buckets = self.new_bands.pop(former, None)  # decided in this batch: its keys are ours
        if buckets is None:
            buckets = [
                int(h)
                for h in self.session.execute(
                    select(ArticleBand.hash).where(ArticleBand.article_id == former)
                ).scalars()
            ]
            self.needs |= {_hash_key(self.known[former].text_hash), *buckets}
            self.unindexed.append(former)
            earlier = self.session.execute(
                select(ArticleDuplicate.article_id, ArticleDuplicate.why).where(
                    ArticleDuplicate.canonical_article_id == former
                )
            ).all()
            self.copied_why |= {  # a near link made before migration 0008 has no why
                int(row.article_id): (former, row.why or "linked before the rule was recorded")
                for row in earlier
            }
            stored_copies = _known(self.session, (row.article_id for row in earlier))
            self.known |= stored_copies
            self.members.setdefault(former, set()).update(stored_copies)
        for bucket in buckets:
            self.by_bucket.get(bucket, set()).discard(former)
        if self.by_hash.get(self.known[former].text_hash) == former:
            del self.by_hash[self.known[former].text_hash]
        self.verdicts[former] = DuplicateVerdict(
            original, match.method, match.similarity, match.rule, match.why
        )
        copies = self.members.pop(former, set())
        for copy in copies:
            if copy in self.verdicts:  # decided in this batch, or re-pointed once already
                self.copied_why[copy] = (former, self.verdicts[copy].why)
            self.verdicts[copy] = self._verdict(copy, original)
        self.members[original] = {former, *copies}

    def _verdict(self, copy: int, canonical: int) -> DuplicateVerdict:
        """How a copy re-pointed to a new canonical article relates to it (its similarity may be below
        the threshold: it is in the cluster through the article it was a copy of)."""
        a, b = self.known[copy], self.known[canonical]
        if a.text_hash == b.text_hash:
            return DuplicateVerdict(canonical, DuplicateMethod.EXACT, 1.0, EXACT_RULE, EXACT_WHY)
        value = 0.0 if a.signature is None or b.signature is None else estimate(a.signature, b.signature)
        former, why = self.copied_why[copy]
        return DuplicateVerdict(
            canonical,
            DuplicateMethod.NEAR,
            round(value, 3),
            REPOINTED_RULE,
            f"a copy of article {former} ({why}), which republishes this earlier article",
        )

    def write(self, session: Session) -> dict[int, DuplicateVerdict]:
        """Lock the re-pointed canonical articles' rows, move the index; the verdicts to record."""
        if self.unindexed:
            session.execute(
                select(Article.id)
                .where(Article.id.in_(self.unindexed))
                .order_by(Article.id)
                .with_for_update(key_share=True)  # NO KEY UPDATE: what the extract step takes
            )
            session.execute(delete(ArticleBand).where(ArticleBand.article_id.in_(self.unindexed)))
        rows = [
            (i, band, bucket) for i, buckets in self.new_bands.items() for band, bucket in enumerate(buckets)
        ]
        if rows:
            ids, numbers, hashes = (list(column) for column in zip(*rows, strict=True))
            session.execute(_INDEX, {"ids": ids, "bands": numbers, "hashes": hashes})
        return self.verdicts


# A stored article is a candidate of many later ones (the stories of a busy day): its facts are kept
# per process, by article and by what they are read from (a reprocessed text is read again), so each
# text is read once, not once per batch it meets. The key holds no text: 2,048 facts are a few MB.
_FACTS_KEPT = 2048
_facts_of: OrderedDict[tuple[int, int], StoryFacts] = OrderedDict()


def _story_facts(article_id: int, text: _Text) -> StoryFacts:
    key = (article_id, hash(text))
    found = _facts_of.get(key)
    if found is not None:
        _facts_of.move_to_end(key)
        return found
    found = _facts_of[key] = story_facts(text.title, text.body, dateline=text.dateline, agency=text.agency)
    if len(_facts_of) > _FACTS_KEPT:
        _facts_of.popitem(last=False)
    return found


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


def _indexed_candidates(session: Session, buckets: list[int], given: list[int]) -> dict[int, set[int]]:
    """Indexed articles in any of the buckets: bucket → article ids."""
    by_bucket: dict[int, set[int]] = {}
    for bucket, article_id in session.execute(_CANDIDATES, {"buckets": buckets, "given": given}):
        by_bucket.setdefault(int(bucket), set()).add(int(article_id))
    return by_bucket


def _texts(session: Session, ids: Iterable[int]) -> dict[int, _Text]:
    """What the decision reads of the articles (one query)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Article.id, Article.normalized_text, Article.title, Article.body, Article.dateline, Article.agency
        ).where(Article.id.in_(wanted))
    )
    return {
        int(row.id): _Text(row.normalized_text, row.title, row.body, row.dateline, row.agency) for row in rows
    }


def _known(session: Session, ids: Iterable[int]) -> dict[int, _Known]:
    """Text hash, signature and trusted publication of stored articles."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Article.id, Article.text_sha256, Article.minhash, Article.published_at, Article.published_source
        ).where(Article.id.in_(wanted))
    )
    return {
        int(row.id): _Known(
            row.text_sha256,
            None if row.minhash is None else from_bytes(row.minhash),
            trusted_publication(row.published_at, row.published_source),
        )
        for row in rows
    }
