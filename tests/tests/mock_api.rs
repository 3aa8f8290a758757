//! The generated client over the `/api` protocol (the default), against an
//! in-process HTTP server: one test per operation, each asserting the exact
//! method, path, query, headers and body sent, and the decoding of the answer.
//!
//! Expected requests come from VMware's OpenAPI of vCenter 7.0.3
//! (`/work/shared/vsphere-openapi-7.0.3`, cited per test as `file: route`)
//! and the API reference pages in `/work/shared/reference`.

mod support_mock;

use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::json;
use support_mock::{
    Sequence, answering, answering_json, assert_request, client_for, header, raw_path_and_query,
    requests, single_request,
};
use vsphere_vapi::ids::{
    ApplianceUpdatePendingId, CategoryId, ClusterComputeResourceId, DiskId, DraftId, ItemId,
    LibraryId, TagId, TaskId, VirtualMachineId,
};
use vsphere_vapi::runtime::types::{Secret, VapiMap};
use vsphere_vapi::runtime::{ResourceId, TaskState};
use vsphere_vapi::{Error, ErrorExt, ErrorKind, Protocol, TaskWaitOptions};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

use vsphere_vapi::appliance::access::Ssh;
use vsphere_vapi::appliance::update::Pending;
use vsphere_vapi::appliance::update::common_info::{
    Category as UpdateCategory, Priority, Severity,
};
use vsphere_vapi::appliance::update::pending::SourceType;
use vsphere_vapi::cis::Tasks;
use vsphere_vapi::cis::tagging::category_model::Cardinality;
use vsphere_vapi::cis::tagging::{Category, TagAssociation, category};
use vsphere_vapi::cis::{task, tasks};
use vsphere_vapi::content::library::item::File;
use vsphere_vapi::content::library::{Item, StorageBacking, StorageBackingType};
use vsphere_vapi::content::library_model::LibraryType;
use vsphere_vapi::content::{LibraryModel, LocalLibrary};
use vsphere_vapi::esx::settings::clusters::software::{Drafts, drafts};
use vsphere_vapi::vapi::standard::DynamicId;
use vsphere_vapi::vcenter::vm::guest::filesystem::{Transfers, transfers};
use vsphere_vapi::vcenter::vm::guest::{self, Credentials, CredentialsType};
use vsphere_vapi::vcenter::vm::hardware::{Cpu, Disk, cpu, disk};
use vsphere_vapi::vcenter::vm::{Power, Tools, power, tools};
use vsphere_vapi::vcenter::{Datacenter, Folder, Vm, datacenter, folder, vm};

const TAG_ID: &str = "urn:vmomi:InventoryServiceTag:8e2b4f36-1b57-4d4a-9c38-1a4c0b9f1d2e:GLOBAL";
/// `TAG_ID` as a percent-encoded path segment.
const TAG_ID_IN_PATH: &str =
    "urn%3Avmomi%3AInventoryServiceTag%3A8e2b4f36-1b57-4d4a-9c38-1a4c0b9f1d2e%3AGLOBAL";

/// The virtual machine most tests address.
fn vm_42() -> VirtualMachineId {
    VirtualMachineId::from("vm-42")
}

async fn api_server(status: u16, body: serde_json::Value) -> (MockServer, vsphere_vapi::Client) {
    let server = answering_json(status, body).await;
    let client = client_for(&server, Protocol::Auto);
    (server, client)
}

async fn api_server_no_content() -> (MockServer, vsphere_vapi::Client) {
    let server = answering(ResponseTemplate::new(204)).await;
    let client = client_for(&server, Protocol::Auto);
    (server, client)
}

/// Reference page `api-vcenter-vm-tools-upgrade.txt`:
/// `POST /api/vcenter/vm/{vm}/tools?action=upgrade`, body
/// `{"command_line_options": "string"}`, 204 without data.
#[tokio::test]
async fn vm_tools_upgrade_posts_command_line_options_and_accepts_204() {
    let (server, client) = api_server_no_content().await;
    let options = "/S /v\"/qn REBOOT=R\"";
    let () = Tools::new(&client)
        .upgrade(&vm_42())
        .command_line_options(options)
        .send()
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/tools",
        &[("action", "upgrade")],
        Some(json!({"command_line_options": options})),
    );
}

/// The body of `upgrade` is optional: without options the body object is
/// empty (the reference page marks `command_line_options` optional).
#[tokio::test]
async fn vm_tools_upgrade_without_options_sends_an_empty_object() {
    let (server, client) = api_server_no_content().await;
    Tools::new(&client)
        .upgrade(&vm_42())
        .send()
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/tools",
        &[("action", "upgrade")],
        Some(json!({})),
    );
}

