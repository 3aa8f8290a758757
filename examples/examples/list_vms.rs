//! Lists the virtual machines of a vCenter Server, shows one, and optionally powers it on
//! or clones it (waiting for the clone task).
//!
//! ```text
//! export VSPHERE_SERVER=vcenter.example.com
//! export VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...'
//! cargo run -p vsphere-vapi-examples --example list_vms -- --state POWERED_OFF
//! cargo run -p vsphere-vapi-examples --example list_vms -- --show web-01
//! cargo run -p vsphere-vapi-examples --example list_vms -- --power-on web-01
//! cargo run -p vsphere-vapi-examples --example list_vms -- --clone web-01 --as web-02
//! ```
//!
//! Run with `--help` for every option. The password is read from the environment only
//! and is never printed.

use std::env;
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{CloneSpec, FilterSpec, Power, Summary, power};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind};

const USAGE: &str = "\
Lists virtual machines (name, power state, id); optionally shows one, powers it on
or clones it.

Usage: list_vms [--name NAME]... [--state STATE]...
                [--show NAME] [--power-on NAME] [--clone NAME --as NEW_NAME]

Options:
  --name NAME       only list virtual machines with this name (repeatable)
  --state STATE     only list virtual machines in this power state: POWERED_ON,
                    POWERED_OFF or SUSPENDED (repeatable)
  --show NAME       afterwards, show the details of the one virtual machine with
                    this name
  --power-on NAME   afterwards, power on the one virtual machine with this name
  --clone NAME      afterwards, clone the one virtual machine with this name (next
                    to it, powered off) and wait for the clone task
  --as NEW_NAME     name of the clone (required with --clone)
  -h, --help        show this text

Environment:
  VSPHERE_SERVER      vCenter host name or URL (required)
  VSPHERE_USER        user name (required)
  VSPHERE_PASSWORD    password (required; never printed)
  VSPHERE_CA_CERT     path of a PEM file with CA certificates to trust besides the
                      system's (optional)
  VSPHERE_THUMBPRINT  SHA-256 fingerprint of the server certificate to accept instead
                      of verifying its chain (optional, AB:CD:... form)";

/// What the command line asks for.
#[derive(Debug, Default)]
struct Args {
    names: Vec<String>,
    states: Vec<power::State>,
    show: Option<String>,
    power_on: Option<String>,
    clone: Option<String>,
    clone_name: Option<String>,
}

/// Where to connect and as whom. Deliberately not `Debug`: it holds the password.
struct Settings {
    server: String,
    user: String,
    password: String,
    ca_cert: Option<PathBuf>,
    thumbprint: Option<String>,
}

/// Why the program stops.
#[derive(Debug)]
enum Failure {
    /// The command line is wrong; the usage text follows the message.
    Usage(String),
    /// The environment or a file it names is wrong.
    Setup(String),
    /// A call to the server failed while doing `action`.
    Api { action: String, source: Error },
    /// The request cannot be carried out as asked (no such VM, ambiguous name).
    Refused(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Setup(message) | Failure::Refused(message) => {
                f.write_str(message)
            }
            Failure::Api { action, source } => {
                write!(f, "{action} failed: {source}")?;
                if let Some(hint) = hint(source) {
                    write!(f, "\nhint: {hint}")?;
                }
                Ok(())
            }
        }
    }
}

/// A suggestion for the failures people run into first.
fn hint(error: &Error) -> Option<&'static str> {
    match error {
        Error::Tls { .. } => Some(
            "the server certificate is not trusted; set VSPHERE_CA_CERT to the vCenter CA \
             certificate (PEM) or VSPHERE_THUMBPRINT to the certificate's SHA-256 fingerprint",
        ),
        Error::Transport { .. } | Error::Timeout { .. } => {
            Some("check that VSPHERE_SERVER is right and reachable from here")
        }
        _ => match error.kind() {
            Some(ErrorKind::Unauthenticated) => Some(
                "check VSPHERE_USER and VSPHERE_PASSWORD (the user name usually includes the domain, e.g. administrator@vsphere.local)",
            ),
            Some(ErrorKind::Unauthorized) => {
                Some("the user lacks the privilege for this operation")
            }
            _ => None,
        },
    }
}

