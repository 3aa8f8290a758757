"""The snapshot README, rendered from the manifests of every release.

``python -m vapi_snapshot.readme --out README.md [--changes FILE] DIR...``
with one snapshot directory per release, oldest first. Everything shown comes
from the ``manifest.json`` files (see :mod:`vapi_snapshot.report`), so the
README describes all releases even when only one of them was re-imported.
``--changes`` (a file, ``-`` for standard input) is a Markdown section inserted
after the release table: the summary of ``cargo xtask diff`` from the oldest to
the newest release, which ``cargo xtask import-bindings`` passes in.

This module imports nothing from the bindings: any Python runs it.
"""

import argparse
import json
import os
import sys

COUNT_KEYS = ("packages", "services", "operations", "structures", "enumerations", "errors")

CATEGORY_TITLES = {
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

CATEGORY_NOTES = {
    "task-result": "The method body does not state the result type in the one form the importer reads "
                   "(see Task results), so no `TaskResult` is recorded.",
    "union-required": "`UnionValidator` marks, per tag value, which case fields must then be set; "
                      "`UnionCase` only says for which values a field is relevant.",
    "query-style": "`QueryRestMetadata` serialization styles have no metamodel place (all are `form`, "
                   "the default).",
    "path-variable-renamed": "The URLs matched are unchanged.",
    "rest-conflict": "The first (bindings) annotation is kept.",
    "model-keys": "The structure carries `Model` metadata (no elements); the bindings' list of key fields "
                  "has no documented metadata element and is listed here instead.",
}

WHEELS = ("vmware-vcenter", "vmware-vapi-common-client", "vmware-vapi-runtime")


def table(headers, rows):
    """Markdown table lines."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return lines


class Releases:
    """The manifests, oldest release first, and helpers over them."""

    def __init__(self, manifests):
        self.manifests = manifests
        self.names = [manifest["release"] for manifest in manifests]

    def note(self, present):
        """`` (8.0.3.0, 9.0.0.0)`` for an entry of some releases, ``""`` for all."""
        present = [name for name in self.names if name in present]
        return "" if present == self.names else " (%s)" % ", ".join(present)

    def merged(self, entries):
        """``{entry: [releases]}`` from ``lambda manifest: iterable of entries``, sorted."""
        found = {}
        for manifest in self.manifests:
            for entry in entries(manifest):
                found.setdefault(entry, []).append(manifest["release"])
        return dict(sorted(found.items()))

    def pivot(self, label, rows, value):
        """Table lines: one row per ``rows`` key, one column per release."""
        body = [[row] + [value(manifest, key) for manifest in self.manifests] for row, key in rows]
        return table([label] + self.names, body)


def render(manifests, changes=None):
    """README text."""
    releases = Releases(manifests)
    out = []
    add = out.append
    newest = releases.names[-1]
    add("# Metamodel snapshots")
    add("")
    add("Each `vsphere-<release>/` directory holds the vAPI metamodel of one vSphere release's Automation")
    add("APIs, one file per component, in exactly the form")
    add("`GET /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}` returns (`{\"value\": ComponentData}`),")
    add("plus `manifest.json`: the release, provenance, counts, and what the import filled in or lost.")
    add("The code generator reads these files; `cargo xtask fetch` can replace one with a dump of a live")
    add("vCenter.")
    add("")
    add("This file is generated by `cargo xtask import-bindings`; do not edit it by hand.")
    add("")
    _releases_section(add, releases)
    if changes:
        out.extend(changes.rstrip("\n").split("\n"))
        add("")
    _provenance_section(add, releases, newest)
    _counts_section(add, releases)
    _differences(add)
    _conventions(add)
    _task_section(add, releases)
    _rest_section(add, releases)
    _lost_section(add, releases)
    return "\n".join(out).rstrip() + "\n"


def _versions(manifest):
    return {package["name"]: package["version"] for package in manifest["source"]["packages"]}


def _releases_section(add, releases):
    add("## Releases")
    add("")
    rows = []
    for manifest in releases.manifests:
        versions = _versions(manifest)
        rows.append(["`vsphere-%s/`" % manifest["release"], manifest["api_release"]]
                    + [versions.get(wheel, "-") for wheel in WHEELS[1:]]
                    + [manifest["totals"][key] for key in COUNT_KEYS])
    for line in table(["snapshot", "vSphere API", "common-client", "runtime"] + list(COUNT_KEYS), rows):
        add(line)
    add("")
    add("The release is the `vmware-vcenter` version; \"vSphere API\" is the newest release the bindings'")
    add("documentation names (\"This method was added in vSphere API 8.0.3.0\"), recorded in the manifest")
    add("as `api_release` next to `release`; the importer fails unless both agree. The versions of")
    add("`vmware-vapi-common-client` and `vmware-vapi-runtime` are the ones the `vmware-vcenter` wheel of")
    add("the release declares (`Requires-Dist`); 8.0.3.0 declares only `vmware-vapi-runtime>=2.52.0` and")
    add("is paired with the 2.52.0 wheels of the same SDK release.")
    add("")


def _provenance_section(add, releases, newest):
    add("## Provenance")
    add("")
    add("The snapshots are **reconstructed** from VMware's official Python bindings, not dumped from a")
    add("server. The wheels of each release are pinned by version and sha256 in")
    add("`xtask/importer/requirements/<release>.txt` and installed with `pip --require-hashes --no-deps`")
    add("into a private virtual environment per release (`target/import-bindings-venv-<release>`). The")
    add("importer (`xtask/importer/vapi_snapshot`) imports every `com/vmware/**/*_client.py` module,")
    add("instantiates each service stub over a connector that never connects, and reads the binding types,")
    add("operation tables, REST metadata, validators and docstrings (attribute docstrings from the module")
    add("source).")
    add("")
    rows = []
    for manifest in releases.manifests:
        for package in manifest["source"]["packages"]:
            rows.append([manifest["release"], "`%s`" % package["name"], package["version"],
                         "`%s`" % ", ".join(package["wheel_sha256"])])
    for line in table(["release", "wheel", "version", "sha256"], rows):
        add(line)
    add("")
    add("The 2.x runtimes (8.0.3.0, 9.0.0.0) also import `six` and `pkg_resources` (`setuptools`), pinned")
    add("the same way. `vmware-vcenter` also ships copies of")
    add("some `com.vmware.cis` (and in 8.0 `com.vmware.vapi`) modules that `vmware-vapi-common-client` owns;")
    add("the copies differ (documentation, and in 8.0 the internal metadata `source` services). The")
    add("snapshots use the owner's copies: `vmware-vcenter` is installed first, and the importer fails")
    add("unless each shared file on disk is the other wheel's copy (list in `source.shared_files`).")
    add("")
    rows = []
    for manifest in releases.manifests:
        shared = manifest["source"].get("shared_files", [])
        rows.append([manifest["release"], len(shared), sum(1 for entry in shared if entry["copies_differ"])])
    for line in table(["release", "shared files", "copies differ"], rows):
        add(line)
    add("")
    overlays = {manifest["source"]["rest_overlay"]["name"] for manifest in releases.manifests
                if "rest_overlay" in manifest["source"]}
    if overlays:
        add("REST mappings the bindings lost are filled in from VMware's OpenAPI documents of vCenter 7.0.3")
        add("(`%s`, read from outside the repository; file hashes in each `manifest.json`)."
            % ", ".join(sorted(overlays)))
        add("")
    add("Reproduce and verify:")
    add("")
    add("```sh")
    add("cargo xtask import-bindings                      # rewrite every release (overlay: ../shared/vsphere-openapi-7.0.3)")
    add("cargo xtask import-bindings --release %s   # one release" % newest)
    add("cargo xtask import-bindings --check              # fail if the committed files differ from a fresh import")
    add("cargo xtask import-bindings --no-rest-overlay --release %s --out DIR   # from the bindings alone" % newest)
    add("```")
    add("")
    add("The committed snapshots are produced **with** the overlay (the default); `--check` uses the same")
    add("default and imports the releases in parallel. Output is pretty-printed with sorted keys, maps sorted")
    add("by key, and byte-identical across runs.")
    add("")


def _counts_section(add, releases):
    add("## Counts")
    add("")
    components = sorted({component["id"] for manifest in releases.manifests
                         for component in manifest["components"]})

    def cell(manifest, component_id):
        for component in manifest["components"]:
            if component["id"] == component_id:
                return "%d / %d" % (component["services"], component["operations"])
        return "-"

    add("Services / operations per component:")
    add("")
    for line in releases.pivot("component", [("`%s`" % c, c) for c in components], cell):
        add(line)
    add("")
    for manifest in releases.manifests:
        add("<details><summary>%s: all counts per component</summary>" % manifest["release"])
        add("")
        rows = [["`%s`" % component["id"]] + [component[key] for key in COUNT_KEYS]
                for component in manifest["components"]]
        rows.append(["**total**"] + [manifest["totals"][key] for key in COUNT_KEYS])
        for line in table(["component"] + list(COUNT_KEYS), rows):
            add(line)
        add("")
        add("</details>")
        add("")
    add("Structures count `STRUCTURE` and errors `ERROR` structure infos, package-level and nested;")
    add("operations include `$task` variants. The importer checks these against an independent census of")
    add("the module text (stub interface names, operation table keys, `_set_binding_type` calls) and fails")
    add("when they differ. Components group packages by their first three name segments; the bindings do")
    add("not record the server's component boundaries.")
    add("")


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
        "- REST metadata: every generator of the bindings passes `dispatch_parameters` (and",
        "  `dispatch_header_parameters`) to `OperationRestMetadata` for a verb annotation and never for",
        "  `@RequestMapping`; since 9.1 a verb annotation's query parameters are also a `QueryRestMetadata`.",
        "  The importer records the constructor's arguments to tell the forms apart in every release.",
    ):
        add(line)
    add("")


def _task_section(add, releases):
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
        "Recorded results by kind, as task-only + with twin:",
        "",
    ):
        add(line)
    kinds = sorted({kind for manifest in releases.manifests for kind in manifest["tasks"]["results"]})

    def cell(manifest, kind):
        counts = manifest["tasks"]["results"].get(kind)
        return "%d + %d" % (counts["task_only"], counts["with_twin"]) if counts else "-"

    def total(manifest, _key):
        results = manifest["tasks"]["results"].values()
        return "%d + %d" % (sum(c["task_only"] for c in results), sum(c["with_twin"] for c in results))

    rows = [("`%s`" % kind, kind) for kind in kinds]
    lines = releases.pivot("result", rows, cell)
    lines.extend(releases.pivot("", [("**total**", None)], total)[2:])
    lines.extend(releases.pivot("", [("`$task` operations without a result", None)],
                                lambda m, _k: m["tasks"]["operations"] - m["tasks"]["recorded"])[2:])
    for line in lines:
        add(line)
    add("")


def _rest_section(add, releases):
    add("## REST mappings")
    add("")
    add("The bindings' `OperationRestMetadata` shows which annotation an operation had: for verb")
    add("annotations the generator passes dispatch parameters and dispatch headers (and since 9.0")
    add("`use_status_to_std_err_map=False`, since 9.1 a `QueryRestMetadata`); for `@RequestMapping` it")
    add("passes none of these. REST metadata entries in the bindings count one per base operation (`op`")
    add("and `op$task` share one); the sources count every operation including `$task` variants.")
    add("")
    rows = [("entries in the bindings: verb form", ("entries", "verb")),
            ("entries in the bindings: RequestMapping form", ("entries", "request_mapping")),
            ("operations", ("operations", None))]
    sources = sorted({(form, source) for manifest in releases.manifests
                      for form in ("verb", "request_mapping")
                      for source in manifest["rest"]["sources"][form]})
    labels = {"verb": "verb form", "request_mapping": "RequestMapping"}
    rows += [("%s from %s" % (labels[form], source), ("source", (form, source)))
             for form, source in sources]

    def cell(manifest, key):
        kind, detail = key
        record = manifest["rest"]
        if kind == "entries":
            return record["binding_entries"][detail]
        if kind == "operations":
            return record["operations"]
        return record["sources"][detail[0]].get(detail[1], 0)

    for line in releases.pivot("statistic", rows, cell):
        add(line)
    add("")
    add("An operation without `RequestMapping` uses the REST handler's default `/rest` convention")
    add("(`/rest/com/vmware/...`), which needs no annotation.")
    add("")
    overlays = [m for m in releases.manifests if "rest_overlay" in m]
    if overlays:
        _overlay_section(add, releases)
    without = releases.merged(lambda m: [
        name + (" (no REST annotation at all)" if name in m["rest"]["without_any"] else "")
        for name in m["rest"]["without_verb"]])
    add("Operations without a verb annotation (%s):" % _per_release(
        releases, lambda m: len(m["rest"]["without_verb"])))
    add("")
    for entry, present in without.items():
        name, _, rest_text = entry.partition(" ")
        add("- `%s`%s%s" % (name, " " + rest_text if rest_text else "", releases.note(present)))
    add("")


def _per_release(releases, value):
    return ", ".join("%s: %s" % (m["release"], value(m)) for m in releases.manifests)


def _overlay_section(add, releases):
    add("### OpenAPI overlay")
    add("")
    add("Matched by service (document name + tag, e.g. `vcenter.json` tag `vm/tools` ->")
    add("`com.vmware.vcenter.vm.tools`; `hvc.json`, `stats.json` and `session.json` are named after their")
    add("routes and describe `com.vmware.vcenter.hvc`, `com.vmware.vstats` and `com.vmware.cis.session`)")
    add("and `operationId`, exact or differing only in case; nothing is matched by similarity. A")
    add("verb-annotated operation's `/api` route must have the bindings' method and path shape before its")
    add("`/rest` route is used; a `@RequestMapping` operation's `/rest` route must have the bindings' method")
    add("and shape before its `/api` route is used (otherwise the operation changed since 7.0.3). `/api`")
    add("bodies: a wrapper schema whose properties are all parameter names means body fields; a schema")
    add("named after one remaining parameter's structure type means `Body` on it; anything else is skipped.")
    add("Each manifest's `rest_overlay.filled` lists the operations the overlay filled in, with the route.")
    add("")
    keys = sorted({key for m in releases.manifests for key in m.get("rest_overlay", {}).get("counts", {})})
    rows = [(key, key) for key in keys]
    for line in releases.pivot("overlay statistic", rows,
                               lambda m, key: m.get("rest_overlay", {}).get("counts", {}).get(key, 0)):
        add(line)
    add("")
    skipped = releases.merged(lambda m: [
        (entry["reason"], entry["element"], entry["detail"]) for entry in m.get("rest_overlay", {}).get("skipped", [])
        if entry["reason"] != "unknown service"])
    reasons = sorted({reason for reason, _, _ in skipped})
    for reason in reasons:
        add("Skipped, %s:" % reason)
        add("")
        for (entry_reason, element, detail), present in skipped.items():
            if entry_reason == reason:
                add("- `%s`: %s%s" % (element, detail, releases.note(present)))
        add("")
    unknown = releases.merged(lambda m: sorted({
        "%s %s" % (entry["element"].split(" ")[0], entry["detail"])
        for entry in m.get("rest_overlay", {}).get("skipped", []) if entry["reason"] == "unknown service"}))
    if unknown:
        add("<details><summary>Skipped, unknown service: tags absent from the bindings "
            "(operations: %s)</summary>" % _per_release(releases, lambda m: sum(
                1 for entry in m.get("rest_overlay", {}).get("skipped", [])
                if entry["reason"] == "unknown service")))
        add("")
        for tag, present in unknown.items():
            add("- `%s`%s" % (tag, releases.note(present)))
        add("")
        add("</details>")
        add("")


def _lost_section(add, releases):
    add("## Information the bindings lost or the metamodel cannot hold")
    add("")
    add("Entries without a release list occur in every release.")
    add("")
    add("### Operations sharing a route in the bindings")
    add("")
    add("Groups of operations of one service that the bindings map to the same method and URL with no")
    add("dispatch parameter to tell them apart (the bindings dropped `action=`). \"resolved\" means the")
    add("snapshot distinguishes them after the overlay restored the dispatch parameters.")
    add("")
    collisions = releases.merged(lambda m: [
        (row["service"], row["form"], row["route"], ", ".join(row["operations"]),
         "yes" if row["resolved"] else "no") for row in m["route_collisions"]])
    rows = [["`%s`" % service, form, route, ops, resolved, releases.note(present).strip(" ()") or "all"]
            for (service, form, route, ops, resolved), present in collisions.items()]
    for line in table(["service", "form", "route", "operations", "resolved", "releases"], rows):
        add(line)
    add("")
    filled = releases.merged(lambda m: sorted(m.get("rest_overlay", {}).get("filled", {})
                                              .get("params", {}).items()))
    if filled:
        add("### `@RequestMapping` dispatch parameters restored from the overlay")
        add("")
        add("The bindings keep a `@RequestMapping` operation's path and method but drop its `action=`")
        add("parameter (e.g. `com.vmware.vcenter.vm.tools#upgrade` became a bare `POST")
        add("/vcenter/vm/{vm}/tools`); these operations got it back from the `/rest` route (%s):"
            % _per_release(releases, lambda m: len(m.get("rest_overlay", {}).get("filled", {})
                                                   .get("params", {}))))
        add("")
        for (name, params), present in filled.items():
            add("- `%s`: `%s`%s" % (name, params, releases.note(present)))
        add("")
    categories = sorted({category for m in releases.manifests for category in m["lost"]})
    for category in categories:
        title = CATEGORY_TITLES.get(category, category)
        add("### %s" % title)
        add("")
        add("%s: %s." % ("Entries per release", _per_release(releases, lambda m: len(m["lost"].get(category, [])))))
        note = CATEGORY_NOTES.get(category)
        if note:
            add(note)
        add("")
        add("<details><summary>List</summary>")
        add("")
        entries = releases.merged(lambda m: [(entry["element"], entry["detail"])
                                             for entry in m["lost"].get(category, [])])
        for (element, detail), present in entries.items():
            add("- `%s`: %s%s" % (element, detail, releases.note(present)))
        add("")
        add("</details>")
        add("")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="vapi_snapshot.readme", description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="README to write")
    parser.add_argument("--changes", help="Markdown section to insert after the release table "
                                          "(a file, or - for standard input)")
    parser.add_argument("snapshots", nargs="+", help="snapshot directories, oldest release first")
    args = parser.parse_args(argv)
    manifests = []
    for directory in args.snapshots:
        with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as handle:
            manifests.append(json.load(handle))
    changes = None
    if args.changes == "-":
        changes = sys.stdin.read()
    elif args.changes:
        with open(args.changes, encoding="utf-8") as handle:
            changes = handle.read()
    text = render(manifests, changes)
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
