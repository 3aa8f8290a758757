//! Login, logout, fallback to the legacy session service, transparent
//! re-login after session expiry, and secrecy of credentials.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use vsphere_vapi_runtime::types::Secret;
use vsphere_vapi_runtime::{Client, HttpMethod, HttpRoute, Idempotency, OperationSpec, Protocol};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const PASSWORD: &str = "S3cr3t-Pa55!";

static VM_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "list",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm",
        query: &[],
        params: &[],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm",
        query: &[],
        params: &[],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

fn session_header(request: &Request) -> Option<String> {
    request
        .headers
        .get("vmware-api-session-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// A server that issues `token-N` on the N-th successful login, accepts only
/// the latest token, and can be told to expire it.
#[derive(Default)]
struct SessionServer {
    logins: AtomicUsize,
    valid: Mutex<Option<String>>,
    calls: AtomicUsize,
}

impl SessionServer {
    fn expire(&self) {
        *self.valid.lock().unwrap() = None;
    }

    fn login(&self, request: &Request, wrap: bool) -> ResponseTemplate {
        let authorization = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        if authorization != Some(basic("administrator@vsphere.local", PASSWORD).as_str()) {
            return ResponseTemplate::new(401).set_body_json(json!({
                "error_type": "UNAUTHENTICATED",
                "messages": [{"id": "vapi.session.bad.credentials", "default_message": "Authentication required.", "args": []}]
            }));
        }
        let n = self.logins.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("token-{n}-7f3e9a");
        *self.valid.lock().unwrap() = Some(token.clone());
        let body = if wrap {
            json!({"value": token})
        } else {
            json!(token)
        };
        // A slow login widens the window in which concurrent requests fail
        // with the old token.
        ResponseTemplate::new(201)
            .set_body_json(body)
            .set_delay(Duration::from_millis(50))
    }

    fn call(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let valid = self.valid.lock().unwrap().clone();
        if valid.is_some() && session_header(request) == valid {
            let listing = json!([{"vm": "vm-1"}]);
            if request.url.path().starts_with("/rest/") {
                ResponseTemplate::new(200).set_body_json(json!({ "value": listing }))
            } else {
                ResponseTemplate::new(200).set_body_json(listing)
            }
        } else {
            // vCenter answers an expired session like this on /api.
            ResponseTemplate::new(401).set_body_json(json!({
                "error_type": "UNAUTHENTICATED",
                "messages": [{"id": "vapi.method.authentication.required", "default_message": "Authentication required.", "args": []}]
            }))
        }
    }
}

async fn api_session_server() -> (MockServer, Arc<SessionServer>) {
    let server = MockServer::start().await;
    let state = Arc::new(SessionServer::default());
    let login_state = state.clone();
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(move |request: &Request| login_state.login(request, false))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let call_state = state.clone();
    Mock::given(method("GET"))
        .and(path("/api/vcenter/vm"))
        .respond_with(move |request: &Request| call_state.call(request))
        .mount(&server)
        .await;
    (server, state)
}

async fn list(client: &Client) -> vsphere_vapi_runtime::Result<Vec<Value>> {
    client.operation(&VM_LIST).send().await
}

#[tokio::test]
async fn api_login_sends_basic_auth_and_uses_token() {
    let (server, state) = api_session_server().await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    assert_eq!(client.session_token().unwrap().expose(), "token-1-7f3e9a");
    assert_eq!(list(&client).await.unwrap().len(), 1);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/api/session");
    assert_eq!(requests[0].method.as_str(), "POST");
    assert_eq!(
        session_header(&requests[1]).as_deref(),
        Some("token-1-7f3e9a")
    );

    client.logout().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let logout = requests.last().unwrap();
    assert_eq!(
        (logout.method.as_str(), logout.url.path()),
        ("DELETE", "/api/session")
    );
    assert_eq!(session_header(logout).as_deref(), Some("token-1-7f3e9a"));
    assert!(client.session_token().is_none());
    assert_eq!(state.logins.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn wrong_password_is_unauthenticated_without_fallback() {
    let (server, _state) = api_session_server().await;
    let client = Client::new(server.uri()).unwrap();
    let error = client
        .login("administrator@vsphere.local", "wrong-password-123")
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    assert!(!format!("{error} {error:?}").contains("wrong-password-123"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        1,
        "no fallback to /rest after a credential error"
    );
}

#[tokio::test]
async fn falls_back_to_rest_session_when_api_session_is_missing() {
    let server = MockServer::start().await;
    let state = Arc::new(SessionServer::default());
    // Old servers and simulators: a plain-text 404 for /api/session.
    Mock::given(path("/api/session"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .mount(&server)
        .await;
    let login_state = state.clone();
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| login_state.login(request, true))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let call_state = state.clone();
    Mock::given(method("GET"))
        .and(path("/rest/vcenter/vm"))
        .respond_with(move |request: &Request| call_state.call(request))
        .mount(&server)
        .await;

    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    assert_eq!(client.session_token().unwrap().expose(), "token-1-7f3e9a");
    assert_eq!(list(&client).await.unwrap().len(), 1);

    // Operations now use their /rest route, and renewal goes straight to the session service that worked.
    state.expire();
    assert_eq!(list(&client).await.unwrap().len(), 1);
    client.logout().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let trail: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    let expected = [
        ("POST", "/api/session"),
        ("POST", "/rest/com/vmware/cis/session"),
        ("GET", "/rest/vcenter/vm"),
        ("GET", "/rest/vcenter/vm"),
        ("POST", "/rest/com/vmware/cis/session"),
        ("GET", "/rest/vcenter/vm"),
        ("DELETE", "/rest/com/vmware/cis/session"),
    ];
    assert_eq!(
        trail,
        expected
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn logout_keeps_a_legacy_server_on_rest() {
    let server = MockServer::start().await;
    let state = Arc::new(SessionServer::default());
    Mock::given(path("/api/session"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .mount(&server)
        .await;
    let login_state = state.clone();
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| login_state.login(request, true))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let call_state = state.clone();
    Mock::given(method("GET"))
        .and(path("/rest/vcenter/vm"))
        .respond_with(move |request: &Request| call_state.call(request))
        .mount(&server)
        .await;
    // Like such servers, answer every /api route with a plain-text 404.
    Mock::given(path("/api/vcenter/vm"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .mount(&server)
        .await;

    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    client.logout().await.unwrap();
    // Without a session the /rest route refuses the call; the /api route
    // would have said NOT_FOUND.
    let error = list(&client).await.unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"), "{error}");
    // Logging in again goes straight to the session service that worked.
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    assert_eq!(list(&client).await.unwrap().len(), 1);

    let trail: Vec<(String, String)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    let expected = [
        ("POST", "/api/session"),
        ("POST", "/rest/com/vmware/cis/session"),
        ("DELETE", "/rest/com/vmware/cis/session"),
        ("GET", "/rest/vcenter/vm"),
        ("POST", "/rest/com/vmware/cis/session"),
        ("GET", "/rest/vcenter/vm"),
    ];
    assert_eq!(
        trail,
        expected
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn rest_protocol_logs_in_with_rest_session_only() {
    let server = MockServer::start().await;
    let state = Arc::new(SessionServer::default());
    let login_state = state.clone();
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| login_state.login(request, true))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    client
        .login("administrator@vsphere.local", Secret::new(PASSWORD))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/rest/com/vmware/cis/session");
}

#[tokio::test]
async fn expired_session_logs_in_again_exactly_once() {
    let (server, state) = api_session_server().await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    state.expire();
    assert_eq!(list(&client).await.unwrap().len(), 1);
    assert_eq!(state.logins.load(Ordering::SeqCst), 2);
    assert_eq!(
        state.calls.load(Ordering::SeqCst),
        2,
        "one failed call, one retry"
    );
    assert_eq!(client.session_token().unwrap().expose(), "token-2-7f3e9a");
    drop(server);
}

#[tokio::test]
async fn concurrent_requests_share_one_relogin() {
    let (server, state) = api_session_server().await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    state.expire();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        tasks.spawn(async move { list(&client).await });
    }
    while let Some(result) = tasks.join_next().await {
        assert_eq!(result.unwrap().unwrap().len(), 1);
    }
    assert_eq!(
        state.logins.load(Ordering::SeqCst),
        2,
        "initial login plus one shared re-login"
    );
    drop(server);
}

#[tokio::test]
async fn relogin_is_attempted_once_then_error_is_returned() {
    let server = MockServer::start().await;
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    // Login always succeeds, but every call is rejected.
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(move |_: &Request| {
            counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(201).set_body_json("tok")
        })
        .mount(&server)
        .await;
    Mock::given(path("/api/vcenter/vm"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    let error = list(&client).await.unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    assert_eq!(error.status(), Some(401));
    assert_eq!(logins.load(Ordering::SeqCst), 2);
    let calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/api/vcenter/vm")
        .count();
    assert_eq!(calls, 2);
}

#[tokio::test]
async fn session_token_without_credentials_is_not_renewed() {
    let (server, state) = api_session_server().await;
    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token("stale-token-1");
    let error = list(&client).await.unwrap_err();
    // An empty-bodied or standard 401 both mean "unauthenticated".
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    assert_eq!(state.logins.load(Ordering::SeqCst), 0);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        session_header(&requests[0]).as_deref(),
        Some("stale-token-1")
    );
}

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_stay_out_of_debug_errors_and_logs() {
    // tracing caches each callsite's interest globally. While a single
    // dispatcher is registered, a callsite first reached on another test's
    // thread takes that thread's (absent) subscriber's interest, and its spans
    // would never reach the one installed below. With a second registered
    // dispatcher, tracing combines the interests of all of them instead.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::new());
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, state) = api_session_server().await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", PASSWORD)
        .await
        .unwrap();
    state.expire();
    list(&client).await.unwrap();
    let token = client.session_token().unwrap();

    let mut seen = vec![
        format!("{client:?}"),
        format!("{token:?}"),
        format!("{:?}", Secret::new(PASSWORD)),
        format!("{:?}", client.operation(&VM_LIST)),
    ];
    // Errors raised while a session is in use.
    state.expire();
    let failing = Client::new(server.uri())
        .unwrap()
        .with_session_token(token.expose());
    let error = list(&failing).await.unwrap_err();
    seen.push(format!("{error} {error:?}"));
    let login_error = client
        .login("administrator@vsphere.local", "an0ther-Secret")
        .await
        .unwrap_err();
    seen.push(format!("{login_error} {login_error:?}"));

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("vapi_request"),
        "request spans are logged:\n{logged}"
    );
    seen.push(logged);
    for text in &seen {
        for secret in [
            PASSWORD,
            "an0ther-Secret",
            "token-1-7f3e9a",
            "token-2-7f3e9a",
        ] {
            assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
        }
    }
    assert!(format!("{client:?}").contains("administrator@vsphere.local"));
}

/// A server without `/api` (vCenter before 7.0U2, govmomi's simulator): every
/// `/api` path answers a plain-text 404, the session service is
/// `/rest/com/vmware/cis/session`.
async fn legacy_server() -> (MockServer, Arc<SessionServer>) {
    let server = MockServer::start().await;
    let state = Arc::new(SessionServer::default());
    let login_state = state.clone();
    Mock::given(method("POST"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| login_state.login(request, true))
        .mount(&server)
        .await;
    let delete_state = state.clone();
    Mock::given(method("DELETE"))
        .and(path("/rest/com/vmware/cis/session"))
        .respond_with(move |request: &Request| {
            let mut valid = delete_state.valid.lock().unwrap();
            if valid.is_some() && session_header(request) == *valid {
                *valid = None;
                ResponseTemplate::new(200)
            } else {
                ResponseTemplate::new(401)
            }
        })
        .mount(&server)
        .await;
    let call_state = state.clone();
    Mock::given(method("GET"))
        .and(path("/rest/vcenter/vm"))
        .respond_with(move |request: &Request| call_state.call(request))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path_regex("^/api/"))
        .respond_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .mount(&server)
        .await;
    (server, state)
}

async fn trail(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

/// A token from elsewhere on a server without `/api`: the first call finds
/// out (one `GET /api/session` probe) and is sent again over `/rest`; later
/// calls, also from clones, go to `/rest` directly, and logout ends the
/// session at the `/rest` session service.
#[tokio::test]
async fn token_only_client_discovers_a_rest_only_server() {
    let (server, state) = legacy_server().await;
    let token = Secret::new("token-from-elsewhere");
    *state.valid.lock().unwrap() = Some(token.expose().to_owned());

    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token(token.expose());
    let clone = client.clone();
    assert_eq!(list(&client).await.unwrap().len(), 1);
    assert_eq!(list(&clone).await.unwrap().len(), 1);
    client.logout().await.unwrap();
    assert!(state.valid.lock().unwrap().is_none(), "the session ended");
    // The old token is refused now, and a call without session is
    // UNAUTHENTICATED on /rest (not NOT_FOUND on /api).
    let error = list(&clone).await.unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"), "{error}");
    assert_eq!(
        trail(&server).await,
        [
            "GET /api/vcenter/vm",
            "GET /api/session",
            "GET /rest/vcenter/vm",
            "GET /rest/vcenter/vm",
            "DELETE /rest/com/vmware/cis/session",
            "GET /rest/vcenter/vm",
        ]
    );
    let probe = &server.received_requests().await.unwrap()[1];
    assert_eq!(
        session_header(probe).as_deref(),
        Some(token.expose()),
        "the probe carries the token"
    );
}

/// Logging out with a token from elsewhere before any call: `DELETE
/// /api/session` does not exist, so the `/rest` session service ends it.
#[tokio::test]
async fn token_only_logout_falls_back_to_the_rest_session_service() {
    let (server, state) = legacy_server().await;
    *state.valid.lock().unwrap() = Some("token-from-elsewhere".to_owned());
    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token("token-from-elsewhere");
    client.logout().await.unwrap();
    assert!(state.valid.lock().unwrap().is_none(), "the session ended");
    assert!(client.session_token().is_none());
    assert_eq!(
        trail(&server).await,
        ["DELETE /api/session", "DELETE /rest/com/vmware/cis/session"]
    );
}

/// A refused login at the `/rest` session service still tells the client
/// where the server's services are: the next call goes to `/rest` and is
/// UNAUTHENTICATED, not NOT_FOUND.
#[tokio::test]
async fn failed_login_on_a_rest_only_server_keeps_calls_on_rest() {
    let (server, _state) = legacy_server().await;
    let client = Client::new(server.uri()).unwrap();
    let error = client
        .login("administrator@vsphere.local", "wrong-Pa55")
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    let error = list(&client).await.unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"), "{error}");
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        trail(&server).await,
        [
            "POST /api/session",
            "POST /rest/com/vmware/cis/session",
            "GET /rest/vcenter/vm",
        ]
    );
}

/// On a server with `/api`, a token-only client's calls cost nothing extra;
/// a vAPI `NOT_FOUND` is an answer, not a sign of a missing route; and a
/// plain 404 is probed once, found to come from an `/api` server, and
/// returned as it is.
#[tokio::test]
async fn token_only_client_on_an_api_server_stays_on_api() {
    let (server, state) = api_session_server().await;
    *state.valid.lock().unwrap() = Some("token-9".to_owned());
    Mock::given(method("GET"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": "x"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vcenter/vm/vm-404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error_type": "NOT_FOUND",
            "messages": [{"id": "x", "default_message": "no VM vm-404", "args": []}]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/vcenter/vm/vm-gone"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token("token-9");
    assert_eq!(list(&client).await.unwrap().len(), 1);
    let get = |vm: &'static str| client.operation(&VM_GET).param("vm", vm).send::<Value>();
    assert_eq!(
        get("vm-404").await.unwrap_err().error_type(),
        Some("NOT_FOUND")
    );
    for _ in 0..2 {
        let error = get("vm-gone").await.unwrap_err();
        assert_eq!(error.status(), Some(404));
    }
    assert_eq!(
        trail(&server).await,
        [
            "GET /api/vcenter/vm",
            "GET /api/vcenter/vm/vm-404",
            "GET /api/vcenter/vm/vm-gone",
            "GET /api/session",
            "GET /api/vcenter/vm/vm-gone",
        ]
    );
}

static VM_GET: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "get",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm/{vm}",
        query: &[],
        params: &[vsphere_vapi_runtime::ParamBinding {
            param: "vm",
            location: vsphere_vapi_runtime::ParamLocation::Path("vm"),
        }],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm/{vm}",
        query: &[],
        params: &[vsphere_vapi_runtime::ParamBinding {
            param: "vm",
            location: vsphere_vapi_runtime::ParamLocation::Path("vm"),
        }],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};
