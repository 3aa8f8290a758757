//! Reading snapshot directories: one `<component>.json` per component.

use std::path::{Path, PathBuf};

use crate::error::{Error, Problem, Problems};
use crate::ir::Model;
use crate::merge::{self, MergeReport, ReleaseSnapshot};
use crate::wire::{ComponentData, ComponentEnvelope};

/// Files in a snapshot directory that are not components.
const NOT_COMPONENTS: &[&str] = &["manifest.json"];

/// Reads every component file of `dir` (every `*.json` except
/// `manifest.json`, in file name order), then builds and validates the
/// model.
pub fn load_snapshot(dir: &Path) -> Result<Model, Error> {
    let files = component_files(dir)?;
    let components = read_components(&files)?;
    crate::build_model(&components)
}

/// Reads component files on all cores (each file is parsed on its own);
/// the result and the error reported (the first in file order) do not
/// depend on scheduling.
pub fn read_components(files: &[PathBuf]) -> Result<Vec<ComponentData>, Error> {
    crate::parallel::map(files.iter().collect(), |file| read_component(file))
        .into_iter()
        .collect()
}

/// Reads the snapshots of several releases (see [`snapshot_release`]),
/// unites them by the rules of [`merge`] and builds the model of the union,
/// whose [`Model::releases`] lists the releases, oldest first.
pub fn load_union(dirs: &[PathBuf]) -> Result<(Model, MergeReport), Error> {
    // All releases' files are read in one pass over the cores: the largest
    // file of each release (`vcenter`) would otherwise be read one after
    // the other.
    let mut plans = Vec::with_capacity(dirs.len());
    for dir in dirs {
        plans.push((release_of(dir)?, component_files(dir)?));
    }
    let mut read = crate::parallel::map(
        plans.iter().flat_map(|(_, files)| files).collect(),
        |file| read_component(file),
    )
    .into_iter();
    let snapshots = plans
        .into_iter()
        .map(|(release, files)| {
            let components = read
                .by_ref()
                .take(files.len())
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ReleaseSnapshot {
                release,
                components,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let merged = merge::merge(snapshots)?;
    let mut model = crate::build_model(&merged.components)?;
    crate::parallel::drop_in_background(merged.components);
    model.releases = merged.releases;
    Ok((model, merged.report))
}

/// The release snapshot directories in `base` (`vsphere-<release>`, the
/// release dotted numbers), oldest release first.
pub fn release_dirs(base: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |source| Error::Io {
        path: base.to_path_buf(),
        source,
    };
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(base).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let key = name.strip_prefix("vsphere-").and_then(merge::release_key);
        if let Some(key) = key.filter(|_| path.is_dir()) {
            dirs.push((key, path));
        }
    }
    if dirs.is_empty() {
        return Err(Error::Model(Problems(vec![Problem::new(
            base.display().to_string(),
            "no release snapshot directory (`vsphere-<release>`)",
        )])));
    }
    dirs.sort();
    Ok(dirs.into_iter().map(|(_, dir)| dir).collect())
}

/// [`load_union`] of every release snapshot in `base` ([`release_dirs`]):
/// the model the generated crate is built from when `base` is
/// `metamodel-snapshots/`.
pub fn load_releases(base: &Path) -> Result<(Model, MergeReport), Error> {
    load_union(&release_dirs(base)?)
}

/// Reads a snapshot directory that names its release.
pub fn read_release_snapshot(dir: &Path) -> Result<ReleaseSnapshot, Error> {
    let release = release_of(dir)?;
    let components = read_components(&component_files(dir)?)?;
    Ok(ReleaseSnapshot {
        release,
        components,
    })
}

/// [`snapshot_release`], required.
fn release_of(dir: &Path) -> Result<String, Error> {
    snapshot_release(dir)?.ok_or_else(|| {
        Error::Model(Problems(vec![Problem::new(
            dir.display().to_string(),
            "the snapshot names no release: manifest.json has no `release` and the \
             directory is not named `vsphere-<release>`",
        )]))
    })
}

/// The vSphere API release a snapshot describes: the `release` of its
/// `manifest.json`, else the `<release>` of a directory named
/// `vsphere-<release>` (`vsphere-9.1.1.0`); `None` when neither says (a
/// live dump, say).
pub fn snapshot_release(dir: &Path) -> Result<Option<String>, Error> {
    let manifest = dir.join("manifest.json");
    match std::fs::read_to_string(&manifest) {
        Ok(text) => {
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|err| Error::Parse {
                    path: manifest.clone(),
                    json_path: "the top level".to_owned(),
                    message: err.to_string(),
                })?;
            match value.get("release") {
                None => {}
                Some(serde_json::Value::String(release))
                    if merge::release_key(release).is_some() =>
                {
                    return Ok(Some(release.clone()));
                }
                Some(other) => {
                    return Err(Error::Parse {
                        path: manifest,
                        json_path: "release".to_owned(),
                        message: format!(
                            "expected a release of dotted numbers (\"8.0.3.0\"), found {other}"
                        ),
                    });
                }
            }
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(Error::Io {
                path: manifest,
                source,
            });
        }
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()));
    Ok(name
        .as_deref()
        .and_then(|name| name.strip_prefix("vsphere-"))
        .filter(|release| merge::release_key(release).is_some())
        .map(str::to_owned))
}

