//! Cargo features of the generated crate.
//!
//! Every package belongs to exactly one *fine* feature; large package groups
//! also get an *umbrella* feature that turns on all of their fine features.
//!
//! - The group of a package is the segment after `com.vmware`
//!   (`com.vmware.vcenter.vm` → `vcenter`; an identifier outside `com.vmware`
//!   uses its first segment).
//! - A group whose code weight (operations + structures + enumerations) is
//!   below [`SPLIT_GROUP_WEIGHT`] is one feature named after the group.
//! - A larger group is split by the package's second segment: a second-level
//!   package and its sub-packages (`com.vmware.vcenter.vm.*`) weighing at
//!   least [`OWN_FEATURE_WEIGHT`] form the feature `vcenter-vm`; the group's
//!   own package and the lighter second-level ones share `vcenter-core`. The
//!   group name (`vcenter`) becomes the umbrella over those features, so
//!   `features = ["vcenter"]` still means the whole group.
//!
//! A fine feature depends on the fine features of every type its packages'
//! structures, constants and operations mention, transitively, so enabling
//! any one feature always compiles. Two features whose types refer to each
//! other simply enable each other (Cargo allows that).

use std::collections::{BTreeMap, BTreeSet};

use crate::build::types::referenced_ids;
use crate::build::{VMWARE_PREFIX, item_packages};
use crate::ir::{Feature, Model, TypeRef};
use crate::names;

/// A group at least this heavy is split into one feature per heavy
/// second-level package plus a `<group>-core` feature. Below it, splitting
/// saves too little compile time to be worth more feature names.
pub const SPLIT_GROUP_WEIGHT: usize = 150;

/// Within a split group, a second-level package (with its sub-packages) at
/// least this heavy gets a feature of its own; lighter ones join
/// `<group>-core`.
pub const OWN_FEATURE_WEIGHT: usize = 40;

/// Suffix of the feature that collects a split group's own package and its
/// light second-level packages.
const CORE_SUFFIX: &str = "core";

/// The group of a package: `vcenter` for `com.vmware.vcenter.vm`.
pub fn group_of_package(package_id: &str) -> String {
    let (group, _) = segments(package_id);
    group
}

/// `(group, second-level segment)`, both snake case; the group is `misc`
/// when the id has no usable first segment.
fn segments(package_id: &str) -> (String, Option<String>) {
    let rest = package_id.strip_prefix(VMWARE_PREFIX).unwrap_or(package_id);
    let mut parts = rest.split('.');
    let group = names::snake_case(parts.next().unwrap_or(rest));
    let group = if group.is_empty() {
        "misc".to_owned()
    } else {
        group
    };
    let second = parts
        .next()
        .map(names::snake_case)
        .filter(|second| !second.is_empty());
    (group, second)
}

/// Feature name for a second-level package of a split group:
/// `vcenter-namespace-management`.
fn fine_name(group: &str, second: &str) -> String {
    format!("{group}-{}", second.replace('_', "-"))
}

/// Decides the fine feature of every package from the code weight of each
/// package (operations + structures + enumerations it defines).
pub fn fine_features(weights: &BTreeMap<String, usize>) -> BTreeMap<String, String> {
    let mut group_weight: BTreeMap<String, usize> = BTreeMap::new();
    let mut unit_weight: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (package, weight) in weights {
        let (group, second) = segments(package);
        *group_weight.entry(group.clone()).or_default() += weight;
        if let Some(second) = second {
            *unit_weight.entry((group, second)).or_default() += weight;
        }
    }
    let mut assigned: BTreeMap<String, String> = BTreeMap::new();
    for package in weights.keys() {
        let (group, second) = segments(package);
        let split = group_weight.get(&group).copied().unwrap_or(0) >= SPLIT_GROUP_WEIGHT;
        let feature = match second {
            _ if !split => group.clone(),
            Some(second)
                if unit_weight
                    .get(&(group.clone(), second.clone()))
                    .copied()
                    .unwrap_or(0)
                    >= OWN_FEATURE_WEIGHT =>
            {
                fine_name(&group, &second)
            }
            _ => fine_name(&group, CORE_SUFFIX),
        };
        assigned.insert(package.clone(), feature);
    }
    // A split group that ended up with one feature keeps the group's name.
    let mut per_group: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (package, feature) in &assigned {
        per_group
            .entry(group_of_package(package))
            .or_default()
            .insert(feature.clone());
    }
    for (package, feature) in &mut assigned {
        let group = group_of_package(package);
        if per_group.get(&group).is_some_and(|set| set.len() == 1) {
            *feature = group;
        }
    }
    assigned
}

