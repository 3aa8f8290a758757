//! Copies a file into a running virtual machine's guest, or out of it, through
//! `vcenter.vm.guest.filesystem.transfers` (VMware Tools must be running).
//!
//! ```text
//! export VSPHERE_SERVER=vcenter.example.com VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...' GUEST_USER=root GUEST_PASSWORD='...'
//! export ESX_THUMBPRINT='AB:CD:...'     # SHA-256 of the ESXi host's certificate
//! cargo run -p vsphere-vapi-examples --example guest_copy -- vm-42 to app.conf /etc/app.conf
//! cargo run -p vsphere-vapi-examples --example guest_copy -- vm-42 from /var/log/app.log app.log
//! ```
//!
//! The file travels between this machine and the ESXi host running the VM, which serves
//! it with its own certificate: `ESX_THUMBPRINT` (or `ESX_CA_CERT`, a PEM file) says how
//! to trust it; without either, the host must have a certificate the client already
//! trusts (issued by the vCenter CA given in `VSPHERE_CA_CERT`, say). Passwords are read
//! from the environment only.

use std::env;
use std::process::ExitCode;

use vsphere_vapi::Client;
use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::runtime::transfer::{ChecksumAlgorithm, HostTrust};
use vsphere_vapi::runtime::types::Secret;
use vsphere_vapi::vcenter::vm::guest::{Credentials, CredentialsType};
use vsphere_vapi_workflows::guest::GuestFiles;

const USAGE: &str = "\
Usage: guest_copy VM_ID to LOCAL_FILE GUEST_PATH
       guest_copy VM_ID from GUEST_PATH LOCAL_FILE

Environment: VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD, GUEST_USER,
GUEST_PASSWORD (required); VSPHERE_CA_CERT or VSPHERE_THUMBPRINT to trust vCenter;
ESX_CA_CERT or ESX_THUMBPRINT to trust the ESXi host.";

fn variable(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("{name} is not set\n\n{USAGE}"))
}

fn connect() -> Result<Client, String> {
    let mut builder = Client::builder(variable("VSPHERE_SERVER")?);
    if let Ok(path) = env::var("VSPHERE_CA_CERT") {
        let pem = std::fs::read(&path).map_err(|err| format!("reading {path}: {err}"))?;
        builder = builder.add_root_certificate_pem(pem);
    }
    if let Ok(thumbprint) = env::var("VSPHERE_THUMBPRINT") {
        builder = builder.pin_certificate_sha256(thumbprint);
    }
    builder.build().map_err(|err| err.to_string())
}

fn host_trust() -> Result<HostTrust, String> {
    if let Ok(thumbprint) = env::var("ESX_THUMBPRINT") {
        return Ok(HostTrust::Sha256Thumbprint(thumbprint));
    }
    if let Ok(path) = env::var("ESX_CA_CERT") {
        let pem = std::fs::read(&path).map_err(|err| format!("reading {path}: {err}"))?;
        return Ok(HostTrust::CertificatePem(pem));
    }
    Ok(HostTrust::Client)
}

async fn run(client: &Client, args: &[String]) -> Result<(), String> {
    let [vm, direction, from, to] = args else {
        return Err(USAGE.to_owned());
    };
    let credentials = Credentials {
        interactive_session: false,
        r#type: CredentialsType::UsernamePassword {
            user_name: Some(variable("GUEST_USER")?),
            password: Some(Secret::new(variable("GUEST_PASSWORD")?)),
        },
    };
    let guest = GuestFiles::new(client, &VirtualMachineId::from(vm.as_str()), credentials)
        .trust_host(host_trust()?);
    let summary = match direction.as_str() {
        "to" => guest.upload_file(from, to, true).await,
        "from" => guest.download_to_file(from, to).await,
        _ => return Err(USAGE.to_owned()),
    }
    .map_err(|err| format!("copying {from} to {to}: {err}"))?;
    println!(
        "copied {} bytes, sha256 {}",
        summary.bytes(),
        summary.checksum(ChecksumAlgorithm::Sha256).unwrap_or("-")
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    if args
        .first()
        .is_some_and(|arg| arg == "-h" || arg == "--help")
    {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let client = match connect() {
        Ok(client) => client,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let user = env::var("VSPHERE_USER").unwrap_or_default();
    let password = env::var("VSPHERE_PASSWORD").unwrap_or_default();
    if let Err(err) = client.login(&user, password).await {
        eprintln!("login failed: {err}");
        return ExitCode::FAILURE;
    }
    let outcome = run(&client, &args).await;
    if let Err(err) = client.close().await {
        eprintln!("logout failed: {err}");
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
