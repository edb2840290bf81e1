"""One log line for each document a task finished, failed or put back for a retry.

The line names the file the article came from (and its line or archive member), so an operator can
follow a file from the watcher's line to its articles' outcomes: `done` with the events found or the
article it repeats, `failed` with the reason, `retry` with the attempts used.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from db.models import Article, ArticleDuplicate, Document, EventMention, InboxFile
from db.session import Database
from workers.pipeline import BatchOutcome

log = logging.getLogger(__name__)


def _origin(row: Any) -> str:
    """The file name as stored (already escaped), with the line or member the article was."""
    parts = [
        f"member {row.origin_member}" if row.origin_member else "",
        f"line {row.origin_line}" if row.origin_line else "",
    ]
    inside = ", ".join(part for part in parts if part)
    return f"{row.name} ({inside})" if inside else str(row.name)


def _describe(database: Database, document_ids: Sequence[int]) -> dict[int, Any]:
    mentions = (
        select(func.count()).where(EventMention.article_id == Article.id).correlate(Article).scalar_subquery()
    )
    with database.session() as session:
        rows = session.execute(
            select(
                Document.id,
                Document.origin_line,
                Document.origin_member,
                Document.reason,
                Document.last_error,
                Document.attempts,
                InboxFile.name,
                Article.id.label("article_id"),
                ArticleDuplicate.canonical_article_id,
                mentions.label("mentions"),
            )
            .join(InboxFile, InboxFile.id == Document.inbox_file_id)
            .outerjoin(Article, Article.document_id == Document.id)
            .outerjoin(ArticleDuplicate, ArticleDuplicate.article_id == Article.id)
            .where(Document.id.in_(document_ids))
        ).all()
    return {row.id: row for row in rows}


def log_outcomes(database: Database, outcome: BatchOutcome, exhausted: Sequence[int] = ()) -> None:
    """Log each document of `outcome` (and those failed for having no attempts left) on its own line."""
    failed = [*outcome.failed, *exhausted]
    retried = dict(outcome.retry_later)
    ids = [*outcome.done, *failed, *retried]
    if not ids or not log.isEnabledFor(logging.INFO):
        return
    try:
        rows = _describe(database, ids)
    except Exception as exc:  # the documents' rows are committed: a line missing is no reason to fail
        log.warning("could not log the outcome of %d document(s): %s", len(ids), exc)
        return
    for document_id in ids:
        row = rows.get(document_id)
        if row is None:  # deleted meanwhile
            continue
        fields: dict[str, Any] = {
            "document_id": document_id,
            "file": row.name,
            "line": row.origin_line,
            "member": row.origin_member,
            "article_id": row.article_id,
        }
        origin = _origin(row)
        if document_id in retried:
            fields.update(outcome="retry", attempts=retried[document_id], error=row.last_error)
            log.warning(
                "document %s of %s: retry after attempt %d, %s",
                document_id,
                origin,
                retried[document_id],
                row.last_error,
                extra=fields,
            )
        elif document_id in outcome.done:
            duplicate_of = row.canonical_article_id
            fields.update(outcome="done", events=row.mentions or 0, duplicate_of=duplicate_of)
            found = (
                f"a copy of article {duplicate_of}"
                if duplicate_of is not None
                else f"{row.mentions or 0} event mention(s)"
            )
            log.info("document %s of %s: done, %s", document_id, origin, found, extra=fields)
        else:
            fields.update(outcome="failed", reason=row.reason, error=row.last_error)
            log.warning(
                "document %s of %s: failed, %s: %s",
                document_id,
                origin,
                row.reason,
                row.last_error,
                extra=fields,
            )
