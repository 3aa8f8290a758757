//! The retry policy against servers that are busy, reset connections or are
//! not there yet: what is repeated, how long the client waits, when it gives
//! up, and the one event per attempt.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    RetryPolicy, TransportKind,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// A read: `GET /api/vcenter/vm`.
static VM_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "list",
    task: false,
    idempotency: Idempotency::Safe,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm",
        query: &[],
        params: &[],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// An action that must not run twice: `POST /api/vcenter/vm/{vm}/power?action=start`.
static POWER_START: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.power",
    operation_id: "start",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}/power",
        query: &[("action", "start")],
        params: &[ParamBinding {
            param: "vm",
            location: ParamLocation::Path("vm"),
        }],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// A create that is idempotent when given a client token.
static LIBRARY_CREATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.content.local_library",
    operation_id: "create",
    task: false,
    idempotency: Idempotency::WithToken("client_token"),
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/content/local-library",
        query: &[],
        params: &[
            ParamBinding {
                param: "client_token",
                location: ParamLocation::Header("Client-Token"),
            },
            ParamBinding {
                param: "create_spec",
                location: ParamLocation::Body,
            },
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// Fast waits, so that the tests measure the policy and not the defaults.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40))
}

/// Answers the given statuses in turn, then the last one forever.
struct Sequence {
    answers: Vec<ResponseTemplate>,
    next: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let index = self.next.fetch_add(1, Ordering::SeqCst);
        self.answers[index.min(self.answers.len() - 1)].clone()
    }
}

fn sequence(answers: Vec<ResponseTemplate>) -> Sequence {
    Sequence {
        answers,
        next: AtomicUsize::new(0),
    }
}

#[tokio::test]
async fn a_busy_server_is_asked_again_for_a_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vcenter/vm"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(429),
            ResponseTemplate::new(200).set_body_json(["vm-1"]),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    let vms: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
    assert_eq!(vms, ["vm-1"]);
}

#[tokio::test]
async fn the_attempts_run_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick().max_attempts(2))
        .build()
        .unwrap();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.error_type(), Some("SERVICE_UNAVAILABLE"));
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503).insert_header("Retry-After", "1"),
            ResponseTemplate::new(200).set_body_json(["vm-1"]),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    let started = Instant::now();
    let _: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
    let waited = started.elapsed();
    // The backoff alone would be 10 ms.
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_action_that_may_have_run_is_not_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    let error = client
        .operation(&POWER_START)
        .param("vm", "vm-42")
        .send::<()>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    // `expect(1)` is checked when the server is dropped.
}

#[tokio::test]
async fn a_client_token_makes_a_create_repeatable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/content/local-library"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(201).set_body_json("lib-1"),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    // Without a token: sent once, the 503 comes back.
    let error = client
        .operation(&LIBRARY_CREATE)
        .param("create_spec", &serde_json::json!({"name": "l"}))
        .send::<String>()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    // With one: repeated after the 503 (the second answer is a 201 for
    // this call; the mock's sequence is shared, so reset it first).
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(201).set_body_json("lib-1"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let id: String = client
        .operation(&LIBRARY_CREATE)
        .param("client_token", "b8a2a2e3-2314-43cd-a871-6ede0f429751")
        .param("create_spec", &serde_json::json!({"name": "l"}))
        .send()
        .await
        .unwrap();
    assert_eq!(id, "lib-1");
}

#[tokio::test]
async fn per_call_and_per_handle_overrides() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1 + 1 + 4)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    // One attempt for this call only.
    let _ = client
        .operation(&VM_LIST)
        .retry(RetryPolicy::never())
        .send::<Vec<String>>()
        .await;
    // One attempt for every call of this handle.
    let patient_less = client.with_retry(RetryPolicy::never());
    assert_eq!(patient_less.retry_policy().attempts(), 1);
    assert_eq!(client.retry_policy().attempts(), 3);
    let _ = patient_less.operation(&VM_LIST).send::<Vec<String>>().await;
    // And four for this one.
    let _ = patient_less
        .operation(&VM_LIST)
        .retry(quick().max_attempts(4))
        .send::<Vec<String>>()
        .await;
}

