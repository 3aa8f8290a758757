//! `vapi_enum!` used from another crate, as generated code does, under the
//! strictest lint settings generated code is built with.
#![deny(warnings, missing_docs)]

::vsphere_vapi_runtime::vapi_enum! {
    /// Power state of a virtual machine.
    pub enum PowerState {
        /// Powered off.
        PoweredOff = "POWERED_OFF",
        /// Powered on.
        #[doc(alias = "on")]
        PoweredOn = "POWERED_ON",
        /// Suspended.
        Suspended = "SUSPENDED",
        @unknown UnknownValue
    }
}

::vsphere_vapi_runtime::vapi_enum! {
    /// An enumeration whose metamodel lists no values.
    pub enum NoValues {
        @unknown Unknown
    }
}

vsphere_vapi_runtime::vapi_enum! {
    /// A private enumeration with a variant called `Unknown`, so the catch-all
    /// needs another name.
    enum Collides {
        /// A listed value named like the usual catch-all.
        Unknown = "UNKNOWN",
        @unknown Unrecognized,
    }
}

#[test]
fn wire_strings_round_trip() {
    for value in PowerState::KNOWN_VALUES {
        let json = serde_json::to_string(value).unwrap();
        assert_eq!(json, format!("\"{}\"", value.as_str()));
        let back: PowerState = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, value);
    }
    let newer: PowerState = serde_json::from_str("\"HIBERNATING\"").unwrap();
    assert!(newer.is_unknown());
    assert!(matches!(&newer, PowerState::UnknownValue(raw) if raw.as_str() == "HIBERNATING"));
    assert_eq!(newer.to_string(), "HIBERNATING");
    assert_eq!(serde_json::to_string(&newer).unwrap(), "\"HIBERNATING\"");
}

#[test]
fn known_values_never_parse_as_unknown() {
    let parsed: PowerState = "POWERED_ON".parse().unwrap();
    assert_eq!(parsed, PowerState::PoweredOn);
    assert!(!parsed.is_unknown());
    let from_json: PowerState = serde_json::from_str("\"POWERED_ON\"").unwrap();
    assert_eq!(from_json, PowerState::PoweredOn);
    // An unknown value survives a round trip through JSON unchanged.
    let newer: PowerState = serde_json::from_str("\"PAUSED\"").unwrap();
    let again: PowerState = serde_json::from_str(&serde_json::to_string(&newer).unwrap()).unwrap();
    assert_eq!(again, newer);
    assert_eq!(again.as_str(), "PAUSED");
}

#[test]
fn ordering_hashing_and_parsing() {
    use std::collections::BTreeSet;
    let set: BTreeSet<PowerState> = ["SUSPENDED", "POWERED_OFF", "X"]
        .into_iter()
        .map(PowerState::from)
        .collect();
    // Known values in declaration order, then the unknown ones.
    assert_eq!(
        set.into_iter().collect::<Vec<_>>(),
        vec![
            PowerState::PoweredOff,
            PowerState::Suspended,
            PowerState::from("X")
        ]
    );
    let parsed: Result<NoValues, std::convert::Infallible> = "ANY".parse();
    let parsed = parsed.unwrap();
    assert!(parsed.is_unknown());
    assert_eq!(parsed.to_string(), "ANY");
    assert_eq!(Collides::from("UNKNOWN"), Collides::Unknown);
    assert!(!Collides::Unknown.is_unknown());
    assert!(
        matches!(Collides::from("OTHER"), Collides::Unrecognized(raw) if raw.as_str() == "OTHER")
    );
}

#[test]
fn usable_in_serde_structs_and_maps() {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Info {
        state: PowerState,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<PowerState>,
    }
    let info: Info = serde_json::from_str(r#"{"state": "POWERED_ON"}"#).unwrap();
    assert_eq!(
        info,
        Info {
            state: PowerState::PoweredOn,
            previous: None
        }
    );
    let map: vsphere_vapi_runtime::types::VapiMap<PowerState, i64> =
        serde_json::from_str(r#"{"POWERED_ON": 3, "NEW": 1}"#).unwrap();
    assert_eq!(map.get(&PowerState::PoweredOn), Some(&3));
    assert_eq!(
        vsphere_vapi_runtime::types::to_rest_value(&map).unwrap(),
        serde_json::json!([{"key": "POWERED_ON", "value": 3}, {"key": "NEW", "value": 1}])
    );
}