/// Reference page: 400 with a `Std_Errors_Error` body whose `error_type` is
/// `NOT_ALLOWED_IN_CURRENT_STATE` ("if the virtual machine is not powered on").
#[tokio::test]
async fn vm_tools_upgrade_not_allowed_in_current_state_is_a_typed_error() {
    let (_server, client) = api_server(
        400,
        json!({
            "error_type": "NOT_ALLOWED_IN_CURRENT_STATE",
            "messages": [
                {
                    "id": "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on",
                    "default_message": "Virtual machine vm-42 is not powered on.",
                    "args": ["vm-42"],
                    "params": {"vm": {"s": "vm-42"}},
                    "localized": "Virtual machine vm-42 is not powered on."
                },
                {
                    "id": "vmsg.tools.upgrade.failed",
                    "default_message": "Tools upgrade failed.",
                    "args": []
                }
            ],
            "data": {}
        }),
    )
    .await;
    let error = Tools::new(&client)
        .upgrade(&vm_42())
        .command_line_options("-q")
        .send()
        .await
        .expect_err("a 400 answer is an error");
    assert_eq!(error.kind(), Some(ErrorKind::NotAllowedInCurrentState));
    assert!(error.is_kind(ErrorKind::NotAllowedInCurrentState));
    assert!(!error.is_kind(ErrorKind::InvalidRequest));
    assert_eq!(error.error_type(), Some("NOT_ALLOWED_IN_CURRENT_STATE"));
    assert_eq!(error.status(), Some(400));
    match &error {
        Error::Api {
            service,
            operation,
            error: server_error,
        } => {
            assert_eq!(service, "com.vmware.vcenter.vm.tools");
            assert_eq!(operation, "upgrade");
            assert_eq!(server_error.status(), 400);
            assert_eq!(
                server_error.messages(),
                [
                    "Virtual machine vm-42 is not powered on.",
                    "Tools upgrade failed."
                ]
            );
            assert_eq!(server_error.excerpt(), None);
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    let standard = error.standard_error().expect("a standard error structure");
    assert_eq!(
        standard.error_type,
        Some(ErrorKind::NotAllowedInCurrentState)
    );
    assert_eq!(standard.data, Some(json!({})));
    let messages = standard.messages;
    assert_eq!(messages.len(), 2, "the whole message stack is kept");
    assert_eq!(
        messages[0].id,
        "com.vmware.api.vcenter.vm.tools.upgrade.not_powered_on"
    );
    assert_eq!(
        messages[0].default_message,
        "Virtual machine vm-42 is not powered on."
    );
    assert_eq!(messages[0].args, ["vm-42"]);
    let params = messages[0].params.as_ref().expect("params are decoded");
    assert_eq!(params["vm"].s.as_deref(), Some("vm-42"));
    assert_eq!(
        messages[0].localized.as_deref(),
        Some("Virtual machine vm-42 is not powered on.")
    );
    assert_eq!(messages[1].default_message, "Tools upgrade failed.");
    let text = error.to_string();
    for part in [
        "com.vmware.vcenter.vm.tools.upgrade",
        "NOT_ALLOWED_IN_CURRENT_STATE",
        "is not powered on",
    ] {
        assert!(text.contains(part), "`{part}` missing from: {text}");
    }
}

/// `vcenter.json: GET /api/vcenter/vm/{vm}/tools` answers `VcenterVmToolsInfo`.
/// Enumeration values this crate does not know decode into the catch-all and
/// serialize back unchanged; the real value `UNKNOWN` of
/// `ToolsInstallType` keeps its own variant.
#[tokio::test]
async fn vm_tools_get_keeps_unknown_enum_values_and_round_trips() {
    let answer = json!({
        "auto_update_supported": false,
        "install_attempt_count": 1,
        "version_number": 12352,
        "version": "12.1.0",
        "upgrade_policy": "UPGRADE_AT_POWER_CYCLE",
        "version_status": "SUPPORTED_BUT_DEPRECATED",
        "install_type": "UNKNOWN",
        "run_state": "PAUSED_BY_HOST"
    });
    let (server, client) = api_server(200, answer.clone()).await;
    let info = Tools::new(&client)
        .get(&vm_42())
        .await
        .expect("info decodes");
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/vcenter/vm/vm-42/tools",
        &[],
        None,
    );
    assert!(info.run_state.is_unknown(), "{:?}", info.run_state);
    assert!(matches!(&info.run_state, tools::RunState::Unknown(raw) if raw.as_str() == "PAUSED_BY_HOST"));
    assert_eq!(info.run_state, tools::RunState::from("PAUSED_BY_HOST"));
    assert_eq!(info.run_state.as_str(), "PAUSED_BY_HOST");
    assert_eq!(info.run_state.to_string(), "PAUSED_BY_HOST");
    let version_status = info.version_status.as_ref().expect("version status");
    assert!(version_status.is_unknown());
    assert_eq!(version_status.as_str(), "SUPPORTED_BUT_DEPRECATED");
    // `UNKNOWN` is a real value of `ToolsInstallType`: its own variant, not
    // the catch-all.
    assert_eq!(
        info.install_type,
        Some(tools::ToolsInstallType::UnknownValue)
    );
    assert!(!tools::ToolsInstallType::UnknownValue.is_unknown());
    assert_eq!(tools::ToolsInstallType::UnknownValue.as_str(), "UNKNOWN");
    assert_eq!(
        "UNKNOWN".parse::<tools::ToolsInstallType>(),
        Ok(tools::ToolsInstallType::UnknownValue)
    );
    assert_eq!(
        info.upgrade_policy,
        tools::UpgradePolicy::UpgradeAtPowerCycle
    );
    assert_eq!(
        serde_json::to_value(&info).expect("info serializes"),
        answer,
        "decoding and encoding again gives the server's JSON back"
    );
}

/// `vcenter.json: PATCH /api/vcenter/vm/{vm}/tools`, body
/// `VcenterVmToolsUpdate` = `$ref VcenterVmToolsUpdateSpec`: the spec is the
/// whole body. An unknown enum value goes out exactly as it came in.
#[tokio::test]
async fn vm_tools_update_sends_the_spec_as_the_whole_body() {
    let (server, client) = api_server_no_content().await;
    let policy = tools::UpgradePolicy::from_str("UPGRADE_AT_REBOOT").expect("infallible");
    assert!(policy.is_unknown(), "{policy:?}");
    assert_eq!(policy.as_str(), "UPGRADE_AT_REBOOT");
    assert_eq!(
        tools::UpgradePolicy::from_str("UPGRADE_AT_POWER_CYCLE"),
        Ok(tools::UpgradePolicy::UpgradeAtPowerCycle),
        "a known wire value never parses into the catch-all"
    );
    let spec = tools::UpdateSpec {
        upgrade_policy: Some(policy),
    };
    Tools::new(&client)
        .update(&vm_42(), &spec)
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "PATCH",
        "/api/vcenter/vm/vm-42/tools",
        &[],
        Some(json!({"upgrade_policy": "UPGRADE_AT_REBOOT"})),
    );
}

/// `vcenter.json: POST /api/vcenter/vm/{vm}/power?action=start`: no body, 204.
#[tokio::test]
async fn vm_power_start_dispatches_by_action_without_body() {
    let (server, client) = api_server_no_content().await;
    Power::new(&client)
        .start(&vm_42())
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/power",
        &[("action", "start")],
        None,
    );
}

