//! Sessions end to end: logging in, out and back in through the runtime, against a
//! simulator that only serves the `/rest` session service.

mod e2e_support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::ThreadId;
use std::time::Duration;

use e2e_support::{client, client_with, expect_kind, logged_in, start, start_with};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use vsphere_vapi::cis::Session;
use vsphere_vapi::cis::tagging::Category;
use vsphere_vapi::{ErrorKind, Protocol};
use vsphere_vapi_tests::vcsim::Options;

const REST_SESSION: &str = "/rest/com/vmware/cis/session";
/// The span the runtime opens around each login request.
const LOGIN_SPAN: &str = "vapi_login";

#[tokio::test]
async fn login_falls_back_to_the_rest_session_and_logout_ends_it() {
    let sim = start();
    let client = client(&sim);
    assert!(client.session_token().is_none());

    // POST /api/session answers 404 here, so the login must use POST /rest/com/vmware/cis/session.
    login_log();
    client
        .login(sim.username(), sim.password())
        .await
        .unwrap_or_else(|err| panic!("login: {err}\n{}", sim.stderr()));
    assert_eq!(take_logins(), ["/api/session", REST_SESSION]);
    let token = client.session_token().expect("a token after login");
    assert!(!token.expose().is_empty());

    // POST /rest/com/vmware/cis/session?~action=get
    let info = Session::new(&client).get().await.expect("session get");
    assert_eq!(info.user, sim.username());

    // DELETE /rest/com/vmware/cis/session
    client.logout().await.expect("logout");
    assert!(client.session_token().is_none());
    expect_kind(
        Session::new(&client).get().await,
        ErrorKind::Unauthenticated,
    );

    // The server ended the session too: the old token is refused.
    let reused = client_with(&sim, Protocol::Rest).with_session_token(&token);
    expect_kind(
        Session::new(&reused).get().await,
        ErrorKind::Unauthenticated,
    );
}

#[tokio::test]
async fn wrong_credentials_are_unauthenticated() {
    let sim = start();
    assert!(sim.credentials_enforced());
    let client = client(&sim);

    let wrong_password = "not-the-E2e-password";
    let err = expect_kind(
        client.login(sim.username(), wrong_password).await,
        ErrorKind::Unauthenticated,
    );
    assert_eq!(err.status(), Some(401));
    // Neither the message nor the debug form may leak what was typed.
    assert!(!err.to_string().contains(wrong_password), "{err}");
    assert!(!format!("{err:?}").contains(wrong_password), "{err:?}");

    expect_kind(
        client.login("someone-else", sim.password()).await,
        ErrorKind::Unauthenticated,
    );
    assert!(client.session_token().is_none());

    // After the refused logins the client knows the server's session service
    // is /rest: a call there is UNAUTHENTICATED, not the NOT_FOUND of an /api
    // route the simulator does not have.
    expect_kind(
        Category::new(&client).list().await,
        ErrorKind::Unauthenticated,
    );

    // Calls without a session are refused by the server, not by the client.
    let rest = client_with(&sim, Protocol::Rest);
    expect_kind(
        Category::new(&rest).list().await,
        ErrorKind::Unauthenticated,
    );
}

/// A token obtained elsewhere, given to a client with the default protocol
/// choice: the client finds out that the simulator has no `/api`, lists over
/// `/rest`, and its logout ends the session there.
#[tokio::test]
async fn token_only_client_discovers_rest_and_logs_out() {
    let sim = start();
    let issuer = client_with(&sim, Protocol::Rest);
    issuer
        .login(sim.username(), sim.password())
        .await
        .unwrap_or_else(|err| panic!("login: {err}\n{}", sim.stderr()));
    let token = issuer.session_token().expect("a token after login");
    let expected = Category::new(&issuer).list().await.expect("list as issuer");

    let token_client = client(&sim).with_session_token(&token);
    let listed = Category::new(&token_client)
        .list()
        .await
        .unwrap_or_else(|err| panic!("list with the token only: {err}\n{}", sim.stderr()));
    assert_eq!(listed, expected);
    // A clone shares what was learned.
    let clone = token_client.clone();
    assert_eq!(Category::new(&clone).list().await.expect("list"), expected);

    token_client.logout().await.expect("logout");
    assert!(token_client.session_token().is_none());
    assert!(clone.session_token().is_none());

    // The session is gone on the server: the token is refused, also by a
    // fresh client that has to find out about /rest first.
    let reused = client(&sim).with_session_token(&token);
    expect_kind(
        Category::new(&reused).list().await,
        ErrorKind::Unauthenticated,
    );
    let reused_rest = client_with(&sim, Protocol::Rest).with_session_token(&token);
    expect_kind(
        Session::new(&reused_rest).get().await,
        ErrorKind::Unauthenticated,
    );
}