/// Sets `feature` on packages, structures and enumerations and fills
/// `model.features` (fine features, then umbrellas for split groups).
pub fn assign(model: &mut Model) {
    let packages = item_packages(model);

    let mut weights: BTreeMap<String, usize> =
        model.packages.keys().map(|id| (id.clone(), 0)).collect();
    for service in model.services.values() {
        if let Some(weight) = weights.get_mut(&service.package) {
            *weight += service.operations.len();
        }
    }
    for package in packages.values() {
        if let Some(weight) = weights.get_mut(package) {
            *weight += 1;
        }
    }
    let package_feature = fine_features(&weights);

    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    for (id, package) in &mut model.packages {
        package.feature = package_feature.get(id).cloned().unwrap_or_default();
        let feature = features
            .entry(package.feature.clone())
            .or_insert_with(|| Feature {
                name: package.feature.clone(),
                ..Feature::default()
            });
        feature.packages.push(id.clone());
    }
    let feature_of = |item: &str| {
        packages
            .get(item)
            .and_then(|package| package_feature.get(package))
            .cloned()
    };
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
        let Some(from) = package_feature.get(&service.package) else {
            continue;
        };
        for operation in &service.operations {
            for param in &operation.params {
                uses(from, &param.ty);
            }
            uses(from, &operation.output);
            if let Some(result) = &operation.task_result {
                uses(from, result);
            }
            for error in &operation.errors {
                uses(from, &TypeRef::Structure(error.structure_id.clone()));
            }
        }
        for constant in &service.constants {
            uses(from, &constant.ty);
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

    // Umbrellas: a split group's name turns on each of its fine features.
    let mut umbrellas: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (package, fine) in &package_feature {
        let group = group_of_package(package);
        if *fine != group {
            let members = umbrellas.entry(group).or_default();
            if !members.contains(fine) {
                members.push(fine.clone());
            }
        }
    }
    for (group, mut members) in umbrellas {
        members.sort();
        // No fine feature already has this name: a split group's fine
        // features all carry a `-<suffix>` and group names (snake case)
        // never contain `-`.
        features.entry(group.clone()).or_insert(Feature {
            name: group,
            packages: Vec::new(),
            depends_on: Vec::new(),
            includes: members,
        });
    }
    model.features = features;
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{fine_features, group_of_package};

    #[test]
    fn groups_are_the_segment_after_com_vmware() {
        assert_eq!(
            group_of_package("com.vmware.vcenter.vm.hardware"),
            "vcenter"
        );
        assert_eq!(group_of_package("com.vmware.vapi.std.errors"), "vapi");
        assert_eq!(group_of_package("com.vmware.oauth2"), "oauth2");
        assert_eq!(group_of_package("org.example.x"), "org");
    }

    #[test]
    fn heavy_groups_split_by_second_level_package() {
        let weights: BTreeMap<String, usize> = [
            ("com.vmware.big", 10),
            ("com.vmware.big.vm", 30),
            ("com.vmware.big.vm.hardware", 40),
            ("com.vmware.big.name_space", 50),
            ("com.vmware.big.small", 5),
            ("com.vmware.big.other.deep", 20),
            ("com.vmware.small", 20),
            ("com.vmware.small.heavy_but_alone", 60),
        ]
        .into_iter()
        .map(|(id, weight)| (id.to_owned(), weight))
        .collect();
        let features = fine_features(&weights);
        let of = |id: &str| features[id].as_str();
        // Sub-packages follow their second-level package.
        assert_eq!(of("com.vmware.big.vm"), "big-vm");
        assert_eq!(of("com.vmware.big.vm.hardware"), "big-vm");
        assert_eq!(of("com.vmware.big.name_space"), "big-name-space");
        // The group's own package and light second levels share `-core`.
        assert_eq!(of("com.vmware.big"), "big-core");
        assert_eq!(of("com.vmware.big.small"), "big-core");
        assert_eq!(of("com.vmware.big.other.deep"), "big-core");
        // A light group stays whole, whatever its parts weigh.
        assert_eq!(of("com.vmware.small"), "small");
        assert_eq!(of("com.vmware.small.heavy_but_alone"), "small");
    }
}
