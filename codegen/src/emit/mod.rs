//! Prints the [`ir::Model`](crate::ir::Model) as the source of the `vsphere-vapi` crate.
//!
//! The IR has already decided every name, route and type; this module only
//! decides how Rust spells them. Each concept has its own emitter:
//!
//! | module          | prints                                                              |
//! |-----------------|---------------------------------------------------------------------|
//! | `structure`     | vAPI structures and error structures as `pub struct`s               |
//! | `union`         | every structure's fields and written-out serde impls; union enums   |
//! | `enumeration`   | vAPI enumerations as `vsphere_vapi_runtime::vapi_enum!` invocations |
//! | `service`       | client handles, one method per operation, `ops::*` statics          |
//! | `route_table`   | `operations()`: every [`OperationSpec`] of the enabled features     |
//! | `crate_root`    | module files, `lib.rs` (crate docs, re-exports, feature gates)      |
//! | `crates`        | the split into crates: one per package group, a shared one, the roots of both |
//! | `manifest`      | each crate's `Cargo.toml` (one feature per [`Feature`](crate::ir::Feature)) and `README.md` |
//!
//! Code is built with `quote!`, parsed into `syn` items (so a syntax error in
//! an emitter is an [`EmitError`], not a broken file) and formatted with
//! `prettyplease`, one item at a time so items are separated by blank lines.
//! The two bulk shapes, structures' serde impls and the `ops::*` statics,
//! are written as text in prettyplease's layout instead (`emit::text`, see
//! "Regen cost").
//! Output depends only on the model: every collection is iterated in sorted
//! or declaration order, so regenerating gives byte-identical files.
//!
//! [`OperationSpec`]: https://docs.rs/vsphere-vapi-runtime/latest/vsphere_vapi_runtime/spec/struct.OperationSpec.html
//!
//! # Type mapping
//!
//! | vAPI type            | field / result type                        | why |
//! |----------------------|--------------------------------------------|-----|
//! | `BOOLEAN`            | `bool`                                     | direct |
//! | `LONG`               | `i64`                                      | vAPI longs are signed 64-bit |
//! | `DOUBLE`             | `f64`                                      | direct |
//! | `STRING`             | `String`                                   | owned so responses can be kept and structures built freely |
//! | `ID` with `Resource` metadata | `ids::<Type>Id` (one resource type), `vsphere_vapi_runtime::ResourceId` (several) | an identifier of one kind cannot be passed where another is expected; every typed identifier converts into `ResourceId` (see `lower::ids`) |
//! | `ID` without it      | `String`                                   | nothing says what it identifies |
//! | `URI`                | `String`                                   | the server does not always send absolute URIs; parsing would reject real responses |
//! | `BINARY`             | `vsphere_vapi_runtime::types::Binary`      | base64 on the wire, bytes in Rust |
//! | `SECRET`             | `vsphere_vapi_runtime::types::Secret`      | keeps passwords out of `Debug` output |
//! | `DATE_TIME`          | `vsphere_vapi_runtime::types::DateTime`    | keeps the server's text so values round-trip unchanged; the runtime interprets it and writes the canonical form (UTC, milliseconds, `Z`) |
//! | `ANY_ERROR`, `DYNAMIC_STRUCTURE`, `OPAQUE` | `serde_json::Value`  | their shape is only known at run time |
//! | `VOID`               | `()`                                       | operations without a result |
//! | `OPTIONAL<T>`        | `Option<T>`, `#[serde(default, skip_serializing_if = "Option::is_none")]` | only metamodel-optional fields are `Option`; unset is omitted on the wire as the server expects |
//! | `LIST<T>`, `SET<T>`  | `Vec<T>`                                   | sets are lists on the wire; a `Vec` keeps the server's order and needs no `Hash`/`Ord` on `T`. Required lists get `#[serde(default = "…", deserialize_with = "vsphere_vapi_runtime::de::null_as_default")]`: `null` decodes as empty, a missing member as empty with a report (see the missing-member row) |
//! | `MAP<K, V>`          | `vsphere_vapi_runtime::types::VapiMap<K, V>` | accepts both wire forms (`/api` object, `/rest` key/value list); required maps are lenient like lists |
//! | structure            | the generated `struct`, boxed (`Box<T>`) where a field would make the structure contain itself without indirection | a recursive `Option<T>` has infinite size; `Vec` and maps already add indirection |
//! | enumeration          | the generated `vapi_enum!` enum            | non-exhaustive with a catch-all variant holding unknown wire values, so newer servers do not break deserialization |
//! | a required field missing from a response | its zero when the type has a natural zero (`BOOLEAN`, `LONG`, `DOUBLE`, `STRING`, collections, structures whose required fields all have one), else a `missing field` error (`ID`, `URI`, typed identifiers, enumerations, `BINARY`, `SECRET`, `DATE_TIME`, dynamic types) | Go servers omit `0`, `false` and `""` (`omitempty`); `lower::zeros` decides per field, the field gets `#[serde(default = "Type::__missing_field")]` (union structures: the same in their hand-written impls), whose function calls `vsphere_vapi_runtime::de::missing` to log a warning once per type and field; such structures implement `de::Zero` |
//!
//! Operation parameters borrow instead of taking ownership: `&str` for
//! `STRING`/`ID`/`URI`, `bool`/`i64`/`f64` by value, `&[T]` for lists and sets,
//! `&T` for everything else. Callers keep their values and the runtime only
//! serializes them. Optional parameters are set on a request builder the
//! method returns (see `lower::calls`), with the same borrowing rules.
//!
//! Structures derive `Debug, Clone, PartialEq, Serialize, Deserialize`, and
//! `Default` when every field is optional. A structure with union tags
//! (`lower::unions`) instead holds one enum per tag, whose variants carry
//! exactly their case fields, and gets hand-written serde impls that keep
//! the flat wire form (see `union`). They are not `#[non_exhaustive]`:
//! users build request specs with struct literals (`..Default::default()`
//! where available).
//!
//! # Documentation
//!
//! Doc comments are printed from the IR's doc nodes by `docs`: metamodel
//! references become intra-doc links to the Rust items (`docs::links`),
//! references to nothing this crate prints are code spans and reported in
//! [`GeneratedCrate::docs`]. Each element's lifecycle is one line ("Since
//! vSphere API 7.0.0.0. **Deprecated** since …") and, when deprecated,
//! `#[deprecated(note = …)]`: users are warned where they use it, while
//! the crate itself (`#![allow(deprecated)]`) names deprecated fields and
//! operations in its serde impls, constructors and route table.
//!
//! # Services
//!
//! Each service is a handle (`pub struct Tools { client }`, `new(&Client)`)
//! with one method per operation whose body is a single
//! `client.operation(&SPEC).param(..)….send()` chain returning the runtime's
//! future (`impl Future<Output = Result<T>>`, not an `async fn`: see
//! "Compile cost"); all protocol logic is in the runtime. The `OperationSpec` statics live in an inline `ops` module
//! inside the service's nested-type module (`vcenter::vm::tools::ops::UPGRADE`);
//! each carries the releases that have the operation (`crate::EVERY_RELEASE`,
//! or the crate's `RELEASES` and a list), which the runtime checks against
//! the server's release before sending a call. Docs of elements some of the
//! model's releases lack say which (`docs::releases_note`), relative to the
//! owner: a field is only noted when its structure's releases differ.
//! Task operations (`clone$task`) return the task identifier; when the IR
//! knows the task's result type (`Operation::task_result`: recorded in the
//! snapshot, or the synchronous twin's output), a `clone_and_wait` helper
//! polls the task with `Client::wait_for_task`. Method docs list parameters, result,
//! both HTTP routes (or why one is missing) and the declared errors.
//!
//! # Compile cost
//!
//! The crate is large (2,300 structures, 1,465 operations for all
//! features), so how each concept is printed decides how long users wait
//! for `cargo check`. Budget: all features ≤ 30 s and ≤ 2 GB, `vcenter-vm`
//! alone ≤ 5 s, cold, on 2 cores (`cargo xtask bench` measures it; keep
//! its figures in the commit message of a change that moves them). What
//! the measurements (`-Z time-passes` on the crate, variants compared
//! back to back) showed, and what follows from it:
//!
//! - **Serde derives were most of the cost.** Stubbing every derived
//!   `Deserialize` halved the check; `Serialize` took another quarter of
//!   what was left. The derives expand into a field-identifier enum and
//!   visitor, `visit_seq` and `visit_map` per structure and a
//!   `serde(default = …)`/`deserialize_with` wrapper per lenient field.
//!   Structures therefore get written-out impls (`union`): `Serialize` is
//!   one `serialize_entry` per field, `Deserialize` one `visit_map` with a
//!   slot per field and one `match` on the key. Structures serialize as
//!   maps only (no `visit_seq`), which is all JSON and the other
//!   self-describing formats need.
//! - **No closure per field.** A closure is a body of its own to type- and
//!   borrow-check; absent members are handled by plain calls
//!   (`de::required`, `de::or_zero`) instead of `ok_or_else(|| …)`.
//! - **No branch per field.** Each `?` and `if let` adds blocks, drop flags
//!   and region constraints to the body, and borrow checking grows faster
//!   than the body with them. A member read is one call (`de::put`,
//!   `de::put_some`, `de::put_or_empty`) whose result the key `match`
//!   yields, with a single `?` after it; plain structures write their
//!   members through `ser::Members` (`entry`, `optional`), which keeps the
//!   first error instead of returning early. Both together cut peak memory
//!   for all features from 2.25 to 1.99 GB.
//! - **No `async fn` per operation, no `+ Send` in signatures.** Each
//!   `async fn` is a coroutine whose state machine is built and
//!   borrow-checked; the methods return the runtime's future directly.
//!   Writing `impl Future<…> + Send` makes the compiler prove `Send` of the
//!   runtime's future once per method, which cost 18 s of 61 s for all
//!   features; without it the future is still `Send` (auto traits leak
//!   through `impl Trait`), checked where a caller needs it. Methods that
//!   await twice (`…_and_wait`) stay `async`.
//! - **Item checking scales with items.** About a third of what is left
//!   is well-formedness checking of items and impls ("coherence_checking"
//!   in `-Z time-passes`), proportional to their number: prefer one impl
//!   to several, and no helper items per field.
//!
//! - **Shared items are gated too.** An item every feature compiles is paid
//!   by the smallest one: identifier types (`crates/shared/src/ids.rs`, about 20 impls
//!   each) carry the features that use them, which took `vcenter-vm` alone
//!   from 5.3 to 4.6 s.
//!
//! - **One crate per package group.** rustc's front end checks a crate
//!   on one core, so the single crate left the second core idle and held
//!   the whole API in one process (25.6–31.0 s at 1.97 GB for all
//!   features, on a quiet machine). Split into `vsphere-vapi-<group>`
//!   crates (`emit::crates`), which depend on each other as their
//!   features' types do (`vcenter` on `cis`, `oauth2`, `vapi`), cargo checks
//!   the independent groups side by side: 16.3–16.5 s, and the largest
//!   rustc 1.08 GB, in interleaved runs of both layouts. Module files are
//!   unchanged: each crate root re-exports what they name through `crate::`
//!   (the runtime's types, `ids`, the groups it depends on), hidden from
//!   its docs. A doc link into a group the crate does not depend on is
//!   printed as code (21 of 7,915 links).
//!
//! - **Tried, within the noise, not kept:** enumerations' `Hash`/`Ord`
//!   through the wire string instead of derived; a `visit_map` that
//!   matches member indices (`next_member` over the wire names) instead of
//!   strings; one `match` over the slots of all required members instead
//!   of a `?` each. On this 2-core machine runs of one tree vary from 30
//!   to 44 s for all features, so compare interleaved runs of both trees
//!   (A B A B) and trust only a difference larger than that spread.
//!
//! # Regen cost
//!
//! Budget: `cargo xtask regen` ≤ 1 s warm, as users run it (the dev
//! profile, with the generator and the crates it spends its time in
//! optimized), and ≤ 6× a bare parse of the same snapshots; `cargo xtask
//! bench` measures both. What profiling (`perf record`) showed:
//!
//! - **The formatting round trip is most of emit:** tokens are built by
//!   `quote`, parsed by `syn` and printed by prettyplease. Docs are 40 % of
//!   the output bytes and skip it: a doc block becomes one placeholder
//!   attribute and is written as `///` lines after printing
//!   (`emit::doc_text`), a third off emit.
//! - **Parsing known code back is the rest of it:** with docs out of the
//!   round trip, `syn` parsing was 34 % of all regen CPU time and
//!   prettyplease printing 7 %, most of it on the serde impls and the
//!   operation statics (half the code lines), whose layout is known in
//!   advance. `emit::text` writes them directly: a statement clearly
//!   within the margin on one line, anything closer to it (or holding a
//!   block) laid out by prettyplease alone in a wrapper at the same depth,
//!   so the bytes do not change (`regen --check` holds them). New bulk
//!   shapes belong there; one-off items stay on tokens.
//! - **Lines that must break are broken here too:** handle methods (a
//!   fifth of the remaining `syn` time) almost never fit one line, so
//!   asking prettyplease for each was still a parse per method.
//!   `emit::pretty` is a small line breaker with prettyplease's rule (a box
//!   breaks when the text up to the next break outside it does not fit; a
//!   consistent box breaks at all of its breaks), fed the boxes prettyplease
//!   uses for parameter lists, generic arguments, call arguments and method
//!   chains; `emit::handle` prints signatures, the `Operation` constants
//!   and method bodies with it, and `emit::text` the long statements,
//!   slot declarations, struct fields and `impl` headers of the serde
//!   impls (an `impl` header near the margin used to send the whole impl
//!   back through prettyplease). A type shape it does not model is an
//!   [`EmitError`], not a silent misprint; `regen --check` holds the bytes.
//!   What is left on the round trip (tagged unions' `match` statements and
//!   enum items, request builders, enumerations) is about a sixth of regen
//!   CPU: the next place to look.
//! - **Work that finds nothing should cost nothing:** identifiers that are
//!   plain ASCII non-keywords skip the `syn` identifier parser; doc
//!   framing patterns (`class`, `attribute`, `exception`) run only on texts
//!   holding their word, and a text nothing was replaced in is not copied;
//!   a `WireMap`'s duplicate-key check is a binary search (the linear scan
//!   was quadratic in the large components).
//! - **Fresh memory is not free:** each page the process touches first
//!   costs a fault and zeroing (2 MiB at once with transparent huge pages),
//!   and on a machine whose memory went to the page cache that zeroing was
//!   up to a quarter of regen in profiles. Snapshot files are read into one
//!   buffer per thread (70 MB less touched), and the model and crate are
//!   left to the process exit on every path of `regen`, `--check`
//!   included.
//! - **No allocation per character** in doc parsing: most of a doc is
//!   plain text appended to the node before it; names are lowercased by
//!   bytes when ASCII.
//! - **Independent work runs on all cores:** reading component files,
//!   merging services beside types, lowering services beside types (the
//!   services thread then takes types from the same queue, as types are
//!   twice the work), building the link index beside the layout, refining
//!   docs element by element, printing every file of the crate (module
//!   files and the crate-level ones alike: the route table alone is tens of
//!   milliseconds), freeing the snapshots. Each thread takes the next item
//!   (module files differ twentyfold in size, so fixed shares left a core
//!   idle); results are put in item order, so output does not depend on
//!   scheduling. `regen` compares with `generated/` on two threads and
//!   leaves freeing the model to the process exit.
//! - **Cheap tests before patterns:** each lifecycle pattern needs a literal
//!   (`" added in vSphere API "`, `"@deprecated"`, …) most texts lack, so
//!   the literal is looked for first.
//!
//! # Features and files
//!
//! One crate per package group below `crates/` (`crates/vcenter/`, see
//! `crates`), one module per package, one file per module
//! (`crates/vcenter/src/vcenter/vm.rs`, children in `…/src/vcenter/vm/`); the
//! `vsphere-vapi` crate (`src/lib.rs`, the route table) re-exports each
//! group's module, and `crates/shared/` holds the identifier types. A module is compiled when any feature of an item in
//! it or below is enabled; items whose feature differs from their module's
//! only gate carry their own `#[cfg]`. The route table gates each entry.
//! Gates always name the item's own (package) feature; umbrella features
//! (`Feature::includes`) only appear in `Cargo.toml`, where they enable their
//! members. `vsphere-vapi` declares every feature and turns it on in its
//! group's crate, which turns on what the feature refers to in the crates
//! it depends on and in the shared crate.
//!
//! # Naming guards
//!
//! Names come from the IR. The emitter only guards against clashes with the
//! names it introduces itself: a module that defines a type called `Option`,
//! `Vec`, `String` or `Box` gets fully qualified `::std::…` paths for those,
//! and clashes it cannot avoid (two items with one name in a module, an
//! operation method called `new`, a module shadowing `serde`, …) are reported
//! as [`EmitError`]s naming the offending definitions.

