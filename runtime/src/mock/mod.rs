//! Testing automation without a vCenter: a [`MockServer`] that answers
//! operations with typed values.
//!
//! Enabled by the `mock` feature (of this crate, or of `vsphere-vapi`, which
//! re-exports this module as `vsphere_vapi::mock`).
//!
//! A [`MockServer`] is a [`Transport`]: a client built on
//! it sends every request to it instead of over HTTPS. The client does all
//! it does against a real server — it builds the request from the typed
//! parameters, and decodes the answer into the operation's result type —
//! and the mock reads the request back through the operation's bindings
//! and answers with the values a test registered for that operation,
//! encoded as the server sends them over `/api` or `/rest`. A test written
//! this way also checks the wire shape of every call it makes.
//!
//! # Testing your automation
//!
//! With the generated crate, name operations by the constants of their
//! service handles (`vcenter::Vm::LIST`, `vcenter::vm::Power::START`): each
//! is an [`Operation<T>`](crate::Operation) whose `T` is the method's result
//! type, so what a rule answers is type-checked:
//!
//! ```text
//! use vsphere_vapi::mock;
//! use vsphere_vapi::vcenter::{Vm, vm::Power};
//!
//! let server = mock::server();                       // knows every compiled operation
//! server.on(Vm::LIST).returns(vec![summary]);        // Vec<vm::Summary>
//! server.on(Power::START)
//!     .with_param("vm", VirtualMachineId::from("vm-2"))
//!     .fails(mock::error(ErrorKind::NotFound, "vm-2 is gone"));
//! server.on(Power::START).succeeds();                // every other VM
//! server.on(Vm::RELOCATE_TASK).task_fails(mock::error(ErrorKind::ResourceBusy, "busy"));
//!
//! let client = server.client();                      // a Client over the mock
//! my_automation(&client).await?;
//!
//! assert_eq!(server.count(Power::START), 2);
//! let started: Vec<VirtualMachineId> =
//!     server.calls_to(Power::START).iter().map(|call| call.param("vm")).collect();
//! ```
//!
//! - **Rules** ([`MockServer::on`] → [`Rule`]) answer one operation:
//!   [`returns`](Rule::returns) a value, [`fails`](Rule::fails) with a
//!   [`MockError`], or [`respond`](Rule::respond)s from a closure that sees
//!   the [`MockCall`]. Conditions ([`when`](Rule::when),
//!   [`with_param`](Rule::with_param)) pick the calls a rule answers;
//!   [`once`](Rule::once) and [`times`](Rule::times) limit it, which makes
//!   sequences. Rules are tried in the order they were registered.
//! - **Calls** are recorded in order: [`MockServer::calls`],
//!   [`calls_to`](MockServer::calls_to), [`count`](MockServer::count).
//!   [`MockCall::param`] reads a parameter back as a Rust value, from the
//!   path, query string or body it travelled in.
//! - **Unmatched calls fail loudly**: a call no rule answers fails with a
//!   transport error naming the operation (service and operation id, found
//!   by matching the request against every operation the mock knows) and
//!   its parameters, and the mock panics when it is dropped after such a
//!   call, so a test that swallows the error still fails. Opt out with
//!   [`MockServer::allow_unmatched`].
//! - **Tasks**: a rule for a `$task` operation (`Vm::CLONE_VM_TASK`) gives
//!   the result of the task; the mock answers the start with a task
//!   identifier and the task service (`com.vmware.cis.tasks.get`) with its
//!   state, so `clone_vm_and_wait` and [`Task::wait`](crate::Task::wait)
//!   work. [`Rule::task_fails`] makes the task fail, [`Rule::running_for`]
//!   keeps it running for some polls.
//! - **Releases**: the mock answers the client's release negotiation as
//!   the newest release the client knows, or as
//!   [`with_release`](MockServer::with_release) says, which makes the
//!   client refuse what that release lacks.
//! - **Sessions** work as on a server: [`Client::login`](crate::Client::login)
//!   gets a token (checked against [`with_credentials`](MockServer::with_credentials)
//!   when given); with [`require_session`](MockServer::require_session),
//!   calls without a valid token are answered `UNAUTHENTICATED`, and
//!   [`expire_sessions`](MockServer::expire_sessions) makes the client log
//!   in again. [`without_api`](MockServer::without_api) makes the mock a
//!   server from before vSphere 7.0 Update 2, which only has `/rest`.
//!
//! # Example
//!
//! Without the generated crate, an operation is a hand-written
//! [`OperationSpec`] wrapped in an [`Operation`]:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> vsphere_vapi_runtime::Result<()> {
//! use vsphere_vapi_runtime::mock::{MockError, MockServer};
//! use vsphere_vapi_runtime::{
//!     HttpMethod, HttpRoute, Idempotency, Operation, OperationSpec, ParamBinding, ParamLocation,
//!     Releases,
//! };
//!
//! static POWER_GET: OperationSpec = OperationSpec {
//!     service_id: "com.vmware.vcenter.vm.power",
//!     operation_id: "get",
//!     task: false,
//!     api: Some(HttpRoute {
//!         method: HttpMethod::Get,
//!         path: "/api/vcenter/vm/{vm}/power",
//!         query: &[],
//!         params: &[ParamBinding { param: "vm", location: ParamLocation::Path("vm") }],
//!     }),
//!     rest: None,
//!     releases: Releases::UNKNOWN,
//!     idempotency: Idempotency::Safe,
//! };
//! const GET: Operation<serde_json::Value> = Operation::new(&POWER_GET);
//!
//! let server = MockServer::new();
//! server
//!     .on(GET)
//!     .with_param("vm", "vm-404".to_owned())
//!     .fails(MockError::new("NOT_FOUND").message("no such virtual machine"));
//! server.on(GET).returns(serde_json::json!({"state": "POWERED_ON"}));
//!
//! let client = server.client();
//! let state: serde_json::Value = client.operation(&POWER_GET).param("vm", "vm-42").send().await?;
//! assert_eq!(state["state"], "POWERED_ON");
//! let error = client.operation(&POWER_GET).param("vm", "vm-404").send::<serde_json::Value>().await.unwrap_err();
//! assert_eq!(error.error_type(), Some("NOT_FOUND"));
//!
//! assert_eq!(server.count(GET), 2);
//! assert_eq!(server.calls_to(GET)[0].param::<String>("vm"), "vm-42");
//! # Ok(())
//! # }
//! ```

