//! The generated client forced onto the legacy `/rest` protocol
//! ([`Protocol::Rest`]), against an in-process HTTP server: `id:` path
//! segments and `~action=` dispatch of the default convention, request
//! bodies wrapped by parameter name, `{"value": ...}` answers, maps as lists
//! of `{"key", "value"}`, `/rest` error bodies.
//!
//! Expected requests come from the deprecated `/rest` routes of VMware's
//! OpenAPI of vCenter 7.0.3 (`/work/shared/vsphere-openapi-7.0.3`, cited per
//! test as `file: route`) and the reference page
//! `/work/shared/reference/rest-appliance-update-pending-validate.txt`.

mod support_mock;

use serde_json::{Value, json};
use support_mock::{
    answering, answering_json, assert_request, client_for, header, raw_path_and_query, rest_value,
    single_request, snapshot_json,
};
use vsphere_vapi::runtime::types::{Secret, VapiMap, to_rest_value};
use vsphere_vapi::ids::{
    ApplianceUpdatePendingId, CategoryId, ItemId, LibraryId, TaskId, VapiComponentId,
    VirtualMachineId,
};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind, Protocol};
use wiremock::{MockServer, ResponseTemplate};

use vsphere_vapi::appliance::access::Ssh;
use vsphere_vapi::appliance::update::Pending;
use vsphere_vapi::cis::Tasks;
use vsphere_vapi::cis::tagging::category_model::Cardinality;
use vsphere_vapi::cis::tagging::{Category, Tag, category};
use vsphere_vapi::cis::{task, tasks};
use vsphere_vapi::content::library::item::File;
use vsphere_vapi::content::library::{SubscriptionInfo, subscription_info};
use vsphere_vapi::content::{LibraryModel, LocalLibrary, SubscribedLibrary};
use vsphere_vapi::vapi::metadata::metamodel::Component;
use vsphere_vapi::vapi::standard::localization_param::DateTimeFormat;
use vsphere_vapi::vcenter::vm::{Power, Tools, power};
use vsphere_vapi::vcenter::{Vm, vm};

const CATEGORY_ID: &str =
    "urn:vmomi:InventoryServiceCategory:0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8:GLOBAL";
/// `CATEGORY_ID` as a percent-encoded path segment after `id:`.
const CATEGORY_ID_IN_PATH: &str =
    "urn%3Avmomi%3AInventoryServiceCategory%3A0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8%3AGLOBAL";

async fn rest_server(response: ResponseTemplate) -> (MockServer, Client) {
    let server = answering(response).await;
    let client = client_for(&server, Protocol::Rest);
    (server, client)
}

/// A void `/rest` operation answers 200 with an empty body.
async fn rest_server_void() -> (MockServer, Client) {
    rest_server(ResponseTemplate::new(200)).await
}

/// `cis.json: POST
/// /rest/com/vmware/cis/tagging/category/id:{category_id}?~action=add-to-used-by`,
/// body `{"used_by_entity": string}`.
#[tokio::test]
async fn tagging_category_add_to_used_by_uses_id_segment_and_tilde_action() {
    let (server, client) = rest_server_void().await;
    Category::new(&client)
        .add_to_used_by(&CategoryId::from(CATEGORY_ID), "ops-team")
        .await
        .expect("a void 200 is success");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        &format!("/rest/com/vmware/cis/tagging/category/id:{CATEGORY_ID_IN_PATH}"),
        &[("~action", "add-to-used-by")],
        Some(json!({"used_by_entity": "ops-team"})),
    );
    assert!(
        raw_path_and_query(&request).ends_with("?~action=add-to-used-by"),
        "the tilde is sent as is: {}",
        raw_path_and_query(&request)
    );
}

/// `cis.json: GET /rest/com/vmware/cis/tagging/category`, answer
/// `{"value": [string]}`.
#[tokio::test]
async fn tagging_category_list_unwraps_the_value() {
    let (server, client) = rest_server(rest_value(json!([CATEGORY_ID, "urn:c2"]))).await;
    let ids = Category::new(&client).list().await.expect("listed");
    assert_eq!(ids, [CATEGORY_ID, "urn:c2"]);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/com/vmware/cis/tagging/category",
        &[],
        None,
    );
}

/// `cis.json: GET /rest/com/vmware/cis/tagging/tag`: some servers answer an
/// empty list as `{"value": null}`.
#[tokio::test]
async fn tagging_tag_list_reads_value_null_as_an_empty_list() {
    let (server, client) = rest_server(rest_value(Value::Null)).await;
    let ids = Tag::new(&client).list().await.expect("listed");
    assert!(ids.is_empty());
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/com/vmware/cis/tagging/tag",
        &[],
        None,
    );
}

