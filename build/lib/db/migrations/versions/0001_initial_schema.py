"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 22:58:37.054544
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_files",
        sa.Column("id", sa.BigInteger(), nullable=False, comment="File id."),
        sa.Column("name", sa.Text(), nullable=False, comment="File name as dropped."),
        sa.Column(
            "path", sa.Text(), nullable=False, comment="Absolute path where the watcher found the file."
        ),
        sa.Column(
            "sha256", sa.String(length=64), nullable=False, comment="SHA-256 of the file's bytes, hex."
        ),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False, comment="File size in bytes."),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="received (rows committed, file not moved yet), processed, rejected or duplicate.",
        ),
        sa.Column(
            "reason",
            sa.String(length=32),
            nullable=True,
            comment="Reason code when the file, or some of its lines or members, were refused.",
        ),
        sa.Column("detail", sa.Text(), nullable=True, comment="What was wrong, in words."),
        sa.Column(
            "duplicate_of_id",
            sa.BigInteger(),
            nullable=True,
            comment="For a duplicate: the earlier file with the same bytes.",
        ),
        sa.Column("documents_count", sa.Integer(), nullable=False, comment="Articles queued from the file."),
        sa.Column(
            "rejected_count",
            sa.Integer(),
            nullable=False,
            comment="Lines or archive members refused (each has a documents row).",
        ),
        sa.Column(
            "moved_to",
            sa.Text(),
            nullable=True,
            comment="Where the file went once its rows committed (null: deleted or kept).",
        ),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the watcher read the file.",
        ),
        sa.Column(
            "finished_at", sa.DateTime(timezone=True), nullable=True, comment="When the file left the inbox."
        ),
        sa.CheckConstraint(
            "status IN ('duplicate', 'processed', 'received', 'rejected')", name=op.f("ck_inbox_files_status")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["inbox_files.id"],
            name=op.f("fk_inbox_files_duplicate_of_id_inbox_files"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_files")),
        comment="One row per file dropped in the inbox: received, processed, rejected or duplicate.",
    )
    op.create_index(op.f("ix_inbox_files_sha256"), "inbox_files", ["sha256"], unique=False)
    op.create_index(
        "ix_inbox_files_status_received_at", "inbox_files", ["status", "received_at"], unique=False
    )
    op.create_index(
        "uq_inbox_files_sha256_ingested",
        "inbox_files",
        ["sha256"],
        unique=True,
        postgresql_where=sa.text("status IN ('received', 'processed')"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.BigInteger(), nullable=False, comment="Document id."),
        sa.Column(
            "inbox_file_id", sa.BigInteger(), nullable=False, comment="The file the article came from."
        ),
        sa.Column("origin_member", sa.Text(), nullable=True, comment="Member name inside a .zip."),
        sa.Column("origin_line", sa.Integer(), nullable=True, comment="1-based line in a .jsonl/.ndjson."),
        sa.Column("content_type", sa.String(length=32), nullable=False, comment="text/plain or text/html."),
        sa.Column(
            "encoding",
            sa.String(length=32),
            nullable=True,
            comment="How the bytes were decoded (utf-8, utf-16, windows-1256).",
        ),
        sa.Column(
            "raw_content", sa.Text(), nullable=False, comment="The article as received, decoded to text."
        ),
        sa.Column(
            "raw_meta",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="Metadata that came with the article (title, url, source, published_at).",
        ),
        sa.Column(
            "sha256", sa.String(length=64), nullable=False, comment="SHA-256 of raw_content as UTF-8, hex."
        ),
        sa.Column(
            "status",
            sa.String(length=16),
            nullable=False,
            comment="queued, cleaned, deduplicated, done; failed (gave up) or rejected (unreadable).",
        ),
        sa.Column(
            "reason", sa.String(length=32), nullable=True, comment="Reason code when failed or rejected."
        ),
        sa.Column(
            "attempts",
            sa.Integer(),
            server_default="0",
            nullable=False,
            comment="Processing attempts so far.",
        ),
        sa.Column("last_error", sa.Text(), nullable=True, comment="The most recent processing error."),
        sa.Column(
            "enqueued_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When a message for it was last sent to the queue.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the row was written.",
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the row last changed.",
        ),
        sa.Column(
            "finished_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When it reached done, failed or rejected.",
        ),
        sa.CheckConstraint(
            "status IN ('cleaned', 'deduplicated', 'done', 'failed', 'queued', 'rejected')",
            name=op.f("ck_documents_status"),
        ),
        sa.ForeignKeyConstraint(
            ["inbox_file_id"],
            ["inbox_files.id"],
            name=op.f("fk_documents_inbox_file_id_inbox_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        comment="One row per article received, with its raw content and pipeline status.",
    )
    op.create_index(
        "ix_documents_active_enqueued_at",
        "documents",
        ["enqueued_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('cleaned', 'deduplicated', 'queued')"),
    )
    op.create_index("ix_documents_inbox_file_id", "documents", ["inbox_file_id"], unique=False)
    op.create_index("ix_documents_status", "documents", ["status"], unique=False)
    op.create_table(
        "articles",
        sa.Column("id", sa.BigInteger(), nullable=False, comment="Article id."),
        sa.Column(
            "document_id", sa.BigInteger(), nullable=False, comment="The document it was cleaned from."
        ),
        sa.Column("title", sa.Text(), nullable=True, comment="Headline."),
        sa.Column(
            "body",
            sa.Text(),
            nullable=False,
            comment="Display text: the original letters, invisible controls removed.",
        ),
        sa.Column(
            "normalized_text",
            sa.Text(),
            nullable=False,
            comment="Matching form: no diacritics or tatweel, unified alef/yeh/teh marbuta, ASCII digits.",
        ),
        sa.Column("language", sa.String(length=8), nullable=False, comment="ar, en or other."),
        sa.Column("source", sa.Text(), nullable=True, comment="Outlet or agency, when known."),
        sa.Column("url", sa.Text(), nullable=True, comment="Where the article was published, when known."),
        sa.Column(
            "published_at", sa.DateTime(timezone=True), nullable=True, comment="Publication time, when known."
        ),
        sa.Column(
            "text_sha256",
            sa.String(length=64),
            nullable=False,
            comment="SHA-256 of normalized_text: the exact-duplicate key.",
        ),
        sa.Column(
            "deduplicated_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When the dedupe stage decided about it.",
        ),
        sa.Column(
            "extracted_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="When event extraction ran on it (null for duplicates).",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the row was written.",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_articles_document_id_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("document_id", name=op.f("uq_articles_document_id")),
        comment="One row per cleaned article (duplicates included; see article_duplicates).",
    )
    op.create_index("ix_articles_text_sha256", "articles", ["text_sha256"], unique=False)
    op.create_table(
        "article_duplicates",
        sa.Column("article_id", sa.BigInteger(), nullable=False, comment="The repeating article."),
        sa.Column(
            "canonical_article_id",
            sa.BigInteger(),
            nullable=False,
            comment="The earliest article with the same text.",
        ),
        sa.Column(
            "method", sa.String(length=8), nullable=False, comment="exact (same normalised text) or near."
        ),
        sa.Column(
            "similarity", sa.Float(), nullable=False, comment="1.0 for exact; estimated Jaccard for near."
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the link was made.",
        ),
        sa.CheckConstraint("method IN ('exact', 'near')", name=op.f("ck_article_duplicates_method")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_duplicates_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["canonical_article_id"],
            ["articles.id"],
            name=op.f("fk_article_duplicates_canonical_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_duplicates")),
        comment="Articles that repeat an earlier one, and which one.",
    )
    op.create_index(
        "ix_article_duplicates_canonical_article_id",
        "article_duplicates",
        ["canonical_article_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_article_duplicates_canonical_article_id", table_name="article_duplicates")
    op.drop_table("article_duplicates")
    op.drop_index("ix_articles_text_sha256", table_name="articles")
    op.drop_table("articles")
    op.drop_index("ix_documents_status", table_name="documents")
    op.drop_index("ix_documents_inbox_file_id", table_name="documents")
    op.drop_index(
        "ix_documents_active_enqueued_at",
        table_name="documents",
        postgresql_where=sa.text("status IN ('cleaned', 'deduplicated', 'queued')"),
    )
    op.drop_table("documents")
    op.drop_index(
        "uq_inbox_files_sha256_ingested",
        table_name="inbox_files",
        postgresql_where=sa.text("status IN ('received', 'processed')"),
    )
    op.drop_index("ix_inbox_files_status_received_at", table_name="inbox_files")
    op.drop_index(op.f("ix_inbox_files_sha256"), table_name="inbox_files")
    op.drop_table("inbox_files")
