"""What a report shows, read from the database: the events that pass the filters (every one, no row limit),
the outlets that carried each, and how much was read to find them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

from db.session import Database
from workers.events_query import EventFilters, list_events

__all__ = ["Coverage", "ReportData", "report_data"]

# An article's outlet, as events.num_sources counts them (workers/extract/store.py): its source, else the
# host of its URL. Articles with neither count as an outlet of their own there, and are not named here.
_OUTLETS = text(
    """
    SELECT event_id,
           array_agg(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
           array_agg(DISTINCT article_id) AS articles
    FROM (SELECT event_id, article_id,
                 coalesce(nullif(source, ''), substring(url from '://([^/]+)')) AS outlet
          FROM v_article_events WHERE event_id = ANY(:ids)) AS carried
    GROUP BY event_id
    """
).bindparams(bindparam("ids", type_=ARRAY(BigInteger)))

# Every stored article, the republished copies among them, and those that carry no event: neither they nor
# (for a copy) their canonical article has a mention.
_COVERAGE = text(
    """
    SELECT count(*) AS articles,
           count(d.canonical_article_id) AS duplicates,
           count(*) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM event_mentions m WHERE m.article_id = coalesce(d.canonical_article_id, a.id)
           )) AS without_events
    FROM articles a LEFT JOIN article_duplicates d ON d.article_id = a.id
    """
)


@dataclass(frozen=True)
class Coverage:
    """How much was read: every stored article, whatever the filters (they select events, not articles)."""

    articles: int  # articles read and stored, republished copies included
    duplicates: int  # of those, republished copies of another article (not extracted again)
    without_events: int  # articles that carry no event (a copy carries its canonical article's)
    carrying_shown: int  # distinct articles that carry at least one of the events shown


@dataclass(frozen=True)
class ReportData:
    """The events of a report (v_events rows, newest first, each with `outlets`: the names of the outlets
    that carried it) and the coverage of the store they were found in."""

    filters: EventFilters
    events: Sequence[dict[str, Any]]
    coverage: Coverage
    generated_at: datetime


def report_data(database: Database, filters: EventFilters, now: datetime | None = None) -> ReportData:
    """The events that pass `filters` (all of them when its limit is None), the outlets of each, and the
    store's coverage."""
    events = list_events(database, filters)
    carriers: set[int] = set()
    with database.session() as session:
        outlets: dict[int, list[str]] = {}
        if events:
            for row in session.execute(_OUTLETS, {"ids": [e["event_id"] for e in events]}):
                outlets[row.event_id] = list(row.outlets or [])
                carriers.update(row.articles)
        counts = session.execute(_COVERAGE).one()
    for event in events:
        event["outlets"] = outlets.get(event["event_id"], [])
    coverage = Coverage(
        articles=counts.articles,
        duplicates=counts.duplicates,
        without_events=counts.without_events,
        carrying_shown=len(carriers),
    )
    return ReportData(filters, events, coverage, now or datetime.now(UTC))
