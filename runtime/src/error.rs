//! The runtime's error type and the decoding of vAPI standard errors.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::ids::TaskId;

/// Result type of every fallible runtime and generated-client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest body excerpt kept in an error, in bytes.
const EXCERPT_LIMIT: usize = 512;

/// The discriminator the vAPI REST handler assigns to an error response
/// without an error body, by HTTP status.
///
/// This is `http_to_vapi_error_map` of VMware's own client runtime
/// (`vmware/vapi/rest/lib.py` in the `vmware-vapi-runtime` package, checked
/// against version 9.1.1.0), with each identifier written as the `/api`
/// discriminator. Statuses it does not list (502, say) get the generic
/// `ERROR`.
fn error_type_for_status(status: u16) -> Option<&'static str> {
    let error_type = match status {
        400 | 405 | 406 | 411..=415 | 417 | 422 | 424 | 426 | 431 | 505 | 510 => "INVALID_REQUEST",
        401 | 407 | 511 => "UNAUTHENTICATED",
        402 | 403 => "UNAUTHORIZED",
        404 | 410 => "NOT_FOUND",
        408 | 504 => "TIMED_OUT",
        409 | 428 => "CONCURRENT_CHANGE",
        416 => "RESOURCE_INACCESSIBLE",
        423 => "RESOURCE_BUSY",
        429 | 503 => "SERVICE_UNAVAILABLE",
        500 | 506 | 508 => "INTERNAL_SERVER_ERROR",
        507 | 509 => "UNABLE_TO_ALLOCATE_RESOURCE",
        400..=599 => "ERROR",
        _ => return None,
    };
    Some(error_type)
}

/// The `/api` discriminator of a `/rest` error identifier: its last segment,
/// upper-cased (`com.vmware.vapi.std.errors.not_found` → `NOT_FOUND`). The
/// metamodel names every error structure this way, so no table is needed and
/// service-specific errors map the same way.
fn error_type_from_id(id: &str) -> String {
    id.rsplit('.').next().unwrap_or(id).to_ascii_uppercase()
}

/// An error reported by the server: a vAPI standard error (or a
/// service-specific one), or an error response without such a body whose
/// discriminator comes from the HTTP status.
///
/// The error structure itself is kept as JSON in the `/api` shape; the
/// generated crate decodes it into its typed error structures with
/// [`ServerError::decode`].
#[derive(Debug, Clone, PartialEq)]
pub struct ServerError {
    status: u16,
    error_type: Option<String>,
    value: Option<Value>,
    excerpt: Option<String>,
    /// The discriminator was derived from the status, not sent by the server.
    from_status: bool,
}

impl ServerError {
    /// HTTP status of the response that carried the error. For the error of a
    /// failed task, that is the (successful) status of the task service's
    /// answer that reported it.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The upper-snake discriminator of the error (`NOT_FOUND`): the
    /// `error_type` of an `/api` body, the last segment of a `/rest` body's
    /// `type`, or, when the body has neither, the one the vAPI REST handler
    /// assigns to the HTTP status. `None` only for a task error that names no
    /// type.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The `default_message` of each of the error's messages, in order: the
    /// first describes the error from the point of view of the invoked
    /// operation, the following ones its causes. A message without a default
    /// text is shown by its identifier.
    pub fn messages(&self) -> Vec<String> {
        let Some(messages) = self.value.as_ref().and_then(|value| value.get("messages")) else {
            return Vec::new();
        };
        messages
            .as_array()
            .map(|items| items.iter().filter_map(message_text).collect())
            .unwrap_or_default()
    }

