//! The HTTP client: configuration, sessions and the per-operation [`Call`].

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument as _;

use crate::encode::{self, Wire};
use crate::error::{self, Error, Result, TransportKind};
use crate::ids::TaskId;
use crate::spec::{HttpMethod, HttpRoute, OperationSpec};
use crate::task::Task;
use crate::tls::{self, TrustMode};
use crate::types::{self, Secret};

/// Header carrying the session token on both protocols.
pub const SESSION_HEADER: &str = "vmware-api-session-id";

const API_SESSION_PATH: &str = "/api/session";
const REST_SESSION_PATH: &str = "/rest/com/vmware/cis/session";
const SESSION_SERVICE: &str = "com.vmware.cis.session";

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

/// Which session service issued the current token; logout and re-login use
/// the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionEndpoint {
    Api,
    Rest,
}

impl SessionEndpoint {
    fn path(self) -> &'static str {
        match self {
            SessionEndpoint::Api => API_SESSION_PATH,
            SessionEndpoint::Rest => REST_SESSION_PATH,
        }
    }
}

#[derive(Clone)]
struct Credentials {
    username: String,
    password: Secret,
}

#[derive(Default)]
struct SessionState {
    token: Option<Secret>,
    /// The session service the server has, once known: from a login attempt
    /// (successful or not), a logout, or protocol discovery. Kept across
    /// logout and token changes, since it describes the server. Under
    /// [`Protocol::Auto`] it decides the routes of calls.
    endpoint: Option<SessionEndpoint>,
    credentials: Option<Credentials>,
    /// Incremented whenever the token changes, so that requests that failed
    /// with an old token can tell whether someone already logged in again.
    generation: u64,
}

struct Inner {
    http: reqwest::Client,
    /// Scheme, host and optional path prefix, without trailing slash.
    base: String,
    protocol: Protocol,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    session: RwLock<SessionState>,
    /// Serializes re-login after an expired session so concurrent requests
    /// share one login.
    relogin: tokio::sync::Mutex<()>,
    /// Serializes protocol discovery so concurrent calls share one probe.
    discovery: tokio::sync::Mutex<()>,
}

/// Client for a vCenter (or ESXi / appliance) automation endpoint.
///
/// Cheap to clone: clones share one connection pool and one session.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
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
            .finish_non_exhaustive()
    }
}

/// Builder for [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    base_url: String,
    protocol: Protocol,
    extra_ca_pem: Vec<Vec<u8>>,
    thumbprints: Vec<String>,
    accept_invalid_certs: bool,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    user_agent: String,
    http: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("protocol", &self.protocol)
            .field("extra_ca_certificates", &self.extra_ca_pem.len())
            .field("thumbprints", &self.thumbprints)
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// Selects the wire protocol (default [`Protocol::Auto`]).
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Trusts the CA certificate(s) in this PEM text in addition to the
    /// system trust store. May be called several times.
    pub fn add_root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.extra_ca_pem.push(pem.as_ref().to_vec());
        self
    }

    /// Pins the server certificate by its SHA-256 fingerprint, written as hex
    /// with or without colons, in any case (`AB:CD:...`). When at least one
    /// thumbprint is pinned, exactly the pinned certificates are accepted
    /// (chain, expiry and host name are not checked, the handshake signature
    /// is) and the trust store is not consulted. May be called several times.
    pub fn pin_certificate_sha256(mut self, thumbprint: impl Into<String>) -> Self {
        self.thumbprints.push(thumbprint.into());
        self
    }

    /// Disables server certificate verification entirely. Only for lab
    /// systems: anyone on the network path can then read the credentials.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = accept;
        self
    }

    /// Limit for establishing a connection (default 30 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Limit for one whole request, response body included (default 10 min).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-request time limit.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The `User-Agent` header (default `vsphere-vapi/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses this `reqwest` client instead of building one, e.g. to share a
    /// connection pool or set a proxy. This is the only place where `reqwest`
    /// (version 0.12) appears in this crate's API. The injected client's own TLS and connect
    /// settings apply, so combining it with the TLS options of this builder
    /// is rejected by [`ClientBuilder::build`]; the user agent and the
    /// per-request timeout are still applied to each request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] for an unusable base URL, including one
    /// with a user name or password in it (`https://user:pw@vc`): credentials
    /// belong in [`Client::login`], which keeps them as [`Secret`]s. The
    /// error message shows the URL with that part replaced by `***`.
    pub fn build(self) -> Result<Client> {
        let base = normalize_base_url(&self.base_url)?;
        let user_agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
            Error::Config(format!(
                "user agent `{}` is not a valid header value",
                self.user_agent
            ))
        })?;
        let tls_options_given = !self.extra_ca_pem.is_empty()
            || !self.thumbprints.is_empty()
            || self.accept_invalid_certs;
        let http = match self.http {
            Some(_) if tls_options_given => {
                return Err(Error::Config(
                    "TLS options cannot be applied to an injected HTTP client; configure its TLS instead".to_owned(),
                ));
            }
            Some(client) => client,
            None => {
                let mode = if self.accept_invalid_certs {
                    TrustMode::AcceptAny
                } else if !self.thumbprints.is_empty() {
                    TrustMode::Pinned(
                        self.thumbprints
                            .iter()
                            .map(|text| tls::parse_thumbprint(text))
                            .collect::<Result<Vec<_>>>()?,
                    )
                } else {
                    TrustMode::Verify {
                        extra_ca_pem: self.extra_ca_pem,
                    }
                };
                reqwest::Client::builder()
                    .use_preconfigured_tls(tls::client_config(mode)?)
                    .connect_timeout(self.connect_timeout)
                    // vCenter answers with absolute URLs only for UI pages;
                    // API calls never redirect, and following a redirect
                    // could send the session header elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|err| Error::Config(format!("HTTP client: {err}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                protocol: self.protocol,
                user_agent,
                timeout: self.timeout,
                session: RwLock::new(SessionState::default()),
                relogin: tokio::sync::Mutex::new(()),
                discovery: tokio::sync::Mutex::new(()),
            }),
        })
    }
}

