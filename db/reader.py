"""`marsad_reader`: the role analysts query as, able to read every table and view and to change nothing.

Migration 0010 runs `grant_reader` on every database Marsad migrates, and `marsad db reader` runs it
again on demand (after an administrator has created the role, say). It must stay idempotent and must
never fail a migration:

- Roles belong to the whole server, so the role may exist already: made by another Marsad database on
  the same server, by the embedded server's set-up, or by an administrator. An existing role is only
  granted to, never altered.
- A migrating user without CREATEROLE cannot make it: the role is then skipped with a log line saying
  what an administrator can run, and the migration goes on.
- A grant the user may not give (CONNECT on a database it does not own, say) is skipped alike; each
  statement that could be refused runs in its own PL/pgSQL block, so a refusal does not abort the
  migration's transaction.

The role is made LOGIN, without a password, and read-only by default (`default_transaction_read_only`):
where the server asks for passwords, nobody can log in as it until an administrator gives it one
(`ALTER ROLE marsad_reader PASSWORD '…'`), or analysts' own logins are made members of it
(`GRANT marsad_reader TO alice`). What stops it writing is its privileges: SELECT on the tables and views
(and on the ones later migrations add, by default privileges), nothing else.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

log = logging.getLogger(__name__)

READER_ROLE = "marsad_reader"
# What analysts query (docs/QUERYING.md); the check after granting looks at these.
ANALYST_RELATIONS = ("v_events", "v_dyads_daily", "v_article_events", "events", "articles")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Refusals that skip one grant instead of failing the transaction.
_SKIP_REFUSED = "EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;"


@dataclass(frozen=True)
class ReaderAccess:
    """What `grant_reader` did, and what the role still cannot do."""

    role: str
    created: bool = False
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def grant_reader(connection: Connection, role: str = READER_ROLE) -> ReaderAccess:
    """Make `role` (if allowed) and let it read the current schema; never raises for want of rights."""
    if not _IDENTIFIER.fullmatch(role):
        raise ValueError(f"not a plain role name: {role!r}")
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    created = False
    if exists.first() is None:
        can_create = connection.execute(
            text("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user")
        ).scalar_one()
        if not can_create:
            user = connection.execute(text("SELECT current_user")).scalar_one()
            log.warning(
                "role %s not created: %s lacks CREATEROLE. An administrator can run "
                "`CREATE ROLE %s LOGIN;` then `marsad db reader` to grant it read access",
                role,
                user,
                role,
            )
            return ReaderAccess(role, missing=["the role does not exist"])
        created = _create(connection, role)
    for statement in (
        "EXECUTE format('GRANT CONNECT ON DATABASE %I TO {role}', current_database());",
        "EXECUTE format('GRANT USAGE ON SCHEMA %I TO {role}', current_schema());",
        "EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO {role}', current_schema());",
        # The tables and views later migrations add: they run as this same user.
        "EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO {role}', "
        "current_schema());",
    ):
        connection.execute(text(f"DO $$ BEGIN {statement.format(role=role)} {_SKIP_REFUSED} END $$"))
    access = ReaderAccess(role, created, _missing(connection, role))
    if created:
        log.info("created role %s (LOGIN, no password, read-only by default)", role)
    for gap in access.missing:
        log.warning("role %s: %s; an administrator can grant it", role, gap)
    return access


def _create(connection: Connection, role: str) -> bool:
    """CREATE ROLE, tolerating another migration creating it at the same moment; True if this one did."""
    made = connection.execute(
        text(
            "DO $$ BEGIN "
            f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION; "
            f"ALTER ROLE {role} SET default_transaction_read_only = on; "
            "PERFORM set_config('marsad.reader_created', 'yes', true); "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; "
            "END $$; "
        )
    )
    made.close()
    return bool(
        connection.execute(text("SELECT current_setting('marsad.reader_created', true) = 'yes'")).scalar()
    )


def _missing(connection: Connection, role: str) -> list[str]:
    """The reads `role` cannot do yet, in words."""
    missing: list[str] = []
    checks = connection.execute(
        text(
            "SELECT has_database_privilege(:role, current_database(), 'CONNECT'), "
            "has_schema_privilege(:role, current_schema(), 'USAGE'), current_database(), current_schema()"
        ),
        {"role": role},
    ).one()
    can_connect, can_use, database, schema = checks
    if not can_connect:
        missing.append(f"no CONNECT on database {database}")
    if not can_use:
        missing.append(f"no USAGE on schema {schema}")
    for relation in ANALYST_RELATIONS:
        readable = connection.execute(
            text(
                "SELECT to_regclass(:name) IS NULL "
                "OR has_table_privilege(:role, to_regclass(:name), 'SELECT')"
            ),
            {"name": f"{schema}.{relation}", "role": role},
        ).scalar()
        if not readable:
            missing.append(f"no SELECT on {relation}")
    return missing
