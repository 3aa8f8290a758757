//! Answering one request: the built-in session, task and release
//! services, rules, and the encoding of answers as the server sends them.

use std::sync::Arc;

use serde_json::{Value, json};

use super::call::{MockCall, same_operation};
use super::route::{self, Incoming};
use super::rule::{Encoded, MockError, Outcome, RuleEntry};
use super::{Answer, MockServer, unanswered};
use crate::client::{Protocol, SESSION_HEADER};
use crate::encode::Wire;
use crate::release::{self, APPLIANCE_VERSION, HELLO};
use crate::spec::{HttpMethod, HttpRoute, Idempotency, OperationSpec, Releases};
use crate::task::{TASK_CANCEL, TASK_GET};
use crate::transport::{Exchange, HttpRequest, HttpResponse};

const SESSION_SERVICE: &str = "com.vmware.cis.session";
const API_SESSION: &str = "/api/session";
const REST_SESSION: &str = "/rest/com/vmware/cis/session";

/// `com.vmware.cis.session.create`: `POST /api/session`.
static SESSION_CREATE: OperationSpec = session_spec("create", HttpMethod::Post, &[]);
/// `com.vmware.cis.session.delete`: `DELETE /api/session`.
static SESSION_DELETE: OperationSpec = session_spec("delete", HttpMethod::Delete, &[]);
/// `com.vmware.cis.session.get`: `GET /api/session`, on `/rest` a `POST`
/// with `~action=get`.
static SESSION_GET: OperationSpec = OperationSpec {
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: API_SESSION,
        query: &[],
        params: &[],
    }),
    ..session_spec("get", HttpMethod::Post, &[("~action", "get")])
};

const fn session_spec(
    operation_id: &'static str,
    rest_method: HttpMethod,
    rest_query: &'static [(&'static str, &'static str)],
) -> OperationSpec {
    OperationSpec {
        service_id: SESSION_SERVICE,
        operation_id,
        task: false,
        api: Some(HttpRoute {
            method: rest_method,
            path: API_SESSION,
            query: &[],
            params: &[],
        }),
        rest: Some(HttpRoute {
            method: rest_method,
            path: REST_SESSION,
            query: rest_query,
            params: &[],
        }),
        releases: Releases::UNKNOWN,
        idempotency: Idempotency::None,
    }
}

/// The services the mock implements itself.
pub(super) static BUILT_IN: [&OperationSpec; 7] = [
    &SESSION_CREATE,
    &SESSION_DELETE,
    &SESSION_GET,
    &TASK_GET,
    &TASK_CANCEL,
    &HELLO,
    &APPLIANCE_VERSION,
];

/// A task a call started.
pub(super) struct TaskEntry {
    spec: &'static OperationSpec,
    outcome: Result<Encoded, MockError>,
    running_polls: u32,
    polls: u32,
    canceled: bool,
}

/// A fixed time for tasks and sessions: answers stay deterministic.
const TIME: &str = "2024-01-01T00:00:00.000Z";

