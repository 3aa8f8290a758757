//! [`MockCall`]: one request the mock received, with its parameters read
//! back into Rust values on demand.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::query::TextDeserializer;
use super::route::RawParam;
use crate::client::Protocol;
use crate::spec::{Operation, OperationSpec};

/// One request the mock received: which operation it was for, over which
/// protocol, and its parameters.
///
/// The parameters are kept as they travelled (path segments, query string,
/// JSON body) and read into a Rust type when asked for, through the same
/// bindings the client used to send them:
/// `call.param::<VirtualMachineId>("vm")`. Parameter names are the wire
/// names of the metamodel (`vm`, `filter`, `spec`), as in the HTTP section
/// of each method's docs.
#[derive(Clone)]
pub struct MockCall {
    pub(super) spec: Option<&'static OperationSpec>,
    pub(super) protocol: Protocol,
    pub(super) method: String,
    pub(super) target: String,
    pub(super) params: Vec<(&'static str, RawParam)>,
    pub(super) body: Option<Value>,
    pub(super) answered: bool,
}

impl MockCall {
    /// The operation's description, when the request was recognized as one.
    pub fn spec(&self) -> Option<&'static OperationSpec> {
        self.spec
    }

    /// `com.vmware.vcenter.vm.power`; empty when the request matched no known
    /// operation.
    pub fn service_id(&self) -> &'static str {
        self.spec.map_or("", |spec| spec.service_id)
    }

    /// `start`, `clone$task`; empty when the request matched no known
    /// operation.
    pub fn operation_id(&self) -> &'static str {
        self.spec.map_or("", |spec| spec.operation_id)
    }

    /// Whether this is a call of `operation`.
    pub fn is<T>(&self, operation: Operation<T>) -> bool {
        self.spec
            .is_some_and(|spec| same_operation(spec, operation.spec()))
    }

    /// [`Protocol::Api`] or [`Protocol::Rest`]: the route the client used.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The HTTP method (`POST`).
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Path and query as sent (`/api/vcenter/vm/vm-42/power?action=start`).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// False when no rule answered the call (see
    /// [`MockServer::unmatched_calls`](super::MockServer::unmatched_calls)).
    pub fn was_answered(&self) -> bool {
        self.answered
    }

    /// The JSON body, when the request had one.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }

    /// The wire names of the parameters the request carries, in the
    /// operation's declaration order (unset optional ones are absent).
    pub fn param_names(&self) -> Vec<&'static str> {
        self.params.iter().map(|(name, _)| *name).collect()
    }

    /// Whether the request carries the parameter `name`.
    pub fn has_param(&self, name: &str) -> bool {
        self.params.iter().any(|(param, _)| *param == name)
    }

    /// The parameter `name` read as a `T`. An absent parameter reads as
    /// `null`, so `Option<T>` gives `None` for it.
    ///
    /// # Panics
    ///
    /// When the parameter cannot be read as a `T` (absent and not an
    /// `Option`, or of another type), with a message naming the operation,
    /// the parameter, its value and `T`. Use [`MockCall::try_param`] to
    /// handle that instead.
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> T {
        match self.try_param(name) {
            Ok(value) => value,
            Err(error) => panic!("{error}"),
        }
    }

    /// The parameter `name` read as a `T`; see [`MockCall::param`].
    pub fn try_param<T: DeserializeOwned>(&self, name: &str) -> Result<T, ParamError> {
        let raw = self.params.iter().find(|(param, _)| *param == name);
        let result = match raw {
            None => T::deserialize(Value::Null).map_err(|err| err.to_string()),
            Some((_, RawParam::Json(value))) => {
                T::deserialize(value).map_err(|err| err.to_string())
            }
            Some((_, RawParam::Text(node))) => {
                T::deserialize(TextDeserializer::new(node)).map_err(|err| err.to_string())
            }
        };
        result.map_err(|reason| ParamError {
            call: self.to_string(),
            param: name.to_owned(),
            expected: std::any::type_name::<T>(),
            present: raw.is_some(),
            reason,
        })
    }

    /// `name = value` of every parameter, values as JSON, for messages.
    pub(super) fn describe_params(&self) -> String {
        if self.params.is_empty() {
            return "no parameters".to_owned();
        }
        self.params
            .iter()
            .map(|(name, raw)| format!("{name} = {}", shorten(&raw.to_json().to_string())))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether two descriptions are of the same operation (the generated table
/// and the runtime may each have a static for `com.vmware.cis.tasks.get`).
pub(super) fn same_operation(a: &OperationSpec, b: &OperationSpec) -> bool {
    a.service_id == b.service_id && a.operation_id == b.operation_id
}

/// Long values are cut in messages; a whole create spec helps nobody there.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 200;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

impl fmt::Display for MockCall {
    /// `com.vmware.vcenter.vm.power.start(vm = "vm-42")`, or the method and
    /// target of a request no operation matched.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.spec {
            Some(spec) => {
                let params: Vec<String> = self
                    .params
                    .iter()
                    .map(|(name, raw)| format!("{name} = {}", shorten(&raw.to_json().to_string())))
                    .collect();
                write!(
                    f,
                    "{}.{}({})",
                    spec.service_id,
                    spec.operation_id,
                    params.join(", ")
                )
            }
            None => write!(f, "{} {}", self.method, self.target),
        }
    }
}

impl fmt::Debug for MockCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockCall")
            .field("operation", &format_args!("{self}"))
            .field("protocol", &self.protocol)
            .field("target", &format_args!("{} {}", self.method, self.target))
            .field("answered", &self.answered)
            .finish()
    }
}

/// A parameter that could not be read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    call: String,
    param: String,
    expected: &'static str,
    present: bool,
    reason: String,
}

impl ParamError {
    /// False when the request does not carry the parameter at all.
    pub fn is_present(&self) -> bool {
        self.present
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected = crate::error::short_type_name(self.expected);
        if self.present {
            write!(
                f,
                "parameter `{}` of {} cannot be read as {expected}: {}",
                self.param, self.call, self.reason
            )
        } else {
            write!(
                f,
                "{} has no parameter `{}` (ask for an Option<{expected}> when it may be unset)",
                self.call, self.param
            )
        }
    }
}

impl std::error::Error for ParamError {}
