"""the read-only role marsad_reader: SELECT on every table and view, now and later, no writes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db.reader import grant_reader

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Idempotent, and skipped with a log line when this user may not create roles: see db/reader.py.
    grant_reader(op.get_bind())


def downgrade() -> None:
    # Left as it is: the role is shared by every database on the server, and the embedded server's
    # psql login relies on these grants (workers/services.py makes them too). Read access harms nothing.
    pass