mod crate_root;
mod crates;
mod doc_text;
mod docs;
mod enumeration;
mod format;
mod guide;
mod handle;
mod layout;
mod manifest;
mod mock;
mod pretty;
mod route_table;
mod service;
mod structure;
mod text;
mod tokens;
mod types;
mod union;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::ir::{Model, TypeRef};

pub use docs::{DocReport, Unresolved};

/// The snapshot directory name written into file headers when none is given.
pub const DEFAULT_SNAPSHOT: &str = "vsphere-9.1.1.0";

/// Inputs of the emitter besides the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Name of the snapshot directory below `metamodel-snapshots/`, named in
    /// every file header (`vsphere-9.1.1.0`).
    pub snapshot: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            snapshot: DEFAULT_SNAPSHOT.to_owned(),
        }
    }
}

/// The generated crates: file contents keyed by path relative to `generated/`
/// (`Cargo.toml`, `src/lib.rs`, `crates/vcenter/src/vcenter/vm.rs`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratedCrate {
    pub files: BTreeMap<PathBuf, String>,
    /// Documentation links printed and references that could not be linked.
    pub docs: DocReport,
}

impl GeneratedCrate {
    /// Total number of lines over all files.
    pub fn line_count(&self) -> usize {
        self.files.values().map(|text| lines_in(text)).sum()
    }

