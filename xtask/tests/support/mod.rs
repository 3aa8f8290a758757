//! A stand-in for a vCenter's metamodel service, for testing `cargo xtask fetch`.
//!
//! It serves component snapshots over the vAPI `/rest` endpoints that `fetch` uses, enforces
//! HTTP basic authentication on login and the `vmware-api-session-id` header everywhere else,
//! records every request, and can be told to misbehave in the ways a real server or network can.

#![allow(dead_code)] // Not every test binary uses every helper.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::future::IntoFuture as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

pub const USER: &str = "administrator@vsphere.local";
/// Distinctive, so that a test can check it never appears in any output.
pub const PASSWORD: &str = "pw-Zq9!never-printed";
pub const PASSWORD_ENV: &str = "FETCH_TEST_PASSWORD";
/// Every session id the stub hands out starts with this; it must never be printed either.
pub const TOKEN_PREFIX: &str = "tok-never-printed-";

const SESSION: &str = "/rest/com/vmware/cis/session";
const COMPONENTS: &str = "/rest/com/vmware/vapi/metadata/metamodel/component";

/// Ways the stub can misbehave. Component faults name the component they apply to.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Answer the login with this status (and a vAPI error body) whatever the credentials.
    pub login_status: Option<u16>,
    /// Raw 200 body for the component list.
    pub list_body: Option<String>,
    /// Raw 200 body for one component's fingerprint action.
    pub fingerprint_body: Option<(String, String)>,
    /// Raw 200 body for one component.
    pub component_body: Option<(String, String)>,
    /// Status and raw body for one component.
    pub component_status: Option<(String, u16, String)>,
    /// Serve this many component downloads, then die: every connection is dropped and the
    /// port stops answering.
    pub die_after_components: Option<usize>,
    /// Send half of this component's body, then abort the connection.
    pub truncate_component: Option<String>,
    /// Wait this long before answering for this component.
    pub stall_component: Option<(String, Duration)>,
    /// After this many component downloads, end every session and answer the next download
    /// with 401, as a server does when a session expires.
    pub expire_sessions_after_components: Option<usize>,
    /// Once the sessions have expired, refuse every login, as after a password change.
    pub refuse_logins_after_expiry: bool,
}

struct Shared {
    components: Mutex<BTreeMap<String, Value>>,
    faults: Mutex<Faults>,
    log: Mutex<Vec<String>>,
    sessions: Mutex<BTreeSet<String>>,
    issued: AtomicUsize,
    rejected: AtomicUsize,
    component_downloads: AtomicUsize,
    logins_refused: AtomicBool,
    kill: mpsc::UnboundedSender<()>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler must not hide the original failure behind a poisoned lock.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running stub server; stops when dropped.
pub struct Stub {
    pub url: String,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
}

impl Stub {
    /// Serves `components` (component id to the `{"value": ComponentData}` document) over HTTP.
    pub fn serve(components: BTreeMap<String, Value>) -> Self {
        Self::start(components, None)
    }

    /// Serves `components` over HTTPS with a certificate for 127.0.0.1 issued by a fresh CA;
    /// returns the stub and the CA certificate (PEM) a client must trust.
    pub fn serve_tls(components: BTreeMap<String, Value>) -> (Self, String) {
        let (acceptor, ca_pem) = tls_acceptor();
        (Self::start(components, Some(acceptor)), ca_pem)
    }

