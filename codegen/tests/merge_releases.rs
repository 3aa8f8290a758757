//! The merge rules (`vsphere_vapi_codegen::merge`) on the hand-written
//! release fixtures `tests/fixtures/releases/vsphere-{8.0.3.0,9.0.0.0,9.1.1.0}`:
//! one `com.vmware.demo` component that gains and loses fields, parameters,
//! operations, services and enumeration values, and changes types, routes,
//! a constant and an owner between releases.

use std::path::PathBuf;
use std::sync::OnceLock;

use vsphere_vapi_codegen::emit;
use vsphere_vapi_codegen::ir::{Builtin, Field, Model, Owner, TypeRef};
use vsphere_vapi_codegen::merge::{Conflict, ConflictKind, MergeReport};

const RELEASES: [&str; 3] = ["8.0.3.0", "9.0.0.0", "9.1.1.0"];

fn dirs() -> Vec<PathBuf> {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/releases");
    RELEASES
        .iter()
        .map(|release| base.join(format!("vsphere-{release}")))
        .collect()
}

fn union() -> &'static (Model, MergeReport) {
    static UNION: OnceLock<(Model, MergeReport)> = OnceLock::new();
    UNION.get_or_init(|| {
        vsphere_vapi_codegen::load_union(&dirs()).unwrap_or_else(|err| panic!("{err}"))
    })
}

fn model() -> &'static Model {
    &union().0
}

fn report() -> &'static MergeReport {
    &union().1
}

fn present(releases: &[&str]) -> Vec<String> {
    releases.iter().map(|r| (*r).to_owned()).collect()
}

fn field<'m>(structure: &str, name: &str) -> &'m Field {
    model().structures[structure]
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("{structure} has no field {name}"))
}

fn param<'m>(service: &str, operation: &str, name: &str) -> &'m Field {
    model().services[service]
        .operations
        .iter()
        .find(|op| op.id == operation)
        .and_then(|op| op.params.iter().find(|p| p.name == name))
        .unwrap_or_else(|| panic!("{service}.{operation} has no parameter {name}"))
}

fn conflict(kind: ConflictKind, element: &str) -> &'static Conflict {
    report()
        .conflicts
        .iter()
        .find(|c| c.kind == kind && c.element == element)
        .unwrap_or_else(|| {
            panic!(
                "no {kind:?} conflict for {element}: {:#?}",
                report().conflicts
            )
        })
}

/// `(releases, text)` of each definition of a conflict.
fn definitions(conflict: &Conflict) -> Vec<(String, String)> {
    conflict
        .definitions
        .iter()
        .map(|d| (d.releases.join(" "), d.text.clone()))
        .collect()
}

fn optional(ty: TypeRef) -> TypeRef {
    TypeRef::Optional(Box::new(ty))
}

fn string() -> TypeRef {
    TypeRef::Builtin(Builtin::String)
}

fn widget_code() -> &'static str {
    static CODE: OnceLock<String> = OnceLock::new();
    CODE.get_or_init(|| {
        emit::render_service(model(), "com.vmware.demo.widget")
            .unwrap_or_else(|err| panic!("{err}"))
    })
}

#[test]
fn the_model_knows_its_releases_oldest_first() {
    assert_eq!(model().releases, present(&RELEASES));
    assert_eq!(report().releases, present(&RELEASES));
    // Any order of the directories gives the same union.
    let mut reversed = dirs();
    reversed.reverse();
    let (again, again_report) =
        vsphere_vapi_codegen::load_union(&reversed).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(&again, model());
    assert_eq!(&again_report, report());
}

#[test]
fn a_field_added_later_is_optional_and_knows_its_release() {
    let serial = field("com.vmware.demo.widget.info", "serial");
    assert_eq!(serial.ty, optional(string()));
    assert_eq!(serial.releases.present, present(&["9.1.1.0"]));
    assert!(
        report()
            .optional_absent
            .contains(&"structure com.vmware.demo.widget.info field serial".to_owned())
    );
    let name = field("com.vmware.demo.widget.info", "name");
    assert_eq!(name.ty, string(), "a field of every release stays required");
    assert_eq!(name.releases.present, present(&RELEASES));
}

