//! Tasks as values: starting, polling (`com.vmware.cis.tasks.get`) and
//! cancelling (`com.vmware.cis.tasks.cancel`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    Protocol, Task, TaskId, TaskState, TaskWaitOptions,
};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fast() -> TaskWaitOptions {
    TaskWaitOptions::default()
        .timeout(Duration::from_secs(5))
        .intervals(Duration::from_millis(5), Duration::from_millis(20))
}

/// Serves task states in order, repeating the last one.
async fn task_server(route: &str, states: Vec<Value>) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = polls.clone();
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |_: &Request| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            ResponseTemplate::new(200).set_body_json(&states[n.min(states.len() - 1)])
        })
        .mount(&server)
        .await;
    (server, polls)
}

vsphere_vapi_runtime::vapi_id! {
    /// Identifier of a virtual machine.
    pub struct VirtualMachineId = "VirtualMachine";
}

fn task<T: serde::de::DeserializeOwned>(client: &Client, id: &str) -> Task<T> {
    Task::new(client, TaskId::new(id))
}

/// `com.vmware.vcenter.vm.clone$task`, reduced to what the test needs.
static VM_CLONE_TASK: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm",
    operation_id: "clone$task",
    task: true,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm",
        query: &[("action", "clone"), ("vmw-task", "true")],
        params: &[ParamBinding {
            param: "spec",
            location: ParamLocation::Body,
        }],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/vcenter/vm",
        query: &[("action", "clone"), ("vmw-task", "true")],
        params: &[ParamBinding {
            param: "spec",
            location: ParamLocation::BodyField("spec"),
        }],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

#[tokio::test]
async fn send_task_then_wait_gives_the_typed_result() {
    let (server, polls) = task_server(
        "/api/cis/tasks/52a1-task-9",
        vec![
            json!({"status": "RUNNING"}),
            json!({"status": "SUCCEEDED", "result": "vm-1002"}),
        ],
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/api/vcenter/vm"))
        .and(query_param("action", "clone"))
        .respond_with(ResponseTemplate::new(201).set_body_json("52a1-task-9"))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let task: Task<VirtualMachineId> = client
        .operation(&VM_CLONE_TASK)
        .param("spec", &json!({"name": "copy"}))
        .send_task()
        .await
        .unwrap();
    assert_eq!(task.id(), "52a1-task-9");
    let vm = task.wait_with(fast()).await.unwrap();
    assert_eq!(vm, VirtualMachineId::new("vm-1002"));
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn send_task_over_rest_unwraps_the_identifier() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/rest/vcenter/vm"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": "t-rest"})))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    let task = client
        .operation(&VM_CLONE_TASK)
        .param("spec", &json!({"name": "copy"}))
        .send_task::<VirtualMachineId>()
        .await
        .unwrap();
    assert_eq!(task.into_id(), TaskId::new("t-rest"));
}

#[tokio::test]
async fn send_task_with_a_malformed_identifier_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"task": 7})))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let error = client
        .operation(&VM_CLONE_TASK)
        .send_task::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("clone$task"), "{error}");
}

