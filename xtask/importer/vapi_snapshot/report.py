"""Statistics and the snapshot README (generated, so ``--check`` covers it)."""

from . import rest, snapshot, tasks

_CATEGORY_TITLES = {
    "route-collision": "Operations the bindings map to the same route with nothing to tell them apart",
    "task-result": "Task operations without a recorded result type",
    "union-required": "Union case fields required for some tag values",
    "query-style": "Query parameter serialization styles",
    "path-variable-renamed": "Path variables renamed so both REST forms share one PathVariable",
    "rest-conflict": "Parameters bound differently by the two REST forms",
    "rest-metadata": "Inconsistent REST metadata in the bindings",
    "rest-without-operation": "REST metadata for operations the stub does not declare",
    "missing-method": "Operations without a Python method (no documentation)",
    "error-doc": "Unresolvable :raise: entries",
    "resource": "ID types with conflicting resource types",
    "union": "Fields in more than one union",
    "validator": "Validators without a metamodel representation",
    "nesting": "Nested definitions the metamodel cannot hold",
    "enum-order": "Enumerations whose value order comes from run time",
    "model-keys": "Key fields of model structures",
}


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


def _table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return lines


def readme(context):
    """The snapshot README (Markdown) from a dict of everything measured."""
    source = context["source"]
    totals = context["totals"]
    stats = context["rest_stats"]
    overlay_result = context["overlay"]
    findings = context["findings"]
    out = []
    add = out.append
    add("# Metamodel snapshots")
    add("")
    add("`vsphere-9.1.1.0/` holds the vAPI metamodel of the vSphere 9.1.1.0 Automation APIs, one file per")
    add("component, in exactly the form `GET /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}`")
    add("returns (`{\"value\": ComponentData}`), plus `manifest.json` (provenance and counts). The code")
    add("generator reads these files; `cargo xtask fetch` can replace them with a dump of a live vCenter.")
    add("")
    add("This file is generated by `cargo xtask import-bindings`; do not edit it by hand.")
    add("")
    add("## Provenance")
    add("")
    add("The snapshot is **reconstructed** from VMware's official Python bindings, not dumped from a server:")
    add("")
    for package in source["packages"]:
        add("- `%s==%s`, wheel sha256 `%s`" % (package["name"], package["version"],
                                                ", ".join(package["wheel_sha256"])))
    add("")
    add("The wheels are pinned by version and hash in `xtask/importer/requirements.txt` and installed")
    add("with `pip --require-hashes --no-deps` into a private virtual environment")
    add("(`target/import-bindings-venv`). The importer (`xtask/importer/vapi_snapshot`) imports every")
    add("`com/vmware/**/*_client.py` module, instantiates each service stub over a connector that never")
    add("connects, and reads the binding types, operation tables, REST metadata, validators and")
    add("docstrings (attribute docstrings from the module source).")
    add("")
    if "rest_overlay" in source:
        overlay_source = source["rest_overlay"]
        add("REST mappings the bindings lost are filled in from VMware's OpenAPI documents of vCenter 7.0.3")
        add("(`%s`, read from outside the repository; file hashes in `manifest.json`)." % overlay_source["name"])
        add("")
    add("Reproduce and verify:")
    add("")
    add("```sh")
    add("cargo xtask import-bindings           # rewrite the snapshot (overlay: ../shared/vsphere-openapi-7.0.3)")
    add("cargo xtask import-bindings --check   # fail if the committed files differ from a fresh import")
    add("cargo xtask import-bindings --no-rest-overlay --out DIR   # from the bindings alone")
    add("```")
    add("")
    add("The committed snapshot is produced **with** the overlay (the default); `--check` uses the same")
    add("default. Output is pretty-printed with sorted keys, maps sorted by key, and byte-identical across runs.")
    add("")
    add("## Counts")
    add("")
    rows = []
    for component in context["components"]:
        rows.append(["`%s`" % component["id"]] + [component[k] for k in _COUNT_KEYS])
    rows.append(["**total**"] + [totals[k] for k in _COUNT_KEYS])
    out.extend(_table(["component"] + list(_COUNT_KEYS), rows))
    add("")
    add("Structures count `STRUCTURE` and errors `ERROR` structure infos, package-level and nested;")
    add("operations include `$task` variants. The importer checks these against an independent census of")
    add("the module text (stub interface names, operation table keys, `_set_binding_type` calls) and fails")
    add("when they differ. Components group packages by their first three name segments; the bindings do")
    add("not record the server's component boundaries.")
    add("")
    _differences(add)
    _conventions(add)
    _task_section(add, context["task_stats"])
    _rest_section(add, stats, overlay_result, context)
    _lost_section(add, findings, context)
    return "\n".join(out).rstrip() + "\n"