#[test]
fn a_removed_field_stays_optional_and_documented() {
    let legacy = field("com.vmware.demo.widget.info", "legacy_code");
    assert_eq!(legacy.ty, optional(string()));
    assert_eq!(legacy.releases.present, present(&["8.0.3.0"]));
    assert!(
        widget_code().contains("**Removed** in vSphere API release 9.0.0.0 (last in 8.0.3.0)."),
        "{}",
        widget_code()
    );
}

#[test]
fn a_field_one_release_declares_optional_is_optional() {
    let note = field("com.vmware.demo.widget.info", "note");
    assert_eq!(note.ty, optional(string()));
    assert_eq!(note.releases.present, present(&RELEASES));
    assert!(
        report()
            .optional_declared
            .contains(&"structure com.vmware.demo.widget.info field note".to_owned())
    );
}

#[test]
fn a_parameter_added_later_is_optional_and_set_on_the_builder() {
    let owner = param("com.vmware.demo.widget", "list", "owner");
    assert_eq!(owner.ty, optional(string()));
    assert_eq!(owner.releases.present, present(&["9.0.0.0", "9.1.1.0"]));
    let list = model().services["com.vmware.demo.widget"]
        .operations
        .iter()
        .find(|op| op.id == "list")
        .expect("list");
    assert!(list.call.required.is_empty());
    let setters: Vec<&str> = list
        .call
        .builder
        .as_ref()
        .expect("a builder for the optional parameters")
        .setters
        .iter()
        .map(|(_, name)| name.as_str())
        .collect();
    assert_eq!(setters, ["owner", "filter"]);
}

