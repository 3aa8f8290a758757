//! The seam between the client and HTTP: one request in, one response out.
//!
//! [`Client`](crate::Client) builds every request (URL, headers, JSON body)
//! and interprets every response (status, vAPI errors, decoding, sessions)
//! itself; a [`Transport`] only moves bytes. The default,
//! [`ReqwestTransport`], speaks HTTPS with the TLS settings of
//! [`ClientBuilder`](crate::ClientBuilder). Another transport — an in-memory
//! fake in a test, a recorder, a transport with its own proxying — is given
//! to [`ClientBuilder::transport`](crate::ClientBuilder::transport).
//!
//! The client holds its transport as `Arc<dyn Transport>`: the generated
//! crate and user code never see a type parameter for it, and a call costs
//! one boxed future more than calling `reqwest` directly, which is nothing
//! beside the HTTP exchange itself.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::{Error, Result, TransportKind};

/// The `http` crate (1.x) whose request and response types a transport
/// handles, re-exported so a transport needs no dependency of its own.
pub use http;

/// A request as the client hands it to a [`Transport`]: method, absolute
/// URL, headers (the session token among them, marked sensitive) and the
/// body bytes (empty for none).
pub type HttpRequest = http::Request<Vec<u8>>;

/// A response as a [`Transport`] returns it, body read completely.
pub type HttpResponse = http::Response<Vec<u8>>;

/// The future a [`Transport`] returns.
pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse>> + Send + 'a>>;

/// What the client says about a request besides the request itself.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Exchange {
    /// What the request is for, as used in error messages:
    /// `com.vmware.vcenter.VM.list`, `com.vmware.cis.session.create`.
    pub context: String,
    /// Limit for the whole exchange, response body included, when the
    /// client has one (see [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub timeout: Option<Duration>,
}

impl Exchange {
    /// An exchange for `context` without a time limit.
    pub fn new(context: impl Into<String>) -> Exchange {
        Exchange {
            context: context.into(),
            timeout: None,
        }
    }

    /// The same exchange with a time limit.
    pub fn with_timeout(mut self, timeout: Option<Duration>) -> Exchange {
        self.timeout = timeout;
        self
    }
}

/// Sends one HTTP request and returns the whole response.
///
/// A transport reports the failure to exchange messages (no connection, a
/// reset, a timeout, a TLS failure) as [`Error::Transport`],
/// [`Error::Timeout`] or [`Error::Tls`] with [`Exchange::context`]; any
/// response that arrived, whatever its status, is `Ok`.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`.
    fn send(&self, request: HttpRequest, exchange: Exchange) -> TransportFuture<'_>;
}

impl fmt::Debug for dyn Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Transport")
    }
}

/// The default transport: a `reqwest` (0.12) client.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
}

impl ReqwestTransport {
    /// Sends requests with this `reqwest` client; its TLS, proxy and
    /// connection settings apply.
    pub fn new(http: reqwest::Client) -> ReqwestTransport {
        ReqwestTransport { http }
    }
}

/// The URL of a request as the client parsed it (to check its path), kept
/// in the request's extensions so that [`ReqwestTransport`] does not parse
/// the URI a second time; it is used only while it still matches the URI.
/// Other transports read the request's URI.
#[derive(Debug, Clone)]
pub(crate) struct ParsedUrl {
    pub(crate) uri: http::Uri,
    pub(crate) url: reqwest::Url,
}

impl Transport for ReqwestTransport {
    fn send(&self, mut request: HttpRequest, exchange: Exchange) -> TransportFuture<'_> {
        Box::pin(async move {
            let parsed = request.extensions_mut().remove::<ParsedUrl>();
            let (parts, body) = request.into_parts();
            let url = match parsed {
                Some(parsed) if parsed.uri == parts.uri => parsed.url,
                _ => reqwest::Url::parse(&parts.uri.to_string()).map_err(|err| {
                    Error::Config(format!("{}: unusable request URL: {err}", exchange.context))
                })?,
            };
            let mut request = reqwest::Request::new(parts.method, url);
            *request.headers_mut() = parts.headers;
            *request.version_mut() = parts.version;
            // No body at all, rather than an empty one, for GET and DELETE.
            if !body.is_empty() {
                *request.body_mut() = Some(body.into());
            }
            *request.timeout_mut() = exchange.timeout;
            let mut response = self
                .http
                .execute(request)
                .await
                .map_err(|err| transport_error(&exchange.context, err, None))?;
            let url = response.url().clone();
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                // Moved, not copied: reading the body needs no headers.
                *headers = std::mem::take(response.headers_mut());
            }
            let body = response
                .bytes()
                .await
                .map_err(|err| transport_error(&exchange.context, err, Some(&url)))?;
            builder
                .body(body.to_vec())
                .map_err(|err| Error::Config(format!("{}: response: {err}", exchange.context)))
        })
    }
}

