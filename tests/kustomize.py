"""Render a kustomization in Python, for the tests: the subset of kustomize that deploy/k8s uses.

`kubectl kustomize` is the reference (a test compares the two where kubectl is installed); this keeps
the manifest tests running on a machine without it. Supported: `resources` (files and folders),
`patches` given by `path` (strategic merge for built-in kinds, JSON merge for custom resources, each
patch aimed at the object of its kind and name) and `images`. Anything else is refused loudly rather
than rendered wrong.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

_SUPPORTED = {"apiVersion", "kind", "resources", "patches", "images"}
# Lists of these built-in fields are merged item by item on `name` (their patch merge key).
_MERGE_BY_NAME = {"containers", "initContainers", "env", "volumes", "volumeMounts"}


class KustomizationError(ValueError):
    """A kustomization this renderer does not support, or a patch that aims at nothing."""


def render(folder: Path) -> list[Manifest]:
    """The objects `kubectl kustomize folder` would print, in the order their files list them."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - _SUPPORTED
    if unsupported:
        raise KustomizationError(f"{folder}: unsupported kustomization fields {sorted(unsupported)}")
    objects: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        path = folder / entry
        objects.extend(render(path) if path.is_dir() else load_documents(path))
    for patch in kustomization.get("patches", []):
        if set(patch) != {"path"}:
            raise KustomizationError(f"{folder}: only patches given by path are supported: {patch}")
        for document in load_documents(folder / patch["path"]):
            target = find(objects, document["kind"], document["metadata"]["name"])
            _merge(target, document, builtin=is_builtin(document["apiVersion"]))
    for image in kustomization.get("images", []):
        _set_image(objects, image)
    return objects


def load_documents(path: Path) -> list[Manifest]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    found = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    if len(found) != 1:
        raise KustomizationError(f"{len(found)} objects of kind {kind} named {name}")
    return found[0]


def is_builtin(api_version: str) -> bool:
    """Core and k8s.io groups have schemas (and strategic merge); anything else is a custom resource."""
    group = api_version.rpartition("/")[0]
    return group == "" or "." not in group or group.endswith(".k8s.io")


def _merge(target: dict[str, Any], patch: dict[str, Any], *, builtin: bool) -> None:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value, builtin=builtin)
        elif builtin and key in _MERGE_BY_NAME and isinstance(target.get(key), list):
            _merge_named_items(target[key], value, builtin=builtin)
        else:
            target[key] = copy.deepcopy(value)


def _merge_named_items(items: list[dict[str, Any]], patch: list[dict[str, Any]], *, builtin: bool) -> None:
    by_name = {item["name"]: item for item in items}
    for entry in patch:
        if entry["name"] in by_name:
            _merge(by_name[entry["name"]], entry, builtin=builtin)
        else:
            items.append(copy.deepcopy(entry))


def pod_containers(manifest: Manifest) -> list[dict[str, Any]]:
    """The containers (init containers first) of a workload's pod template; none for other kinds."""
    pod = manifest.get("spec", {}).get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _set_image(objects: list[Manifest], image: dict[str, str]) -> None:
    for manifest in objects:
        for container in pod_containers(manifest):
            name, _, tag = container["image"].rpartition(":")
            if "/" in tag or not name:  # no tag: the colon was a registry's port
                name, tag = container["image"], ""
            if name == image["name"]:
                tag = image.get("newTag", tag)
                container["image"] = image.get("newName", name) + (f":{tag}" if tag else "")
