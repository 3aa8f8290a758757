//! The typed surface of the generated client against an in-process HTTP
//! server: resource identifiers, request builders for optional parameters,
//! argument structures, `ErrorKind`/`ErrorExt` over `ServerError`, the HTTP
//! status fallback of error types, and open enumerations.
//!
//! Expected requests come from VMware's OpenAPI of vCenter 7.0.3
//! (`/work/shared/vsphere-openapi-7.0.3`, cited per test as `file: route`).
//! Operations newer than 7.0.3 cite the 9.1.1 metamodel snapshot the crate is
//! generated from (`metamodel-snapshots/vsphere-9.1.1.0`).

mod support_mock;

use serde_json::json;
use support_mock::{
    answering, answering_json, assert_request, client_for, header, rest_value, single_request,
};
use vsphere_vapi::ids::{
    CategoryId, DataSetId, DatastoreId, EntryId, FolderId, TagId, VirtualMachineId,
};
use vsphere_vapi::runtime::ResourceId;
use vsphere_vapi::vapi::standard::DynamicId;
use vsphere_vapi::vcenter::vm::data_sets::{Entries, entries};
use vsphere_vapi::vcenter::vm::storage::policy::{Compliance, compliance};
use vsphere_vapi::vcenter::vm::{self, Power, power};
use vsphere_vapi::vcenter::{Folder, Vm, folder};
use vsphere_vapi::{Error, ErrorExt, ErrorKind, Protocol};
use wiremock::ResponseTemplate;

// ---------------------------------------------------------------------------
// Typed identifiers
// ---------------------------------------------------------------------------

/// An identifier converts from `&str` and `String`, shows and serializes as
/// the bare string, and names its resource type.
#[test]
fn typed_identifiers_are_strings_on_the_wire() {
    let vm = VirtualMachineId::from("vm-42");
    assert_eq!(vm, VirtualMachineId::from("vm-42".to_owned()));
    assert_eq!(vm.as_str(), "vm-42");
    assert_eq!(vm.to_string(), "vm-42");
    assert_eq!(vm, "vm-42");
    assert_eq!(VirtualMachineId::RESOURCE_TYPE, "VirtualMachine");
    assert_eq!(DatastoreId::RESOURCE_TYPE, "Datastore");
    assert_eq!(
        serde_json::to_value(&vm).expect("serializes"),
        json!("vm-42")
    );
    let decoded: VirtualMachineId = serde_json::from_value(json!("vm-7")).expect("decodes");
    assert_eq!(decoded, "vm-7");
    assert!(
        serde_json::from_value::<VirtualMachineId>(json!(7)).is_err(),
        "an identifier is a JSON string"
    );
    let plain: String = vm.clone().into();
    assert_eq!(plain, "vm-42");
    // Every typed identifier converts into the runtime's `ResourceId`, which
    // positions accepting several resource types take.
    let any: ResourceId = vm.into();
    assert_eq!(any.as_str(), "vm-42");
    let folder: ResourceId = FolderId::from("group-v3").into();
    assert_eq!(folder, "group-v3");
}

/// A structure with a few required fields and many optional ones is one
/// expression: `new` takes the required ones, struct update syntax sets the
/// optional ones that matter.
#[test]
fn input_structures_build_from_their_required_fields() {
    let spec = vm::CreateSpec {
        name: Some("web-1".to_owned()),
        ..vm::CreateSpec::new("OTHER_LINUX_64")
    };
    assert_eq!(spec.guest_os.as_str(), "OTHER_LINUX_64");
    assert!(!spec.guest_os.is_unknown());
    assert_eq!(spec.placement, None);
    assert_eq!(
        serde_json::to_value(&spec).expect("serializes"),
        json!({"guest_OS": "OTHER_LINUX_64", "name": "web-1"})
    );
}

