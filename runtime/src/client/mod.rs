//! The client: configuration ([`ClientBuilder`]), sessions, and the
//! per-operation [`Call`].
//!
//! Each concern has its own module: `builder` (TLS, limits, transport),
//! `url` (which base URLs are accepted and what a request is sent to),
//! `session` (login, logout, re-login, which session service the server
//! has), `call` (encoding a call, sending it, rerouting, decoding). The HTTP
//! exchange itself is behind [`Transport`](crate::transport::Transport).

mod builder;
mod call;
pub(crate) mod https;
mod session;
mod url;

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use http::HeaderValue;

use crate::encode::Wire;
use crate::error::{Error, Result};
use crate::retry::{self, RetryPolicy};
use crate::spec::OperationSpec;
use crate::transport::{HttpRequest, HttpResponse, Transport};

pub use builder::ClientBuilder;
pub use call::Call;
pub(crate) use call::decode_value;
use session::{SessionEndpoint, SessionState};
pub(crate) use url::redact_userinfo;

/// Header carrying the session token on both protocols.
pub const SESSION_HEADER: &str = "vmware-api-session-id";

/// Which wire protocol operations use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `/api` for operations that have an `/api` route (vSphere 7.0U2 and
    /// later), `/rest` for the others, until the client learns that the
    /// server predates `/api`; from then on operations prefer their `/rest`
    /// route. All clones of a client share what was learned.
    ///
    /// The client learns it from the session service, without extra
    /// requests on servers that have `/api`:
    ///
    /// * [`Client::login`] tries `POST /api/session` first and falls back to
    ///   `POST /rest/com/vmware/cis/session` when that service does not exist
    ///   (whether the login then succeeds or is refused);
    /// * [`Client::logout`] falls back from `DELETE /api/session` the same way;
    /// * a call sent over `/api` before either (a client given a token with
    ///   [`Client::with_session_token`], or none) that is answered 404, 405
    ///   or 501 without a vAPI error body makes the client probe
    ///   `GET /api/session` once (with the token, if any). When that service
    ///   is missing too, the server has no `/api`: the call had no effect
    ///   there, and is sent again over its `/rest` route. Any other answer
    ///   (a session, 401) means the server has `/api`, and the original
    ///   answer is returned.
    #[default]
    Auto,
    /// Only `/api`; operations without an `/api` route fail.
    Api,
    /// Only the legacy `/rest` protocol (older servers); operations without a
    /// `/rest` route fail.
    Rest,
}

struct Inner {
    transport: Arc<dyn Transport>,
    /// The `reqwest` client behind the transport, for transfers, which
    /// stream and so bypass it; `None` with a custom transport.
    http: Option<reqwest::Client>,
    /// What `http` was built from, for transfer clients with another trust.
    settings: https::HttpSettings,
    /// Scheme, host and optional path prefix, without trailing slash.
    base: String,
    protocol: Protocol,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    /// The retry policy of handles that have none of their own.
    retry: RetryPolicy,
    session: RwLock<SessionState>,
    /// Serializes logins, re-logins after an expired session (so concurrent
    /// requests share one) and logouts (so none undoes another).
    relogin: tokio::sync::Mutex<()>,
    /// Set by [`Client::close`]: no login happens after it.
    closed: std::sync::atomic::AtomicBool,
    /// Serializes protocol discovery so concurrent calls share one probe.
    discovery: tokio::sync::Mutex<()>,
    /// The server's API release once learned (see `release`); concurrent
    /// calls share one probe.
    release: tokio::sync::OnceCell<Option<crate::release::ServerRelease>>,
}

