"""Taking one finished file out of the inbox: rows first, then the message, then the move.

Order matters for the guarantee that nothing is lost:
1. the file's row and its documents commit in one transaction (Postgres is the source of truth);
2. the documents are sent to the queue (a failure here only waits for the reconciler);
3. the file leaves the inbox by an atomic `os.replace` (or is deleted, or kept, by setting);
4. the row is marked processed.
A crash between any two steps is repaired when the file is seen again: a row in `received` with the
same path and bytes resumes at step 2; nothing is recorded twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Document, InboxFile
from db.session import Database
from workers.errors import Reason, RejectedInput, TransientError
from workers.ingest.formats import ArticleRecord, Limits, ParsedFile, PartRejection, parse_file
from workers.outbox import Enqueue
from workers.retry import TRANSIENT_ERRORS
from workers.settings import AfterProcessing, Settings
from workers.status import DocumentStatus, FileStatus

log = logging.getLogger(__name__)

_READ_CHUNK = 1 << 20
_INSERT_CHUNK = 2000


class Outcome(StrEnum):
    QUEUED = "queued"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    ALREADY_DONE = "already_done"
    VANISHED = "vanished"


@dataclass(frozen=True)
class IngestResult:
    path: Path
    outcome: Outcome
    file_id: int | None = None
    documents: int = 0
    reason: str | None = None
    detail: str | None = None
    rejections: tuple[PartRejection, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        name = self.path.name
        if self.outcome == Outcome.QUEUED:
            text = f"{name}: {self.documents} article(s) queued"
            if self.rejections:
                shown = "; ".join(f"{r.where()}: {r.reason} ({r.message})" for r in self.rejections[:5])
                more = f"; and {len(self.rejections) - 5} more" if len(self.rejections) > 5 else ""
                text += f", {len(self.rejections)} part(s) rejected: {shown}{more}"
            return text
        if self.outcome == Outcome.REJECTED:
            return f"{name}: rejected, {self.reason}: {self.detail}"
        if self.outcome == Outcome.DUPLICATE:
            return f"{name}: duplicate, {self.detail}"
        return f"{name}: {self.outcome}"


def sha256_file(path: Path) -> tuple[bytes, str]:
    digest = hashlib.sha256()
    chunks = []
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
            chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def sha256_stream(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def unique_target(directory: Path, name: str) -> Path:
    """`directory/name`, or `name` with a counter before its suffixes if that is taken."""
    target = directory / name
    if not target.exists():
        return target
    stem, dot, rest = name.partition(".")
    for counter in range(1, 100_000):
        target = directory / f"{stem}-{counter}{dot}{rest}"
        if not target.exists():
            return target
    raise FileExistsError(f"no free name for {name} in {directory}")


class Ingestor:
    """Reads finished inbox files into Postgres and hands their documents to the queue."""

    def __init__(
        self, settings: Settings, database: Database, enqueue: Enqueue, *, move_rejected: bool = True
    ) -> None:
        """`move_rejected=False` leaves refused files in place (for `marsad ingest` of a user's folder)."""
        self.settings = settings
        self.move_rejected = move_rejected
        self.database = database
        self.enqueue = enqueue
        self.limits = Limits(settings.max_file_bytes, settings.max_article_chars)

    def ingest(self, path: Path) -> IngestResult:
        """Ingest one file. Raises TransientError when the database is unreachable (try again later)."""
        try:
            return self._ingest(path)
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable while ingesting {path.name}: {exc}") from exc

    def _ingest(self, path: Path) -> IngestResult:
        try:
            size = path.stat().st_size
            if size > self.settings.max_file_bytes:
                data, digest = b"", sha256_stream(path)
            else:
                data, digest = sha256_file(path)
        except FileNotFoundError:
            return IngestResult(path, Outcome.VANISHED)

        resumed = self._resume_or_skip(path, digest, size)
        if resumed is not None:
            return resumed
        try:
            if size > self.settings.max_file_bytes:
                raise RejectedInput(
                    Reason.OVERSIZE,
                    f"{size:,} bytes is over the limit of {self.settings.max_file_bytes:,} (MAX_FILE_BYTES)",
                )
            parsed = parse_file(path.name, data, self.limits)
        except RejectedInput as exc:
            return self._reject(path, digest, size, exc)
        return self._store(path, digest, size, parsed)

    def reject_unreadable(self, path: Path, error: BaseException) -> IngestResult:
        """Refuse a file that failed to ingest for an unexpected reason, so it does not wait forever."""
        try:
            size = path.stat().st_size
            digest = sha256_stream(path)
            return self._reject(
                path, digest, size, RejectedInput(Reason.PROCESSING_ERROR, f"could not be ingested: {error}")
            )
        except FileNotFoundError:
            return IngestResult(path, Outcome.VANISHED)
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable while rejecting {path.name}: {exc}") from exc

    # -- the three ends of a file ---------------------------------------------------------------

    def _store(self, path: Path, digest: str, size: int, parsed: ParsedFile) -> IngestResult:
        rejections = parsed.rejections
        try:
            with self.database.session() as session:
                file_id = session.execute(
                    insert(InboxFile)
                    .values(
                        name=path.name,
                        path=str(path),
                        sha256=digest,
                        size_bytes=size,
                        status=FileStatus.RECEIVED.value,
                        documents_count=len(parsed.articles),
                        rejected_count=len(rejections),
                        reason=rejections[0].reason.value if rejections else None,
                        detail=_rejections_detail(rejections) if rejections else None,
                    )
                    .returning(InboxFile.id)
                ).scalar_one()
                document_ids = self._insert_documents(session, file_id, parsed.articles, rejections)
        except IntegrityError:
            # Another watcher committed the same bytes between our check and our insert.
            return self._duplicate(path, digest, size)
        self.enqueue(document_ids)
        self._finish(path, file_id)
        return IngestResult(path, Outcome.QUEUED, file_id, len(document_ids), rejections=rejections)

    def _insert_documents(
        self,
        session: Session,
        file_id: int,
        articles: Sequence[ArticleRecord],
        rejections: Sequence[PartRejection],
    ) -> list[int]:
        now = datetime.now(UTC)
        rows = [
            {
                "inbox_file_id": file_id,
                "origin_member": a.member,
                "origin_line": a.line,
                "content_type": a.content_type,
                "encoding": a.encoding,
                "raw_content": a.content,
                "raw_meta": a.meta,
                "sha256": hashlib.sha256(a.content.encode("utf-8", "surrogatepass")).hexdigest(),
                "status": DocumentStatus.QUEUED.value,
                "enqueued_at": now,
            }
            for a in articles
        ]
        ids: list[int] = []
        for start in range(0, len(rows), _INSERT_CHUNK):
            ids.extend(
                session.execute(
                    insert(Document).returning(Document.id, sort_by_parameter_order=True),
                    rows[start : start + _INSERT_CHUNK],
                ).scalars()
            )
        if rejections:
            session.execute(
                insert(Document),
                [
                    {
                        "inbox_file_id": file_id,
                        "origin_member": r.member,
                        "origin_line": r.line,
                        "content_type": "text/plain",
                        "raw_content": r.excerpt,
                        "raw_meta": {},
                        "sha256": hashlib.sha256(r.excerpt.encode("utf-8", "surrogatepass")).hexdigest(),
                        "status": DocumentStatus.REJECTED.value,
                        "reason": r.reason.value,
                        "last_error": r.message,
                        "finished_at": now,
                    }
                    for r in rejections
                ],
            )
        return ids

    def _reject(self, path: Path, digest: str, size: int, error: RejectedInput) -> IngestResult:
        with self.database.session() as session:
            file_id = session.execute(
                insert(InboxFile)
                .values(
                    name=path.name,
                    path=str(path),
                    sha256=digest,
                    size_bytes=size,
                    status=FileStatus.REJECTED.value,
                    reason=error.reason.value,
                    detail=error.message,
                )
                .returning(InboxFile.id)
            ).scalar_one()
        self._move_rejected(path, file_id, error.reason.value, error.message)
        return IngestResult(path, Outcome.REJECTED, file_id, reason=error.reason.value, detail=error.message)

    def _duplicate(self, path: Path, digest: str, size: int) -> IngestResult:
        with self.database.session() as session:
            original = session.execute(
                select(InboxFile.id, InboxFile.name)
                .where(InboxFile.sha256 == digest, InboxFile.status.in_(_INGESTED))
                .order_by(InboxFile.id)
                .limit(1)
            ).one()
            detail = f"same bytes as {original.name} (file #{original.id}); nothing new queued"
            file_id = session.execute(
                insert(InboxFile)
                .values(
                    name=path.name,
                    path=str(path),
                    sha256=digest,
                    size_bytes=size,
                    status=FileStatus.DUPLICATE.value,
                    duplicate_of_id=original.id,
                    detail=detail,
                )
                .returning(InboxFile.id)
            ).scalar_one()
        self._finish(path, file_id, status=FileStatus.DUPLICATE)
        return IngestResult(path, Outcome.DUPLICATE, file_id, detail=detail)

    # -- recovery -------------------------------------------------------------------------------

    def _resume_or_skip(self, path: Path, digest: str, size: int) -> IngestResult | None:
        """Finish what an interrupted run began on this very file, or recognise a repeat of it."""
        with self.database.session() as session:
            rows = session.execute(
                select(
                    InboxFile.id,
                    InboxFile.path,
                    InboxFile.status,
                    InboxFile.reason,
                    InboxFile.detail,
                    InboxFile.moved_to,
                )
                .where(InboxFile.sha256 == digest)
                .order_by(InboxFile.id)
            ).all()
        same_path = [r for r in rows if r.path == str(path)]
        for row in same_path:
            if row.status == FileStatus.RECEIVED:
                log.info("%s: resuming after an interrupted run (file #%d)", path.name, row.id)
                self._resend_queued(row.id)
                self._finish(path, row.id)
                return IngestResult(path, Outcome.ALREADY_DONE, row.id)
            if row.status == FileStatus.REJECTED and row.moved_to is None:
                if not self.move_rejected:
                    return IngestResult(path, Outcome.ALREADY_DONE, row.id)
                self._move_rejected(path, row.id, row.reason or "", row.detail or "")
                return IngestResult(path, Outcome.REJECTED, row.id, reason=row.reason, detail=row.detail)
            if self.settings.after_processing is AfterProcessing.KEEP:
                return IngestResult(path, Outcome.ALREADY_DONE, row.id)
        if any(r.status in _INGESTED for r in rows):
            return self._duplicate(path, digest, size)
        return None

    def recover_interrupted(self) -> int:
        """Mark processed the files whose rows committed but whose final update was lost.

        A file still at its path is left alone: the next scan resumes it.
        """
        try:
            with self.database.session() as session:
                rows = session.execute(
                    select(InboxFile.id, InboxFile.path).where(InboxFile.status == FileStatus.RECEIVED.value)
                ).all()
                gone = [row.id for row in rows if not Path(row.path).exists()]
                if gone:
                    session.execute(
                        update(InboxFile)
                        .where(InboxFile.id.in_(gone))
                        .values(status=FileStatus.PROCESSED.value, finished_at=func.now())
                    )
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable: {exc}") from exc
        return len(gone)

    def _resend_queued(self, file_id: int) -> None:
        with self.database.session() as session:
            ids = list(
                session.execute(
                    select(Document.id).where(
                        Document.inbox_file_id == file_id, Document.status == DocumentStatus.QUEUED.value
                    )
                ).scalars()
            )
        if ids:
            self.enqueue(ids)

    # -- moving files ---------------------------------------------------------------------------

    def _finish(self, path: Path, file_id: int, status: FileStatus = FileStatus.PROCESSED) -> None:
        """Take the file out of the inbox as configured, then record where it went."""
        moved_to: Path | None = None
        mode = self.settings.after_processing
        try:
            if mode is AfterProcessing.MOVE:
                folder = self.settings.processed_path / datetime.now(UTC).strftime("%Y-%m-%d")
                folder.mkdir(parents=True, exist_ok=True)
                moved_to = unique_target(folder, path.name)
                os.replace(path, moved_to)
            elif mode is AfterProcessing.DELETE:
                path.unlink()
        except FileNotFoundError:
            log.warning("%s vanished before it could be moved; its rows are committed", path)
        with self.database.session() as session:
            values: dict[str, object] = {
                "moved_to": str(moved_to) if moved_to else None,
                "finished_at": func.now(),
            }
            if status is FileStatus.PROCESSED:
                values["status"] = FileStatus.PROCESSED.value
            session.execute(update(InboxFile).where(InboxFile.id == file_id).values(**values))

    def _move_rejected(self, path: Path, file_id: int, reason: str, detail: str) -> None:
        if not self.move_rejected:
            return  # left where it is; the row says why it was refused
        folder = self.settings.rejected_path
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_target(folder, path.name)
        try:
            os.replace(path, target)
        except FileNotFoundError:
            log.warning("%s vanished before it could be moved to rejected/", path)
            return
        target.with_name(target.name + ".error.txt").write_text(
            f"file: {path.name}\nreason: {reason}\n{detail}\n"
            f"recorded as inbox_files.id = {file_id} at {datetime.now(UTC).isoformat(timespec='seconds')}\n",
            encoding="utf-8",
        )
        with self.database.session() as session:
            session.execute(
                update(InboxFile)
                .where(InboxFile.id == file_id)
                .values(moved_to=str(target), finished_at=func.now())
            )


_INGESTED = (FileStatus.RECEIVED.value, FileStatus.PROCESSED.value)


def _rejections_detail(rejections: Sequence[PartRejection]) -> str:
    lines = [f"{r.where()}: {r.reason}: {r.message}" for r in rejections[:50]]
    if len(rejections) > 50:
        lines.append(f"... and {len(rejections) - 50} more (see documents with status rejected)")
    return "\n".join(lines)