/// `cis.json: GET /rest/com/vmware/cis/tagging/category/id:{category_id}`,
/// answer `{"value": cis.tagging.category_model}`.
#[tokio::test]
async fn tagging_category_get_uses_id_segment() {
    let (server, client) = rest_server(rest_value(json!({
        "id": "cat-1",
        "name": "environment",
        "description": "Deployment stage",
        "cardinality": "MULTIPLE",
        "associable_types": [],
        "used_by": ["ops-team"]
    })))
    .await;
    let model = Category::new(&client)
        .get(&CategoryId::from("cat-1"))
        .await.expect("model");
    assert_eq!(model.cardinality, Cardinality::Multiple);
    assert_eq!(model.used_by, ["ops-team"]);
    assert!(model.associable_types.is_empty());
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/com/vmware/cis/tagging/category/id:cat-1",
        &[],
        None,
    );
}

/// `cis.json: POST /rest/com/vmware/cis/tagging/category`, body
/// `cis.tagging.category_create` = `{"create_spec": ...}`, answer
/// `{"value": string}`.
#[tokio::test]
async fn tagging_category_create_wraps_the_spec_by_parameter_name() {
    let (server, client) = rest_server(rest_value(json!(CATEGORY_ID))).await;
    let spec = category::CreateSpec {
        name: "environment".to_owned(),
        description: "Deployment stage".to_owned(),
        cardinality: Cardinality::Single,
        associable_types: vec!["VirtualMachine".to_owned(), "HostSystem".to_owned()],
        category_id: None,
    };
    let id = Category::new(&client).create(&spec).await.expect("created");
    assert_eq!(id, CATEGORY_ID);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/com/vmware/cis/tagging/category",
        &[],
        Some(json!({"create_spec": {
            "name": "environment",
            "description": "Deployment stage",
            "cardinality": "SINGLE",
            "associable_types": ["VirtualMachine", "HostSystem"]
        }})),
    );
}

/// `cis.json: PATCH /rest/com/vmware/cis/tagging/category/id:{category_id}`,
/// body `{"update_spec": ...}`.
#[tokio::test]
async fn tagging_category_update_wraps_the_spec_by_parameter_name() {
    let (server, client) = rest_server_void().await;
    let spec = category::UpdateSpec {
        description: Some("Lifecycle stage".to_owned()),
        ..category::UpdateSpec::default()
    };
    Category::new(&client)
        .update(&CategoryId::from("cat-1"), &spec)
        .await
        .expect("updated");
    assert_request(
        &single_request(&server).await,
        "PATCH",
        "/rest/com/vmware/cis/tagging/category/id:cat-1",
        &[],
        Some(json!({"update_spec": {"description": "Lifecycle stage"}})),
    );
}

/// `cis.json: DELETE /rest/com/vmware/cis/tagging/category/id:{category_id}`.
#[tokio::test]
async fn tagging_category_delete_uses_delete_without_body() {
    let (server, client) = rest_server_void().await;
    Category::new(&client)
        .delete(&CategoryId::from("cat-1"))
        .await
        .expect("deleted");
    assert_request(
        &single_request(&server).await,
        "DELETE",
        "/rest/com/vmware/cis/tagging/category/id:cat-1",
        &[],
        None,
    );
}

/// `content.json: PATCH /rest/com/vmware/content/subscribed-library/id:{library_id}`,
/// body `{"update_spec": content.library_model}`; the subscription password
/// is sent (a secret) but not shown by `Debug`.
#[tokio::test]
async fn subscribed_library_update_wraps_the_model() {
    let (server, client) = rest_server_void().await;
    let model = LibraryModel {
        subscription_info: Some(SubscriptionInfo {
            authentication_method: Some(subscription_info::AuthenticationMethod::Basic),
            automatic_sync_enabled: Some(true),
            on_demand: Some(false),
            user_name: Some("vcsp".to_owned()),
            password: Some(Secret::new("Sub-Pa55")),
            ..SubscriptionInfo::default()
        }),
        ..LibraryModel::default()
    };
    SubscribedLibrary::new(&client)
        .update(&LibraryId::from("lib-7"), &model)
        .await
        .expect("updated");
    assert_request(
        &single_request(&server).await,
        "PATCH",
        "/rest/com/vmware/content/subscribed-library/id:lib-7",
        &[],
        Some(json!({"update_spec": {"subscription_info": {
            "authentication_method": "BASIC",
            "automatic_sync_enabled": true,
            "on_demand": false,
            "password": "Sub-Pa55",
            "user_name": "vcsp"
        }}})),
    );
    assert!(!format!("{model:?}").contains("Sub-Pa55"));
}

