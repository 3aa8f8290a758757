"""Command line: ``python -m vapi_snapshot --release R --out DIR --requirements FILE``.

Normally run by ``cargo xtask import-bindings``, which prepares one virtual
environment per release with that release's pinned binding wheels. Writes one
``<component>.json`` per component and ``manifest.json`` into ``--out``. The
snapshot README, which describes every release, is rendered from the manifests
by ``python -m vapi_snapshot.readme``.
"""

import argparse
import os
import sys
import time

from . import bindings, census, overlay, provenance, report, snapshot, wire


def main(argv=None):
    parser = argparse.ArgumentParser(prog="vapi_snapshot", description=__doc__.split("\n")[0])
    parser.add_argument("--release", required=True,
                        help="vSphere release of the installed bindings (the vmware-vcenter version)")
    parser.add_argument("--out", required=True, help="snapshot directory to (re)write")
    parser.add_argument("--rest-overlay", help="directory of VMware's OpenAPI documents")
    parser.add_argument("--requirements", required=True,
                        help="pinned requirements file (wheel hashes, for provenance)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    pinned = provenance.pinned_version(args.requirements, provenance.BUNDLING_DISTRIBUTION)
    if pinned != args.release:
        print("error: %s pins %s %s, not release %s"
              % (args.requirements, provenance.BUNDLING_DISTRIBUTION, pinned, args.release),
              file=sys.stderr)
        return 1

    walker = bindings.Walker()
    walker.load()
    packages = walker.packages()

    mappings = {}
    for key, mapping in sorted(walker.rest_mappings.items()):
        mappings.setdefault(key, []).append(mapping)
    collisions_bindings = report.route_collisions(packages, mappings)
    overlay_result = None
    if args.rest_overlay:
        overlay_result = overlay.apply(args.rest_overlay, packages, walker.rest_mappings)
        for key, params in sorted(overlay_result.filled_params.items()):
            walker.rest_mappings[key].params = list(params)
        for key, extra in sorted(overlay_result.mappings.items()):
            mappings.setdefault(key, []).extend(extra)
    for category, element, detail in snapshot.attach_rest(packages, mappings):
        walker.findings.lose(category, element, detail)
    collisions_final = report.route_collisions(packages, mappings)

    components = snapshot.components(packages)
    manifest_components = []
    totals = {}
    os.makedirs(args.out, exist_ok=True)
    expected_files = {"manifest.json"}
    for cid, info in sorted(components.items()):
        info_json = wire.encode(info)
        data = {"value": {"fingerprint": wire.fingerprint(info_json), "info": info_json}}
        filename = cid + ".json"
        expected_files.add(filename)
        _write(os.path.join(args.out, filename), wire.dumps(data))
        figures = snapshot.counts(info)
        manifest_components.append(dict({"id": cid, "file": filename}, **figures))
        for key, value in figures.items():
            totals[key] = totals.get(key, 0) + value

    expected, api_release = census.count_installed()
    if api_release != args.release:
        print("error: the bindings' documentation names vSphere API %s as the newest release, "
              "not %s" % (api_release, args.release), file=sys.stderr)
        return 1
    source = provenance.describe(args.requirements, args.rest_overlay)
    source["shared_files"] = provenance.shared_files(args.requirements)
    rest_stats = report.rest_statistics(packages, walker, overlay_result)
    task_stats = report.task_statistics(packages)
    manifest = {
        "release": args.release,
        "api_release": api_release,
        "source": source,
        "totals": totals,
        "components": manifest_components,
        "rest": report.rest_record(rest_stats),
        "tasks": report.task_record(task_stats),
        "route_collisions": report.collision_record(collisions_bindings, collisions_final),
        "lost": report.lost_record(walker.findings),
    }
    if overlay_result is not None:
        manifest["rest_overlay"] = report.overlay_record(overlay_result)
    _write(os.path.join(args.out, "manifest.json"), wire.dumps(manifest))
    stale = sorted(set(os.listdir(args.out)) - expected_files)
    for name in stale:
        if name.endswith(".json"):
            os.remove(os.path.join(args.out, name))

    print("release %s (vSphere API %s), components: %d" % (args.release, api_release, len(components)))
    for key in ("packages", "services", "operations", "structures", "enumerations", "errors"):
        print("%-13s %6d (census %d)" % (key + ":", totals[key], expected[key]))
    for line in report.rest_summary(rest_stats):
        print(line)
    print(report.task_summary(task_stats))
    print("time: %.1f s" % (time.monotonic() - started))
    mismatched = [key for key in expected if expected[key] != totals.get(key)]
    if mismatched:
        print("error: snapshot counts differ from the census of the bindings: %s"
              % ", ".join(mismatched), file=sys.stderr)
        return 1
    return 0


def _write(path, text):
    """Write ``text`` only when it changed (keeps timestamps of equal files)."""
    try:
        with open(path, encoding="utf-8") as handle:
            if handle.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
