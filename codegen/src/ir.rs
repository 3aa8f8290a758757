//! The intermediate representation between the metamodel and the emitter.
//!
//! Building the IR decides everything: every type reference is resolved, every
//! REST route is computed and every Rust name is chosen (see `names`). The
//! emitter only prints what it finds here. All collections are ordered
//! (`BTreeMap`, or `Vec` in metamodel declaration order) so output is
//! deterministic.

use std::collections::BTreeMap;

/// The whole API: every component of a snapshot merged (of several release
/// snapshots' union, see `merge`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Model {
    /// Keyed by package id (`com.vmware.vcenter.vm`).
    pub packages: BTreeMap<String, Package>,
    /// Keyed by service id (`com.vmware.vcenter.vm.tools`).
    pub services: BTreeMap<String, Service>,
    /// Every structure and error structure, package-level or nested, keyed by id
    /// (`com.vmware.vcenter.vm.tools.info`).
    ///
    /// VMware's metamodel declares a few ids twice under different owners
    /// (`com.vmware.vcenter.deployment.info`: a structure of the service
    /// `com.vmware.vcenter.deployment` and another of the package of that
    /// name). The later declaration is keyed `<id>#2` (`#` never occurs in
    /// vAPI ids), its `id` is that key, and every [`TypeRef`] already names
    /// the declaration its scope means.
    pub structures: BTreeMap<String, Structure>,
    /// Every enumeration, package-level or nested, keyed by id (duplicates
    /// keyed as for `structures`).
    pub enumerations: BTreeMap<String, Enumeration>,
    /// Cargo features of the generated crate, keyed by feature name.
    pub features: BTreeMap<String, Feature>,
    /// Typed identifiers, one per resource type named by `Resource`
    /// metadata, keyed by [`ResourceIdType::key`].
    pub resource_ids: BTreeMap<String, ResourceIdType>,
    /// The vSphere API releases of the snapshots the model was merged from,
    /// oldest first (`8.0.3.0`, …, `9.1.1.0`); empty when the snapshot
    /// names no release. Each element's [`Releases`] is a subset.
    pub releases: Vec<String>,
}

/// The snapshot releases that declare an element, out of
/// [`Model::releases`] (see `merge`). The documented "added in" of releases
/// older than the oldest snapshot stays in the element's docs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Releases {
    /// The releases that declare the element, oldest first. Empty when the
    /// model knows no releases.
    pub present: Vec<String>,
}

impl Releases {
    /// The oldest release that has the element.
    pub fn first(&self) -> Option<&str> {
        self.present.first().map(String::as_str)
    }

    /// The newest release that has the element.
    pub fn last(&self) -> Option<&str> {
        self.present.last().map(String::as_str)
    }

    /// Whether every release of `all` has the element (also when nothing
    /// is known about releases).
    pub fn in_all(&self, all: &[String]) -> bool {
        all.iter().all(|release| self.present.contains(release))
    }