/// Results carry typed identifiers: a `vm::Summary` decodes its `vm` field
/// into a `VirtualMachineId`, usable directly as the next call's parameter.
#[tokio::test]
async fn listed_identifiers_feed_the_next_call() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/api/vcenter/vm"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"vm": "vm-9", "name": "db-01", "power_state": "POWERED_OFF"}
        ])))
        .mount(&server)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client_for(&server, Protocol::Auto);
    let listed = Vm::new(&client).list().send().await.expect("listed");
    let first: &VirtualMachineId = &listed[0].vm;
    assert_eq!(first, &VirtualMachineId::from("vm-9"));
    Power::new(&client).start(first).await.expect("started");
    let sent = support_mock::requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_request(&sent[0], "GET", "/api/vcenter/vm", &[], None);
    assert_request(
        &sent[1],
        "POST",
        "/api/vcenter/vm/vm-9/power",
        &[("action", "start")],
        None,
    );
}

/// A position accepting several resource types (`DynamicId.id`) takes a
/// `ResourceId`; the structure still travels as `{"type", "id"}`.
#[tokio::test]
async fn dynamic_id_takes_any_typed_identifier() {
    let server = answering(ResponseTemplate::new(204)).await;
    let client = client_for(&server, Protocol::Auto);
    let object = DynamicId {
        r#type: VirtualMachineId::RESOURCE_TYPE.to_owned(),
        id: VirtualMachineId::from("vm-42").into(),
    };
    vsphere_vapi::cis::tagging::TagAssociation::new(&client)
        .attach(&TagId::from("tag-1"), &object)
        .await
        .expect("attached");
    // cis.json: POST /api/cis/tagging/tag-association/{tag_id}?action=attach
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/cis/tagging/tag-association/tag-1",
        &[("action", "attach")],
        Some(json!({"object_id": {"type": "VirtualMachine", "id": "vm-42"}})),
    );
}

// ---------------------------------------------------------------------------
// Request builders and argument structures
// ---------------------------------------------------------------------------

/// `vcenter.json: GET /api/vcenter/folder`: each optional parameter set on
/// the builder goes out; the builder may be set up in steps.
#[tokio::test]
async fn request_builder_sets_optional_parameters_in_steps() {
    let (server, client) = {
        let server = answering_json(200, json!([])).await;
        let client = client_for(&server, Protocol::Auto);
        (server, client)
    };
    let filter = folder::FilterSpec {
        r#type: Some(folder::Type::Datastore),
        ..folder::FilterSpec::default()
    };
    let request = Folder::new(&client).list();
    let request = request.filter(&filter);
    let folders = request.send().await.expect("listed");
    assert!(folders.is_empty());
    assert_request(
        &single_request(&server).await,
        "GET",
        "/api/vcenter/folder",
        &[("type", "DATASTORE")],
        None,
    );
}

/// `vcenter.json: POST /api/vcenter/vm/{vm}/storage/policy/compliance?action=check`,
/// body `VcenterVmStoragePolicyComplianceCheck` = `$ref
/// VcenterVmStoragePolicyComplianceCheckSpec` (the optional spec is the
/// whole body). Set, the spec is the body.
#[tokio::test]
async fn optional_whole_body_parameter_when_set_is_the_body() {
    let server = answering_json(200, json!({"overall_compliance": "COMPLIANT", "disks": {}})).await;
    let client = client_for(&server, Protocol::Auto);
    let spec = compliance::CheckSpec {
        vm_home: true,
        disks: Some(vec!["2000".to_owned()]),
    };
    let info = Compliance::new(&client)
        .check(&VirtualMachineId::from("vm-42"))
        .check_spec(&spec)
        .send()
        .await
        .expect("checked")
        .expect("the VM has a storage policy");
    assert_eq!(info.overall_compliance, compliance::Status::Compliant);
    assert!(info.disks.is_empty());
    assert_request(
        &single_request(&server).await,
        "POST",
        "/api/vcenter/vm/vm-42/storage/policy/compliance",
        &[("action", "check")],
        Some(json!({"vm_home": true, "disks": ["2000"]})),
    );
}