/// The same operation over `/api`: `content.json: PATCH
/// /api/content/subscribed-library/{library_id}`, body
/// `ContentSubscribedLibraryUpdate` = `$ref ContentLibraryModel` (not wrapped).
#[tokio::test]
async fn subscribed_library_update_over_api_sends_the_model_as_the_body() {
    let server = answering(ResponseTemplate::new(204)).await;
    let client = client_for(&server, Protocol::Api);
    let model = LibraryModel {
        name: Some("mirror".to_owned()),
        ..LibraryModel::default()
    };
    SubscribedLibrary::new(&client)
        .update(&LibraryId::from("lib-7"), &model)
        .await
        .expect("updated");
    assert_request(
        &single_request(&server).await,
        "PATCH",
        "/api/content/subscribed-library/lib-7",
        &[],
        Some(json!({"name": "mirror"})),
    );
}

/// Reference page `rest-appliance-update-pending-validate.txt`:
/// `POST /rest/appliance/update/pending/{version}?action=validate`, body
/// `{"user_data": [{"key", "value"}]}`, answer `{"value": {"warnings",
/// "errors", ...}}` whose messages carry `params` as key/value lists with
/// nested localizable messages.
#[tokio::test]
async fn appliance_update_pending_validate_over_rest() {
    let message = json!({
        "args": ["3", "GB"],
        "default_message": "Only 3 GB free on /storage/core.",
        "localized": "Only 3 GB free on /storage/core.",
        "id": "com.vmware.appliance.update.low_disk",
        "params": [
            {"key": "checked", "value": {"dt": "2015-01-01T22:13:05.651Z", "format": "SHORT_DATE"}},
            {"key": "detail", "value": {"l": {
                "id": "com.vmware.appliance.update.low_disk.detail",
                "params": [
                    {"key": "free", "value": {"d": 1.5, "precision": 1}},
                    {"key": "inner", "value": {"l": {"id": "deepest", "params": [{"key": "n", "value": {"i": 1}}]}}}
                ]
            }}},
            {"key": "volume", "value": {"s": "/storage/core"}}
        ]
    });
    let (server, client) = rest_server(rest_value(json!({
        "warnings": [{
            "id": "upgrade.disk.space",
            "time": "2015-01-01T22:13:05.651Z",
            "message": message,
            "resolution": {"args": [], "default_message": "Free some space.", "id": "com.vmware.appliance.update.free_space", "params": []}
        }],
        "errors": []
    })))
    .await;
    let user_data: VapiMap<String, String> = [
        ("vmdir.password".to_owned(), "Adm1n!".to_owned()),
        ("obj-103".to_owned(), "string".to_owned()),
    ]
    .into();
    let notifications = Pending::new(&client)
        .validate(&ApplianceUpdatePendingId::from("9.1.1.1000"), &user_data)
        .send()
        .await
        .expect("validated");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/appliance/update/pending/9.1.1.1000",
        &[("action", "validate")],
        Some(json!({"user_data": [
            {"key": "obj-103", "value": "string"},
            {"key": "vmdir.password", "value": "Adm1n!"}
        ]})),
    );

    let warnings = notifications.warnings.expect("warnings");
    assert_eq!(warnings.len(), 1);
    let warning = &warnings[0];
    assert_eq!(warning.id, "upgrade.disk.space");
    assert_eq!(
        warning.time.as_ref().map(|time| time.as_str()),
        Some("2015-01-01T22:13:05.651Z")
    );
    assert_eq!(warning.message.args, ["3", "GB"]);
    let params = warning.message.params.as_ref().expect("params");
    assert_eq!(params["volume"].s.as_deref(), Some("/storage/core"));
    assert_eq!(params["checked"].format, Some(DateTimeFormat::ShortDate));
    let detail = params["detail"].l.as_ref().expect("nested message");
    assert_eq!(detail.id, "com.vmware.appliance.update.low_disk.detail");
    let nested = detail.params.as_ref().expect("nested params");
    assert_eq!(nested["free"].d, Some(1.5));
    assert_eq!(nested["free"].precision, Some(1));
    let deepest = nested["inner"].l.as_ref().expect("twice nested message");
    assert_eq!(
        deepest.params.as_ref().expect("deepest params")["n"].i,
        Some(1)
    );
    let resolution = warning.resolution.as_ref().expect("resolution");
    assert_eq!(resolution.default_message, "Free some space.");
    assert_eq!(notifications.errors, Some(Vec::new()));
    // Encoding the messages for /rest again gives the server's lists back.
    assert_eq!(
        to_rest_value(&warning.message).expect("serializes"),
        message
    );
}

