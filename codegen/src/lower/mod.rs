//! Lowering: wire model → IR. Merges components, resolves every reference,
//! chooses every name, computes every route, and reports everything inconsistent.
//!
//! Building does not stop at the first problem: every problem found is
//! collected (with the element it concerns) and returned together, so one
//! run shows everything wrong with a snapshot.

mod calls;
mod idempotency;
pub(crate) mod ids;
mod layout;
pub(crate) mod types;
mod unions;
mod zeros;

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Problem, Problems};
use crate::ir::{
    Constant, Doc, EnumValue, Enumeration, ErrorRef, Field, Lifecycle, Model, Operation, Owner,
    Package, Releases, RustPath, Service, Structure, StructureKind, TaskKind, Union,
};
use crate::wire::{self, ComponentData, StructureType};
use crate::{docs, features, names, rest};

use layout::{ItemKind, Placed};
use types::Known;

pub use layout::{VMWARE_PREFIX, last_segment, package_module};

/// Builds and validates the model of the given components.
pub fn build_model(components: &[ComponentData]) -> Result<Model, Error> {
    let mut problems = Vec::new();
    let index = Index::collect(components, &mut problems);
    let mut model = Builder::new(&index, &mut problems).build();
    inherit_task_lifecycles(&mut model);
    docs::refine::refine(&mut model);
    unions::lower(&mut model);
    zeros::decide(&mut model);
    features::assign(&mut model);
    if problems.is_empty() {
        Ok(model)
    } else {
        problems.sort();
        problems.dedup();
        Err(Error::Model(Problems(problems)))
    }
}

/// A task variant (`clone$task`) without lifecycle data of its own has its
/// synchronous twin's: the twin's documentation states it for both.
fn inherit_task_lifecycles(model: &mut Model) {
    for service in model.services.values_mut() {
        let twins: BTreeMap<String, crate::ir::Lifecycle> = service
            .operations
            .iter()
            .map(|op| (op.id.clone(), op.lifecycle.clone()))
            .collect();
        for op in &mut service.operations {
            let TaskKind::TaskVariantOf(sync) = &op.task else {
                continue;
            };
            let Some(twin) = twins.get(sync) else {
                continue;
            };
            if op.lifecycle.since.is_none() {
                op.lifecycle.since = twin.since.clone();
            }
            if op.lifecycle.deprecated.is_none() {
                op.lifecycle.deprecated = twin.deprecated.clone();
            }
        }
    }
}

/// Decides which required fields of a model built by hand decode a missing
/// value as its zero (lowering does this itself), as `lower::zeros`
/// describes.
pub fn decide_zeros(model: &mut Model) {
    zeros::decide(model);
}

/// The type names of the services, structures and enumerations placed in
/// each module, for the names chosen after placement.
pub(crate) fn placed_type_names(model: &Model) -> BTreeMap<Vec<String>, BTreeSet<String>> {
    let mut taken: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for path in model
        .services
        .values()
        .map(|s| &s.path)
        .chain(model.structures.values().map(|s| &s.path))
        .chain(model.enumerations.values().map(|e| &e.path))
    {
        taken
            .entry(path.module.clone())
            .or_default()
            .insert(path.name.clone());
    }
    taken
}

/// Decides the call shape, static and helper names of every operation of a
/// model built by hand (lowering does this itself), as
/// `lower::calls` describes; problems are returned.
pub fn shape_calls(model: &mut Model) -> Vec<Problem> {
    let mut taken = placed_type_names(model);
    let mut problems = Vec::new();
    for service in model.services.values_mut() {
        let module = service.nested_module.clone();
        let names = taken.entry(module.clone()).or_default();
        let constants = service
            .constants
            .iter()
            .map(|constant| constant.rust_name.clone())
            .collect();
        calls::shape(
            &service.id,
            &module,
            &mut service.operations,
            &constants,
            names,
            &mut problems,
        );
    }
    problems
}

/// Where an element was declared, for duplicate reports.
fn origin(component: &str, owner: &str) -> String {
    format!("component {component}, {owner}")
}

struct PackageEntry<'a> {
    infos: Vec<&'a wire::PackageInfo>,
}

struct ServiceEntry<'a> {
    package: String,
    info: &'a wire::ServiceInfo,
}

struct StructureEntry<'a> {
    owner: Owner,
    info: &'a wire::StructureInfo,
}

struct EnumerationEntry<'a> {
    owner: Owner,
    info: &'a wire::EnumerationInfo,
}

