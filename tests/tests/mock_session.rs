//! Sessions and transport-level failures seen through generated service
//! handles: transparent re-login after session expiry (exactly one per failed
//! request), on both protocols, and non-JSON error pages.

mod support_mock;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use support_mock::{answering, assert_request, client_for, header, requests, single_request};
use vsphere_vapi::cis::tagging::Category;
use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{Power, power};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind, Protocol};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const USER: &str = "administrator@vsphere.local";
const PASSWORD: &str = "VMware1!-test";

/// The virtual machine the tests address.
fn vm_42() -> VirtualMachineId {
    VirtualMachineId::from("vm-42")
}
/// `Basic` credentials of `USER:PASSWORD`.
const AUTHORIZATION: &str = "Basic YWRtaW5pc3RyYXRvckB2c3BoZXJlLmxvY2FsOlZNd2FyZTEhLXRlc3Q=";

/// A vCenter stand-in that issues `token-N` on the N-th login, honours only
/// the newest token, and forgets it when told to (session expiry).
#[derive(Default)]
struct Sessions {
    logins: AtomicUsize,
    valid: Mutex<Option<String>>,
    /// When set, even fresh tokens are rejected (a server that keeps saying
    /// "unauthenticated").
    reject_all: std::sync::atomic::AtomicBool,
}

impl Sessions {
    fn login(&self, request: &Request, wrapped: bool) -> ResponseTemplate {
        if header(request, "authorization") != Some(AUTHORIZATION) {
            return ResponseTemplate::new(401).set_body_json(json!({
                "error_type": "UNAUTHENTICATED",
                "messages": [{"id": "vapi.session.bad.credentials", "default_message": "Bad credentials", "args": []}]
            }));
        }
        let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("token-{n}");
        *self.valid.lock().expect("lock") = Some(token.clone());
        // /api/session answers the bare token, the /rest session service
        // wraps it.
        let body = if wrapped {
            json!({ "value": token })
        } else {
            json!(token)
        };
        ResponseTemplate::new(201).set_body_json(body)
    }

    fn expire(&self) {
        *self.valid.lock().expect("lock") = None;
    }

    fn authorized(&self, request: &Request) -> bool {
        let valid = self.valid.lock().expect("lock").clone();
        !self.reject_all.load(Ordering::SeqCst)
            && valid.is_some()
            && header(request, "vmware-api-session-id") == valid.as_deref()
    }
}

fn unauthenticated() -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({
        "error_type": "UNAUTHENTICATED",
        "messages": [{"id": "vapi.method.authentication.required", "default_message": "Authentication required.", "args": []}]
    }))
}

/// Mounts `POST login_path` and a protected `GET operation_path` answering
/// `answer` to valid sessions.
async fn session_server(
    login_path: &'static str,
    operation_path: &'static str,
    answer: serde_json::Value,
) -> (MockServer, Arc<Sessions>) {
    let server = MockServer::start().await;
    let sessions = Arc::new(Sessions::default());
    let wrapped = login_path.starts_with("/rest/");
    let login_state = sessions.clone();
    Mock::given(method("POST"))
        .and(path(login_path))
        .respond_with(move |request: &Request| login_state.login(request, wrapped))
        .mount(&server)
        .await;
    let call_state = sessions.clone();
    Mock::given(method("GET"))
        .and(path(operation_path))
        .respond_with(move |request: &Request| {
            if call_state.authorized(request) {
                ResponseTemplate::new(200).set_body_json(answer.clone())
            } else {
                unauthenticated()
            }
        })
        .mount(&server)
        .await;
    (server, sessions)
}

fn calls_to(requests: &[Request], wanted: &str) -> usize {
    requests
        .iter()
        .filter(|request| request.url.path() == wanted)
        .count()
}

