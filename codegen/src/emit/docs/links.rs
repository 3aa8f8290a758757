//! Where each vAPI element is in the generated crate, for intra-doc links.
//!
//! [`Links`] maps every model key a [`DocNode::Link`](crate::ir::DocNode)
//! can hold (`com.vmware.vcenter.vm.tools.info`, `…#state`) to the rustdoc
//! path of the Rust item printed for it and the text shown for it:
//!
//! | element                      | link to                                      | shown as |
//! |------------------------------|----------------------------------------------|----------|
//! | package                      | its module (`mod@crate::vcenter::vm`)        | `vcenter::vm` |
//! | service                      | the client handle                            | `Tools` |
//! | structure, enumeration       | the type                                     | `Info` |
//! | standard error (`not_found`) | its `ErrorKind` variant, the crate's error API | `ErrorKind::NotFound` |
//! | field                        | the field (`Info::state`); a union case field: the enum holding it | `Info::state` |
//! | operation                    | the handle's method                          | `Tools::upgrade` |
//! | enumeration value            | the variant                                  | `State::Running` |
//! | constant                     | the associated constant                      | `Info::MAX` |
//!
//! Targets are full `crate::` paths, so a link works from any module.

use std::collections::{BTreeMap, HashMap};

use crate::ir::{Model, RustPath};
use crate::names::unraw;

/// A link destination and the text shown for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub display: String,
    /// The feature compiling the target: a link resolves only from crates
    /// that reach it (see `emit::crates`).
    pub feature: String,
}

/// Every linkable element of a model.
#[derive(Debug, Default)]
pub struct Links {
    targets: HashMap<String, Target>,
}

/// What the emitter found while printing documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocReport {
    /// Intra-doc links printed for metamodel references.
    pub links: usize,
    /// References printed as code because nothing could be linked, with
    /// where they are and why, sorted.
    pub unresolved: Vec<Unresolved>,
}

impl DocReport {
    /// Unresolved references counted by reason, most frequent first.
    pub fn reasons(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for unresolved in &self.unresolved {
            *counts.entry(unresolved.reason.as_str()).or_default() += 1;
        }
        let mut counts: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(reason, count)| (reason.to_owned(), count))
            .collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unresolved {
    /// The documented element (`structure com.vmware.vcenter.vm.tools.info, field state`).
    pub location: String,
    /// The reference as the metamodel writes it.
    pub target: String,
    pub reason: String,
}

/// A rustdoc path: rustdoc reads `#` as the start of a fragment, and
/// resolves keyword segments (`type`) without the `r#`.
fn type_path(path: &RustPath) -> String {
    let mut out = "crate".to_owned();
    for segment in &path.module {
        out.push_str("::");
        out.push_str(unraw(segment));
    }
    out.push_str("::");
    out.push_str(unraw(&path.name));
    out
}

impl Links {
    /// `error_kind` gives the `ErrorKind` variant of a standard error.
    pub fn build(model: &Model, error_kind: &dyn Fn(&str) -> Option<String>) -> Links {
        let mut targets = HashMap::new();
        for package in model.packages.values() {
            if package.module.is_empty() {
                continue;
            }
            targets.insert(
                format!("{}{}", crate::docs::refine::PACKAGE_PREFIX, package.id),
                Target {
                    path: format!(
                        "mod@crate::{}",
                        package
                            .module
                            .iter()
                            .map(|m| unraw(m))
                            .collect::<Vec<_>>()
                            .join("::")
                    ),
                    display: package
                        .module
                        .iter()
                        .map(|m| unraw(m))
                        .collect::<Vec<_>>()
                        .join("::"),
                    feature: package.feature.clone(),
                },
            );
        }
        for service in model.services.values() {
            let path = type_path(&service.path);
            targets.insert(
                service.id.clone(),
                Target {
                    path: path.clone(),
                    display: service.path.name.clone(),
                    feature: service.feature.clone(),
                },
            );
            for op in &service.operations {
                targets.insert(
                    format!("{}#{}", service.id, op.id),
                    Target {
                        path: format!("{path}::{}", unraw(&op.rust_name)),
                        display: format!("{}::{}", service.path.name, unraw(&op.rust_name)),
                        feature: service.feature.clone(),
                    },
                );
            }
            for constant in &service.constants {
                targets.insert(
                    format!("{}#{}", service.id, constant.name),
                    Target {
                        path: format!("{path}::{}", constant.rust_name),
                        display: format!("{}::{}", service.path.name, constant.rust_name),
                        feature: service.feature.clone(),
                    },
                );
            }
        }
        for structure in model.structures.values() {
            let path = type_path(&structure.path);
            let name = &structure.path.name;
            let own = match error_kind(&structure.id) {
                Some(variant) => Target {
                    path: format!("crate::ErrorKind::{variant}"),
                    display: format!("ErrorKind::{variant}"),
                    feature: structure.feature.clone(),
                },
                None => Target {
                    path: path.clone(),
                    display: name.clone(),
                    feature: structure.feature.clone(),
                },
            };
            targets.insert(structure.id.clone(), own);
            // Case fields of unions printed as enums live in the variants.
            let mut in_enum: HashMap<&str, &RustPath> = HashMap::new();
            for union in &structure.unions {
                let Some(rust) = &union.rust else { continue };
                for variant in &rust.variants {
                    for field in &variant.fields {
                        in_enum.entry(field.as_str()).or_insert(&rust.path);
                    }
                }
                if rust.parent.is_some() {
                    in_enum
                        .entry(union.tag_field.as_str())
                        .or_insert(&rust.path);
                }
            }
            for field in &structure.fields {
                let path = match in_enum.get(field.name.as_str()) {
                    Some(holder) => type_path(holder),
                    None => format!("{path}::{}", unraw(&field.rust_name)),
                };
                targets.insert(
                    format!("{}#{}", structure.id, field.name),
                    Target {
                        path,
                        display: format!("{name}::{}", unraw(&field.rust_name)),
                        feature: structure.feature.clone(),
                    },
                );
            }
            for constant in &structure.constants {
                targets.insert(
                    format!("{}#{}", structure.id, constant.name),
                    Target {
                        path: format!("{path}::{}", constant.rust_name),
                        display: format!("{name}::{}", constant.rust_name),
                        feature: structure.feature.clone(),
                    },
                );
            }
        }
        for enumeration in model.enumerations.values() {
            let path = type_path(&enumeration.path);
            let name = &enumeration.path.name;
            targets.insert(
                enumeration.id.clone(),
                Target {
                    path: path.clone(),
                    display: name.clone(),
                    feature: enumeration.feature.clone(),
                },
            );
            for value in &enumeration.values {
                targets.insert(
                    format!("{}#{}", enumeration.id, value.wire),
                    Target {
                        path: format!("{path}::{}", value.rust_name),
                        display: format!("{name}::{}", value.rust_name),
                        feature: enumeration.feature.clone(),
                    },
                );
            }
        }
        Links { targets }
    }

    pub fn get(&self, target: &str) -> Option<&Target> {
        self.targets.get(target)
    }

    /// Why `target` has no link.
    pub fn reason(&self, target: &str) -> String {
        let target = target.trim();
        if target.starts_with("vim.") {
            return "a vSphere Web Services (vim) type, not part of the vAPI".to_owned();
        }
        if let Some((base, member)) = target.rsplit_once('#')
            && self.targets.contains_key(base)
        {
            return format!("`{base}` has no member `{member}`");
        }
        if target.starts_with("com.vmware.") {
            "no element with this id in the metamodel".to_owned()
        } else {
            "no element of this name in the scope of the documented element".to_owned()
        }
    }
}