#[test]
fn a_removed_service_is_generated_and_documented_as_removed() {
    let gadget = &model().services["com.vmware.demo.gadget"];
    assert_eq!(gadget.releases.present, present(&["8.0.3.0"]));
    assert_eq!(gadget.operations[0].releases.present, present(&["8.0.3.0"]));
    let code = emit::render_service(model(), "com.vmware.demo.gadget").expect("renders");
    assert!(
        code.contains("**Removed** in vSphere API release 9.0.0.0 (last in 8.0.3.0)."),
        "{code}"
    );
    assert!(
        code.contains(r#"present: &["8.0.3.0"]"#),
        "the spec names the releases: {code}"
    );
    // Missing from the middle release only.
    let gizmo = &model().services["com.vmware.demo.gizmo"];
    assert_eq!(gizmo.releases.present, present(&["8.0.3.0", "9.1.1.0"]));
    let code = emit::render_service(model(), "com.vmware.demo.gizmo").expect("renders");
    assert!(
        code.contains("Missing from vSphere API release 9.0.0.0."),
        "{code}"
    );
}

#[test]
fn an_operation_added_later_says_since_when() {
    let code = widget_code();
    assert!(
        code.contains("Not in vSphere API releases before 9.1.1.0."),
        "{code}"
    );
    assert!(
        code.contains(
            "releases: Releases {\n            known: crate::RELEASES,\n            present: &[\"9.1.1.0\"],\n        },"
        ),
        "{code}"
    );
    // An operation of every release shares the crate's constant.
    assert!(code.contains("releases: crate::EVERY_RELEASE,"), "{code}");
}

#[test]
fn an_enumeration_value_of_any_release_is_a_variant() {
    let color = &model().enumerations["com.vmware.demo.widget.color"];
    let values: Vec<(&str, Vec<String>)> = color
        .values
        .iter()
        .map(|v| (v.wire.as_str(), v.releases.present.clone()))
        .collect();
    assert_eq!(
        values,
        [
            ("RED", present(&RELEASES)),
            ("GREEN", present(&RELEASES)),
            ("BLUE", present(&["9.1.1.0"])),
            ("MAUVE", present(&["8.0.3.0"])),
        ]
    );
    assert!(widget_code().contains("Blue.\n"), "{}", widget_code());
}

#[test]
fn a_conflicting_field_type_takes_the_newest_and_is_reported_with_both() {
    let size = field("com.vmware.demo.widget.info", "size");
    assert_eq!(size.ty, TypeRef::Builtin(Builtin::Long));
    let conflict = conflict(
        ConflictKind::FieldType,
        "structure com.vmware.demo.widget.info field size",
    );
    assert_eq!(conflict.settled, "the newest declaration (9.1.1.0) is used");
    assert_eq!(
        definitions(conflict),
        [
            ("9.0.0.0 9.1.1.0".to_owned(), "LONG".to_owned()),
            ("8.0.3.0".to_owned(), "STRING".to_owned()),
        ]
    );
}

#[test]
fn other_conflicts_are_reported_too() {
    let resize = conflict(
        ConflictKind::Route,
        "operation com.vmware.demo.widget.resize",
    );
    assert_eq!(
        definitions(resize)[0],
        (
            "9.1.1.0".to_owned(),
            "/api: POST /api/demo/widget/{widget}/size [widget=path:widget, size=field:size]; \
             /rest: POST /rest/com/vmware/demo/widget/id:{widget}?~action=resize \
             [widget=path:widget, size=field:size]"
                .to_owned()
        )
    );
    assert_eq!(
        definitions(resize)[1].0,
        "8.0.3.0 9.0.0.0",
        "the older route: {resize:#?}"
    );
    let count = conflict(
        ConflictKind::OutputType,
        "operation com.vmware.demo.widget.count result",
    );
    assert_eq!(
        definitions(count),
        [
            ("9.0.0.0 9.1.1.0".to_owned(), "STRING".to_owned()),
            ("8.0.3.0".to_owned(), "LONG".to_owned()),
        ]
    );
    let max = conflict(
        ConflictKind::Constant,
        "service com.vmware.demo.widget constant max_size",
    );
    assert_eq!(max.definitions.len(), 2);
    let moved = conflict(
        ConflictKind::Moved,
        "structure com.vmware.demo.shared_options",
    );
    assert_eq!(
        definitions(moved),
        [
            (
                "9.0.0.0 9.1.1.0".to_owned(),
                "service com.vmware.demo.widget".to_owned()
            ),
            ("8.0.3.0".to_owned(), "package com.vmware.demo".to_owned()),
        ]
    );
    let shared = &model().structures["com.vmware.demo.shared_options"];
    assert_eq!(
        shared.owner,
        Owner::Service("com.vmware.demo.widget".to_owned())
    );
    assert_eq!(shared.releases.present, present(&RELEASES));
}

#[test]
fn a_path_parameter_added_later_stays_required() {
    let new_name = param("com.vmware.demo.widget", "rename", "new_name");
    assert_eq!(new_name.ty, string());
    conflict(
        ConflictKind::KeptRequired,
        "operation com.vmware.demo.widget.rename param new_name",
    );
    conflict(
        ConflictKind::Route,
        "operation com.vmware.demo.widget.rename",
    );
}

#[test]
fn every_conflict_kind_of_the_fixture_is_counted_and_rendered() {
    let counts = report().conflict_counts();
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [
            (ConflictKind::FieldType, 1),
            (ConflictKind::OutputType, 1),
            (ConflictKind::Route, 2),
            (ConflictKind::Constant, 1),
            (ConflictKind::Moved, 1),
            (ConflictKind::KeptRequired, 1),
        ]
    );
    let text = report().to_markdown("<!-- test -->");
    assert_eq!(text, report().to_markdown("<!-- test -->"));
    assert!(text.contains(
        "- `structure com.vmware.demo.widget.info field size`: the newest declaration (9.1.1.0) is used\n  - 9.0.0.0, 9.1.1.0: `LONG`\n  - 8.0.3.0: `STRING`\n"
    ), "{text}");
    assert!(text.contains("| services | 3 | 1 | 0 | 1 |"), "{text}");
    assert_eq!(
        report().summary(),
        "7 conflicts (1 types, 1 results, 2 routes, 1 constants, 1 owners, 1 kept required); \
         3 members optional because a release lacks them, 1 because a release declares them optional"
    );
}

#[test]
fn releases_must_be_distinct_and_named() {
    let nine = dirs()[2].clone();
    let err = vsphere_vapi_codegen::load_union(&[nine.clone(), nine]).unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
    let mini = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    let err = vsphere_vapi_codegen::load_union(&[mini]).unwrap_err();
    assert!(err.to_string().contains("names no release"), "{err}");
}
