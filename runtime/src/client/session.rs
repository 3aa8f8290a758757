//! Sessions: login, logout, transparent re-login, and which session service
//! (`/api/session` or `/rest/com/vmware/cis/session`) the server has.

use std::sync::PoisonError;

use http::HeaderValue;
use serde_json::Value;
use tracing::Instrument as _;

use super::{Client, Protocol, SESSION_HEADER, finish_request};
use crate::error::{self, Error, Result};
use crate::types::Secret;

const API_SESSION_PATH: &str = "/api/session";
const REST_SESSION_PATH: &str = "/rest/com/vmware/cis/session";
const SESSION_SERVICE: &str = "com.vmware.cis.session";

/// Which session service issued the current token; logout and re-login use
/// the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SessionEndpoint {
    Api,
    Rest,
}

impl SessionEndpoint {
    fn path(self) -> &'static str {
        match self {
            SessionEndpoint::Api => API_SESSION_PATH,
            SessionEndpoint::Rest => REST_SESSION_PATH,
        }
    }
}

#[derive(Clone)]
pub(super) struct Credentials {
    pub(super) username: String,
    password: Secret,
}

#[derive(Default)]
pub(super) struct SessionState {
    pub(super) token: Option<Secret>,
    /// The session service the server has, once known: from a login attempt
    /// (successful or not), a logout, or protocol discovery. Kept across
    /// logout and token changes, since it describes the server. Under
    /// [`Protocol::Auto`] it decides the routes of calls.
    pub(super) endpoint: Option<SessionEndpoint>,
    pub(super) credentials: Option<Credentials>,
    /// Incremented whenever the token changes, so that requests that failed
    /// with an old token can tell whether someone already logged in again.
    pub(super) generation: u64,
}

impl Client {
    /// Uses an existing session token (from an earlier login or another
    /// tool). Without credentials the client cannot log in again when the
    /// session expires.
    ///
    /// Under [`Protocol::Auto`] the client does not know yet whether the
    /// server has `/api`; the first call that finds an `/api` route missing
    /// settles it (see [`Protocol::Auto`]), so such a client works on
    /// `/rest`-only servers too, and [`Client::logout`] ends the session at
    /// the session service the server has.
    pub fn with_session_token(self, token: impl Into<Secret>) -> Client {
        self.set_session_token(Some(token.into()));
        self
    }

    /// Replaces (or with `None` forgets) the session token.
    pub fn set_session_token(&self, token: Option<Secret>) {
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = token;
        session.generation += 1;
    }

    /// The current session token, e.g. to hand it to another process.
    pub fn session_token(&self) -> Option<Secret> {
        self.inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .token
            .clone()
    }

    /// Logs in with user name and password and keeps the credentials so an
    /// expired session is renewed transparently (once per failing request).
    ///
    /// Tries `POST /api/session` and, when that service does not exist
    /// (vCenter before 7.0U2, some simulators), `POST
    /// /rest/com/vmware/cis/session`. With [`Protocol::Api`] or
    /// [`Protocol::Rest`] only the matching service is used.
    pub async fn login(&self, username: &str, password: impl Into<Secret>) -> Result<()> {
        let credentials = Credentials {
            username: username.to_owned(),
            password: password.into(),
        };
        let _serialized = self.inner.relogin.lock().await;
        if self.is_closed() {
            return Err(Error::Config(
                "the client was closed; build a new one to log in again".to_owned(),
            ));
        }
        let (token, endpoint) = self.create_session(&credentials).await?;
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = Some(token);
        session.endpoint = Some(endpoint);
        session.credentials = Some(credentials);
        session.generation += 1;
        Ok(())
    }

    /// Ends the session on the server and forgets token and credentials.
    /// A session the server already considers gone is not an error.
    ///
    /// The session service that issued the token is used; for a token handed
    /// in with [`Client::with_session_token`] under [`Protocol::Auto`], that is
    /// `DELETE /api/session`, or `DELETE /rest/com/vmware/cis/session` when the
    /// server turns out not to have the former.
    ///
    /// Which session service the server has is kept: after a fallback to
    /// `/rest`, later calls and logins keep using `/rest` (a call without a
    /// session then fails with `UNAUTHENTICATED`, not with the `NOT_FOUND` of
    /// an `/api` route the server does not have).
    pub async fn logout(&self) -> Result<()> {
        // Not while a login or re-login is under way: it would store its
        // new session after this one ended.
        let _serialized = self.inner.relogin.lock().await;
        self.end_session().await
    }

    /// Ends the client's session on the server, once for all clones, and
    /// ends the client: no login happens afterwards, explicit or after an
    /// expired session. Calls made after it go out without a session and
    /// fail with `UNAUTHENTICATED`.
    ///
    /// Idempotent: closing a closed client (or one without a session) sends
    /// nothing and succeeds, and concurrent calls from several clones send
    /// one logout, which the others wait for. A login or re-login under way
    /// finishes first, so its session is the one ended. An error means the
    /// logout request failed (after the retries the policy allows); the
    /// client is closed all the same and forgets the token, and the server
    /// drops the session when it expires (see [`Client`]).
    pub async fn close(&self) -> Result<()> {
        let _serialized = self.inner.relogin.lock().await;
        self.inner
            .closed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.end_session().await
    }