pub(super) fn answer(server: &MockServer, request: &HttpRequest, exchange: &Exchange) -> Answer {
    let incoming = Incoming::new(request);
    let known = server.state().known();
    let identified = route::identify(&incoming, known.iter());
    let wire = match &identified {
        Some(found) => found.wire,
        // Only used to pick the error form.
        None if incoming.segments.iter().take(2).any(|s| *s == "rest") => Wire::Rest,
        None => Wire::Api,
    };
    let config = server.state().config.clone();
    let served = match wire {
        Wire::Api => config.api,
        Wire::Rest => config.rest,
    };
    if !served {
        // The route does not exist on this server: a bare 404, as from a
        // web server that has no such path.
        return Ok(response(404, Vec::new()));
    }
    let mut call = MockCall {
        spec: identified.as_ref().map(|found| found.spec),
        protocol: match wire {
            Wire::Api => Protocol::Api,
            Wire::Rest => Protocol::Rest,
        },
        method: request.method().to_string(),
        target: request
            .uri()
            .path_and_query()
            .map_or_else(String::new, ToString::to_string),
        params: identified.map(|found| found.params).unwrap_or_default(),
        body: incoming.body.clone(),
        answered: true,
    };
    let token = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);

    let is = |spec: &OperationSpec| call.spec.is_some_and(|own| same_operation(own, spec));
    if is(&SESSION_CREATE) {
        let answer = login(server, request, wire, &config);
        server.state().calls.push(call);
        return Ok(answer);
    }
    if is(&SESSION_DELETE) {
        let known = token
            .as_ref()
            .is_some_and(|token| server.state().sessions.remove(token).is_some());
        server.state().calls.push(call);
        return Ok(if known {
            success(wire, &Value::Null)
        } else {
            error(wire, &unauthenticated())
        });
    }
    let authenticated = token
        .as_ref()
        .is_some_and(|token| server.state().sessions.contains_key(token));
    if config.require_session && !authenticated {
        server.state().calls.push(call);
        return Ok(error(wire, &unauthenticated()));
    }

    if let Some(rule) = find_rule(server, &call) {
        let outcome = (rule.responder)(&call);
        let answer = match (outcome, call.spec) {
            (Outcome::Value(value), Some(spec)) if spec.task => {
                start_task(server, wire, spec, Ok(value), rule.running_polls)
            }
            (Outcome::Error(error), Some(spec)) if spec.task && error.in_task => {
                start_task(server, wire, spec, Err(error), rule.running_polls)
            }
            (Outcome::Value(value), _) => success(
                wire,
                match wire {
                    Wire::Api => &value.api,
                    Wire::Rest => &value.rest,
                },
            ),
            (Outcome::Error(failure), _) => error(wire, &failure),
        };
        server.state().calls.push(call);
        return Ok(answer);
    }
    let built_in = if is(&SESSION_GET) {
        let user = token.and_then(|token| server.state().sessions.get(&token).cloned());
        Some(match user {
            Some(user) => success(
                wire,
                &json!({"user": user, "created_time": TIME, "last_accessed_time": TIME}),
            ),
            None => error(wire, &unauthenticated()),
        })
    } else if is(&TASK_GET) {
        Some(task_info(server, wire, &call))
    } else if is(&TASK_CANCEL) {
        Some(cancel_task(server, wire, &call))
    } else if is(&HELLO) {
        Some(hello(wire, &call, config.release.as_deref()))
    } else if is(&APPLIANCE_VERSION) {
        Some(appliance_version(wire, config.release.as_deref()))
    } else {
        None
    };
    if let Some(answer) = built_in {
        server.state().calls.push(call);
        return Ok(answer);
    }

    let detail = unmatched_detail(server, &call, &known);
    call.answered = false;
    server.state().calls.push(call);
    Err(unanswered(exchange, detail))
}

/// The first rule of the call's operation whose conditions hold and that
/// has calls left. Conditions run without the lock held.
fn find_rule(server: &MockServer, call: &MockCall) -> Option<Arc<RuleEntry>> {
    let spec = call.spec?;
    loop {
        let candidates: Vec<Arc<RuleEntry>> = server
            .state()
            .rules
            .iter()
            .filter(|rule| same_operation(rule.spec, spec))
            .cloned()
            .collect();
        let chosen = candidates.into_iter().find(|rule| rule.matches(call))?;
        if chosen.take() {
            return Some(chosen);
        }
        // Another call took the rule's last answer meanwhile: look again.
    }
}

fn unmatched_detail(
    server: &MockServer,
    call: &MockCall,
    known: &[&'static OperationSpec],
) -> String {
    let Some(spec) = call.spec else {
        return format!(
            "no operation the mock knows has the route {} {} ({} operations known; \
             give MockServer::with_operations the operation table, `vsphere_vapi::operations()`, \
             or register a rule for the operation)",
            call.method,
            call.target,
            known.len()
        );
    };
    let state = server.state();
    let own: Vec<&str> = state
        .rules
        .iter()
        .filter(|rule| same_operation(rule.spec, spec))
        .map(|rule| rule.description.as_str())
        .collect();
    let mut detail = format!(
        "no mock rule answers {}.{} ({} {}) with {}",
        spec.service_id,
        spec.operation_id,
        call.method,
        call.target,
        call.describe_params()
    );
    if own.is_empty() {
        detail.push_str("; the operation has no rules");
        // The synchronous twin of a task operation, or the other way round.
        let twin = match spec.operation_id.strip_suffix("$task") {
            Some(base) => Some(base.to_owned()),
            None => Some(format!("{}$task", spec.operation_id)),
        };
        if let Some(twin) = twin {
            if state.rules.iter().any(|rule| {
                rule.spec.service_id == spec.service_id && rule.spec.operation_id == twin
            }) {
                detail.push_str(&format!(
                    " (there are rules for `{twin}`: the task and plain forms of an operation are mocked separately)"
                ));
            }
        }
    } else {
        detail.push_str(&format!(
            "; its rules did not match or were used up: {}",
            own.join(", ")
        ));
    }
    detail
}

fn login(
    server: &MockServer,
    request: &HttpRequest,
    wire: Wire,
    config: &super::Config,
) -> HttpResponse {
    let given = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.split_once(':')
                .map(|(u, p)| (u.to_owned(), p.to_owned()))
        });
    let accepted = match (&given, &config.credentials) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(given), Some(expected)) => given == expected,
    };
    if !accepted {
        return error(
            wire,
            &MockError::new("UNAUTHENTICATED").message("Authentication required."),
        );
    }
    let user = given.map(|(user, _)| user).unwrap_or_default();
    let token = format!("mock-session-{}", server.next_id());
    {
        let mut state = server.state();
        state.sessions.insert(token.clone(), user);
        state.logins += 1;
    }
    match wire {
        Wire::Api => json_response(201, &Value::String(token)),
        Wire::Rest => json_response(200, &json!({"value": token})),
    }
}

