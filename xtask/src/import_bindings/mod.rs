//! `cargo xtask import-bindings`: rebuild the metamodel snapshots of every pinned vSphere
//! release from VMware's official Python bindings.
//!
//! The work is done by the Python package in `xtask/importer/vapi_snapshot` (it has to
//! import the bindings). This module makes the runs reproducible: it keeps a private virtual
//! environment per release (`target/import-bindings-venv-<release>`, see [`venv`]) with
//! exactly the wheels pinned in `xtask/importer/requirements/<release>.txt`, imports the
//! releases in parallel (one Python process each, as many at once as there are cores),
//! renders the README describing all of them, and with `--check` compares fresh imports
//! with the committed files.

mod compare;
mod venv;

use std::collections::VecDeque;
use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use compare::{compare_dirs, compare_files, remove_dir_if_exists};
use venv::Release;

/// Default OpenAPI overlay, relative to the repository root. The committed
/// snapshots are produced with it, so `--check` uses it by default as well.
const DEFAULT_OVERLAY: &str = "../shared/vsphere-openapi-7.0.3";

#[derive(clap::Args)]
pub struct Args {
    /// Release to import, e.g. 8.0.3.0; repeatable [default: every release pinned in
    /// xtask/importer/requirements/].
    #[arg(long = "release", value_name = "RELEASE")]
    releases: Vec<String>,
    /// Directory of the `vsphere-<release>/` snapshots and their README
    /// [default: metamodel-snapshots]. The README describes the snapshots present there.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Directory of VMware's OpenAPI documents that fill in REST mappings the
    /// bindings lost [default: ../shared/vsphere-openapi-7.0.3 beside the repository].
    #[arg(long, value_name = "DIR", conflicts_with = "no_rest_overlay")]
    rest_overlay: Option<PathBuf>,
    /// Work from the bindings alone (the committed snapshots use the overlay).
    #[arg(long)]
    no_rest_overlay: bool,
    /// Run the importer's unit tests, import into a temporary directory and
    /// fail, listing the differences, if the committed snapshots differ.
    #[arg(long)]
    check: bool,
    /// Imports run at once [default: the number of CPUs].
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<NonZeroUsize>,
    /// Python interpreter that creates the virtual environments (its pip installs the wheels).
    #[arg(long, env = "IMPORT_BINDINGS_PYTHON", default_value = "python3.11")]
    python: OsString,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let started = Instant::now();
    let root = crate::repo_root();
    let importer_dir = root.join("xtask").join("importer");
    let known = venv::releases(&importer_dir.join("requirements"))?;
    let selected = select(&known, &args.releases)?;
    let snapshots = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("metamodel-snapshots"));
    let overlay = overlay_dir(&args, &root)?;
    let jobs = args
        .jobs
        .or_else(|| std::thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);

    // A check imports into a scratch directory; a leftover from an interrupted run with the
    // same pid would be compared too.
    let scratch = args.check.then(|| {
        std::env::temp_dir().join(format!("import-bindings-check-{}", std::process::id()))
    });
    let target = scratch.clone().unwrap_or_else(|| snapshots.clone());
    if let Some(scratch) = &scratch {
        remove_dir_if_exists(scratch)?;
    }
    let importer = Importer {
        root: root.clone(),
        dir: importer_dir,
        python: args.python.clone(),
        overlay,
    };
    let result = importer.run_all(&known, &selected, &snapshots, &target, jobs, args.check);
    if let Some(scratch) = &scratch {
        remove_dir_if_exists(scratch)?;
    }
    let differences = result?;
    eprintln!(
        "import-bindings: {} release(s) in {:.1} s with {jobs} job(s)",
        selected.len(),
        started.elapsed().as_secs_f64()
    );
    if !args.check {
        return Ok(ExitCode::SUCCESS);
    }
    if differences.is_empty() {
        for release in &selected {
            println!(
                "snapshot is up to date: {}",
                snapshots.join(release.snapshot_name()).display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("the committed snapshots differ from a fresh import:");
    for difference in &differences {
        eprintln!("  {difference}");
    }
    eprintln!("run `cargo xtask import-bindings` and commit the result");
    Ok(ExitCode::FAILURE)
}

/// The releases to import: those named, or all.
fn select(known: &[Release], wanted: &[String]) -> Result<Vec<Release>> {
    if wanted.is_empty() {
        return Ok(known.to_vec());
    }
    let mut selected = Vec::new();
    for release in known {
        if wanted.contains(&release.name) {
            selected.push(release.clone());
        }
    }
    for name in wanted {
        if !known.iter().any(|release| &release.name == name) {
            let names: Vec<_> = known.iter().map(|release| release.name.as_str()).collect();
            bail!(
                "--release {name}: no xtask/importer/requirements/{name}.txt; pinned releases: {}",
                names.join(", ")
            );
        }
    }
    Ok(selected)
}

/// The overlay directory to use, or `None` for bindings alone.
fn overlay_dir(args: &Args, root: &Path) -> Result<Option<PathBuf>> {
    if args.no_rest_overlay {
        return Ok(None);
    }
    let (dir, explicit) = match &args.rest_overlay {
        Some(dir) => (dir.clone(), true),
        None => (root.join(DEFAULT_OVERLAY), false),
    };
    if !dir.is_dir() {
        if explicit {
            bail!("--rest-overlay {}: not a directory", dir.display());
        }
        bail!(
            "the default REST overlay {} does not exist; pass --rest-overlay DIR, \
             or --no-rest-overlay to import from the bindings alone \
             (the committed snapshots are made with the overlay)",
            dir.display()
        );
    }
    Ok(Some(dir))
}

/// The Python importer and where it runs.
struct Importer {
    root: PathBuf,
    /// `xtask/importer`, the working directory (the package is imported from it).
    dir: PathBuf,
    /// Interpreter that creates the virtual environments.
    python: OsString,
    overlay: Option<PathBuf>,
}

impl Importer {
    /// Imports `selected` into `target`, renders the README there and, for a check, returns
    /// the differences from the committed files in `snapshots`.
    fn run_all(
        &self,
        known: &[Release],
        selected: &[Release],
        snapshots: &Path,
        target: &Path,
        jobs: usize,
        check: bool,
    ) -> Result<Vec<String>> {
        let pythons = self.import_parallel(selected, target, jobs, check)?;

        // The README describes every release whose snapshot is there: freshly imported, or
        // committed (when only some releases were imported).
        let mut dirs = Vec::new();
        for release in known {
            let dir = if selected.contains(release) {
                target.join(release.snapshot_name())
            } else {
                snapshots.join(release.snapshot_name())
            };
            if dir.join("manifest.json").is_file() {
                dirs.push(dir);
            }
        }
        let readme = target.join("README.md");
        let python = pythons.last().context("no release imported")?;
        self.readme(python, &dirs, &readme)?;

        if !check {
            return Ok(Vec::new());
        }
        let mut differences = Vec::new();
        for release in selected {
            let name = release.snapshot_name();
            differences.extend(compare_dirs(&snapshots.join(&name), &target.join(&name))?);
        }
        let committed_readme = snapshots.join("README.md");
        if let Some(diff) = compare_files(&committed_readme, &readme)? {
            differences.push(format!("{}: {diff}", committed_readme.display()));
        }
        Ok(differences)
    }

    /// Prepares the environments and imports the releases, `jobs` at a time. Returns each
    /// release's Python, in `selected` order. With `check`, the importer's unit tests run
    /// first, once, in the newest release's environment.
    fn import_parallel(
        &self,
        selected: &[Release],
        target: &Path,
        jobs: usize,
        check: bool,
    ) -> Result<Vec<PathBuf>> {
        // Newest first: with `check` its environment serves the unit tests, which then run
        // while the other releases import.
        let queue: Mutex<VecDeque<(usize, &Release)>> =
            Mutex::new(selected.iter().enumerate().rev().collect());
        let newest = selected.len().checked_sub(1);
        let results: Mutex<Vec<(usize, Result<PathBuf>)>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..jobs.min(selected.len()).max(1) {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().expect("queue lock").pop_front();
                        let Some((index, release)) = next else { break };
                        let result =
                            self.import_one(release, target, check && Some(index) == newest);
                        if let Err(err) = &result {
                            eprintln!("[{}] failed: {err:#}", release.name);
                        }
                        results.lock().expect("results lock").push((index, result));
                    }
                });
            }
        });
        let mut results = results.into_inner().expect("results lock");
        results.sort_by_key(|(index, _)| *index);
        let mut pythons = Vec::new();
        let mut failed = Vec::new();
        for (index, result) in results {
            match result {
                Ok(python) => pythons.push(python),
                Err(_) => failed.push(selected[index].name.as_str()),
            }
        }
        if !failed.is_empty() {
            bail!("importing {} failed (see above)", failed.join(", "));
        }
        Ok(pythons)
    }

    /// One release: environment, unit tests (when asked), import.
    fn import_one(&self, release: &Release, target: &Path, unit_tests: bool) -> Result<PathBuf> {
        let started = Instant::now();
        let python = venv::ensure(release, &self.root, &self.python)?;
        if unit_tests {
            // A wrong conversion rule would otherwise only show up as an unexplained
            // snapshot difference.
            let mut command = self.command(&python);
            command.args([
                "-m", "unittest", "discover", "--quiet", "-s", "tests", "-t", ".",
            ]);
            let output = run_captured(&mut command, "running the importer's unit tests")?;
            print_prefixed(&release.name, &output);
        }
        let mut command = self.command(&python);
        command
            .args(["-m", "vapi_snapshot", "--release", &release.name, "--out"])
            .arg(target.join(release.snapshot_name()))
            .arg("--requirements")
            .arg(&release.requirements);
        if let Some(dir) = &self.overlay {
            command.arg("--rest-overlay").arg(dir);
        }
        let output = run_captured(&mut command, "running the importer")?;
        print_prefixed(&release.name, &output);
        eprintln!(
            "[{}] imported in {:.1} s",
            release.name,
            started.elapsed().as_secs_f64()
        );
        Ok(python)
    }

    /// Renders the README from the snapshot directories' manifests.
    fn readme(&self, python: &Path, dirs: &[PathBuf], readme: &Path) -> Result<()> {
        let mut command = self.command(python);
        command
            .args(["-m", "vapi_snapshot.readme", "--out"])
            .arg(readme)
            .args(dirs);
        run_captured(&mut command, "rendering the snapshot README")?;
        Ok(())
    }

    fn command(&self, python: &Path) -> Command {
        let mut command = Command::new(python);
        command
            .current_dir(&self.dir)
            // No bytecode in the source tree; hash randomisation off so that
            // any accidental dependence on set or dict hash order shows up
            // identically on every run.
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONHASHSEED", "0")
            .env_remove("PYTHONPATH");
        command
    }
}

