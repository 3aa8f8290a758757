//! Several release snapshots → one metamodel: the union of every vSphere
//! API release the crate covers, each element marked with the releases that
//! declare it (`releases` of the wire elements, then
//! [`crate::ir::Releases`]).
//!
//! The merge works on the wire model, before lowering, so the IR builder
//! sees one ordinary metamodel and every rule of lowering (names, routes,
//! features) applies to the union unchanged.
//!
//! # Rules
//!
//! Applied to every element of every kind; `members` implements them.
//!
//! 1. **Union.** An element (package, service, operation, structure, field,
//!    parameter, enumeration, enumeration value, constant, declared error)
//!    that any release declares is in the union; it records the releases
//!    that declare it. So 8.0-only APIs are generated, and their docs say
//!    in which release they were removed.
//! 2. **The newest declaration defines.** Documentation, metadata (REST
//!    annotations included), lifecycle, owner and type come from the newest
//!    release that declares the element. Order: the newest release's
//!    declaration order, then the elements only older releases have, in
//!    the order of the newest of those.
//! 3. **Optional where a release may leave it out.** A field or parameter
//!    that some release of its owner lacks, or declares optional, is
//!    optional in the union: a server of that release never sends it (or
//!    may omit it), and a request to it must be able to leave it out. A
//!    required value of the union would fail to decode every response of
//!    such a release. The same holds for an operation result that some
//!    release declares optional. Exception: a parameter the union's route
//!    binds to a path variable (or whose optionality would change the
//!    route) stays required, reported as [`ConflictKind::KeptRequired`].
//! 4. **Conflicts: the newest wins, and is reported.** Where releases
//!    declare one element differently in a way rule 3 does not cover — a
//!    field, parameter or result of another type, a different `/api` or
//!    `/rest` route, a structure that is an error in one release only,
//!    another constant value, a new owner, other `Resource`/union metadata
//!    — the newest definition is used and [`MergeReport::conflicts`] lists
//!    the case with every distinct definition and the releases that have
//!    it. Nothing is settled silently.
//!
//! Identifiers are matched across releases by id; an id that one release
//! declares under two owners (`com.vmware.vcenter.deployment.info`) is
//! matched by owner and id instead.

mod members;
mod operations;
mod report;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Problem, Problems};
use crate::wire::{
    ComponentData, ComponentInfo, EnumerationInfo, PackageInfo, ServiceInfo, StructureInfo, WireMap,
};

pub use report::{Conflict, ConflictKind, Definition, ElementCounts, MergeReport};

/// One release's snapshot: its components and the release it describes.
#[derive(Debug, Clone)]
pub struct ReleaseSnapshot {
    /// The vSphere API release: `8.0.3.0`.
    pub release: String,
    pub components: Vec<ComponentData>,
}

/// The union of several release snapshots.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The releases, oldest first.
    pub releases: Vec<String>,
    /// The union, as one snapshot's components; every element's
    /// `releases` lists the releases that declare it.
    pub components: Vec<ComponentData>,
    pub report: MergeReport,
}

/// The numeric parts of a release (`9.1.0.0` → `[9, 1, 0, 0]`), by which
/// releases are ordered; `None` when it is not dotted numbers.
pub fn release_key(release: &str) -> Option<Vec<u64>> {
    release
        .split('.')
        .map(|part| part.parse::<u64>().ok())
        .collect()
}

