"""Near-duplicate pairs delivered at once to four worker processes: every pair linked, never both
canonical. Real Celery workers, real PostgreSQL and Redis."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from db.models import Article, ArticleDuplicate, Document
from db.session import Database
from tests.dedupe_pairs import synthetic_pairs
from tests.helpers import all_done, wait_until
from workers.celery_app import create_app
from workers.ingest.inbox import Ingestor
from workers.outbox import celery_enqueue
from workers.report import queue_depth
from workers.settings import Settings

pytestmark = pytest.mark.slow

PAIRS = 200


def feed_line(text: str, outlet: int) -> str:
    title, body = text.strip().split("\n\n", 1)
    return json.dumps(
        {
            "title": title,
            "text": body,
            "source": f"outlet {outlet}",
            "url": f"https://outlet{outlet}.example/a",
        },
        ensure_ascii=False,
    )


def test_pairs_sent_at_once_to_four_workers_are_linked_never_both_canonical(
    settings_factory: Any, database: Database, processes: Any
) -> None:
    settings: Settings = settings_factory(task_batch_size=1)
    pairs = synthetic_pairs(PAIRS)
    # a0, b0, a1, b1, ...: one task per article, the two copies of a pair next to each other in the
    # queue, so two workers take them at the same moment.
    lines = [feed_line(text, n) for pair in pairs for n, text in enumerate((pair.a, pair.b))]
    settings.inbox_dir.mkdir(parents=True)
    feed = settings.inbox_dir / "pairs.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Ingestor(settings, database, celery_enqueue(create_app(settings), 1)).ingest(feed)
    assert queue_depth(settings.broker_url or "", settings.queue_name) == 2 * PAIRS

    procs = processes(settings)
    for _ in range(4):
        procs.worker(concurrency=1)
    wait_until(lambda: all_done(database, 2 * PAIRS), 240, f"{2 * PAIRS} documents done")

    with database.session() as session:
        line_of = dict(
            session.execute(
                select(Article.id, Document.origin_line).join(Document, Document.id == Article.document_id)
            ).all()
        )
        duplicates = dict(
            session.execute(select(ArticleDuplicate.article_id, ArticleDuplicate.canonical_article_id)).all()
        )
    article_at = {line: article for article, line in line_of.items()}
    assert len(article_at) == 2 * PAIRS
    both_canonical, unlinked = [], []
    for number in range(PAIRS):
        a, b = article_at[2 * number + 1], article_at[2 * number + 2]
        if a not in duplicates and b not in duplicates:
            both_canonical.append(number)
        elif duplicates.get(a) != b and duplicates.get(b) != a:
            unlinked.append(number)
    assert both_canonical == [] and unlinked == []
    assert len(duplicates) == PAIRS  # one copy of each pair, and no link across pairs
