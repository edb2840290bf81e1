"""Run the Alembic migrations programmatically (`marsad db upgrade`, and `marsad up` at start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from db.session import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Two processes starting at once (compose's migrate job and a developer's `marsad up`) must not both
# migrate: a transaction-level advisory lock serialises them.
_MIGRATION_LOCK_KEY = 0x6D617273  # "mars"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> str | None:
    """Migrate the database to `revision`; returns the revision it is at afterwards."""
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(database)


def current_revision(database: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