    fn start(components: BTreeMap<String, Value>, tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let https = tls.is_some();
        let (kill_tx, mut kill_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            components: Mutex::new(components),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
            sessions: Mutex::new(BTreeSet::new()),
            issued: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            component_downloads: AtomicUsize::new(0),
            logins_refused: AtomicBool::new(false),
            kill: kill_tx,
        });
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let state = Arc::clone(&shared);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("stub runtime starts");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("stub binds a loopback port");
                addr_tx
                    .send(listener.local_addr().expect("bound address"))
                    .expect("test waits for the address");
                let app = Router::new().fallback(handle).with_state(state);
                let serve = async move {
                    match tls {
                        Some(acceptor) => {
                            let _ = axum::serve(
                                TlsListener {
                                    tcp: listener,
                                    acceptor,
                                },
                                app,
                            )
                            .into_future()
                            .await;
                        }
                        None => {
                            let _ = axum::serve(listener, app).into_future().await;
                        }
                    }
                };
                tokio::select! {
                    () = serve => {}
                    _ = stop_rx => {}
                    _ = kill_rx.recv() => {}
                }
            });
            // Dropping the runtime drops every connection task: clients see their connections
            // close without an answer, like a crashed server.
            runtime.shutdown_background();
        });
        let addr = addr_rx.recv().expect("stub reports its address");
        let scheme = if https { "https" } else { "http" };
        Self {
            url: format!("{scheme}://{addr}"),
            shared,
            stop: Some(stop_tx),
        }
    }

    /// Replaces the faults; `die_after_components` counts downloads from now on.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.component_downloads.store(0, Ordering::SeqCst);
        self.shared.logins_refused.store(false, Ordering::SeqCst);
        *lock(&self.shared.faults) = faults;
    }

    pub fn set_component(&self, id: &str, document: Value) {
        lock(&self.shared.components).insert(id.to_owned(), document);
    }

    pub fn remove_component(&self, id: &str) {
        lock(&self.shared.components).remove(id);
    }

    /// The requests received so far (e.g. `GET /rest/...`), clearing the record.
    pub fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.shared.log))
    }

    /// Requests that came without a valid session id (login excluded).
    pub fn rejected(&self) -> usize {
        self.shared.rejected.load(Ordering::SeqCst)
    }

    /// Sessions logged in and not logged out.
    pub fn open_sessions(&self) -> usize {
        lock(&self.shared.sessions).len()
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Accepts TCP connections and completes the TLS handshake before handing them to axum.
struct TlsListener {
    tcp: tokio::net::TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            // A client that refuses the certificate fails the handshake: an expected outcome.
            if let Ok(tls) = self.acceptor.accept(stream).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

/// A TLS acceptor with a leaf certificate for 127.0.0.1 and localhost, issued by a new CA
/// (like a vCenter's certificate issued by its VMCA), and that CA's certificate as PEM.
fn tls_acceptor() -> (tokio_rustls::TlsAcceptor, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fetch test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
        .expect("CA certificate");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("leaf parameters")
        .signed_by(&leaf_key, &ca)
        .expect("leaf certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![leaf.der().clone()], key)
    .expect("server TLS config");
    (tokio_rustls::TlsAcceptor::from(Arc::new(config)), ca.pem())
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let entry = match &query {
        Some(query) => format!("{method} {path}?{query}"),
        None => format!("{method} {path}"),
    };
    lock(&shared.log).push(entry);
    let headers = request.headers();
    let faults = lock(&shared.faults).clone();

    if path == SESSION && method == Method::POST {
        return login(&shared, headers, &faults);
    }
    if !has_session(&shared, headers) {
        shared.rejected.fetch_add(1, Ordering::SeqCst);
        return vapi_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required.",
        );
    }
    if path == SESSION && method == Method::DELETE {
        let token = session_id(headers).unwrap_or_default();
        lock(&shared.sessions).remove(&token);
        return StatusCode::OK.into_response();
    }
    if path == COMPONENTS && method == Method::GET {
        if let Some(body) = faults.list_body {
            return raw_json(StatusCode::OK, body);
        }
        let ids: Vec<String> = lock(&shared.components).keys().cloned().collect();
        return raw_json(StatusCode::OK, json!({"value": ids}).to_string());
    }
    let Some(id) = path
        .strip_prefix(COMPONENTS)
        .and_then(|rest| rest.strip_prefix("/id:"))
    else {
        return vapi_error(StatusCode::NOT_FOUND, "not_found", "No such resource.");
    };
    let id = id.to_owned();
    let document = lock(&shared.components).get(&id).cloned();
    let Some(document) = document else {
        return vapi_error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("No component {id}."),
        );
    };
    match (method, query.as_deref()) {
        (Method::POST, Some("~action=fingerprint")) => {
            if let Some((faulty, body)) = faults.fingerprint_body
                && faulty == id
            {
                return raw_json(StatusCode::OK, body);
            }
            let fingerprint = document
                .pointer("/value/fingerprint")
                .cloned()
                .unwrap_or(Value::Null);
            raw_json(StatusCode::OK, json!({"value": fingerprint}).to_string())
        }
        (Method::GET, None) => component(&shared, &id, &document, faults).await,
        _ => vapi_error(
            StatusCode::BAD_REQUEST,
            "invalid_argument",
            "Unsupported request.",
        ),
    }
}

fn login(shared: &Shared, headers: &HeaderMap, faults: &Faults) -> Response {
    if let Some(status) = faults.login_status {
        let status = StatusCode::from_u16(status).expect("valid status in test");
        return vapi_error(status, "unauthenticated", "Authentication required.");
    }
    let expected = format!("{USER}:{PASSWORD}");
    let credentials = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
        });
    if credentials.as_deref() != Some(expected.as_bytes())
        || shared.logins_refused.load(Ordering::SeqCst)
    {
        return vapi_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required.",
        );
    }
    let token = format!(
        "{TOKEN_PREFIX}{}",
        shared.issued.fetch_add(1, Ordering::SeqCst)
    );
    lock(&shared.sessions).insert(token.clone());
    raw_json(StatusCode::OK, json!({"value": token}).to_string())
}