/// The same operation without the spec: on `/api` an unset optional
/// whole-body parameter is sent as JSON `null` with a JSON content type. An
/// unset result (`null`) decodes as `None`.
#[tokio::test]
async fn optional_whole_body_parameter_when_unset_is_json_null() {
    let server = answering_json(200, json!(null)).await;
    let client = client_for(&server, Protocol::Auto);
    let info = Compliance::new(&client)
        .check(&VirtualMachineId::from("vm-42"))
        .send()
        .await
        .expect("checked");
    assert_eq!(info, None);
    let request = single_request(&server).await;
    assert_eq!(request.body, b"null", "the body is the JSON literal null");
    assert_request(
        &request,
        "POST",
        "/api/vcenter/vm/vm-42/storage/policy/compliance",
        &[("action", "check")],
        Some(json!(null)),
    );
}

/// Over `/rest` the unset spec is simply absent from the wrapping object
/// (`vcenter.json: POST /rest/vcenter/vm/{vm}/storage/policy/compliance?action=check`,
/// body `{"check_spec": ...}`).
#[tokio::test]
async fn optional_whole_body_parameter_over_rest_is_left_out() {
    let server = answering(rest_value(json!(null))).await;
    let client = client_for(&server, Protocol::Rest);
    let info = Compliance::new(&client)
        .check(&VirtualMachineId::from("vm-42"))
        .send()
        .await
        .expect("checked");
    assert_eq!(info, None);
    assert_request(
        &single_request(&server).await,
        "POST",
        "/rest/vcenter/vm/vm-42/storage/policy/compliance",
        &[("action", "check")],
        Some(json!({})),
    );
}

/// More than three required parameters come as one argument structure:
/// `Entries::set(&SetArgs {vm, data_set, key, value})`. The 9.1.1 snapshot
/// routes it as `PUT /api/vcenter/vm/{vm}/data-sets/{dataSet}/entries/{key}`
/// with the value as the whole body (data sets are newer than 7.0.3).
#[tokio::test]
async fn argument_structure_fills_path_and_body() {
    let server = answering(ResponseTemplate::new(204)).await;
    let client = client_for(&server, Protocol::Auto);
    let args = entries::SetArgs {
        vm: VirtualMachineId::from("vm-42"),
        data_set: DataSetId::from("ds-1"),
        key: EntryId::from("build/number"),
        value: "1234".to_owned(),
    };
    Entries::new(&client).set(&args).await.expect("set");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "PUT",
        "/api/vcenter/vm/vm-42/data-sets/ds-1/entries/build%2Fnumber",
        &[],
        Some(json!("1234")),
    );
}

// ---------------------------------------------------------------------------
// Errors: ErrorKind, ErrorExt, ServerError, status fallback
// ---------------------------------------------------------------------------

async fn power_get_error(response: ResponseTemplate, protocol: Protocol) -> Error {
    let server = answering(response).await;
    let client = client_for(&server, protocol);
    Power::new(&client)
        .get(&VirtualMachineId::from("vm-42"))
        .await
        .expect_err("an error answer")
}

