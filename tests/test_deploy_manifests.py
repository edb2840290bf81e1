"""deploy/ stays true to the code: Kubernetes, systemd and compose run real commands with real settings.

Everything here is offline. The kustomizations are rendered in Python (tests/kustomize.py, compared
with `kubectl kustomize` where kubectl is installed); built-in objects are validated against the
Kubernetes JSON schemas that the `kubernetes-validate` package ships; KEDA's ScaledObject, a custom
resource, is checked field by field. systemd units are parsed here and, where `systemd-analyze` is
installed, verified by it.
"""

from __future__ import annotations

import base64
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import typer.main
import yaml

from tests.conftest import REPO
from tests.kustomize import Manifest, find, is_builtin, pod_containers, render
from workers.cli import app as cli_app
from workers.reference import env_names
from workers.settings import Settings

try:  # typer ≥ 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer on the click package
    from click.exceptions import ClickException  # type: ignore[assignment]

K8S = REPO / "deploy" / "k8s"
KUSTOMIZATIONS = [K8S / "base", *sorted(p for p in (K8S / "overlays").iterdir() if p.is_dir())]
SYSTEMD = REPO / "deploy" / "systemd"
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
CLI: Any = typer.main.get_command(cli_app)  # a group: `.commands` names its subcommands

SETTING_NAMES = {name for field in Settings.model_fields for name in env_names(field)}
# Kubernetes releases the manifests must be valid for: an old one still in wide use, and the newest
# the installed kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.29", kubernetes_validate.latest_version())


# -- what the CLI and the settings accept ----------------------------------------------------------


def marsad_command_problem(argv: list[str]) -> str | None:
    """Why `argv` (a `marsad` command line) is not one the CLI accepts; None when it is."""
    if Path(argv[0]).name != "marsad":
        return f"{shlex.join(argv)}: not a marsad command"
    command: Any = CLI
    args, path = list(argv[1:]), ["marsad"]
    while hasattr(command, "commands"):  # a group: the next word names a subcommand
        if not args:
            return f"{' '.join(path)}: no subcommand"
        name = args.pop(0)
        if name not in command.commands:
            return f"{' '.join(path)} has no command {name!r}"
        command = command.commands[name]
        path.append(name)
    try:
        command.make_context(" ".join(path), args)  # parses and type-checks, runs nothing
    except ClickException as exc:
        return f"{' '.join(path)}: {exc.format_message()}"
    return None


def probe_command_problem(argv: list[str]) -> str | None:
    """A probe runs `marsad …`, or Celery's ping of this app through `sh -c`."""
    if argv[:2] == ["sh", "-c"]:
        words = shlex.split(argv[2])
        words = words[1:] if words[0] == "exec" else words
        if words[:3] == ["celery", "-A", "workers.celery_app"]:
            return None
        return f"{argv[2]}: a shell probe must run `celery -A workers.celery_app`"
    return marsad_command_problem(argv)


def unknown_settings(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n not in SETTING_NAMES)


def settings_from(environment: dict[str, str]) -> Settings:
    """The settings a process started with exactly this environment would read (and reject)."""
    with mock.patch.dict(os.environ, environment, clear=True):
        return Settings(_env_file=None)  # type: ignore[call-arg]


def ambiguous_settings(environment: dict[str, str]) -> list[str]:
    """Settings given by both of their names: the bare one wins, whatever the other says."""
    return [
        " and ".join(names)
        for field in Settings.model_fields
        if len(names := [n for n in env_names(field) if n in environment]) > 1
    ]


def image_environment() -> dict[str, str]:
    """The ENV of deploy/Dockerfile: every container of the image starts with it."""
    text = re.sub(r"\\\n", " ", (REPO / "deploy" / "Dockerfile").read_text())
    environment: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            environment.update(word.split("=", 1) for word in shlex.split(line[4:]))  # type: ignore[misc]
    return environment


