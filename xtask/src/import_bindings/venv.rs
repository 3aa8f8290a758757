//! The pinned releases and their private virtual environments.
//!
//! Each release has a requirements file `xtask/importer/requirements/<release>.txt` pinning
//! every wheel by version and sha256; its bindings are installed into
//! `target/import-bindings-venv-<release>`, rebuilt whenever the file changes.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{remove_dir_if_exists, run_captured};

/// The distribution whose release a snapshot is, and which bundles copies of some modules of
/// `vmware-vapi-common-client`: it is installed first so that the owner's copies win (the
/// importer checks that they did).
const BUNDLING_WHEEL: &str = "vmware-vcenter";

/// A release with pinned bindings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Release {
    /// `9.1.1.0`: the `vmware-vcenter` version.
    pub name: String,
    pub requirements: PathBuf,
}

impl Release {
    /// `vsphere-<release>`: the snapshot directory name.
    pub fn snapshot_name(&self) -> String {
        format!("vsphere-{}", self.name)
    }

    pub fn venv(&self, root: &Path) -> PathBuf {
        root.join("target")
            .join(format!("import-bindings-venv-{}", self.name))
    }
}

/// Numeric sort key of a dotted release (`9.0.0.0` < `9.1.0.0` < `10.0.0.0`), `None` for
/// anything else.
fn release_key(name: &str) -> Option<Vec<u64>> {
    if name.is_empty() {
        return None;
    }
    name.split('.').map(|part| part.parse().ok()).collect()
}

/// Every release with a requirements file in `dir`, oldest first.
pub(super) fn releases(dir: &Path) -> Result<Vec<Release>> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry
            .with_context(|| format!("listing {}", dir.display()))?
            .path();
        let Some(name) = path
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_suffix(".txt"))
        else {
            continue;
        };
        let Some(key) = release_key(name) else {
            bail!(
                "{}: requirements files are named <release>.txt, e.g. 9.1.1.0.txt",
                path.display()
            );
        };
        found.push((
            key,
            Release {
                name: name.to_owned(),
                requirements: path.clone(),
            },
        ));
    }
    if found.is_empty() {
        bail!("no <release>.txt requirements files in {}", dir.display());
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found.into_iter().map(|(_, release)| release).collect())
}

/// One requirement of a pinned requirements file, continuation lines joined.
#[derive(Debug, PartialEq, Eq)]
struct Requirement {
    name: String,
    text: String,
}

/// The requirements of a file (comments and blank lines dropped).
fn requirements(text: &str) -> Vec<Requirement> {
    let joined = text.replace("\\\n", " ");
    joined
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| Requirement {
            name: line
                .split(['=', '<', '>', '~', '!', ' ', '['])
                .next()
                .unwrap_or(line)
                .to_owned(),
            text: line.to_owned(),
        })
        .collect()
}

/// Python of the release's virtual environment, created or refreshed as needed.
///
/// The environment is made without pip (`venv --without-pip`, a fraction of a second instead
/// of seconds) and filled by the interpreter's own pip (`pip --python`, pip 22.3 or later), in
/// two steps: first `vmware-vcenter`, then the other wheels, whose copies of shared modules
/// then win. A copy of the requirements file inside records what the environment holds.
pub(super) fn ensure(release: &Release, root: &Path, python: &OsString) -> Result<PathBuf> {
    let venv = release.venv(root);
    let wanted = fs::read_to_string(&release.requirements)
        .with_context(|| format!("reading {}", release.requirements.display()))?;
    let marker = venv.join("pinned-requirements.txt");
    let venv_python = venv_python(&venv);
    if venv_python.is_file() && fs::read_to_string(&marker).ok().as_deref() == Some(&wanted) {
        return Ok(venv_python);
    }

    let all = requirements(&wanted);
    let (first, rest): (Vec<_>, Vec<_>) = all.iter().partition(|r| r.name == BUNDLING_WHEEL);
    if first.len() != 1 {
        bail!(
            "{}: pins {} {BUNDLING_WHEEL} requirements, not one",
            release.requirements.display(),
            first.len()
        );
    }

    eprintln!(
        "[{}] creating {} with the pinned bindings",
        release.name,
        venv.display()
    );
    remove_dir_if_exists(&venv)?;
    let mut create = Command::new(python);
    create.arg("-m").arg("venv").arg("--without-pip").arg(&venv);
    run_captured(&mut create, "creating the virtual environment")?;

    for (step, group) in [("bindings", first), ("runtime", rest)] {
        if group.is_empty() {
            continue;
        }
        let file = venv.join(format!("requirements-{step}.txt"));
        let text: String = group.iter().map(|r| format!("{}\n", r.text)).collect();
        fs::write(&file, text).with_context(|| format!("writing {}", file.display()))?;
        let mut install = Command::new(python);
        install
            .args(["-m", "pip", "--python"])
            .arg(&venv_python)
            .args(["install", "--quiet", "--disable-pip-version-check"])
            // The importer only imports binding modules: no HTTP/TLS dependencies,
            // and every installed file is covered by a pinned hash.
            .args(["--no-deps", "--require-hashes", "--only-binary", ":all:"])
            .arg("--requirement")
            .arg(&file);
        run_captured(
            &mut install,
            &format!("installing the pinned {step} wheels"),
        )?;
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_join_continuations_and_skip_comments() {
        let text = "# pinned\nvmware-vcenter==8.0.3.0 \\\n    --hash=sha256:ab\n\nsix==1.17.0 \\\n    --hash=sha256:cd\n";
        let parsed = requirements(text);
        assert_eq!(
            parsed,
            vec![
                Requirement {
                    name: "vmware-vcenter".into(),
                    text: "vmware-vcenter==8.0.3.0      --hash=sha256:ab".into()
                },
                Requirement {
                    name: "six".into(),
                    text: "six==1.17.0      --hash=sha256:cd".into()
                },
            ]
        );
    }

    #[test]
    fn releases_sort_numerically_and_reject_other_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["9.1.1.0.txt", "10.0.0.0.txt", "8.0.3.0.txt", "9.0.0.0.txt"] {
            fs::write(dir.path().join(name), "").unwrap();
        }
        let names: Vec<_> = releases(dir.path())
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["8.0.3.0", "9.0.0.0", "9.1.1.0", "10.0.0.0"]);

        fs::write(dir.path().join("requirements.txt"), "").unwrap();
        let err = releases(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("requirements.txt: requirements files are named"),
            "{err}"
        );
    }
}
