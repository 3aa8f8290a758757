//! `cargo xtask import-bindings`: rebuild the metamodel snapshot from VMware's
//! official Python bindings.
//!
//! The work is done by the Python package in `xtask/importer/vapi_snapshot`
//! (it has to import the bindings). This module makes the run reproducible:
//! it keeps a private virtual environment under
//! `target/import-bindings-venv` with exactly the wheels pinned (by version
//! and sha256) in `xtask/importer/requirements.txt`, runs the importer in it,
//! and with `--check` compares a fresh import with the committed files.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

/// Snapshot directory below `metamodel-snapshots/`.
const SNAPSHOT_NAME: &str = "vsphere-9.1.1.0";
/// Default OpenAPI overlay, relative to the repository root. The committed
/// snapshot is produced with it, so `--check` uses it by default as well.
const DEFAULT_OVERLAY: &str = "../shared/vsphere-openapi-7.0.3";

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory to write [default: metamodel-snapshots/vsphere-9.1.1.0].
    /// The README is written to its parent directory.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Directory of VMware's OpenAPI documents that fill in REST mappings the
    /// bindings lost [default: ../shared/vsphere-openapi-7.0.3 beside the repository].
    #[arg(long, value_name = "DIR", conflicts_with = "no_rest_overlay")]
    rest_overlay: Option<PathBuf>,
    /// Work from the bindings alone (the committed snapshot uses the overlay).
    #[arg(long)]
    no_rest_overlay: bool,
    /// Run the importer's unit tests, import into a temporary directory and
    /// fail, listing the differences, if the committed snapshot differs.
    #[arg(long)]
    check: bool,
    /// Python interpreter used to create the virtual environment.
    #[arg(long, env = "IMPORT_BINDINGS_PYTHON", default_value = "python3.11")]
    python: OsString,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let root = crate::repo_root();
    let dir = root.join("xtask").join("importer");
    let requirements = dir.join("requirements.txt");
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("metamodel-snapshots").join(SNAPSHOT_NAME));
    let venv = root.join("target").join("import-bindings-venv");
    let importer = Importer {
        python: ensure_venv(&venv, &args.python, &requirements)?,
        overlay: overlay_dir(&args, &root)?,
        dir,
        requirements,
    };

    if !args.check {
        importer.import(&out, &readme_path(&out)?)?;
        return Ok(ExitCode::SUCCESS);
    }

    // The importer's unit tests run first: a wrong conversion rule would
    // otherwise only show up as an unexplained snapshot difference.
    importer.unit_tests()?;

    let scratch =
        std::env::temp_dir().join(format!("import-bindings-check-{}", std::process::id()));
    // A leftover from an interrupted run with the same pid would be compared too.
    remove_dir_if_exists(&scratch)?;
    let fresh = scratch.join(SNAPSHOT_NAME);
    let fresh_readme = scratch.join("README.md");
    let result = importer.import(&fresh, &fresh_readme).and_then(|()| {
        let mut differences = compare_dirs(&out, &fresh)?;
        let committed_readme = readme_path(&out)?;
        if let Some(diff) = compare_files(&committed_readme, &fresh_readme)? {
            differences.push(format!("{}: {diff}", committed_readme.display()));
        }
        Ok(differences)
    });
    remove_dir_if_exists(&scratch)?;
    let differences = result?;
    if differences.is_empty() {
        println!("snapshot is up to date: {}", out.display());
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("the committed snapshot differs from a fresh import:");
    for difference in &differences {
        eprintln!("  {difference}");
    }
    eprintln!("run `cargo xtask import-bindings` and commit the result");
    Ok(ExitCode::FAILURE)
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
             (the committed snapshot is made with the overlay)",
            dir.display()
        );
    }
    Ok(Some(dir))
}

/// `README.md` beside the snapshot directory.
fn readme_path(out: &Path) -> Result<PathBuf> {
    let parent = out
        .parent()
        .with_context(|| format!("{}: snapshot directory has no parent", out.display()))?;
    Ok(parent.join("README.md"))
}

