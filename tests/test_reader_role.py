"""`marsad_reader` on a configured database: made by migration 0010, reads everything, writes nothing."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text

from db.migrate import upgrade
from db.reader import READER_ROLE, ReaderAccess, grant_reader
from db.session import Database
from tests.conftest import marsad
from workers.settings import Settings

READ = ["v_events", "v_dyads_daily", "v_article_events", "events", "event_mentions", "articles", "documents"]
WRITE = [
    "INSERT INTO events DEFAULT VALUES",
    "UPDATE documents SET status = status",
    "DELETE FROM articles",
    "TRUNCATE inbox_files CASCADE",
]


def libpq(url: str, user: str | None = None) -> str:
    parsed = make_url(url)
    if user is not None:
        parsed = parsed.set(username=user, password=None)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def admin(url: str, *statements: str) -> None:
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def as_reader(database_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection to the session's migrated database as marsad_reader, its read-only default off, so
    that what stops a write is the role's privileges."""
    with psycopg.connect(libpq(database_url, READER_ROLE), autocommit=True) as connection:
        connection.execute("SET default_transaction_read_only = off")
        yield connection


@pytest.fixture
def scratch_roles(pg_server_url: str) -> Iterator[list[str]]:
    """Names for roles a test makes; dropped, with what they own and were granted, afterwards."""
    names: list[str] = []
    yield names
    for name in reversed(names):
        admin(pg_server_url, f"DROP ROLE IF EXISTS {name}")


def scratch_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@pytest.mark.parametrize("relation", READ)
def test_reader_role_can_select_from_the_views_and_tables(
    as_reader: psycopg.Connection[tuple[object, ...]], relation: str
) -> None:
    assert as_reader.execute(f"SELECT count(*) FROM {relation}").fetchone() is not None  # type: ignore[arg-type]


@pytest.mark.parametrize("statement", WRITE)
def test_reader_role_cannot_write(as_reader: psycopg.Connection[tuple[object, ...]], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_reader.execute(statement)  # type: ignore[arg-type]


def test_reader_role_reads_tables_added_by_later_migrations(
    database_url: str, as_reader: psycopg.Connection[tuple[object, ...]]
) -> None:
    table = scratch_name("later_table")
    admin(database_url, f"CREATE TABLE {table} (id int)", f"INSERT INTO {table} VALUES (7)")
    try:
        assert as_reader.execute(f"SELECT id FROM {table}").fetchone() == (7,)  # type: ignore[arg-type]
    finally:
        admin(database_url, f"DROP TABLE {table}")


def test_grant_reader_without_createrole_skips_the_role_and_the_transaction_goes_on(
    database_url: str, scratch_roles: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    owner, missing_role = scratch_name("no_createrole"), scratch_name("reader")
    scratch_roles.append(owner)
    admin(database_url, f"CREATE ROLE {owner} LOGIN NOCREATEROLE NOSUPERUSER")
    engine = create_engine(make_url(database_url).set(username=owner, password=None))
    try:
        with caplog.at_level(logging.WARNING, "db.reader"), engine.begin() as connection:
            access = grant_reader(connection, missing_role)
            assert connection.execute(text("SELECT 1")).scalar() == 1  # not aborted
    finally:
        engine.dispose()
    assert access == ReaderAccess(missing_role, created=False, missing=["the role does not exist"])
    assert f"{owner} lacks CREATEROLE" in caplog.text and f"CREATE ROLE {missing_role} LOGIN" in caplog.text
    with psycopg.connect(libpq(database_url)) as connection:
        found = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [missing_role]).fetchone()
    assert found is None


def test_migrating_as_a_user_without_createrole_works_and_the_reader_reads(
    pg_server_url: str, scratch_roles: list[str]
) -> None:
    owner, name = scratch_name("owner"), scratch_name("marsad_owned")
    scratch_roles.append(owner)
    admin(
        pg_server_url,
        f"CREATE ROLE {owner} LOGIN NOCREATEROLE NOSUPERUSER",
        f"CREATE DATABASE {name} OWNER {owner}",
    )
    url = make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        owned = Database(make_url(url).set(username=owner, password=None).render_as_string(), pool_size=1)
        try:
            assert upgrade(owned) == "0010"
        finally:
            owned.dispose()
        with psycopg.connect(libpq(url, READER_ROLE), autocommit=True) as reader:
            assert reader.execute("SELECT count(*) FROM v_events").fetchone() == (0,)
            reader.execute("SET default_transaction_read_only = off")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute("DELETE FROM events")
    finally:
        admin(pg_server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_grant_reader_tolerates_another_migration_creating_the_role_at_the_same_moment(
    database_url: str, scratch_roles: list[str]
) -> None:
    role = scratch_name("reader")
    scratch_roles.append(role)
    engine = create_engine(database_url, pool_size=2)
    results: dict[str, ReaderAccess | BaseException] = {}
    try:
        with engine.connect() as first:
            first_transaction = first.begin()
            results["first"] = grant_reader(first, role)  # made, not yet committed

            def second() -> None:
                try:
                    with engine.begin() as connection:  # waits on the first one's new role
                        results["second"] = grant_reader(connection, role)
                except BaseException as exc:
                    results["second"] = exc

            racing = threading.Thread(target=second)
            racing.start()
            racing.join(1.0)
            assert racing.is_alive(), "the second CREATE ROLE should wait for the first transaction"
            first_transaction.commit()
            racing.join(30)
        with engine.begin() as connection:
            connection.execute(text(f"DROP OWNED BY {role}"))
    finally:
        engine.dispose()
    assert results["first"] == ReaderAccess(role, created=True)
    assert results["second"] == ReaderAccess(role, created=False)


def test_db_reader_command_grants_again_and_says_so(settings: Settings, database_url: str) -> None:
    admin(database_url, f"REVOKE SELECT ON v_events FROM {READER_ROLE}")
    try:
        with (
            psycopg.connect(libpq(database_url, READER_ROLE)) as reader,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            reader.execute("SELECT 1 FROM v_events")
        result = marsad(settings, "db", "reader")
        assert f"{READER_ROLE} can read every table and view" in result.stdout
        with psycopg.connect(libpq(database_url, READER_ROLE)) as reader:
            assert reader.execute("SELECT count(*) FROM v_events").fetchone() is not None
    finally:  # for the tests after this one, whatever happened
        admin(database_url, f"GRANT SELECT ON v_events TO {READER_ROLE}")
