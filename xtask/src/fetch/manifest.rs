//! `manifest.json` of a fetched snapshot directory.
//!
//! Every snapshot directory has one manifest next to its component files, whoever wrote it:
//! `{"source": {...}, "totals": {...}, "components": [{"id", "file", <counts>}]}`. The code
//! generator and `import-bindings` take every other `*.json` file of the directory for a
//! component, so fetch keeps its provenance (server, time) in the manifest's `source` too.

use super::canonical::to_canonical_string;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::SystemTime;

pub(crate) const MANIFEST_FILE: &str = "manifest.json";

/// How many elements a component defines, counted as `import-bindings` counts them:
/// structures and errors are `StructureInfo`s of type STRUCTURE and ERROR, at package level or
/// nested in a service; enumerations include those nested in services and structures;
/// operations include the `$task` variants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    packages: u64,
    services: u64,
    operations: u64,
    structures: u64,
    enumerations: u64,
    errors: u64,
}

impl Counts {
    /// Counts a `{"value": ComponentData}` document. Missing maps count as empty: the shape
    /// beyond what fetch checks is the code generator's to judge.
    pub(crate) fn of_component(document: &Value) -> Self {
        let mut counts = Self::default();
        let info = document.pointer("/value/info").unwrap_or(&Value::Null);
        for package in map_values(info.get("packages")) {
            counts.packages += 1;
            counts.enumerations += list_len(package.get("enumerations"));
            for structure in map_values(package.get("structures")) {
                counts.add_structure(structure);
            }
            for service in map_values(package.get("services")) {
                counts.services += 1;
                counts.operations += list_len(service.get("operations"));
                counts.enumerations += list_len(service.get("enumerations"));
                for structure in map_values(service.get("structures")) {
                    counts.add_structure(structure);
                }
            }
        }
        counts
    }

    fn add_structure(&mut self, structure: &Value) {
        if structure.get("type").and_then(Value::as_str) == Some("ERROR") {
            self.errors += 1;
        } else {
            self.structures += 1;
        }
        self.enumerations += list_len(structure.get("enumerations"));
    }

    fn add(&mut self, other: &Self) {
        self.packages += other.packages;
        self.services += other.services;
        self.operations += other.operations;
        self.structures += other.structures;
        self.enumerations += other.enumerations;
        self.errors += other.errors;
    }

    fn insert_into(&self, object: &mut Map<String, Value>) {
        for (key, value) in [
            ("packages", self.packages),
            ("services", self.services),
            ("operations", self.operations),
            ("structures", self.structures),
            ("enumerations", self.enumerations),
            ("errors", self.errors),
        ] {
            object.insert(key.to_owned(), Value::from(value));
        }
    }
}

/// The values of a vAPI map encoded as a list of `{"key": k, "value": v}` entries.
fn map_values(map: Option<&Value>) -> impl Iterator<Item = &Value> {
    map.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("value"))
}

fn list_len(list: Option<&Value>) -> u64 {
    list.and_then(Value::as_array)
        .map_or(0, |items| items.len() as u64)
}

/// The manifest's text.
///
/// `source.updated_at` is the time of the last fetch that changed the directory: when
/// `changed` is false and the manifest would otherwise be the same as `previous`, the previous
/// time is kept, so that re-fetching an unchanged server leaves every file byte-identical.
pub(crate) fn manifest_text(
    server: &str,
    components: &BTreeMap<String, Counts>,
    previous: Option<&Value>,
    changed: bool,
    now: SystemTime,
) -> String {
    let mut totals = Counts::default();
    let mut entries = Vec::with_capacity(components.len());
    for (id, counts) in components {
        totals.add(counts);
        let mut entry = Map::new();
        entry.insert("id".to_owned(), json!(id));
        entry.insert("file".to_owned(), json!(format!("{id}.json")));
        counts.insert_into(&mut entry);
        entries.push(Value::Object(entry));
    }
    let mut totals_object = Map::new();
    totals.insert_into(&mut totals_object);

    let mut manifest = json!({
        "source": {
            "kind": "vcenter",
            "generator": "cargo xtask fetch",
            "description": "Downloaded from the metamodel service of a live vCenter server \
                (GET /rest/com/vmware/vapi/metadata/metamodel/component/id:<component>).",
            "fingerprint": "the server's fingerprint of the component",
            "server": server,
            "updated_at": Value::Null,
        },
        "totals": totals_object,
        "components": entries,
    });
    let previous_time = previous
        .and_then(|previous| previous.pointer("/source/updated_at"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let keep_previous_time = !changed
        && previous_time.is_some()
        && previous.is_some_and(|previous| {
            let mut previous = previous.clone();
            if let Some(time) = previous.pointer_mut("/source/updated_at") {
                *time = Value::Null;
            }
            previous == manifest
        });
    let updated_at = match previous_time {
        Some(time) if keep_previous_time => time,
        _ => humantime::format_rfc3339_seconds(now).to_string(),
    };
    if let Some(slot) = manifest.pointer_mut("/source/updated_at") {
        *slot = json!(updated_at);
    }
    to_canonical_string(&manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn component() -> Value {
        let structure = |kind: &str, enums: usize| json!({"type": kind, "enumerations": vec![json!({"key": "e", "value": {}}); enums]});
        json!({"value": {"fingerprint": "f", "info": {"packages": [
            {"key": "p1", "value": {
                "enumerations": [{"key": "e1", "value": {}}],
                "structures": [{"key": "s1", "value": structure("STRUCTURE", 2)},
                               {"key": "s2", "value": structure("ERROR", 0)}],
                "services": [{"key": "svc", "value": {
                    "operations": [{"key": "get", "value": {}}, {"key": "get$task", "value": {}}],
                    "enumerations": [{"key": "e2", "value": {}}],
                    "structures": [{"key": "s3", "value": structure("STRUCTURE", 1)}],
                }}],
            }},
            {"key": "p2", "value": {}},
        ]}}})
    }

    #[test]
    fn counts_follow_the_importer_rules() {
        let counts = Counts::of_component(&component());
        let expected = Counts {
            packages: 2,
            services: 1,
            operations: 2,
            structures: 2,
            enumerations: 5,
            errors: 1,
        };
        assert_eq!(counts, expected);
        assert_eq!(
            Counts::of_component(&json!({"value": 1})),
            Counts::default()
        );
    }

    #[test]
    fn updated_at_only_moves_when_something_changed() {
        let mut components = BTreeMap::new();
        components.insert(
            "com.vmware.cis".to_owned(),
            Counts::of_component(&component()),
        );
        let first_time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let first = manifest_text("https://vc", &components, None, true, first_time);
        assert!(
            first.contains("\"updated_at\": \"2023-11-14T22:13:20Z\""),
            "{first}"
        );
        assert!(
            first.contains("\"file\": \"com.vmware.cis.json\""),
            "{first}"
        );

        let previous: Value = serde_json::from_str(&first).expect("manifest is JSON");
        let later = first_time + Duration::from_secs(3600);
        let same = manifest_text("https://vc", &components, Some(&previous), false, later);
        assert_eq!(same, first);

        let changed_file = manifest_text("https://vc", &components, Some(&previous), true, later);
        assert!(changed_file.contains("23:13:20Z"), "{changed_file}");
        let other_server = manifest_text("https://vc2", &components, Some(&previous), false, later);
        assert!(other_server.contains("23:13:20Z"), "{other_server}");
    }
}
