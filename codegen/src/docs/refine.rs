//! Resolving documentation references once the model is built.
//!
//! [`refine`] visits every [`Doc`] of the model with the scope of the
//! element it documents and
//!
//! - makes each [`DocNode::Link`] target an absolute model key
//!   (`com.vmware.vcenter.vm.tools.info#state`): absolute ids are matched
//!   ignoring case and underscores (`com.vmware.vcenter.VM`, `NSX_config`);
//!   relative names (`CreateSpec#type`, `Tools.Info`, `#datastore`) are
//!   looked up from the innermost owner outwards (structure, service,
//!   package, parent packages); members match field, operation, value and
//!   constant names in snake or camel case (`omitFromSnapshotAndClone`);
//!   the old dotted form of a member (`com.vmware.vcenter.vm.tools.get`)
//!   is tried last. A target that matches nothing stays as written;
//! - turns code spans that name an element the Python way (`Tools.Info`,
//!   `{@name Tools}`) into links;
//! - maps parameter references (`{@param.name ovfLibraryItemId}`) to the
//!   parameter's Rust name;
//! - rewrites the framing into Rust's vocabulary
//!   ([`vocabulary::rewrite`]), which needs to know what each link names.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::{self, Kind};
use crate::ir::{Doc, DocNode, Lifecycle, Model, Owner, StructureKind};

/// Resolves references and rewrites the framing of every doc of `model`.
pub fn refine(model: &mut Model) {
    let index = Index::build(model);
    let packages_of = crate::lower::item_packages(model);
    let no_params = BTreeMap::new();

    for package in model.packages.values_mut() {
        let scope = index.with_parents(vec![package.id.clone()]);
        index.refine(&mut package.doc, &scope, Kind::Package, &no_params);
    }
    // Docs are refined one element at a time against the shared index, so
    // elements are refined on all cores.
    crate::parallel::for_each(model.services.values_mut().collect(), |service| {
        let scope = index.with_parents(vec![service.id.clone(), service.package.clone()]);
        index.refine(&mut service.doc, &scope, Kind::Service, &no_params);
        index.refine_lifecycle(&mut service.lifecycle, &scope, Kind::Service);
        for constant in &mut service.constants {
            index.refine(&mut constant.doc, &scope, Kind::Constant, &no_params);
        }
        for operation in &mut service.operations {
            let params: BTreeMap<String, String> = operation
                .params
                .iter()
                .map(|p| (normalize(&p.name), p.rust_name.clone()))
                .collect();
            index.refine(&mut operation.doc, &scope, Kind::Operation, &params);
            index.refine_lifecycle(&mut operation.lifecycle, &scope, Kind::Operation);
            index.refine(&mut operation.output_doc, &scope, Kind::Operation, &params);
            for error in &mut operation.errors {
                index.refine(&mut error.doc, &scope, Kind::Error, &params);
            }
            for param in &mut operation.params {
                index.refine(&mut param.doc, &scope, Kind::Parameter, &params);
                index.refine_lifecycle(&mut param.lifecycle, &scope, Kind::Parameter);
            }
        }
    });
    let owners: BTreeMap<String, Owner> = model
        .structures
        .iter()
        .map(|(id, s)| (id.clone(), s.owner.clone()))
        .collect();
    let scope_of = |id: &str, owner: &Owner| -> Vec<String> {
        let mut scope = vec![id.to_owned()];
        let mut owner = owner.clone();
        for _ in 0..16 {
            match owner {
                Owner::Structure(parent) => {
                    scope.push(parent.clone());
                    match owners.get(&parent) {
                        Some(next) => owner = next.clone(),
                        None => break,
                    }
                }
                Owner::Service(service) => {
                    scope.push(service);
                    break;
                }
                Owner::Package(_) => break,
            }
        }
        if let Some(package) = packages_of.get(id) {
            scope.push(package.clone());
        }
        index.with_parents(scope)
    };
    crate::parallel::for_each(model.structures.iter_mut().collect(), |(id, structure)| {
        let scope = scope_of(id, &structure.owner);
        let own = match structure.kind {
            StructureKind::Error => Kind::Error,
            StructureKind::Structure => Kind::Structure,
        };
        index.refine(&mut structure.doc, &scope, own, &no_params);
        index.refine_lifecycle(&mut structure.lifecycle, &scope, own);
        for field in &mut structure.fields {
            index.refine(&mut field.doc, &scope, Kind::Field, &no_params);
            index.refine_lifecycle(&mut field.lifecycle, &scope, Kind::Field);
        }
        for constant in &mut structure.constants {
            index.refine(&mut constant.doc, &scope, Kind::Constant, &no_params);
        }
    });
    crate::parallel::for_each(
        model.enumerations.iter_mut().collect(),
        |(id, enumeration)| {
            let scope = scope_of(id, &enumeration.owner);
            index.refine(&mut enumeration.doc, &scope, Kind::Enumeration, &no_params);
            index.refine_lifecycle(&mut enumeration.lifecycle, &scope, Kind::Enumeration);
            for value in &mut enumeration.values {
                index.refine(&mut value.doc, &scope, Kind::Value, &no_params);
                index.refine_lifecycle(&mut value.lifecycle, &scope, Kind::Value);
            }
        },
    );
}