async fn component(shared: &Shared, id: &str, document: &Value, faults: Faults) -> Response {
    let served_before = shared.component_downloads.fetch_add(1, Ordering::SeqCst);
    if faults
        .die_after_components
        .is_some_and(|limit| served_before >= limit)
    {
        let _ = shared.kill.send(());
        // Never answer: the runtime is about to be dropped with this request in flight.
        std::future::pending::<()>().await;
    }
    if faults.expire_sessions_after_components == Some(served_before) {
        lock(&shared.sessions).clear();
        if faults.refuse_logins_after_expiry {
            shared.logins_refused.store(true, Ordering::SeqCst);
        }
        return vapi_error(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Authentication required.",
        );
    }
    if let Some((stalled, delay)) = &faults.stall_component
        && stalled == id
    {
        tokio::time::sleep(*delay).await;
    }
    if let Some((faulty, status, body)) = faults.component_status
        && faulty == id
    {
        let status = StatusCode::from_u16(status).expect("valid status in test");
        return raw_json(status, body);
    }
    if let Some((faulty, body)) = faults.component_body
        && faulty == id
    {
        return raw_json(StatusCode::OK, body);
    }
    let body = compact_scrambled(document);
    if faults.truncate_component.as_deref() == Some(id) {
        use futures_util::StreamExt as _;
        let half = Bytes::from(body.as_bytes()[..body.len() / 2].to_vec());
        // The pause lets the status line, headers and first half reach the client before the
        // connection is cut, as when a server dies while streaming.
        let chunks = futures_util::stream::once(async move { Ok::<_, std::io::Error>(half) })
            .chain(futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Err(std::io::Error::other("stub aborts the response"))
            }));
        return Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from_stream(chunks))
            .expect("valid response");
    }
    raw_json(StatusCode::OK, body)
}

fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("vmware-api-session-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn has_session(shared: &Shared, headers: &HeaderMap) -> bool {
    session_id(headers).is_some_and(|token| lock(&shared.sessions).contains(&token))
}

