// A disk identifier cannot start a virtual machine.
use vsphere_vapi::Client;
use vsphere_vapi::ids::DiskId;
use vsphere_vapi::vcenter::vm::Power;

async fn start(client: &Client) -> vsphere_vapi::Result<()> {
    let disk = DiskId::from("2000");
    Power::new(client).start(&disk).await
}

fn main() {
    let _ = start;
}
