// A datastore identifier cannot start a virtual machine.
use vsphere_vapi::Client;
use vsphere_vapi::ids::DatastoreId;
use vsphere_vapi::vcenter::vm::Power;

async fn start(client: &Client) -> vsphere_vapi::Result<()> {
    let datastore = DatastoreId::from("datastore-11");
    Power::new(client).start(&datastore).await
}

fn main() {
    let _ = start;
}
