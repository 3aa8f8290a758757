//! [`ClientBuilder`]: TLS trust, time limits, protocol and transport.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::HeaderValue;

use super::session::SessionState;
use super::url::{normalize_base_url, redact_userinfo};
use super::{Client, Inner, Protocol};
use crate::error::{Error, Result};
use crate::tls::{self, TrustMode};
use crate::transport::{ReqwestTransport, Transport};

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
    transport: Option<Arc<dyn Transport>>,
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
            .field("custom_transport", &self.transport.is_some())
            .finish()
    }
}

impl ClientBuilder {
    pub(super) fn new(base_url: String) -> ClientBuilder {
        ClientBuilder {
            base_url,
            protocol: Protocol::Auto,
            extra_ca_pem: Vec::new(),
            thumbprints: Vec::new(),
            accept_invalid_certs: false,
            connect_timeout: Duration::from_secs(30),
            timeout: Some(Duration::from_secs(600)),
            user_agent: concat!("vsphere-vapi/", env!("CARGO_PKG_VERSION")).to_owned(),
            transport: None,
        }
    }

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
    /// connection pool. This and [`ReqwestTransport`] are the only places
    /// where `reqwest` (version 0.12) appears in this crate's API. The
    /// injected client's own TLS and connect settings apply, so combining it
    /// with the TLS options of this builder is rejected by
    /// [`ClientBuilder::build`]; the user agent and the per-request timeout
    /// are still applied to each request.
    pub fn http_client(self, client: reqwest::Client) -> Self {
        self.transport(ReqwestTransport::new(client))
    }

    /// Sends every request through `transport` instead of HTTPS, e.g. an
    /// in-memory server in a test. Everything else — URLs, headers, bodies,
    /// sessions, decoding, errors — works as over HTTPS. Like
    /// [`ClientBuilder::http_client`], it cannot be combined with TLS options.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] for an unusable base URL, including one
    /// with a user name or password in it (`https://user:pw@vc`): credentials
    /// belong in [`Client::login`], which keeps them as
    /// [`Secret`](crate::types::Secret)s. The error message shows the URL
    /// with that part replaced by `***`.
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
        let transport = match self.transport {
            Some(_) if tls_options_given => {
                return Err(Error::Config(
                    "TLS options cannot be applied to an injected HTTP client or transport; configure its TLS instead".to_owned(),
                ));
            }
            Some(transport) => transport,
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
                let http = reqwest::Client::builder()
                    .use_preconfigured_tls(tls::client_config(mode)?)
                    .connect_timeout(self.connect_timeout)
                    // vCenter answers with absolute URLs only for UI pages;
                    // API calls never redirect, and following a redirect
                    // could send the session header elsewhere.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|err| Error::Config(format!("HTTP client: {err}")))?;
                Arc::new(ReqwestTransport::new(http))
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base,
                protocol: self.protocol,
                user_agent,
                timeout: self.timeout,
                session: RwLock::new(SessionState::default()),
                relogin: tokio::sync::Mutex::new(()),
                discovery: tokio::sync::Mutex::new(()),
                release: tokio::sync::OnceCell::new(),
            }),
        })
    }
}
