//! The route table the generated crate exports (`vsphere_vapi::operations()`),
//! built here with every feature: complete against the snapshot manifest,
//! sorted, unique, and every route well formed for the runtime.

mod support_mock;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support_mock::{snapshot_dirs, workspace_root};
use vsphere_vapi::operations;
use vsphere_vapi::runtime::{HttpMethod, HttpRoute, OperationSpec, ParamLocation};

fn name(spec: &OperationSpec) -> String {
    format!("{}.{}", spec.service_id, spec.operation_id)
}

fn routes(spec: &OperationSpec) -> impl Iterator<Item = (&'static str, &HttpRoute)> {
    [("/api/", spec.api.as_ref()), ("/rest/", spec.rest.as_ref())]
        .into_iter()
        .filter_map(|(prefix, route)| route.map(|route| (prefix, route)))
}

/// `{variable}` names of a path template.
fn template_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(variable, _)| variable))
        .collect()
}

/// `service.operation` of every operation a snapshot's component files
/// declare.
fn snapshot_operations(dir: &Path) -> BTreeSet<String> {
    let read = |file: &str| -> Value {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    };
    let manifest = read("manifest.json");
    let mut operations = BTreeSet::new();
    for component in manifest["components"].as_array().expect("components") {
        let file = component["file"].as_str().expect("component file name");
        let data = read(file);
        for package in data["value"]["info"]["packages"]
            .as_array()
            .expect("packages")
        {
            for service in package["value"]["services"].as_array().expect("services") {
                for operation in service["value"]["operations"]
                    .as_array()
                    .expect("operations")
                {
                    operations.insert(format!(
                        "{}.{}",
                        service["key"].as_str().expect("service id"),
                        operation["key"].as_str().expect("operation id")
                    ));
                }
            }
        }
    }
    let total = manifest["totals"]["operations"]
        .as_u64()
        .expect("manifest totals.operations is a number");
    assert_eq!(operations.len() as u64, total, "{}", dir.display());
    operations
}

#[test]
fn table_has_every_operation_of_every_release() {
    let dirs = snapshot_dirs();
    assert_eq!(
        dirs.iter()
            .map(|dir| dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned())
            .collect::<Vec<_>>(),
        [
            "vsphere-8.0.3.0",
            "vsphere-9.0.0.0",
            "vsphere-9.1.0.0",
            "vsphere-9.1.1.0"
        ],
        "the crate's releases changed: update this test knowingly"
    );
    // The table is the union; each spec names the releases whose snapshot
    // declares the operation.
    let mut expected: BTreeSet<String> = BTreeSet::new();
    let mut by_release: Vec<(&str, BTreeSet<String>)> = Vec::new();
    for (dir, release) in dirs.iter().zip(vsphere_vapi::RELEASES) {
        let operations = snapshot_operations(dir);
        expected.extend(operations.iter().cloned());
        by_release.push((release, operations));
    }
    assert_eq!(
        expected.len(),
        1465,
        "the union changed: update this figure knowingly"
    );
    assert_eq!(by_release[3].1.len(), 1401);
    let actual: BTreeSet<String> = operations().iter().map(|spec| name(spec)).collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from the table: {missing:?}; not in any snapshot: {extra:?}"
    );
    for spec in operations() {
        let present: Vec<&str> = by_release
            .iter()
            .filter(|(_, operations)| operations.contains(&name(spec)))
            .map(|(release, _)| *release)
            .collect();
        assert_eq!(
            spec.releases.known,
            vsphere_vapi::RELEASES,
            "{}",
            name(spec)
        );
        assert_eq!(spec.releases.present, present, "{}", name(spec));
    }
}

