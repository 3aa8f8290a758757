//! The workflows against mock servers, for what the simulator cannot show:
//! progress, the cleanup after a failure, a refusal or a cancellation, the
//! server's per-file errors, and the guest transfer URL (`*` host, ESXi
//! host trust).

mod support_tls;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use vsphere_vapi::ids::{ItemId, VirtualMachineId};
use vsphere_vapi::runtime::transfer::HostTrust;
use vsphere_vapi::runtime::types::Secret;
use vsphere_vapi::vcenter::vm::guest::{Credentials, CredentialsType};
use vsphere_vapi::{Client, Protocol};
use vsphere_vapi_workflows::Error;
use vsphere_vapi_workflows::content::{FileProgress, ItemFile, ItemUpload};
use vsphere_vapi_workflows::guest::GuestFiles;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SESSION: &str = "/api/content/library/item/update-session";
const SESSION_1: &str = "/api/content/library/item/update-session/sess-1";
const FILES: &str = "/api/content/library/item/update-session/sess-1/file";
const UPLOAD: &str = "/cls/data/f-1/disk.vmdk";

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .protocol(Protocol::Api)
        .build()
        .unwrap()
        .with_session_token(Secret::new("token-1"))
}

fn file_info(server: &MockServer, status: &str, error: Option<&str>) -> Value {
    let mut info = json!({
        "name": "disk.vmdk",
        "source_type": "PUSH",
        "upload_endpoint": {"uri": format!("{}{UPLOAD}", server.uri())},
        "bytes_transferred": 0,
        "status": status,
    });
    if let Some(message) = error {
        info["error_message"] =
            json!({"id": "upload.failed", "default_message": message, "args": []});
    }
    info
}

/// A content library that takes one file into item `item-1` in session
/// `sess-1`; `put` answers the upload, `listed` makes what the file list
/// says afterwards.
async fn library(put: ResponseTemplate, listed: impl FnOnce(&MockServer) -> Value) -> MockServer {
    let server = MockServer::start().await;
    let listed = listed(&server);
    Mock::given(method("POST"))
        .and(path(SESSION))
        .respond_with(ResponseTemplate::new(201).set_body_json("sess-1"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .and(query_param_is_missing("action"))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_info(
            &server,
            "WAITING_FOR_TRANSFER",
            None,
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(FILES))
        .respond_with(ResponseTemplate::new(200).set_body_json(listed))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(UPLOAD))
        .respond_with(put)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(FILES))
        .and(query_param("action", "validate"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"has_errors": false, "missing_files": [], "invalid_files": []}),
            ),
        )
        .mount(&server)
        .await;
    for action in ["complete", "fail", "keep-alive"] {
        Mock::given(method("POST"))
            .and(path(SESSION_1))
            .and(query_param("action", action))
            .respond_with(ResponseTemplate::new(204))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(SESSION_1))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"id": "sess-1", "library_item_id": "item-1", "state": "DONE"}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(SESSION_1))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

/// `METHOD path?query` of every request, in order.
async fn calls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(describe)
        .collect()
}

fn describe(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{} {}?{query}", request.method, request.url.path()),
        None => format!("{} {}", request.method, request.url.path()),
    }
}

#[tokio::test]
async fn an_upload_runs_the_session_steps_and_reports_progress() {
    let server = library(ResponseTemplate::new(200), |server| {
        json!([file_info(server, "READY", None)])
    })
    .await;
    let data: Vec<u8> = (0..(1024 * 1024 + 5)).map(|i| (i % 251) as u8).collect();
    let seen: Arc<Mutex<Vec<FileProgress>>> = Arc::default();
    let sink = Arc::clone(&seen);
    let report = ItemUpload::into_item(&client(&server), &ItemId::from("item-1"))
        .file(ItemFile::from_bytes("disk.vmdk", data.clone()))
        .checksum(vsphere_vapi::runtime::transfer::ChecksumAlgorithm::Sha256)
        .on_progress(move |progress| sink.lock().unwrap().push(progress.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(report.item.as_str(), "item-1");
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].bytes, data.len() as u64);
    let sha256 = vsphere_vapi::runtime::transfer::ChecksumAlgorithm::Sha256.digest_hex(&data);
    assert_eq!(report.files[0].sha256, sha256);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.iter().map(describe).collect::<Vec<_>>(),
        [
            format!("POST {SESSION}"),
            format!("POST {FILES}"),
            format!("PUT {UPLOAD}"),
            format!("GET {FILES}"),
            format!("POST {FILES}?action=validate"),
            format!("POST {SESSION_1}?action=complete"),
            format!("GET {SESSION_1}"),
            format!("DELETE {SESSION_1}"),
        ]
    );
    // The session was created with a client token, the file added with its
    // size and checksum, and its bytes sent with the session header.
    let create = &requests[0];
    assert!(create.headers.contains_key("client-token"));
    let spec: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(spec, json!({"library_item_id": "item-1"}));
    let add: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(
        add,
        json!({
            "name": "disk.vmdk",
            "source_type": "PUSH",
            "size": data.len(),
            "checksum_info": {"algorithm": "SHA256", "checksum": sha256},
        })
    );
    assert_eq!(requests[2].body, data);
    assert_eq!(requests[2].headers["vmware-api-session-id"], "token-1");

    let seen = seen.lock().unwrap();
    assert_eq!(seen.first().unwrap().transferred, 0);
    let last = seen.last().unwrap();
    assert_eq!(
        (last.transferred, last.total),
        (data.len() as u64, Some(data.len() as u64))
    );
    assert_eq!(
        (last.file.as_str(), last.index, last.files),
        ("disk.vmdk", 0, 1)
    );
    assert!(seen.len() > 2, "{} reports", seen.len());
}

