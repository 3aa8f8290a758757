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
        // Every crate of the split names the runtime by a relative path;
        // the root one also becomes the workspace, with what the tests use.
        let text = if path.file_name() == Some(std::ffi::OsStr::new("Cargo.toml")) {
            let relative = if path == Path::new("Cargo.toml") {
                "path = \"../runtime\""
            } else {
                "path = \"../../../runtime\""
            };
            assert!(
                text.contains(relative),
                "{} depends on the runtime by {relative}",
                path.display()
            );
            let text = text.replace(
                relative,
                &format!("path = {:?}", runtime.display().to_string()),
            );
            if path == Path::new("Cargo.toml") {
                format!("{text}\n[dev-dependencies]\nserde_json = \"1\"\n\n[workspace]\n")
            } else {
                text
            }
        } else {
            text.clone()
        };
        std::fs::write(&target, text).unwrap_or_else(|err| panic!("{}: {err}", target.display()));
    }
    let tests = dir.join("tests");
    std::fs::create_dir_all(&tests).unwrap_or_else(|err| panic!("{}: {err}", tests.display()));
    for (name, text) in [
        ("union_round_trip.rs", UNION_ROUND_TRIP),
        ("missing_members.rs", MISSING_MEMBERS),
    ] {
        let test = tests.join(name);
        std::fs::write(&test, text).unwrap_or_else(|err| panic!("{}: {err}", test.display()));
    }
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock"))
        .unwrap_or_else(|err| panic!("{}: {err}", lock.display()));
}

/// Round trips of the demo union through both wire forms, including
/// unknown tag values (run as a test of the emitted crate).
const UNION_ROUND_TRIP: &str = r#"
// The fixture deprecates `RUNNING`: naming it warns users, as it should.
#![allow(deprecated)]

use serde_json::json;
use vsphere_vapi::demo::vm::tools::{Backing, BackingState, BackingTypeUnion};

/// Decodes `wire`, checks that `/api` and `/rest` encodings give it back.
fn round_trip(wire: serde_json::Value) -> Backing {
    let backing: Backing = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(vsphere_vapi_runtime::types::to_api_value(&backing).expect("api"), wire);
    assert_eq!(vsphere_vapi_runtime::types::to_rest_value(&backing).expect("rest"), wire);
    let text = serde_json::to_string(&backing).expect("text");
    assert_eq!(serde_json::from_str::<Backing>(&text).expect("text decodes"), backing);
    backing
}