/// An error answer without an error body gets the error type VMware's REST
/// handler assigns to the status (`vmware/vapi/rest/lib.py`,
/// `http_to_vapi_error_map`), so `kind()` is meaningful for proxies' and
/// load balancers' answers too.
#[tokio::test]
async fn status_without_an_error_body_maps_like_the_rest_handler() {
    let cases = [
        (400, ErrorKind::InvalidRequest, "INVALID_REQUEST"),
        (401, ErrorKind::Unauthenticated, "UNAUTHENTICATED"),
        (403, ErrorKind::Unauthorized, "UNAUTHORIZED"),
        (404, ErrorKind::NotFound, "NOT_FOUND"),
        (408, ErrorKind::TimedOut, "TIMED_OUT"),
        (409, ErrorKind::ConcurrentChange, "CONCURRENT_CHANGE"),
        (423, ErrorKind::ResourceBusy, "RESOURCE_BUSY"),
        (429, ErrorKind::ServiceUnavailable, "SERVICE_UNAVAILABLE"),
        (500, ErrorKind::InternalServerError, "INTERNAL_SERVER_ERROR"),
        (502, ErrorKind::Error, "ERROR"),
        (503, ErrorKind::ServiceUnavailable, "SERVICE_UNAVAILABLE"),
        (504, ErrorKind::TimedOut, "TIMED_OUT"),
    ];
    for (status, kind, error_type) in cases {
        // 401 would make a logged-in client log in again; this one has no
        // credentials, so it is an error like any other.
        let error = power_get_error(ResponseTemplate::new(status), Protocol::Auto).await;
        assert_eq!(error.status(), Some(status), "{error:?}");
        assert_eq!(error.error_type(), Some(error_type), "HTTP {status}");
        assert_eq!(error.kind(), Some(kind.clone()), "HTTP {status}");
        assert!(error.is_kind(kind.clone()), "HTTP {status}");
        let standard = error.standard_error().expect("the status's standard error");
        assert_eq!(standard.error_type, Some(kind), "HTTP {status}");
        assert!(standard.messages.is_empty(), "HTTP {status}");
        let text = error.to_string();
        assert!(
            text.contains(error_type) && text.contains(&status.to_string()),
            "the message names type and status: {text}"
        );
    }
}

/// A JSON answer that is not an error structure becomes the `data` of the
/// status's standard error.
#[tokio::test]
async fn json_body_that_is_no_error_structure_becomes_data() {
    let error = power_get_error(
        ResponseTemplate::new(409).set_body_json(json!({"reason": "locked by another session"})),
        Protocol::Auto,
    )
    .await;
    assert_eq!(error.kind(), Some(ErrorKind::ConcurrentChange));
    let standard = error.standard_error().expect("a standard error");
    assert_eq!(
        standard.data,
        Some(json!({"reason": "locked by another session"}))
    );
    assert_eq!(error.server_error().and_then(|e| e.excerpt()), None);
}

/// The body's own error type wins over the status (VMware answers many
/// errors with 400 or 500).
#[tokio::test]
async fn error_body_type_wins_over_the_status() {
    let error = power_get_error(
        ResponseTemplate::new(500).set_body_json(json!({
            "error_type": "RESOURCE_INACCESSIBLE",
            "messages": [{"id": "vm.inaccessible", "default_message": "The VM's files are not accessible.", "args": []}]
        })),
        Protocol::Auto,
    )
    .await;
    assert_eq!(error.status(), Some(500));
    assert_eq!(error.kind(), Some(ErrorKind::ResourceInaccessible));
    assert!(!error.is_kind(ErrorKind::InternalServerError));
    assert_eq!(
        error.server_error().map(|e| e.messages()),
        Some(vec!["The VM's files are not accessible.".to_owned()])
    );
}

/// `/rest` error bodies (`{"type": <error id>, "value": {...}}`) give the same
/// kind and typed structure as `/api` ones.
#[tokio::test]
async fn rest_error_bodies_give_the_same_kind() {
    let error = power_get_error(
        ResponseTemplate::new(404).set_body_json(json!({
            "type": "com.vmware.vapi.std.errors.not_found",
            "value": {"messages": [{"id": "vm.missing", "default_message": "No VM vm-42.", "args": ["vm-42"]}]}
        })),
        Protocol::Rest,
    )
    .await;
    assert_eq!(error.kind(), Some(ErrorKind::NotFound));
    assert_eq!(error.error_type(), Some("NOT_FOUND"));
    let standard = error.standard_error().expect("a standard error");
    assert_eq!(standard.error_type, Some(ErrorKind::NotFound));
    assert_eq!(standard.messages[0].id, "vm.missing");
    assert_eq!(standard.messages[0].args, ["vm-42"]);
}

