//! SLOW (a minute or more: checks the runtime's dependencies in a target
//! directory of its own): a union case field cannot be read from another
//! case's variant. Writes a tiny crate depending on the generated crate
//! (`vcenter-vm` only) and runs `cargo check` on it twice: reading
//! `host_device` from `BackingInfoType::HostDevice` compiles, reading it
//! from `BackingInfoType::StandardPortgroup` fails with E0026.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| panic!("tests/ has a parent directory"))
}

const RIGHT_VARIANT: &str = r#"
use vsphere_vapi::vcenter::vm::hardware::ethernet::{BackingInfo, BackingInfoType};

pub fn device(backing: &BackingInfo) -> Option<&str> {
    match &backing.r#type {
        BackingInfoType::HostDevice { host_device } => host_device.as_deref(),
        _ => None,
    }
}

fn main() {}
"#;

const WRONG_VARIANT: &str = r#"
use vsphere_vapi::vcenter::vm::hardware::ethernet::{BackingInfo, BackingInfoType};

pub fn device(backing: &BackingInfo) -> Option<&str> {
    match &backing.r#type {
        BackingInfoType::StandardPortgroup { host_device, .. } => host_device.as_deref(),
        _ => None,
    }
}

fn main() {}
"#;

fn check(dir: &Path, target: &Path, source: &str) -> Output {
    std::fs::write(dir.join("src/main.rs"), source)
        .unwrap_or_else(|err| panic!("writing main.rs: {err}"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap_or_else(|err| panic!("running cargo: {err}"))
}

#[test]
fn case_fields_are_unreachable_from_other_variants_slow() {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("union-compile-fail");
    let dir = base.join("misuse");
    let target = base.join("target");
    std::fs::create_dir_all(dir.join("src")).unwrap_or_else(|err| panic!("{err}"));
    let generated = workspace_root().join("generated");
    let generated = generated
        .canonicalize()
        .unwrap_or_else(|err| panic!("{}: {err}", generated.display()));
    let manifest = format!(
        "[package]\nname = \"misuse\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nvsphere-vapi = {{ path = {:?}, default-features = false, features = [\"vcenter-vm\"] }}\n\n\
         [workspace]\n",
        generated.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap_or_else(|err| panic!("{err}"));
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .unwrap_or_else(|err| panic!("copying Cargo.lock: {err}"));

    let right = check(&dir, &target, RIGHT_VARIANT);
    assert!(
        right.status.success(),
        "the right variant should compile:\n{}",
        String::from_utf8_lossy(&right.stderr)
    );
    let wrong = check(&dir, &target, WRONG_VARIANT);
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success()
            && stderr.contains("error[E0026]")
            && stderr.contains("does not have a field named `host_device`"),
        "reading `host_device` from `StandardPortgroup` should not compile:\n{stderr}"
    );
}
