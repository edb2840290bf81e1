"""Storing an article's events: its mentions replace those of any earlier run."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from db.models import Event as EventRow
from db.models import EventMention
from workers.extract import Extraction
from workers.extract.record import actor_record


def replace_events(session: Session, article_id: int, extraction: Extraction) -> list[int]:
    """Write the article's events and mentions, removing what an earlier run of extraction wrote."""
    previous = select(EventMention.event_id).where(EventMention.article_id == article_id)
    stale = list(session.execute(previous).scalars())
    session.execute(delete(EventMention).where(EventMention.article_id == article_id))
    if stale:
        still_mentioned = select(EventMention.event_id).where(EventMention.event_id == EventRow.id).exists()
        session.execute(delete(EventRow).where(EventRow.id.in_(stale), ~still_mentioned))
    ids: list[int] = []
    for event in extraction.events:
        location = event.location
        event_id = session.execute(
            insert(EventRow)
            .values(
                type=event.type,
                mode=event.mode,
                quad=event.quad,
                score=event.score,
                actor_codes=sorted({a.code for a in event.actors}),
                recipient_codes=sorted({r.code for r in event.recipients}),
                actors=[actor_record(a) for a in event.actors],
                recipients=[actor_record(r) for r in event.recipients],
                event_date=event.date,
                date_precision=event.date_precision,
                location_name=location.name if location else None,
                location_country=location.country if location else None,
                latitude=location.lat if location else None,
                longitude=location.lon if location else None,
                geonameid=location.geonameid if location else None,
                context=list(event.context),
                lexicon_version=extraction.lexicon_version,
            )
            .returning(EventRow.id)
        ).scalar_one()
        session.execute(
            insert(EventMention).values(
                event_id=event_id,
                article_id=article_id,
                sentence=event.sentence,
                trigger=event.trigger,
                char_start=event.char_start,
                char_end=event.char_end,
                confidence=event.confidence,
                lexicon_version=extraction.lexicon_version,
            )
        )
        ids.append(event_id)
    return ids