/// Accepts `https://host`, `https://host:port/prefix/` and a bare host name
/// (which means HTTPS); returns it without trailing slash.
///
/// A URL with a user name or password (`https://user:pw@vc`) is rejected:
/// credentials are given to [`Client::login`], where they are kept as
/// [`Secret`]s, never as part of a URL that is displayed and logged.
fn normalize_base_url(url: &str) -> Result<String> {
    let shown = redact_userinfo(url);
    let trimmed = url.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let parsed = reqwest::Url::parse(&with_scheme)
        .map_err(|err| Error::Config(format!("base URL `{shown}`: {err}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "base URL `{shown}` contains a user name or password; pass credentials to Client::login instead"
        )));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL `{shown}`: scheme must be http or https"
        )));
    }
    if parsed.host_str().is_none() {
        return Err(Error::Config(format!("base URL `{shown}` has no host")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL `{shown}` must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// `url` with anything that may be a user name or password replaced by `***`:
/// everything between the scheme and the last `@`. Used wherever a base URL
/// as given by the caller is shown, since it was not validated yet.
fn redact_userinfo(url: &str) -> String {
    let Some(at) = url.rfind('@') else {
        return url.to_owned();
    };
    let start = url.find("://").map_or(0, |scheme_end| scheme_end + 3);
    if start > at {
        return url.to_owned();
    }
    format!("{}***{}", &url[..start], &url[at..])
}

/// The URL of a request: `base` followed by an already encoded path and
/// query. The URL parser normalizes paths (it removes `.` and `..` segments
/// and reads `%2e` as a dot); the path it produced is compared with the one
/// that was built, so a parameter value can never make the request address
/// another resource unnoticed.
fn request_url(base: &str, path_and_query: &str) -> std::result::Result<reqwest::Url, String> {
    let text = format!("{base}{path_and_query}");
    let url = reqwest::Url::parse(&text).map_err(|err| {
        format!("the request target `{path_and_query}` is not a valid URL: {err}")
    })?;
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let prefix = match url.as_str().find("://") {
        // The base's own path, from the normalized base (`https://vc/prefix`).
        Some(scheme_end) => base[scheme_end + 3..]
            .find('/')
            .map_or("", |slash| &base[scheme_end + 3 + slash..]),
        None => "",
    };
    let expected = format!("{prefix}{path}");
    if url.path() != expected || url.query() != query || url.fragment().is_some() {
        return Err(format!(
            "the request target `{path_and_query}` would be sent as `{}{}`; a parameter value changes the structure of the path",
            url.path(),
            url.query()
                .map(|query| format!("?{query}"))
                .unwrap_or_default()
        ));
    }
    Ok(url)
}

/// A raw HTTP exchange, before interpretation.
struct RawResponse {
    status: u16,
    body: Vec<u8>,
}

impl Client {
    /// Starts configuring a client for the server at `url` (`https://vc.example.com`
    /// or just `vc.example.com`).
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: url.into(),
            protocol: Protocol::Auto,
            extra_ca_pem: Vec::new(),
            thumbprints: Vec::new(),
            accept_invalid_certs: false,
            connect_timeout: Duration::from_secs(30),
            timeout: Some(Duration::from_secs(600)),
            user_agent: concat!("vsphere-vapi/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
        }
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

    /// Uses an existing session token (from an earlier login or another
    /// tool). Without credentials the client cannot log in again when the
    /// session expires.
    ///
    /// Under [`Protocol::Auto`] the client does not know yet whether the
    /// server has `/api`; the first call that finds an `/api` route missing
    /// settles it (see [`Protocol::Auto`]), so such a client works on
    /// `/rest`-only servers too, and [`Client::logout`] ends the session at
    /// the session service the server has.
    pub fn with_session_token(self, token: impl Into<Secret>) -> Client {
        self.set_session_token(Some(token.into()));
        self
    }

    /// Replaces (or with `None` forgets) the session token.
    pub fn set_session_token(&self, token: Option<Secret>) {
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = token;
        session.generation += 1;
    }

    /// The current session token, e.g. to hand it to another process.
    pub fn session_token(&self) -> Option<Secret> {
        self.inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .token
            .clone()
    }

    /// Logs in with user name and password and keeps the credentials so an
    /// expired session is renewed transparently (once per failing request).
    ///
    /// Tries `POST /api/session` and, when that service does not exist
    /// (vCenter before 7.0U2, some simulators), `POST
    /// /rest/com/vmware/cis/session`. With [`Protocol::Api`] or
    /// [`Protocol::Rest`] only the matching service is used.
    pub async fn login(&self, username: &str, password: impl Into<Secret>) -> Result<()> {
        let credentials = Credentials {
            username: username.to_owned(),
            password: password.into(),
        };
        let _serialized = self.inner.relogin.lock().await;
        let (token, endpoint) = self.create_session(&credentials).await?;
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = Some(token);
        session.endpoint = Some(endpoint);
        session.credentials = Some(credentials);
        session.generation += 1;
        Ok(())
    }

    /// Ends the session on the server and forgets token and credentials.
    /// A session the server already considers gone is not an error.
    ///
    /// The session service that issued the token is used; for a token handed
    /// in with [`Client::with_session_token`] under [`Protocol::Auto`], that is
    /// `DELETE /api/session`, or `DELETE /rest/com/vmware/cis/session` when the
    /// server turns out not to have the former.
    ///
    /// Which session service the server has is kept: after a fallback to
    /// `/rest`, later calls and logins keep using `/rest` (a call without a
    /// session then fails with `UNAUTHENTICATED`, not with the `NOT_FOUND` of
    /// an `/api` route the server does not have).
    pub async fn logout(&self) -> Result<()> {
        let (token, endpoint) = {
            let mut session = self
                .inner
                .session
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let token = session.token.take();
            let endpoint = session.endpoint;
            session.credentials = None;
            session.generation += 1;
            (token, endpoint)
        };
        let Some(token) = token else {
            return Ok(());
        };
        let order: &[SessionEndpoint] = match (endpoint, self.inner.protocol) {
            (Some(SessionEndpoint::Api), _) | (None, Protocol::Api) => &[SessionEndpoint::Api],
            (Some(SessionEndpoint::Rest), _) | (None, Protocol::Rest) => &[SessionEndpoint::Rest],
            // A token handed in from elsewhere, server not known yet.
            (None, Protocol::Auto) => &[SessionEndpoint::Api, SessionEndpoint::Rest],
        };
        let mut last_error = None;
        for endpoint in order {
            let url = format!("{}{}", self.inner.base, endpoint.path());
            let request = self
                .request(reqwest::Method::DELETE, &url)
                .header(SESSION_HEADER, session_header(&token)?);
            let response = self
                .exchange(request, "com.vmware.cis.session.delete")
                .await?;
            let error = match response.status {
                200..=299 | 401 => None,
                status => Some(api_error(SESSION_SERVICE, "delete", status, &response.body)),
            };
            match error {
                Some(error) if order.len() > 1 && session_service_missing(&error) => {
                    last_error = Some(error);
                }
                Some(error) => {
                    self.learn_endpoint(*endpoint);
                    return Err(error);
                }
                None => {
                    self.learn_endpoint(*endpoint);
                    return Ok(());
                }
            }
        }
        Err(last_error
            .unwrap_or_else(|| Error::Config("no session service to log out with".to_owned())))
    }

    /// Records which session service the server has, unless known already.
    fn learn_endpoint(&self, endpoint: SessionEndpoint) {
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if session.endpoint.is_none() {
            tracing::debug!(endpoint = endpoint.path(), "session service found");
            session.endpoint = Some(endpoint);
        }
    }

    fn known_endpoint(&self) -> Option<SessionEndpoint> {
        self.inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .endpoint
    }

    /// Finds out whether the server has the `/api` session service by asking
    /// it for the current session (`GET /api/session`), once per client: a
    /// 404, 405 or 501 without a vAPI error means no, any other answer yes.
    /// See [`Protocol::Auto`].
    async fn discover_endpoint(&self) -> Result<SessionEndpoint> {
        let _serialized = self.inner.discovery.lock().await;
        if let Some(known) = self.known_endpoint() {
            return Ok(known);
        }
        let url = format!("{}{}", self.inner.base, API_SESSION_PATH);
        let mut request = self.request(reqwest::Method::GET, &url);
        if let Some(token) = self.session_token() {
            request = request.header(SESSION_HEADER, session_header(&token)?);
        }
        let response = self
            .exchange(request, "com.vmware.cis.session.get")
            .instrument(tracing::debug_span!(
                "vapi_discover",
                endpoint = API_SESSION_PATH
            ))
            .await?;
        let missing = !(200..300).contains(&response.status)
            && session_service_missing(&api_error(
                SESSION_SERVICE,
                "get",
                response.status,
                &response.body,
            ));
        let endpoint = if missing {
            SessionEndpoint::Rest
        } else {
            SessionEndpoint::Api
        };
        self.learn_endpoint(endpoint);
        Ok(self.known_endpoint().unwrap_or(endpoint))
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
        }
    }

    fn request(
        &self,
        method: reqwest::Method,
        url: impl reqwest::IntoUrl,
    ) -> reqwest::RequestBuilder {
        let mut builder = self
            .inner
            .http
            .request(method, url)
            .header(reqwest::header::USER_AGENT, self.inner.user_agent.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(timeout) = self.inner.timeout {
            builder = builder.timeout(timeout);
        }
        builder
    }

    async fn exchange(
        &self,
        request: reqwest::RequestBuilder,
        context: &str,
    ) -> Result<RawResponse> {
        let response = request
            .send()
            .await
            .map_err(|err| transport_error(context, err, None))?;
        let status = response.status().as_u16();
        let url = response.url().clone();
        let body = response
            .bytes()
            .await
            .map_err(|err| transport_error(context, err, Some(&url)))?;
        Ok(RawResponse {
            status,
            body: body.to_vec(),
        })
    }

    async fn create_session(&self, credentials: &Credentials) -> Result<(Secret, SessionEndpoint)> {
        let known = self
            .inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .endpoint;
        let order: &[SessionEndpoint] = match (known, self.inner.protocol) {
            (_, Protocol::Api) => &[SessionEndpoint::Api],
            (_, Protocol::Rest) | (Some(SessionEndpoint::Rest), Protocol::Auto) => {
                &[SessionEndpoint::Rest]
            }
            (_, Protocol::Auto) => &[SessionEndpoint::Api, SessionEndpoint::Rest],
        };
        let mut last_error = None;
        for endpoint in order {
            let url = format!("{}{}", self.inner.base, endpoint.path());
            let request = self
                .request(reqwest::Method::POST, &url)
                .basic_auth(&credentials.username, Some(credentials.password.expose()));
            let response = self
                .exchange(request, "com.vmware.cis.session.create")
                .instrument(tracing::debug_span!(
                    "vapi_login",
                    endpoint = endpoint.path()
                ))
                .await?;
            if (200..300).contains(&response.status) {
                let token = parse_token(&response.body).ok_or_else(|| Error::Decode {
                    service: SESSION_SERVICE.to_owned(),
                    operation: "create".to_owned(),
                    status: response.status,
                    expected: "a session token",
                    // The body is the token itself: never quote it.
                    excerpt: "(session token response withheld)".into(),
                    source: serde::de::Error::custom("expected a session token string"),
                })?;
                return Ok((token, *endpoint));
            }
            let error = api_error(SESSION_SERVICE, "create", response.status, &response.body);
            if !session_service_missing(&error) {
                // The service exists and refused (bad credentials, say):
                // later calls must go where it lives, and be told
                // UNAUTHENTICATED there rather than NOT_FOUND elsewhere.
                self.learn_endpoint(*endpoint);
                return Err(error);
            }
            tracing::debug!(
                endpoint = endpoint.path(),
                "session service not available, trying the next one"
            );
            last_error = Some(error);
        }
        Err(last_error
            .unwrap_or_else(|| Error::Config("no session service to log in with".to_owned())))
    }

    /// Logs in again with the stored credentials unless another request did
    /// so since `seen_generation`. Returns false when no credentials are known.
    async fn renew_session(&self, seen_generation: u64) -> Result<bool> {
        let _serialized = self.inner.relogin.lock().await;
        let credentials = {
            let session = self
                .inner
                .session
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if session.generation != seen_generation {
                return Ok(true);
            }
            match &session.credentials {
                Some(credentials) => credentials.clone(),
                None => return Ok(false),
            }
        };
        tracing::debug!("session expired, logging in again");
        let (token, endpoint) = self.create_session(&credentials).await?;
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = Some(token);
        session.endpoint = Some(endpoint);
        session.generation += 1;
        Ok(true)
    }

    fn session_snapshot(&self) -> (Option<Secret>, u64, bool) {
        let session = self
            .inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        (
            session.token.clone(),
            session.generation,
            session.credentials.is_some(),
        )
    }
}

fn session_header(token: &Secret) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
        Error::Config("session token contains characters not allowed in a header".to_owned())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `/api/session` answers with a JSON string, `/rest` with `{"value": "..."}`.
fn parse_token(body: &[u8]) -> Option<Secret> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::String(token) => Some(Secret::new(token)),
        Value::Object(mut object) => match object.remove("value") {
            Some(Value::String(token)) => Some(Secret::new(token)),
            _ => None,
        },
        _ => None,
    }
}

/// True when an answer says the route does not exist on the server (a 404,
/// 405 or 501 without a vAPI error body), as opposed to a vAPI error such as
/// `NOT_FOUND` for a missing object.
fn route_missing(response: &RawResponse) -> bool {
    matches!(response.status, 404 | 405 | 501)
        && error::error_from_response(response.status, &response.body).is_from_status()
}

/// True when a login attempt failed because the session service is absent on
/// this server, rather than because of the credentials.
fn session_service_missing(error: &Error) -> bool {
    matches!(error.status(), Some(404 | 405 | 501))
        || matches!(
            error.error_type(),
            Some("OPERATION_NOT_FOUND" | "NOT_FOUND")
        )
}

fn api_error(service: &str, operation: &str, status: u16, body: &[u8]) -> Error {
    Error::Api {
        service: service.to_owned(),
        operation: operation.to_owned(),
        error: Box::new(error::error_from_response(status, body)),
    }
}

/// Classifies a `reqwest` failure without exposing `reqwest` types.
/// `url` names the server when the error itself does not (errors while
/// reading a body).
fn transport_error(context: &str, err: reqwest::Error, url: Option<&reqwest::Url>) -> Error {
    if err.is_timeout() {
        return Error::Timeout {
            context: context.to_owned(),
        };
    }
    let peer = err
        .url()
        .or(url)
        .and_then(|url| {
            let host = url.host_str()?;
            Some(match url.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .unwrap_or_else(|| "the server".to_owned());
    if let Some(tls) = find_tls_error(&err) {
        return Error::Tls {
            context: context.to_owned(),
            peer,
            message: tls.to_string(),
        };
    }
    let kind = classify_transport(&err);
    if kind == TransportKind::Timeout {
        return Error::Timeout {
            context: context.to_owned(),
        };
    }
    // The innermost message; reqwest's own text only repeats the URL (which
    // never holds secrets here: tokens and credentials travel in headers).
    let detail = error_chain(&err)
        .last()
        .map_or_else(|| err.to_string(), ToString::to_string);
    Error::Transport {
        context: context.to_owned(),
        kind,
        peer,
        detail,
        source: Box::new(err),
    }
}

/// The root cause of a failed exchange, from the kinds of the I/O errors in
/// the chain and, where the HTTP stack reports no I/O error, from its
/// messages (hyper and hyper-util have no public error kinds for these).
fn classify_transport(err: &reqwest::Error) -> TransportKind {
    let chain = error_chain(err);
    for cause in &chain {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as Io;
            match io.kind() {
                Io::ConnectionRefused => return TransportKind::ConnectionRefused,
                Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe => {
                    return TransportKind::ConnectionReset;
                }
                Io::TimedOut => return TransportKind::Timeout,
                Io::UnexpectedEof if err.is_body() || err.is_decode() => {
                    return TransportKind::IncompleteBody;
                }
                Io::UnexpectedEof => return TransportKind::ConnectionClosed,
                _ => {}
            }
        }
        let text = cause.to_string();
        if text == "dns error" || text.starts_with("failed to lookup address") {
            return TransportKind::NameResolution;
        }
        if text.contains("before message length reached") || text.contains("incomplete") {
            return TransportKind::IncompleteBody;
        }
        if text.starts_with("connection closed before message completed") {
            return TransportKind::ConnectionClosed;
        }
    }
    if err.is_body() || err.is_decode() {
        return TransportKind::IncompleteBody;
    }
    TransportKind::Other
}

/// `err` and its causes, looking into the errors wrapped by `io::Error`s
/// (whose `source` skips the wrapped error itself).
fn error_chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        chain.push(cause);
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
        if chain.len() > 32 {
            break;
        }
    }
    chain
}

/// Finds a rustls error anywhere in an error chain. rustls errors surface
/// wrapped in (possibly nested) `io::Error`s, whose `source` skips the wrapped
/// error itself, so those are looked into explicitly.
fn find_tls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    if let Some(inner) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        if let Some(tls) = find_tls_error(inner) {
            return Some(tls);
        }
    }
    err.source().and_then(find_tls_error)
}

