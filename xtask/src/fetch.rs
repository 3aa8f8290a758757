//! `cargo xtask fetch`: download the metamodel of a live vCenter into a snapshot directory.
//!
//! Component files are byte-for-byte what `import-bindings` writes for the same data (see
//! [`canonical`]), so a snapshot fetched from a server can be diffed against, or replace, a
//! committed one. Re-fetching asks the server for each component's fingerprint first and only
//! downloads components whose fingerprint differs from the stored one.

pub(crate) mod canonical;
mod manifest;
mod metamodel;
mod store;

use anyhow::{Context as _, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use manifest::{Counts, MANIFEST_FILE};
use metamodel::{Metamodel, Session, Trust};
use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};
use store::{Staging, Stored};
use url::Url;
use vsphere_vapi_runtime::types::Secret;

#[derive(clap::Args)]
#[command(after_long_help = AFTER_HELP)]
pub struct Args {
    /// vCenter URL, e.g. https://vcenter.example.com (https:// is assumed when no scheme is given).
    #[arg(long, value_name = "URL")]
    server: String,

    /// User to log in as, e.g. administrator@vsphere.local.
    #[arg(
        long,
        value_name = "USER",
        env = "VSPHERE_USER",
        hide_env_values = true
    )]
    user: String,

    /// Name of the environment variable that holds the password (it is never taken on the
    /// command line, where other users and shell history could see it).
    #[arg(long, value_name = "VAR", default_value = "VSPHERE_PASSWORD")]
    password_env: String,

    /// Accept any TLS certificate. Anyone on the network path can then impersonate the server
    /// and read the password: use only against a lab server.
    #[arg(long, conflicts_with = "ca_cert")]
    insecure: bool,

    /// PEM file with CA certificates to trust in addition to the system's, e.g. the vCenter's
    /// own root CA.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,

    /// Snapshot directory to create or refresh [default: metamodel-snapshots/<host> in the
    /// repository, with _<port> appended when the URL names a port].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Time limit for each HTTP request, in seconds (connecting is limited to 30 seconds).
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
}

const AFTER_HELP: &str = "\
Example:
  export VSPHERE_USER=administrator@vsphere.local
  read -rs VSPHERE_PASSWORD && export VSPHERE_PASSWORD
  cargo xtask fetch --server https://vcenter.example.com --ca-cert vcenter-root-ca.pem

A vCenter's certificate is usually issued by its own CA (VMCA). Its root certificate is in
https://<vcenter>/certs/download.zip (the files under certs/lin/ are PEM); pass it as --ca-cert.

The directory gets one <component id>.json per metamodel component (the response of
GET /rest/com/vmware/vapi/metadata/metamodel/component/id:<id>, in canonical form) and
manifest.json (server, time of the last change, counts per component). Components whose
fingerprint is unchanged are not downloaded again; components the server no longer lists are
removed. The directory is only changed once everything has been downloaded and checked.";

pub fn run(args: Args) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(fetch(args))?;
    Ok(ExitCode::SUCCESS)
}

async fn fetch(args: Args) -> Result<()> {
    let server = parse_server(&args.server)?;
    let server_name = server.as_str().trim_end_matches('/').to_owned();
    let out = match &args.out {
        Some(out) => out.clone(),
        None => crate::repo_root()
            .join("metamodel-snapshots")
            .join(host_dir_name(&server)),
    };
    let password = read_password(&args.password_env)?;

    if server.scheme() == "http" {
        warn(&format!(
            "{server_name} is plain HTTP: the password and the session id travel unencrypted"
        ));
    }
    let trust = if args.insecure {
        warn(&format!(
            "--insecure: TLS certificate verification is OFF; anyone on the network path can \
             impersonate {server_name} and read the password"
        ));
        Trust::AcceptAny
    } else {
        Trust::Verify {
            extra_ca_file: args.ca_cert.clone(),
        }
    };

    let stored = Stored::read(&out)?;
    let metamodel = Metamodel::new(&server_name, &trust, Duration::from_secs(args.timeout))?;
    let session = metamodel
        .login(&args.user, &password, &args.password_env)
        .await
        .with_context(|| format!("fetching from {server_name}"))?;

    // Ctrl-C stops the download; dropping the staging directory then leaves the snapshot as it
    // was. The commit below is synchronous, so it cannot be interrupted half-way this way.
    let downloaded = tokio::select! {
        result = download(&session, &stored, &out) => result,
        () = interrupted() => Err(anyhow!("interrupted")),
    };
    if let Err(err) = session.logout().await {
        warn(&format!("{err:#}"));
    }
    let downloaded = downloaded.with_context(|| {
        format!(
            "fetching from {server_name}; {} was left unchanged",
            out.display()
        )
    })?;

    finish(downloaded, &server_name, &stored, &out)
}

