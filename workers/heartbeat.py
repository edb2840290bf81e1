"""The watcher's heartbeat: the time of its last inbox rescan, kept in the broker's Redis.

The watcher records it at start and after every rescan (each RESCAN_INTERVAL); `marsad health` fails
when it is older than HEALTH_MAX_RESCAN_AGE. Redis rather than PostgreSQL because the watcher must say
it is alive even while the database is away (it keeps scanning then), and the write is one SET.
A Redis that restarted empty has no heartbeat until the next rescan.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from workers.broker import redis_client

log = logging.getLogger(__name__)

# Short: the watcher's loop must not wait on an unreachable broker.
_WRITE_TIMEOUT = 1.0


def heartbeat_key(queue_name: str) -> str:
    """One key per pipeline (deployments sharing a Redis use different queues)."""
    return f"marsad:{queue_name}:watcher:rescanned"


@dataclass(frozen=True)
class Rescan:
    """The watcher's last rescan as recorded: when (Unix time), by which process, of which inbox."""

    at: float
    host: str
    pid: int
    inbox: str

    def age(self, now: float | None = None) -> float:
        return max(0.0, (time.time() if now is None else now) - self.at)


class RescanHeartbeat:
    """Records each rescan; a broker that cannot be reached is logged once per outage, never raised."""

    def __init__(self, broker_url: str, queue_name: str, inbox: Path) -> None:
        self._client = redis_client(broker_url, _WRITE_TIMEOUT)
        self._key = heartbeat_key(queue_name)
        self._inbox = str(inbox)
        self._failing = False

    def record(self) -> None:
        value = {"at": time.time(), "host": socket.gethostname(), "pid": os.getpid(), "inbox": self._inbox}
        try:
            self._client.set(self._key, json.dumps(value))
        except redis.RedisError as exc:
            if not self._failing:
                log.warning("could not record the rescan heartbeat in the broker: %s", exc)
            self._failing = True
            return
        if self._failing:
            log.info("rescan heartbeat recorded again")
        self._failing = False

    def close(self) -> None:
        self._client.close()


def last_rescan(client: redis.Redis, queue_name: str) -> Rescan | None:
    """The last rescan recorded, or None if none is (raises RedisError when Redis cannot be reached)."""
    raw = client.get(heartbeat_key(queue_name))
    if raw is None:
        return None
    try:
        value = json.loads(raw)
        return Rescan(float(value["at"]), str(value["host"]), int(value["pid"]), str(value["inbox"]))
    except (ValueError, KeyError, TypeError):
        return None