/// An error type this crate does not know (a newer server's, or a
/// service-specific error) is the catch-all of `ErrorKind`, keeping the wire
/// string; `error_type()` has it too.
#[tokio::test]
async fn unknown_error_type_is_the_catch_all() {
    let error = power_get_error(
        ResponseTemplate::new(400).set_body_json(json!({
            "error_type": "VM_QUARANTINED",
            "messages": []
        })),
        Protocol::Auto,
    )
    .await;
    assert_eq!(error.error_type(), Some("VM_QUARANTINED"));
    let kind = error.kind().expect("a server-reported error has a kind");
    assert!(kind.is_unknown(), "{kind:?}");
    assert_eq!(kind.as_str(), "VM_QUARANTINED");
    assert!(!error.is_kind(ErrorKind::InvalidRequest));
    assert!(matches!(kind, ErrorKind::Unknown(_)));
}

/// Failures that never reached the server have no kind and no server error.
#[tokio::test]
async fn transport_failures_have_no_kind() {
    // Port 9 (discard) on localhost: nothing listens there in the test
    // environment, so the connection is refused.
    let client = vsphere_vapi::Client::builder("http://127.0.0.1:9")
        .build()
        .expect("client");
    let error = Power::new(&client)
        .get(&VirtualMachineId::from("vm-42"))
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(error, Error::Transport { .. } | Error::Timeout { .. }),
        "{error:?}"
    );
    assert_eq!(error.kind(), None);
    assert_eq!(error.error_type(), None);
    assert!(error.server_error().is_none());
    assert!(error.standard_error().is_none());
    assert!(!error.is_kind(ErrorKind::ServiceUnavailable));
}

/// `ErrorKind` is the generated enumeration of the standard error types:
/// each known wire string parses to its own variant and back.
#[test]
fn error_kind_covers_the_standard_error_types() {
    for (wire, kind) in [
        ("ALREADY_EXISTS", ErrorKind::AlreadyExists),
        ("ALREADY_IN_DESIRED_STATE", ErrorKind::AlreadyInDesiredState),
        ("CANCELED", ErrorKind::Canceled),
        ("CONCURRENT_CHANGE", ErrorKind::ConcurrentChange),
        ("ERROR", ErrorKind::Error),
        ("INVALID_ARGUMENT", ErrorKind::InvalidArgument),
        ("INVALID_REQUEST", ErrorKind::InvalidRequest),
        (
            "NOT_ALLOWED_IN_CURRENT_STATE",
            ErrorKind::NotAllowedInCurrentState,
        ),
        ("NOT_FOUND", ErrorKind::NotFound),
        ("SERVICE_UNAVAILABLE", ErrorKind::ServiceUnavailable),
        ("TIMED_OUT", ErrorKind::TimedOut),
        ("UNAUTHENTICATED", ErrorKind::Unauthenticated),
        ("UNAUTHORIZED", ErrorKind::Unauthorized),
        ("UNSUPPORTED", ErrorKind::Unsupported),
    ] {
        assert_eq!(wire.parse::<ErrorKind>(), Ok(kind.clone()));
        assert_eq!(kind.as_str(), wire);
        assert!(!kind.is_unknown());
        assert!(ErrorKind::KNOWN_VALUES.contains(&kind), "{wire}");
    }
}

// ---------------------------------------------------------------------------
// Open enumerations
// ---------------------------------------------------------------------------