fn unauthenticated() -> MockError {
    MockError::new("UNAUTHENTICATED").message("Authentication required.")
}

fn start_task(
    server: &MockServer,
    wire: Wire,
    spec: &'static OperationSpec,
    outcome: Result<Encoded, MockError>,
    running_polls: u32,
) -> HttpResponse {
    let id = format!("mock-task-{}", server.next_id());
    server.state().tasks.insert(
        id.clone(),
        TaskEntry {
            spec,
            outcome,
            running_polls,
            polls: 0,
            canceled: false,
        },
    );
    success(wire, &Value::String(id))
}

fn task_info(server: &MockServer, wire: Wire, call: &MockCall) -> HttpResponse {
    let id: Option<String> = call.try_param("task").ok();
    let mut state = server.state();
    let Some(task) = id.as_ref().and_then(|id| state.tasks.get_mut(id)) else {
        drop(state);
        return error(
            wire,
            &MockError::new("NOT_FOUND").message(format!(
                "The task {} does not exist.",
                id.unwrap_or_default()
            )),
        );
    };
    task.polls += 1;
    let mut info = serde_json::Map::new();
    info.insert(
        "description".to_owned(),
        json!({"id": "vsphere_vapi.mock.task", "default_message": format!("{}.{}", task.spec.service_id, task.spec.operation_id), "args": []}),
    );
    info.insert(
        "service".to_owned(),
        Value::String(task.spec.service_id.to_owned()),
    );
    info.insert(
        "operation".to_owned(),
        Value::String(task.spec.operation_id.trim_end_matches("$task").to_owned()),
    );
    info.insert("start_time".to_owned(), Value::String(TIME.to_owned()));
    let running = !task.canceled && task.polls <= task.running_polls;
    info.insert("cancelable".to_owned(), Value::Bool(running));
    if running {
        info.insert("status".to_owned(), Value::String("RUNNING".to_owned()));
        let total = u64::from(task.running_polls) + 1;
        info.insert(
            "progress".to_owned(),
            json!({
                "total": total,
                "completed": task.polls - 1,
                "message": {"id": "vsphere_vapi.mock.progress", "default_message": "Running", "args": []}
            }),
        );
    } else {
        info.insert("end_time".to_owned(), Value::String(TIME.to_owned()));
        let outcome = if task.canceled {
            Err(MockError::new("CANCELED").message("The task was canceled."))
        } else {
            task.outcome.clone()
        };
        match outcome {
            Ok(result) => {
                info.insert("status".to_owned(), Value::String("SUCCEEDED".to_owned()));
                let result = match wire {
                    Wire::Api => result.api,
                    Wire::Rest => result.rest,
                };
                if !result.is_null() {
                    info.insert("result".to_owned(), result);
                }
            }
            Err(failure) => {
                info.insert("status".to_owned(), Value::String("FAILED".to_owned()));
                let body = match wire {
                    Wire::Api => failure.api_body(),
                    Wire::Rest => failure.rest_body(),
                };
                info.insert("error".to_owned(), body);
            }
        }
    }
    drop(state);
    success(wire, &Value::Object(info))
}

