//! Required members a response leaves out, decoded by the real crate's types
//! (no server): zeros where the type has one, at every depth and inside union
//! variants, each omission recorded in `de::omitted_fields`; decode errors
//! naming the field where it has none.

use serde_json::json;
use vsphere_vapi::appliance::networking::proxy::{ServerStatus, TestResult};
use vsphere_vapi::cis::tagging::CategoryModel;
use vsphere_vapi::content::library::item::TransferStatus;
use vsphere_vapi::content::library::item::updatesession::file;
use vsphere_vapi::runtime::de::omitted_fields;
use vsphere_vapi::vapi::standard::LocalizableMessage;
use vsphere_vapi::vcenter::ovf::OvfErrorCategory;
use vsphere_vapi::vcenter::ovf::library_item::DeploymentResult;

fn assert_omitted(pairs: &[(&str, &str)]) {
    let omitted = omitted_fields();
    for pair in pairs {
        assert!(omitted.contains(pair), "{pair:?} not in {omitted:?}");
    }
}

fn empty_message() -> LocalizableMessage {
    LocalizableMessage {
        id: String::new(),
        default_message: String::new(),
        args: Vec::new(),
        params: None,
        localized: None,
    }
}

#[test]
fn upload_file_without_bytes_transferred() {
    // What govmomi's simulator answers to `File.add` (omitempty drops the 0).
    let info: file::Info = serde_json::from_value(json!({
        "name": "disk.vmdk",
        "source_type": "PUSH",
        "status": "WAITING_FOR_TRANSFER",
        "upload_endpoint": {"uri": "https://vcsim/upload/disk.vmdk"}
    }))
    .expect("decodes");
    assert_eq!(info.bytes_transferred, 0);
    assert_eq!(info.status, TransferStatus::WaitingForTransfer);
    assert!(matches!(
        info.source_type,
        file::InfoSourceType::Push {
            upload_endpoint: Some(_)
        }
    ));
    assert_omitted(&[(
        "content::library::item::updatesession::file::Info",
        "bytes_transferred",
    )]);
}

#[test]
fn deploy_result_zeros_down_to_union_variants() {
    let result: DeploymentResult = serde_json::from_value(json!({
        "error": {"errors": [
            {"category": "INPUT", "name": "spec", "message": {"args": []}},
            {"category": "SERVER", "error": {"messages": [{"default_message": "no .ovf"}]}}
        ]}
    }))
    .expect("decodes");
    assert!(!result.succeeded);
    let info = result.error.expect("error");
    assert!(info.warnings.is_empty() && info.information.is_empty());
    assert_eq!(
        info.errors[0].category,
        OvfErrorCategory::Input {
            name: Some("spec".to_owned()),
            value: None,
            message: Some(empty_message()),
        }
    );
    assert_omitted(&[
        ("vcenter::ovf::library_item::DeploymentResult", "succeeded"),
        ("vcenter::ovf::library_item::ResultInfo", "warnings"),
        ("vcenter::ovf::library_item::ResultInfo", "information"),
        ("vapi::standard::LocalizableMessage", "id"),
        ("vapi::standard::LocalizableMessage", "default_message"),
    ]);
}

#[test]
fn a_missing_structure_is_its_zero() {
    let result: TestResult =
        serde_json::from_value(json!({"status": "SERVER_REACHABLE"})).expect("decodes");
    assert_eq!(result.status, ServerStatus::ServerReachable);
    assert_eq!(result.message, empty_message());
    assert_omitted(&[("appliance::networking::proxy::TestResult", "message")]);
}

#[test]
fn members_without_a_zero_stay_errors() {
    let error = serde_json::from_value::<file::Info>(json!({
        "name": "disk.vmdk", "source_type": "NONE", "bytes_transferred": 0
    }))
    .unwrap_err();
    assert!(
        error.to_string().contains("missing field `status`"),
        "{error}"
    );
    let error = serde_json::from_value::<file::Info>(json!({
        "name": "disk.vmdk", "status": "READY"
    }))
    .unwrap_err();
    assert!(
        error.to_string().contains("missing field `source_type`"),
        "{error}"
    );
    let error = serde_json::from_value::<TestResult>(json!({"message": {}})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `status`"),
        "{error}"
    );
    let error = serde_json::from_value::<CategoryModel>(json!({
        "name": "c", "cardinality": "SINGLE"
    }))
    .unwrap_err();
    assert!(error.to_string().contains("missing field `id`"), "{error}");
    // `null` is not an omission: only collections read it as empty.
    let error = serde_json::from_value::<DeploymentResult>(json!({"succeeded": null})).unwrap_err();
    assert!(error.to_string().contains("invalid type: null"), "{error}");
}