/// `vcenter.json: GET /api/vcenter/vm/{vm}/power` then
/// `GET /api/vcenter/vm` with `power_states` (multi): a power state this
/// crate does not know, read from the server, is sent back verbatim.
#[tokio::test]
async fn unknown_power_state_from_the_server_round_trips_into_a_filter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/vcenter/vm/vm-42/power$"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"state": "SUSPENDED_TO_MEMORY"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/vcenter/vm$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto);

    let info = Power::new(&client).get(&vm_42()).await.expect("power info");
    assert_eq!(info.state.tag(), power::State::from("SUSPENDED_TO_MEMORY"));
    assert!(
        matches!(&info.state, power::InfoState::Unknown { tag, fields }
            if tag == "SUSPENDED_TO_MEMORY" && fields.is_empty()),
        "{:?}",
        info.state
    );
    let filter = vm::FilterSpec {
        power_states: Some(vec![info.state.tag()]),
        ..vm::FilterSpec::default()
    };
    let listed = Vm::new(&client)
        .list()
        .filter(&filter)
        .send()
        .await.expect("list");
    assert!(listed.is_empty());

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_request(&sent[0], "GET", "/api/vcenter/vm/vm-42/power", &[], None);
    assert_request(
        &sent[1],
        "GET",
        "/api/vcenter/vm",
        &[("power_states", "SUSPENDED_TO_MEMORY")],
        None,
    );
}

/// `vcenter.json: GET /api/vcenter/vm` with query parameters `names` and
/// `power_states` (`collectionFormat: multi`): the filter structure is
/// flattened into its fields and lists repeat the name.
#[tokio::test]
async fn vm_list_flattens_the_filter_and_repeats_list_values() {
    let (server, client) = api_server(
        200,
        json!([
            {"vm": "vm-1", "name": "a", "power_state": "POWERED_ON", "cpu_count": 2, "memory_size_MiB": 4096},
            {"vm": "vm-2", "name": "b", "power_state": "POWERED_ON"}
        ]),
    )
    .await;
    let filter = vm::FilterSpec {
        names: Some(vec!["a".to_owned(), "b".to_owned()]),
        power_states: Some(vec![power::State::PoweredOn]),
        ..vm::FilterSpec::default()
    };
    let listed = Vm::new(&client)
        .list()
        .filter(&filter)
        .send()
        .await.expect("list");
    let request = single_request(&server).await;
    assert_eq!(
        raw_path_and_query(&request),
        "/api/vcenter/vm?names=a&names=b&power_states=POWERED_ON"
    );
    assert_request(
        &request,
        "GET",
        "/api/vcenter/vm",
        &[
            ("names", "a"),
            ("names", "b"),
            ("power_states", "POWERED_ON"),
        ],
        None,
    );
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].vm, "vm-1");
    assert_eq!(listed[0].power_state, power::State::PoweredOn);
    assert_eq!(listed[0].memory_size_mib, Some(4096));
    assert_eq!(listed[1].cpu_count, None);
}

/// Without a filter, `GET /api/vcenter/vm` has no query at all.
#[tokio::test]
async fn vm_list_without_filter_has_no_query() {
    let (server, client) = api_server(200, json!([])).await;
    let listed = Vm::new(&client).list().send().await.expect("list");
    assert!(listed.is_empty());
    let request = single_request(&server).await;
    assert_eq!(raw_path_and_query(&request), "/api/vcenter/vm");
}

/// `vcenter.json: DELETE /api/vcenter/vm/{vm}` answers 204.
#[tokio::test]
async fn vm_delete_uses_delete_and_accepts_204() {
    let (server, client) = api_server_no_content().await;
    Vm::new(&client)
        .delete(&vm_42())
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "DELETE",
        "/api/vcenter/vm/vm-42",
        &[],
        None,
    );
}

/// `vcenter.json: PATCH /api/vcenter/vm/{vm}/hardware/cpu`, body
/// `VcenterVmHardwareCpuUpdate` = `$ref VcenterVmHardwareCpuUpdateSpec`.
#[tokio::test]
async fn vm_hardware_cpu_update_sends_the_spec_as_the_whole_body() {
    let (server, client) = api_server_no_content().await;
    let spec = cpu::UpdateSpec {
        count: Some(4),
        cores_per_socket: Some(2),
        hot_add_enabled: Some(true),
        ..cpu::UpdateSpec::default()
    };
    Cpu::new(&client)
        .update(&vm_42(), &spec)
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "PATCH",
        "/api/vcenter/vm/vm-42/hardware/cpu",
        &[],
        Some(json!({"count": 4, "cores_per_socket": 2, "hot_add_enabled": true})),
    );
}

/// `vcenter.json: POST /api/vcenter/vm/{vm}/hardware/disk`, body
/// `$ref VcenterVmHardwareDiskCreateSpec`, answer 201 with the disk id.
#[tokio::test]
async fn vm_hardware_disk_create_returns_the_new_identifier() {
    let (server, client) = api_server(201, json!("2001")).await;
    let spec = disk::CreateSpec {
        r#type: Some(disk::CreateSpecType::Scsi { scsi: None }),
        new_vmdk: Some(disk::VmdkCreateSpec {
            name: Some("data".to_owned()),
            capacity: Some(10_737_418_240),
            ..disk::VmdkCreateSpec::default()
        }),
        ..disk::CreateSpec::default()
    };
    let id = Disk::new(&client)
        .create(&vm_42(), &spec)
        .await
        .expect("created");
    assert_eq!(id, DiskId::from("2001"));
    assert_eq!(id.as_str(), "2001");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/hardware/disk",
        &[],
        Some(json!({"type": "SCSI", "new_vmdk": {"name": "data", "capacity": 10_737_418_240_i64}})),
    );
}

/// `vcenter.json: POST /api/vcenter/vm/{vm}/guest/power?action=shutdown`.
#[tokio::test]
async fn vm_guest_power_shutdown_dispatches_by_action() {
    let (server, client) = api_server_no_content().await;
    guest::Power::new(&client)
        .shutdown(&vm_42())
        .await
        .expect("a 204 answer is success");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/guest/power",
        &[("action", "shutdown")],
        None,
    );
}