/// Every enumeration has `as_str` and an infallible `FromStr`; a known wire
/// string never parses into the catch-all, an unknown one keeps its text.
#[test]
fn enumerations_parse_infallibly_and_keep_unknown_values() {
    for state in power::State::KNOWN_VALUES {
        let parsed: power::State = state
            .as_str()
            .parse()
            .unwrap_or_else(|never| match never {});
        assert_eq!(&parsed, state);
        assert!(!parsed.is_unknown());
    }
    let newer: power::State = "HIBERNATED".parse().unwrap_or_else(|never| match never {});
    assert!(newer.is_unknown());
    assert_eq!(newer.as_str(), "HIBERNATED");
    assert_eq!(format!("{newer:?}"), r#"Unknown("HIBERNATED")"#);
    match &newer {
        power::State::Unknown(raw) => assert_eq!(raw.as_str(), "HIBERNATED"),
        other => panic!("expected the catch-all, got {other:?}"),
    }
    assert_eq!(
        serde_json::to_value(&newer).expect("serializes"),
        json!("HIBERNATED")
    );
    // Case matters on the wire.
    assert!(power::State::from("powered_on").is_unknown());
    assert_eq!(power::State::from("POWERED_ON"), power::State::PoweredOn);
}

/// A filter built from a typed identifier list and enumerations goes out as
/// repeated query parameters (`vcenter.json: GET /api/vcenter/vm`, `vms` and
/// `power_states` with `collectionFormat: multi`).
#[tokio::test]
async fn filter_with_identifiers_and_states() {
    let server = answering_json(200, json!([])).await;
    let client = client_for(&server, Protocol::Auto);
    let ids = [
        VirtualMachineId::from("vm-1"),
        VirtualMachineId::from("vm-2"),
    ];
    let filter = vm::FilterSpec {
        vms: Some(ids.iter().map(|id| id.to_string()).collect()),
        power_states: Some(vec![power::State::PoweredOn, power::State::Suspended]),
        ..vm::FilterSpec::default()
    };
    Vm::new(&client)
        .list()
        .filter(&filter)
        .send()
        .await
        .expect("listed");
    let request = single_request(&server).await;
    assert_request(
        &request,
        "GET",
        "/api/vcenter/vm",
        &[
            ("vms", "vm-1"),
            ("vms", "vm-2"),
            ("power_states", "POWERED_ON"),
            ("power_states", "SUSPENDED"),
        ],
        None,
    );
    assert_eq!(header(&request, "content-type"), None);
}

/// Category identifiers are typed in results (`CategoryModel.id`) and in
/// parameters; the value is the server's string unchanged.
#[tokio::test]
async fn typed_identifiers_in_results_round_trip() {
    let id = "urn:vmomi:InventoryServiceCategory:0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8:GLOBAL";
    let server = answering_json(
        200,
        json!({
            "id": id, "name": "env", "description": "", "cardinality": "SINGLE",
            "associable_types": [], "used_by": []
        }),
    )
    .await;
    let client = client_for(&server, Protocol::Auto);
    let model = vsphere_vapi::cis::tagging::Category::new(&client)
        .get(&CategoryId::from(id))
        .await
        .expect("category");
    assert_eq!(model.id, CategoryId::from(id));
    assert_eq!(
        serde_json::to_value(&model).expect("serializes")["id"],
        json!(id)
    );
}

// ---------------------------------------------------------------------------
// Futures
// ---------------------------------------------------------------------------

fn assert_send<T: Send + 'static>(_: &T) {}
fn assert_send_borrowing<T: Send>(_: &T) {}

/// Operation methods return the runtime's future, not an `async fn`'s: it
/// is `Send` (so it can be spawned), and it owns everything it needs once
/// the call is built, so it outlives the handle and the arguments.
#[tokio::test]
async fn operation_futures_are_send_and_own_their_request() {
    let server = answering_json(200, json!([])).await;
    let client = client_for(&server, Protocol::Api);
    let future = {
        let vm = Vm::new(&client);
        let filter = vm::FilterSpec::default();
        let future = vm.list().filter(&filter).send();
        assert_send_borrowing(&future);
        future
    };
    assert_send(&future);
    let listed = tokio::spawn(future).await.expect("the task runs").expect("the call");
    assert!(listed.is_empty());
    let power = Power::new(&client);
    let vm_id = VirtualMachineId::from("vm-42");
    assert_send_borrowing(&power.get(&vm_id));
    assert_send_borrowing(
        &Vm::new(&client).relocate_and_wait(&vm_id, &vm::RelocateSpec::default()),
    );
}