    /// The error structure as JSON in the `/api` shape
    /// (`{"error_type": ..., "messages": [...], "data": ...}`). For `/rest`
    /// it is the unwrapped `value` object with `error_type` added; messages
    /// sent as bare strings are turned into message objects. For a response
    /// without an error body it is the standard error the status stands for,
    /// with no messages and the body as `data` when the body was JSON.
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// A typed view of the error, e.g. the generated `NotFound` structure;
    /// `None` when the structure does not have that shape.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(self.value.as_ref()?).ok()
    }

    /// True when the discriminator was derived from the HTTP status because
    /// the body carried no error structure.
    pub(crate) fn is_from_status(&self) -> bool {
        self.from_status
    }

    /// The start of a body that was not JSON (an HTML page from a proxy,
    /// plain text), bounded in size and on one line.
    pub fn excerpt(&self) -> Option<&str> {
        self.excerpt.as_deref()
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error_type().unwrap_or("error without a type"))?;
        // The status is worth showing when it is all the server said.
        if self.from_status {
            write!(f, " (HTTP {})", self.status)?;
        }
        let messages = self.messages();
        if !messages.is_empty() {
            write!(f, ": {}", messages.join("; "))?;
        } else if let Some(excerpt) = self.excerpt.as_deref().filter(|text| !text.is_empty()) {
            write!(f, ": {excerpt}")?;
        }
        Ok(())
    }
}

/// Every error the runtime and the generated client return.
///
/// Server-reported standard errors are [`Error::Api`]; the other variants
/// describe failures to build a request, reach the server or understand its
/// answer. No variant ever holds a password or session token.
///
/// # Retrying
///
/// Whether repeating a failed call is safe depends on what the server did:
///
/// * [`Error::was_applied`] is true when the server answered with a success
///   status but the answer could not be read ([`Error::Decode`]): the
///   operation **took effect**, so repeating a create, delete or action would
///   do it twice.
/// * [`Error::InvalidRequest`], [`Error::Serialize`], [`Error::Config`] and
///   [`Error::NotInRelease`]
///   are raised before anything is sent.
/// * [`Error::transport_kind`] classifies failures to talk to the server;
///   [`TransportKind::ConnectionRefused`], [`TransportKind::Unreachable`],
///   [`TransportKind::NameResolution`] and most [`TransportKind::Tls`]
///   failures happen before the request reaches it, while after a reset, a
///   closed connection, an incomplete body or a timeout the server may or
///   may not have applied the request.
///
/// The client's [`RetryPolicy`](crate::RetryPolicy) already repeats the
/// failures that are safe to repeat; an error returned to the caller is the
/// last attempt's.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error reported by the server for `service.operation`.
    #[error("{service}.{operation}: {error}")]
    Api {
        /// Service identifier (`com.vmware.vcenter.vm.tools`).
        service: String,
        /// Operation identifier (`upgrade`).
        operation: String,
        /// The error itself.
        error: Box<ServerError>,
    },
    /// The server answered with a status that is neither success nor error
    /// (a redirect, say).
    #[error("{service}.{operation}: unexpected HTTP status {status}: {excerpt}")]
    UnexpectedStatus {
        /// Service identifier.
        service: String,
        /// Operation identifier.
        operation: String,
        /// HTTP status.
        status: u16,
        /// Start of the body (bounded, valid UTF-8).
        excerpt: String,
    },
    /// A successful response whose body could not be decoded into the
    /// expected type.
    ///
    /// The server answered with a success status, so it **applied the
    /// request**: a create, update or delete took effect even though its
    /// result is unknown to the caller. Blindly repeating a non-idempotent
    /// call after this error can do the work twice; check the server's state
    /// first. [`Error::was_applied`] tells this case apart.
    #[error(
        "{service}.{operation}: the server applied the request (HTTP {status}) but its response could not be read as {}: {source}; body starts with: {excerpt}",
        short_type_name(expected)
    )]
    Decode {
        /// Service identifier.
        service: String,
        /// Operation identifier.
        operation: String,
        /// HTTP status (a success status).
        status: u16,
        /// What the response was expected to be: the full Rust type name
        /// (shown without module paths), or a short description such as
        /// `a session token`.
        expected: &'static str,
        /// Start of the body (bounded, valid UTF-8).
        excerpt: Box<str>,
        /// What serde reported.
        #[source]
        source: serde_json::Error,
    },
    /// A parameter could not be serialized.
    #[error("{service}.{operation}: cannot serialize parameter `{param}`: {source}")]
    Serialize {
        /// Service identifier.
        service: String,
        /// Operation identifier.
        operation: String,
        /// Parameter wire name.
        param: String,
        /// What serde reported.
        #[source]
        source: serde_json::Error,
    },
    /// The request could not be built from the operation description and the
    /// parameters (missing path parameter, unknown parameter, no route for the
    /// chosen protocol).
    #[error("{service}.{operation}: invalid request: {message}")]
    InvalidRequest {
        /// Service identifier.
        service: String,
        /// Operation identifier.
        operation: String,
        /// What is wrong.
        message: String,
    },
    /// The request or connection timed out.
    #[error("{context}: timed out")]
    Timeout {
        /// What was being done (`com.vmware.vcenter.vm.list`, `login`).
        context: String,
    },
    /// The TLS handshake failed (untrusted certificate, thumbprint mismatch,
    /// an alert from the server).
    #[error("{context}: TLS failure with {peer}: {message}")]
    Tls {
        /// What was being done.
        context: String,
        /// The server as `host:port`.
        peer: String,
        /// The TLS library's description.
        message: String,
    },
    /// Any other failure to exchange HTTP messages with the server; `kind`
    /// says what happened (see [`Error::transport_kind`]).
    #[error("{context}: {}", describe_transport(*kind, peer, detail))]
    Transport {
        /// What was being done.
        context: String,
        /// What went wrong.
        kind: TransportKind,
        /// The server as `host:port`.
        peer: String,
        /// The innermost cause as reported by the operating system or the
        /// HTTP library, for [`TransportKind::Other`] and diagnostics.
        detail: String,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The client configuration is not usable (bad URL, bad PEM, bad
    /// thumbprint).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A task did not finish within the allowed time.
    #[error("task {task_id} did not finish within {waited:?} (last status {last_status})")]
    TaskTimeout {
        /// The task identifier.
        task_id: TaskId,
        /// How long the client waited.
        waited: Duration,
        /// The task status seen last (`RUNNING`, ...).
        last_status: String,
    },
    /// A transfer ([`Client::transfer`](crate::Client::transfer)) failed
    /// other than in the exchange itself: refused by the server, or its
    /// source or destination failed.
    #[error(transparent)]
    Transfer(Box<crate::transfer::TransferError>),
    /// A task failed; its error as reported by the task service.
    #[error("task {task_id} failed: {error}")]
    TaskFailed {
        /// The task identifier.
        task_id: TaskId,
        /// The task's error.
        error: Box<ServerError>,
    },
    /// The server's vSphere API release does not have the operation, so the
    /// call was refused before anything was sent (see
    /// [`Client::supports`](crate::Client::supports)).
    #[error(
        "{service}.{operation} is not in vSphere API release {server_release} of the server; \
         nothing was sent (releases that have it: {})",
        releases.join(", ")
    )]
    NotInRelease {
        /// Service identifier.
        service: &'static str,
        /// Operation identifier.
        operation: &'static str,
        /// The releases (of the generated crate's) that have the operation,
        /// oldest first.
        releases: &'static [&'static str],
        /// The server's release, as it reported it.
        server_release: String,
    },
}

