//! The mock server against the whole generated crate: a call of every
//! operation, on each protocol it has a route for, is recognized as that
//! operation (its path and query parameters read back) and answered by a
//! rule for it. The session service is left out: the mock implements it
//! itself (logins check credentials and hand out tokens).

use serde_json::Value;
use vsphere_vapi::mock;
use vsphere_vapi::runtime::{Operation, OperationSpec, ParamLocation, Protocol};

fn name(spec: &OperationSpec) -> String {
    format!("{}.{}", spec.service_id, spec.operation_id)
}

#[tokio::test]
async fn every_operation_is_recognized_and_answered_on_each_of_its_routes() {
    let server = mock::server();
    for spec in vsphere_vapi::operations() {
        server
            .on(Operation::<Value>::new(spec))
            .returns(Value::String(name(spec)));
    }
    let client = |protocol| server.client_builder().protocol(protocol).build().unwrap();
    let (api, rest) = (client(Protocol::Api), client(Protocol::Rest));
    let mut checked = 0;
    let mut wrong = Vec::new();
    let operations = vsphere_vapi::operations()
        .iter()
        .filter(|spec| spec.service_id != "com.vmware.cis.session");
    for spec in operations {
        for (client, route, protocol) in [
            (&api, spec.api.as_ref(), Protocol::Api),
            (&rest, spec.rest.as_ref(), Protocol::Rest),
        ] {
            let Some(route) = route else { continue };
            let mut call = client.operation(spec);
            for binding in route.params {
                if let ParamLocation::Path(_) | ParamLocation::Query(_) = binding.location {
                    call = call.param(binding.param, "x-1");
                }
            }
            let answer: Value = match call.send().await {
                Ok(answer) => answer,
                Err(error) => {
                    wrong.push(format!("{} over {protocol:?}: {error}", name(spec)));
                    continue;
                }
            };
            let calls = server.calls();
            server.clear_calls();
            let Some(seen) = calls.last() else {
                wrong.push(format!(
                    "{} over {protocol:?}: no call recorded",
                    name(spec)
                ));
                continue;
            };
            checked += 1;
            if seen.service_id() != spec.service_id || seen.operation_id() != spec.operation_id {
                wrong.push(format!(
                    "{} over {protocol:?} ({} {}) was taken for {}.{}",
                    name(spec),
                    seen.method(),
                    seen.target(),
                    seen.service_id(),
                    seen.operation_id()
                ));
                continue;
            }
            assert_eq!(seen.protocol(), protocol);
            for binding in route.params {
                if let ParamLocation::Path(_) | ParamLocation::Query(_) = binding.location {
                    assert_eq!(seen.param::<String>(binding.param), "x-1", "{seen}");
                }
            }
            // A task operation answers with the identifier of the task it
            // started; the rule's value is that task's result.
            let expected = if spec.task {
                answer
                    .as_str()
                    .is_some_and(|id| id.starts_with("mock-task-"))
            } else {
                answer == Value::String(name(spec))
            };
            assert!(expected, "{}: answered {answer}", name(spec));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked} calls:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Both protocols of (nearly) every operation.
    assert!(checked > 2000, "{checked}");
}