/// Client for a vCenter (or ESXi / appliance) automation endpoint.
///
/// Cheap to clone: clones share one connection pool and one session.
///
/// # Ending the session
///
/// Call [`Client::close`] when done: it logs the session out, once for all
/// clones. Dropping the last clone closes the connections but does **not**
/// end the session — that takes a request, and a destructor can neither
/// wait for one nor count on an async runtime still running, so dropping
/// never blocks and sends nothing. The server keeps an abandoned session
/// until it has been idle for its session timeout (30 minutes by default on
/// vCenter, longer where an administrator raised it; users report abandoned
/// sessions counting against vCenter's per-user session limit for up to
/// two hours), and a client that leaks one session per run reaches the
/// limit ("User session count is limited") in a busy automation.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// This handle's retry policy, when it differs from the client's
    /// (see [`Client::with_retry`]).
    retry: Option<RetryPolicy>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let session = self
            .inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("protocol", &self.inner.protocol)
            .field(
                "username",
                &session.credentials.as_ref().map(|c| c.username.as_str()),
            )
            .field("has_session", &session.token.is_some())
            .field("retry", self.retry_policy())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for the server at `url` (`https://vc.example.com`
    /// or just `vc.example.com`).
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(url.into())
    }

    /// A client with default settings (certificate verification on).
    pub fn new(url: impl Into<String>) -> Result<Client> {
        Client::builder(url).build()
    }

    /// The base URL requests go to (scheme, host, port and path prefix; it
    /// never holds credentials, see [`ClientBuilder::build`]).
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The configured protocol preference.
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// The retry policy of the calls made through this handle.
    pub fn retry_policy(&self) -> &RetryPolicy {
        self.retry.as_ref().unwrap_or(&self.inner.retry)
    }

    /// A handle to the same client (same connections, same session) whose
    /// calls retry by `policy` instead; pass it to a generated service
    /// handle to change the policy of that service's calls:
    ///
    /// ```no_run
    /// # fn example(client: &vsphere_vapi_runtime::Client) {
    /// use vsphere_vapi_runtime::RetryPolicy;
    /// let no_retries = client.with_retry(RetryPolicy::never());
    /// // SomeService::new(&no_retries).call(...)
    /// # }
    /// ```
    pub fn with_retry(&self, policy: RetryPolicy) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            retry: Some(policy),
        }
    }

    /// The settings the client's HTTPS clients are built from.
    pub(crate) fn http_settings(&self) -> &https::HttpSettings {
        &self.inner.settings
    }

    /// The HTTPS client transfers to trusted-as-the-server hosts use; none
    /// with a custom transport.
    pub(crate) fn transfer_http(&self) -> Option<reqwest::Client> {
        self.inner.http.clone()
    }

    /// The `User-Agent` of every request.
    pub(crate) fn user_agent(&self) -> HeaderValue {
        self.inner.user_agent.clone()
    }

    /// Starts a call of `spec`; add parameters with [`Call::param`] and run it
    /// with [`Call::send`].
    pub fn operation(&self, spec: &'static OperationSpec) -> Call {
        let legacy_server = self.inner.protocol == Protocol::Auto
            && self
                .inner
                .session
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .endpoint
                == Some(SessionEndpoint::Rest);
        let route = match (self.inner.protocol, spec.api, spec.rest) {
            (Protocol::Auto, _, Some(rest)) if legacy_server => Ok((Wire::Rest, rest)),
            (Protocol::Auto | Protocol::Api, Some(api), _) => Ok((Wire::Api, api)),
            (Protocol::Auto | Protocol::Rest, _, Some(rest)) => Ok((Wire::Rest, rest)),
            (protocol, _, _) => Err(Error::InvalidRequest {
                service: spec.service_id.to_owned(),
                operation: spec.operation_id.to_owned(),
                message: format!("the operation has no route for protocol {protocol:?}"),
            }),
        };
        let (route, error) = match route {
            Ok(route) => (Some(route), None),
            Err(error) => (None, Some(error)),
        };
        // Under Auto, before the server is known, an /api route may turn out
        // not to exist; the /rest route is kept ready (with the parameters
        // serialized for it) to send the call again.
        let fallback = match (route, spec.rest) {
            (Some((Wire::Api, _)), Some(rest))
                if self.inner.protocol == Protocol::Auto && self.known_endpoint().is_none() =>
            {
                Some((rest, Vec::new()))
            }
            _ => None,
        };
        Call {
            client: self.clone(),
            spec,
            route,
            params: Vec::new(),
            fallback,
            error,
            retry: None,
            idempotent: None,
        }
    }

    /// Where the server's release is kept once learned.
    pub(crate) fn release_cell(
        &self,
    ) -> &tokio::sync::OnceCell<Option<crate::release::ServerRelease>> {
        &self.inner.release
    }

    /// A request to `url` with the headers every request carries.
    fn request(&self, method: http::Method, url: &str) -> http::request::Builder {
        http::Request::builder()
            .method(method)
            .uri(url)
            .header(http::header::USER_AGENT, self.inner.user_agent.clone())
            .header(http::header::ACCEPT, "application/json")
    }

    /// Sends a request through the transport under the client's time limit,
    /// retrying by this handle's policy; `idempotent` says whether the
    /// request may be repeated after it may have been applied.
    async fn exchange(
        &self,
        request: HttpRequest,
        context: &str,
        idempotent: bool,
    ) -> Result<HttpResponse> {
        self.exchange_with(request, context, self.retry_policy(), idempotent)
            .await
    }

    /// [`Client::exchange`] with another retry policy.
    async fn exchange_with(
        &self,
        request: HttpRequest,
        context: &str,
        policy: &RetryPolicy,
        idempotent: bool,
    ) -> Result<HttpResponse> {
        retry::send(
            self.inner.transport.as_ref(),
            policy,
            request,
            context,
            self.inner.timeout,
            idempotent,
        )
        .await
    }
}

/// Finishes a request whose parts the client itself produced; failing here
/// means a header or URL the client built is unusable.
fn finish_request(
    builder: http::request::Builder,
    body: Vec<u8>,
    context: &str,
) -> Result<HttpRequest> {
    builder
        .body(body)
        .map_err(|err| Error::Config(format!("{context}: cannot build the request: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Idempotency;

    #[test]
    fn client_is_send_sync_clone() {
        fn assert_traits<T: Send + Sync + Clone + 'static>() {}
        assert_traits::<Client>();
        fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<Error>();
        fn assert_send<T: Send>(_: &T) {}
        let client = Client::new("https://vc.example.com").unwrap();
        static SPEC: OperationSpec = OperationSpec {
            service_id: "s",
            operation_id: "o",
            task: false,
            idempotency: Idempotency::None,
            api: None,
            rest: None,
            releases: crate::spec::Releases::UNKNOWN,
        };
        let future = client.operation(&SPEC).send::<()>();
        assert_send(&future);
    }
}
