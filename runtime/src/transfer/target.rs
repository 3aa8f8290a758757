//! Where a transfer goes: the URL as the API handed it out, with the `*`
//! host filled in, whether it is the client's own server, and which HTTPS
//! client (which trust) talks to it.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::tls::{self, TrustMode};

use super::HostTrust;

/// A transfer URL resolved against the client.
#[derive(Debug)]
pub(super) struct Target {
    pub(super) url: reqwest::Url,
    /// Scheme, host and port equal the client's base URL.
    pub(super) same_origin: bool,
}

impl Target {
    /// The URL without query and fragment, for messages and logs: a query
    /// may hold a one-time token (`/guestFile?id=…&token=…`).
    pub(super) fn shown(&self) -> String {
        let mut url = self.url.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.to_string()
    }
}

/// Resolves `url` against the client's base URL `base`.
///
/// A host written `*` is the server the call that handed the URL out was
/// made on (`https://*/guestFile?id=…`, as `vcenter.vm.guest.filesystem.transfers`
/// documents it): it becomes the base URL's host, and the base URL's port
/// when the URL names none. A plain `http` URL is refused when the client
/// talks `https`: a transfer never goes out less protected than the calls.
pub(super) fn resolve(base: &str, url: &str) -> Result<Target> {
    let base_url = reqwest::Url::parse(base)
        .map_err(|err| Error::Config(format!("base URL `{base}`: {err}")))?;
    let shown = crate::client::redact_userinfo(url);
    let mut parsed = reqwest::Url::parse(url.trim())
        .map_err(|err| Error::Config(format!("transfer URL `{shown}`: {err}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "transfer URL `{shown}` contains a user name or password"
        )));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "transfer URL `{shown}`: scheme must be http or https"
        )));
    }
    if parsed.host_str() == Some("*") {
        let host = base_url.host_str().unwrap_or_default();
        parsed
            .set_host(Some(host))
            .map_err(|err| Error::Config(format!("transfer URL `{shown}`: {err}")))?;
        if parsed.port().is_none() && parsed.scheme() == base_url.scheme() {
            // Only fails for URLs without a host, and this one has one.
            let _ = parsed.set_port(base_url.port());
        }
    }
    if parsed.scheme() == "http" && base_url.scheme() == "https" {
        return Err(Error::Config(format!(
            "transfer URL `{shown}` is plain http while the client uses https; refusing to send it unprotected"
        )));
    }
    let same_origin = parsed.scheme() == base_url.scheme()
        && parsed.host_str() == base_url.host_str()
        && parsed.port_or_known_default() == base_url.port_or_known_default();
    Ok(Target {
        url: parsed,
        same_origin,
    })
}

/// The HTTPS client for a transfer trusted as `trust` says: the client's
/// own for [`HostTrust::Client`], else one built with the client's connect
/// limit and proxy and the given trust.
pub(super) fn http_client(client: &Client, trust: &HostTrust) -> Result<reqwest::Client> {
    let settings = client.http_settings();
    let mode = match trust {
        HostTrust::Client => {
            return client.transfer_http().ok_or_else(|| {
                Error::Config(
                    "transfers need the built-in HTTPS client or one given with ClientBuilder::http_client; this client sends its calls through a custom transport".to_owned(),
                )
            });
        }
        // Added to what the client trusts, so a vCenter CA known to the
        // client still vouches for its hosts.
        HostTrust::CertificatePem(pem) => {
            let mut extra_ca_pem = match &settings.trust {
                TrustMode::Verify { extra_ca_pem } => extra_ca_pem.clone(),
                _ => Vec::new(),
            };
            extra_ca_pem.push(pem.clone());
            TrustMode::Verify { extra_ca_pem }
        }
        HostTrust::Sha256Thumbprint(text) => TrustMode::Pinned(vec![tls::parse_thumbprint(text)?]),
    };
    settings.build_with(mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_is_the_server_the_call_went_to() {
        let target = resolve(
            "https://vc.example.com",
            "https://*/guestFile?id=12&token=abc",
        )
        .unwrap();
        assert_eq!(
            target.url.as_str(),
            "https://vc.example.com/guestFile?id=12&token=abc"
        );
        assert!(target.same_origin);
        assert_eq!(target.shown(), "https://vc.example.com/guestFile");

        let target = resolve("https://127.0.0.1:8443", "https://*/guestFile?id=1").unwrap();
        assert_eq!(target.url.as_str(), "https://127.0.0.1:8443/guestFile?id=1");
        assert!(target.same_origin);
        // A port of its own is kept.
        let target = resolve("https://127.0.0.1:8443", "https://*:9443/guestFile").unwrap();
        assert_eq!(target.url.as_str(), "https://127.0.0.1:9443/guestFile");
        assert!(!target.same_origin);
    }

    #[test]
    fn other_hosts_and_refusals() {
        let target = resolve(
            "https://vc.example.com",
            "https://esx-1.example.com/guestFile?id=1",
        )
        .unwrap();
        assert!(!target.same_origin);
        let target = resolve(
            "https://vc.example.com",
            "https://vc.example.com:443/cls/data/x",
        )
        .unwrap();
        assert!(target.same_origin);
        for (url, needle) in [
            ("http://vc.example.com/cls/data/x", "plain http"),
            ("ftp://vc.example.com/x", "scheme"),
            ("https://user:Pa55@vc.example.com/x", "user name"),
            ("not a url", "transfer URL"),
        ] {
            let error = resolve("https://vc.example.com", url).unwrap_err();
            let text = error.to_string();
            assert!(text.contains(needle), "{url}: {text}");
            assert!(!text.contains("Pa55"), "{text}");
        }
        // A client talking http (a simulator) may transfer over http.
        assert!(
            resolve("http://127.0.0.1:1", "http://127.0.0.1:1/x")
                .unwrap()
                .same_origin
        );
    }
}