/// Lower-case without underscores: the form in which ids and member names
/// of both documentation styles compare equal.
pub fn normalize(name: &str) -> String {
    // Nearly every name is ASCII; lowercasing it by bytes is the same
    // result without Unicode case tables.
    if name.is_ascii() {
        return name
            .bytes()
            .filter(|b| *b != b'_')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    name.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// How a link to a package is written: services and packages may share an
/// id (`com.vmware.vcenter.cluster` is both), so a package target carries
/// rustdoc's own disambiguator.
pub const PACKAGE_PREFIX: &str = "mod@";

/// A type name the Python way (`Tools.Info`, `Info#state`).
static PYTHON_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*(?:#[A-Za-z_][A-Za-z0-9_$]*)?$")
        .expect("valid regex")
});

/// A Javadoc member reference (`com.vmware.x.Foo#bar`, `spec#name`).
static JAVADOC_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Za-z_][A-Za-z0-9_.]*#[A-Za-z_][A-Za-z0-9_$]*$").expect("valid regex")
});

/// An absolute vAPI id (`com.vmware.vcenter.vm.tools`).
static ABSOLUTE_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^com\.vmware\.[A-Za-z0-9_.$]+$").expect("valid regex"));

/// Every element a reference can name.
struct Index {
    /// Normalized id → model keys (duplicated ids have several) and kinds.
    elements: HashMap<String, Vec<(String, Kind)>>,
    /// Model key → normalized member name → (member name, kind).
    members: HashMap<String, HashMap<String, (String, Kind)>>,
    /// Every package id, for parent lookups.
    packages: Vec<String>,
    /// The last one and two segments of every normalized id → elements,
    /// for relative names written from outside their scope.
    suffixes: HashMap<String, Vec<(String, Kind)>>,
}

impl Index {
    fn build(model: &Model) -> Index {
        let mut index = Index {
            elements: HashMap::new(),
            members: HashMap::new(),
            packages: model.packages.keys().cloned().collect(),
            suffixes: HashMap::new(),
        };
        let mut add = |key: &str, kind: Kind| {
            index
                .elements
                .entry(normalize(crate::lower::wire_id(key)))
                .or_default()
                .push((key.to_owned(), kind));
        };
        for id in model.packages.keys() {
            add(id, Kind::Package);
        }
        for id in model.services.keys() {
            add(id, Kind::Service);
        }
        for (id, structure) in &model.structures {
            let kind = match structure.kind {
                StructureKind::Error => Kind::Error,
                StructureKind::Structure => Kind::Structure,
            };
            add(id, kind);
        }
        for id in model.enumerations.keys() {
            add(id, Kind::Enumeration);
        }
        for (norm, elements) in &index.elements {
            let segments: Vec<&str> = norm.split('.').collect();
            for take in 1..=2.min(segments.len()) {
                let suffix = segments[segments.len() - take..].join(".");
                index
                    .suffixes
                    .entry(suffix)
                    .or_default()
                    .extend(elements.iter().cloned());
            }
        }
        for (id, service) in &model.services {
            let members = index.members.entry(id.clone()).or_default();
            for op in &service.operations {
                members.insert(normalize(&op.id), (op.id.clone(), Kind::Operation));
            }
            for constant in &service.constants {
                members.insert(
                    normalize(&constant.name),
                    (constant.name.clone(), Kind::Constant),
                );
            }
        }
        for (id, structure) in &model.structures {
            let members = index.members.entry(id.clone()).or_default();
            for field in &structure.fields {
                members.insert(normalize(&field.name), (field.name.clone(), Kind::Field));
            }
            for constant in &structure.constants {
                members.insert(
                    normalize(&constant.name),
                    (constant.name.clone(), Kind::Constant),
                );
            }
        }
        for (id, enumeration) in &model.enumerations {
            let members = index.members.entry(id.clone()).or_default();
            for value in &enumeration.values {
                members.insert(normalize(&value.wire), (value.wire.clone(), Kind::Value));
            }
        }
        index
    }

