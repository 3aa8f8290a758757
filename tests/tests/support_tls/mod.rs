//! A local HTTPS server with a self-signed certificate generated per test
//! (an ESXi host, say), answering every request `200` with no body.

use std::sync::{Arc, Mutex};

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

/// A running server.
pub struct Https {
    /// `https://127.0.0.1:port`
    pub url: String,
    /// The certificate's PEM.
    pub pem: String,
    /// The certificate's SHA-256 thumbprint, colon-separated hex.
    pub thumbprint: String,
    /// The request heads received, in order.
    pub heads: Arc<Mutex<Vec<String>>>,
}

/// The answer to every request.
const RESPONSE: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Serves every request, for the names in `names` (`127.0.0.1`,
/// `localhost`, …).
pub async fn serve(names: &[&str]) -> Https {
    let certified = rcgen::generate_simple_self_signed(
        names
            .iter()
            .map(|name| (*name).to_owned())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let der: CertificateDer<'static> = certified.cert.der().clone();
    let thumbprint = ring::digest::digest(&ring::digest::SHA256, &der)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![der], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&heads);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let record = Arc::clone(&record);
            tokio::spawn(async move {
                // Refused handshakes are what several tests expect.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0_u8; 4096];
                while !head.windows(4).any(|window| window == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => head.extend_from_slice(&buffer[..read]),
                    }
                }
                let end = head.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let text = String::from_utf8_lossy(&head[..end]).into_owned();
                // Read a body announced by Content-Length before answering.
                let length = text
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = head.len() - end;
                while body < length {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => body += read,
                    }
                }
                record.lock().unwrap().push(text);
                let _ = tls.write_all(RESPONSE.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Https {
        url: format!("https://{address}"),
        pem: certified.cert.pem(),
        thumbprint,
        heads,
    }
}