/// Why exchanging HTTP messages with the server failed, below the level of
/// HTTP statuses; see [`Error::transport_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Nothing accepts connections at the server's address and port (or a
    /// firewall answers in its place).
    ConnectionRefused,
    /// The connection was reset or aborted by the server or a device in
    /// between.
    ConnectionReset,
    /// The server closed the connection without sending a (complete)
    /// response head.
    ConnectionClosed,
    /// The server's host name could not be resolved.
    NameResolution,
    /// No route to the server's host or network: the connection could not
    /// be attempted.
    Unreachable,
    /// The TLS handshake failed: untrusted or mismatched certificate, a TLS
    /// alert from the server. Reported as [`Error::Tls`].
    Tls,
    /// The response body ended before it was complete (shorter than its
    /// `Content-Length`, or a chunked body without its end).
    IncompleteBody,
    /// The connection or the request timed out. Reported as
    /// [`Error::Timeout`].
    Timeout,
    /// Any other failure; the error's text has the underlying cause.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::ConnectionRefused => "connection refused",
            TransportKind::ConnectionReset => "connection reset",
            TransportKind::ConnectionClosed => "connection closed",
            TransportKind::NameResolution => "host name not resolved",
            TransportKind::Unreachable => "host unreachable",
            TransportKind::Tls => "TLS failure",
            TransportKind::IncompleteBody => "incomplete response body",
            TransportKind::Timeout => "timed out",
            TransportKind::Other => "transport error",
        })
    }
}

