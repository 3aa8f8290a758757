//! vAPI tasks (`com.vmware.cis.tasks`) as values: a [`Task`] names a running
//! operation and the type of its result.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{self, Client};
use crate::error::{self, Error, Result, ServerError};
use crate::ids::TaskId;
use crate::spec::{
    HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation, Releases,
};

const TASKS_SERVICE: &str = "com.vmware.cis.tasks";

const TASK_PARAMS: &[ParamBinding] = &[ParamBinding {
    param: "task",
    location: ParamLocation::Path("task"),
}];

/// `com.vmware.cis.tasks.get`, as published for vCenter 7.0:
/// `GET /api/cis/tasks/{task}` and `GET /rest/cis/tasks/{task}`.
pub static TASK_GET: OperationSpec = OperationSpec {
    service_id: TASKS_SERVICE,
    operation_id: "get",
    task: false,
    idempotency: Idempotency::Safe,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/cis/tasks/{task}",
        query: &[],
        params: TASK_PARAMS,
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/cis/tasks/{task}",
        query: &[],
        params: TASK_PARAMS,
    }),
    releases: Releases::UNKNOWN,
};

/// `com.vmware.cis.tasks.cancel`: `POST /api/cis/tasks/{task}?action=cancel`
/// and `POST /rest/cis/tasks/{task}?action=cancel`.
pub static TASK_CANCEL: OperationSpec = OperationSpec {
    service_id: TASKS_SERVICE,
    operation_id: "cancel",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/cis/tasks/{task}",
        query: &[("action", "cancel")],
        params: TASK_PARAMS,
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/cis/tasks/{task}",
        query: &[("action", "cancel")],
        params: TASK_PARAMS,
    }),
    releases: Releases::UNKNOWN,
};

crate::vapi_enum! {
    /// State of a task (`com.vmware.cis.task.status`).
    pub enum TaskState {
        /// Not started yet.
        Pending = "PENDING",
        /// Running.
        Running = "RUNNING",
        /// Waiting for something (user input, a resource) before it can go on.
        Blocked = "BLOCKED",
        /// Finished successfully; the result is available.
        Succeeded = "SUCCEEDED",
        /// Finished with an error.
        Failed = "FAILED",
        @unknown Unknown
    }
}

impl TaskState {
    /// True for the final states, [`TaskState::Succeeded`] and
    /// [`TaskState::Failed`].
    pub fn is_finished(&self) -> bool {
        matches!(self, TaskState::Succeeded | TaskState::Failed)
    }
}

/// How far a task has got (`progress` of the task's info).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskProgress {
    /// Total amount of work, in units the task chooses.
    pub total: i64,
    /// Work done so far, in the same units.
    pub completed: i64,
    /// The default text of the progress message, when there is one.
    pub message: Option<String>,
}

impl TaskProgress {
    /// `completed / total` clamped to `0.0..=1.0`; `None` while the total is
    /// not positive (unknown).
    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| (self.completed as f64 / self.total as f64).clamp(0.0, 1.0))
    }
}

/// One observation of a task, from `com.vmware.cis.tasks.get`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskStatus {
    state: TaskState,
    error: Option<ServerError>,
    info: Value,
}

impl TaskStatus {
    /// Reads the task's info leniently: only `status` matters for waiting, the
    /// rest is looked at on demand.
    fn from_info(info: Value) -> TaskStatus {
        let state = TaskState::from(info.get("status").and_then(Value::as_str).unwrap_or(""));
        let error_value = info.get("error").filter(|value| !value.is_null());
        // The info came in a successful response of the task service.
        let error = (state == TaskState::Failed || error_value.is_some())
            .then(|| error::error_from_task(200, error_value));
        TaskStatus { state, error, info }
    }

    /// The task's state (an unknown state with an empty string when the
    /// server sent none).
    pub fn state(&self) -> &TaskState {
        &self.state
    }

    /// True once the task succeeded or failed.
    pub fn is_finished(&self) -> bool {
        self.state.is_finished()
    }

    /// Progress, when the task reports it.
    pub fn progress(&self) -> Option<TaskProgress> {
        let progress = self.info.get("progress")?.as_object()?;
        let number = |key: &str| progress.get(key).and_then(Value::as_i64).unwrap_or(0);
        Some(TaskProgress {
            total: number("total"),
            completed: number("completed"),
            message: progress.get("message").and_then(error::message_text),
        })
    }

