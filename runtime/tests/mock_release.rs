//! The mock answers the client's release negotiation: as new as the client
//! by default, or as the release a test names, so that code written for
//! several releases can be tested against each.

use vsphere_vapi_runtime::mock::MockServer;
use vsphere_vapi_runtime::{
    Error, HttpMethod, HttpRoute, Idempotency, Operation, OperationSpec, ReleaseSource, Releases,
};

const KNOWN: &[&str] = &["8.0.3.0", "9.0.0.0", "9.1.1.0"];

/// An operation that came with 9.0.
static HOSTS_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.new_hosts",
    operation_id: "list",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/new-hosts",
        query: &[],
        params: &[],
    }),
    rest: None,
    releases: Releases {
        known: KNOWN,
        present: &["9.0.0.0", "9.1.1.0"],
    },
    idempotency: Idempotency::Safe,
};
const LIST: Operation<Vec<String>> = Operation::new(&HOSTS_LIST);

fn names(server: &MockServer) -> Vec<String> {
    server
        .calls()
        .iter()
        .map(|call| format!("{}.{}", call.service_id(), call.operation_id()))
        .collect()
}

#[tokio::test]
async fn by_default_the_mock_is_as_new_as_the_client() {
    let server = MockServer::new();
    server.on(LIST).returns(vec!["host-1".to_owned()]);
    let client = server.client();
    let hosts: Vec<String> = client.operation(&HOSTS_LIST).send().await.unwrap();
    assert_eq!(hosts, ["host-1"]);
    let release = client.server_release(KNOWN).await.unwrap().unwrap();
    assert_eq!(release.release, "9.1.1.0");
    assert_eq!(release.source, ReleaseSource::Hello);
    assert_eq!(
        names(&server),
        [
            "com.vmware.vcenter.system.hello",
            "com.vmware.vcenter.new_hosts.list"
        ]
    );
    assert!(server.unmatched_calls().is_empty());
}

#[tokio::test]
async fn a_mock_of_an_older_release_gets_its_operations_refused() {
    let server = MockServer::new().with_release("8.0.3.0");
    server.on(LIST).returns(Vec::new());
    let client = server.client();
    let error = client
        .operation(&HOSTS_LIST)
        .send::<Vec<String>>()
        .await
        .unwrap_err();
    match &error {
        Error::NotInRelease {
            operation,
            server_release,
            releases,
            ..
        } => {
            assert_eq!(*operation, "list");
            assert_eq!(server_release, "8.0.3.0");
            assert_eq!(*releases, ["9.0.0.0", "9.1.1.0"]);
        }
        other => panic!("expected NotInRelease, got {other:?}"),
    }
    assert_eq!(server.count(LIST), 0, "nothing was sent");
    assert_eq!(names(&server), ["com.vmware.vcenter.system.hello"]);
}

#[tokio::test]
async fn a_newer_mock_release_agrees_on_the_newest_known_one_at_or_below_it() {
    let server = MockServer::new().with_release("9.0.3.0");
    server.on(LIST).returns(Vec::new());
    let client = server.client();
    let release = client.server_release(KNOWN).await.unwrap().unwrap();
    assert_eq!(release.release, "9.0.0.0");
    assert!(client.supports(&HOSTS_LIST).await.unwrap());
}

#[tokio::test]
async fn a_mock_from_before_hello_reports_its_appliance_version() {
    let server = MockServer::new().with_release("7.0.3.01000");
    let client = server.client();
    let release = client.server_release(KNOWN).await.unwrap().unwrap();
    assert_eq!(release.release, "7.0.3.01000");
    assert_eq!(release.source, ReleaseSource::ApplianceVersion);
    assert!(!client.supports(&HOSTS_LIST).await.unwrap());
    assert_eq!(
        names(&server),
        [
            "com.vmware.vcenter.system.hello",
            "com.vmware.appliance.system.version.get"
        ]
    );
    // The 404 of `hello` is how such a server answers, not an unmatched call.
    assert!(server.unmatched_calls().is_empty());
}

#[tokio::test]
async fn a_rule_for_hello_overrides_the_built_in_answer() {
    static HELLO: OperationSpec = OperationSpec {
        service_id: "com.vmware.vcenter.system",
        operation_id: "hello",
        task: false,
        api: Some(HttpRoute {
            method: HttpMethod::Post,
            path: "/api/vcenter/system",
            query: &[("action", "hello")],
            params: &[vsphere_vapi_runtime::ParamBinding {
                param: "spec",
                location: vsphere_vapi_runtime::ParamLocation::Body,
            }],
        }),
        rest: None,
        releases: Releases::UNKNOWN,
        idempotency: Idempotency::Safe,
    };
    let server = MockServer::new();
    server
        .on(Operation::<serde_json::Value>::new(&HELLO))
        .returns(serde_json::json!({"api_release": "8.0.3.0"}));
    let client = server.client();
    assert!(!client.supports(&HOSTS_LIST).await.unwrap());
}