fn api(action: impl Into<String>) -> impl FnOnce(Error) -> Failure {
    let action = action.into();
    move |source| Failure::Api { action, source }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
    let mut parsed = Args::default();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--name" => parsed.names.push(value("--name")?),
            "--state" => {
                let text = value("--state")?;
                let state: power::State = text
                    .to_ascii_uppercase()
                    .parse()
                    .unwrap_or_else(|never| match never {});
                if matches!(state, power::State::Unknown(_)) {
                    return Err(Failure::Usage(format!(
                        "unknown power state `{text}` (POWERED_ON, POWERED_OFF or SUSPENDED)"
                    )));
                }
                parsed.states.push(state);
            }
            flag @ ("--show" | "--power-on" | "--clone" | "--as") => {
                let slot = match flag {
                    "--show" => &mut parsed.show,
                    "--power-on" => &mut parsed.power_on,
                    "--clone" => &mut parsed.clone,
                    _ => &mut parsed.clone_name,
                };
                if slot.is_some() {
                    return Err(Failure::Usage(format!("{flag} may be given once")));
                }
                *slot = Some(value(flag)?);
            }
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        }
    }
    if parsed.clone.is_some() != parsed.clone_name.is_some() {
        return Err(Failure::Usage(
            "--clone and --as go together".to_owned(),
        ));
    }
    Ok(Some(parsed))
}

/// A required environment variable, trimmed of surrounding whitespace.
fn required(name: &str) -> Result<String, Failure> {
    match env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        Ok(_) | Err(env::VarError::NotPresent) => {
            Err(Failure::Setup(format!("{name} is not set (see --help)")))
        }
        Err(env::VarError::NotUnicode(_)) => {
            Err(Failure::Setup(format!("{name} is not valid UTF-8")))
        }
    }
}

fn optional(name: &str) -> Result<Option<String>, Failure> {
    match env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(env::VarError::NotPresent) => Ok(None),
        Err(env::VarError::NotUnicode(_)) => {
            Err(Failure::Setup(format!("{name} is not valid UTF-8")))
        }
    }
}

fn settings() -> Result<Settings, Failure> {
    Ok(Settings {
        server: required("VSPHERE_SERVER")?,
        user: required("VSPHERE_USER")?,
        // Not trimmed: a password may legitimately start or end with a space.
        password: match env::var("VSPHERE_PASSWORD") {
            Ok(password) if !password.is_empty() => password,
            Ok(_) | Err(env::VarError::NotPresent) => {
                return Err(Failure::Setup(
                    "VSPHERE_PASSWORD is not set (see --help)".to_owned(),
                ));
            }
            Err(env::VarError::NotUnicode(_)) => {
                return Err(Failure::Setup(
                    "VSPHERE_PASSWORD is not valid UTF-8".to_owned(),
                ));
            }
        },
        ca_cert: optional("VSPHERE_CA_CERT")?.map(PathBuf::from),
        thumbprint: optional("VSPHERE_THUMBPRINT")?,
    })
}

fn connect(settings: &Settings) -> Result<Client, Failure> {
    let mut builder = Client::builder(settings.server.as_str());
    if let Some(path) = &settings.ca_cert {
        let pem = std::fs::read(path).map_err(|err| {
            Failure::Setup(format!(
                "cannot read VSPHERE_CA_CERT file {}: {err}",
                path.display()
            ))
        })?;
        builder = builder.add_root_certificate_pem(pem);
    }
    if let Some(thumbprint) = &settings.thumbprint {
        builder = builder.pin_certificate_sha256(thumbprint.as_str());
    }
    builder
        .build()
        .map_err(|err| Failure::Setup(err.to_string()))
}

fn print_table(vms: &[Summary]) {
    let width = vms
        .iter()
        .map(|vm| vm.name.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);
    println!("{:<width$}  {:<11}  ID", "NAME", "POWER");
    for vm in vms {
        println!(
            "{:<width$}  {:<11}  {}",
            vm.name,
            vm.power_state.as_str(),
            vm.vm
        );
    }
}

/// The one virtual machine named `name` (`GET /api/vcenter/vm?names=...`); refuses when
/// none or several have that name.
async fn find_one(vms: &Vm, name: &str) -> Result<Summary, Failure> {
    let by_name = FilterSpec {
        names: Some(vec![name.to_owned()]),
        ..FilterSpec::default()
    };
    let mut matches = vms
        .list()
        .filter(&by_name)
        .send()
        .await
        .map_err(api(format!("looking up virtual machine `{name}`")))?;
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(Failure::Refused(format!(
            "no virtual machine is named `{name}`"
        ))),
        several => {
            let ids: Vec<&str> = matches.iter().map(|vm| vm.vm.as_str()).collect();
            Err(Failure::Refused(format!(
                "{several} virtual machines are named `{name}` ({}); not acting on any",
                ids.join(", ")
            )))
        }
    }
}

