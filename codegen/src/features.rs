//! Cargo features of the generated crate.
//!
//! Every package, and every service with its nested types, belongs to
//! exactly one *fine* feature; large package groups also get an *umbrella*
//! feature that turns on all of their fine features.
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
//! - A light second-level package (with its sub-packages) whose types are
//!   used by exactly one feature other than `<group>-core`, that feature
//!   being of the same group, and which itself uses nothing of its group
//!   outside that feature, joins that feature instead of `<group>-core`
//!   (see `attach_light_units`). Without this,
//!   one small shared package (`com.vmware.vcenter.evc_mode`, used by
//!   `vcenter.vm`) makes a heavy feature enable all of `<group>-core` and
//!   everything the catch-all core depends on.
//!
//! - A service of a group's root package (`com.vmware.vcenter.VM`), with its
//!   nested structures and enumerations, is a part of its own rather than
//!   part of the root package. It forms one unit with the second-level
//!   package of the same snake-case name, if there is one
//!   (`com.vmware.vcenter.VM` and `com.vmware.vcenter.vm` → `vcenter-vm`),
//!   and the unit's weight decides as above. So the handle
//!   `vcenter::Vm` compiles with `vcenter-vm`, beside its nested types in
//!   `vcenter::vm` and the `vcenter.vm.*` services.
//! - When the group's core would still weigh at least
//!   [`SPLIT_GROUP_WEIGHT`] (in vSphere 9.1 only `vcenter` and `appliance`),
//!   a lighter root-service unit of at least [`SERVICE_FEATURE_WEIGHT`]
//!   leaves the core for a feature named after it (`vcenter-datastore`,
//!   `vcenter-host`, `vcenter-folder`, …), unless it uses a part of the core
//!   (see `rejoin_core_users`): then its feature would enable the core
//!   anyway and only add a name. Lighter ones (`vcenter.System`, one
//!   operation) stay in the core. Measured on vSphere 9.1: a unit of weight
//!   4–15 adds well under a second to a cold `cargo check`, while reaching
//!   it through `vcenter-core` costs the whole core.
//! - A light unit still in the core that two or more other features of its
//!   group use, and that uses nothing of its group outside itself, gets a
//!   feature of its own (see `separate_shared_leaves`):
//!   `com.vmware.vcenter.evc_mode`, used by `vcenter-vm` and
//!   `vcenter-cluster`, is `vcenter-evc-mode`, so neither enables the core.
//!
//! A fine feature depends on the fine features of every type its parts'
//! structures, constants and operations mention, transitively, so enabling
//! any one feature always compiles. Two features whose types refer to each
//! other simply enable each other (Cargo allows that).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Feature, Model, Owner, Service, TypeRef};
use crate::lower::types::referenced_ids;
use crate::lower::{VMWARE_PREFIX, item_packages};
use crate::names;

/// A group at least this heavy is split into one feature per heavy
/// second-level package plus a `<group>-core` feature. Below it, splitting
/// saves too little compile time to be worth more feature names.
pub const SPLIT_GROUP_WEIGHT: usize = 150;

/// Within a split group, a second-level package (with its sub-packages) at
/// least this heavy gets a feature of its own; lighter ones join
/// `<group>-core`.
pub const OWN_FEATURE_WEIGHT: usize = 40;

/// Within a split group, a unit holding a service of the group's root
/// package (`com.vmware.vcenter.Host`, with the package
/// `com.vmware.vcenter.host` if there is one) at least this heavy gets a
/// feature of its own; lighter ones stay in `<group>-core`.
pub const SERVICE_FEATURE_WEIGHT: usize = 4;

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

/// Whether `feature` carries the name of `package`'s own unit:
/// `vcenter-vm` for `com.vmware.vcenter.vm.hardware`, `vcenter-core` or
/// `vcenter` for `com.vmware.vcenter`.
fn names_feature(package: &str, feature: &str) -> bool {
    let (group, second) = segments(package);
    feature == group || feature == fine_name(&group, second.as_deref().unwrap_or(CORE_SUFFIX))
}