    /// `scope` followed by the parent packages of its last package.
    fn with_parents(&self, mut scope: Vec<String>) -> Vec<String> {
        let Some(package) = scope.last().cloned() else {
            return scope;
        };
        let mut parent = package.as_str();
        while let Some((up, _)) = parent.rsplit_once('.') {
            if self.packages.iter().any(|p| p == up) {
                scope.push(up.to_owned());
            }
            parent = up;
        }
        scope
    }

    /// What a resolved target names.
    fn kind(&self, target: &str) -> Option<Kind> {
        if target.starts_with(PACKAGE_PREFIX) {
            return Some(Kind::Package);
        }
        match target.split_once('#') {
            Some((base, member)) => self
                .members
                .get(base)?
                .get(&normalize(member))
                .map(|(_, kind)| *kind),
            None => self
                .elements
                .get(&normalize(crate::lower::wire_id(target)))?
                .iter()
                .find(|(key, kind)| key == target && *kind != Kind::Package)
                .map(|(_, kind)| *kind),
        }
    }

    /// The model key and kind `raw` names from `scope`, if any.
    fn resolve(&self, raw: &str, scope: &[String]) -> Option<(String, Kind)> {
        let raw = raw.trim().trim_end_matches(['.', ',', ';', ':']);
        let raw = raw.strip_suffix("()").unwrap_or(raw);
        let (base, member) = match raw.rsplit_once('#') {
            Some((base, member)) => (base.trim_start_matches('#'), Some(member)),
            None => (raw, None),
        };
        let bases: Vec<(String, Kind)> = if base.is_empty() {
            scope
                .iter()
                .filter_map(|s| Some((s.clone(), self.kind(s)?)))
                .collect()
        } else {
            self.bases(base, scope)
        };
        match member {
            None => {
                if let Some(found) = bases.into_iter().next() {
                    return Some(found);
                }
                // The dotted member form: `com.vmware.vcenter.vm.tools.get`.
                let (base, member) = base.rsplit_once('.')?;
                self.bases(base, scope)
                    .into_iter()
                    .find_map(|(key, _)| self.member(&key, member))
            }
            Some(member) => bases
                .into_iter()
                .find_map(|(key, _)| self.member(&key, member)),
        }
    }

    /// What a bare name in prose names in `scope` (the scope's own
    /// elements only: a prose word is matched cautiously).
    fn scoped(&self, name: &str, scope: &[String]) -> Option<Kind> {
        let norm = normalize(name);
        scope.iter().find_map(|s| {
            if normalize(crate::lower::wire_id(s)).rsplit('.').next() == Some(norm.as_str()) {
                return self.kind(s);
            }
            let found = self.elements.get(&format!("{}.{norm}", normalize(s)))?;
            // A service shares its id with the package of its types.
            found
                .iter()
                .find(|(_, kind)| *kind != Kind::Package)
                .or(found.first())
                .map(|(_, kind)| *kind)
        })
    }

    /// Like [`Index::resolve`], for a name that means a type, member or
    /// service.
    fn resolve_not_package(&self, raw: &str, scope: &[String]) -> Option<(String, Kind)> {
        if !raw.contains('#') {
            if let Some(found) = self
                .bases(raw, scope)
                .into_iter()
                .find(|(_, kind)| *kind != Kind::Package)
            {
                return Some(found);
            }
        }
        self.resolve(raw, scope)
            .filter(|(_, kind)| *kind != Kind::Package)
    }