/// Unites `snapshots` (in any order) by the rules of this module.
pub fn merge(mut snapshots: Vec<ReleaseSnapshot>) -> Result<Merged, Error> {
    let mut problems = Vec::new();
    for snapshot in &snapshots {
        if release_key(&snapshot.release).is_none() {
            problems.push(Problem::new(
                format!("release {}", snapshot.release),
                "a release is dotted numbers (`8.0.3.0`)",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Model(Problems(problems)));
    }
    snapshots.sort_by_key(|s| release_key(&s.release));
    for pair in snapshots.windows(2) {
        if release_key(&pair[0].release) == release_key(&pair[1].release) {
            problems.push(Problem::new(
                format!("release {}", pair[1].release),
                format!("given twice (also as {})", pair[0].release),
            ));
        }
    }
    if snapshots.is_empty() {
        problems.push(Problem::new("releases", "no snapshot to merge"));
    }
    if !problems.is_empty() {
        return Err(Error::Model(Problems(problems)));
    }
    let releases: Vec<String> = snapshots.iter().map(|s| s.release.clone()).collect();
    let repeated = repeated_ids(&snapshots);
    let flats: Vec<Flat<'_>> = snapshots
        .iter()
        .map(|s| Flat::of(&s.release, &s.components, &repeated, &mut problems))
        .collect();
    if !problems.is_empty() {
        problems.sort();
        return Err(Error::Model(Problems(problems)));
    }
    let mut merger = Merger {
        releases: &releases,
        report: MergeReport {
            releases: releases.clone(),
            ..MergeReport::default()
        },
    };
    let components = merger.build(&flats);
    drop(flats);
    crate::parallel::drop_in_background(snapshots);
    let mut report = merger.report;
    report.finish(&components);
    Ok(Merged {
        releases,
        components,
        report,
    })
}

/// Whose child an element is, by the owner's merge key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum OwnerKey {
    Package(String),
    Service(String),
    Structure(String),
}

impl OwnerKey {
    fn describe(&self) -> String {
        match self {
            OwnerKey::Package(id) => format!("package {id}"),
            OwnerKey::Service(id) => format!("service {id}"),
            OwnerKey::Structure(key) => format!("structure {}", key_id(key)),
        }
    }
}

/// The vAPI id of a merge key (`service:x.y/x.y.info` → `x.y.info`).
fn key_id(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

/// Ids that some release declares more than once (under different owners):
/// (is enumeration, id).
fn repeated_ids(snapshots: &[ReleaseSnapshot]) -> BTreeSet<(bool, String)> {
    let mut repeated = BTreeSet::new();
    for snapshot in snapshots {
        let mut seen = BTreeSet::new();
        let mut note = |enumeration: bool, id: &str| {
            if !seen.insert((enumeration, id.to_owned())) {
                repeated.insert((enumeration, id.to_owned()));
            }
        };
        for component in &snapshot.components {
            for package in component.info.packages.values() {
                let structures = package
                    .structures
                    .iter()
                    .chain(package.services.values().flat_map(|s| s.structures.iter()));
                for (id, structure) in structures {
                    note(false, id);
                    for enumeration in structure.enumerations.keys() {
                        note(true, enumeration);
                    }
                }
                let enumerations = package.enumerations.keys().chain(
                    package
                        .services
                        .values()
                        .flat_map(|s| s.enumerations.keys()),
                );
                for id in enumerations {
                    note(true, id);
                }
            }
        }
    }
    repeated
}

/// A structure declaration in one release.
struct StructureAt<'a> {
    owner: OwnerKey,
    info: &'a StructureInfo,
}

struct EnumerationAt<'a> {
    owner: OwnerKey,
    info: &'a EnumerationInfo,
}

struct ServiceAt<'a> {
    package: String,
    info: &'a ServiceInfo,
}

struct PackageAt<'a> {
    component: String,
    info: &'a PackageInfo,
}