/// Decides the fine feature of every part from the code weight of each part
/// (operations + structures + enumerations it defines) and the parts whose
/// types each part uses (`uses[a]` holds `b` when a type, constant or
/// operation of `a` mentions a type of `b`).
///
/// A part is a package, or one service of a group's root package with its
/// nested types, keyed by the service id (`com.vmware.vcenter.VM`);
/// `root_services` lists the latter. Keys are grouped into units by their
/// second segment in snake case, so `com.vmware.vcenter.VM` and the package
/// `com.vmware.vcenter.vm` form one unit.
pub fn fine_features(
    weights: &BTreeMap<String, usize>,
    uses: &BTreeMap<String, BTreeSet<String>>,
    root_services: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut group_weight: BTreeMap<String, usize> = BTreeMap::new();
    let mut unit_weight: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut service_units: BTreeSet<(String, String)> = BTreeSet::new();
    for (part, weight) in weights {
        let (group, second) = segments(part);
        *group_weight.entry(group.clone()).or_default() += weight;
        if let Some(second) = second {
            if root_services.contains(part) {
                service_units.insert((group.clone(), second.clone()));
            }
            *unit_weight.entry((group, second)).or_default() += weight;
        }
    }
    // Heavy units get their own feature, the rest of a split group its core.
    let mut assigned: BTreeMap<String, String> = BTreeMap::new();
    let mut core_weight: BTreeMap<String, usize> = BTreeMap::new();
    for (part, weight) in weights {
        let (group, second) = segments(part);
        let split = group_weight.get(&group).copied().unwrap_or(0) >= SPLIT_GROUP_WEIGHT;
        let heavy = second.as_ref().filter(|second| {
            unit_weight
                .get(&(group.clone(), (*second).clone()))
                .is_some_and(|weight| *weight >= OWN_FEATURE_WEIGHT)
        });
        let feature = match heavy {
            _ if !split => group.clone(),
            Some(second) => fine_name(&group, second),
            None => {
                *core_weight.entry(group.clone()).or_default() += weight;
                fine_name(&group, CORE_SUFFIX)
            }
        };
        assigned.insert(part.clone(), feature);
    }
    // A core that is itself as heavy as a split group loses its root
    // package's services (with their same-named packages) to features of
    // their own.
    let mut separated: BTreeSet<(String, String)> = BTreeSet::new();
    for (part, feature) in assigned.iter_mut() {
        let (group, second) = segments(part);
        if let Some(second) = second {
            let unit = (group.clone(), second.clone());
            if *feature == fine_name(&group, CORE_SUFFIX)
                && service_units.contains(&unit)
                && core_weight
                    .get(&group)
                    .is_some_and(|w| *w >= SPLIT_GROUP_WEIGHT)
                && unit_weight
                    .get(&unit)
                    .is_some_and(|w| *w >= SERVICE_FEATURE_WEIGHT)
            {
                *feature = fine_name(&group, &second);
                separated.insert(unit);
            }
        }
    }
    attach_light_units(&mut assigned, uses, &service_units);
    separate_shared_leaves(&mut assigned, uses);
    rejoin_core_users(&mut assigned, uses, &separated);
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

/// Moves light second-level units out of `<group>-core` into the one feature
/// that uses them. A unit holding a service of the group's root package stays
/// in the core: a handle is found under its own area's name or the core's.
///
/// A unit (`com.vmware.vcenter.evc_mode` and its sub-packages) still in its
/// group's core moves to feature `F` of the same group when
/// - every package outside the unit that uses one of its packages belongs to
///   `F` or to the group's core (users in the core do not count: the core is
///   the catch-all and may depend on `F`), and at least one belongs to `F`;
/// - the unit's own packages use no package of their group outside the unit
///   and `F`, so `F` gains no dependency on the core through it.
///
/// This never enlarges what `F` turns on (it already enabled the core, and so
/// the unit and its dependencies); the core may now enable `F` instead of
/// holding the unit. Decisions are taken against the assignment before any
/// move, in package order, so the result does not depend on iteration order
/// of the moves themselves.
fn attach_light_units(
    assigned: &mut BTreeMap<String, String>,
    uses: &BTreeMap<String, BTreeSet<String>>,
    service_units: &BTreeSet<(String, String)>,
) {
    let mut units: BTreeMap<(String, String), BTreeSet<&String>> = BTreeMap::new();
    for (package, feature) in assigned.iter() {
        let (group, second) = segments(package);
        if let Some(second) = second
            && *feature == fine_name(&group, CORE_SUFFIX)
            && !service_units.contains(&(group.clone(), second.clone()))
        {
            units.entry((group, second)).or_default().insert(package);
        }
    }
    let mut moves: Vec<(String, String)> = Vec::new();
    for ((group, _), members) in &units {
        let core = fine_name(group, CORE_SUFFIX);
        let users: BTreeSet<&String> = uses
            .iter()
            .filter(|(user, used)| {
                !members.contains(user) && used.iter().any(|id| members.contains(id))
            })
            .filter_map(|(user, _)| assigned.get(user))
            .filter(|feature| **feature != core)
            .collect();
        // Only a feature of the same group: the group's umbrella must still
        // cover the unit (group names have no `-`, so the prefix is exact).
        let [target] = users.into_iter().collect::<Vec<_>>()[..] else {
            continue;
        };
        if !target.starts_with(&format!("{group}-")) {
            continue;
        }
        let stays_inside = members.iter().all(|member| {
            uses.get(*member).into_iter().flatten().all(|used| {
                members.contains(used)
                    || group_of_package(used) != *group
                    || assigned.get(used) == Some(target)
            })
        });
        if stays_inside {
            moves.extend(
                members
                    .iter()
                    .map(|member| ((*member).clone(), target.clone())),
            );
        }
    }
    for (package, feature) in moves {
        assigned.insert(package, feature);
    }
}

/// Puts a separated root service unit back into `<group>-core` when it uses
/// a part of the core: its feature would enable the core anyway, so it would
/// only add a name. Repeated until no unit moves, as a unit moving back can
/// make another one a core user.
fn rejoin_core_users(
    assigned: &mut BTreeMap<String, String>,
    uses: &BTreeMap<String, BTreeSet<String>>,
    separated: &BTreeSet<(String, String)>,
) {
    loop {
        let mut back: Vec<String> = Vec::new();
        for (part, feature) in assigned.iter() {
            let (group, second) = segments(part);
            let Some(second) = second else {
                continue;
            };
            let core = fine_name(&group, CORE_SUFFIX);
            let uses_core = uses
                .get(part)
                .into_iter()
                .flatten()
                .any(|used| assigned.get(used) == Some(&core));
            if separated.contains(&(group.clone(), second.clone())) && *feature != core && uses_core
            {
                back.push(fine_name(&group, &second));
            }
        }
        if back.is_empty() {
            return;
        }
        for (part, feature) in assigned.iter_mut() {
            if back.contains(feature) {
                *feature = fine_name(&group_of_package(part), CORE_SUFFIX);
            }
        }
    }
}

/// Gives a light unit still in `<group>-core` a feature of its own when
/// several other features of its group use it and it uses nothing of its
/// group outside itself (`com.vmware.vcenter.evc_mode`, used by `vcenter-vm`
/// and `vcenter-cluster`). Left in the core, it would make each of those
/// features enable the whole core.
fn separate_shared_leaves(
    assigned: &mut BTreeMap<String, String>,
    uses: &BTreeMap<String, BTreeSet<String>>,
) {
    let mut units: BTreeMap<(String, String), BTreeSet<&String>> = BTreeMap::new();
    for (part, feature) in assigned.iter() {
        let (group, second) = segments(part);
        if let Some(second) = second
            && *feature == fine_name(&group, CORE_SUFFIX)
        {
            units.entry((group, second)).or_default().insert(part);
        }
    }
    let mut moves: Vec<(String, String)> = Vec::new();
    for ((group, second), members) in &units {
        let core = fine_name(group, CORE_SUFFIX);
        let users: BTreeSet<&String> = uses
            .iter()
            .filter(|(user, used)| {
                !members.contains(user) && used.iter().any(|id| members.contains(id))
            })
            .filter_map(|(user, _)| assigned.get(user))
            .filter(|feature| **feature != core && feature.starts_with(&format!("{group}-")))
            .collect();
        let leaf = members.iter().all(|member| {
            uses.get(*member)
                .into_iter()
                .flatten()
                .all(|used| members.contains(used) || group_of_package(used) != *group)
        });
        if users.len() >= 2 && leaf {
            let feature = fine_name(group, second);
            moves.extend(
                members
                    .iter()
                    .map(|member| ((*member).clone(), feature.clone())),
            );
        }
    }
    for (part, feature) in moves {
        assigned.insert(part, feature);
    }
}

/// The part (see [`fine_features`]) each structure and enumeration belongs
/// to: the service of a group's root package it is nested in, else its
/// package.
fn item_parts(model: &Model, root_services: &BTreeSet<String>) -> BTreeMap<String, String> {
    fn part_of(
        model: &Model,
        root_services: &BTreeSet<String>,
        owner: &Owner,
        depth: usize,
    ) -> Option<String> {
        match owner {
            Owner::Package(id) => Some(id.clone()),
            Owner::Service(id) if root_services.contains(id) => Some(id.clone()),
            Owner::Service(id) => model.services.get(id).map(|s| s.package.clone()),
            Owner::Structure(id) if depth < 16 => {
                let owner = &model.structures.get(id)?.owner;
                part_of(model, root_services, owner, depth + 1)
            }
            Owner::Structure(_) => None,
        }
    }
    let packages = item_packages(model);
    let owners = model
        .structures
        .iter()
        .map(|(id, s)| (id, &s.owner))
        .chain(model.enumerations.iter().map(|(id, e)| (id, &e.owner)));
    owners
        .filter(|(id, _)| packages.contains_key(*id))
        .filter_map(|(id, owner)| Some((id.clone(), part_of(model, root_services, owner, 0)?)))
        .collect()
}

fn feature_entry<'f>(features: &'f mut BTreeMap<String, Feature>, name: &str) -> &'f mut Feature {
    features.entry(name.to_owned()).or_insert_with(|| Feature {
        name: name.to_owned(),
        ..Feature::default()
    })
}