mod answer;
mod call;
mod query;
mod route;
mod rule;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};
use crate::spec::{Operation, OperationSpec};
use crate::transport::{Exchange, HttpRequest, Transport, TransportFuture};

pub use call::{MockCall, ParamError};
pub use rule::{MockError, Rule};

use rule::RuleEntry;

/// The base URL of [`MockServer::client`]; `.invalid` never resolves, so a
/// request cannot leave the process by mistake.
pub const MOCK_URL: &str = "https://vcenter.mock.invalid";

/// An in-memory vCenter for tests: answers operations with the values
/// registered for them; see the [module docs](self).
///
/// Cheap to clone: clones share rules, calls, sessions and tasks. Give the
/// client a clone ([`MockServer::client`] does) and keep one to register
/// rules and inspect calls.
#[derive(Clone)]
pub struct MockServer {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    next_id: AtomicUsize,
}

#[derive(Default)]
struct State {
    /// The operation table given with `with_operations`.
    table: Vec<&'static OperationSpec>,
    /// Every operation requests are matched against: rule operations, the
    /// built-in services, the table; one description per operation. `None`
    /// after a change, until the next request needs it (registering a
    /// thousand rules then costs one rebuild, not a thousand).
    known: Option<Arc<Vec<&'static OperationSpec>>>,
    rules: Vec<Arc<RuleEntry>>,
    calls: Vec<MockCall>,
    config: Config,
    sessions: BTreeMap<String, String>,
    logins: usize,
    tasks: BTreeMap<String, answer::TaskEntry>,
}