/// The text of an [`Error::Transport`] after its context.
fn describe_transport(kind: TransportKind, peer: &str, detail: &str) -> String {
    let host = peer
        .rsplit_once(':')
        .map_or(peer, |(host, _)| host)
        .trim_start_matches('[')
        .trim_end_matches(']');
    match kind {
        TransportKind::ConnectionRefused => format!("connection refused by {peer}"),
        TransportKind::ConnectionReset => format!("connection reset by {peer}"),
        TransportKind::ConnectionClosed => {
            format!("{peer} closed the connection before sending a complete response")
        }
        TransportKind::NameResolution => {
            format!("cannot resolve host name `{host}`: {detail}")
        }
        TransportKind::Unreachable => format!("{peer} is unreachable: {detail}"),
        TransportKind::Tls => format!("TLS failure with {peer}: {detail}"),
        TransportKind::IncompleteBody => {
            format!("the response from {peer} ended before its body was complete")
        }
        TransportKind::Timeout => format!("timed out talking to {peer}"),
        TransportKind::Other => format!("transport error talking to {peer}: {detail}"),
    }
}

impl Error {
    /// Why talking to the server failed, for [`Error::Transport`],
    /// [`Error::Tls`] and [`Error::Timeout`]; `None` for every error that
    /// came with an HTTP response or happened before a request was sent.
    pub fn transport_kind(&self) -> Option<TransportKind> {
        match self {
            Error::Transport { kind, .. } => Some(*kind),
            Error::Tls { .. } => Some(TransportKind::Tls),
            Error::Timeout { .. } => Some(TransportKind::Timeout),
            _ => None,
        }
    }

    /// True when the server answered the request with a success status, so
    /// the operation took effect, but the client could not read the answer
    /// ([`Error::Decode`]). Do not repeat a non-idempotent call (create,
    /// delete, an action) after such an error without checking the server's
    /// state first. False for every other error — which does not prove that
    /// nothing happened: after a transport error or timeout the server may
    /// still have applied the request.
    pub fn was_applied(&self) -> bool {
        matches!(self, Error::Decode { status, .. } if (200..300).contains(status))
    }

    /// The server-reported error carried by this error ([`Error::Api`] or
    /// [`Error::TaskFailed`]).
    pub fn server_error(&self) -> Option<&ServerError> {
        match self {
            Error::Api { error, .. } | Error::TaskFailed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The discriminator of a server-reported error (`NOT_FOUND`); see
    /// [`ServerError::error_type`].
    pub fn error_type(&self) -> Option<&str> {
        self.server_error().and_then(ServerError::error_type)
    }

    /// The HTTP status of the error response this error came from, if any
    /// (not for a failed task: its error arrived in a successful response).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { error, .. } => Some(error.status),
            Error::UnexpectedStatus { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::Transfer(error) => error.status(),
            _ => None,
        }
    }

    /// True for timeouts of the transport or of a task wait, and for the
    /// server's `TIMED_OUT` error.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::TaskTimeout { .. })
            || self.error_type() == Some("TIMED_OUT")
    }
}

/// A type name without module paths (`alloc::vec::Vec<a::b::Summary>` →
/// `Vec<Summary>`), for messages.
pub(crate) fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        out.push_str(token.rsplit("::").next().unwrap_or(token));
        token.clear();
    };
    for ch in full.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            token.push(ch);
        } else {
            flush(&mut token, &mut out);
            out.push(ch);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// Keeps at most [`EXCERPT_LIMIT`] bytes of a body, cut on a character
/// boundary, with invalid UTF-8 replaced and whitespace runs collapsed so the
/// excerpt reads well on one line.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_LIMIT * 2)];
    let text = String::from_utf8_lossy(head);
    let mut out = String::new();
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let extra = ch.len_utf8() + usize::from(pending_space);
        if out.len() + extra > EXCERPT_LIMIT {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(ch);
    }
    if body.len() > head.len() {
        out.push('…');
    }
    out
}