    /// The file with the most lines (the last of equals in path order), and
    /// its line count.
    pub fn largest_file(&self) -> Option<(&std::path::Path, usize)> {
        self.files
            .iter()
            .map(|(path, text)| (path.as_path(), lines_in(text)))
            .fold(None, |largest, (path, lines)| match largest {
                Some((_, most)) if most > lines => largest,
                _ => Some((path, lines)),
            })
    }
}

/// `text.lines().count()`, counted by bytes: 20 MB of output is counted in
/// a few milliseconds instead of tens.
fn lines_in(text: &str) -> usize {
    let breaks = text.bytes().filter(|&byte| byte == b'\n').count();
    breaks + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

/// Why the model could not be printed. Each variant names the definition at
/// fault so the front end (or the metamodel) can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmitError {
    #[error("{context}: `{name}` is not a valid Rust identifier")]
    InvalidIdentifier { context: String, name: String },
    #[error("{context}: refers to unknown {kind} `{id}`")]
    UnknownReference {
        context: String,
        kind: &'static str,
        id: String,
    },
    #[error("module `{module}`: the name `{name}` is used by both {first} and {second}")]
    NameCollision {
        module: String,
        name: String,
        first: String,
        second: String,
    },
    #[error(
        "{context}: uses `{target}` from feature `{target_feature}`, which feature `{feature}` does not depend on"
    )]
    MissingFeatureDependency {
        context: String,
        target: String,
        feature: String,
        target_feature: String,
    },
    #[error("{context}: {message}")]
    Unsupported { context: String, message: String },
    #[error("{context}: emitted code does not parse ({message}); this is a bug in the emitter")]
    Syntax { context: String, message: String },
}

