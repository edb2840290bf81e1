"""Team-written test articles and small helpers for waiting on real processes."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import subprocess
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, insert, select

from db.models import Document, InboxFile
from db.session import Database

# Short articles written by the team in the manner of Arabic wire copy. Facts are invented.
ARTICLES = {
    "visit": (
        "وزير الخارجية الأردني يصل إلى القاهرة في زيارة رسمية\n"
        "القاهرة - (وكالات) - وصل وزير الخارجية الأردني إلى القاهرة اليوم الأحد في زيارة رسمية تستمر يومين، "
        "يلتقي خلالها نظيره المصري لبحث العلاقات الثنائية وتطورات الأوضاع في المنطقة.\n"
        "وقال مصدر دبلوماسي إن المباحثات ستتناول التنسيق المشترك في الملفات الإقليمية."
    ),
    "call": (
        "اتصال هاتفي بين الرئيس التونسي ونظيره الجزائري\n"
        "تونس - أجرى الرئيس التونسي مساء أمس اتصالاً هاتفياً مع نظيره الجزائري تناول سبل تعزيز التعاون "
        "الاقتصادي بين البلدين الجارين، وفق بيان للرئاسة التونسية.\n"
        "واتفق الجانبان على عقد اجتماع للجنة المشتركة خلال الشهر المقبل."
    ),
    "protest": (
        "مئات المتظاهرين في الرباط احتجاجاً على ارتفاع الأسعار\n"
        "الرباط - تظاهر مئات المغاربة اليوم السبت أمام مبنى البرلمان في الرباط احتجاجاً على غلاء المعيشة، "
        "ورفعوا لافتات تطالب الحكومة بخفض أسعار المواد الأساسية.\n"
        "وانتشرت قوات الأمن في محيط المكان دون أن تسجل مواجهات."
    ),
}


class RecordingQueue:
    """Stands in for the broker where a test is about ingestion, not delivery: records what is sent."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def __call__(self, ids: Sequence[int]) -> int:
        self.sent.extend(ids)
        return len(ids)


def write_slowly(path: Path, data: bytes, chunks: int = 5, seconds: float = 2.0) -> None:
    """Write `data` to `path` in chunks spread over `seconds`, keeping the file open throughout."""
    size = -(-len(data) // chunks)
    with path.open("wb") as handle:
        for start in range(0, len(data), size):
            handle.write(data[start : start + size])
            handle.flush()
            time.sleep(seconds / chunks)


def jsonl_articles(count: int, *, bad_lines: Sequence[int] = (), tag: str = "") -> bytes:
    """`count` distinct articles as JSONL; the 1-based line numbers in `bad_lines` are malformed."""
    cities = ["بغداد", "دمشق", "بيروت", "عمّان", "الرياض", "الدوحة", "مسقط", "الكويت", "المنامة", "أبوظبي"]
    topics = ["الطاقة", "المياه", "التجارة", "النقل", "التعليم", "الصحة", "الزراعة", "السياحة"]
    lines: list[str] = []
    number = 0
    total = count + len(bad_lines)
    for line_no in range(1, total + 1):
        if line_no in bad_lines:
            lines.append('{"text": "نص مقطوع' if line_no % 2 else "هذا السطر ليس JSON")
            continue
        city, topic = cities[number % len(cities)], topics[(number // len(cities)) % len(topics)]
        lines.append(
            json.dumps(
                {
                    "title": f"مباحثات حول {topic} في {city} {tag}{number}",
                    "text": f"{city} - عقد مسؤولون اجتماعاً اليوم لبحث ملف {topic}، في الجولة رقم {number} "
                    f"من المشاورات الفنية {tag}، بحسب بيان رسمي صدر عقب الاجتماع.",
                    "source": "وكالة الاختبار",
                    "url": f"https://news.example/{tag}{number}",
                    "published_at": f"2024-03-0{1 + number % 9}T10:00:00Z",
                },
                ensure_ascii=False,
            )
        )
        number += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def html_page(title: str, body_paragraphs: Sequence[str]) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    return (
        "<!doctype html><html lang='ar' dir='rtl'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>p{{color:#333}}</style><script>var x=1;</script></head>"
        f"<body><nav><a href='/'>الرئيسية</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>جميع الحقوق محفوظة</footer></body></html>"
    ).encode()


PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def wait_until(condition: Callable[[], Any], timeout: float, message: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for: {message} (last value: {last!r})")


def document_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return dict(session.execute(select(Document.status, func.count()).group_by(Document.status)).all())


def file_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return dict(session.execute(select(InboxFile.status, func.count()).group_by(InboxFile.status)).all())


def all_done(database: Database, expected: int) -> bool:
    counts = document_counts(database)
    return counts.get("done", 0) == expected and not any(
        counts.get(s, 0) for s in ("queued", "cleaned", "deduplicated")
    )


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM the process and its descendants; SIGKILL whatever is left after `timeout`."""
    if process.poll() is not None:
        return
    try:
        family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()


def add_documents(database: Database, texts: Sequence[str], content_type: str = "text/plain") -> list[int]:
    with database.session() as session:
        file_id = session.execute(
            insert(InboxFile)
            .values(name="f.jsonl", path="/x/f.jsonl", sha256="0" * 64, size_bytes=1, status="processed")
            .returning(InboxFile.id)
        ).scalar_one()
        return list(
            session.execute(
                insert(Document).returning(Document.id, sort_by_parameter_order=True),
                [
                    {
                        "inbox_file_id": file_id,
                        "content_type": content_type,
                        "raw_content": t,
                        "sha256": "0" * 64,
                        "status": "queued",
                        "raw_meta": {},
                    }
                    for t in texts
                ],
            ).scalars()
        )


def decide_at_the_same_moment(database: Database, document_ids: Sequence[int]) -> None:
    """Clean every document, then run the rest of the pipeline on all of them at once, one thread each."""
    from workers.pipeline import PIPELINE, run_document

    for document_id in document_ids:
        run_document(database, document_id, PIPELINE[:1])  # all cleaned, none decided yet
    barrier = threading.Barrier(len(document_ids))

    def decide(document_id: int) -> None:
        barrier.wait()
        run_document(database, document_id)

    threads = [threading.Thread(target=decide, args=(d,)) for d in document_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
