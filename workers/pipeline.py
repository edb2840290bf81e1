"""The pipeline: an ordered list of steps, each moving documents from one status to the next.

Each step is an adapter around a plain stage (`workers.clean`, `workers.dedupe`, `workers.extract`):
load what the stage needs, call it, store its result. A step works on a batch of documents in one
transaction, with their rows locked and their status checked, so it applies exactly once however many
messages name a document (redelivery, reconciler), and a crash resumes at the first step not yet
committed. A document the stage cannot handle is set aside with its error; the others go on. If the
batch's own SQL fails, the step is retried one document at a time so that only the culprit fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.models import Article, ArticleDuplicate, Document, EventMention
from db.session import Database
from workers.clean import RawDocument, clean_document, cleaner_version, trusted_publication_day
from workers.dedupe import ArticleKey, deduplicate, trusted_publication
from workers.dedupe.minhash import lead_signature, signature, to_bytes
from workers.extract import ExtractInput, Extraction, extract_events
from workers.extract.store import ArticleEvents, move_mentions, refresh_events, replace_events
from workers.retry import is_transient, record_failures
from workers.settings import get_settings
from workers.status import DocumentStatus

log = logging.getLogger(__name__)
ARTICLES = cast(Table, Article.__table__)  # Core table: per-row UPDATE parameters (executemany)


@dataclass
class StepResult:
    """Documents a step could not handle, with why; every other document it was given advances."""

    errors: dict[int, Exception] = field(default_factory=dict)
    advanced: list[int] = field(default_factory=list)  # filled in by the runner, not by the step


StepFunction = Callable[[Session, Sequence[int]], StepResult]


@dataclass(frozen=True)
class Step:
    name: str
    takes: DocumentStatus
    gives: DocumentStatus
    run: StepFunction


def clean_step(session: Session, document_ids: Sequence[int]) -> StepResult:
    result = StepResult()
    rows = session.execute(
        select(
            Document.id,
            Document.raw_content,
            Document.content_type,
            Document.raw_meta,
            Document.file_modified_at,
        )
        .where(Document.id.in_(document_ids))
        .order_by(Document.id)  # article ids follow arrival, so the earliest copy is canonical
    ).all()
    articles = []
    version = cleaner_version()
    for row in rows:
        try:
            raw = RawDocument(
                row.raw_content, row.content_type, dict(row.raw_meta or {}), row.file_modified_at
            )
            cleaned = clean_document(raw)
        except Exception as exc:
            result.errors[row.id] = exc
            continue
        articles.append(
            {
                "document_id": row.id,
                "title": cleaned.title,
                "body": cleaned.body,
                "normalized_text": cleaned.normalized_text,
                "language": cleaned.language,
                "author": cleaned.author,
                "agency": cleaned.agency,
                "dateline": cleaned.dateline,
                "source": cleaned.source,
                "url": cleaned.url,
                "published_at": cleaned.published_at,
                "published_source": cleaned.published_source,
                "text_sha256": cleaned.text_sha256,
                "cleaning": {
                    "version": version,
                    "dropped": [{"rule": d.rule, "line": d.line} for d in cleaned.dropped],
                    "warnings": list(cleaned.warnings),
                },
            }
        )
    # Reprocessing a document updates its article in place: the id, and what points at it, stay.
    if articles:
        session.execute(_UPSERT_ARTICLE, articles)
    return result


def _upsert_article() -> Any:
    # Each step stamps the moment it finished (clock_timestamp, not the transaction's start), so that
    # the stamps measure the stages (`workers.metrics`); a reprocessed article keeps its first one.
    statement = pg_insert(ARTICLES).values(created_at=func.clock_timestamp())
    replaced = [
        "title", "body", "normalized_text", "language", "author", "agency", "dateline", "source", "url",
        "published_at", "published_source", "cleaning", "text_sha256",
    ]  # fmt: skip
    return statement.on_conflict_do_update(
        index_elements=["document_id"], set_={name: statement.excluded[name] for name in replaced}
    )


_UPSERT_ARTICLE = _upsert_article()


def dedupe_step(session: Session, document_ids: Sequence[int]) -> StepResult:
    articles = session.execute(
        select(
            Article.id,
            Article.text_sha256,
            Article.normalized_text,
            Article.published_at,
            Article.published_source,
            Article.deduplicated_at,
        )
        .where(Article.document_id.in_(document_ids))
        .order_by(Article.id)
    ).all()
    decided_before = [a.id for a in articles if a.deduplicated_at is not None]  # reprocessing
    keys = []
    for article in articles:
        minhash = signature(article.normalized_text)
        published = trusted_publication(article.published_at, article.published_source)
        keys.append(
            ArticleKey(
                article.id,
                article.text_sha256,
                None if minhash.is_empty() else minhash,
                published,
                lead_signature(article.normalized_text),
            )
        )
    # A reprocessed article is decided afresh (the stage drops its earlier link and bands under its
    # locks); a link that comes out the same keeps its time.
    linked_at: dict[tuple[int, int, str, float], Any] = {}
    if decided_before:
        earlier = select(ArticleDuplicate).where(ArticleDuplicate.article_id.in_(decided_before))
        linked_at = {
            (row.article_id, row.canonical_article_id, row.method, row.similarity): row.created_at
            for row in session.execute(earlier).scalars()
        }
    verdicts = deduplicate(session, keys, get_settings().dedupe_threshold, redecided=decided_before)
    given = {key.article_id for key in keys}
    # Stored articles whose canonical article changed: an original published before them arrived.
    repointed = {article_id: v for article_id, v in verdicts.items() if article_id not in given}
    if repointed:
        session.execute(delete(ArticleDuplicate).where(ArticleDuplicate.article_id.in_(list(repointed))))
    links: list[dict[str, Any]] = [
        {
            "article_id": article_id,
            "canonical_article_id": verdict.canonical_article_id,
            "method": verdict.method.value,
            "similarity": verdict.similarity,
            "rule": verdict.rule,
            "why": verdict.why,
        }
        for article_id, verdict in verdicts.items()
    ]
    for link in links:
        key = (link["article_id"], link["canonical_article_id"], link["method"], link["similarity"])
        created = linked_at.get(key)
        if created is not None:
            link["created_at"] = created
    for group in ([k for k in links if "created_at" in k], [k for k in links if "created_at" not in k]):
        if group:
            session.execute(insert(ArticleDuplicate), group)
    if repointed:
        # The former canonical article's events are its original's now; the original's extraction
        # replaces the mentions it is given, keeping the events' ids.
        move_mentions(session, {i: v.canonical_article_id for i, v in repointed.items()})
        session.execute(update(Article).where(Article.id.in_(list(repointed))).values(extracted_at=None))
    reprocessed_copies = [article_id for article_id in decided_before if article_id in verdicts]
    if reprocessed_copies:
        # A copy's own earlier events (it was canonical before) are its canonical article's now.
        nothing = Extraction(events=(), skipped_reason="duplicate", lexicon_version="")
        replace_events(session, [ArticleEvents(i, nothing, None) for i in reprocessed_copies])
    # A copy gained or lost is a source more or less for its canonical article's events.
    canonical = {v.canonical_article_id for v in verdicts.values()} | {key[1] for key in linked_at}
    if canonical:
        refresh_events(
            session,
            session.execute(
                select(EventMention.event_id).where(EventMention.article_id.in_(canonical))
            ).scalars(),
        )
    if keys:
        session.execute(
            update(ARTICLES)
            .where(ARTICLES.c.id == bindparam("key_id"))
            .values(minhash=bindparam("key_minhash"), deduplicated_at=func.clock_timestamp()),
            [
                {"key_id": k.article_id, "key_minhash": None if k.minhash is None else to_bytes(k.minhash)}
                for k in keys
            ],
        )
    return StepResult()


def extract_step(session: Session, document_ids: Sequence[int]) -> StepResult:
    result = StepResult()
    # The dedupe stage locks an article's row when an earlier original takes its cluster over: waiting
    # here for that commit (or making it wait for ours) means an article is never extracted once it is
    # a copy, and its mentions are never written after they were moved to its original.
    session.execute(
        select(Article.id)
        .where(Article.document_id.in_(document_ids))
        .order_by(Article.id)
        .with_for_update(key_share=True)
    )
    is_duplicate = (
        select(ArticleDuplicate.article_id).where(ArticleDuplicate.article_id == Article.id).exists()
    )
    rows = session.execute(
        select(
            Article.id,
            Article.document_id,
            Article.body,
            Article.normalized_text,
            Article.language,
            Article.published_at,
            Article.published_source,
            Article.dateline,
            Article.source,
            Article.agency,
        )
        .where(Article.document_id.in_(document_ids))
        .where(~is_duplicate)  # a duplicate's events are its canonical article's
    ).all()
    found: list[ArticleEvents] = []
    for row in rows:
        # Only a real publication date anchors اليوم/أمس/weekdays; the file's time never does.
        published = trusted_publication_day(row.published_at, row.published_source)
        try:
            extraction = extract_events(
                ExtractInput(
                    row.id,
                    row.body,
                    row.normalized_text,
                    row.language,
                    published,
                    row.dateline,
                    row.source,
                    row.agency,
                )
            )
        except Exception as exc:
            result.errors[row.document_id] = exc
            continue
        found.append(ArticleEvents(row.id, extraction, published))
    if found:
        replace_events(session, found)
        extracted = [article.article_id for article in found]
        session.execute(
            update(Article).where(Article.id.in_(extracted)).values(extracted_at=func.clock_timestamp())
        )
    return result


PIPELINE: tuple[Step, ...] = (
    Step("clean", DocumentStatus.QUEUED, DocumentStatus.CLEANED, clean_step),
    Step("dedupe", DocumentStatus.CLEANED, DocumentStatus.DEDUPLICATED, dedupe_step),
    Step("extract", DocumentStatus.DEDUPLICATED, DocumentStatus.DONE, extract_step),
)


@dataclass(frozen=True)
class BatchOutcome:
    done: tuple[int, ...]
    retry_later: tuple[tuple[int, int], ...]  # (document id, attempts used)
    failed: tuple[int, ...]


def _apply_step(database: Database, step: Step, document_ids: Sequence[int]) -> StepResult:
    """Run `step` on those of `document_ids` waiting for it, in one transaction."""
    with database.session() as session:
        due = list(
            session.execute(
                select(Document.id)
                .where(Document.id.in_(document_ids), Document.status == step.takes.value)
                .order_by(Document.id)
                .with_for_update(skip_locked=True)  # another worker has them: it will finish them
            ).scalars()
        )
        if not due:
            return StepResult()
        result = step.run(session, due)
        result.advanced = advanced = [doc_id for doc_id in due if doc_id not in result.errors]
        if advanced:
            session.execute(
                update(Document)
                .where(Document.id.in_(advanced))
                .values(
                    status=step.gives.value,
                    last_error=None,
                    reason=None,
                    finished_at=func.clock_timestamp() if step.gives.is_final else None,
                )
            )
    return result


def _run_step(database: Database, step: Step, document_ids: Sequence[int]) -> StepResult:
    try:
        return _apply_step(database, step, document_ids)
    except SQLAlchemyError as exc:
        if is_transient(exc):
            raise
        if len(document_ids) == 1:
            return StepResult({document_ids[0]: exc})
    log.warning("step %s failed on a batch of %d; retrying one by one", step.name, len(document_ids))
    combined = StepResult()
    for document_id in document_ids:
        single = _run_step(database, step, [document_id])
        combined.errors.update(single.errors)
        combined.advanced.extend(single.advanced)
    return combined


def run_documents(
    database: Database, document_ids: Sequence[int], max_attempts: int, pipeline: Sequence[Step] = PIPELINE
) -> BatchOutcome:
    """Run every step still due for the documents. Transient errors propagate (retry the batch)."""
    remaining = sorted(set(document_ids))
    errors: dict[int, Exception] = {}
    done: list[int] = []
    for step in pipeline:
        if not remaining:
            break
        result = _run_step(database, step, remaining)
        if step.gives is DocumentStatus.DONE:
            done.extend(result.advanced)
        step_errors = result.errors
        for document_id, error in step_errors.items():
            log.warning(
                "document %s failed in %s: %s: %s", document_id, step.name, type(error).__name__, error
            )
        errors.update(step_errors)
        remaining = [doc_id for doc_id in remaining if doc_id not in step_errors]
    outcomes = record_failures(database, errors, max_attempts) if errors else {}
    return BatchOutcome(
        done=tuple(sorted(done)),
        retry_later=tuple(sorted((d, a) for d, a in outcomes.items() if a is not None)),
        failed=tuple(sorted(d for d, a in outcomes.items() if a is None)),
    )


def run_document(
    database: Database, document_id: int, pipeline: Sequence[Step] = PIPELINE
) -> DocumentStatus | None:
    """Run the steps due for one document, without counting attempts; returns its status after."""
    run_documents(database, [document_id], max_attempts=1_000_000, pipeline=pipeline)
    with database.session() as session:
        status = session.execute(
            select(Document.status).where(Document.id == document_id)
        ).scalar_one_or_none()
    return DocumentStatus(status) if status is not None else None
