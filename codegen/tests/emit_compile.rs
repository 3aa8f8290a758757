//! SLOW (about a minute on a cold target directory, seconds afterwards):
//! proves the golden code compiles. Writes the crate emitted for the demo
//! model (see `emit_support`) into `$CARGO_TARGET_TMPDIR/emit-compile-check`
//! with a path dependency on this workspace's runtime, then runs clippy with
//! warnings denied for all features, each feature alone and no features, and
//! rustdoc with warnings denied (broken intra-doc links, bare URLs, invalid
//! HTML). Text snapshots alone would let the generator drift into emitting
//! code that no longer builds.

mod emit_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use vsphere_vapi_codegen::emit::{self, Options};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("codegen has a parent directory"))
}

/// Writes the emitted crate as a standalone package (own `[workspace]`,
/// absolute runtime path, this workspace's lock file for identical versions).
fn write_crate(dir: &Path) {
    let options = Options {
        snapshot: "test-model".to_owned(),
    };
    let generated = emit::generate_with(&emit_support::demo_model(), &options)
        .unwrap_or_else(|err| panic!("emitting the demo model failed: {err}"));
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .unwrap_or_else(|err| panic!("clearing {}: {err}", dir.display()));
    }
    // Canonical, so cargo finds the runtime's own workspace (it inherits
    // package fields from it) even when reached through a symlink.
    let runtime = workspace_root().join("runtime");
    let runtime = runtime
        .canonicalize()
        .unwrap_or_else(|err| panic!("{}: {err}", runtime.display()));
    for (path, text) in &generated.files {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|err| panic!("{}: {err}", parent.display()));
        }
        let text = if path == Path::new("Cargo.toml") {
            let relative = "path = \"../runtime\"";
            assert!(
                text.contains(relative),
                "the manifest depends on ../runtime"
            );
            format!(
                "{}\n[workspace]\n",
                text.replace(
                    relative,
                    &format!("path = {:?}", runtime.display().to_string())
                )
            )
        } else {
            text.clone()
        };
        std::fs::write(&target, text).unwrap_or_else(|err| panic!("{}: {err}", target.display()));
    }
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .unwrap_or_else(|err| panic!("{}: {err}", lock.display()));
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .output()
        .unwrap_or_else(|err| panic!("running cargo: {err}"));
    assert!(
        output.status.success(),
        "`cargo {}` failed on the emitted crate in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn emitted_demo_crate_compiles_without_warnings_slow() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("emit-compile-check");
    let dir = base.join("vsphere-vapi");
    let target = base.join("target");
    write_crate(&dir);
    cargo(
        &dir,
        &target,
        &["clippy", "--quiet", "--all-features", "--all-targets"],
    );
    for features in ["demo", "vapi"] {
        cargo(
            &dir,
            &target,
            &[
                "clippy",
                "--quiet",
                "--no-default-features",
                "--features",
                features,
            ],
        );
    }
    cargo(
        &dir,
        &target,
        &["clippy", "--quiet", "--no-default-features"],
    );
    cargo(
        &dir,
        &target,
        &["doc", "--quiet", "--no-deps", "--all-features"],
    );
}
