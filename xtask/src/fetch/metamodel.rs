//! The vCenter side of `fetch`: the metamodel component service, called through the runtime's
//! [`Client`] over the `/rest` protocol. TLS, the session (login, session header, re-login,
//! logout) and the classification of failures are the runtime's; this module only chooses the
//! operations ([`ops`]) and words the errors for a command-line user.
//!
//! Every error names the request (method and URL path, never the host: the caller's context
//! already says which server) and, where there is one, the component. Neither the password nor
//! the session token ever ends up in an error or in `Debug` output (the runtime's [`Secret`]).

use anyhow::{Context as _, Result, anyhow, bail};
use serde_json::{Value, json};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use vsphere_vapi_runtime::types::Secret;
use vsphere_vapi_runtime::{Client, Error, OperationSpec, ParamLocation, Protocol};

/// The `/rest` routes of the three metamodel component operations fetch calls.
///
/// Declared here rather than taken from the generated crate: `cargo xtask regen` writes that
/// crate, so depending on it would leave the generator unbuildable whenever its output is
/// broken. A test checks them against the generated statics.
pub(crate) mod ops {
    use vsphere_vapi_runtime::{
        HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    };

    const SERVICE: &str = "com.vmware.vapi.metadata.metamodel.component";
    const PATH: &str = "/rest/com/vmware/vapi/metadata/metamodel/component";
    const BY_ID: &str = "/rest/com/vmware/vapi/metadata/metamodel/component/id:{component_id}";
    const ID: &[ParamBinding] = &[ParamBinding {
        param: "component_id",
        location: ParamLocation::Path("component_id"),
    }];

    /// `component.list`.
    pub static LIST: OperationSpec = OperationSpec {
        service_id: SERVICE,
        operation_id: "list",
        task: false,
        // Reads (the `/api` routes of all three are `GET`s), so a busy
        // server's 503 is retried even for the `POST` of `fingerprint`.
        idempotency: Idempotency::Safe,
        api: None,
        rest: Some(HttpRoute {
            method: HttpMethod::Get,
            path: PATH,
            query: &[],
            params: &[],
        }),
        releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    };

    /// `component.get`.
    pub static GET: OperationSpec = OperationSpec {
        service_id: SERVICE,
        operation_id: "get",
        task: false,
        // Reads (the `/api` routes of all three are `GET`s), so a busy
        // server's 503 is retried even for the `POST` of `fingerprint`.
        idempotency: Idempotency::Safe,
        api: None,
        rest: Some(HttpRoute {
            method: HttpMethod::Get,
            path: BY_ID,
            query: &[],
            params: ID,
        }),
        releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    };

    /// `component.fingerprint`.
    pub static FINGERPRINT: OperationSpec = OperationSpec {
        service_id: SERVICE,
        operation_id: "fingerprint",
        task: false,
        // Reads (the `/api` routes of all three are `GET`s), so a busy
        // server's 503 is retried even for the `POST` of `fingerprint`.
        idempotency: Idempotency::Safe,
        api: None,
        rest: Some(HttpRoute {
            method: HttpMethod::Post,
            path: BY_ID,
            query: &[("~action", "fingerprint")],
            params: ID,
        }),
        releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    };
}

/// The `/rest` session service the runtime logs in and out with; only used to name the request
/// in error messages.
const SESSION_PATH: &str = "/rest/com/vmware/cis/session";

/// The session service's identifier, as the runtime names it in errors.
const SESSION_SERVICE: &str = "com.vmware.cis.session";

/// How long logging out may take: it is a courtesy to the server and must not hold up the result.
const LOGOUT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The wire name of the component id parameter of `get` and `fingerprint`.
const COMPONENT_ID: &str = "component_id";

/// Which server certificates to accept.
#[derive(Debug)]
pub(crate) enum Trust {
    /// The operating system's trusted roots, plus the CA certificates of the given PEM file.
    Verify { extra_ca_file: Option<PathBuf> },
    /// Accept any certificate (`--insecure`).
    AcceptAny,
}

/// The metamodel service of one vCenter, not logged in yet.
pub(crate) struct Metamodel {
    client: Client,
}

/// A logged-in session; [`Session::logout`] ends it on the server.
pub(crate) struct Session<'a> {
    client: &'a Client,
    /// What a refused login says about the password (also when the runtime logs in again).
    login_refused: String,
}

impl fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The runtime's `Debug` shows the server and user, never the token.
        f.debug_struct("Session")
            .field("client", self.client)
            .finish()
    }
}

