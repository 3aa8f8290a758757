//! Where every item lives in the generated crate, and its Rust name.
//!
//! # Modules
//! - A package is a module: `com.vmware.vcenter.vm` → `vcenter::vm` (the
//!   `com.vmware.` prefix dropped, each segment a module name per
//!   [`names::module_name`]).
//! - A service's handle is a type in its package's module
//!   (`com.vmware.vcenter.vm.tools` → `vcenter::vm::Tools`); the service's
//!   structures and enumerations live in the module named after the service
//!   inside that module (`com.vmware.vcenter.vm.tools.info` →
//!   `vcenter::vm::tools::Info`).
//! - A structure's enumerations live in the module named after the
//!   structure inside the structure's module
//!   (`com.vmware.content.library.conversion_spec.conversion_type` →
//!   `content::library::conversion_spec::ConversionType`).
//!
//! Since identifiers are hierarchical, a module path is the identifier path:
//! the package `com.vmware.vcenter.vm.tools` and the service
//! `com.vmware.vcenter.vm.tools` share the module `vcenter::vm::tools`, which
//! then holds both the service's types (`Info`) and the package's services
//! (`Installer`). Modules and types are different namespaces in Rust
//! (`tools` vs `Tools`), so only types placed in one module can collide.
//!
//! # Type collisions inside one module
//! When several items of a module get the same name, service handles keep
//! it (they are what users name first), then structures, then
//! enumerations, each group by identifier; the others get a suffix telling
//! what they are: `Service`, `Struct` (`Error` for error structures that do
//! not already end in it), `Enum`. A collision that remains after that is
//! an error.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Problem;
use crate::ir::RustPath;
use crate::names;

/// The prefix every VMware identifier starts with, dropped from module paths.
pub const VMWARE_PREFIX: &str = "com.vmware.";

/// The last segment of a dotted identifier.
pub fn last_segment(id: &str) -> &str {
    id.rsplit('.').next().unwrap_or(id)
}

/// Module of a package: `com.vmware.vcenter.vm` → `["vcenter", "vm"]`.
pub fn package_module(package_id: &str) -> Vec<String> {
    let rest = package_id.strip_prefix(VMWARE_PREFIX).unwrap_or(package_id);
    rest.split('.')
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, segment)| names::module_name(segment, i == 0))
        .collect()
}

/// The module of the items nested in the element `id` placed in `module`.
pub fn child_module(module: &[String], id: &str) -> Vec<String> {
    let mut child = module.to_vec();
    child.push(names::module_name(
        last_segment(super::wire_id(id)),
        module.is_empty(),
    ));
    child
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Service,
    Structure,
    Error,
    Enumeration,
}

impl ItemKind {
    fn suffix(self, name: &str) -> String {
        match self {
            ItemKind::Service => format!("{name}Service"),
            ItemKind::Structure => format!("{name}Struct"),
            ItemKind::Error if name.ends_with("Error") => format!("{name}Struct"),
            ItemKind::Error => format!("{name}Error"),
            ItemKind::Enumeration => format!("{name}Enum"),
        }
    }

    fn rank(self) -> u8 {
        match self {
            ItemKind::Service => 0,
            ItemKind::Structure | ItemKind::Error => 1,
            ItemKind::Enumeration => 2,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ItemKind::Service => "service",
            ItemKind::Structure => "structure",
            ItemKind::Error => "error",
            ItemKind::Enumeration => "enumeration",
        }
    }
}

/// One type-namespace item placed in a module.
#[derive(Debug, Clone)]
pub struct Placed {
    pub kind: ItemKind,
    pub id: String,
    pub path: RustPath,
}

