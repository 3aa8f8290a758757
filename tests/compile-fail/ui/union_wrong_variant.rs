// A union case field is reachable only from the variant of its case:
// `host_device` belongs to `HostDevice`, not to `StandardPortgroup`.
use vsphere_vapi::vcenter::vm::hardware::ethernet::{BackingInfo, BackingInfoType};

pub fn device(backing: &BackingInfo) -> Option<&str> {
    match &backing.r#type {
        BackingInfoType::StandardPortgroup { host_device, .. } => host_device.as_deref(),
        _ => None,
    }
}

fn main() {}