_COUNT_KEYS = ("packages", "services", "operations", "structures", "enumerations", "errors")


def _differences(add):
    add("## How this differs from a live dump")
    add("")
    for line in (
        "- `fingerprint` is the sha256 of the component's compact, key-sorted `ComponentInfo` JSON: a",
        "  deterministic content hash, **not** a fingerprint a server would report.",
        "- Documentation is converted back from the Python docstrings (see below); a server returns the",
        "  interface definition's own text, which the bindings only show after the Python generator's",
        "  rewording (\"class\" for service/structure, \"method\" for operation, \"attribute\" for field).",
        "- Component boundaries are approximated (see Counts); the package set is the bindings' module set,",
        "  including packages that only group sub-packages (kept for their documentation).",
        "- Metadata exists only where the bindings carry the information: `Resource`, `UnionTag`,",
        "  `UnionCase`, `HasFieldsOf`, `Model` and the REST annotations. A server also reports e.g.",
        "  `Response` status codes, `Crud`, `Include`/`Includable`, `CanonicalName`, privileges: absent here.",
        "- `lifecycle` is set (`{\"deprecated\": true}`) only for elements the documentation marks",
        "  deprecated (`.. deprecated::` or \"This ... is deprecated\"); it is omitted otherwise.",
        "- The REST mappings of operations the bindings describe with `@RequestMapping` lost their `action=`",
        "  dispatch parameter and their verb annotation; both come from the OpenAPI overlay where it",
        "  covers the operation (see REST mappings).",
        "- `TaskResult` metadata on the output of `op$task` operations is an **extension** of this",
        "  reconstruction (see Task results): a live dump does not carry it, and the code generator treats",
        "  it as optional (without it, a task variant's result is its synchronous twin's output).",
    ):
        add(line)
    add("")


def _conventions(add):
    add("## Representation details")
    add("")
    for line in (
        "- Names: packages, services, structures and enumerations carry their full dotted id in `name`;",
        "  operations and fields their canonical name (`command_line_options`, `size_MiB`).",
        "- `Resource` (on fields, parameters and results whose type contains `ID`): element `value`, a",
        "  STRING for one resource type or a STRING_LIST for several, and `typeHolder` (STRING, the field",
        "  naming the resource type) when the binding has one.",
        "- Unions: the tag field has `UnionTag` (no elements); each case field has `UnionCase` with `tag`",
        "  (STRING, the tag field) and `value` (STRING_LIST, the tag values for which the field is set).",
        "- `HasFieldsOf` on a `DYNAMIC_STRUCTURE` field/result: element `value`, STRUCTURE_REFERENCE",
        "  (STRUCTURE_REFERENCE_LIST when several).",
        "- Constants: upper-case literal class attributes of services and structures (`RESOURCE_TYPE`).",
        "- Task operations appear as the bindings have them: `op` and `op$task`, or only `op$task`",
        "  (output `ID` of resource type `com.vmware.cis.TASK`). A `$task` operation carries the REST",
        "  mapping of its base operation; the task dispatch parameter `vmw-task=true` is added by the",
        "  runtime, never stored in `params`. Its output's `TaskResult` metadata is described under",
        "  Task results.",
        "- Verb form: `GET`/`POST`/`PUT`/`PATCH`/`DELETE` with `path` (no `/api` prefix, no query),",
        "  `params` (dispatch query items `name=value`, or a bare `name` that must be present) and",
        "  `headers` (`Name:value`); only non-empty elements are present.",
        "- `RequestMapping`: `value` (path without query; no `/rest` prefix), `method`, and `params` with",
        "  the `action=...` item when there is one (where a binding's URL template had `?action=x`, it",
        "  moved to `params`; `vmware/vapi/rest/rules.py` reads both spellings alike).",
        "- Parameters: `PathVariable` (`value`), `Query` (`name`), `Header` (`name`), `Body` (no",
        "  elements). Unannotated parameters are body fields under their own name; on GET routes the",
        "  fields of an unannotated structure parameter are query parameters under the field names, as",
        "  the `/api` handler reads them. `Query`, `Header` and `Body` describe the verb form; the",
        "  `RequestMapping` form uses only `PathVariable` (its body is always an object of all",
        "  non-path parameters). `BodyField` never occurs: the bindings cannot express renamed body fields.",
        "- Documentation: reST is converted back to the metamodel's Javadoc-like text. Cross references",
        "  become `{@link <id>}` or `{@link <id>#<member>}` with canonical ids (`{@link",
        "  com.vmware.vcenter.vm.tools.info#run_state}`, `{@link com.vmware.vcenter.vm.tools#get}`, enum",
        "  values `{@link <enum id>#POWERED_ON}`); unresolvable ones and ``` ``literals`` ``` become",
        "  `{@code ...}`; `` :class:`list` ``/`set`/`dict` become list/set/map; links become `<a href>`;",
        "  paragraphs are separated by a blank line. Sentences the generator derived from `Resource` and",
        "  `UnionCase` (\"must be an identifier for the resource type\", \"only relevant when the value of",
        "  ... is\") are dropped since the metadata carries them. Per-field docs come from the",
        "  `:param:` entries of `__init__`, per-parameter/result/error docs from the method's",
        "  `:param:`/`:return:`/`:raise:`, enumeration value and constant docs from the source.",
    ):
        add(line)
    add("")


