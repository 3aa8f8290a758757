//! Every rule that turns a metamodel name into a Rust name, in one place.
//!
//! # Words
//! Metamodel names are "lower case with underscores; each underscore is a
//! word boundary; acronyms keep their capitalization" (`memory_size_MiB`,
//! `guest_OS`), and enumeration values are upper snake case (`POWERED_OFF`,
//! `OTHER_3X_LINUX_64`). So words are the runs of ASCII letters and digits
//! between any other characters, and a change of case inside a run is *not*
//! a boundary: splitting `MiB` into `Mi`+`B` (as generic case converters
//! do) would give `memory_size_mi_b`. This matches the names VMware's own
//! bindings use (`memory_size_mib`).
//!
//! | kind                         | rule                           | example |
//! |------------------------------|--------------------------------|---------|
//! | module, field, param, method | words lowercased, joined `_`   | `guest_OS` → `guest_os` |
//! | type, enum variant           | each word capitalized, joined  | `OTHER_3X_LINUX_64` → `Other3xLinux64` |
//! | constant                     | words uppercased, joined `_`   | `max_size` → `MAX_SIZE` |
//!
//! # Identifiers that are not valid as they are
//! - A name starting with a digit gets a leading `_` (`64bit` → `_64bit`,
//!   `3D` → `_3d`); `_` keeps `non_camel_case_types` and `non_snake_case`
//!   quiet, unlike a letter prefix that would read as part of the name.
//! - Keywords (strict, reserved and edition 2024's `gen`): fields, params
//!   and methods become raw identifiers (`r#type`, `r#match`); `self`,
//!   `crate`, `super` and `Self` cannot be raw and get a trailing `_`
//!   (`self_`, `Self_`). Modules always use the `_` suffix (`type_`) so the
//!   module's file name is the identifier.
//! - A name with no letters or digits at all becomes `empty` / `Empty`.
//!
//! # Names the generated code uses itself
//! - Service handles have `new` and `client`: an operation with that name
//!   gets a trailing `_` (`new_`).
//! - Union enums have the methods `as_str` (wire tag) and `tag` (tag
//!   enumeration value), and their catch-all variant the fields `tag` and
//!   `fields`; none of these can clash with variant or case field names,
//!   which live in other namespaces.
//! - Modules named like crates the generated code refers to by bare path
//!   (`std`, `core`, `serde`, `serde_json`, `vsphere_vapi_runtime`) or like
//!   the emitter's own modules (`ops` in every service module; `runtime`,
//!   `route_table`, `lib` at the root) get a trailing `_`.
//! - Prelude and runtime type names (`Option`, `Result`, `Error`,
//!   `Client`, ...) are left alone: generated code spells std and runtime
//!   items with full paths, so only item-vs-item collisions inside one
//!   module matter. Those are resolved where the module's items are known
//!   (see `lower::layout`).
//!
//! # Task operations
//! `clone$task` is the method `clone_task`.
//!
//! # Enumeration catch-all
//! The variant holding unknown values is `Unknown`, or the first of
//! `UnknownValue`, `Unrecognized`, `Other`, `UnknownValue2`, ... that no
//! real value uses.
//!
//! # Union enums
//! A union tag field whose cases carry fields becomes an enum beside its
//! structure, named `{Structure}{TagField}`: the structure's Rust name
//! followed by the tag field's name in type case (`BackingInfo` + `type` →
//! `BackingInfoType`, `CreateSpec` + `mac_type` → `CreateSpecMacType`). If
//! an item of the module (structure, enumeration, service handle, another
//! union enum, or a prelude type name) already has that name, `Union` is
//! appended (`BackingInfoTypeUnion`), then a number (`BackingInfoTypeUnion2`,
//! ...). Structures are visited by identifier, their tags in declaration
//! order. Variants are the tag enumeration's variant names; the catch-all
//! follows the enumeration catch-all rule below.
//!
//! # Collisions after casing
//! Two wire names can map to one Rust name (`A_B`/`a_b`, `memory_size_MiB`/
//! `memory_size_mib`). [`dedupe`] keeps the name for the first (in
//! declaration order) and appends `2`, `3`, ... (`_2` for snake case) to the
//! others, skipping names that are taken or wanted by another candidate, so
//! the result depends only on the input order.

