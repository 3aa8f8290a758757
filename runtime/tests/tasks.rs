//! Task polling through `com.vmware.cis.tasks.get`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use vsphere_vapi_runtime::{Client, Error, ErrorKind, Protocol, TaskWaitOptions};
use wiremock::matchers::{method, path};
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
    let vm: String = client.wait_for_task("52a1-task-7", fast()).await.unwrap();
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
    let () = client.wait_for_task("t-1", fast()).await.unwrap();
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
    let error = client
        .wait_for_task::<Value>("t-2", fast())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::TaskFailed { ref task_id, .. } if task_id == "t-2"),
        "{error:?}"
    );
    assert_eq!(error.kind(), Some(&ErrorKind::ResourceInUse));
    assert_eq!(error.messages()[0].default_message, "The VM is in use.");
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
    let error = client
        .wait_for_task::<Value>("t-3", fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), Some(&ErrorKind::Canceled));
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
    let error = client
        .wait_for_task::<Value>("t-4", options)
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
    let error = client
        .wait_for_task::<Value>("t-5", fast())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), Some(&ErrorKind::NotFound));
}
