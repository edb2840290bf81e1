"""Settings: names, defaults and start-up validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from workers.settings import AfterProcessing, Settings


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for key in ("DATABASE_URL", "BROKER_URL", "INBOX_DIR", "STATE_DIR"):
        monkeypatch.delenv(key, raising=False)
        monkeypatch.delenv(f"MARSAD_{key}", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)


def test_defaults_are_zero_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load(monkeypatch)
    assert settings.database_url is None and settings.broker_url is None
    assert settings.inbox_dir == tmp_path / "inbox" and settings.state_dir == tmp_path / ".marsad"
    assert settings.processed_path == tmp_path / "inbox" / "processed"
    assert settings.rejected_path == tmp_path / "inbox" / "rejected"
    assert settings.max_file_bytes == 50 * 1024 * 1024 and settings.after_processing is AfterProcessing.MOVE


@pytest.mark.parametrize("name", ["DATABASE_URL", "MARSAD_DATABASE_URL"])
def test_database_url_is_read_bare_or_prefixed(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    settings = load(monkeypatch, **{name: "postgresql+psycopg://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_plain_libpq_database_url_gets_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        load(monkeypatch, DATABASE_URL="postgresql://u:p@h:5432/db").database_url
        == "postgresql+psycopg://u:p@h:5432/db"
    )


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL"),
        ({"BROKER_URL": "amqp://guest@h//"}, "BROKER_URL"),
        ({"MARSAD_MAX_ATTEMPTS": "0"}, "max_attempts"),
        ({"MARSAD_AFTER_PROCESSING": "archive"}, "after_processing"),
        ({"MARSAD_LOG_LEVEL": "LOUD"}, "log_level"),
        ({"MARSAD_FLOWER_PORT": "70000"}, "flower_port"),
    ],
)
def test_wrong_values_fail_at_start_up_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        load(monkeypatch, **env)
    assert field in str(caught.value)


def test_explicit_folders_override_the_inbox_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load(monkeypatch, INBOX_DIR=str(tmp_path / "in"), MARSAD_REJECTED_DIR=str(tmp_path / "bad"))
    assert settings.processed_path == tmp_path / "in" / "processed"
    assert settings.rejected_path == tmp_path / "bad"