use std::collections::BTreeSet;

/// Keywords usable as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["crate", "self", "super", "Self"];

/// Methods every generated service handle defines.
const HANDLE_METHODS: &[&str] = &["new", "client"];

/// Module names that would shadow a crate or an emitter-defined module.
const RESERVED_MODULES: &[&str] = &[
    "core",
    "ops",
    "serde",
    "serde_json",
    "std",
    "vsphere_vapi_runtime",
];

/// Additional names reserved for top-level modules (files beside `lib.rs`).
const RESERVED_ROOT_MODULES: &[&str] = &["lib", "route_table", "runtime"];

/// Suffix of task variants of operations.
pub const TASK_SUFFIX: &str = "$task";

/// The words of a metamodel name: runs of ASCII letters and digits.
pub fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

fn joined(name: &str, sep: &str, word: impl Fn(&str) -> String) -> String {
    words(name).map(word).collect::<Vec<_>>().join(sep)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => {
            first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase()
        }
        None => String::new(),
    }
}

/// `guest_OS` → `guest_os` (no keyword or digit handling).
pub fn snake_case(name: &str) -> String {
    joined(name, "_", str::to_ascii_lowercase)
}

/// `OTHER_3X_LINUX_64` → `Other3xLinux64` (no keyword or digit handling).
pub fn pascal_case(name: &str) -> String {
    joined(name, "", capitalized)
}

/// `max_size` → `MAX_SIZE` (no digit handling).
pub fn screaming_case(name: &str) -> String {
    joined(name, "_", str::to_ascii_uppercase)
}

fn fix_start(mut ident: String, empty: &str) -> String {
    if ident.is_empty() {
        return empty.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    ident
}

/// Escapes a snake-case identifier that is a keyword: raw where Rust allows
/// it, a trailing `_` where it does not.
fn escape_keyword(ident: String) -> String {
    if NON_RAW_KEYWORDS.contains(&ident.as_str()) {
        ident + "_"
    } else if RAW_KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Field and parameter identifier: `command_line_options`, `r#type`, `self_`.
pub fn field_name(name: &str) -> String {
    escape_keyword(fix_start(snake_case(name), "empty"))
}

/// Method identifier of an operation: `upgrade`, `clone_task` (for
/// `clone$task`), `r#match`, `new_`.
pub fn method_name(operation_id: &str) -> String {
    let base = match operation_id.strip_suffix(TASK_SUFFIX) {
        Some(sync) => format!("{sync}_task"),
        None => operation_id.to_owned(),
    };
    let ident = fix_start(snake_case(&base), "empty");
    if HANDLE_METHODS.contains(&ident.as_str()) {
        return ident + "_";
    }
    escape_keyword(ident)
}

/// Module identifier for one id segment: `vm`, `guest_os`, `type_`, `ops_`.
/// `top_level` adds the names reserved beside `lib.rs`.
pub fn module_name(segment: &str, top_level: bool) -> String {
    let ident = fix_start(snake_case(segment), "empty");
    let reserved = RESERVED_MODULES.contains(&ident.as_str())
        || (top_level && RESERVED_ROOT_MODULES.contains(&ident.as_str()))
        || NON_RAW_KEYWORDS.contains(&ident.as_str())
        || RAW_KEYWORDS.contains(&ident.as_str());
    if reserved { ident + "_" } else { ident }
}

/// Type identifier (structure, enumeration, service handle): `Info`,
/// `GuestOs`, `Self_`.
pub fn type_name(name: &str) -> String {
    let ident = fix_start(pascal_case(name), "Empty");
    if ident == "Self" { ident + "_" } else { ident }
}

/// Enumeration variant for a wire value: `POWERED_OFF` → `PoweredOff`.
pub fn variant_name(value: &str) -> String {
    type_name(value)
}

/// Constant identifier: `MAX_SIZE`.
pub fn constant_name(name: &str) -> String {
    fix_start(screaming_case(name), "EMPTY")
}

/// The catch-all variant name: `Unknown` unless a real variant uses it.
pub fn unknown_variant<'a>(variants: impl IntoIterator<Item = &'a str>) -> String {
    let taken: BTreeSet<&str> = variants.into_iter().collect();
    ["Unknown", "UnknownValue", "Unrecognized", "Other"]
        .into_iter()
        .map(str::to_owned)
        .chain((2..).map(|n| format!("UnknownValue{n}")))
        .find(|candidate| !taken.contains(candidate.as_str()))
        .unwrap_or_default()
}

/// The preferred name of the enum a union tag becomes: `BackingInfo` +
/// `type` → `BackingInfoType` (the structure name is already a type name).
pub fn union_enum_name(structure: &str, tag_field: &str) -> String {
    format!("{structure}{}", pascal_case(tag_field))
}

/// Candidates for a union enum name, best first: the name itself, then
/// with `Union` appended, then numbered (`…Union2`, `…Union3`, ...).
pub fn union_enum_candidates(name: &str) -> impl Iterator<Item = String> + '_ {
    [name.to_owned(), format!("{name}Union")]
        .into_iter()
        .chain((2..).map(move |n| format!("{name}Union{n}")))
}