/// One operation call being assembled; created by [`Client::operation`].
#[must_use = "a call does nothing until `send` is awaited"]
pub struct Call {
    client: Client,
    spec: &'static OperationSpec,
    route: Option<(Wire, HttpRoute)>,
    params: Vec<(&'static str, Value)>,
    /// The `/rest` route and parameters serialized for it, when the `/api`
    /// route is tentative (see [`Protocol::Auto`]).
    fallback: Option<(HttpRoute, Vec<(&'static str, Value)>)>,
    error: Option<Error>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameter values may contain secrets; list names only.
        f.debug_struct("Call")
            .field("service", &self.spec.service_id)
            .field("operation", &self.spec.operation_id)
            .field(
                "params",
                &self
                    .params
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Call {
    /// Adds a parameter by its wire name. The value is serialized right away
    /// for the chosen protocol; a failure is reported by [`Call::send`]. A
    /// value serializing to `null` (an unset optional) is left out.
    pub fn param<T: Serialize + ?Sized>(mut self, wire_name: &'static str, value: &T) -> Call {
        if self.error.is_some() {
            return self;
        }
        let serialized = match self.route {
            Some((Wire::Rest, _)) => types::to_rest_value(value),
            _ => types::to_api_value(value),
        };
        if let Some((_, fallback_params)) = &mut self.fallback {
            match types::to_rest_value(value) {
                Ok(Value::Null) => {}
                Ok(value) => {
                    fallback_params.retain(|(name, _)| *name != wire_name);
                    fallback_params.push((wire_name, value));
                }
                // Without the parameter the fallback cannot be sent.
                Err(_) => self.fallback = None,
            }
        }
        match serialized {
            Ok(Value::Null) => {}
            Ok(value) => {
                self.params.retain(|(name, _)| *name != wire_name);
                self.params.push((wire_name, value));
            }
            Err(source) => {
                self.error = Some(Error::Serialize {
                    service: self.spec.service_id.to_owned(),
                    operation: self.spec.operation_id.to_owned(),
                    param: wire_name.to_owned(),
                    source,
                });
            }
        }
        self
    }

    /// Sends the request and decodes the result. `T = ()` accepts an empty
    /// body, `204 No Content` and `{"value": null}`.
    ///
    /// When the server reports an expired session and credentials are known,
    /// the client logs in again (once, shared with concurrent requests) and
    /// repeats the request once.
    pub async fn send<T: DeserializeOwned>(mut self) -> Result<T> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.send_value().await
    }

    /// Sends the `$task` variant of an operation: the server answers with
    /// the identifier of the task it started, which comes back as a [`Task`]
    /// to wait for or cancel.
    pub async fn send_task<T: DeserializeOwned>(self) -> Result<Task<T>> {
        let client = self.client.clone();
        let id: TaskId = self.send().await?;
        Ok(Task::new(&client, id))
    }

    async fn send_value<T: DeserializeOwned>(&self) -> Result<T> {
        let spec = self.spec;
        let invalid = |message: String| Error::InvalidRequest {
            service: spec.service_id.to_owned(),
            operation: spec.operation_id.to_owned(),
            message,
        };
        let Some((mut wire, mut route)) = self.route else {
            return Err(invalid("no route".to_owned()));
        };
        let mut params = &self.params;
        // The server may have been found to lack /api since the call was
        // created.
        if let Some((rest_route, rest_params)) = &self.fallback {
            if self.client.known_endpoint() == Some(SessionEndpoint::Rest) {
                (wire, route, params) = (Wire::Rest, *rest_route, rest_params);
            }
        }
        let mut prepared = encode::prepare(&route, wire, params).map_err(invalid)?;
        let mut url =
            request_url(&self.client.inner.base, &prepared.path_and_query).map_err(invalid)?;
        let span = tracing::debug_span!(
            "vapi_request",
            service = spec.service_id,
            operation = spec.operation_id,
            method = prepared.method.as_str(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            relogin = false,
            rerouted = false,
        );
        async {
            let started = Instant::now();
            let (token, generation, has_credentials) = self.client.session_snapshot();
            let mut response = self.execute(&prepared, &url, token.as_ref()).await?;
            if let Some((rest_route, rest_params)) = &self.fallback {
                if wire == Wire::Api
                    && route_missing(&response)
                    && self.client.discover_endpoint().await? == SessionEndpoint::Rest
                {
                    tracing::debug!("the server has no /api; sending the call over /rest");
                    tracing::Span::current().record("rerouted", true);
                    wire = Wire::Rest;
                    prepared = encode::prepare(rest_route, wire, rest_params).map_err(invalid)?;
                    url = request_url(&self.client.inner.base, &prepared.path_and_query)
                        .map_err(invalid)?;
                    response = self.execute(&prepared, &url, token.as_ref()).await?;
                }
            }
            if response.status == 401
                && has_credentials
                && self.client.renew_session(generation).await?
            {
                tracing::Span::current().record("relogin", true);
                let (token, _, _) = self.client.session_snapshot();
                response = self.execute(&prepared, &url, token.as_ref()).await?;
            }
            let span = tracing::Span::current();
            span.record("status", response.status);
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            tracing::debug!(status = response.status, "vAPI request finished");
            decode_response(spec, wire, response)
        }
        .instrument(span)
        .await
    }

    async fn execute(
        &self,
        prepared: &encode::Prepared,
        url: &reqwest::Url,
        token: Option<&Secret>,
    ) -> Result<RawResponse> {
        let method = match prepared.method {
            HttpMethod::Get => reqwest::Method::GET,
            HttpMethod::Post => reqwest::Method::POST,
            HttpMethod::Put => reqwest::Method::PUT,
            HttpMethod::Patch => reqwest::Method::PATCH,
            HttpMethod::Delete => reqwest::Method::DELETE,
        };
        let mut request = self.client.request(method, url.clone());
        if let Some(token) = token {
            request = request.header(SESSION_HEADER, session_header(token)?);
        }
        for (name, value) in &prepared.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| self.invalid(format!("`{name}` is not a valid header name")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                self.invalid(format!(
                    "value of header `{name}` contains characters not allowed in a header"
                ))
            })?;
            request = request.header(header_name, header_value);
        }
        if let Some(body) = &prepared.body {
            let bytes = serde_json::to_vec(body).map_err(|source| Error::Serialize {
                service: self.spec.service_id.to_owned(),
                operation: self.spec.operation_id.to_owned(),
                param: "(request body)".to_owned(),
                source,
            })?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let context = format!("{}.{}", self.spec.service_id, self.spec.operation_id);
        self.client.exchange(request, &context).await
    }

    fn invalid(&self, message: String) -> Error {
        Error::InvalidRequest {
            service: self.spec.service_id.to_owned(),
            operation: self.spec.operation_id.to_owned(),
            message,
        }
    }
}

fn decode_response<T: DeserializeOwned>(
    spec: &OperationSpec,
    wire: Wire,
    response: RawResponse,
) -> Result<T> {
    let RawResponse { status, body } = response;
    if !(200..300).contains(&status) {
        if (400..600).contains(&status) {
            return Err(api_error(spec.service_id, spec.operation_id, status, &body));
        }
        return Err(Error::UnexpectedStatus {
            service: spec.service_id.to_owned(),
            operation: spec.operation_id.to_owned(),
            status,
            excerpt: error::excerpt(&body),
        });
    }
    let decode_error = |source: serde_json::Error| Error::Decode {
        service: spec.service_id.to_owned(),
        operation: spec.operation_id.to_owned(),
        status,
        expected: std::any::type_name::<T>(),
        excerpt: error::excerpt(&body).into(),
        source,
    };
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(decode_error)?
    };
    let value = match (wire, value) {
        // /rest wraps every result; a body without the wrapper (void
        // operations answering `{}`) carries no result.
        (Wire::Rest, Value::Object(mut object)) => object.remove("value").unwrap_or(Value::Null),
        (_, value) => value,
    };
    decode_value(value).map_err(decode_error)
}

/// Decodes a result value. Some servers (govmomi's simulator among them)
/// answer an empty list as `null`; null is read as the empty collection
/// before the result is called malformed.
pub(crate) fn decode_value<T: DeserializeOwned>(value: Value) -> serde_json::Result<T> {
    let was_null = value.is_null();
    match serde_json::from_value(value) {
        Ok(decoded) => Ok(decoded),
        Err(err) if was_null => serde_json::from_value(Value::Array(Vec::new())).map_err(|_| err),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            normalize_base_url("vc.example.com").unwrap(),
            "https://vc.example.com"
        );
        assert_eq!(
            normalize_base_url("https://vc:8443/").unwrap(),
            "https://vc:8443"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:1/prefix/").unwrap(),
            "http://127.0.0.1:1/prefix"
        );
        assert!(normalize_base_url("ftp://vc").is_err());
        assert!(normalize_base_url("https://vc/?x=1").is_err());
    }

    #[test]
    fn base_url_credentials_are_rejected_and_never_shown() {
        for url in [
            "https://administrator:Pa55-w0rd@vc.example.com",
            "https://administrator@vc.example.com/",
            "https://:Pa55-w0rd@vc.example.com",
            "administrator:Pa55-w0rd@vc.example.com",
            "https://administrator:Pa55-w0rd@vc example.com",
            "https://administrator:Pa/55-w0rd@vc.example.com",
        ] {
            let error = normalize_base_url(url).unwrap_err();
            let text = format!("{error} {error:?}");
            assert!(matches!(error, Error::Config(_)), "{url}: {text}");
            for secret in ["Pa55-w0rd", "Pa/55", "administrator"] {
                assert!(!text.contains(secret), "{url}: {text}");
            }
        }
        let error =
            normalize_base_url("https://administrator:Pa55-w0rd@vc.example.com").unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid client configuration: base URL `https://***@vc.example.com` contains a user name or password; pass credentials to Client::login instead"
        );
        let builder = Client::builder("https://administrator:Pa55-w0rd@vc.example.com");
        assert!(!format!("{builder:?}").contains("Pa55-w0rd"), "{builder:?}");
    }

    #[test]
    fn request_urls_keep_the_built_path() {
        let url = request_url("https://vc/prefix", "/api/x/a%2Fb?k=v%26w").unwrap();
        assert_eq!(url.path(), "/prefix/api/x/a%2Fb");
        assert_eq!(url.query(), Some("k=v%26w"));
        assert_eq!(
            request_url("https://vc", "/api/x").unwrap().path(),
            "/api/x"
        );
        // Dot segments are removed by the URL parser: refused, not sent.
        for target in ["/api/x/..", "/api/x/%2e%2E/y", "/api/./x"] {
            let error = request_url("https://vc", target).unwrap_err();
            assert!(error.contains(target), "{error}");
        }
    }

    #[test]
    fn tokens() {
        assert_eq!(parse_token(br#""abc""#).unwrap().expose(), "abc");
        assert_eq!(parse_token(br#"{"value": "abc"}"#).unwrap().expose(), "abc");
        assert!(parse_token(b"<html>").is_none());
    }

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
            api: None,
            rest: None,
        };
        let future = client.operation(&SPEC).send::<()>();
        assert_send(&future);
    }
}