#[tokio::test]
async fn a_caller_may_declare_an_action_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(204),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    client
        .operation(&POWER_START)
        .param("vm", "vm-42")
        .idempotent(true)
        .send::<()>()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let server = MockServer::start().await;
    // Every answer takes 300 ms and says the server is busy.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_delay(Duration::from_millis(300)))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(
            quick()
                .max_attempts(100)
                .deadline(Duration::from_millis(800)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500), "took {took:?}");
    // The attempt running at the deadline was cut (a timeout), or the last
    // answer came just before it.
    assert!(error.is_timeout() || error.status() == Some(503), "{error}");
    let attempts = server.received_requests().await.unwrap().len();
    assert!((2..=4).contains(&attempts), "{attempts} attempts");
}

/// A server that resets the first `resets` connections as soon as a request
/// arrives and answers the others with `200 []`; counts connections.
async fn resetting_server(resets: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let seen = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = vec![0_u8; 8192];
                let _ = socket.read(&mut buffer).await;
                if seen < resets {
                    // SO_LINGER 0: closing sends a RST instead of a FIN.
                    let _ = socket.set_zero_linger();
                    drop(socket);
                } else {
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n[]")
                        .await;
                }
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_reset_read_is_repeated_and_a_reset_action_is_not() {
    let (url, connections) = resetting_server(1).await;
    let client = Client::builder(&url).retry(quick()).build().unwrap();
    let vms: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
    assert!(vms.is_empty());
    assert_eq!(connections.load(Ordering::SeqCst), 2);

    let (url, connections) = resetting_server(1).await;
    let client = Client::builder(&url).retry(quick()).build().unwrap();
    let error = client
        .operation(&POWER_START)
        .param("vm", "vm-42")
        .send::<()>()
        .await
        .unwrap_err();
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::ConnectionReset),
        "{error}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_not_listening_yet_is_tried_again_even_for_an_action() {
    // A free port, bound again once the first attempt has been refused.
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let client = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(
            RetryPolicy::default().backoff(Duration::from_millis(300), Duration::from_millis(300)),
        )
        .build()
        .unwrap();
    let served = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&served);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = vec![0_u8; 8192];
        let count = socket.read(&mut buffer).await.unwrap();
        log.lock()
            .unwrap()
            .push(String::from_utf8_lossy(&buffer[..count]).into_owned());
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
    });
    client
        .operation(&POWER_START)
        .param("vm", "vm-42")
        .send::<()>()
        .await
        .unwrap();
    let served = served.lock().unwrap();
    assert_eq!(served.len(), 1);
    assert!(served[0].starts_with("POST /api/vcenter/vm/vm-42/power?action=start "));
}

#[tokio::test]
async fn connection_refused_gives_up_after_the_attempts() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let client = Client::builder(format!("http://127.0.0.1:{port}"))
        .retry(quick())
        .build()
        .unwrap();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::ConnectionRefused,
                ..
            }
        ),
        "{error}"
    );
}

/// Collects what the tracing subscriber writes.
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
async fn every_attempt_is_one_event() {
    // See runtime/tests/session.rs: a second dispatcher makes tracing ask
    // every subscriber about callsites first reached on other threads.
    let _second_dispatcher = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::new());
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(sequence(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(503),
            ResponseTemplate::new(200).set_body_json(["vm-1"]),
        ]))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .retry(quick())
        .build()
        .unwrap();
    let _: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let attempts: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("vAPI request attempt"))
        .collect();
    assert_eq!(attempts.len(), 3, "{text}");
    assert!(attempts[0].contains("attempt=1") && attempts[0].contains("HTTP 503"));
    assert!(attempts[0].contains("retry_in_ms="), "{}", attempts[0]);
    assert!(attempts[2].contains("attempt=3") && attempts[2].contains("HTTP 200"));
}
