//! Typed identifiers from `Resource` metadata.
//!
//! vAPI marks an `ID` field, parameter or result with the resource type it
//! names (`VirtualMachine`, `com.vmware.content.Library`). Each resource type
//! becomes one newtype in the `ids` module, so a datastore identifier cannot
//! be passed where a virtual machine's is expected.
//!
//! # Which positions
//! - An `ID` (also inside `OPTIONAL`, `LIST`, `SET`, or as a `MAP` key) with
//!   exactly one resource type gets that type's newtype.
//! - One with several resource types, or whose type is named by a sibling
//!   field (`resource_type_field_name`, the metadata's `typeHolder`), gets
//!   the runtime's `ResourceId`, which every typed identifier converts into.
//! - An `ID` without `Resource` metadata stays a `String`.
//!
//! # Keys and names
//! The metadata spells one type in several ways: a `:qualifier`
//! (`VirtualMachine:VCenter`) names the same identifiers in another context
//! and is dropped, and case differs (`com.vmware.cis.TASK` / `…task`), so the
//! key is the rest lower-cased. The name is built from the shortest suffix
//! of the type's dotted segments that no other type shares
//! (`com.vmware.content.library.Item` → `ItemId`; the five `…service` types
//! → `VapiServiceId`, `ApplianceServiceId`, …), each segment kept as written
//! when it is already camel case (`VirtualMachine`) and recased otherwise
//! (`add_on` → `AddOn`, `COMPUTE_POLICY` → `ComputePolicy`). The identifier
//! of `com.vmware.cis.task` is the runtime's `TaskId`, which task handles
//! use; a bare (managed-object) name that is still shared gets `Managed` in
//! front (`Task` → `ManagedTaskId`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{ResourceIdType, RustPath, TypeRef};
use crate::names;

/// Module holding the identifier types.
pub const IDS_MODULE: &str = "ids";

/// Key of the task identifier the runtime defines.
const RUNTIME_TASK_KEY: &str = "com.vmware.cis.task";
const RUNTIME_TASK_NAME: &str = "TaskId";

/// The key of a resource type spelling.
pub fn key(resource_type: &str) -> String {
    let base = resource_type
        .split_once(':')
        .map_or(resource_type, |(base, _)| base);
    base.trim().to_ascii_lowercase()
}

/// What the `Resource` metadata of one position says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resources {
    None,
    One(String),
    Several,
}

impl Resources {
    pub fn of(types: &[String], type_holder: bool) -> Resources {
        let keys: BTreeSet<String> = types.iter().map(|t| key(t)).collect();
        match keys.len() {
            _ if type_holder => Resources::Several,
            0 => Resources::None,
            1 => Resources::One(keys.into_iter().next().unwrap_or_default()),
            _ => Resources::Several,
        }
    }
}

/// `ty` with its identifier positions typed; `None` when nothing changed.
pub fn apply(ty: &TypeRef, resources: &Resources) -> Option<TypeRef> {
    let target = match resources {
        Resources::None => return None,
        Resources::One(key) => TypeRef::Resource(key.clone()),
        Resources::Several => TypeRef::AnyResource,
    };
    fn walk(ty: &TypeRef, target: &TypeRef) -> Option<TypeRef> {
        Some(match ty {
            TypeRef::Builtin(crate::ir::Builtin::Id) => target.clone(),
            TypeRef::Optional(inner) => TypeRef::Optional(Box::new(walk(inner, target)?)),
            TypeRef::List(inner) => TypeRef::List(Box::new(walk(inner, target)?)),
            TypeRef::Set(inner) => TypeRef::Set(Box::new(walk(inner, target)?)),
            TypeRef::Map(key, value) => TypeRef::Map(Box::new(walk(key, target)?), value.clone()),
            _ => return None,
        })
    }
    walk(ty, &target)
}

