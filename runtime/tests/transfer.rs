//! Transfers: streamed uploads and downloads with the session header where it
//! belongs, progress, checksums, the `*` host, and the trust of another host.

mod support;

use std::sync::{Arc, Mutex};

use vsphere_vapi_runtime::transfer::{
    ChecksumAlgorithm, HostTrust, Progress, Source, TransferFailure,
};
use vsphere_vapi_runtime::types::Secret;
use vsphere_vapi_runtime::{Client, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SESSION: &str = "vmware-api-session-id";

fn payload(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 7 % 251) as u8).collect()
}

fn recorder() -> (
    Arc<Mutex<Vec<Progress>>>,
    impl Fn(Progress) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    (seen, move |progress| sink.lock().unwrap().push(progress))
}

#[tokio::test]
async fn upload_streams_the_source_with_the_session_progress_and_checksums() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/cls/data/file-1/disk.vmdk"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token(Secret::new("token-1"));
    let data = payload(3 * 256 * 1024 + 17);
    let (seen, progress) = recorder();
    let summary = client
        .transfer(format!("{}/cls/data/file-1/disk.vmdk", server.uri()))
        .checksum(ChecksumAlgorithm::Sha256)
        .checksum(ChecksumAlgorithm::Sha1)
        .on_progress(progress)
        .upload(Source::bytes(data.clone()))
        .await
        .unwrap();
    assert_eq!(summary.bytes(), data.len() as u64);
    assert_eq!(summary.status(), 200);
    assert_eq!(
        summary.checksum(ChecksumAlgorithm::Sha256),
        Some(ChecksumAlgorithm::Sha256.digest_hex(&data).as_str())
    );
    assert_eq!(
        summary.checksum(ChecksumAlgorithm::Sha1),
        Some(ChecksumAlgorithm::Sha1.digest_hex(&data).as_str())
    );
    let requests = server.received_requests().await.unwrap();
    let request = &requests[0];
    assert_eq!(request.body, data);
    assert_eq!(request.headers[SESSION], "token-1");
    assert_eq!(
        request.headers["content-length"],
        data.len().to_string().as_str()
    );
    assert_eq!(request.headers["content-type"], "application/octet-stream");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.first().map(|p| p.transferred), Some(0));
    assert_eq!(seen.last().map(|p| p.transferred), Some(data.len() as u64));
    assert!(seen.len() >= 5, "{} reports", seen.len());
    assert!(
        seen.windows(2)
            .all(|w| w[0].transferred <= w[1].transferred)
    );
    assert!(seen.iter().all(|p| p.total == Some(data.len() as u64)));
}

#[tokio::test]
async fn download_writes_chunks_and_reports_the_size() {
    let server = MockServer::start().await;
    let data = payload(1024 * 1024 + 3);
    Mock::given(method("GET"))
        .and(path("/cls/data/dl-1/disk.vmdk"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(data.clone()))
        .mount(&server)
        .await;
    let client = Client::new(server.uri())
        .unwrap()
        .with_session_token(Secret::new("token-1"));
    let (seen, progress) = recorder();
    let (bytes, summary) = client
        .transfer(format!("{}/cls/data/dl-1/disk.vmdk", server.uri()))
        .checksum(ChecksumAlgorithm::Sha256)
        .on_progress(progress)
        .download_bytes()
        .await
        .unwrap();
    assert_eq!(bytes, data);
    assert_eq!(
        summary.checksum(ChecksumAlgorithm::Sha256),
        Some(ChecksumAlgorithm::Sha256.digest_hex(&data).as_str())
    );
    {
        let seen = seen.lock().unwrap();
        assert!(seen.iter().all(|p| p.total == Some(data.len() as u64)));
        assert_eq!(seen.last().unwrap().transferred, data.len() as u64);
    }
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers[SESSION], "token-1");

    // Into a file; a refused download leaves no partial file behind.
    let dir = std::env::temp_dir().join(format!("vapi-transfer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("disk.vmdk");
    client
        .transfer(format!("{}/cls/data/dl-1/disk.vmdk", server.uri()))
        .download_to_file(&file)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), data);
    let missing = dir.join("missing.vmdk");
    let error = client
        .transfer(format!("{}/cls/data/none", server.uri()))
        .download_to_file(&missing)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404), "{error}");
    assert!(!missing.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn refusals_and_short_sources_are_errors() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/refused"))
        .respond_with(ResponseTemplate::new(507).set_body_string("no space left on datastore1"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/ok"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let error = client
        .transfer(format!("{}/refused?token=secret-token", server.uri()))
        .upload(Source::bytes(b"abc".to_vec()))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(507));
    let text = error.to_string();
    assert!(text.contains("no space left on datastore1"), "{text}");
    assert!(text.contains("/refused"), "{text}");
    assert!(!text.contains("secret-token"), "{text}");

    // A reader delivering less than declared.
    let error = client
        .transfer(format!("{}/ok", server.uri()))
        .upload(Source::reader(
            std::io::Cursor::new(vec![1_u8; 10]),
            Some(20),
        ))
        .await
        .unwrap_err();
    let Error::Transfer(transfer) = &error else {
        panic!("{error}");
    };
    assert!(
        matches!(
            transfer.failure(),
            TransferFailure::Length {
                expected: 20,
                actual: 10
            }
        ),
        "{error}"
    );
    // And more.
    let error = client
        .transfer(format!("{}/ok", server.uri()))
        .upload(Source::reader(
            std::io::Cursor::new(vec![1_u8; 30]),
            Some(20),
        ))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("more than the 20 bytes"),
        "{error}"
    );
}