/// Reference page `api-vcenter-vm-guest-filesystem-transfers-create.txt`:
/// `POST /api/vcenter/vm/{vm}/guest/filesystem?action=create`, body
/// `{"credentials": {...}, "spec": {...}}` (two parameters composing one
/// object), answer 201 with the transfer URL. The guest password travels in
/// clear text but never shows in `Debug` output.
#[tokio::test]
async fn vm_guest_filesystem_transfers_create_composes_body_fields() {
    let url = "https://*/guestFile?id=1&token=52a3b1c8d5e4";
    let (server, client) = api_server(201, json!(url)).await;
    let password = "Gu3st-Pa55!";
    let credentials = Credentials {
        interactive_session: false,
        r#type: CredentialsType::UsernamePassword {
            user_name: Some("root".to_owned()),
            password: Some(Secret::new(password)),
        },
    };
    let spec = transfers::CreateSpec {
        path: "/var/log/report.txt".to_owned(),
        attributes: Some(transfers::FileCreationAttributes {
            size: 1024,
            overwrite: Some(true),
            last_modified: None,
            last_accessed: None,
            windows: None,
            posix: None,
        }),
    };
    let created = Transfers::new(&client)
        .create(&vm_42(), &credentials, &spec)
        .await
        .expect("created");
    assert_eq!(created, url);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/guest/filesystem",
        &[("action", "create")],
        Some(json!({
            "credentials": {
                "interactive_session": false,
                "type": "USERNAME_PASSWORD",
                "user_name": "root",
                "password": password
            },
            "spec": {
                "path": "/var/log/report.txt",
                "attributes": {"size": 1024, "overwrite": true}
            }
        })),
    );
    let debug = format!("{credentials:?} {:?}", Transfers::new(&client));
    assert!(
        !debug.contains(password),
        "secret leaked into Debug: {debug}"
    );
    assert!(
        debug.contains("root"),
        "non-secret fields stay visible: {debug}"
    );
}

/// `cis.json: POST /api/cis/tagging/tag-association/{tag_id}?action=attach`,
/// body `{"object_id": VapiStdDynamicID}`, 204. The tag identifier's colons
/// are escaped in the path segment.
#[tokio::test]
async fn tag_association_attach_escapes_the_path_and_sends_a_body_field() {
    let (server, client) = api_server_no_content().await;
    let object = DynamicId {
        r#type: "VirtualMachine".to_owned(),
        id: ResourceId::from(vm_42()),
    };
    TagAssociation::new(&client)
        .attach(&TagId::from(TAG_ID), &object)
        .await
        .expect("a 204 answer is success");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        &format!("/api/cis/tagging/tag-association/{TAG_ID_IN_PATH}"),
        &[("action", "attach")],
        Some(json!({"object_id": {"type": "VirtualMachine", "id": "vm-42"}})),
    );
}

/// `cis.json: POST /api/cis/tagging/tag-association?action=list-attached-tags`,
/// body `{"object_id": ...}`, answer an array of tag identifiers.
#[tokio::test]
async fn tag_association_list_attached_tags_returns_identifiers() {
    let (server, client) = api_server(200, json!([TAG_ID])).await;
    let object = DynamicId {
        r#type: "VirtualMachine".to_owned(),
        id: ResourceId::from(vm_42()),
    };
    let tags = TagAssociation::new(&client)
        .list_attached_tags(&object)
        .await
        .expect("listed");
    assert_eq!(tags, [TAG_ID]);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/cis/tagging/tag-association",
        &[("action", "list-attached-tags")],
        Some(json!({"object_id": {"type": "VirtualMachine", "id": "vm-42"}})),
    );
}

/// `cis.json: POST /api/cis/tagging/category`, body
/// `CisTaggingCategoryCreate` = `$ref CisTaggingCategoryCreateSpec` (the
/// spec itself, unlike `/rest` which wraps it in `create_spec`), 201.
#[tokio::test]
async fn tagging_category_create_sends_the_spec_as_the_whole_body() {
    let created = "urn:vmomi:InventoryServiceCategory:0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8:GLOBAL";
    let (server, client) = api_server(201, json!(created)).await;
    let spec = category::CreateSpec {
        name: "environment".to_owned(),
        description: "Deployment stage".to_owned(),
        cardinality: Cardinality::Single,
        associable_types: vec!["VirtualMachine".to_owned()],
        category_id: None,
    };
    let id = Category::new(&client).create(&spec).await.expect("created");
    assert_eq!(id, CategoryId::from(created));
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/cis/tagging/category",
        &[],
        Some(json!({
            "name": "environment",
            "description": "Deployment stage",
            "cardinality": "SINGLE",
            "associable_types": ["VirtualMachine"]
        })),
    );
}

/// `POST /api/content/local-library` with the library model as the whole
/// body and the idempotency token in the `Client-Token` header, as the
/// vSphere 9.1.1 bindings declare it (`content_client.py`,
/// `header_parameters={'Client-Token': 'client_token'}`). The 7.0.3 OpenAPI
/// has no header parameters at all and lists `client_token` as a query
/// parameter instead.
#[tokio::test]
async fn local_library_create_sends_client_token_header_and_model_body() {
    let (server, client) = api_server(201, json!("6b5d2a1c-7e8f-4a9b-b0c1-d2e3f4a5b6c7")).await;
    let token = "b8a2a2e3-2314-43cd-a871-6ede0f429751";
    let model = LibraryModel {
        name: Some("isos".to_owned()),
        r#type: Some(LibraryType::Local),
        storage_backings: Some(vec![StorageBacking {
            r#type: Some(StorageBackingType::Datastore {
                datastore_id: Some("datastore-12".to_owned()),
            }),
        }]),
        ..LibraryModel::default()
    };
    let id = LocalLibrary::new(&client)
        .create(&model)
        .client_token(token)
        .send()
        .await
        .expect("created");
    assert_eq!(id, LibraryId::from("6b5d2a1c-7e8f-4a9b-b0c1-d2e3f4a5b6c7"));
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        "/api/content/local-library",
        &[],
        Some(json!({
            "name": "isos",
            "type": "LOCAL",
            "storage_backings": [{"type": "DATASTORE", "datastore_id": "datastore-12"}]
        })),
    );
    assert_eq!(header(&request, "client-token"), Some(token));
}

/// An unset header parameter is not sent.
#[tokio::test]
async fn local_library_create_without_token_sends_no_header() {
    let (server, client) = api_server(201, json!("lib-1")).await;
    LocalLibrary::new(&client)
        .create(&LibraryModel::default())
        .send()
        .await
        .expect("created");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        "/api/content/local-library",
        &[],
        Some(json!({})),
    );
    assert_eq!(header(&request, "client-token"), None);
}