/// The files one parallel job of [`generate_with`] prints.
type FileJob<'a> = Box<dyn FnOnce() -> Result<Vec<(PathBuf, String)>, EmitError> + Send + 'a>;

/// Prints `model` with default [`Options`].
pub fn generate(model: &Model) -> Result<GeneratedCrate, EmitError> {
    generate_with(model, &Options::default())
}

/// Prints `model` as the files of the `vsphere-vapi` crate.
pub fn generate_with(model: &Model, options: &Options) -> Result<GeneratedCrate, EmitError> {
    let ctx = Ctx::new(model, options)?;
    let ctx = &ctx;
    // Every file is independent of the others, so all are printed on all
    // cores, the crate-level files (the route table is among the largest)
    // first. The results go into the sorted map and the first error in job
    // order is reported, so output and errors do not depend on scheduling.
    let mut jobs: Vec<FileJob<'_>> = vec![
        Box::new(|| {
            Ok(vec![(
                PathBuf::from("src/route_table.rs"),
                route_table::emit(ctx)?,
            )])
        }),
        Box::new(|| {
            let shared = PathBuf::from(crates::CRATES_DIR).join(crates::SHARED);
            Ok(vec![
                (shared.join("src/lib.rs"), crates::shared_lib(ctx)?),
                (shared.join("src/ids.rs"), crate_root::emit_ids(ctx)?),
                (shared.join("Cargo.toml"), manifest::shared_cargo_toml(ctx)?),
                (PathBuf::from("Cargo.toml"), manifest::cargo_toml(ctx)?),
                (PathBuf::from("README.md"), manifest::readme(ctx)),
            ])
        }),
    ];
    for group in ctx.crates.groups.values() {
        jobs.push(Box::new(move || {
            let dir = PathBuf::from(crates::CRATES_DIR).join(crate::names::unraw(&group.module));
            Ok(vec![
                (dir.join("src/lib.rs"), crates::group_lib(ctx, group)?),
                (
                    dir.join("Cargo.toml"),
                    manifest::group_cargo_toml(ctx, group)?,
                ),
            ])
        }));
    }
    for module in ctx.layout.modules.values() {
        jobs.push(Box::new(move || {
            crate_root::emit_module_file(ctx, module).map(|file| vec![file])
        }));
    }
    let mut files = BTreeMap::new();
    for result in crate::parallel::map(jobs, |job| job()) {
        files.extend(result?);
    }
    let mut docs = std::mem::take(
        &mut *ctx
            .report
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    docs.unresolved.sort();
    docs.unresolved.dedup();
    Ok(GeneratedCrate { files, docs })
}