/// The structures and enumerations of an index, handed out one at a time
/// to the threads that lower them.
struct TypeQueue<'i, 'a> {
    structures: Vec<(&'i String, &'i StructureEntry<'a>)>,
    enumerations: Vec<(&'i String, &'i EnumerationEntry<'a>)>,
    next: std::sync::atomic::AtomicUsize,
}

/// The types one thread lowered.
#[derive(Default)]
struct LoweredTypes {
    structures: BTreeMap<String, Structure>,
    enumerations: BTreeMap<String, Enumeration>,
}

impl<'i, 'a> TypeQueue<'i, 'a> {
    fn new(index: &'i Index<'a>) -> Self {
        TypeQueue {
            structures: index.structures.iter().collect(),
            enumerations: index.enumerations.iter().collect(),
            next: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Lowers with `builder` every type no other thread has taken.
    fn drain(&self, builder: &mut Builder<'_, '_, '_>, out: &mut LoweredTypes) {
        loop {
            let taken = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let Some((id, entry)) = self.structures.get(taken) {
                out.structures
                    .insert((*id).clone(), builder.structure(id, entry));
            } else if let Some((id, entry)) = self.enumerations.get(taken - self.structures.len()) {
                out.enumerations
                    .insert((*id).clone(), builder.enumeration(id, entry));
            } else {
                break;
            }
        }
    }
}

/// Every element of every component, by identifier, in declaration order
/// within each owner.
#[derive(Default)]
struct Index<'a> {
    packages: BTreeMap<String, PackageEntry<'a>>,
    services: BTreeMap<String, ServiceEntry<'a>>,
    structures: BTreeMap<String, StructureEntry<'a>>,
    enumerations: BTreeMap<String, EnumerationEntry<'a>>,
    /// Declaration order of the children of each package, service and
    /// structure: (owner id, kind) → child ids.
    children: BTreeMap<(String, ItemKind), Vec<String>>,
    /// Every declaration of each identifier: (namespace, wire id) →
    /// (IR key, owner, where). Structures and errors share a namespace.
    seen: BTreeMap<(Namespace, String), Vec<Declaration>>,
}

/// One declaration of an identifier: its model key, its owner (none for
/// services) and where it was declared.
type Declaration = (String, Option<Owner>, String);

/// Identifier namespaces: a type reference names a structure (or error)
/// or an enumeration; services are never referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Namespace {
    Service,
    Structure,
    Enumeration,
}

fn namespace(kind: ItemKind) -> Namespace {
    match kind {
        ItemKind::Service => Namespace::Service,
        ItemKind::Structure | ItemKind::Error => Namespace::Structure,
        ItemKind::Enumeration => Namespace::Enumeration,
    }
}

impl<'a> Index<'a> {
    fn collect(components: &'a [ComponentData], problems: &mut Vec<Problem>) -> Self {
        let mut index = Index::default();
        for component in components {
            let component_name = component.info.name.as_str();
            for (package_id, package) in component.info.packages.iter() {
                // A package may span components; its elements may not.
                index
                    .packages
                    .entry(package_id.to_owned())
                    .or_insert_with(|| PackageEntry { infos: Vec::new() })
                    .infos
                    .push(package);
                let in_package = origin(component_name, &format!("package {package_id}"));
                let owner = Owner::Package(package_id.to_owned());
                for (id, info) in package.structures.iter() {
                    index.add_structure(id, &owner, info, &in_package, problems);
                }
                for (id, info) in package.enumerations.iter() {
                    index.add_enumeration(id, &owner, info, &in_package, problems);
                }
                for (service_id, service) in package.services.iter() {
                    if index
                        .claim(ItemKind::Service, service_id, None, &in_package, problems)
                        .is_none()
                    {
                        continue;
                    }
                    index.child(package_id, ItemKind::Service, service_id);
                    index.services.insert(
                        service_id.to_owned(),
                        ServiceEntry {
                            package: package_id.to_owned(),
                            info: service,
                        },
                    );
                    let in_service = origin(component_name, &format!("service {service_id}"));
                    let owner = Owner::Service(service_id.to_owned());
                    for (id, info) in service.structures.iter() {
                        index.add_structure(id, &owner, info, &in_service, problems);
                    }
                    for (id, info) in service.enumerations.iter() {
                        index.add_enumeration(id, &owner, info, &in_service, problems);
                    }
                }
            }
        }
        index
    }

    /// Records a declaration of `id` and returns the key it gets in the
    /// model, or `None` (and a problem) for a true duplicate.
    ///
    /// VMware's metamodel declares a few identifiers twice under different
    /// owners (`com.vmware.vcenter.deployment.info` is both a structure of
    /// the service `com.vmware.vcenter.deployment` and one of the package
    /// `com.vmware.vcenter.deployment`, with different fields). Such a later
    /// declaration is kept under the key `<id>#2` (`#3`, ...; `#` never
    /// occurs in vAPI identifiers), and references resolve to the
    /// declaration in the referencing element's scope (see
    /// [`types::Known`]). A second declaration by the same owner (a package
    /// split over components declaring it again), or a service declared
    /// twice, is an error.
    fn claim(
        &mut self,
        kind: ItemKind,
        id: &str,
        owner: Option<&Owner>,
        at: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<String> {
        let declarations = self
            .seen
            .entry((namespace(kind), id.to_owned()))
            .or_default();
        let same_owner = declarations
            .iter()
            .find(|(_, o, _)| owner.is_none() || o.as_ref() == owner);
        if let Some((_, _, first)) = same_owner {
            problems.push(Problem::new(
                format!("{} {id}", kind.describe()),
                format!("duplicate identifier: declared in {first} and in {at}"),
            ));
            return None;
        }
        let key = if declarations.is_empty() {
            id.to_owned()
        } else {
            format!("{id}#{}", declarations.len() + 1)
        };
        declarations.push((key.clone(), owner.cloned(), at.to_owned()));
        Some(key)
    }

    /// Identifiers declared more than once: wire id → (key, owner) of each
    /// declaration.
    fn ambiguous(&self, ns: Namespace) -> BTreeMap<String, Vec<(String, Owner)>> {
        self.seen
            .iter()
            .filter(|((n, _), declarations)| *n == ns && declarations.len() > 1)
            .map(|((_, id), declarations)| {
                let keyed = declarations
                    .iter()
                    .filter_map(|(key, owner, _)| Some((key.clone(), owner.clone()?)))
                    .collect();
                (id.clone(), keyed)
            })
            .collect()
    }

    fn child(&mut self, owner: &str, kind: ItemKind, id: &str) {
        self.children
            .entry((owner.to_owned(), kind))
            .or_default()
            .push(id.to_owned());
    }

    fn children(&self, owner: &str, kind: ItemKind) -> Vec<String> {
        self.children
            .get(&(owner.to_owned(), kind))
            .cloned()
            .unwrap_or_default()
    }

    fn add_structure(
        &mut self,
        id: &str,
        owner: &Owner,
        info: &'a wire::StructureInfo,
        at: &str,
        problems: &mut Vec<Problem>,
    ) {
        let kind = structure_kind(info);
        let Some(key) = self.claim(kind, id, Some(owner), at, problems) else {
            return;
        };
        let id = key.as_str();
        self.child(owner_id(owner), kind, id);
        self.structures.insert(
            id.to_owned(),
            StructureEntry {
                owner: owner.clone(),
                info,
            },
        );
        let in_structure = format!("{at}, structure {id}");
        let nested_owner = Owner::Structure(id.to_owned());
        for (enum_id, enumeration) in info.enumerations.iter() {
            self.add_enumeration(enum_id, &nested_owner, enumeration, &in_structure, problems);
        }
    }

    fn add_enumeration(
        &mut self,
        id: &str,
        owner: &Owner,
        info: &'a wire::EnumerationInfo,
        at: &str,
        problems: &mut Vec<Problem>,
    ) {
        let Some(key) = self.claim(ItemKind::Enumeration, id, Some(owner), at, problems) else {
            return;
        };
        let id = key.as_str();
        self.child(owner_id(owner), ItemKind::Enumeration, id);
        self.enumerations.insert(
            id.to_owned(),
            EnumerationEntry {
                owner: owner.clone(),
                info,
            },
        );
    }
}

/// The metamodel identifier of a model key (`x.info#2` → `x.info`).
pub fn wire_id(key: &str) -> &str {
    key.split('#').next().unwrap_or(key)
}

/// The Rust type name of a service, structure or enumeration id: its last
/// segment, qualified by its owners when it would shadow a prelude or
/// crate-root name (see `names`).
fn type_name_of(id: &str) -> String {
    let id = wire_id(id);
    let mut segments: Vec<&str> = id.split('.').collect();
    let last = segments.pop().unwrap_or(id);
    segments.reverse();
    names::unshadowed_type_name(names::type_name(last), &segments)
}

fn structure_kind(info: &wire::StructureInfo) -> ItemKind {
    match info.kind {
        StructureType::Error => ItemKind::Error,
        _ => ItemKind::Structure,
    }
}

fn owner_id(owner: &Owner) -> &str {
    match owner {
        Owner::Package(id) | Owner::Service(id) | Owner::Structure(id) => id,
    }
}

/// An element's documentation and the lifecycle its text and metadata state.
fn doc(documentation: &str, lifecycle: Option<&wire::LifecycleInfo>) -> (Doc, Lifecycle) {
    docs::element_doc(documentation, lifecycle.is_some_and(|l| l.deprecated))
}

/// Whether `Resource` metadata names the resource type through a sibling
/// field (`resource_type_field_name`) instead of listing it.
fn has_type_holder(metadata: &wire::Metadata) -> bool {
    metadata
        .get("Resource")
        .is_some_and(|resource| resource.string("typeHolder").is_some())
}

/// `Resource` metadata: the resource types an identifier refers to.
fn resource_types(metadata: &wire::Metadata) -> Vec<String> {
    metadata
        .get("Resource")
        .map(|resource| {
            resource
                .strings("value")
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

struct Builder<'i, 'a, 'p> {
    index: &'i Index<'a>,
    problems: &'p mut Vec<Problem>,
    structure_ids: BTreeSet<String>,
    enumeration_ids: BTreeSet<String>,
    ambiguous_structures: BTreeMap<String, Vec<(String, Owner)>>,
    ambiguous_enumerations: BTreeMap<String, Vec<(String, Owner)>>,
    /// Final paths of services, structures and enumerations.
    paths: BTreeMap<(ItemKind, String), RustPath>,
    nested_modules: BTreeMap<String, Vec<String>>,
    /// Type names taken in each module, for names chosen after placement
    /// (request builders, argument structures).
    module_types: BTreeMap<Vec<String>, BTreeSet<String>>,
    /// Resource type spellings by identifier key, and use counts.
    resource_spellings: BTreeMap<String, BTreeSet<String>>,
    resource_uses: BTreeMap<String, usize>,
}

impl<'i, 'a, 'p> Builder<'i, 'a, 'p> {
    fn new(index: &'i Index<'a>, problems: &'p mut Vec<Problem>) -> Self {
        Builder {
            index,
            problems,
            structure_ids: index.structures.keys().cloned().collect(),
            enumeration_ids: index.enumerations.keys().cloned().collect(),
            ambiguous_structures: index.ambiguous(Namespace::Structure),
            ambiguous_enumerations: index.ambiguous(Namespace::Enumeration),
            paths: BTreeMap::new(),
            nested_modules: BTreeMap::new(),
            module_types: BTreeMap::new(),
            resource_spellings: BTreeMap::new(),
            resource_uses: BTreeMap::new(),
        }
    }

    fn build(mut self) -> Model {
        self.place_items();
        let mut model = Model::default();
        for (id, entry) in &self.index.packages {
            let package = self.package(id, entry);
            model.packages.insert(id.clone(), package);
        }
        // Services and types are lowered on two threads: this one lowers the
        // services, then helps with the types (about twice the work), each
        // thread taking the next type not yet taken. Types read only what
        // placement decided, and what both record (problems, identifier
        // spellings and uses) is merged after, independently of order.
        let mut type_problems = Vec::new();
        let mut types = Builder {
            index: self.index,
            problems: &mut type_problems,
            structure_ids: self.structure_ids.clone(),
            enumeration_ids: self.enumeration_ids.clone(),
            ambiguous_structures: self.ambiguous_structures.clone(),
            ambiguous_enumerations: self.ambiguous_enumerations.clone(),
            paths: self.paths.clone(),
            nested_modules: self.nested_modules.clone(),
            module_types: BTreeMap::new(),
            resource_spellings: BTreeMap::new(),
            resource_uses: BTreeMap::new(),
        };
        let queue = TypeQueue::new(self.index);
        let (mut lowered, mut helped) = crate::parallel::join(
            || {
                let mut lowered = LoweredTypes::default();
                queue.drain(&mut types, &mut lowered);
                lowered
            },
            || {
                for (id, entry) in &self.index.services {
                    let service = self.service(id, entry);
                    model.services.insert(id.clone(), service);
                }
                let mut lowered = LoweredTypes::default();
                queue.drain(&mut self, &mut lowered);
                lowered
            },
        );
        lowered.structures.append(&mut helped.structures);
        lowered.enumerations.append(&mut helped.enumerations);
        let LoweredTypes {
            structures,
            enumerations,
        } = lowered;
        model.structures = structures;
        model.enumerations = enumerations;
        for (key, spellings) in types.resource_spellings {
            self.resource_spellings
                .entry(key)
                .or_default()
                .extend(spellings);
        }
        for (key, uses) in types.resource_uses {
            *self.resource_uses.entry(key).or_default() += uses;
        }
        self.problems.append(&mut type_problems);
        model.resource_ids = ids::plan(&self.resource_spellings, &self.resource_uses);
        model
    }

    /// Types the identifier positions of `ty` after the position's
    /// `Resource` metadata (see [`ids`]), counting each typed position.
    fn typed_ids(
        &mut self,
        ty: crate::ir::TypeRef,
        metadata: &wire::Metadata,
    ) -> crate::ir::TypeRef {
        let spelled = resource_types(metadata);
        let resources = ids::Resources::of(&spelled, has_type_holder(metadata));
        let Some(typed) = ids::apply(&ty, &resources) else {
            return ty;
        };
        if let ids::Resources::One(key) = &resources {
            self.resource_spellings
                .entry(key.clone())
                .or_default()
                .extend(spelled);
            *self.resource_uses.entry(key.clone()).or_default() += 1;
        }
        typed
    }

    /// Resolves a type referenced from within `scope` (innermost first),
    /// recording a problem at `location` if it cannot be.
    fn resolve(
        &mut self,
        ty: &wire::Type,
        scope: &[Owner],
        location: impl FnOnce() -> String,
    ) -> crate::ir::TypeRef {
        let known = Known {
            structures: &self.structure_ids,
            enumerations: &self.enumeration_ids,
            ambiguous_structures: &self.ambiguous_structures,
            ambiguous_enumerations: &self.ambiguous_enumerations,
            scope,
        };
        types::resolve_or_record(ty, &known, location, self.problems)
    }

    /// `owner` and the scopes enclosing it, innermost first.
    fn scope(&self, owner: Owner) -> Vec<Owner> {
        let mut scope = vec![owner];
        while scope.len() < 16 {
            let next = match scope.last() {
                Some(Owner::Structure(id)) => {
                    self.index.structures.get(id).map(|e| e.owner.clone())
                }
                Some(Owner::Service(id)) => self
                    .index
                    .services
                    .get(id)
                    .map(|e| Owner::Package(e.package.clone())),
                _ => None,
            };
            match next {
                Some(next) => scope.push(next),
                None => break,
            }
        }
        scope
    }

    /// Module of the items owned by `owner`.
    fn owner_module(&mut self, owner: &Owner) -> Vec<String> {
        match owner {
            Owner::Package(id) => package_module(id),
            Owner::Service(id) => self.service_nested_module(id),
            Owner::Structure(id) => {
                if let Some(module) = self.nested_modules.get(id) {
                    return module.clone();
                }
                let parent = match self.index.structures.get(id) {
                    Some(entry) => {
                        let owner = entry.owner.clone();
                        self.owner_module(&owner)
                    }
                    None => Vec::new(),
                };
                let module = layout::child_module(&parent, id);
                self.nested_modules.insert(id.clone(), module.clone());
                module
            }
        }
    }

    fn service_nested_module(&self, service_id: &str) -> Vec<String> {
        let package = self
            .index
            .services
            .get(service_id)
            .map(|s| s.package.as_str())
            .unwrap_or_default();
        layout::child_module(&package_module(package), service_id)
    }

    /// Chooses module and name of every type-namespace item.
    fn place_items(&mut self) {
        let mut placed = Vec::new();
        for (id, entry) in &self.index.services {
            placed.push(Placed {
                kind: ItemKind::Service,
                id: id.clone(),
                path: RustPath {
                    module: package_module(&entry.package),
                    name: type_name_of(id),
                },
            });
        }
        let structures: Vec<(String, Owner, ItemKind)> = self
            .index
            .structures
            .iter()
            .map(|(id, e)| (id.clone(), e.owner.clone(), structure_kind(e.info)))
            .collect();
        for (id, owner, kind) in structures {
            let module = self.owner_module(&owner);
            placed.push(Placed {
                kind,
                id: id.clone(),
                path: RustPath {
                    module,
                    name: type_name_of(&id),
                },
            });
        }
        let enumerations: Vec<(String, Owner)> = self
            .index
            .enumerations
            .iter()
            .map(|(id, e)| (id.clone(), e.owner.clone()))
            .collect();
        for (id, owner) in enumerations {
            let module = self.owner_module(&owner);
            placed.push(Placed {
                kind: ItemKind::Enumeration,
                id: id.clone(),
                path: RustPath {
                    module,
                    name: type_name_of(&id),
                },
            });
        }
        layout::resolve_collisions(&mut placed, self.problems);
        for item in &placed {
            self.module_types
                .entry(item.path.module.clone())
                .or_default()
                .insert(item.path.name.clone());
        }
        for item in placed {
            let kind = if item.kind == ItemKind::Error {
                ItemKind::Structure
            } else {
                item.kind
            };
            self.paths.insert((kind, item.id), item.path);
        }
    }

    fn path(&self, kind: ItemKind, id: &str) -> RustPath {
        self.paths
            .get(&(kind, id.to_owned()))
            .cloned()
            .unwrap_or_default()
    }

    fn package(&self, id: &str, entry: &PackageEntry<'_>) -> Package {
        let documentation = entry
            .infos
            .iter()
            .map(|info| info.documentation.as_str())
            .find(|d| !d.trim().is_empty())
            .unwrap_or_default();
        let direct = |kind| -> Vec<String> { self.index.children(id, kind) };
        let mut structures = direct(ItemKind::Structure);
        structures.extend(direct(ItemKind::Error));
        structures.retain(|s| {
            matches!(
                self.index.structures.get(s).map(|e| &e.owner),
                Some(Owner::Package(_))
            )
        });
        Package {
            id: id.to_owned(),
            doc: doc(documentation, None).0,
            feature: String::new(),
            module: package_module(id),
            services: direct(ItemKind::Service),
            structures,
            enumerations: direct(ItemKind::Enumeration),
        }
    }

    fn service(&mut self, id: &str, entry: &ServiceEntry<'_>) -> Service {
        let info = entry.info;
        let scope = self.scope(Owner::Service(id.to_owned()));
        let operation_ids: BTreeSet<&str> = info.operations.keys().collect();
        // Synchronous operations choose method names first, so `get_task`
        // declared by the API keeps its name over `get$task`'s.
        let mut order: Vec<usize> = (0..info.operations.len()).collect();
        order.sort_by_key(|&i| info.operations.0[i].0.ends_with(names::TASK_SUFFIX));
        let service_name = last_segment(wire_id(id));
        let candidates: Vec<String> = order
            .iter()
            .map(|&i| names::method_name(&info.operations.0[i].0, service_name))
            .collect();
        let chosen = names::dedupe(&candidates, &mut BTreeSet::new(), true);
        let mut method_names = vec![String::new(); info.operations.len()];
        for (slot, name) in order.into_iter().zip(chosen) {
            method_names[slot] = name;
        }
        let mut operations = Vec::with_capacity(info.operations.len());
        for ((op_id, op), rust_name) in info.operations.iter().zip(method_names) {
            let location = format!("{id}.{op_id}");
            let sync_id = op_id.strip_suffix(names::TASK_SUFFIX);
            let task = match sync_id {
                Some(sync) if operation_ids.contains(sync) => {
                    TaskKind::TaskVariantOf(sync.to_owned())
                }
                Some(_) => TaskKind::TaskOnly,
                None => TaskKind::None,
            };
            let sync_metadata = sync_id
                .and_then(|sync| info.operations.get(sync))
                .map(|sync| &sync.metadata);
            let routes = rest::routes(&rest::OperationRef {
                service_id: id,
                operation_id: op_id,
                metadata: &op.metadata,
                params: &op.params,
                sync_metadata,
            });
            let params = self.fields(&location, "param", &op.params, &scope, None);
            let output = self.resolve(&op.output.ty, &scope, || format!("{location} output"));
            let output = self.typed_ids(output, &op.output.metadata);
            let task_result = self.recorded_task_result(&location, op, &task, &scope);
            let errors = op
                .errors
                .iter()
                .map(|error| {
                    self.check_error_ref(&location, &error.structure_id);
                    ErrorRef {
                        structure_id: error.structure_id.clone(),
                        doc: docs::text_doc(&error.documentation),
                    }
                })
                .collect();
            let (op_doc, op_lifecycle) = doc(&op.documentation, op.lifecycle.as_ref());
            let (api, api_missing_reason) = split(routes.api);
            let (rest, rest_missing_reason) = split(routes.rest);
            let idempotency = idempotency::decide(&params, api.as_ref(), rest.as_ref());
            operations.push(Operation {
                id: op_id.to_owned(),
                static_name: String::new(),
                handle_const: String::new(),
                call: Default::default(),
                wait_name: None,
                rust_name,
                doc: op_doc,
                lifecycle: op_lifecycle,
                params,
                output,
                output_doc: docs::text_doc(&op.output.documentation),
                errors,
                task,
                task_result,
                api,
                rest,
                api_missing_reason,
                rest_missing_reason,
                releases: releases(&op.releases),
                idempotency,
            });
        }
        self.twin_task_results(id, &mut operations);
        let nested_module = self.service_nested_module(id);
        let constants = self.constants(id, &info.constants, &scope);
        let (service_doc, lifecycle) = doc(&info.documentation, info.lifecycle.as_ref());
        let constant_names = constants.iter().map(|c| c.rust_name.clone()).collect();
        let taken = self.module_types.entry(nested_module.clone()).or_default();
        calls::shape(
            id,
            &nested_module,
            &mut operations,
            &constant_names,
            taken,
            self.problems,
        );
        Service {
            id: id.to_owned(),
            package: entry.package.clone(),
            doc: service_doc,
            lifecycle,
            path: self.path(ItemKind::Service, id),
            nested_module: self.service_nested_module(id),
            operations,
            structures: self.index.children(id, ItemKind::Structure),
            enumerations: self.index.children(id, ItemKind::Enumeration),
            constants,
            feature: String::new(),
            releases: releases(&info.releases),
        }
    }

    /// The result type an operation's `TaskResult` output metadata records,
    /// resolved like any type reference; `None` when absent or invalid (the
    /// problem is recorded).
    fn recorded_task_result(
        &mut self,
        location: &str,
        op: &wire::OperationInfo,
        task: &TaskKind,
        scope: &[Owner],
    ) -> Option<crate::ir::TypeRef> {
        let map = op.output.metadata.get(types::TASK_RESULT)?;
        let where_ = || format!("{location} output metadata {}", types::TASK_RESULT);
        if *task == TaskKind::None {
            self.problems.push(Problem::new(
                where_(),
                format!(
                    "only `{}` operations have a task result",
                    names::TASK_SUFFIX
                ),
            ));
            return None;
        }
        let known = Known {
            structures: &self.structure_ids,
            enumerations: &self.enumeration_ids,
            ambiguous_structures: &self.ambiguous_structures,
            ambiguous_enumerations: &self.ambiguous_enumerations,
            scope,
        };
        match types::task_result_type(map).and_then(|ty| types::resolve(&ty, &known)) {
            Ok(resolved) => Some(resolved),
            Err(message) => {
                self.problems.push(Problem::new(where_(), message));
                None
            }
        }
    }

    /// Task variants whose snapshot records no result type (live dumps) get
    /// their synchronous twin's output; a recorded one must agree with it.
    fn twin_task_results(&mut self, service_id: &str, operations: &mut [Operation]) {
        let outputs: BTreeMap<String, crate::ir::TypeRef> = operations
            .iter()
            .filter(|op| op.task == TaskKind::None)
            .map(|op| (op.id.clone(), op.output.clone()))
            .collect();
        for op in operations.iter_mut() {
            let TaskKind::TaskVariantOf(sync) = &op.task else {
                continue;
            };
            let Some(twin_output) = outputs.get(sync) else {
                continue;
            };
            match &op.task_result {
                None => op.task_result = Some(twin_output.clone()),
                // The recorded result carries no `Resource` metadata; the
                // twin's output says what the identifier is.
                Some(recorded) if ids::erase(recorded) == ids::erase(twin_output) => {
                    op.task_result = Some(twin_output.clone())
                }
                Some(recorded) if recorded != twin_output => self.problems.push(Problem::new(
                    format!(
                        "{service_id}.{} output metadata {}",
                        op.id,
                        types::TASK_RESULT
                    ),
                    format!(
                        "task result {} differs from the output {} of `{sync}`",
                        types::describe(recorded),
                        types::describe(twin_output)
                    ),
                )),
                Some(_) => {}
            }
        }
    }

    fn check_error_ref(&mut self, location: &str, structure_id: &str) {
        match self.index.structures.get(structure_id) {
            None => self.problems.push(Problem::new(
                format!("{location} error {structure_id}"),
                format!("unknown error {structure_id}"),
            )),
            Some(entry) if entry.info.kind != StructureType::Error => {
                self.problems.push(Problem::new(
                    format!("{location} error {structure_id}"),
                    format!(
                        "{structure_id} is a {} structure, not an error",
                        entry.info.kind
                    ),
                ))
            }
            Some(_) => {}
        }
    }

    /// Fields or parameters: resolved types, unique Rust names.
    fn fields(
        &mut self,
        owner: &str,
        what: &str,
        infos: &[wire::FieldInfo],
        scope: &[Owner],
        unions: Option<&mut Vec<Union>>,
    ) -> Vec<Field> {
        let mut seen = BTreeSet::new();
        for info in infos {
            if !seen.insert(info.name.as_str()) {
                self.problems.push(Problem::new(
                    format!("{owner} {what} {}", info.name),
                    format!("duplicate {what} name"),
                ));
            }
        }
        let candidates: Vec<String> = infos.iter().map(|f| names::field_name(&f.name)).collect();
        let rust_names = names::dedupe(&candidates, &mut BTreeSet::new(), true);
        let mut fields = Vec::with_capacity(infos.len());
        for (info, rust_name) in infos.iter().zip(rust_names) {
            let ty = self.resolve(&info.ty, scope, || format!("{owner} {what} {}", info.name));
            let ty = self.typed_ids(ty, &info.metadata);
            let union_case = info.metadata.get("UnionCase").map(|case| {
                let tag = case.string("tag").unwrap_or_default().to_owned();
                let values: Vec<String> = case
                    .strings("value")
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                (tag, values)
            });
            let (field_doc, lifecycle) = doc(&info.documentation, info.lifecycle.as_ref());
            fields.push(Field {
                name: info.name.clone(),
                rust_name,
                ty,
                doc: field_doc,
                lifecycle,
                resource_types: resource_types(&info.metadata),
                union_case,
                zero_if_missing: false,
                releases: releases(&info.releases),
            });
        }
        if let Some(unions) = unions {
            for info in infos.iter().filter(|f| f.metadata.contains_key("UnionTag")) {
                unions.push(Union {
                    tag_field: info.name.clone(),
                    cases: BTreeMap::new(),
                    rust: None,
                });
            }
            for field in &fields {
                let Some((tag, values)) = &field.union_case else {
                    continue;
                };
                if !infos.iter().any(|f| f.name == *tag) {
                    self.problems.push(Problem::new(
                        format!("{owner} {what} {}", field.name),
                        format!("union case of tag `{tag}`, which is not a field of the structure"),
                    ));
                    continue;
                }
                let index = match unions.iter().position(|u| u.tag_field == *tag) {
                    Some(index) => index,
                    None => {
                        unions.push(Union {
                            tag_field: tag.clone(),
                            cases: BTreeMap::new(),
                            rust: None,
                        });
                        unions.len() - 1
                    }
                };
                for value in values {
                    unions[index]
                        .cases
                        .entry(value.clone())
                        .or_default()
                        .push(field.name.clone());
                }
            }
        }
        fields
    }

    fn constants(
        &mut self,
        owner: &str,
        infos: &wire::WireMap<wire::ConstantInfo>,
        scope: &[Owner],
    ) -> Vec<Constant> {
        let candidates: Vec<String> = infos.keys().map(names::constant_name).collect();
        let rust_names = names::dedupe(&candidates, &mut BTreeSet::new(), true);
        let mut constants = Vec::with_capacity(infos.len());
        for ((name, info), rust_name) in infos.iter().zip(rust_names) {
            let location = format!("{owner} constant {name}");
            let ty = self.resolve(&info.ty, scope, || location.clone());
            let value = match types::constant_value(&info.value) {
                Ok(value) => value,
                Err(message) => {
                    self.problems.push(Problem::new(location, message));
                    continue;
                }
            };
            constants.push(Constant {
                name: name.to_owned(),
                rust_name,
                ty,
                value,
                doc: doc(&info.documentation, info.lifecycle.as_ref()).0,
            });
        }
        constants
    }

    fn structure(&mut self, id: &str, entry: &StructureEntry<'_>) -> Structure {
        let info = entry.info;
        let mut unions = Vec::new();
        let scope = self.scope(Owner::Structure(id.to_owned()));
        let fields = self.fields(id, "field", &info.fields, &scope, Some(&mut unions));
        let constants = self.constants(id, &info.constants, &scope);
        let (structure_doc, lifecycle) = doc(&info.documentation, info.lifecycle.as_ref());
        Structure {
            id: id.to_owned(),
            kind: match info.kind {
                StructureType::Error => StructureKind::Error,
                StructureType::Structure => StructureKind::Structure,
                StructureType::Unknown(ref other) => {
                    self.problems.push(Problem::new(
                        format!("structure {id}"),
                        format!("unknown structure type `{other}`"),
                    ));
                    StructureKind::Structure
                }
            },
            owner: entry.owner.clone(),
            doc: structure_doc,
            lifecycle,
            path: self.path(ItemKind::Structure, id),
            fields,
            unions,
            constants,
            enumerations: self.index.children(id, ItemKind::Enumeration),
            feature: String::new(),
            zero: false,
            releases: releases(&info.releases),
        }
    }

    fn enumeration(&mut self, id: &str, entry: &EnumerationEntry<'_>) -> Enumeration {
        let info = entry.info;
        let mut seen = BTreeSet::new();
        for value in &info.values {
            if !seen.insert(value.value.as_str()) {
                self.problems.push(Problem::new(
                    format!("enumeration {id} value {}", value.value),
                    "duplicate enumeration value",
                ));
            }
        }
        let variants = names::variant_names(info.values.iter().map(|v| v.value.as_str()));
        let unknown_variant = names::UNKNOWN_VARIANT.to_owned();
        let values = info
            .values
            .iter()
            .zip(variants)
            .map(|(value, rust_name)| {
                let (value_doc, lifecycle) = doc(&value.documentation, value.lifecycle.as_ref());
                EnumValue {
                    wire: value.value.clone(),
                    rust_name,
                    doc: value_doc,
                    lifecycle,
                    releases: releases(&value.releases),
                }
            })
            .collect();
        let (enumeration_doc, lifecycle) = doc(&info.documentation, info.lifecycle.as_ref());
        Enumeration {
            id: id.to_owned(),
            owner: entry.owner.clone(),
            doc: enumeration_doc,
            lifecycle,
            path: self.path(ItemKind::Enumeration, id),
            values,
            unknown_variant,
            feature: String::new(),
            releases: releases(&info.releases),
        }
    }
}

/// The IR form of the releases `merge` recorded on a wire element.
fn releases(present: &[String]) -> Releases {
    Releases {
        present: present.to_vec(),
    }
}

fn split<T>(result: Result<T, String>) -> (Option<T>, Option<String>) {
    match result {
        Ok(value) => (Some(value), None),
        Err(reason) => (None, Some(reason)),
    }
}

/// The package each structure and enumeration belongs to.
pub(crate) fn item_packages(model: &Model) -> BTreeMap<String, String> {
    fn package_of(model: &Model, owner: &Owner, depth: usize) -> Option<String> {
        match owner {
            Owner::Package(id) => Some(id.clone()),
            Owner::Service(id) => model.services.get(id).map(|s| s.package.clone()),
            Owner::Structure(id) if depth < 16 => {
                let owner = &model.structures.get(id)?.owner;
                package_of(model, owner, depth + 1)
            }
            Owner::Structure(_) => None,
        }
    }
    let mut out = BTreeMap::new();
    for (id, structure) in &model.structures {
        if let Some(package) = package_of(model, &structure.owner, 0) {
            out.insert(id.clone(), package);
        }
    }
    for (id, enumeration) in &model.enumerations {
        if let Some(package) = package_of(model, &enumeration.owner, 0) {
            out.insert(id.clone(), package);
        }
    }
    out
}
