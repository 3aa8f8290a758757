//! The vCenter side of `fetch`: a vAPI `/rest` session and the metamodel endpoints.
//!
//! Every error names the request (method and URL path, never the host: the caller's context
//! already says which server) and, where there is one, the component. Neither the password nor
//! the session token ever ends up in an error or in `Debug` output.

use anyhow::{Context as _, Result, anyhow, bail};
use reqwest::header::{self, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::fmt;
use std::path::Path;
use std::time::Duration;

pub(crate) const SESSION_PATH: &str = "/rest/com/vmware/cis/session";
pub(crate) const COMPONENTS_PATH: &str = "/rest/com/vmware/vapi/metadata/metamodel/component";
const SESSION_HEADER: &str = "vmware-api-session-id";

/// How long logging out may take: it is a courtesy to the server and must not hold up the result.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// A password or session token: usable, but never shown.
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Which server certificates to accept.
#[derive(Debug)]
pub(crate) enum Trust {
    /// The operating system's trusted roots, plus the CA certificates of the given PEM file.
    Verify {
        extra_ca_file: Option<std::path::PathBuf>,
    },
    /// Accept any certificate (`--insecure`).
    AcceptAny,
}

/// An HTTP client bound to one vCenter.
pub(crate) struct Client {
    http: reqwest::Client,
    base: Url,
}

/// A logged-in session; [`Session::logout`] ends it on the server.
pub(crate) struct Session<'a> {
    client: &'a Client,
    token: Secret,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.client.base.as_str())
            .field("token", &self.token)
            .finish()
    }
}

/// A request as it appears in error messages, e.g. `GET /rest/com/vmware/cis/session`.
struct Request<'a> {
    method: &'a Method,
    path: &'a str,
    query: Option<&'a str>,
}

impl fmt::Display for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(query) = self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

impl Client {
    /// `base` is the server URL without a trailing slash, e.g. `https://vcenter.example.com`.
    pub(crate) fn new(base: Url, trust: &Trust, timeout: Duration) -> Result<Self> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(Duration::from_secs(30))
            .timeout(timeout)
            // vCenter never redirects these endpoints; following a redirect would only hide a
            // misconfigured --server.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("vsphere-vapi-xtask/", env!("CARGO_PKG_VERSION")));
        match trust {
            Trust::AcceptAny => builder = builder.danger_accept_invalid_certs(true),
            Trust::Verify { extra_ca_file } => {
                for certificate in system_roots() {
                    builder = builder.add_root_certificate(certificate);
                }
                if let Some(path) = extra_ca_file {
                    for certificate in read_ca_file(path)? {
                        builder = builder.add_root_certificate(certificate);
                    }
                }
            }
        }
        let http = builder.build().context("setting up the HTTP client")?;
        Ok(Self { http, base })
    }

    /// `POST /rest/com/vmware/cis/session` with HTTP basic authentication.
    pub(crate) async fn login(
        &self,
        user: &str,
        password: &Secret,
        password_env: &str,
    ) -> Result<Session<'_>> {
        let what = format!("logging in as {user}");
        let request = Request {
            method: &Method::POST,
            path: SESSION_PATH,
            query: None,
        };
        let response = self
            .http
            .post(self.url(SESSION_PATH, None))
            .header(header::ACCEPT, "application/json")
            .basic_auth(user, Some(password.expose()))
            .send()
            .await
            .map_err(|err| transport_error(&what, &request, err))?;
        if response.status() == StatusCode::UNAUTHORIZED {
            let detail = error_detail(&response.bytes().await.unwrap_or_default());
            bail!(
                "{what}: {request}: HTTP 401 Unauthorized: the server rejected the user name or \
                 the password (taken from the environment variable {password_env}){detail}"
            );
        }
        let body = read_json(&what, &request, response).await?;
        let token = match unwrap_value(&what, &request, body)? {
            Value::String(token) if !token.is_empty() => token,
            other => bail!(
                "{what}: {request}: unexpected response: expected {{\"value\": \"<session id>\"}}, \
                 got {} in \"value\"",
                describe(&other)
            ),
        };
        Ok(Session {
            client: self,
            token: Secret::new(token),
        })
    }

    fn url(&self, path: &str, query: Option<&str>) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", self.base.path().trim_end_matches('/'));
        url.set_path(&joined);
        url.set_query(query);
        url
    }
}

