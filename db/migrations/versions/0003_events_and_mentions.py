"""events and mentions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:56:42.060369
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), nullable=False, comment="Event id."),
        sa.Column(
            "type", sa.String(length=16), nullable=False, comment="PLOVER event type (CONSULT, ASSAULT, ...)."
        ),
        sa.Column(
            "mode", sa.String(length=24), nullable=True, comment="PLOVER mode (phone, visit, aerial, ...)."
        ),
        sa.Column(
            "quad",
            sa.Integer(),
            nullable=False,
            comment="Quad class: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict.",
        ),
        sa.Column(
            "score",
            sa.Float(),
            nullable=False,
            comment="Intensity from -10 (most hostile) to +10 (most cooperative).",
        ),
        sa.Column(
            "actor_codes",
            postgresql.ARRAY(sa.String(length=16)),
            nullable=False,
            comment="Codes of the actors (ISO alpha-3 or organisation).",
        ),
        sa.Column(
            "recipient_codes",
            postgresql.ARRAY(sa.String(length=16)),
            nullable=False,
            comment="Codes of the recipients; empty for symmetric events.",
        ),
        sa.Column(
            "actors",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="Actors: code, name, sector, text.",
        ),
        sa.Column(
            "recipients",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="Recipients: code, name, sector, text.",
        ),
        sa.Column("event_date", sa.Date(), nullable=True, comment="Day the event happened, when resolved."),
        sa.Column(
            "date_precision", sa.String(length=8), nullable=False, comment="day, month, year or unknown."
        ),
        sa.Column("location_name", sa.Text(), nullable=True, comment="Where it happened (gazetteer name)."),
        sa.Column(
            "location_country", sa.String(length=3), nullable=True, comment="ISO alpha-3 of the location."
        ),
        sa.Column("latitude", sa.Float(), nullable=True, comment="Latitude of the location."),
        sa.Column("longitude", sa.Float(), nullable=True, comment="Longitude of the location."),
        sa.Column(
            "geonameid", sa.BigInteger(), nullable=True, comment="GeoNames id of the location, when a city."
        ),
        sa.Column(
            "context",
            postgresql.ARRAY(sa.String(length=24)),
            nullable=False,
            comment="Context tags (terrorism, economic, ...).",
        ),
        sa.Column(
            "lexicon_version",
            sa.String(length=40),
            nullable=False,
            comment="Version of the lexicons that extracted it.",
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the row was written.",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        comment="One row per event; each article that reports it adds an event_mentions row.",
    )
    op.create_index("ix_events_actor_codes", "events", ["actor_codes"], unique=False, postgresql_using="gin")
    op.create_index(
        "ix_events_recipient_codes", "events", ["recipient_codes"], unique=False, postgresql_using="gin"
    )
    op.create_index("ix_events_type_event_date", "events", ["type", "event_date"], unique=False)
    op.create_table(
        "event_mentions",
        sa.Column("id", sa.BigInteger(), nullable=False, comment="Mention id."),
        sa.Column("event_id", sa.BigInteger(), nullable=False, comment="The event mentioned."),
        sa.Column("article_id", sa.BigInteger(), nullable=False, comment="The article mentioning it."),
        sa.Column("sentence", sa.Text(), nullable=False, comment="The evidence sentence."),
        sa.Column("trigger", sa.Text(), nullable=False, comment="The word that signals the event."),
        sa.Column(
            "char_start", sa.Integer(), nullable=False, comment="Offset of the trigger in articles.body."
        ),
        sa.Column(
            "char_end", sa.Integer(), nullable=False, comment="End offset of the trigger in articles.body."
        ),
        sa.Column("confidence", sa.Float(), nullable=False, comment="Extractor's confidence, 0 to 1."),
        sa.Column(
            "lexicon_version", sa.String(length=40), nullable=False, comment="Version of the lexicons used."
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When the row was written.",
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_event_mentions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_mentions_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_mentions")),
        comment="Evidence of an event in one article.",
    )
    op.create_index("ix_event_mentions_article_id", "event_mentions", ["article_id"], unique=False)
    op.create_index("ix_event_mentions_event_id", "event_mentions", ["event_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_mentions_event_id", table_name="event_mentions")
    op.drop_index("ix_event_mentions_article_id", table_name="event_mentions")
    op.drop_table("event_mentions")
    op.drop_index("ix_events_type_event_date", table_name="events")
    op.drop_index("ix_events_recipient_codes", table_name="events", postgresql_using="gin")
    op.drop_index("ix_events_actor_codes", table_name="events", postgresql_using="gin")
    op.drop_table("events")
