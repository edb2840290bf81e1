"""Celery tasks: adapters of a few lines over `workers.pipeline` and `workers.reconcile`."""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Task, shared_task
from celery.signals import worker_init

from db.session import Database
from workers.errors import ConfigurationError
from workers.outbox import celery_enqueue, send_retries
from workers.outcomes import log_outcomes
from workers.pipeline import run_documents
from workers.reconcile import reconcile
from workers.retry import TRANSIENT_ERRORS, backoff, claim_attempts
from workers.settings import Settings
from workers.status import TaskName
from workers.task_labels import describe_documents
from workers.warm import warm_up_before_fork

log = logging.getLogger(__name__)

# Retries of a whole message for transient errors (database or broker away). Past this the message is
# dropped and the reconciler sends the documents again once things are back.
MAX_TRANSIENT_RETRIES = 8


@worker_init.connect
def _load_before_fork(**_: object) -> None:
    """In the worker's main process, before the pool forks: the pool processes share what it loads."""
    events = warm_up_before_fork()
    log.debug("stages loaded before the pool starts (warm-up article: %d event(s))", events)


@lru_cache(maxsize=4)
def database_for(url: str) -> Database:
    return Database(url)


def _context(task: Task) -> tuple[Settings, Database]:
    settings: Settings = task.app.conf.marsad_settings
    if settings.database_url is None:
        raise ConfigurationError("DATABASE_URL is not set in the worker's environment")
    return settings, database_for(settings.database_url)


@shared_task(bind=True, name=TaskName.PROCESS_DOCUMENTS.value, max_retries=MAX_TRANSIENT_RETRIES)
def process_documents(self: Task, document_ids: list[int]) -> dict[str, int]:
    settings, database = _context(self)
    try:
        claim = claim_attempts(database, document_ids, settings.max_attempts)
        outcome = run_documents(database, claim.ready, settings.max_attempts)
    except TRANSIENT_ERRORS as exc:
        delay = backoff(settings, self.request.retries + 1, jitter=0.2)
        log.warning("transient error, retrying %d document(s) in %.1fs: %s", len(document_ids), delay, exc)
        # The same label in Flower for the retried message as for the first one.
        raise self.retry(exc=exc, countdown=delay, argsrepr=getattr(self.request, "argsrepr", None)) from exc
    describe = describe_documents(database)
    send_retries(self.app, outcome.retry_later, lambda attempts: backoff(settings, attempts), describe)
    log_outcomes(database, outcome, claim.exhausted)
    return {
        "done": len(outcome.done),
        "retry_later": len(outcome.retry_later),
        "failed": len(outcome.failed) + len(claim.exhausted),
    }


@shared_task(bind=True, name=TaskName.RECONCILE.value)
def reconcile_documents(self: Task) -> int:
    settings, database = _context(self)
    enqueue = celery_enqueue(self.app, settings.task_batch_size, describe_documents(database))
    sent = reconcile(database, enqueue, settings.stuck_after)
    if sent:
        log.info("reconciler re-sent %d stuck document(s)", sent)
    return sent