fn cancel_task(server: &MockServer, wire: Wire, call: &MockCall) -> HttpResponse {
    let id: Option<String> = call.try_param("task").ok();
    let mut state = server.state();
    match id.as_ref().and_then(|id| state.tasks.get_mut(id)) {
        Some(task) => {
            task.canceled = true;
            drop(state);
            success(wire, &Value::Null)
        }
        None => {
            drop(state);
            error(
                wire,
                &MockError::new("NOT_FOUND").message(format!(
                    "The task {} does not exist.",
                    id.unwrap_or_default()
                )),
            )
        }
    }
}

/// A successful answer: `/api` sends the value itself (an operation without
/// a result answers 204 without a body), `/rest` wraps it in `{"value": …}`
/// (an empty body for no result).
/// The release negotiation (`com.vmware.vcenter.system.hello`) as a server
/// of `release` answers it: the newest offered release at or below its own.
/// Without a release the mock is as new as the client, and agrees on the
/// first (newest) release offered. A release older than every one offered
/// is a server from before `hello`, where the service does not exist.
fn hello(wire: Wire, call: &MockCall, release: Option<&str>) -> HttpResponse {
    let offered: Vec<String> = call
        .try_param::<Value>("spec")
        .ok()
        .and_then(|spec| spec.get("api_releases").cloned())
        .and_then(|offered| serde_json::from_value(offered).ok())
        .unwrap_or_default();
    let agreed = match release {
        None => offered.first().map(String::as_str),
        Some(release) => negotiate(&offered, release),
    };
    match agreed {
        Some(agreed) => success(wire, &json!({ "api_release": agreed })),
        None => response(404, Vec::new()),
    }
}

/// The first of `offered` (newest first) a server of `release` implements:
/// the first at or below it, compared by numbers.
fn negotiate<'a>(offered: &'a [String], release: &str) -> Option<&'a str> {
    let own = release::numbers(release)?;
    offered
        .iter()
        .find(|candidate| release::at_or_below(candidate, &own) == Some(true))
        .map(String::as_str)
}

/// `com.vmware.appliance.system.version.get` of a server of `release`; a
/// mock without a release does not say (as the vcSim simulator).
fn appliance_version(wire: Wire, release: Option<&str>) -> HttpResponse {
    match release {
        Some(release) => success(
            wire,
            &json!({
                "version": release,
                "product": "VMware vCenter Server (mock)",
                "build": "0",
                "type": "vCenter Server with an embedded Platform Services Controller",
                "summary": "",
                "releasedate": "",
                "install_time": TIME,
            }),
        ),
        None => response(404, Vec::new()),
    }
}

fn success(wire: Wire, value: &Value) -> HttpResponse {
    match (wire, value) {
        (Wire::Api, Value::Null) => response(204, Vec::new()),
        (Wire::Api, value) => json_response(200, value),
        (Wire::Rest, Value::Null) => response(200, Vec::new()),
        (Wire::Rest, value) => json_response(200, &json!({"value": value})),
    }
}

fn error(wire: Wire, failure: &MockError) -> HttpResponse {
    let body = match wire {
        Wire::Api => failure.api_body(),
        Wire::Rest => failure.rest_body(),
    };
    json_response(failure.http_status(), &body)
}

fn json_response(status: u16, value: &Value) -> HttpResponse {
    let mut answer = response(status, value.to_string().into_bytes());
    answer.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    answer
}

fn response(status: u16, body: Vec<u8>) -> HttpResponse {
    let mut answer = http::Response::new(body);
    *answer.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    answer
}

#[cfg(test)]
mod tests {
    use super::negotiate;

    #[test]
    fn a_server_agrees_on_the_newest_offered_release_it_implements() {
        let offered: Vec<String> = ["9.1.1.0", "9.1.0.0", "9.0.0.0", "8.0.3.0"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(negotiate(&offered, "9.1.1.0"), Some("9.1.1.0"));
        assert_eq!(negotiate(&offered, "9.0.0.0"), Some("9.0.0.0"));
        assert_eq!(negotiate(&offered, "9.0.3.0"), Some("9.0.0.0"));
        assert_eq!(negotiate(&offered, "10.0.0.0"), Some("9.1.1.0"));
        assert_eq!(negotiate(&offered, "8.0.2.00100"), None);
        assert_eq!(negotiate(&offered, "not a release"), None);
    }
}
