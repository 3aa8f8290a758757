//! A client over a [`Transport`] that is not HTTP: requests arrive as the
//! client built them (URL, headers, body), responses are interpreted exactly
//! as over HTTPS (sessions, vAPI errors, decoding).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use vsphere_vapi_runtime::transport::{Exchange, HttpRequest, HttpResponse, TransportFuture};
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    Transport, TransportKind,
};

static VM_GET: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "get",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm/{vm}",
        query: &[],
        params: &[ParamBinding {
            param: "vm",
            location: ParamLocation::Path("vm"),
        }],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

#[derive(Debug)]
struct Seen {
    method: String,
    uri: String,
    headers: Vec<(String, String, bool)>,
    body: Vec<u8>,
    exchange: Exchange,
}

type Answer = dyn Fn(&HttpRequest) -> Result<HttpResponse, Error> + Send + Sync;

/// Answers from a closure and keeps every request.
#[derive(Clone)]
struct Scripted {
    seen: Arc<Mutex<Vec<Seen>>>,
    answer: Arc<Answer>,
}

impl Scripted {
    fn new(
        answer: impl Fn(&HttpRequest) -> Result<HttpResponse, Error> + Send + Sync + 'static,
    ) -> Scripted {
        Scripted {
            seen: Arc::default(),
            answer: Arc::new(answer),
        }
    }
}

impl Transport for Scripted {
    fn send(&self, request: HttpRequest, exchange: Exchange) -> TransportFuture<'_> {
        let answer = (self.answer)(&request);
        self.seen.lock().unwrap().push(Seen {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.to_string(),
                        value.to_str().unwrap_or("").to_owned(),
                        value.is_sensitive(),
                    )
                })
                .collect(),
            body: request.body().clone(),
            exchange,
        });
        Box::pin(async move { answer })
    }
}

fn json_response(status: u16, body: &Value) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .unwrap()
}

#[tokio::test]
async fn login_and_call_travel_through_the_transport() {
    let transport = Scripted::new(|request| {
        Ok(match (request.method().as_str(), request.uri().path()) {
            ("POST", "/api/session") => json_response(201, &json!("token-1")),
            ("GET", "/api/vcenter/vm/vm-1") => {
                json_response(200, &json!({"name": "web", "power_state": "POWERED_ON"}))
            }
            _ => json_response(404, &json!({"error_type": "NOT_FOUND", "messages": []})),
        })
    });
    let client = Client::builder("https://vc.example.com")
        .timeout(Duration::from_secs(7))
        .transport(transport.clone())
        .build()
        .unwrap();
    client.login("admin", "s3cret").await.unwrap();
    let vm: Value = client
        .operation(&VM_GET)
        .param("vm", "vm-1")
        .send()
        .await
        .unwrap();
    assert_eq!(vm["name"], "web");

    let seen = transport.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].uri, "https://vc.example.com/api/session");
    assert_eq!(seen[0].exchange.context, "com.vmware.cis.session.create");
    let authorization = seen[0]
        .headers
        .iter()
        .find(|(name, _, _)| name == "authorization")
        .expect("login sends basic authentication");
    // admin:s3cret
    assert_eq!(authorization.1, "Basic YWRtaW46czNjcmV0");
    assert!(authorization.2, "credentials are marked sensitive");

    assert_eq!(seen[1].uri, "https://vc.example.com/api/vcenter/vm/vm-1");
    assert_eq!(seen[1].exchange.context, "com.vmware.vcenter.VM.get");
    assert_eq!(seen[1].exchange.timeout, Some(Duration::from_secs(7)));
    assert!(seen[1].body.is_empty());
    let token = seen[1]
        .headers
        .iter()
        .find(|(name, _, _)| name == "vmware-api-session-id")
        .expect("the session token is sent");
    assert_eq!((token.1.as_str(), token.2), ("token-1", true));
}

#[tokio::test]
async fn server_errors_and_transport_errors_keep_their_meaning() {
    let client = Client::builder("https://vc.example.com")
        .transport(Scripted::new(|_| {
            Ok(json_response(
                404,
                &json!({"error_type": "NOT_FOUND", "messages": [
                    {"id": "vm.not.found", "default_message": "VM vm-9 not found", "args": []}
                ]}),
            ))
        }))
        .build()
        .unwrap();
    let error = client
        .operation(&VM_GET)
        .param("vm", "vm-9")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"), "{error}");

    let client = Client::builder("https://vc.example.com")
        .transport(Scripted::new(|_| {
            Err(Error::Transport {
                context: "com.vmware.vcenter.VM.get".to_owned(),
                kind: TransportKind::ConnectionReset,
                peer: "vc.example.com:443".to_owned(),
                detail: "reset by peer".to_owned(),
                source: "reset by peer".into(),
            })
        }))
        .build()
        .unwrap();
    let error = client
        .operation(&VM_GET)
        .param("vm", "vm-9")
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::ConnectionReset));
}

#[test]
fn a_transport_excludes_tls_options() {
    let error = Client::builder("https://vc.example.com")
        .transport(Scripted::new(|_| Ok(json_response(200, &json!(null)))))
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}