def _task_section(add, stats):
    add("## Task results")
    add("")
    for line in (
        "The metamodel gives an `op$task` operation the output `ID` (the task) and says nothing about",
        "the result the finished task yields; a live vCenter's metamodel service does not report it.",
        "The bindings know it: every task method ends with `Task(task_id, task_svc, <binding type>)`.",
        "The importer reads that third argument from the method's syntax tree (evaluating it only when",
        "it is made of `type.<Name>(...)` calls, string literals and `__name__`, and only when the body",
        "invokes exactly this `op$task`), converts the binding type like every other binding type, and",
        "records it on the operation's `output` (`OperationResultInfo`) `metadata` under `TaskResult`.",
        "This is an extension of this reconstruction in the metamodel's own vocabulary; a live dump does",
        "not carry it and the code generator treats it as optional.",
        "",
        "`TaskResult` elements:",
        "",
        "- `generic` (STRING_LIST, absent when the result is not generic): the `GenericInstantiation`",
        "  generic types wrapping the result, outermost first, each `OPTIONAL`, `LIST` or `SET`;",
        "- exactly one of `builtin` (STRING, a `Type` builtin type such as `VOID`, `STRING`, `ID`),",
        "  `structure` (STRUCTURE_REFERENCE, a structure or error id) or `enumeration` (STRING, an",
        "  enumeration id): the innermost type.",
        "",
        "So `OPTIONAL<LIST<com.vmware.x.info>>` is `generic` = `[\"OPTIONAL\", \"LIST\"]`, `structure` =",
        "`com.vmware.x.info`, and a task without result is `builtin` = `VOID`. A `MAP` result would have",
        "no encoding and be left out (none occurs). Resource types of an `ID` result are not recorded.",
        "An `op$task` whose synchronous twin `op` exists gets `TaskResult` as well; the importer fails",
        "unless it equals the twin's output type.",
        "",
    ):
        add(line)
    rows = []
    for kind, (task_only, with_twin) in sorted(stats["kinds"].items()):
        rows.append(["`%s`" % kind, task_only, with_twin, task_only + with_twin])
    totals = [sum(counts[i] for counts in stats["kinds"].values()) for i in (0, 1)]
    rows.append(["**total**", totals[0], totals[1], sum(totals)])
    for line in _table(["result", "task-only", "with twin", "total"], rows):
        add(line)
    add("")
    missing = stats["operations"] - stats["recorded"]
    if missing:
        add("%d of %d `$task` operations have a recorded result; %d without one are listed below with"
            " the reason." % (stats["recorded"], stats["operations"], missing))
    else:
        add("All %d `$task` operations have a recorded result." % stats["operations"])
    add("")


