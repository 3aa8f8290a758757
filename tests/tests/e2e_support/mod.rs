//! Shared setup of the end-to-end tests: a simulator per test and a generated-crate
//! client that trusts the simulator's certificate (verification stays on).

// Each `e2e_*` test binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind, Protocol};
use vsphere_vapi_tests::vcsim::{Options, Vcsim};

/// Starts a simulator with `options`, failing the test with the harness's explanation
/// (launcher missing, startup log) when it cannot.
pub fn start_with(options: &Options) -> Vcsim {
    Vcsim::start_with(options).unwrap_or_else(|err| panic!("vCenter simulator: {err}"))
}

/// Starts a simulator with the default options: https, enforced credentials.
pub fn start() -> Vcsim {
    start_with(&Options::default())
}

/// A client for `sim` with `protocol`, trusting only the simulator's own certificate
/// in addition to the system roots.
pub fn client_with(sim: &Vcsim, protocol: Protocol) -> Client {
    let mut builder = Client::builder(sim.url()).protocol(protocol);
    if let Some(pem) = sim.certificate_pem() {
        builder = builder.add_root_certificate_pem(pem);
    }
    builder
        .build()
        .unwrap_or_else(|err| panic!("client for {}: {err}", sim.url()))
}

/// A client with the default protocol choice ([`Protocol::Auto`]), as users get it.
pub fn client(sim: &Vcsim) -> Client {
    client_with(sim, Protocol::Auto)
}

/// A client logged in with the simulator's credentials.
pub async fn logged_in(sim: &Vcsim) -> Client {
    let client = client(sim);
    client
        .login(sim.username(), sim.password())
        .await
        .unwrap_or_else(|err| panic!("login: {err}\nsimulator log:\n{}", sim.stderr()));
    client
}

/// A name no other object of this test run has (names must be unique per simulator
/// for categories, and readable in failure messages).
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Asserts that `result` failed with a standard error of `kind`, returning the error
/// for further checks.
#[track_caller]
pub fn expect_kind<T: std::fmt::Debug>(result: Result<T, Error>, kind: ErrorKind) -> Error {
    match result {
        Ok(value) => panic!("expected a {kind} error, got Ok({value:?})"),
        Err(err) => {
            assert_eq!(err.kind(), Some(kind), "unexpected error: {err}");
            err
        }
    }
}
