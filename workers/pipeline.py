"""The pipeline: an ordered list of steps, each moving a document from one status to the next.

Each step is an adapter around a plain stage (`workers.clean`, `workers.dedupe`, `workers.extract`):
load what the stage needs, call it, store its result. Every step runs in its own transaction with the
document row locked and its status checked, so a step applies exactly once however many messages
name the document (redelivery, reconciler), and a crash resumes at the first step not yet committed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Article, ArticleDuplicate, Document
from db.session import Database
from workers.clean import RawDocument, clean_document
from workers.dedupe import find_canonical
from workers.extract import ExtractInput, extract_events
from workers.retry import is_transient, record_failure
from workers.status import DocumentStatus

log = logging.getLogger(__name__)

StepFunction = Callable[[Session, int], None]


@dataclass(frozen=True)
class Step:
    name: str
    takes: DocumentStatus
    gives: DocumentStatus
    run: StepFunction


def clean_step(session: Session, document_id: int) -> None:
    row = session.execute(
        select(Document.raw_content, Document.content_type, Document.raw_meta).where(
            Document.id == document_id
        )
    ).one()
    cleaned = clean_document(RawDocument(row.raw_content, row.content_type, dict(row.raw_meta or {})))
    # Re-running the step after a crash between insert and status update cannot happen (one
    # transaction), but reprocessing replaces the article, so delete first.
    session.execute(delete(Article).where(Article.document_id == document_id))
    session.execute(
        insert(Article).values(
            document_id=document_id,
            title=cleaned.title,
            body=cleaned.body,
            normalized_text=cleaned.normalized_text,
            language=cleaned.language,
            source=cleaned.source,
            url=cleaned.url,
            published_at=cleaned.published_at,
            text_sha256=cleaned.text_sha256,
        )
    )


def dedupe_step(session: Session, document_id: int) -> None:
    article_id, text_sha256 = session.execute(
        select(Article.id, Article.text_sha256).where(Article.document_id == document_id)
    ).one()
    verdict = find_canonical(session, article_id, text_sha256)
    if verdict is not None:
        session.execute(
            insert(ArticleDuplicate).values(
                article_id=article_id,
                canonical_article_id=verdict.canonical_article_id,
                method=verdict.method.value,
                similarity=verdict.similarity,
            )
        )
    session.execute(update(Article).where(Article.id == article_id).values(deduplicated_at=func.now()))


def extract_step(session: Session, document_id: int) -> None:
    row = session.execute(
        select(Article.id, Article.body, Article.normalized_text, Article.language)
        .where(Article.document_id == document_id)
        .where(~select(ArticleDuplicate.article_id).where(ArticleDuplicate.article_id == Article.id).exists())
    ).one_or_none()
    if row is None:
        return  # a duplicate: its canonical article carries the events
    extract_events(ExtractInput(row.id, row.body, row.normalized_text, row.language))
    session.execute(update(Article).where(Article.id == row.id).values(extracted_at=func.now()))


PIPELINE: tuple[Step, ...] = (
    Step("clean", DocumentStatus.QUEUED, DocumentStatus.CLEANED, clean_step),
    Step("dedupe", DocumentStatus.CLEANED, DocumentStatus.DEDUPLICATED, dedupe_step),
    Step("extract", DocumentStatus.DEDUPLICATED, DocumentStatus.DONE, extract_step),
)


def run_document(
    database: Database, document_id: int, pipeline: Sequence[Step] = PIPELINE
) -> DocumentStatus | None:
    """Run every step still due for one document; returns its status afterwards (None if it is gone).

    Transient errors propagate (the task retries the whole batch); any other error is stored and
    the step stays due.
    """
    status: DocumentStatus | None = None
    for step in pipeline:
        with database.session() as session:
            current = session.execute(
                select(Document.status).where(Document.id == document_id).with_for_update()
            ).scalar_one_or_none()
            if current is None:
                return None
            status = DocumentStatus(current)
            if status != step.takes:
                continue
            step.run(session, document_id)
            status = step.gives
            session.execute(
                update(Document)
                .where(Document.id == document_id)
                .values(
                    status=status.value,
                    last_error=None,
                    reason=None,
                    finished_at=func.now() if status.is_final else None,
                )
            )
    return status


@dataclass(frozen=True)
class BatchOutcome:
    done: tuple[int, ...]
    retry_later: tuple[tuple[int, int], ...]  # (document id, attempts used)
    failed: tuple[int, ...]


def run_documents(
    database: Database, document_ids: Sequence[int], max_attempts: int, pipeline: Sequence[Step] = PIPELINE
) -> BatchOutcome:
    """Run the pipeline over claimed documents, isolating each one's errors from the others."""
    done: list[int] = []
    retry_later: list[tuple[int, int]] = []
    failed: list[int] = []
    for document_id in document_ids:
        try:
            status = run_document(database, document_id, pipeline)
        except Exception as exc:
            if is_transient(exc):
                raise
            log.warning("document %s failed: %s: %s", document_id, type(exc).__name__, exc)
            attempts = record_failure(database, document_id, exc, max_attempts)
            if attempts is None:
                failed.append(document_id)
            else:
                retry_later.append((document_id, attempts))
            continue
        if status is DocumentStatus.DONE:
            done.append(document_id)
    return BatchOutcome(tuple(done), tuple(retry_later), tuple(failed))
