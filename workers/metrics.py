"""Prometheus metrics, read from PostgreSQL and Redis at each scrape (`marsad metrics`, `/metrics`).

Nothing is counted in a process: every number is a count (or a histogram) over the stored rows at the
moment of the scrape, so the exporter can restart, run anywhere, or run twice, and its counters always
equal what a query of the tables shows. Counters that come from rows only grow, except where rows are
deleted or rewritten (`marsad reprocess` puts documents back to queued, and may re-link duplicates);
Prometheus reads such a drop as a counter reset.

Stage latencies come from the times each step stamps when it finishes (`workers.pipeline`):
clean = documents.created_at → articles.created_at (waiting in the queue included),
dedupe = articles.created_at → articles.deduplicated_at, extract = articles.deduplicated_at →
articles.extracted_at (duplicates skip it), and a document's whole way, documents.created_at →
documents.finished_at of those done. A reprocessed article keeps its first created_at, so its later
stages count from then.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import start_http_server
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import ColumnElement, and_, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from db.models import Article, ArticleDuplicate, Document, Event, EventMention, InboxFile
from db.session import Database
from workers.broker import queue_depth
from workers.errors import ConfigurationError
from workers.status import ACTIVE_DOCUMENT_STATUSES, DocumentStatus, DuplicateMethod, FileStatus

log = logging.getLogger(__name__)

# Upper bounds of the latency buckets, in seconds: from one quick step to an hour's backlog.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
# A scrape that takes longer than this is cut short by PostgreSQL and reported as the database down.
SCRAPE_TIMEOUT_MS = 10_000
STAGES = ("clean", "dedupe", "extract")


@dataclass(frozen=True)
class Latencies:
    """A histogram as Prometheus wants it: cumulative counts per upper bound, their count and sum."""

    cumulative: tuple[int, ...]  # one per LATENCY_BUCKETS
    count: int
    total_seconds: float

    def buckets(self) -> list[tuple[str, float]]:
        pairs = [(repr(bound), float(n)) for bound, n in zip(LATENCY_BUCKETS, self.cumulative, strict=True)]
        return [*pairs, ("+Inf", float(self.count))]


@dataclass(frozen=True)
class Snapshot:
    """Everything the exporter reports from PostgreSQL, read in one transaction."""

    files: dict[str, int]
    files_stuck: int
    documents: dict[str, int]
    oldest_unfinished_seconds: float
    stages_done: dict[str, int]
    duplicates: dict[str, int]
    events: int
    mentions: int
    mentioned_events: int
    stage_latency: dict[str, Latencies]
    document_latency: Latencies


def _histogram(latency: ColumnElement[Any], condition: ColumnElement[bool]) -> list[ColumnElement[Any]]:
    return [
        *(func.count().filter(and_(condition, latency <= bound)) for bound in LATENCY_BUCKETS),
        func.count().filter(condition),
        func.coalesce(func.sum(latency).filter(condition), 0.0),
    ]


def _latencies(values: Sequence[Any]) -> Latencies:
    *cumulative, count, total = values
    return Latencies(tuple(int(n) for n in cumulative), int(count), float(total))


def _seconds(later: Any, earlier: Any) -> ColumnElement[Any]:
    return func.extract("epoch", later - earlier)


def _stage_latencies(session: Session) -> dict[str, Latencies]:
    width = len(LATENCY_BUCKETS) + 2
    always = Article.id.is_not(None)
    columns = [
        *_histogram(_seconds(Article.created_at, Document.created_at), always),
        *_histogram(
            _seconds(Article.deduplicated_at, Article.created_at), Article.deduplicated_at.is_not(None)
        ),
        *_histogram(
            _seconds(Article.extracted_at, Article.deduplicated_at),
            and_(Article.extracted_at.is_not(None), Article.deduplicated_at.is_not(None)),
        ),
    ]
    row = session.execute(
        select(*columns).select_from(Article).join(Document, Document.id == Article.document_id)
    ).one()
    return {stage: _latencies(row[i * width : (i + 1) * width]) for i, stage in enumerate(STAGES)}


def read_snapshot(database: Database) -> Snapshot:
    active = [status.value for status in ACTIVE_DOCUMENT_STATUSES]
    with database.session() as session:
        session.execute(text(f"SET LOCAL statement_timeout = {SCRAPE_TIMEOUT_MS}"))
        files = dict(session.execute(select(InboxFile.status, func.count()).group_by(InboxFile.status)).all())
        stuck = session.execute(
            select(func.count()).select_from(InboxFile).where(InboxFile.stuck_reason.is_not(None))
        ).scalar_one()
        documents = dict(
            session.execute(select(Document.status, func.count()).group_by(Document.status)).all()
        )
        oldest = session.execute(
            select(_seconds(func.now(), func.min(Document.created_at))).where(Document.status.in_(active))
        ).scalar_one()
        stages_done = session.execute(
            select(func.count(), func.count(Article.deduplicated_at), func.count(Article.extracted_at))
        ).one()
        duplicates = dict(
            session.execute(
                select(ArticleDuplicate.method, func.count()).group_by(ArticleDuplicate.method)
            ).all()
        )
        events = session.execute(select(func.count()).select_from(Event)).scalar_one()
        mentions, mentioned = session.execute(
            select(func.count(), func.count(EventMention.event_id.distinct()))
        ).one()
        stage_latency = _stage_latencies(session)
        finished = _seconds(Document.finished_at, Document.created_at)
        done = and_(Document.status == DocumentStatus.DONE.value, Document.finished_at.is_not(None))
        document_latency = _latencies(session.execute(select(*_histogram(finished, done))).one())
    return Snapshot(
        files={status.value: int(files.get(status.value, 0)) for status in FileStatus},
        files_stuck=int(stuck),
        documents={status.value: int(documents.get(status.value, 0)) for status in DocumentStatus},
        oldest_unfinished_seconds=float(oldest or 0.0),
        stages_done=dict(zip(STAGES, (int(n) for n in stages_done), strict=True)),
        duplicates={method.value: int(duplicates.get(method.value, 0)) for method in DuplicateMethod},
        events=int(events),
        mentions=int(mentions),
        mentioned_events=int(mentioned),
        stage_latency=stage_latency,
        document_latency=document_latency,
    )


def snapshot_metrics(snapshot: Snapshot) -> Iterator[Metric]:
    """The Prometheus families of one snapshot."""
    files = snapshot.files
    counters = (
        (
            "marsad_files_received",
            "Files recorded from the inbox, whatever became of them.",
            sum(files.values()),
        ),
        ("marsad_files_rejected", "Files refused as unreadable (moved to rejected/).", files["rejected"]),
        ("marsad_files_duplicate", "Files whose bytes had been read before.", files["duplicate"]),
        (
            "marsad_documents_received",
            "Documents (articles) recorded, refused lines and members included.",
            sum(snapshot.documents.values()),
        ),
        ("marsad_events", "Events stored: one per real-world event, however many reports.", snapshot.events),
        ("marsad_event_mentions", "Event mentions extracted from articles (reports).", snapshot.mentions),
        (
            "marsad_event_mentions_merged",
            "Mentions merged into an event another mention had created (mentions minus events mentioned).",
            snapshot.mentions - snapshot.mentioned_events,
        ),
    )
    for name, documentation, value in counters:
        yield CounterMetricFamily(name, documentation, value=value)
    yield GaugeMetricFamily(
        "marsad_files_stuck",
        "Files whose rows committed but that cannot leave the inbox.",
        snapshot.files_stuck,
    )
    by_status = GaugeMetricFamily(
        "marsad_documents",
        "Documents by status now: the step they wait for (queued, cleaned, deduplicated) or how they ended.",
        labels=["status"],
    )
    finished = CounterMetricFamily(
        "marsad_documents_finished", "Documents that reached a final status, by outcome.", labels=["outcome"]
    )
    for status, count in snapshot.documents.items():
        by_status.add_metric([status], count)
        if DocumentStatus(status).is_final:
            finished.add_metric([status], count)
    yield by_status
    yield finished
    stages = CounterMetricFamily(
        "marsad_stage_documents",
        "Articles each step has finished (extract skips duplicates).",
        labels=["stage"],
    )
    for stage, count in snapshot.stages_done.items():
        stages.add_metric([stage], count)
    yield stages
    duplicates = CounterMetricFamily(
        "marsad_duplicates", "Articles linked as copies of a canonical article, by method.", labels=["method"]
    )
    for method, count in snapshot.duplicates.items():
        duplicates.add_metric([method], count)
    yield duplicates
    yield GaugeMetricFamily(
        "marsad_oldest_queued_document_age_seconds",
        "Age of the oldest unfinished document (queued, cleaned or deduplicated); 0 when there is none.",
        value=snapshot.oldest_unfinished_seconds,
    )
    latency = HistogramMetricFamily(
        "marsad_stage_latency_seconds",
        "Time from the previous step's end to this step's end (clean: from the file's ingestion).",
        labels=["stage"],
    )
    for stage, values in snapshot.stage_latency.items():
        latency.add_metric([stage], values.buckets(), values.total_seconds)
    yield latency
    whole = snapshot.document_latency
    document = HistogramMetricFamily(
        "marsad_document_latency_seconds", "Time from a document's ingestion to its being done."
    )
    document.add_metric([], whole.buckets(), whole.total_seconds)
    yield document


class PipelineCollector(Collector):
    """Reads a snapshot at every scrape; a service that cannot be reached shows as `*_up 0`."""

    def __init__(self, database: Database, broker_url: str, queue_name: str) -> None:
        self.database = database
        self.broker_url = broker_url
        self.queue_name = queue_name

    def collect(self) -> Iterable[Metric]:
        try:
            snapshot: Snapshot | None = read_snapshot(self.database)
        except SQLAlchemyError as exc:
            log.warning("metrics: could not read the database: %s", str(exc).splitlines()[0])
            snapshot = None
        yield GaugeMetricFamily(
            "marsad_database_up",
            "1 when the last scrape could read PostgreSQL.",
            value=int(snapshot is not None),
        )
        if snapshot is not None:
            yield from snapshot_metrics(snapshot)
        depth = queue_depth(self.broker_url, self.queue_name)
        yield GaugeMetricFamily(
            "marsad_broker_up", "1 when the last scrape could reach Redis.", value=int(depth is not None)
        )
        if depth is not None:
            queue = GaugeMetricFamily(
                "marsad_queue_depth", "Messages waiting in the Celery queue (in Redis).", labels=["queue"]
            )
            queue.add_metric([self.queue_name], depth)
            yield queue


def metrics_registry(database: Database, broker_url: str, queue_name: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(PipelineCollector(database, broker_url, queue_name))
    return registry


def serve_metrics(registry: CollectorRegistry, host: str, port: int, stop: threading.Event) -> None:
    """Serve /metrics on host:port until `stop` is set."""
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        raise ConfigurationError(
            f"the metrics exporter cannot listen on {host}:{port} ({exc.strerror}): "
            "set MARSAD_METRICS_HOST / MARSAD_METRICS_PORT"
        ) from exc
    log.info("metrics on http://%s:%d/metrics", host, port)
    try:
        stop.wait()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
