//! The mock server: typed answers through the real wire encoding, rules,
//! recorded calls and the failures of unmatched calls.

use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};
use vsphere_vapi_runtime::mock::{MockError, MockServer};
use vsphere_vapi_runtime::{Client, Error, HttpMethod, HttpRoute, OperationSpec, Protocol};

mod mock_support;
use mock_support::*;

#[tokio::test]
async fn typed_answers_travel_in_each_protocols_wire_form() {
    let server = MockServer::new();
    let listed = vec![summary("vm-1", "web 1"), summary("vm-2", "db")];
    server.on(LIST).returns(listed.clone());
    let spy = Spy {
        inner: server.clone(),
        seen: Arc::default(),
    };
    for protocol in [Protocol::Api, Protocol::Rest] {
        let client = Client::builder("https://vc.example.com")
            .protocol(protocol)
            .transport(spy.clone())
            .build()
            .unwrap();
        let answer: Vec<Summary> = client.operation(&VM_LIST).send().await.unwrap();
        assert_eq!(answer, listed, "{protocol:?}");
    }
    let seen = spy.seen.lock().unwrap();
    let api: Value = serde_json::from_str(&seen[0].2).unwrap();
    assert_eq!(seen[0].0, "GET https://vc.example.com/api/vcenter/vm");
    assert_eq!(api, serde_json::to_value(&listed).unwrap());
    let rest: Value = serde_json::from_str(&seen[1].2).unwrap();
    assert_eq!(
        rest,
        json!({"value": serde_json::to_value(&listed).unwrap()})
    );
    let calls = server.calls_to(LIST);
    assert_eq!(
        calls.iter().map(|call| call.protocol()).collect::<Vec<_>>(),
        vec![Protocol::Api, Protocol::Rest]
    );
}

#[tokio::test]
async fn query_parameters_are_read_back_as_the_type_asked_for() {
    let server = MockServer::new();
    let wanted = FilterSpec {
        names: Some(vec!["web 1".to_owned(), "a&b=c".to_owned()]),
        power_states: Some(vec!["POWERED_OFF".to_owned()]),
    };
    let expected = wanted.clone();
    server
        .on(LIST)
        .when(move |call| call.param::<Option<FilterSpec>>("filter") == Some(expected.clone()))
        .returns(vec![summary("vm-1", "web 1")]);
    server.on(LIST).returns(Vec::new());
    for client in [server.client(), rest_client(&server)] {
        let filtered: Vec<Summary> = client
            .operation(&VM_LIST)
            .param("filter", &wanted)
            .send()
            .await
            .unwrap();
        assert_eq!(filtered.len(), 1);
        let all: Vec<Summary> = client.operation(&VM_LIST).send().await.unwrap();
        assert!(all.is_empty());
    }
    let calls = server.calls_to(LIST);
    assert_eq!(calls.len(), 4);
    assert_eq!(
        calls[0].target(),
        "/api/vcenter/vm?names=web%201&names=a%26b%3Dc&power_states=POWERED_OFF"
    );
    assert_eq!(
        calls[2].target(),
        "/rest/vcenter/vm?filter.names=web%201&filter.names=a%26b%3Dc&filter.power_states=POWERED_OFF"
    );
    for call in [&calls[0], &calls[2]] {
        assert_eq!(call.param::<FilterSpec>("filter"), wanted);
    }
    assert!(!calls[1].has_param("filter"));
    assert_eq!(calls[1].param::<Option<FilterSpec>>("filter"), None);
}

#[tokio::test]
async fn rules_pick_calls_by_typed_parameters_and_run_in_order() {
    let server = MockServer::new();
    server
        .on(START)
        .with_param("vm", VirtualMachineId::from("vm-404"))
        .fails(MockError::new("NOT_FOUND").message("vm-404 is gone"));
    server
        .on(START)
        .once()
        .fails(MockError::new("RESOURCE_BUSY"));
    server.on(START).succeeds();
    let client = server.client();
    let start = |vm: &'static str| {
        let client = client.clone();
        async move {
            client
                .operation(&POWER_START)
                .param("vm", &VirtualMachineId::from(vm))
                .send::<()>()
                .await
        }
    };
    let busy = start("vm-1").await.unwrap_err();
    assert_eq!(busy.error_type(), Some("RESOURCE_BUSY"));
    assert_eq!(busy.status(), Some(400));
    start("vm-1").await.unwrap();
    let gone = start("vm-404").await.unwrap_err();
    assert_eq!(gone.error_type(), Some("NOT_FOUND"));
    assert_eq!(gone.status(), Some(404));
    assert_eq!(
        gone.server_error().unwrap().messages(),
        vec!["vm-404 is gone".to_owned()]
    );
    start("vm-2").await.unwrap();
    let started: Vec<VirtualMachineId> = server
        .calls_to(START)
        .iter()
        .map(|call| call.param("vm"))
        .collect();
    assert_eq!(
        started,
        ["vm-1", "vm-1", "vm-404", "vm-2"].map(VirtualMachineId::from)
    );
    assert_eq!(server.count(START), 4);
    assert_eq!(
        server.calls()[2].to_string(),
        r#"com.vmware.vcenter.vm.power.start(vm = "vm-404")"#
    );
}

