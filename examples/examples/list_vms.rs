//! Lists the virtual machines of a vCenter Server and optionally powers one on.
//!
//! ```text
//! export VSPHERE_SERVER=vcenter.example.com
//! export VSPHERE_USER=administrator@vsphere.local
//! export VSPHERE_PASSWORD='...'
//! cargo run -p vsphere-vapi-examples --example list_vms -- --state POWERED_OFF
//! cargo run -p vsphere-vapi-examples --example list_vms -- --power-on web-01
//! ```
//!
//! Run with `--help` for every option. The password is read from the environment only
//! and is never printed.

use std::env;
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;

use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{FilterSpec, Power, Summary, power};
use vsphere_vapi::{Client, Error, ErrorKind};

const USAGE: &str = "\
Lists virtual machines (name, power state, id) and optionally powers one on.

Usage: list_vms [--name NAME]... [--state STATE]... [--power-on NAME]

Options:
  --name NAME       only list virtual machines with this name (repeatable)
  --state STATE     only list virtual machines in this power state: POWERED_ON,
                    POWERED_OFF or SUSPENDED (repeatable)
  --power-on NAME   afterwards, power on the one virtual machine with this name
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
    power_on: Option<String>,
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
            "--power-on" => {
                if parsed.power_on.is_some() {
                    return Err(Failure::Usage("--power-on may be given once".to_owned()));
                }
                parsed.power_on = Some(value("--power-on")?);
            }
            other => return Err(Failure::Usage(format!("unexpected argument `{other}`"))),
        }
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

/// Everything done while logged in; the caller logs out whatever happens here.
async fn run(client: &Client, args: &Args) -> Result<(), Failure> {
    let vms = Vm::new(client);
    let filter = FilterSpec {
        names: (!args.names.is_empty()).then(|| args.names.clone()),
        power_states: (!args.states.is_empty()).then(|| args.states.clone()),
        ..FilterSpec::default()
    };
    let mut listed = vms
        .list(Some(&filter))
        .await
        .map_err(api("listing virtual machines"))?;
    listed.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.vm.cmp(&b.vm)));
    print_table(&listed);
    println!("{} virtual machine(s)", listed.len());

    let Some(name) = &args.power_on else {
        return Ok(());
    };
    let by_name = FilterSpec {
        names: Some(vec![name.clone()]),
        ..FilterSpec::default()
    };
    let matches = vms
        .list(Some(&by_name))
        .await
        .map_err(api(format!("looking up virtual machine `{name}`")))?;
    let vm = match matches.as_slice() {
        [vm] => vm,
        [] => {
            return Err(Failure::Refused(format!(
                "no virtual machine is named `{name}`"
            )));
        }
        several => {
            let ids: Vec<&str> = several.iter().map(|vm| vm.vm.as_str()).collect();
            return Err(Failure::Refused(format!(
                "{} virtual machines are named `{name}` ({}); not powering any on",
                several.len(),
                ids.join(", ")
            )));
        }
    };
    if vm.power_state == power::State::PoweredOn {
        println!("{name} ({}) is already powered on", vm.vm);
        return Ok(());
    }
    let power = Power::new(client);
    power
        .start(&vm.vm)
        .await
        .map_err(api(format!("powering on `{name}` ({})", vm.vm)))?;
    let state = power
        .get(&vm.vm)
        .await
        .map_err(api(format!("reading the power state of `{name}`")))?
        .state;
    println!("{name} ({}): {}", vm.vm, state.as_str());
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
