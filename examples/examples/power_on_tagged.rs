//! Powers on every powered-off virtual machine carrying a tag, optionally relocating
//! each one to a cluster, host or resource pool first (waiting for the relocate task).
//!
//! ```text
//! export VSPHERE_SERVER=vcenter.example.com
//! export VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...'
//! cargo run -p vsphere-vapi-examples --example power_on_tagged -- web-tier
//! cargo run -p vsphere-vapi-examples --example power_on_tagged -- web-tier --cluster domain-c8
//! ```
//!
//! The work is `vsphere_vapi_examples::power_on_tagged`, whose tests run it against the
//! mock server (`examples/tests/power_on_tagged.rs`).

use std::process::ExitCode;

use vsphere_vapi::Client;
use vsphere_vapi::vcenter::vm::RelocatePlacementSpec;
use vsphere_vapi_examples::power_on_tagged::power_on_tagged;

const USAGE: &str = "\
Usage: power_on_tagged TAG [--cluster ID | --host ID | --resource-pool ID]

Powers on every powered-off virtual machine carrying a tag named TAG; with a
placement, each one is relocated there first.

Environment: VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD (never printed).";

fn parse(args: &[String]) -> Option<(String, Option<RelocatePlacementSpec>)> {
    match args {
        [tag] => Some((tag.clone(), None)),
        [tag, flag, id] => {
            let mut placement = RelocatePlacementSpec::default();
            match flag.as_str() {
                "--cluster" => placement.cluster = Some(id.clone()),
                "--host" => placement.host = Some(id.clone()),
                "--resource-pool" => placement.resource_pool = Some(id.clone()),
                _ => return None,
            }
            Some((tag.clone(), Some(placement)))
        }
        _ => None,
    }
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

async fn run(tag: &str, placement: Option<&RelocatePlacementSpec>) -> Result<bool, String> {
    let client = Client::builder(env("VSPHERE_SERVER")?)
        .build()
        .map_err(|err| err.to_string())?;
    client
        .login(&env("VSPHERE_USER")?, env("VSPHERE_PASSWORD")?)
        .await
        .map_err(|err| format!("logging in failed: {err}"))?;
    let outcome = power_on_tagged(&client, tag, placement).await;
    // Log out whatever happened; the work's error matters more.
    let logout = client.logout().await;
    let report = outcome.map_err(|err| err.to_string())?;
    logout.map_err(|err| format!("logging out failed: {err}"))?;
    for vm in &report.started {
        println!("started    {vm}");
    }
    for vm in &report.already_running {
        println!("running    {vm} (started by someone else)");
    }
    for vm in &report.vanished {
        println!("vanished   {vm}");
    }
    for (vm, error) in &report.failed {
        println!("failed     {vm}: {error}");
    }
    Ok(report.failed.is_empty())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((tag, placement)) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(&tag, placement.as_ref()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
