//! Retrying failed exchanges: which failures are worth another attempt,
//! how long to wait before it (exponential backoff with jitter, the
//! server's `Retry-After`) and when to give up (attempts, deadline).
//!
//! What may be repeated follows from what the server may have done:
//!
//! * a failure to connect (refused, no route to the host) means the request
//!   never reached the server: retried for every operation;
//! * a 503 or 429 answer, a reset or closed connection, or a body cut short
//!   leave it unknown (or, for 503 and 429, up to the server) whether the
//!   request was applied: retried only for idempotent operations (see
//!   [`Idempotency`](crate::Idempotency)), never for a `POST` that may have
//!   been applied;
//! * everything else — any other status, TLS failures, host names that do
//!   not resolve, timeouts (the caller's own limit), decoding errors — is
//!   returned at once.

use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, Result, TransportKind};
use crate::transport::{Exchange, HttpRequest, HttpResponse, Transport};

/// How a call is retried after a failure that is safe to repeat.
///
/// Which failures those are follows from what the server may have done:
///
/// * a failure to connect (refused, no route to the host) means the request
///   never reached the server: retried for every operation;
/// * a 503 or 429 answer, a reset or closed connection, or a body cut short
///   leave it unknown (or, for 503 and 429, up to the server) whether the
///   request was applied: retried only for idempotent operations (see
///   [`Idempotency`](crate::Idempotency)), never for a `POST` that may have
///   been applied;
/// * everything else — any other status, TLS failures, host names that do
///   not resolve, timeouts (the caller's own limit), decoding errors — is
///   returned at once.
///
/// The default makes up to 3 attempts, waits 250 ms before the second and
/// 500 ms before the third (each with up to half of it taken off at random,
/// so that clients failing together do not come back together), and waits
/// as long as a 503 or 429 answer's `Retry-After` asks when that is at most
/// 30 s. Without a deadline each attempt has the client's per-request time
/// limit; with one, no attempt starts or runs past it.
///
/// Set it for a client with [`ClientBuilder::retry`](crate::ClientBuilder::retry),
/// for the calls made through one handle with [`Client::with_retry`](crate::Client::with_retry)
/// (generated service handles take that handle), or for one call with
/// [`Call::retry`](crate::Call::retry).
///
/// ```
/// use std::time::Duration;
/// use vsphere_vapi_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_attempts(6)
///     .backoff(Duration::from_millis(500), Duration::from_secs(8))
///     .deadline(Duration::from_secs(60));
/// assert_eq!(patient.attempts(), 6);
/// assert_eq!(RetryPolicy::never().attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    deadline: Option<Duration>,
    retry_after_limit: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            deadline: None,
            retry_after_limit: Some(Duration::from_secs(30)),
        }
    }
}

impl RetryPolicy {
    /// One attempt only: every failure is returned as it happened.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Attempts in all, the first one included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the second attempt, doubled for each further one up
    /// to `max`. Each wait is shortened by a random part of up to half of
    /// it.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Limit for the whole call, all attempts and waits included, counted
    /// from the start of the first attempt. An attempt running when it
    /// passes fails with [`Error::Timeout`]; a retry that could only start
    /// after it is not made.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// No limit for the whole call (the default): attempts are bounded by
    /// their number and by the client's per-request time limit.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// Waits as long as a 503 or 429 answer's `Retry-After` header asks
    /// when that is at most `limit`; a longer wait is not made and the
    /// answer is returned. Default 30 s.
    pub fn retry_after_limit(mut self, limit: Duration) -> Self {
        self.retry_after_limit = Some(limit);
        self
    }

    /// Ignores `Retry-After`: waits only the backoff.
    pub fn ignore_retry_after(mut self) -> Self {
        self.retry_after_limit = None;
        self
    }

    /// The number of attempts in all.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The deadline of the whole call, if any.
    pub fn deadline_limit(&self) -> Option<Duration> {
        self.deadline
    }