#[test]
fn known_cases_round_trip() {
    let backing = round_trip(json!({"type": "FILE", "file": "disk.vmdk", "size": 5, "names": ["a"], "note": "n"}));
    assert_eq!(backing.r#type, BackingTypeUnion::File { file: Some("disk.vmdk".to_owned()), size: 5 });
    assert_eq!(backing.names, ["a"]);
    assert_eq!(backing.note.as_deref(), Some("n"));

    let backing = round_trip(json!({"type": "CLUSTER", "host": "host-1", "names": []}));
    assert_eq!(backing.r#type, BackingTypeUnion::Cluster { host: Some("host-1".to_owned()) });
    assert_eq!(backing.r#type.as_str(), "CLUSTER");
    assert_eq!(backing.r#type.tag(), vsphere_vapi::demo::vm::tools::BackingType::Cluster);

    let backing = round_trip(json!({"type": "NONE", "names": []}));
    assert_eq!(backing.r#type, BackingTypeUnion::None);
    let backing = round_trip(json!({"type": "UNKNOWN", "names": []}));
    assert_eq!(backing.r#type, BackingTypeUnion::Unknown);
}

#[test]
fn nested_union_round_trips() {
    let backing = round_trip(json!({
        "type": "HOST", "host": "host-1", "state": "RUNNING", "detail": "tools", "pid": 7, "names": []
    }));
    assert_eq!(
        backing.r#type,
        BackingTypeUnion::Host {
            host: Some("host-1".to_owned()),
            state: Some(BackingState::Running { detail: Some("tools".to_owned()), pid: 7 }),
        }
    );
    let backing = round_trip(json!({"type": "HOST", "names": []}));
    assert_eq!(backing.r#type, BackingTypeUnion::Host { host: None, state: None });
}

#[test]
fn unknown_tags_keep_their_members() {
    let backing = round_trip(json!({"type": "DISK", "disk": {"size": 3}, "host": "h", "names": []}));
    match &backing.r#type {
        BackingTypeUnion::UnknownValue { tag, fields } => {
            assert_eq!(tag, "DISK");
            assert_eq!(backing.r#type.tag().as_str(), "DISK");
            assert_eq!(fields.get("disk"), Some(&json!({"size": 3})));
            assert_eq!(fields.get("host"), Some(&json!("h")));
        }
        other => panic!("expected the catch-all, got {other:?}"),
    }
    let backing = round_trip(json!({"type": "HOST", "state": "SLEEPING", "depth": 2, "names": []}));
    match &backing.r#type {
        BackingTypeUnion::Host { state: Some(BackingState::Unknown { tag, fields }), .. } => {
            assert_eq!(tag, "SLEEPING");
            assert_eq!(fields.get("depth"), Some(&json!(2)));
        }
        other => panic!("expected an unknown state, got {other:?}"),
    }
    // Unknown outer and inner tags: every member survives.
    round_trip(json!({"type": "DISK", "state": "RUNNING", "detail": "d", "pid": 1, "extra": 1, "names": []}));
}

#[test]
fn built_values_serialize_flat() {
    let backing = Backing {
        r#type: BackingTypeUnion::Host { host: Some("host-9".to_owned()), state: Some(BackingState::NotRunning) },
        names: Vec::new(),
        note: None,
    };
    assert_eq!(
        serde_json::to_value(&backing).expect("encodes"),
        json!({"type": "HOST", "host": "host-9", "state": "NOT_RUNNING", "names": []})
    );
}

#[test]
fn lenient_and_strict_members() {
    let missing: Backing = serde_json::from_value(json!({"type": "NONE"})).expect("names missing");
    assert!(missing.names.is_empty());
    let null: Backing = serde_json::from_value(json!({"type": "NONE", "names": null})).expect("names null");
    assert!(null.names.is_empty());
    let error = serde_json::from_value::<Backing>(json!({"names": []})).expect_err("no tag");
    assert!(error.to_string().contains("missing field `type`"), "{error}");
    assert!(serde_json::from_value::<Backing>(json!({"type": 3, "names": []})).is_err());
    assert!(serde_json::from_value::<Backing>(json!({"type": "FILE", "file": 3})).is_err());
}
"#;

/// Missing required members at every depth (see `lower::zeros`): zeros
/// where the type has one, reported through `de::omitted_fields`, errors
/// where it has not (run as a test of the emitted crate).
const MISSING_MEMBERS: &str = r#"
// The fixture deprecates `RUNNING`: naming it warns users, as it should.
#![allow(deprecated)]

use serde_json::json;
use vsphere_vapi::demo::vm::tools::{
    Backing, BackingState, BackingTypeUnion, Counter, Node, Progress, Transfer,
};
use vsphere_vapi_runtime::de::omitted_fields;

fn assert_omitted(pairs: &[(&str, &str)]) {
    let omitted = omitted_fields();
    for (type_name, field) in pairs {
        assert!(
            omitted.contains(&(*type_name, *field)),
            "{type_name}.{field} not reported: {omitted:?}"
        );
    }
}

#[test]
fn zeros_at_every_depth() {
    let transfer: Transfer = serde_json::from_value(json!({
        "id": "t-1",
        "progress": {"counter": {}},
        "history": [{}, {"done": 3, "counter": {"n": 2, "flags": [true]}}],
        "by_name": {"a": {"label": "x", "counter": {"ok": true}}},
        "last": {},
        "claim": {"vm": "vm-1"},
        "node": {"children": [{"children": []}]}
    }))
    .expect("decodes");
    let zero_counter = Counter { n: 0, ok: false, weight: 0.0, flags: Vec::new() };
    let zero_progress = Progress { done: 0, label: String::new(), counter: zero_counter.clone(), note: None };
    assert_eq!(transfer.progress, zero_progress);
    assert_eq!(transfer.history[0], zero_progress);
    assert_eq!(transfer.history[1].done, 3);
    assert_eq!(transfer.history[1].counter, Counter { n: 2, flags: vec![true], ..zero_counter.clone() });
    assert_eq!(transfer.by_name.get("a").map(|p| p.label.as_str()), Some("x"));
    assert_eq!(transfer.by_name.get("a").map(|p| p.counter.ok), Some(true));
    assert_eq!(transfer.last, Some(zero_progress.clone()));
    assert_eq!(transfer.claim.name, "");
    assert_eq!(transfer.node.name, "");
    assert_eq!(transfer.node.children[0].name, "");
    assert_omitted(&[
        ("demo::vm::tools::Progress", "done"),
        ("demo::vm::tools::Progress", "label"),
        ("demo::vm::tools::Counter", "n"),
        ("demo::vm::tools::Counter", "flags"),
        ("demo::vm::tools::Claim", "name"),
        ("demo::vm::tools::Node", "name"),
    ]);

    // Whole structures missing: their zero, recursively.
    let sparse: Transfer = serde_json::from_value(json!({"id": "t-2", "claim": {"vm": "vm-1", "name": "c"}}))
        .expect("decodes");
    assert_eq!(sparse.progress, zero_progress);
    assert!(sparse.history.is_empty() && sparse.by_name.is_empty());
    assert_eq!(sparse.last, None);
    assert_eq!(sparse.node, Node { name: String::new(), parent: None, children: Vec::new() });
    assert_omitted(&[
        ("demo::vm::tools::Transfer", "progress"),
        ("demo::vm::tools::Transfer", "history"),
        ("demo::vm::tools::Transfer", "by_name"),
        ("demo::vm::tools::Transfer", "node"),
    ]);
}

#[test]
fn members_without_a_zero_stay_errors() {
    let cases = [
        (json!({"claim": {"vm": "vm-1"}}), "missing field `id`"),
        (json!({"id": "t"}), "missing field `claim`"),
        (json!({"id": "t", "claim": {}}), "missing field `vm`"),
        (json!({"id": "t", "claim": {"vm": "vm-1"}, "history": [{"counter": {"n": "x"}}]}), "invalid type"),
        (json!({"id": "t", "claim": {"vm": "vm-1"}, "progress": {"done": null}}), "invalid type"),
        (json!({"names": []}), "missing field `type`"),
    ];
    for (wire, expected) in cases {
        let error = if wire.get("names").is_some() {
            serde_json::from_value::<Backing>(wire.clone()).map(|_| ()).unwrap_err().to_string()
        } else {
            serde_json::from_value::<Transfer>(wire.clone()).map(|_| ()).unwrap_err().to_string()
        };
        assert!(error.contains(expected), "{wire}: {error}");
    }
}

#[test]
fn null_collections_are_empty_without_a_report() {
    let node: Node = serde_json::from_value(json!({"name": "n", "children": null})).expect("decodes");
    assert!(node.children.is_empty());
    assert!(!omitted_fields().contains(&("demo::vm::tools::Node", "children")));
}

#[test]
fn union_case_members() {
    let backing: Backing = serde_json::from_value(json!({"type": "FILE"})).expect("decodes");
    assert_eq!(backing.r#type, BackingTypeUnion::File { file: None, size: 0 });
    assert!(backing.names.is_empty());
    let backing: Backing =
        serde_json::from_value(json!({"type": "HOST", "state": "RUNNING", "names": []})).expect("decodes");
    assert_eq!(
        backing.r#type,
        BackingTypeUnion::Host { host: None, state: Some(BackingState::Running { detail: None, pid: 0 }) }
    );
    assert_omitted(&[
        ("demo::vm::tools::Backing", "size"),
        ("demo::vm::tools::Backing", "pid"),
        ("demo::vm::tools::Backing", "names"),
    ]);
    let null: Backing = serde_json::from_value(json!({"type": "NONE", "names": null})).expect("decodes");
    assert!(null.names.is_empty());
}
"#;

/// Reading a case field from another case's variant must not compile.
const WRONG_VARIANT: &str = r#"
use vsphere_vapi::demo::vm::tools::{Backing, BackingTypeUnion};

pub fn file_of(backing: &Backing) -> Option<&str> {
    match &backing.r#type {
        BackingTypeUnion::Cluster { file, .. } => file.as_deref(),
        _ => None,
    }
}

fn main() {}
"#;

fn cargo(dir: &Path, target: &Path, args: &[&str]) {
    let output = cargo_output(dir, target, args);
    assert!(
        output.status.success(),
        "`cargo {}` failed on the emitted crate in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn cargo_output(dir: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .output()
        .unwrap_or_else(|err| panic!("running cargo: {err}"))
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
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-features",
            "--all-targets",
        ],
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
        &[
            "doc",
            "--quiet",
            "--workspace",
            "--no-deps",
            "--all-features",
        ],
    );
    cargo(
        &dir,
        &target,
        &[
            "test",
            "--quiet",
            "--all-features",
            "--test",
            "union_round_trip",
            "--test",
            "missing_members",
        ],
    );
    // Compile-fail: `file` belongs to the `FILE` case, not to `Cluster`.
    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples)
        .unwrap_or_else(|err| panic!("{}: {err}", examples.display()));
    std::fs::write(examples.join("wrong_variant.rs"), WRONG_VARIANT)
        .unwrap_or_else(|err| panic!("writing the example: {err}"));
    let output = cargo_output(
        &dir,
        &target,
        &["check", "--all-features", "--example", "wrong_variant"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success()
            && stderr.contains("error[E0026]")
            && stderr.contains("does not have a field named `file`"),
        "reading `file` from the `Cluster` variant should not compile:\n{stderr}"
    );
}