    /// The release that dropped the element: the first of `all` after the
    /// last release that has it. `None` when the newest release has it.
    pub fn removed_in<'a>(&self, all: &'a [String]) -> Option<&'a str> {
        let last = self.last()?;
        let position = all.iter().position(|release| release == last)?;
        all.get(position + 1).map(String::as_str)
    }

    /// The releases of `all` before the first that has the element
    /// (empty when the oldest release has it).
    pub fn missing_before<'a>(&self, all: &'a [String]) -> &'a [String] {
        match self.first() {
            Some(first) => {
                let position = all.iter().position(|r| r == first).unwrap_or(0);
                &all[..position]
            }
            None => &[],
        }
    }

    /// Releases between the first and the last that have the element which
    /// lack it (dropped and brought back).
    pub fn gaps<'a>(&self, all: &'a [String]) -> Vec<&'a str> {
        let (Some(first), Some(last)) = (self.first(), self.last()) else {
            return Vec::new();
        };
        let start = all.iter().position(|r| r == first);
        let end = all.iter().position(|r| r == last);
        match (start, end) {
            (Some(start), Some(end)) => all[start..=end]
                .iter()
                .filter(|release| !self.present.contains(release))
                .map(String::as_str)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A newtype for the identifiers of one resource type (`VirtualMachine` →
/// `ids::VirtualMachineId`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ResourceIdType {
    /// The resource type without a `:qualifier`, lower-cased: metadata
    /// spells one type in several ways (`com.vmware.cis.TASK`,
    /// `com.vmware.cis.task`).
    pub key: String,
    /// The spellings found in the metadata, sorted.
    pub resource_types: Vec<String>,
    /// `ids::VirtualMachineId`.
    pub path: RustPath,
    /// Defined by the runtime and re-exported (the task identifier, which
    /// the runtime's task handle needs).
    pub runtime: bool,
    /// How many fields, parameters and results use it.
    pub uses: usize,
    /// The features of the items that use it, sorted (set by
    /// `features::assign`): the type is compiled only when one of them is
    /// enabled, so a single feature does not pay for every identifier of
    /// the API. Empty when nothing uses it; such a type is always compiled.
    pub features: Vec<String>,
}

/// A Cargo feature of the generated crate: either a set of packages (every
/// package belongs to exactly one such feature) or an umbrella over a package
/// group's features (`packages` empty, `includes` set).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Feature {
    pub name: String,
    /// Package ids whose modules this feature enables.
    pub packages: Vec<String>,
    /// Services of another feature's package (a group's root package) whose
    /// handles and nested types this feature enables: `com.vmware.vcenter.VM`
    /// for `vcenter-vm`.
    pub services: Vec<String>,
    /// Other features whose types this feature's types refer to.
    pub depends_on: Vec<String>,
    /// For an umbrella feature: the features it turns on as a whole.
    pub includes: Vec<String>,
}

/// Where a definition lives in the generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RustPath {
    /// Module path below the crate root: `["vcenter", "vm", "tools"]`.
    pub module: Vec<String>,
    /// Item name: `Info`.
    pub name: String,
}

/// Documentation of an element: inline nodes, not final Markdown, so the
/// emitter can turn references into rustdoc links to the Rust items it
/// prints (see `docs`). Lifecycle sentences ("This class was added in
/// vSphere API 7.0.0.0.", deprecation notes) are not part of it: they are
/// [`Lifecycle`] data on the element.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Doc {
    pub nodes: Vec<DocNode>,
}

impl Doc {
    /// Documentation that is plain prose.
    pub fn text(text: impl Into<String>) -> Doc {
        let text = text.into();
        Doc {
            nodes: if text.is_empty() {
                Vec::new()
            } else {
                vec![DocNode::Text(text)]
            },
        }
    }

    /// Whether there is nothing but whitespace to print.
    pub fn is_empty(&self) -> bool {
        self.nodes.iter().all(|node| match node {
            DocNode::Text(text) | DocNode::Markdown(text) => text.trim().is_empty(),
            DocNode::Code(code) => code.trim().is_empty(),
            _ => false,
        })
    }
}

/// One inline piece of documentation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum DocNode {
    /// Prose; the renderer escapes what Markdown would misread.
    Text(String),
    /// A code span (`{@code x}`, `<code>x</code>`).
    Code(String),
    /// A reference to a vAPI element (`{@link …}`, `{@code Tools.Info}`,
    /// Javadoc `Foo#bar`): its id, with `#member` for a field, operation,
    /// enumeration value or constant (`com.vmware.vcenter.vm.tools.info#state`).
    /// Lowering makes the id absolute when the element exists (a package's
    /// as `mod@com.vmware.vcenter.vm`: a service may have the same id); a
    /// target it could not find stays as written, and the emitter reports
    /// it and prints it as code.
    Link {
        target: String,
        /// Text the metamodel gives instead of the element's name.
        label: Option<String>,
    },
    /// An IDL term (`{@term unset}`), printed in Rust's words (`None`).
    Term(String),
    /// A parameter of the documented operation, by its Rust name.
    Param(String),
    /// Markdown structure taken from HTML and list markup: paragraph
    /// breaks, list items, emphasis, fenced blocks, autolinks. Printed as is.
    Markdown(String),
}

