//! Malformed snapshots fail with messages that say what is wrong and where.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vsphere_vapi_codegen::ir::{Builtin, TaskKind, TypeRef};
use vsphere_vapi_codegen::snapshot::parse_component;
use vsphere_vapi_codegen::{Error, build_model, load_snapshot};

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini/com.vmware.demo.json")
}

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture_path()).unwrap()).unwrap()
}

/// The value of a `{"key","value"}` list entry.
fn entry<'v>(list: &'v mut Value, key: &str) -> &'v mut Value {
    list.as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["key"] == key)
        .map(|e| &mut e["value"])
        .unwrap_or_else(|| panic!("no entry {key}"))
}

fn widget(doc: &mut Value) -> &mut Value {
    let package = entry(&mut doc["value"]["info"]["packages"], "com.vmware.demo");
    entry(&mut package["services"], "com.vmware.demo.widget")
}

fn parse(doc: &Value) -> Result<vsphere_vapi_codegen::wire::ComponentData, Error> {
    parse_component(&doc.to_string(), Path::new("demo.json"))
}

fn build(docs: &[Value]) -> Error {
    let components: Vec<_> = docs.iter().map(|d| parse(d).expect("parses")).collect();
    build_model(&components).expect_err("the model is invalid")
}

#[test]
fn the_fixture_itself_is_valid() {
    build_model(&[parse(&fixture()).unwrap()]).unwrap();
}

#[test]
fn invalid_json_names_the_file_and_position() {
    let err = parse_component("{\"value\": {\"info\": ", Path::new("broken.json")).unwrap_err();
    let message = err.to_string();
    assert!(message.starts_with("broken.json: at "), "{message}");
    assert!(message.contains("EOF while parsing"), "{message}");
    assert!(message.contains("line 1"), "{message}");
}

#[test]
fn wrong_shape_names_the_json_path() {
    let mut doc = fixture();
    doc["value"]["info"]["packages"] = json!("not a map");
    let message = parse(&doc).unwrap_err().to_string();
    assert!(
        message.starts_with("demo.json: at value.info.packages: invalid type: string"),
        "{message}"
    );

    let mut doc = fixture();
    doc["value"] = json!([]);
    let message = parse(&doc).unwrap_err().to_string();
    assert!(
        message.starts_with("demo.json: at value: invalid length 0, expected struct ComponentData"),
        "{message}"
    );
}