/// `vcenter.json: POST /rest/vcenter/vm/{vm}/power/start`: the operation is
/// in the path on `/rest` (no `action=`). `/rest` POSTs without body
/// parameters send an empty JSON object.
#[tokio::test]
async fn vm_power_start_over_rest_puts_the_action_in_the_path() {
    let (server, client) = rest_server_void().await;
    Power::new(&client)
        .start(&VirtualMachineId::from("vm-42"))
        .await.expect("started");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/vcenter/vm/vm-42/power/start",
        &[],
        Some(json!({})),
    );
}

/// `vcenter.json: GET /rest/vcenter/vm` with query `filter.names` and
/// `filter.power_states` (multi): on `/rest` the structure's fields keep the
/// parameter name as prefix. Answer `{"value": [...]}`.
#[tokio::test]
async fn vm_list_over_rest_prefixes_filter_fields() {
    let (server, client) = rest_server(rest_value(json!([
        {"vm": "vm-1", "name": "a", "power_state": "POWERED_OFF"}
    ])))
    .await;
    let filter = vm::FilterSpec {
        names: Some(vec!["a".to_owned(), "b".to_owned()]),
        power_states: Some(vec![power::State::PoweredOff]),
        ..vm::FilterSpec::default()
    };
    let listed = Vm::new(&client)
        .list()
        .filter(&filter)
        .send()
        .await.expect("listed");
    assert_eq!(listed[0].power_state, power::State::PoweredOff);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/vcenter/vm",
        &[
            ("filter.names", "a"),
            ("filter.names", "b"),
            ("filter.power_states", "POWERED_OFF"),
        ],
        None,
    );
}

/// `vcenter.json: POST /rest/vcenter/vm/{vm}/tools?action=upgrade`, body
/// `vcenter.vm.tools_upgrade` = `{"command_line_options"}`; a `/rest` error
/// (`{"type": <error id>, "value": {...}}`) becomes a typed error.
#[tokio::test]
async fn vm_tools_upgrade_over_rest_reads_rest_errors() {
    let (server, client) = rest_server(ResponseTemplate::new(400).set_body_json(json!({
        "type": "com.vmware.vapi.std.errors.not_allowed_in_current_state",
        "value": {
            "messages": [{
                "id": "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on",
                "default_message": "Virtual machine vm-42 is not powered on.",
                "args": ["vm-42"]
            }]
        }
    })))
    .await;
    let error = Tools::new(&client)
        .upgrade(&VirtualMachineId::from("vm-42"))
        .command_line_options("-q")
        .send()
        .await
        .expect_err("a 400 answer is an error");
    assert_eq!(error.kind(), Some(ErrorKind::NotAllowedInCurrentState));
    assert_eq!(error.error_type(), Some("NOT_ALLOWED_IN_CURRENT_STATE"));
    assert_eq!(error.status(), Some(400));
    assert!(matches!(error, Error::Api { .. }), "{error:?}");
    let server_error = error.server_error().expect("a server-reported error");
    assert_eq!(
        server_error.messages(),
        ["Virtual machine vm-42 is not powered on."]
    );
    // The /rest body is unwrapped into the /api shape.
    assert_eq!(
        server_error.value().and_then(|value| value.get("error_type")),
        Some(&json!("NOT_ALLOWED_IN_CURRENT_STATE"))
    );
    let standard = error.standard_error().expect("a standard error structure");
    assert_eq!(
        standard.messages[0].id,
        "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on"
    );
    assert_eq!(
        standard.messages[0].default_message,
        "Virtual machine vm-42 is not powered on."
    );
    assert_eq!(standard.messages[0].args, ["vm-42"]);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/vcenter/vm/vm-42/tools",
        &[("action", "upgrade")],
        Some(json!({"command_line_options": "-q"})),
    );
}

