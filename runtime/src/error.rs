//! The runtime's error type and the decoding of vAPI standard errors.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::VapiMap;

/// Result type of every fallible runtime and generated-client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest body excerpt kept in an error, in bytes.
const EXCERPT_LIMIT: usize = 512;

/// Kind of a vAPI standard error (`com.vmware.vapi.std.errors.*`).
///
/// On `/api` the kind travels as the `error_type` discriminator
/// (`NOT_FOUND`), on `/rest` as the `type` identifier
/// (`com.vmware.vapi.std.errors.not_found`). When a response carries neither
/// (a proxy page, an empty 401), the kind is derived from the HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ALREADY_EXISTS`
    AlreadyExists,
    /// `ALREADY_IN_DESIRED_STATE`
    AlreadyInDesiredState,
    /// `CANCELED`
    Canceled,
    /// `CONCURRENT_CHANGE`
    ConcurrentChange,
    /// `ERROR`: the generic error.
    Error,
    /// `FEATURE_IN_USE`
    FeatureInUse,
    /// `INTERNAL_SERVER_ERROR`
    InternalServerError,
    /// `INVALID_ARGUMENT`
    InvalidArgument,
    /// `INVALID_ELEMENT_CONFIGURATION`
    InvalidElementConfiguration,
    /// `INVALID_ELEMENT_TYPE`
    InvalidElementType,
    /// `INVALID_REQUEST`
    InvalidRequest,
    /// `NOT_ALLOWED_IN_CURRENT_STATE`
    NotAllowedInCurrentState,
    /// `NOT_FOUND`
    NotFound,
    /// `OPERATION_NOT_FOUND`
    OperationNotFound,
    /// `RESOURCE_BUSY`
    ResourceBusy,
    /// `RESOURCE_IN_USE`
    ResourceInUse,
    /// `RESOURCE_INACCESSIBLE`
    ResourceInaccessible,
    /// `SERVICE_UNAVAILABLE`
    ServiceUnavailable,
    /// `TIMED_OUT`
    TimedOut,
    /// `UNABLE_TO_ALLOCATE_RESOURCE`
    UnableToAllocateResource,
    /// `UNAUTHENTICATED`
    Unauthenticated,
    /// `UNAUTHORIZED`
    Unauthorized,
    /// `UNEXPECTED_INPUT`
    UnexpectedInput,
    /// `UNSUPPORTED`
    Unsupported,
    /// `UNVERIFIED_PEER`
    UnverifiedPeer,
    /// An error type this client does not know: the discriminator or error
    /// identifier as sent (service-specific errors, newer servers).
    Unknown(String),
}

/// (kind, `error_type` discriminator, snake-case suffix of the identifier)
const KINDS: &[(ErrorKind, &str, &str)] = &[
    (ErrorKind::AlreadyExists, "ALREADY_EXISTS", "already_exists"),
    (
        ErrorKind::AlreadyInDesiredState,
        "ALREADY_IN_DESIRED_STATE",
        "already_in_desired_state",
    ),
    (ErrorKind::Canceled, "CANCELED", "canceled"),
    (
        ErrorKind::ConcurrentChange,
        "CONCURRENT_CHANGE",
        "concurrent_change",
    ),
    (ErrorKind::Error, "ERROR", "error"),
    (ErrorKind::FeatureInUse, "FEATURE_IN_USE", "feature_in_use"),
    (
        ErrorKind::InternalServerError,
        "INTERNAL_SERVER_ERROR",
        "internal_server_error",
    ),
    (
        ErrorKind::InvalidArgument,
        "INVALID_ARGUMENT",
        "invalid_argument",
    ),
    (
        ErrorKind::InvalidElementConfiguration,
        "INVALID_ELEMENT_CONFIGURATION",
        "invalid_element_configuration",
    ),
    (
        ErrorKind::InvalidElementType,
        "INVALID_ELEMENT_TYPE",
        "invalid_element_type",
    ),
    (
        ErrorKind::InvalidRequest,
        "INVALID_REQUEST",
        "invalid_request",
    ),
    (
        ErrorKind::NotAllowedInCurrentState,
        "NOT_ALLOWED_IN_CURRENT_STATE",
        "not_allowed_in_current_state",
    ),
    (ErrorKind::NotFound, "NOT_FOUND", "not_found"),
    (
        ErrorKind::OperationNotFound,
        "OPERATION_NOT_FOUND",
        "operation_not_found",
    ),
    (ErrorKind::ResourceBusy, "RESOURCE_BUSY", "resource_busy"),
    (
        ErrorKind::ResourceInUse,
        "RESOURCE_IN_USE",
        "resource_in_use",
    ),
    (
        ErrorKind::ResourceInaccessible,
        "RESOURCE_INACCESSIBLE",
        "resource_inaccessible",
    ),
    (
        ErrorKind::ServiceUnavailable,
        "SERVICE_UNAVAILABLE",
        "service_unavailable",
    ),
    (ErrorKind::TimedOut, "TIMED_OUT", "timed_out"),
    (
        ErrorKind::UnableToAllocateResource,
        "UNABLE_TO_ALLOCATE_RESOURCE",
        "unable_to_allocate_resource",
    ),
    (
        ErrorKind::Unauthenticated,
        "UNAUTHENTICATED",
        "unauthenticated",
    ),
    (ErrorKind::Unauthorized, "UNAUTHORIZED", "unauthorized"),
    (
        ErrorKind::UnexpectedInput,
        "UNEXPECTED_INPUT",
        "unexpected_input",
    ),
    (ErrorKind::Unsupported, "UNSUPPORTED", "unsupported"),
    (
        ErrorKind::UnverifiedPeer,
        "UNVERIFIED_PEER",
        "unverified_peer",
    ),
];

