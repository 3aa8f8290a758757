//! Transport failures with real sockets on loopback: each root cause is told
//! apart by [`Error::transport_kind`] and named in the message.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, TransportKind,
};

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
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

async fn list(base: &str) -> Error {
    let client = Client::builder(base)
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    client
        .operation(&VM_LIST)
        .send::<Value>()
        .await
        .expect_err("the exchange fails")
}

/// Reads one request head from `stream`.
async fn read_head(stream: &mut TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
}

/// A server that handles every connection with `handle`; returns its address.
async fn serve<F, Fut>(handle: F) -> String
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    address.to_string()
}

#[tokio::test]
async fn closed_port_is_connection_refused() {
    // Bind and drop a listener to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = list(&format!("http://127.0.0.1:{port}")).await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::ConnectionRefused),
        "{error:?}"
    );
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("com.vmware.vcenter.VM.list: connection refused by 127.0.0.1:{port}")
    );
    assert!(!error.was_applied());
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn reset_connection_is_connection_reset() {
    let address = serve(|mut stream| async move {
        read_head(&mut stream).await;
        // Closing with a zero linger time sends RST instead of FIN. The
        // deprecation is about non-zero times blocking on drop; zero never
        // blocks.
        #[allow(deprecated)]
        let _ = stream.set_linger(Some(Duration::ZERO));
        drop(stream);
    })
    .await;
    let error = list(&format!("http://{address}")).await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::ConnectionReset),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("com.vmware.vcenter.VM.list: connection reset by {address}")
    );
}

#[tokio::test]
async fn close_before_answering_is_connection_closed() {
    let address = serve(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = list(&format!("http://{address}")).await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::ConnectionClosed),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&format!(
            "{address} closed the connection before sending a complete response"
        )),
        "{error}"
    );
}

#[tokio::test]
async fn body_shorter_than_its_length_is_an_incomplete_body() {
    let address = serve(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[\"vm-1\", \"vm";
        let _ = stream.write_all(head.as_bytes()).await;
        let _ = stream.flush().await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = list(&format!("http://{address}")).await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::IncompleteBody),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "com.vmware.vcenter.VM.list: the response from {address} ended before its body was complete"
        )
    );
    // The server answered 200, but what it did is unknown: not `was_applied`,
    // which is reserved for complete answers that could not be decoded.
    assert!(!error.was_applied());
}

#[tokio::test]
async fn unknown_host_is_a_name_resolution_failure() {
    // `.invalid` never resolves (RFC 6761).
    let error = list("https://vcenter.example.invalid").await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::NameResolution),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "com.vmware.vcenter.VM.list: cannot resolve host name `vcenter.example.invalid`"
        ),
        "{text}"
    );
}

/// An HTTPS client talking to a plain-HTTP server: the handshake fails on
/// the server's non-TLS answer.
#[tokio::test]
async fn plain_http_answer_to_a_tls_handshake_is_a_tls_failure() {
    let address = serve(|mut stream| async move {
        let mut buffer = [0_u8; 1024];
        let _ = stream.read(&mut buffer).await;
        let answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let error = list(&format!("https://{address}")).await;
    assert_eq!(
        error.transport_kind(),
        Some(TransportKind::Tls),
        "{error:?}"
    );
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "com.vmware.vcenter.VM.list: TLS failure with {address}: "
        )),
        "{text}"
    );
}

#[tokio::test]
async fn slow_server_is_a_timeout() {
    let address = serve(|mut stream| async move {
        read_head(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    let client = Client::builder(format!("http://{address}"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client
        .operation(&VM_LIST)
        .send::<Value>()
        .await
        .unwrap_err();
    assert_eq!(error.transport_kind(), Some(TransportKind::Timeout));
    assert!(error.is_timeout());
}