    /// True once [`Client::close`] was called on any clone.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Logs out; the caller holds the login lock.
    async fn end_session(&self) -> Result<()> {
        let (token, endpoint) = {
            let mut session = self
                .inner
                .session
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let token = session.token.take();
            let endpoint = session.endpoint;
            session.credentials = None;
            session.generation += 1;
            (token, endpoint)
        };
        let Some(token) = token else {
            return Ok(());
        };
        let order: &[SessionEndpoint] = match (endpoint, self.inner.protocol) {
            (Some(SessionEndpoint::Api), _) | (None, Protocol::Api) => &[SessionEndpoint::Api],
            (Some(SessionEndpoint::Rest), _) | (None, Protocol::Rest) => &[SessionEndpoint::Rest],
            // A token handed in from elsewhere, server not known yet.
            (None, Protocol::Auto) => &[SessionEndpoint::Api, SessionEndpoint::Rest],
        };
        let mut last_error = None;
        for endpoint in order {
            let url = format!("{}{}", self.inner.base, endpoint.path());
            const CONTEXT: &str = "com.vmware.cis.session.delete";
            let request = self
                .request(http::Method::DELETE, &url)
                .header(SESSION_HEADER, session_header(&token)?);
            // Ending a session twice is harmless: a gone session is success.
            let response = self
                .exchange(finish_request(request, Vec::new(), CONTEXT)?, CONTEXT, true)
                .await?;
            let error = match response.status().as_u16() {
                200..=299 | 401 => None,
                status => Some(api_error(
                    SESSION_SERVICE,
                    "delete",
                    status,
                    response.body(),
                )),
            };
            match error {
                Some(error) if order.len() > 1 && session_service_missing(&error) => {
                    last_error = Some(error);
                }
                Some(error) => {
                    self.learn_endpoint(*endpoint);
                    return Err(error);
                }
                None => {
                    self.learn_endpoint(*endpoint);
                    return Ok(());
                }
            }
        }
        Err(last_error
            .unwrap_or_else(|| Error::Config("no session service to log out with".to_owned())))
    }

    /// Records which session service the server has, unless known already.
    pub(super) fn learn_endpoint(&self, endpoint: SessionEndpoint) {
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if session.endpoint.is_none() {
            tracing::debug!(endpoint = endpoint.path(), "session service found");
            session.endpoint = Some(endpoint);
        }
    }

    pub(super) fn known_endpoint(&self) -> Option<SessionEndpoint> {
        self.inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .endpoint
    }

    /// Finds out whether the server has the `/api` session service by asking
    /// it for the current session (`GET /api/session`), once per client: a
    /// 404, 405 or 501 without a vAPI error means no, any other answer yes.
    /// See [`Protocol::Auto`].
    pub(super) async fn discover_endpoint(&self) -> Result<SessionEndpoint> {
        let _serialized = self.inner.discovery.lock().await;
        if let Some(known) = self.known_endpoint() {
            return Ok(known);
        }
        let url = format!("{}{}", self.inner.base, API_SESSION_PATH);
        const CONTEXT: &str = "com.vmware.cis.session.get";
        let mut request = self.request(http::Method::GET, &url);
        if let Some(token) = self.session_token() {
            request = request.header(SESSION_HEADER, session_header(&token)?);
        }
        let response = self
            .exchange(finish_request(request, Vec::new(), CONTEXT)?, CONTEXT, true)
            .instrument(tracing::debug_span!(
                "vapi_discover",
                endpoint = API_SESSION_PATH
            ))
            .await?;
        let status = response.status().as_u16();
        let missing = !(200..300).contains(&status)
            && session_service_missing(&api_error(SESSION_SERVICE, "get", status, response.body()));
        let endpoint = if missing {
            SessionEndpoint::Rest
        } else {
            SessionEndpoint::Api
        };
        self.learn_endpoint(endpoint);
        Ok(self.known_endpoint().unwrap_or(endpoint))
    }