#[tokio::test]
async fn succeeded_task_result_is_decoded() {
    let (server, polls) = task_server(
        "/api/cis/tasks/52a1-task-7",
        vec![
            json!({"status": "PENDING", "service": "com.vmware.vcenter.vm", "operation": "clone"}),
            json!({"status": "RUNNING", "progress": {"completed": 40, "total": 100}}),
            json!({"status": "SUCCEEDED", "result": "vm-1001"}),
        ],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let vm: String = task(&client, "52a1-task-7")
        .wait_with(fast())
        .await
        .unwrap();
    assert_eq!(vm, "vm-1001");
    assert_eq!(polls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn void_task_and_rest_protocol() {
    let (server, polls) = task_server(
        "/rest/cis/tasks/t-1",
        vec![
            json!({"value": {"status": "RUNNING"}}),
            json!({"value": {"status": "SUCCEEDED"}}),
        ],
    )
    .await;
    let client = Client::builder(server.uri())
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    let () = task(&client, "t-1").wait_with(fast()).await.unwrap();
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn failed_task_reports_its_error() {
    let (server, _) = task_server(
        "/api/cis/tasks/t-2",
        vec![json!({
            "status": "FAILED",
            "error": {
                "error_type": "RESOURCE_IN_USE",
                "messages": [{"id": "vm.busy", "default_message": "The VM is in use.", "args": []}]
            }
        })],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let error = task::<Value>(&client, "t-2")
        .wait_with(fast())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::TaskFailed { ref task_id, .. } if task_id == "t-2"),
        "{error:?}"
    );
    assert_eq!(error.error_type(), Some("RESOURCE_IN_USE"));
    assert_eq!(error.status(), None);
    assert_eq!(
        error.server_error().unwrap().messages(),
        ["The VM is in use."]
    );
    assert_eq!(
        error.to_string(),
        "task t-2 failed: RESOURCE_IN_USE: The VM is in use."
    );
}

#[tokio::test]
async fn failed_task_with_rest_error_form() {
    let (server, _) = task_server(
        "/rest/cis/tasks/t-3",
        vec![json!({"value": {
            "status": "FAILED",
            "error": {"type": "com.vmware.vapi.std.errors.canceled", "value": {"messages": []}}
        }})],
    )
    .await;
    let client = Client::builder(server.uri())
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    let error = task::<Value>(&client, "t-3")
        .wait_with(fast())
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("CANCELED"));
}

#[tokio::test]
async fn unfinished_task_times_out() {
    let (server, polls) =
        task_server("/api/cis/tasks/t-4", vec![json!({"status": "RUNNING"})]).await;
    let client = Client::new(server.uri()).unwrap();
    let started = Instant::now();
    let options = TaskWaitOptions::default()
        .timeout(Duration::from_millis(150))
        .intervals(Duration::from_millis(10), Duration::from_millis(40));
    let error = task::<Value>(&client, "t-4")
        .wait_with(options)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    match &error {
        Error::TaskTimeout {
            task_id,
            last_status,
            ..
        } => {
            assert_eq!(task_id, "t-4");
            assert_eq!(last_status, "RUNNING");
        }
        other => panic!("expected a task timeout, got {other:?}"),
    }
    assert!(error.is_timeout());
    assert!(
        elapsed >= Duration::from_millis(150) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    // Backoff: 10, 20, 40, 40, ... ms within 150 ms is a handful of polls.
    let count = polls.load(Ordering::SeqCst);
    assert!((3..=8).contains(&count), "{count} polls");
}

#[tokio::test]
async fn missing_task_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error_type": "NOT_FOUND",
            "messages": [{"id": "task.not.found", "default_message": "Task t-5 not found", "args": ["t-5"]}]
        })))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let error = task::<Value>(&client, "t-5")
        .wait_with(fast())
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn wrongly_typed_result_is_a_decode_error() {
    let (server, _) = task_server(
        "/api/cis/tasks/t-6",
        vec![json!({"status": "SUCCEEDED", "result": {"not": "a string"}})],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let error = task::<String>(&client, "t-6").wait().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(
        error.to_string().contains("com.vmware.cis.tasks.get"),
        "{error}"
    );
}

#[tokio::test]
async fn status_reports_state_progress_and_times() {
    let (server, _) = task_server(
        "/api/cis/tasks/t-7",
        vec![json!({
            "status": "RUNNING",
            "progress": {
                "total": 10,
                "completed": 4,
                "message": {"id": "clone.progress", "default_message": "Copying disk 2 of 5", "args": ["2", "5"]}
            },
            "start_time": "2024-03-01T12:00:00.000Z",
            "service": "com.vmware.vcenter.vm",
            "operation": "clone"
        })],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let status = task::<Value>(&client, "t-7").status().await.unwrap();
    assert_eq!(status.state(), &TaskState::Running);
    let progress = status.progress().unwrap();
    assert_eq!((progress.completed, progress.total), (4, 10));
    assert_eq!(progress.message.as_deref(), Some("Copying disk 2 of 5"));
    assert_eq!(status.start_time(), Some("2024-03-01T12:00:00.000Z"));
    assert_eq!(status.end_time(), None);
    assert!(status.error().is_none());
    assert_eq!(status.info()["operation"], json!("clone"));
}

#[tokio::test]
async fn failed_status_carries_the_error() {
    let (server, _) = task_server(
        "/rest/cis/tasks/t-8",
        vec![json!({"value": {
            "status": "FAILED",
            "end_time": "2024-03-01T12:05:00.000Z",
            "error": {"type": "com.vmware.vapi.std.errors.unable_to_allocate_resource", "value": {"messages": ["No space"]}}
        }})],
    )
    .await;
    let client = Client::builder(server.uri())
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    let status = task::<Value>(&client, "t-8").status().await.unwrap();
    assert_eq!(status.state(), &TaskState::Failed);
    assert_eq!(status.end_time(), Some("2024-03-01T12:05:00.000Z"));
    let error = status.error().unwrap();
    assert_eq!(error.error_type(), Some("UNABLE_TO_ALLOCATE_RESOURCE"));
    assert_eq!(error.messages(), ["No space"]);
}

async fn cancel_with(protocol: Protocol, expected_path: &str) -> Vec<Request> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(expected_path))
        .and(query_param("action", "cancel"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .protocol(protocol)
        .build()
        .unwrap();
    task::<Value>(&client, "52a1:task/1")
        .cancel()
        .await
        .unwrap();
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn cancel_over_api() {
    let requests = cancel_with(Protocol::Api, "/api/cis/tasks/52a1%3Atask%2F1").await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.url.query(),
        Some("action=cancel"),
        "{}",
        request.url
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn cancel_over_rest() {
    let requests = cancel_with(Protocol::Rest, "/rest/cis/tasks/52a1%3Atask%2F1").await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), Some("action=cancel"));
}

#[tokio::test]
async fn cancel_refused_reports_the_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "NOT_ALLOWED_IN_CURRENT_STATE",
            "messages": [{"id": "x", "default_message": "The task is not cancelable.", "args": []}]
        })))
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let error = task::<Value>(&client, "t-9").cancel().await.unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_ALLOWED_IN_CURRENT_STATE"));
    assert!(
        error
            .to_string()
            .starts_with("com.vmware.cis.tasks.cancel: "),
        "{error}"
    );
}