/// Gives every placed item a unique name within its module (see the module
/// docs); `placed[i].path.name` is updated in place.
pub fn resolve_collisions(placed: &mut [Placed], problems: &mut Vec<Problem>) {
    let mut by_module: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (i, item) in placed.iter().enumerate() {
        by_module
            .entry(item.path.module.clone())
            .or_default()
            .push(i);
    }
    for (module, mut members) in by_module {
        members.sort_by(|&a, &b| {
            let (a, b) = (&placed[a], &placed[b]);
            (a.kind.rank(), &a.id, a.kind).cmp(&(b.kind.rank(), &b.id, b.kind))
        });
        let mut taken: BTreeMap<String, usize> = BTreeMap::new();
        let reserved: BTreeSet<&str> = if module.is_empty() {
            names::RESERVED.root_types.iter().copied().collect()
        } else {
            BTreeSet::new()
        };
        let candidates: BTreeSet<String> = members
            .iter()
            .map(|&i| placed[i].path.name.clone())
            .collect();
        for &i in &members {
            let name = placed[i].path.name.clone();
            let free = |n: &str, taken: &BTreeMap<String, usize>| {
                !taken.contains_key(n) && !reserved.contains(n)
            };
            let chosen = if free(&name, &taken) {
                name
            } else {
                let renamed = placed[i].kind.suffix(&name);
                if free(&renamed, &taken) && !candidates.contains(&renamed) {
                    renamed
                } else {
                    let other = taken
                        .get(&name)
                        .map(|&j| format!("{} {}", placed[j].kind.describe(), placed[j].id))
                        .unwrap_or_else(|| "a name the generated crate reserves".to_owned());
                    problems.push(Problem::new(
                        format!("{} {}", placed[i].kind.describe(), placed[i].id),
                        format!(
                            "Rust name `{name}` in module `{}` is taken by {other}, and `{renamed}` is taken too",
                            display(&module)
                        ),
                    ));
                    continue;
                }
            };
            taken.insert(chosen.clone(), i);
            placed[i].path.name = chosen;
        }
    }
}

fn display(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, id: &str, module: &[&str], name: &str) -> Placed {
        Placed {
            kind,
            id: id.to_owned(),
            path: RustPath {
                module: module.iter().map(|s| (*s).to_owned()).collect(),
                name: name.to_owned(),
            },
        }
    }

    #[test]
    fn package_modules_drop_the_vmware_prefix() {
        assert_eq!(package_module("com.vmware.vcenter.vm"), ["vcenter", "vm"]);
        assert_eq!(
            package_module("com.vmware.vcenter.guest_OS"),
            ["vcenter", "guest_os"]
        );
        assert_eq!(
            package_module("com.vmware.vcenter.type"),
            ["vcenter", "r#type"]
        );
        assert_eq!(package_module("com.vmware.runtime"), ["runtime_api"]);
        assert_eq!(
            package_module("com.vmware.vapi.std.errors"),
            ["vapi", "standard", "errors"]
        );
        assert_eq!(package_module("org.example.x"), ["org", "example", "x"]);
        assert_eq!(
            child_module(
                &package_module("com.vmware.vcenter.vm"),
                "com.vmware.vcenter.vm.tools"
            ),
            ["vcenter", "vm", "tools"]
        );
    }

    #[test]
    fn handles_keep_their_names_and_types_get_suffixes() {
        let mut placed = vec![
            item(
                ItemKind::Structure,
                "com.vmware.a.hardware",
                &["a"],
                "Hardware",
            ),
            item(
                ItemKind::Service,
                "com.vmware.a.hardware",
                &["a"],
                "Hardware",
            ),
            item(
                ItemKind::Enumeration,
                "com.vmware.a.x.hardware",
                &["a"],
                "Hardware",
            ),
            item(ItemKind::Error, "com.vmware.a.failed", &["a"], "Failed"),
            item(ItemKind::Structure, "com.vmware.a.failed", &["a"], "Failed"),
            item(
                ItemKind::Structure,
                "com.vmware.b.hardware",
                &["b"],
                "Hardware",
            ),
        ];
        let mut problems = Vec::new();
        resolve_collisions(&mut placed, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = placed.iter().map(|p| p.path.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "HardwareStruct",
                "Hardware",
                "HardwareEnum",
                "FailedError",
                "Failed",
                "Hardware"
            ]
        );
    }

    #[test]
    fn unresolvable_collisions_are_reported() {
        let mut placed = vec![
            item(ItemKind::Structure, "com.vmware.a.b", &["a"], "B"),
            item(ItemKind::Structure, "com.vmware.a.c", &["a"], "B"),
            item(ItemKind::Structure, "com.vmware.a.d", &["a"], "B"),
        ];
        let mut problems = Vec::new();
        resolve_collisions(&mut placed, &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location, "structure com.vmware.a.d");
        assert!(
            problems[0].message.contains("`BStruct` is taken too"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_suffix_never_steals_a_real_name() {
        let mut placed = vec![
            item(ItemKind::Service, "com.vmware.a.foo", &["a"], "Foo"),
            item(ItemKind::Structure, "com.vmware.a.foo", &["a"], "Foo"),
            item(
                ItemKind::Structure,
                "com.vmware.a.foo_struct",
                &["a"],
                "FooStruct",
            ),
        ];
        let mut problems = Vec::new();
        resolve_collisions(&mut placed, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(placed[2].path.name, "FooStruct");
    }
}
