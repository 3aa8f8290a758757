//! How the generated code is split into crates: one per package group
//! (`vsphere-vapi-vcenter` holds `vcenter::…`), one for what every group
//! shares (`vsphere-vapi-shared`: identifier types, `RELEASES`), and the
//! `vsphere-vapi` crate users depend on, which re-exports each group's
//! module under its usual path and owns the route table and mock module.
//!
//! Why: rustc checks one crate on one core, and with all features the
//! single crate took 26–31 s at 2 GB on 2 cores. Split by group, cargo
//! checks independent groups side by side and no rustc holds the whole
//! API: 16 s at 1.1 GB for the largest process (see "Compile cost" in the
//! [module docs](super)).
//!
//! A group crate depends on the groups its features' types name, so the
//! groups form a graph that must have no cycle (Cargo rejects one); a
//! documentation link into a group the crate does not reach is printed as
//! code (rustdoc could not resolve it there).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::ir::Model;

use super::EmitError;
use super::layout::Layout;

/// Directory of the group and shared crates, relative to `generated/`.
pub const CRATES_DIR: &str = "crates";
/// Name of the crate with what all groups share.
pub const SHARED: &str = "shared";

/// One package group's crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCrate {
    /// The group's module, also its directory below [`CRATES_DIR`]: `vcenter`.
    pub module: String,
    /// Its own features (not umbrellas), sorted.
    pub features: Vec<String>,
    /// Every feature its features enable, its own included: what code and
    /// docs in this crate may name.
    pub reach: BTreeSet<String>,
    /// Groups whose crates it depends on (their features are in `reach`).
    pub depends_on: BTreeSet<String>,
    /// Each own feature → every feature it enables.
    pub closures: BTreeMap<String, BTreeSet<String>>,
}

/// The crates of a model.
#[derive(Debug, Clone, Default)]
pub struct Crates {
    /// Group module → its crate.
    pub groups: BTreeMap<String, GroupCrate>,
    /// Feature → the group module it belongs to (umbrellas included).
    pub feature_group: BTreeMap<String, String>,
}

/// `vsphere-vapi-vcenter` for the `vcenter` group (or `shared`).
pub fn package_name(module: &str) -> String {
    format!(
        "vsphere-vapi-{}",
        crate::names::unraw(module).replace('_', "-")
    )
}

/// `vsphere_vapi_vcenter`: how Rust code names [`package_name`].
pub fn crate_ident(module: &str) -> String {
    package_name(module).replace('-', "_")
}

impl Crates {
    pub fn build(
        model: &Model,
        layout: &Layout<'_>,
        closure: &BTreeMap<String, BTreeSet<String>>,
    ) -> Result<Crates, EmitError> {
        // A feature's group is the top-level module of what it enables.
        let mut feature_group: BTreeMap<String, String> = BTreeMap::new();
        for feature in model.features.values() {
            let modules = feature
                .packages
                .iter()
                .filter_map(|id| model.packages.get(id))
                .map(|package| &package.module)
                .chain(
                    feature
                        .services
                        .iter()
                        .filter_map(|id| model.services.get(id))
                        .map(|service| &service.path.module),
                );
            let mut groups: BTreeSet<&str> = modules
                .filter_map(|module| module.first())
                .map(String::as_str)
                .collect();
            let umbrella = feature.packages.is_empty() && feature.services.is_empty();
            if umbrella {
                // An umbrella goes with its members'.
                groups.extend(
                    feature
                        .includes
                        .iter()
                        .filter_map(|member| model.features.get(member))
                        .flat_map(|member| &member.packages)
                        .filter_map(|id| model.packages.get(id))
                        .filter_map(|package| package.module.first())
                        .map(String::as_str),
                );
            }
            match groups.len() {
                0 => continue,
                1 => {}
                // An umbrella over several groups lives in `vsphere-vapi`
                // only, which enables its members.
                _ if umbrella => continue,
                _ => {
                    return Err(EmitError::Unsupported {
                        context: format!("feature `{}`", feature.name),
                        message: format!(
                            "enables modules of several package groups ({}); each group is a crate of its own",
                            groups.into_iter().collect::<Vec<_>>().join(", ")
                        ),
                    });
                }
            }
            if let Some(group) = groups.first() {
                feature_group.insert(feature.name.clone(), (*group).to_owned());
            }
        }

        let mut groups = BTreeMap::new();
        for (path, module) in &layout.modules {
            let [name] = path.as_slice() else { continue };
            if name == SHARED {
                return Err(EmitError::Unsupported {
                    context: format!("module `{name}`"),
                    message: format!(
                        "a package group named `{SHARED}` would share a crate name with the crate of identifier types"
                    ),
                });
            }
            let features: Vec<String> = module
                .features
                .iter()
                .filter(|feature| feature_group.get(*feature) == Some(name))
                .cloned()
                .collect();
            let closures: BTreeMap<String, BTreeSet<String>> = features
                .iter()
                .map(|feature| {
                    let enabled = closure.get(feature).cloned().unwrap_or_default();
                    (feature.clone(), enabled)
                })
                .collect();
            let reach: BTreeSet<String> = closures.values().flatten().cloned().collect();
            let depends_on: BTreeSet<String> = reach
                .iter()
                .filter_map(|feature| feature_group.get(feature))
                .filter(|group| *group != name)
                .cloned()
                .collect();
            groups.insert(
                name.clone(),
                GroupCrate {
                    module: name.clone(),
                    features,
                    reach,
                    depends_on,
                    closures,
                },
            );
        }
        let crates = Crates {
            groups,
            feature_group,
        };
        crates.check_acyclic()?;
        Ok(crates)
    }

