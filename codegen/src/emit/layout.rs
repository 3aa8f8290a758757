//! The module tree of the generated crate: which items live in which module
//! (and file), and which Cargo features compile each module.
//!
//! Items are placed by the module of their `RustPath`, whatever owns them, so
//! a package module that is also a service's nested-type module
//! (`com.vmware.vcenter.vm.tools` the package, `…vm.Tools` the service) holds
//! both. Every module is one file: `vcenter::vm` is `src/vcenter/vm.rs`, its
//! children live in `src/vcenter/vm/` (the non-`mod.rs` layout, so editor
//! tabs show real names).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::ir::{Enumeration, Model, Package, Service, Structure};
use crate::names;

use super::EmitError;
use super::tokens::{ident, unraw};

/// Name of the inline module holding a service's `OperationSpec` statics,
/// inside the service's nested-type module.
pub const OPS_MODULE: &str = "ops";

/// Names the crate root defines itself: its types and re-exports, and its
/// own modules and files (`ids`, `runtime`, `route_table`, `lib`). The IR
/// keeps generated items off them ([`names::RESERVED`]); this re-checks.
fn root_reserved() -> impl Iterator<Item = &'static str> {
    names::RESERVED
        .root_types
        .iter()
        .copied()
        .chain(names::RESERVED.root_modules.iter().map(|(name, _)| *name))
}

/// Crates the generated code names by bare path (`serde::Serialize`,
/// `vsphere_vapi_runtime::Client`): a child module with one of these names
/// would shadow the crate inside its parent.
fn shadows_crate(module: &str) -> bool {
    names::RESERVED
        .modules
        .iter()
        .any(|(name, _)| *name == module && *name != OPS_MODULE)
}

#[derive(Debug, Default)]
pub struct Module<'a> {
    /// Path below the crate root; empty for the root.
    pub path: Vec<String>,
    pub children: BTreeSet<String>,
    /// Features of everything in this module and below: the module is
    /// compiled when any of them is enabled.
    pub features: BTreeSet<String>,
    /// Packages mapped to this module (their docs become the module docs).
    pub packages: Vec<&'a Package>,
    /// Services whose nested types (and, if they have operations, operation
    /// specs) live here.
    pub nested_of: Vec<&'a Service>,
    /// Service client handles defined here.
    pub services: Vec<&'a Service>,
    pub structures: Vec<&'a Structure>,
    pub enumerations: Vec<&'a Enumeration>,
}

impl Module<'_> {
    pub fn is_root(&self) -> bool {
        self.path.is_empty()
    }

    /// `vcenter::vm`, or `crate` for the root.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// Features an item of this module must be gated on, given the item's
    /// feature: nothing when the module's own gate already implies it.
    pub fn item_gate<'f>(&self, feature: &'f str) -> Option<&'f str> {
        let implied =
            !self.is_root() && self.features.len() == 1 && self.features.contains(feature);
        (!implied).then_some(feature)
    }

    /// Source file of the module, relative to the crate directory.
    pub fn file(&self) -> PathBuf {
        if self.is_root() {
            return PathBuf::from("src/lib.rs");
        }
        let mut file = PathBuf::from("src");
        for component in &self.path {
            file.push(unraw(component));
        }
        file.set_extension("rs");
        file
    }
}

pub fn display_path(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

#[derive(Debug)]
pub struct Layout<'a> {
    /// Every module, keyed by path; the root has the empty path.
    pub modules: BTreeMap<Vec<String>, Module<'a>>,
}

impl<'a> Layout<'a> {
    pub fn build(model: &'a Model) -> Result<Self, EmitError> {
        let mut layout = Layout {
            modules: BTreeMap::new(),
        };
        layout.ensure(&[], "the crate root")?;
        for package in model.packages.values() {
            let context = format!("package `{}`", package.id);
            layout
                .place(&package.module, &package.feature, &context)?
                .packages
                .push(package);
        }
        for service in model.services.values() {
            let context = format!("service `{}`", service.id);
            let feature = &service.feature;
            layout
                .place(&service.path.module, feature, &context)?
                .services
                .push(service);
            // The nested module holds the `ops` statics; without operations
            // it exists only if types are placed in it.
            if !service.operations.is_empty() {
                layout
                    .place(&service.nested_module, feature, &context)?
                    .nested_of
                    .push(service);
            }
        }
        for structure in model.structures.values() {
            let context = format!("structure `{}`", structure.id);
            layout
                .place(&structure.path.module, &structure.feature, &context)?
                .structures
                .push(structure);
        }
        for enumeration in model.enumerations.values() {
            let context = format!("enumeration `{}`", enumeration.id);
            layout
                .place(&enumeration.path.module, &enumeration.feature, &context)?
                .enumerations
                .push(enumeration);
        }
        // A service without operations whose types landed in its nested
        // module still documents that module.
        for service in model.services.values() {
            if service.operations.is_empty()
                && let Some(module) = layout.modules.get_mut(&service.nested_module)
            {
                module.nested_of.push(service);
            }
        }
        for module in layout.modules.values() {
            module_names(module)?;
        }
        Ok(layout)
    }

