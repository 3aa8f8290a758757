//! A running vCenter simulator (govmomi's vcsim, VPX inventory model) for end-to-end tests.
//!
//! [`Vcsim::start`] runs the launcher built by `scripts/build-vcsim.sh` (see `tests/vcsim/`),
//! waits for the one JSON line it prints when ready, and stops it again when dropped.
//! Each instance has its own port and its own inventory, so tests can run in parallel.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Environment variable naming the launcher binary, overriding [`default_launcher_path`].
pub const LAUNCHER_ENV: &str = "VCSIM_LAUNCHER";

/// User name the simulator accepts when credentials are enforced (the default).
pub const USERNAME: &str = "administrator@vsphere.local";

/// Password the simulator accepts when credentials are enforced (the default).
pub const PASSWORD: &str = "vcsim-E2e-secret";

/// How long [`Vcsim::start`] waits for the launcher to report that it is ready.
/// Building the inventory takes well under a second; the margin is for loaded CI machines.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How long dropping a [`Vcsim`] waits for a clean exit (which removes the simulator's
/// temporary datastore directories) before killing the process.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// Errors starting the simulator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "vCenter simulator launcher not found at {}: run `bash scripts/build-vcsim.sh` \
         (or point {LAUNCHER_ENV} at a built launcher)",
        path.display()
    )]
    LauncherMissing { path: PathBuf },

    #[error("could not run the vCenter simulator launcher {}: {source}", path.display())]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the vCenter simulator did not report ready within {timeout:?}; its stderr:\n{stderr}")]
    Timeout { timeout: Duration, stderr: String },

    #[error("the vCenter simulator exited before it was ready ({status}); its stderr:\n{stderr}")]
    Exited { status: String, stderr: String },

    #[error("the vCenter simulator printed an unexpected ready line {line:?}: {source}")]
    ReadyLine {
        line: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("reading the vCenter simulator's output failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with this module's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How to run the simulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Serve https with a certificate generated for this run (see [`Vcsim::certificate_pem`]);
    /// plain http otherwise.
    pub tls: bool,
    /// Only [`USERNAME`]/[`PASSWORD`] may log in. Without this the simulator accepts any
    /// non-empty user name and password.
    pub enforce_credentials: bool,
    /// Sessions unused for this long are dropped (the next request with them gets 401).
    /// `None`: sessions never expire, the simulator's default.
    pub session_idle_timeout: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            tls: true,
            enforce_credentials: true,
            session_idle_timeout: None,
        }
    }
}

/// An inventory object, identified the way vAPI's `DynamicID` does (`{"type", "id"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ManagedObject {
    /// Managed object type, e.g. `VirtualMachine`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Managed object id, e.g. `vm-63`.
    pub id: String,
    /// Inventory name, e.g. `DC0_C0_RP0_VM0`.
    pub name: String,
}

/// Well-known objects of the simulator's default inventory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Inventory {
    pub vm: ManagedObject,
    pub host: ManagedObject,
    /// Its id is a local directory followed by `@folder-N`, which is what content library
    /// storage backings must name (`datastore_id`).
    pub datastore: ManagedObject,
    pub datacenter: ManagedObject,
    pub cluster: ManagedObject,
    /// A resource pool (the VPX model's pools are all named `Resources`), a
    /// target for OVF deployments.
    pub resource_pool: ManagedObject,
}

/// The line the launcher prints once it is serving.
#[derive(Debug, Deserialize)]
struct ReadyLine {
    url: String,
    #[serde(default)]
    certificate_pem: Option<String>,
    credentials_enforced: bool,
    inventory: Inventory,
}

/// A running simulator; the process is stopped when this is dropped.
#[derive(Debug)]
pub struct Vcsim {
    process: Process,
    ready: ReadyLine,
}

/// The launcher process; stopped on drop, including on [`Vcsim::start`]'s error paths.
#[derive(Debug)]
struct Process {
    child: Child,
    /// Closing the launcher's stdin asks it to exit; it also exits on its own if the
    /// test process dies, because the pipe closes then too.
    stdin: Option<ChildStdin>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// The launcher path used when [`LAUNCHER_ENV`] is unset: `target/vcsim/vcsim-launcher`
/// at the workspace root, where `scripts/build-vcsim.sh` puts it.
pub fn default_launcher_path() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .unwrap_or(manifest_dir)
        .join("target")
        .join("vcsim")
        .join("vcsim-launcher")
}

/// The launcher to run: [`LAUNCHER_ENV`] if set and non-empty, else [`default_launcher_path`].
pub fn launcher_path() -> PathBuf {
    match std::env::var_os(LAUNCHER_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => default_launcher_path(),
    }
}