    /// The error of a failed task. Its [`ServerError::status`] is that of the
    /// task service's (successful) answer.
    pub fn error(&self) -> Option<&ServerError> {
        self.error.as_ref()
    }

    /// When the task started (`start_time`, as sent), if it has.
    pub fn start_time(&self) -> Option<&str> {
        self.info.get("start_time").and_then(Value::as_str)
    }

    /// When the task finished (`end_time`, as sent), if it has.
    pub fn end_time(&self) -> Option<&str> {
        self.info.get("end_time").and_then(Value::as_str)
    }

    /// The task's whole info (`com.vmware.cis.task.info`) as JSON, unwrapped
    /// from the `/rest` `value`.
    pub fn info(&self) -> &Value {
        &self.info
    }
}

/// How [`Task::wait_with`] polls.
///
/// The defaults: give up after 1 hour, poll at once, then after 500 ms, with
/// the delay doubling up to 10 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskWaitOptions {
    /// Give up after this long (default 1 hour). A duration too large to add
    /// to the current time (such as `Duration::MAX`) means no limit.
    pub timeout: Duration,
    /// Delay before the second poll (default 500 ms); the first poll is
    /// immediate.
    pub initial_interval: Duration,
    /// Upper bound for the delay between polls (default 10 s); the delay
    /// doubles up to it. Zero intervals poll without pause.
    pub max_interval: Duration,
}

impl Default for TaskWaitOptions {
    fn default() -> Self {
        TaskWaitOptions {
            timeout: Duration::from_secs(3600),
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
        }
    }
}

impl TaskWaitOptions {
    /// Sets the overall time limit.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Waits as long as the task takes.
    pub fn no_timeout(self) -> Self {
        self.timeout(Duration::MAX)
    }

