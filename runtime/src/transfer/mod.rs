//! Transfers: streaming the bytes of a file to or from a URL the API handed
//! out — a content library upload or download endpoint on the server
//! itself, or a guest file transfer URL on an ESXi host.
//!
//! ```no_run
//! # async fn example(client: &vsphere_vapi_runtime::Client, upload_uri: &str) -> vsphere_vapi_runtime::Result<()> {
//! use vsphere_vapi_runtime::transfer::{ChecksumAlgorithm, Source};
//!
//! let summary = client
//!     .transfer(upload_uri)
//!     .checksum(ChecksumAlgorithm::Sha256)
//!     .on_progress(|progress| eprintln!("{} bytes", progress.transferred))
//!     .upload(Source::file("disk.vmdk").await?)
//!     .await?;
//! println!("{} bytes, sha256 {:?}", summary.bytes(), summary.checksum(ChecksumAlgorithm::Sha256));
//! # Ok(())
//! # }
//! ```
//!
//! # Trust and authentication
//!
//! A transfer is made with the client's TLS settings and proxy. A URL on the
//! client's own server (same scheme, host and port; a `*` host counts as
//! the server, see [`Client::transfer`]) carries the session header, as the
//! content library requires; a URL on another host does not, unless
//! [`Transfer::with_session`] says so. Another host — an ESXi host serving a
//! guest file — is checked like the server (system roots and the client's
//! extra CA certificates, or its pins), or as [`Transfer::trust`] says: a
//! certificate to trust, or the SHA-256 thumbprint it must have. Nothing
//! ever falls back to an unchecked connection, and a plain `http` URL is
//! refused while the client talks `https`.
//!
//! # Bodies
//!
//! Uploads read a [`Source`] (a file, bytes, any `AsyncRead`) and downloads
//! write to any `AsyncWrite`, a file or memory, chunk by chunk: a file of any
//! size is never held in memory. Each chunk is counted, hashed with the
//! requested [`ChecksumAlgorithm`]s and reported to the progress callback.
//!
//! Transfers are not retried and do not log in again after a 401: a
//! stream cannot be replayed. They have no overall time limit unless
//! [`Transfer::timeout`] sets one; the connect limit applies.

mod download;
mod error;
mod tally;
mod target;
mod upload;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue};

use crate::client::{Client, SESSION_HEADER};
use crate::error::{Error, Result};

pub use error::{TransferError, TransferFailure};

/// How far a transfer has got, as given to the progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes sent or received so far.
    pub transferred: u64,
    /// The size of the whole, when known (the source's length, or the
    /// download's `Content-Length`).
    pub total: Option<u64>,
}

pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// A digest computed over a transfer's bytes as they pass, in the forms the
/// content library's file specifications name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// SHA-1 (what OVF manifests and older content libraries use).
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-512.
    Sha512,
}

impl ChecksumAlgorithm {
    fn ring_algorithm(self) -> &'static ring::digest::Algorithm {
        match self {
            ChecksumAlgorithm::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            ChecksumAlgorithm::Sha256 => &ring::digest::SHA256,
            ChecksumAlgorithm::Sha512 => &ring::digest::SHA512,
        }
    }

    /// The name the content library uses (`SHA256`).
    pub fn as_str(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Sha1 => "SHA1",
            ChecksumAlgorithm::Sha256 => "SHA256",
            ChecksumAlgorithm::Sha512 => "SHA512",
        }
    }

    /// The lower-case hexadecimal digest of `bytes`.
    pub fn digest_hex(self, bytes: &[u8]) -> String {
        tally::hex(ring::digest::digest(self.ring_algorithm(), bytes).as_ref())
    }
}