/// Runs a command to completion with its output captured (parallel runs would interleave
/// it); fails with that output when the command fails.
fn run_captured(command: &mut Command, what: &str) -> Result<String> {
    let output = command
        .output()
        .with_context(|| format!("{what}: cannot start {:?}", command.get_program()))?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!("{what} failed ({}):\n{}", output.status, text.trim_end());
    }
    Ok(text)
}

fn print_prefixed(release: &str, text: &str) {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(&format!("[{release}] {line}\n"));
    }
    print!("{out}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(name: &str) -> Release {
        Release {
            name: name.into(),
            requirements: PathBuf::from(format!("{name}.txt")),
        }
    }

    #[test]
    fn select_keeps_release_order_and_names_unknown_releases() {
        let known = [release("8.0.3.0"), release("9.0.0.0"), release("9.1.1.0")];
        let all = select(&known, &[]).unwrap();
        assert_eq!(all, known);
        let some = select(&known, &["9.1.1.0".into(), "8.0.3.0".into()]).unwrap();
        assert_eq!(some, [release("8.0.3.0"), release("9.1.1.0")]);
        let err = select(&known, &["7.0.3.0".into()]).unwrap_err().to_string();
        assert!(
            err.contains("--release 7.0.3.0") && err.contains("8.0.3.0, 9.0.0.0, 9.1.1.0"),
            "{err}"
        );
    }
}
