//! [`Call`]: one operation call, from its parameters to its decoded result.

use std::fmt;
use std::time::Instant;

use http::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tracing::Instrument as _;

use super::session::{SessionEndpoint, api_error, session_header};
use super::url::request_url;
use super::{Client, SESSION_HEADER, finish_request};
use crate::encode::{self, Wire};
use crate::error::{self, Error, Result};
use crate::ids::TaskId;
use crate::retry::RetryPolicy;
use crate::spec::{HttpMethod, HttpRoute, Idempotency, OperationSpec};
use crate::task::Task;
use crate::transport::{HttpResponse, ParsedUrl};
use crate::types::{self, Secret};

/// One operation call being assembled; created by [`Client::operation`].
#[must_use = "a call does nothing until `send` is awaited"]
pub struct Call {
    pub(super) client: Client,
    pub(super) spec: &'static OperationSpec,
    pub(super) route: Option<(Wire, HttpRoute)>,
    pub(super) params: Vec<(&'static str, Value)>,
    /// The `/rest` route and parameters serialized for it, when the `/api`
    /// route is tentative (see [`Protocol::Auto`]).
    pub(super) fallback: Option<(HttpRoute, Vec<(&'static str, Value)>)>,
    pub(super) error: Option<Error>,
    /// This call's retry policy, when it differs from the handle's.
    pub(super) retry: Option<RetryPolicy>,
    /// Whether the caller declared the call idempotent (or not), overriding
    /// the operation's [`Idempotency`].
    pub(super) idempotent: Option<bool>,
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameter values may contain secrets; list names only.
        f.debug_struct("Call")
            .field("service", &self.spec.service_id)
            .field("operation", &self.spec.operation_id)
            .field(
                "params",
                &self
                    .params
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Call {
    /// Retries this call by `policy` instead of the client's (see
    /// [`RetryPolicy`]); `RetryPolicy::never()` sends it once.
    pub fn retry(mut self, policy: RetryPolicy) -> Call {
        self.retry = Some(policy);
        self
    }

    /// Declares whether repeating this call after an attempt whose effect is
    /// unknown (a reset, a 503) is harmless, overriding what the operation's
    /// [`Idempotency`] says: e.g. `true` for an action the caller knows to
    /// be idempotent. Failures to connect are retried either way.
    pub fn idempotent(mut self, idempotent: bool) -> Call {
        self.idempotent = Some(idempotent);
        self
    }

    /// Whether an attempt that may have been applied may be repeated: as
    /// declared with [`Call::idempotent`], else as the operation's
    /// [`Idempotency`] says for the parameters given, else for a `GET`.
    fn is_idempotent(&self, method: HttpMethod) -> bool {
        if let Some(declared) = self.idempotent {
            return declared;
        }
        match self.spec.idempotency {
            Idempotency::Safe => true,
            Idempotency::WithToken(token) => self.params.iter().any(|(name, _)| *name == token),
            Idempotency::None => method == HttpMethod::Get,
        }
    }

    /// Adds a parameter by its wire name. The value is serialized right away
    /// for the chosen protocol; a failure is reported by [`Call::send`]. A
    /// value serializing to `null` (an unset optional) is left out.
    pub fn param<T: Serialize + ?Sized>(mut self, wire_name: &'static str, value: &T) -> Call {
        if self.error.is_some() {
            return self;
        }
        let serialized = match self.route {
            Some((Wire::Rest, _)) => types::to_rest_value(value),
            _ => types::to_api_value(value),
        };
        if let Some((_, fallback_params)) = &mut self.fallback {
            match types::to_rest_value(value) {
                Ok(Value::Null) => {}
                Ok(value) => {
                    fallback_params.retain(|(name, _)| *name != wire_name);
                    fallback_params.push((wire_name, value));
                }
                // Without the parameter the fallback cannot be sent.
                Err(_) => self.fallback = None,
            }
        }
        match serialized {
            Ok(Value::Null) => {}
            Ok(value) => {
                self.params.retain(|(name, _)| *name != wire_name);
                self.params.push((wire_name, value));
            }
            Err(source) => {
                self.error = Some(Error::Serialize {
                    service: self.spec.service_id.to_owned(),
                    operation: self.spec.operation_id.to_owned(),
                    param: wire_name.to_owned(),
                    source,
                });
            }
        }
        self
    }

    /// Sends the request and decodes the result. `T = ()` accepts an empty
    /// body, `204 No Content` and `{"value": null}`.
    ///
    /// When the server reports an expired session and credentials are known,
    /// the client logs in again (once, shared with concurrent requests) and
    /// repeats the request once.
    ///
    /// An operation that some of the generated crate's releases lack is
    /// refused with [`Error::NotInRelease`], before anything is sent, when
    /// the server's release lacks it (learned once per client, see
    /// [`Client::supports`]).
    pub async fn send<T: DeserializeOwned>(mut self) -> Result<T> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        if let Some(refusal) = self.client.refusal(self.spec).await {
            return Err(refusal);
        }
        self.send_value().await
    }

    /// [`Call::send`] without asking whether the server's release has the
    /// operation: for the requests that find out the release.
    pub(crate) async fn send_unrefused<T: DeserializeOwned>(mut self) -> Result<T> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.send_value().await
    }

    /// Sends the `$task` variant of an operation: the server answers with
    /// the identifier of the task it started, which comes back as a [`Task`]
    /// to wait for or cancel.
    pub async fn send_task<T: DeserializeOwned>(self) -> Result<Task<T>> {
        let client = self.client.clone();
        let id: TaskId = self.send().await?;
        Ok(Task::new(&client, id))
    }

    async fn send_value<T: DeserializeOwned>(&self) -> Result<T> {
        let spec = self.spec;
        let invalid = |message: String| Error::InvalidRequest {
            service: spec.service_id.to_owned(),
            operation: spec.operation_id.to_owned(),
            message,
        };
        let Some((mut wire, mut route)) = self.route else {
            return Err(invalid("no route".to_owned()));
        };
        let mut params = &self.params;
        // The server may have been found to lack /api since the call was
        // created.
        if let Some((rest_route, rest_params)) = &self.fallback {
            if self.client.known_endpoint() == Some(SessionEndpoint::Rest) {
                (wire, route, params) = (Wire::Rest, *rest_route, rest_params);
            }
        }
        let mut prepared = encode::prepare(&route, wire, params).map_err(invalid)?;
        let mut url =
            request_url(&self.client.inner.base, &prepared.path_and_query).map_err(invalid)?;
        let span = tracing::debug_span!(
            "vapi_request",
            service = spec.service_id,
            operation = spec.operation_id,
            method = prepared.method.as_str(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            relogin = false,
            rerouted = false,
        );
        async {
            let started = Instant::now();
            let (token, generation, has_credentials) = self.client.session_snapshot();
            let mut response = self.execute(&prepared, &url, token.as_ref()).await?;
            if let Some((rest_route, rest_params)) = &self.fallback {
                if wire == Wire::Api
                    && route_missing(&response)
                    && self.client.discover_endpoint().await? == SessionEndpoint::Rest
                {
                    tracing::debug!("the server has no /api; sending the call over /rest");
                    tracing::Span::current().record("rerouted", true);
                    wire = Wire::Rest;
                    prepared = encode::prepare(rest_route, wire, rest_params).map_err(invalid)?;
                    url = request_url(&self.client.inner.base, &prepared.path_and_query)
                        .map_err(invalid)?;
                    response = self.execute(&prepared, &url, token.as_ref()).await?;
                }
            }
            if response.status() == http::StatusCode::UNAUTHORIZED
                && has_credentials
                && self.client.renew_session(generation).await?
            {
                tracing::Span::current().record("relogin", true);
                let (token, _, _) = self.client.session_snapshot();
                response = self.execute(&prepared, &url, token.as_ref()).await?;
            }
            let span = tracing::Span::current();
            span.record("status", response.status().as_u16());
            span.record(
                "latency_ms",
                u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            );
            tracing::debug!(status = response.status().as_u16(), "vAPI request finished");
            decode_response(spec, wire, response)
        }
        .instrument(span)
        .await
    }

    async fn execute(
        &self,
        prepared: &encode::Prepared,
        url: &reqwest::Url,
        token: Option<&Secret>,
    ) -> Result<HttpResponse> {
        let method = match prepared.method {
            HttpMethod::Get => http::Method::GET,
            HttpMethod::Post => http::Method::POST,
            HttpMethod::Put => http::Method::PUT,
            HttpMethod::Patch => http::Method::PATCH,
            HttpMethod::Delete => http::Method::DELETE,
        };
        let mut request = self.client.request(method, url.as_str());
        if let Some(token) = token {
            request = request.header(SESSION_HEADER, session_header(token)?);
        }
        for (name, value) in &prepared.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| self.invalid(format!("`{name}` is not a valid header name")))?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                self.invalid(format!(
                    "value of header `{name}` contains characters not allowed in a header"
                ))
            })?;
            request = request.header(header_name, header_value);
        }
        let mut body = Vec::new();
        if let Some(value) = &prepared.body {
            body = serde_json::to_vec(value).map_err(|source| Error::Serialize {
                service: self.spec.service_id.to_owned(),
                operation: self.spec.operation_id.to_owned(),
                param: "(request body)".to_owned(),
                source,
            })?;
            request = request.header(http::header::CONTENT_TYPE, "application/json");
        }
        let context = format!("{}.{}", self.spec.service_id, self.spec.operation_id);
        let mut request = finish_request(request, body, &context)?;
        let parsed = ParsedUrl {
            uri: request.uri().clone(),
            url: url.clone(),
        };
        request.extensions_mut().insert(parsed);
        let policy = self.retry.as_ref().unwrap_or(self.client.retry_policy());
        let idempotent = self.is_idempotent(prepared.method);
        self.client
            .exchange_with(request, &context, policy, idempotent)
            .await
    }