/// The text of one message read generically: its `default_message`, else
/// its `id`; a bare string is its own text.
pub(crate) fn message_text(message: &Value) -> Option<String> {
    match message {
        Value::String(text) => Some(text.clone()),
        Value::Object(fields) => ["default_message", "id"]
            .iter()
            .filter_map(|key| fields.get(*key).and_then(Value::as_str))
            .find(|text| !text.is_empty())
            .map(str::to_owned),
        _ => None,
    }
}

/// Brings `messages` into the shape of a list of localizable messages, so a
/// typed view can decode it: some components and proxies send bare strings,
/// or one message instead of a list.
fn normalize_messages(fields: &mut Map<String, Value>) {
    let as_message = |message: Value| match message {
        Value::String(text) => json!({"id": "", "default_message": text, "args": []}),
        other => other,
    };
    let normalized = match fields.remove("messages") {
        None | Some(Value::Null) => return,
        Some(Value::Array(items)) => Value::Array(items.into_iter().map(as_message).collect()),
        Some(single @ (Value::String(_) | Value::Object(_))) => {
            Value::Array(vec![as_message(single)])
        }
        // Anything else cannot be a message; keep it for whoever looks at the
        // raw value.
        Some(other) => other,
    };
    fields.insert("messages".to_owned(), normalized);
}

/// Interprets a JSON value as an error structure, in either wire form:
/// `/api` `{"error_type": "NOT_FOUND", "messages": [...], "data": ...}` or
/// `/rest` `{"type": "com.vmware.vapi.std.errors.not_found", "value": {...}}`.
/// Returns the discriminator (when the value names one) and the structure in
/// the `/api` shape, or `None` when the value is neither form.
fn parse_error_structure(value: &Value) -> Option<(Option<String>, Value)> {
    let object = value.as_object()?;
    let (error_type, mut fields) = if let Some(error_type) = object.get("error_type") {
        (error_type.as_str().map(str::to_owned), object.clone())
    } else if let Some(id) = object.get("type").and_then(Value::as_str) {
        // /rest wraps the error's fields in "value" next to its identifier.
        let fields = match object.get("value") {
            Some(Value::Object(fields)) => fields.clone(),
            _ => Map::new(),
        };
        let error_type = error_type_from_id(id);
        let mut fields = fields;
        fields.insert("error_type".to_owned(), Value::String(error_type.clone()));
        (Some(error_type), fields)
    } else if object.contains_key("messages") {
        (None, object.clone())
    } else {
        return None;
    };
    normalize_messages(&mut fields);
    Some((error_type, Value::Object(fields)))
}

/// Builds the error for a non-success response: the error structure when the
/// body is one, otherwise the standard error the status stands for, with a
/// body excerpt when the body was not JSON.
pub(crate) fn error_from_response(status: u16, body: &[u8]) -> ServerError {
    let parsed: Option<Value> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice(body).ok()
    };
    if let Some((error_type, mut value)) = parsed.as_ref().and_then(parse_error_structure) {
        let from_status = error_type.is_none();
        let error_type = error_type.or_else(|| error_type_for_status(status).map(str::to_owned));
        if let (Some(error_type), Value::Object(fields)) = (&error_type, &mut value) {
            fields
                .entry("error_type")
                .or_insert_with(|| Value::String(error_type.clone()));
        }
        return ServerError {
            status,
            error_type,
            value: Some(value),
            excerpt: None,
            from_status,
        };
    }
    let error_type = error_type_for_status(status).map(str::to_owned);
    // Like VMware's own client: the standard error of the status, without
    // messages, and a JSON body that is not an error structure as its data.
    let value = error_type.as_ref().map(|error_type| {
        let mut fields = Map::new();
        fields.insert("error_type".to_owned(), Value::String(error_type.clone()));
        fields.insert("messages".to_owned(), Value::Array(Vec::new()));
        if let Some(data) = parsed.as_ref().filter(|data| !data.is_null()) {
            fields.insert("data".to_owned(), data.clone());
        }
        Value::Object(fields)
    });
    let excerpt = (parsed.is_none() && !body.is_empty())
        .then(|| excerpt(body))
        .filter(|text| !text.is_empty());
    ServerError {
        status,
        error_type,
        value,
        excerpt,
        from_status: true,
    }
}