#[tokio::test]
async fn closures_answer_from_the_call_and_may_look_at_the_mock() {
    let server = MockServer::new();
    let seen = server.clone();
    server.on(LIST).respond(move |call| {
        let filter: Option<FilterSpec> = call.param("filter");
        // Earlier calls are visible from inside a rule.
        let earlier = seen.count(LIST);
        match filter.and_then(|filter| filter.names) {
            Some(names) => Ok(names
                .iter()
                .enumerate()
                .map(|(index, name)| summary(&format!("vm-{earlier}-{index}"), name))
                .collect()),
            None => Err(MockError::new("INVALID_ARGUMENT").message("a name filter is required")),
        }
    });
    let client = server.client();
    let filter = FilterSpec {
        names: Some(vec!["a".to_owned(), "b".to_owned()]),
        ..FilterSpec::default()
    };
    let listed: Vec<Summary> = client
        .operation(&VM_LIST)
        .param("filter", &filter)
        .send()
        .await
        .unwrap();
    assert_eq!(listed, vec![summary("vm-0-0", "a"), summary("vm-0-1", "b")]);
    let refused = client
        .operation(&VM_LIST)
        .send::<Vec<Summary>>()
        .await
        .unwrap_err();
    assert_eq!(refused.error_type(), Some("INVALID_ARGUMENT"));
    assert!(
        refused.to_string().contains("a name filter is required"),
        "{refused}"
    );
}

#[tokio::test]
async fn unmatched_calls_fail_naming_the_operation_and_its_parameters() {
    let server = MockServer::new().with_operations(TABLE).allow_unmatched();
    server
        .on(START)
        .with_param("vm", VirtualMachineId::from("vm-1"))
        .succeeds();
    let client = server.client();
    let error = client
        .operation(&POWER_START)
        .param("vm", "vm-9")
        .send::<()>()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    for part in [
        "com.vmware.vcenter.vm.power.start",
        r#"vm = "vm-9""#,
        "POST /api/vcenter/vm/vm-9/power?action=start",
        "did not match",
    ] {
        assert!(text.contains(part), "`{part}` missing from: {text}");
    }
    // An operation of the table without any rule.
    let error = client
        .operation(&POWER_STOP)
        .param("vm", "vm-1")
        .send::<()>()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("com.vmware.vcenter.vm.power.stop") && error.contains("has no rules"),
        "{error}"
    );
    // The plain form is mocked, the task form is called.
    server.on(RELOCATE).succeeds();
    let error = client
        .operation(&VM_RELOCATE_TASK)
        .param("vm", "vm-1")
        .send_task::<()>()
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("there are rules for `relocate`"), "{error}");
    // A request no known operation has.
    static UNKNOWN: OperationSpec = OperationSpec {
        service_id: "com.example",
        operation_id: "x",
        task: false,
        api: Some(HttpRoute {
            method: HttpMethod::Get,
            path: "/api/example",
            query: &[],
            params: &[],
        }),
        rest: None,
        releases: vsphere_vapi_runtime::Releases::UNKNOWN,
        idempotency: vsphere_vapi_runtime::Idempotency::None,
    };
    let error = client
        .operation(&UNKNOWN)
        .send::<()>()
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("no operation the mock knows has the route GET /api/example"),
        "{error}"
    );
    let unmatched = server.unmatched_calls();
    assert_eq!(unmatched.len(), 4);
    assert_eq!(unmatched[0].operation_id(), "start");
    assert_eq!(unmatched[3].operation_id(), "");
}

#[tokio::test]
#[should_panic(
    expected = "1 call(s) no rule answered:\n  com.vmware.vcenter.vm.power.start(vm = \"vm-7\")"
)]
async fn a_mock_dropped_after_unmatched_calls_panics() {
    let server = MockServer::new().with_operations(TABLE);
    let client = server.client();
    // The automation under test swallows the error; the mock still fails
    // the test when it goes away.
    let _ = client
        .operation(&POWER_START)
        .param("vm", "vm-7")
        .send::<()>()
        .await;
    drop(client);
    drop(server);
}

#[tokio::test]
async fn errors_carry_their_structure_on_both_protocols() {
    #[derive(Serialize)]
    struct Busy {
        messages: Vec<Value>,
        data: Value,
        retry_after: i64,
    }
    let server = MockServer::new();
    server.on(START).fails(
        MockError::structure(
            "RESOURCE_BUSY",
            &Busy {
                messages: vec![json!({"id": "busy", "default_message": "busy", "args": []})],
                data: json!({"host": "esx-1"}),
                retry_after: 30,
            },
        )
        .with_status(503),
    );
    for client in [server.client(), rest_client(&server)] {
        let error = client
            .operation(&POWER_START)
            .param("vm", "vm-1")
            .send::<()>()
            .await
            .unwrap_err();
        let server_error = error.server_error().unwrap();
        assert_eq!(server_error.status(), 503);
        assert_eq!(server_error.error_type(), Some("RESOURCE_BUSY"));
        assert_eq!(server_error.messages(), vec!["busy".to_owned()]);
        let value = server_error.value().unwrap();
        assert_eq!(value["retry_after"], 30);
        assert_eq!(value["data"]["host"], "esx-1");
    }
}

#[test]
#[should_panic(expected = "is not a task operation")]
fn task_failures_need_a_task_operation() {
    MockServer::new()
        .on(START)
        .task_fails(MockError::new("ERROR"));
}

#[test]
fn typed_operations_name_their_operation() {
    assert_eq!(START.to_string(), "com.vmware.vcenter.vm.power.start");
    assert_eq!(
        format!("{LIST:?}"),
        "Operation(com.vmware.vcenter.VM.list -> Vec<Summary>)"
    );
    assert!(RELOCATE_TASK.is_task() && !START.is_task());
    assert_eq!(RELOCATE_TASK.operation_id(), "relocate$task");
    let spec: &'static OperationSpec = LIST.into();
    assert!(std::ptr::eq(spec, &VM_LIST));
}
