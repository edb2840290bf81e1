"""The Celery application: Redis broker, at-least-once delivery, events on for Flower.

`app` is what `celery -A workers.celery_app` and `marsad worker` run. Its configuration is read from
the settings when first needed, so the CLI can start the embedded services and export their URLs
before any of it is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from celery import Celery

from workers.errors import ConfigurationError
from workers.settings import Settings, get_settings
from workers.status import TaskName

# Celery's own retries when publishing a message; the outbox gives up quickly and leaves the rest to
# the reconciler, so a missing broker never blocks the watcher for long.
_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 1.0}


def celery_config(settings: Settings) -> dict[str, Any]:
    if settings.broker_url is None:
        raise ConfigurationError(
            "BROKER_URL is not set: run `marsad up` / `marsad worker`, which start an embedded Redis, "
            "or set BROKER_URL=redis://host:6379/0"
        )
    return {
        "marsad_settings": settings,  # read by the tasks, so one process can host apps for several setups
        "broker_url": settings.broker_url,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # keep trying while Redis is away; never exit
        # Unacknowledged messages come back after this long if a worker vanished without rejecting
        # them; the reconciler usually gets there first.
        "broker_transport_options": {
            "visibility_timeout": max(3600, int(settings.stuck_after * 2)),
            "socket_connect_timeout": 5,  # an unreachable broker fails fast; the reconciler resends
        },
        "task_default_queue": settings.queue_name,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_publish_retry": True,
        "task_publish_retry_policy": _PUBLISH_RETRY_POLICY,
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "worker_hijack_root_logger": False,
        "worker_concurrency": settings.worker_concurrency,
        "worker_max_tasks_per_child": 10_000,
        "beat_schedule": {
            "reconcile": {
                "task": TaskName.RECONCILE.value,
                "schedule": timedelta(seconds=settings.reconcile_interval),
                "options": {"expires": settings.reconcile_interval},
            }
        },
        "beat_schedule_filename": str(settings.state_dir / "celerybeat-schedule"),
        "timezone": "UTC",
    }


class _SettingsConfig(Mapping[str, Any]):
    """Celery reads its configuration on first use; this defers reading the settings until then."""

    def __init__(self) -> None:
        self._config: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._config is None:
            self._config = celery_config(get_settings())
        return self._config

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def create_app(settings: Settings | None = None) -> Celery:
    """A Celery app with Marsad's tasks; configured from `settings`, or lazily from the environment."""
    celery = Celery("marsad", include=["workers.tasks"])
    if settings is None:
        celery.config_from_object(_SettingsConfig())
    else:
        celery.conf.update(celery_config(settings))
    return celery


app = create_app()