#[derive(Debug, Clone)]
struct Config {
    require_session: bool,
    credentials: Option<(String, String)>,
    api: bool,
    rest: bool,
    allow_unmatched: bool,
    /// The vSphere API release the mock reports; `None`: the client's newest.
    release: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            require_session: false,
            credentials: None,
            api: true,
            rest: true,
            allow_unmatched: false,
            release: None,
        }
    }
}

impl Default for MockServer {
    fn default() -> Self {
        MockServer::new()
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("MockServer")
            .field("table", &state.table.len())
            .field(
                "rules",
                &state
                    .rules
                    .iter()
                    .map(|rule| &rule.description)
                    .collect::<Vec<_>>(),
            )
            .field("calls", &state.calls.len())
            .field("config", &state.config)
            .finish()
    }
}

impl MockServer {
    /// A mock answering nothing yet: no rules, sessions not required, both
    /// `/api` and `/rest`. It recognizes the operations rules are registered
    /// for and the session and task services; give it the whole operation
    /// table with [`MockServer::with_operations`] so that unmatched calls of
    /// other operations are named too (`vsphere_vapi::mock::server()` does).
    pub fn new() -> MockServer {
        MockServer {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                next_id: AtomicUsize::new(1),
            }),
        }
    }

    /// Recognizes the operations of `table` (the generated crate's
    /// `operations()`), so that a call without a rule is reported by its
    /// operation and parameters rather than by its URL.
    pub fn with_operations(self, table: &'static [&'static OperationSpec]) -> MockServer {
        {
            let mut state = self.state();
            state.table.extend_from_slice(table);
            state.known = None;
        }
        self
    }

    /// Answers calls without a valid session token `UNAUTHENTICATED`, as a
    /// server does: the client has to [`login`](crate::Client::login) first.
    pub fn require_session(self) -> MockServer {
        self.state().config.require_session = true;
        self
    }

    /// Accepts only these credentials at login (any, by default); others
    /// are answered `UNAUTHENTICATED`.
    pub fn with_credentials(
        self,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> MockServer {
        self.state().config.credentials = Some((username.into(), password.into()));
        self
    }

    /// Behaves like a server from before vSphere 7.0 Update 2: no `/api`
    /// (its routes, the session service included, answer 404), only
    /// `/rest`. A client with [`Protocol::Auto`](crate::Protocol::Auto)
    /// finds out and uses `/rest`.
    pub fn without_api(self) -> MockServer {
        self.state().config.api = false;
        self
    }

    /// Behaves like a server without the legacy `/rest` mapping: its routes
    /// answer 404.
    pub fn without_rest(self) -> MockServer {
        self.state().config.rest = false;
        self
    }

    /// Reports `release` as its vSphere API release (`8.0.3.0`, or an
    /// appliance version such as `7.0.3.01000` for a server from before
    /// the `hello` negotiation), so that the client refuses operations that
    /// release lacks with [`Error::NotInRelease`](crate::Error::NotInRelease),
    /// as against such a server. By default the mock is as new as the
    /// client: it agrees on the newest release the client offers, and every
    /// operation is served.
    pub fn with_release(self, release: impl Into<String>) -> MockServer {
        self.state().config.release = Some(release.into());
        self
    }

    /// Does not panic on drop after unmatched calls (they still fail and
    /// are listed by [`MockServer::unmatched_calls`]).
    pub fn allow_unmatched(self) -> MockServer {
        self.state().config.allow_unmatched = true;
        self
    }

    /// A client sending its requests to this mock, at [`MOCK_URL`].
    pub fn client(&self) -> Client {
        match self.client_builder().build() {
            Ok(client) => client,
            // The URL is fixed and valid and no TLS options are set.
            Err(err) => unreachable!("a client over the mock: {err}"),
        }
    }

    /// A client builder for [`MOCK_URL`] sending to this mock, to set a
    /// protocol or limits before building.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(MOCK_URL).transport(self.clone())
    }

    /// Starts a rule answering `operation`; see [`Rule`].
    pub fn on<T>(&self, operation: Operation<T>) -> Rule<T> {
        Rule::new(self.clone(), operation)
    }

    /// Every call received so far, in order (session, task and release
    /// negotiation calls included).
    pub fn calls(&self) -> Vec<MockCall> {
        self.state().calls.clone()
    }

    /// The calls of `operation`, in order.
    pub fn calls_to<T>(&self, operation: Operation<T>) -> Vec<MockCall> {
        self.state()
            .calls
            .iter()
            .filter(|call| call.is(operation))
            .cloned()
            .collect()
    }

    /// How many calls of `operation` were received.
    pub fn count<T>(&self, operation: Operation<T>) -> usize {
        self.state()
            .calls
            .iter()
            .filter(|call| call.is(operation))
            .count()
    }

    /// The calls no rule answered.
    pub fn unmatched_calls(&self) -> Vec<MockCall> {
        self.state()
            .calls
            .iter()
            .filter(|call| !call.was_answered())
            .cloned()
            .collect()
    }

    /// Forgets the recorded calls (rules, sessions and tasks stay).
    pub fn clear_calls(&self) {
        self.state().calls.clear();
    }

    /// How many logins succeeded.
    pub fn logins(&self) -> usize {
        self.state().logins
    }

    /// Ends every session, as when they time out on a server: the next call
    /// of a client is answered `UNAUTHENTICATED`, and a client that logged
    /// in with credentials logs in again.
    pub fn expire_sessions(&self) {
        self.state().sessions.clear();
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    fn register(&self, rule: RuleEntry) {
        let mut state = self.state();
        state.rules.push(Arc::new(rule));
        state.known = None;
    }

    fn next_id(&self) -> usize {
        self.shared.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking rule closure must not make every later call fail.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// The operations requests are matched against (see `known`).
    fn known(&mut self) -> Arc<Vec<&'static OperationSpec>> {
        if let Some(known) = &self.known {
            return Arc::clone(known);
        }
        let mut seen = std::collections::BTreeSet::new();
        let known: Vec<&'static OperationSpec> = self
            .rules
            .iter()
            .map(|rule| rule.spec)
            .chain(answer::BUILT_IN.iter().copied())
            .chain(self.table.iter().copied())
            .filter(|spec| seen.insert((spec.service_id, spec.operation_id)))
            .collect();
        let known = Arc::new(known);
        self.known = Some(Arc::clone(&known));
        known
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if state.config.allow_unmatched {
            return;
        }
        let unmatched: Vec<String> = state
            .calls
            .iter()
            .filter(|call| !call.was_answered())
            .map(|call| format!("  {call}"))
            .collect();
        if !unmatched.is_empty() {
            panic!(
                "the mock received {} call(s) no rule answered:\n{}\n(register rules for them, or use MockServer::allow_unmatched)",
                unmatched.len(),
                unmatched.join("\n")
            );
        }
    }
}

impl Transport for MockServer {
    fn send(&self, request: HttpRequest, exchange: Exchange) -> TransportFuture<'_> {
        // Everything is answered right away; rule closures run here, never
        // under the lock, so they may look at the mock themselves.
        let answer = answer::answer(self, &request, &exchange);
        Box::pin(std::future::ready(answer))
    }
}

/// Why no rule answered a call: the source of its transport error.
#[derive(Debug)]
struct Unanswered(String);

impl fmt::Display for Unanswered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unanswered {}

fn unanswered(exchange: &Exchange, detail: String) -> Error {
    Error::Transport {
        context: exchange.context.clone(),
        kind: crate::error::TransportKind::Other,
        peer: "the mock server".to_owned(),
        detail: detail.clone(),
        source: Box::new(Unanswered(detail)),
    }
}

/// Keeps `Result` in the signatures of this module's helpers readable.
type Answer = Result<crate::transport::HttpResponse>;