def test_the_checker_refuses_what_the_cli_would_refuse() -> None:
    assert marsad_command_problem(["marsad", "worker", "--hostname", "x@%h"]) is None
    assert marsad_command_problem(["marsad", "db", "upgrade"]) is None
    assert marsad_command_problem(["marsad", "status", "--json"]) is None
    assert "no command" in str(marsad_command_problem(["marsad", "wacth"]))
    assert "--bogus" in str(marsad_command_problem(["marsad", "worker", "--bogus"]))
    assert marsad_command_problem(["marsad", "reprocess", "--article", "ID"]) is not None  # not an int
    assert marsad_command_problem(["celery", "worker"]) is not None
    assert unknown_settings(["MARSAD_QUEUE_NAME", "INBOX_DIR", "MARSAD_NO_SUCH", "QUEUE_NAME"]) == [
        "MARSAD_NO_SUCH",
        "QUEUE_NAME",
    ]
    assert ambiguous_settings({"INBOX_DIR": "/a", "MARSAD_INBOX_DIR": "/b"}) == [
        "INBOX_DIR and MARSAD_INBOX_DIR"
    ]


def test_the_command_check_refuses_an_unknown_command_or_option() -> None:
    assert marsad_command_problem(["marsad", "health", "--json"]) is None
    assert marsad_command_problem(["marsad", "health", "--no-such-option"]) is not None
    assert marsad_command_problem(["marsad", "no-such-command"]) is not None


# -- Kubernetes ------------------------------------------------------------------------------------


def rendered() -> Iterator[tuple[str, list[Manifest]]]:
    for folder in KUSTOMIZATIONS:
        yield folder.relative_to(REPO).as_posix(), render(folder)


RENDERED = dict(rendered())
ALL_OBJECTS = [(name, o) for name, objects in RENDERED.items() for o in objects]


def object_id(item: tuple[str, Manifest]) -> str:
    return f"{item[0]}:{item[1]['kind']}/{item[1]['metadata']['name']}"


def workloads(objects: list[Manifest]) -> list[Manifest]:
    return [o for o in objects if pod_containers(o)]


def component(objects: list[Manifest], kind: str, name: str) -> Manifest:
    return find(objects, kind, f"marsad-{name}")


def secret_data(secret: Manifest) -> dict[str, str]:
    data = {k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()}
    return {**data, **secret.get("stringData", {})}


def source_data(objects: list[Manifest], source: dict[str, Any]) -> dict[str, str]:
    assert "prefix" not in source, "a prefix would rename the settings"
    if "configMapRef" in source:
        return dict(find(objects, "ConfigMap", source["configMapRef"]["name"])["data"])
    return secret_data(find(objects, "Secret", source["secretRef"]["name"]))


def container_settings_names(objects: list[Manifest], container: dict[str, Any]) -> list[str]:
    """The environment names a container is given (from its sources and its own `env`)."""
    names = [n for s in container.get("envFrom", []) for n in source_data(objects, s)]
    return names + [item["name"] for item in container.get("env", [])]


def container_environment(objects: list[Manifest], container: dict[str, Any]) -> dict[str, str]:
    """What the container's process sees: the image's ENV, then envFrom in order, then env."""
    environment = image_environment()
    for source in container.get("envFrom", []):
        environment.update(source_data(objects, source))
    for item in container.get("env", []):
        if "value" in item:
            environment[item["name"]] = item["value"]
        else:
            ref = item["valueFrom"].get("secretKeyRef") or item["valueFrom"]["configMapKeyRef"]
            kind = "Secret" if "secretKeyRef" in item["valueFrom"] else "ConfigMap"
            data = find(objects, kind, ref["name"])
            environment[item["name"]] = (secret_data(data) if kind == "Secret" else data["data"])[ref["key"]]
    return environment


