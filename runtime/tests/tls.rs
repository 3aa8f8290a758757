//! Certificate verification against a local HTTPS server whose certificates
//! are generated per test.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
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

struct ServerCert {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// PEM of the certificate a client must trust.
    trust_pem: String,
}

/// A leaf certificate for 127.0.0.1/localhost issued by a fresh CA.
fn ca_issued_cert() -> ServerCert {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "vsphere-vapi test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    ServerCert {
        chain: vec![leaf.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        trust_pem: ca.pem(),
    }
}

/// A self-signed certificate, as vCenter ships by default.
fn self_signed_cert() -> ServerCert {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    ServerCert {
        chain: vec![certified.cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        )),
        trust_pem: certified.cert.pem(),
    }
}

fn sha256_colon_hex(der: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, der)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Serves `[]` to every HTTPS request until the test ends; returns the base URL.
async fn serve(cert: &ServerCert) -> String {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(cert.chain.clone(), cert.key.clone_key())
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // Handshake failures are the expected outcome of several tests.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0_u8; 1024];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    format!("https://{address}")
}

async fn list(client: &Client) -> Result<Vec<Value>, Error> {
    client.operation(&VM_LIST).send().await
}

#[tokio::test]
async fn default_verification_rejects_self_signed_certificate() {
    let cert = self_signed_cert();
    let url = serve(&cert).await;
    let client = Client::new(&url).unwrap();
    let error = list(&client).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
    assert_eq!(error.transport_kind(), Some(TransportKind::Tls));
    let text = error.to_string();
    let peer = url.trim_start_matches("https://");
    assert!(
        text.starts_with(&format!(
            "com.vmware.vcenter.VM.list: TLS failure with {peer}: invalid peer certificate"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn extra_ca_certificate_is_trusted() {
    let cert = ca_issued_cert();
    let url = serve(&cert).await;
    let client = Client::builder(&url)
        .add_root_certificate_pem(&cert.trust_pem)
        .build()
        .unwrap();
    assert!(list(&client).await.unwrap().is_empty());

    // The same server is rejected without the CA.
    let error = list(&Client::new(&url).unwrap()).await.unwrap_err();
    assert!(matches!(error, Error::Tls { .. }), "{error:?}");
}

#[tokio::test]
async fn pinned_thumbprint_accepts_matching_certificate() {
    let cert = self_signed_cert();
    let url = serve(&cert).await;
    let thumbprint = sha256_colon_hex(&cert.chain[0]);
    // Case and separators do not matter.
    for written in [
        thumbprint.clone(),
        thumbprint.to_lowercase(),
        thumbprint.replace(':', ""),
    ] {
        let client = Client::builder(&url)
            .pin_certificate_sha256(written)
            .build()
            .unwrap();
        assert!(list(&client).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn pinned_thumbprint_rejects_other_certificate() {
    let served = self_signed_cert();
    let other = self_signed_cert();
    let url = serve(&served).await;
    let client = Client::builder(&url)
        .pin_certificate_sha256(sha256_colon_hex(&other.chain[0]))
        .build()
        .unwrap();
    let error = list(&client).await.unwrap_err();
    match &error {
        Error::Tls { message, .. } => {
            // The message names the presented thumbprint so it can be checked.
            assert!(
                message.contains(&sha256_colon_hex(&served.chain[0])),
                "{message}"
            );
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
}

#[tokio::test]
async fn accepting_invalid_certificates_is_explicit() {
    let cert = self_signed_cert();
    let url = serve(&cert).await;
    let client = Client::builder(&url)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    assert!(list(&client).await.unwrap().is_empty());
}

#[test]
fn invalid_configuration_is_reported_at_build() {
    let error = Client::builder("https://vc")
        .pin_certificate_sha256("AB:CD")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let error = Client::builder("https://vc")
        .add_root_certificate_pem("not a certificate")
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let error = Client::builder("https://vc")
        .http_client(reqwest::Client::new())
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    assert!(
        Client::builder("https://vc")
            .http_client(reqwest::Client::new())
            .build()
            .is_ok()
    );
}