/// `content.json: GET /api/content/library/item` with required query
/// parameter `library_id`.
#[tokio::test]
async fn library_item_list_sends_a_scalar_query_parameter() {
    let (server, client) = api_server(200, json!(["item-1", "item-2"])).await;
    let items = Item::new(&client)
        .list(&LibraryId::from("6b5d2a1c-7e8f-4a9b-b0c1-d2e3f4a5b6c7"))
        .await
        .expect("listed");
    assert_eq!(items, ["item-1", "item-2"]);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/content/library/item",
        &[("library_id", "6b5d2a1c-7e8f-4a9b-b0c1-d2e3f4a5b6c7")],
        None,
    );
}

/// `content.json: GET /api/content/library/item/{library_item_id}/file?name`:
/// the `name` query parameter selects `get` rather than `list` on the same
/// path.
#[tokio::test]
async fn library_item_file_get_is_selected_by_its_query_parameter() {
    let (server, client) = api_server(
        200,
        json!({"name": "disk 0.vmdk", "size": 1_048_576, "cached": true, "version": "3"}),
    )
    .await;
    let info = File::new(&client)
        .get(&ItemId::from("item-1"), "disk 0.vmdk")
        .await
        .expect("file info");
    assert_eq!(info.size, 1_048_576);
    assert!(info.cached);
    let request = single_request(&server).await;
    assert_request(
        &request,
        "GET",
        "/api/content/library/item/item-1/file",
        &[("name", "disk 0.vmdk")],
        None,
    );
    assert_eq!(
        request.url.query(),
        Some("name=disk%200.vmdk"),
        "spaces are percent-encoded"
    );
}

/// `appliance.json: GET /api/appliance/update/pending?source_type&url`
/// (scalar query parameters; a URL value is escaped).
#[tokio::test]
async fn appliance_update_pending_list_sends_scalar_queries() {
    let (server, client) = api_server(
        200,
        json!([{
            "version": "9.1.1.1000",
            "name": "VC-9.1.1.1000",
            "description": {"id": "com.vmware.appliance.update.summary", "default_message": "Security fixes", "args": []},
            "priority": "HIGH",
            "severity": "CRITICAL",
            "update_type": "SECURITY",
            "release_date": "2025-10-01T00:00:00.000Z",
            "reboot_required": true,
            "size": 2048
        }]),
    )
    .await;
    let updates = Pending::new(&client)
        .list(&SourceType::LocalAndOnline)
        .url("https://depot.example.com/vcsa?channel=stable")
        .send()
        .await
        .expect("listed");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "GET",
        "/api/appliance/update/pending",
        &[
            ("source_type", "LOCAL_AND_ONLINE"),
            ("url", "https://depot.example.com/vcsa?channel=stable"),
        ],
        None,
    );
    let raw = request.url.query().unwrap_or_default();
    assert!(
        raw.contains("url=https%3A%2F%2Fdepot.example.com%2Fvcsa%3Fchannel%3Dstable"),
        "the URL value is escaped: {raw}"
    );
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].priority, Priority::High);
    assert_eq!(updates[0].severity, Severity::Critical);
    assert_eq!(updates[0].update_type, UpdateCategory::Security);
    assert_eq!(updates[0].release_date.as_str(), "2025-10-01T00:00:00.000Z");
    assert_eq!(updates[0].description.default_message, "Security fixes");
}

/// `appliance.json: POST /api/appliance/update/pending/{version}?action=validate`,
/// body `{"user_data": {<id>: <string>}}` (`additionalProperties`: on `/api`
/// a map is a JSON object), answer `ApplianceNotifications` unwrapped, with
/// message parameters as an object too.
#[tokio::test]
async fn appliance_update_pending_validate_sends_a_map_as_an_object() {
    let (server, client) = api_server(
        200,
        json!({
            "warnings": [{
                "id": "upgrade.disk.space",
                "time": "2025-10-01T10:00:00.000Z",
                "message": {
                    "id": "com.vmware.appliance.update.low_disk",
                    "default_message": "Only 3 GB free.",
                    "args": ["3"],
                    "params": {"free": {"i": 3}, "unit": {"s": "GB"}}
                }
            }],
            "errors": []
        }),
    )
    .await;
    let user_data: VapiMap<String, String> = [
        ("vmdir.password".to_owned(), "Adm1n!".to_owned()),
        ("obj-103".to_owned(), "vcsa-01".to_owned()),
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
        "/api/appliance/update/pending/9.1.1.1000",
        &[("action", "validate")],
        Some(json!({"user_data": {"vmdir.password": "Adm1n!", "obj-103": "vcsa-01"}})),
    );
    let warnings = notifications.warnings.expect("warnings present");
    let params = warnings[0]
        .message
        .params
        .as_ref()
        .expect("message parameters");
    assert_eq!(params["free"].i, Some(3));
    assert_eq!(params["unit"].s.as_deref(), Some("GB"));
    assert_eq!(notifications.errors, Some(Vec::new()));
    assert_eq!(notifications.info, None);
}

/// `appliance.json: PUT /api/appliance/access/ssh`, body
/// `{"enabled": boolean}` (`ApplianceAccessSshSet` has properties: a body
/// field), 204.
#[tokio::test]
async fn appliance_access_ssh_set_puts_a_boolean_body_field() {
    let (server, client) = api_server_no_content().await;
    Ssh::new(&client).set(true).await.expect("set");
    assert_request(
        &single_request(&server).await,
        "PUT",
        "/api/appliance/access/ssh",
        &[],
        Some(json!({"enabled": true})),
    );
}

/// `vcenter.json: POST /api/vcenter/datacenter`, body
/// `$ref VcenterDatacenterCreateSpec`, answer 201 with the identifier.
#[tokio::test]
async fn datacenter_create_answers_201_with_the_identifier() {
    let (server, client) = api_server(201, json!("datacenter-21")).await;
    let spec = datacenter::CreateSpec {
        name: "dc-east".to_owned(),
        folder: Some("group-d1".to_owned()),
    };
    let id = Datacenter::new(&client)
        .create(&spec)
        .await
        .expect("created");
    assert_eq!(id.as_str(), "datacenter-21");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/datacenter",
        &[],
        Some(json!({"name": "dc-east", "folder": "group-d1"})),
    );
}

