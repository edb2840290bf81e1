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
# The label Flower shows for a message's documents (workers.task_labels); None: Celery's repr of the ids.
Describe = Callable[[Sequence[int]], str]


def batches(ids: Sequence[int], size: int) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def send_retries(
    app: Celery,
    retry_later: Sequence[tuple[int, int]],
    delay: Callable[[int], float],
    describe: Describe | None = None,
) -> None:
    """Send each (document id, attempts used) again after `delay(attempts)` seconds."""
    for document_id, attempts in retry_later:
        try:
            app.send_task(
                TaskName.PROCESS_DOCUMENTS.value,
                args=[[document_id]],
                countdown=delay(attempts),
                argsrepr=describe([document_id]) if describe else None,
            )
        except TRANSIENT_ERRORS:
            log.warning("could not schedule the retry of document %s; the reconciler will", document_id)


def celery_enqueue(app: Celery, batch_size: int, describe: Describe | None = None) -> Enqueue:
    """An enqueue function sending `process_documents` messages of at most `batch_size` ids, each
    labelled by `describe` for Flower."""

    def enqueue(document_ids: Sequence[int]) -> int:
        sent = 0
        for batch in batches(document_ids, batch_size):
            try:
                argsrepr = describe(batch) if describe else None
                app.send_task(TaskName.PROCESS_DOCUMENTS.value, args=[batch], argsrepr=argsrepr)
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
