//! Requests through an explicit proxy: forwarded plain HTTP with proxy
//! credentials, and HTTPS through a `CONNECT` tunnel.

mod support;

use support::{https, proxy};
use vsphere_vapi_runtime::{Client, HttpMethod, HttpRoute, Idempotency, OperationSpec};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

#[tokio::test]
async fn plain_http_is_forwarded_with_the_proxy_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/vcenter/vm"))
        .respond_with(ResponseTemplate::new(200).set_body_json(["vm-1"]))
        .expect(2)
        .mount(&server)
        .await;
    let (proxy, seen) = proxy::start().await;
    let builder =
        Client::builder(server.uri()).proxy(format!("http://svc%40corp:S3cr%2Ft@{proxy}"));
    let shown = format!("{builder:?}");
    assert!(!shown.contains("S3cr"), "{shown}");
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("S3cr"));
    for _ in 0..2 {
        let vms: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
        assert_eq!(vms, ["vm-1"]);
    }
    let heads = seen.heads();
    assert_eq!(heads.len(), 2, "{heads:?}");
    let target = format!("GET {}/api/vcenter/vm HTTP/1.1", server.uri());
    use base64::Engine as _;
    let credentials = base64::engine::general_purpose::STANDARD.encode("svc@corp:S3cr/t");
    for head in &heads {
        assert!(head.starts_with(&target), "{head}");
        assert!(
            head.to_ascii_lowercase().contains(&format!(
                "proxy-authorization: basic {}",
                credentials.to_ascii_lowercase()
            )),
            "{head}"
        );
    }
}

#[tokio::test]
async fn https_goes_through_a_tunnel_and_keeps_its_trust() {
    let server = https::serve(
        &["127.0.0.1"],
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close\r\n\r\n[\"vm-1\"]",
    )
    .await;
    let (proxy, seen) = proxy::start().await;
    let client = Client::builder(&server.url)
        .pin_certificate_sha256(&server.thumbprint)
        .proxy(format!("http://{proxy}"))
        .proxy_credentials("svc", "S3cret")
        .build()
        .unwrap();
    let vms: Vec<String> = client.operation(&VM_LIST).send().await.unwrap();
    assert_eq!(vms, ["vm-1"]);
    let heads = seen.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    let authority = server.url.trim_start_matches("https://");
    assert!(
        heads[0].starts_with(&format!("CONNECT {authority} HTTP/1.1")),
        "{}",
        heads[0]
    );
    // The proxy never saw the request itself: it travelled inside TLS.
    assert!(!heads[0].contains("/api/vcenter/vm"));
    assert_eq!(server.heads.lock().unwrap().len(), 1);

    // Through the tunnel the server's certificate is still checked.
    let untrusted = Client::builder(&server.url)
        .proxy(format!("http://{proxy}"))
        .build()
        .unwrap();
    let error = untrusted
        .operation(&VM_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, vsphere_vapi_runtime::Error::Tls { .. }),
        "{error}"
    );
}

#[test]
fn proxy_settings_that_cannot_work_are_refused() {
    let error = Client::builder("https://vc.example.com")
        .proxy("socks5://proxy:1080")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("scheme"), "{error}");
    let error = Client::builder("https://vc.example.com")
        .proxy_credentials("user", "Pa55")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("without a proxy"), "{error}");
    let error = Client::builder("https://vc.example.com")
        .proxy("http://proxy:3128")
        .http_client(reqwest::Client::new())
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("proxy"), "{error}");
}