/// A digest computed piece by piece, for bytes that are not transferred
/// (a local file checked before its upload).
pub struct Digest {
    algorithm: ChecksumAlgorithm,
    context: ring::digest::Context,
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Digest")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl Digest {
    /// An empty digest.
    pub fn new(algorithm: ChecksumAlgorithm) -> Digest {
        Digest {
            algorithm,
            context: ring::digest::Context::new(algorithm.ring_algorithm()),
        }
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.context.update(bytes);
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// The lower-case hexadecimal digest of everything added.
    pub fn finish_hex(self) -> String {
        tally::hex(self.context.finish().as_ref())
    }
}

/// What a finished transfer moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferSummary {
    bytes: u64,
    status: u16,
    checksums: Vec<(ChecksumAlgorithm, String)>,
}

impl TransferSummary {
    /// Bytes sent (upload) or received (download).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The HTTP status the server answered with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The lower-case hexadecimal digest of the bytes, for each algorithm
    /// requested with [`Transfer::checksum`].
    pub fn checksum(&self, algorithm: ChecksumAlgorithm) -> Option<&str> {
        self.checksums
            .iter()
            .find(|(known, _)| *known == algorithm)
            .map(|(_, hex)| hex.as_str())
    }
}

/// How the host at the other end of a transfer is trusted, when it is not
/// the client's server.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HostTrust {
    /// As the client trusts its server (the default): the system roots and
    /// the client's extra CA certificates, or the client's pinned
    /// thumbprints, or nothing when the client accepts any certificate.
    Client,
    /// The CA certificate(s) in this PEM text (for an ESXi host, usually
    /// the VMCA root, or the host's own self-signed certificate), in
    /// addition to the system roots and the client's extra CA certificates.
    /// The host name is checked.
    CertificatePem(Vec<u8>),
    /// Exactly the certificate with this SHA-256 thumbprint (hex, with or
    /// without colons), as for
    /// [`ClientBuilder::pin_certificate_sha256`](crate::ClientBuilder::pin_certificate_sha256).
    Sha256Thumbprint(String),
}

impl fmt::Debug for HostTrust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostTrust::Client => f.write_str("Client"),
            HostTrust::CertificatePem(pem) => write!(f, "CertificatePem({} bytes)", pem.len()),
            HostTrust::Sha256Thumbprint(text) => {
                f.debug_tuple("Sha256Thumbprint").field(text).finish()
            }
        }
    }
}

/// What an upload sends: a file, bytes, or any reader, with its size when
/// known (sent as `Content-Length`, and checked: a source delivering more or
/// less fails the upload).
pub struct Source {
    reader: Box<dyn tokio::io::AsyncRead + Send + Unpin>,
    length: Option<u64>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// The file at `path`, read as it is sent; its size is the file's.
    pub async fn file(path: impl AsRef<Path>) -> Result<Source> {
        let path = path.as_ref();
        let failed = |err: std::io::Error| {
            Error::Transfer(Box::new(TransferError::new(
                format!("opening `{}`", path.display()),
                TransferFailure::Source(err),
            )))
        };
        let file = tokio::fs::File::open(path).await.map_err(failed)?;
        let length = file.metadata().await.map_err(failed)?.len();
        Ok(Source::reader(file, Some(length)))
    }

    /// These bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Source {
        let bytes = bytes.into();
        let length = bytes.len() as u64;
        Source::reader(std::io::Cursor::new(bytes), Some(length))
    }

    /// Whatever `reader` delivers; `length`, when given, is its size.
    pub fn reader(
        reader: impl tokio::io::AsyncRead + Send + Unpin + 'static,
        length: Option<u64>,
    ) -> Source {
        Source {
            reader: Box::new(reader),
            length,
        }
    }

    /// The declared size.
    pub fn length(&self) -> Option<u64> {
        self.length
    }
}

/// One upload or download being configured; created by
/// [`Client::transfer`], run by [`Transfer::upload`],
/// [`Transfer::download`], [`Transfer::download_to_file`] or
/// [`Transfer::download_bytes`].
#[must_use = "a transfer does nothing until it is run"]
pub struct Transfer {
    client: Client,
    url: String,
    trust: HostTrust,
    with_session: Option<bool>,
    headers: Vec<(HeaderName, HeaderValue)>,
    checksums: Vec<ChecksumAlgorithm>,
    progress: Option<ProgressFn>,
    timeout: Option<Duration>,
    error: Option<Error>,
}

