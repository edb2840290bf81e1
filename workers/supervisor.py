"""`marsad up`: every Marsad process as a child of one command, stopped together.

Each child runs in its own session (process group) so that a stop reaches the processes it spawned
(Celery's pool, for one); each also gets SIGTERM from the kernel if the supervisor itself dies
(PR_SET_PDEATHSIG), so no child outlives it. The embedded servers are not children (they are shared
with other Marsad commands), but they are watched as well and restarted when they die.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from workers.errors import MarsadError
from workers.retry import compute_backoff

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
_RESTART_DELAY = 2.0
_SERVER_RESTART_DELAY = 1.0
_MAX_RESTART_DELAY = 60.0
_STOP_TIMEOUT = 20.0


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the process-group stop still applies
        pass


@dataclass
class Child:
    name: str
    argv: Sequence[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


class Server(Protocol):
    """A server the children need (the embedded PostgreSQL or Redis), restarted in place if it dies."""

    name: str

    def is_running(self) -> bool: ...

    def restart(self) -> None: ...


@dataclass
class _Revival:
    failures: int = 0
    next_try: float = 0.0


class Supervisor:
    def __init__(
        self, children: Sequence[Child], env: Mapping[str, str], servers: Sequence[Server] = ()
    ) -> None:
        self.children = list(children)
        self.env = dict(env)
        self.servers = list(servers)
        self._revivals = {id(server): _Revival() for server in self.servers}
        self.stopping = threading.Event()

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            list(child.argv),
            env={**self.env, **child.extra},
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        child.started_at = time.monotonic()
        log.info("started %s (pid %d)", child.name, child.process.pid)

    def watch(self) -> None:
        """Restart servers that die and children that exit on their own, until `stopping` is set."""
        while not self.stopping.wait(0.5):
            self._revive_servers()
            for child in self.children:
                if child.process is None or child.process.poll() is None:
                    continue
                code = child.process.returncode
                # A child that keeps dying (a port in use, say) is restarted ever more slowly.
                delay = compute_backoff(child.restarts + 1, base=_RESTART_DELAY, cap=_MAX_RESTART_DELAY)
                if time.monotonic() - child.started_at < delay:
                    continue
                child.restarts += 1
                log.warning(
                    "%s exited with code %s; restarting (restart #%d)", child.name, code, child.restarts
                )
                self._spawn(child)

    def _revive_servers(self) -> None:
        for server in self.servers:
            revival = self._revivals[id(server)]
            if self.stopping.is_set() or time.monotonic() < revival.next_try or server.is_running():
                continue
            log.warning("the embedded %s is not running; restarting it", server.name)
            try:
                server.restart()
            except MarsadError as exc:  # a killed PostgreSQL's backends linger a moment: try again later
                revival.failures += 1
                delay = compute_backoff(revival.failures, base=_SERVER_RESTART_DELAY, cap=_MAX_RESTART_DELAY)
                revival.next_try = time.monotonic() + delay
                log.warning("%s; trying again in %.0fs", exc, delay)
                continue
            revival.failures = 0
            log.warning("restarted the embedded %s", server.name)

    def pids(self) -> list[int]:
        return [c.process.pid for c in self.children if c.process is not None]

    def stop(self) -> None:
        """SIGTERM every child's process group, wait, then SIGKILL what is left."""
        self.stopping.set()
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        for child in running:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + _STOP_TIMEOUT
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in %.0fs; killing it", child.name, _STOP_TIMEOUT)
        for child in self.children:
            # Also sweeps grandchildren left in the group after their leader exited.
            _signal_group(child, signal.SIGKILL)
            if child.process is not None:
                child.process.wait()


def _signal_group(child: Child, sig: signal.Signals) -> None:
    if child.process is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.process.pid, sig)
