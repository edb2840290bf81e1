"""Is a writer done with a file? Evidence beyond a quiet spell.

A quiet spell alone cannot tell a finished file from one whose writer paused: a scraper that writes a
line every few seconds looks finished between lines. Before a file is read, the watcher also asks:
- does a process hold it open for writing? (Linux tells, through /proc, for the processes we may see);
- does its content end as its format must? (a JSONL ends with a newline, a zip with its central
  directory, a gzip stream with its end marker).
A file that fails either waits longer. Files that stay unfinished past `UNFINISHED_PATIENCE_SECONDS`
are read as they are: their parse then says what is wrong with them.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path

# How long after its last change a file whose content looks cut short is still waited for: longer
# than the pauses of a writer that closes and reopens its file between chunks.
UNFINISHED_PATIENCE_SECONDS = 15.0
_PROC = Path("/proc")
_WRITE_MODES = (os.O_WRONLY, os.O_RDWR)
_GZIP_CHUNK = 1 << 20


def open_for_writing(paths: Collection[Path]) -> set[Path]:
    """Those of `paths` that some process we can inspect holds open for writing.

    Reads /proc/<pid>/fd and fdinfo; on a platform without /proc, or for processes of other users
    that we may not inspect, nothing is known and nothing is returned.
    """
    if not paths or not _PROC.is_dir():
        return set()
    wanted = {os.path.realpath(path): path for path in paths}
    found: set[Path] = set()
    for pid in os.listdir(_PROC):
        if not pid.isdigit():
            continue
        fd_dir = _PROC / pid / "fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd_dir / fd)
            except OSError:
                continue
            path = wanted.get(target)
            if path is not None and path not in found and _writable(_PROC / pid / "fdinfo" / fd):
                found.add(path)
    return found


def _writable(fdinfo: Path) -> bool:
    try:
        for line in fdinfo.read_text().splitlines():
            if line.startswith("flags:"):
                return int(line.split()[1], 8) & os.O_ACCMODE in _WRITE_MODES
    except (OSError, ValueError, IndexError):
        pass
    return False


def unfinished_content(path: Path) -> str | None:
    """Why the content of `path` looks cut short, or None when it ends as its format must."""
    name = path.name.lower()
    try:
        if name.endswith(".jsonl") or name.endswith(".ndjson"):
            return _jsonl_unfinished(path)
        if name.endswith(".zip"):
            return None if zipfile.is_zipfile(path) else "no zip central directory at its end yet"
        if name.endswith(".gz"):
            return _gzip_unfinished(path)
    except OSError:
        return None  # gone or unreadable: the ingestor says so
    return None


def _jsonl_unfinished(path: Path) -> str | None:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return None
        handle.seek(-1, os.SEEK_END)
        return None if handle.read(1) == b"\n" else "its last line has no newline yet"


def _gzip_unfinished(path: Path) -> str | None:
    """Streams the gzip members through zlib, output discarded, to see whether the last one ended."""
    decompressor = zlib.decompressobj(wbits=31)
    inside = False  # some bytes of a member were read and its end marker not yet
    with path.open("rb") as handle:
        while chunk := handle.read(_GZIP_CHUNK):
            data = chunk
            while True:
                inside = True
                try:
                    out = decompressor.decompress(data, _GZIP_CHUNK)
                except zlib.error:
                    return None  # not a gzip stream: the parse says what it is
                if decompressor.eof:  # a member ended; another may follow
                    data, inside = decompressor.unused_data, False
                    decompressor = zlib.decompressobj(wbits=31)
                    if not data:
                        break
                    continue
                data = decompressor.unconsumed_tail
                if not data and not out:
                    break  # needs more input
    return "its gzip stream has no end marker yet" if inside else None