/// What the download phase produced, ready to be committed.
struct Downloaded {
    staging: Staging,
    counts: BTreeMap<String, Counts>,
    new: usize,
    updated: usize,
    unchanged: usize,
    removed: Vec<String>,
}

async fn download(session: &Session<'_>, stored: &Stored, out: &Path) -> Result<Downloaded> {
    let ids = session.list_components().await?;
    if ids.is_empty() {
        bail!("the server lists no metamodel components; refusing to empty the snapshot");
    }
    for id in &ids {
        store::check_component_id(id)?;
    }
    let mut result = Downloaded {
        staging: Staging::new(out)?,
        counts: BTreeMap::new(),
        new: 0,
        updated: 0,
        unchanged: 0,
        removed: stored
            .components
            .keys()
            .filter(|id| ids.binary_search(id).is_err())
            .cloned()
            .collect(),
    };

    let mut progress = Progress::new(ids.len());
    for id in &ids {
        progress.start(id);
        if let Some(Some(known)) = stored.components.get(id) {
            let fingerprint = session.fingerprint(id).await?;
            if fingerprint == known.fingerprint {
                result.counts.insert(id.clone(), known.counts);
                result.unchanged += 1;
                progress.done(id, "unchanged");
                continue;
            }
        }
        let document = session.component(id).await?;
        let text = canonical::to_canonical_string(&document);
        let changed = result.staging.stage(&format!("{id}.json"), &text)?;
        let size = format_size(text.len());
        let outcome = if !stored.components.contains_key(id) {
            result.new += 1;
            format!("new ({size})")
        } else if changed {
            result.updated += 1;
            format!("updated ({size})")
        } else {
            result.unchanged += 1;
            "downloaded, identical to the stored file".to_owned()
        };
        result
            .counts
            .insert(id.clone(), Counts::of_component(&document));
        progress.done(id, &outcome);
    }
    progress.finish();
    Ok(result)
}

fn finish(
    mut downloaded: Downloaded,
    server_name: &str,
    stored: &Stored,
    out: &Path,
) -> Result<()> {
    let changed = downloaded.new + downloaded.updated + downloaded.removed.len() > 0;
    let manifest = manifest::manifest_text(
        server_name,
        &downloaded.counts,
        stored.manifest.as_ref(),
        changed,
        SystemTime::now(),
    );
    downloaded.staging.stage(MANIFEST_FILE, &manifest)?;
    let committed = downloaded
        .staging
        .commit(&downloaded.removed)
        .with_context(|| format!("updating the snapshot directory {}", out.display()))?;
    for id in &committed.removed {
        eprintln!("removed {id}.json: the server no longer lists component {id}");
    }
    println!(
        "{} components from {server_name}: {} new, {} updated, {} unchanged, {} removed; {} file(s) written in {}",
        downloaded.counts.len(),
        downloaded.new,
        downloaded.updated,
        downloaded.unchanged,
        committed.removed.len(),
        committed.written,
        out.display()
    );
    Ok(())
}