/// When an element appeared in the API and whether it is deprecated: taken
/// from the metamodel's lifecycle data and from the sentences the
/// documentation states it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Lifecycle {
    /// The vSphere API release that added the element (`7.0.0.0`).
    pub since: Option<String>,
    pub deprecated: Option<Deprecation>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Deprecation {
    /// The release that deprecated the element.
    pub since: Option<String>,
    /// What to use instead, as plain text (`Use com.vmware.x#y instead.`).
    pub note: Option<String>,
    /// The same note as documentation, whose references become links.
    pub note_doc: Doc,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Package {
    pub id: String,
    pub doc: Doc,
    /// The Cargo feature that enables this package.
    pub feature: String,
    /// Module this package maps to (`["vcenter", "vm"]`).
    pub module: Vec<String>,
    pub services: Vec<String>,
    pub structures: Vec<String>,
    pub enumerations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Service {
    pub id: String,
    pub package: String,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    /// The client handle's path: `vcenter::vm::Tools`.
    pub path: RustPath,
    /// Module holding the service's nested structures and enumerations:
    /// `["vcenter", "vm", "tools"]`.
    pub nested_module: Vec<String>,
    pub operations: Vec<Operation>,
    pub structures: Vec<String>,
    pub enumerations: Vec<String>,
    pub constants: Vec<Constant>,
    /// The Cargo feature that enables the handle and its nested types: its
    /// package's, except for services of a group's root package, which may
    /// have their own (`com.vmware.vcenter.VM` → `vcenter-vm`).
    pub feature: String,
    /// The snapshot releases that declare the service.
    pub releases: Releases,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Operation {
    /// Wire id: `upgrade`, `clone$task`.
    pub id: String,
    /// Rust method name: `upgrade`, `clone_task`.
    pub rust_name: String,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    pub params: Vec<Field>,
    pub output: TypeRef,
    pub output_doc: Doc,
    pub errors: Vec<ErrorRef>,
    pub task: TaskKind,
    /// `SCREAMING` name of the operation's wire-description static
    /// (`CLONE_TASK`).
    pub static_name: String,
    /// The associated constant of the service handle that names the
    /// operation as a typed `Operation<Output>` (`Power::START`,
    /// `Vm::CLONE_VM_TASK`): the static's name, unless a constant of the
    /// service already has it.
    pub handle_const: String,
    /// How the method takes its parameters.
    pub call: CallShape,
    /// The waiting helper of a task operation whose result type is known
    /// and which has no request builder (`clone_vm_and_wait`); builders
    /// offer `send_and_wait` instead.
    pub wait_name: Option<String>,
    /// What waiting for an `op$task` yields: the snapshot's `TaskResult`
    /// output metadata (an extension of reconstructed snapshots), else the
    /// synchronous twin's output. `None` for plain operations and for
    /// task-only operations of live dumps, whose result type is unknown.
    pub task_result: Option<TypeRef>,
    pub api: Option<Route>,
    pub rest: Option<Route>,
    /// Why a protocol has no route, for the route table.
    pub api_missing_reason: Option<String>,
    pub rest_missing_reason: Option<String>,
    /// The snapshot releases that declare the operation.
    pub releases: Releases,
    /// Whether sending the operation again is harmless when the outcome of
    /// an attempt is unknown (a reset connection, a 503): the runtime's
    /// retry policy repeats only such operations after such failures.
    pub idempotency: Idempotency,
}

/// Whether an operation may be repeated after an attempt whose effect is
/// unknown; decided by `lower::idempotency`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Idempotency {
    /// Repeating it may apply it twice (creates, actions, updates).
    None,
    /// Repeating it has no effect: it only reads (its route is a `GET`),
    /// even where the legacy protocol sends it as a `POST`.
    Safe,
    /// Repeating it is harmless when the caller passed this parameter (wire
    /// name), a client token by which the server recognises a repeated
    /// request (`client_token`).
    WithToken(String),
}

/// How an operation's method takes its parameters: required ones
/// positionally (at most three) or bundled in an argument structure (more
/// than three), optional ones through a request builder ending in `send()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CallShape {
    /// Indices (into `Operation::params`) of the required parameters, in
    /// declaration order.
    pub required: Vec<usize>,
    /// When more than three parameters are required: the structure holding
    /// them, taken by reference as the only argument.
    pub args: Option<RustPath>,
    /// When the operation has optional parameters: its request builder.
    pub builder: Option<RequestBuilder>,
}

/// A request builder: the method returns it, setters add optional
/// parameters, `send()` runs the call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestBuilder {
    pub path: RustPath,
    /// (index into `Operation::params`, setter name) of each optional
    /// parameter.
    pub setters: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum TaskKind {
    /// A plain synchronous operation.
    None,
    /// `op$task`, the task variant of the operation `op` that also exists.
    TaskVariantOf(String),
    /// `op$task` whose synchronous form does not exist.
    TaskOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ErrorRef {
    /// `com.vmware.vapi.std.errors.not_found`
    pub structure_id: String,
    pub doc: Doc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// Where the route came from, for the route table and the docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RouteSource {
    /// `@GET/@POST/...(path=…)` verb annotation.
    Verb,
    /// Legacy `@RequestMapping` annotation. On an `/api` route: derived from
    /// it because the operation has no verb annotation (see `rest`).
    RequestMapping,
    /// The vAPI REST handler's default `/rest/<service>` convention.
    DefaultConvention,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum ParamLocation {
    Path(String),
    Query(String),
    Body,
    BodyField(String),
    Header(String),
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParamBinding {
    pub param: String,
    pub location: ParamLocation,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Route {
    pub method: HttpMethod,
    /// From the host root, prefix included: `/api/vcenter/vm/{vm}/tools`.
    pub path: String,
    /// Fixed dispatch query pairs: `[("action", "upgrade")]`. An empty value
    /// means the key must be present without a value
    /// (`?with-removed-components`).
    pub query: Vec<(String, String)>,
    pub params: Vec<ParamBinding>,
    pub source: RouteSource,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum StructureKind {
    Structure,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Owner {
    Package(String),
    Service(String),
    Structure(String),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Structure {
    pub id: String,
    pub kind: StructureKind,
    pub owner: Owner,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    pub path: RustPath,
    pub fields: Vec<Field>,
    /// Union tags: field name of the tag → the cases it selects.
    pub unions: Vec<Union>,
    pub constants: Vec<Constant>,
    /// Nested enumerations' ids.
    pub enumerations: Vec<String>,
    /// Feature that enables this structure's module.
    pub feature: String,
    /// Some field's `zero_if_missing` decodes a missing value of this
    /// structure as its zero, so it implements
    /// `vsphere_vapi_runtime::de::Zero` (see `lower::zeros`).
    pub zero: bool,
    /// The snapshot releases that declare the structure.
    pub releases: Releases,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Union {
    /// The tag field (an enumeration).
    pub tag_field: String,
    /// Case: tag value → field names that are set for it.
    pub cases: BTreeMap<String, Vec<String>>,
    /// The Rust enum the tag and its case fields become (see
    /// `lower::unions`), or `None` when the tag stays a plain enumeration
    /// field (no case has fields of its own).
    pub rust: Option<UnionEnum>,
}

/// A union tag printed as a Rust enum: the structure's tag field holds it,
/// and each variant carries exactly the case fields of one tag value.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnionEnum {
    /// The enum, in the structure's module: `BackingInfoType`.
    pub path: RustPath,
    /// The tag field's enumeration (its values name the variants).
    pub tag_enumeration: String,
    /// Whether the tag field is optional (the structure's field is then
    /// `Option<Enum>`).
    pub optional: bool,
    /// One variant per tag value: the enumeration's values in declaration
    /// order, then case values the enumeration does not declare.
    pub variants: Vec<UnionVariant>,
    /// The catch-all variant for tag values this crate does not know
    /// (`Unknown`, or another name when a real variant uses it).
    pub unknown_variant: String,
    /// Set when the tag field is itself a case field of another union of
    /// the structure (that union's tag field): this enum then lives inside
    /// that union's variants instead of on the structure.
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnionVariant {
    /// Tag value on the wire: `STANDARD_PORTGROUP`.
    pub wire: String,
    /// Variant: `StandardPortgroup`.
    pub rust_name: String,
    pub doc: Doc,
    /// Wire names of the case fields this variant carries, in the
    /// structure's declaration order.
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Field {
    /// Wire name: `command_line_options`.
    pub name: String,
    /// Rust identifier (raw identifiers written `r#type`).
    pub rust_name: String,
    pub ty: TypeRef,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    /// Resource types of an ID (or list of IDs), from `Resource` metadata.
    pub resource_types: Vec<String>,
    /// Set when the field is only meaningful for some values of a union tag:
    /// (tag field name, tag values).
    pub union_case: Option<(String, Vec<String>)>,
    /// A required field whose type has a natural zero (see `lower::zeros`):
    /// a response that leaves it out decodes it as that zero and the
    /// omission is logged. `false` for optional fields (absent is `None`),
    /// for required fields without a zero (absent is a decode error) and
    /// for operation parameters.
    pub zero_if_missing: bool,
    /// The snapshot releases whose declaration of the owner has this field
    /// or parameter.
    pub releases: Releases,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Constant {
    pub name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub value: ConstantValue,
    pub doc: Doc,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum ConstantValue {
    Boolean(bool),
    Long(i64),
    Double(f64),
    String(String),
    List(Vec<ConstantValue>),
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Enumeration {
    pub id: String,
    pub owner: Owner,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    pub path: RustPath,
    pub values: Vec<EnumValue>,
    /// Name of the catch-all variant holding values this crate does not
    /// know: always [`crate::names::UNKNOWN_VARIANT`]; real values never
    /// take it.
    pub unknown_variant: String,
    pub feature: String,
    /// The snapshot releases that declare the enumeration.
    pub releases: Releases,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnumValue {
    /// Wire value: `POWERED_OFF`.
    pub wire: String,
    /// Variant: `PoweredOff`.
    pub rust_name: String,
    pub doc: Doc,
    pub lifecycle: Lifecycle,
    /// The snapshot releases whose enumeration has this value.
    pub releases: Releases,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Builtin {
    Void,
    Boolean,
    Long,
    Double,
    String,
    Binary,
    Secret,
    DateTime,
    Id,
    Uri,
    AnyError,
    DynamicStructure,
    Opaque,
}

/// A resolved type reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum TypeRef {
    Builtin(Builtin),
    /// Id of a structure present in [`Model::structures`].
    Structure(String),
    /// Id of an enumeration present in [`Model::enumerations`].
    Enumeration(String),
    /// An identifier of one resource type: key of
    /// [`Model::resource_ids`].
    Resource(String),
    /// An identifier of one of several resource types, or of a type named
    /// by a sibling field (`vsphere_vapi_runtime::ResourceId`).
    AnyResource,
    Optional(Box<TypeRef>),
    List(Box<TypeRef>),
    Set(Box<TypeRef>),
    Map(Box<TypeRef>, Box<TypeRef>),
}
