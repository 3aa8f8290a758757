//! `cargo xtask fetch` against a local stand-in for a vCenter (see `support/mod.rs`).
//!
//! The stub serves snapshot files compactly re-encoded (keys reversed, non-ASCII escaped,
//! floats in another spelling), so reproducing the files byte for byte proves that fetch writes
//! the canonical form rather than copying what it received.

mod support;

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};
use support::{Faults, Stub, fetch, read_files};

const LIST: &str = "GET /rest/com/vmware/vapi/metadata/metamodel/component";
const LOGIN: &str = "POST /rest/com/vmware/cis/session";
const LOGOUT: &str = "DELETE /rest/com/vmware/cis/session";

fn get(id: &str) -> String {
    format!("GET /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}")
}

fn fingerprint(id: &str) -> String {
    format!("POST /rest/com/vmware/vapi/metadata/metamodel/component/id:{id}?~action=fingerprint")
}

/// The component files of `dir` (everything but the manifest).
fn component_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_files(dir)
        .into_iter()
        .filter(|(name, _)| support::is_component_file(name))
        .collect()
}

fn read_manifest(dir: &Path) -> Value {
    let bytes = std::fs::read(dir.join("manifest.json")).expect("manifest.json exists");
    serde_json::from_slice(&bytes).expect("manifest.json is JSON")
}

/// Fetches the fixture into a fresh directory; returns the stub, the temp dir and the output dir.
fn fetched_fixture() -> (Stub, tempfile::TempDir, std::path::PathBuf) {
    let stub = Stub::serve(support::load_components(&support::fixture_dir()));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");
    fetch(&stub.url, &out, &[]).ok();
    stub.take_log();
    (stub, temp, out)
}

/// A copy of a fixture component with a new fingerprint and documentation: what the server
/// returns after an update.
fn changed(id: &str, marker: &str) -> Value {
    let mut document = support::load_components(&support::fixture_dir())
        .remove(id)
        .expect("fixture component");
    document["value"]["fingerprint"] = json!(format!("changed-{marker}"));
    document["value"]["info"]["documentation"] = json!(format!("Changed: {marker} ✓"));
    document
}

/// Runs a fetch that must fail, checks that it left `out` byte-identical and no staging
/// directory behind, and returns its error output.
fn failing_fetch(stub: &Stub, out: &Path, extra: &[&str]) -> String {
    let before = read_files(out);
    let stderr = fetch(&stub.url, out, extra).failed();
    assert_eq!(
        read_files(out),
        before,
        "a failed fetch changed {}",
        out.display()
    );
    let parent = out.parent().expect("out has a parent");
    assert_eq!(support::staging_leftovers(parent), Vec::<String>::new());
    assert!(
        stderr.contains("was left unchanged") || stderr.contains("logging in"),
        "{stderr}"
    );
    stderr
}

#[test]
fn full_fetch_reproduces_the_fixture_byte_for_byte() {
    let fixture = support::fixture_dir();
    let stub = Stub::serve(support::load_components(&fixture));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");

    let run = fetch(&stub.url, &out, &[]).ok();

    assert_eq!(component_files(&out), component_files(&fixture));
    let ids = [
        "com.vmware.cis",
        "com.vmware.vapi.std",
        "com.vmware.vcenter.demo",
    ];
    let mut expected_log = vec![LOGIN.to_owned(), LIST.to_owned()];
    expected_log.extend(ids.iter().map(|id| get(id)));
    expected_log.push(LOGOUT.to_owned());
    assert_eq!(stub.take_log(), expected_log);
    assert_eq!(
        stub.rejected(),
        0,
        "every request after login carried the session id"
    );
    assert_eq!(stub.open_sessions(), 0, "fetch logged out");

    let manifest = read_manifest(&out);
    assert_eq!(manifest["source"]["server"], json!(stub.url));
    assert_eq!(manifest["source"]["generator"], json!("cargo xtask fetch"));
    let counts = |id: &str,
                  packages: u64,
                  services: u64,
                  operations: u64,
                  structures: u64,
                  enumerations: u64| {
        json!({"id": id, "file": format!("{id}.json"), "packages": packages, "services": services,
               "operations": operations, "structures": structures, "enumerations": enumerations, "errors": 0})
    };
    assert_eq!(
        manifest["components"],
        json!([
            counts("com.vmware.cis", 1, 1, 1, 0, 0),
            counts("com.vmware.vapi.std", 1, 0, 0, 0, 0),
            counts("com.vmware.vcenter.demo", 1, 0, 0, 1, 1),
        ])
    );
    assert_eq!(
        manifest["totals"],
        json!({"packages": 3, "services": 1, "operations": 1, "structures": 1, "enumerations": 1, "errors": 0})
    );
    assert!(
        run.stdout
            .contains("3 new, 0 updated, 0 unchanged, 0 removed"),
        "{}",
        run.stdout
    );
    // Not a terminal: one plain progress line per component.
    assert!(
        run.stderr.contains("[3/3] com.vmware.vcenter.demo: new"),
        "{}",
        run.stderr
    );
}

