"""Statistics and the snapshot README."""

from . import rest, snapshot


def rest_statistics(packages, walker, overlay_result):
    """Per-operation sources of the verb and ``RequestMapping`` forms."""
    stats = {"operations": 0, "verb": {}, "request_mapping": {}, "without_verb": [],
             "without_request_mapping": []}
    added = overlay_result.mappings if overlay_result else {}
    for service_id, operation_id, _info in snapshot.operations(packages):
        key = (service_id, operation_id)
        stats["operations"] += 1
        sources = {"verb": None, "request_mapping": None}
        binding = walker.rest_mappings.get(key)
        if binding is not None:
            sources["verb" if binding.kind == rest.VERB else "request_mapping"] = "bindings"
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
            stats["without_request_mapping"].append(name)
    return stats


def rest_summary(stats):
    """Console lines summarising :func:`rest_statistics`."""
    lines = []
    for form, label in (("verb", "verb form"), ("request_mapping", "RequestMapping")):
        parts = ", ".join("%s %d" % (k, v) for k, v in sorted(stats[form].items()))
        lines.append("%s: %s" % (label, parts))
    return lines


def readme(source, totals, components, stats, findings, overlay_result):  # pylint: disable=unused-argument
    """The snapshot README (Markdown)."""
    lines = ["# Metamodel snapshots", ""]
    lines.append("Totals: " + ", ".join("%s %d" % (k, v) for k, v in sorted(totals.items())))
    lines.append("")
    return "\n".join(lines)
