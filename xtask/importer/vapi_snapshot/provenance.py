"""Provenance of a snapshot: binding packages, wheel hashes, overlay files."""

import hashlib
import importlib.metadata
import os
import re

_REQUIREMENT_RE = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)")
_HASH_RE = re.compile(r"--hash=sha256:([0-9a-f]{64})")


def pinned_wheels(requirements_path):
    """``[{name, version, sha256}]`` from a hash-pinned requirements file."""
    with open(requirements_path, encoding="utf-8") as handle:
        text = handle.read().replace("\\\n", " ")
    wheels = []
    for line in text.splitlines():
        line = line.strip()
        match = _REQUIREMENT_RE.match(line)
        if not match:
            continue
        hashes = _HASH_RE.findall(line)
        wheels.append({"name": match.group(1), "version": match.group(2), "sha256": hashes})
    return sorted(wheels, key=lambda wheel: wheel["name"])


def describe(requirements_path, overlay_dir):
    """The manifest's ``source`` object.

    Fails when an installed distribution's version differs from the pin, so a
    stale environment cannot produce a snapshot that claims the pinned source.
    """
    packages = []
    for wheel in pinned_wheels(requirements_path):
        installed = importlib.metadata.version(wheel["name"])
        if installed != wheel["version"]:
            raise SystemExit("error: %s %s is installed, %s is pinned"
                             % (wheel["name"], installed, wheel["version"]))
        packages.append({"name": wheel["name"], "version": wheel["version"],
                         "wheel_sha256": wheel["sha256"]})
    source = {
        "kind": "python-bindings",
        "description": "Reconstructed from VMware's vSphere Automation SDK for Python "
                       "(binding modules), not dumped from a live vCenter server.",
        "generator": "cargo xtask import-bindings",
        "packages": packages,
        "fingerprint": "sha256 of the component's compact, key-sorted ComponentInfo JSON; "
                       "not a server fingerprint",
    }
    if overlay_dir:
        source["rest_overlay"] = overlay_source(overlay_dir)
    return source


def overlay_source(overlay_dir):
    """Name and file hashes of the OpenAPI overlay directory."""
    files = []
    for name in sorted(os.listdir(overlay_dir)):
        path = os.path.join(overlay_dir, name)
        if name.endswith(".json") and os.path.isfile(path):
            with open(path, "rb") as handle:
                files.append({"file": name, "sha256": hashlib.sha256(handle.read()).hexdigest()})
    return {"name": os.path.basename(os.path.normpath(overlay_dir)), "files": files}
