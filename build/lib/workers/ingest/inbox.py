"""Taking finished files out of the inbox: rows first, then the messages, then the moves.

Order matters for the guarantee that nothing is lost:
1. the files' rows and their documents commit in one transaction (Postgres is the source of truth);
2. the documents are sent to the queue (a failure here only waits for the reconciler);
3. each file leaves the inbox by an atomic `os.replace` (or is deleted, or kept, by setting);
4. the rows are marked processed, with where each file went.
A crash between any two steps is repaired when the file is seen again: a row in `received` with the
same path and bytes resumes at step 2; nothing is recorded twice.

Files are taken in groups (the watcher hands over every file that is ready) so that a drop of
thousands of small files costs a few transactions, not a few per file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Document, InboxFile
from db.session import Database
from workers.errors import Reason, RejectedInput, TransientError
from workers.ingest.formats import Limits, ParsedFile, PartRejection, parse_file
from workers.outbox import Enqueue
from workers.retry import TRANSIENT_ERRORS
from workers.settings import AfterProcessing, Settings
from workers.status import DocumentStatus, FileStatus

log = logging.getLogger(__name__)

_READ_CHUNK = 1 << 20
_INSERT_CHUNK = 2000
_INGESTED = (FileStatus.RECEIVED.value, FileStatus.PROCESSED.value)


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


class _Action(StrEnum):
    STORE = "store"  # new bytes: rows for the file and its articles
    REJECT = "reject"  # new bytes, unreadable
    DUPLICATE = "duplicate"  # bytes already ingested from another file
    RESUME = "resume"  # this very file was ingested, then interrupted before it was moved
    RESUME_REJECT = "resume_reject"  # this very file was refused, then interrupted before it was moved
    SKIP = "skip"  # this very file is done with (kept in place)


@dataclass
class _Candidate:
    """One file read from disk, and what is to become of it."""

    path: Path
    size: int
    digest: str
    modified_at: datetime | None = None
    parsed: ParsedFile | None = None
    error: RejectedInput | None = None
    action: _Action = _Action.STORE
    file_id: int | None = None
    duplicate_of: tuple[int, str] | None = None  # (file id, name)
    document_ids: list[int] = field(default_factory=list)
    reason: str | None = None
    detail: str | None = None


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
        self.database = database
        self.enqueue = enqueue
        self.move_rejected = move_rejected
        self.limits = Limits(settings.max_file_bytes, settings.max_article_chars)

    def ingest(self, path: Path) -> IngestResult:
        """Ingest one file. Raises TransientError when the database is unreachable (try again later)."""
        return self.ingest_many([path])[0]

    def ingest_many(self, paths: Sequence[Path]) -> list[IngestResult]:
        """Ingest files as one group; results in the order given.

        Raises TransientError when the database is unreachable: then nothing of the group was
        recorded and every file is still in the inbox.
        """
        try:
            return self._ingest_many(paths)
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable while ingesting {len(paths)} file(s): {exc}") from exc

    def reject_unreadable(self, path: Path, error: BaseException) -> IngestResult:
        """Refuse a file that failed to ingest for an unexpected reason, so it does not wait forever."""
        try:
            candidate = _Candidate(path, path.stat().st_size, sha256_stream(path))
        except FileNotFoundError:
            return IngestResult(path, Outcome.VANISHED)
        candidate.error = RejectedInput(Reason.PROCESSING_ERROR, f"could not be ingested: {error}")
        candidate.action = _Action.REJECT
        try:
            with self.database.session() as session:
                self._insert_files(session, [candidate])
            self._dispose([candidate])
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable while rejecting {path.name}: {exc}") from exc
        return self._result(candidate)

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
                        .values(status=FileStatus.PROCESSED.value, finished_at=datetime.now(UTC))
                    )
        except TRANSIENT_ERRORS as exc:
            raise TransientError(f"database unavailable: {exc}") from exc
        return len(gone)

    # -- the group ------------------------------------------------------------------------------

    def _ingest_many(self, paths: Sequence[Path]) -> list[IngestResult]:
        results: dict[Path, IngestResult] = {}
        candidates = []
        for path in paths:
            candidate = self._read(path)
            if candidate is None:
                results[path] = IngestResult(path, Outcome.VANISHED)
            else:
                candidates.append(candidate)
        if candidates:
            try:
                with self.database.session() as session:
                    self._plan(session, candidates)
                    self._insert_files(session, candidates)
            except IntegrityError:
                # Another watcher committed some of the same bytes between our check and our insert:
                # take the files one at a time, so each sees the other's rows.
                if len(candidates) > 1:
                    for candidate in candidates:
                        results[candidate.path] = self._ingest_many([candidate.path])[0]
                    return [results[path] for path in paths]
                raise
            self._send(candidates)
            self._dispose(candidates)
            results.update((c.path, self._result(c)) for c in candidates)
        return [results[path] for path in paths]

    def _read(self, path: Path) -> _Candidate | None:
        try:
            stat = path.stat()
            size, modified_at = stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)
            if size > self.settings.max_file_bytes:
                candidate = _Candidate(path, size, sha256_stream(path), modified_at)
                candidate.error = RejectedInput(
                    Reason.OVERSIZE,
                    f"{size:,} bytes is over the limit of {self.settings.max_file_bytes:,} (MAX_FILE_BYTES)",
                )
                return candidate
            data, digest = sha256_file(path)
        except FileNotFoundError:
            return None
        candidate = _Candidate(path, len(data), digest, modified_at)
        try:
            candidate.parsed = parse_file(path.name, data, self.limits)
        except RejectedInput as exc:
            candidate.error = exc
        return candidate

    def _plan(self, session: Session, candidates: Sequence[_Candidate]) -> None:
        """Decide each file's action against what the database already holds for the same bytes."""
        known: defaultdict[str, list[Any]] = defaultdict(list)
        for row in session.execute(
            select(
                InboxFile.id,
                InboxFile.name,
                InboxFile.sha256,
                InboxFile.path,
                InboxFile.status,
                InboxFile.reason,
                InboxFile.detail,
                InboxFile.moved_to,
            )
            .where(InboxFile.sha256.in_({c.digest for c in candidates}))
            .order_by(InboxFile.id)
        ):
            known[row.sha256].append(row)
        first_in_group: dict[str, _Candidate] = {}
        for candidate in candidates:
            rows = known[candidate.digest]
            candidate.action = self._decide(candidate, rows)
            if candidate.action in (_Action.STORE, _Action.REJECT):
                earlier = first_in_group.get(candidate.digest)
                if earlier is not None and earlier.action is _Action.STORE:
                    candidate.action = _Action.DUPLICATE  # the same bytes twice in one group
                else:
                    first_in_group.setdefault(candidate.digest, candidate)

    def _decide(self, candidate: _Candidate, rows: Sequence[Any]) -> _Action:
        for row in rows:
            if row.path != str(candidate.path):
                continue
            candidate.file_id, candidate.reason, candidate.detail = row.id, row.reason, row.detail
            if row.status == FileStatus.RECEIVED:
                return _Action.RESUME
            if row.status == FileStatus.REJECTED and row.moved_to is None:
                return _Action.RESUME_REJECT if self.move_rejected else _Action.SKIP
            if self.settings.after_processing is AfterProcessing.KEEP:
                return _Action.SKIP
        candidate.file_id = None
        ingested = [row for row in rows if row.status in _INGESTED]
        if ingested:
            candidate.duplicate_of = (ingested[0].id, ingested[0].name)
            return _Action.DUPLICATE
        return _Action.REJECT if candidate.error is not None else _Action.STORE

    def _insert_files(self, session: Session, candidates: Sequence[_Candidate]) -> None:
        # New files first: a duplicate may point at one of them.
        self._insert_file_rows(
            session, [c for c in candidates if c.action in (_Action.STORE, _Action.REJECT)]
        )
        stored = [c for c in candidates if c.action is _Action.STORE]
        if stored:
            self._insert_documents(session, stored)
        duplicates = [c for c in candidates if c.action is _Action.DUPLICATE]
        for candidate in duplicates:
            if candidate.duplicate_of is None:  # same bytes earlier in this group
                original = next(c for c in stored if c.digest == candidate.digest)
                assert original.file_id is not None
                candidate.duplicate_of = (original.file_id, original.path.name)
            first_id, first_name = candidate.duplicate_of
            candidate.detail = f"same bytes as {first_name} (file #{first_id}); nothing new queued"
        self._insert_file_rows(session, duplicates)

    def _insert_file_rows(self, session: Session, candidates: Sequence[_Candidate]) -> None:
        if not candidates:
            return
        ids = session.execute(
            insert(InboxFile).returning(InboxFile.id, sort_by_parameter_order=True),
            [self._file_row(c) for c in candidates],
        ).scalars()
        for candidate, file_id in zip(candidates, ids, strict=True):
            candidate.file_id = file_id

    def _file_row(self, candidate: _Candidate) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": candidate.path.name,
            "path": str(candidate.path),
            "sha256": candidate.digest,
            "size_bytes": candidate.size,
            "reason": None,
            "detail": None,
            "duplicate_of_id": None,
            "documents_count": 0,
            "rejected_count": 0,
        }
        if candidate.action is _Action.REJECT:
            assert candidate.error is not None
            candidate.reason, candidate.detail = candidate.error.reason.value, candidate.error.message
            row.update(status=FileStatus.REJECTED.value, reason=candidate.reason, detail=candidate.detail)
        elif candidate.action is _Action.DUPLICATE:
            assert candidate.duplicate_of is not None
            row.update(
                status=FileStatus.DUPLICATE.value,
                duplicate_of_id=candidate.duplicate_of[0],
                detail=candidate.detail,
            )
        else:
            assert candidate.parsed is not None
            rejections = candidate.parsed.rejections
            row.update(
                status=FileStatus.RECEIVED.value,
                documents_count=len(candidate.parsed.articles),
                rejected_count=len(rejections),
                reason=rejections[0].reason.value if rejections else None,
                detail=_rejections_detail(rejections) if rejections else None,
            )
        return row

    def _insert_documents(self, session: Session, stored: Sequence[_Candidate]) -> None:
        now = datetime.now(UTC)
        owners: list[_Candidate] = []
        rows: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for candidate in stored:
            assert candidate.parsed is not None
            for article in candidate.parsed.articles:
                owners.append(candidate)
                rows.append(
                    {
                        "inbox_file_id": candidate.file_id,
                        "origin_member": article.member,
                        "origin_line": article.line,
                        "content_type": article.content_type,
                        "encoding": article.encoding,
                        "raw_content": article.content,
                        "raw_meta": article.meta,
                        "sha256": hashlib.sha256(article.content.encode("utf-8")).hexdigest(),
                        "status": DocumentStatus.QUEUED.value,
                        "enqueued_at": now,
                        "file_modified_at": candidate.modified_at,
                    }
                )
            rejected.extend(
                {
                    "inbox_file_id": candidate.file_id,
                    "origin_member": r.member,
                    "origin_line": r.line,
                    "content_type": "text/plain",
                    "encoding": None,
                    "raw_content": r.excerpt,
                    "raw_meta": {},
                    "sha256": hashlib.sha256(r.excerpt.encode("utf-8", "replace")).hexdigest(),
                    "status": DocumentStatus.REJECTED.value,
                    "reason": r.reason.value,
                    "last_error": r.message,
                    "finished_at": now,
                }
                for r in candidate.parsed.rejections
            )
        for start in range(0, len(rows), _INSERT_CHUNK):
            ids = session.execute(
                insert(Document).returning(Document.id, sort_by_parameter_order=True),
                rows[start : start + _INSERT_CHUNK],
            ).scalars()
            for owner, document_id in zip(owners[start : start + _INSERT_CHUNK], ids, strict=True):
                owner.document_ids.append(document_id)
        for start in range(0, len(rejected), _INSERT_CHUNK):
            session.execute(insert(Document), rejected[start : start + _INSERT_CHUNK])

    # -- after the commit -----------------------------------------------------------------------

    def _send(self, candidates: Sequence[_Candidate]) -> None:
        ids = [doc_id for c in candidates if c.action is _Action.STORE for doc_id in c.document_ids]
        resumed = [c.file_id for c in candidates if c.action is _Action.RESUME and c.file_id is not None]
        if resumed:
            with self.database.session() as session:
                ids += session.execute(
                    select(Document.id)
                    .where(
                        Document.inbox_file_id.in_(resumed), Document.status == DocumentStatus.QUEUED.value
                    )
                    .order_by(Document.id)
                ).scalars()
            for candidate in candidates:
                if candidate.action is _Action.RESUME:
                    log.info(
                        "%s: resuming after an interrupted run (file #%s)",
                        candidate.path.name,
                        candidate.file_id,
                    )
        if ids:
            self.enqueue(ids)

    def _dispose(self, candidates: Sequence[_Candidate]) -> None:
        """Take each file out of the inbox as configured, then record where it went."""
        updates: list[dict[str, Any]] = []
        now = datetime.now(UTC)
        for candidate in candidates:
            if candidate.action in (_Action.STORE, _Action.RESUME, _Action.DUPLICATE):
                moved_to = self._finish_file(candidate.path)
                status = (
                    FileStatus.DUPLICATE if candidate.action is _Action.DUPLICATE else FileStatus.PROCESSED
                )
            elif candidate.action in (_Action.REJECT, _Action.RESUME_REJECT):
                moved_to = self._move_rejected(candidate)
                if moved_to is None:
                    continue
                status = FileStatus.REJECTED
            else:
                continue
            updates.append(
                {
                    "id": candidate.file_id,
                    "status": status.value,
                    "finished_at": now,
                    "moved_to": str(moved_to) if moved_to else None,
                }
            )
        if updates:
            with self.database.session() as session:
                session.execute(update(InboxFile), updates)

    def _finish_file(self, path: Path) -> Path | None:
        mode = self.settings.after_processing
        try:
            if mode is AfterProcessing.MOVE:
                folder = self.settings.processed_path / datetime.now(UTC).strftime("%Y-%m-%d")
                folder.mkdir(parents=True, exist_ok=True)
                target = unique_target(folder, path.name)
                os.replace(path, target)
                return target
            if mode is AfterProcessing.DELETE:
                path.unlink()
        except FileNotFoundError:
            log.warning("%s vanished before it could be moved; its rows are committed", path)
        return None

    def _move_rejected(self, candidate: _Candidate) -> Path | None:
        if not self.move_rejected:
            return None  # left where it is; the row says why it was refused
        folder = self.settings.rejected_path
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_target(folder, candidate.path.name)
        try:
            os.replace(candidate.path, target)
        except FileNotFoundError:
            log.warning("%s vanished before it could be moved to rejected/", candidate.path)
            return None
        recorded = datetime.now(UTC).isoformat(timespec="seconds")
        target.with_name(target.name + ".error.txt").write_text(
            f"file: {candidate.path.name}\nreason: {candidate.reason}\n{candidate.detail}\n"
            f"recorded as inbox_files.id = {candidate.file_id} at {recorded}\n",
            encoding="utf-8",
        )
        return target

    def _result(self, candidate: _Candidate) -> IngestResult:
        path, file_id = candidate.path, candidate.file_id
        if candidate.action is _Action.STORE:
            assert candidate.parsed is not None
            return IngestResult(
                path,
                Outcome.QUEUED,
                file_id,
                len(candidate.document_ids),
                rejections=candidate.parsed.rejections,
            )
        if candidate.action in (_Action.REJECT, _Action.RESUME_REJECT):
            return IngestResult(
                path, Outcome.REJECTED, file_id, reason=candidate.reason, detail=candidate.detail
            )
        if candidate.action is _Action.DUPLICATE:
            return IngestResult(path, Outcome.DUPLICATE, file_id, detail=candidate.detail)
        return IngestResult(path, Outcome.ALREADY_DONE, file_id)


def _rejections_detail(rejections: Sequence[PartRejection]) -> str:
    lines = [f"{r.where()}: {r.reason}: {r.message}" for r in rejections[:50]]
    if len(rejections) > 50:
        lines.append(f"... and {len(rejections) - 50} more (see documents with status rejected)")
    return "\n".join(lines)