    /// The backoff before attempt `attempt + 1` (`attempt` ≥ 1), before
    /// jitter.
    fn base_backoff(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(30);
        self.initial_backoff
            .saturating_mul(1_u32 << doublings)
            .min(self.max_backoff)
    }
}

/// Why an attempt's outcome may be retried, for the attempt's event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retryable {
    /// The request did not reach the server.
    NotSent,
    /// The server may have applied it; only idempotent calls are repeated.
    IfIdempotent,
}

fn classify_response(response: &HttpResponse) -> Option<Retryable> {
    match response.status().as_u16() {
        429 | 503 => Some(Retryable::IfIdempotent),
        _ => None,
    }
}

fn classify_error(error: &Error) -> Option<Retryable> {
    match error.transport_kind()? {
        TransportKind::ConnectionRefused | TransportKind::Unreachable => Some(Retryable::NotSent),
        TransportKind::ConnectionReset
        | TransportKind::ConnectionClosed
        | TransportKind::IncompleteBody => Some(Retryable::IfIdempotent),
        // A name that does not resolve seldom starts resolving a moment
        // later; a TLS failure repeats; a timeout is the caller's limit.
        _ => None,
    }
}

/// `Retry-After` as a wait: delay-seconds or an HTTP date.
fn retry_after(response: &HttpResponse, now: SystemTime) -> Option<Duration> {
    let value = response
        .headers()
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A random factor in `[0.5, 1.0]` for the backoff, from the system's
/// random source (`ring`, already used for TLS). Without one the full wait
/// is used: jitter only spreads clients out.
fn jitter(delay: Duration) -> Duration {
    use ring::rand::SecureRandom as _;
    let mut bytes = [0_u8; 4];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        return delay;
    }
    let fraction = f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX);
    delay.mul_f64(0.5 + fraction / 2.0)
}