/// The APIs later releases dropped are reachable: the statistics API
/// (`/api/stats/…`), hybrid links (`/api/hvc/…`) and the legacy `vmon`
/// service control (`/rest/appliance/vmon/…`).
#[test]
fn table_reaches_the_apis_later_releases_dropped() {
    let reaches = |prefix: &str| -> Vec<(String, &'static [&'static str])> {
        operations()
            .iter()
            .filter(|spec| routes(spec).any(|(_, route)| route.path.starts_with(prefix)))
            .map(|spec| (name(spec), spec.releases.present))
            .collect()
    };
    let stats = reaches("/api/stats/");
    assert!(stats.len() >= 19, "{stats:?}");
    assert!(
        stats
            .iter()
            .all(|(_, releases)| *releases == ["8.0.3.0", "9.0.0.0", "9.1.0.0"]),
        "{stats:?}"
    );
    let hvc = reaches("/api/hvc/");
    assert!(!hvc.is_empty(), "{hvc:?}");
    assert!(
        hvc.iter()
            .all(|(name, _)| name.starts_with("com.vmware.vcenter.hvc.")),
        "{hvc:?}"
    );
    let vmon = reaches("/rest/appliance/vmon/");
    assert!(!vmon.is_empty(), "{vmon:?}");
    for (name, releases) in hvc.iter().chain(&vmon) {
        assert!(!releases.contains(&"9.1.1.0"), "{name}: {releases:?}");
        assert!(releases.contains(&"8.0.3.0"), "{name}: {releases:?}");
    }
}

#[test]
fn every_operation_has_a_route_unless_the_importer_documents_why_not() {
    let readme_path = workspace_root().join("metamodel-snapshots/README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", readme_path.display()));
    let unexplained: Vec<String> = operations()
        .iter()
        .filter(|spec| spec.api.is_none() && spec.rest.is_none())
        .filter(|spec| !readme.contains(&format!("`{}#{}`", spec.service_id, spec.operation_id)))
        .map(|spec| name(spec))
        .collect();
    assert!(
        unexplained.is_empty(),
        "operations without any route that metamodel-snapshots/README.md does not list: {unexplained:?}"
    );
}

