"""How every Marsad process writes its log: lines for people, or one JSON object a line.

`LOG_FORMAT=json` makes each line an object with `time` (UTC, ISO 8601), `level`, `logger`, `role`
(watcher, worker, ...), `message`, and the fields the call passed in `extra` (`file`, `document_id`,
`outcome`, ...), so a log collector can filter on them without parsing the message. The text format
shows the same fields only through the message, which already names them.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from workers.settings import LogFormat, Settings

# Libraries whose INFO lines say nothing an operator needs.
_QUIET_LOGGERS = ("watchdog", "pgserver", "alembic")
# What every LogRecord carries; anything else on a record came from `extra` and is one of its fields.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines in the message are escaped by JSON)."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "role": self.role,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def log_handler(settings: Settings, role: str) -> logging.Handler:
    handler = logging.StreamHandler()
    if settings.log_format is LogFormat.JSON:
        handler.setFormatter(JsonLineFormatter(role))
    else:
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s {role:<7} %(levelname)-7s %(message)s", datefmt="%H:%M:%S")
        )
    return handler


def configure_logging(settings: Settings, role: str) -> None:
    """The root logger writes to stderr in the configured format at LOG_LEVEL; this replaces any setup."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.addHandler(log_handler(settings, role))
    root.setLevel(settings.log_level)
    for noisy in _QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def configure_celery_logging(settings: Settings, role: str) -> None:
    """Make Celery's worker and beat log through `configure_logging` instead of setting up their own.

    Celery skips its own setup when a receiver is connected to `setup_logging`; its task loggers then
    propagate to the root logger configured here.
    """
    from celery.signals import setup_logging

    def setup(**_: Any) -> None:
        configure_logging(settings, role)

    setup_logging.connect(setup, weak=False)