    /// The module at `path`; it exists for every path an item was placed at.
    pub fn module(&self, path: &[String]) -> Option<&Module<'a>> {
        self.modules.get(path)
    }

    fn get_mut(&mut self, path: &[String]) -> &mut Module<'a> {
        self.modules.entry(path.to_vec()).or_insert_with(|| Module {
            path: path.to_vec(),
            ..Module::default()
        })
    }

    /// Creates the module at `path` and its ancestors, linking each to its parent.
    fn ensure(&mut self, path: &[String], context: &str) -> Result<(), EmitError> {
        for component in path {
            ident(
                component,
                &format!("{context}: module path `{}`", path.join("::")),
            )?;
        }
        for depth in 0..=path.len() {
            let prefix = &path[..depth];
            self.get_mut(prefix);
            if let Some((last, parent)) = prefix.split_last() {
                self.get_mut(parent).children.insert(last.clone());
            }
        }
        Ok(())
    }

    /// Creates the module at `path` (see [`Self::ensure`]), gates it and its
    /// ancestors on `feature`, and returns it for an item to be placed in.
    fn place(
        &mut self,
        path: &[String],
        feature: &str,
        context: &str,
    ) -> Result<&mut Module<'a>, EmitError> {
        self.ensure(path, context)?;
        self.add_feature(path, feature);
        Ok(self.get_mut(path))
    }

    fn add_feature(&mut self, path: &[String], feature: &str) {
        for depth in 1..=path.len() {
            self.get_mut(&path[..depth])
                .features
                .insert(feature.to_owned());
        }
    }
}

/// Checks that the names a module defines in the type namespace are unique
/// and do not shadow what generated code relies on.
fn module_names(module: &Module<'_>) -> Result<BTreeMap<String, String>, EmitError> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut define = |name: &str, what: String| -> Result<(), EmitError> {
        let key = unraw(name).to_owned();
        if let Some(first) = names.get(&key) {
            return Err(EmitError::NameCollision {
                module: module.display_path(),
                name: key,
                first: first.clone(),
                second: what,
            });
        }
        names.insert(key, what);
        Ok(())
    };
    if module.is_root() {
        for reserved in root_reserved() {
            define(reserved, "the crate root's own items".to_owned())?;
        }
    }
    for child in &module.children {
        if shadows_crate(unraw(child)) {
            return Err(EmitError::NameCollision {
                module: module.display_path(),
                name: child.clone(),
                first: format!("the module `{child}`"),
                second: format!("the `{child}` crate used by generated code"),
            });
        }
        define(child, format!("the module `{child}`"))?;
    }
    for service in module.nested_of.iter().filter(|s| !s.operations.is_empty()) {
        define(
            OPS_MODULE,
            format!("the operation specs of service `{}`", service.id),
        )?;
    }
    for service in &module.services {
        define(&service.path.name, format!("service `{}`", service.id))?;
    }
    for service in &module.nested_of {
        for operation in &service.operations {
            let call = &operation.call;
            let paths = call.args.iter().chain(call.builder.iter().map(|b| &b.path));
            for path in paths.filter(|path| path.module == module.path) {
                define(
                    &path.name,
                    format!("a call type of `{}.{}`", service.id, operation.id),
                )?;
            }
        }
    }
    for structure in &module.structures {
        define(
            &structure.path.name,
            format!("structure `{}`", structure.id),
        )?;
    }
    for enumeration in &module.enumerations {
        define(
            &enumeration.path.name,
            format!("enumeration `{}`", enumeration.id),
        )?;
    }
    Ok(names)
}