#[tokio::test]
async fn a_refused_upload_fails_and_deletes_the_session_and_the_new_item() {
    let server = library(
        ResponseTemplate::new(507).set_body_string("datastore full"),
        |_| json!([]),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/api/content/library/item"))
        .respond_with(ResponseTemplate::new(201).set_body_json("item-9"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/content/library/item/item-9"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let error = ItemUpload::new_item(
        &client(&server),
        &vsphere_vapi::ids::LibraryId::from("lib-1"),
        "new",
        "file",
    )
    .file(ItemFile::from_bytes("disk.vmdk", b"data".to_vec()))
    .send()
    .await
    .unwrap_err();
    assert!(error.to_string().contains("datastore full"), "{error}");
    let calls = calls(&server).await;
    assert_eq!(
        calls,
        [
            "POST /api/content/library/item".to_owned(),
            format!("POST {SESSION}"),
            format!("POST {FILES}"),
            format!("PUT {UPLOAD}"),
            format!("POST {SESSION_1}?action=fail"),
            format!("DELETE {SESSION_1}"),
            "DELETE /api/content/library/item/item-9".to_owned(),
        ]
    );
    // The reason the server is told is the error.
    let fail = &server.received_requests().await.unwrap()[4];
    let body: Value = serde_json::from_slice(&fail.body).unwrap();
    assert!(
        body["client_error_message"]
            .as_str()
            .unwrap()
            .contains("datastore full"),
        "{body}"
    );
}

#[tokio::test]
async fn the_servers_file_error_is_an_error() {
    let server = library(ResponseTemplate::new(200), |server| {
        json!([file_info(
            server,
            "ERROR",
            Some("checksum mismatch on the server")
        )])
    })
    .await;
    let error = ItemUpload::into_item(&client(&server), &ItemId::from("item-1"))
        .file(ItemFile::from_bytes("disk.vmdk", b"data".to_vec()))
        .send()
        .await
        .unwrap_err();
    match &error {
        Error::FileTransfer { file, message } => {
            assert_eq!(file, "disk.vmdk");
            assert_eq!(message, "checksum mismatch on the server");
        }
        other => panic!("expected the server's file error, got {other}"),
    }
    let calls = calls(&server).await;
    assert!(
        calls.contains(&format!("POST {SESSION_1}?action=fail")),
        "{calls:?}"
    );
    assert_eq!(calls.last().unwrap(), &format!("DELETE {SESSION_1}"));
    assert!(!calls.contains(&format!("POST {SESSION_1}?action=complete")));
}

#[tokio::test]
async fn a_canceled_upload_cleans_up_in_the_background() {
    // The upload is still being answered when the caller gives up.
    let server = library(
        ResponseTemplate::new(200).set_delay(Duration::from_secs(30)),
        |_| json!([]),
    )
    .await;
    let upload = ItemUpload::into_item(&client(&server), &ItemId::from("item-1"))
        .file(ItemFile::from_bytes("disk.vmdk", vec![7_u8; 64 * 1024]))
        .send();
    let outcome = tokio::time::timeout(Duration::from_millis(700), upload).await;
    assert!(outcome.is_err(), "the upload should still be running");
    // Dropping the upload handed the cleanup to the runtime.
    let mut waited = Duration::ZERO;
    loop {
        let calls = calls(&server).await;
        if calls.contains(&format!("DELETE {SESSION_1}")) {
            let fail = calls
                .iter()
                .position(|call| call == &format!("POST {SESSION_1}?action=fail"))
                .expect("the session was failed first");
            assert!(calls.contains(&format!("PUT {UPLOAD}")), "{calls:?}");
            assert!(fail < calls.len() - 1, "{calls:?}");
            break;
        }
        assert!(waited < Duration::from_secs(10), "no cleanup: {calls:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    }
}

fn credentials() -> Credentials {
    Credentials {
        interactive_session: false,
        r#type: CredentialsType::UsernamePassword {
            user_name: Some("root".to_owned()),
            password: Some(Secret::new("guest-pa55")),
        },
    }
}

const TRANSFERS: &str = "/api/vcenter/vm/vm-42/guest/filesystem";

#[tokio::test]
async fn a_star_host_is_the_server_the_call_went_to() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TRANSFERS))
        .and(query_param("action", "create"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json("http://*/guestFile?id=17&token=one-time"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/guestFile"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/guestFile"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"from the guest".to_vec()))
        .mount(&server)
        .await;
    let guest = GuestFiles::new(
        &client(&server),
        &VirtualMachineId::from("vm-42"),
        credentials(),
    );
    assert!(!format!("{guest:?}").contains("guest-pa55"));
    let summary = guest
        .upload(
            vsphere_vapi::runtime::transfer::Source::bytes(b"into the guest".to_vec()),
            "/etc/app.conf",
            true,
        )
        .await
        .unwrap();
    assert_eq!(summary.bytes(), 14);
    let mut out = Vec::new();
    guest.download("/var/log/app.log", &mut out).await.unwrap();
    assert_eq!(out, b"from the guest");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        4,
        "{:?}",
        requests.iter().map(describe).collect::<Vec<_>>()
    );
    let create: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        create["spec"],
        json!({"path": "/etc/app.conf", "attributes": {"size": 14, "overwrite": true}})
    );
    assert_eq!(create["credentials"]["password"], "guest-pa55");
    let put = &requests[1];
    assert_eq!(describe(put), "PUT /guestFile?id=17&token=one-time");
    assert_eq!(put.body, b"into the guest");
    assert_eq!(put.headers["content-length"], "14");
    // The URL carries its own token: the vCenter session stays home.
    assert!(!put.headers.contains_key("vmware-api-session-id"));
    let create: Value = serde_json::from_slice(&requests[2].body).unwrap();
    assert_eq!(create["spec"], json!({"path": "/var/log/app.log"}));
    assert_eq!(
        describe(&requests[3]),
        "GET /guestFile?id=17&token=one-time"
    );
}

