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

import dataclasses
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
from workers.ingest.names import fitting_name, path_from_stored, stored_name
from workers.ingest.reading import Identity, current_identity, read_file, unique_target
from workers.outbox import Enqueue
from workers.retry import TRANSIENT_ERRORS
from workers.settings import AfterProcessing, Settings
from workers.status import DocumentStatus, FileStatus

log = logging.getLogger(__name__)

_INSERT_CHUNK = 2000
# A file whose rows committed but that cannot leave the inbox (permissions, a full disk) is tried this
# many times, then recorded as stuck (`inbox_files.stuck_reason`, listed by `marsad status`).
MAX_MOVE_ATTEMPTS = 5
# A group of files is read, recorded and moved in batches holding at most about this many characters
# of article text (a batch always takes at least one file).
BATCH_BYTES = 32 * 1024 * 1024
# How much of a refused line a `<name>.rejected.txt` shows.
REFUSED_EXCERPT_CHARS = 120
_INGESTED = (FileStatus.RECEIVED.value, FileStatus.PROCESSED.value)


class Outcome(StrEnum):
    QUEUED = "queued"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    ALREADY_DONE = "already_done"
    VANISHED = "vanished"
    CHANGED = "changed"  # the file changed while it was read: nothing recorded, read it again later


@dataclass(frozen=True)
class IngestResult:
    path: Path
    outcome: Outcome
    file_id: int | None = None
    documents: int = 0
    reason: str | None = None
    detail: str | None = None
    rejections: tuple[PartRejection, ...] = field(default_factory=tuple)
    # Set when the file's rows are committed but it could not leave the inbox (permissions, full disk).
    move_error: str | None = None
    stuck: bool = False  # the move failed MAX_MOVE_ATTEMPTS times: the watcher stops trying

    def summary(self) -> str:
        name = stored_name(self.path.name)
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
        if self.outcome == Outcome.CHANGED:
            return f"{name}: changed while it was read; read again once its writer is done"
        return f"{name}: {self.outcome}"


class _Action(StrEnum):
    STORE = "store"  # new bytes: rows for the file and its articles
    REJECT = "reject"  # new bytes, unreadable
    DUPLICATE = "duplicate"  # bytes already ingested from another file
    RESUME = "resume"  # this very file was ingested, then interrupted before it was moved
    RESUME_REJECT = "resume_reject"  # this very file was refused, then interrupted before it was moved
    RESUME_DUPLICATE = "resume_duplicate"  # this very file was found a duplicate, then not moved
    SKIP = "skip"  # this very file is done with (kept in place)


