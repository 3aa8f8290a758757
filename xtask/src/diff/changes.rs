//! What changed between two flattened snapshots.
//!
//! An element (service, operation, structure, enumeration) is added or removed when its full
//! identifier is new or gone, wherever it sits: the operations of a removed service are
//! removed operations too. Members (fields, parameters, enumeration values) and types,
//! routes and deprecation marks are compared only on elements both snapshots have. Every
//! list is sorted, so the output is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::api::{Api, Member};

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct AddedRemoved {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl AddedRemoved {
    fn of<'a, V>(old: &'a BTreeMap<String, V>, new: &'a BTreeMap<String, V>) -> Self {
        Self {
            added: new
                .keys()
                .filter(|k| !old.contains_key(*k))
                .cloned()
                .collect(),
            removed: old
                .keys()
                .filter(|k| !new.contains_key(*k))
                .cloned()
                .collect(),
        }
    }

    fn sort(&mut self) {
        self.added.sort();
        self.removed.sort();
    }
}

/// A changed type of a field, parameter or operation result.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeChange {
    /// `structure#field`, `service#operation(parameter)` or `service#operation`.
    pub element: String,
    /// `field`, `parameter` or `result`.
    pub kind: &'static str,
    /// `now optional`, `now required` or `type`.
    pub change: &'static str,
    pub old: String,
    pub new: String,
}

/// A changed `/api` or `/rest` route of an operation; `None` is no verb annotation (`api`)
/// or the `/rest` handler's default convention (`rest`).
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteChange {
    pub operation: String,
    /// `api` or `rest`.
    pub protocol: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// An element whose deprecation mark changed.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deprecation {
    pub element: String,
    /// `service`, `operation`, `structure`, `enumeration`, `field`, `parameter` or
    /// `enumeration value`.
    pub kind: &'static str,
}

#[derive(Debug, Default, Serialize)]
pub struct Changes {
    pub old: String,
    pub new: String,
    pub services: AddedRemoved,
    pub operations: AddedRemoved,
    pub structures: AddedRemoved,
    pub enumerations: AddedRemoved,
    /// `structure#field`.
    pub fields: AddedRemoved,
    /// `service#operation(parameter)`.
    pub parameters: AddedRemoved,
    /// `enumeration#VALUE`.
    pub enumeration_values: AddedRemoved,
    pub types: Vec<TypeChange>,
    pub routes: Vec<RouteChange>,
    /// Deprecated in the new snapshot, not in the old one.
    pub deprecated: Vec<Deprecation>,
    /// Deprecated in the old snapshot, no longer in the new one.
    pub undeprecated: Vec<Deprecation>,
}

