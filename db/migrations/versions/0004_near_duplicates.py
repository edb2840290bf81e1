"""near duplicates: MinHash signatures and the LSH band index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "articles",
        sa.Column(
            "minhash",
            sa.LargeBinary(),
            nullable=True,
            comment="MinHash signature of normalized_text (128 little-endian uint32, 3-word shingles); "
            "null when the text has no words or dedupe has not run.",
        ),
    )
    op.create_table(
        "article_bands",
        sa.Column("article_id", sa.BigInteger(), nullable=False, comment="The canonical article."),
        sa.Column("band", sa.SmallInteger(), nullable=False, comment="Band number, 0-41."),
        sa.Column(
            "hash",
            sa.BigInteger(),
            nullable=False,
            comment="64-bit hash of the band number and the band's 3 signature values.",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name=op.f("pk_article_bands")),
        comment="LSH index of canonical articles: an article sharing a (band, hash) with one "
        "is a near-duplicate candidate.",
    )
    op.create_index(
        "ix_article_bands_hash", "article_bands", ["hash"], unique=False, postgresql_include=["article_id"]
    )
    op.alter_column(
        "article_duplicates",
        "canonical_article_id",
        existing_type=sa.BigInteger(),
        existing_nullable=False,
        comment="The canonical article: the first one decided with the same or nearly the same text.",
        existing_comment="The earliest article with the same text.",
    )


def downgrade() -> None:
    op.alter_column(
        "article_duplicates",
        "canonical_article_id",
        existing_type=sa.BigInteger(),
        existing_nullable=False,
        comment="The earliest article with the same text.",
        existing_comment="The canonical article: the first one decided with the same or nearly the same text.",
    )
    op.drop_index("ix_article_bands_hash", table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_column("articles", "minhash")