/// Python of the virtual environment, created or refreshed as needed.
///
/// The environment is rebuilt from scratch whenever the pinned requirements
/// change: a copy of the requirements file inside it records what it holds.
fn ensure_venv(venv: &Path, python: &OsString, requirements: &Path) -> Result<PathBuf> {
    let wanted = fs::read_to_string(requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let marker = venv.join("pinned-requirements.txt");
    let venv_python = venv_python(venv);
    if venv_python.is_file() && fs::read_to_string(&marker).ok().as_deref() == Some(&wanted) {
        return Ok(venv_python);
    }

    eprintln!("creating {} with the pinned bindings", venv.display());
    remove_dir_if_exists(venv)?;
    let mut create = Command::new(python);
    create.arg("-m").arg("venv").arg(venv);
    run_command(&mut create, "creating the virtual environment")?;

    let mut install = Command::new(&venv_python);
    install
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        // The importer only imports binding modules: no HTTP/TLS dependencies,
        // and every installed file is covered by a pinned hash.
        .args(["--no-deps", "--require-hashes", "--only-binary", ":all:"])
        .arg("--requirement")
        .arg(requirements);
    run_command(&mut install, "installing the pinned bindings")?;

    fs::write(&marker, wanted).with_context(|| format!("writing {}", marker.display()))?;
    Ok(venv_python)
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// The Python importer in its virtual environment.
struct Importer {
    python: PathBuf,
    /// `xtask/importer`, the working directory (the package is imported from it).
    dir: PathBuf,
    requirements: PathBuf,
    overlay: Option<PathBuf>,
}

impl Importer {
    fn command(&self) -> Command {
        let mut command = Command::new(&self.python);
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

    /// Write the snapshot into `out` and the README to `readme`.
    fn import(&self, out: &Path, readme: &Path) -> Result<()> {
        let mut command = self.command();
        command
            .args(["-m", "vapi_snapshot", "--out"])
            .arg(out)
            .arg("--readme")
            .arg(readme)
            .arg("--requirements")
            .arg(&self.requirements);
        if let Some(dir) = &self.overlay {
            command.arg("--rest-overlay").arg(dir);
        }
        run_command(&mut command, "running the importer")
    }

    fn unit_tests(&self) -> Result<()> {
        let mut command = self.command();
        command.args([
            "-m", "unittest", "discover", "--quiet", "-s", "tests", "-t", ".",
        ]);
        run_command(&mut command, "running the importer's unit tests")
    }
}

fn run_command(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("{what}: cannot start {:?}", command.get_program()))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("removing {}", dir.display())),
    }
}

/// Differences between the committed directory and a fresh import, one line each.
fn compare_dirs(committed: &Path, fresh: &Path) -> Result<Vec<String>> {
    let committed_files = file_names(committed)?;
    let fresh_files = file_names(fresh)?;
    let mut differences = Vec::new();
    for name in committed_files.union(&fresh_files) {
        let path = committed.join(name);
        match (committed_files.contains(name), fresh_files.contains(name)) {
            (true, false) => {
                differences.push(format!("{}: not produced by the import", path.display()))
            }
            (false, true) => differences.push(format!("{}: missing", path.display())),
            _ => {
                if let Some(diff) = compare_files(&path, &fresh.join(name))? {
                    differences.push(format!("{}: {diff}", path.display()));
                }
            }
        }
    }
    Ok(differences)
}

/// File names in a directory (empty when it does not exist).
fn file_names(dir: &Path) -> Result<BTreeSet<String>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(err) => return Err(err).with_context(|| format!("listing {}", dir.display())),
    };
    let mut names = BTreeSet::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
        if entry.file_type()?.is_file() {
            names.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// `None` when equal, else a short description of the first difference.
fn compare_files(committed: &Path, fresh: &Path) -> Result<Option<String>> {
    let new = fs::read(fresh).with_context(|| format!("reading {}", fresh.display()))?;
    let old = match fs::read(committed) {
        Ok(old) => old,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Some("missing".into()));
        }
        Err(err) => return Err(err).with_context(|| format!("reading {}", committed.display())),
    };
    Ok(first_difference(&old, &new))
}

/// Line number of the first differing line, or `None` when the bytes are equal.
fn first_difference(old: &[u8], new: &[u8]) -> Option<String> {
    if old == new {
        return None;
    }
    let mut old_lines = old.split(|&b| b == b'\n');
    let mut new_lines = new.split(|&b| b == b'\n');
    let mut line = 1usize;
    loop {
        match (old_lines.next(), new_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => return Some("differs".into()),
            _ => return Some(format!("differs from line {line}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_bytes_have_no_difference() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
    }

    #[test]
    fn reports_first_differing_line() {
        assert_eq!(
            first_difference(b"a\nb\nc\n", b"a\nB\nc\n").as_deref(),
            Some("differs from line 2")
        );
        assert_eq!(
            first_difference(b"a\n", b"a\nextra\n").as_deref(),
            Some("differs from line 2")
        );
    }

    #[test]
    fn compare_dirs_lists_missing_extra_and_changed_files() {
        let base =
            std::env::temp_dir().join(format!("import-bindings-test-{}", std::process::id()));
        let committed = base.join("committed");
        let fresh = base.join("fresh");
        fs::create_dir_all(&committed).unwrap();
        fs::create_dir_all(&fresh).unwrap();
        fs::write(committed.join("same.json"), "{}\n").unwrap();
        fs::write(fresh.join("same.json"), "{}\n").unwrap();
        fs::write(committed.join("changed.json"), "1\n").unwrap();
        fs::write(fresh.join("changed.json"), "2\n").unwrap();
        fs::write(committed.join("stale.json"), "").unwrap();
        fs::write(fresh.join("new.json"), "").unwrap();

        let differences = compare_dirs(&committed, &fresh).unwrap();
        fs::remove_dir_all(&base).unwrap();

        assert_eq!(differences.len(), 3, "{differences:?}");
        assert!(differences[0].ends_with("changed.json: differs from line 1"));
        assert!(differences[1].ends_with("new.json: missing"));
        assert!(differences[2].ends_with("stale.json: not produced by the import"));
    }
}
