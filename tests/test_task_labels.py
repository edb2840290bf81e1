"""What Flower shows as a pipeline task's arguments: file, document id and title, not bare ids."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest
from sqlalchemy import text

from db.session import Database
from tests.conftest import redis_client
from tests.helpers import ARTICLES, RecordingQueue
from workers.celery_app import create_app
from workers.ingest.inbox import Ingestor
from workers.outbox import celery_enqueue
from workers.pipeline import run_documents
from workers.settings import Settings
from workers.task_labels import (
    LABEL_CHARS,
    DocumentLabel,
    describe_documents,
    labels_text,
    load_labels,
    shorten,
    title_guess,
)

VISIT_TITLE = ARTICLES["visit"].splitlines()[0]


@pytest.mark.parametrize(
    ("label", "shown"),
    [
        (DocumentLabel(7, "story.txt", title="زيارة"), "#7 story.txt «زيارة»"),
        (DocumentLabel(8, "feed.jsonl", line=3), "#8 feed.jsonl:3"),
        (DocumentLabel(9, "batch.zip", member="a/b.json", title="t"), "#9 batch.zip/a/b.json «t»"),
    ],
)
def test_document_label_names_the_file_the_place_in_it_and_the_title(
    label: DocumentLabel, shown: str
) -> None:
    assert str(label) == shown


@pytest.mark.parametrize(
    ("content", "content_type", "title"),
    [
        ("\n\n  أول سطر  \nثاني", "text/plain", "أول سطر"),
        ("<html><head><title>عنوان &amp; <b>الصفحة</b></title></head></html>", "text/html", "عنوان & الصفحة"),
        ("<html><body>no title</body></html>", "text/html", None),
        ("   \n", "text/plain", None),
    ],
)
def test_title_guess_takes_a_pages_title_or_the_first_line(
    content: str, content_type: str, title: str | None
) -> None:
    assert title_guess(content, content_type) == title


def test_shorten_cuts_long_titles_to_one_line_with_an_ellipsis() -> None:
    assert shorten("a" * 100, 10) == "a" * 9 + "…"
    assert shorten("two\nlines") == "two lines"


def test_labels_text_keeps_the_order_of_the_ids_and_stays_bounded() -> None:
    labels = [DocumentLabel(i, f"f{i}.txt", title="ع" * 60) for i in range(100)]
    text = labels_text([5, 3, 999], labels)
    assert text.startswith("#5 f5.txt «") and ", #3 f3.txt «" in text and text.endswith(", #999")
    long = labels_text(list(range(100)), labels)
    assert len(long) <= LABEL_CHARS and long.endswith(" more)") and long.startswith("#0 f0.txt")


def stored_documents(settings: Settings, database: Database) -> list[int]:
    """visit.txt (no title but its first line), call.json (a title), a zip of a JSONL; their ids."""
    settings.inbox_dir.mkdir(parents=True)
    inbox = settings.inbox_dir
    (inbox / "visit.txt").write_text(ARTICLES["visit"], encoding="utf-8")
    call = {"title": "اتصال بين الرئيسين", "text": ARTICLES["call"]}
    (inbox / "call.json").write_text(json.dumps(call, ensure_ascii=False), encoding="utf-8")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        line = {"title": "مظاهرات الرباط", "text": ARTICLES["protest"]}
        archive.writestr("day/feed.jsonl", json.dumps(line, ensure_ascii=False) + "\n")
    (inbox / "batch.zip").write_bytes(packed.getvalue())
    queue = RecordingQueue()
    ingestor = Ingestor(settings, database, queue)
    for name in ("visit.txt", "call.json", "batch.zip"):
        ingestor.ingest(inbox / name)
    return queue.sent


def test_load_labels_reads_file_place_and_title_of_each_document(
    settings: Settings, database: Database
) -> None:
    visit, call, protest = stored_documents(settings, database)
    labels = {label.document_id: label for label in load_labels(database, [visit, call, protest])}
    assert labels[visit] == DocumentLabel(visit, "visit.txt", title=shorten(VISIT_TITLE))
    assert labels[call] == DocumentLabel(call, "call.json", title="اتصال بين الرئيسين")
    assert labels[protest] == DocumentLabel(
        protest, "batch.zip", line=1, member="day/feed.jsonl", title="مظاهرات الرباط"
    )


def test_load_labels_prefers_the_cleaned_title_once_there_is_one(
    settings: Settings, database: Database
) -> None:
    settings.inbox_dir.mkdir(parents=True)
    (settings.inbox_dir / "late.txt").write_text("\n\n" + ARTICLES["visit"] + "\n", encoding="utf-8")
    queue = RecordingQueue()
    Ingestor(settings, database, queue).ingest(settings.inbox_dir / "late.txt")
    run_documents(database, queue.sent, max_attempts=3)
    with database.session() as session:
        session.execute(text("UPDATE articles SET title = 'العنوان بعد التنظيف'"))
    (label,) = load_labels(database, queue.sent)
    assert label.title == "العنوان بعد التنظيف"


def test_enqueued_message_carries_the_label_for_flower_and_the_bare_ids_as_arguments(
    settings: Settings, database: Database
) -> None:
    ids = stored_documents(settings, database)
    app = create_app(settings)
    try:
        sent = celery_enqueue(app, 20, describe_documents(database))(ids)
    finally:
        app.close()
    assert sent == len(ids)
    client = redis_client(settings.broker_url or "")
    (raw,) = client.lrange(settings.queue_name, 0, -1)
    message = json.loads(raw)
    body = json.loads(base64.b64decode(message["body"]))
    assert body[0] == [ids]  # what the worker runs, as before
    shown = message["headers"]["argsrepr"]
    assert f"#{ids[0]} visit.txt «{shorten(VISIT_TITLE)}»" in shown
    assert f"#{ids[2]} batch.zip/day/feed.jsonl:1 «مظاهرات الرباط»" in shown


def test_describe_documents_falls_back_to_bare_ids_when_the_database_is_away() -> None:
    away = Database("postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=1", pool_size=1)
    assert describe_documents(away)([4, 5]) == "#4, #5"
