//! Version-aware calls against mock servers of each release the crate
//! covers: the client learns the server's release once (`hello`, else the
//! appliance version), refuses an operation that release lacks before
//! sending anything, and tries every call on servers that cannot say.

mod support_mock;

use std::time::Duration;

use serde_json::{Value, json};
use support_mock::{describe, requests};
use vsphere_vapi::appliance::logging::liagent::LogCollection;
use vsphere_vapi::runtime::{Client, OperationSpec, ReleaseSource, RetryPolicy};
use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vstats::CounterSets;
use vsphere_vapi::{Error, RELEASES};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// `appliance.logging.liagent.log_collection.get`: only in 9.1.
const LOG_COLLECTION: &str = "/api/appliance/logging/liagent/log-collection";
/// `vstats.counter_sets.list`: 8.0.3 to 9.1.0, gone in 9.1.1.
const COUNTER_SETS: &str = "/api/stats/counter-sets";

fn numbers(release: &str) -> Vec<u64> {
    release
        .split('.')
        .map(|part| part.parse().unwrap())
        .collect()
}

/// Answers `hello` as a server of `release` does: the first offered
/// release it supports (those not newer than its own), or `""`.
struct Hello(&'static str);

impl Respond for Hello {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let own = numbers(self.0);
        let chosen = body["api_releases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|offered| numbers(offered) <= own)
            .unwrap_or("");
        ResponseTemplate::new(200).set_body_json(json!({ "api_release": chosen }))
    }
}

/// A server of `release` with `hello`, answering every other request with
/// an empty JSON object.
async fn server_of(release: &'static str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/vcenter/system"))
        .and(query_param("action", "hello"))
        .respond_with(Hello(release))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder(server.uri())
        .build()
        .expect("a client for the mock server builds")
}

/// The requests a server saw, as `METHOD /path?query`.
async fn seen(server: &MockServer) -> Vec<String> {
    requests(server).await.iter().map(describe).collect()
}

fn spec(service: &str, operation: &str) -> &'static OperationSpec {
    vsphere_vapi::operations()
        .iter()
        .copied()
        .find(|spec| spec.service_id == service && spec.operation_id == operation)
        .unwrap_or_else(|| panic!("{service}.{operation} is in the route table"))
}

#[tokio::test]
async fn the_fixture_operations_have_the_releases_the_tests_assume() {
    assert_eq!(RELEASES, ["8.0.3.0", "9.0.0.0", "9.1.0.0", "9.1.1.0"]);
    let log = spec("com.vmware.appliance.logging.liagent.log_collection", "get");
    assert_eq!(log.releases.present, ["9.1.0.0", "9.1.1.0"]);
    assert_eq!(log.api.map(|route| route.path), Some(LOG_COLLECTION));
    let counters = spec("com.vmware.vstats.counter_sets", "list");
    assert_eq!(counters.releases.present, ["8.0.3.0", "9.0.0.0", "9.1.0.0"]);
    assert_eq!(counters.api.map(|route| route.path), Some(COUNTER_SETS));
    assert!(
        spec("com.vmware.vcenter.VM", "list")
            .releases
            .in_every_known()
    );
}

