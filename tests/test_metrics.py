"""The Prometheus exporter: its numbers are the counts in PostgreSQL, read at each scrape."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from db.session import Database
from tests.conftest import MARSAD, REPO
from tests.helpers import ARTICLES, PNG_BYTES, all_done, file_counts, jsonl_articles, wait_until
from workers.metrics import LATENCY_BUCKETS, metrics_registry
from workers.settings import Settings

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parse(exposition: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def scrape(url: str) -> Samples:
    with urllib.request.urlopen(url, timeout=10) as response:
        return parse(response.read().decode())


def sql(database: Database, query: str) -> Any:
    with database.session() as session:
        return session.execute(text(query)).scalar_one()


def grouped(database: Database, query: str) -> dict[str, int]:
    with database.session() as session:
        return {str(key): int(count) for key, count in session.execute(text(query)).all()}


@pytest.mark.slow
def test_metrics_counters_equal_the_counts_in_postgres_after_files_are_processed(
    settings: Settings, database: Database, inbox: Path, processes: Any
) -> None:
    port = free_port()
    running = processes(MARSAD_METRICS_PORT=str(port))
    running.watcher()
    running.worker(concurrency=1)
    running.start("metrics", [*MARSAD, "metrics"])
    url = f"http://127.0.0.1:{port}/metrics"
    (inbox / "visit.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    (inbox / "call.txt").write_text(ARTICLES["call"], encoding="utf-8")
    (inbox / "feed.jsonl").write_bytes(jsonl_articles(3, bad_lines=[2]))
    (inbox / "picture.txt").write_bytes(PNG_BYTES)
    wait_until(lambda: sum(file_counts(database).values()) == 4, 60, "the first files recorded")
    (inbox / "visit again.txt").write_text(ARTICLES["visit"], encoding="utf-8")  # the same bytes
    (inbox / "republished.txt").write_text(ARTICLES["visit"] + "\n\n", encoding="utf-8")  # the same text
    wait_until(lambda: all_done(database, 6), 90, "six articles done")
    wait_until(lambda: sum(file_counts(database).values()) == 6, 30, "six files recorded")

    got = wait_until(lambda: _scrape_or_none(url), 30, "the exporter answering")
    assert got[("marsad_database_up", ())] == 1 and got[("marsad_broker_up", ())] == 1
    files = grouped(database, "SELECT status, count(*) FROM inbox_files GROUP BY status")
    assert files == {"processed": 4, "rejected": 1, "duplicate": 1}
    assert got[("marsad_files_received_total", ())] == sql(database, "SELECT count(*) FROM inbox_files") == 6
    assert got[("marsad_files_rejected_total", ())] == files["rejected"]
    assert got[("marsad_files_duplicate_total", ())] == files["duplicate"]
    documents = grouped(database, "SELECT status, count(*) FROM documents GROUP BY status")
    assert documents == {"done": 6, "rejected": 1}
    for status in ("queued", "cleaned", "deduplicated", "done", "failed", "rejected"):
        assert got[("marsad_documents", (("status", status),))] == documents.get(status, 0)
    assert got[("marsad_documents_received_total", ())] == 7
    assert got[("marsad_documents_finished_total", (("outcome", "done"),))] == 6
    duplicates = grouped(database, "SELECT method, count(*) FROM article_duplicates GROUP BY method")
    assert duplicates.get("exact", 0) >= 1
    for method in ("exact", "near"):
        assert got[("marsad_duplicates_total", (("method", method),))] == duplicates.get(method, 0)
    events = sql(database, "SELECT count(*) FROM events")
    mentions = sql(database, "SELECT count(*) FROM event_mentions")
    mentioned = sql(database, "SELECT count(DISTINCT event_id) FROM event_mentions")
    assert events > 0
    assert got[("marsad_events_total", ())] == events
    assert got[("marsad_event_mentions_total", ())] == mentions
    assert got[("marsad_event_mentions_merged_total", ())] == mentions - mentioned
    articles = sql(database, "SELECT count(*) FROM articles")
    extracted = sql(database, "SELECT count(*) FROM articles WHERE extracted_at IS NOT NULL")
    assert got[("marsad_stage_documents_total", (("stage", "clean"),))] == articles == 6
    assert (
        got[("marsad_stage_documents_total", (("stage", "extract"),))]
        == extracted
        == 6 - sum(duplicates.values())
    )
    assert got[("marsad_queue_depth", (("queue", settings.queue_name),))] == 0
    assert got[("marsad_oldest_queued_document_age_seconds", ())] == 0
    for name, labels, count in (
        ("marsad_stage_latency_seconds", (("stage", "clean"),), articles),
        ("marsad_stage_latency_seconds", (("stage", "dedupe"),), articles),
        ("marsad_stage_latency_seconds", (("stage", "extract"),), extracted),
        ("marsad_document_latency_seconds", (), documents["done"]),
    ):
        buckets = [
            got[(f"{name}_bucket", tuple(sorted((*labels, ("le", repr(b))))))] for b in LATENCY_BUCKETS
        ]
        assert buckets == sorted(buckets), name  # cumulative
        assert got[(f"{name}_bucket", tuple(sorted((*labels, ("le", "+Inf")))))] == count
        assert got[(f"{name}_count", labels)] == count
        assert got[(f"{name}_sum", labels)] > 0


def _scrape_or_none(url: str) -> Samples | None:
    try:
        return scrape(url)
    except OSError:
        return None


def test_metrics_show_a_service_that_is_down_without_failing_the_scrape(settings: Settings) -> None:
    closed = free_port()
    registry = metrics_registry(
        Database(f"postgresql+psycopg://postgres@127.0.0.1:{closed}/postgres", pool_size=1),
        f"redis://127.0.0.1:{closed}/0",
        settings.queue_name,
    )
    got = parse(generate_latest(registry).decode())
    assert got == {("marsad_database_up", ()): 0, ("marsad_broker_up", ()): 0}


def test_metrics_of_queued_work_show_its_depth_and_age(settings: Settings, database: Database) -> None:
    from tests.helpers import add_documents

    add_documents(database, ["أ", "ب"])
    with database.session() as session:
        session.execute(text("UPDATE documents SET created_at = now() - interval '90 seconds'"))
    registry = metrics_registry(database, settings.broker_url or "", settings.queue_name)
    got = parse(generate_latest(registry).decode())
    assert got[("marsad_documents", (("status", "queued"),))] == 2
    assert 90 <= got[("marsad_oldest_queued_document_age_seconds", ())] < 120
    assert got[("marsad_queue_depth", (("queue", settings.queue_name),))] == 0  # nothing was sent


def test_every_metric_the_exporter_serves_is_in_the_monitoring_doc(
    settings: Settings, database: Database
) -> None:
    registry = metrics_registry(database, settings.broker_url or "", settings.queue_name)
    # Counters are exposed with _total; the families are named without it.
    names = {f"{f.name}_total" if f.type == "counter" else f.name for f in registry.collect()}
    assert len(names) == 18
    doc = (REPO / "docs" / "MONITORING.md").read_text()
    missing = [name for name in sorted(names) if f"`{name}`" not in doc and f"`{name}{{" not in doc]
    assert missing == [], "document these in docs/MONITORING.md"