    /// Sets the delay before the second poll.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// Sets the largest delay between polls.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// Sets the first and the largest delay between polls; the largest is
    /// raised to the first when smaller.
    pub fn intervals(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

/// A running vAPI task whose result, once it succeeds, is a `T`.
///
/// Returned by the `$task` variants of operations ([`crate::Call::send_task`]);
/// it can also be made from a stored identifier with [`Task::new`]. Waiting
/// consumes the handle; clone it (cheap: it shares the client) to wait and
/// cancel from different places.
pub struct Task<T> {
    client: Client,
    id: TaskId,
    // `fn() -> T`: the handle produces a `T` but owns none, so it is Send,
    // Sync and Clone whatever `T` is.
    result: PhantomData<fn() -> T>,
}

impl<T> Clone for Task<T> {
    fn clone(&self) -> Self {
        Task {
            client: self.client.clone(),
            id: self.id.clone(),
            result: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task")
            .field("id", &self.id)
            .field("result", &std::any::type_name::<T>())
            .finish_non_exhaustive()
    }
}

impl<T> Task<T> {
    /// The task `id` on the server `client` talks to.
    pub fn new(client: &Client, id: TaskId) -> Self {
        Task {
            client: client.clone(),
            id,
            result: PhantomData,
        }
    }

    /// The task identifier.
    pub fn id(&self) -> &TaskId {
        &self.id
    }

    /// Gives up the handle, keeping the identifier (to store it and wait
    /// later).
    pub fn into_id(self) -> TaskId {
        self.id
    }
}

impl<T: DeserializeOwned> Task<T> {
    /// Waits with the default [`TaskWaitOptions`]; see [`Task::wait_with`].
    pub async fn wait(self) -> Result<T> {
        self.wait_with(TaskWaitOptions::default()).await
    }

    /// Polls the task until it succeeds (its `result` decoded as `T`), fails
    /// ([`Error::TaskFailed`] carrying the task's error, so
    /// [`Error::error_type`] tells which) or `options.timeout` passes
    /// ([`Error::TaskTimeout`]). Polling backs off exponentially from
    /// `initial_interval` to `max_interval`.
    pub async fn wait_with(self, options: TaskWaitOptions) -> Result<T> {
        let started = Instant::now();
        let deadline = started.checked_add(options.timeout);
        let mut interval = options.initial_interval.min(options.max_interval);
        loop {
            let status = self.status().await?;
            match status.state {
                TaskState::Succeeded => return self.result(status.info),
                TaskState::Failed => {
                    let error = status
                        .error
                        .unwrap_or_else(|| error::error_from_task(200, None));
                    return Err(Error::TaskFailed {
                        task_id: self.id,
                        error: Box::new(error),
                    });
                }
                _ => {}
            }
            let now = Instant::now();
            let mut pause = interval;
            if let Some(deadline) = deadline {
                if now >= deadline {
                    let last_status = match status.state.as_str() {
                        "" => "(none)".to_owned(),
                        state => state.to_owned(),
                    };
                    return Err(Error::TaskTimeout {
                        task_id: self.id,
                        waited: now - started,
                        last_status,
                    });
                }
                pause = pause.min(deadline - now);
            }
            tracing::trace!(
                task = self.id.as_str(),
                status = status.state.as_str(),
                "task still running"
            );
            tokio::time::sleep(pause).await;
            interval = interval.saturating_mul(2).min(options.max_interval);
        }
    }

    /// Looks at the task once (`com.vmware.cis.tasks.get`).
    pub async fn status(&self) -> Result<TaskStatus> {
        let info: Value = self
            .client
            .operation(&TASK_GET)
            .param("task", &self.id)
            .send()
            .await?;
        Ok(TaskStatus::from_info(info))
    }

    /// Asks the server to cancel the task (`com.vmware.cis.tasks.cancel`).
    /// Cancellation is a request: wait for the task to see how it ended.
    pub async fn cancel(&self) -> Result<()> {
        self.client
            .operation(&TASK_CANCEL)
            .param("task", &self.id)
            .send()
            .await
    }

    fn result(&self, info: Value) -> Result<T> {
        let result = match info {
            Value::Object(mut fields) => fields.remove("result").unwrap_or(Value::Null),
            _ => Value::Null,
        };
        let text = result.to_string();
        client::decode_value(result).map_err(|source| Error::Decode {
            service: TASK_GET.service_id.to_owned(),
            operation: TASK_GET.operation_id.to_owned(),
            status: 200,
            expected: std::any::type_name::<T>(),
            excerpt: error::excerpt(text.as_bytes()).into(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_reads_info_leniently() {
        let status = TaskStatus::from_info(json!({
            "status": "RUNNING",
            "progress": {"total": 200, "completed": 50, "message": {"id": "p", "default_message": "Copying disks", "args": []}},
            "start_time": "2024-03-01T12:00:00.000Z"
        }));
        assert_eq!(status.state(), &TaskState::Running);
        assert!(!status.is_finished());
        let progress = status.progress().unwrap();
        assert_eq!((progress.total, progress.completed), (200, 50));
        assert_eq!(progress.message.as_deref(), Some("Copying disks"));
        assert_eq!(progress.fraction(), Some(0.25));
        assert_eq!(status.start_time(), Some("2024-03-01T12:00:00.000Z"));
        assert_eq!(status.end_time(), None);
        assert!(status.error().is_none());

        let bare = TaskStatus::from_info(json!({}));
        assert!(bare.state().is_unknown());
        assert_eq!(bare.progress(), None);
        let odd = TaskStatus::from_info(json!({"status": "QUEUED", "progress": {"total": "x"}}));
        assert_eq!(odd.state().as_str(), "QUEUED");
        assert_eq!(odd.progress().unwrap().fraction(), None);
    }

    #[test]
    fn failed_status_always_has_an_error() {
        let status = TaskStatus::from_info(json!({"status": "FAILED"}));
        assert!(status.is_finished());
        assert_eq!(status.error().unwrap().error_type(), None);
        let status = TaskStatus::from_info(json!({
            "status": "FAILED",
            "error": {"error_type": "NOT_ALLOWED_IN_CURRENT_STATE", "messages": []}
        }));
        assert_eq!(
            status.error().unwrap().error_type(),
            Some("NOT_ALLOWED_IN_CURRENT_STATE")
        );
    }

    #[test]
    fn handle_is_clone_and_debug_for_any_result_type() {
        struct NotClone;
        let client = Client::new("https://vc.example.com").unwrap();
        let task: Task<NotClone> = Task::new(&client, TaskId::new("t-1"));
        let copy = task.clone();
        assert_eq!(copy.id(), "t-1");
        let text = format!("{task:?}");
        assert!(text.contains(r#"TaskId("t-1")"#), "{text}");
        assert_eq!(task.into_id(), TaskId::new("t-1"));
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        assert_send_sync(&copy);
        fn assert_send<T: Send>(_: &T) {}
        let typed: Task<String> = Task::new(&client, TaskId::new("t-2"));
        assert_send(&typed.clone().wait());
        assert_send(&typed.status());
        assert_send(&typed.cancel());
    }
}