def mounts(manifest: Manifest, container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Mount path → the pod volume mounted there."""
    volumes = {v["name"]: v for v in manifest["spec"]["template"]["spec"].get("volumes", [])}
    return {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}


def mounted_on(path: Path, manifest: Manifest, container: dict[str, Any]) -> dict[str, Any] | None:
    for mount_path, volume in mounts(manifest, container).items():
        if path == Path(mount_path) or Path(mount_path) in path.parents:
            return volume
    return None


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("folder", KUSTOMIZATIONS, ids=lambda p: p.name)
def test_python_rendering_matches_kubectl_kustomize(folder: Path) -> None:
    output = subprocess.run(
        ["kubectl", "kustomize", str(folder)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    by_kubectl = {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(output) if o}
    ours = {(o["kind"], o["metadata"]["name"]): o for o in render(folder)}
    assert ours == by_kubectl


@pytest.mark.parametrize("item", ALL_OBJECTS, ids=object_id)
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_builtin_object_is_valid_against_the_kubernetes_schema(
    item: tuple[str, Manifest], version: str
) -> None:
    manifest = item[1]
    if not is_builtin(manifest["apiVersion"]):
        assert manifest["kind"] == "ScaledObject", "a custom resource without a check of its own"
        return
    # strict: a misspelt or misplaced field fails instead of being ignored by the API server
    kubernetes_validate.validate(manifest, version, strict=True)


def test_the_schema_check_catches_a_misplaced_field() -> None:
    job = component(RENDERED["deploy/k8s/base"], "Job", "migrate")
    broken = yaml.safe_load(yaml.safe_dump(job))
    broken["spec"]["template"]["spec"]["containers"][0]["comand"] = ["marsad"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("name", RENDERED)
def test_manifests_set_no_namespace(name: str) -> None:
    for manifest in RENDERED[name]:
        assert "namespace" not in manifest["metadata"], object_id((name, manifest))


@pytest.mark.parametrize("name", RENDERED)
def test_every_container_and_exec_probe_runs_a_real_marsad_command(name: str) -> None:
    for manifest in workloads(RENDERED[name]):
        for container in pod_containers(manifest):
            argv = [*container.get("command", []), *container.get("args", [])]
            assert argv, f"{manifest['metadata']['name']}: the image's default (`marsad up`) is for one host"
            assert marsad_command_problem(argv) is None, marsad_command_problem(argv)
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                if "exec" in container.get(probe, {}):
                    problem = probe_command_problem(container[probe]["exec"]["command"])
                    assert problem is None, f"{manifest['metadata']['name']} {probe}: {problem}"


@pytest.mark.parametrize("name", RENDERED)
def test_every_container_environment_is_marsad_settings_that_validate(name: str) -> None:
    objects = RENDERED[name]
    for manifest in workloads(objects):
        for container in pod_containers(manifest):
            where = f"{manifest['metadata']['name']}/{container['name']}"
            assert unknown_settings(container_settings_names(objects, container)) == [], where
            environment = container_environment(objects, container)
            assert ambiguous_settings(environment) == [], where
            settings = settings_from(environment)
            # Unset, a role would start an embedded PostgreSQL or Redis inside its pod.
            assert settings.database_url and settings.broker_url, where


@pytest.mark.parametrize("name", RENDERED)
def test_pods_run_as_non_root_with_a_read_only_root_and_resources(name: str) -> None:
    objects = RENDERED[name]
    for manifest in workloads(objects):
        pod = manifest["spec"]["template"]["spec"]
        where = manifest["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        # The image's USER is a name; the kubelet can only check runAsNonRoot against a number.
        assert pod["securityContext"]["runAsUser"] > 0, where
        assert pod["automountServiceAccountToken"] is False, where
        for container in pod_containers(manifest):
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) >= {"cpu", "memory"}, f"{where} {bound}"
            # With a read-only root, what a process writes must be on a volume.
            settings = settings_from(container_environment(objects, container))
            assert mounted_on(settings.state_dir, manifest, container), f"{where}: STATE_DIR"
            assert mounted_on(Path("/tmp"), manifest, container), f"{where}: /tmp"


@pytest.mark.parametrize("name", RENDERED)
def test_deployment_selectors_match_their_pods_and_services_reach_a_port(name: str) -> None:
    objects = RENDERED[name]
    for manifest in workloads(objects):
        labels = manifest["spec"]["template"]["metadata"]["labels"]
        if manifest["kind"] == "Deployment":
            assert manifest["spec"]["selector"]["matchLabels"].items() <= labels.items()
    for service in (o for o in objects if o["kind"] == "Service"):
        selector = service["spec"]["selector"].items()
        targets = [
            w for w in workloads(objects) if selector <= w["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(targets) == 1, service["metadata"]["name"]
        ports = {p["name"] for c in pod_containers(targets[0]) for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in ports, service["metadata"]["name"]


@pytest.mark.parametrize("name", RENDERED)
def test_singletons_run_once_and_never_twice_during_a_rollout(name: str) -> None:
    objects = RENDERED[name]
    for role in ("watcher", "beat", "flower"):
        deployment = component(objects, "Deployment", role)
        assert deployment["spec"]["replicas"] == 1, role
        assert deployment["spec"]["strategy"]["type"] == "Recreate", role
    # The workers' count belongs to the ScaledObject: applying the manifest again must not reset it.
    assert "replicas" not in component(objects, "Deployment", "worker")["spec"]


@pytest.mark.parametrize("name", RENDERED)
def test_the_migrate_job_upgrades_the_schema(name: str) -> None:
    job = component(RENDERED[name], "Job", "migrate")
    (container,) = pod_containers(job)
    assert container["command"] == ["marsad", "db", "upgrade"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


@pytest.mark.parametrize("name", RENDERED)
def test_the_watcher_alone_mounts_the_inbox_claim_with_processed_and_rejected_on_it(name: str) -> None:
    objects = RENDERED[name]
    watcher = component(objects, "Deployment", "watcher")
    (container,) = pod_containers(watcher)
    settings = settings_from(container_environment(objects, container))
    volume = mounted_on(settings.inbox_dir, watcher, container)
    assert volume is not None and "persistentVolumeClaim" in volume
    claim = volume["persistentVolumeClaim"]["claimName"]
    find(objects, "PersistentVolumeClaim", claim)
    # One file system: moving a finished file out of the inbox is an atomic rename.
    for folder in (settings.processed_path, settings.rejected_path):
        assert mounted_on(folder, watcher, container) == volume
    for manifest in workloads(objects):
        volumes = manifest["spec"]["template"]["spec"].get("volumes", [])
        claims = [v.get("persistentVolumeClaim", {}).get("claimName") for v in volumes]
        if manifest is not watcher:  # a second reader of the inbox would be a second watcher
            assert claim not in claims, manifest["metadata"]["name"]


@pytest.mark.parametrize("name", RENDERED)
def test_probes_use_marsad_health_for_the_watcher_and_ping_each_worker_by_its_node_name(name: str) -> None:
    objects = RENDERED[name]
    (watcher,) = pod_containers(component(objects, "Deployment", "watcher"))
    for probe in ("readinessProbe", "livenessProbe"):
        assert watcher[probe]["exec"]["command"][:2] == ["marsad", "health"], probe
    (worker,) = pod_containers(component(objects, "Deployment", "worker"))
    hostname = worker["command"][worker["command"].index("--hostname") + 1]
    ping = worker["livenessProbe"]["exec"]["command"][2]
    # Celery's %h and the shell's $HOSTNAME are both the pod's name.
    assert f'--destination "{hostname.replace("%h", "$HOSTNAME")}"' in ping


@pytest.mark.parametrize("name", RENDERED)
def test_flower_asks_for_a_login_kept_in_its_own_secret_and_listens_where_its_service_points(
    name: str,
) -> None:
    objects = RENDERED[name]
    flower = component(objects, "Deployment", "flower")
    (container,) = pod_containers(flower)
    settings = settings_from(container_environment(objects, container))
    assert settings.flower_basic_auth is not None  # required off loopback; `marsad flower` checks it too
    assert [p["containerPort"] for p in container["ports"]] == [settings.flower_port]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/healthcheck"  # Flower answers it without login
    auth_sources = [
        s["secretRef"]["name"]
        for s in container["envFrom"]
        if "secretRef" in s and "MARSAD_FLOWER_BASIC_AUTH" in source_data(objects, s)
    ]
    assert auth_sources and "marsad-settings" not in auth_sources
    for manifest in workloads(objects):
        if manifest is not flower:
            for other in pod_containers(manifest):
                names = container_settings_names(objects, other)
                assert "MARSAD_FLOWER_BASIC_AUTH" not in names, manifest["metadata"]["name"]
    assert find(objects, "PersistentVolumeClaim", "marsad-flower-state")
    assert mounted_on(settings.state_dir, flower, container) == {
        "name": "state",
        "persistentVolumeClaim": {"claimName": "marsad-flower-state"},
    }


@pytest.mark.parametrize("name", RENDERED)
def test_the_metrics_service_points_at_the_metrics_port(name: str) -> None:
    objects = RENDERED[name]
    (container,) = pod_containers(component(objects, "Deployment", "metrics"))
    environment = container_environment(objects, container)
    port = int(environment["MARSAD_METRICS_PORT"])
    assert environment["MARSAD_METRICS_HOST"] == "0.0.0.0"  # reachable through its Service
    assert [p["containerPort"] for p in container["ports"]] == [port]
    assert [p["port"] for p in component(objects, "Service", "metrics")["spec"]["ports"]] == [port]


# KEDA v2's ScaledObject (keda.sh/v1alpha1): the fields its CRD allows, and those of the redis trigger.
SCALED_OBJECT_SPEC = {
    "scaleTargetRef",
    "pollingInterval",
    "cooldownPeriod",
    "initialCooldownPeriod",
    "idleReplicaCount",
    "minReplicaCount",
    "maxReplicaCount",
    "fallback",
    "advanced",
    "triggers",
}
REDIS_TRIGGER_METADATA = {
    "address",
    "addressFromEnv",
    "host",
    "hostFromEnv",
    "port",
    "portFromEnv",
    "usernameFromEnv",
    "passwordFromEnv",
    "databaseIndex",
    "enableTLS",
    "unsafeSsl",
    "listName",
    "listLength",
    "activationListLength",
}


def scaled_object_problems(objects: list[Manifest]) -> list[str]:
    """What KEDA would refuse, or what would scale on the wrong list, in the worker's ScaledObject."""
    (scaled,) = [o for o in objects if o["kind"] == "ScaledObject"]
    problems = []
    if scaled["apiVersion"] != "keda.sh/v1alpha1":
        problems.append(f"apiVersion {scaled['apiVersion']}")
    spec = scaled["spec"]
    problems += [f"unknown field spec.{k}" for k in set(spec) - SCALED_OBJECT_SPEC]
    target = spec["scaleTargetRef"]
    worker = component(objects, "Deployment", "worker")
    if target.get("kind", "Deployment") != "Deployment" or target["name"] != worker["metadata"]["name"]:
        problems.append(f"scaleTargetRef {target} is not the worker Deployment")
    if not 1 <= spec.get("minReplicaCount", 0) <= spec["maxReplicaCount"]:
        problems.append("minReplicaCount must keep one worker and not exceed maxReplicaCount")
    (container,) = pod_containers(worker)
    settings = settings_from(container_environment(objects, container))
    broker = urlsplit(settings.broker_url or "")
    for trigger in spec["triggers"]:
        if trigger["type"] != "redis":
            problems.append(f"trigger type {trigger['type']}")
            continue
        metadata = trigger["metadata"]
        problems += [f"unknown redis trigger field {k}" for k in set(metadata) - REDIS_TRIGGER_METADATA]
        problems += [f"{k}: {v!r} must be a string" for k, v in metadata.items() if not isinstance(v, str)]
        expected = {
            "address": f"{broker.hostname}:{broker.port or 6379}",  # host:port, not a URL
            "databaseIndex": broker.path.strip("/") or "0",
            "listName": settings.queue_name,  # the list kombu keeps for the Celery queue
        }
        problems += [
            f"{k} is {metadata.get(k)!r}, the worker's settings say {v!r}"
            for k, v in expected.items()
            if metadata.get(k, "0" if k == "databaseIndex" else None) != v
        ]
        if not str(metadata.get("listLength", "")).isdigit() or int(metadata["listLength"]) < 1:
            problems.append("listLength must be a positive whole number")
        if broker.password and "authenticationRef" not in trigger:
            problems.append("the broker has a password: the trigger needs an authenticationRef")
        if broker.scheme == "rediss" and metadata.get("enableTLS") != "true":
            problems.append("the broker uses TLS: enableTLS must be 'true'")
    return problems


@pytest.mark.parametrize("name", RENDERED)
def test_the_scaled_object_scales_the_workers_on_the_celery_queue_of_their_broker(name: str) -> None:
    assert scaled_object_problems(RENDERED[name]) == []


def test_the_scaled_object_check_catches_a_broker_it_does_not_watch() -> None:
    objects = render(K8S / "base")
    secret = find(objects, "Secret", "marsad-settings")
    secret["stringData"]["MARSAD_BROKER_URL"] = "redis://:pw@elsewhere:6380/3"
    find(objects, "ConfigMap", "marsad-config")["data"]["MARSAD_QUEUE_NAME"] = "other"
    problems = " | ".join(scaled_object_problems(objects))
    for expected in ("address", "databaseIndex", "listName", "authenticationRef"):
        assert expected in problems


# -- docker-compose.yml -----------------------------------------------------------------------------


@pytest.mark.parametrize("service", sorted(COMPOSE["services"]))
def test_compose_commands_and_healthchecks_are_real_marsad_commands(service: str) -> None:
    spec = COMPOSE["services"][service]
    if spec.get("image") != "marsad:latest":
        return
    assert marsad_command_problem(spec["command"]) is None, marsad_command_problem(spec["command"])
    test = spec.get("healthcheck", {}).get("test", [])
    if test[:1] == ["CMD"] and test[1] == "marsad":
        assert marsad_command_problem(test[1:]) is None, marsad_command_problem(test[1:])
    assert unknown_settings(spec["environment"]) == []
    assert ambiguous_settings({**image_environment(), **spec["environment"]}) == []


# -- systemd ----------------------------------------------------------------------------------------

UNITS = sorted(p for p in SYSTEMD.iterdir() if p.suffix in {".service", ".timer", ".target"})
ENV_FILE = SYSTEMD / "marsad.env.example"


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Sections → key → values, in the order given (systemd allows a key many times)."""
    sections: dict[str, dict[str, list[str]]] = {}
    section: dict[str, list[str]] | None = None
    text = re.sub(r"\\\n", " ", path.read_text())
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
        elif "=" in line and section is not None:
            key, value = (part.strip() for part in line.split("=", 1))
            section.setdefault(key, []).append(value)
        else:
            raise ValueError(f"{path.name}:{number}: not a unit file line: {line!r}")
    return sections


def parse_environment_file(path: Path) -> dict[str, str]:
    environment = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            environment[name.strip()] = value
    return environment


def expand_specifiers(value: str) -> str:
    """systemd's %i (instance) and %H (host name) as they would be on a host, for parsing the line."""
    return value.replace("%%", "\0").replace("%i", "1").replace("%H", "host").replace("\0", "%")


SERVICES = {p.name: parse_unit(p) for p in UNITS if p.suffix == ".service"}
LONG_RUNNING = {name: unit for name, unit in SERVICES.items() if unit["Service"].get("Type") != ["oneshot"]}


def test_systemd_has_every_role() -> None:
    assert set(SERVICES) == {
        "marsad-migrate.service",
        "marsad-watcher.service",
        "marsad-worker@.service",
        "marsad-beat.service",
        "marsad-flower.service",
        "marsad-metrics.service",
        "marsad-health.service",
    }


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_systemd_exec_start_is_a_real_marsad_command(name: str) -> None:
    (exec_start,) = SERVICES[name]["Service"]["ExecStart"]
    argv = shlex.split(expand_specifiers(exec_start))
    assert argv[0] == "/opt/marsad/venv/bin/marsad"
    assert marsad_command_problem(argv) is None, marsad_command_problem(argv)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_systemd_services_run_as_the_marsad_user_hardened_with_the_environment_file(name: str) -> None:
    service = SERVICES[name]["Service"]
    expected = {
        "User": ["marsad"],
        "Group": ["marsad"],
        "EnvironmentFile": ["/etc/marsad/marsad.env"],
        "NoNewPrivileges": ["yes"],
        "ProtectSystem": ["strict"],
        "ProtectHome": ["yes"],
        "PrivateTmp": ["yes"],
        "StateDirectory": ["marsad"],
        "CapabilityBoundingSet": [""],
    }
    assert {key: service.get(key) for key in expected} == expected
    # The state folder is the one StateDirectory= makes writable.
    settings = settings_from(parse_environment_file(ENV_FILE))
    assert settings.state_dir == Path("/var/lib/marsad") / service["StateDirectory"][0].removeprefix("marsad")


@pytest.mark.parametrize("name", sorted(LONG_RUNNING))
def test_systemd_roles_restart_on_failure_and_start_after_the_migration(name: str) -> None:
    unit = LONG_RUNNING[name]
    assert unit["Service"]["Restart"] == ["on-failure"]
    assert "marsad-migrate.service" in " ".join(unit["Unit"]["After"]).split()
    assert unit["Unit"]["Requires"] == ["marsad-migrate.service"]
    assert unit["Unit"]["PartOf"] == ["marsad.target"]


def test_systemd_migrate_is_a_oneshot_that_stays_active() -> None:
    service = SERVICES["marsad-migrate.service"]["Service"]
    assert service["Type"] == ["oneshot"] and service["RemainAfterExit"] == ["yes"]
    assert service["ExecStart"] == ["/opt/marsad/venv/bin/marsad db upgrade"]


def test_systemd_watcher_may_write_the_inbox_with_processed_and_rejected_and_others_may_not() -> None:
    settings = settings_from(parse_environment_file(ENV_FILE))
    (writable,) = SERVICES["marsad-watcher.service"]["Service"]["ReadWritePaths"]
    for folder in (settings.inbox_dir, settings.processed_path, settings.rejected_path):
        assert folder == Path(writable) or Path(writable) in folder.parents
    for name, unit in SERVICES.items():
        if name != "marsad-watcher.service":
            assert "ReadWritePaths" not in unit["Service"], name


def test_systemd_worker_instances_have_their_own_node_names() -> None:
    (exec_start,) = SERVICES["marsad-worker@.service"]["Service"]["ExecStart"]
    hostname = shlex.split(exec_start)[shlex.split(exec_start).index("--hostname") + 1]
    assert "%i" in hostname and "%H" in hostname


def test_systemd_target_wants_every_role_and_the_health_timer() -> None:
    target = parse_unit(SYSTEMD / "marsad.target")
    wanted = {w for line in target["Unit"]["Wants"] for w in line.split()}
    expected = {n.replace("@.", "@1.") for n in SERVICES if n != "marsad-health.service"}
    assert wanted == expected | {"marsad-health.timer"}
    timer = parse_unit(SYSTEMD / "marsad-health.timer")
    assert timer["Timer"].get("Unit", ["marsad-health.service"]) == ["marsad-health.service"]


def test_systemd_environment_file_holds_marsad_settings_that_validate() -> None:
    environment = parse_environment_file(ENV_FILE)
    assert unknown_settings(environment) == []
    assert ambiguous_settings(environment) == []
    settings = settings_from(environment)
    assert settings.database_url and settings.broker_url


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    # It checks that ExecStart's program exists: point the units at this checkout's `marsad`.
    marsad = Path(sys.executable).parent / "marsad"
    for unit in UNITS:
        (tmp_path / unit.name).write_text(
            unit.read_text().replace("/opt/marsad/venv/bin/marsad", str(marsad))
        )
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(u.name for u in UNITS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


# -- docs -------------------------------------------------------------------------------------------


def marsad_invocation(line: str) -> list[str] | None:
    """The `marsad …` command in a line of a doc: at its start, after `--`, or as …/bin/marsad."""
    words = shlex.split(line.replace("\\\n", " "), comments=True)
    for at, word in enumerate(words):
        if word.endswith("/bin/marsad") or (word == "marsad" and (at == 0 or words[at - 1] == "--")):
            return ["marsad", *words[at + 1 :]] if at + 1 < len(words) else None  # a bare name
    return None


def test_operations_doc_commands_are_real_and_it_is_linked() -> None:
    text = (REPO / "docs" / "OPERATIONS.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, re.S)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S))
    lines = [line for block in blocks for line in block.replace("\\\n", " ").splitlines()] + spans
    commands = [argv for line in lines if (argv := marsad_invocation(line))]
    for argv in commands:
        assert marsad_command_problem(argv) is None, marsad_command_problem(argv)
    assert len(commands) >= 15
    assert unknown_settings(set(re.findall(r"\bMARSAD_[A-Z_]+\b", text))) == []
    for readme in ("README.md", "deploy/README.md"):
        assert "docs/OPERATIONS.md" in (REPO / readme).read_text(), readme
