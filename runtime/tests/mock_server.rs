//! The mock server as a server: tasks started by task operations, sessions,
//! and a server without `/api`.

use serde_json::json;
use vsphere_vapi_runtime::mock::{MockError, MockServer};
use vsphere_vapi_runtime::types::VapiMap;
use vsphere_vapi_runtime::{Error, Protocol};

mod mock_support;
use mock_support::*;

#[tokio::test]
async fn task_operations_complete_with_a_typed_result_or_a_task_error() {
    let server = MockServer::new();
    let moved = VapiMap::from_iter([("disk-0".to_owned(), 1_i64)]);
    server
        .on(RELOCATE_TASK)
        .with_param("vm", VirtualMachineId::from("vm-bad"))
        .task_fails(MockError::new("RESOURCE_BUSY").message("the host is in maintenance"));
    server
        .on(RELOCATE_TASK)
        .with_param("vm", VirtualMachineId::from("vm-gone"))
        .fails(MockError::new("NOT_FOUND"));
    server
        .on(RELOCATE_TASK)
        .running_for(2)
        .returns(moved.clone());
    let spec = RelocateSpec {
        folder: Some("group-v1".to_owned()),
        tags: VapiMap::from_iter([("env".to_owned(), "prod".to_owned())]),
    };
    for client in [server.client(), rest_client(&server)] {
        let relocate = |vm: &'static str| {
            client
                .operation(&VM_RELOCATE_TASK)
                .param("vm", vm)
                .param("spec", &spec)
        };
        let task = relocate("vm-1")
            .send_task::<VapiMap<String, i64>>()
            .await
            .unwrap();
        let first = task.status().await.unwrap();
        assert_eq!(first.state().as_str(), "RUNNING");
        assert!(first.progress().is_some());
        assert_eq!(task.wait_with(fast()).await.unwrap(), moved);

        let failed = relocate("vm-bad")
            .send_task::<VapiMap<String, i64>>()
            .await
            .unwrap()
            .wait_with(fast())
            .await
            .unwrap_err();
        assert!(matches!(failed, Error::TaskFailed { .. }), "{failed:?}");
        assert_eq!(failed.error_type(), Some("RESOURCE_BUSY"));
        assert_eq!(
            failed.server_error().unwrap().messages(),
            vec!["the host is in maintenance".to_owned()]
        );

        let refused = relocate("vm-gone")
            .send_task::<VapiMap<String, i64>>()
            .await
            .unwrap_err();
        assert_eq!(refused.error_type(), Some("NOT_FOUND"));
    }
    // The body parameter was read back on both protocols, maps included.
    let calls = server.calls_to(RELOCATE_TASK);
    assert_eq!(calls.len(), 6);
    assert_eq!(calls[0].param::<RelocateSpec>("spec"), spec);
    assert_eq!(calls[3].param::<RelocateSpec>("spec"), spec);
    assert_eq!(
        calls[3].body().unwrap()["spec"]["tags"],
        json!([{"key": "env", "value": "prod"}])
    );
}

#[tokio::test]
async fn cancelled_tasks_fail_as_cancelled() {
    let server = MockServer::new();
    server
        .on(RELOCATE_TASK)
        .running_for(100)
        .returns(VapiMap::default());
    let client = server.client();
    let task = client
        .operation(&VM_RELOCATE_TASK)
        .param("vm", "vm-1")
        .param("spec", &json!({"tags": {}}))
        .send_task::<VapiMap<String, i64>>()
        .await
        .unwrap();
    task.cancel().await.unwrap();
    let error = task.wait_with(fast()).await.unwrap_err();
    assert_eq!(error.error_type(), Some("CANCELED"));
    let error = vsphere_vapi_runtime::Task::<()>::new(&client, "mock-task-404".into())
        .status()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
}

#[tokio::test]
async fn sessions_behave_as_on_a_server() {
    let server = MockServer::new()
        .require_session()
        .with_credentials("administrator@vsphere.local", "secret");
    server.on(LIST).returns(Vec::new());
    let client = server.client();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<Summary>>()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    assert_eq!(error.status(), Some(401));
    let refused = client
        .login("administrator@vsphere.local", "wrong")
        .await
        .unwrap_err();
    assert_eq!(refused.error_type(), Some("UNAUTHENTICATED"));
    client
        .login("administrator@vsphere.local", "secret")
        .await
        .unwrap();
    assert!(
        client
            .session_token()
            .unwrap()
            .expose()
            .starts_with("mock-session-")
    );
    client
        .operation(&VM_LIST)
        .send::<Vec<Summary>>()
        .await
        .unwrap();
    // An expired session is renewed with the stored credentials.
    server.expire_sessions();
    client
        .operation(&VM_LIST)
        .send::<Vec<Summary>>()
        .await
        .unwrap();
    assert_eq!(server.logins(), 2);
    client.logout().await.unwrap();
    let error = client
        .operation(&VM_LIST)
        .send::<Vec<Summary>>()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("UNAUTHENTICATED"));
    let operations: Vec<String> = server
        .calls()
        .iter()
        .map(|call| call.operation_id().to_owned())
        .collect();
    assert_eq!(
        operations,
        [
            "list", "create", "create", "list", "list", "create", "list", "delete", "list"
        ]
    );
}

#[tokio::test]
async fn a_server_without_api_is_found_out_and_spoken_to_over_rest() {
    let server = MockServer::new().without_api().require_session();
    server.on(START).succeeds();
    let client = server.client();
    client.login("user", "password").await.unwrap();
    client
        .operation(&POWER_START)
        .param("vm", "vm-1")
        .send::<()>()
        .await
        .unwrap();
    let calls = server.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls.iter().all(|call| call.protocol() == Protocol::Rest),
        "{calls:?}"
    );
    assert_eq!(calls[1].target(), "/rest/vcenter/vm/vm-1/power/start");
}
