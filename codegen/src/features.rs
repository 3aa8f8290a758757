//! Cargo features of the generated crate.
//!
//! One feature per top-level package group, the segment after `com.vmware`
//! (`com.vmware.vcenter.vm` → `vcenter`; an identifier outside `com.vmware`
//! uses its first segment). Every package, structure and enumeration records
//! its feature. A feature depends on the features of every type its
//! packages' structures, constants and operations mention, transitively, so
//! enabling any one feature always compiles.

use std::collections::{BTreeMap, BTreeSet};

use crate::build::types::referenced_ids;
use crate::build::{VMWARE_PREFIX, item_packages};
use crate::ir::{Feature, Model, TypeRef};
use crate::names;

/// The feature of a package.
pub fn feature_of_package(package_id: &str) -> String {
    let rest = package_id.strip_prefix(VMWARE_PREFIX).unwrap_or(package_id);
    let group = rest.split('.').next().unwrap_or(rest);
    let name = names::snake_case(group);
    if name.is_empty() {
        "misc".to_owned()
    } else {
        name
    }
}

/// Sets `feature` on packages, structures and enumerations and fills
/// `model.features`.
pub fn assign(model: &mut Model) {
    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    for (id, package) in &mut model.packages {
        package.feature = feature_of_package(id);
        let feature = features
            .entry(package.feature.clone())
            .or_insert_with(|| Feature {
                name: package.feature.clone(),
                ..Feature::default()
            });
        feature.packages.push(id.clone());
    }
    let packages = item_packages(model);
    let feature_of = |item: &str| packages.get(item).map(|p| feature_of_package(p));
    for (id, structure) in &mut model.structures {
        structure.feature = feature_of(id).unwrap_or_default();
    }
    for (id, enumeration) in &mut model.enumerations {
        enumeration.feature = feature_of(id).unwrap_or_default();
    }

    // Direct dependencies: the features of the types each feature's items use.
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut uses = |from: &str, ty: &TypeRef| {
        let mut ids = Vec::new();
        referenced_ids(ty, &mut ids);
        for id in ids {
            if let Some(to) = feature_of(id).filter(|to| to != from) {
                direct.entry(from.to_owned()).or_default().insert(to);
            }
        }
    };
    for structure in model.structures.values() {
        for field in &structure.fields {
            uses(&structure.feature, &field.ty);
        }
        for constant in &structure.constants {
            uses(&structure.feature, &constant.ty);
        }
    }
    for service in model.services.values() {
        let from = feature_of_package(&service.package);
        for operation in &service.operations {
            for param in &operation.params {
                uses(&from, &param.ty);
            }
            uses(&from, &operation.output);
            if let Some(result) = &operation.task_result {
                uses(&from, result);
            }
            for error in &operation.errors {
                uses(&from, &TypeRef::Structure(error.structure_id.clone()));
            }
        }
        for constant in &service.constants {
            uses(&from, &constant.ty);
        }
    }

    for (name, feature) in &mut features {
        let mut closure = BTreeSet::new();
        let mut stack: Vec<&String> = direct.get(name).into_iter().flatten().collect();
        while let Some(next) = stack.pop() {
            if next != name && closure.insert(next.clone()) {
                stack.extend(direct.get(next).into_iter().flatten());
            }
        }
        feature.depends_on = closure.into_iter().collect();
    }
    model.features = features;
}

#[cfg(test)]
mod tests {
    use super::feature_of_package;

    #[test]
    fn features_are_top_level_groups() {
        assert_eq!(
            feature_of_package("com.vmware.vcenter.vm.hardware"),
            "vcenter"
        );
        assert_eq!(feature_of_package("com.vmware.vapi.std.errors"), "vapi");
        assert_eq!(feature_of_package("com.vmware.oauth2"), "oauth2");
        assert_eq!(feature_of_package("org.example.x"), "org");
    }
}
