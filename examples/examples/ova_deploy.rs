//! Uploads an OVA archive (or an OVF descriptor with its files) into a content library
//! as a new `ovf` item, then deploys a virtual machine from it.
//!
//! ```text
//! export VSPHERE_SERVER=vcenter.example.com
//! export VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...'
//! cargo run -p vsphere-vapi-examples --example ova_deploy -- \
//!     --library Templates --package photon-5.ova --pool resgroup-9 --name photon-01
//! ```
//!
//! The upload streams each file (an OVA's members straight from the archive) with
//! progress on standard error; when it fails, or is interrupted, the update session and
//! the half-filled item are removed again. The password is read from the environment only.

use std::env;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use vsphere_vapi::Client;
use vsphere_vapi::content::Library;
use vsphere_vapi::content::library::FindSpec;
use vsphere_vapi::ids::{LibraryId, ResourcePoolId};
use vsphere_vapi::vcenter::ovf::LibraryItem;
use vsphere_vapi::vcenter::ovf::library_item::{DeploymentTarget, ResourcePoolDeploymentSpec};
use vsphere_vapi_workflows::content::{ItemUpload, OvfPackage};

const USAGE: &str = "\
Uploads an OVA (or OVF) into a content library and deploys a VM from it.

Usage: ova_deploy --library NAME --package PATH --pool RESOURCE_POOL_ID
                  [--name VM_NAME] [--item ITEM_NAME]

Environment: VSPHERE_SERVER, VSPHERE_USER, VSPHERE_PASSWORD (required);
VSPHERE_CA_CERT (PEM file) or VSPHERE_THUMBPRINT (SHA-256) to trust the server.";

struct Args {
    library: String,
    package: PathBuf,
    pool: String,
    name: Option<String>,
    item: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = env::args().skip(1);
    let (mut library, mut package, mut pool, mut name, mut item) = (None, None, None, None, None);
    while let Some(flag) = args.next() {
        let slot = match flag.as_str() {
            "--library" => &mut library,
            "--package" => &mut package,
            "--pool" => &mut pool,
            "--name" => &mut name,
            "--item" => &mut item,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n\n{USAGE}")),
        };
        *slot = Some(args.next().ok_or_else(|| format!("{flag} needs a value"))?);
    }
    let missing = |flag: &str| format!("{flag} is required\n\n{USAGE}");
    Ok(Args {
        library: library.ok_or_else(|| missing("--library"))?,
        package: PathBuf::from(package.ok_or_else(|| missing("--package"))?),
        pool: pool.ok_or_else(|| missing("--pool"))?,
        name,
        item,
    })
}

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

async fn run(client: &Client, args: &Args) -> Result<(), String> {
    // The library by name (`POST /api/content/library?action=find`).
    let found = Library::new(client)
        .find(&FindSpec {
            name: Some(args.library.clone()),
            ..FindSpec::default()
        })
        .await
        .map_err(|err| format!("finding library `{}`: {err}", args.library))?;
    let [library] = found.as_slice() else {
        return Err(format!(
            "{} libraries are named `{}`",
            found.len(),
            args.library
        ));
    };
    let library = LibraryId::from(library.as_str());

    let package = OvfPackage::open(&args.package)
        .await
        .map_err(|err| err.to_string())?;
    eprintln!("files: {}", package.file_names().join(", "));
    let item_name = args.item.clone().unwrap_or_else(|| {
        args.package
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_else(|| "imported".to_owned())
    });
    let last_percent = AtomicU64::new(u64::MAX);
    let report = ItemUpload::new_item(client, &library, &item_name, "ovf")
        .package(package)
        .on_progress(move |progress| {
            let Some(total) = progress.total.filter(|total| *total > 0) else {
                return;
            };
            let percent = progress.transferred * 100 / total;
            if last_percent.swap(percent, Ordering::Relaxed) != percent {
                eprint!("\r{} {percent:>3}%", progress.file);
                if percent == 100 {
                    eprintln!();
                }
            }
        })
        .send()
        .await
        .map_err(|err| format!("uploading {}: {err}", args.package.display()))?;
    println!("library item {} ({item_name})", report.item);

    // POST /api/vcenter/ovf/library-item/{item}?action=deploy
    let mut spec = ResourcePoolDeploymentSpec::new(true);
    spec.name = args.name.clone();
    let result = LibraryItem::new(client)
        .deploy(
            &report.item,
            &DeploymentTarget::new(ResourcePoolId::from(args.pool.as_str())),
            &spec,
        )
        .send()
        .await
        .map_err(|err| format!("deploying: {err}"))?;
    match (result.succeeded, result.resource_id) {
        (true, Some(vm)) => {
            println!("deployed {} {}", vm.r#type, vm.id);
            Ok(())
        }
        _ => Err(format!("the deployment failed: {:?}", result.error)),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let client = match connect() {
        Ok(client) => client,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let password = env::var("VSPHERE_PASSWORD").unwrap_or_default();
    let user = env::var("VSPHERE_USER").unwrap_or_default();
    if let Err(err) = client.login(&user, password).await {
        eprintln!("login failed: {err}");
        return ExitCode::FAILURE;
    }
    let outcome = run(&client, &args).await;
    // One logout, whatever happened.
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