/// One release's elements by merge key, in declaration order.
struct Flat<'a> {
    components: Vec<(String, &'a ComponentData)>,
    packages: Vec<(String, PackageAt<'a>)>,
    services: Vec<(String, ServiceAt<'a>)>,
    structures: Vec<(String, StructureAt<'a>)>,
    enumerations: Vec<(String, EnumerationAt<'a>)>,
}

impl<'a> Flat<'a> {
    fn of(
        release: &str,
        components: &'a [ComponentData],
        repeated: &BTreeSet<(bool, String)>,
        problems: &mut Vec<Problem>,
    ) -> Self {
        let mut flat = Flat {
            components: Vec::new(),
            packages: Vec::new(),
            services: Vec::new(),
            structures: Vec::new(),
            enumerations: Vec::new(),
        };
        let mut keys = BTreeSet::new();
        let mut claim = |kind: &str, key: &str| {
            let fresh = keys.insert((kind.to_owned(), key.to_owned()));
            if !fresh {
                problems.push(Problem::new(
                    format!("release {release}, {kind} {}", key_id(key)),
                    "declared twice by the same owner",
                ));
            }
            fresh
        };
        for component in components {
            let name = component.info.name.clone();
            if claim("component", &name) {
                flat.components.push((name.clone(), component));
            }
            for (package_id, package) in component.info.packages.iter() {
                // A package may span components (its elements may not):
                // it is one package of the union.
                if !flat.packages.iter().any(|(key, _)| key == package_id) {
                    flat.packages.push((
                        package_id.to_owned(),
                        PackageAt {
                            component: name.clone(),
                            info: package,
                        },
                    ));
                }
                let owner = OwnerKey::Package(package_id.to_owned());
                for (id, structure) in package.structures.iter() {
                    flat.structure(id, &owner, structure, repeated, &mut claim);
                }
                for (id, enumeration) in package.enumerations.iter() {
                    flat.enumeration(id, &owner, enumeration, repeated, &mut claim);
                }
                for (service_id, service) in package.services.iter() {
                    if !claim("service", service_id) {
                        continue;
                    }
                    flat.services.push((
                        service_id.to_owned(),
                        ServiceAt {
                            package: package_id.to_owned(),
                            info: service,
                        },
                    ));
                    let owner = OwnerKey::Service(service_id.to_owned());
                    for (id, structure) in service.structures.iter() {
                        flat.structure(id, &owner, structure, repeated, &mut claim);
                    }
                    for (id, enumeration) in service.enumerations.iter() {
                        flat.enumeration(id, &owner, enumeration, repeated, &mut claim);
                    }
                }
            }
        }
        flat
    }

    fn structure(
        &mut self,
        id: &str,
        owner: &OwnerKey,
        info: &'a StructureInfo,
        repeated: &BTreeSet<(bool, String)>,
        claim: &mut impl FnMut(&str, &str) -> bool,
    ) {
        let key = merge_key(false, id, owner, repeated);
        if !claim("structure", &key) {
            return;
        }
        let nested = OwnerKey::Structure(key.clone());
        self.structures.push((
            key,
            StructureAt {
                owner: owner.clone(),
                info,
            },
        ));
        for (enum_id, enumeration) in info.enumerations.iter() {
            self.enumeration(enum_id, &nested, enumeration, repeated, claim);
        }
    }

    fn enumeration(
        &mut self,
        id: &str,
        owner: &OwnerKey,
        info: &'a EnumerationInfo,
        repeated: &BTreeSet<(bool, String)>,
        claim: &mut impl FnMut(&str, &str) -> bool,
    ) {
        let key = merge_key(true, id, owner, repeated);
        if claim("enumeration", &key) {
            self.enumerations.push((
                key,
                EnumerationAt {
                    owner: owner.clone(),
                    info,
                },
            ));
        }
    }
}

/// The key matching a structure or enumeration across releases: its id,
/// or owner and id for an id some release declares twice.
fn merge_key(
    enumeration: bool,
    id: &str,
    owner: &OwnerKey,
    repeated: &BTreeSet<(bool, String)>,
) -> String {
    if repeated.contains(&(enumeration, id.to_owned())) {
        let owner = match owner {
            OwnerKey::Package(id) => format!("package:{id}"),
            OwnerKey::Service(id) => format!("service:{id}"),
            OwnerKey::Structure(key) => format!("structure:{key}"),
        };
        format!("{owner}/{id}")
    } else {
        id.to_owned()
    }
}

/// The declarations of one element, newest release first: (release index,
/// declaration).
type Versions<T> = Vec<(usize, T)>;

/// Every element's versions by key, in the union's order (rule 2).
struct Gathered<T> {
    order: Vec<String>,
    versions: BTreeMap<String, Versions<T>>,
}

impl<T> Gathered<T> {
    /// Gathers from each release (index, its elements), newest first.
    fn new<'f, I>(per_release: I) -> Self
    where
        I: IntoIterator<Item = (usize, Vec<(&'f String, T)>)>,
    {
        let mut order = Vec::new();
        let mut versions: BTreeMap<String, Versions<T>> = BTreeMap::new();
        for (release, elements) in per_release {
            for (key, element) in elements {
                let entry = versions.entry(key.clone()).or_default();
                if entry.is_empty() {
                    order.push(key.clone());
                }
                entry.push((release, element));
            }
        }
        Gathered { order, versions }
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &Versions<T>)> {
        self.order.iter().map(|key| (key, &self.versions[key]))
    }
}

struct Merger<'r> {
    releases: &'r [String],
    report: MergeReport,
}

impl Merger<'_> {
    /// The releases of some versions, oldest first.
    fn present<T>(&self, versions: &Versions<T>) -> Vec<String> {
        let mut indices: Vec<usize> = versions.iter().map(|(release, _)| *release).collect();
        indices.sort_unstable();
        indices.dedup();
        indices
            .into_iter()
            .map(|i| self.releases[i].clone())
            .collect()
    }

    fn build(&mut self, flats: &[Flat<'_>]) -> Vec<ComponentData> {
        let newest_first = || (0..flats.len()).rev();
        let components = Gathered::new(newest_first().map(|r| {
            let list = flats[r].components.iter().map(|(k, c)| (k, *c)).collect();
            (r, list)
        }));
        let packages = Gathered::new(newest_first().map(|r| {
            let list = flats[r].packages.iter().map(|(k, p)| (k, p)).collect();
            (r, list)
        }));
        let services = Gathered::new(newest_first().map(|r| {
            let list = flats[r].services.iter().map(|(k, s)| (k, s)).collect();
            (r, list)
        }));
        let structures = Gathered::new(newest_first().map(|r| {
            let list = flats[r].structures.iter().map(|(k, s)| (k, s)).collect();
            (r, list)
        }));
        let enumerations = Gathered::new(newest_first().map(|r| {
            let list = flats[r].enumerations.iter().map(|(k, e)| (k, e)).collect();
            (r, list)
        }));

        // Services merge on a thread of their own while the types merge
        // here (about as much work each); what the service merge reports
        // joins this report after, which sorts it.
        let mut service_merger = Merger {
            releases: self.releases,
            report: MergeReport::default(),
        };
        let (merged_services, (mut enumerations_of, mut structures_of)) = crate::parallel::join(
            || {
                services
                    .iter()
                    .map(|(id, versions)| {
                        let owners: Vec<(usize, OwnerKey)> = versions
                            .iter()
                            .map(|(r, s)| (*r, OwnerKey::Package(s.package.clone())))
                            .collect();
                        let owners: Vec<(usize, &OwnerKey)> =
                            owners.iter().map(|(r, o)| (*r, o)).collect();
                        service_merger.check_owner("service", id, &owners);
                        let infos: Versions<&ServiceInfo> =
                            versions.iter().map(|(r, s)| (*r, s.info)).collect();
                        let merged = service_merger.service(id, &infos);
                        (id.clone(), versions[0].1.package.clone(), merged)
                    })
                    .collect::<Vec<_>>()
            },
            || {
                // Children by the owner of their newest declaration (rule 2).
                let mut enumerations_of: BTreeMap<OwnerKey, Vec<(String, EnumerationInfo)>> =
                    BTreeMap::new();
                for (key, versions) in enumerations.iter() {
                    let owners: Vec<(usize, &OwnerKey)> =
                        versions.iter().map(|(r, e)| (*r, &e.owner)).collect();
                    self.check_owner("enumeration", key, &owners);
                    let infos: Versions<&EnumerationInfo> =
                        versions.iter().map(|(r, e)| (*r, e.info)).collect();
                    let merged = self.enumeration(&infos);
                    let owner = versions[0].1.owner.clone();
                    enumerations_of
                        .entry(owner)
                        .or_default()
                        .push((key_id(key).to_owned(), merged));
                }
                let mut structures_of: BTreeMap<OwnerKey, Vec<(String, StructureInfo)>> =
                    BTreeMap::new();
                for (key, versions) in structures.iter() {
                    let owners: Vec<(usize, &OwnerKey)> =
                        versions.iter().map(|(r, s)| (*r, &s.owner)).collect();
                    self.check_owner("structure", key, &owners);
                    let infos: Versions<&StructureInfo> =
                        versions.iter().map(|(r, s)| (*r, s.info)).collect();
                    let mut merged = self.structure(key_id(key), &infos);
                    merged.enumerations =
                        take(&mut enumerations_of, &OwnerKey::Structure(key.clone()));
                    structures_of
                        .entry(versions[0].1.owner.clone())
                        .or_default()
                        .push((key_id(key).to_owned(), merged));
                }
                (enumerations_of, structures_of)
            },
        );
        self.report.absorb(service_merger.report);
        let mut services_of: BTreeMap<String, Vec<(String, ServiceInfo)>> = BTreeMap::new();
        for (id, package, mut merged) in merged_services {
            let owner = OwnerKey::Service(id.clone());
            merged.structures = take(&mut structures_of, &owner);
            merged.enumerations = take(&mut enumerations_of, &owner);
            services_of.entry(package).or_default().push((id, merged));
        }
        let mut packages_of: BTreeMap<String, Vec<(String, PackageInfo)>> = BTreeMap::new();
        for (id, versions) in packages.iter() {
            let newest = versions[0].1;
            let components: BTreeSet<&str> =
                versions.iter().map(|(_, p)| p.component.as_str()).collect();
            if components.len() > 1 {
                let owners: Vec<(usize, OwnerKey)> = versions
                    .iter()
                    .map(|(r, p)| (*r, OwnerKey::Package(p.component.clone())))
                    .collect();
                let owners: Vec<(usize, &OwnerKey)> = owners.iter().map(|(r, o)| (*r, o)).collect();
                self.check_owner("package", id, &owners);
            }
            let owner = OwnerKey::Package(id.clone());
            let merged = PackageInfo {
                name: newest.info.name.clone(),
                structures: take(&mut structures_of, &owner),
                enumerations: take(&mut enumerations_of, &owner),
                services: take(&mut services_of, id),
                metadata: newest.info.metadata.clone(),
                documentation: newest.info.documentation.clone(),
                releases: self.present(versions),
            };
            packages_of
                .entry(newest.component.clone())
                .or_default()
                .push((id.clone(), merged));
        }
        components
            .iter()
            .map(|(name, versions)| {
                let newest = versions[0].1;
                ComponentData {
                    info: ComponentInfo {
                        name: name.clone(),
                        packages: take(&mut packages_of, name),
                        metadata: newest.info.metadata.clone(),
                        documentation: newest.info.documentation.clone(),
                    },
                    fingerprint: newest.fingerprint.clone(),
                }
            })
            .collect()
    }

    /// Reports an element whose owner differs between releases (rule 4);
    /// the newest owner keeps it.
    fn check_owner(&mut self, kind: &str, key: &str, owners: &[(usize, &OwnerKey)]) {
        let distinct: BTreeSet<&OwnerKey> = owners.iter().map(|(_, o)| *o).collect();
        if distinct.len() < 2 {
            return;
        }
        let definitions = self.definitions(owners.iter().map(|(r, o)| {
            let text = if kind == "package" {
                match o {
                    OwnerKey::Package(component) => format!("component {component}"),
                    other => other.describe(),
                }
            } else {
                o.describe()
            };
            (*r, text)
        }));
        self.report.conflict(
            ConflictKind::Moved,
            format!("{kind} {}", key_id(key)),
            self.newest_wins(owners.first().map(|(r, _)| *r)),
            definitions,
        );
    }
}

/// The children gathered for `owner`, removed from `map`.
fn take<K: Ord, T>(map: &mut BTreeMap<K, Vec<(String, T)>>, owner: &K) -> WireMap<T> {
    WireMap(map.remove(owner).unwrap_or_default())
}
