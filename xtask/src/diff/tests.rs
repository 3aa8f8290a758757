//! Change logs of small fixture snapshots (exact output) and of the committed releases.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{between, changes::Changes, markdown};

fn string() -> Value {
    json!({"category": "BUILTIN", "builtin_type": "STRING"})
}

fn builtin(name: &str) -> Value {
    json!({"category": "BUILTIN", "builtin_type": name})
}

fn structure(id: &str) -> Value {
    json!({"category": "USER_DEFINED",
           "user_defined_type": {"resource_type": "com.vmware.vapi.structure", "resource_id": id}})
}

fn generic(kind: &str, element: Value) -> Value {
    json!({"category": "GENERIC",
           "generic_instantiation": {"generic_type": kind, "element_type": element}})
}

fn field(name: &str, ty: Value) -> Value {
    json!({"name": name, "type": ty})
}

fn string_element(value: &str) -> Value {
    json!({"type": "STRING", "string_value": value})
}

/// `GET /demo/...` verb annotation metadata.
fn verb(method: &str, path: &str) -> Value {
    json!({ method: {"elements": {"path": string_element(path)}} })
}

fn request_mapping(method: &str, path: &str, params: &[&str]) -> Value {
    let mut elements = json!({"method": string_element(method), "value": string_element(path)});
    if !params.is_empty() {
        elements["params"] = json!({"type": "STRING_LIST", "list_value": params});
    }
    json!({"RequestMapping": {"elements": elements}})
}

fn operation(name: &str, params: Vec<Value>, output: Value, metadata: Value) -> Value {
    json!({"name": name, "params": params, "output": {"type": output}, "metadata": metadata})
}

/// Writes a one-component snapshot with a manifest naming `release`.
fn write_snapshot(dir: &Path, release: &str, package: Value) {
    std::fs::create_dir_all(dir).unwrap();
    let component = json!({"value": {"fingerprint": "", "info": {
        "name": "com.vmware.demo",
        "packages": {"com.vmware.demo": package},
    }}});
    std::fs::write(dir.join("com.vmware.demo.json"), component.to_string()).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        json!({"release": release}).to_string(),
    )
    .unwrap();
}

fn old_package() -> Value {
    json!({
        "name": "com.vmware.demo",
        "services": {
            "com.vmware.demo.vm": {
                "name": "com.vmware.demo.vm",
                "operations": {
                    "get": operation("get", vec![field("vm", builtin("ID"))],
                                     structure("com.vmware.demo.vm.info"), verb("GET", "/demo/vm/{vm}")),
                    "list": operation("list", vec![], generic("LIST", builtin("ID")),
                                      request_mapping("GET", "/demo/vm", &[])),
                },
                "structures": {
                    "com.vmware.demo.vm.info": {
                        "name": "com.vmware.demo.vm.info", "type": "STRUCTURE",
                        "fields": [field("name", string()), field("size", builtin("LONG")),
                                   field("notes", generic("OPTIONAL", string())),
                                   field("legacy", string())],
                    },
                },
                "enumerations": {
                    "com.vmware.demo.vm.power_state": {
                        "name": "com.vmware.demo.vm.power_state",
                        "values": [{"value": "POWERED_OFF"}, {"value": "POWERED_ON"}],
                    },
                },
            },
            "com.vmware.demo.stats": {
                "name": "com.vmware.demo.stats",
                "operations": {
                    "list": operation("list", vec![], generic("LIST", string()), verb("GET", "/stats")),
                },
            },
        },
    })
}

fn new_package() -> Value {
    let mut package = old_package();
    let services = package["services"].as_object_mut().unwrap();
    services.remove("com.vmware.demo.stats");
    services.insert(
        "com.vmware.demo.host".into(),
        json!({"name": "com.vmware.demo.host", "operations": {
            "list": operation("list", vec![], generic("LIST", builtin("ID")), verb("GET", "/demo/host")),
        }}),
    );
    let vm = &mut package["services"]["com.vmware.demo.vm"];
    vm["operations"]["get"]["metadata"] = verb("GET", "/demo/vms/{vm}");
    vm["operations"]["get"]["lifecycle"] = json!({"deprecated": true});
    vm["operations"]["list"]["params"] = json!([field("filter", generic("OPTIONAL", string()))]);
    vm["operations"]["list"]["metadata"] = json!({});
    vm["operations"]["delete"] = operation(
        "delete",
        vec![field("vm", builtin("ID"))],
        builtin("VOID"),
        verb("DELETE", "/demo/vm/{vm}"),
    );
    vm["structures"]["com.vmware.demo.vm.info"]["fields"] = json!([
        field("name", builtin("ID")),
        field("size", generic("OPTIONAL", builtin("LONG"))),
        field("notes", string()),
        field("cpu", builtin("LONG")),
    ]);
    vm["enumerations"]["com.vmware.demo.vm.power_state"]["values"] =
        json!([{"value": "POWERED_OFF"}, {"value": "POWERED_ON"}, {"value": "SUSPENDED"}]);
    package
}

fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("vsphere-1.0.0.0");
    let new = dir.path().join("vsphere-2.0.0.0");
    write_snapshot(&old, "1.0.0.0", old_package());
    write_snapshot(&new, "2.0.0.0", new_package());
    (dir, old, new)
}

#[test]
fn fixture_change_log_is_exact() {
    let (_dir, old, new) = fixture();
    let changes = between(&old, &new).unwrap();
    let expected = "\
## API changes from 1.0.0.0 to 2.0.0.0

| change | added | removed |
|---|---|---|
| services | 1 | 1 |
| operations | 2 | 1 |
| structures | 0 | 0 |
| enumerations | 0 | 0 |
| fields | 1 | 1 |
| parameters | 1 | 0 |
| enumeration values | 1 | 0 |

Changed: 3 types of fields, parameters and results (2 of them only optional/required), 2 routes, 1 elements newly deprecated, 0 no longer deprecated.

### Services removed (1)

- `com.vmware.demo.stats`

### Services added (1)

- `com.vmware.demo.host`

### Operations removed (1)

- `com.vmware.demo.stats`: `list`

### Operations added (2)

- `com.vmware.demo.host`: `list`
- `com.vmware.demo.vm`: `delete`

### Fields removed (1)

- `com.vmware.demo.vm.info`: `legacy`

### Fields added (1)

- `com.vmware.demo.vm.info`: `cpu`

### Parameters added (1)

- `com.vmware.demo.vm#list`: `filter`

### Enumeration values added (1)

- `com.vmware.demo.vm.power_state`: `SUSPENDED`

### Types changed (3)

| element | kind | change | old | new |
|---|---|---|---|---|
| `com.vmware.demo.vm.info#name` | field | type | `STRING` | `ID` |
| `com.vmware.demo.vm.info#notes` | field | now required | `OPTIONAL<STRING>` | `STRING` |
| `com.vmware.demo.vm.info#size` | field | now optional | `LONG` | `OPTIONAL<LONG>` |

### Routes changed (2)

| operation | protocol | old | new |
|---|---|---|---|
| `com.vmware.demo.vm#get` | /api | `GET /api/demo/vm/{vm}` | `GET /api/demo/vms/{vm}` |
| `com.vmware.demo.vm#list` | /rest | `GET /rest/demo/vm` | default convention |

### Newly deprecated (1)

- `com.vmware.demo.vm#get` (operation)
";
    assert_eq!(markdown::full(&changes), expected);
}

#[test]
fn fixture_json_and_summary() {
    let (_dir, old, new) = fixture();
    let changes = between(&old, &new).unwrap();
    let json = serde_json::to_value(&changes).unwrap();
    assert_eq!(json["old"], "1.0.0.0");
    assert_eq!(
        json["enumeration_values"],
        json!({"added": ["com.vmware.demo.vm.power_state#SUSPENDED"], "removed": []})
    );
    assert_eq!(
        json["parameters"]["added"],
        json!(["com.vmware.demo.vm#list(filter)"])
    );
    assert_eq!(
        json["routes"][1],
        json!({"operation": "com.vmware.demo.vm#list", "protocol": "rest",
               "old": "GET /rest/demo/vm", "new": null})
    );
    assert_eq!(
        json["types"][1],
        json!({"element": "com.vmware.demo.vm.info#notes", "kind": "field",
               "change": "now required", "old": "OPTIONAL<STRING>", "new": "STRING"})
    );
    assert_eq!(
        json["deprecated"],
        json!([{"element": "com.vmware.demo.vm#get", "kind": "operation"}])
    );

    let summary = markdown::summary(&changes, "cargo xtask diff A B");
    assert!(
        summary.starts_with("## Changes from 1.0.0.0 to 2.0.0.0\n"),
        "{summary}"
    );
    assert!(summary.contains("`cargo xtask diff A B` prints the whole change log"));
    assert!(summary.ends_with(
        "Services of 1.0.0.0 that 2.0.0.0 no longer has (1):\n\n- `com.vmware.demo.stats` (1 operation)\n"
    ));
}