/// The code of one service as a reviewable unit: its client handle and the
/// module holding its nested types and operation specs, in the form they take
/// in the generated crate (used for golden tests of representative services).
pub fn render_service(model: &Model, service_id: &str) -> Result<String, EmitError> {
    let options = Options::default();
    let ctx = Ctx::new(model, &options)?;
    crate_root::render_service(&ctx, service_id)
}

/// The package of the standard errors, whose structures share one shape.
pub(crate) const STD_ERRORS_PREFIX: &str = "com.vmware.vapi.std.errors.";
/// The enumeration of standard error types (`error_type` on the wire),
/// re-exported as `ErrorKind`.
pub(crate) const ERROR_KIND_ENUMERATION: &str = "com.vmware.vapi.std.errors.error.type";
/// The base standard error structure, re-exported as `StandardError`.
pub(crate) const STANDARD_ERROR_STRUCTURE: &str = "com.vmware.vapi.std.errors.error";

/// The `ErrorKind` variant of a standard error structure, if it is one.
fn error_kind_variant<'m>(model: &'m Model, structure_id: &str) -> Option<&'m str> {
    let name = structure_id.strip_prefix(STD_ERRORS_PREFIX)?;
    if name.contains('.') {
        return None;
    }
    let wire = crate::names::screaming_case(name);
    model
        .enumerations
        .get(ERROR_KIND_ENUMERATION)?
        .values
        .iter()
        .find(|value| value.wire == wire)
        .map(|value| value.rust_name.as_str())
}