fn raw_json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn vapi_error(status: StatusCode, kind: &str, message: &str) -> Response {
    let body = json!({
        "type": format!("com.vmware.vapi.std.errors.{kind}"),
        "value": {"messages": [{"args": [], "default_message": message, "id": "stub.error"}]},
    });
    raw_json(status, body.to_string())
}

/// Compact JSON that differs from the canonical form in every way it legally can: no
/// whitespace, object keys in reverse order, every non-ASCII character and `/` escaped, and
/// floats in serde_json's spelling (`1e-7`, `2.5e16`) rather than Python's (`1e-07`, `2.5e+16`).
/// A fetch that reproduces the canonical file from this has really re-encoded it.
pub fn compact_scrambled(value: &Value) -> String {
    let mut out = String::new();
    write_scrambled(&mut out, value);
    out
}

fn write_scrambled(out: &mut String, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_scrambled(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            out.push('{');
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_scrambled_string(out, key);
                out.push(':');
                write_scrambled(out, &map[key]);
            }
            out.push('}');
        }
        Value::String(text) => write_scrambled_string(out, text),
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_scrambled_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            ' '..='~' => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
        }
    }
    out.push('"');
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the repository")
        .to_path_buf()
}

/// The small hand-made snapshot under `xtask/tests/support/snapshot/`.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/snapshot")
}

/// Whether a file of a snapshot directory holds a component (rather than a manifest).
pub fn is_component_file(name: &str) -> bool {
    name.ends_with(".json") && name != "manifest.json"
}

/// The component documents of a snapshot directory, by component id.
pub fn load_components(dir: &Path) -> BTreeMap<String, Value> {
    read_files(dir)
        .into_iter()
        .filter(|(name, _)| is_component_file(name))
        .map(|(name, bytes)| {
            let id = name.trim_end_matches(".json").to_owned();
            let document = serde_json::from_slice(&bytes)
                .unwrap_or_else(|err| panic!("{name} in {} is not JSON: {err}", dir.display()));
            (id, document)
        })
        .collect()
}

/// Every regular file of `dir` (not recursive), by name.
pub fn read_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|err| panic!("reading {}: {err}", dir.display()));
    entries
        .map(|entry| entry.expect("directory entry"))
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).expect("readable file");
            (name, bytes)
        })
        .collect()
}

/// Entries of `dir` whose names start with `.fetch-staging-`.
pub fn staging_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with(".fetch-staging-"))
                .collect()
        })
        .unwrap_or_default()
}

/// The result of one `xtask fetch` run.
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from_output(output: Output) -> Self {
        let run = Self {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains(PASSWORD),
                "the password was printed:\n{text}"
            );
            assert!(
                !text.contains(TOKEN_PREFIX),
                "a session id was printed:\n{text}"
            );
        }
        assert!(
            !run.stderr.contains("panicked"),
            "fetch panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Asserts the run succeeded and returns it.
    pub fn ok(self) -> Self {
        assert!(
            self.success,
            "fetch failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the run failed and returns its error output.
    pub fn failed(self) -> String {
        assert!(
            !self.success,
            "fetch should have failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stderr
    }
}

/// `xtask fetch --server <url> --user .. --password-env .. --out <out> <extra>`.
pub fn fetch_command(url: &str, out: &Path, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args([
            "fetch",
            "--server",
            url,
            "--user",
            USER,
            "--password-env",
            PASSWORD_ENV,
            "--out",
        ])
        .arg(out)
        .args(extra)
        .env(PASSWORD_ENV, PASSWORD)
        .env_remove("VSPHERE_USER")
        .env_remove("VSPHERE_PASSWORD");
    command
}

pub fn fetch(url: &str, out: &Path, extra: &[&str]) -> Run {
    let output = fetch_command(url, out, extra).output().expect("xtask runs");
    Run::from_output(output)
}

/// Runs an already spawned fetch to its end.
pub fn finish(child: std::process::Child) -> Run {
    Run::from_output(child.wait_with_output().expect("xtask runs"))
}