impl Metamodel {
    /// `server` is the checked `--server` URL, e.g. `https://vcenter.example.com`.
    pub(crate) fn new(server: &str, trust: &Trust, timeout: Duration) -> Result<Self> {
        let mut builder = Client::builder(server)
            .protocol(Protocol::Rest)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(timeout)
            .user_agent(concat!("vsphere-vapi-xtask/", env!("CARGO_PKG_VERSION")));
        let mut ca_file = None;
        match trust {
            Trust::AcceptAny => builder = builder.danger_accept_invalid_certs(true),
            Trust::Verify { extra_ca_file } => {
                if let Some(path) = extra_ca_file {
                    builder = builder.add_root_certificate_pem(read_ca_file(path)?);
                    ca_file = Some(path);
                }
            }
        }
        let client = builder.build().map_err(|err| match ca_file {
            Some(path) => anyhow::Error::new(err).context(format!(
                "{} (--ca-cert) is not a usable PEM file of CA certificates",
                path.display()
            )),
            None => anyhow::Error::new(err).context("setting up the HTTP client"),
        })?;
        Ok(Self { client })
    }

    /// Logs in through the `/rest` session service with HTTP basic authentication.
    pub(crate) async fn login(
        &self,
        user: &str,
        password: &Secret,
        password_env: &str,
    ) -> Result<Session<'_>> {
        let what = format!("logging in as {user}");
        let login_refused = format!(
            "the server rejected the user name or the password (taken from the environment \
             variable {password_env})"
        );
        self.client
            .login(user, password.clone())
            .await
            .map_err(|err| request_error(&what, &login_request(), err, &login_refused))?;
        Ok(Session {
            client: &self.client,
            login_refused,
        })
    }
}

impl Session<'_> {
    /// `list`: the ids of all components, sorted and without duplicates.
    pub(crate) async fn list_components(&self) -> Result<Vec<String>> {
        let what = "listing the metamodel components";
        let request = request_line(&ops::LIST, None);
        let value = self.call(what, &request, &ops::LIST, None).await?;
        let Value::Array(items) = value else {
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

    /// `fingerprint` of one component.
    pub(crate) async fn fingerprint(&self, id: &str) -> Result<String> {
        let what = format!("asking for the fingerprint of component {id}");
        let request = request_line(&ops::FINGERPRINT, Some(id));
        match self
            .call(&what, &request, &ops::FINGERPRINT, Some(id))
            .await?
        {
            Value::String(fingerprint) if !fingerprint.is_empty() => Ok(fingerprint),
            other => bail!(
                "{what}: {request}: unexpected response: expected {{\"value\": \"<fingerprint>\"}}, \
                 got {} in \"value\"",
                describe(&other)
            ),
        }
    }

    /// `get` of one component: the whole `{"value": ComponentData}` response, as stored in a
    /// snapshot file, after checking its shape.
    ///
    /// The runtime hands back the unwrapped `value`; a `/rest` response has no other member, so
    /// wrapping it again gives the document the server sent. Numbers survive the round trip
    /// exactly (serde_json's `float_roundtrip`, which this crate turns on for the whole build),
    /// and the file is written in canonical form anyway, so the bytes are what the server's data
    /// determines, whatever its spelling.
    pub(crate) async fn component(&self, id: &str) -> Result<Value> {
        let what = format!("downloading component {id}");
        let request = request_line(&ops::GET, Some(id));
        let data = self.call(&what, &request, &ops::GET, Some(id)).await?;
        let document = json!({ "value": data });
        check_component_shape(&document)
            .map_err(|problem| anyhow!("{what}: {request}: unexpected response: {problem}"))?;
        Ok(document)
    }

    /// Ends the session on the server, within [`LOGOUT_TIMEOUT`].
    pub(crate) async fn logout(self) -> Result<()> {
        let what = "logging out";
        let request = format!("DELETE {SESSION_PATH}");
        match tokio::time::timeout(LOGOUT_TIMEOUT, self.client.logout()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(err)) => Err(request_error(what, &request, err, "")),
            Err(_) => bail!("{what}: {request}: the request timed out"),
        }
    }

    async fn call(
        &self,
        what: &str,
        request: &str,
        spec: &'static OperationSpec,
        id: Option<&str>,
    ) -> Result<Value> {
        let mut call = self.client.operation(spec);
        if let Some(id) = id {
            call = call.param(COMPONENT_ID, id);
        }
        call.send::<Value>().await.map_err(|err| {
            if is_login_error(&err) {
                // The session expired and the runtime's login with the same credentials failed.
                let what = format!("{what}: {request}: the session expired; logging in again");
                request_error(&what, &login_request(), err, &self.login_refused)
            } else {
                request_error(
                    what,
                    request,
                    err,
                    "the session was rejected or has expired",
                )
            }
        })
    }
}

/// The login request as it appears in error messages.
fn login_request() -> String {
    format!("POST {SESSION_PATH}")
}