const STD_ERROR_PREFIX: &str = "com.vmware.vapi.std.errors.";

impl ErrorKind {
    /// From an `/api` `error_type` discriminator (`NOT_FOUND`).
    pub fn from_error_type(error_type: &str) -> ErrorKind {
        KINDS
            .iter()
            .find(|(_, discriminator, _)| discriminator.eq_ignore_ascii_case(error_type))
            .map_or_else(
                || ErrorKind::Unknown(error_type.to_owned()),
                |(kind, _, _)| kind.clone(),
            )
    }

    /// From a `/rest` error identifier
    /// (`com.vmware.vapi.std.errors.not_found`). Identifiers outside the
    /// standard errors become [`ErrorKind::Unknown`].
    pub fn from_error_id(id: &str) -> ErrorKind {
        id.strip_prefix(STD_ERROR_PREFIX)
            .and_then(|suffix| KINDS.iter().find(|(_, _, name)| *name == suffix))
            .map_or_else(
                || ErrorKind::Unknown(id.to_owned()),
                |(kind, _, _)| kind.clone(),
            )
    }

    /// The standard error an HTTP status stands for when a response carries
    /// no error type, following the vAPI REST status mapping. `None` for
    /// statuses that are not errors.
    pub fn from_status(status: u16) -> Option<ErrorKind> {
        let kind = match status {
            400 | 405 | 406 | 411..=415 | 417 | 422 | 424 | 426 | 431 => ErrorKind::InvalidRequest,
            401 | 407 => ErrorKind::Unauthenticated,
            402 | 403 => ErrorKind::Unauthorized,
            404 | 410 => ErrorKind::NotFound,
            408 | 504 => ErrorKind::TimedOut,
            409 | 428 => ErrorKind::ConcurrentChange,
            416 => ErrorKind::ResourceInaccessible,
            423 => ErrorKind::ResourceBusy,
            429 | 502 | 503 => ErrorKind::ServiceUnavailable,
            500 => ErrorKind::InternalServerError,
            501 => ErrorKind::Unsupported,
            400..=599 => ErrorKind::Error,
            _ => return None,
        };
        Some(kind)
    }

    /// The `/api` discriminator (`NOT_FOUND`), or the raw string for
    /// [`ErrorKind::Unknown`].
    pub fn as_str(&self) -> &str {
        if let ErrorKind::Unknown(raw) = self {
            return raw;
        }
        KINDS
            .iter()
            .find(|(kind, _, _)| kind == self)
            .map_or("ERROR", |(_, discriminator, _)| discriminator)
    }