#[tokio::test]
async fn huge_timeout_means_no_deadline() {
    let (server, polls) = task_server(
        "/api/cis/tasks/t-10",
        vec![
            json!({"status": "PENDING"}),
            json!({"status": "SUCCEEDED", "result": 3}),
        ],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let options = TaskWaitOptions::default()
        .timeout(Duration::MAX)
        .intervals(Duration::from_millis(5), Duration::from_millis(5));
    let result: i64 = task(&client, "t-10").wait_with(options).await.unwrap();
    assert_eq!(result, 3);
    assert_eq!(polls.load(Ordering::SeqCst), 2);
    let no_limit = TaskWaitOptions::default().no_timeout();
    assert_eq!(no_limit.timeout, Duration::MAX);
}

#[tokio::test]
async fn huge_intervals_stay_within_the_timeout() {
    let (server, polls) =
        task_server("/api/cis/tasks/t-11", vec![json!({"status": "BLOCKED"})]).await;
    let client = Client::new(server.uri()).unwrap();
    // Doubling Duration::MAX would overflow; the pause is also cut to the
    // time left.
    let options = TaskWaitOptions::default()
        .timeout(Duration::from_millis(100))
        .intervals(Duration::MAX, Duration::MAX);
    let started = Instant::now();
    let error = task::<Value>(&client, "t-11")
        .wait_with(options)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::TaskTimeout { last_status, .. } if last_status == "BLOCKED"),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(polls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn default_wait_polls_at_once() {
    let (server, polls) = task_server(
        "/api/cis/tasks/t-12",
        vec![json!({"status": "SUCCEEDED", "result": ["a", "b"]})],
    )
    .await;
    let client = Client::new(server.uri()).unwrap();
    let started = Instant::now();
    let result: Vec<String> = task(&client, "t-12").wait().await.unwrap();
    assert_eq!(result, ["a", "b"]);
    assert_eq!(polls.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_millis(400));
}
