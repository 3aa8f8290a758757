"""Provenance of a snapshot: binding packages, wheel hashes, overlay files.

Also two facts about the installed bindings the manifest records:

* files shipped by two of the pinned wheels. ``vmware-vcenter`` carries its
  own copies of some ``com.vmware.cis`` (every release) and ``com.vmware.vapi``
  (8.0) modules, which ``vmware-vapi-common-client`` owns; the copies differ
  (documentation, and in 8.0 whole services). The snapshot is made from the
  owner's copies: ``cargo xtask import-bindings`` installs ``vmware-vcenter``
  first, and :func:`shared_files` fails unless the file on disk is the
  other wheel's copy;
* the vSphere API release the bindings describe: the newest release their
  documentation names ("This method was added in vSphere API 8.0.3.0",
  found by :mod:`vapi_snapshot.census`), which must be the pinned
  ``vmware-vcenter`` version.
"""

import base64
import hashlib
import importlib.metadata
import os
import re

# The distribution whose copies of shared files are *not* used.
BUNDLING_DISTRIBUTION = "vmware-vcenter"
_API_RELEASE_RE = re.compile(r"vSphere API (\d+(?:\.\d+)+)")

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


def _record_hashes(name):
    """``{relative path: sha256 hex or None}`` from a distribution's RECORD."""
    hashes = {}
    for path in importlib.metadata.distribution(name).files or []:
        digest = None
        if path.hash is not None and path.hash.mode == "sha256":
            padded = path.hash.value + "=" * (-len(path.hash.value) % 4)
            digest = base64.urlsafe_b64decode(padded).hex()
        hashes[str(path)] = digest
    return hashes


def shared_files(requirements_path):
    """Source files two pinned wheels ship, with the copy installed.

    Returns ``[{"file", "wheels", "installed", "copies_differ"}]`` sorted by
    file; fails when a file shipped by :data:`BUNDLING_DISTRIBUTION` and
    another wheel is the bundling wheel's copy on disk.
    """
    records = {wheel["name"]: _record_hashes(wheel["name"])
               for wheel in pinned_wheels(requirements_path)}
    owners = {}
    for name, hashes in sorted(records.items()):
        for path in hashes:
            if path.endswith(".py"):
                owners.setdefault(path, []).append(name)
    result = []
    for path, names in sorted(owners.items()):
        if len(names) < 2:
            continue
        located = importlib.metadata.distribution(names[0]).locate_file(path)
        with open(located, "rb") as handle:
            on_disk = hashlib.sha256(handle.read()).hexdigest()
        owners_copies = [name for name in names
                         if name != BUNDLING_DISTRIBUTION and records[name][path] == on_disk]
        if len(owners_copies) != 1:
            matching = [name for name in names if records[name][path] == on_disk]
            raise SystemExit("error: %s is shipped by %s; the installed file is the copy of %s, "
                             "not of the one wheel besides %s (install %s first)"
                             % (path, " and ".join(names), " and ".join(matching) or "none of them",
                                BUNDLING_DISTRIBUTION, BUNDLING_DISTRIBUTION))
        result.append({
            "file": path,
            "wheels": names,
            "installed": owners_copies[0],
            "copies_differ": len({records[name][path] for name in names}) > 1,
        })
    return result


def release_key(version):
    """Sort key of a dotted release number (``8.0.2.00300`` < ``8.0.3.0``)."""
    return tuple(int(part) for part in version.split("."))


def api_releases(text):
    """The ``vSphere API <release>`` numbers named in a text."""
    return set(_API_RELEASE_RE.findall(text))


def newest(releases):
    """The newest of some release numbers (``None`` for none)."""
    return max(releases, key=release_key) if releases else None


def pinned_version(requirements_path, name):
    """The pinned version of distribution ``name``."""
    for wheel in pinned_wheels(requirements_path):
        if wheel["name"] == name:
            return wheel["version"]
    raise SystemExit("error: %s pins no %s" % (requirements_path, name))
