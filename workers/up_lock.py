"""One `marsad up` per state folder: an OS lock on STATE_DIR/up.lock, held for as long as it runs.

Two `up`s on one folder would run two watchers and two schedulers on the same embedded servers. The
lock is `flock`, which the kernel releases when its process ends, however it ends: a crashed `up` leaves
the file (with its pid in it, for the message) but never a stale lock. The descriptor is not inherited
by the children, so a child that outlives its `up` does not keep the folder locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from workers.errors import AlreadyRunningError

LOCK_FILE = "up.lock"
# The holder writes its pid just after taking the lock; a second `up` at that moment waits this long.
_PID_WAIT = 1.0


class UpLock:
    """STATE_DIR/up.lock, held by this process until `release` or its end."""

    def __init__(self, path: Path, descriptor: int) -> None:
        self.path = path
        self._descriptor: int | None = descriptor

    @classmethod
    def acquire(cls, state_dir: Path) -> UpLock:
        """Take the lock, or raise AlreadyRunningError naming the process that holds it."""
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / LOCK_FILE
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_pid(descriptor)
            os.close(descriptor)
            who = f"pid {holder}" if holder else "another process"
            raise AlreadyRunningError(
                f"marsad up is already running on {state_dir} ({who} holds {path}); "
                "stop it first, or give this one another STATE_DIR"
            ) from None
        except BaseException:
            os.close(descriptor)
            raise
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        return cls(path, descriptor)

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the last descriptor releases the lock
            self._descriptor = None

    def __enter__(self) -> UpLock:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _holder_pid(descriptor: int) -> int | None:
    deadline = time.monotonic() + _PID_WAIT
    while True:
        text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)