@dataclass
class _Candidate:
    """One file read from disk, and what is to become of it."""

    path: Path
    size: int
    digest: str
    modified_at: datetime | None = None
    identity: Identity | None = None
    parsed: ParsedFile | None = None
    error: RejectedInput | None = None
    action: _Action = _Action.STORE
    file_id: int | None = None
    duplicate_of: tuple[int, str] | None = None  # (file id, name)
    document_ids: list[int] = field(default_factory=list)
    reason: str | None = None
    detail: str | None = None
    move_attempts: int = 0
    move_error: str | None = None
    stuck: bool = False

    def held_bytes(self) -> int:
        """Roughly what this candidate keeps in memory: the text of its articles."""
        if self.parsed is None:
            return 0
        return sum(len(article.content) for article in self.parsed.articles)


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
        read = read_file(path, max_bytes=0, follow_links_into=self.settings.follow_links_into)
        if read is None:
            return IngestResult(path, Outcome.VANISHED)
        candidate = _Candidate(path, read.size, read.digest, read.modified_at)
        candidate.error = RejectedInput(Reason.PROCESSING_ERROR, f"could not be ingested: {error}")
        candidate.action = _Action.REJECT
        try:
            with self.database.session() as session:
                earlier = session.execute(  # refused before, then not moved: one row per file
                    select(InboxFile.id, InboxFile.reason, InboxFile.detail, InboxFile.move_attempts).where(
                        InboxFile.path == stored_name(path),
                        InboxFile.status == FileStatus.REJECTED.value,
                        InboxFile.moved_to.is_(None),
                    )
                ).first()
                if earlier is None:
                    self._insert_files(session, [candidate])
                else:
                    candidate.action = _Action.RESUME_REJECT
                    candidate.file_id, candidate.reason, candidate.detail = earlier[:3]
                    candidate.move_attempts = earlier.move_attempts
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
                gone = [row.id for row in rows if not os.path.lexists(path_from_stored(row.path))]
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
        position = 0
        while position < len(paths):  # a batch at a time, so that a group never holds too much at once
            candidates: list[_Candidate] = []
            held = 0
            while position < len(paths) and (not candidates or held < BATCH_BYTES):
                path = paths[position]
                position += 1
                candidate = self._read(path)
                if candidate is None:
                    results[path] = IngestResult(path, Outcome.VANISHED)
                elif candidate.identity is None:  # changed while it was read
                    results[path] = IngestResult(path, Outcome.CHANGED)
                else:
                    candidates.append(candidate)
                    held += candidate.held_bytes()
            if candidates:
                results.update(self._ingest_batch(candidates))
        return [results[path] for path in paths]

    def _ingest_batch(self, candidates: list[_Candidate]) -> dict[Path, IngestResult]:
        """Record, send and move files read and parsed; results by path."""
        results: dict[Path, IngestResult] = {}
        try:
            with self.database.session() as session:
                self._plan(session, candidates)
                self._insert_files(session, candidates)
                # Last check before the commit: a writer that went on after the read must not
                # leave its file recorded (and moved) cut short.
                changed = [c.path for c in candidates if not self._unchanged(c)]
                if changed:
                    raise _ChangedWhileReading(changed)
        except _ChangedWhileReading as exc:
            results.update((path, IngestResult(path, Outcome.CHANGED)) for path in exc.paths)
            rest = [c.path for c in candidates if c.path not in results]
            if rest:
                results.update(zip(rest, self._ingest_many(rest), strict=True))
            return results
        except IntegrityError:
            # Another watcher committed some of the same bytes between our check and our insert:
            # take the files one at a time, so each sees the other's rows.
            if len(candidates) > 1:
                for candidate in candidates:
                    results[candidate.path] = self._ingest_many([candidate.path])[0]
                return results
            raise
        self._send(candidates)
        self._dispose(candidates)
        results.update((c.path, self._result(c)) for c in candidates)
        return results

    def _read(self, path: Path) -> _Candidate | None:
        """The file read and parsed; None if it vanished; `identity` None if it changed while read."""
        read = read_file(
            path, max_bytes=self.settings.max_file_bytes, follow_links_into=self.settings.follow_links_into
        )
        if read is None:
            return None
        candidate = _Candidate(path, read.size, read.digest, read.modified_at, read.identity)
        if read.changed:
            candidate.identity = None
        elif read.refusal is not None:
            candidate.error = read.refusal
        else:
            assert read.data is not None
            try:
                candidate.parsed = parse_file(stored_name(path.name), read.data, self.limits)
            except RejectedInput as exc:
                # A fresh error without the traceback: its frames would keep what was unpacked alive
                # (up to MAX_FILE_BYTES a file) until the whole batch is done.
                candidate.error = RejectedInput(exc.reason, exc.message)
        return candidate

    def _unchanged(self, candidate: _Candidate) -> bool:
        if candidate.action not in (_Action.STORE, _Action.REJECT, _Action.DUPLICATE):
            return True  # nothing new is recorded from its content
        return current_identity(candidate.path, self.settings.follow_links_into) == candidate.identity

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
                InboxFile.finished_at,
                InboxFile.move_attempts,
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
        path = stored_name(candidate.path)
        for row in rows:
            if row.path != path:
                continue
            candidate.file_id, candidate.reason, candidate.detail = row.id, row.reason, row.detail
            candidate.move_attempts = row.move_attempts
            if row.status == FileStatus.RECEIVED:
                return _Action.RESUME
            if row.status == FileStatus.REJECTED and row.moved_to is None:
                return _Action.RESUME_REJECT if self.move_rejected else _Action.SKIP
            if row.status == FileStatus.DUPLICATE and row.finished_at is None:
                return _Action.RESUME_DUPLICATE
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
                candidate.duplicate_of = (original.file_id, stored_name(original.path.name))
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
            "name": stored_name(candidate.path.name),
            "path": stored_name(candidate.path),
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
        # A file whose move failed before was sent then: only a run interrupted before sending resends.
        interrupted = [c for c in candidates if c.action is _Action.RESUME and not c.move_attempts]
        if interrupted:
            with self.database.session() as session:
                ids += session.execute(
                    select(Document.id)
                    .where(
                        Document.inbox_file_id.in_([c.file_id for c in interrupted]),
                        Document.status == DocumentStatus.QUEUED.value,
                    )
                    .order_by(Document.id)
                ).scalars()
            for candidate in interrupted:
                log.info(
                    "%s: resuming after an interrupted run (file #%s)",
                    stored_name(candidate.path.name),
                    candidate.file_id,
                )
        if ids:
            self.enqueue(ids)

    def _dispose(self, candidates: Sequence[_Candidate]) -> None:
        """Take each file out of the inbox as configured, then record where it went.

        A file that cannot be moved (permissions, a full disk) keeps its committed rows; the attempt
        is counted on its row and, after MAX_MOVE_ATTEMPTS, the file is recorded as stuck.
        """
        updates: list[dict[str, Any]] = []
        now = datetime.now(UTC)
        for candidate in candidates:
            try:
                if candidate.action in (
                    _Action.STORE,
                    _Action.RESUME,
                    _Action.DUPLICATE,
                    _Action.RESUME_DUPLICATE,
                ):
                    moved_to = self._finish_file(candidate.path)
                    if moved_to is not None and candidate.parsed is not None and candidate.parsed.rejections:
                        self._write_refused_parts(moved_to, candidate.parsed.rejections)
                    status = (
                        FileStatus.PROCESSED
                        if candidate.action in (_Action.STORE, _Action.RESUME)
                        else FileStatus.DUPLICATE
                    )
                elif candidate.action in (_Action.REJECT, _Action.RESUME_REJECT):
                    moved_to = self._move_rejected(candidate)
                    if moved_to is None:
                        continue
                    status = FileStatus.REJECTED
                else:
                    continue
            except OSError as exc:
                self._move_failed(candidate, exc)
                continue
            updates.append(
                {
                    "id": candidate.file_id,
                    "status": status.value,
                    "finished_at": now,
                    "moved_to": stored_name(moved_to) if moved_to else None,
                    "stuck_reason": None,
                }
            )
        if updates:
            with self.database.session() as session:
                session.execute(update(InboxFile), updates)

    def _move_failed(self, candidate: _Candidate, error: OSError) -> None:
        folder = "rejected/" if candidate.action in (_Action.REJECT, _Action.RESUME_REJECT) else "processed/"
        candidate.move_error = f"could not leave the inbox for {folder}: {error.strerror or error}"
        with self.database.session() as session:
            attempts = session.execute(
                update(InboxFile)
                .where(InboxFile.id == candidate.file_id)
                .values(move_attempts=InboxFile.move_attempts + 1)
                .returning(InboxFile.move_attempts)
            ).scalar_one()
            candidate.move_attempts = attempts
            if attempts >= MAX_MOVE_ATTEMPTS:
                candidate.stuck = True
                session.execute(
                    update(InboxFile)
                    .where(InboxFile.id == candidate.file_id)
                    .values(stuck_reason=f"{candidate.move_error} ({attempts} attempts)")
                )

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
            log.warning("%s vanished before it could be moved; its rows are committed", stored_name(path))
        return None

    def _write_refused_parts(self, moved_to: Path, rejections: Sequence[PartRejection]) -> None:
        """`<name>.rejected.txt` beside a processed file: each refused line or member, one line each."""
        note = moved_to.with_name(fitting_name(moved_to.name, ".rejected.txt"))
        lines = [
            stored_name(f"{r.where()}: {r.reason}: {r.message}: {r.excerpt[:REFUSED_EXCERPT_CHARS]}")
            for r in rejections
        ]
        try:
            note.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError as exc:  # the documents rows hold every refusal; the note is a courtesy
            log.warning("%s: could not write %s: %s", stored_name(moved_to.name), note.name, exc)

    def _move_rejected(self, candidate: _Candidate) -> Path | None:
        if not self.move_rejected:
            return None  # left where it is; the row says why it was refused
        folder = self.settings.rejected_path
        folder.mkdir(parents=True, exist_ok=True)
        target = unique_target(folder, candidate.path.name)
        try:
            os.replace(candidate.path, target)
        except FileNotFoundError:
            log.warning("%s vanished before it could be moved to rejected/", stored_name(candidate.path))
            return None
        recorded = datetime.now(UTC).isoformat(timespec="seconds")
        note = target.with_name(fitting_name(target.name, ".error.txt"))
        # Every value on its own line, escaped: a name or a message cannot forge a line.
        lines = [
            f"file: {stored_name(candidate.path.name)}",
            f"reason: {candidate.reason}",
            *(stored_name(line) for line in (candidate.detail or "").splitlines()),
            f"recorded as inbox_files.id = {candidate.file_id} at {recorded}",
        ]
        try:
            note.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError as exc:  # the row holds the reason; the note is a courtesy
            log.warning("%s: could not write %s: %s", stored_name(candidate.path.name), note.name, exc)
        return target

    def _result(self, candidate: _Candidate) -> IngestResult:
        return dataclasses.replace(
            self._outcome(candidate), move_error=candidate.move_error, stuck=candidate.stuck
        )

    def _outcome(self, candidate: _Candidate) -> IngestResult:
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
        if candidate.action in (_Action.DUPLICATE, _Action.RESUME_DUPLICATE):
            return IngestResult(path, Outcome.DUPLICATE, file_id, detail=candidate.detail)
        return IngestResult(path, Outcome.ALREADY_DONE, file_id)


class _ChangedWhileReading(Exception):
    """Rolls back a group's transaction when some of its files changed after they were read."""

    def __init__(self, paths: Sequence[Path]) -> None:
        super().__init__(f"{len(paths)} file(s) changed while being read")
        self.paths = paths


def _rejections_detail(rejections: Sequence[PartRejection]) -> str:
    lines = [f"{r.where()}: {r.reason}: {r.message}" for r in rejections[:50]]
    if len(rejections) > 50:
        lines.append(f"... and {len(rejections) - 50} more (see documents with status rejected)")
    return "\n".join(lines)
