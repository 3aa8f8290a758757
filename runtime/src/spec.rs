//! Static description of an operation's wire mapping.
//!
//! The code generator emits one [`OperationSpec`] per operation as a `static`;
//! the runtime reads it to build requests. Keeping the mapping as data (rather
//! than generated request-building code) keeps the generated crate small and
//! puts every protocol rule in one tested place.

use std::fmt;
use std::marker::PhantomData;

/// HTTP method of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where one operation parameter travels in an HTTP request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// Substituted (percent-encoded) into the path template variable `{name}`.
    Path(&'static str),
    /// Query parameter under this name. Lists repeat the name; structures are
    /// flattened into one query parameter per field, as the vAPI REST handler
    /// reads them.
    Query(&'static str),
    /// The whole request body. When the (optional) parameter is unset, the
    /// `/api` body is the JSON `null`, as VMware's own client sends it.
    Body,
    /// One field of the request body object, under this name. Several
    /// `BodyField` parameters compose one JSON object. On `/rest` every
    /// non-path, non-query parameter is a `BodyField` named after itself
    /// (`{"create_spec": {...}}`).
    BodyField(&'static str),
    /// HTTP header with this name.
    Header(&'static str),
}

/// How one operation parameter (by its wire name) is bound to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamBinding {
    /// The parameter's wire name, as in the metamodel (`command_line_options`).
    pub param: &'static str,
    /// Where the parameter goes in the request.
    pub location: ParamLocation,
}

/// A fully resolved HTTP route for one protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpRoute {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template from the host root, protocol prefix included:
    /// `/api/vcenter/vm/{vm}/tools` or
    /// `/rest/com/vmware/cis/tagging/category/id:{category_id}`.
    pub path: &'static str,
    /// Fixed query pairs that select the operation (dispatch parameters),
    /// e.g. `[("action", "upgrade")]`, `[("~action", "add-to-used-by")]`,
    /// `[("action", "clone"), ("vmw-task", "true")]`.
    pub query: &'static [(&'static str, &'static str)],
    /// Every parameter of the operation, in declaration order.
    pub params: &'static [ParamBinding],
}

/// Whether an operation may be sent again after an attempt whose effect is
/// unknown: the connection was reset, or the server answered 503 or 429.
/// [`RetryPolicy`](crate::RetryPolicy) repeats only such operations after
/// such failures; a failure to connect is retried for every operation,
/// since the request never reached the server.
///
/// The code generator decides it from the metamodel: reads are
/// [`Idempotency::Safe`], creates taking a `client_token` are
/// [`Idempotency::WithToken`], everything else is [`Idempotency::None`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Repeating it may apply it twice (a create, an action, an update, a
    /// delete).
    None,
    /// Repeating it has no effect: it only reads.
    Safe,
    /// Repeating it is harmless when the call passes the parameter of this
    /// wire name, a client token by which the server recognises a repeated
    /// request (`client_token`); without it, as [`Idempotency::None`].
    WithToken(&'static str),
}

/// The wire description of one vAPI operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationSpec {
    /// `com.vmware.vcenter.vm.tools`
    pub service_id: &'static str,
    /// `upgrade`, or `clone$task` for a task variant.
    pub operation_id: &'static str,
    /// True for `$task` variants: the server answers with a task identifier.
    pub task: bool,
    /// Whether the operation may be repeated after an attempt whose effect
    /// is unknown.
    pub idempotency: Idempotency,
    /// The `/api` route (vSphere 7.0U2+), when the operation has one.
    /// Responses are not wrapped.
    pub api: Option<HttpRoute>,
    /// The legacy `/rest` route, when the operation has one.
    /// Responses are wrapped in `{"value": ...}`.
    pub rest: Option<HttpRoute>,
    /// The vSphere API releases that have the operation. A call is refused
    /// before anything is sent when the server's release lacks it (see
    /// [`Client::supports`](crate::Client::supports)).
    pub releases: Releases,
}

/// Which vSphere API releases have an operation, out of the releases the
/// generated crate was built from.
///
/// Release identifiers are dotted numbers (`8.0.3.0`), compared part by
/// part as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Releases {
    /// Every release the generated crate covers, oldest first. Empty when
    /// nothing is known about releases: the operation is then always tried.
    pub known: &'static [&'static str],
    /// The releases of `known` that have the operation, oldest first.
    pub present: &'static [&'static str],
}

impl Releases {
    /// Nothing known: calls are never refused.
    pub const UNKNOWN: Releases = Releases {
        known: &[],
        present: &[],
    };

    /// Whether every known release has the operation (or nothing is
    /// known), so that the server's release does not matter.
    pub fn in_every_known(&self) -> bool {
        self.known
            .iter()
            .all(|release| self.present.contains(release))
    }
}

/// An operation named in a typed way: its wire description and the Rust type
/// a call yields (`T`; for a task operation, what waiting for the task
/// yields).
///
/// The generated crate defines one per operation as an associated constant
/// of the service handle, named like the method in upper case
/// (`vcenter::vm::Power::START` is an `Operation<()>`,
/// `vcenter::Vm::LIST` an `Operation<Vec<vm::Summary>>`). Tools that act on
/// operations generically take one instead of a bare [`OperationSpec`], so
/// the type of what they produce for it is checked: a mock answering
/// `Vm::LIST` is given a `Vec<vm::Summary>`, nothing else.
pub struct Operation<T> {
    spec: &'static OperationSpec,
    // `fn() -> T`: names a result type without owning one, so the handle is
    // Copy, Send and Sync whatever `T` is.
    output: PhantomData<fn() -> T>,
}

impl<T> Operation<T> {
    /// The operation described by `spec`, yielding a `T`.
    pub const fn new(spec: &'static OperationSpec) -> Self {
        Operation {
            spec,
            output: PhantomData,
        }
    }

    /// The wire description.
    pub const fn spec(&self) -> &'static OperationSpec {
        self.spec
    }

    /// `com.vmware.vcenter.vm.power`
    pub const fn service_id(&self) -> &'static str {
        self.spec.service_id
    }

    /// `start`, or `clone$task` for a task operation.
    pub const fn operation_id(&self) -> &'static str {
        self.spec.operation_id
    }

    /// True for `$task` operations.
    pub const fn is_task(&self) -> bool {
        self.spec.task
    }
}

impl<T> Clone for Operation<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Operation<T> {}

impl<T> fmt::Debug for Operation<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Operation({}.{} -> {})",
            self.spec.service_id,
            self.spec.operation_id,
            crate::error::short_type_name(std::any::type_name::<T>())
        )
    }
}

impl<T> fmt::Display for Operation<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.spec.service_id, self.spec.operation_id)
    }
}

impl<T> PartialEq for Operation<T> {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl<T> Eq for Operation<T> {}

impl<T> From<Operation<T>> for &'static OperationSpec {
    fn from(operation: Operation<T>) -> Self {
        operation.spec
    }
}
