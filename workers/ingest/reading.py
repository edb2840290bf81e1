"""Reading one inbox file safely: only regular files, no links followed, nothing that can block.

What is opened is decided on `lstat` and checked again on the open descriptor (`O_NOFOLLOW`,
`O_NONBLOCK`), so a FIFO, a device, a socket or a link swapped in at the last moment is refused with a
reason and never opened; a symbolic link is followed only into the folders `FOLLOW_LINKS_INTO` names.
Each read records the file's identity (device, inode, size, modification time), so the ingestor can
tell whether the file changed between reading and committing.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from workers.errors import Reason, RejectedInput
from workers.ingest.names import NAME_MAX_BYTES, fitting_name, stored_name

_READ_CHUNK = 1 << 20
_KINDS = {
    stat.S_IFIFO: "named pipe (FIFO)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
    stat.S_IFDIR: "folder",
}

Identity = tuple[int, int, int, int]  # device, inode, size, modification time (ns)


@dataclass
class FileRead:
    """What was read from one inbox file, or why it was not."""

    path: Path
    size: int
    digest: str
    modified_at: datetime
    identity: Identity
    data: bytes | None = None  # None when refused unread (oversize, not a regular file, a link)
    refusal: RejectedInput | None = None
    changed: bool = False  # the file changed while it was being read


def identity_of(info: os.stat_result) -> Identity:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def current_identity(path: Path, follow_links_into: list[Path]) -> Identity | None:
    """The identity of what `read_file` would read at `path` now; None if it is gone."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) and _allowed_target(path, follow_links_into) is not None:
            info = os.stat(path)
    except OSError:
        return None
    return identity_of(info)


def read_file(path: Path, *, max_bytes: int, follow_links_into: list[Path]) -> FileRead | None:
    """Read `path` if it is a regular file (or an allowed link to one); None if it vanished."""
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    target = path
    if stat.S_ISLNK(info.st_mode):
        allowed = _allowed_target(path, follow_links_into)
        if allowed is None:
            return _refused(path, info, _link_refusal(path, follow_links_into))
        target = allowed
        try:
            info = os.stat(target)
        except OSError:
            return None
    if not stat.S_ISREG(info.st_mode):
        return _refused(path, info, _kind_refusal(info))
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:  # ELOOP: a link swapped in after the lstat
        return _refused(path, info, RejectedInput(Reason.SYMLINK, f"could not be opened safely: {exc}"))
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            return _refused(path, opened, _kind_refusal(opened))
        modified_at = datetime.fromtimestamp(opened.st_mtime, UTC)
        if opened.st_size > max_bytes:
            refusal = RejectedInput(
                Reason.OVERSIZE,
                f"{opened.st_size:,} bytes is over the limit of {max_bytes:,} (MAX_FILE_BYTES)",
            )
            _, digest = _digest(handle, keep=False)
            return FileRead(path, opened.st_size, digest, modified_at, identity_of(opened), refusal=refusal)
        data, digest = _digest(handle, keep=True)
        after = os.fstat(handle.fileno())
    changed = identity_of(after) != identity_of(opened) or len(data) != after.st_size
    return FileRead(path, len(data), digest, modified_at, identity_of(after), data=data, changed=changed)


def _digest(handle: BinaryIO, *, keep: bool) -> tuple[bytes, str]:
    digest = hashlib.sha256()
    chunks = []
    while chunk := handle.read(_READ_CHUNK):
        digest.update(chunk)
        if keep:
            chunks.append(chunk)
    return b"".join(chunks), digest.hexdigest()


def _allowed_target(path: Path, follow_links_into: list[Path]) -> Path | None:
    if not follow_links_into:
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target.is_file() and any(target.is_relative_to(folder) for folder in follow_links_into):
        return target
    return None


def _link_refusal(path: Path, follow_links_into: list[Path]) -> RejectedInput:
    try:
        shown = stored_name(os.readlink(path))
    except OSError:
        shown = "?"
    where = "inside FOLLOW_LINKS_INTO" if follow_links_into else "(FOLLOW_LINKS_INTO is empty)"
    return RejectedInput(
        Reason.SYMLINK,
        f"a symbolic link (to {shown}); links are not followed unless they lead to a file {where}",
    )


def _kind_refusal(info: os.stat_result) -> RejectedInput:
    kind = _KINDS.get(stat.S_IFMT(info.st_mode), "special file")
    return RejectedInput(Reason.NOT_REGULAR_FILE, f"a {kind}, not a regular file: it was not opened")


def _refused(path: Path, info: os.stat_result, refusal: RejectedInput) -> FileRead:
    # Nothing was read: the digest names the entry (path and kind), so it never matches real content.
    marker = b"\0".join([b"unread", os.fsencode(path), str(stat.S_IFMT(info.st_mode)).encode()])
    return FileRead(
        path,
        info.st_size,
        hashlib.sha256(marker).hexdigest(),
        datetime.fromtimestamp(info.st_mtime, UTC),
        identity_of(info),
        refusal=refusal,
    )


def unique_target(directory: Path, name: str) -> Path:
    """`directory/name`, or `name` with a counter before its suffixes if that is taken; shortened
    where the file system's name limit requires."""
    target = directory / fitting_name(name)
    if not os.path.lexists(target):
        return target
    # Room for "-99999" is kept, so that the counter is never what gets cut off.
    stem, dot, rest = fitting_name(name, limit=NAME_MAX_BYTES - 6).partition(".")
    for counter in range(1, 100_000):
        target = directory / f"{stem}-{counter}{dot}{rest}"
        if not os.path.lexists(target):
            return target
    raise FileExistsError(f"no free name for {stored_name(name)} in {directory}")
