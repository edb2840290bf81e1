"""Docs, compose and deploy files stay true to the code."""

from __future__ import annotations

import copy
import json
import re
import shlex
from typing import Any

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from compose_spec import PyCompose
from sqlalchemy import create_engine

from db.models import Base
from tests.conftest import REPO
from workers.cli import app as cli_app
from workers.reference import GENERATED, env_names
from workers.settings import Settings

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
CLI_COMMANDS = {c.name or c.callback.__name__ for c in cli_app.registered_commands}  # type: ignore[union-attr]
ALL_ENV_NAMES = {name for field in Settings.model_fields for name in env_names(field)}


def readme_commands() -> list[str]:
    first_screen = (REPO / "README.md").read_text().split("---", 1)[0]
    return [
        line
        for line in re.findall(r"```bash\n(.*?)```", first_screen, re.S)
        for line in line.splitlines()
        if not line.startswith("#")
    ]


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_reference_docs_are_current(name: str) -> None:
    assert (REPO / "docs" / name).read_text() == GENERATED[name](), "run: python -m workers.reference"


def test_every_setting_is_documented_with_a_description() -> None:
    text = (REPO / "docs" / "CONFIGURATION.md").read_text()
    for field_name, field in Settings.model_fields.items():
        assert field.description, field_name
        assert f"`{env_names(field_name)[0]}`" in text


def test_every_column_and_table_has_a_comment() -> None:
    for table in Base.metadata.sorted_tables:
        assert table.comment, table.name
        for column in table.columns:
            assert column.comment, f"{table.name}.{column.name}"


def test_migrations_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_readme_first_screen_has_the_run_and_test_commands_and_ci_runs_the_test_one() -> None:
    run, test = readme_commands()
    assert run.startswith("python3 -m venv .venv") and run.endswith("marsad up")
    assert test.startswith("python3 -m venv .venv") and test.endswith("pytest")
    assert test in (REPO / ".ci" / "run").read_text().splitlines()


def marsad_services() -> dict[str, Any]:
    return {name: s for name, s in COMPOSE["services"].items() if s.get("image") == "marsad:latest"}


def test_compose_is_valid_against_the_compose_specification() -> None:
    # compose-spec's parser checks every key and type the Compose specification defines, offline; YAML's
    # merge keys (`<<: *marsad`) are resolved first, as Docker Compose does.
    PyCompose.from_json(json.dumps(COMPOSE))
    misplaced = copy.deepcopy(COMPOSE)
    misplaced["services"]["watcher"]["healthcheck"]["intervl"] = "30s"
    with pytest.raises(ValueError, match="intervl"):
        PyCompose.from_json(json.dumps(misplaced))


def test_compose_has_every_role_with_a_healthcheck() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "migrate", "watcher", "worker", "beat", "flower", "metrics"}
    for name, service in services.items():
        if name != "migrate":
            assert "healthcheck" in service, name
    assert services["migrate"]["restart"] == "no"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]


def test_compose_commands_are_marsad_cli_commands() -> None:
    expected = {
        "migrate": "db", "watcher": "watch", "worker": "worker", "beat": "beat", "flower": "flower",
        "metrics": "metrics",
    }  # fmt: skip
    for name, service in marsad_services().items():
        command = service["command"]
        assert command[0] == "marsad" and command[1] == expected[name]
        assert command[1] in CLI_COMMANDS or command[1] == "db"


def test_compose_checks_the_pipeline_with_marsad_health_and_publishes_metrics_on_loopback() -> None:
    services = COMPOSE["services"]
    assert services["watcher"]["healthcheck"]["test"] == ["CMD", "marsad", "health"]
    assert services["metrics"]["ports"] == ["127.0.0.1:9808:9808"]
    assert services["metrics"]["environment"]["MARSAD_METRICS_PORT"] == "9808"


def test_compose_environment_names_are_settings() -> None:
    for name, service in marsad_services().items():
        for key in service["environment"]:
            assert key in ALL_ENV_NAMES, f"{name}: {key} is not a Marsad setting"
        Settings(
            **{k.lower().removeprefix("marsad_"): v for k, v in service["environment"].items()},
            _env_file=None,
        )


def test_compose_inbox_bind_mount_is_the_inbox_setting() -> None:
    for name in ("watcher", "worker", "flower"):
        service = COMPOSE["services"][name]
        inbox = service["environment"]["INBOX_DIR"]
        assert f"./inbox:{inbox}" in service["volumes"], name
    assert (
        COMPOSE["services"]["worker"]["depends_on"]["migrate"]["condition"]
        == "service_completed_successfully"
    )


def test_compose_flower_port_matches_its_setting() -> None:
    flower = COMPOSE["services"]["flower"]
    port = flower["environment"]["MARSAD_FLOWER_PORT"]
    assert flower["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert flower["environment"]["MARSAD_FLOWER_HOST"] == "0.0.0.0"  # inside its container
    assert f":{port}/healthcheck" in " ".join(flower["healthcheck"]["test"])


def test_compose_flower_is_published_on_loopback_only_and_requires_a_login() -> None:
    for name, service in COMPOSE["services"].items():
        for published in service.get("ports", []):
            assert str(published).startswith("127.0.0.1:"), f"{name} publishes {published} on every interface"
    login = COMPOSE["services"]["flower"]["environment"]["MARSAD_FLOWER_BASIC_AUTH"]
    # `${VAR:?message}`: compose refuses to start without it.
    assert re.fullmatch(r"\$\{FLOWER_BASIC_AUTH:\?[^}]+\}", login), login


def test_compose_database_url_matches_the_postgres_service() -> None:
    pg = COMPOSE["services"]["postgres"]["environment"]
    url = COMPOSE["services"]["watcher"]["environment"]["DATABASE_URL"]
    assert (
        url
        == f"postgresql+psycopg://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}"
    )
    assert COMPOSE["services"]["watcher"]["environment"]["BROKER_URL"].startswith("redis://redis:6379/")


def test_dockerfile_copies_what_exists_and_installs_the_package() -> None:
    build = COMPOSE["services"]["watcher"]["build"]
    dockerfile = (REPO / build["context"] / build["dockerfile"]).read_text()
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in shlex.split(line)[1:-1]:
                assert (REPO / source).exists(), source
    assert "pip install ." in dockerfile
    assert 'CMD ["marsad", "up"]' in dockerfile


def test_every_code_folder_is_a_package_and_data_files_are_packaged() -> None:
    """A folder of modules without __init__.py would be left out of the wheel the Dockerfile installs."""
    import tomllib

    for top in ("workers", "db"):
        for folder in (REPO / top).rglob("*"):
            if folder.is_dir() and any(folder.glob("*.py")) and "migrations" not in folder.parts:
                assert (folder / "__init__.py").exists(), folder
    package_data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    for data_file in (REPO / "workers").rglob("*.yaml"):
        relative = data_file.relative_to(REPO / "workers")
        assert any(relative.match(pattern) for pattern in package_data["workers"]), relative
