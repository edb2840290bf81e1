"""Reference documents generated from the code, so they cannot drift from it.

`python -m workers.reference` rewrites docs/CONFIGURATION.md (from the settings) and docs/SCHEMA.md
(from the models' table and column comments); a test fails when either is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import AliasChoices
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql

from db.models import Base
from workers.errors import Reason
from workers.settings import Settings
from workers.status import DocumentStatus, FileStatus

DOCS = Path(__file__).resolve().parent.parent / "docs"


def env_names(field_name: str) -> list[str]:
    """The environment variables that set `field_name`, preferred name first."""
    field = Settings.model_fields[field_name]
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [str(choice) for choice in alias.choices]
    return [f"MARSAD_{field_name.upper()}"]


def configuration_markdown() -> str:
    lines = [
        "# Configuration",
        "",
        "Every setting is read from the environment or a `.env` file in the working directory; wrong values",
        "stop the process at start-up with a message naming the setting. Generated from",
        "`workers/settings.py` by `python -m workers.reference`.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        names = " or ".join(f"`{n}`" for n in env_names(name))
        default = field.default
        shown = "unset" if default is None else f"`{getattr(default, 'value', default)}`"
        lines.append(f"| {names} | {shown} | {field.description} |")
    return "\n".join(lines) + "\n"


def schema_markdown() -> str:
    lines = [
        "# Database schema",
        "",
        "The tables Marsad writes, for the people who query them. Generated from `db/models.py` by",
        "`python -m workers.reference`; the same text is stored as PostgreSQL comments",
        "(`\\d+ table` in psql).",
        "",
    ]
    for table in Base.metadata.sorted_tables:
        lines += _table_markdown(table)
    lines += [
        "## Status and reason values",
        "",
        "- `inbox_files.status`: " + ", ".join(f"`{s.value}`" for s in FileStatus) + ".",
        "- `documents.status`: "
        + ", ".join(f"`{s.value}`" for s in DocumentStatus)
        + " (final: "
        + ", ".join(f"`{s.value}`" for s in DocumentStatus if s.is_final)
        + ").",
        "- `reason` (files and documents): " + ", ".join(f"`{r.value}`" for r in Reason) + ".",
        "",
    ]
    return "\n".join(lines)


def _table_markdown(table: Table) -> list[str]:
    lines = [
        f"## `{table.name}`",
        "",
        table.comment or "",
        "",
        "| column | type | null | meaning |",
        "|---|---|---|---|",
    ]
    for column in table.columns:
        nullable = "yes" if column.nullable else "no"
        kind = column.type.compile(dialect=postgresql.dialect()).lower()  # type: ignore[no-untyped-call]
        lines.append(f"| `{column.name}` | {kind} | {nullable} | {column.comment or ''} |")
    indexes = sorted(table.indexes, key=lambda index: index.name or "")
    if indexes:
        described = []
        for index in indexes:
            columns = ", ".join(c.name for c in index.columns) + (", unique" if index.unique else "")
            described.append(f"`{index.name}` ({columns})")
        lines += ["", "Indexes: " + ", ".join(described) + "."]
    return [*lines, ""]


GENERATED = {"CONFIGURATION.md": configuration_markdown, "SCHEMA.md": schema_markdown}


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    for name, render in GENERATED.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
