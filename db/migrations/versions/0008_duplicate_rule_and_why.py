"""article_duplicates records the rule that linked an article and why, in words

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE_COMMENT = (
    "The rule that linked it: exact (same normalised text), similar (similar wording, facts "
    "agree), contained_lead (the lead of the longer story, or a trimmed copy), repointed (a copy "
    "moved with its cluster to an original published before it); null for near links made before 0008."
)
WHY_COMMENT = (
    "Why, in words: the similarity, containment or facts the decision rested on "
    "(workers.dedupe.decision); null for near links made before 0008."
)


def upgrade() -> None:
    op.add_column("article_duplicates", sa.Column("rule", sa.String(16), nullable=True, comment=RULE_COMMENT))
    op.add_column("article_duplicates", sa.Column("why", sa.Text(), nullable=True, comment=WHY_COMMENT))
    # Links made before: an exact one is known; a near one was made by similarity at the threshold.
    op.execute(
        "UPDATE article_duplicates SET rule = 'exact', why = 'same normalised text' WHERE method = 'exact'"
    )


def downgrade() -> None:
    op.drop_column("article_duplicates", "why")
    op.drop_column("article_duplicates", "rule")
