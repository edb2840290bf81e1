"""cleaning metadata

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:35:13.469000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('articles', sa.Column('author', sa.Text(), nullable=True, comment='Byline, when the article has one.'))
    op.add_column('articles', sa.Column('agency', sa.String(length=16), nullable=True, comment='News agency code from the dateline or source line (SANA, INA, AFP, REUTERS, ...).'))
    op.add_column('articles', sa.Column('dateline', sa.Text(), nullable=True, comment='Place the story was filed from.'))
    op.add_column('articles', sa.Column('published_source', sa.String(length=16), nullable=True, comment='Where published_at came from: metadata, html, text (a date line) or file_time.'))
    op.add_column('articles', sa.Column('cleaning', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False, comment='Audit of cleaning: rules version and every dropped line with the rule that dropped it.'))
    op.add_column('documents', sa.Column('file_modified_at', sa.DateTime(timezone=True), nullable=True, comment='Modification time of the file it came from: the publication date of last resort.'))


def downgrade() -> None:
    op.drop_column('documents', 'file_modified_at')
    op.drop_column('articles', 'cleaning')
    op.drop_column('articles', 'published_source')
    op.drop_column('articles', 'dateline')
    op.drop_column('articles', 'agency')
    op.drop_column('articles', 'author')