    /// The full vAPI identifier (`com.vmware.vapi.std.errors.not_found`), or
    /// the raw string for [`ErrorKind::Unknown`].
    pub fn error_id(&self) -> String {
        if let ErrorKind::Unknown(raw) = self {
            return raw.clone();
        }
        KINDS.iter().find(|(kind, _, _)| kind == self).map_or_else(
            || format!("{STD_ERROR_PREFIX}error"),
            |(_, _, name)| format!("{STD_ERROR_PREFIX}{name}"),
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A message that can be shown to people, possibly in their language
/// (`com.vmware.vapi.std.localizable_message`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalizableMessage {
    /// Identifier of the message template.
    #[serde(default)]
    pub id: String,
    /// The message in English, with arguments substituted.
    #[serde(default)]
    pub default_message: String,
    /// Positional arguments (as strings).
    #[serde(default)]
    pub args: Vec<String>,
    /// Named, typed arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<VapiMap<String, LocalizationParam>>,
    /// The message localized to the requested language, when the server did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<String>,
}

impl fmt::Display for LocalizableMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.localized, self.default_message.is_empty()) {
            (Some(localized), _) if !localized.is_empty() => f.write_str(localized),
            (_, false) => f.write_str(&self.default_message),
            _ => f.write_str(&self.id),
        }
    }
}

/// One typed argument of a [`LocalizableMessage`]
/// (`com.vmware.vapi.std.localization_param`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalizationParam {
    /// String value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s: Option<String>,
    /// Date-time value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dt: Option<crate::types::DateTime>,
    /// Integer value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i: Option<i64>,
    /// Floating point value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<f64>,
    /// Nested message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub l: Option<NestedLocalizableMessage>,
    /// Formatting hint for dates and numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Number of fractional digits for `d`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<i64>,
}

/// A message nested in a [`LocalizationParam`]
/// (`com.vmware.vapi.std.nested_localizable_message`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NestedLocalizableMessage {
    /// Identifier of the message template.
    #[serde(default)]
    pub id: String,
    /// Named, typed arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<VapiMap<String, LocalizationParam>>,
}

/// A vAPI standard error reported by the server (or derived from the HTTP
/// status when the server sent no error body).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// Which standard error.
    pub kind: ErrorKind,
    /// HTTP status of the response, when the error came from a response
    /// (errors of a failed task have none).
    pub status: Option<u16>,
    /// Stack of messages; the first describes the error from the point of view
    /// of the invoked operation, the following ones its causes.
    pub messages: Vec<LocalizableMessage>,
    /// Operation-specific error data (`data`), `Value::Null` when absent.
    pub data: Value,
    /// Start of the response body when it was not a standard error (HTML from
    /// a proxy, plain text); bounded in size.
    pub body_excerpt: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(first) = self.messages.first() {
            write!(f, ": {first}")?;
        } else if let Some(excerpt) = &self.body_excerpt {
            if !excerpt.is_empty() {
                write!(f, ": {excerpt}")?;
            }
        }
        Ok(())
    }
}

/// Every error the runtime and the generated client return.
///
/// Server-reported standard errors are [`Error::Api`]; the other variants
/// describe failures to build a request, reach the server or understand its
/// answer. No variant ever holds a password or session token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A vAPI standard error from `service.operation`.
    #[error("{service}.{operation} failed: {error}")]
    Api {
        /// Service identifier (`com.vmware.vcenter.vm.tools`).
        service: String,
        /// Operation identifier (`upgrade`).
        operation: String,
        /// The error itself.
        error: Box<ApiError>,
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
    #[error(
        "{service}.{operation}: cannot decode response (HTTP {status}): {source}; body starts with: {excerpt}"
    )]
    Decode {
        /// Service identifier.
        service: String,
        /// Operation identifier.
        operation: String,
        /// HTTP status.
        status: u16,
        /// Start of the body (bounded, valid UTF-8).
        excerpt: String,
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
    /// The TLS handshake failed (untrusted certificate, thumbprint mismatch).
    #[error("{context}: TLS failure: {message}")]
    Tls {
        /// What was being done.
        context: String,
        /// The TLS library's description.
        message: String,
    },
    /// Any other failure to exchange HTTP messages with the server.
    #[error("{context}: transport error: {source}")]
    Transport {
        /// What was being done.
        context: String,
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
        task_id: String,
        /// How long the client waited.
        waited: Duration,
        /// The task status seen last (`RUNNING`, ...).
        last_status: String,
    },
    /// A task failed; its error as reported by the task service.
    #[error("task {task_id} failed: {error}")]
    TaskFailed {
        /// The task identifier.
        task_id: String,
        /// The task's error.
        error: Box<ApiError>,
    },
}

