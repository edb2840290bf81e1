"""The Celery configuration that the delivery guarantees rest on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from workers.celery_app import celery_config, create_app
from workers.errors import ConfigurationError
from workers.status import TaskName


def test_delivery_is_at_least_once_one_message_at_a_time(settings: Any) -> None:
    config = celery_config(settings)
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    assert config["broker_transport_options"]["visibility_timeout"] >= 2 * settings.stuck_after


def test_task_events_are_on_for_flower(settings: Any) -> None:
    config = celery_config(settings)
    assert config["worker_send_task_events"] is True and config["task_send_sent_event"] is True


def test_beat_runs_the_reconciler_at_the_configured_interval(settings_factory: Any) -> None:
    config = celery_config(settings_factory(reconcile_interval=7.5))
    entry = config["beat_schedule"]["reconcile"]
    assert entry["task"] == TaskName.RECONCILE.value and entry["schedule"] == timedelta(seconds=7.5)


def test_app_registers_the_pipeline_tasks(settings: Any) -> None:
    app = create_app(settings)
    app.loader.import_default_modules()
    assert {TaskName.PROCESS_DOCUMENTS.value, TaskName.RECONCILE.value} <= set(app.tasks)
    assert app.conf.task_default_queue == settings.queue_name


def test_missing_broker_url_is_a_clear_configuration_error(settings_factory: Any) -> None:
    with pytest.raises(ConfigurationError, match="BROKER_URL is not set"):
        celery_config(settings_factory(broker_url=None))
