"""`marsad status`: what is in the pipeline right now, as one object scripts can rely on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from db.models import Document, InboxFile
from db.session import Database, mask_password
from workers.broker import queue_depth
from workers.settings import Settings
from workers.status import DocumentStatus, FileStatus

RECENT_FAILURES = 10


def status_report(settings: Settings, database: Database, broker_url: str) -> dict[str, Any]:
    with database.session() as session:
        documents = dict(
            session.execute(select(Document.status, func.count()).group_by(Document.status)).all()
        )
        files = dict(session.execute(select(InboxFile.status, func.count()).group_by(InboxFile.status)).all())
        failures = session.execute(
            select(
                Document.id,
                Document.inbox_file_id,
                Document.origin_line,
                Document.status,
                Document.reason,
                Document.last_error,
                Document.updated_at,
            )
            .where(Document.status == DocumentStatus.FAILED.value)
            .order_by(Document.updated_at.desc())
            .limit(RECENT_FAILURES)
        ).all()
        rejected = session.execute(
            select(InboxFile.id, InboxFile.name, InboxFile.reason, InboxFile.detail, InboxFile.received_at)
            .where(InboxFile.status == FileStatus.REJECTED.value)
            .order_by(InboxFile.received_at.desc())
            .limit(RECENT_FAILURES)
        ).all()
        refused_parts = session.execute(
            select(
                Document.id,
                InboxFile.name,
                Document.origin_member,
                Document.origin_line,
                Document.reason,
                Document.last_error,
                Document.finished_at,
            )
            .join(InboxFile, InboxFile.id == Document.inbox_file_id)
            .where(Document.status == DocumentStatus.REJECTED.value)
            .order_by(Document.id.desc())
            .limit(RECENT_FAILURES)
        ).all()
        stuck = session.execute(
            select(
                InboxFile.id, InboxFile.path, InboxFile.status, InboxFile.stuck_reason, InboxFile.received_at
            )
            .where(InboxFile.stuck_reason.is_not(None))
            .order_by(InboxFile.received_at)
        ).all()
    return {
        "inbox": str(settings.inbox_dir),
        "database_url": mask_password(database.url),
        "broker_url": mask_password(broker_url),
        "flower_url": settings.flower_url,
        "metrics_url": settings.metrics_url,
        "queue": settings.queue_name,
        "queue_depth": queue_depth(broker_url, settings.queue_name),
        "documents": {status.value: int(documents.get(status.value, 0)) for status in DocumentStatus},
        "files": {status.value: int(files.get(status.value, 0)) for status in FileStatus},
        "recent_failures": [
            {
                "document_id": row.id,
                "inbox_file_id": row.inbox_file_id,
                "line": row.origin_line,
                "reason": row.reason,
                "error": row.last_error,
                "at": row.updated_at.isoformat(),
            }
            for row in failures
        ],
        "recent_rejected_files": [
            {
                "file_id": row.id,
                "name": row.name,
                "reason": row.reason,
                "detail": row.detail,
                "at": row.received_at.isoformat(),
            }
            for row in rejected
        ],
        # Single JSONL lines or archive members refused while the rest of their file was read.
        "recent_refused_parts": [
            {
                "document_id": row.id,
                "file": row.name,
                "member": row.origin_member,
                "line": row.origin_line,
                "reason": row.reason,
                "error": row.last_error,
                "at": row.finished_at.isoformat() if row.finished_at else None,
            }
            for row in refused_parts
        ],
        # Files whose rows are committed but which could not leave the inbox; each is tried again
        # when the watcher restarts or the file changes.
        "stuck_files": [
            {
                "file_id": row.id,
                "path": row.path,
                "status": row.status,
                "reason": row.stuck_reason,
                "since": row.received_at.isoformat(),
            }
            for row in stuck
        ],
    }
