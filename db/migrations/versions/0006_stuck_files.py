"""inbox files that cannot leave the inbox: attempts counted, the reason kept; names escaped;
the encodings documents record

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


NAME_COMMENT = (
    "File name as dropped; backslashes, control characters and bytes that are not UTF-8 "
    "escaped (\\\\, \\xNN, \\uNNNN)."
)
PATH_COMMENT = "Absolute path where the watcher found the file, escaped as the name is."
RAW_META_COMMENT = (
    "Metadata that came with the article (title, url, source, published_at), and under "
    "decoding what decoding stripped or replaced (padding NULs, bytes that are not UTF-8)."
)
ENCODING_COMMENT = (
    "How the bytes were decoded: utf-8, utf-8+replace (a few bad bytes replaced), utf-16, "
    "utf-16-le or utf-16-be (no byte-order mark), windows-1256."
)


def upgrade() -> None:
    op.alter_column("inbox_files", "name", comment=NAME_COMMENT, existing_type=sa.Text())
    op.alter_column("inbox_files", "path", comment=PATH_COMMENT, existing_type=sa.Text())
    op.alter_column("documents", "encoding", comment=ENCODING_COMMENT, existing_type=sa.String(32))
    op.alter_column("documents", "raw_meta", comment=RAW_META_COMMENT, existing_type=postgresql.JSONB())
    op.add_column(
        "inbox_files",
        sa.Column(
            "move_attempts",
            sa.Integer(),
            nullable=False,
            server_default="0",
            comment="Failed attempts to move the file out of the inbox (permissions, a full disk).",
        ),
    )
    op.add_column(
        "inbox_files",
        sa.Column(
            "stuck_reason",
            sa.Text(),
            nullable=True,
            comment="Set when the file could not leave the inbox after the watcher's attempts: why. "
            "Cleared when it leaves.",
        ),
    )


def downgrade() -> None:
    op.alter_column(
        "documents",
        "raw_meta",
        comment="Metadata that came with the article (title, url, source, published_at).",
        existing_type=postgresql.JSONB(),
    )
    op.alter_column(
        "documents",
        "encoding",
        comment="How the bytes were decoded (utf-8, utf-16, windows-1256).",
        existing_type=sa.String(32),
    )
    op.alter_column("inbox_files", "path", comment="Absolute path where the watcher found the file.")
    op.alter_column("inbox_files", "name", comment="File name as dropped.")
    op.drop_column("inbox_files", "stuck_reason")
    op.drop_column("inbox_files", "move_attempts")