/// `vcenter.json: GET /api/vcenter/vm/{vm}/power` with an expired session:
/// the client logs in once more (`POST /api/session`) and repeats the call.
#[tokio::test]
async fn expired_api_session_is_renewed_by_exactly_one_login() {
    let (server, sessions) = session_server(
        "/api/session",
        "/api/vcenter/vm/vm-42/power",
        json!({"state": "POWERED_ON"}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    client.login(USER, PASSWORD).await.expect("login");
    let handle = Power::new(&client);
    assert_eq!(
        handle.get(&vm_42()).await.expect("first call").state,
        power::InfoState::PoweredOn
    );

    sessions.expire();
    let info = handle.get(&vm_42()).await.expect("renewed transparently");
    assert_eq!(info.state, power::InfoState::PoweredOn);

    assert_eq!(sessions.logins.load(Ordering::SeqCst), 2);
    let seen = requests(&server).await;
    assert_eq!(calls_to(&seen, "/api/session"), 2);
    assert_eq!(calls_to(&seen, "/api/vcenter/vm/vm-42/power"), 3);
    let last = seen.last().expect("requests were sent");
    assert_request(last, "GET", "/api/vcenter/vm/vm-42/power", &[], None);
    assert_eq!(header(last, "vmware-api-session-id"), Some("token-2"));
    assert_eq!(
        client
            .session_token()
            .map(|token| token.expose().to_owned()),
        Some("token-2".to_owned())
    );
}

/// A server that keeps rejecting the session gets one re-login per failed
/// request, never a loop; the error is `Unauthenticated`.
#[tokio::test]
async fn rejected_renewed_session_fails_without_looping() {
    let (server, sessions) = session_server(
        "/api/session",
        "/api/vcenter/vm/vm-42/power",
        json!({"state": "POWERED_ON"}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    client.login(USER, PASSWORD).await.expect("login");
    sessions.reject_all.store(true, Ordering::SeqCst);

    let error = Power::new(&client)
        .get(&vm_42())
        .await
        .expect_err("still unauthenticated");
    assert_eq!(error.kind(), Some(ErrorKind::Unauthenticated));
    assert_eq!(error.status(), Some(401));
    assert_eq!(sessions.logins.load(Ordering::SeqCst), 2);
    let seen = requests(&server).await;
    assert_eq!(calls_to(&seen, "/api/vcenter/vm/vm-42/power"), 2);
    let text = format!("{error} {error:?}");
    assert!(!text.contains(PASSWORD), "password leaked: {text}");
}

/// Without stored credentials (a token handed in from elsewhere) an expired
/// session is simply an error: no login is attempted.
#[tokio::test]
async fn expired_session_without_credentials_is_an_error() {
    let (server, sessions) = session_server(
        "/api/session",
        "/api/vcenter/vm/vm-42/power",
        json!({"state": "POWERED_ON"}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto).with_session_token("token-from-elsewhere");
    let error = Power::new(&client)
        .get(&vm_42())
        .await
        .expect_err("unknown token");
    assert_eq!(error.kind(), Some(ErrorKind::Unauthenticated));
    assert_eq!(sessions.logins.load(Ordering::SeqCst), 0);
    assert_eq!(requests(&server).await.len(), 1);
}

/// The same over `/rest`: `cis.json: GET /rest/com/vmware/cis/tagging/category`,
/// session service `POST /rest/com/vmware/cis/session` (answer
/// `{"value": token}`).
#[tokio::test]
async fn expired_rest_session_is_renewed_by_exactly_one_login() {
    let (server, sessions) = session_server(
        "/rest/com/vmware/cis/session",
        "/rest/com/vmware/cis/tagging/category",
        json!({"value": ["cat-1"]}),
    )
    .await;
    let client = client_for(&server, Protocol::Rest);
    client.login(USER, PASSWORD).await.expect("login");
    let handle = Category::new(&client);
    assert_eq!(handle.list().await.expect("first call"), ["cat-1"]);

    sessions.expire();
    assert_eq!(handle.list().await.expect("renewed"), ["cat-1"]);

    assert_eq!(sessions.logins.load(Ordering::SeqCst), 2);
    let seen = requests(&server).await;
    assert_eq!(calls_to(&seen, "/rest/com/vmware/cis/session"), 2);
    assert_eq!(calls_to(&seen, "/rest/com/vmware/cis/tagging/category"), 3);
    assert!(
        seen.iter()
            .all(|request| request.url.path().starts_with("/rest/")),
        "a client forced onto /rest never touches /api"
    );
}

/// A server without `/api` (vCenter before 7.0U2): `POST /api/session` is
/// unknown, login falls back to `POST /rest/com/vmware/cis/session`, and with
/// [`Protocol::Auto`] the generated calls then take their `/rest` routes
/// (`vcenter.json: POST /rest/vcenter/vm/{vm}/power/start`).
#[tokio::test]
async fn legacy_server_login_switches_auto_protocol_to_rest_routes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(404).set_body_string("Not Found"))
        .mount(&server)
        .await;
    let sessions = Arc::new(Sessions::default());
    let login_state = sessions.clone();
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| login_state.login(request, true))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/rest/vcenter/vm/vm-42/power/start"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto);
    client
        .login(USER, PASSWORD)
        .await
        .expect("login falls back");
    Power::new(&client)
        .start(&vm_42())
        .await
        .expect("started over /rest");

    let seen = requests(&server).await;
    let paths: Vec<&str> = seen.iter().map(|request| request.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/api/session",
            "/rest/com/vmware/cis/session",
            "/rest/vcenter/vm/vm-42/power/start"
        ]
    );
    assert_request(
        &seen[2],
        "POST",
        "/rest/vcenter/vm/vm-42/power/start",
        &[],
        Some(json!({})),
    );
    assert_eq!(header(&seen[2], "vmware-api-session-id"), Some("token-1"));
}

/// Concurrent requests failing with the same expired token share one login.
#[tokio::test]
async fn concurrent_expired_requests_share_one_login() {
    let (server, sessions) = session_server(
        "/api/session",
        "/api/vcenter/vm/vm-42/power",
        json!({"state": "POWERED_OFF"}),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    client.login(USER, PASSWORD).await.expect("login");
    sessions.expire();
    let handle = Power::new(&client);
    let vm = vm_42();
    let (a, b, c) = tokio::join!(handle.get(&vm), handle.get(&vm), handle.get(&vm));
    for result in [a, b, c] {
        let state = result.expect("renewed").state;
        assert!(
            matches!(state, power::InfoState::PoweredOff { .. }),
            "{state:?}"
        );
    }
    assert_eq!(sessions.logins.load(Ordering::SeqCst), 2);
}

/// A proxy or load balancer in front of vCenter answers 503 with an HTML page:
/// the error keeps the status, the kind derived from it and a short excerpt of
/// the page.
#[tokio::test]
async fn html_503_page_becomes_an_error_with_status_and_short_excerpt() {
    let filler = "<p>The server is temporarily unable to service your request.</p>\n".repeat(80);
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service   Unavailable</h1>\n{filler}</body></html>"
    );
    assert!(page.len() > 4000);
    let server = answering(ResponseTemplate::new(503).set_body_raw(page, "text/html")).await;
    // A read is asked again while the server is busy (3 attempts by default,
    // here without the waits); the error is the last answer's.
    let client = vsphere_vapi::Client::builder(server.uri())
        .retry(vsphere_vapi::runtime::RetryPolicy::default().backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(1),
        ))
        .build()
        .unwrap();

    let error = Vm::new(&client)
        .list()
        .send()
        .await
        .expect_err("503 is an error");
    let attempts = requests(&server).await;
    assert_eq!(attempts.len(), 3, "{attempts:?}");
    for attempt in &attempts {
        assert_request(attempt, "GET", "/api/vcenter/vm", &[], None);
    }
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.kind(), Some(ErrorKind::ServiceUnavailable));
    assert_eq!(error.error_type(), Some("SERVICE_UNAVAILABLE"));
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    let server_error = error.server_error().expect("a server-reported error");
    assert_eq!(server_error.status(), 503);
    assert!(server_error.messages().is_empty());
    // Like VMware's client: the standard error of the status, no messages.
    let standard = error.standard_error().expect("a standard error structure");
    assert_eq!(standard.error_type, Some(ErrorKind::ServiceUnavailable));
    assert!(standard.messages.is_empty());
    assert_eq!(standard.data, None, "an HTML body is no data");
    let excerpt = server_error.excerpt().expect("a body excerpt");
    assert!(
        excerpt.starts_with("<!DOCTYPE html> <html><head><title>503 Service Unavailable</title>"),
        "excerpt: {excerpt}"
    );
    assert!(
        excerpt.contains("Service Unavailable</h1>"),
        "whitespace runs collapse: {excerpt}"
    );
    assert!(
        excerpt.chars().count() <= 600,
        "excerpt is short: {} chars",
        excerpt.chars().count()
    );
    let text = error.to_string();
    assert!(text.contains("com.vmware.vcenter.VM.list"), "{text}");
    assert!(text.contains("503"), "{text}");
    assert!(
        text.len() < 1000,
        "the message stays short: {} bytes",
        text.len()
    );
}

