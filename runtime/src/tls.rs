//! TLS configuration: trust roots, thumbprint pinning and the explicit
//! "accept anything" mode. Everything is built on rustls with the `ring`
//! provider, so no system TLS library is involved.

use std::fmt;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::error::Error;

/// How the server certificate is checked.
#[derive(Clone)]
pub(crate) enum TrustMode {
    /// Web PKI validation against the system roots plus extra CA
    /// certificates.
    Verify { extra_ca_pem: Vec<Vec<u8>> },
    /// Accept exactly the certificates with these SHA-256 fingerprints.
    Pinned(Vec<[u8; 32]>),
    /// Accept any certificate.
    AcceptAny,
}

/// Parses a SHA-256 fingerprint written as hex, with or without `:`
/// separators (or spaces), in either case: `AB:CD:...` or `abcd...`.
pub(crate) fn parse_thumbprint(text: &str) -> Result<[u8; 32], Error> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let invalid = || {
        Error::Config(format!(
            "certificate thumbprint `{text}` is not a SHA-256 fingerprint (64 hexadecimal digits, optionally colon-separated)"
        ))
    };
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(invalid());
    }
    let mut out = [0_u8; 32];
    for (index, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[index * 2..index * 2 + 2], 16).map_err(|_| invalid())?;
    }
    Ok(out)
}

/// SHA-256 fingerprint of a DER certificate.
pub(crate) fn fingerprint(der: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0_u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

fn format_fingerprint(bytes: &[u8; 32]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Builds the rustls client configuration for a trust mode.
pub(crate) fn client_config(mode: TrustMode) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::Config(format!("TLS protocol versions: {err}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match mode {
        TrustMode::Verify { extra_ca_pem } => {
            let mut roots = RootCertStore::empty();
            // A missing or partly unreadable system store is not fatal: the
            // caller may rely on extra CA certificates only.
            let native = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(native.certs);
            for pem in &extra_ca_pem {
                let mut found = false;
                for cert in CertificateDer::pem_slice_iter(pem) {
                    let cert =
                        cert.map_err(|err| Error::Config(format!("CA certificate PEM: {err}")))?;
                    roots
                        .add(cert)
                        .map_err(|err| Error::Config(format!("CA certificate rejected: {err}")))?;
                    found = true;
                }
                if !found {
                    return Err(Error::Config(
                        "CA certificate PEM contains no certificate".to_owned(),
                    ));
                }
            }
            if roots.is_empty() {
                Arc::new(NoRoots {
                    algorithms: provider.signature_verification_algorithms,
                })
            } else {
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|err| Error::Config(format!("certificate verifier: {err}")))?
            }
        }
        TrustMode::Pinned(fingerprints) => Arc::new(Pinned {
            fingerprints,
            algorithms: provider.signature_verification_algorithms,
        }),
        TrustMode::AcceptAny => Arc::new(AcceptAny {
            algorithms: provider.signature_verification_algorithms,
        }),
    };
    let mut config = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Signature checks shared by the custom verifiers: even when the certificate
/// is accepted without a chain, the server must prove it holds the
/// certificate's private key.
fn verify_tls12(
    algorithms: &WebPkiSupportedAlgorithms,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
}

fn verify_tls13(
    algorithms: &WebPkiSupportedAlgorithms,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
}

macro_rules! delegate_signatures {
    () => {
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12(&self.algorithms, message, cert, dss)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13(&self.algorithms, message, cert, dss)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    };
}

/// Accepts the end-entity certificate only when its SHA-256 fingerprint is
/// pinned. The chain and the host name are not checked: the pin identifies
/// the exact certificate, which is how self-signed vCenter certificates are
/// usually trusted (and vCenter is often addressed by IP).
struct Pinned {
    fingerprints: Vec<[u8; 32]>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl fmt::Debug for Pinned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pinned")
            .field(
                "fingerprints",
                &self
                    .fingerprints
                    .iter()
                    .map(format_fingerprint)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let actual = fingerprint(end_entity);
        if self.fingerprints.contains(&actual) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                rustls::OtherError(Arc::new(ThumbprintMismatch(format_fingerprint(&actual)))),
            )))
        }
    }

    delegate_signatures!();
}

/// Error detail for a pin mismatch: shows the fingerprint actually presented
/// so the user can check it and pin it if appropriate.
#[derive(Debug)]
struct ThumbprintMismatch(String);

impl fmt::Display for ThumbprintMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "server certificate SHA-256 thumbprint {} is not pinned",
            self.0
        )
    }
}

impl std::error::Error for ThumbprintMismatch {}

/// Accepts any certificate (explicit opt-in only).
#[derive(Debug)]
struct AcceptAny {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    delegate_signatures!();
}

/// Used when there is no trust anchor at all (no system store, no extra CA):
/// every certificate is untrusted, reported at connection time like any other
/// verification failure rather than making the client impossible to build.
#[derive(Debug)]
struct NoRoots {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for NoRoots {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Err(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ))
    }

    delegate_signatures!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_formats() {
        let hex = "ab".repeat(32);
        let colon = vec!["AB"; 32].join(":");
        assert_eq!(parse_thumbprint(&hex).unwrap(), [0xab; 32]);
        assert_eq!(parse_thumbprint(&colon).unwrap(), [0xab; 32]);
        assert!(parse_thumbprint("AB:CD").is_err());
        assert!(parse_thumbprint(&"zz".repeat(32)).is_err());
        assert!(parse_thumbprint(&"é".repeat(32)).is_err());
        assert_eq!(format_fingerprint(&[0xab; 32]), colon);
    }
}
