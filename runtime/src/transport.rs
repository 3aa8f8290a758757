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

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest, exchange: Exchange) -> TransportFuture<'_> {
        Box::pin(async move {
            let mut request = reqwest::Request::try_from(request).map_err(|err| {
                Error::Config(format!("{}: unusable request: {err}", exchange.context))
            })?;
            *request.timeout_mut() = exchange.timeout;
            let response = self
                .http
                .execute(request)
                .await
                .map_err(|err| transport_error(&exchange.context, err, None))?;
            let url = response.url().clone();
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = response.headers().clone();
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
