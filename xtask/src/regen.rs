//! `cargo xtask regen`: rebuilds the `vsphere-vapi` crate in `generated/`
//! from a metamodel snapshot.
//!
//! Only files whose content changes are rewritten (so timestamps, and with
//! them incremental builds, stay put), and files under `generated/` that the
//! emitter no longer produces are deleted. Nothing outside `generated/` is
//! touched. `--check` compares instead of writing and fails when the
//! directory is out of date, for CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use vsphere_vapi_codegen::emit::{self, DEFAULT_SNAPSHOT, GeneratedCrate, Options};
use vsphere_vapi_codegen::ir::{Model, StructureKind};

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot directory to generate from [default: metamodel-snapshots/vsphere-9.1.1.0]
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// Compare generated/ with what would be written and exit non-zero,
    /// naming the stale, missing and extra files, when they differ. Writes nothing.
    #[arg(long)]
    check: bool,
    /// Write every documentation reference that could not be linked (where,
    /// what, why) to FILE, one per line.
    #[arg(long, value_name = "FILE")]
    doc_report: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = crate::repo_root();
    let snapshot = args
        .snapshot
        .unwrap_or_else(|| root.join("metamodel-snapshots").join(DEFAULT_SNAPSHOT));
    let snapshot_name = snapshot_name(&snapshot)?;

    let model = vsphere_vapi_codegen::load_snapshot(&snapshot)
        .with_context(|| format!("loading the snapshot {}", snapshot.display()))?;
    let loaded = started.elapsed();

    let options = Options {
        snapshot: snapshot_name.clone(),
    };
    let generated = emit::generate_with(&model, &options)
        .with_context(|| format!("generating code from {}", snapshot.display()))?;
    let emitted = started.elapsed();

    if let Some(path) = &args.doc_report {
        let mut text = String::new();
        for unresolved in &generated.docs.unresolved {
            text.push_str(&format!(
                "{}\t{}\t{}\n",
                unresolved.location, unresolved.target, unresolved.reason
            ));
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let out_dir = root.join("generated");
    let diff = compare(&out_dir, &generated)?;
    let table_current = crate::wire_tables::sync(&root, &model, &snapshot_name, args.check)?;

    if args.check {
        print_summary(
            &model,
            &generated,
            &snapshot_name,
            None,
            started,
            loaded,
            emitted,
        );
        if diff.is_clean() && table_current {
            println!("generated/ is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        for path in &diff.stale {
            println!("stale:   generated/{}", path.display());
        }
        for path in &diff.missing {
            println!("missing: generated/{}", path.display());
        }
        for path in &diff.extra {
            println!("extra:   generated/{}", path.display());
        }
        eprintln!(
            "error: generated/ is out of date ({} stale, {} missing, {} extra){}; run `cargo xtask regen`",
            diff.stale.len(),
            diff.missing.len(),
            diff.extra.len(),
            if table_current {
                ""
            } else {
                ", wire suite table stale"
            }
        );
        return Ok(ExitCode::FAILURE);
    }

    apply(&out_dir, &generated, &diff)?;
    print_summary(
        &model,
        &generated,
        &snapshot_name,
        Some(&diff),
        started,
        loaded,
        emitted,
    );
    Ok(ExitCode::SUCCESS)
}

/// The snapshot directory's own name (`vsphere-9.1.1.0`), for file headers.
fn snapshot_name(snapshot: &Path) -> anyhow::Result<String> {
    let canonical = snapshot
        .canonicalize()
        .with_context(|| format!("snapshot directory {}", snapshot.display()))?;
    canonical
        .file_name()
        .and_then(|name| name.to_str())
        .map(str::to_owned)
        .with_context(|| {
            format!(
                "snapshot directory {} has no UTF-8 name",
                snapshot.display()
            )
        })
}

/// How `generated/` differs from the emitted crate.
#[derive(Debug, Default, PartialEq, Eq)]
struct Diff {
    /// Generated files whose content differs on disk.
    stale: Vec<PathBuf>,
    /// Generated files not on disk.
    missing: Vec<PathBuf>,
    /// Files on disk that are no longer generated.
    extra: Vec<PathBuf>,
    unchanged: usize,
}

impl Diff {
    fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

fn compare(out_dir: &Path, generated: &GeneratedCrate) -> anyhow::Result<Diff> {
    let mut diff = Diff::default();
    for (path, text) in &generated.files {
        check_relative(path)?;
        let target = out_dir.join(path);
        match std::fs::read(&target) {
            Ok(existing) if existing == text.as_bytes() => diff.unchanged += 1,
            Ok(_) => diff.stale.push(path.clone()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                diff.missing.push(path.clone())
            }
            Err(err) => return Err(err).with_context(|| format!("reading {}", target.display())),
        }
    }
    let expected: BTreeSet<&Path> = generated.files.keys().map(PathBuf::as_path).collect();
    for path in files_below(out_dir)? {
        if !expected.contains(path.as_path()) {
            diff.extra.push(path);
        }
    }
    Ok(diff)
}

/// Emitted paths must stay inside `generated/`.
fn check_relative(path: &Path) -> anyhow::Result<()> {
    if path.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(())
    } else {
        bail!(
            "the emitter produced the path {}, which leaves generated/",
            path.display()
        )
    }
}

/// Every file (and symlink, which is never followed) below `dir`, relative
/// to it, sorted.
fn files_below(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let absolute = dir.join(&relative);
        let entries = std::fs::read_dir(&absolute)
            .with_context(|| format!("listing {}", absolute.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", absolute.display()))?;
            let file_type = entry
                .file_type()
                .with_context(|| format!("inspecting {}", entry.path().display()))?;
            let child = relative.join(entry.file_name());
            if file_type.is_dir() {
                pending.push(child);
            } else {
                files.push(child);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn apply(out_dir: &Path, generated: &GeneratedCrate, diff: &Diff) -> anyhow::Result<()> {
    for path in diff.stale.iter().chain(&diff.missing) {
        let target = out_dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        let text = &generated.files[path];
        std::fs::write(&target, text).with_context(|| format!("writing {}", target.display()))?;
    }
    for path in &diff.extra {
        let target = out_dir.join(path);
        std::fs::remove_file(&target).with_context(|| format!("removing {}", target.display()))?;
        remove_empty_parents(out_dir, &target)?;
    }
    Ok(())
}

/// Removes the directories that deleting `file` left empty, up to (not
/// including) `out_dir`.
fn remove_empty_parents(out_dir: &Path, file: &Path) -> anyhow::Result<()> {
    let mut dir = file.parent();
    while let Some(current) = dir {
        if current == out_dir || !current.starts_with(out_dir) {
            break;
        }
        let is_empty = std::fs::read_dir(current)
            .with_context(|| format!("listing {}", current.display()))?
            .next()
            .is_none();
        if !is_empty {
            break;
        }
        std::fs::remove_dir(current).with_context(|| format!("removing {}", current.display()))?;
        dir = current.parent();
    }
    Ok(())
}

fn print_summary(
    model: &Model,
    generated: &GeneratedCrate,
    snapshot_name: &str,
    diff: Option<&Diff>,
    started: Instant,
    loaded: Duration,
    emitted: Duration,
) {
    let errors = model
        .structures
        .values()
        .filter(|s| s.kind == StructureKind::Error)
        .count();
    let operations: usize = model.services.values().map(|s| s.operations.len()).sum();
    println!("regen: metamodel-snapshots/{snapshot_name} -> generated/");
    println!(
        "  model:  {} packages, {} services, {} operations, {} structures ({} errors), {} enumerations, {} features",
        model.packages.len(),
        model.services.len(),
        operations,
        model.structures.len() - errors,
        errors,
        model.enumerations.len(),
        model.features.len(),
    );
    let typed: usize = model.resource_ids.values().map(|id| id.uses).sum();
    let unions: usize = model
        .structures
        .values()
        .flat_map(|s| &s.unions)
        .filter(|union| union.rust.is_some())
        .count();
    println!(
        "  typed:  {} identifier types over {typed} positions; {unions} union tags as enums",
        model.resource_ids.len(),
    );
    let reasons: Vec<String> = generated
        .docs
        .reasons()
        .into_iter()
        .map(|(reason, count)| format!("{count} {reason}"))
        .collect();
    println!(
        "  docs:   {} intra-doc links; {} references printed as code ({})",
        generated.docs.links,
        generated.docs.unresolved.len(),
        if reasons.is_empty() {
            "none".to_owned()
        } else {
            reasons.join("; ")
        }
    );
    let largest: BTreeMap<usize, &Path> = generated
        .files
        .iter()
        .map(|(path, text)| (text.lines().count(), path.as_path()))
        .collect();
    let (largest_lines, largest_path) = largest
        .iter()
        .next_back()
        .map(|(lines, path)| (*lines, path.display().to_string()))
        .unwrap_or_default();
    println!(
        "  output: {} files, {} lines (largest: {largest_path}, {largest_lines} lines)",
        generated.files.len(),
        generated.line_count(),
    );
    if let Some(diff) = diff {
        println!(
            "  wrote {} files ({} new), removed {}, {} unchanged",
            diff.stale.len() + diff.missing.len(),
            diff.missing.len(),
            diff.extra.len(),
            diff.unchanged
        );
    }
    println!(
        "  time:   {:.2} s (load {:.2} s, emit {:.2} s); peak memory {}",
        started.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        (emitted - loaded).as_secs_f64(),
        peak_memory().unwrap_or_else(|| "unknown".to_owned()),
    );
}

/// Peak resident set size of this process (`VmHWM`), Linux only.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.0} MiB", kib as f64 / 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(files: &[(&str, &str)]) -> GeneratedCrate {
        GeneratedCrate {
            files: files
                .iter()
                .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
                .collect(),
            ..GeneratedCrate::default()
        }
    }

    #[test]
    fn writes_changes_and_removes_extra_files_only_inside_the_output() {
        let temp = tempfile::tempdir().expect("temporary directory");
        let out = temp.path().join("generated");
        let outside = temp.path().join("keep.txt");
        std::fs::write(&outside, "outside").expect("write");
        std::fs::create_dir_all(out.join("src/old")).expect("mkdir");
        std::fs::write(out.join("src/old/gone.rs"), "old").expect("write");
        std::fs::write(out.join("Cargo.toml"), "same").expect("write");
        std::fs::write(out.join("src/lib.rs"), "before").expect("write");

        let generated = crate_with(&[
            ("Cargo.toml", "same"),
            ("src/lib.rs", "after"),
            ("src/new/mod_a.rs", "new"),
        ]);
        let diff = compare(&out, &generated).expect("compare");
        assert_eq!(
            diff,
            Diff {
                stale: vec![PathBuf::from("src/lib.rs")],
                missing: vec![PathBuf::from("src/new/mod_a.rs")],
                extra: vec![PathBuf::from("src/old/gone.rs")],
                unchanged: 1,
            }
        );
        apply(&out, &generated, &diff).expect("apply");
        assert_eq!(
            std::fs::read_to_string(out.join("src/lib.rs")).expect("read"),
            "after"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("src/new/mod_a.rs")).expect("read"),
            "new"
        );
        assert!(
            !out.join("src/old").exists(),
            "emptied directories are removed"
        );
        assert!(out.join("src").exists());
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "outside");

        let again = compare(&out, &generated).expect("compare");
        assert!(again.is_clean());
        assert_eq!(again.unchanged, 3);
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let temp = tempfile::tempdir().expect("temporary directory");
        let out = temp.path().join("generated");
        let generated = crate_with(&[("src/lib.rs", "text")]);
        apply(
            &out,
            &generated,
            &compare(&out, &generated).expect("compare"),
        )
        .expect("apply");
        let before = std::fs::metadata(out.join("src/lib.rs"))
            .and_then(|m| m.modified())
            .expect("mtime");
        std::thread::sleep(Duration::from_millis(20));
        let diff = compare(&out, &generated).expect("compare");
        apply(&out, &generated, &diff).expect("apply");
        let after = std::fs::metadata(out.join("src/lib.rs"))
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(before, after);
    }

    #[test]
    fn paths_leaving_the_output_are_rejected() {
        let temp = tempfile::tempdir().expect("temporary directory");
        let generated = crate_with(&[("../escape.rs", "x")]);
        let err = compare(temp.path(), &generated).unwrap_err();
        assert!(err.to_string().contains("leaves generated/"), "{err}");
    }
}