/// Everything the emitters share: the model plus facts derived from it once.
pub(crate) struct Ctx<'a> {
    pub model: &'a Model,
    pub options: &'a Options,
    pub layout: layout::Layout<'a>,
    /// `(structure id, field name)` of fields that need a `Box`.
    pub boxed_fields: BTreeSet<(String, String)>,
    /// Feature name → itself plus every feature it (transitively) depends on.
    pub feature_closure: BTreeMap<String, BTreeSet<String>>,
    /// Where documentation references link to.
    pub links: docs::Links,
    /// The crates the code is split into.
    pub crates: crates::Crates,
    /// What printing documentation found (links, unresolved references).
    /// Behind a lock because module files are emitted on several threads;
    /// sorted when the crate is done, so the order of pushes does not matter.
    pub report: std::sync::Mutex<DocReport>,
}

impl<'a> Ctx<'a> {
    fn new(model: &'a Model, options: &'a Options) -> Result<Self, EmitError> {
        // The link index depends on the model only: it is built on a thread
        // of its own while the layout is decided here.
        let (links, planned) = crate::parallel::join(
            || {
                docs::Links::build(model, &|id| {
                    error_kind_variant(model, id).map(str::to_owned)
                })
            },
            || {
                let feature_closure = feature_closures(model)?;
                let layout = layout::Layout::build(model)?;
                let boxed_fields = types::boxed_fields(model);
                let crates = crates::Crates::build(model, &layout, &feature_closure)?;
                Ok::<_, EmitError>((feature_closure, layout, boxed_fields, crates))
            },
        );
        let (feature_closure, layout, boxed_fields, crates) = planned?;
        let ctx = Ctx {
            model,
            options,
            layout,
            boxed_fields,
            feature_closure,
            links,
            crates,
            report: Default::default(),
        };
        ctx.check_feature_dependencies()?;
        Ok(ctx)
    }