#[test]
fn full_fetch_reproduces_the_committed_snapshot_byte_for_byte() {
    let committed = support::repo_root().join("metamodel-snapshots/vsphere-9.1.1.0");
    let components = support::load_components(&committed);
    assert!(
        components.contains_key("com.vmware.vcenter") && components.contains_key("com.vmware.cis"),
        "{} lacks the main components",
        committed.display()
    );
    let stub = Stub::serve(components);
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");

    fetch(&stub.url, &out, &[]).ok();

    let fetched = component_files(&out);
    let expected = component_files(&committed);
    assert_eq!(
        fetched.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &expected {
        assert!(
            fetched[name] == *bytes,
            "{name} differs from the committed file"
        );
    }
    // The manifest's figures are counted the way import-bindings counts them.
    let committed_manifest = read_manifest(&committed);
    let manifest = read_manifest(&out);
    assert_eq!(manifest["components"], committed_manifest["components"]);
    assert_eq!(manifest["totals"], committed_manifest["totals"]);
}

#[test]
fn refetch_of_an_unchanged_server_downloads_nothing_and_changes_no_file() {
    let (stub, _temp, out) = fetched_fixture();
    let before = read_files(&out);

    let run = fetch(&stub.url, &out, &[]).ok();

    let ids = [
        "com.vmware.cis",
        "com.vmware.vapi.std",
        "com.vmware.vcenter.demo",
    ];
    let mut expected_log = vec![LOGIN.to_owned(), LIST.to_owned()];
    expected_log.extend(ids.iter().map(|id| fingerprint(id)));
    expected_log.push(LOGOUT.to_owned());
    assert_eq!(stub.take_log(), expected_log);
    assert_eq!(read_files(&out), before, "manifest included");
    assert!(
        run.stdout
            .contains("0 new, 0 updated, 3 unchanged, 0 removed; 0 file(s) written"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_changed_fingerprint_downloads_just_that_component() {
    let (stub, _temp, out) = fetched_fixture();
    let before = read_files(&out);
    stub.set_component("com.vmware.vapi.std", changed("com.vmware.vapi.std", "one"));

    fetch(&stub.url, &out, &[]).ok();

    let log = stub.take_log();
    let downloads: Vec<&String> = log
        .iter()
        .filter(|line| line.starts_with("GET ") && line.contains("/id:"))
        .collect();
    assert_eq!(downloads, [&get("com.vmware.vapi.std")]);
    let after = read_files(&out);
    for (name, bytes) in &before {
        if name != "manifest.json" {
            assert_eq!(
                after[name] != *bytes,
                name == "com.vmware.vapi.std.json",
                "{name}"
            );
        }
    }
    let text = String::from_utf8(after["com.vmware.vapi.std.json"].clone()).expect("UTF-8");
    assert!(
        text.contains("\"documentation\": \"Changed: one ✓\""),
        "{text}"
    );
    assert!(text.contains("\"fingerprint\": \"changed-one\""), "{text}");
}

#[test]
fn components_appear_and_disappear_with_the_server() {
    let (stub, _temp, out) = fetched_fixture();
    stub.remove_component("com.vmware.cis");
    let mut extra = changed("com.vmware.vapi.std", "new");
    extra["value"]["info"]["name"] = json!("com.vmware.extra");
    stub.set_component("com.vmware.extra", extra);

    let run = fetch(&stub.url, &out, &[]).ok();

    let names: Vec<String> = read_files(&out).into_keys().collect();
    assert_eq!(
        names,
        [
            "com.vmware.extra.json",
            "com.vmware.vapi.std.json",
            "com.vmware.vcenter.demo.json",
            "manifest.json"
        ]
    );
    assert!(
        run.stdout
            .contains("1 new, 0 updated, 2 unchanged, 1 removed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("removed com.vmware.cis.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_expired_session_is_renewed_and_the_request_repeated() {
    let fixture = support::fixture_dir();
    let stub = Stub::serve(support::load_components(&fixture));
    stub.set_faults(Faults {
        expire_sessions_after_components: Some(1),
        ..Faults::default()
    });
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");

    fetch(&stub.url, &out, &[]).ok();

    assert_eq!(component_files(&out), component_files(&fixture));
    assert_eq!(
        stub.take_log(),
        [
            LOGIN.to_owned(),
            LIST.to_owned(),
            get("com.vmware.cis"),
            get("com.vmware.vapi.std"),
            LOGIN.to_owned(),
            get("com.vmware.vapi.std"),
            get("com.vmware.vcenter.demo"),
            LOGOUT.to_owned(),
        ]
    );
    assert_eq!(
        stub.open_sessions(),
        0,
        "the renewed session was logged out"
    );
}

#[test]
fn a_refused_renewal_of_an_expired_session_is_reported() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component("com.vmware.cis", changed("com.vmware.cis", "expired"));
    stub.set_faults(Faults {
        expire_sessions_after_components: Some(0),
        refuse_logins_after_expiry: true,
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains(&format!(
            "downloading component com.vmware.cis: {}: the session expired; logging in again: \
             {LOGIN}: HTTP 401 Unauthorized: the server rejected the user name or the password \
             (taken from the environment variable {})",
            get("com.vmware.cis"),
            support::PASSWORD_ENV
        )),
        "{stderr}"
    );
    let log = stub.take_log();
    assert_eq!(
        log.iter().filter(|line| *line == LOGIN).count(),
        2,
        "one renewal attempt: {log:?}"
    );
}

#[test]
fn rejected_login_is_reported_and_changes_nothing() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_faults(Faults {
        login_status: Some(401),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("logging in as administrator@vsphere.local"),
        "{stderr}"
    );
    assert!(
        stderr.contains("POST /rest/com/vmware/cis/session: HTTP 401 Unauthorized"),
        "{stderr}"
    );
    assert!(
        stderr.contains(support::PASSWORD_ENV),
        "names the password variable: {stderr}"
    );
    assert!(
        stderr.contains("Authentication required."),
        "shows the server's message: {stderr}"
    );
    assert_eq!(stub.take_log(), [LOGIN]);
}

#[test]
fn wrong_password_is_rejected_by_basic_auth() {
    let stub = Stub::serve(support::load_components(&support::fixture_dir()));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");
    let output = support::fetch_command(&stub.url, &out, &[])
        .env(support::PASSWORD_ENV, "not-the-password")
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("HTTP 401 Unauthorized"), "{stderr}");
    assert!(!stderr.contains("not-the-password"), "{stderr}");
    assert!(!out.exists(), "nothing is created when the fetch fails");
}

#[test]
fn missing_password_variable_is_explained() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");
    let output = support::fetch_command("http://127.0.0.1:9", &out, &[])
        .env_remove(support::PASSWORD_ENV)
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!(
            "environment variable {}, which is not set",
            support::PASSWORD_ENV
        )),
        "{stderr}"
    );
}

#[test]
fn a_component_body_that_is_not_json_is_reported_and_changes_nothing() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component("com.vmware.vapi.std", changed("com.vmware.vapi.std", "x"));
    stub.set_faults(Faults {
        component_body: Some((
            "com.vmware.vapi.std".into(),
            "<html>Service Unavailable</html>".into(),
        )),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("downloading component com.vmware.vapi.std"),
        "{stderr}"
    );
    assert!(stderr.contains(&get("com.vmware.vapi.std")), "{stderr}");
    assert!(
        stderr.contains("the response is not valid JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("<html>Service Unavailable</html>"),
        "shows the start of the body: {stderr}"
    );
}

#[test]
fn a_component_of_the_wrong_shape_is_reported_and_changes_nothing() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component("com.vmware.vapi.std", changed("com.vmware.vapi.std", "x"));
    stub.set_faults(Faults {
        component_body: Some((
            "com.vmware.vapi.std".into(),
            r#"{"value": {"fingerprint": 42, "info": {"packages": []}}}"#.into(),
        )),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(stderr.contains(&get("com.vmware.vapi.std")), "{stderr}");
    assert!(
        stderr.contains(
            "unexpected response: ComponentData.fingerprint is a number, not a non-empty string"
        ),
        "{stderr}"
    );
}

#[test]
fn a_component_list_of_the_wrong_shape_is_reported() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_faults(Faults {
        list_body: Some(r#"{"value": {"com.vmware.cis": 1}}"#.into()),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("listing the metamodel components"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{LIST}: unexpected response")),
        "{stderr}"
    );
    assert_eq!(
        stub.take_log().last().map(String::as_str),
        Some(LOGOUT),
        "still logs out"
    );
}

#[test]
fn an_empty_component_list_does_not_empty_the_snapshot() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_faults(Faults {
        list_body: Some(r#"{"value": []}"#.into()),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("the server lists no metamodel components"),
        "{stderr}"
    );
}

#[test]
fn a_component_id_that_is_not_a_file_name_is_refused() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_faults(Faults {
        list_body: Some(r#"{"value": ["com.vmware.cis", "../../etc/x"]}"#.into()),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(stderr.contains("component id \"../../etc/x\""), "{stderr}");
}

#[test]
fn a_fingerprint_of_the_wrong_shape_is_reported() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_faults(Faults {
        fingerprint_body: Some((
            "com.vmware.vcenter.demo".into(),
            r#"{"value": ["fp"]}"#.into(),
        )),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("asking for the fingerprint of component com.vmware.vcenter.demo"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&fingerprint("com.vmware.vcenter.demo")),
        "{stderr}"
    );
    assert!(stderr.contains("got a list in \"value\""), "{stderr}");
}

#[test]
fn an_http_error_names_status_request_and_server_message() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component(
        "com.vmware.vcenter.demo",
        changed("com.vmware.vcenter.demo", "x"),
    );
    let body = r#"{"type":"com.vmware.vapi.std.errors.service_unavailable","value":{"messages":[{"default_message":"Metamodel service is starting."}]}}"#;
    stub.set_faults(Faults {
        component_status: Some(("com.vmware.vcenter.demo".into(), 503, body.into())),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains(&format!(
            "downloading component com.vmware.vcenter.demo: {}: HTTP 503 Service Unavailable: \
             SERVICE_UNAVAILABLE: Metamodel service is starting.",
            get("com.vmware.vcenter.demo")
        )),
        "{stderr}"
    );
}

#[test]
fn a_server_dying_mid_fetch_leaves_the_old_snapshot() {
    let (stub, _temp, out) = fetched_fixture();
    for id in [
        "com.vmware.cis",
        "com.vmware.vapi.std",
        "com.vmware.vcenter.demo",
    ] {
        stub.set_component(id, changed(id, "dies"));
    }
    // Two components download fine, then the server goes away in the middle of the third.
    stub.set_faults(Faults {
        die_after_components: Some(2),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains("downloading component com.vmware.vcenter.demo"),
        "{stderr}"
    );
    assert!(stderr.contains(&get("com.vmware.vcenter.demo")), "{stderr}");
    assert!(stderr.contains("the request failed"), "{stderr}");
    assert!(
        stderr.contains("logging out"),
        "the failed logout is only a warning: {stderr}"
    );
}

#[test]
fn a_connection_closed_mid_body_leaves_the_old_snapshot() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component(
        "com.vmware.vcenter.demo",
        changed("com.vmware.vcenter.demo", "cut"),
    );
    stub.set_faults(Faults {
        truncate_component: Some("com.vmware.vcenter.demo".into()),
        ..Faults::default()
    });

    let stderr = failing_fetch(&stub, &out, &[]);

    assert!(
        stderr.contains(&format!(
            "downloading component com.vmware.vcenter.demo: {}: the request failed",
            get("com.vmware.vcenter.demo")
        )),
        "{stderr}"
    );
}

#[test]
fn a_slow_server_times_out_with_a_clear_message() {
    let (stub, _temp, out) = fetched_fixture();
    stub.set_component("com.vmware.cis", changed("com.vmware.cis", "slow"));
    stub.set_faults(Faults {
        stall_component: Some(("com.vmware.cis".into(), Duration::from_secs(30))),
        ..Faults::default()
    });

    let started = Instant::now();
    let stderr = failing_fetch(&stub, &out, &["--timeout", "1"]);

    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        stderr.contains(&format!(
            "downloading component com.vmware.cis: {}: the request timed out",
            get("com.vmware.cis")
        )),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_fetch_and_leaves_the_old_snapshot() {
    let (stub, _temp, out) = fetched_fixture();
    let before = read_files(&out);
    stub.set_component("com.vmware.vapi.std", changed("com.vmware.vapi.std", "int"));
    stub.set_component("com.vmware.cis", changed("com.vmware.cis", "int"));
    stub.set_faults(Faults {
        stall_component: Some(("com.vmware.vapi.std".into(), Duration::from_secs(60))),
        ..Faults::default()
    });

    let child = support::fetch_command(&stub.url, &out, &[])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xtask starts");
    // Wait until the stalled download is in flight (com.vmware.cis, downloaded before it, is
    // then staged), then interrupt.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    while !seen.contains(&get("com.vmware.vapi.std")) {
        assert!(
            Instant::now() < deadline,
            "the stalled request never arrived: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
        seen.extend(stub.take_log());
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());

    let stderr = support::finish(child).failed();

    assert!(
        stderr.contains("was left unchanged: interrupted"),
        "{stderr}"
    );
    assert_eq!(read_files(&out), before);
    assert_eq!(
        support::staging_leftovers(out.parent().expect("parent")),
        Vec::<String>::new()
    );
    assert_eq!(stub.open_sessions(), 0, "logged out after the interruption");
}

#[test]
fn help_documents_the_default_output_directory() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--help"])
        .output()
        .expect("xtask runs");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(help.contains("metamodel-snapshots/<host>"), "{help}");
    assert!(help.contains("--password-env"), "{help}");
}

#[test]
fn tls_certificates_are_verified_by_default() {
    let (stub, _ca_pem) = Stub::serve_tls(support::load_components(&support::fixture_dir()));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");

    let stderr = fetch(&stub.url, &out, &[]).failed();

    assert!(
        stderr.contains(
            "logging in as administrator@vsphere.local: POST /rest/com/vmware/cis/session"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("the server's TLS certificate was not accepted"),
        "{stderr}"
    );
    assert!(stderr.contains("--ca-cert"), "{stderr}");
    assert!(
        stub.take_log().is_empty(),
        "no request got through the failed handshake"
    );
    assert!(!out.exists());
}

#[test]
fn ca_cert_adds_the_servers_ca() {
    let fixture = support::fixture_dir();
    let (stub, ca_pem) = Stub::serve_tls(support::load_components(&fixture));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");
    let ca_file = temp.path().join("vmca.pem");
    std::fs::write(&ca_file, ca_pem).expect("CA file written");
    let ca_arg = ca_file.to_str().expect("UTF-8 temp path");

    let run = fetch(&stub.url, &out, &["--ca-cert", ca_arg]).ok();

    assert_eq!(component_files(&out), component_files(&fixture));
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn insecure_accepts_any_certificate_with_a_warning() {
    let (stub, _ca_pem) = Stub::serve_tls(support::load_components(&support::fixture_dir()));
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");

    let run = fetch(&stub.url, &out, &["--insecure"]).ok();

    assert!(
        run.stderr
            .contains("warning: --insecure: TLS certificate verification is OFF"),
        "{}",
        run.stderr
    );
    assert_eq!(component_files(&out).len(), 3);
}

#[test]
fn unusable_ca_cert_files_are_reported() {
    let temp = tempfile::tempdir().expect("temp dir");
    let out = temp.path().join("snapshot");
    let missing = temp.path().join("missing.pem");
    let not_pem = temp.path().join("not.pem");
    std::fs::write(&not_pem, "just text\n").expect("file written");

    for (file, expected) in [
        (&missing, "reading the CA certificate file"),
        (
            &not_pem,
            "(--ca-cert) is not a usable PEM file of CA certificates",
        ),
    ] {
        let path = file.to_str().expect("UTF-8 temp path");
        let stderr = fetch("https://127.0.0.1:9", &out, &["--ca-cert", path]).failed();
        assert!(
            stderr.contains(expected) && stderr.contains(path),
            "{stderr}"
        );
    }
}