/// Parses `--server`; errors never echo the URL, which could contain a password.
fn parse_server(raw: &str) -> Result<Url> {
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme).map_err(|err| {
        anyhow!("--server is not a valid URL ({err}); expected e.g. https://vcenter.example.com")
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        bail!("--server must not contain a user name or password; use --user and --password-env");
    }
    if !matches!(url.scheme(), "https" | "http") {
        bail!("--server must be an https:// URL, not {}://", url.scheme());
    }
    if url.host_str().is_none_or(str::is_empty) {
        bail!("--server has no host name; expected e.g. https://vcenter.example.com");
    }
    if url.query().is_some() || url.fragment().is_some() {
        bail!(
            "--server must not have a query or fragment; expected e.g. https://vcenter.example.com"
        );
    }
    Ok(url)
}

/// `vcenter.example.com`, or `vcenter.example.com_8443` when the URL names a non-default port.
fn host_dir_name(server: &Url) -> String {
    let host: String = server
        .host_str()
        .unwrap_or("server")
        .trim_matches(|c| c == '[' || c == ']')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    match server.port() {
        Some(port) => format!("{host}_{port}"),
        None => host,
    }
}

fn read_password(variable: &str) -> Result<Secret> {
    match std::env::var(variable) {
        Ok(password) if !password.is_empty() => Ok(Secret::new(password)),
        Ok(_) => bail!("the environment variable {variable} (--password-env) is empty"),
        Err(std::env::VarError::NotPresent) => bail!(
            "the password is read from the environment variable {variable}, which is not set \
             (export it, or name another variable with --password-env)"
        ),
        Err(std::env::VarError::NotUnicode(_)) => {
            bail!("the environment variable {variable} (--password-env) is not valid UTF-8")
        }
    }
}

/// Resolves on Ctrl-C; never, if the signal handler cannot be installed.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn warn(message: &str) {
    eprintln!("warning: {message}");
}

fn format_size(bytes: usize) -> String {
    const KIB: f64 = 1024.0;
    let bytes_f = bytes as f64;
    if bytes_f >= KIB * KIB {
        format!("{:.1} MiB", bytes_f / (KIB * KIB))
    } else if bytes_f >= KIB {
        format!("{:.1} KiB", bytes_f / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// A progress bar on a terminal; one plain line per component otherwise (logs, CI).
struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    finished: usize,
}

impl Progress {
    fn new(total: usize) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            total,
            finished: 0,
        }
    }

    fn start(&self, id: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(id.to_owned());
        }
    }

    fn done(&mut self, id: &str, outcome: &str) {
        self.finished += 1;
        let line = format!("[{}/{}] {id}: {outcome}", self.finished, self.total);
        match &self.bar {
            Some(bar) => {
                bar.println(line);
                bar.inc(1);
            }
            None => eprintln!("{line}"),
        }
    }

    fn finish(self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    // An error or Ctrl-C drops the bar mid-way: clear it so the error message is readable.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_checked_without_echoing_them() {
        assert_eq!(
            parse_server("vc.example.com")
                .map(|u| u.to_string())
                .ok()
                .as_deref(),
            Some("https://vc.example.com/")
        );
        let err = parse_server("https://root:hunter2@vc.example.com")
            .expect_err("userinfo")
            .to_string();
        assert!(
            err.contains("must not contain a user name or password"),
            "{err}"
        );
        assert!(!err.contains("hunter2"), "{err}");
        assert!(parse_server("ftp://vc").is_err());
        assert!(parse_server("https://vc/?x=1").is_err());
        assert!(parse_server("https://").is_err());
    }

    #[test]
    fn default_directory_names() {
        let name = |s: &str| host_dir_name(&parse_server(s).expect("valid URL"));
        assert_eq!(name("https://vc.example.com/"), "vc.example.com");
        assert_eq!(name("https://vc.example.com:443"), "vc.example.com");
        assert_eq!(name("https://vc.example.com:8443"), "vc.example.com_8443");
        assert_eq!(name("https://[fe80::1]:8443"), "fe80--1_8443");
    }

    #[test]
    fn sizes() {
        assert_eq!(format_size(12), "12 B");
        assert_eq!(format_size(2048), "2.0 KiB");
        assert_eq!(format_size(3 * 1024 * 1024 + 1024 * 512), "3.5 MiB");
    }
}
