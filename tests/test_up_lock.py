"""One `marsad up` per state folder: the lock on STATE_DIR/up.lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from workers.errors import AlreadyRunningError
from workers.up_lock import LOCK_FILE, UpLock

HOLD = (
    "import sys, time; from pathlib import Path; from workers.up_lock import UpLock; "
    "UpLock.acquire(Path(sys.argv[1])); print('held', flush=True); time.sleep(60)"
)


def hold_in_another_process(state_dir: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(state_dir)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_up_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path)
    try:
        with pytest.raises(AlreadyRunningError, match=rf"pid {holder.pid} holds .*{LOCK_FILE}"):
            UpLock.acquire(tmp_path)
    finally:
        holder.kill()
        holder.wait()


def test_up_lock_is_free_again_once_its_holder_is_killed(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with UpLock.acquire(tmp_path) as lock:  # no stale lock, though the file and its pid remain
        assert lock.path.read_text().strip() == str(os.getpid())


def test_up_lock_released_lets_the_next_one_take_it(tmp_path: Path) -> None:
    first = UpLock.acquire(tmp_path)
    with pytest.raises(AlreadyRunningError, match=f"pid {os.getpid()}"):
        UpLock.acquire(tmp_path)  # flock locks belong to an open file, so this process counts too
    first.release()
    UpLock.acquire(tmp_path).release()