#[test]
fn identical_snapshots_have_no_changes() {
    let (_dir, old, _new) = fixture();
    let changes = between(&old, &old).unwrap();
    let json = serde_json::to_value(&changes).unwrap();
    for key in ["services", "operations", "fields", "parameters"] {
        assert_eq!(json[key], json!({"added": [], "removed": []}), "{key}");
    }
    assert!(changes.types.is_empty() && changes.routes.is_empty());
    assert!(changes.deprecated.is_empty() && changes.undeprecated.is_empty());
}

#[test]
fn a_directory_without_components_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = between(dir.path(), dir.path()).unwrap_err();
    assert!(format!("{err:#}").contains("loading"), "{err:#}");
}

fn snapshots() -> PathBuf {
    crate::repo_root().join("metamodel-snapshots")
}

fn real(old: &str, new: &str) -> Changes {
    between(
        &snapshots().join(format!("vsphere-{old}")),
        &snapshots().join(format!("vsphere-{new}")),
    )
    .unwrap()
}

fn manifest_total(release: &str, key: &str) -> usize {
    let text = std::fs::read_to_string(
        snapshots()
            .join(format!("vsphere-{release}"))
            .join("manifest.json"),
    )
    .unwrap();
    let manifest: Value = serde_json::from_str(&text).unwrap();
    manifest["totals"][key].as_u64().unwrap() as usize
}

/// Counts of both releases agree with the change log: new = old + added - removed.
fn assert_consistent(changes: &Changes) {
    for (key, list) in [
        ("services", &changes.services),
        ("operations", &changes.operations),
        ("enumerations", &changes.enumerations),
    ] {
        assert_eq!(
            manifest_total(&changes.new, key),
            manifest_total(&changes.old, key) + list.added.len() - list.removed.len(),
            "{key}"
        );
    }
    let structures =
        |release: &str| manifest_total(release, "structures") + manifest_total(release, "errors");
    assert_eq!(
        structures(&changes.new),
        structures(&changes.old) + changes.structures.added.len()
            - changes.structures.removed.len()
    );
}

#[test]
fn release_8_0_3_to_9_1_1() {
    let changes = real("8.0.3.0", "9.1.1.0");
    assert_eq!(
        (changes.old.as_str(), changes.new.as_str()),
        ("8.0.3.0", "9.1.1.0")
    );
    assert_consistent(&changes);
    // 422 services in 8.0.3, 23 of them gone from 9.1.1, 134 new ones.
    assert_eq!(manifest_total("8.0.3.0", "services"), 422);
    assert_eq!(changes.services.removed.len(), 23);
    assert_eq!(changes.services.added.len(), 134);
    let removed = &changes.services.removed;
    let in_package = |prefix: &str| removed.iter().filter(|s| s.starts_with(prefix)).count();
    assert_eq!(in_package("com.vmware.vstats."), 10);
    assert_eq!(in_package("com.vmware.snapservice."), 7);
    for prefix in [
        "com.vmware.vcenter.hvc.",
        "com.vmware.appliance.vmon.",
        "com.vmware.appliance.vcenter.settings.",
        "com.vmware.esx.hostd.",
    ] {
        assert!(in_package(prefix) > 0, "{prefix}");
    }
    assert!(
        changes
            .operations
            .removed
            .contains(&"com.vmware.vstats.acq_specs#create".to_owned())
    );
    // The same log, rendered, is deterministic.
    assert_eq!(
        markdown::full(&changes),
        markdown::full(&real("8.0.3.0", "9.1.1.0"))
    );
}

#[test]
fn release_9_1_0_to_9_1_1() {
    let changes = real("9.1.0.0", "9.1.1.0");
    assert_consistent(&changes);
    // 9.1.1 drops the statistics API of com.vmware.vstats.
    let vstats: Vec<_> = changes
        .services
        .removed
        .iter()
        .filter(|s| s.starts_with("com.vmware.vstats."))
        .collect();
    assert_eq!(vstats.len(), 10, "{vstats:?}");
    assert!(
        changes
            .services
            .added
            .iter()
            .all(|s| !s.starts_with("com.vmware.vstats."))
    );
}
