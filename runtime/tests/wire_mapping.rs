//! Request and response mapping for each kind of parameter binding, checked
//! byte for byte against an in-process HTTP server. The operation specs mirror
//! real vSphere operations as published in VMware's API reference and OpenAPI
//! documents.

use serde::Deserialize;
use serde_json::{Value, json};
use vsphere_vapi_runtime::types::{Secret, VapiMap};
use vsphere_vapi_runtime::{
    Client, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    Protocol,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const fn bind(param: &'static str, location: ParamLocation) -> ParamBinding {
    ParamBinding { param, location }
}

/// `com.vmware.vcenter.vm.tools.upgrade`
static TOOLS_UPGRADE: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.tools",
    operation_id: "upgrade",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}/tools",
        query: &[("action", "upgrade")],
        params: &[
            bind("vm", ParamLocation::Path("vm")),
            bind(
                "command_line_options",
                ParamLocation::BodyField("command_line_options"),
            ),
        ],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/vcenter/vm/{vm}/tools",
        query: &[("action", "upgrade")],
        params: &[
            bind("vm", ParamLocation::Path("vm")),
            bind(
                "command_line_options",
                ParamLocation::BodyField("command_line_options"),
            ),
        ],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.vcenter.VM.list`: a structure parameter in the query.
static VM_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "list",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm",
        query: &[],
        params: &[bind("filter", ParamLocation::Query("filter"))],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm",
        query: &[],
        params: &[bind("filter", ParamLocation::Query("filter"))],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.appliance.update.pending.list`: scalar query parameters.
