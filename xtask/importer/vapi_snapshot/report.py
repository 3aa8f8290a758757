"""What an import measured, as the JSON the manifest records.

:mod:`vapi_snapshot.readme` renders the snapshot README from the manifests of
all releases, so everything it shows is recorded here: per-operation sources
of the REST forms, what the OpenAPI overlay filled in or skipped, task result
kinds, routes the bindings share between operations, and the information the
bindings lost (``Findings``).
"""

from . import rest, snapshot, tasks


def rest_statistics(packages, walker, overlay_result):
    """Per-operation sources of the verb and ``RequestMapping`` forms."""
    stats = {"operations": 0, "verb": {}, "request_mapping": {}, "without_verb": [],
             "without_any": [], "binding_entries": {"verb": 0, "request_mapping": 0}}
    added = overlay_result.mappings if overlay_result else {}
    for service_id, operation_id, _info in snapshot.operations(packages):
        key = (service_id, operation_id)
        stats["operations"] += 1
        sources = {"verb": None, "request_mapping": None}
        binding = walker.rest_mappings.get(key)
        if binding is not None:
            form = "verb" if binding.kind == rest.VERB else "request_mapping"
            sources[form] = "bindings"
            if overlay_result and key in overlay_result.filled_params:
                sources[form] = "bindings, params from openapi"
            if not operation_id.endswith("$task") or \
                    (service_id, operation_id[: -len("$task")]) not in walker.rest_mappings:
                stats["binding_entries"][form] += 1
        for mapping in added.get(key, []):
            form = "verb" if mapping.kind == rest.VERB else "request_mapping"
            if sources[form] is None:
                sources[form] = "openapi"
        for form in ("verb", "request_mapping"):
            source = sources[form] or "none"
            stats[form][source] = stats[form].get(source, 0) + 1
        name = "%s#%s" % key
        if sources["verb"] is None:
            stats["without_verb"].append(name)
            if sources["request_mapping"] is None:
                stats["without_any"].append(name)
    return stats


def rest_summary(stats):
    """Console lines summarising :func:`rest_statistics`."""
    lines = ["REST metadata entries in the bindings: verb form %d, RequestMapping form %d"
             % (stats["binding_entries"]["verb"], stats["binding_entries"]["request_mapping"])]
    for form, label in (("verb", "verb form"), ("request_mapping", "RequestMapping")):
        parts = ", ".join("%s %d" % (k, v) for k, v in sorted(stats[form].items()))
        lines.append("operations with %s: %s" % (label, parts))
    return lines


def route_collisions(packages, mappings, kinds=(rest.VERB, rest.REQUEST_MAPPING)):
    """Groups of operations of one service sharing method, path and dispatch.

    ``op`` and ``op$task`` share a route by design (the task variant adds
    ``vmw-task=true`` at run time) and are not reported.
    """
    groups = {}
    for service_id, operation_id, _info in snapshot.operations(packages):
        if operation_id.endswith("$task"):
            continue
        for mapping in mappings.get((service_id, operation_id), []):
            if mapping.kind not in kinds:
                continue
            route = (service_id, mapping.kind, mapping.method, mapping.path,
                     tuple(sorted(mapping.params)), tuple(sorted(mapping.headers)))
            groups.setdefault(route, []).append(operation_id)
    return {route: ops for route, ops in sorted(groups.items()) if len(ops) > 1}


def task_statistics(packages):
    """``$task`` operations by recorded result kind and by twin (``op`` exists)."""
    stats = {"operations": 0, "recorded": 0, "kinds": {}}
    services = {}
    for service_id, operation_id, info in snapshot.operations(packages):
        services.setdefault(service_id, set()).add(operation_id)
    for service_id, operation_id, info in snapshot.operations(packages):
        if not operation_id.endswith("$task"):
            continue
        stats["operations"] += 1
        recorded = info["output"]["metadata"].get(tasks.METADATA_KEY)
        if recorded is None:
            continue
        stats["recorded"] += 1
        twin = operation_id[: -len("$task")] in services[service_id]
        counts = stats["kinds"].setdefault(tasks.kind(recorded), [0, 0])
        counts[1 if twin else 0] += 1
    return stats


def task_summary(stats):
    """Console line summarising :func:`task_statistics`."""
    kinds = ", ".join("%s %d" % (kind, sum(counts)) for kind, counts in sorted(stats["kinds"].items()))
    return "task results recorded: %d of %d $task operations (%s)" % (
        stats["recorded"], stats["operations"], kinds)


def operation_name(key):
    """``service#operation`` of a ``(service id, operation id)`` key."""
    return "%s#%s" % key


def _route_text(mapping):
    query = ("?" + "&".join(mapping.params)) if mapping.params else ""
    return "%s %s%s" % (mapping.method, mapping.path, query)


def rest_record(stats):
    """The manifest's ``rest``: where each operation's REST forms come from."""
    return {
        "operations": stats["operations"],
        "binding_entries": dict(stats["binding_entries"]),
        "sources": {"verb": dict(stats["verb"]), "request_mapping": dict(stats["request_mapping"])},
        "without_verb": sorted(stats["without_verb"]),
        "without_any": sorted(stats["without_any"]),
    }


def overlay_record(overlay_result):
    """The manifest's ``rest_overlay``: what the overlay filled in and skipped."""
    filled = {"params": {}, "verb": {}, "request_mapping": {}}
    for key, params in sorted(overlay_result.filled_params.items()):
        filled["params"][operation_name(key)] = "&".join(params)
    for key, mappings in sorted(overlay_result.mappings.items()):
        for mapping in mappings:
            form = "verb" if mapping.kind == rest.VERB else "request_mapping"
            filled[form][operation_name(key)] = _route_text(mapping)
    skipped = [{"reason": reason, "element": element, "detail": detail}
               for reason, element, detail in overlay_result.skipped]
    skipped.sort(key=lambda entry: (entry["reason"], entry["element"], entry["detail"]))
    return {"counts": dict(overlay_result.counts), "filled": filled, "skipped": skipped}


def task_record(stats):
    """The manifest's ``tasks``: ``$task`` operations by recorded result kind."""
    return {
        "operations": stats["operations"],
        "recorded": stats["recorded"],
        "results": {kind: {"task_only": counts[0], "with_twin": counts[1]}
                    for kind, counts in stats["kinds"].items()},
    }


def collision_record(collisions, remaining):
    """The manifest's ``route_collisions``: operations sharing a route in the bindings.

    ``resolved`` says whether the snapshot tells them apart after the
    overlay restored dispatch parameters (``remaining`` holds the groups
    still colliding).
    """
    rows = []
    for (service_id, kind, method, path, params, _headers), ops in collisions.items():
        still = any(service_id == route[0] and kind == route[1] and len(set(ops) & set(others)) > 1
                    for route, others in remaining.items())
        rows.append({
            "service": service_id,
            "form": kind,
            "route": "%s %s%s" % (method, path, "?" + "&".join(params) if params else ""),
            "operations": list(ops),
            "resolved": not still,
        })
    return rows


def lost_record(findings):
    """The manifest's ``lost``: ``{category: [{element, detail}]}``, sorted."""
    result = {}
    for category, element, detail in sorted(findings.lost):
        result.setdefault(category, []).append({"element": element, "detail": detail})
    return result

