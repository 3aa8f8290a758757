//! Which snapshots the commands read: by default every release snapshot in
//! `metamodel-snapshots/` (`vsphere-<release>/`), united into one model.

use std::path::{Path, PathBuf};

use anyhow::Context;
use vsphere_vapi_codegen::ir::Model;
use vsphere_vapi_codegen::merge::MergeReport;

/// The release snapshot directories below `root/metamodel-snapshots`
/// (`vsphere-<release>`), oldest release first.
pub fn release_dirs(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let base = root.join("metamodel-snapshots");
    vsphere_vapi_codegen::release_dirs(&base)
        .with_context(|| format!("finding the release snapshots in {}", base.display()))
}

/// The model of some snapshot directories.
pub struct Loaded {
    pub model: Model,
    /// The merge report when release snapshots were united (one or more);
    /// `None` for a single snapshot that names no release (a live dump).
    pub report: Option<MergeReport>,
    /// The directories' names for file headers: `vsphere-9.1.1.0`, or
    /// `{vsphere-8.0.3.0,vsphere-9.1.1.0}` for several.
    pub name: String,
}

/// Loads `dirs` (the release snapshots of `root` when empty): one snapshot
/// without a release as it is, release snapshots as their union.
pub fn load(root: &Path, dirs: &[PathBuf]) -> anyhow::Result<Loaded> {
    let dirs = if dirs.is_empty() {
        release_dirs(root)?
    } else {
        dirs.to_vec()
    };
    let mut names = Vec::new();
    for dir in &dirs {
        names.push(dir_name(dir)?);
    }
    let name = match names.as_slice() {
        [one] => one.clone(),
        many => format!("{{{}}}", many.join(",")),
    };
    if let [single] = dirs.as_slice() {
        let release = vsphere_vapi_codegen::snapshot_release(single)
            .with_context(|| format!("reading {}", single.display()))?;
        if release.is_none() {
            let model = vsphere_vapi_codegen::load_snapshot(single)
                .with_context(|| format!("loading the snapshot {}", single.display()))?;
            return Ok(Loaded {
                model,
                report: None,
                name,
            });
        }
    }
    let (model, report) = vsphere_vapi_codegen::load_union(&dirs)
        .with_context(|| format!("loading the snapshots {name}"))?;
    Ok(Loaded {
        model,
        report: Some(report),
        name,
    })
}

/// A snapshot directory's own name (`vsphere-9.1.1.0`).
fn dir_name(dir: &Path) -> anyhow::Result<String> {
    let canonical = dir
        .canonicalize()
        .with_context(|| format!("snapshot directory {}", dir.display()))?;
    canonical
        .file_name()
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .with_context(|| format!("snapshot directory {} has no UTF-8 name", dir.display()))
}