impl Vcsim {
    /// Starts a simulator serving https, accepting only [`USERNAME`]/[`PASSWORD`].
    pub fn start() -> Result<Self> {
        Self::start_with(&Options::default())
    }

    /// Starts a simulator configured by `options`.
    pub fn start_with(options: &Options) -> Result<Self> {
        let path = launcher_path();
        if !path.is_file() {
            return Err(Error::LauncherMissing { path });
        }

        let mut command = Command::new(&path);
        command
            .arg("-port=0")
            .arg(format!("-tls={}", options.tls))
            // Go's duration syntax; whole milliseconds are precise enough here.
            .arg(format!(
                "-session-idle-timeout={}ms",
                options
                    .session_idle_timeout
                    .map_or(0, |t| t.as_millis().max(1))
            ))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if options.enforce_credentials {
            command
                .env("VCSIM_USERNAME", USERNAME)
                .env("VCSIM_PASSWORD", PASSWORD);
        } else {
            command
                .env_remove("VCSIM_USERNAME")
                .env_remove("VCSIM_PASSWORD");
        }
        let mut child = command
            .spawn()
            .map_err(|source| Error::Spawn { path, source })?;

        let stdin = child.stdin.take();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        // Drain stderr continuously so the launcher never blocks on a full pipe, and keep
        // it for error messages.
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    if let Ok(mut log) = sink.lock() {
                        log.extend_from_slice(&buf[..n]);
                    }
                }
            });
        }

        let (tx, rx) = mpsc::channel();
        if let Some(pipe) = child.stdout.take() {
            thread::spawn(move || {
                let mut reader = BufReader::new(pipe);
                let mut line = String::new();
                let first = reader.read_line(&mut line).map(|_| line);
                // The receiver may be gone after a timeout; nothing else to do then.
                let _ = tx.send(first);
                // Keep reading so a late write never fails with a broken pipe.
                let _ = std::io::copy(&mut reader, &mut std::io::sink());
            });
        }

        // From here on, dropping `process` stops the launcher on every error path.
        let mut process = Process {
            child,
            stdin,
            stderr,
        };

        let line = match rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line?,
            Err(RecvTimeoutError::Timeout) => {
                return Err(Error::Timeout {
                    timeout: START_TIMEOUT,
                    stderr: process.stderr(),
                });
            }
            // The reader thread is gone without sending: stdout was not captured.
            Err(RecvTimeoutError::Disconnected) => String::new(),
        };
        if line.trim().is_empty() {
            let status = process.wait_for_exit(STOP_TIMEOUT);
            return Err(Error::Exited {
                status: status.map_or_else(|| "still running".to_owned(), |s| s.to_string()),
                stderr: process.stderr(),
            });
        }
        let ready = serde_json::from_str(line.trim()).map_err(|source| Error::ReadyLine {
            line: line.trim().to_owned(),
            source,
        })?;
        Ok(Self { process, ready })
    }

    /// Base URL, scheme and authority only, e.g. `https://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.ready.url
    }

    /// A user name that can log in.
    pub fn username(&self) -> &str {
        USERNAME
    }

    /// The password of [`Vcsim::username`].
    pub fn password(&self) -> &str {
        PASSWORD
    }

    /// Whether wrong credentials are rejected ([`Options::enforce_credentials`]).
    pub fn credentials_enforced(&self) -> bool {
        self.ready.credentials_enforced
    }

    /// PEM of the self-signed server certificate when serving https. It is its own trust
    /// anchor (valid for 127.0.0.1 and `localhost`), so trust it as a root certificate.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.ready.certificate_pem.as_deref()
    }

    /// Well-known objects of the inventory.
    pub fn inventory(&self) -> &Inventory {
        &self.ready.inventory
    }

    /// A virtual machine of the inventory, e.g. for attaching tags.
    pub fn vm(&self) -> &ManagedObject {
        &self.ready.inventory.vm
    }

    /// What the launcher wrote to stderr so far (the simulator logs rejected requests there).
    pub fn stderr(&self) -> String {
        self.process.stderr()
    }
}

impl Process {
    fn stderr(&self) -> String {
        match self.stderr.lock() {
            Ok(log) => String::from_utf8_lossy(&log).into_owned(),
            Err(_) => String::from("<stderr log unavailable>"),
        }
    }

    /// Closes stdin and waits up to `timeout` for the process to exit.
    fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        drop(self.stdin.take());
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(20)),
                Ok(None) | Err(_) => return None,
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if self.wait_for_exit(STOP_TIMEOUT).is_none() {
            // Errors mean the process is already gone; nothing more to clean up.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