#[tokio::test]
async fn an_expired_session_is_renewed_with_one_login() {
    let sim = start_with(&Options {
        session_idle_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    });
    login_log();
    let client = logged_in(&sim).await;
    let categories = Category::new(&client);
    categories.list().await.expect("list with the new session");
    let first = client.session_token().expect("token after login");
    assert_eq!(take_logins(), ["/api/session", REST_SESSION]);

    // The simulator drops idle sessions in a periodic sweep, so how long one survives
    // varies; a second of idleness is normally enough. Every call must succeed, and
    // the first one that meets an expired session logs in again on its own.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        categories
            .list()
            .await
            .unwrap_or_else(|err| panic!("list after idling: {err}\n{}", sim.stderr()));
        let current = client.session_token().expect("token after the call");
        if current == first {
            assert_eq!(
                take_logins(),
                Vec::<String>::new(),
                "login without a new token"
            );
            continue;
        }

        // Exactly one login, at the session service that issued the first token.
        assert_eq!(take_logins(), [REST_SESSION]);
        // The renewed session serves the next call without logging in again.
        let info = Session::new(&client).get().await.expect("session get");
        assert_eq!(info.user, sim.username());
        assert_eq!(client.session_token().as_ref(), Some(&current));
        assert_eq!(take_logins(), Vec::<String>::new());
        // And the expired token stays refused.
        let stale = client_with(&sim, Protocol::Rest).with_session_token(&first);
        expect_kind(Session::new(&stale).get().await, ErrorKind::Unauthenticated);
        return;
    }
    panic!("the session never expired within 5 s of idling");
}

/// The session endpoint of every login attempt made on the current thread, taken
/// from the runtime's `vapi_login` spans since the last call. `#[tokio::test]` polls
/// each test on its own thread, so tests running in parallel do not see each other's
/// logins.
fn take_logins() -> Vec<String> {
    let this_thread = std::thread::current().id();
    let mut logins = login_log()
        .logins
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(&mut *logins)
        .into_iter()
        .partition(|(thread, _)| *thread == this_thread);
    *logins = others;
    mine.into_iter().map(|(_, endpoint)| endpoint).collect()
}

/// The process-wide subscriber collecting `vapi_login` spans. It is global rather
/// than scoped per test because tracing caches whether a callsite is enabled
/// globally: with a single scoped subscriber, a callsite first reached on another
/// thread would stay disabled for it.
fn login_log() -> &'static LoginLog {
    static LOG: OnceLock<LoginLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = LoginLog::default();
        tracing::subscriber::set_global_default(log.clone())
            .expect("nothing else in this test binary installs a global subscriber");
        log
    })
}

#[derive(Clone, Default)]
struct LoginLog {
    logins: Arc<Mutex<Vec<(ThreadId, String)>>>,
    next_span: Arc<AtomicU64>,
}

/// Reads the `endpoint` field of a span.
struct EndpointField(Option<String>);

impl Visit for EndpointField {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "endpoint" {
            self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "endpoint" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl Subscriber for LoginLog {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.name() == LOGIN_SPAN
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        if span.metadata().name() == LOGIN_SPAN {
            let mut endpoint = EndpointField(None);
            span.record(&mut endpoint);
            self.logins
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((std::thread::current().id(), endpoint.0.unwrap_or_default()));
        }
        // Span ids must be non-zero.
        Id::from_u64(self.next_span.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}
