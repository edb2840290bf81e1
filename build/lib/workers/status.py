"""Every status and queue in one place; the values are what the database stores."""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    """Lifecycle of one file dropped in the inbox (`inbox_files.status`)."""

    RECEIVED = "received"  # rows committed, file not yet moved out of the inbox
    PROCESSED = "processed"  # rows committed and the file moved, deleted or kept as configured
    REJECTED = "rejected"  # nothing readable: the file is in rejected/ with <name>.error.txt
    DUPLICATE = "duplicate"  # the same bytes were ingested before; nothing new was queued


class DocumentStatus(StrEnum):
    """Lifecycle of one article (`documents.status`), in pipeline order."""

    QUEUED = "queued"
    CLEANED = "cleaned"
    DEDUPLICATED = "deduplicated"
    DONE = "done"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; `last_error` says why
    REJECTED = "rejected"  # one unreadable line or archive member; never queued

    @property
    def is_final(self) -> bool:
        return self in FINAL_DOCUMENT_STATUSES


FINAL_DOCUMENT_STATUSES = frozenset({DocumentStatus.DONE, DocumentStatus.FAILED, DocumentStatus.REJECTED})
ACTIVE_DOCUMENT_STATUSES = frozenset(set(DocumentStatus) - FINAL_DOCUMENT_STATUSES)


class DuplicateMethod(StrEnum):
    """How an article was found to repeat an earlier one (`article_duplicates.method`)."""

    EXACT = "exact"
    NEAR = "near"


class TaskName(StrEnum):
    """Celery task names, stable for Flower and for routing."""

    PROCESS_DOCUMENTS = "marsad.process_documents"
    RECONCILE = "marsad.reconcile"
