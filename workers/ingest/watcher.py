"""The inbox watcher: notices finished files and hands them to the `Ingestor`, one at a time.

A file is read only once it is finished: after a close-write or a rename into the inbox followed by a
short quiet spell, or, when no such event is seen (files found by a scan, network file systems), once
its size and modification time have not changed for SETTLE_SECONDS; and, in both cases, once no process
holds it open for writing and its content ends as its format must (`readiness`). A file that changed
while it was read waits twice as long before the next try. The inbox is scanned at start (files
dropped while the watcher was down) and every RESCAN_INTERVAL seconds (missed or overflowed events).
A database outage leaves files where they are and retries them with backoff; a file that cannot be moved
out is retried a few times, then reported as stuck; nothing stops the loop.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from workers.errors import TransientError
from workers.ingest.inbox import Ingestor, IngestResult, Outcome
from workers.ingest.names import stored_name
from workers.ingest.readiness import UNFINISHED_PATIENCE_SECONDS, open_for_writing, unfinished_content
from workers.retry import compute_backoff
from workers.settings import Settings

log = logging.getLogger(__name__)

TEMPORARY_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", ".swp", ".download")
# After a close-write or rename, the file must stay unchanged this long before it is read: a writer
# that closes and at once reopens to append is given a moment to do so.
CLOSE_GRACE_SECONDS = 0.2
_TICK_SECONDS = 0.05
_MAX_RETRY_DELAY = 30.0
# A file whose ingestion fails this many times for a reason other than an unreachable database is
# refused (moved to rejected/ with reason processing_error) rather than retried forever.
UNEXPECTED_FAILURES_BEFORE_REJECTING = 3
# Files ingested in one transaction when many are ready at once.
GROUP_FILES = 200
# The longest quiet spell a file is made to wait after it changed while being read.
_MAX_QUIET_SECONDS = 30.0


def is_ignored_name(name: str) -> bool:
    """Dotfiles and names of files still being written (`*.part`, `*.tmp`, `~*`, ...)."""
    return name.startswith((".", "~")) or name.endswith("~") or name.lower().endswith(TEMPORARY_SUFFIXES)


class Signal(Enum):
    CHANGED = "changed"  # created or modified: not finished yet
    FINISHED = "finished"  # closed after writing, or renamed into the inbox
    GONE = "gone"


@dataclass
class PendingFile:
    signature: tuple[int, int]
    stable_since: float
    finished: bool
    not_before: float = 0.0
    failures: int = 0
    changed_while_read: int = 0  # each time doubles the quiet spell it must keep
    waiting_for: str | None = None  # why a quiet file is not read yet (said once in the log)


class _Handler(FileSystemEventHandler):
    def __init__(
        self, accept: Callable[[Path], bool], events: queue.SimpleQueue[tuple[Signal, Path]]
    ) -> None:
        self._accept = accept
        self._events = events

    def _put(self, signal: Signal, raw_path: str | bytes) -> None:
        path = Path(os.fsdecode(raw_path))
        if self._accept(path):
            self._events.put((signal, path))

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        if isinstance(event, FileMovedEvent):
            self._events.put((Signal.GONE, Path(os.fsdecode(event.src_path))))
            self._put(Signal.FINISHED, event.dest_path)
        elif isinstance(event, FileClosedEvent):
            self._put(Signal.FINISHED, event.src_path)
        elif isinstance(event, FileCreatedEvent | FileModifiedEvent):
            self._put(Signal.CHANGED, event.src_path)


class InboxWatcher:
    def __init__(
        self,
        settings: Settings,
        ingestor: Ingestor,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_rescan: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.ingestor = ingestor
        self.clock = clock
        # Called after the first scan and each rescan: the heartbeat `marsad health` reads.
        self.on_rescan = on_rescan or (lambda: None)
        self.inbox = settings.inbox_dir
        self._excluded = (settings.processed_path, settings.rejected_path)
        self.pending: dict[Path, PendingFile] = {}
        # Files handled by this process, with the signature they had: a rescan skips them unless changed.
        self.handled: dict[Path, tuple[int, int]] = {}
        self.events: queue.SimpleQueue[tuple[Signal, Path]] = queue.SimpleQueue()
        self._database_down_since: float | None = None

    # -- what to look at ------------------------------------------------------------------------

    def accepts(self, path: Path) -> bool:
        if is_ignored_name(path.name):
            return False
        try:
            relative = path.relative_to(self.inbox)
        except ValueError:
            return False
        if any(part.startswith(".") for part in relative.parts[:-1]):
            return False
        return not any(path.is_relative_to(excluded) for excluded in self._excluded)

    def scan(self) -> int:
        """Add every inbox file not yet handled to the pending set; returns how many were added."""
        added = 0
        for path in self._walk(self.inbox):
            signature = _signature(path)
            if signature is None or path in self.pending or self.handled.get(path) == signature:
                continue
            self.pending[path] = PendingFile(signature, self.clock(), finished=False)
            added += 1
        return added

    def _walk(self, folder: Path) -> Iterator[Path]:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith(".") and not any(path == e for e in self._excluded):
                    yield from self._walk(path)
            elif self.accepts(path):  # links, FIFOs and devices too: the ingestor refuses them
                yield path

    # -- events ---------------------------------------------------------------------------------

    def note(self, signal: Signal, path: Path) -> None:
        if signal is Signal.GONE:
            self.pending.pop(path, None)
            return
        signature = _signature(path)
        if signature is None:
            self.pending.pop(path, None)
            return
        now = self.clock()
        entry = self.pending.get(path)
        if entry is None:
            if signal is Signal.CHANGED and self.handled.get(path) == signature:
                return  # a late event about a file already handled
            self.pending[path] = PendingFile(signature, now, finished=signal is Signal.FINISHED)
            return
        if signature != entry.signature:
            entry.signature, entry.stable_since = signature, now
        entry.finished = signal is Signal.FINISHED

    def drain_events(self) -> None:
        while True:
            try:
                signal, path = self.events.get_nowait()
            except queue.Empty:
                return
            self.note(signal, path)

    # -- readiness and ingestion ----------------------------------------------------------------

    def ready_files(self) -> list[Path]:
        """Pending files that are finished now, oldest first."""
        now = self.clock()
        quiet_files: list[tuple[float, Path]] = []
        for path, entry in list(self.pending.items()):
            if entry.not_before > now:
                continue
            if now - entry.stable_since < self._quiet(entry):
                continue
            signature = _signature(path)
            if signature is None:
                del self.pending[path]
            elif signature != entry.signature:
                entry.signature, entry.stable_since, entry.finished = signature, now, False
            else:
                quiet_files.append((entry.stable_since, path))
        held = open_for_writing([path for _, path in quiet_files])
        ready = []
        for stable_since, path in sorted(quiet_files):
            entry = self.pending[path]
            waiting_for = "held open for writing by another process" if path in held else None
            if waiting_for is None and now - stable_since < UNFINISHED_PATIENCE_SECONDS:
                waiting_for = unfinished_content(path)
            if waiting_for is None:
                if entry.waiting_for is not None:
                    log.info("%s: ready (was waiting: %s)", stored_name(path.name), entry.waiting_for)
                ready.append(path)
                continue
            if entry.waiting_for != waiting_for:
                log.info("%s: not read yet, %s", stored_name(path.name), waiting_for)
            entry.waiting_for = waiting_for
            entry.not_before = now + self._quiet(entry)
        return ready

    def _quiet(self, entry: PendingFile) -> float:
        base = CLOSE_GRACE_SECONDS if entry.finished else self.settings.settle_seconds
        if entry.changed_while_read:
            base = min(
                max(base, self.settings.settle_seconds, 0.5) * 2**entry.changed_while_read, _MAX_QUIET_SECONDS
            )
        return base

    def process_ready(self, stop: threading.Event | None = None) -> list[IngestResult]:
        """Ingest the files that are ready, in groups; returns what became of them."""
        results: list[IngestResult] = []
        ready = self.ready_files()
        groups = [ready[start : start + GROUP_FILES] for start in range(0, len(ready), GROUP_FILES)]
        for number, group in enumerate(groups):
            if stop is not None and stop.is_set():
                break
            try:
                done = self.ingestor.ingest_many(group)
            except TransientError as exc:
                for path in [p for later in groups[number:] for p in later]:  # all wait with this group
                    self._retry_later(path, self.pending[path], exc, transient=True)
                break
            except Exception:  # a bug must not stop the watcher: find the file it concerns
                log.exception("ingesting a group of %d file(s) failed; taking them one at a time", len(group))
                done = [r for r in (self._ingest_one(path) for path in group) if r is not None]
            else:
                self._database_back()
            for result in done:
                self._handled(result)
            results.extend(done)
        return results

    def _ingest_one(self, path: Path) -> IngestResult | None:
        entry = self.pending[path]
        try:
            return self.ingestor.ingest(path)
        except TransientError as exc:
            self._retry_later(path, entry, exc, transient=True)
        except Exception as exc:  # retry a few times, then refuse the file
            if entry.failures + 1 >= UNEXPECTED_FAILURES_BEFORE_REJECTING:
                log.exception(
                    "%s failed %d times; moving it to rejected/", stored_name(path), entry.failures + 1
                )
                return self._give_up(path, entry, exc)
            log.exception("unexpected error on %s; will retry", stored_name(path))
            self._retry_later(path, entry, exc, transient=False)
        return None

    def _handled(self, result: IngestResult) -> None:
        name = stored_name(result.path.name)
        entry = self.pending.get(result.path)
        if result.outcome is Outcome.CHANGED:
            if entry is not None:  # read it again once it has kept still for longer
                entry.changed_while_read += 1
                entry.stable_since, entry.finished = self.clock(), False
                signature = _signature(result.path)
                if signature is not None:
                    entry.signature = signature
            log.info("%s: changed while it was read; it will be read again when its writer is done", name)
            return
        if result.move_error is not None and not result.stuck and entry is not None:
            entry.failures += 1
            delay = compute_backoff(entry.failures, base=0.5, cap=_MAX_RETRY_DELAY)
            entry.not_before = self.clock() + delay
            log.warning(
                "%s: %s; its rows are committed; trying again in %.0fs", name, result.move_error, delay
            )
            return
        self.pending.pop(result.path, None)
        if entry is not None:
            self.handled[result.path] = entry.signature
        if result.stuck:
            log.error(
                "%s: stuck in the inbox, %s; its rows are committed; `marsad status` lists it",
                name,
                result.move_error,
            )
        elif result.outcome is not Outcome.VANISHED:
            log_outcome(result)

    def _database_back(self) -> None:
        if self._database_down_since is not None:
            log.info("database reachable again after %.0fs", self.clock() - self._database_down_since)
            self._database_down_since = None

    def _give_up(self, path: Path, entry: PendingFile, error: Exception) -> IngestResult | None:
        try:
            return self.ingestor.reject_unreadable(path, error)
        except Exception as exc:
            self._retry_later(path, entry, exc, transient=True)
            return None

    def _retry_later(self, path: Path, entry: PendingFile, exc: Exception, *, transient: bool) -> None:
        entry.failures += 1
        delay = compute_backoff(entry.failures, base=0.5, cap=_MAX_RETRY_DELAY)
        entry.not_before = self.clock() + delay
        if transient and self._database_down_since is None:
            self._database_down_since = self.clock()
            log.warning("database unavailable (%s); %d file(s) wait in the inbox", exc, len(self.pending))

    # -- the loop -------------------------------------------------------------------------------

    def recover(self) -> None:
        try:
            recovered = self.ingestor.recover_interrupted()
        except TransientError as exc:
            log.warning("could not check for interrupted files: %s", exc)
            return
        if recovered:
            log.info("marked %d interrupted file(s) as processed", recovered)

    def run(self, stop: threading.Event, on_ready: Callable[[], None] | None = None) -> None:
        """Watch until `stop` is set."""
        for folder in (self.inbox, self.settings.processed_path, self.settings.rejected_path):
            folder.mkdir(parents=True, exist_ok=True)
        observer = Observer()
        observer.schedule(_Handler(self.accepts, self.events), str(self.inbox), recursive=True)
        observer.start()
        try:
            self.recover()
            found = self.scan()
            self.on_rescan()
            log.info("watching %s (%d file(s) waiting from before)", self.inbox, found)
            if on_ready is not None:
                on_ready()
            next_scan = self.clock() + self.settings.rescan_interval
            while not stop.is_set():
                self.drain_events()
                self.process_ready(stop)
                if self.clock() >= next_scan:
                    self.recover()
                    if added := self.scan():
                        log.info("rescan found %d file(s) without events", added)
                    self._forget_departed()
                    self.on_rescan()
                    next_scan = self.clock() + self.settings.rescan_interval
                stop.wait(_TICK_SECONDS)
        finally:
            observer.stop()
            observer.join(timeout=5)

    def _forget_departed(self) -> None:
        for path in [p for p in self.handled if not os.path.lexists(p)]:
            del self.handled[path]


def log_outcome(result: IngestResult) -> None:
    """One line for the file, and one for each of its lines or members that was refused."""
    fields = {
        "file": stored_name(result.path.name),
        "file_id": result.file_id,
        "outcome": result.outcome.value,
        "documents": result.documents,
        "reason": result.reason,
    }
    (log.warning if result.outcome is Outcome.REJECTED else log.info)("%s", result.summary(), extra=fields)
    for part in result.rejections:
        log.warning(
            "%s: %s refused, %s: %s",
            fields["file"],
            part.where(),
            part.reason,
            part.message,
            extra={
                "file": fields["file"],
                "file_id": result.file_id,
                "line": part.line,
                "member": part.member,
                "outcome": "rejected",
                "reason": part.reason.value,
            },
        )


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.lstat(path)  # a link's own, never its target's
    except (FileNotFoundError, NotADirectoryError):
        return None
    return stat.st_size, stat.st_mtime_ns
