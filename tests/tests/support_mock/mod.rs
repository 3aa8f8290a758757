//! Shared helpers of the mock-server suites (`mock_*.rs`): an in-process HTTP
//! server, a client pointed at it, and exact assertions on the requests the
//! generated client sent.
//!
//! Expected requests are written out literally in each test, taken from
//! VMware's OpenAPI documents of vCenter 7.0.3 and API reference pages, never
//! from the generated operation descriptions: a test must be able to catch a
//! wrong route.

// Every suite includes this module and uses a different subset of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use vsphere_vapi::{Client, Protocol};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A server answering every request with `response`.
pub async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

/// A server answering every request with this JSON body and status.
pub async fn answering_json(status: u16, body: Value) -> MockServer {
    answering(ResponseTemplate::new(status).set_body_json(body)).await
}

/// A client for `server` using `protocol`, without a session.
pub fn client_for(server: &MockServer, protocol: Protocol) -> Client {
    Client::builder(server.uri())
        .protocol(protocol)
        .build()
        .expect("a client for the mock server builds")
}

/// Every request the server received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is enabled")
}

/// The one request the server received.
pub async fn single_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(
        all.len(),
        1,
        "expected exactly one request, got: {:?}",
        all.iter().map(describe).collect::<Vec<_>>()
    );
    all.remove(0)
}

/// `METHOD /path?query`, for failure messages.
pub fn describe(request: &Request) -> String {
    format!("{} {}", request.method, raw_path_and_query(request))
}

/// The path and query exactly as sent (percent-encoding preserved).
pub fn raw_path_and_query(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    }
}

/// Value of a request header, when present and readable.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// The request body as JSON (fails the test when it is not JSON).
#[track_caller]
pub fn json_body(request: &Request) -> Value {
    // A `match` rather than a closure keeps the panic location at the caller.
    match serde_json::from_slice(&request.body) {
        Ok(value) => value,
        Err(err) => panic!(
            "body of {} is not JSON ({err}): {:?}",
            describe(request),
            String::from_utf8_lossy(&request.body)
        ),
    }
}

/// Decoded query parameters grouped by name, each name's values in the order
/// sent. Two queries are the same request for a vAPI server exactly when
/// these are equal: the order of distinct names does not matter, the order of
/// a repeated name's values (a list) does.
pub fn query_params(request: &Request) -> BTreeMap<String, Vec<String>> {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in request.url.query_pairs() {
        grouped
            .entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    grouped
}

fn expected_query(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in pairs {
        grouped
            .entry((*name).to_owned())
            .or_default()
            .push((*value).to_owned());
    }
    grouped
}

/// Asserts method, raw path, query and JSON body of a request. `path` is the
/// path as it must appear on the wire (percent-encoded where needed);
/// `query` lists the decoded pairs; `body: None` means no body at all.
#[track_caller]
pub fn assert_request(
    request: &Request,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) {
    let seen = describe(request);
    assert_eq!(request.method.as_str(), method, "method of {seen}");
    assert_eq!(request.url.path(), path, "path of {seen}");
    assert_eq!(
        query_params(request),
        expected_query(query),
        "query of {seen}"
    );
    assert_eq!(
        header(request, "accept"),
        Some("application/json"),
        "Accept header of {seen}"
    );
    match body {
        Some(expected) => {
            assert_eq!(
                header(request, "content-type"),
                Some("application/json"),
                "Content-Type of {seen}"
            );
            assert_eq!(json_body(request), expected, "body of {seen}");
        }
        None => {
            assert!(
                request.body.is_empty(),
                "{seen} must have no body, got {:?}",
                String::from_utf8_lossy(&request.body)
            );
            assert_eq!(
                header(request, "content-type"),
                None,
                "Content-Type of {seen}"
            );
        }
    }
}

/// A `/rest` success response: the result wrapped in `{"value": ...}`.
pub fn rest_value(value: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({ "value": value }))
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The metamodel snapshot directories the generated crate was built from,
/// oldest release first, as named in the generated README ("snapshot
/// `{vsphere-8.0.3.0,vsphere-9.1.1.0}`", or one name).
#[allow(dead_code)]
pub fn snapshot_dirs() -> Vec<PathBuf> {
    let readme_path = workspace_root().join("generated/README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", readme_path.display()));
    let names = readme
        .split_once("snapshot `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(names, _)| names)
        .unwrap_or_else(|| panic!("{} does not name its snapshot", readme_path.display()));
    let names = names
        .strip_prefix('{')
        .and_then(|names| names.strip_suffix('}'))
        .unwrap_or(names);
    names
        .split(',')
        .map(|name| workspace_root().join("metamodel-snapshots").join(name))
        .collect()
}

/// The newest of [`snapshot_dirs`].
pub fn snapshot_dir() -> PathBuf {
    snapshot_dirs()
        .pop()
        .unwrap_or_else(|| panic!("the generated README names no snapshot"))
}

/// Reads a JSON file of the newest snapshot directory.
pub fn snapshot_json(file: &str) -> Value {
    let path = snapshot_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// A responder that answers the n-th request (0-based) with `responses[n]`,
/// repeating the last one, and counts the requests it saw.
pub struct Sequence {
    responses: Vec<ResponseTemplate>,
    seen: Arc<AtomicUsize>,
}

impl Sequence {
    /// The responder and a handle on its request counter.
    pub fn new(responses: Vec<ResponseTemplate>) -> (Sequence, Arc<AtomicUsize>) {
        assert!(!responses.is_empty(), "a sequence needs a response");
        let seen = Arc::new(AtomicUsize::new(0));
        (
            Sequence {
                responses,
                seen: seen.clone(),
            },
            seen,
        )
    }
}

impl wiremock::Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let index = self.seen.fetch_add(1, Ordering::SeqCst);
        self.responses[index.min(self.responses.len() - 1)].clone()
    }
}