impl Session<'_> {
    /// `GET .../metamodel/component`: the ids of all components, sorted and without duplicates.
    pub(crate) async fn list_components(&self) -> Result<Vec<String>> {
        let what = "listing the metamodel components";
        let body = self
            .call(what, Method::GET, COMPONENTS_PATH.to_owned(), None)
            .await?;
        let request = Request {
            method: &Method::GET,
            path: COMPONENTS_PATH,
            query: None,
        };
        let Value::Array(items) = unwrap_value(what, &request, body)? else {
            bail!(
                "{what}: {request}: unexpected response: \"value\" is not a list of component ids"
            );
        };
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(id) => ids.push(id),
                other => bail!(
                    "{what}: {request}: unexpected response: expected component ids (strings), \
                     got {}",
                    describe(&other)
                ),
            }
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// `POST .../component/id:{id}?~action=fingerprint`.
    pub(crate) async fn fingerprint(&self, id: &str) -> Result<String> {
        let what = format!("asking for the fingerprint of component {id}");
        let path = component_path(id);
        let query = "~action=fingerprint";
        let body = self
            .call(&what, Method::POST, path.clone(), Some(query))
            .await?;
        let request = Request {
            method: &Method::POST,
            path: &path,
            query: Some(query),
        };
        match unwrap_value(&what, &request, body)? {
            Value::String(fingerprint) if !fingerprint.is_empty() => Ok(fingerprint),
            other => bail!(
                "{what}: {request}: unexpected response: expected {{\"value\": \"<fingerprint>\"}}, \
                 got {} in \"value\"",
                describe(&other)
            ),
        }
    }

    /// `GET .../component/id:{id}`: the whole `{"value": ComponentData}` response, as stored
    /// in a snapshot file, after checking its shape.
    pub(crate) async fn component(&self, id: &str) -> Result<Value> {
        let what = format!("downloading component {id}");
        let path = component_path(id);
        let document = self.call(&what, Method::GET, path.clone(), None).await?;
        let request = Request {
            method: &Method::GET,
            path: &path,
            query: None,
        };
        check_component_shape(&document)
            .map_err(|problem| anyhow!("{what}: {request}: unexpected response: {problem}"))?;
        Ok(document)
    }

    /// `DELETE /rest/com/vmware/cis/session`.
    pub(crate) async fn logout(self) -> Result<()> {
        let what = "logging out";
        let request = Request {
            method: &Method::DELETE,
            path: SESSION_PATH,
            query: None,
        };
        let response = self
            .client
            .http
            .delete(self.client.url(SESSION_PATH, None))
            .header(SESSION_HEADER, self.token_header()?)
            .timeout(LOGOUT_TIMEOUT)
            .send()
            .await
            .map_err(|err| transport_error(what, &request, err))?;
        let status = response.status();
        if !status.is_success() {
            let detail = error_detail(&response.bytes().await.unwrap_or_default());
            bail!("{what}: {request}: HTTP {status}{detail}");
        }
        Ok(())
    }

    fn token_header(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(self.token.expose()).map_err(|_| {
            anyhow!("the session id returned by the server is not a valid header value")
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// Sends an authenticated request and returns its JSON body.
    async fn call(
        &self,
        what: &str,
        method: Method,
        path: String,
        query: Option<&str>,
    ) -> Result<Value> {
        let request = Request {
            method: &method,
            path: &path,
            query,
        };
        let response = self
            .client
            .http
            .request(method.clone(), self.client.url(&path, query))
            .header(header::ACCEPT, "application/json")
            .header(SESSION_HEADER, self.token_header()?)
            .send()
            .await
            .map_err(|err| transport_error(what, &request, err))?;
        read_json(what, &request, response).await
    }
}

fn component_path(id: &str) -> String {
    format!("{COMPONENTS_PATH}/id:{id}")
}

/// Checks the parts of `{"value": ComponentData}` that `fetch` relies on and returns the
/// fingerprint. The rest is the code generator's business; it is kept as sent.
pub(crate) fn check_component_shape(document: &Value) -> std::result::Result<String, String> {
    let Some(data) = document.get("value") else {
        return Err(format!(
            "expected {{\"value\": ComponentData}}, got {}",
            describe(document)
        ));
    };
    let Value::Object(data) = data else {
        return Err(format!(
            "ComponentData is {}, not an object",
            describe(data)
        ));
    };
    let fingerprint = match data.get("fingerprint") {
        Some(Value::String(fingerprint)) if !fingerprint.is_empty() => fingerprint.clone(),
        Some(other) => {
            return Err(format!(
                "ComponentData.fingerprint is {}, not a non-empty string",
                describe(other)
            ));
        }
        None => return Err("ComponentData has no \"fingerprint\"".to_owned()),
    };
    match data.get("info") {
        Some(Value::Object(info)) => match info.get("packages") {
            Some(Value::Array(_)) => Ok(fingerprint),
            Some(other) => Err(format!(
                "ComponentInfo.packages is {}, not a list",
                describe(other)
            )),
            None => Err("ComponentInfo has no \"packages\"".to_owned()),
        },
        Some(other) => Err(format!(
            "ComponentData.info is {}, not an object",
            describe(other)
        )),
        None => Err("ComponentData has no \"info\"".to_owned()),
    }
}

async fn read_json(
    what: &str,
    request: &Request<'_>,
    response: reqwest::Response,
) -> Result<Value> {
    let status = response.status();
    if !status.is_success() {
        let detail = error_detail(&response.bytes().await.unwrap_or_default());
        let hint = if status == StatusCode::UNAUTHORIZED {
            " (the session was rejected or has expired)"
        } else {
            ""
        };
        bail!("{what}: {request}: HTTP {status}{hint}{detail}");
    }
    let body = response.bytes().await.map_err(|err| {
        anyhow::Error::new(err).context(format!(
            "{what}: {request}: the connection failed while reading the response body"
        ))
    })?;
    serde_json::from_slice(&body).map_err(|err| {
        anyhow!(
            "{what}: {request}: the response is not valid JSON ({err}); it starts with: {}",
            snippet(&body)
        )
    })
}

/// Takes the `value` member out of a vAPI `/rest` response.
fn unwrap_value(what: &str, request: &Request<'_>, body: Value) -> Result<Value> {
    match body {
        Value::Object(mut map) => map.remove("value").ok_or_else(|| {
            anyhow!("{what}: {request}: unexpected response: a JSON object without \"value\"")
        }),
        other => bail!(
            "{what}: {request}: unexpected response: expected a JSON object with \"value\", got {}",
            describe(&other)
        ),
    }
}

fn transport_error(what: &str, request: &Request<'_>, err: reqwest::Error) -> anyhow::Error {
    let mut message = format!("{what}: {request}: ");
    message.push_str(if err.is_timeout() {
        "the request timed out"
    } else if err.is_connect() {
        "could not connect to the server"
    } else {
        "the request failed"
    });
    let chain = error_chain(&err);
    if chain.contains("certificate") || chain.contains("UnknownIssuer") {
        message.push_str(
            " (the server's TLS certificate was not accepted: vCenter usually presents a \
             certificate signed by its own CA; pass that CA as --ca-cert FILE, for example the \
             root certificate from https://<vcenter>/certs/download.zip)",
        );
    }
    anyhow::Error::new(err).context(message)
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// `: <what the server said>` for an error response, or nothing if the body is empty.
///
/// vAPI `/rest` errors look like `{"type": "com.vmware.vapi.std.errors.not_found", "value":
/// {"messages": [{"default_message": "..."}]}}`; the type and first message are the useful part.
fn error_detail(body: &[u8]) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return String::new();
    }
    if let Ok(value) = serde_json::from_slice::<Value>(body) {
        let kind = value.get("type").and_then(Value::as_str);
        let message = value
            .pointer("/value/messages/0/default_message")
            .and_then(Value::as_str);
        match (kind, message) {
            (Some(kind), Some(message)) => {
                return format!(": {kind}: {}", snippet(message.as_bytes()));
            }
            (Some(kind), None) => return format!(": {kind}"),
            _ => {}
        }
    }
    format!(": {}", snippet(body))
}

/// The start of a response body, on one line, for error messages.
fn snippet(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(LIMIT)
        .collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > LIMIT {
        out.push_str(" ...");
    }
    if out.is_empty() {
        "(empty body)".to_owned()
    } else {
        format!("{out:?}")
    }
}

/// A short description of a JSON value's kind, for "expected X, got Y" messages.
fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The operating system's trusted root certificates. Unreadable ones are skipped: a missing
/// root shows up as a clear certificate error at connection time.
fn system_roots() -> Vec<reqwest::Certificate> {
    let loaded = rustls_native_certs::load_native_certs();
    loaded
        .certs
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok())
        .collect()
}