/// Whether a service belongs to its group's root package
/// (`com.vmware.vcenter.VM`), so that it forms a part of its own.
fn is_root_service(service: &Service) -> bool {
    segments(&service.package).1.is_none() && segments(&service.id).1.is_some()
}

/// Sets `feature` on packages, services, structures and enumerations and
/// fills `model.features` (fine features, then umbrellas for split groups).
pub fn assign(model: &mut Model) {
    let root_services: BTreeSet<String> = model
        .services
        .values()
        .filter(|service| is_root_service(service))
        .map(|service| service.id.clone())
        .collect();
    let service_part = |service: &Service| {
        if root_services.contains(&service.id) {
            service.id.clone()
        } else {
            service.package.clone()
        }
    };
    let parts = item_parts(model, &root_services);

    let mut weights: BTreeMap<String, usize> = model
        .packages
        .keys()
        .chain(&root_services)
        .map(|id| (id.clone(), 0))
        .collect();
    for service in model.services.values() {
        if let Some(weight) = weights.get_mut(&service_part(service)) {
            *weight += service.operations.len();
        }
    }
    for part in parts.values() {
        if let Some(weight) = weights.get_mut(part) {
            *weight += 1;
        }
    }
    // Which parts' types each part uses.
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut record = |from: &str, ty: &TypeRef| {
        let mut ids = Vec::new();
        referenced_ids(ty, &mut ids);
        for id in ids {
            if let Some(to) = parts.get(id).filter(|to| *to != from) {
                uses.entry(from.to_owned()).or_default().insert(to.clone());
            }
        }
    };
    for (id, structure) in &model.structures {
        let Some(from) = parts.get(id) else {
            continue;
        };
        for field in &structure.fields {
            record(from, &field.ty);
        }
        for constant in &structure.constants {
            record(from, &constant.ty);
        }
    }
    for service in model.services.values() {
        let from = service_part(service);
        for operation in &service.operations {
            for param in &operation.params {
                record(&from, &param.ty);
            }
            record(&from, &operation.output);
            if let Some(result) = &operation.task_result {
                record(&from, result);
            }
            for error in &operation.errors {
                record(&from, &TypeRef::Structure(error.structure_id.clone()));
            }
        }
        for constant in &service.constants {
            record(&from, &constant.ty);
        }
    }

    let part_feature = fine_features(&weights, &uses, &root_services);

    let mut features: BTreeMap<String, Feature> = BTreeMap::new();
    for (id, package) in &mut model.packages {
        package.feature = part_feature.get(id).cloned().unwrap_or_default();
        feature_entry(&mut features, &package.feature)
            .packages
            .push(id.clone());
    }
    for service in model.services.values_mut() {
        service.feature = part_feature
            .get(&service_part(service))
            .cloned()
            .unwrap_or_default();
        let package_feature = part_feature.get(&service.package);
        if package_feature != Some(&service.feature) {
            feature_entry(&mut features, &service.feature)
                .services
                .push(service.id.clone());
        }
    }
    // The packages a feature is named after come first (its descriptions
    // name the first package), then those attached to it, each in id order.
    for feature in features.values_mut() {
        let name = feature.name.clone();
        feature
            .packages
            .sort_by_cached_key(|id| (!names_feature(id, &name), id.clone()));
    }
    let feature_of = |item: &str| {
        parts
            .get(item)
            .and_then(|part| part_feature.get(part))
            .cloned()
    };
    for (id, structure) in &mut model.structures {
        structure.feature = feature_of(id).unwrap_or_default();
    }
    for (id, enumeration) in &mut model.enumerations {
        enumeration.feature = feature_of(id).unwrap_or_default();
    }

    // Direct dependencies: the features of the packages each feature's
    // packages use.
    let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, used) in &uses {
        let Some(from) = part_feature.get(from) else {
            continue;
        };
        for to in used.iter().filter_map(|to| part_feature.get(to)) {
            if to != from {
                direct.entry(from.clone()).or_default().insert(to.clone());
            }
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
    for (part, fine) in &part_feature {
        let group = group_of_package(part);
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
            services: Vec::new(),
            depends_on: Vec::new(),
            includes: members,
        });
    }
    model.features = features;
    assign_resource_id_features(model);
}