/// Whether `err` is the failure of a login (the runtime logs in again by itself when a session
/// expires).
fn is_login_error(err: &Error) -> bool {
    matches!(
        err,
        Error::Api { service, operation, .. }
            if service == SESSION_SERVICE && operation == "create"
    )
}

/// The `/rest` request of `spec` as it appears in error messages, e.g.
/// `POST /rest/com/vmware/vapi/metadata/metamodel/component/id:com.vmware.cis?~action=fingerprint`.
fn request_line(spec: &OperationSpec, id: Option<&str>) -> String {
    let Some(route) = spec.rest else {
        return format!("{}.{}", spec.service_id, spec.operation_id);
    };
    let mut path = route.path.to_owned();
    if let Some(id) = id {
        for binding in route.params {
            if let (COMPONENT_ID, ParamLocation::Path(variable)) = (binding.param, binding.location)
            {
                path = path.replace(&format!("{{{variable}}}"), id);
            }
        }
    }
    let mut line = format!("{} {path}", route.method);
    for (index, (key, value)) in route.query.iter().enumerate() {
        line.push(if index == 0 { '?' } else { '&' });
        line.push_str(&format!("{key}={value}"));
    }
    line
}

/// Words a runtime error for the command line: `<what>: <request>: <what went wrong>`.
/// `unauthorized` explains an HTTP 401.
fn request_error(what: &str, request: &str, err: Error, unauthorized: &str) -> anyhow::Error {
    let prefix = format!("{what}: {request}");
    match &err {
        Error::Api { error, .. } => {
            let status = error.status();
            let reason = http::StatusCode::from_u16(status)
                .ok()
                .and_then(|code| code.canonical_reason())
                .map(|reason| format!(" {reason}"))
                .unwrap_or_default();
            let hint = if status == 401 && !unauthorized.is_empty() {
                format!(": {unauthorized}")
            } else {
                String::new()
            };
            anyhow!("{prefix}: HTTP {status}{reason}{hint}: {error}")
        }
        Error::Decode {
            source, excerpt, ..
        } => anyhow!(
            "{prefix}: the response is not valid JSON ({source}); it starts with: {:?}",
            excerpt
        ),
        Error::Timeout { .. } => anyhow!("{prefix}: the request timed out"),
        Error::Tls { message, .. } => {
            anyhow!(
                "{prefix}: the TLS handshake failed{}: {message}",
                certificate_hint(message)
            )
        }
        // The runtime's message repeats its source, so the chain is written out here instead.
        Error::Transport { source, .. } => {
            let chain = error_chain(source.as_ref());
            anyhow!(
                "{prefix}: the request failed{}: {chain}",
                certificate_hint(&chain)
            )
        }
        _ => anyhow::Error::new(err).context(prefix),
    }
}

/// What to do about a rejected server certificate, if `message` is about one.
fn certificate_hint(message: &str) -> &'static str {
    if message.contains("certificate") || message.contains("UnknownIssuer") {
        " (the server's TLS certificate was not accepted: vCenter usually presents a \
         certificate signed by its own CA; pass that CA as --ca-cert FILE, for example the \
         root certificate from https://<vcenter>/certs/download.zip)"
    } else {
        ""
    }
}

/// An error and its sources on one line, without repeating a message its source already gave.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
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

/// The `--ca-cert` file's text; the runtime parses it.
fn read_ca_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "reading the CA certificate file {} (--ca-cert)",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn requests_are_named_from_the_generated_routes() {
        assert_eq!(
            request_line(&ops::LIST, None),
            "GET /rest/com/vmware/vapi/metadata/metamodel/component"
        );
        assert_eq!(
            request_line(&ops::GET, Some("com.vmware.cis")),
            "GET /rest/com/vmware/vapi/metadata/metamodel/component/id:com.vmware.cis"
        );
        assert_eq!(
            request_line(&ops::FINGERPRINT, Some("com.vmware.cis")),
            "POST /rest/com/vmware/vapi/metadata/metamodel/component/id:com.vmware.cis?~action=fingerprint"
        );
    }

    #[test]
    fn the_component_routes_are_the_generated_ones() {
        use vsphere_vapi::vapi::metadata::metamodel::component::ops as generated;
        for (ours, theirs) in [
            (&ops::LIST, &generated::LIST),
            (&ops::GET, &generated::GET),
            (&ops::FINGERPRINT, &generated::FINGERPRINT),
        ] {
            assert_eq!(ours.service_id, theirs.service_id);
            assert_eq!(ours.operation_id, theirs.operation_id);
            assert_eq!(ours.rest, theirs.rest, "{}", ours.operation_id);
            assert_eq!(
                ours.idempotency, theirs.idempotency,
                "{}",
                ours.operation_id
            );
        }
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