/// Builds the error of a failed task from the `error` of its info, in
/// whichever form the server used. `status` is that of the task service's
/// answer.
pub(crate) fn error_from_task(status: u16, error: Option<&Value>) -> ServerError {
    let parsed = error.and_then(parse_error_structure);
    let (error_type, value) = match parsed {
        Some((error_type, value)) => (error_type, Some(value)),
        None => (None, error.filter(|value| !value.is_null()).cloned()),
    };
    ServerError {
        status,
        error_type,
        value,
        excerpt: None,
        from_status: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_identifiers_map_mechanically() {
        assert_eq!(
            error_type_from_id("com.vmware.vapi.std.errors.not_found"),
            "NOT_FOUND"
        );
        assert_eq!(
            error_type_from_id("com.vmware.vapi.std.errors.already_in_desired_state"),
            "ALREADY_IN_DESIRED_STATE"
        );
        assert_eq!(
            error_type_from_id("com.vmware.vcenter.some_new_error"),
            "SOME_NEW_ERROR"
        );
        assert_eq!(error_type_from_id("bare"), "BARE");
    }

    #[test]
    fn status_fallback_follows_the_rest_handler() {
        let cases = [
            (400, "INVALID_REQUEST"),
            (401, "UNAUTHENTICATED"),
            (403, "UNAUTHORIZED"),
            (404, "NOT_FOUND"),
            (408, "TIMED_OUT"),
            (409, "CONCURRENT_CHANGE"),
            (423, "RESOURCE_BUSY"),
            (429, "SERVICE_UNAVAILABLE"),
            (500, "INTERNAL_SERVER_ERROR"),
            (503, "SERVICE_UNAVAILABLE"),
            (504, "TIMED_OUT"),
            (507, "UNABLE_TO_ALLOCATE_RESOURCE"),
            (418, "ERROR"),
            (502, "ERROR"),
        ];
        for (status, expected) in cases {
            assert_eq!(error_type_for_status(status), Some(expected), "{status}");
        }
        assert_eq!(error_type_for_status(302), None);
        assert_eq!(error_type_for_status(200), None);
    }

    #[test]
    fn api_form() {
        let body = json!({
            "error_type": "NOT_FOUND",
            "messages": [{"id": "vm.not.found", "default_message": "VM vm-1 not found", "args": ["vm-1"]}],
            "data": {"x": 1}
        });
        let error = error_from_response(404, body.to_string().as_bytes());
        assert_eq!(error.status(), 404);
        assert_eq!(error.error_type(), Some("NOT_FOUND"));
        assert_eq!(error.messages(), ["VM vm-1 not found"]);
        assert_eq!(error.value(), Some(&body));
        assert_eq!(error.excerpt(), None);
        assert_eq!(error.to_string(), "NOT_FOUND: VM vm-1 not found");
    }

    #[test]
    fn rest_form_is_unwrapped_into_the_api_shape() {
        let body = json!({
            "type": "com.vmware.vapi.std.errors.already_exists",
            "value": {"messages": [{"id": "a", "default_message": "exists", "args": []}]}
        });
        let error = error_from_response(400, body.to_string().as_bytes());
        assert_eq!(error.error_type(), Some("ALREADY_EXISTS"));
        assert_eq!(error.messages(), ["exists"]);
        assert_eq!(
            error.value(),
            Some(&json!({
                "error_type": "ALREADY_EXISTS",
                "messages": [{"id": "a", "default_message": "exists", "args": []}]
            }))
        );
    }

    #[test]
    fn typed_view() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Message {
            id: String,
            default_message: String,
        }
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct NotFound {
            messages: Vec<Message>,
            data: Option<Value>,
        }
        let error = error_from_response(
            404,
            br#"{"type": "com.vmware.vapi.std.errors.not_found", "value": {"messages": ["gone"]}}"#,
        );
        let typed: NotFound = error.decode().unwrap();
        assert_eq!(
            typed,
            NotFound {
                messages: vec![Message {
                    id: String::new(),
                    default_message: "gone".to_owned()
                }],
                data: None,
            }
        );
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Other {
            required: String,
        }
        assert!(error.decode::<Other>().is_none());
    }

    #[test]
    fn lenient_bodies() {
        let strings = error_from_response(
            400,
            br#"{"error_type": "INVALID_ARGUMENT", "messages": ["bad spec"]}"#,
        );
        assert_eq!(strings.messages(), ["bad spec"]);

        let single = error_from_response(400, br#"{"error_type": "X", "messages": "only one"}"#);
        assert_eq!(single.messages(), ["only one"]);

        let no_text = error_from_response(400, br#"{"messages": [{"id": "msg.id", "args": [1]}]}"#);
        assert_eq!(no_text.messages(), ["msg.id"]);
        // No discriminator in the body: the status supplies it.
        assert_eq!(no_text.error_type(), Some("INVALID_REQUEST"));
        assert_eq!(
            no_text.value().unwrap()["error_type"],
            json!("INVALID_REQUEST")
        );

        let text = error_from_response(404, b"404 page not found\n");
        assert_eq!(text.error_type(), Some("NOT_FOUND"));
        assert_eq!(text.excerpt(), Some("404 page not found"));
        assert!(text.messages().is_empty());
        assert_eq!(text.to_string(), "NOT_FOUND (HTTP 404): 404 page not found");

        let empty = error_from_response(401, b"");
        assert_eq!(empty.error_type(), Some("UNAUTHENTICATED"));
        assert_eq!(empty.excerpt(), None);
        assert_eq!(
            empty.value(),
            Some(&json!({"error_type": "UNAUTHENTICATED", "messages": []}))
        );

        let null = error_from_response(500, b"null");
        assert_eq!(
            null.value(),
            Some(&json!({"error_type": "INTERNAL_SERVER_ERROR", "messages": []}))
        );

        let other_json = error_from_response(500, br#"{"oops": true}"#);
        assert_eq!(other_json.error_type(), Some("INTERNAL_SERVER_ERROR"));
        assert_eq!(other_json.value().unwrap()["data"], json!({"oops": true}));
        assert_eq!(other_json.excerpt(), None);
    }

    #[test]
    fn task_errors() {
        let api = json!({"error_type": "RESOURCE_IN_USE", "messages": ["busy"]});
        let error = error_from_task(200, Some(&api));
        assert_eq!(error.error_type(), Some("RESOURCE_IN_USE"));
        assert_eq!(error.messages(), ["busy"]);
        let rest = json!({"type": "com.vmware.vapi.std.errors.canceled", "value": {}});
        assert_eq!(
            error_from_task(200, Some(&rest)).error_type(),
            Some("CANCELED")
        );
        let missing = error_from_task(200, None);
        assert_eq!(missing.error_type(), None);
        assert_eq!(missing.value(), None);
        assert_eq!(missing.to_string(), "error without a type");
    }

    #[test]
    fn type_names_are_shortened_and_the_error_stays_small() {
        assert_eq!(
            short_type_name(
                "alloc::vec::Vec<std::collections::HashMap<alloc::string::String, a::b::Info>>"
            ),
            "Vec<HashMap<String, Info>>"
        );
        assert_eq!(short_type_name("a session token"), "a session token");
        // Callers keep `Error` inside their own error types and results.
        assert!(
            std::mem::size_of::<Error>() <= 104,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn excerpt_is_bounded_and_utf8_safe() {
        let body = "é".repeat(2000);
        let cut = excerpt(body.as_bytes());
        assert!(cut.len() <= EXCERPT_LIMIT + '…'.len_utf8());
        assert!(cut.ends_with('…'));
        // Invalid UTF-8 and whitespace runs.
        assert_eq!(
            excerpt(b"<html>\n  <body>\xff</body>"),
            "<html> <body>\u{fffd}</body>"
        );
    }
}