/// Makes candidate names unique, in order: the first keeps its name, later
/// duplicates get a number (`Name2`, or `name_2` when `snake`), skipping
/// names in `taken` and names other candidates ask for. Raw identifiers are
/// numbered on their bare name (`r#type` → `type_2`). Every result is added
/// to `taken`.
pub fn dedupe(candidates: &[String], taken: &mut BTreeSet<String>, snake: bool) -> Vec<String> {
    let wanted: BTreeSet<&str> = candidates.iter().map(String::as_str).collect();
    candidates
        .iter()
        .map(|candidate| {
            let name = if taken.contains(candidate) {
                let bare = candidate.strip_prefix("r#").unwrap_or(candidate);
                (2..)
                    .map(|n| {
                        if snake {
                            format!("{bare}_{n}")
                        } else {
                            format!("{bare}{n}")
                        }
                    })
                    .find(|numbered| {
                        !taken.contains(numbered) && !wanted.contains(numbered.as_str())
                    })
                    .unwrap_or_default()
            } else {
                candidate.clone()
            };
            taken.insert(name.clone());
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_keeps_metamodel_word_boundaries() {
        assert_eq!(snake_case("command_line_options"), "command_line_options");
        assert_eq!(snake_case("memory_size_MiB"), "memory_size_mib");
        assert_eq!(snake_case("guest_OS"), "guest_os");
        assert_eq!(snake_case("privateTGW_IP_blocks"), "privatetgw_ip_blocks");
        assert_eq!(snake_case("vmw-task"), "vmw_task");
    }

    #[test]
    fn pascal_case_of_names_and_enum_values() {
        assert_eq!(pascal_case("info"), "Info");
        assert_eq!(pascal_case("update_spec"), "UpdateSpec");
        assert_eq!(pascal_case("guest_OS"), "GuestOs");
        assert_eq!(pascal_case("POWERED_OFF"), "PoweredOff");
        assert_eq!(pascal_case("VMX_03"), "Vmx03");
        assert_eq!(pascal_case("OTHER_3X_LINUX_64"), "Other3xLinux64");
        assert_eq!(pascal_case("A_B"), "AB");
        assert_eq!(pascal_case("AB"), "Ab");
    }

    #[test]
    fn keywords_become_raw_or_suffixed() {
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("match"), "r#match");
        assert_eq!(field_name("ref"), "r#ref");
        assert_eq!(field_name("async"), "r#async");
        assert_eq!(field_name("dyn"), "r#dyn");
        assert_eq!(field_name("try"), "r#try");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("crate"), "crate_");
        assert_eq!(field_name("super"), "super_");
        assert_eq!(field_name("TYPE"), "r#type");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(variant_name("SELF"), "Self_");
        assert_eq!(field_name("union"), "union");
    }

    #[test]
    fn names_starting_with_digits_get_underscore() {
        assert_eq!(field_name("64bit"), "_64bit");
        assert_eq!(variant_name("3D"), "_3d");
        assert_eq!(type_name("2fa_spec"), "_2faSpec");
        assert_eq!(constant_name("1st"), "_1ST");
        assert_eq!(module_name("3d", false), "_3d");
    }

    #[test]
    fn names_without_letters_get_placeholders() {
        assert_eq!(field_name("-"), "empty");
        assert_eq!(variant_name(""), "Empty");
    }

    #[test]
    fn method_names() {
        assert_eq!(method_name("upgrade"), "upgrade");
        assert_eq!(method_name("clone$task"), "clone_task");
        assert_eq!(method_name("list_used_categories"), "list_used_categories");
        assert_eq!(method_name("new"), "new_");
        assert_eq!(method_name("client"), "client_");
        assert_eq!(method_name("match"), "r#match");
        assert_eq!(method_name("self"), "self_");
    }

    #[test]
    fn module_names_avoid_keywords_crates_and_emitter_modules() {
        assert_eq!(module_name("vm", false), "vm");
        assert_eq!(
            module_name("namespace_management", false),
            "namespace_management"
        );
        assert_eq!(module_name("type", false), "type_");
        assert_eq!(module_name("self", false), "self_");
        assert_eq!(module_name("ops", false), "ops_");
        assert_eq!(module_name("std", false), "std_");
        assert_eq!(module_name("serde", false), "serde_");
        assert_eq!(module_name("runtime", false), "runtime");
        assert_eq!(module_name("runtime", true), "runtime_");
        assert_eq!(module_name("lib", true), "lib_");
    }

    #[test]
    fn unknown_variant_avoids_real_values() {
        assert_eq!(unknown_variant(["PoweredOn", "PoweredOff"]), "Unknown");
        assert_eq!(unknown_variant(["Unknown", "Ok"]), "UnknownValue");
        assert_eq!(unknown_variant(["Unknown", "UnknownValue"]), "Unrecognized");
        assert_eq!(
            unknown_variant(["Unknown", "UnknownValue", "Unrecognized", "Other"]),
            "UnknownValue2"
        );
    }

    #[test]
    fn union_enum_names() {
        assert_eq!(union_enum_name("BackingInfo", "type"), "BackingInfoType");
        assert_eq!(
            union_enum_name("CreateSpec", "mac_type"),
            "CreateSpecMacType"
        );
        assert_eq!(union_enum_name("Spec", "guest_OS"), "SpecGuestOs");
        let candidates: Vec<String> = union_enum_candidates("AType").take(3).collect();
        assert_eq!(candidates, ["AType", "ATypeUnion", "ATypeUnion2"]);
    }

    #[test]
    fn dedupe_numbers_later_duplicates_deterministically() {
        let mut taken = BTreeSet::new();
        let names = dedupe(
            &[
                "FooBar".into(),
                "FooBar".into(),
                "FooBar2".into(),
                "FooBar".into(),
            ],
            &mut taken,
            false,
        );
        // `FooBar2` is a real name, so the numbering skips it.
        assert_eq!(names, ["FooBar", "FooBar3", "FooBar2", "FooBar4"]);

        let mut taken: BTreeSet<String> = ["r#type".to_owned()].into();
        assert_eq!(dedupe(&["r#type".into()], &mut taken, true), ["type_2"]);
    }
}