/// Shows the details of `vm` (`GET /api/vcenter/vm/{vm}`).
async fn show(vms: &Vm, name: &str, vm: &VirtualMachineId) -> Result<(), Failure> {
    let info = vms
        .get(vm)
        .await
        .map_err(api(format!("reading `{name}` ({vm})")))?;
    println!("{name} ({vm}):");
    println!("  guest OS     {}", info.guest_os);
    println!("  power state  {}", info.power_state);
    println!(
        "  CPUs         {} ({} per socket)",
        info.cpu.count, info.cpu.cores_per_socket
    );
    println!("  memory       {} MiB", info.memory.size_mib);
    println!("  disks        {}", info.disks.len());
    println!("  NICs         {}", info.nics.len());
    Ok(())
}

/// Powers on `vm` unless it already runs (`POST /api/vcenter/vm/{vm}/power?action=start`).
async fn power_on(client: &Client, name: &str, vm: &Summary) -> Result<(), Failure> {
    if vm.power_state == power::State::PoweredOn {
        println!("{name} ({}) is already powered on", vm.vm);
        return Ok(());
    }
    let power = Power::new(client);
    match power.start(&vm.vm).await {
        Ok(()) => {}
        // Powered on by someone else since the listing: nothing left to do.
        Err(err) if err.is_kind(ErrorKind::AlreadyInDesiredState) => {}
        Err(err) => {
            return Err(api(format!("powering on `{name}` ({})", vm.vm))(err));
        }
    }
    let state = power
        .get(&vm.vm)
        .await
        .map_err(api(format!("reading the power state of `{name}`")))?
        .state;
    println!("{name} ({}): {}", vm.vm, state.as_str());
    Ok(())
}

/// Clones `source` as `new_name` and waits for the clone task
/// (`POST /api/vcenter/vm?action=clone&vmw-task=true`, then `GET /api/cis/tasks/{task}`).
async fn clone(vms: &Vm, name: &str, source: &Summary, new_name: &str) -> Result<(), Failure> {
    let spec = CloneSpec {
        source: source.vm.clone(),
        name: new_name.to_owned(),
        placement: None,
        disks_to_remove: None,
        disks_to_update: None,
        power_on: Some(false),
        guest_customization_spec: None,
    };
    println!("cloning {name} ({}) as {new_name} ...", source.vm);
    let new_vm = vms
        .clone_vm_and_wait(&spec)
        .await
        .map_err(api(format!("cloning `{name}` as `{new_name}`")))?;
    println!("{new_name} ({new_vm}) created");
    Ok(())
}

/// Everything done while logged in; the caller logs out whatever happens here.
async fn run(client: &Client, args: &Args) -> Result<(), Failure> {
    let vms = Vm::new(client);
    let filter = FilterSpec {
        names: (!args.names.is_empty()).then(|| args.names.clone()),
        power_states: (!args.states.is_empty()).then(|| args.states.clone()),
        ..FilterSpec::default()
    };
    let mut listed = vms
        .list()
        .filter(&filter)
        .send()
        .await
        .map_err(api("listing virtual machines"))?;
    listed.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.vm.cmp(&b.vm)));
    print_table(&listed);
    println!("{} virtual machine(s)", listed.len());

    if let Some(name) = &args.show {
        let vm = find_one(&vms, name).await?;
        show(&vms, name, &vm.vm).await?;
    }
    if let Some(name) = &args.power_on {
        let vm = find_one(&vms, name).await?;
        power_on(client, name, &vm).await?;
    }
    if let (Some(name), Some(new_name)) = (&args.clone, &args.clone_name) {
        let source = find_one(&vms, name).await?;
        clone(&vms, name, &source, new_name).await?;
    }
    Ok(())
}

async fn main_inner() -> Result<(), Failure> {
    let Some(args) = parse_args(env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let settings = settings()?;
    let client = connect(&settings)?;
    client
        .login(&settings.user, settings.password.as_str())
        .await
        .map_err(api(format!(
            "logging in to {} as {}",
            client.base_url(),
            settings.user
        )))?;

    let outcome = run(&client, &args).await;
    // Log out even when the work failed, so no session is left behind; the work's
    // error matters more than a failed logout.
    let logout = client.logout().await.map_err(api("logging out"));
    outcome.and(logout)
}

#[tokio::main]
async fn main() -> ExitCode {
    match main_inner().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure @ Failure::Usage(_)) => {
            eprintln!("error: {failure}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::FAILURE
        }
    }
}