/// A 503 on a `/rest` call is read the same way.
#[tokio::test]
async fn html_503_over_rest_is_read_the_same_way() {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/rest/"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            "<html><body>upstream connect error</body></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    let client: Client = client_for(&server, Protocol::Rest);
    let error = Category::new(&client).list().await.expect_err("503");
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.kind(), Some(ErrorKind::ServiceUnavailable));
    assert_eq!(
        error.server_error().and_then(|e| e.excerpt()),
        Some("<html><body>upstream connect error</body></html>")
    );
}

/// A client given a token from elsewhere, on a server with `/api`: calls go
/// to `/api` without any extra request, and logout ends the session with
/// `DELETE /api/session`.
#[tokio::test]
async fn token_only_client_on_an_api_server_sends_no_probe() {
    let (server, sessions) = session_server(
        "/api/session",
        "/api/cis/tagging/category",
        json!(["cat-1"]),
    )
    .await;
    *sessions.valid.lock().expect("lock") = Some("token-from-elsewhere".to_owned());
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto).with_session_token("token-from-elsewhere");
    assert_eq!(
        Category::new(&client).list().await.expect("listed"),
        ["cat-1"]
    );
    client.logout().await.expect("logged out");
    let seen = requests(&server).await;
    let trail: Vec<String> = seen
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        trail,
        ["GET /api/cis/tagging/category", "DELETE /api/session"]
    );
    assert_eq!(
        header(&seen[1], "vmware-api-session-id"),
        Some("token-from-elsewhere")
    );
}

