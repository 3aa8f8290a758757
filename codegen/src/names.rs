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
//! # Names the generated code uses itself (one table: [`RESERVED`])
//! - Service handles have `new` and `client`, and derive `Clone` and
//!   `Debug`; callers reach for the methods of common traits on any value
//!   (`clone`, `eq`, `hash`, `fmt`, `into`, `to_owned`, `default`, …). An
//!   operation whose method name is one of those gets the service's name
//!   appended (`VM.clone` → `clone_vm`, its task twin `clone_vm_task`), so
//!   `handle.clone()` always means `Clone::clone`.
//! - Request builders have `send` and `send_and_wait`: a parameter setter
//!   with that name gets `_value` appended.
//! - Union enums have the methods `as_str` (wire tag) and `tag` (tag
//!   enumeration value), and their catch-all variant the fields `tag` and
//!   `fields`; none of these can clash with variant or case field names,
//!   which live in other namespaces.
//! - Modules named like crates the generated code refers to by bare path
//!   (`std`, `core`, `serde`, `serde_json`, `vsphere_vapi_runtime`) or like
//!   the emitter's own modules (`ops` in every service module; `ids`,
//!   `runtime`, `route_table`, `lib` at the root) get a word instead
//!   (`com.vmware.vapi.std` → `vapi::standard`); no public module name ends
//!   in `_`. Keyword modules are raw identifiers (`content::r#type`), whose
//!   file is the bare word (`type.rs`).
//! - Types named like prelude or crate-root items (`Error`, `Result`,
//!   `Option`, …) would shadow them under a glob import: they get the name of
//!   the element that owns them in front (`tokenservice::Error` →
//!   `TokenserviceError`), skipping the generic owner name `errors`
//!   (`com.vmware.vapi.std.errors.error` → `StandardError`).
//!
//! # Task operations
//! `clone$task` is the method `<sync method>_task` (`clone_vm_task`), and its
//! waiting helper `<sync method>_and_wait`.
//!
//! # Enumeration catch-all
//! The variant holding unknown values is always `Unknown`; a real value that
//! would take that name becomes `UnknownValue` (then `UnknownValue2`, …).
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

/// Whether `name` is a plain (not raw) identifier that no keyword table
/// here names: ASCII letters, digits and `_`, not starting with a digit,
/// not `_` alone. Such a name needs no parser to become an identifier.
pub fn is_plain_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    match bytes.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {}
        _ => return false,
    }
    name != "_"
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !RAW_KEYWORDS.contains(&name)
        && !NON_RAW_KEYWORDS.contains(&name)
}

/// What a generated name must not be, by where it is defined: the single
/// table of names the generated code, the runtime and the traits generated
/// types implement already use.
pub struct Reserved {
    /// Methods of every service handle: its own (`new`, `client`) and those
    /// of the traits it implements or callers reach for.
    pub handle_methods: &'static [&'static str],
    /// Methods of every request builder.
    pub builder_methods: &'static [&'static str],
    /// Module names that would shadow a crate or an emitter-defined module,
    /// with the word used instead.
    pub modules: &'static [(&'static str, &'static str)],
    /// Further module names taken at the crate root (files beside `lib.rs`).
    pub root_modules: &'static [(&'static str, &'static str)],
    /// Type names the crate root defines or re-exports.
    pub root_types: &'static [&'static str],
    /// Type names that shadow prelude or crate-root items under a glob
    /// import, in any module.
    pub shadowing_types: &'static [&'static str],
    /// Owner names too generic to qualify a shadowing type name with.
    pub generic_owners: &'static [&'static str],
}

/// The reserved names of the generated crate.
pub const RESERVED: Reserved = Reserved {
    handle_methods: &[
        "as_ref",
        "borrow",
        "borrow_mut",
        "client",
        "clone",
        "clone_from",
        "clone_into",
        "cmp",
        "default",
        "deref",
        "drop",
        "eq",
        "fmt",
        "from",
        "hash",
        "into",
        "ne",
        "new",
        "partial_cmp",
        "to_owned",
        "to_string",
        "try_from",
        "try_into",
        "type_id",
    ],
    builder_methods: &["send", "send_and_wait"],
    modules: &[
        ("core", "core_api"),
        ("ops", "operations"),
        ("serde", "serde_api"),
        ("serde_json", "serde_json_api"),
        ("std", "standard"),
        ("vsphere_vapi_runtime", "runtime_api"),
    ],
    root_modules: &[
        ("ids", "identifiers"),
        ("lib", "library"),
        ("route_table", "route_table_api"),
        ("runtime", "runtime_api"),
    ],
    root_types: &[
        "Client",
        "ClientBuilder",
        "Error",
        "ErrorExt",
        "ErrorKind",
        "Protocol",
        "Result",
        "StandardError",
        "Task",
        "TaskWaitOptions",
    ],
    shadowing_types: &["Box", "Error", "Option", "Result", "String", "Vec"],
    generic_owners: &["errors"],
};

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