pub fn compare(old: &Api, new: &Api) -> Changes {
    let mut changes = Changes {
        old: old.release.clone(),
        new: new.release.clone(),
        services: AddedRemoved::of(&old.services, &new.services),
        operations: AddedRemoved::of(&old.operations, &new.operations),
        structures: AddedRemoved::of(&old.structures, &new.structures),
        enumerations: AddedRemoved::of(&old.enumerations, &new.enumerations),
        ..Changes::default()
    };
    let mut marks = Marks::default();

    for (id, service) in &old.services {
        if let Some(now) = new.services.get(id) {
            marks.compare(id, "service", service.deprecated, now.deprecated);
        }
    }
    for (id, operation) in &old.operations {
        let Some(now) = new.operations.get(id) else {
            continue;
        };
        marks.compare(id, "operation", operation.deprecated, now.deprecated);
        members(
            &mut changes,
            &mut marks,
            "parameter",
            |param| format!("{id}({param})"),
            &operation.params,
            &now.params,
        );
        if let Some(change) = type_change(&operation.result, &now.result) {
            changes.types.push(TypeChange {
                element: id.clone(),
                kind: "result",
                change,
                old: operation.result.clone(),
                new: now.result.clone(),
            });
        }
        for (protocol, before, after) in [
            ("api", &operation.api, &now.api),
            ("rest", &operation.rest, &now.rest),
        ] {
            if before != after {
                changes.routes.push(RouteChange {
                    operation: id.clone(),
                    protocol,
                    old: before.clone(),
                    new: after.clone(),
                });
            }
        }
    }
    for (id, structure) in &old.structures {
        let Some(now) = new.structures.get(id) else {
            continue;
        };
        marks.compare(id, "structure", structure.deprecated, now.deprecated);
        members(
            &mut changes,
            &mut marks,
            "field",
            |field| format!("{id}#{field}"),
            &structure.fields,
            &now.fields,
        );
    }
    for (id, enumeration) in &old.enumerations {
        let Some(now) = new.enumerations.get(id) else {
            continue;
        };
        marks.compare(id, "enumeration", enumeration.deprecated, now.deprecated);
        let values = AddedRemoved::of(&enumeration.values, &now.values);
        let name = |value: &String| format!("{id}#{value}");
        changes
            .enumeration_values
            .added
            .extend(values.added.iter().map(name));
        changes
            .enumeration_values
            .removed
            .extend(values.removed.iter().map(name));
        for (value, was) in &enumeration.values {
            if let Some(is) = now.values.get(value) {
                marks.compare(&name(value), "enumeration value", *was, *is);
            }
        }
    }

    for list in [
        &mut changes.fields,
        &mut changes.parameters,
        &mut changes.enumeration_values,
    ] {
        list.sort();
    }
    changes.types.sort();
    changes.routes.sort();
    marks.deprecated.sort();
    marks.undeprecated.sort();
    changes.deprecated = marks.deprecated;
    changes.undeprecated = marks.undeprecated;
    changes
}

#[derive(Default)]
struct Marks {
    deprecated: Vec<Deprecation>,
    undeprecated: Vec<Deprecation>,
}

impl Marks {
    fn compare(&mut self, element: &str, kind: &'static str, was: bool, is: bool) {
        let entry = || Deprecation {
            element: element.to_owned(),
            kind,
        };
        match (was, is) {
            (false, true) => self.deprecated.push(entry()),
            (true, false) => self.undeprecated.push(entry()),
            _ => {}
        }
    }
}

/// Fields (`kind` `field`) of a structure or parameters (`parameter`) of an operation both
/// snapshots have; `name` spells a member's full name.
fn members(
    changes: &mut Changes,
    marks: &mut Marks,
    kind: &'static str,
    name: impl Fn(&str) -> String,
    old: &BTreeMap<String, Member>,
    new: &BTreeMap<String, Member>,
) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for member in names {
        let full = name(member);
        let added_removed = if kind == "field" {
            &mut changes.fields
        } else {
            &mut changes.parameters
        };
        match (old.get(member), new.get(member)) {
            (Some(_), None) => added_removed.removed.push(full),
            (None, Some(_)) => added_removed.added.push(full),
            (Some(was), Some(is)) => {
                marks.compare(&full, kind, was.deprecated, is.deprecated);
                if let Some(change) = type_change(&was.ty, &is.ty) {
                    changes.types.push(TypeChange {
                        element: full,
                        kind,
                        change,
                        old: was.ty.clone(),
                        new: is.ty.clone(),
                    });
                }
            }
            (None, None) => {}
        }
    }
}

/// How a type changed: only its optionality, or more; `None` when equal.
fn type_change(old: &str, new: &str) -> Option<&'static str> {
    if old == new {
        return None;
    }
    let optional = |ty: &str| {
        ty.strip_prefix("OPTIONAL<")
            .and_then(|rest| rest.strip_suffix('>'))
            .map(str::to_owned)
    };
    if optional(new).as_deref() == Some(old) {
        Some("now optional")
    } else if optional(old).as_deref() == Some(new) {
        Some("now required")
    } else {
        Some("type")
    }
}