    /// The `ErrorKind` variant of a standard error structure
    /// (`com.vmware.vapi.std.errors.not_found` → `NotFound`), if it is one.
    pub fn error_kind_variant(&self, structure_id: &str) -> Option<&'a str> {
        error_kind_variant(self.model, structure_id)
    }

    /// The feature compiling the standard error types (`ErrorKind`,
    /// `ErrorExt`); empty when the model has none.
    pub fn error_kind_feature(&self) -> &'a str {
        self.model
            .enumerations
            .get(ERROR_KIND_ENUMERATION)
            .map_or("", |enumeration| enumeration.feature.as_str())
    }

    /// The feature enabling a service's handle and nested types
    /// ([`Service::feature`](crate::ir::Service::feature)).
    pub fn service_feature<'s>(
        &self,
        service: &'s crate::ir::Service,
    ) -> Result<&'s str, EmitError> {
        if self.model.features.contains_key(&service.feature) {
            Ok(&service.feature)
        } else {
            Err(EmitError::UnknownReference {
                context: format!("service `{}`", service.id),
                kind: "feature",
                id: service.feature.clone(),
            })
        }
    }

    /// Whether code enabled by `from` may name items enabled by `to`.
    pub fn feature_reaches(&self, from: &str, to: &str) -> bool {
        self.feature_closure
            .get(from)
            .is_some_and(|closure| closure.contains(to))
    }

    /// Every type a structure field or operation signature names must be
    /// compiled whenever the code naming it is: otherwise enabling a single
    /// feature fails to build. Checked up front so the error names the field.
    fn check_feature_dependencies(&self) -> Result<(), EmitError> {
        for structure in self.model.structures.values() {
            for field in &structure.fields {
                self.check_type_features(
                    &structure.feature,
                    &field.ty,
                    &format!("field `{}` of structure `{}`", field.name, structure.id),
                )?;
            }
        }
        for service in self.model.services.values() {
            let feature = self.service_feature(service)?;
            for operation in &service.operations {
                let context = format!("operation `{}` of service `{}`", operation.id, service.id);
                for param in &operation.params {
                    self.check_type_features(feature, &param.ty, &context)?;
                }
                self.check_type_features(feature, &operation.output, &context)?;
                if let Some(result) = &operation.task_result {
                    self.check_type_features(feature, result, &context)?;
                }
            }
        }
        Ok(())
    }

    fn check_type_features(
        &self,
        feature: &str,
        ty: &TypeRef,
        context: &str,
    ) -> Result<(), EmitError> {
        let (target, target_feature) = match ty {
            TypeRef::Builtin(_) | TypeRef::AnyResource => return Ok(()),
            TypeRef::Resource(key) => return self.check_resource_features(feature, key, context),
            TypeRef::Optional(inner) | TypeRef::List(inner) | TypeRef::Set(inner) => {
                return self.check_type_features(feature, inner, context);
            }
            TypeRef::Map(key, value) => {
                self.check_type_features(feature, key, context)?;
                return self.check_type_features(feature, value, context);
            }
            TypeRef::Structure(id) => (id, &self.structure(id, context)?.feature),
            TypeRef::Enumeration(id) => (id, &self.enumeration(id, context)?.feature),
        };
        if self.feature_reaches(feature, target_feature) {
            Ok(())
        } else {
            Err(EmitError::MissingFeatureDependency {
                context: context.to_owned(),
                target: target.clone(),
                feature: feature.to_owned(),
                target_feature: target_feature.clone(),
            })
        }
    }

    /// Identifier types are compiled with the features that use them
    /// (`ResourceIdType::features`), or with every feature when ungated; an
    /// unknown key is reported where the type is printed.
    fn check_resource_features(
        &self,
        feature: &str,
        key: &str,
        context: &str,
    ) -> Result<(), EmitError> {
        let Some(id) = self.model.resource_ids.get(key) else {
            return Ok(());
        };
        if id.runtime
            || id.features.is_empty()
            || id.features.iter().any(|f| self.feature_reaches(feature, f))
        {
            return Ok(());
        }
        Err(EmitError::MissingFeatureDependency {
            context: context.to_owned(),
            target: format!("{}::{}", id.path.module.join("::"), id.path.name),
            feature: feature.to_owned(),
            target_feature: id.features.join("`, `"),
        })
    }

    pub fn structure(
        &self,
        id: &str,
        context: &str,
    ) -> Result<&'a crate::ir::Structure, EmitError> {
        self.model
            .structures
            .get(id)
            .ok_or_else(|| EmitError::UnknownReference {
                context: context.to_owned(),
                kind: "structure",
                id: id.to_owned(),
            })
    }

    pub fn enumeration(
        &self,
        id: &str,
        context: &str,
    ) -> Result<&'a crate::ir::Enumeration, EmitError> {
        self.model
            .enumerations
            .get(id)
            .ok_or_else(|| EmitError::UnknownReference {
                context: context.to_owned(),
                kind: "enumeration",
                id: id.to_owned(),
            })
    }

    pub fn resource_id(
        &self,
        key: &str,
        context: &str,
    ) -> Result<&'a crate::ir::ResourceIdType, EmitError> {
        self.model
            .resource_ids
            .get(key)
            .ok_or_else(|| EmitError::UnknownReference {
                context: context.to_owned(),
                kind: "resource identifier type",
                id: key.to_owned(),
            })
    }
}