/// `vcenter.json: GET /api/vcenter/folder` with query `type` (scalar enum),
/// `names` and `datacenters` (multi).
#[tokio::test]
async fn folder_list_flattens_scalar_and_list_filter_fields() {
    let (server, client) = api_server(
        200,
        json!([{"folder": "group-v22", "name": "vms", "type": "VIRTUAL_MACHINE"}]),
    )
    .await;
    let filter = folder::FilterSpec {
        names: Some(vec!["vms".to_owned()]),
        r#type: Some(folder::Type::VirtualMachine),
        datacenters: Some(vec!["datacenter-21".to_owned(), "datacenter-3".to_owned()]),
        ..folder::FilterSpec::default()
    };
    let folders = Folder::new(&client)
        .list()
        .filter(&filter)
        .send()
        .await
        .expect("listed");
    assert_eq!(folders[0].folder, "group-v22");
    assert_eq!(folders[0].r#type, folder::Type::VirtualMachine);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/vcenter/folder",
        &[
            ("names", "vms"),
            ("type", "VIRTUAL_MACHINE"),
            ("datacenters", "datacenter-21"),
            ("datacenters", "datacenter-3"),
        ],
        None,
    );
}

fn clone_spec() -> vm::CloneSpec {
    vm::CloneSpec {
        source: vm_42(),
        name: "web-02".to_owned(),
        placement: Some(vm::ClonePlacementSpec {
            folder: Some("group-v22".to_owned()),
            ..vm::ClonePlacementSpec::default()
        }),
        disks_to_remove: None,
        disks_to_update: Some(
            [(
                "2000".to_owned(),
                vm::DiskCloneSpec {
                    datastore: Some("datastore-13".to_owned()),
                },
            )]
            .into(),
        ),
        power_on: Some(false),
        guest_customization_spec: None,
    }
}

/// A server whose `POST /api/vcenter/vm` answers 202 with `task_id` and whose
/// `GET /api/cis/tasks/...` answers `polls` in turn (repeating the last);
/// returns the poll counter too.
async fn clone_task_server(
    task_id: &str,
    polls: Vec<serde_json::Value>,
) -> (MockServer, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/api/vcenter/vm$"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!(task_id)))
        .mount(&server)
        .await;
    let (responder, poll_count) = Sequence::new(
        polls
            .into_iter()
            .map(|info| ResponseTemplate::new(200).set_body_json(info))
            .collect(),
    );
    Mock::given(method("GET"))
        .and(path_regex("^/api/cis/tasks/"))
        .respond_with(responder)
        .mount(&server)
        .await;
    (server, poll_count)
}

const CLONE_TASK_ID: &str = "52b5a4f0-8a4f-4e0c-b6a7-5f3d7e9b1c2a:com.vmware.vcenter.VM";
/// `CLONE_TASK_ID` as a percent-encoded path segment.
const CLONE_TASK_PATH: &str =
    "/api/cis/tasks/52b5a4f0-8a4f-4e0c-b6a7-5f3d7e9b1c2a%3Acom.vmware.vcenter.VM";

/// The info of the clone task while it runs (40 of 100 done).
fn running_clone() -> serde_json::Value {
    json!({
        "service": "com.vmware.vcenter.VM", "operation": "clone", "status": "RUNNING",
        "cancelable": false, "description": {"id": "vm.clone", "default_message": "Clone", "args": []},
        "progress": {"total": 100, "completed": 40, "message": {"id": "p", "default_message": "copying", "args": []}}
    })
}

/// The info of the clone task once it succeeded, its `result` the new VM.
fn succeeded_clone() -> serde_json::Value {
    let mut succeeded = running_clone();
    succeeded["status"] = json!("SUCCEEDED");
    succeeded["result"] = json!("vm-77");
    succeeded
}

/// The clone request `clone_spec()` makes (`vcenter.json: POST
/// /api/vcenter/vm?action=clone&vmw-task=true`).
#[track_caller]
fn assert_clone_request(request: &wiremock::Request) {
    assert_request(
        request,
        "POST",
        "/api/vcenter/vm",
        &[("action", "clone"), ("vmw-task", "true")],
        Some(json!({
            "source": "vm-42",
            "name": "web-02",
            "placement": {"folder": "group-v22"},
            "disks_to_update": {"2000": {"datastore": "datastore-13"}},
            "power_on": false
        })),
    );
}

/// `vcenter.json: POST /api/vcenter/vm?action=clone&vmw-task=true`
/// (`clone$task`), body `$ref VcenterVMCloneSpec` whose `disks_to_update` is
/// a map (`additionalProperties`, a JSON object on `/api`), answer 202 with
/// the task identifier; then `cis.json: GET /api/cis/tasks/{task}` until the
/// task succeeds, its `result` being the new VM.
#[tokio::test]
async fn vm_clone_vm_task_starts_a_task_and_wait_with_polls_it() {
    let (server, poll_count) =
        clone_task_server(CLONE_TASK_ID, vec![running_clone(), succeeded_clone()]).await;
    let client = client_for(&server, Protocol::Auto);

    let task = Vm::new(&client)
        .clone_vm_task(&clone_spec())
        .await
        .expect("the clone task starts");
    assert_eq!(task.id(), &TaskId::from(CLONE_TASK_ID));
    assert_eq!(task.id().as_str(), CLONE_TASK_ID);
    assert_eq!(
        poll_count.load(Ordering::SeqCst),
        0,
        "starting a task does not poll it"
    );
    let options = TaskWaitOptions::default()
        .intervals(Duration::from_millis(5), Duration::from_millis(20))
        .timeout(Duration::from_secs(5));
    let new_vm: VirtualMachineId = task.wait_with(options).await.expect("the clone task succeeds");
    assert_eq!(new_vm, VirtualMachineId::from("vm-77"));
    assert_eq!(poll_count.load(Ordering::SeqCst), 2);

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_clone_request(&sent[0]);
    assert_request(&sent[1], "GET", CLONE_TASK_PATH, &[], None);
    assert_request(&sent[2], "GET", CLONE_TASK_PATH, &[], None);
}

