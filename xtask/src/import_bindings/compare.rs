//! Comparing a fresh import with the committed files (`--check`).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

pub(super) fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(err).with_context(|| format!("removing {}", dir.display())),
    }
}

/// Differences between the committed directory and a fresh import, one line each.
pub(super) fn compare_dirs(committed: &Path, fresh: &Path) -> Result<Vec<String>> {
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
pub(super) fn compare_files(committed: &Path, fresh: &Path) -> Result<Option<String>> {
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