/// The same on a server without `/api`: the first call's plain 404 makes the
/// client probe `GET /api/session` once, then the generated call is sent over
/// its `/rest` route; later calls and logout use `/rest` directly.
#[tokio::test]
async fn token_only_client_on_a_rest_only_server_discovers_rest() {
    let (server, sessions) = session_server(
        "/rest/com/vmware/cis/session",
        "/rest/com/vmware/cis/tagging/category",
        json!({"value": ["cat-1"]}),
    )
    .await;
    *sessions.valid.lock().expect("lock") = Some("token-from-elsewhere".to_owned());
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path_regex("^/api/"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto).with_session_token("token-from-elsewhere");
    let clone = client.clone();
    assert_eq!(
        Category::new(&client).list().await.expect("listed"),
        ["cat-1"]
    );
    assert_eq!(
        Category::new(&clone).list().await.expect("listed"),
        ["cat-1"]
    );
    client.logout().await.expect("logged out");
    let trail: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    assert_eq!(
        trail,
        [
            "GET /api/cis/tagging/category",
            "GET /api/session",
            "GET /rest/com/vmware/cis/tagging/category",
            "GET /rest/com/vmware/cis/tagging/category",
            "DELETE /rest/com/vmware/cis/session",
        ]
    );
}

/// The examples: `Tag::delete("..")` over `/api` would have become
/// `DELETE /api/cis/tagging/`, `Power::get("")` over `/rest` would have
/// become `GET /rest/vcenter/vm//power`. Both are refused before sending.
#[tokio::test]
async fn dot_and_empty_identifiers_are_refused_before_sending() {
    use vsphere_vapi::cis::tagging::Tag;
    use vsphere_vapi::ids::TagId;

    let server = answering(ResponseTemplate::new(204)).await;
    let api = client_for(&server, Protocol::Api);
    for id in ["..", ".", "", "%2e%2e"] {
        let error = Tag::new(&api)
            .delete(&TagId::from(id))
            .await
            .expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        let text = error.to_string();
        assert!(
            text.starts_with(
                "com.vmware.cis.tagging.tag.delete: invalid request: path parameter `tag_id`"
            ),
            "{text}"
        );
    }
    let rest = client_for(&server, Protocol::Rest);
    let error = Power::new(&rest)
        .get(&VirtualMachineId::from(""))
        .await
        .expect_err("refused");
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(error.to_string().contains("`vm`"), "{error}");
    assert!(requests(&server).await.is_empty(), "nothing was sent");

    // A value with `/` and `..` stays one segment.
    Tag::new(&api)
        .delete(&TagId::from("../category"))
        .await
        .expect("sent");
    assert_request(
        &single_request(&server).await,
        "DELETE",
        "/api/cis/tagging/tag/..%2Fcategory",
        &[],
        None,
    );
}

/// Credentials in the base URL are refused, and never shown.
#[tokio::test]
async fn credentials_in_the_base_url_are_refused() {
    let error = Client::builder(format!("https://{USER}:{PASSWORD}@vc.example.com"))
        .build()
        .expect_err("refused");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(text.contains("Client::login"), "{text}");
}
