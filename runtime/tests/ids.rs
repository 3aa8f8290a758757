//! `vapi_id!` used from another crate, as generated code does, under the
//! strictest lint settings generated code is built with.
#![deny(warnings, missing_docs)]

use vsphere_vapi_runtime::{ResourceId, TaskId};

vsphere_vapi_runtime::vapi_id! {
    /// Identifier of a `VirtualMachine` resource.
    pub struct VirtualMachineId = "VirtualMachine";
}

vsphere_vapi_runtime::vapi_id! {
    /// A private identifier: its unused helpers must not warn.
    struct HostId = "HostSystem";
}

vsphere_vapi_runtime::vapi_id! {
    /// Gated on a configuration this test never has.
    #[cfg(not(test))]
    #[cfg_attr(not(test), doc(alias = "ds"))]
    pub struct DatastoreId = "Datastore";
}

#[test]
fn typed_ids_from_another_crate() {
    let vm = VirtualMachineId::new("vm-42");
    assert_eq!(format!("{vm} {vm:?}"), r#"vm-42 VirtualMachineId("vm-42")"#);
    let json = serde_json::to_string(&vm).unwrap();
    assert_eq!(json, r#""vm-42""#);
    assert_eq!(serde_json::from_str::<VirtualMachineId>(&json).unwrap(), vm);
    let any = ResourceId::from(vm);
    assert_eq!(any, "vm-42");
    assert_eq!(HostId::from("host-1").as_str(), "host-1");
    assert_eq!(HostId::RESOURCE_TYPE, "HostSystem");
    assert_eq!(TaskId::RESOURCE_TYPE, "com.vmware.cis.task");
}

/// Would collide with the gated identifier if the gate did not also remove it
/// (and its impls).
#[allow(dead_code)]
struct DatastoreId;
