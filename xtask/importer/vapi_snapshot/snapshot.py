"""Assemble components from packages and attach REST mappings.

Component grouping: a live vCenter reports components such as
``com.vmware.vcenter`` or ``com.vmware.cis``; the bindings do not say which
component a package belongs to, so every package is grouped under its first
three name segments (``com.vmware.vcenter.vm.tools`` -> ``com.vmware.vcenter``).
"""

from . import wire
from .wire import WireMap


def component_id(package_id):
    """Component a package is grouped into."""
    return ".".join(package_id.split(".")[:3])


def components(packages):
    """``{component id: ComponentInfo}`` from ``{package id: PackageInfo}``."""
    result = {}
    for package_id in sorted(packages):
        cid = component_id(package_id)
        component = result.setdefault(cid, {
            "name": cid,
            "packages": WireMap(),
            "metadata": WireMap(),
            "documentation": "",
        })
        component["packages"][package_id] = packages[package_id]
    for cid, component in result.items():
        # The package named like the component documents it best.
        own = component["packages"].get(cid)
        if own is not None:
            component["documentation"] = own["documentation"]
    return result


def operations(packages):
    """Every ``(service id, operation id, OperationInfo)``, sorted."""
    for package_id in sorted(packages):
        services = packages[package_id]["services"]
        for service_id in sorted(services):
            ops = services[service_id]["operations"]
            for operation_id in sorted(ops):
                yield service_id, operation_id, ops[operation_id]


def attach_rest(packages, mappings):
    """Write REST mappings into operation and parameter metadata.

    ``mappings`` is ``{(service id, operation id): [RestMapping, ...]}``; an
    operation may carry one verb and one ``RequestMapping`` form. Returns a
    ``(category, operation, detail)`` notes: path variables renamed to agree
    between the two forms, and conflicts (a parameter bound differently by the
    two forms) resolved in favour of the first mapping.
    """
    conflicts = []
    for service_id, operation_id, info in operations(packages):
        current = mappings.get((service_id, operation_id), [])
        for later in current[1:]:
            for note in _align_path_variables(current[0], later):
                conflicts.append(("path-variable-renamed", "%s#%s" % (service_id, operation_id), note))
        for mapping in current:
            key, value = mapping.operation_metadata()
            info["metadata"][key] = value
            for param in info["params"]:
                entry = mapping.parameter_metadata(param["name"])
                if entry is None:
                    continue
                annotation, element_map = entry
                existing = param["metadata"].get(annotation)
                if existing is not None and existing != element_map:
                    conflicts.append(("rest-conflict", "%s#%s" % (service_id, operation_id),
                                      "parameter %s: %s %s vs %s" % (
                                          param["name"], annotation,
                                          wire.encode(existing), wire.encode(element_map))))
                    continue
                param["metadata"][annotation] = element_map
    return conflicts


def _align_path_variables(first, later):
    """Rename ``later``'s path variables to ``first``'s names where they differ.

    A parameter has one ``PathVariable`` annotation, shared by both REST
    forms. When the ``/api`` and ``/rest`` templates name the variable for the
    same parameter differently (``{service}`` vs ``{id}``), the variable of the
    later mapping is renamed in its template; the URLs it matches are the same.
    """
    notes = []
    first_vars = {param: value for param, (annotation, value) in first.bindings.items()
                  if annotation == "PathVariable"}
    for param, (annotation, value) in sorted(later.bindings.items()):
        wanted = first_vars.get(param)
        if annotation != "PathVariable" or wanted is None or wanted == value:
            continue
        if "{%s}" % wanted in later.path:
            notes.append("parameter %s: cannot rename {%s} to {%s} in %s" % (param, value, wanted, later.path))
            continue
        later.path = later.path.replace("{%s}" % value, "{%s}" % wanted)
        later.bindings[param] = ("PathVariable", wanted)
        notes.append("parameter %s: path variable {%s} of %s %s renamed to {%s}"
                     % (param, value, later.method, later.path, wanted))
    return notes


def counts(component):
    """Counts of one ``ComponentInfo`` (manifest figures)."""
    result = {"packages": 0, "services": 0, "operations": 0, "structures": 0,
              "enumerations": 0, "errors": 0}

    def structure(info):
        result["errors" if info["type"] == "ERROR" else "structures"] += 1
        result["enumerations"] += len(info["enumerations"])

    for package in component["packages"].values():
        result["packages"] += 1
        result["enumerations"] += len(package["enumerations"])
        for info in package["structures"].values():
            structure(info)
        for service in package["services"].values():
            result["services"] += 1
            result["operations"] += len(service["operations"])
            result["enumerations"] += len(service["enumerations"])
            for info in service["structures"].values():
                structure(info)
    return result
