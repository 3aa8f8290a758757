//! Proxies: an explicit HTTP or HTTPS proxy (with credentials kept as a
//! [`Secret`]), the standard proxy environment variables, or none.
//!
//! Requests to an `https` server go through the proxy as a `CONNECT`
//! tunnel, so the proxy sees neither the session token nor the bodies;
//! requests to an `http` server (a simulator, say) are forwarded by it.

use std::fmt;

use crate::error::{Error, Result};
use crate::types::Secret;

/// Where requests go first.
#[derive(Clone, Default)]
pub(crate) enum ProxySetting {
    /// As the standard environment variables say, read when the client is
    /// built: `HTTPS_PROXY` / `https_proxy` for `https` servers,
    /// `HTTP_PROXY` / `http_proxy` for `http` ones, `ALL_PROXY` for both,
    /// `NO_PROXY` for exceptions (host names, domains, IP ranges). No proxy
    /// when they are unset.
    #[default]
    Environment,
    /// Straight to the server, whatever the environment says.
    Direct,
    /// Through this proxy.
    Explicit(Proxy),
}

/// An explicit proxy: its URL (without user information) and credentials.
#[derive(Clone)]
pub(crate) struct Proxy {
    url: reqwest::Url,
    credentials: Option<(String, Secret)>,
}

impl ProxySetting {
    /// Parses `url` (`http://proxy:3128`, `https://proxy.example.com`,
    /// `http://user:password@proxy:3128`; a bare `host:port` means `http`).
    /// A user name and password in the URL (percent-encoded there) become
    /// the proxy credentials and are removed from the URL.
    pub(crate) fn explicit(url: &str) -> Result<ProxySetting> {
        let shown = crate::client::redact_userinfo(url);
        let trimmed = url.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("http://{trimmed}")
        };
        let mut parsed = reqwest::Url::parse(&with_scheme)
            .map_err(|err| Error::Config(format!("proxy URL `{shown}`: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "proxy URL `{shown}`: scheme must be http or https"
            )));
        }
        if parsed.host_str().is_none() {
            return Err(Error::Config(format!("proxy URL `{shown}` has no host")));
        }
        let credentials = if parsed.username().is_empty() && parsed.password().is_none() {
            None
        } else {
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(text)
                    .decode_utf8()
                    .map(|text| text.into_owned())
                    .map_err(|_| {
                        Error::Config(format!(
                            "proxy URL `{shown}`: the user name or password is not UTF-8"
                        ))
                    })
            };
            let username = decode(parsed.username())?;
            let password = Secret::new(decode(parsed.password().unwrap_or_default())?);
            // Cannot fail for a URL with a host.
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            Some((username, password))
        };
        Ok(ProxySetting::Explicit(Proxy {
            url: parsed,
            credentials,
        }))
    }

    /// Sets (or replaces) the credentials of an explicit proxy; `false`
    /// when there is no explicit proxy to set them on.
    pub(crate) fn set_credentials(&mut self, username: String, password: Secret) -> bool {
        match self {
            ProxySetting::Explicit(proxy) => {
                proxy.credentials = Some((username, password));
                true
            }
            _ => false,
        }
    }

    /// Configures `builder` to use this setting.
    pub(crate) fn apply(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
        Ok(match self {
            // reqwest reads the environment variables itself unless told
            // otherwise.
            ProxySetting::Environment => builder,
            ProxySetting::Direct => builder.no_proxy(),
            ProxySetting::Explicit(proxy) => {
                let mut setting = reqwest::Proxy::all(proxy.url.as_str())
                    .map_err(|err| Error::Config(format!("proxy `{}`: {err}", proxy.url)))?;
                if let Some((username, password)) = &proxy.credentials {
                    setting = setting.basic_auth(username, password.expose());
                }
                builder.proxy(setting)
            }
        })
    }
}

impl fmt::Debug for ProxySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySetting::Environment => f.write_str("Environment"),
            ProxySetting::Direct => f.write_str("Direct"),
            ProxySetting::Explicit(proxy) => f
                .debug_struct("Explicit")
                .field("url", &proxy.url.as_str())
                .field(
                    "username",
                    &proxy.credentials.as_ref().map(|(user, _)| user.as_str()),
                )
                .field(
                    "password",
                    &proxy.credentials.as_ref().map(|(_, password)| password),
                )
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_leave_the_url_and_never_show() {
        let setting = ProxySetting::explicit("http://svc%40corp:S3cr%2Ft@proxy.corp:3128").unwrap();
        let ProxySetting::Explicit(proxy) = &setting else {
            panic!("{setting:?}");
        };
        assert_eq!(proxy.url.as_str(), "http://proxy.corp:3128/");
        let (username, password) = proxy.credentials.as_ref().unwrap();
        assert_eq!(username, "svc@corp");
        assert_eq!(password.expose(), "S3cr/t");
        let shown = format!("{setting:?}");
        assert!(!shown.contains("S3cr"), "{shown}");
        assert!(shown.contains("svc@corp"), "{shown}");
    }

    #[test]
    fn proxy_urls() {
        let ProxySetting::Explicit(bare) = ProxySetting::explicit("proxy:8080").unwrap() else {
            panic!()
        };
        assert_eq!(bare.url.as_str(), "http://proxy:8080/");
        assert!(bare.credentials.is_none());
        assert!(ProxySetting::explicit("https://proxy").is_ok());
        let error = ProxySetting::explicit("socks5://user:Pa55@proxy").unwrap_err();
        assert!(error.to_string().contains("scheme"), "{error}");
        assert!(!error.to_string().contains("Pa55"), "{error}");
        let error = ProxySetting::explicit("http://user:Pa55@").unwrap_err();
        assert!(!error.to_string().contains("Pa55"), "{error}");
        let mut direct = ProxySetting::Direct;
        assert!(!direct.set_credentials("u".to_owned(), Secret::new("p")));
    }
}
