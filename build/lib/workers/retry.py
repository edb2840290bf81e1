"""Retries, attempt counting and final failure, in one place.

- `compute_backoff` is the pure delay function every retry uses.
- `is_transient` names the errors worth retrying as they are (database or broker briefly away).
- `claim_attempts` counts an attempt in Postgres for every document a task is about to work on, and
  fails those that have used up MAX_ATTEMPTS (a document that kills its worker every time ends here).
- `record_failures` stores stages' errors and decides for each document: retry later, or fail now.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import redis.exceptions
import sqlalchemy.exc
from kombu.exceptions import OperationalError as KombuOperationalError
from sqlalchemy import func, update

from db.models import Document
from db.session import Database
from workers.errors import Reason, StageError, TransientError
from workers.settings import Settings
from workers.status import ACTIVE_DOCUMENT_STATUSES, DocumentStatus

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    KombuOperationalError,
    ConnectionError,
    TimeoutError,
)
_ERROR_TEXT_LIMIT = 4000


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, TRANSIENT_ERRORS)


def compute_backoff(
    attempt: int, *, base: float, cap: float, jitter: float = 0.0, rng: random.Random | None = None
) -> float:
    """Delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with optional jitter.

    `jitter` is the fraction of the delay that may be taken off at random, so that many documents
    failing together do not all come back at the same instant.
    """
    delay = min(cap, base * 2.0 ** max(0, attempt - 1))
    if jitter > 0:
        delay -= delay * jitter * (rng or random).random()
    return delay


def backoff(settings: Settings, attempt: int, jitter: float = 0.0) -> float:
    """`compute_backoff` with the configured base and cap."""
    return compute_backoff(
        attempt, base=settings.retry_backoff_base, cap=settings.retry_backoff_max, jitter=jitter
    )


@dataclass(frozen=True)
class Claim:
    """Documents a task may work on now, and those it just failed for having no attempts left."""

    ready: tuple[int, ...]
    exhausted: tuple[int, ...]


def claim_attempts(database: Database, document_ids: Sequence[int], max_attempts: int) -> Claim:
    """Count one attempt for each active document in `document_ids` (final ones are skipped)."""
    if not document_ids:
        return Claim((), ())
    active = [s.value for s in ACTIVE_DOCUMENT_STATUSES]
    with database.session() as session:
        rows = session.execute(
            update(Document)
            .where(Document.id.in_(document_ids), Document.status.in_(active))
            .values(attempts=Document.attempts + 1)
            .returning(Document.id, Document.attempts)
        ).all()
        exhausted = sorted(doc_id for doc_id, attempts in rows if attempts > max_attempts)
        if exhausted:
            session.execute(
                update(Document)
                .where(Document.id.in_(exhausted))
                .values(
                    status=DocumentStatus.FAILED.value,
                    reason=Reason.TOO_MANY_ATTEMPTS.value,
                    last_error=func.coalesce(Document.last_error, "")
                    + f" [gave up: more than {max_attempts} attempts; the worker may have died on it]",
                    finished_at=func.now(),
                )
            )
    ready = tuple(sorted(doc_id for doc_id, attempts in rows if attempts <= max_attempts))
    return Claim(ready, tuple(exhausted))


def record_failures(
    database: Database, errors: Mapping[int, BaseException], max_attempts: int
) -> dict[int, int | None]:
    """Store each document's error; fail those whose error is permanent or who have no attempts left.

    Returns, per document, the attempts used so far when it should be retried later, else None.
    """
    outcomes: dict[int, int | None] = {}
    with database.session() as session:
        for document_id, error in sorted(errors.items()):
            message = f"{type(error).__name__}: {error}"[:_ERROR_TEXT_LIMIT]
            attempts = session.execute(
                update(Document)
                .where(Document.id == document_id)
                # A retry is scheduled now: the reconciler need not send it again before STUCK_AFTER.
                .values(last_error=message, reason=Reason.PROCESSING_ERROR.value, enqueued_at=func.now())
                .returning(Document.attempts)
            ).scalar_one_or_none()
            if attempts is None:
                continue
            permanent = isinstance(error, StageError) and error.permanent
            outcomes[document_id] = None if permanent or attempts >= max_attempts else int(attempts)
        give_up = [document_id for document_id, attempts in outcomes.items() if attempts is None]
        if give_up:
            session.execute(
                update(Document)
                .where(Document.id.in_(give_up))
                .values(status=DocumentStatus.FAILED.value, finished_at=func.now())
            )
    return outcomes