    async fn create_session(&self, credentials: &Credentials) -> Result<(Secret, SessionEndpoint)> {
        let known = self
            .inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .endpoint;
        let order: &[SessionEndpoint] = match (known, self.inner.protocol) {
            (_, Protocol::Api) => &[SessionEndpoint::Api],
            (_, Protocol::Rest) | (Some(SessionEndpoint::Rest), Protocol::Auto) => {
                &[SessionEndpoint::Rest]
            }
            (_, Protocol::Auto) => &[SessionEndpoint::Api, SessionEndpoint::Rest],
        };
        let mut last_error = None;
        for endpoint in order {
            let url = format!("{}{}", self.inner.base, endpoint.path());
            const CONTEXT: &str = "com.vmware.cis.session.create";
            let request = self
                .request(http::Method::POST, &url)
                .header(http::header::AUTHORIZATION, basic_auth(credentials)?);
            // A repeated login would leave the first session behind.
            let response = self
                .exchange(
                    finish_request(request, Vec::new(), CONTEXT)?,
                    CONTEXT,
                    false,
                )
                .instrument(tracing::debug_span!(
                    "vapi_login",
                    endpoint = endpoint.path()
                ))
                .await?;
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                let token = parse_token(response.body()).ok_or_else(|| Error::Decode {
                    service: SESSION_SERVICE.to_owned(),
                    operation: "create".to_owned(),
                    status,
                    expected: "a session token",
                    // The body is the token itself: never quote it.
                    excerpt: "(session token response withheld)".into(),
                    source: serde::de::Error::custom("expected a session token string"),
                })?;
                return Ok((token, *endpoint));
            }
            let error = api_error(SESSION_SERVICE, "create", status, response.body());
            if !session_service_missing(&error) {
                // The service exists and refused (bad credentials, say):
                // later calls must go where it lives, and be told
                // UNAUTHENTICATED there rather than NOT_FOUND elsewhere.
                self.learn_endpoint(*endpoint);
                return Err(error);
            }
            tracing::debug!(
                endpoint = endpoint.path(),
                "session service not available, trying the next one"
            );
            last_error = Some(error);
        }
        Err(last_error
            .unwrap_or_else(|| Error::Config("no session service to log in with".to_owned())))
    }

    /// Logs in again with the stored credentials unless another request did
    /// so since `seen_generation`. Returns false when no credentials are known.
    pub(super) async fn renew_session(&self, seen_generation: u64) -> Result<bool> {
        let _serialized = self.inner.relogin.lock().await;
        let credentials = {
            let session = self
                .inner
                .session
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if session.generation != seen_generation {
                return Ok(true);
            }
            if self.is_closed() {
                return Ok(false);
            }
            match &session.credentials {
                Some(credentials) => credentials.clone(),
                None => return Ok(false),
            }
        };
        tracing::debug!("session expired, logging in again");
        let (token, endpoint) = self.create_session(&credentials).await?;
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        session.token = Some(token);
        session.endpoint = Some(endpoint);
        session.generation += 1;
        Ok(true)
    }

    pub(super) fn session_snapshot(&self) -> (Option<Secret>, u64, bool) {
        let session = self
            .inner
            .session
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        (
            session.token.clone(),
            session.generation,
            session.credentials.is_some(),
        )
    }
}

pub(super) fn session_header(token: &Secret) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(token.expose()).map_err(|_| {
        Error::Config("session token contains characters not allowed in a header".to_owned())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `/api/session` answers with a JSON string, `/rest` with `{"value": "..."}`.
fn parse_token(body: &[u8]) -> Option<Secret> {
    match serde_json::from_slice::<Value>(body).ok()? {
        Value::String(token) => Some(Secret::new(token)),
        Value::Object(mut object) => match object.remove("value") {
            Some(Value::String(token)) => Some(Secret::new(token)),
            _ => None,
        },
        _ => None,
    }
}

/// True when a login attempt failed because the session service is absent on
/// this server, rather than because of the credentials.
pub(super) fn session_service_missing(error: &Error) -> bool {
    matches!(error.status(), Some(404 | 405 | 501))
        || matches!(
            error.error_type(),
            Some("OPERATION_NOT_FOUND" | "NOT_FOUND")
        )
}

pub(super) fn api_error(service: &str, operation: &str, status: u16, body: &[u8]) -> Error {
    Error::Api {
        service: service.to_owned(),
        operation: operation.to_owned(),
        error: Box::new(error::error_from_response(status, body)),
    }
}

/// `Authorization: Basic …` for a login, marked sensitive so that HTTP
/// stacks and recorders leave it out of their logs.
fn basic_auth(credentials: &Credentials) -> Result<HeaderValue> {
    use base64::Engine as _;
    let joined = format!("{}:{}", credentials.username, credentials.password.expose());
    let encoded = base64::engine::general_purpose::STANDARD.encode(joined);
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| Error::Config("credentials cannot be sent in a header".to_owned()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(parse_token(br#""abc""#).unwrap().expose(), "abc");
        assert_eq!(parse_token(br#"{"value": "abc"}"#).unwrap().expose(), "abc");
        assert!(parse_token(b"<html>").is_none());
    }

    #[test]
    fn basic_auth_is_sensitive() {
        let credentials = Credentials {
            username: "administrator@vsphere.local".to_owned(),
            password: Secret::new("pa:ss".to_owned()),
        };
        let value = basic_auth(&credentials).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(
            value.to_str().unwrap(),
            "Basic YWRtaW5pc3RyYXRvckB2c3BoZXJlLmxvY2FsOnBhOnNz"
        );
    }
}
