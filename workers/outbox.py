"""Sending document ids to the queue, after their rows have committed.

Postgres is the source of truth: a message that fails to go out, or is lost later, only delays the
document until the reconciler sends it again. So sending never raises; it reports what it sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from celery import Celery

from workers.retry import TRANSIENT_ERRORS
from workers.status import TaskName

log = logging.getLogger(__name__)

Enqueue = Callable[[Sequence[int]], int]


def batches(ids: Sequence[int], size: int) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def celery_enqueue(app: Celery, batch_size: int) -> Enqueue:
    """An enqueue function sending `process_documents` messages of at most `batch_size` ids."""

    def enqueue(document_ids: Sequence[int]) -> int:
        sent = 0
        for batch in batches(document_ids, batch_size):
            try:
                app.send_task(TaskName.PROCESS_DOCUMENTS.value, args=[batch])
            except TRANSIENT_ERRORS as exc:
                log.warning(
                    "broker unreachable (%s): %d document(s) stay queued in Postgres for the reconciler",
                    exc,
                    len(document_ids) - sent,
                )
                break
            sent += len(batch)
        return sent

    return enqueue
