//! The built-in HTTPS client: TLS trust, connect limit and proxy, as the
//! builder configured them. Built once for the server and again, with
//! another trust, for a transfer to a host the caller trusts explicitly.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::proxy::ProxySetting;
use crate::tls::{self, TrustMode};

/// What the `reqwest` clients of one [`Client`](super::Client) are built
/// from.
#[derive(Clone)]
pub(crate) struct HttpSettings {
    pub(crate) trust: TrustMode,
    pub(crate) connect_timeout: Duration,
    pub(crate) proxy: ProxySetting,
}

impl HttpSettings {
    /// A `reqwest` client with these settings and `trust` instead of the
    /// configured trust.
    pub(crate) fn build_with(&self, trust: TrustMode) -> Result<reqwest::Client> {
        let builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls::client_config(trust)?)
            .connect_timeout(self.connect_timeout)
            // vCenter answers with absolute URLs only for UI pages; API
            // calls and transfers never redirect, and following a redirect
            // could send the session header elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        self.proxy
            .apply(builder)?
            .build()
            .map_err(|err| Error::Config(format!("HTTP client: {err}")))
    }

    /// A `reqwest` client with these settings.
    pub(crate) fn build(&self) -> Result<reqwest::Client> {
        self.build_with(self.trust.clone())
    }
}
