"""`marsad reprocess`: run cleaning, dedupe and extraction again from the stored raw documents.

After a change of lexicon or rules, the stored documents are taken through the pipeline again, in
batches, in this process (no worker needed; running workers are not disturbed: every step checks the
document's status under a row lock). Articles keep their ids and are updated in place; an event that
comes out the same keeps its row untouched, so running it twice changes nothing, and after a change only
the events it affects are written (and announced on `marsad_events`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import select, update

from db.models import Article, Document
from db.session import Database
from workers.errors import ConfigurationError
from workers.pipeline import run_documents
from workers.status import DocumentStatus

__all__ = ["ReprocessResult", "reprocess", "select_documents"]

# Documents that hold an article: everything but what was refused at ingestion.
_REPROCESSABLE = [s.value for s in DocumentStatus if s is not DocumentStatus.REJECTED]


@dataclass(frozen=True)
class ReprocessResult:
    done: int
    failed: tuple[int, ...]  # document ids
    retry_later: tuple[int, ...]


def select_documents(
    database: Database, *, every: bool, since: date | None, article: int | None
) -> list[int]:
    """The ids of the documents to reprocess: all, those received since a day, or one article's."""
    if sum((every, since is not None, article is not None)) != 1:
        raise ConfigurationError("give exactly one of --all, --since DATE or --article ID")
    query = select(Document.id).where(Document.status.in_(_REPROCESSABLE)).order_by(Document.id)
    if since is not None:
        query = query.where(Document.created_at >= datetime.combine(since, time(), tzinfo=UTC))
    if article is not None:
        query = query.where(
            Document.id == select(Article.document_id).where(Article.id == article).scalar_subquery()
        )
    with database.session() as session:
        ids = list(session.execute(query).scalars())
    if article is not None and not ids:
        raise ConfigurationError(f"no article {article}")
    return ids


def reprocess(
    database: Database,
    document_ids: Sequence[int],
    *,
    batch_size: int,
    max_attempts: int,
    progress: Callable[[int], None] = lambda advanced: None,
) -> ReprocessResult:
    """Queue each batch again and run every step on it; `progress` is told how many documents each
    batch finished (done or not)."""
    done = 0
    failed: list[int] = []
    retry: list[int] = []
    for start in range(0, len(document_ids), batch_size):
        batch = list(document_ids[start : start + batch_size])
        with database.session() as session:
            session.execute(
                update(Document)
                .where(Document.id.in_(batch), Document.status.in_(_REPROCESSABLE))
                .values(
                    status=DocumentStatus.QUEUED.value,
                    attempts=0,
                    last_error=None,
                    reason=None,
                    finished_at=None,
                )
            )
        outcome = run_documents(database, batch, max_attempts=max_attempts)
        done += len(outcome.done)
        failed.extend(outcome.failed)
        retry.extend(document_id for document_id, _ in outcome.retry_later)
        progress(len(batch))
    return ReprocessResult(done, tuple(failed), tuple(retry))
