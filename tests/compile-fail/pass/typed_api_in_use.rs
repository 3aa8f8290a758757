// The same field read from its own case's variant compiles, typed
// identifiers convert where several resource types are accepted, and a
// service handle clones like any handle (no operation shadows `clone`).
use vsphere_vapi::ids::{DiskId, VirtualMachineId};
use vsphere_vapi::runtime::ResourceId;
use vsphere_vapi::vcenter::Vm;
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
        DiskId::from("2000").into(),
    ];
    assert_eq!(any[0].as_str(), "vm-42");
    let _ = device;

    let client = vsphere_vapi::Client::new("https://vc.example.com").expect("a valid URL");
    let vm = Vm::new(&client);
    let v2 = vm.clone();
    assert_eq!(v2.client().base_url(), "https://vc.example.com");
}