fn read_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>> {
    let pem = std::fs::read(path).with_context(|| {
        format!(
            "reading the CA certificate file {} (--ca-cert)",
            path.display()
        )
    })?;
    let certificates = reqwest::Certificate::from_pem_bundle(&pem).with_context(|| {
        format!(
            "{} (--ca-cert) is not a PEM certificate file",
            path.display()
        )
    })?;
    if certificates.is_empty() {
        bail!(
            "{} (--ca-cert) contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let secret = Secret::new("hunter2".to_owned());
        assert!(!format!("{secret:?}").contains("hunter2"));
    }

    #[test]
    fn component_shape_is_checked() {
        let good = json!({"value": {"fingerprint": "abc", "info": {"name": "x", "packages": []}}});
        assert_eq!(check_component_shape(&good).as_deref(), Ok("abc"));
        let cases = [
            (json!([]), "expected {\"value\": ComponentData}, got a list"),
            (
                json!({"value": 3}),
                "ComponentData is a number, not an object",
            ),
            (
                json!({"value": {"info": {}}}),
                "ComponentData has no \"fingerprint\"",
            ),
            (
                json!({"value": {"fingerprint": "", "info": {}}}),
                "not a non-empty string",
            ),
            (
                json!({"value": {"fingerprint": "f"}}),
                "ComponentData has no \"info\"",
            ),
            (
                json!({"value": {"fingerprint": "f", "info": {"packages": {}}}}),
                "not a list",
            ),
        ];
        for (document, expected) in cases {
            let problem = check_component_shape(&document).expect_err("shape must be rejected");
            assert!(
                problem.contains(expected),
                "{problem:?} should contain {expected:?}"
            );
        }
    }

    #[test]
    fn error_details_prefer_the_vapi_message() {
        let body = br#"{"type":"com.vmware.vapi.std.errors.not_found","value":{"messages":[{"default_message":"No such component"}]}}"#;
        assert_eq!(
            error_detail(body),
            ": com.vmware.vapi.std.errors.not_found: \"No such component\""
        );
        assert_eq!(error_detail(b"  \n"), "");
        assert_eq!(
            error_detail(b"<html>\n<b>oops</b>"),
            ": \"<html> <b>oops</b>\""
        );
    }

    #[test]
    fn urls_keep_a_path_prefix() {
        let client = Client::new(
            Url::parse("https://vc.example.com/proxy").expect("valid URL"),
            &Trust::AcceptAny,
            Duration::from_secs(1),
        )
        .expect("client builds");
        assert_eq!(
            client
                .url(COMPONENTS_PATH, Some("~action=fingerprint"))
                .as_str(),
            "https://vc.example.com/proxy/rest/com/vmware/vapi/metadata/metamodel/component?~action=fingerprint"
        );
    }
}
