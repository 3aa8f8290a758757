// A bare string is not a virtual machine identifier: say which one it is.
use vsphere_vapi::Client;
use vsphere_vapi::vcenter::vm::Power;

async fn start(client: &Client) -> vsphere_vapi::Result<()> {
    Power::new(client).start("vm-42").await
}

fn main() {
    let _ = start;
}