    /// Cargo rejects a cycle of dependencies; report the groups on it.
    fn check_acyclic(&self) -> Result<(), EmitError> {
        for (name, group) in &self.groups {
            let mut stack: Vec<&str> = group.depends_on.iter().map(String::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(current) = stack.pop() {
                if current == name {
                    return Err(EmitError::Unsupported {
                        context: format!("package group `{name}`"),
                        message: "its types and those of groups it depends on refer to each other in a cycle, so the groups cannot be separate crates".to_owned(),
                    });
                }
                if seen.insert(current)
                    && let Some(next) = self.groups.get(current)
                {
                    stack.extend(next.depends_on.iter().map(String::as_str));
                }
            }
        }
        Ok(())
    }

    /// The group crate whose files are being printed on this thread, if
    /// any, and whether its code may name items of `feature` (always, for
    /// the `vsphere-vapi` crate, which depends on every group).
    pub fn reaches(&self, feature: &str) -> bool {
        CURRENT_GROUP.with(|current| match &*current.borrow() {
            None => true,
            Some(group) => self
                .groups
                .get(group)
                .is_some_and(|crate_| crate_.reach.contains(feature)),
        })
    }
}

impl GroupCrate {
    /// Its own features that enable any feature `wanted` accepts: the gate
    /// of what it re-exports from another crate.
    pub fn features_reaching(&self, wanted: impl Fn(&str) -> bool) -> Vec<&str> {
        self.closures
            .iter()
            .filter(|(_, closure)| closure.iter().any(|feature| wanted(feature)))
            .map(|(own, _)| own.as_str())
            .collect()
    }
}

thread_local! {
    // Documentation is rendered deep inside every emitter; which crate a
    // link must resolve from is a property of the file being printed, set
    // once per file by `in_group` rather than passed through each emitter.
    static CURRENT_GROUP: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `print` with links checked against the crate of `group` (`None`:
/// the `vsphere-vapi` crate).
pub fn in_group<R>(group: Option<&str>, print: impl FnOnce() -> R) -> R {
    let previous = CURRENT_GROUP.with(|current| current.replace(group.map(str::to_owned)));
    let result = print();
    CURRENT_GROUP.with(|current| *current.borrow_mut() = previous);
    result
}

/// Where a module's file goes: group modules in their crate
/// (`crates/vcenter/src/vcenter/vm.rs`), the root is the `vsphere-vapi`
/// crate's `src/lib.rs`.
pub fn module_file(module: &super::layout::Module<'_>) -> std::path::PathBuf {
    match module.path.first() {
        Some(group) => std::path::Path::new(CRATES_DIR)
            .join(crate::names::unraw(group))
            .join(module.file()),
        None => module.file(),
    }
}

/// The inner attributes every crate root of the split starts with.
pub fn root_attributes(file: &mut super::format::SourceFile) {
    // Deprecated elements carry `#[deprecated]` so that users are warned
    // where they use them; the crate's own code (serde impls, constructors,
    // the route table) must name them without warnings.
    file.push("#![allow(deprecated)]\n".to_owned());
    // Every public item is documented; the per-feature checks
    // (`-D warnings`) keep it so.
    file.push("#![warn(missing_docs)]\n".to_owned());
    // Documentation links spell the full `crate::` path of their target so
    // that they resolve from any module; rustdoc calls those redundant
    // where the shown name resolves alone.
    file.push("#![allow(rustdoc::redundant_explicit_links)]\n".to_owned());
}

/// `src/lib.rs` of a group crate: its module, and under the names the
/// generated modules use (`crate::Client`, `crate::ids`, `crate::cis`)
/// what it takes from the runtime and the crates it depends on.
pub fn group_lib(ctx: &super::Ctx<'_>, group: &GroupCrate) -> Result<String, EmitError> {
    use super::tokens::cfg_attr_text;
    let context = format!("the crate root of `{}`", package_name(&group.module));
    let mut file = super::format::SourceFile {
        header: super::format::rust_header(ctx),
        ..Default::default()
    };
    file.inner_doc = super::tokens::inner_doc_lines(&super::docs::wrap(&format!(
        "The `{module}` package group of [vsphere-vapi](https://docs.rs/vsphere-vapi), \
         the async client for the vSphere Automation APIs.\n\n\
         Depend on `vsphere-vapi` instead, with the Cargo features of the services you \
         call: it re-exports this crate's module as `vsphere_vapi::{module}`. The API is \
         split into one crate per package group so that cargo compiles the groups side \
         by side.",
        module = crate::names::unraw(&group.module),
    )));
    root_attributes(&mut file);
    let shared = syn::Ident::new(&crate_ident(SHARED), proc_macro2::Span::call_site());
    file.push(super::format::items(
        quote::quote! {
            #[doc(hidden)]
            pub use vsphere_vapi_runtime as runtime;

            #[doc(hidden)]
            pub use vsphere_vapi_runtime::{Client, Error, Task, TaskWaitOptions};

            #[doc(hidden)]
            pub use #shared::{EVERY_RELEASE, RELEASES, ids};
        },
        &context,
    )?);
    let error_feature = ctx.error_kind_feature();
    let error_group = ctx.crates.feature_group.get(error_feature);
    let mut uses = String::new();
    for dependency in &group.depends_on {
        let gate = group
            .features_reaching(|feature| ctx.crates.feature_group.get(feature) == Some(dependency));
        if error_group == Some(dependency) && group.reach.contains(error_feature) {
            // Re-exported whole only where the error feature is on.
            let errors = group.features_reaching(|feature| feature == error_feature);
            uses.push_str(&cfg_attr_text(errors));
            uses.push_str(&format!(
                "#[doc(hidden)]\npub use {}::{{ErrorExt, ErrorKind, StandardError}};\n",
                crate_ident(dependency)
            ));
        }
        uses.push_str(&cfg_attr_text(gate));
        uses.push_str(&format!(
            "#[doc(hidden)]\npub use {}::{};\n",
            crate_ident(dependency),
            crate::names::unraw(dependency)
        ));
    }
    file.push(uses);
    if error_group == Some(&group.module) {
        if let Some(errors) = super::crate_root::error_items(ctx)? {
            file.push(errors);
        }
        file.push(super::mock::error_conversion(ctx)?);
    }
    let path = vec![group.module.clone()];
    if let Some(module) = ctx.layout.module(&path) {
        file.push(format!(
            "{}pub mod {};\n",
            cfg_attr_text(module.features.iter().map(String::as_str)),
            group.module
        ));
    }
    Ok(file.render())
}

/// `src/lib.rs` of the shared crate: the identifier types and the releases.
pub fn shared_lib(ctx: &super::Ctx<'_>) -> Result<String, EmitError> {
    let mut file = super::format::SourceFile {
        header: super::format::rust_header(ctx),
        ..Default::default()
    };
    file.inner_doc = super::tokens::inner_doc_lines(&super::docs::wrap(
        "What the package group crates of [vsphere-vapi](https://docs.rs/vsphere-vapi) \
         share: the typed identifiers and the releases the crates were generated from. \
         `vsphere-vapi` re-exports them as `vsphere_vapi::ids`, `RELEASES` and \
         `EVERY_RELEASE`; depend on it instead.",
    ));
    file.push("#![warn(missing_docs)]\n".to_owned());
    file.push("pub mod ids;\n".to_owned());
    file.push(super::crate_root::release_items(ctx)?);
    Ok(file.render())
}
