"""the canonical article of a cluster is the first published (trusted dates), else the first decided

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CANONICAL_COMMENT = (
    "The canonical article of the cluster (the same or nearly the same text): the first "
    "published where publication dates are trusted (not the file's time), else the first decided."
)


def upgrade() -> None:
    op.alter_column(
        "article_duplicates",
        "canonical_article_id",
        comment=CANONICAL_COMMENT,
        existing_type=sa.BigInteger(),
        existing_nullable=False,
    )


def downgrade() -> None:
    op.alter_column(
        "article_duplicates",
        "canonical_article_id",
        comment="The canonical article: the first one decided with the same or nearly the same text.",
        existing_type=sa.BigInteger(),
        existing_nullable=False,
    )