impl fmt::Debug for Transfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL's query may hold a token.
        let url = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("Transfer")
            .field("url", &url)
            .field("trust", &self.trust)
            .field("with_session", &self.with_session)
            .field("checksums", &self.checksums)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a transfer to or from `url`, a URL the API handed out (an
    /// upload or download endpoint of the content library, a guest file
    /// transfer URL); see the [`transfer`](crate::transfer) module.
    ///
    /// A URL whose host is `*` means the server the call that produced it
    /// went to (the guest file transfer service answers so when the host to
    /// use is the one it was called on): the `*` is replaced by the
    /// client's host, and by its port when the URL names none.
    pub fn transfer(&self, url: impl Into<String>) -> Transfer {
        Transfer {
            client: self.clone(),
            url: url.into(),
            trust: HostTrust::Client,
            with_session: None,
            headers: Vec::new(),
            checksums: Vec::new(),
            progress: None,
            timeout: None,
            error: None,
        }
    }
}

impl Transfer {
    /// How the host is trusted (default [`HostTrust::Client`]). Given
    /// explicitly, it applies even when the URL is on the client's server.
    pub fn trust(mut self, trust: HostTrust) -> Self {
        self.trust = trust;
        self
    }

    /// Sends the session header (`true`) or not (`false`); by default it is
    /// sent exactly to the client's own server. Give `true` for a URL on the
    /// server under another name (vCenter hands out URLs with its own host
    /// name, which may not be the name or address the client was built
    /// with). It is never sent over plain `http` to an `https` client's
    /// server, since such URLs are refused.
    pub fn with_session(mut self, send: bool) -> Self {
        self.with_session = Some(send);
        self
    }

    /// Adds a header to the request (`Content-Type`, say; uploads send
    /// `application/octet-stream` unless told otherwise).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => {
                self.error.get_or_insert(Error::Config(format!(
                    "transfer header `{name}` is not a valid header name and value"
                )));
            }
        }
        self
    }

    /// Computes this digest of the bytes as they pass; the summary has it.
    pub fn checksum(mut self, algorithm: ChecksumAlgorithm) -> Self {
        self.checksums.push(algorithm);
        self
    }

    /// Calls `progress` when the transfer starts and after each chunk.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Limit for the whole transfer (default: none).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The request for `method`, with its URL, client, headers and
    /// context, or the first configuration error.
    fn prepare(&mut self, method: http::Method) -> Result<Prepared> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let target = target::resolve(self.client.base_url(), &self.url)?;
        let http = target::http_client(&self.client, &self.trust)?;
        let context = format!("{method} {}", target.shown());
        let mut request = http.request(method, target.url.clone());
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        request = request.header(http::header::USER_AGENT, self.client.user_agent());
        if self.with_session.unwrap_or(target.same_origin) {
            if let Some(token) = self.client.session_token() {
                let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
                    Error::Config(
                        "session token contains characters not allowed in a header".to_owned(),
                    )
                })?;
                value.set_sensitive(true);
                request = request.header(SESSION_HEADER, value);
            }
        }
        for (name, value) in &self.headers {
            request = request.header(name.clone(), value.clone());
        }
        Ok(Prepared { request, context })
    }
}

/// A transfer request ready to get its body (upload) or be sent (download).
struct Prepared {
    request: reqwest::RequestBuilder,
    context: String,
}

/// The error for a refused transfer, with the start of the answer's body.
async fn refused(context: &str, mut response: reqwest::Response) -> Error {
    const LIMIT: usize = 4096;
    let status = response.status().as_u16();
    let mut body = Vec::new();
    // What the server said, within reason; a failure to read it hides
    // nothing that matters more than the status.
    while body.len() < LIMIT {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    Error::Transfer(Box::new(TransferError::new(
        context,
        TransferFailure::Status {
            status,
            excerpt: crate::error::excerpt(&body),
        },
    )))
}