#[test]
fn table_is_sorted_by_service_then_operation_without_duplicates() {
    let keys: Vec<(&str, &str)> = operations()
        .iter()
        .map(|spec| (spec.service_id, spec.operation_id))
        .collect();
    for pair in keys.windows(2) {
        assert!(
            pair[0] < pair[1],
            "{:?} must come strictly before {:?}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn every_route_is_well_formed() {
    let mut problems = Vec::new();
    for spec in operations() {
        let op = name(spec);
        let is_task = spec.operation_id.ends_with("$task");
        if spec.task != is_task {
            problems.push(format!(
                "{op}: task flag {} disagrees with its id",
                spec.task
            ));
        }
        let mut parameter_lists = Vec::new();
        for (prefix, route) in routes(spec) {
            let at = format!("{op} {} {}", route.method, route.path);
            if !route.path.starts_with(prefix) {
                problems.push(format!("{at}: path does not start with {prefix}"));
            }
            // Every template variable is bound by exactly one path parameter
            // and every path parameter has its variable.
            let mut variables = template_variables(route.path);
            variables.sort_unstable();
            let mut bound: Vec<&str> = route
                .params
                .iter()
                .filter_map(|binding| match binding.location {
                    ParamLocation::Path(variable) => Some(variable),
                    _ => None,
                })
                .collect();
            bound.sort_unstable();
            if variables != bound {
                problems.push(format!(
                    "{at}: template variables {variables:?} vs path parameters {bound:?}"
                ));
            }
            let task_marker = route.query.contains(&("vmw-task", "true"));
            if task_marker != is_task {
                problems.push(format!("{at}: vmw-task=true present: {task_marker}"));
            }
            let mut query_names: Vec<&str> = route.query.iter().map(|(key, _)| *key).collect();
            let mut params = BTreeSet::new();
            let mut whole_bodies = 0;
            for binding in route.params {
                if !params.insert(binding.param) {
                    problems.push(format!("{at}: parameter {} bound twice", binding.param));
                }
                match binding.location {
                    ParamLocation::Query(name) => query_names.push(name),
                    // On /rest every parameter outside path and query is a
                    // field of one body object named after the parameter.
                    ParamLocation::Header(_) | ParamLocation::Body if prefix == "/rest/" => {
                        problems.push(format!(
                            "{at}: /rest carries parameter {} outside path, query and body object",
                            binding.param
                        ));
                    }
                    ParamLocation::BodyField(field)
                        if prefix == "/rest/" && field != binding.param =>
                    {
                        problems.push(format!(
                            "{at}: /rest body field {field} is not named after parameter {}",
                            binding.param
                        ));
                    }
                    ParamLocation::Body => whole_bodies += 1,
                    _ => {}
                }
            }
            if whole_bodies > 1 {
                problems.push(format!("{at}: {whole_bodies} whole-body parameters"));
            }
            let distinct: BTreeSet<&str> = query_names.iter().copied().collect();
            if distinct.len() != query_names.len() {
                problems.push(format!("{at}: query names repeat: {query_names:?}"));
            }
            if prefix == "/rest/"
                && matches!(route.method, HttpMethod::Get | HttpMethod::Delete)
                && route
                    .params
                    .iter()
                    .any(|binding| matches!(binding.location, ParamLocation::BodyField(_)))
            {
                problems.push(format!("{at}: a /rest GET or DELETE with body fields"));
            }
            parameter_lists.push(route.params.iter().map(|b| b.param).collect::<Vec<_>>());
        }
        // Both routes describe the same operation: the same parameters in
        // declaration order.
        if let [api, rest] = parameter_lists.as_slice() {
            if api != rest {
                problems.push(format!("{op}: /api parameters {api:?} vs /rest {rest:?}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} malformed routes:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The statics the service methods use are the ones listed in the table.
#[test]
fn table_lists_the_specs_the_service_methods_use() {
    let used: [&'static OperationSpec; 7] = [
        &vsphere_vapi::vcenter::vm::tools::ops::UPGRADE,
        &vsphere_vapi::vcenter::vm::guest::filesystem::transfers::ops::CREATE,
        &vsphere_vapi::appliance::update::pending::ops::VALIDATE,
        &vsphere_vapi::cis::tagging::category::ops::ADD_TO_USED_BY,
        &vsphere_vapi::content::subscribed_library::ops::UPDATE,
        &vsphere_vapi::vcenter::vm::ops::CLONE_VM,
        &vsphere_vapi::vcenter::vm::ops::CLONE_VM_TASK,
    ];
    for spec in used {
        assert!(
            operations()
                .iter()
                .any(|listed| std::ptr::eq(*listed, spec)),
            "{} is not in the route table",
            name(spec)
        );
    }
}

/// Renaming a method that would shadow a trait method (`Vm::clone` →
/// `clone_vm`) changes only the Rust name: the statics still describe the
/// vAPI operations `clone` and `clone$task` with their published routes.
#[test]
fn renamed_methods_keep_their_vapi_operation_ids_and_routes() {
    let clone = &vsphere_vapi::vcenter::vm::ops::CLONE_VM;
    assert_eq!(clone.service_id, "com.vmware.vcenter.VM");
    assert_eq!(clone.operation_id, "clone");
    assert!(!clone.task);
    let api = clone.api.as_ref().expect("an /api route");
    assert_eq!(api.method, HttpMethod::Post);
    assert_eq!(api.path, "/api/vcenter/vm");
    assert_eq!(api.query, &[("action", "clone")]);
    let rest = clone.rest.as_ref().expect("a /rest route");
    assert_eq!(rest.path, "/rest/vcenter/vm");
    assert_eq!(rest.query, &[("action", "clone")]);

    let task = &vsphere_vapi::vcenter::vm::ops::CLONE_VM_TASK;
    assert_eq!(task.service_id, "com.vmware.vcenter.VM");
    assert_eq!(task.operation_id, "clone$task");
    assert!(task.task);
    let api = task.api.as_ref().expect("an /api route");
    assert_eq!(api.path, "/api/vcenter/vm");
    assert_eq!(api.query, &[("action", "clone"), ("vmw-task", "true")]);
    assert!(
        operations()
            .iter()
            .any(|listed| listed.service_id == "com.vmware.vcenter.VM"
                && listed.operation_id == "clone$task"),
        "the route table lists clone$task under its vAPI id"
    );
}