/// Which features use each identifier type: those of the structures whose
/// fields or constants mention it and of the services whose operations do.
fn assign_resource_id_features(model: &mut Model) {
    let mut used_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut record = |feature: &str, ty: &TypeRef| {
        let mut keys = Vec::new();
        resource_keys(ty, &mut keys);
        for key in keys {
            used_by
                .entry(key.to_owned())
                .or_default()
                .insert(feature.to_owned());
        }
    };
    for structure in model.structures.values() {
        for field in &structure.fields {
            record(&structure.feature, &field.ty);
        }
        for constant in &structure.constants {
            record(&structure.feature, &constant.ty);
        }
    }
    for service in model.services.values() {
        for operation in &service.operations {
            for param in &operation.params {
                record(&service.feature, &param.ty);
            }
            record(&service.feature, &operation.output);
            if let Some(result) = &operation.task_result {
                record(&service.feature, result);
            }
        }
        for constant in &service.constants {
            record(&service.feature, &constant.ty);
        }
    }
    for (key, id) in &mut model.resource_ids {
        id.features = used_by
            .remove(key)
            .map(|features| features.into_iter().filter(|f| !f.is_empty()).collect())
            .unwrap_or_default();
    }
}

/// The [`Model::resource_ids`] keys a type mentions.
fn resource_keys<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Resource(key) => out.push(key),
        TypeRef::Builtin(_)
        | TypeRef::Structure(_)
        | TypeRef::Enumeration(_)
        | TypeRef::AnyResource => {}
        TypeRef::Optional(inner) | TypeRef::List(inner) | TypeRef::Set(inner) => {
            resource_keys(inner, out)
        }
        TypeRef::Map(key, value) => {
            resource_keys(key, out);
            resource_keys(value, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::{fine_features, group_of_package, names_feature};

    fn weights(list: &[(&str, usize)]) -> BTreeMap<String, usize> {
        list.iter()
            .map(|(id, weight)| ((*id).to_owned(), *weight))
            .collect()
    }

    fn uses(list: &[(&str, &str)]) -> BTreeMap<String, BTreeSet<String>> {
        let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, to) in list {
            uses.entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
        }
        uses
    }

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
        let weights = weights(&[
            ("com.vmware.big", 10),
            ("com.vmware.big.vm", 30),
            ("com.vmware.big.vm.hardware", 40),
            ("com.vmware.big.name_space", 50),
            ("com.vmware.big.small", 5),
            ("com.vmware.big.other.deep", 20),
            ("com.vmware.small", 20),
            ("com.vmware.small.heavy_but_alone", 60),
        ]);
        let features = fine_features(&weights, &BTreeMap::new(), &BTreeSet::new());
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

    #[test]
    fn light_units_join_their_only_user_outside_the_core() {
        let weights = weights(&[
            ("com.vmware.big", 10),
            ("com.vmware.big.vm", 60),
            ("com.vmware.big.vm.hardware", 40),
            ("com.vmware.big.host", 60),
            ("com.vmware.big.evc", 3),
            ("com.vmware.big.evc.detail", 2),
            ("com.vmware.big.cluster", 5),
            ("com.vmware.big.shared", 5),
            ("com.vmware.big.shared_leaning", 5),
            ("com.vmware.big.leaning", 5),
            ("com.vmware.big.unused", 5),
            ("com.vmware.big.outside", 5),
            ("com.vmware.big.foreign", 5),
            ("com.vmware.other", 5),
        ]);
        let uses = uses(&[
            // The root (core) and the heavy `vm` both use `evc`; a core
            // user does not count, so `evc` (whole unit) joins `big-vm`.
            ("com.vmware.big", "com.vmware.big.vm.hardware"),
            ("com.vmware.big", "com.vmware.big.evc"),
            ("com.vmware.big.cluster", "com.vmware.big.evc.detail"),
            ("com.vmware.big.vm", "com.vmware.big.evc"),
            ("com.vmware.big.evc", "com.vmware.big.evc.detail"),
            // Packages of other groups may be used freely.
            ("com.vmware.big.evc.detail", "com.vmware.other"),
            // Used by two features, using nothing of its group: a feature
            // of its own, so neither user needs the core for it.
            ("com.vmware.big.vm", "com.vmware.big.shared"),
            ("com.vmware.big.host", "com.vmware.big.shared"),
            // Used by two features but using a core package: stays.
            ("com.vmware.big.vm", "com.vmware.big.shared_leaning"),
            ("com.vmware.big.host", "com.vmware.big.shared_leaning"),
            ("com.vmware.big.shared_leaning", "com.vmware.big.cluster"),
            // Only `host` uses it, but it uses a core package itself:
            // moving it would keep `host` depending on the core.
            ("com.vmware.big.host", "com.vmware.big.leaning"),
            ("com.vmware.big.leaning", "com.vmware.big.cluster"),
            // A user in another group counts like any other feature.
            ("com.vmware.big.host", "com.vmware.big.outside"),
            ("com.vmware.other", "com.vmware.big.outside"),
            // Used only by another group: stays under its own umbrella.
            ("com.vmware.other", "com.vmware.big.foreign"),
        ]);
        let features = fine_features(&weights, &uses, &BTreeSet::new());
        let of = |id: &str| features[id].as_str();
        assert_eq!(of("com.vmware.big.evc"), "big-vm");
        assert_eq!(of("com.vmware.big.evc.detail"), "big-vm");
        assert_eq!(of("com.vmware.big.vm.hardware"), "big-vm");
        assert_eq!(of("com.vmware.big.host"), "big-host");
        assert_eq!(of("com.vmware.big"), "big-core");
        assert_eq!(of("com.vmware.big.cluster"), "big-core");
        assert_eq!(of("com.vmware.big.shared"), "big-shared");
        assert_eq!(of("com.vmware.big.shared_leaning"), "big-core");
        assert_eq!(of("com.vmware.big.leaning"), "big-core");
        assert_eq!(of("com.vmware.big.unused"), "big-core");
        assert_eq!(of("com.vmware.big.outside"), "big-core");
        assert_eq!(of("com.vmware.big.foreign"), "big-core");
        assert_eq!(of("com.vmware.other"), "other");
    }

    #[test]
    fn root_services_join_the_feature_of_their_area() {
        let weights = weights(&[
            // The root package alone is as heavy as a split group.
            ("com.vmware.big", 150),
            ("com.vmware.big.VM", 30),
            ("com.vmware.big.vm", 30),
            ("com.vmware.big.vm.hardware", 40),
            ("com.vmware.big.datastore", 4),
            ("com.vmware.big.host", 5),
            ("com.vmware.big.host.detail", 3),
            ("com.vmware.big.tiny", 3),
            ("com.vmware.big.needy", 10),
            ("com.vmware.big.leaner", 10),
            ("com.vmware.small", 10),
            ("com.vmware.small.thing", 10),
        ]);
        let root_services: BTreeSet<String> = [
            "com.vmware.big.VM",
            "com.vmware.big.datastore",
            "com.vmware.big.host",
            "com.vmware.big.tiny",
            "com.vmware.big.needy",
            "com.vmware.big.leaner",
            "com.vmware.small.thing",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let uses = uses(&[
            ("com.vmware.big.VM", "com.vmware.big.vm.hardware"),
            ("com.vmware.big.host", "com.vmware.big.host.detail"),
            // Uses the core: a feature of its own would enable it anyway.
            ("com.vmware.big.needy", "com.vmware.big"),
            // Uses `needy`, which goes back to the core.
            ("com.vmware.big.leaner", "com.vmware.big.needy"),
        ]);
        let features = fine_features(&weights, &uses, &root_services);
        let of = |id: &str| features[id].as_str();
        // `VM` forms one unit with the package `vm`, named after it.
        assert_eq!(of("com.vmware.big.VM"), "big-vm");
        assert_eq!(of("com.vmware.big.vm.hardware"), "big-vm");
        // Light services of a heavy core: a feature per area.
        assert_eq!(of("com.vmware.big.datastore"), "big-datastore");
        assert_eq!(of("com.vmware.big.host"), "big-host");
        assert_eq!(of("com.vmware.big.host.detail"), "big-host");
        // Too light, or needing the core anyway: the core.
        assert_eq!(of("com.vmware.big.tiny"), "big-core");
        assert_eq!(of("com.vmware.big.needy"), "big-core");
        assert_eq!(of("com.vmware.big.leaner"), "big-core");
        assert_eq!(of("com.vmware.big"), "big-core");
        // A light group stays whole.
        assert_eq!(of("com.vmware.small.thing"), "small");
    }

    #[test]
    fn features_are_named_after_their_own_units() {
        assert!(names_feature("com.vmware.big.vm.hardware", "big-vm"));
        assert!(names_feature("com.vmware.big", "big-core"));
        assert!(names_feature("com.vmware.small.x", "small"));
        // An attached unit does not name the feature it joined.
        assert!(!names_feature("com.vmware.big.evc", "big-vm"));
        assert!(!names_feature("com.vmware.big.evc", "big-core"));
    }
}