/// `ty` with typed identifiers turned back into plain `ID`s, to compare
/// types that differ only in `Resource` metadata.
pub fn erase(ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Resource(_) | TypeRef::AnyResource => TypeRef::Builtin(crate::ir::Builtin::Id),
        TypeRef::Optional(inner) => TypeRef::Optional(Box::new(erase(inner))),
        TypeRef::List(inner) => TypeRef::List(Box::new(erase(inner))),
        TypeRef::Set(inner) => TypeRef::Set(Box::new(erase(inner))),
        TypeRef::Map(key, value) => TypeRef::Map(Box::new(erase(key)), Box::new(erase(value))),
        other => other.clone(),
    }
}

/// Names every identifier type: `spellings` maps each key to the spellings
/// seen, `uses` counts the positions of each key.
pub fn plan(
    spellings: &BTreeMap<String, BTreeSet<String>>,
    uses: &BTreeMap<String, usize>,
) -> BTreeMap<String, ResourceIdType> {
    // Segments of each key, from the canonical (first sorted) spelling with
    // the `:qualifier` and the `com.vmware.` prefix dropped.
    let segments: BTreeMap<&str, Vec<String>> = spellings
        .iter()
        .map(|(key, spelled)| {
            let spelling = spelled.iter().next().map_or(key.as_str(), String::as_str);
            let base = spelling.split_once(':').map_or(spelling, |(base, _)| base);
            let base = base.strip_prefix("com.vmware.").unwrap_or(base);
            let parts = base
                .split('.')
                .filter(|s| !s.is_empty())
                .map(segment_name)
                .collect::<Vec<_>>();
            (key.as_str(), parts)
        })
        .collect();
    // `ResourceId` is the runtime's type for positions of several types.
    let mut taken: BTreeSet<String> = BTreeSet::from(["Resource".to_owned()]);
    let mut chosen: BTreeMap<&str, String> = BTreeMap::new();
    if spellings.contains_key(RUNTIME_TASK_KEY) {
        chosen.insert(RUNTIME_TASK_KEY, RUNTIME_TASK_NAME.to_owned());
        // Names below are compared without the `Id` suffix.
        taken.insert(RUNTIME_TASK_NAME.trim_end_matches("Id").to_owned());
    }
    // The shortest unique suffix: grow every name that is shared until it is
    // not, or cannot grow.
    let mut length: BTreeMap<&str, usize> = segments.keys().map(|k| (*k, 1)).collect();
    loop {
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (key, parts) in &segments {
            if chosen.contains_key(key) {
                continue;
            }
            by_name
                .entry(suffix_name(parts, length[key]))
                .or_default()
                .push(key);
        }
        let mut grew = false;
        for (name, keys) in &by_name {
            if keys.len() > 1 || taken.contains(name) {
                for key in keys {
                    if length[key] < segments[key].len() {
                        *length.get_mut(key).unwrap_or(&mut 0) += 1;
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
    let mut out = BTreeMap::new();
    for (key, parts) in &segments {
        let name = match chosen.get(key) {
            Some(name) => name.clone(),
            None => {
                let mut wanted = suffix_name(parts, length[key]);
                // Bare names are vSphere managed-object types (`Task`,
                // `VirtualMachine`); one that is still shared says so.
                if parts.len() == 1 && taken.contains(&wanted) {
                    wanted.insert_str(0, "Managed");
                }
                let name = names::dedupe(&[wanted], &mut taken, false)
                    .pop()
                    .unwrap_or_default();
                format!("{name}Id")
            }
        };
        out.insert(
            (*key).to_owned(),
            ResourceIdType {
                key: (*key).to_owned(),
                resource_types: spellings[*key].iter().cloned().collect(),
                path: RustPath {
                    module: vec![IDS_MODULE.to_owned()],
                    name,
                },
                runtime: *key == RUNTIME_TASK_KEY,
                uses: uses.get(*key).copied().unwrap_or(0),
                features: Vec::new(),
            },
        );
    }
    out
}

fn suffix_name(parts: &[String], length: usize) -> String {
    let start = parts.len().saturating_sub(length);
    parts[start..].concat()
}

/// One segment as a type-name part: camel case kept (`VirtualMachine`,
/// `vSphereDistributedSwitch` → `VSphereDistributedSwitch`), anything else
/// recased by words (`add_on` → `AddOn`, `PRODUCT` → `Product`).
fn segment_name(segment: &str) -> String {
    let has_separator = segment.contains(|c: char| !c.is_ascii_alphanumeric());
    let has_upper = segment.chars().skip(1).any(|c| c.is_ascii_uppercase());
    let has_lower = segment.chars().any(|c| c.is_ascii_lowercase());
    if !has_separator && has_upper && has_lower {
        let mut chars = segment.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase());
        first.into_iter().chain(chars).collect()
    } else {
        names::pascal_case(segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(types: &[&str]) -> BTreeMap<String, String> {
        let mut spellings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for t in types {
            spellings.entry(key(t)).or_default().insert((*t).to_owned());
        }
        plan(&spellings, &BTreeMap::new())
            .into_values()
            .map(|id| (id.resource_types.join("|"), id.path.name))
            .collect()
    }

    #[test]
    fn names_are_short_unique_and_readable() {
        let plan = plan_of(&[
            "VirtualMachine",
            "VirtualMachine:VCenter",
            "com.vmware.content.library.Item",
            "com.vmware.vapi.service",
            "com.vmware.appliance.service",
            "com.vmware.esx.settings.add_on",
            "com.vmware.vcenter.compute.Resources.COMPUTE_POLICY",
            "vSphereDistributedSwitch",
            "com.vmware.cis.TASK",
            "com.vmware.cis.task",
            "Task",
            "com.vmware.vapi.resource",
        ]);
        assert_eq!(plan["com.vmware.vapi.resource"], "VapiResourceId");
        assert_eq!(
            plan["VirtualMachine|VirtualMachine:VCenter"],
            "VirtualMachineId"
        );
        assert_eq!(plan["com.vmware.content.library.Item"], "ItemId");
        assert_eq!(plan["com.vmware.vapi.service"], "VapiServiceId");
        assert_eq!(plan["com.vmware.appliance.service"], "ApplianceServiceId");
        assert_eq!(plan["com.vmware.esx.settings.add_on"], "AddOnId");
        assert_eq!(
            plan["com.vmware.vcenter.compute.Resources.COMPUTE_POLICY"],
            "ComputePolicyId"
        );
        assert_eq!(
            plan["vSphereDistributedSwitch"],
            "VSphereDistributedSwitchId"
        );
        assert_eq!(plan["com.vmware.cis.TASK|com.vmware.cis.task"], "TaskId");
        // The bare `Task` (a managed object) cannot grow a longer suffix.
        assert_eq!(plan["Task"], "ManagedTaskId");
    }

    #[test]
    fn positions_typed_by_their_metadata() {
        let id = TypeRef::Builtin(crate::ir::Builtin::Id);
        let one = Resources::of(&["VirtualMachine".into()], false);
        let list = TypeRef::List(Box::new(id.clone()));
        assert_eq!(
            apply(&list, &one),
            Some(TypeRef::List(Box::new(TypeRef::Resource(
                "virtualmachine".into()
            ))))
        );
        let several = Resources::of(&["VirtualMachine".into(), "HostSystem".into()], false);
        assert_eq!(apply(&id, &several), Some(TypeRef::AnyResource));
        assert_eq!(
            apply(&id, &Resources::of(&[], true)),
            Some(TypeRef::AnyResource)
        );
        let string = TypeRef::Builtin(crate::ir::Builtin::String);
        assert_eq!(apply(&string, &one), None);
        assert_eq!(apply(&id, &Resources::None), None);
    }
}