/// `vcenter.json: POST /rest/vcenter/vm?action=clone`, body
/// `vcenter.VM_clone` = `{"spec": vcenter.VM.clone_spec}` whose
/// `disks_to_update` is an array of `{"key", "value"}` on `/rest`.
#[tokio::test]
async fn vm_clone_over_rest_sends_a_map_as_key_value_list() {
    let (server, client) = rest_server(rest_value(json!("vm-77"))).await;
    let spec = vm::CloneSpec {
        source: VirtualMachineId::from("vm-42"),
        name: "web-02".to_owned(),
        placement: None,
        disks_to_remove: Some(vec!["2002".to_owned()]),
        disks_to_update: Some(
            [
                (
                    "2001".to_owned(),
                    vm::DiskCloneSpec {
                        datastore: Some("datastore-14".to_owned()),
                    },
                ),
                (
                    "2000".to_owned(),
                    vm::DiskCloneSpec {
                        datastore: Some("datastore-13".to_owned()),
                    },
                ),
            ]
            .into(),
        ),
        power_on: None,
        guest_customization_spec: None,
    };
    let new_vm = Vm::new(&client).clone_vm(&spec).await.expect("cloned");
    assert_eq!(new_vm, "vm-77");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/vcenter/vm",
        &[("action", "clone")],
        Some(json!({"spec": {
            "source": "vm-42",
            "name": "web-02",
            "disks_to_remove": ["2002"],
            "disks_to_update": [
                {"key": "2000", "value": {"datastore": "datastore-13"}},
                {"key": "2001", "value": {"datastore": "datastore-14"}}
            ]
        }})),
    );
}

/// `cis.json: GET /rest/cis/tasks` with query `filter_spec.services`,
/// `filter_spec.status` (multi) and `result_spec.return_all`; the answer
/// `cis.tasks.list_resp` is a map, on `/rest` a list of `{"key", "value"}`.
#[tokio::test]
async fn cis_tasks_list_over_rest_reads_a_map_answer_from_a_list() {
    let info = json!({
        "service": "com.vmware.vcenter.VM", "operation": "relocate", "status": "SUCCEEDED",
        "cancelable": false, "description": {"id": "vm.relocate", "default_message": "Relocate", "args": []},
        "end_time": "2025-10-01T10:05:00.000Z"
    });
    let (server, client) = rest_server(rest_value(json!([
        {"key": "task-1", "value": info},
        {"key": "task-3", "value": info}
    ])))
    .await;
    let filter = tasks::FilterSpec {
        services: Some(vec!["com.vmware.vcenter.VM".to_owned()]),
        status: Some(vec![task::Status::Succeeded, task::Status::Failed]),
        ..tasks::FilterSpec::default()
    };
    let result_spec = tasks::GetSpec {
        return_all: Some(true),
        exclude_result: None,
    };
    let listed = Tasks::new(&client)
        .list()
        .filter_spec(&filter)
        .result_spec(&result_spec)
        .send()
        .await
        .expect("listed");
    assert_eq!(
        listed.keys().map(String::as_str).collect::<Vec<_>>(),
        ["task-1", "task-3"]
    );
    assert!(
        matches!(listed["task-3"].status, task::InfoStatus::Succeeded { .. }),
        "{:?}",
        listed["task-3"].status
    );
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/cis/tasks",
        &[
            ("filter_spec.services", "com.vmware.vcenter.VM"),
            ("filter_spec.status", "SUCCEEDED"),
            ("filter_spec.status", "FAILED"),
            ("result_spec.return_all", "true"),
        ],
        None,
    );
}

/// `cis.json: GET /rest/cis/tasks/{task}` with query `spec.return_all`.
#[tokio::test]
async fn cis_tasks_get_over_rest_prefixes_the_spec() {
    let (server, client) = rest_server(rest_value(json!({
        "service": "com.vmware.vcenter.VM", "operation": "clone", "status": "PENDING",
        "cancelable": true, "description": {"id": "vm.clone", "default_message": "Clone", "args": []}
    })))
    .await;
    let spec = tasks::GetSpec {
        return_all: Some(true),
        exclude_result: None,
    };
    let info = Tasks::new(&client)
        .get(&TaskId::from("task-17"))
        .spec(&spec)
        .send()
        .await
        .expect("task info");
    assert_eq!(info.status, task::InfoStatus::Pending);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/cis/tasks/task-17",
        &[("spec.return_all", "true")],
        None,
    );
}