/// A copy of a request for another attempt (`http::Request` is not
/// `Clone`: its extensions may not be).
fn copy_request(request: &HttpRequest) -> HttpRequest {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// What one attempt produced.
fn describe(outcome: &Result<HttpResponse>) -> String {
    match outcome {
        Ok(response) => format!("HTTP {}", response.status().as_u16()),
        Err(error) => error.to_string(),
    }
}

/// Sends `request` through `transport`, again when the outcome is
/// retryable under `policy`, and returns the last outcome. `idempotent`
/// says whether the operation may be repeated after it may have been
/// applied; `timeout` is the client's limit for one attempt.
pub(crate) async fn send(
    transport: &dyn Transport,
    policy: &RetryPolicy,
    request: HttpRequest,
    context: &str,
    timeout: Option<Duration>,
    idempotent: bool,
) -> Result<HttpResponse> {
    let started = Instant::now();
    let mut request = Some(request);
    let mut attempt = 1;
    loop {
        let remaining = policy
            .deadline
            .map(|deadline| deadline.saturating_sub(started.elapsed()));
        let attempt_timeout = match (timeout, remaining) {
            (Some(timeout), Some(remaining)) => Some(timeout.min(remaining)),
            (timeout, remaining) => timeout.or(remaining),
        };
        let last = attempt >= policy.max_attempts;
        // The last attempt sends the request itself; earlier ones a copy.
        let this = match (&request, last) {
            (Some(_), true) => request.take(),
            (Some(original), false) => Some(copy_request(original)),
            (None, _) => None,
        };
        let Some(this) = this else {
            return Err(Error::Config(format!("{context}: no request left to send")));
        };
        let exchange = Exchange::new(context).with_timeout(attempt_timeout);
        let outcome = transport.send(this, exchange).await;
        let (retryable, asked) = match &outcome {
            Ok(response) => (
                classify_response(response),
                retry_after(response, SystemTime::now()),
            ),
            Err(error) => (classify_error(error), None),
        };
        let allowed = match retryable {
            Some(Retryable::NotSent) => true,
            Some(Retryable::IfIdempotent) => idempotent,
            None => false,
        };
        let mut delay = None;
        let mut gave_up = None;
        if allowed && !last {
            let wanted = match (asked, policy.retry_after_limit) {
                (Some(asked), Some(limit)) if asked > limit => {
                    gave_up = Some("Retry-After exceeds the limit");
                    None
                }
                (Some(asked), Some(_)) => Some(asked),
                _ => Some(jitter(policy.base_backoff(attempt))),
            };
            if let Some(wanted) = wanted {
                match policy.deadline {
                    Some(deadline) if started.elapsed() + wanted >= deadline => {
                        gave_up = Some("the deadline would pass");
                    }
                    _ => delay = Some(wanted),
                }
            }
        } else if allowed {
            gave_up = Some("no attempts left");
        } else if retryable == Some(Retryable::IfIdempotent) {
            gave_up = Some("the operation is not idempotent");
        }
        tracing::debug!(
            context,
            attempt,
            max_attempts = policy.max_attempts,
            outcome = %describe(&outcome),
            retry_in_ms = delay.map(|delay| u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)),
            not_retried = gave_up,
            "vAPI request attempt"
        );
        match delay {
            Some(delay) => {
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            None => return outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> HttpResponse {
        let mut builder = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            builder = builder.header(http::header::RETRY_AFTER, value);
        }
        builder.body(Vec::new()).unwrap()
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy =
            RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_millis(700));
        let waits: Vec<u128> = (1..=5)
            .map(|n| policy.base_backoff(n).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 400, 700, 700]);
        assert_eq!(
            policy.base_backoff(u32::MAX),
            Duration::from_millis(700),
            "no overflow"
        );
        for _ in 0..100 {
            let wait = jitter(Duration::from_millis(1000));
            assert!(
                (Duration::from_millis(500)..=Duration::from_millis(1000)).contains(&wait),
                "{wait:?}"
            );
        }
        assert_eq!(RetryPolicy::default().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&response(503, Some("7")), now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        assert_eq!(
            retry_after(&response(503, Some(&later)), now),
            Some(Duration::from_secs(12))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        assert_eq!(
            retry_after(&response(503, Some(&past)), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&response(503, Some("soon")), now), None);
        assert_eq!(retry_after(&response(503, None), now), None);
    }

    #[test]
    fn only_busy_answers_are_retryable() {
        assert_eq!(
            classify_response(&response(503, None)),
            Some(Retryable::IfIdempotent)
        );
        assert_eq!(
            classify_response(&response(429, None)),
            Some(Retryable::IfIdempotent)
        );
        for status in [200, 400, 401, 404, 500, 502, 504] {
            assert_eq!(classify_response(&response(status, None)), None, "{status}");
        }
        let transport = |kind| Error::Transport {
            context: "c".to_owned(),
            kind,
            peer: "vc:443".to_owned(),
            detail: String::new(),
            source: "x".into(),
        };
        assert_eq!(
            classify_error(&transport(TransportKind::ConnectionRefused)),
            Some(Retryable::NotSent)
        );
        assert_eq!(
            classify_error(&transport(TransportKind::ConnectionReset)),
            Some(Retryable::IfIdempotent)
        );
        assert_eq!(
            classify_error(&transport(TransportKind::NameResolution)),
            None
        );
        let timeout = Error::Timeout {
            context: "c".to_owned(),
        };
        assert_eq!(classify_error(&timeout), None);
        assert_eq!(classify_error(&Error::Config("x".to_owned())), None);
    }

    #[test]
    fn copies_keep_everything() {
        let mut request = http::Request::builder()
            .method(http::Method::PUT)
            .uri("https://vc/api/x?y=1")
            .header("a", "b")
            .body(b"body".to_vec())
            .unwrap();
        request
            .headers_mut()
            .get_mut("a")
            .unwrap()
            .set_sensitive(true);
        let copy = copy_request(&request);
        assert_eq!(copy.method(), request.method());
        assert_eq!(copy.uri(), request.uri());
        assert_eq!(copy.headers(), request.headers());
        assert!(copy.headers()["a"].is_sensitive());
        assert_eq!(copy.body(), request.body());
    }
}
