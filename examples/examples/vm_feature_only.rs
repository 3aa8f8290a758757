//! The `Vm` service with nothing but the `vcenter-vm` feature: list with a filter, get,
//! power on, clone and wait.
//!
//! ```text
//! export VSPHERE_SERVER=https://vcenter.example.com
//! export VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...'
//! cargo run -p vsphere-vapi-examples --no-default-features --features vcenter-vm \
//!     --example vm_feature_only -- web-01 web-01-copy
//! ```
//!
//! The first argument names the virtual machine to show and power on, the optional
//! second one the clone to make of it.

use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{CloneSpec, FilterSpec, Power, power};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let server =
        std::env::var("VSPHERE_SERVER").unwrap_or_else(|_| "https://vcenter.example.com".into());
    let user =
        std::env::var("VSPHERE_USER").unwrap_or_else(|_| "administrator@vsphere.local".into());
    let password = std::env::var("VSPHERE_PASSWORD").unwrap_or_default();
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "web-01".to_owned());
    let clone_name = args.next();

    let client = Client::builder(server).build()?;
    client.login(&user, password).await?;
    let outcome = run(&client, &name, clone_name.as_deref()).await;
    // Log out whatever happened; the work's error matters more.
    let logout = client.logout().await;
    outcome.and(logout)
}

async fn run(client: &Client, name: &str, clone_name: Option<&str>) -> Result<(), Error> {
    let vms = Vm::new(client);

    // GET /api/vcenter/vm?names={name}
    let filter = FilterSpec {
        names: Some(vec![name.to_owned()]),
        ..FilterSpec::default()
    };
    let listed = vms.list().filter(&filter).send().await?;
    let Some(summary) = listed.first() else {
        println!("no virtual machine is named {name}");
        return Ok(());
    };
    let id = summary.vm.clone();

    // GET /api/vcenter/vm/{vm}
    let info = vms.get(&id).await?;
    println!(
        "{} ({id}): {}, {} CPU(s), {} MiB, {}",
        info.name, info.guest_os, info.cpu.count, info.memory.size_mib, info.power_state
    );

    // POST /api/vcenter/vm/{vm}/power?action=start
    if info.power_state != power::State::PoweredOn {
        match Power::new(client).start(&id).await {
            Ok(()) => println!("{name} powered on"),
            Err(err) if err.is_kind(ErrorKind::AlreadyInDesiredState) => {
                println!("{name} was already powered on");
            }
            Err(err) => return Err(err),
        }
    }

    // POST /api/vcenter/vm?action=clone&vmw-task=true, then GET /api/cis/tasks/{task}
    if let Some(clone_name) = clone_name {
        let spec = CloneSpec {
            source: id.clone(),
            name: clone_name.to_owned(),
            placement: None,
            disks_to_remove: None,
            disks_to_update: None,
            power_on: Some(false),
            guest_customization_spec: None,
        };
        let new_vm = vms.clone_vm_and_wait(&spec).await?;
        println!("{clone_name} ({new_vm}) cloned from {name}");
    }
    Ok(())
}
