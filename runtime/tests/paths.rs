//! Path parameter values can never leave their segment: for every route
//! shape, hostile values arrive as exactly one segment that decodes to the
//! value, and values that would change the path's structure (empty, `.`,
//! `..`, also percent-encoded) are refused before any request.
//!
//! The server is a raw TCP listener recording the request target byte for
//! byte, so nothing between the client and the assertion can normalize it.

use std::sync::{Arc, Mutex};

use percent_encoding::percent_decode_str;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vsphere_vapi_runtime::{
    Client, Error, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    Protocol,
};

/// `DELETE /api/cis/tagging/tag/{tag_id}`
static API_TAG_DELETE: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tagging.tag",
    operation_id: "delete",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Delete,
        path: "/api/cis/tagging/tag/{tag_id}",
        query: &[],
        params: &[ParamBinding {
            param: "tag_id",
            location: ParamLocation::Path("tag_id"),
        }],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `PUT /api/vcenter/vm/{vm}/data-sets/{data_set}/entries/{key}`: three values.
static API_ENTRY_SET: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.data_sets.entries",
    operation_id: "set",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Put,
        path: "/api/vcenter/vm/{vm}/data-sets/{data_set}/entries/{key}",
        query: &[],
        params: &[
            ParamBinding {
                param: "vm",
                location: ParamLocation::Path("vm"),
            },
            ParamBinding {
                param: "data_set",
                location: ParamLocation::Path("data_set"),
            },
            ParamBinding {
                param: "key",
                location: ParamLocation::Path("key"),
            },
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `GET /rest/vcenter/vm/{vm}/power`
static REST_POWER_GET: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.power",
    operation_id: "get",
    task: false,
    idempotency: Idempotency::None,
    api: None,
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm/{vm}/power",
        query: &[],
        params: &[ParamBinding {
            param: "vm",
            location: ParamLocation::Path("vm"),
        }],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `POST /rest/com/vmware/cis/tagging/tag/id:{tag_id}?~action=add-to-used-by`
static REST_TAG_ACTION: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tagging.tag",
    operation_id: "add_to_used_by",
    task: false,
    idempotency: Idempotency::None,
    api: None,
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/com/vmware/cis/tagging/tag/id:{tag_id}",
        query: &[("~action", "add-to-used-by")],
        params: &[ParamBinding {
            param: "tag_id",
            location: ParamLocation::Path("tag_id"),
        }],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// Every route shape with its protocol.
fn shapes() -> [(&'static OperationSpec, Protocol); 4] {
    [
        (&API_TAG_DELETE, Protocol::Api),
        (&API_ENTRY_SET, Protocol::Api),
        (&REST_POWER_GET, Protocol::Rest),
        (&REST_TAG_ACTION, Protocol::Rest),
    ]
}

fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "/",
        "a/b",
        "/..",
        "../x",
        "..%2F",
        "%2e%2e%2f",
        "?",
        "a?b=c",
        "#",
        "a#b",
        "%",
        "%2F",
        "%00",
        "\r\n",
        "a\r\nHost: evil",
        "\0",
        "\\",
        "..\\..",
        " ",
        "\t",
        "é/ü",
        "日本語",
        "😀",
        "...",
        ".hidden",
        "a..b",
        "&",
        "=",
        ";",
        ":",
        "@",
        "+",
        "id:x",
    ]
    .iter()
    .map(|value| (*value).to_owned())
    .collect();
    values.push("x".repeat(10 * 1024));
    values.push("é/".repeat(2 * 1024));
    values
}