/// `clone_vm_and_wait` is `clone_vm_task` followed by `wait()` with the
/// default options: the same requests, the typed result.
#[tokio::test]
async fn vm_clone_vm_and_wait_starts_the_task_and_waits_with_default_options() {
    let (server, poll_count) =
        clone_task_server(CLONE_TASK_ID, vec![running_clone(), succeeded_clone()]).await;
    let client = client_for(&server, Protocol::Auto);
    let new_vm = Vm::new(&client)
        .clone_vm_and_wait(&clone_spec())
        .await
        .expect("the clone task succeeds");
    assert_eq!(new_vm, VirtualMachineId::from("vm-77"));
    assert_eq!(poll_count.load(Ordering::SeqCst), 2);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_clone_request(&sent[0]);
    assert_request(&sent[1], "GET", CLONE_TASK_PATH, &[], None);
    assert_request(&sent[2], "GET", CLONE_TASK_PATH, &[], None);
}

/// `clone` without `$task` (`POST /api/vcenter/vm?action=clone`) answers the
/// new VM's identifier directly.
#[tokio::test]
async fn vm_clone_vm_without_task_answers_the_identifier() {
    let (server, client) = api_server(200, json!("vm-78")).await;
    let new_vm = Vm::new(&client)
        .clone_vm(&clone_spec())
        .await
        .expect("cloned");
    assert_eq!(new_vm, VirtualMachineId::from("vm-78"));
    let request = single_request(&server).await;
    assert_request(
        &request,
        "POST",
        "/api/vcenter/vm",
        &[("action", "clone")],
        Some(serde_json::to_value(clone_spec()).expect("the spec serializes")),
    );
}

/// `Task::status` looks at the task once (`GET /api/cis/tasks/{task}`) and
/// reads state and progress; `Task::cancel` is `POST
/// /api/cis/tasks/{task}?action=cancel` (`cis.json`).
#[tokio::test]
async fn task_status_reads_progress_and_cancel_posts_the_cancel_action() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex("^/api/vcenter/vm$"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!(CLONE_TASK_ID)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("^/api/cis/tasks/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(running_clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex("^/api/cis/tasks/"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto);
    let task = Vm::new(&client)
        .clone_vm_task(&clone_spec())
        .await
        .expect("the clone task starts");

    let status = task.status().await.expect("status");
    assert_eq!(status.state(), &TaskState::Running);
    assert!(!status.is_finished());
    assert!(status.error().is_none());
    let progress = status.progress().expect("progress is reported");
    assert_eq!((progress.total, progress.completed), (100, 40));
    assert_eq!(progress.message.as_deref(), Some("copying"));
    assert_eq!(progress.fraction(), Some(0.4));
    assert_eq!(status.info()["operation"], json!("clone"));

    task.cancel().await.expect("cancel is accepted");

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    assert_clone_request(&sent[0]);
    assert_request(&sent[1], "GET", CLONE_TASK_PATH, &[], None);
    assert_request(&sent[2], "POST", CLONE_TASK_PATH, &[("action", "cancel")], None);
}

/// A task that keeps running past the wait's timeout ends the wait with
/// `Error::TaskTimeout`, naming the task and the last state seen.
#[tokio::test]
async fn task_wait_with_gives_up_after_the_timeout() {
    let (server, poll_count) = clone_task_server(CLONE_TASK_ID, vec![running_clone()]).await;
    let client = client_for(&server, Protocol::Auto);
    let task = Vm::new(&client)
        .clone_vm_task(&clone_spec())
        .await
        .expect("the clone task starts");
    let error = task
        .wait_with(
            TaskWaitOptions::default()
                .intervals(Duration::from_millis(5), Duration::from_millis(10))
                .timeout(Duration::from_millis(100)),
        )
        .await
        .expect_err("the task never finishes");
    assert!(error.is_timeout(), "{error:?}");
    match &error {
        Error::TaskTimeout {
            task_id,
            last_status,
            ..
        } => {
            assert_eq!(task_id.as_str(), CLONE_TASK_ID);
            assert_eq!(last_status, "RUNNING");
        }
        other => panic!("expected Error::TaskTimeout, got {other:?}"),
    }
    assert_eq!(error.kind(), None, "not a server-reported error");
    assert!(poll_count.load(Ordering::SeqCst) >= 2, "polled until the timeout");
}

/// A task handle made from a stored identifier (`Task::new`) waits like one
/// returned by a `_task` method.
#[tokio::test]
async fn task_from_a_stored_identifier_waits_for_the_typed_result() {
    let (server, _) = clone_task_server(CLONE_TASK_ID, vec![succeeded_clone()]).await;
    let client = client_for(&server, Protocol::Auto);
    let task: vsphere_vapi::Task<VirtualMachineId> =
        vsphere_vapi::Task::new(&client, TaskId::from(CLONE_TASK_ID));
    assert_eq!(task.wait().await.expect("succeeded"), "vm-77");
    assert_request(&single_request(&server).await, "GET", CLONE_TASK_PATH, &[], None);
}

/// A failed task surfaces its error as a typed error.
#[tokio::test]
async fn vm_clone_task_reports_the_task_error() {
    let failed = json!({
        "service": "com.vmware.vcenter.VM", "operation": "clone", "status": "FAILED",
        "cancelable": false, "description": {"id": "vm.clone", "default_message": "Clone", "args": []},
        "error": {
            "error_type": "ALREADY_EXISTS",
            "messages": [{"id": "vm.exists", "default_message": "A VM named web-02 already exists.", "args": []}]
        }
    });
    let (server, _) = clone_task_server("task-9", vec![failed]).await;
    let client = client_for(&server, Protocol::Auto);
    let error = Vm::new(&client)
        .clone_vm_task(&clone_spec())
        .await
        .expect("the clone task starts")
        .wait_with(
            TaskWaitOptions::default()
                .intervals(Duration::from_millis(5), Duration::from_millis(5)),
        )
        .await
        .expect_err("the task failed");
    assert_eq!(error.kind(), Some(ErrorKind::AlreadyExists));
    assert_eq!(error.error_type(), Some("ALREADY_EXISTS"));
    match &error {
        Error::TaskFailed { task_id, error } => {
            assert_eq!(task_id, &TaskId::from("task-9"));
            assert_eq!(error.messages(), ["A VM named web-02 already exists."]);
        }
        other => panic!("expected Error::TaskFailed, got {other:?}"),
    }
    let standard = error.standard_error().expect("a standard error structure");
    assert_eq!(standard.messages[0].id, "vm.exists");
    assert_eq!(
        standard.messages[0].default_message,
        "A VM named web-02 already exists."
    );
    assert!(error.to_string().contains("task-9"), "{error}");
}

/// `clone_vm_and_wait` fails with the task's error the same way.
#[tokio::test]
async fn vm_clone_vm_and_wait_reports_the_task_error() {
    let failed = json!({
        "service": "com.vmware.vcenter.VM", "operation": "clone", "status": "FAILED",
        "cancelable": false, "description": {"id": "vm.clone", "default_message": "Clone", "args": []},
        "error": {"error_type": "RESOURCE_INACCESSIBLE", "messages": []}
    });
    let (server, _) = clone_task_server("task-10", vec![failed]).await;
    let client = client_for(&server, Protocol::Auto);
    let error = Vm::new(&client)
        .clone_vm_and_wait(&clone_spec())
        .await
        .expect_err("the task failed");
    assert!(error.is_kind(ErrorKind::ResourceInaccessible), "{error:?}");
    assert!(matches!(error, Error::TaskFailed { .. }), "{error:?}");
}

/// `esx.json: POST
/// /api/esx/settings/clusters/{cluster}/software/drafts/{draft}?action=commit&vmw-task=true`,
/// two path variables and `$ref EsxSettingsClustersSoftwareDraftsCommitSpec`
/// as the body; the `$task` variant answers 202 with the task identifier.
#[tokio::test]
async fn esx_software_draft_commit_task_returns_the_task_identifier() {
    let (server, client) = api_server(202, json!("52aa0f6e-ffee-4c1b-9d2e-3f4a5b6c7d8e")).await;
    let spec = drafts::CommitSpec {
        message: Some("baseline 9.1".to_owned()),
        orchestrator: None,
    };
    let task = Drafts::new(&client)
        .commit_task(
            &ClusterComputeResourceId::from("domain-c8"),
            &DraftId::from("17"),
            &spec,
        )
        .await
        .expect("task started");
    assert_eq!(task.id(), "52aa0f6e-ffee-4c1b-9d2e-3f4a5b6c7d8e");
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/esx/settings/clusters/domain-c8/software/drafts/17",
        &[("action", "commit"), ("vmw-task", "true")],
        Some(json!({"message": "baseline 9.1"})),
    );
}