#[tokio::test]
async fn a_9_1_operation_against_an_8_0_3_server_fails_before_sending() {
    let server = server_of("8.0.3.0").await;
    let client = client(&server);
    let error = LogCollection::new(&client)
        .get()
        .await
        .expect_err("8.0.3 has no log collection API");
    match &error {
        Error::NotInRelease {
            service,
            operation,
            releases,
            server_release,
        } => {
            assert_eq!(
                *service,
                "com.vmware.appliance.logging.liagent.log_collection"
            );
            assert_eq!(*operation, "get");
            assert_eq!(*releases, ["9.1.0.0", "9.1.1.0"]);
            assert_eq!(server_release, "8.0.3.0");
        }
        other => panic!("expected the release error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "com.vmware.appliance.logging.liagent.log_collection.get is not in vSphere API release \
         8.0.3.0 of the server; nothing was sent (releases that have it: 9.1.0.0, 9.1.1.0)"
    );
    // Only the negotiation reached the server; it offered the crate's
    // releases, newest first.
    let all = requests(&server).await;
    assert_eq!(
        seen(&server).await,
        ["POST /api/vcenter/system?action=hello"]
    );
    let offered: Value = serde_json::from_slice(&all[0].body).unwrap();
    assert_eq!(
        offered,
        json!({"api_releases": ["9.1.1.0", "9.1.0.0", "9.0.0.0", "8.0.3.0"]})
    );
}

/// Each release's server: which of the three operations it is sent, and
/// `supports` agreeing with the call.
#[tokio::test]
async fn each_release_gets_exactly_its_operations() {
    for (release, log_sent, counters_sent) in [
        ("8.0.3.0", false, true),
        ("9.0.0.0", false, true),
        ("9.1.0.0", true, true),
        ("9.1.1.0", true, false),
        // A newer server than the crate knows is judged as the newest.
        ("9.2.0.0", true, false),
    ] {
        let server = server_of(release).await;
        let client = client(&server);
        let log = LogCollection::new(&client).get().await;
        let counters = CounterSets::new(&client).list().await;
        let vms = Vm::new(&client).list().send().await;
        assert_eq!(
            matches!(log, Err(Error::NotInRelease { .. })),
            !log_sent,
            "{release}: {log:?}"
        );
        assert_eq!(
            matches!(counters, Err(Error::NotInRelease { .. })),
            !counters_sent,
            "{release}: {counters:?}"
        );
        assert!(
            !matches!(vms, Err(Error::NotInRelease { .. })),
            "{release}: every release lists VMs"
        );
        let mut expected = vec!["POST /api/vcenter/system?action=hello".to_owned()];
        if log_sent {
            expected.push(format!("GET {LOG_COLLECTION}"));
        }
        if counters_sent {
            expected.push(format!("GET {COUNTER_SETS}"));
        }
        expected.push("GET /api/vcenter/vm".to_owned());
        assert_eq!(seen(&server).await, expected, "{release}");

        let log_spec = spec("com.vmware.appliance.logging.liagent.log_collection", "get");
        let counters_spec = spec("com.vmware.vstats.counter_sets", "list");
        assert_eq!(
            client.supports(log_spec).await.unwrap(),
            log_sent,
            "{release}"
        );
        assert_eq!(
            client.supports(counters_spec).await.unwrap(),
            counters_sent,
            "{release}"
        );
        let known = client
            .server_release(RELEASES)
            .await
            .unwrap()
            .expect("hello answered");
        assert_eq!(known.source, ReleaseSource::Hello);
        let negotiated = if release == "9.2.0.0" {
            "9.1.1.0"
        } else {
            release
        };
        assert_eq!(known.release, negotiated);
        // Learned once: no second hello.
        assert_eq!(seen(&server).await.len(), expected.len(), "{release}");
    }
}

/// A server without `hello` (before 8.0.2) says its appliance version.
#[tokio::test]
async fn a_server_before_hello_is_judged_by_its_appliance_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/appliance/system/version"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "version": "7.0.3.01000", "build": "20395099", "product": "VMware vCenter Server",
            "type": "vCenter Server with an embedded Platform Services Controller",
            "summary": "", "releasedate": "August 23, 2022", "install_time": "", "build_time": ""
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COUNTER_SETS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = client(&server);
    let error = LogCollection::new(&client)
        .get()
        .await
        .expect_err("refused");
    assert!(
        matches!(&error, Error::NotInRelease { server_release, .. } if server_release == "7.0.3.01000"),
        "{error:?}"
    );
    // What the oldest known release has is tried.
    CounterSets::new(&client)
        .list()
        .await
        .expect("tried and answered");
    assert_eq!(
        seen(&server).await,
        [
            "POST /api/vcenter/system?action=hello",
            "GET /api/appliance/system/version",
            &format!("GET {COUNTER_SETS}"),
        ]
    );
    let known = client
        .server_release(RELEASES)
        .await
        .unwrap()
        .expect("known");
    assert_eq!(known.source, ReleaseSource::ApplianceVersion);
}

/// Servers that cannot report a release (vcSim has neither service) get
/// every call, and are asked only once.
#[tokio::test]
async fn a_server_that_cannot_say_gets_every_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOG_COLLECTION))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"enabled": true})))
        .mount(&server)
        .await;
    // The session service exists (so the server has /api); everything else
    // is a 404 without a vAPI error body.
    Mock::given(method("GET"))
        .and(path("/api/session"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = client(&server);
    LogCollection::new(&client)
        .get()
        .await
        .expect("the call is tried");
    LogCollection::new(&client)
        .get()
        .await
        .expect("and tried again");
    assert_eq!(client.server_release(RELEASES).await.unwrap(), None);
    let log_spec = spec("com.vmware.appliance.logging.liagent.log_collection", "get");
    assert!(client.supports(log_spec).await.unwrap());
    let seen = seen(&server).await;
    assert_eq!(
        seen.iter()
            .filter(|request| request.contains("hello") || request.contains("system/version"))
            .count(),
        2,
        "one hello, one version probe: {seen:?}"
    );
}

/// A failure that may pass is not kept: `hello` is retried like any safe
/// operation, and when every attempt fails the call is tried, and the next
/// one asks again.
#[tokio::test]
async fn a_failed_negotiation_is_retried_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/vcenter/system"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/vcenter/system"))
        .respond_with(Hello("8.0.3.0"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"enabled": true})))
        .mount(&server)
        .await;
    let retry = RetryPolicy::default()
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(1));
    let client = Client::builder(server.uri()).retry(retry).build().unwrap();
    LogCollection::new(&client)
        .get()
        .await
        .expect("the release is unknown for now: the call is tried");
    let error = LogCollection::new(&client)
        .get()
        .await
        .expect_err("now refused");
    assert!(matches!(error, Error::NotInRelease { .. }), "{error:?}");
    assert_eq!(
        seen(&server).await,
        [
            "POST /api/vcenter/system?action=hello",
            "POST /api/vcenter/system?action=hello",
            &format!("GET {LOG_COLLECTION}"),
            "POST /api/vcenter/system?action=hello",
        ]
    );
}