/// An identifier without its `r#` raw prefix: `r#type` → `type`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Field and parameter identifier: `command_line_options`, `r#type`, `self_`.
pub fn field_name(name: &str) -> String {
    escape_keyword(fix_start(snake_case(name), "empty"))
}

/// Method identifier of an operation: `upgrade`, `r#match`, `clone_vm` (for
/// `VM.clone`: a reserved handle method gets the service name appended),
/// `clone_vm_task` (for `clone$task`, after its synchronous twin).
pub fn method_name(operation_id: &str, service_name: &str) -> String {
    let (sync, task) = match operation_id.strip_suffix(TASK_SUFFIX) {
        Some(sync) => (sync, true),
        None => (operation_id, false),
    };
    let mut ident = fix_start(snake_case(sync), "empty");
    if RESERVED.handle_methods.contains(&ident.as_str()) {
        ident = format!("{ident}_{}", snake_case(service_name));
    }
    if task {
        ident.push_str("_task");
    }
    escape_keyword(ident)
}

/// The waiting helper of a task operation whose method is `task_method`
/// (`clone_vm_task` → `clone_vm_and_wait`).
pub fn wait_method_name(task_method: &str) -> String {
    let bare = task_method.strip_prefix("r#").unwrap_or(task_method);
    let base = bare.strip_suffix("_task").unwrap_or(bare);
    format!("{base}_and_wait")
}

/// A request builder's setter for a parameter whose identifier is `field`.
pub fn setter_name(field: &str) -> String {
    if RESERVED.builder_methods.contains(&field) {
        format!("{field}_value")
    } else {
        field.to_owned()
    }
}

/// Module identifier for one id segment: `vm`, `guest_os`, `r#type`,
/// `standard` (for `std`). `top_level` adds the names reserved beside
/// `lib.rs`.
pub fn module_name(segment: &str, top_level: bool) -> String {
    let ident = fix_start(snake_case(segment), "empty");
    let replacement = RESERVED
        .modules
        .iter()
        .chain(if top_level {
            RESERVED.root_modules
        } else {
            &[]
        })
        .find(|(reserved, _)| *reserved == ident);
    if let Some((_, word)) = replacement {
        return (*word).to_owned();
    }
    if NON_RAW_KEYWORDS.contains(&ident.as_str()) {
        return format!("{ident}_module");
    }
    escape_keyword(ident)
}

/// Type identifier (structure, enumeration, service handle): `Info`,
/// `GuestOs`, `Self_`.
pub fn type_name(name: &str) -> String {
    let ident = fix_start(pascal_case(name), "Empty");
    if ident == "Self" { ident + "_" } else { ident }
}

/// A type name that would shadow a prelude or crate-root item gets its
/// owner's name in front: `Error` owned by `tokenservice` → `TokenserviceError`.
/// `owners` lists the owner segments from the nearest outwards; generic ones
/// (`errors`) are skipped, and module replacements apply (`std` →
/// `Standard`).
pub fn unshadowed_type_name(name: String, owners: &[&str]) -> String {
    if !RESERVED.shadowing_types.contains(&name.as_str()) {
        return name;
    }
    let owner = owners
        .iter()
        .map(|owner| snake_case(owner))
        .find(|owner| !owner.is_empty() && !RESERVED.generic_owners.contains(&owner.as_str()));
    match owner {
        Some(owner) => {
            let word = RESERVED
                .modules
                .iter()
                .find(|(reserved, _)| *reserved == owner)
                .map_or(owner.as_str(), |(_, word)| word);
            format!("{}{name}", pascal_case(word))
        }
        None => format!("Api{name}"),
    }
}

/// Enumeration variant for a wire value: `POWERED_OFF` → `PoweredOff`.
pub fn variant_name(value: &str) -> String {
    type_name(value)
}

/// Constant identifier: `MAX_SIZE`.
pub fn constant_name(name: &str) -> String {
    fix_start(screaming_case(name), "EMPTY")
}

