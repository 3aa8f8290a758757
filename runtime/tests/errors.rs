//! Error responses that are not well-formed standard errors, and transport
//! failures.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `com.vmware.vcenter.VM.get`
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
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm/{vm}",
        query: &[],
        params: &[ParamBinding {
            param: "vm",
            location: ParamLocation::Path("vm"),
        }],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

async fn get_with(response: ResponseTemplate) -> Result<Value, Error> {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    client.operation(&VM_GET).param("vm", "vm-1").send().await
}

#[tokio::test]
async fn html_from_a_proxy_keeps_status_and_excerpt() {
    let page = format!(
        "<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>{}</body></html>",
        "x".repeat(10_000)
    );
    let error = get_with(
        ResponseTemplate::new(503)
            .set_body_string(page)
            .insert_header("content-type", "text/html"),
    )
    .await
    .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.error_type(), Some("SERVICE_UNAVAILABLE"));
    let server_error = error.server_error().unwrap();
    assert_eq!(server_error.status(), 503);
    assert!(server_error.messages().is_empty());
    let excerpt = server_error.excerpt().unwrap();
    assert!(
        excerpt.starts_with("<html> <head><title>503 Service Temporarily Unavailable"),
        "{excerpt}"
    );
    assert!(
        excerpt.len() < 600,
        "excerpt is bounded: {} bytes",
        excerpt.len()
    );
    let text = error.to_string();
    assert!(
        text.contains("HTTP 503") && text.contains("Service Temporarily Unavailable"),
        "{text}"
    );
}

#[tokio::test]
async fn plain_text_not_found() {
    let error = get_with(ResponseTemplate::new(404).set_body_string("404 page not found\n"))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
    assert_eq!(
        error.server_error().unwrap().excerpt(),
        Some("404 page not found")
    );
    assert_eq!(
        error.to_string(),
        "com.vmware.vcenter.VM.get: NOT_FOUND (HTTP 404): 404 page not found"
    );
}

#[tokio::test]
async fn empty_unauthorized() {
    let error = get_with(ResponseTemplate::new(401)).await.unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    assert_eq!(error.status(), Some(401));
    let server_error = error.server_error().unwrap();
    assert_eq!(server_error.excerpt(), None);
    // Decodes as the standard error the status stands for, like a body would.
    #[derive(serde::Deserialize)]
    struct Unauthenticated {
        error_type: String,
        messages: Vec<Value>,
    }
    let typed: Unauthenticated = server_error.decode().unwrap();
    assert_eq!(typed.error_type, "UNAUTHENTICATED");
    assert!(typed.messages.is_empty());
}

#[tokio::test]
async fn standard_error_with_string_messages_and_status_disagreeing() {
    // The discriminator wins over the status; bare strings become messages.
    let error = get_with(ResponseTemplate::new(500).set_body_json(json!({
        "error_type": "NOT_FOUND",
        "messages": ["VM vm-1 does not exist"]
    })))
    .await
    .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
    assert_eq!(error.status(), Some(500));
    assert_eq!(
        error.server_error().unwrap().messages(),
        ["VM vm-1 does not exist"]
    );
    assert_eq!(
        error.to_string(),
        "com.vmware.vcenter.VM.get: NOT_FOUND: VM vm-1 does not exist"
    );
}

#[tokio::test]
async fn unknown_error_type_is_kept() {
    let error = get_with(ResponseTemplate::new(400).set_body_json(json!({
        "type": "com.vmware.vcenter.some_new_error",
        "value": {"messages": []}
    })))
    .await
    .unwrap_err();
    // Mechanically derived from the identifier: no table to fall behind.
    assert_eq!(error.error_type(), Some("SOME_NEW_ERROR"));
    assert_eq!(
        error.server_error().unwrap().value(),
        Some(&json!({"error_type": "SOME_NEW_ERROR", "messages": []}))
    );
}

#[tokio::test]
async fn rest_error_body_with_a_std_error() {
    let error = get_with(ResponseTemplate::new(404).set_body_json(json!({
        "type": "com.vmware.vapi.std.errors.not_found",
        "value": {"messages": [{"id": "vm.not.found", "default_message": "Virtual machine vm-9 was not found.", "args": ["vm-9"]}]}
    })))
    .await
    .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
    assert_eq!(
        error.to_string(),
        "com.vmware.vcenter.VM.get: NOT_FOUND: Virtual machine vm-9 was not found."
    );
    assert!(!error.is_timeout());
}

#[tokio::test]
async fn server_timed_out_is_a_timeout() {
    let error = get_with(ResponseTemplate::new(504)).await.unwrap_err();
    assert_eq!(error.error_type(), Some("TIMED_OUT"));
    assert!(error.is_timeout());
}

#[tokio::test]
async fn success_with_non_json_body_is_a_decode_error() {
    let error = get_with(ResponseTemplate::new(200).set_body_string("<html>login page</html>"))
        .await
        .unwrap_err();
    match error {
        Error::Decode {
            status, excerpt, ..
        } => {
            assert_eq!(status, 200);
            assert_eq!(&*excerpt, "<html>login page</html>");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn wrong_shape_is_a_decode_error_naming_the_operation() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": 5})))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Info {
        name: String,
    }
    let error = client
        .operation(&VM_GET)
        .param("vm", "vm-1")
        .send::<Info>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(
        error.to_string().contains("com.vmware.vcenter.VM.get"),
        "{error}"
    );
}

#[tokio::test]
async fn redirect_is_an_unexpected_status() {
    let error = get_with(
        ResponseTemplate::new(302)
            .insert_header("location", "/ui/")
            .set_body_string("Moved"),
    )
    .await
    .unwrap_err();
    match error {
        Error::UnexpectedStatus {
            status, excerpt, ..
        } => {
            assert_eq!(status, 302);
            assert_eq!(excerpt, "Moved");
        }
        other => panic!("expected an unexpected-status error, got {other:?}"),
    }
}

#[tokio::test]
async fn request_timeout() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .operation(&VM_GET)
        .param("vm", "vm-1")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(format!("http://127.0.0.1:{port}")).unwrap();
    let error = client
        .operation(&VM_GET)
        .param("vm", "vm-1")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        error.transport_kind(),
        Some(vsphere_vapi_runtime::TransportKind::ConnectionRefused)
    );
    assert_eq!(
        error.to_string(),
        format!("com.vmware.vcenter.VM.get: connection refused by 127.0.0.1:{port}")
    );
}

static TAG_CREATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tagging.tag",
    operation_id: "create",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/cis/tagging/tag",
        query: &[],
        params: &[],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// A create that the server carried out (201) but whose answer is not the
/// expected identifier: the error says the request was applied, so a caller
/// does not create the object a second time by retrying.
#[tokio::test]
async fn undecodable_success_says_the_request_was_applied() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 17})))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let error = client
        .operation(&TAG_CREATE)
        .send::<String>()
        .await
        .unwrap_err();
    assert!(error.was_applied(), "{error:?}");
    assert_eq!(error.status(), Some(201));
    assert_eq!(error.transport_kind(), None);
    let text = error.to_string();
    assert!(
        text.starts_with(
            "com.vmware.cis.tagging.tag.create: the server applied the request (HTTP 201) but its response could not be read as String: invalid type: map"
        ),
        "{text}"
    );
    assert!(text.ends_with(r#"body starts with: {"id":17}"#), "{text}");
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "not retried"
    );

    // Errors with an error answer were not applied.
    let refused = get_with(ResponseTemplate::new(400)).await.unwrap_err();
    assert!(!refused.was_applied());
}