/// `cis.json: GET /api/cis/tasks/{task}` with query `return_all` and
/// `exclude_result` (the `spec` structure flattened).
#[tokio::test]
async fn cis_tasks_get_flattens_the_get_spec() {
    let (server, client) = api_server(
        200,
        json!({
            "service": "com.vmware.vcenter.VM", "operation": "relocate", "status": "BLOCKED",
            "cancelable": true, "user": "VSPHERE.LOCAL\\Administrator",
            "description": {"id": "vm.relocate", "default_message": "Relocate", "args": []},
            "start_time": "2025-10-01T10:00:00.000Z"
        }),
    )
    .await;
    let spec = tasks::GetSpec {
        return_all: Some(true),
        exclude_result: Some(false),
    };
    let info = Tasks::new(&client)
        .get(&TaskId::from("task-17"))
        .spec(&spec)
        .send()
        .await
        .expect("task info");
    assert_eq!(info.status.tag(), task::Status::Blocked);
    assert!(info.cancelable);
    assert_eq!(info.user.as_deref(), Some("VSPHERE.LOCAL\\Administrator"));
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/cis/tasks/task-17",
        &[("return_all", "true"), ("exclude_result", "false")],
        None,
    );
}

/// `cis.json: POST /api/cis/tasks?action=list`, body `{"filter_spec",
/// "result_spec"}`, answer a map of task identifier to info
/// (`additionalProperties`: a JSON object on `/api`).
#[tokio::test]
async fn cis_tasks_list_reads_a_map_answer_from_an_object() {
    let info = json!({
        "service": "com.vmware.vcenter.VM", "operation": "clone", "status": "RUNNING",
        "cancelable": false, "description": {"id": "vm.clone", "default_message": "Clone", "args": []}
    });
    let (server, client) = api_server(200, json!({"task-1": info, "task-2": info})).await;
    let filter = tasks::FilterSpec {
        services: Some(vec!["com.vmware.vcenter.VM".to_owned()]),
        status: Some(vec![task::Status::Running]),
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
        ["task-1", "task-2"]
    );
    assert_eq!(listed["task-2"].status.tag(), task::Status::Running);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/cis/tasks",
        &[("action", "list")],
        Some(json!({
            "filter_spec": {"services": ["com.vmware.vcenter.VM"], "status": ["RUNNING"]},
            "result_spec": {"return_all": true}
        })),
    );
}

/// The session token of a logged-in client goes with every generated call.
#[tokio::test]
async fn generated_calls_carry_the_session_header() {
    let (server, client) = api_server_no_content().await;
    let client = client.with_session_token("5f2c9e1a-token");
    Power::new(&client).start(&vm_42()).await.expect("started");
    let request = single_request(&server).await;
    assert_eq!(
        header(&request, "vmware-api-session-id"),
        Some("5f2c9e1a-token")
    );
}

/// `content.json: GET /api/content/type` answers an array of
/// `ContentTypeInfo`. The service's types live in `content::r#type` (the
/// package `com.vmware.content.type`; `type` is a keyword).
#[tokio::test]
async fn content_type_list_decodes_into_the_raw_identifier_module() {
    let (server, client) = api_server(
        200,
        json!([{
            "description": "OVF packages",
            "name": "ovf-plugin",
            "type": "ovf",
            "vendor": "VMware",
            "version": "1.0"
        }]),
    )
    .await;
    let types: Vec<vsphere_vapi::content::r#type::Info> =
        vsphere_vapi::content::Type::new(&client)
            .list()
            .await
            .expect("listed");
    assert_eq!(types.len(), 1);
    assert_eq!(types[0].r#type, "ovf");
    assert_eq!(types[0].vendor, "VMware");
    assert_eq!(types[0].supported_rules, None);
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/content/type",
        &[],
        None,
    );
}