impl Error {
    /// The standard error carried by this error ([`Error::Api`] or
    /// [`Error::TaskFailed`]).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api { error, .. } | Error::TaskFailed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The standard error kind, when this is a server-reported error.
    pub fn kind(&self) -> Option<&ErrorKind> {
        self.api_error().map(|error| &error.kind)
    }

    /// True when this is a server-reported error of the given kind.
    pub fn is_kind(&self, kind: &ErrorKind) -> bool {
        self.kind() == Some(kind)
    }

    /// The HTTP status of the response this error came from, if any.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { error, .. } => error.status,
            Error::UnexpectedStatus { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's messages (empty when there are none).
    pub fn messages(&self) -> &[LocalizableMessage] {
        self.api_error().map_or(&[], |error| &error.messages)
    }

    /// True for timeouts of the transport or of a task wait.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::TaskTimeout { .. })
            || self.is_kind(&ErrorKind::TimedOut)
    }
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

/// Reads one message leniently: a proper object, or a bare string (some
/// components and proxies send those).
fn lenient_message(value: &Value) -> Option<LocalizableMessage> {
    match value {
        Value::String(text) => Some(LocalizableMessage {
            default_message: text.clone(),
            ..LocalizableMessage::default()
        }),
        Value::Object(map) => {
            if let Ok(message) = serde_json::from_value::<LocalizableMessage>(value.clone()) {
                return Some(message);
            }
            // A message whose optional parts are malformed still has a useful
            // id and text.
            let text = |key: &str| {
                map.get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let args = map
                .get("args")
                .and_then(Value::as_array)
                .map(|args| {
                    args.iter()
                        .map(|arg| arg.as_str().map_or_else(|| arg.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            Some(LocalizableMessage {
                id: text("id"),
                default_message: text("default_message"),
                args,
                params: None,
                localized: map
                    .get("localized")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            })
        }
        _ => None,
    }
}

fn lenient_messages(value: Option<&Value>) -> Vec<LocalizableMessage> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(lenient_message).collect(),
        Some(single @ (Value::String(_) | Value::Object(_))) => {
            lenient_message(single).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// Interprets a JSON value as a standard error, in either wire form:
/// `/api` `{"error_type": "NOT_FOUND", "messages": [...], "data": ...}` or
/// `/rest` `{"type": "com.vmware.vapi.std.errors.not_found", "value": {...}}`.
/// Returns `None` when the value has neither a discriminator nor messages.
pub(crate) fn parse_std_error(value: &Value, status: Option<u16>) -> Option<ApiError> {
    let object = value.as_object()?;
    // /rest wraps the error fields in "value" next to the identifier.
    if let Some(type_id) = object.get("type").and_then(Value::as_str) {
        let inner = object.get("value").unwrap_or(&Value::Null);
        let mut error = parse_std_error(inner, status).unwrap_or_else(|| ApiError {
            kind: ErrorKind::Error,
            status,
            messages: Vec::new(),
            data: Value::Null,
            body_excerpt: None,
        });
        error.kind = ErrorKind::from_error_id(type_id);
        return Some(error);
    }
    let kind = object
        .get("error_type")
        .and_then(Value::as_str)
        .map(ErrorKind::from_error_type);
    let messages = lenient_messages(object.get("messages"));
    if kind.is_none() && !object.contains_key("messages") {
        return None;
    }
    let kind = kind
        .or_else(|| status.and_then(ErrorKind::from_status))
        .unwrap_or(ErrorKind::Error);
    Some(ApiError {
        kind,
        status,
        messages,
        data: object.get("data").cloned().unwrap_or(Value::Null),
        body_excerpt: None,
    })
}

/// Builds the error for a non-success response: the standard error when the
/// body is one, otherwise the status-derived kind with a body excerpt.
pub(crate) fn error_from_response(status: u16, body: &[u8]) -> ApiError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    if let Some(error) = parsed
        .as_ref()
        .and_then(|value| parse_std_error(value, Some(status)))
    {
        return error;
    }
    ApiError {
        kind: ErrorKind::from_status(status).unwrap_or(ErrorKind::Error),
        status: Some(status),
        messages: Vec::new(),
        // A JSON body that is not a standard error may still help the caller.
        data: parsed.unwrap_or(Value::Null),
        body_excerpt: Some(excerpt(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_round_trip() {
        for (kind, discriminator, name) in KINDS {
            assert_eq!(&ErrorKind::from_error_type(discriminator), kind);
            assert_eq!(
                &ErrorKind::from_error_id(&format!("{STD_ERROR_PREFIX}{name}")),
                kind
            );
            assert_eq!(kind.as_str(), *discriminator);
            assert_eq!(kind.error_id(), format!("{STD_ERROR_PREFIX}{name}"));
        }
        assert_eq!(
            ErrorKind::from_error_id("com.vmware.vcenter.custom"),
            ErrorKind::Unknown("com.vmware.vcenter.custom".to_owned())
        );
        assert_eq!(
            ErrorKind::from_error_type("SOMETHING_NEW").as_str(),
            "SOMETHING_NEW"
        );
    }

    #[test]
    fn status_fallback() {
        assert_eq!(
            ErrorKind::from_status(401),
            Some(ErrorKind::Unauthenticated)
        );
        assert_eq!(ErrorKind::from_status(403), Some(ErrorKind::Unauthorized));
        assert_eq!(ErrorKind::from_status(404), Some(ErrorKind::NotFound));
        assert_eq!(
            ErrorKind::from_status(409),
            Some(ErrorKind::ConcurrentChange)
        );
        assert_eq!(
            ErrorKind::from_status(503),
            Some(ErrorKind::ServiceUnavailable)
        );
        assert_eq!(ErrorKind::from_status(504), Some(ErrorKind::TimedOut));
        assert_eq!(ErrorKind::from_status(418), Some(ErrorKind::Error));
        assert_eq!(ErrorKind::from_status(302), None);
    }

    #[test]
    fn api_and_rest_forms() {
        let api = json!({
            "error_type": "NOT_FOUND",
            "messages": [{"id": "vm.not.found", "default_message": "VM vm-1 not found", "args": ["vm-1"]}],
            "data": {"x": 1}
        });
        let error = parse_std_error(&api, Some(404)).unwrap();
        assert_eq!(error.kind, ErrorKind::NotFound);
        assert_eq!(error.messages[0].args, vec!["vm-1".to_owned()]);
        assert_eq!(error.data, json!({"x": 1}));

        let rest = json!({
            "type": "com.vmware.vapi.std.errors.already_exists",
            "value": {"messages": [{"id": "a", "default_message": "exists", "args": []}]}
        });
        let error = parse_std_error(&rest, Some(400)).unwrap();
        assert_eq!(error.kind, ErrorKind::AlreadyExists);
        assert_eq!(error.messages[0].default_message, "exists");
    }

    #[test]
    fn lenient_bodies() {
        let strings = json!({"error_type": "INVALID_ARGUMENT", "messages": ["bad spec"]});
        let error = parse_std_error(&strings, Some(400)).unwrap();
        assert_eq!(error.messages[0].default_message, "bad spec");

        let odd_args =
            json!({"messages": [{"id": "x", "default_message": "m", "args": [1, true]}]});
        let error = parse_std_error(&odd_args, Some(400)).unwrap();
        assert_eq!(error.kind, ErrorKind::InvalidRequest);
        assert_eq!(
            error.messages[0].args,
            vec!["1".to_owned(), "true".to_owned()]
        );

        let text = error_from_response(404, b"404 page not found\n");
        assert_eq!(text.kind, ErrorKind::NotFound);
        assert_eq!(text.body_excerpt.as_deref(), Some("404 page not found"));

        let empty = error_from_response(401, b"");
        assert_eq!(empty.kind, ErrorKind::Unauthenticated);

        let other_json = error_from_response(500, br#"{"oops": true}"#);
        assert_eq!(other_json.kind, ErrorKind::InternalServerError);
        assert_eq!(other_json.data, json!({"oops": true}));
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
