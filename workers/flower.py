"""Flower as Marsad runs it: always behind a login, its history kept in the state folder.

The login is, in order: MARSAD_FLOWER_BASIC_AUTH; else, on a loopback address only, the one stored in
STATE_DIR/flower-login (mode 0600), made the first time it is needed with a random password that the
command making it prints once. A non-loopback address without MARSAD_FLOWER_BASIC_AUTH is refused:
a password printed into a container's log is no secret.

Flower checks the same basic-auth credentials on its pages and on its HTTP API (`/api/tasks`,
`/api/workers`); it only refuses API calls outright (401 whatever is sent) when no login is set at
all, which never happens here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from workers.errors import ConfigurationError
from workers.settings import Settings

log = logging.getLogger(__name__)

LOGIN_FILE = "flower-login"
DATABASE_FILE = "flower.db"
GENERATED_USER = "marsad"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# How often Flower writes its task history to disk, besides at a clean stop (milliseconds): a killed
# Flower loses at most this much.
_SAVE_INTERVAL_MS = 60_000


class LoginSource(StrEnum):
    SETTINGS = "settings"  # MARSAD_FLOWER_BASIC_AUTH
    STORED = "stored"  # read from STATE_DIR/flower-login
    GENERATED = "generated"  # made just now and written to STATE_DIR/flower-login


@dataclass(frozen=True)
class FlowerLogin:
    """Flower's basic-auth credentials (`user:password`, several separated by commas)."""

    credentials: str
    source: LoginSource
    path: Path | None = None

    @property
    def user(self) -> str:
        return self.credentials.split(",", 1)[0].split(":", 1)[0]

    def __repr__(self) -> str:  # never the password in a log or a traceback
        return f"FlowerLogin(user={self.user!r}, source={self.source.value!r}, path={self.path!r})"


def login_path(settings: Settings) -> Path:
    return settings.state_dir / LOGIN_FILE


def flower_login(settings: Settings) -> FlowerLogin:
    """The login Flower asks for; made and stored on first use (loopback only), see the module doc."""
    if settings.flower_basic_auth is not None:
        return FlowerLogin(settings.flower_basic_auth.get_secret_value(), LoginSource.SETTINGS)
    if settings.flower_host not in LOOPBACK:
        raise ConfigurationError(
            f"Flower would listen on {settings.flower_host} with no login: set MARSAD_FLOWER_BASIC_AUTH="
            "user:password, or MARSAD_FLOWER_HOST=127.0.0.1"
        )
    path = login_path(settings)
    stored = _read_login(path)
    if stored is not None:
        return FlowerLogin(stored, LoginSource.STORED, path)
    credentials = f"{GENERATED_USER}:{secrets.token_urlsafe(18)}"
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two commands starting at once, one writes and the other reads what it wrote.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        stored = _read_login(path)
        if stored is None:
            raise ConfigurationError(f"{path} is empty: delete it to make a new login") from None
        return FlowerLogin(stored, LoginSource.STORED, path)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(credentials + "\n")
    return FlowerLogin(credentials, LoginSource.GENERATED, path)


def _read_login(path: Path) -> str | None:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigurationError(f"cannot read Flower's login from {path}: {exc}") from exc
    if mode & 0o077:
        log.warning("%s could be read by other users; making it private (0600)", path)
        with contextlib.suppress(OSError):
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    if not text:
        return None
    if ":" not in text:
        raise ConfigurationError(f"{path} must hold user:password: delete it to make a new login")
    return text


def login_banner(login: FlowerLogin) -> str:
    """How `marsad up` and `marsad flower` name the login: with its password only when just made."""
    if login.source is LoginSource.GENERATED:
        return f"{login.credentials} (generated, shown only this once; kept in {login.path})"
    if login.source is LoginSource.STORED:
        return f"{login.user}, password in {login.path}"
    return f"{login.user} (MARSAD_FLOWER_BASIC_AUTH)"


def flower_options(settings: Settings) -> list[str]:
    """Flower's command-line options: where it listens, and its task history in STATE_DIR/flower.db."""
    return [
        f"--address={settings.flower_host}",
        f"--port={settings.flower_port}",
        "--persistent=True",
        f"--db={settings.state_dir / DATABASE_FILE}",
        f"--max_tasks={settings.flower_max_tasks}",
        f"--state_save_interval={_SAVE_INTERVAL_MS}",
    ]
