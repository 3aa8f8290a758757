//! Checks of the vCenter simulator harness itself, with raw HTTP requests.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use vsphere_vapi_tests::vcsim::{self, Options, Vcsim};

const SESSION: &str = "/rest/com/vmware/cis/session";

fn client_for(sim: &Vcsim) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false);
    if let Some(pem) = sim.certificate_pem() {
        let cert =
            reqwest::Certificate::from_pem(pem.as_bytes()).expect("launcher certificate is PEM");
        builder = builder.add_root_certificate(cert);
    }
    builder.build().expect("reqwest client")
}

async fn login(
    client: &reqwest::Client,
    sim: &Vcsim,
    user: &str,
    password: &str,
) -> (StatusCode, String) {
    let response = client
        .post(format!("{}{SESSION}", sim.url()))
        .basic_auth(user, Some(password))
        .send()
        .await
        .expect("login request reaches the simulator");
    let status = response.status();
    (status, response.text().await.expect("login response body"))
}

#[tokio::test]
async fn https_login_with_known_credentials_returns_a_usable_session_token() {
    let sim = Vcsim::start().expect("simulator starts");
    assert!(
        sim.url().starts_with("https://127.0.0.1:"),
        "url: {}",
        sim.url()
    );
    assert!(sim.credentials_enforced());
    let client = client_for(&sim);

    let (status, body) = login(&client, &sim, sim.username(), sim.password()).await;
    assert_eq!(status, StatusCode::OK, "body: {body}");
    let body: Value = serde_json::from_str(&body).expect("login body is JSON");
    let token = body["value"]
        .as_str()
        .expect("login body is {\"value\": token}");
    assert!(!token.is_empty());

    // The token authenticates later requests; without it they are rejected.
    let url = format!("{}{SESSION}?~action=get", sim.url());
    let info = client
        .post(&url)
        .header("vmware-api-session-id", token)
        .send()
        .await
        .expect("session get");
    assert_eq!(info.status(), StatusCode::OK);
    let info: Value = serde_json::from_slice(&info.bytes().await.expect("body")).expect("JSON");
    assert_eq!(info["value"]["user"], sim.username());
    let anonymous = client
        .post(&url)
        .send()
        .await
        .expect("session get without token");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_password_is_rejected_with_an_empty_401() {
    let sim = Vcsim::start().expect("simulator starts");
    let client = client_for(&sim);

    let (status, body) = login(&client, &sim, sim.username(), "not-the-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, "");
    let (status, _) = login(&client, &sim, "someone-else", sim.password()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn plain_http_without_enforced_credentials_accepts_any_login() {
    let sim = Vcsim::start_with(&Options {
        tls: false,
        enforce_credentials: false,
        ..Options::default()
    })
    .expect("simulator starts");
    assert!(
        sim.url().starts_with("http://127.0.0.1:"),
        "url: {}",
        sim.url()
    );
    assert!(sim.certificate_pem().is_none());
    assert!(!sim.credentials_enforced());
    let client = client_for(&sim);

    let (status, body) = login(&client, &sim, "anyone", "anything").await;
    assert_eq!(status, StatusCode::OK, "body: {body}");
    // Even then an empty password is refused.
    let (status, _) = login(&client, &sim, "anyone", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn idle_sessions_expire_when_asked_to() {
    let sim = Vcsim::start_with(&Options {
        session_idle_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    })
    .expect("simulator starts");
    let client = client_for(&sim);
    let (status, body) = login(&client, &sim, sim.username(), sim.password()).await;
    assert_eq!(status, StatusCode::OK, "body: {body}");
    let body: Value = serde_json::from_str(&body).expect("login body is JSON");
    let token = body["value"].as_str().expect("token").to_owned();
    let get = || {
        client
            .get(format!("{}{SESSION}", sim.url()))
            .header("vmware-api-session-id", &token)
            .send()
    };
    assert_eq!(get().await.expect("session get").status(), StatusCode::OK);

    // The simulator checks idle sessions once per timeout period, so a session idle for a
    // second is gone unless that check was starved; each try refreshes the session, so
    // a retry waits a full second again.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let status = get().await.expect("session get").status();
        statuses.push(status);
        if status == StatusCode::UNAUTHORIZED {
            return;
        }
    }
    panic!("session never expired; statuses: {statuses:?}");
}

#[test]
fn inventory_names_a_virtual_machine_by_its_managed_object_id() {
    let sim = Vcsim::start().expect("simulator starts");
    let vm = sim.vm();
    assert_eq!(vm.kind, "VirtualMachine");
    assert!(vm.id.starts_with("vm-"), "vm id: {}", vm.id);
    assert!(vm.name.starts_with("DC0_"), "vm name: {}", vm.name);
    let inventory = sim.inventory();
    assert_eq!(inventory.datacenter.name, "DC0");
    assert_eq!(inventory.host.kind, "HostSystem");
    assert_eq!(inventory.cluster.kind, "ClusterComputeResource");
    // Content library backings need this id; vcsim makes it a local directory.
    let dir = inventory.datastore.id.split('@').next().unwrap_or_default();
    assert!(
        std::path::Path::new(dir).is_dir(),
        "datastore id: {}",
        inventory.datastore.id
    );
}

#[test]
fn dropping_the_handle_stops_the_simulator_and_cleans_up() {
    let sim = Vcsim::start().expect("simulator starts");
    let datastore_dir = sim
        .inventory()
        .datastore
        .id
        .split('@')
        .next()
        .unwrap_or_default()
        .to_owned();
    let addr = sim.url().trim_start_matches("https://").to_owned();
    drop(sim);
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "{addr} still accepts connections"
    );
    assert!(
        !std::path::Path::new(&datastore_dir).exists(),
        "{datastore_dir} left behind"
    );
}

#[test]
fn missing_launcher_error_says_how_to_build_it() {
    let err = vcsim::Error::LauncherMissing {
        path: "/nowhere/vcsim-launcher".into(),
    };
    let message = err.to_string();
    assert!(message.contains("/nowhere/vcsim-launcher"), "{message}");
    assert!(message.contains("scripts/build-vcsim.sh"), "{message}");
}