    fn invalid(&self, message: String) -> Error {
        Error::InvalidRequest {
            service: self.spec.service_id.to_owned(),
            operation: self.spec.operation_id.to_owned(),
            message,
        }
    }
}

fn decode_response<T: DeserializeOwned>(
    spec: &OperationSpec,
    wire: Wire,
    response: HttpResponse,
) -> Result<T> {
    let status = response.status().as_u16();
    let body = response.into_body();
    if !(200..300).contains(&status) {
        if (400..600).contains(&status) {
            return Err(api_error(spec.service_id, spec.operation_id, status, &body));
        }
        return Err(Error::UnexpectedStatus {
            service: spec.service_id.to_owned(),
            operation: spec.operation_id.to_owned(),
            status,
            excerpt: error::excerpt(&body),
        });
    }
    let decode_error = |source: serde_json::Error| Error::Decode {
        service: spec.service_id.to_owned(),
        operation: spec.operation_id.to_owned(),
        status,
        expected: std::any::type_name::<T>(),
        excerpt: error::excerpt(&body).into(),
        source,
    };
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(decode_error)?
    };
    let value = match (wire, value) {
        // /rest wraps every result; a body without the wrapper (void
        // operations answering `{}`) carries no result.
        (Wire::Rest, Value::Object(mut object)) => object.remove("value").unwrap_or(Value::Null),
        (_, value) => value,
    };
    decode_value(value).map_err(decode_error)
}

/// Decodes a result value. Some servers (govmomi's simulator among them)
/// answer an empty list as `null`; null is read as the empty collection
/// before the result is called malformed.
pub(crate) fn decode_value<T: DeserializeOwned>(value: Value) -> serde_json::Result<T> {
    let was_null = value.is_null();
    match serde_json::from_value(value) {
        Ok(decoded) => Ok(decoded),
        Err(err) if was_null => serde_json::from_value(Value::Array(Vec::new())).map_err(|_| err),
        Err(err) => Err(err),
    }
}

/// True when an answer says the route does not exist on the server (a 404,
/// 405 or 501 without a vAPI error body), as opposed to a vAPI error such as
/// `NOT_FOUND` for a missing object.
fn route_missing(response: &HttpResponse) -> bool {
    let status = response.status().as_u16();
    matches!(status, 404 | 405 | 501)
        && error::error_from_response(status, response.body()).is_from_status()
}
