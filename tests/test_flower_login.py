"""Flower's login and options: never open, a generated password made once and kept private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workers.errors import ConfigurationError
from workers.flower import (
    DATABASE_FILE,
    LOGIN_FILE,
    LoginSource,
    flower_login,
    flower_options,
    login_banner,
)
from workers.settings import Settings


def settings_for(state_dir: Path, **values: object) -> Settings:
    return Settings(state_dir=state_dir, _env_file=None, **values)  # type: ignore[arg-type]


def test_flower_login_is_generated_once_into_a_private_file_and_then_reused(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "state")
    first = flower_login(settings)
    again = flower_login(settings)
    path = tmp_path / "state" / LOGIN_FILE
    assert first.source is LoginSource.GENERATED and again.source is LoginSource.STORED
    assert again.credentials == first.credentials == path.read_text().strip()
    user, password = first.credentials.split(":")
    assert user == "marsad" and len(password) >= 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_flower_login_banner_shows_the_password_only_when_generated(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    generated = flower_login(settings)
    password = generated.credentials.split(":")[1]
    assert password in login_banner(generated)
    stored = flower_login(settings)
    assert password not in login_banner(stored) and str(tmp_path / LOGIN_FILE) in login_banner(stored)
    assert password not in repr(stored)


def test_flower_login_from_settings_wins_and_writes_nothing(tmp_path: Path) -> None:
    login = flower_login(settings_for(tmp_path, flower_basic_auth="ops:s3cret"))
    assert login.credentials == "ops:s3cret" and login.source is LoginSource.SETTINGS
    assert not (tmp_path / LOGIN_FILE).exists()
    assert "s3cret" not in login_banner(login)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_flower_login_refuses_a_non_loopback_address_without_a_configured_login(
    tmp_path: Path, host: str
) -> None:
    with pytest.raises(ConfigurationError, match="MARSAD_FLOWER_BASIC_AUTH"):
        flower_login(settings_for(tmp_path, flower_host=host))
    assert not (tmp_path / LOGIN_FILE).exists()


def test_flower_login_file_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / LOGIN_FILE
    path.write_text("alice:pw-from-before\n")
    path.chmod(0o644)
    login = flower_login(settings_for(tmp_path))
    assert login.credentials == "alice:pw-from-before" and login.source is LoginSource.STORED
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_flower_login_file_without_a_password_is_refused(tmp_path: Path) -> None:
    (tmp_path / LOGIN_FILE).write_text("just-a-name\n")
    with pytest.raises(ConfigurationError, match="user:password"):
        flower_login(settings_for(tmp_path))


def test_flower_options_keep_the_history_in_the_state_folder(tmp_path: Path) -> None:
    options = flower_options(settings_for(tmp_path, flower_port=5601, flower_max_tasks=500))
    assert "--persistent=True" in options and f"--db={tmp_path / DATABASE_FILE}" in options
    assert "--max_tasks=500" in options and "--port=5601" in options
    assert "--address=127.0.0.1" in options
