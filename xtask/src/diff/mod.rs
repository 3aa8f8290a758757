//! `cargo xtask diff OLD NEW`: the API change log between two snapshot directories.
//!
//! Services, operations, structures and enumerations added and removed; fields, parameters
//! and enumeration values added and removed on what both have; changed field, parameter and
//! result types (optional/required told apart); changed `/api` and `/rest` routes from the
//! metamodel's REST metadata; deprecation marks set or cleared. Markdown by default (for a
//! release pull request), `--json` for tools, `--summary` for the counts and the removed
//! services only (what the snapshots README carries). Everything is sorted.

mod api;
mod changes;
mod markdown;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

pub use changes::Changes;

#[derive(clap::Args)]
pub struct Args {
    /// The older snapshot directory, e.g. metamodel-snapshots/vsphere-8.0.3.0.
    old: PathBuf,
    /// The newer snapshot directory, e.g. metamodel-snapshots/vsphere-9.1.1.0.
    new: PathBuf,
    /// Print JSON instead of Markdown.
    #[arg(long, conflicts_with = "summary")]
    json: bool,
    /// Print only the counts and the removed services.
    #[arg(long)]
    summary: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let changes = between(&args.old, &args.new)?;
    let text = if args.json {
        serde_json::to_string_pretty(&changes)? + "\n"
    } else if args.summary {
        markdown::summary(&changes, &command(&args.old, &args.new))
    } else {
        markdown::full(&changes)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .context("writing the change log")?;
    Ok(ExitCode::SUCCESS)
}

/// The changes from the snapshot in `old` to the one in `new`.
pub fn between(old: &Path, new: &Path) -> Result<Changes> {
    let old_api = api::load(old).with_context(|| format!("loading {}", old.display()))?;
    let new_api = api::load(new).with_context(|| format!("loading {}", new.display()))?;
    Ok(changes::compare(&old_api, &new_api))
}

/// The summary section of the snapshots README for the releases `old` and `new`
/// (directories named `vsphere-<release>`).
pub fn readme_summary(old: &Path, new: &Path) -> Result<String> {
    let changes = between(old, new)?;
    let name = |dir: &Path| {
        dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    };
    let command = format!(
        "cargo xtask diff metamodel-snapshots/{} metamodel-snapshots/{}",
        name(old),
        name(new)
    );
    Ok(markdown::summary(&changes, &command))
}

fn command(old: &Path, new: &Path) -> String {
    format!("cargo xtask diff {} {}", old.display(), new.display())
}