#[tokio::test]
async fn the_esx_host_is_trusted_by_its_pinned_thumbprint_only() {
    let esx = support_tls::serve(&["localhost"]).await;
    let server = MockServer::start().await;
    let url = format!(
        "{}/guestFile?id=3&token=t",
        esx.url.replace("127.0.0.1", "localhost")
    );
    Mock::given(method("POST"))
        .and(path(TRANSFERS))
        .respond_with(ResponseTemplate::new(201).set_body_json(url))
        .mount(&server)
        .await;
    let client = client(&server);
    let vm = VirtualMachineId::from("vm-42");
    let upload = |guest: GuestFiles| async move {
        guest
            .upload(
                vsphere_vapi::runtime::transfer::Source::bytes(b"x".to_vec()),
                "/tmp/x",
                false,
            )
            .await
    };
    // Without a trust for the host, its self-signed certificate is refused.
    let error = upload(GuestFiles::new(&client, &vm, credentials()))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Client(vsphere_vapi::Error::Tls { .. })),
        "{error}"
    );
    // Another host's thumbprint is refused too.
    let error = upload(
        GuestFiles::new(&client, &vm, credentials())
            .trust_host(HostTrust::Sha256Thumbprint("00".repeat(32))),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Client(vsphere_vapi::Error::Tls { .. })),
        "{error}"
    );
    assert!(esx.heads.lock().unwrap().is_empty());
    // Its own is accepted.
    upload(
        GuestFiles::new(&client, &vm, credentials())
            .trust_host(HostTrust::Sha256Thumbprint(esx.thumbprint.clone())),
    )
    .await
    .unwrap();
    // And so is its certificate, given as PEM (the host name is checked).
    upload(
        GuestFiles::new(&client, &vm, credentials())
            .trust_host(HostTrust::CertificatePem(esx.pem.clone().into_bytes())),
    )
    .await
    .unwrap();
    let heads = esx.heads.lock().unwrap();
    assert_eq!(heads.len(), 2);
    assert!(
        heads[0].starts_with("PUT /guestFile?id=3&token=t HTTP/1.1"),
        "{}",
        heads[0]
    );
    // The vCenter session stays with vCenter.
    assert!(
        !heads[0]
            .to_ascii_lowercase()
            .contains("vmware-api-session-id"),
        "{}",
        heads[0]
    );
}
