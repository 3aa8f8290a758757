// The same field read from its own case's variant compiles, and typed
// identifiers convert where several resource types are accepted.
use vsphere_vapi::ids::{DatastoreId, VirtualMachineId};
use vsphere_vapi::runtime::ResourceId;
use vsphere_vapi::vcenter::vm::hardware::ethernet::{BackingInfo, BackingInfoType};

pub fn device(backing: &BackingInfo) -> Option<&str> {
    match &backing.r#type {
        BackingInfoType::HostDevice { host_device } => host_device.as_deref(),
        _ => None,
    }
}

fn main() {
    let any: Vec<ResourceId> = vec![
        VirtualMachineId::from("vm-42").into(),
        DatastoreId::from("datastore-11").into(),
    ];
    assert_eq!(any[0].as_str(), "vm-42");
    let _ = device;
}
