//! What a mock answers: [`Rule`]s registered per operation, and the
//! [`MockError`]s they may answer with.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::MockServer;
use super::call::MockCall;
use crate::spec::{Operation, OperationSpec};
use crate::types;

/// An error the mock answers with, as the server would send it: a vAPI
/// error structure (discriminator, messages, data) with the HTTP status
/// that goes with it, in the `/api` or `/rest` form the call used.
///
/// The generated crate converts its `ErrorKind` into one
/// (`MockError::from(ErrorKind::NotFound)`, or `vsphere_vapi::mock::error`
/// with a message); [`MockError::structure`] takes any error structure.
#[derive(Debug, Clone, PartialEq)]
pub struct MockError {
    pub(super) error_type: String,
    /// The structure's fields besides the discriminator, in the `/api` form
    /// and in the `/rest` form (maps differ).
    pub(super) api: Map<String, Value>,
    pub(super) rest: Map<String, Value>,
    pub(super) status: Option<u16>,
    pub(super) rest_type: Option<String>,
    pub(super) in_task: bool,
}

impl MockError {
    /// A standard error by its discriminator (`NOT_FOUND`), without
    /// messages.
    pub fn new(error_type: impl Into<String>) -> MockError {
        let mut fields = Map::new();
        fields.insert("messages".to_owned(), Value::Array(Vec::new()));
        MockError {
            error_type: error_type.into(),
            api: fields.clone(),
            rest: fields,
            status: None,
            rest_type: None,
            in_task: false,
        }
    }

    /// An error structure with these fields (a generated error type such as
    /// `NotFound`, or a service's own error structure), under the
    /// discriminator `error_type`.
    ///
    /// # Panics
    ///
    /// When `structure` does not serialize to a JSON object.
    pub fn structure<S: Serialize + ?Sized>(
        error_type: impl Into<String>,
        structure: &S,
    ) -> MockError {
        let fields = |value: serde_json::Result<Value>| match value {
            Ok(Value::Object(mut fields)) => {
                fields.remove("error_type");
                fields
            }
            Ok(other) => panic!("an error structure serializes to an object, not {other}"),
            Err(err) => panic!("the error structure cannot be serialized: {err}"),
        };
        MockError {
            error_type: error_type.into(),
            api: fields(types::to_api_value(structure)),
            rest: fields(types::to_rest_value(structure)),
            status: None,
            rest_type: None,
            in_task: false,
        }
    }

    /// Adds a message (its `default_message`; the first describes the
    /// error, later ones its causes).
    pub fn message(self, text: impl Into<String>) -> MockError {
        self.message_with_id("vsphere_vapi.mock.message", text)
    }

    /// Adds a message with its localization identifier.
    pub fn message_with_id(mut self, id: impl Into<String>, text: impl Into<String>) -> MockError {
        let message = json!({"id": id.into(), "default_message": text.into(), "args": []});
        for fields in [&mut self.api, &mut self.rest] {
            match fields.get_mut("messages") {
                Some(Value::Array(messages)) => messages.push(message.clone()),
                _ => {
                    fields.insert("messages".to_owned(), Value::Array(vec![message.clone()]));
                }
            }
        }
        self
    }

    /// Sets the error's `data` (see `StandardError::data`).
    ///
    /// # Panics
    ///
    /// When `data` cannot be serialized.
    pub fn data<D: Serialize + ?Sized>(mut self, data: &D) -> MockError {
        let encode = |value: serde_json::Result<Value>| {
            value.unwrap_or_else(|err| panic!("the error data cannot be serialized: {err}"))
        };
        self.api
            .insert("data".to_owned(), encode(types::to_api_value(data)));
        self.rest
            .insert("data".to_owned(), encode(types::to_rest_value(data)));
        self
    }

    /// Answers with this HTTP status instead of the one the discriminator
    /// goes with (see [`MockError::http_status`]).
    pub fn with_status(mut self, status: u16) -> MockError {
        self.status = Some(status);
        self
    }

    /// The `/rest` identifier of the error (`type`), for an error that is
    /// not a standard one; by default `com.vmware.vapi.std.errors.` and
    /// the discriminator in lower case.
    pub fn with_rest_type(mut self, id: impl Into<String>) -> MockError {
        self.rest_type = Some(id.into());
        self
    }

    /// For a task operation: the task starts, then fails with this error
    /// (waiting for it gives `Error::TaskFailed`), instead of the request
    /// that starts it failing. Mostly useful in closures given to
    /// [`Rule::respond`]; [`Rule::task_fails`] does the same.
    pub fn in_task(mut self) -> MockError {
        self.in_task = true;
        self
    }

    /// The discriminator (`NOT_FOUND`).
    pub fn error_type(&self) -> &str {
        &self.error_type
    }

