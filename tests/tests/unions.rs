//! Union structures of the real crate: the tag and its case fields are one
//! enum in Rust and stay flat on the wire, on `/api` and `/rest` alike;
//! unknown tag values round-trip through the catch-all variant.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use vsphere_vapi::esx::settings::clusters::vms::{
    OvfResource, OvfResourceLocationType, OvfResourceSslCertificateValidation,
};
use vsphere_vapi::runtime::types::{to_api_value, to_rest_value};
use vsphere_vapi::vcenter::vm::hardware::ethernet::{
    BackingInfo, BackingInfoType, BackingType, CreateSpec, CreateSpecMacType, CreateSpecType,
};
use vsphere_vapi::vcenter::vm::power;

/// Decodes `wire` and checks both encodings give it back unchanged.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(wire: Value) -> T {
    let value: T = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(to_api_value(&value).expect("/api encoding"), wire);
    assert_eq!(to_rest_value(&value).expect("/rest encoding"), wire);
    let again: T =
        serde_json::from_str(&serde_json::to_string(&value).expect("text")).expect("text decodes");
    assert_eq!(again, value);
    value
}

#[test]
fn ethernet_backing_cases() {
    let info: BackingInfo = round_trip(json!({
        "type": "DISTRIBUTED_PORTGROUP",
        "network": "dvportgroup-12",
        "distributed_switch_uuid": "50 2f",
        "distributed_port": "7",
        "connection_cookie": 1234
    }));
    assert_eq!(
        info.r#type,
        BackingInfoType::DistributedPortgroup {
            network: Some("dvportgroup-12".to_owned()),
            distributed_switch_uuid: Some("50 2f".to_owned()),
            distributed_port: Some("7".to_owned()),
            connection_cookie: Some(1234),
        }
    );
    assert_eq!(info.r#type.tag(), BackingType::DistributedPortgroup);
    assert_eq!(info.r#type.as_str(), "DISTRIBUTED_PORTGROUP");

    let info: BackingInfo = round_trip(json!({"type": "HOST_DEVICE", "host_device": "vmnic0"}));
    assert_eq!(
        info.r#type,
        BackingInfoType::HostDevice {
            host_device: Some("vmnic0".to_owned())
        }
    );
    // Members of other cases are not carried by this one.
    let info: BackingInfo =
        serde_json::from_value(json!({"type": "HOST_DEVICE", "network_name": "VM Network"}))
            .expect("decodes");
    assert_eq!(
        info.r#type,
        BackingInfoType::HostDevice { host_device: None }
    );
}

#[test]
fn unknown_tag_values_keep_their_members() {
    let info: BackingInfo = round_trip(json!({
        "type": "NSX_SEGMENT", "network": "seg-1", "segment_path": "/infra/segments/a"
    }));
    match &info.r#type {
        BackingInfoType::Unknown { tag, fields } => {
            assert_eq!(tag, "NSX_SEGMENT");
            assert_eq!(fields.get("network"), Some(&json!("seg-1")));
            assert_eq!(
                fields.get("segment_path"),
                Some(&json!("/infra/segments/a"))
            );
        }
        other => panic!("expected the catch-all, got {other:?}"),
    }
    assert_eq!(info.r#type.tag(), BackingType::from("NSX_SEGMENT"));
}

#[test]
fn several_tags_on_one_structure() {
    let spec: CreateSpec = round_trip(json!({
        "type": "VMXNET3",
        "upt_compatibility_enabled": true,
        "mac_type": "MANUAL",
        "mac_address": "00:50:56:00:00:01",
        "start_connected": true
    }));
    assert_eq!(
        spec.r#type,
        Some(CreateSpecType::Vmxnet3 {
            upt_compatibility_enabled: Some(true),
            upt_v2_compatibility_enabled: None,
        })
    );
    assert_eq!(
        spec.mac_type,
        Some(CreateSpecMacType::Manual {
            mac_address: Some("00:50:56:00:00:01".to_owned())
        })
    );
    assert_eq!(spec.start_connected, Some(true));
    // Optional tags may be left out entirely.
    let empty: CreateSpec = round_trip(json!({}));
    assert_eq!(empty, CreateSpec::default());
}

#[test]
fn nested_unions() {
    let resource: OvfResource = round_trip(json!({
        "location_type": "REMOTE_FILE",
        "url": "https://depot/app.ovf",
        "ssl_certificate_validation": "ENABLED",
        "certificate": "-----BEGIN CERTIFICATE-----"
    }));
    match &resource.location_type {
        OvfResourceLocationType::RemoteFile {
            ssl_certificate_validation:
                Some(OvfResourceSslCertificateValidation::Enabled { certificate }),
            ..
        } => assert_eq!(certificate.as_deref(), Some("-----BEGIN CERTIFICATE-----")),
        other => panic!("expected a remote file with validation, got {other:?}"),
    }
}

#[test]
fn power_state_without_case_fields_is_a_unit_variant() {
    let info: power::Info = round_trip(json!({"state": "POWERED_ON"}));
    assert_eq!(info.state, power::InfoState::PoweredOn);
    let info: power::Info = round_trip(json!({"state": "POWERED_OFF", "clean_power_off": true}));
    assert_eq!(
        info.state,
        power::InfoState::PoweredOff {
            clean_power_off: Some(true)
        }
    );
    assert!(serde_json::from_value::<power::Info>(json!({})).is_err());
}