#[test]
fn a_missing_required_field_names_the_map_keys_on_its_path() {
    let mut doc = fixture();
    let get = entry(&mut widget(&mut doc)["operations"], "get");
    get["params"][0].as_object_mut().unwrap().remove("type");
    let err = parse(&doc).unwrap_err();
    let Error::Parse {
        json_path, message, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(
        json_path,
        r#"value.info.packages["com.vmware.demo"].services["com.vmware.demo.widget"].operations["get"].params[0]"#
    );
    assert!(message.starts_with("missing field `type`"), "{message}");
}

#[test]
fn a_duplicate_map_key_is_a_parse_error() {
    let mut doc = fixture();
    let operations = widget(&mut doc)["operations"].as_array_mut().unwrap();
    let first = operations[0].clone();
    operations.push(first);
    let message = parse(&doc).unwrap_err().to_string();
    assert!(message.contains("duplicate map key `create`"), "{message}");
    assert!(
        message.contains(r#"services["com.vmware.demo.widget"].operations"#),
        "{message}"
    );
}

#[test]
fn an_unknown_type_reference_is_located() {
    let mut doc = fixture();
    let get = entry(&mut widget(&mut doc)["operations"], "get");
    get["params"][0]["type"] = json!({
        "category": "USER_DEFINED",
        "user_defined_type": {"resource_type": "com.vmware.vapi.structure", "resource_id": "com.vmware.x.y"}
    });
    let err = build(&[doc]);
    assert_eq!(
        err.to_string(),
        "com.vmware.demo.widget.get param widget: unknown type com.vmware.x.y (no such structure)"
    );
}

#[test]
fn unknown_wire_enumeration_values_fail_at_build_time_not_parse_time() {
    let mut doc = fixture();
    let info = entry(
        &mut widget(&mut doc)["structures"],
        "com.vmware.demo.widget.info",
    );
    info["fields"][0]["type"]["builtin_type"] = json!("QUBIT");
    let err = build(&[doc]);
    assert_eq!(
        err.to_string(),
        "com.vmware.demo.widget.info field name: unknown builtin type `QUBIT`"
    );
}

#[test]
fn duplicate_identifiers_across_components_are_reported() {
    let doc = fixture();
    let mut other = fixture();
    other["value"]["info"]["name"] = json!("com.vmware.other");
    let err = build(&[doc, other]);
    let problems = err.problems();
    assert!(
        problems.iter().any(|p| p.location == "service com.vmware.demo.widget"
            && p.message == "duplicate identifier: declared in component com.vmware.demo, package com.vmware.demo \
                            and in component com.vmware.other, package com.vmware.demo"),
        "{err}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.location == "error com.vmware.vapi.std.errors.not_found"),
        "{err}"
    );
}

#[test]
fn a_union_case_of_a_missing_tag_and_a_bad_error_ref_are_reported_together() {
    let mut doc = fixture();
    let service = widget(&mut doc);
    let info = entry(&mut service["structures"], "com.vmware.demo.widget.info");
    info["fields"][2]["metadata"][0]["value"]["elements"][0]["value"]["string_value"] =
        json!("kind");
    let spin = entry(&mut service["operations"], "spin");
    spin["errors"][0]["structure_id"] = json!("com.vmware.demo.widget.info");
    let err = build(&[doc]);
    let message = err.to_string();
    assert!(
        message.starts_with("2 problems in the metamodel:"),
        "{message}"
    );
    assert!(
        message.contains(
            "com.vmware.demo.widget.info field gear_count: union case of tag `kind`, which is not a field of the structure"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "com.vmware.demo.widget.spin error com.vmware.demo.widget.info: \
             com.vmware.demo.widget.info is a STRUCTURE structure, not an error"
        ),
        "{message}"
    );
}

#[test]
fn a_generic_without_its_element_type_is_reported() {
    let mut doc = fixture();
    let info = entry(
        &mut widget(&mut doc)["structures"],
        "com.vmware.demo.widget.info",
    );
    info["fields"][2]["type"]["generic_instantiation"]
        .as_object_mut()
        .unwrap()
        .remove("element_type");
    let err = build(&[doc]);
    assert_eq!(
        err.to_string(),
        "com.vmware.demo.widget.info field gear_count: OPTIONAL without `element_type`"
    );
}

#[test]
fn odd_but_well_formed_inputs_do_not_panic() {
    for doc in [
        json!({"value": {"info": {"name": "c"}}}),
        json!({"value": {"info": {"name": "c", "packages": {}}}}),
        json!({"value": {"info": {"name": "c", "packages": [
            {"key": "", "value": {"name": ""}},
            {"key": "x", "value": {"name": "x", "services": [{"key": "x.$", "value": {"name": "$",
                "operations": [{"key": "$task", "value": {"name": "$task", "output": {"type": {"category": "BUILTIN", "builtin_type": "VOID"}}}}]}}]}}
        ]}}}),
    ] {
        let component = parse(&doc).unwrap_or_else(|err| panic!("{err}"));
        let _ = build_model(&[component]);
    }
}

#[test]
fn an_empty_directory_is_not_a_snapshot() {
    let dir = std::env::temp_dir().join(format!(
        "vsphere-vapi-empty-snapshot-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("manifest.json"), "{}").unwrap();
    let err = load_snapshot(&dir).unwrap_err();
    assert!(matches!(err, Error::EmptySnapshot { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    let err = load_snapshot(&dir).unwrap_err();
    assert!(err.to_string().starts_with("cannot read "), "{err}");
}

/// `TaskResult` output metadata with the given elements.
fn task_result(elements: Value) -> Value {
    json!([{"key": "TaskResult", "value": {"elements": elements}}])
}

fn builtin_element(name: &str) -> Value {
    json!([{"key": "builtin", "value": {"type": "STRING", "string_value": name}}])
}

#[test]
fn a_recorded_task_result_is_resolved_for_task_only_operations() {
    let mut doc = fixture();
    let operations = &mut widget(&mut doc)["operations"];
    // `spin$task` without `spin`: a task-only operation.
    let mut spin_task = entry(operations, "spin").clone();
    spin_task["name"] = json!("spin$task");
    spin_task["output"]["type"] = json!({"category": "BUILTIN", "builtin_type": "ID"});
    spin_task["output"]["metadata"] = task_result(json!([
        {"key": "generic", "value": {"type": "STRING_LIST", "list_value": ["OPTIONAL", "LIST"]}},
        {"key": "structure", "value": {"type": "STRUCTURE_REFERENCE",
                                       "structure_id": "com.vmware.demo.widget.info"}}
    ]));
    operations
        .as_array_mut()
        .unwrap()
        .retain(|e| e["key"] != "spin");
    operations
        .as_array_mut()
        .unwrap()
        .push(json!({"key": "spin$task", "value": spin_task}));
    let model = build_model(&[parse(&doc).unwrap()]).unwrap_or_else(|err| panic!("{err}"));
    let widget = &model.services["com.vmware.demo.widget"];
    let op = |id: &str| widget.operations.iter().find(|o| o.id == id).unwrap();
    assert_eq!(op("spin$task").task, TaskKind::TaskOnly);
    assert_eq!(
        op("spin$task").task_result,
        Some(TypeRef::Optional(Box::new(TypeRef::List(Box::new(
            TypeRef::Structure("com.vmware.demo.widget.info".into())
        )))))
    );
    // Without metadata, a task variant's result is its twin's output.
    assert_eq!(
        op("create$task").task_result,
        Some(TypeRef::Builtin(Builtin::Id))
    );
    assert_eq!(op("create").task_result, None);
}

#[test]
fn a_task_result_equal_to_the_twin_output_is_accepted() {
    let mut doc = fixture();
    let create_task = entry(&mut widget(&mut doc)["operations"], "create$task");
    create_task["output"]["metadata"] = task_result(builtin_element("ID"));
    let model = build_model(&[parse(&doc).unwrap()]).unwrap_or_else(|err| panic!("{err}"));
    let widget = &model.services["com.vmware.demo.widget"];
    let create_task = widget
        .operations
        .iter()
        .find(|o| o.id == "create$task")
        .unwrap();
    assert_eq!(create_task.task_result, Some(TypeRef::Builtin(Builtin::Id)));
}

#[test]
fn task_result_problems_are_located() {
    let at = "com.vmware.demo.widget.create$task output metadata TaskResult";
    let cases = [
        (
            json!([{"key": "structure", "value": {"type": "STRUCTURE_REFERENCE",
                                                  "structure_id": "com.vmware.x.y"}}]),
            format!("{at}: unknown type com.vmware.x.y (no such structure)"),
        ),
        (
            builtin_element("VOID"),
            format!("{at}: task result VOID differs from the output ID of `create`"),
        ),
        (
            builtin_element("QUBIT"),
            format!("{at}: unknown builtin type `QUBIT`"),
        ),
        (
            json!([{"key": "structure", "value": {"type": "STRING", "string_value": "x"}}]),
            format!("{at}: element `structure` is a STRING, expected STRUCTURE_REFERENCE"),
        ),
        (
            json!([]),
            format!("{at}: none of the elements `builtin`, `structure`, `enumeration`"),
        ),
    ];
    for (elements, expected) in cases {
        let mut doc = fixture();
        let create_task = entry(&mut widget(&mut doc)["operations"], "create$task");
        create_task["output"]["metadata"] = task_result(elements);
        assert_eq!(build(&[doc]).to_string(), expected);
    }
}

#[test]
fn a_task_result_on_a_plain_operation_is_reported() {
    let mut doc = fixture();
    let get = entry(&mut widget(&mut doc)["operations"], "get");
    get["output"]["metadata"] = task_result(builtin_element("VOID"));
    assert_eq!(
        build(&[doc]).to_string(),
        "com.vmware.demo.widget.get output metadata TaskResult: only `$task` operations have a task result"
    );
}
