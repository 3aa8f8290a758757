//! Both styles of documentation text render to the same rustdoc where they
//! mean the same thing.
//!
//! The live-dump texts are in the metamodel's own markup, as VMware's 7.0.3
//! OpenAPI descriptions still carry it (`{@term operation}`, `{@link
//! FilterSpec}`, `{@param.name ovfLibraryItemId}`, `<p>`); the snapshot texts
//! are the same sentences as the Python bindings give them ("class",
//! "attribute", "exception", `None`, `True`, absolute snake-case ids). Each
//! pair is set on the same element of the mini fixture, the crate is
//! generated from each version, and the element's rendered doc comment must
//! be identical (and free of markup).

use std::path::Path;

use serde_json::Value;
use vsphere_vapi_codegen::emit::{Options, generate_with};
use vsphere_vapi_codegen::snapshot::parse_component;
use vsphere_vapi_codegen::{build_model, read_component};

const FIXTURE: &str = "tests/fixtures/mini/com.vmware.demo.json";

const SERVICE: &str = "/value/info/packages/0/value/services/0/value";
const GET: &str = "/value/info/packages/0/value/services/0/value/operations/2/value";
const INFO: &str = "/value/info/packages/0/value/services/0/value/structures/1/value";
const INFO_NAME: &str = "/value/info/packages/0/value/services/0/value/structures/1/value/fields/0";
const GET_ERROR: &str = "/value/info/packages/0/value/services/0/value/operations/2/value/errors/0";
const NOT_FOUND: &str = "/value/info/packages/1/value/structures/0/value";

/// (JSON pointer of an element, live-dump text, snapshot text).
const PAIRS: &[(&str, &str, &str)] = &[
    (
        SERVICE,
        "The {@name Widget} {@term service} provides {@term operations} to manage widgets. This {@term service} was added in vSphere API 7.0.0.0.",
        "The {@code Widget} class provides methods to manage widgets. This class was added in vSphere API 7.0.0.0.",
    ),
    (
        INFO,
        "The {@name Info} {@term structure} contains {@term fields} that describe a widget. <p> If {@term unset}, {@link #get} fails.",
        "The {@code Info} class contains attributes that describe a widget.\n\nIf None, {@link com.vmware.demo.widget#get} fails.",
    ),
    (
        INFO_NAME,
        "Name of the widget (see {@link Info#type}). If {@term unset}, defaults to {@code true}.",
        "Name of the widget (see {@link com.vmware.demo.widget.info#type}). If None, defaults to True.",
    ),
    (
        GET_ERROR,
        "if the widget specified by {@param.name widget} does not exist.",
        "if the widget specified by {@code widget} does not exist.",
    ),
    (
        NOT_FOUND,
        "Stack of one or more localizable messages for human {@term error} consumers. <p> The message at the top of the stack (first in the list) describes the {@term error} from the perspective of the {@term operation} the client invoked.",
        "Stack of one or more localizable messages for human exception consumers.\n\nThe message at the top of the stack (first in the list) describes the exception from the perspective of the method the client invoked.",
    ),
    (
        GET,
        "Returns a widget. See {@link com.vmware.vapi.std.errors.not_found} for a missing one.\n@deprecated Use {@link Info#name} instead.",
        "Returns a widget. See {@link com.vmware.vapi.std.errors.not_found} for a missing one.\n\n.. deprecated:: This method is deprecated. Use {@link com.vmware.demo.widget.info#name} instead.",
    ),
];

fn fixture() -> Value {
    let text = std::fs::read_to_string(FIXTURE).expect("mini fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

/// The generated crate's files when the pairs' texts of one style are set.
fn generate(live: bool) -> std::collections::BTreeMap<std::path::PathBuf, String> {
    let mut json = fixture();
    for (pointer, live_text, snapshot_text) in PAIRS {
        let element = json
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("no element at {pointer}"));
        element["documentation"] =
            Value::String(if live { live_text } else { snapshot_text }.to_string());
    }
    let component = parse_component(&json.to_string(), Path::new(FIXTURE)).expect("component");
    let model = build_model(&[component]).expect("model");
    let options = Options {
        snapshot: "test-model".to_owned(),
    };
    generate_with(&model, &options).expect("generated").files
}

#[test]
fn the_fixture_still_loads_as_is() {
    read_component(Path::new(FIXTURE)).expect("mini fixture");
}

#[test]
fn live_and_snapshot_docs_render_identically() {
    let live = generate(true);
    let snapshot = generate(false);
    assert_eq!(
        live.keys().collect::<Vec<_>>(),
        snapshot.keys().collect::<Vec<_>>()
    );
    for (path, live_text) in &live {
        let snapshot_text = &snapshot[path];
        if live_text != snapshot_text {
            let differing: Vec<String> = live_text
                .lines()
                .zip(snapshot_text.lines())
                .filter(|(a, b)| a != b)
                .take(5)
                .map(|(a, b)| format!("live:     {a}\nsnapshot: {b}"))
                .collect();
            panic!("{} differs:\n{}", path.display(), differing.join("\n"));
        }
    }
}

#[test]
fn the_rendered_docs_are_linked_and_in_rust_words() {
    let files = generate(true);
    let root = &files[Path::new("crates/demo/src/demo.rs")];
    // The service, in Rust's words, with its lifecycle as one line.
    assert!(
        root.contains(
            "/// The [`Widget`](crate::demo::Widget) service provides methods to manage widgets.\n///\n/// Since vSphere API 7.0.0.0.\n"
        ),
        "{root}"
    );
    let widget = &files[Path::new("crates/demo/src/demo/widget.rs")];
    // `{@link #get}` from a structure of the service: the method.
    assert!(widget.contains("/// If `None`, [`Widget::get`](crate::demo::Widget::get) fails."));
    // `{@link Info#type}`: the raw field, linked by its keyword name.
    assert!(widget.contains(
        "/// Name of the widget (see [`Info::type`](crate::demo::widget::Info::type)). If `None`, defaults to `true`."
    ));
    // A standard error links to its type (the fixture has no error-type
    // enumeration, so no `ErrorKind` variant to name).
    assert!(root.contains(
        "/// Returns a widget. See [`NotFound`](crate::vapi::standard::errors::NotFound) for a missing one.\n"
    ));
    // Deprecation: a line and the attribute, with the note's link as text.
    assert!(root.contains(
        "/// **Deprecated**: Use [`Info::name`](crate::demo::widget::Info::name) instead.\n"
    ));
    assert!(root.contains("#[deprecated(note = \"Use Info::name instead.\")]"));
    // The parameter reference.
    assert!(root.contains("if the widget specified by `widget` does not exist."));
    for text in files.values() {
        for line in text.lines().filter(|l| l.trim_start().starts_with("///")) {
            for leftover in [
                "{@",
                "@term",
                "class",
                "attribute",
                "exception",
                "True",
                "<p>",
            ] {
                assert!(!line.contains(leftover), "{leftover:?} in {line}");
            }
        }
    }
}