    /// The HTTP status of the answer: the one given with
    /// [`MockError::with_status`], else the one vCenter's REST handler uses
    /// for the discriminator (`NOT_FOUND` 404, `UNAUTHENTICATED` 401,
    /// `UNAUTHORIZED` 403, `SERVICE_UNAVAILABLE` 503, `TIMED_OUT` 504,
    /// `CONCURRENT_CHANGE` 409, `INTERNAL_SERVER_ERROR` and `ERROR` 500,
    /// 400 for the other standard errors and for service errors).
    pub fn http_status(&self) -> u16 {
        if let Some(status) = self.status {
            return status;
        }
        match self.error_type.as_str() {
            "NOT_FOUND" | "OPERATION_NOT_FOUND" => 404,
            "UNAUTHENTICATED" => 401,
            "UNAUTHORIZED" => 403,
            "SERVICE_UNAVAILABLE" => 503,
            "TIMED_OUT" => 504,
            "CONCURRENT_CHANGE" => 409,
            "INTERNAL_SERVER_ERROR" | "ERROR" | "CANCELED" => 500,
            _ => 400,
        }
    }

    /// The error in the `/api` form: `{"error_type": ..., "messages": ...}`.
    pub(super) fn api_body(&self) -> Value {
        let mut fields = self.api.clone();
        fields.insert(
            "error_type".to_owned(),
            Value::String(self.error_type.clone()),
        );
        Value::Object(fields)
    }

    /// The error in the `/rest` form: `{"type": "com.vmware...", "value": {...}}`.
    pub(super) fn rest_body(&self) -> Value {
        let id = self.rest_type.clone().unwrap_or_else(|| {
            format!(
                "com.vmware.vapi.std.errors.{}",
                self.error_type.to_ascii_lowercase()
            )
        });
        json!({"type": id, "value": Value::Object(self.rest.clone())})
    }
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error_type)?;
        if let Some(Value::Array(messages)) = self.api.get("messages") {
            let texts: Vec<&str> = messages
                .iter()
                .filter_map(|message| message.get("default_message").and_then(Value::as_str))
                .collect();
            if !texts.is_empty() {
                write!(f, ": {}", texts.join("; "))?;
            }
        }
        Ok(())
    }
}

/// A result value encoded for both protocols.
#[derive(Debug, Clone)]
pub(super) struct Encoded {
    pub(super) api: Value,
    pub(super) rest: Value,
}

impl Encoded {
    fn of<T: Serialize>(value: &T, spec: &OperationSpec) -> Encoded {
        let encode = |value: serde_json::Result<Value>| {
            value.unwrap_or_else(|err| {
                panic!(
                    "the mocked result of {}.{} cannot be serialized: {err}",
                    spec.service_id, spec.operation_id
                )
            })
        };
        Encoded {
            api: encode(types::to_api_value(value)),
            rest: encode(types::to_rest_value(value)),
        }
    }
}

/// What a rule decided to answer.
#[derive(Debug, Clone)]
pub(super) enum Outcome {
    /// The result (for a task operation: the task succeeds with it).
    Value(Encoded),
    /// The request fails, or for an error marked [`MockError::in_task`] the
    /// task does.
    Error(MockError),
}

pub(super) type Condition = Arc<dyn Fn(&MockCall) -> bool + Send + Sync>;
pub(super) type Responder = Arc<dyn Fn(&MockCall) -> Outcome + Send + Sync>;

/// A registered rule.
pub(super) struct RuleEntry {
    pub(super) spec: &'static OperationSpec,
    pub(super) conditions: Vec<Condition>,
    /// Calls it still answers; `usize::MAX` for any number.
    pub(super) remaining: AtomicUsize,
    /// Status polls a started task reports `RUNNING` before it finishes.
    pub(super) running_polls: u32,
    pub(super) responder: Responder,
    /// How the rule was written, for messages.
    pub(super) description: String,
}

impl RuleEntry {
    pub(super) fn matches(&self, call: &MockCall) -> bool {
        self.remaining.load(Ordering::SeqCst) > 0
            && self.conditions.iter().all(|condition| condition(call))
    }

    /// Takes one of the calls the rule answers; false when another caller
    /// took the last one in between.
    pub(super) fn take(&self) -> bool {
        self.remaining
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| match left {
                0 => None,
                usize::MAX => Some(usize::MAX),
                left => Some(left - 1),
            })
            .is_ok()
    }
}