/// Classifies a `reqwest` failure without exposing `reqwest` types.
/// `url` names the server when the error itself does not (errors while
/// reading a body).
pub(crate) fn transport_error(
    context: &str,
    err: reqwest::Error,
    url: Option<&reqwest::Url>,
) -> Error {
    if err.is_timeout() {
        return Error::Timeout {
            context: context.to_owned(),
        };
    }
    let peer = err
        .url()
        .or(url)
        .and_then(|url| {
            let host = url.host_str()?;
            Some(match url.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .unwrap_or_else(|| "the server".to_owned());
    if let Some(tls) = find_tls_error(&err) {
        return Error::Tls {
            context: context.to_owned(),
            peer,
            message: tls.to_string(),
        };
    }
    let kind = classify_transport(&err);
    if kind == TransportKind::Timeout {
        return Error::Timeout {
            context: context.to_owned(),
        };
    }
    // The innermost message; reqwest's own text only repeats the URL (which
    // never holds secrets here: tokens and credentials travel in headers).
    let detail = error_chain(&err)
        .last()
        .map_or_else(|| err.to_string(), ToString::to_string);
    Error::Transport {
        context: context.to_owned(),
        kind,
        peer,
        detail,
        source: Box::new(err),
    }
}

/// The root cause of a failed exchange, from the kinds of the I/O errors in
/// the chain and, where the HTTP stack reports no I/O error, from its
/// messages (hyper and hyper-util have no public error kinds for these).
fn classify_transport(err: &reqwest::Error) -> TransportKind {
    let chain = error_chain(err);
    for cause in &chain {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as Io;
            match io.kind() {
                Io::ConnectionRefused => return TransportKind::ConnectionRefused,
                Io::HostUnreachable | Io::NetworkUnreachable | Io::AddrNotAvailable => {
                    return TransportKind::Unreachable;
                }
                Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe => {
                    return TransportKind::ConnectionReset;
                }
                Io::TimedOut => return TransportKind::Timeout,
                Io::UnexpectedEof if err.is_body() || err.is_decode() => {
                    return TransportKind::IncompleteBody;
                }
                Io::UnexpectedEof => return TransportKind::ConnectionClosed,
                _ => {}
            }
        }
        let text = cause.to_string();
        if text == "dns error" || text.starts_with("failed to lookup address") {
            return TransportKind::NameResolution;
        }
        if text.contains("before message length reached") || text.contains("incomplete") {
            return TransportKind::IncompleteBody;
        }
        if text.starts_with("connection closed before message completed") {
            return TransportKind::ConnectionClosed;
        }
    }
    if err.is_body() || err.is_decode() {
        return TransportKind::IncompleteBody;
    }
    TransportKind::Other
}

/// `err` and its causes, looking into the errors wrapped by `io::Error`s
/// (whose `source` skips the wrapped error itself).
fn error_chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        chain.push(cause);
        next = match cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
        if chain.len() > 32 {
            break;
        }
    }
    chain
}

/// Finds a rustls error anywhere in an error chain. rustls errors surface
/// wrapped in (possibly nested) `io::Error`s, whose `source` skips the wrapped
/// error itself, so those are looked into explicitly.
fn find_tls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    if let Some(inner) = err
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        if let Some(tls) = find_tls_error(inner) {
            return Some(tls);
        }
    }
    err.source().and_then(find_tls_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// The request line and headers the server received.
    async fn received(request: HttpRequest, listener: tokio::net::TcpListener) -> String {
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0_u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                stream.read_exact(&mut byte).await.unwrap();
                head.push(byte[0]);
            }
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(head).unwrap()
        });
        let transport = ReqwestTransport::new(reqwest::Client::new());
        let response = transport
            .send(request, Exchange::new("test"))
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        server.await.unwrap()
    }

    #[tokio::test]
    async fn the_parsed_url_is_used_only_while_it_matches_the_uri() {
        for (stale, path) in [(false, "/kept"), (true, "/current")] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let parsed = ParsedUrl {
                uri: http::Uri::try_from(format!("{base}/kept")).unwrap(),
                url: reqwest::Url::parse(&format!("{base}/kept")).unwrap(),
            };
            // A transport wrapping this one changed the URI after the
            // client parsed it: the change wins.
            let uri = if stale {
                format!("{base}/current")
            } else {
                format!("{base}/kept")
            };
            let mut request = http::Request::get(uri).body(Vec::new()).unwrap();
            request.extensions_mut().insert(parsed);
            let head = received(request, listener).await;
            assert!(
                head.starts_with(&format!("GET {path} HTTP/1.1\r\n")),
                "{head}"
            );
            // A bodiless request carries no length.
            assert!(
                !head.to_ascii_lowercase().contains("content-length"),
                "{head}"
            );
        }
    }
}