static PENDING_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.appliance.update.pending",
    operation_id: "list",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/appliance/update/pending",
        query: &[],
        params: &[
            bind("source_type", ParamLocation::Query("source_type")),
            bind("url", ParamLocation::Query("url")),
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.appliance.update.pending.validate`: a map parameter.
static PENDING_VALIDATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.appliance.update.pending",
    operation_id: "validate",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/appliance/update/pending/{version}",
        query: &[("action", "validate")],
        params: &[
            bind("version", ParamLocation::Path("version")),
            bind("user_data", ParamLocation::BodyField("user_data")),
        ],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/appliance/update/pending/{version}",
        query: &[("action", "validate")],
        params: &[
            bind("version", ParamLocation::Path("version")),
            bind("user_data", ParamLocation::BodyField("user_data")),
        ],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.cis.tagging.tag_association.attach`: `~action` dispatch and
/// an `id:` path variable on `/rest`.
static TAG_ATTACH: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tagging.tag_association",
    operation_id: "attach",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/cis/tagging/tag-association/{tag_id}",
        query: &[("action", "attach")],
        params: &[
            bind("tag_id", ParamLocation::Path("tag_id")),
            bind("object_id", ParamLocation::BodyField("object_id")),
        ],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/com/vmware/cis/tagging/tag-association/id:{tag_id}",
        query: &[("~action", "attach")],
        params: &[
            bind("tag_id", ParamLocation::Path("tag_id")),
            bind("object_id", ParamLocation::BodyField("object_id")),
        ],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.vcenter.vm.hardware.cpu.update`: the whole body is one
/// parameter on `/api`.
static CPU_UPDATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.hardware.cpu",
    operation_id: "update",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Patch,
        path: "/api/vcenter/vm/{vm}/hardware/cpu",
        query: &[],
        params: &[
            bind("vm", ParamLocation::Path("vm")),
            bind("spec", ParamLocation::Body),
        ],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Patch,
        path: "/rest/vcenter/vm/{vm}/hardware/cpu",
        query: &[],
        params: &[
            bind("vm", ParamLocation::Path("vm")),
            bind("spec", ParamLocation::BodyField("spec")),
        ],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.content.local_library.create`: body plus a header parameter.
static LOCAL_LIBRARY_CREATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.content.local_library",
    operation_id: "create",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/content/local-library",
        query: &[],
        params: &[
            bind("client_token", ParamLocation::Header("Client-Token")),
            bind("create_spec", ParamLocation::Body),
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.vcenter.vm.guest.filesystem.transfers.create`
static TRANSFERS_CREATE: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.guest.filesystem.transfers",
    operation_id: "create",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}/guest/filesystem",
        query: &[("action", "create")],
        params: &[
            bind("vm", ParamLocation::Path("vm")),
            bind("credentials", ParamLocation::BodyField("credentials")),
            bind("spec", ParamLocation::BodyField("spec")),
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// `com.vmware.cis.tagging.tag_association.list_attached_objects`: a POST
/// whose only parameter is in the path.
static TAG_LIST_ATTACHED_OBJECTS: OperationSpec = OperationSpec {
    service_id: "com.vmware.cis.tagging.tag_association",
    operation_id: "list_attached_objects",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/cis/tagging/tag-association/{tag_id}",
        query: &[("action", "list-attached-objects")],
        params: &[bind("tag_id", ParamLocation::Path("tag_id"))],
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/com/vmware/cis/tagging/tag-association/id:{tag_id}",
        query: &[("~action", "list-attached-objects")],
        params: &[bind("tag_id", ParamLocation::Path("tag_id"))],
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

/// Serves `response` for any request and returns the client and server.
async fn serve(response: ResponseTemplate, protocol: Protocol) -> (Client, MockServer) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder(server.uri())
        .protocol(protocol)
        .build()
        .unwrap();
    (client, server)
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn path_and_query(request: &Request) -> String {
    match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    }
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn api_path_variable_action_and_body_field_with_204() {
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Auto).await;
    let options = Some("/S /v\"/qn REBOOT=R\"");
    let () = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-42")
        .param("command_line_options", &options)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        path_and_query(&request),
        "/api/vcenter/vm/vm-42/tools?action=upgrade"
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert!(header(&request, "vmware-api-session-id").is_none());
    assert_eq!(
        body(&request),
        json!({"command_line_options": "/S /v\"/qn REBOOT=R\""})
    );
}

#[tokio::test]
async fn unset_optional_body_field_sends_empty_object() {
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Auto).await;
    let none: Option<&str> = None;
    client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-42")
        .param("command_line_options", &none)
        .send::<()>()
        .await
        .unwrap();
    assert_eq!(body(&only_request(&server).await), json!({}));
}

#[tokio::test]
async fn tools_upgrade_not_allowed_in_current_state() {
    let error_body = json!({
        "error_type": "NOT_ALLOWED_IN_CURRENT_STATE",
        "messages": [{
            "id": "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on",
            "default_message": "The virtual machine vm-42 is not powered on.",
            "args": ["vm-42"],
            "params": {"vm": {"s": "vm-42"}},
            "localized": "The virtual machine vm-42 is not powered on."
        }],
        "data": {"vm": "vm-42"}
    });
    let (client, _server) = serve(
        ResponseTemplate::new(400).set_body_json(&error_body),
        Protocol::Auto,
    )
    .await;
    let error = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-42")
        .send::<()>()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("NOT_ALLOWED_IN_CURRENT_STATE"));
    assert_eq!(error.status(), Some(400));
    let server_error = error.server_error().unwrap();
    assert_eq!(
        server_error.messages(),
        ["The virtual machine vm-42 is not powered on."]
    );
    // The typed view, as the generated error structures read it.
    #[derive(Debug, Deserialize)]
    struct NotAllowedInCurrentState {
        messages: Vec<LocalizableMessage>,
        data: Option<serde_json::Value>,
    }
    let typed: NotAllowedInCurrentState = server_error.decode().unwrap();
    let message = &typed.messages[0];
    assert_eq!(
        message.id,
        "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on"
    );
    assert_eq!(message.args, vec!["vm-42".to_owned()]);
    let params = message.params.as_ref().unwrap();
    assert_eq!(params.get("vm").unwrap().s.as_deref(), Some("vm-42"));
    assert_eq!(typed.data, Some(json!({"vm": "vm-42"})));
    let text = error.to_string();
    assert!(
        text.contains("com.vmware.vcenter.vm.tools.upgrade"),
        "{text}"
    );
    assert!(text.contains("NOT_ALLOWED_IN_CURRENT_STATE"), "{text}");
    assert!(text.contains("is not powered on"), "{text}");
}

#[tokio::test]
async fn rest_same_operation_wraps_fields_and_reads_rest_errors() {
    let error_body = json!({
        "type": "com.vmware.vapi.std.errors.already_in_desired_state",
        "value": {"messages": [{"id": "x", "default_message": "upgrade in progress", "args": []}]}
    });
    let (client, server) = serve(
        ResponseTemplate::new(400).set_body_json(&error_body),
        Protocol::Rest,
    )
    .await;
    let error = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-42")
        .param("command_line_options", "-q")
        .send::<()>()
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), Some("ALREADY_IN_DESIRED_STATE"));
    assert_eq!(
        error.server_error().unwrap().messages(),
        ["upgrade in progress"]
    );
    assert_eq!(
        error.to_string(),
        "com.vmware.vcenter.vm.tools.upgrade: ALREADY_IN_DESIRED_STATE: upgrade in progress"
    );
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/vcenter/vm/vm-42/tools?action=upgrade"
    );
    assert_eq!(body(&request), json!({"command_line_options": "-q"}));
}

#[derive(Debug, Default, serde::Serialize)]
struct VmFilterSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    vms: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    names: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    power_states: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct VmSummary {
    vm: String,
    name: String,
    power_state: String,
}

#[tokio::test]
async fn api_structure_query_is_flattened_lists_repeat() {
    let listing = json!([{"vm": "vm-1", "name": "a b", "power_state": "POWERED_ON"}]);
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(&listing),
        Protocol::Auto,
    )
    .await;
    let filter = VmFilterSpec {
        names: Some(vec!["a b".to_owned(), "c&d=e".to_owned()]),
        power_states: Some(vec!["POWERED_ON".to_owned()]),
        ..VmFilterSpec::default()
    };
    let vms: Vec<VmSummary> = client
        .operation(&VM_LIST)
        .param("filter", &filter)
        .send()
        .await
        .unwrap();
    assert_eq!(vms[0].name, "a b");
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        path_and_query(&request),
        "/api/vcenter/vm?names=a%20b&names=c%26d%3De&power_states=POWERED_ON"
    );
    assert!(request.body.is_empty());
    assert!(header(&request, "content-type").is_none());
}

#[tokio::test]
async fn rest_structure_query_is_prefixed_and_response_unwrapped() {
    let listing = json!({"value": [{"vm": "vm-1", "name": "a", "power_state": "POWERED_OFF"}]});
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(&listing),
        Protocol::Rest,
    )
    .await;
    let filter = VmFilterSpec {
        vms: Some(vec!["vm-1".to_owned(), "vm-2".to_owned()]),
        ..VmFilterSpec::default()
    };
    let vms: Vec<VmSummary> = client
        .operation(&VM_LIST)
        .param("filter", &filter)
        .send()
        .await
        .unwrap();
    assert_eq!(
        vms,
        vec![VmSummary {
            vm: "vm-1".to_owned(),
            name: "a".to_owned(),
            power_state: "POWERED_OFF".to_owned()
        }]
    );
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/vcenter/vm?filter.vms=vm-1&filter.vms=vm-2"
    );
}

#[tokio::test]
async fn scalar_query_parameters_are_escaped_and_unset_ones_omitted() {
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(json!([])),
        Protocol::Auto,
    )
    .await;
    let url = Some("https://depot.example.com/update?x=1&y=2");
    let _: Vec<Value> = client
        .operation(&PENDING_LIST)
        .param("source_type", "LOCAL_AND_ONLINE")
        .param("url", &url)
        .send()
        .await
        .unwrap();
    let none: Option<&str> = None;
    let _: Vec<Value> = client
        .operation(&PENDING_LIST)
        .param("source_type", "LOCAL")
        .param("url", &none)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        path_and_query(&requests[0]),
        "/api/appliance/update/pending?source_type=LOCAL_AND_ONLINE&url=https%3A%2F%2Fdepot.example.com%2Fupdate%3Fx%3D1%26y%3D2"
    );
    assert_eq!(
        path_and_query(&requests[1]),
        "/api/appliance/update/pending?source_type=LOCAL"
    );
}

#[tokio::test]
async fn rest_tilde_action_and_id_path_variable() {
    let (client, server) = serve(ResponseTemplate::new(200), Protocol::Rest).await;
    let tag = "urn:vmomi:InventoryServiceTag:7a1f:GLOBAL";
    let object_id = json!({"type": "VirtualMachine", "id": "vm-42"});
    client
        .operation(&TAG_ATTACH)
        .param("tag_id", tag)
        .param("object_id", &object_id)
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/com/vmware/cis/tagging/tag-association/id:urn%3Avmomi%3AInventoryServiceTag%3A7a1f%3AGLOBAL?~action=attach"
    );
    assert_eq!(
        body(&request),
        json!({"object_id": {"type": "VirtualMachine", "id": "vm-42"}})
    );
}

#[tokio::test]
async fn api_action_dispatch_for_same_operation() {
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Auto).await;
    client
        .operation(&TAG_ATTACH)
        .param("tag_id", "t-1")
        .param(
            "object_id",
            &json!({"type": "VirtualMachine", "id": "vm-42"}),
        )
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/api/cis/tagging/tag-association/t-1?action=attach"
    );
    assert_eq!(
        body(&request),
        json!({"object_id": {"type": "VirtualMachine", "id": "vm-42"}})
    );
}

#[derive(serde::Serialize)]
struct CpuUpdateSpec {
    count: i64,
    hot_add_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cores_per_socket: Option<i64>,
}

#[tokio::test]
async fn whole_body_on_api_and_wrapped_on_rest() {
    let spec = CpuUpdateSpec {
        count: 4,
        hot_add_enabled: Some(true),
        cores_per_socket: None,
    };
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Auto).await;
    client
        .operation(&CPU_UPDATE)
        .param("vm", "vm-7")
        .param("spec", &spec)
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(
        path_and_query(&request),
        "/api/vcenter/vm/vm-7/hardware/cpu"
    );
    assert_eq!(body(&request), json!({"count": 4, "hot_add_enabled": true}));

    // /rest answers void operations with 200 and an empty body.
    let (client, server) = serve(ResponseTemplate::new(200), Protocol::Rest).await;
    client
        .operation(&CPU_UPDATE)
        .param("vm", "vm-7")
        .param("spec", &spec)
        .send::<()>()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/vcenter/vm/vm-7/hardware/cpu"
    );
    assert_eq!(
        body(&request),
        json!({"spec": {"count": 4, "hot_add_enabled": true}})
    );
}

#[tokio::test]
async fn header_parameter_and_string_result() {
    let (client, server) = serve(
        ResponseTemplate::new(201).set_body_json("lib-123"),
        Protocol::Auto,
    )
    .await;
    let create_spec = json!({"name": "isos", "storage_backings": [{"type": "DATASTORE", "datastore_id": "ds-1"}]});
    let id: String = client
        .operation(&LOCAL_LIBRARY_CREATE)
        .param("client_token", &Some("3c5a8b1e-token"))
        .param("create_spec", &create_spec)
        .send()
        .await
        .unwrap();
    assert_eq!(id, "lib-123");
    let request = only_request(&server).await;
    assert_eq!(path_and_query(&request), "/api/content/local-library");
    assert_eq!(header(&request, "client-token"), Some("3c5a8b1e-token"));
    assert_eq!(body(&request), create_spec);
}

#[tokio::test]
async fn guest_filesystem_transfer_create() {
    #[derive(serde::Serialize)]
    struct Credentials {
        interactive_session: bool,
        #[serde(rename = "type")]
        kind: &'static str,
        user_name: Option<String>,
        password: Option<Secret>,
    }
    #[derive(serde::Serialize)]
    struct CreateSpec {
        path: String,
    }
    let url = "https://*/guestFile?id=1&token=52de";
    let (client, server) = serve(
        ResponseTemplate::new(201).set_body_json(url),
        Protocol::Auto,
    )
    .await;
    let credentials = Credentials {
        interactive_session: false,
        kind: "USERNAME_PASSWORD",
        user_name: Some("root".to_owned()),
        password: Some(Secret::new("guest-pa55")),
    };
    let spec = CreateSpec {
        path: "/tmp/out.log".to_owned(),
    };
    let call = client
        .operation(&TRANSFERS_CREATE)
        .param("vm", "vm-42")
        .param("credentials", &credentials)
        .param("spec", &spec);
    // The assembled call can be logged without leaking the guest password.
    assert!(!format!("{call:?}").contains("guest-pa55"));
    let result: String = call.send().await.unwrap();
    assert_eq!(result, url);
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/api/vcenter/vm/vm-42/guest/filesystem?action=create"
    );
    assert_eq!(
        body(&request),
        json!({
            "credentials": {
                "interactive_session": false,
                "type": "USERNAME_PASSWORD",
                "user_name": "root",
                "password": "guest-pa55"
            },
            "spec": {"path": "/tmp/out.log"}
        })
    );
}

/// `com.vmware.vapi.std.localizable_message`, as the generated crate declares
/// it (the runtime does not).
#[derive(Debug, Deserialize)]
struct LocalizableMessage {
    id: String,
    default_message: String,
    #[serde(
        default,
        deserialize_with = "vsphere_vapi_runtime::de::null_as_default"
    )]
    args: Vec<String>,
    #[serde(default)]
    params: Option<VapiMap<String, LocalizationParam>>,
    #[serde(default)]
    #[allow(dead_code)]
    localized: Option<String>,
}

/// `com.vmware.vapi.std.localization_param`
#[derive(Debug, Deserialize)]
struct LocalizationParam {
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    dt: Option<vsphere_vapi_runtime::types::DateTime>,
    #[serde(default)]
    #[allow(dead_code)]
    i: Option<i64>,
    #[serde(default)]
    d: Option<f64>,
    #[serde(default)]
    l: Option<NestedLocalizableMessage>,
    #[serde(default)]
    #[allow(dead_code)]
    format: Option<String>,
    #[serde(default)]
    precision: Option<i64>,
}

/// `com.vmware.vapi.std.nested_localizable_message`
#[derive(Debug, Deserialize)]
struct NestedLocalizableMessage {
    id: String,
    #[serde(default)]
    params: Option<VapiMap<String, LocalizationParam>>,
}

#[derive(Debug, Deserialize)]
struct Notification {
    id: String,
    time: Option<String>,
    message: LocalizableMessage,
    resolution: Option<LocalizableMessage>,
}

#[derive(Debug, Deserialize)]
struct Notifications {
    #[serde(default)]
    info: Vec<Notification>,
    #[serde(default)]
    warnings: Vec<Notification>,
    #[serde(default)]
    errors: Vec<Notification>,
}

/// `POST /rest/appliance/update/pending/{version}?action=validate` as
/// documented: map parameter as a key/value list, result wrapped in `value`,
/// messages with list-encoded, nested `params`.
#[tokio::test]
async fn rest_appliance_update_pending_validate() {
    let response = json!({
        "value": {
            "warnings": [{
                "id": "com.vmware.appliance.update.warn.disk",
                "time": "2015-01-01T22:13:05.651Z",
                "message": {
                    "args": ["string", "string"],
                    "default_message": "Low disk space",
                    "localized": "Low disk space",
                    "id": "disk.low",
                    "params": [{
                        "key": "size",
                        "value": {
                            "format": "SHORT_DATE",
                            "i": 0,
                            "l": {
                                "id": "nested.id",
                                "params": [{"key": "inner", "value": {"s": "deep", "precision": 2}}]
                            },
                            "s": "string",
                            "dt": "2015-01-01T22:13:05.651Z",
                            "d": 1.5
                        }
                    }]
                },
                "resolution": {"args": [], "default_message": "Free some space", "id": "disk.free"}
            }],
            "errors": [],
            "info": []
        }
    });
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(&response),
        Protocol::Rest,
    )
    .await;
    let user_data: VapiMap<String, String> = [
        ("obj-103".to_owned(), "yes".to_owned()),
        ("obj-101".to_owned(), "no".to_owned()),
    ]
    .into();
    let result: Notifications = client
        .operation(&PENDING_VALIDATE)
        .param("version", "7.0.3.00100")
        .param("user_data", &user_data)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/appliance/update/pending/7.0.3.00100?action=validate"
    );
    assert_eq!(
        body(&request),
        json!({"user_data": [{"key": "obj-101", "value": "no"}, {"key": "obj-103", "value": "yes"}]})
    );
    assert!(result.info.is_empty() && result.errors.is_empty());
    let warning = &result.warnings[0];
    assert_eq!(warning.id, "com.vmware.appliance.update.warn.disk");
    assert_eq!(warning.time.as_deref(), Some("2015-01-01T22:13:05.651Z"));
    assert_eq!(
        warning.resolution.as_ref().unwrap().default_message,
        "Free some space"
    );
    let size = warning
        .message
        .params
        .as_ref()
        .unwrap()
        .get("size")
        .unwrap();
    assert_eq!(size.d, Some(1.5));
    assert_eq!(
        size.dt.as_ref().unwrap().unix_millis(),
        Some(1_420_150_385_651)
    );
    let nested = size.l.as_ref().unwrap();
    assert_eq!(nested.id, "nested.id");
    assert_eq!(
        nested
            .params
            .as_ref()
            .unwrap()
            .get("inner")
            .unwrap()
            .s
            .as_deref(),
        Some("deep")
    );
    let inner = nested.params.as_ref().unwrap().get("inner").unwrap();
    assert_eq!(inner.precision, Some(2));
}

#[tokio::test]
async fn api_map_is_an_object() {
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"info": [], "warnings": [], "errors": []})),
        Protocol::Auto,
    )
    .await;
    let user_data: VapiMap<String, String> = [("obj-103".to_owned(), "yes".to_owned())].into();
    let result: Notifications = client
        .operation(&PENDING_VALIDATE)
        .param("version", "7.0.3.00100")
        .param("user_data", &user_data)
        .send()
        .await
        .unwrap();
    assert!(result.warnings.is_empty());
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/api/appliance/update/pending/7.0.3.00100?action=validate"
    );
    assert_eq!(body(&request), json!({"user_data": {"obj-103": "yes"}}));
}

#[tokio::test]
async fn void_result_accepts_rest_null_value() {
    let (client, _server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"value": null})),
        Protocol::Rest,
    )
    .await;
    client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-1")
        .send::<()>()
        .await
        .unwrap();
}

#[tokio::test]
async fn protocol_without_route_and_bad_params_fail_before_sending() {
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Rest).await;
    let error = client
        .operation(&TRANSFERS_CREATE)
        .send::<()>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no route"), "{error}");

    let client = Client::builder(server.uri()).build().unwrap();
    let error = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-1")
        .param("no_such_param", &1)
        .send::<()>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("no_such_param"), "{error}");
    let error = client
        .operation(&TOOLS_UPGRADE)
        .send::<()>()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`vm`"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn serialization_errors_name_the_parameter() {
    struct Failing;
    impl serde::Serialize for Failing {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("refused"))
        }
    }
    let (client, server) = serve(ResponseTemplate::new(204), Protocol::Auto).await;
    let error = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-1")
        .param("command_line_options", &Failing)
        .send::<()>()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("command_line_options") && text.contains("refused"),
        "{text}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn null_list_result_reads_as_empty_list() {
    let (client, _server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"value": null})),
        Protocol::Rest,
    )
    .await;
    let ids: Vec<String> = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-1")
        .send()
        .await
        .unwrap();
    assert!(ids.is_empty());
    // A null where a structure is expected is still a decode error.
    let (client, _server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"value": null})),
        Protocol::Rest,
    )
    .await;
    let error = client
        .operation(&TOOLS_UPGRADE)
        .param("vm", "vm-1")
        .send::<std::collections::BTreeMap<String, String>>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, vsphere_vapi_runtime::Error::Decode { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn rest_post_without_body_parameters_sends_an_empty_object() {
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"value": null})),
        Protocol::Rest,
    )
    .await;
    let objects: Vec<Value> = client
        .operation(&TAG_LIST_ATTACHED_OBJECTS)
        .param("tag_id", "urn:tag:1")
        .send()
        .await
        .unwrap();
    assert!(objects.is_empty());
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/rest/com/vmware/cis/tagging/tag-association/id:urn%3Atag%3A1?~action=list-attached-objects"
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(body(&request), json!({}));

    // /api has no such convention: no parameters, no body.
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(json!([])),
        Protocol::Api,
    )
    .await;
    let _: Vec<Value> = client
        .operation(&TAG_LIST_ATTACHED_OBJECTS)
        .param("tag_id", "urn:tag:1")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert!(request.body.is_empty());
    assert!(header(&request, "content-type").is_none());
}

/// `com.vmware.esx.settings.clusters.configuration.drafts.apply`: the whole
/// body is one optional parameter.
static DRAFTS_APPLY: OperationSpec = OperationSpec {
    service_id: "com.vmware.esx.settings.clusters.configuration.drafts",
    operation_id: "apply",
    task: false,
    idempotency: Idempotency::None,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/esx/settings/clusters/{cluster}/configuration/drafts/{draft}",
        query: &[("action", "apply")],
        params: &[
            bind("cluster", ParamLocation::Path("cluster")),
            bind("draft", ParamLocation::Path("draft")),
            bind("spec", ParamLocation::Body),
        ],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

#[tokio::test]
async fn unset_optional_body_parameter_sends_json_null() {
    let (client, server) = serve(
        ResponseTemplate::new(200).set_body_json(json!({"commit": "2"})),
        Protocol::Auto,
    )
    .await;
    let unset: Option<Value> = None;
    let _: Value = client
        .operation(&DRAFTS_APPLY)
        .param("cluster", "domain-c8")
        .param("draft", "1")
        .param("spec", &unset)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        path_and_query(&request),
        "/api/esx/settings/clusters/domain-c8/configuration/drafts/1?action=apply"
    );
    assert_eq!(request.body, b"null");
    assert_eq!(header(&request, "content-type"), Some("application/json"));
}
