"""event store: merged events with counts, per-mention details, views, notifications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 02:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every article that carried an event: the articles with a mention, and their republished copies.
V_ARTICLE_EVENTS = """
CREATE VIEW v_article_events AS
SELECT carried.article_id, carried.reported_in AS mentioning_article_id, carried.link, m.event_id,
       e.type, e.event_date, e.actor_codes, e.recipient_codes, m.sentence, m.trigger, m.confidence,
       a.title, a.source, a.url, a.published_at
FROM event_mentions m
JOIN events e ON e.id = m.event_id
CROSS JOIN LATERAL (
    SELECT m.article_id, m.article_id AS reported_in, 'mention'::text AS link
    UNION ALL
    SELECT d.article_id, m.article_id, d.method::text
    FROM article_duplicates d WHERE d.canonical_article_id = m.article_id
) AS carried
JOIN articles a ON a.id = carried.article_id
"""

V_EVENTS = """
CREATE VIEW v_events AS
SELECT e.id AS event_id, e.event_date, e.date_precision, e.type, e.mode, e.quad, e.score,
       e.actor_codes,
       (SELECT string_agg(x.item ->> 'name', '; ' ORDER BY x.n)
        FROM jsonb_array_elements(e.actors) WITH ORDINALITY AS x(item, n)) AS actor_names,
       e.recipient_codes,
       (SELECT string_agg(x.item ->> 'name', '; ' ORDER BY x.n)
        FROM jsonb_array_elements(e.recipients) WITH ORDINALITY AS x(item, n)) AS recipient_names,
       e.location_name, e.location_country, e.latitude, e.longitude, e.geonameid,
       e.context, e.num_mentions, e.num_articles, e.num_sources, e.first_seen, e.last_seen, e.updated_at,
       e.evidence, e.source_urls
FROM events e
"""

# Dyads: each (actor, recipient) of a directed event; each pair of sides (alphabetical) of a symmetric one.
V_DYADS_DAILY = """
CREATE VIEW v_dyads_daily AS
SELECT e.event_date AS day, d.actor_code, d.recipient_code, e.type, e.quad,
       count(*) AS events, sum(e.num_mentions) AS mentions, sum(e.num_articles) AS articles
FROM events e
CROSS JOIN LATERAL (
    SELECT a AS actor_code, r AS recipient_code
    FROM unnest(e.actor_codes) AS a, unnest(e.recipient_codes) AS r
    WHERE cardinality(e.recipient_codes) > 0
    UNION ALL
    SELECT a, b
    FROM unnest(e.actor_codes) AS a, unnest(e.actor_codes) AS b
    WHERE cardinality(e.recipient_codes) = 0 AND a < b
) AS d
WHERE e.event_date IS NOT NULL
GROUP BY e.event_date, d.actor_code, d.recipient_code, e.type, e.quad
"""

NOTIFY_FUNCTION = """
CREATE FUNCTION marsad_notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('marsad_events', NEW.id::text);
    RETURN NULL;
END
$$
"""

NOTIFY_TRIGGER = """
CREATE TRIGGER events_notify AFTER INSERT OR UPDATE ON events
FOR EACH ROW EXECUTE FUNCTION marsad_notify_event()
"""

MENTION_VERSION = (
    "Version of the lexicons that found this mention as it is (kept when a later version finds it unchanged)."
)

COMMENTS = {
    "v_events": "One row per event, flat, for analysts: names, codes, place, counts, evidence, URLs.",
    "v_dyads_daily": "Events a day per actor pair, type and quad class (symmetric events: each pair of "
    "sides, alphabetical).",
    "v_article_events": "Every article that carried an event: those with a mention (link 'mention') "
    "and their republished copies (link 'exact' or 'near').",
}


def upgrade() -> None:
    op.execute("DELETE FROM events")  # events of earlier versions are rebuilt by `marsad reprocess --all`
    op.add_column(
        "events",
        sa.Column(
            "participants",
            sa.Text(),
            nullable=False,
            comment="Merge key of the participants: 'A,B' for symmetric events (all sides), "
            "'A>B' for directed ones (actors > recipients), codes sorted.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "num_mentions",
            sa.Integer(),
            nullable=False,
            comment="Reports of the event: its mentions, each counted once more per republished copy.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "num_articles",
            sa.Integer(),
            nullable=False,
            comment="Distinct articles that carried it, republished copies (article_duplicates) included.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "num_sources",
            sa.Integer(),
            nullable=False,
            comment="Distinct outlets that carried it (source, else URL host; an article with neither "
            "counts as one), copies included.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "evidence",
            sa.Text(),
            nullable=True,
            comment="The sentence of its most confident mention (the earliest on a tie).",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "source_urls",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            comment="Distinct URLs, sorted, of the articles that carried it (mentions and their copies).",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "first_seen",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When Marsad stored the first article that carried it.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "last_seen",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="When Marsad stored the latest article that carried it.",
        ),
    )
    op.add_column(
        "events",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
            comment="When a merged mention, a new copy or a reprocess last changed the row.",
        ),
    )
    op.create_table_comment(
        "events",
        "One row per real-world event, however many articles reported it; each report is an "
        "event_mentions row.",
        existing_comment="One row per event; each article that reports it adds an event_mentions row.",
    )
    op.create_index("ix_events_type_participants", "events", ["type", "participants"], unique=False)
    op.create_index("ix_events_event_date", "events", ["event_date"], unique=False)
    op.create_index("ix_events_updated_at", "events", ["updated_at"], unique=False)
    op.add_column(
        "event_mentions",
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
            comment="What this article says of the event (EVENTS.md record: mode, score, actors, "
            "recipients, date, date_precision, location, context) and date_anchored (false when the "
            "article's publication date was unknown or only the file time).",
        ),
    )
    op.alter_column(
        "event_mentions",
        "lexicon_version",
        existing_type=sa.String(length=40),
        existing_nullable=False,
        comment=MENTION_VERSION,
        existing_comment="Version of the lexicons used.",
    )
    for statement in (V_ARTICLE_EVENTS, V_EVENTS, V_DYADS_DAILY, NOTIFY_FUNCTION, NOTIFY_TRIGGER):
        op.execute(statement)
    for view, comment in COMMENTS.items():
        quoted = comment.replace("'", "''")
        op.execute(f"COMMENT ON VIEW {view} IS '{quoted}'")


def downgrade() -> None:
    op.execute("DROP TRIGGER events_notify ON events")
    op.execute("DROP FUNCTION marsad_notify_event()")
    for view in COMMENTS:
        op.execute(f"DROP VIEW {view}")
    op.alter_column(
        "event_mentions",
        "lexicon_version",
        existing_type=sa.String(length=40),
        existing_nullable=False,
        comment="Version of the lexicons used.",
        existing_comment=MENTION_VERSION,
    )
    op.drop_column("event_mentions", "details")
    op.drop_index("ix_events_updated_at", table_name="events")
    op.drop_index("ix_events_event_date", table_name="events")
    op.drop_index("ix_events_type_participants", table_name="events")
    op.create_table_comment(
        "events",
        "One row per event; each article that reports it adds an event_mentions row.",
        existing_comment="One row per real-world event, however many articles reported it; each report "
        "is an event_mentions row.",
    )
    for column in ("updated_at", "last_seen", "first_seen", "source_urls", "evidence"):
        op.drop_column("events", column)
    for column in ("num_sources", "num_articles", "num_mentions"):
        op.drop_column("events", column)
    op.drop_column("events", "participants")
