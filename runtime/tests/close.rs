//! `Client::close`: one logout for all clones, nothing afterwards.

use vsphere_vapi_runtime::{Client, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn session_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(201).set_body_json("token-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/session"))
        .and(header("vmware-api-session-id", "token-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn close_logs_out_once_for_all_clones() {
    let server = session_server().await;
    let client = Client::new(server.uri()).unwrap();
    client
        .login("administrator@vsphere.local", "pw")
        .await
        .unwrap();
    let clones: Vec<Client> = (0..4).map(|_| client.clone()).collect();
    let closing = clones.iter().map(|clone| clone.close());
    for outcome in futures_util::future::join_all(closing).await {
        outcome.unwrap();
    }
    // Again: nothing left to end.
    client.close().await.unwrap();
    assert!(client.is_closed() && clones[0].is_closed());
    assert!(client.session_token().is_none());
    // A closed client does not log in again.
    let error = client
        .login("administrator@vsphere.local", "pw")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert!(error.to_string().contains("closed"), "{error}");
    // The expectations (one login, one logout) are checked on drop.
}

#[tokio::test]
async fn closing_without_a_session_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    client.close().await.unwrap();
    assert!(client.is_closed());
}