/// `content.json: POST
/// /rest/com/vmware/content/library/item/file/id:{library_item_id}?~action=get`,
/// body `content.library.item.file_get` = `{"name": string}`.
#[tokio::test]
async fn library_item_file_get_over_rest_posts_the_name() {
    let (server, client) = rest_server(rest_value(json!({
        "name": "disk-0.vmdk", "size": 42, "cached": false, "version": "1",
        "checksum_info": {"algorithm": "SHA256", "checksum": "ab12"}
    })))
    .await;
    let info = File::new(&client)
        .get(&ItemId::from("item-1"), "disk-0.vmdk")
        .await
        .expect("file info");
    assert_eq!(info.size, 42);
    assert!(info.checksum_info.is_some());
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/com/vmware/content/library/item/file/id:item-1",
        &[("~action", "get")],
        Some(json!({"name": "disk-0.vmdk"})),
    );
}

/// `content.json: POST /rest/com/vmware/content/local-library`, body
/// `content.local_library_create` = `{"client_token", "create_spec"}`: on
/// `/rest` the token is a body field, not a header.
#[tokio::test]
async fn local_library_create_over_rest_puts_the_token_in_the_body() {
    let (server, client) = rest_server(rest_value(json!("lib-9"))).await;
    let token = "b8a2a2e3-2314-43cd-a871-6ede0f429751";
    let model = LibraryModel {
        name: Some("isos".to_owned()),
        ..LibraryModel::default()
    };
    let id = LocalLibrary::new(&client)
        .create(&model)
        .client_token(token)
        .send()
        .await
        .expect("created");
    assert_eq!(id, "lib-9");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        "/rest/com/vmware/content/local-library",
        &[],
        Some(json!({"client_token": token, "create_spec": {"name": "isos"}})),
    );
    assert_eq!(header(&request, "client-token"), None);
}

/// `appliance.json: PUT /rest/appliance/access/ssh`, body
/// `appliance.access.ssh_set` = `{"enabled": boolean}`.
#[tokio::test]
async fn appliance_access_ssh_set_over_rest() {
    let (server, client) = rest_server_void().await;
    Ssh::new(&client).set(false).await.expect("set");
    assert_request(
        &single_request(&server).await,
        "PUT",
        "/rest/appliance/access/ssh",
        &[],
        Some(json!({"enabled": false})),
    );
}

/// `vapi.json: GET
/// /rest/com/vmware/vapi/metadata/metamodel/component/id:{component_id}`,
/// answered with a real component of the metamodel snapshot (deeply nested
/// maps as key/value lists): it decodes completely, and encoding it for
/// `/rest` again gives the same JSON.
#[tokio::test]
async fn metamodel_component_get_decodes_a_real_snapshot_component() {
    let file = snapshot_json("com.vmware.cis.json");
    let (server, client) = rest_server(ResponseTemplate::new(200).set_body_json(&file)).await;
    let data = Component::new(&client)
        .get(&VapiComponentId::from("com.vmware.cis"))
        .await
        .expect("the snapshot component decodes");
    assert_request(
        &single_request(&server).await,
        "GET",
        "/rest/com/vmware/vapi/metadata/metamodel/component/id:com.vmware.cis",
        &[],
        None,
    );

    let manifest = snapshot_json("manifest.json");
    let counts = manifest["components"]
        .as_array()
        .and_then(|components| {
            components
                .iter()
                .find(|component| component["id"] == "com.vmware.cis")
        })
        .expect("the manifest lists com.vmware.cis");
    assert_eq!(data.info.name, "com.vmware.cis");
    assert_eq!(json!(data.info.packages.len()), counts["packages"]);
    let services: usize = data
        .info
        .packages
        .values()
        .map(|package| package.services.len())
        .sum();
    let operations: usize = data
        .info
        .packages
        .values()
        .flat_map(|package| package.services.values())
        .map(|service| service.operations.len())
        .sum();
    assert_eq!(json!(services), counts["services"]);
    assert_eq!(json!(operations), counts["operations"]);
    assert_eq!(
        to_rest_value(&data).expect("serializes"),
        file["value"],
        "the component re-encodes to the snapshot's JSON"
    );
}

/// `/rest` calls carry the session token in the same header as `/api` calls.
#[tokio::test]
async fn session_token_travels_on_rest_calls_too() {
    let server = answering_json(200, json!({"value": []})).await;
    let client = client_for(&server, Protocol::Rest).with_session_token("rest-token-1");
    Category::new(&client).list().await.expect("listed");
    assert_eq!(
        header(&single_request(&server).await, "vmware-api-session-id"),
        Some("rest-token-1")
    );
}