#[tokio::test]
async fn the_session_goes_only_to_the_server_and_star_is_the_server() {
    let vcenter = MockServer::start().await;
    let other = MockServer::start().await;
    for server in [&vcenter, &other] {
        Mock::given(method("PUT"))
            .respond_with(ResponseTemplate::new(200))
            .mount(server)
            .await;
    }
    let client = Client::new(vcenter.uri())
        .unwrap()
        .with_session_token(Secret::new("token-1"));
    // Another host (another port): no session header unless asked for.
    client
        .transfer(format!("{}/guestFile?id=1&token=t", other.uri()))
        .upload(Source::bytes(b"x".to_vec()))
        .await
        .unwrap();
    client
        .transfer(format!("{}/cls/data/f/x", other.uri()))
        .with_session(true)
        .upload(Source::bytes(b"x".to_vec()))
        .await
        .unwrap();
    let requests = other.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key(SESSION));
    assert_eq!(requests[1].headers[SESSION], "token-1");
    // `*` is the server the client talks to, port included.
    client
        .transfer("http://*/guestFile?id=7&token=t")
        .with_session(false)
        .upload(Source::bytes(b"star".to_vec()))
        .await
        .unwrap();
    let requests = vcenter.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.path(), "/guestFile");
    assert_eq!(requests[0].url.query(), Some("id=7&token=t"));
    assert_eq!(requests[0].body, b"star");
    assert!(!requests[0].headers.contains_key(SESSION));
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn another_host_is_trusted_only_as_told() {
    let vcenter = MockServer::start().await;
    let esx = support::https::serve(&["localhost"], OK).await;
    let client = Client::new(vcenter.uri()).unwrap();
    let url = format!(
        "{}/guestFile?id=1&token=t",
        esx.url.replace("127.0.0.1", "localhost")
    );
    let upload = |trust: Option<HostTrust>| {
        let mut transfer = client.transfer(url.clone());
        if let Some(trust) = trust {
            transfer = transfer.trust(trust);
        }
        transfer.upload(Source::bytes(b"guest file".to_vec()))
    };
    // The client's own trust (system roots) does not know the host.
    let error = upload(None).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
    // Its thumbprint, pinned for this transfer.
    upload(Some(HostTrust::Sha256Thumbprint(esx.thumbprint.clone())))
        .await
        .unwrap();
    // A wrong thumbprint is a TLS failure naming the presented one.
    let error = upload(Some(HostTrust::Sha256Thumbprint("ab".repeat(32))))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error}");
    assert!(error.to_string().contains(&esx.thumbprint), "{error}");
    // Its certificate as PEM (host name checked: `localhost` is in it).
    upload(Some(HostTrust::CertificatePem(
        esx.pem.clone().into_bytes(),
    )))
    .await
    .unwrap();
    assert_eq!(esx.heads.lock().unwrap().len(), 2);
    // A bad thumbprint is a configuration error, before any connection.
    let error = upload(Some(HostTrust::Sha256Thumbprint("AB:CD".to_owned())))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[tokio::test]
async fn plain_http_is_refused_for_an_https_client() {
    let client = Client::new("https://vc.example.com").unwrap();
    let error = client
        .transfer("http://vc.example.com/cls/data/x")
        .upload(Source::bytes(b"x".to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
}

#[tokio::test]
async fn a_custom_transport_has_no_transfers() {
    struct Nothing;
    impl vsphere_vapi_runtime::Transport for Nothing {
        fn send(
            &self,
            _: vsphere_vapi_runtime::transport::HttpRequest,
            _: vsphere_vapi_runtime::transport::Exchange,
        ) -> vsphere_vapi_runtime::transport::TransportFuture<'_> {
            Box::pin(async { Err(Error::Config("unused".to_owned())) })
        }
    }
    let client = Client::builder("https://vc.example.com")
        .transport(Nothing)
        .build()
        .unwrap();
    let error = client
        .transfer("https://vc.example.com/cls/data/x")
        .upload(Source::bytes(b"x".to_vec()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("custom transport"), "{error}");
}