/// A server answering `200 {"value": null}` to everything, recording each
/// request line's target.
async fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let targets = Arc::new(Mutex::new(Vec::new()));
    let seen = targets.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut byte = [0_u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match stream.read(&mut byte).await {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    let target = line.split(' ').nth(1).unwrap_or_default().to_owned();
                    seen.lock().unwrap().push(target);
                    let length = head
                        .lines()
                        .find_map(|line| {
                            let (name, value) = line.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    let mut body = vec![0_u8; length];
                    if stream.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"value\": null}";
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{address}"), targets)
}

fn path_variables(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

async fn call(client: &Client, spec: &'static OperationSpec, value: &str) -> Result<Value, Error> {
    let route = spec.api.as_ref().or(spec.rest.as_ref()).unwrap();
    let mut call = client.operation(spec);
    for variable in path_variables(route.path) {
        call = call.param(
            route
                .params
                .iter()
                .find(|binding| binding.location == ParamLocation::Path(variable))
                .unwrap()
                .param,
            value,
        );
    }
    call.send().await
}

#[tokio::test]
async fn hostile_values_stay_inside_their_segment() {
    let (base, targets) = recording_server().await;
    for (spec, protocol) in shapes() {
        let client = Client::builder(&base).protocol(protocol).build().unwrap();
        let route = spec.api.as_ref().or(spec.rest.as_ref()).unwrap();
        let template: Vec<&str> = route.path.split('/').collect();
        for value in hostile_values() {
            targets.lock().unwrap().clear();
            call(&client, spec, &value)
                .await
                .unwrap_or_else(|err| panic!("{} with {value:?}: {err}", route.path));
            let sent = targets.lock().unwrap().clone();
            assert_eq!(sent.len(), 1, "{} with {value:?}: {sent:?}", route.path);
            let (path, query) = match sent[0].split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (sent[0].as_str(), None),
            };
            let expected_query = route
                .query
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>();
            assert_eq!(
                query.map(str::to_owned),
                (!expected_query.is_empty()).then(|| expected_query.join("&")),
                "{} with {value:?}: query of {}",
                route.path,
                sent[0]
            );
            let segments: Vec<&str> = path.split('/').collect();
            assert_eq!(
                segments.len(),
                template.len(),
                "{} with {value:?}: segments of {path}",
                route.path
            );
            for (segment, expected) in segments.iter().zip(&template) {
                match expected.split_once('{') {
                    Some((prefix, _)) => {
                        let decoded = percent_decode_str(segment).decode_utf8().unwrap();
                        assert_eq!(decoded, format!("{prefix}{value}"), "{}", route.path);
                        // Only unreserved characters (and the `:` of the
                        // template's `id:` prefix) travel unencoded.
                        assert!(
                            segment[prefix.len()..].bytes().all(|byte| byte
                                .is_ascii_alphanumeric()
                                || b"-._~%".contains(&byte)),
                            "{segment}"
                        );
                    }
                    None => assert_eq!(segment, expected, "{}", route.path),
                }
            }
        }
    }
}

#[tokio::test]
async fn values_that_change_the_path_are_refused_before_sending() {
    let (base, targets) = recording_server().await;
    for (spec, protocol) in shapes() {
        let client = Client::builder(&base).protocol(protocol).build().unwrap();
        for value in ["", ".", "..", "%2e%2e", "%2E%2E", "%2e", ".%2e", "%2e."] {
            let error = call(&client, spec, value).await.unwrap_err();
            let Error::InvalidRequest {
                service,
                operation,
                message,
            } = &error
            else {
                panic!("{value:?}: {error:?}");
            };
            assert_eq!(service, spec.service_id);
            assert_eq!(operation, spec.operation_id);
            let route = spec.api.as_ref().or(spec.rest.as_ref()).unwrap();
            let param = route.params[0].param;
            assert!(message.contains(&format!("`{param}`")), "{message}");
            let text = error.to_string();
            assert!(
                text.starts_with(&format!("{}.{}: ", spec.service_id, spec.operation_id)),
                "{text}"
            );
        }
    }
    assert!(targets.lock().unwrap().is_empty(), "nothing was sent");
}

/// The examples of the issue: nothing is sent for them.
#[tokio::test]
async fn parent_and_empty_segments_are_not_sent() {
    let (base, targets) = recording_server().await;
    let api = Client::builder(&base)
        .protocol(Protocol::Api)
        .build()
        .unwrap();
    assert!(matches!(
        call(&api, &API_TAG_DELETE, "..").await,
        Err(Error::InvalidRequest { .. })
    ));
    let rest = Client::builder(&base)
        .protocol(Protocol::Rest)
        .build()
        .unwrap();
    assert!(matches!(
        call(&rest, &REST_POWER_GET, "").await,
        Err(Error::InvalidRequest { .. })
    ));
    assert!(targets.lock().unwrap().is_empty());
    // A normal value goes through unchanged.
    call(
        &api,
        &API_TAG_DELETE,
        "urn:vmomi:InventoryServiceTag:1:GLOBAL",
    )
    .await
    .unwrap();
    assert_eq!(
        *targets.lock().unwrap(),
        ["/api/cis/tagging/tag/urn%3Avmomi%3AInventoryServiceTag%3A1%3AGLOBAL"]
    );
}
