//! [`ClientBuilder`]: TLS trust, time limits, retries, proxy, protocol and
//! transport.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use http::HeaderValue;

use super::https::HttpSettings;
use super::session::SessionState;
use super::url::{normalize_base_url, redact_userinfo};
use super::{Client, Inner, Protocol};
use crate::error::{Error, Result};
use crate::proxy::ProxySetting;
use crate::retry::RetryPolicy;
use crate::tls::{self, TrustMode};
use crate::transport::{ReqwestTransport, Transport};
use crate::types::Secret;

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
    /// The injected `reqwest` client, also used for transfers.
    injected_http: Option<reqwest::Client>,
    retry: RetryPolicy,
    proxy: Proxy,
}

/// The proxy as configured; checked by [`ClientBuilder::build`] so that the
/// builder's methods cannot fail.
#[derive(Default)]
enum Proxy {
    #[default]
    Environment,
    Direct,
    Url {
        url: String,
        credentials: Option<(String, Secret)>,
    },
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
            .field("retry", &self.retry)
            .field(
                "proxy",
                &match &self.proxy {
                    Proxy::Environment => "environment".to_owned(),
                    Proxy::Direct => "none".to_owned(),
                    Proxy::Url { url, .. } => redact_userinfo(url),
                },
            )
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
            injected_http: None,
            retry: RetryPolicy::default(),
            proxy: Proxy::Environment,
        }
    }

    /// Sends every request (transfers included) through the HTTP or HTTPS
    /// proxy at `url`: `http://proxy.example.com:3128`,
    /// `https://proxy.example.com`, or `proxy:3128` (`http`). Requests to
    /// an `https` server are tunnelled (`CONNECT`), so the proxy sees
    /// neither tokens nor bodies. Credentials may be given in the URL
    /// (`http://user:password@proxy:3128`, percent-encoded) or with
    /// [`ClientBuilder::proxy_credentials`]; they are sent to the proxy as
    /// `Proxy-Authorization: Basic` and never shown by `Debug` or in
    /// errors. The certificate of an `https` proxy is checked with the
    /// client's TLS settings.
    ///
    /// Without this call the standard environment variables are honoured
    /// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` and their
    /// lower-case forms, read by [`ClientBuilder::build`]); see
    /// [`ClientBuilder::no_proxy`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        let credentials = match std::mem::take(&mut self.proxy) {
            Proxy::Url { credentials, .. } => credentials,
            _ => None,
        };
        self.proxy = Proxy::Url {
            url: url.into(),
            credentials,
        };
        self
    }

    /// The user name and password for the proxy set with
    /// [`ClientBuilder::proxy`] (replacing any in its URL).
    pub fn proxy_credentials(
        mut self,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        let url = match std::mem::take(&mut self.proxy) {
            Proxy::Url { url, .. } => url,
            // Checked by build: credentials without a proxy are an error.
            _ => String::new(),
        };
        self.proxy = Proxy::Url {
            url,
            credentials: Some((username.into(), password.into())),
        };
        self
    }

    /// Connects straight to the server: no proxy, whatever the proxy
    /// environment variables say.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = Proxy::Direct;
        self
    }

    /// How calls are retried after failures that are safe to repeat
    /// (default [`RetryPolicy::default`]: up to 3 attempts); see
    /// [`RetryPolicy`] for which failures those are.
    /// [`RetryPolicy::never`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
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
    ///
    /// Transfers ([`Client::transfer`]) use this client too, except for a
    /// host given its own [`HostTrust`](crate::transfer::HostTrust), for
    /// which a client with this builder's connect limit and proxy settings
    /// is built.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.injected_http = Some(client.clone());
        self.transport = Some(Arc::new(ReqwestTransport::new(client)));
        self
    }

    /// Sends every request through `transport` instead of HTTPS, e.g. an
    /// in-memory server in a test. Everything else — URLs, headers, bodies,
    /// sessions, decoding, errors — works as over HTTPS. Like
    /// [`ClientBuilder::http_client`], it cannot be combined with TLS or
    /// proxy options. Transfers ([`Client::transfer`]) stream over HTTPS and
    /// do not go through a transport: with one, they fail unless they name
    /// a [`HostTrust`](crate::transfer::HostTrust) of their own.
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.injected_http = None;
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
        let trust = if self.accept_invalid_certs {
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
        let proxy_given = !matches!(self.proxy, Proxy::Environment);
        let proxy = match self.proxy {
            Proxy::Environment => ProxySetting::Environment,
            Proxy::Direct => ProxySetting::Direct,
            Proxy::Url { url, .. } if url.is_empty() => {
                return Err(Error::Config(
                    "proxy credentials were given without a proxy URL".to_owned(),
                ));
            }
            Proxy::Url { url, credentials } => {
                let mut setting = ProxySetting::explicit(&url)?;
                if let Some((username, password)) = credentials {
                    setting.set_credentials(username, password);
                }
                setting
            }
        };
        let settings = HttpSettings {
            trust,
            connect_timeout: self.connect_timeout,
            proxy,
        };
        let (transport, http) = match self.transport {
            Some(_) if tls_options_given || proxy_given => {
                return Err(Error::Config(
                    "TLS and proxy options cannot be applied to an injected HTTP client or transport; configure it instead".to_owned(),
                ));
            }
            Some(transport) => (transport, self.injected_http),
            None => {
                let http = settings.build()?;
                let transport: Arc<dyn Transport> = Arc::new(ReqwestTransport::new(http.clone()));
                (transport, Some(http))
            }
        };
        Ok(Client {
            retry: None,
            inner: Arc::new(Inner {
                transport,
                http,
                settings,
                base,
                protocol: self.protocol,
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                session: RwLock::new(SessionState::default()),
                relogin: tokio::sync::Mutex::new(()),
                closed: std::sync::atomic::AtomicBool::new(false),
                discovery: tokio::sync::Mutex::new(()),
                release: tokio::sync::OnceCell::new(),
            }),
        })
    }
}
