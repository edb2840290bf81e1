"""The reconciler: re-sends documents stuck in a non-final state, so a lost message only delays work.

Messages are lost when Redis restarts without persistence, or a worker host dies with a message it had
taken. Postgres knows every active document and when it was last sent; anything active and not sent
for STUCK_AFTER seconds is sent again. Duplicated messages are harmless: steps check status first.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from db.models import Document
from db.session import Database
from workers.outbox import Enqueue
from workers.status import ACTIVE_DOCUMENT_STATUSES

_BATCH = 5000


def reconcile(database: Database, enqueue: Enqueue, stuck_after: float, limit: int = 100_000) -> int:
    """Re-enqueue stuck documents; returns how many were sent."""
    active = [s.value for s in ACTIVE_DOCUMENT_STATUSES]
    cutoff = func.now() - timedelta(seconds=stuck_after)
    total = 0
    while total < limit:
        with database.session() as session:
            stuck = (
                select(Document.id)
                .where(Document.status.in_(active))
                .where((Document.enqueued_at < cutoff) | Document.enqueued_at.is_(None))
                .order_by(Document.id)
                .limit(min(_BATCH, limit - total))
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            ids = list(
                session.execute(
                    update(Document)
                    .where(Document.id.in_(stuck))
                    .values(enqueued_at=func.now())
                    .returning(Document.id)
                ).scalars()
            )
        if not ids:
            break
        ids.sort()
        total += enqueue(ids)
        if len(ids) < _BATCH:
            break
    return total
