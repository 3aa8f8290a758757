//! The README's minimal program: log in, list the powered-off VMs, optionally power one on.
//!
//! `VSPHERE_SERVER=https://vc.example.com VSPHERE_PASSWORD=… cargo run -p vsphere-vapi-examples --example quick_start [vm-id]`

use vsphere_vapi::Client;
use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::vcenter::{
    Vm,
    vm::{FilterSpec, Power, power},
};

#[tokio::main]
async fn main() -> Result<(), vsphere_vapi::Error> {
    let server =
        std::env::var("VSPHERE_SERVER").unwrap_or_else(|_| "https://vcenter.example.com".into());
    // TLS verification is on; add_root_certificate_pem / pin_certificate_sha256 trust
    // a vCenter's own CA or certificate.
    let client = Client::builder(server).build()?;
    let password = std::env::var("VSPHERE_PASSWORD").unwrap_or_default();
    client
        .login("administrator@vsphere.local", password)
        .await?;
    // GET /api/vcenter/vm?power_states=POWERED_OFF
    let filter = FilterSpec {
        power_states: Some(vec![power::State::PoweredOff]),
        ..FilterSpec::default()
    };
    for vm in Vm::new(&client).list().filter(&filter).send().await? {
        println!("{} {} {}", vm.vm, vm.name, vm.power_state);
    }
    if let Some(id) = std::env::args().nth(1) {
        // POST /api/vcenter/vm/{vm}/power?action=start
        Power::new(&client).start(&VirtualMachineId::from(id)).await?;
    }
    client.logout().await
}
