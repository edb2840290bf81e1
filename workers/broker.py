"""Direct looks at the Redis broker, beside Celery: how many messages wait, and a client to ask.

Celery reaches Redis through kombu; the health check, the metrics and the watcher's heartbeat need only
a plain client with short timeouts, which never retries for long (a probe must not hang).
"""

from __future__ import annotations

from urllib.parse import parse_qs

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

SOCKET_SCHEME = "redis+socket://"


def redis_client(broker_url: str, timeout: float = 2.0) -> redis.Redis:
    """A client for BROKER_URL (redis://, rediss:// or redis+socket:///path?virtual_host=N)."""
    no_retry = Retry(NoBackoff(), 0)
    if broker_url.startswith(SOCKET_SCHEME):
        path, _, query = broker_url[len(SOCKET_SCHEME) :].partition("?")
        db = int(parse_qs(query).get("virtual_host", ["0"])[0] or 0)
        return redis.Redis(
            unix_socket_path=path,
            db=db,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=no_retry,
        )
    return redis.Redis.from_url(
        broker_url, socket_timeout=timeout, socket_connect_timeout=timeout, retry=no_retry
    )


def queue_length(client: redis.Redis, queue_name: str) -> int:
    """Messages waiting in a Celery queue (not those a worker has taken and not yet acknowledged)."""
    # kombu's Redis transport spreads priorities over `queue`, `queue\x06\x163`, ...
    names = [queue_name, *client.scan_iter(match=f"{queue_name}\x06\x16*")]
    return sum(int(client.llen(name)) for name in names)


def queue_depth(broker_url: str, queue_name: str, timeout: float = 2.0) -> int | None:
    """`queue_length`, or None when the broker cannot be reached."""
    try:
        with redis_client(broker_url, timeout) as client:
            return queue_length(client, queue_name)
    except redis.RedisError:
        return None