/// The associated constant naming an operation on its service handle: the
/// operation's static name (`START`), or `START_OPERATION` when a constant
/// of the service is called that.
pub fn operation_const_name(static_name: &str, constants: &BTreeSet<String>) -> String {
    if constants.contains(static_name) {
        format!("{static_name}_OPERATION")
    } else {
        static_name.to_owned()
    }
}

/// The catch-all variant of every enumeration.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Variant names for the wire values of one enumeration: unique, and never
/// the catch-all's name (a real `UNKNOWN` becomes `UnknownValue`).
pub fn variant_names<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let candidates: Vec<String> = values
        .into_iter()
        .map(|value| {
            let name = variant_name(value);
            if name == UNKNOWN_VARIANT {
                format!("{UNKNOWN_VARIANT}Value")
            } else {
                name
            }
        })
        .collect();
    let mut taken = BTreeSet::from([UNKNOWN_VARIANT.to_owned()]);
    dedupe(&candidates, &mut taken, false)
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
        assert_eq!(method_name("upgrade", "tools"), "upgrade");
        assert_eq!(method_name("clone$task", "VM"), "clone_vm_task");
        assert_eq!(method_name("clone", "VM"), "clone_vm");
        assert_eq!(
            method_name("list_used_categories", "tag"),
            "list_used_categories"
        );
        assert_eq!(method_name("new", "tag"), "new_tag");
        assert_eq!(method_name("client", "oidc"), "client_oidc");
        assert_eq!(method_name("default", "Policy"), "default_policy");
        assert_eq!(method_name("to_string", "x"), "to_string_x");
        assert_eq!(method_name("match", "x"), "r#match");
        assert_eq!(method_name("self", "x"), "self_");
        assert_eq!(wait_method_name("clone_vm_task"), "clone_vm_and_wait");
        assert_eq!(wait_method_name("r#type_task"), "type_and_wait");
        assert_eq!(setter_name("send"), "send_value");
        assert_eq!(setter_name("filter"), "filter");
    }

    #[test]
    fn module_names_avoid_keywords_crates_and_emitter_modules() {
        assert_eq!(module_name("vm", false), "vm");
        assert_eq!(
            module_name("namespace_management", false),
            "namespace_management"
        );
        assert_eq!(module_name("type", false), "r#type");
        assert_eq!(module_name("self", false), "self_module");
        assert_eq!(module_name("ops", false), "operations");
        assert_eq!(module_name("std", false), "standard");
        assert_eq!(module_name("serde", false), "serde_api");
        assert_eq!(module_name("runtime", false), "runtime");
        assert_eq!(module_name("runtime", true), "runtime_api");
        assert_eq!(module_name("lib", true), "library");
        assert_eq!(module_name("ids", true), "identifiers");
        for (reserved, word) in RESERVED.modules.iter().chain(RESERVED.root_modules) {
            assert!(!word.ends_with('_'), "{reserved} -> {word}");
        }
    }

    #[test]
    fn shadowing_type_names_take_their_owner() {
        assert_eq!(unshadowed_type_name("Info".into(), &["vm"]), "Info");
        assert_eq!(
            unshadowed_type_name("Error".into(), &["tokenservice", "vcenter"]),
            "TokenserviceError"
        );
        assert_eq!(
            unshadowed_type_name("Error".into(), &["errors", "std", "vapi"]),
            "StandardError"
        );
        assert_eq!(
            unshadowed_type_name("Result".into(), &["resource_checks"]),
            "ResourceChecksResult"
        );
        assert_eq!(unshadowed_type_name("Result".into(), &[]), "ApiResult");
    }

    #[test]
    fn catch_all_is_always_unknown() {
        assert_eq!(
            variant_names(["POWERED_ON", "POWERED_OFF"]),
            ["PoweredOn", "PoweredOff"]
        );
        assert_eq!(variant_names(["UNKNOWN", "OK"]), ["UnknownValue", "Ok"]);
        assert_eq!(
            variant_names(["UNKNOWN", "UNKNOWN_VALUE"]),
            ["UnknownValue", "UnknownValue2"]
        );
        assert!(!variant_names(["unknown", "Unknown"]).contains(&UNKNOWN_VARIANT.to_owned()));
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
    fn operation_constants_give_way_to_service_constants() {
        let constants: BTreeSet<String> = ["RESOURCE_TYPE".to_owned(), "LIST".to_owned()].into();
        assert_eq!(operation_const_name("START", &constants), "START");
        assert_eq!(operation_const_name("LIST", &constants), "LIST_OPERATION");
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
