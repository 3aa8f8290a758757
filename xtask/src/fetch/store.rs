//! The snapshot directory: what is stored there, and replacing it without ever exposing a
//! half-written file.
//!
//! New files are first written (and flushed to disk) in a staging directory next to the snapshot
//! directory, so that moving them into place is a rename on the same file system. Nothing in the
//! snapshot directory changes until every component has been downloaded and validated; a failed
//! or interrupted fetch only removes its staging directory.

use super::manifest::{Counts, MANIFEST_FILE};
use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
/// Prefix of staging directories, next to the snapshot directory.
const STAGING_PREFIX: &str = ".fetch-staging-";

/// Whether `id` can safely be used as a file name (`<id>.json`) in the snapshot directory.
///
/// Component ids are dotted names such as `com.vmware.vcenter`; anything else, in particular
/// path separators or a leading dot, is refused rather than written somewhere unexpected.
pub(crate) fn check_component_id(id: &str) -> Result<()> {
    let well_formed = !id.is_empty()
        && id.len() <= 200
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !well_formed {
        bail!(
            "the server listed a component id {id:?} that is not a dotted name \
             (letters, digits, '.', '_', '-'); refusing to use it as a file name"
        );
    }
    if format!("{id}.json") == MANIFEST_FILE {
        bail!(
            "the server listed a component id {id:?} that clashes with the file {id}.json of the snapshot directory"
        );
    }
    Ok(())
}

/// A component file already in the snapshot directory.
#[derive(Debug)]
pub(crate) struct StoredComponent {
    pub(crate) fingerprint: String,
    pub(crate) counts: Counts,
}

/// The files currently in a snapshot directory.
#[derive(Debug, Default)]
pub(crate) struct Stored {
    /// Component id to its stored file; `None` if the file cannot be read as a component
    /// snapshot (it is then downloaded again).
    pub(crate) components: BTreeMap<String, Option<StoredComponent>>,
    /// The parsed manifest, if there is a readable one.
    pub(crate) manifest: Option<Value>,
}

impl Stored {
    /// Reads `dir`; a directory that does not exist yet is an empty snapshot.
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let mut stored = Self::default();
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(stored),
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("reading the snapshot directory {}", dir.display()));
            }
        };
        for entry in entries {
            let entry = entry
                .with_context(|| format!("reading the snapshot directory {}", dir.display()))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            if name.starts_with('.') || !entry.path().is_file() {
                continue;
            }
            let document = read_json(&entry.path()).ok();
            if name == MANIFEST_FILE {
                stored.manifest = document;
            } else {
                let component = document.and_then(|document| {
                    let fingerprint = super::metamodel::check_component_shape(&document).ok()?;
                    let counts = Counts::of_component(&document);
                    Some(StoredComponent {
                        fingerprint,
                        counts,
                    })
                });
                stored.components.insert(id.to_owned(), component);
            }
        }
        Ok(stored)
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = fs::read(path)?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// Files waiting to replace those of the snapshot directory.
pub(crate) struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
    files: Vec<(String, PathBuf)>,
}

/// What [`Staging::commit`] changed.
#[derive(Debug, Default)]
pub(crate) struct Committed {
    pub(crate) written: usize,
    pub(crate) removed: Vec<String>,
}

impl Staging {
    /// Prepares staging for the snapshot directory `target` (which need not exist yet).
    pub(crate) fn new(target: &Path) -> Result<Self> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("creating the directory {}", parent.display()))?;
        let dir = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&parent)
            .with_context(|| format!("creating a staging directory in {}", parent.display()))?;
        Ok(Self {
            dir,
            target: target.to_path_buf(),
            files: Vec::new(),
        })
    }

    /// Stages `text` as `<target>/<name>` unless that file already has exactly this content.
    /// Returns whether the file will change.
    pub(crate) fn stage(&mut self, name: &str, text: &str) -> Result<bool> {
        let destination = self.target.join(name);
        if fs::read(&destination).is_ok_and(|current| current == text.as_bytes()) {
            return Ok(false);
        }
        let path = self.dir.path().join(name);
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&path)?;
            file.write_all(text.as_bytes())?;
            // The rename must never publish a file whose data is not on disk yet.
            file.sync_all()
        };
        write().with_context(|| format!("writing the staging file {}", path.display()))?;
        self.files.push((name.to_owned(), path));
        Ok(true)
    }

    /// Moves every staged file into the snapshot directory and deletes the component files of
    /// `removed` ids. Each file is replaced by a rename, so readers see the old or the new file,
    /// never a partial one.
    pub(crate) fn commit(self, removed: &[String]) -> Result<Committed> {
        let target = &self.target;
        fs::create_dir_all(target)
            .with_context(|| format!("creating the snapshot directory {}", target.display()))?;
        let mut committed = Committed::default();
        for (name, staged) in &self.files {
            let destination = target.join(name);
            fs::rename(staged, &destination).with_context(|| {
                format!("moving {} to {}", staged.display(), destination.display())
            })?;
            committed.written += 1;
        }
        for id in removed {
            let path = target.join(format!("{id}.json"));
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
            committed.removed.push(id.clone());
        }
        Ok(committed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_ids_must_be_plain_file_names() {
        for good in ["com.vmware.vcenter", "com.vmware.vapi.std-errors", "a_b.c1"] {
            assert!(check_component_id(good).is_ok(), "{good}");
        }
        for bad in [
            "", "../etc", "a/b", "a\\b", ".hidden", "a b", "manifest", "é",
        ] {
            let err = check_component_id(bad).expect_err(bad).to_string();
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }
}