/// The component files of a snapshot directory, sorted by name.
pub fn component_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_file() && name.ends_with(".json") && !NOT_COMPONENTS.contains(&name) {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(Error::EmptySnapshot {
            dir: dir.to_path_buf(),
        });
    }
    Ok(files)
}

/// Reads one component file (`{"value": ComponentData}`).
pub fn read_component(path: &Path) -> Result<ComponentData, Error> {
    thread_local! {
        // A file's text is only needed while it is parsed, so each thread
        // reads every file into the same buffer: the snapshots are 70 MB,
        // and memory the process has not touched yet costs a page fault
        // and zeroing per page; the parsed data owns its strings.
        static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    TEXT.with_borrow_mut(|text| {
        text.clear();
        std::fs::File::open(path)
            .and_then(|mut file| std::io::Read::read_to_string(&mut file, text))
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
        parse_component(text, path)
    })
}

/// Parses component JSON; `path` only names the source in errors.
pub fn parse_component(text: &str, path: &Path) -> Result<ComponentData, Error> {
    // Tracking the path of every element slows parsing down by half; it is
    // only needed to say where a malformed document went wrong, so the
    // document is read a second time, with tracking, when the first read fails.
    if let Ok(envelope) = serde_json::from_str::<ComponentEnvelope>(text) {
        return Ok(envelope.value);
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, ComponentEnvelope>(deserializer) {
        Ok(envelope) => Ok(envelope.value),
        Err(err) => {
            let json_path = keyed_path(text, err.path());
            Err(Error::Parse {
                path: path.to_path_buf(),
                json_path,
                message: err.into_inner().to_string(),
            })
        }
    }
}

/// The error's JSON path, with list indices into vAPI maps (lists of
/// `{"key", "value"}`) replaced by the entry's key:
/// `value.info.packages["com.vmware.vcenter.vm"].services["…power"].operations["start"].params[0].type`.
/// Done on the error path only, by re-reading the document as plain JSON.
fn keyed_path(text: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let document: Option<serde_json::Value> = serde_json::from_str(text).ok();
    let mut node = document.as_ref();
    let mut out = String::new();
    let segments: Vec<&Segment> = path.iter().collect();
    let mut i = 0;
    while i < segments.len() {
        match segments[i] {
            Segment::Seq { index } => {
                let entry = node.and_then(|n| n.get(*index));
                let key = entry.and_then(|e| e.get("key")).and_then(|k| k.as_str());
                let is_value_next =
                    matches!(segments.get(i + 1), Some(Segment::Map { key }) if key == "value");
                match key {
                    Some(key)
                        if is_value_next && entry.is_some_and(|e| e.get("value").is_some()) =>
                    {
                        out.push_str(&format!("[{key:?}]"));
                        node = entry.and_then(|e| e.get("value"));
                        i += 2;
                        continue;
                    }
                    _ => {
                        out.push_str(&format!("[{index}]"));
                        node = entry;
                    }
                }
            }
            Segment::Map { key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
                node = node.and_then(|n| n.get(key.as_str()));
            }
            Segment::Enum { variant } => {
                out.push('.');
                out.push_str(variant);
            }
            Segment::Unknown => out.push_str(".?"),
        }
        i += 1;
    }
    if out.is_empty() {
        "the top level".to_owned()
    } else {
        out
    }
}

/// Parses a JSON file into an untyped value and nothing else: the floor of
/// what reading a snapshot costs, which `cargo xtask bench` compares the
/// generator with. Compiled with the generator's optimization settings, so
/// the comparison is fair.
pub fn parse_untyped(path: &Path) -> Result<serde_json::Value, Error> {
    let text = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&text).map_err(|err| Error::Parse {
        path: path.to_path_buf(),
        json_path: format!("line {} column {}", err.line(), err.column()),
        message: err.to_string(),
    })
}