def _rest_section(add, stats, overlay_result, context):
    add("## REST mappings")
    add("")
    add("The bindings' `OperationRestMetadata` shows which annotation an operation had: for verb")
    add("annotations the generator passes `QueryRestMetadata`, dispatch parameters, dispatch headers and")
    add("`use_status_to_std_err_map=False`; for `@RequestMapping` it passes none of these.")
    add("")
    entries = stats["binding_entries"]
    add("- REST metadata entries in the bindings: **%d verb form**, **%d RequestMapping form**"
        % (entries["verb"], entries["request_mapping"]))
    add("  (one entry per base operation; `op` and `op$task` share one).")
    add("- Per operation (%d operations including `$task` variants):" % stats["operations"])
    add("")
    rows = []
    sources = sorted(set(stats["verb"]) | set(stats["request_mapping"]))
    for source in sources:
        rows.append([source, stats["verb"].get(source, 0), stats["request_mapping"].get(source, 0)])
    for line in _table(["source", "verb form", "RequestMapping"], rows):
        add(line)
    add("")
    add("An operation without `RequestMapping` uses the REST handler's default `/rest` convention")
    add("(`/rest/com/vmware/...`), which needs no annotation.")
    add("")
    if overlay_result is not None:
        add("### OpenAPI overlay")
        add("")
        add("Matched by service (document name + tag, e.g. `vcenter.json` tag `vm/tools` ->")
        add("`com.vmware.vcenter.vm.tools`) and `operationId`, exact or differing only in case; nothing")
        add("is matched by similarity. A verb-annotated operation's `/api` route must have the bindings'")
        add("method and path shape before its `/rest` route is used; a `@RequestMapping` operation's")
        add("`/rest` route must have the bindings' method and shape before its `/api` route is used")
        add("(otherwise the operation changed since 7.0.3). `/api` bodies: a wrapper schema whose")
        add("properties are all parameter names means body fields; a schema named after one remaining")
        add("parameter's structure type means `Body` on it; anything else is skipped.")
        add("")
        rows = [[key, value] for key, value in sorted(overlay_result.counts.items())]
        for line in _table(["overlay statistic", "count"], rows):
            add(line)
        add("")
        reasons = {}
        for reason, element, detail in overlay_result.skipped:
            reasons.setdefault(reason, []).append((element, detail))
        for reason in sorted(reasons):
            if reason == "unknown service":
                tags = sorted({"%s %s" % (element.split(" ")[0], detail)
                               for element, detail in reasons[reason]})
                add("<details><summary>Skipped, unknown service: %d operations (%d tags absent from the"
                    " 9.1.1.0 bindings)</summary>" % (len(reasons[reason]), len(tags)))
                add("")
                for tag in tags:
                    add("- `%s`" % tag)
                add("")
                add("</details>")
                add("")
                continue
            add("Skipped, %s:" % reason)
            add("")
            for element, detail in reasons[reason]:
                add("- `%s`: %s" % (element, detail))
            add("")
    add("Operations without a verb annotation (%d):" % len(stats["without_verb"]))
    add("")
    for name in stats["without_verb"]:
        add("- `%s`%s" % (name, "" if name not in stats["without_any"] else " (no REST annotation at all)"))
    add("")


def _lost_section(add, findings, context):
    add("## Information the bindings lost or the metamodel cannot hold")
    add("")
    collisions = context["collisions_bindings"]
    remaining = context["collisions_final"]
    add("### Operations sharing a route in the bindings")
    add("")
    add("Groups of operations of one service that the bindings map to the same method and URL with no")
    add("dispatch parameter to tell them apart (the bindings dropped `action=`). \"resolved\" means the")
    add("snapshot distinguishes them after the overlay restored the dispatch parameters.")
    add("")
    rows = []
    for (service_id, kind, method, path, params, headers), ops in collisions.items():
        still = any(service_id == r[0] and kind == r[1] and len(set(ops) & set(o)) > 1
                    for r, o in remaining.items())
        rows.append(["`%s`" % service_id, kind, "%s %s%s" % (method, path, "?" + "&".join(params) if params else ""),
                     ", ".join(ops), "no" if still else "yes"])
    for line in _table(["service", "form", "route", "operations", "resolved"], rows):
        add(line)
    add("")
    filled = context["filled_params"]
    if filled:
        add("### `@RequestMapping` dispatch parameters restored from the overlay (%d)" % len(filled))
        add("")
        add("The bindings keep a `@RequestMapping` operation's path and method but drop its `action=`")
        add("parameter (e.g. `com.vmware.vcenter.vm.tools#upgrade` became a bare `POST")
        add("/vcenter/vm/{vm}/tools`); these operations got it back from the `/rest` route:")
        add("")
        for (service_id, operation_id), params in sorted(filled.items()):
            add("- `%s#%s`: `%s`" % (service_id, operation_id, "&".join(params)))
        add("")
    by_category = {}
    for category, element, detail in findings.lost:
        by_category.setdefault(category, []).append((element, detail))
    for category in sorted(by_category):
        entries = by_category[category]
        title = _CATEGORY_TITLES.get(category, category)
        add("### %s (%d)" % (title, len(entries)))
        add("")
        add(_CATEGORY_NOTES.get(category, ""))
        add("")
        add("<details><summary>List</summary>")
        add("")
        for element, detail in sorted(entries):
            add("- `%s`: %s" % (element, detail))
        add("")
        add("</details>")
        add("")


_CATEGORY_NOTES = {
    "task-result": "The method body does not state the result type in the one form the importer reads "
                   "(see Task results), so no `TaskResult` is recorded.",
    "union-required": "`UnionValidator` marks, per tag value, which case fields must then be set; "
                      "`UnionCase` only says for which values a field is relevant.",
    "query-style": "`QueryRestMetadata` serialization styles have no metamodel place (all are `form`, "
                   "the default).",
    "path-variable-renamed": "The URLs matched are unchanged.",
    "rest-conflict": "The first (bindings) annotation is kept.",
    "missing-method": "",
    "model-keys": "The structure carries `Model` metadata (no elements); the bindings' list of key fields "
                  "has no documented metadata element and is listed here instead.",
}
