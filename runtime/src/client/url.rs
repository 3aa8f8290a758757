//! Base URLs and request URLs: what the client accepts and what it sends to.

use crate::error::{Error, Result};

/// Accepts `https://host`, `https://host:port/prefix/` and a bare host name
/// (which means HTTPS); returns it without trailing slash.
///
/// A URL with a user name or password (`https://user:pw@vc`) is rejected:
/// credentials are given to [`Client::login`], where they are kept as
/// [`Secret`]s, never as part of a URL that is displayed and logged.
pub(super) fn normalize_base_url(url: &str) -> Result<String> {
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
pub(crate) fn redact_userinfo(url: &str) -> String {
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
pub(super) fn request_url(
    base: &str,
    path_and_query: &str,
) -> std::result::Result<reqwest::Url, String> {
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
        let builder = crate::Client::builder("https://administrator:Pa55-w0rd@vc.example.com");
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
}