/// How one operation is answered; made by [`MockServer::on`] and registered
/// by one of its answering methods ([`returns`](Rule::returns),
/// [`fails`](Rule::fails), [`respond`](Rule::respond),
/// [`task_fails`](Rule::task_fails)).
///
/// Conditions ([`when`](Rule::when), [`with_param`](Rule::with_param)) and
/// limits ([`once`](Rule::once), [`times`](Rule::times)) come first. The
/// rules of an operation are tried in the order they were registered; the
/// first whose conditions hold and that has calls left answers. So
/// register specific rules before general ones, and sequences as rules
/// limited to one call each.
#[must_use = "a rule does nothing until `returns`, `fails`, `respond` or `task_fails` registers it"]
pub struct Rule<T> {
    server: MockServer,
    spec: &'static OperationSpec,
    conditions: Vec<Condition>,
    described: Vec<String>,
    times: Option<usize>,
    running_polls: u32,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Rule<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field(
                "operation",
                &format_args!("{}.{}", self.spec.service_id, self.spec.operation_id),
            )
            .field("conditions", &self.described)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<T> Rule<T> {
    pub(super) fn new(server: MockServer, operation: Operation<T>) -> Rule<T> {
        Rule {
            server,
            spec: operation.spec(),
            conditions: Vec::new(),
            described: Vec::new(),
            times: None,
            running_polls: 0,
            output: PhantomData,
        }
    }

    /// Answers only calls for which `condition` holds.
    pub fn when(mut self, condition: impl Fn(&MockCall) -> bool + Send + Sync + 'static) -> Self {
        self.conditions.push(Arc::new(condition));
        self.described.push("when(..)".to_owned());
        self
    }

    /// Answers only calls whose parameter `name` reads as a value equal to
    /// `expected` (`.with_param("vm", VirtualMachineId::from("vm-42"))`).
    pub fn with_param<P>(mut self, name: &'static str, expected: P) -> Self
    where
        P: DeserializeOwned + PartialEq + fmt::Debug + Send + Sync + 'static,
    {
        self.described.push(format!("{name} == {expected:?}"));
        self.conditions.push(Arc::new(move |call: &MockCall| {
            call.try_param::<P>(name)
                .is_ok_and(|value| value == expected)
        }));
        self
    }

    /// Answers one call only.
    pub fn once(self) -> Self {
        self.times(1)
    }

    /// Answers `count` calls only; later calls go to the rules registered
    /// after this one.
    pub fn times(mut self, count: usize) -> Self {
        self.times = Some(count);
        self
    }

    /// For a task operation: the started task reports `RUNNING` (with
    /// progress) for `polls` status requests before it finishes. Waiting
    /// then takes that many poll intervals; `#[tokio::test(start_paused =
    /// true)]` lets them pass instantly.
    pub fn running_for(mut self, polls: u32) -> Self {
        self.running_polls = polls;
        self
    }

    /// Answers with `error`: the request fails, as the server would report
    /// it (for a task operation, the request that starts the task).
    pub fn fails(self, error: impl Into<MockError>) {
        let outcome = Outcome::Error(error.into());
        let described = format!("fails({})", describe_outcome(&outcome));
        self.register(described, Arc::new(move |_: &MockCall| outcome.clone()));
    }

    /// For a task operation: the task starts and then fails with `error`,
    /// so waiting for it gives `Error::TaskFailed` carrying that error.
    ///
    /// # Panics
    ///
    /// When the operation is not a task operation.
    pub fn task_fails(self, error: impl Into<MockError>) {
        assert!(
            self.spec.task,
            "task_fails: {}.{} is not a task operation (mock its `…_TASK` operation)",
            self.spec.service_id, self.spec.operation_id
        );
        let outcome = Outcome::Error(error.into().in_task());
        let described = format!("task_fails({})", describe_outcome(&outcome));
        self.register(described, Arc::new(move |_: &MockCall| outcome.clone()));
    }

    fn register(self, answer: String, responder: Responder) {
        let mut description = format!("on({}.{})", self.spec.service_id, self.spec.operation_id);
        for condition in &self.described {
            description.push_str(&format!(".with({condition})"));
        }
        if let Some(times) = self.times {
            description.push_str(&format!(".times({times})"));
        }
        description.push('.');
        description.push_str(&answer);
        self.server.register(RuleEntry {
            spec: self.spec,
            conditions: self.conditions,
            remaining: AtomicUsize::new(self.times.unwrap_or(usize::MAX)),
            running_polls: self.running_polls,
            responder,
            description,
        });
    }
}

impl<T: Serialize> Rule<T> {
    /// Answers with `value`, encoded as the server sends it over the
    /// protocol the call used; for a task operation, the task succeeds with
    /// it.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized.
    pub fn returns(self, value: T) {
        let outcome = Outcome::Value(Encoded::of(&value, self.spec));
        self.register(
            "returns(..)".to_owned(),
            Arc::new(move |_: &MockCall| outcome.clone()),
        );
    }

    /// Answers each call with what `respond` makes of it: `Ok` is the
    /// result (the task's, for a task operation), `Err` the error (the
    /// task's, when marked with [`MockError::in_task`]).
    pub fn respond(
        self,
        respond: impl Fn(&MockCall) -> Result<T, MockError> + Send + Sync + 'static,
    ) {
        let spec = self.spec;
        self.register(
            "respond(..)".to_owned(),
            Arc::new(move |call: &MockCall| match respond(call) {
                Ok(value) => Outcome::Value(Encoded::of(&value, spec)),
                Err(error) => Outcome::Error(error),
            }),
        );
    }
}

impl Rule<()> {
    /// Answers with success (for an operation without a result).
    pub fn succeeds(self) {
        self.returns(());
    }
}

fn describe_outcome(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Value(_) => "..".to_owned(),
        Outcome::Error(error) => error.to_string(),
    }
}