/// Transitive closure of `depends_on` and `includes` for every feature (a
/// feature reaches itself). Unknown feature names are errors: Cargo would reject them too.
fn feature_closures(model: &Model) -> Result<BTreeMap<String, BTreeSet<String>>, EmitError> {
    let mut closures = BTreeMap::new();
    for name in model.features.keys() {
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.clone()];
        while let Some(current) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            let feature =
                model
                    .features
                    .get(&current)
                    .ok_or_else(|| EmitError::UnknownReference {
                        context: format!("feature `{name}`"),
                        kind: "feature",
                        id: current.clone(),
                    })?;
            stack.extend(feature.depends_on.iter().cloned());
            stack.extend(feature.includes.iter().cloned());
        }
        closures.insert(name.clone(), seen);
    }
    Ok(closures)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{GeneratedCrate, lines_in};

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n", "\r\n", "a\r\nb"] {
            assert_eq!(lines_in(text), text.lines().count(), "{text:?}");
        }
    }

    #[test]
    fn the_largest_file_is_the_last_of_the_longest_in_path_order() {
        let mut generated = GeneratedCrate::default();
        for (path, text) in [
            ("a.rs", "1\n2\n"),
            ("b.rs", "1\n2\n3"),
            ("c.rs", "x\ny\nz\n"),
        ] {
            generated.files.insert(PathBuf::from(path), text.to_owned());
        }
        assert_eq!(generated.largest_file(), Some((Path::new("c.rs"), 3)));
        assert_eq!(generated.line_count(), 8);
        assert_eq!(GeneratedCrate::default().largest_file(), None);
    }
}
