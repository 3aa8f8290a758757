//! Waiting for vAPI tasks (`com.vmware.cis.tasks`).

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::Client;
use crate::error::{self, ApiError, Error, ErrorKind, Result};
use crate::spec::{HttpMethod, HttpRoute, OperationSpec, ParamBinding, ParamLocation};

const TASK_PARAMS: &[ParamBinding] = &[ParamBinding {
    param: "task",
    location: ParamLocation::Path("task"),
}];

/// `com.vmware.cis.tasks.get`, as published for vCenter 7.0:
/// `GET /api/cis/tasks/{task}` and `GET /rest/cis/tasks/{task}`.
pub static TASK_GET: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tasks",
    operation_id: "get",
    task: false,
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
};

/// How [`Client::wait_for_task`] polls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TaskWaitOptions {
    /// Give up after this long (default 1 hour).
    pub timeout: Duration,
    /// Delay before the second poll (default 500 ms); the first poll is
    /// immediate.
    pub initial_interval: Duration,
    /// Upper bound for the delay between polls (default 10 s); the delay
    /// doubles up to it.
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

    /// Sets the first and the largest delay between polls.
    pub fn intervals(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }
}

impl Client {
    /// Polls the task until it succeeds (its `result` decoded as `T`), fails
    /// ([`Error::TaskFailed`] with the task's error) or `options.timeout`
    /// passes ([`Error::TaskTimeout`]). Polling backs off exponentially from
    /// `initial_interval` to `max_interval`.
    pub async fn wait_for_task<T: DeserializeOwned>(
        &self,
        task_id: &str,
        options: TaskWaitOptions,
    ) -> Result<T> {
        let started = Instant::now();
        let deadline = started + options.timeout;
        let mut interval = options.initial_interval;
        loop {
            let info: Value = self
                .operation(&TASK_GET)
                .param("task", task_id)
                .send()
                .await?;
            let status = info
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match status.as_str() {
                "SUCCEEDED" => {
                    let result = info.get("result").cloned().unwrap_or(Value::Null);
                    return serde_json::from_value(result).map_err(|source| Error::Decode {
                        service: TASK_GET.service_id.to_owned(),
                        operation: TASK_GET.operation_id.to_owned(),
                        status: 200,
                        excerpt: error::excerpt(
                            info.get("result")
                                .map(Value::to_string)
                                .unwrap_or_default()
                                .as_bytes(),
                        ),
                        source,
                    });
                }
                "FAILED" => {
                    return Err(Error::TaskFailed {
                        task_id: task_id.to_owned(),
                        error: Box::new(task_error(info.get("error"))),
                    });
                }
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::TaskTimeout {
                    task_id: task_id.to_owned(),
                    waited: now - started,
                    last_status: if status.is_empty() {
                        "(none)".to_owned()
                    } else {
                        status
                    },
                });
            }
            tracing::trace!(
                task = task_id,
                status = status.as_str(),
                "task still running"
            );
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = (interval * 2).min(options.max_interval.max(options.initial_interval));
        }
    }
}

/// The `error` of a failed task, in whichever form the server used.
fn task_error(error: Option<&Value>) -> ApiError {
    let raw = error.cloned().unwrap_or(Value::Null);
    error::parse_std_error(&raw, None).unwrap_or(ApiError {
        kind: ErrorKind::Error,
        status: None,
        messages: Vec::new(),
        data: raw,
        body_excerpt: None,
    })
}