    fn member(&self, key: &str, member: &str) -> Option<(String, Kind)> {
        let (name, kind) = self.members.get(key)?.get(&normalize(member))?;
        Some((format!("{key}#{name}"), *kind))
    }

    /// The elements a (possibly relative) name can mean, best first.
    fn bases(&self, base: &str, scope: &[String]) -> Vec<(String, Kind)> {
        let norm = normalize(base);
        let mut candidates = vec![norm.clone(), format!("com.vmware.{norm}")];
        candidates.extend(scope.iter().map(|s| format!("{}.{norm}", normalize(s))));
        // Relative names resolve innermost first; absolute ones as written.
        if !norm.starts_with("com.vmware.") {
            candidates.rotate_left(2);
        }
        // Java's `package.Service` spelling of a service id
        // (`…inventory.Inventory`) repeats its last segment.
        if let Some((head, last)) = norm.rsplit_once('.')
            && head.ends_with(&format!(".{last}"))
        {
            candidates.push(head.to_owned());
        }
        let mut out = Vec::new();
        for candidate in candidates {
            if let Some(keys) = self.elements.get(&candidate) {
                // A duplicated id: the declaration in scope first.
                let mut keys = keys.clone();
                keys.sort_by_key(|(key, _)| !scope.iter().any(|s| key.starts_with(s.as_str())));
                out.extend(keys);
            }
        }
        if out.is_empty() && !norm.starts_with("com.vmware.") {
            // A relative name used outside its scope: taken when only one
            // element of the model has it.
            if let Some(found) = self.suffixes.get(&norm)
                && found.len() == 1
            {
                out.extend(found.iter().cloned());
            }
        }
        out
    }

    fn refine(
        &self,
        doc: &mut Doc,
        scope: &[String],
        own: Kind,
        params: &BTreeMap<String, String>,
    ) {
        for node in &mut doc.nodes {
            match node {
                DocNode::Link { target, .. } => {
                    if let Some((key, kind)) = self.resolve(target, scope) {
                        *target = if kind == Kind::Package {
                            format!("{PACKAGE_PREFIX}{key}")
                        } else {
                            key
                        };
                    }
                }
                // `{@code Foo#bar}`: a reference even when nothing matches.
                DocNode::Code(code) if JAVADOC_MEMBER.is_match(code) => {
                    let target = match self.resolve(code, scope) {
                        Some((key, _)) => key,
                        None => code.clone(),
                    };
                    *node = DocNode::Link {
                        target,
                        label: None,
                    };
                }
                // A type named the Python way, or an absolute id in a code
                // span (`com.vmware.vcenter.VM.disk_clone_spec.datastore`):
                // a type, member or service, not a package (a package and a
                // service may share an id, `com.vmware.vcenter.VM`).
                DocNode::Code(code) if PYTHON_NAME.is_match(code) || ABSOLUTE_ID.is_match(code) => {
                    if let Some((key, _)) = self.resolve_not_package(code, scope) {
                        *node = DocNode::Link {
                            target: key,
                            label: None,
                        };
                    }
                }
                DocNode::Param(name) => {
                    if let Some(rust) = params.get(&normalize(name)) {
                        *name = rust.clone();
                    }
                }
                _ => {}
            }
        }
        let kind_of = |target: &str| self.kind(target);
        let name_kind = |name: &str| self.scoped(name, scope);
        vocabulary::rewrite(&mut doc.nodes, own, &kind_of, &name_kind);
    }

    fn refine_lifecycle(&self, lifecycle: &mut Lifecycle, scope: &[String], own: Kind) {
        if let Some(deprecated) = &mut lifecycle.deprecated {
            self.refine(&mut deprecated.note_doc, scope, own, &BTreeMap::new());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalized_names_drop_underscores_and_case_ascii_or_not() {
        assert_eq!(normalize("Vm_Hardware.CD_ROM"), "vmhardware.cdrom");
        assert_eq!(normalize("Größe_Ä"), "größeä");
        assert_eq!(normalize(""), "");
    }
}
