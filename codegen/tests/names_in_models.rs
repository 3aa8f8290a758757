//! Naming rules that need a whole model: collisions between items of one
//! module, and names made unique within a structure, enumeration or service.

use std::path::Path;

use serde_json::{Value, json};
use vsphere_vapi_codegen::build_model;
use vsphere_vapi_codegen::ir::Model;
use vsphere_vapi_codegen::snapshot::parse_component;

fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::Array(
        entries
            .into_iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

fn string_field(name: &str) -> Value {
    json!({"name": name, "type": {"category": "BUILTIN", "builtin_type": "STRING"}})
}

fn structure(name: &str, fields: Vec<Value>) -> Value {
    json!({"name": name, "type": "STRUCTURE", "fields": fields})
}

fn enumeration(values: &[&str]) -> Value {
    json!({"name": "e", "values": values.iter().map(|v| json!({"value": v})).collect::<Vec<_>>()})
}

fn void_operation(name: &str) -> Value {
    json!({"name": name, "output": {"type": {"category": "BUILTIN", "builtin_type": "VOID"}}})
}

fn build(packages: Vec<(&str, Value)>) -> Model {
    let doc = json!({"value": {"info": {"name": "com.vmware.demo", "packages": map(packages)}}});
    let component = parse_component(&doc.to_string(), Path::new("demo.json")).unwrap();
    build_model(&[component]).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn a_package_structure_named_like_a_service_gets_a_suffix() {
    let model = build(vec![(
        "com.vmware.demo",
        json!({
            "name": "com.vmware.demo",
            "structures": map(vec![("com.vmware.demo.hardware", structure("hardware", vec![]))]),
            "enumerations": map(vec![("com.vmware.demo.hardware_kind", enumeration(&["A"]))]),
            "services": map(vec![("com.vmware.demo.hardware", json!({"name": "hardware"}))]),
        }),
    )]);
    assert_eq!(
        model.services["com.vmware.demo.hardware"].path.name,
        "Hardware"
    );
    assert_eq!(
        model.structures["com.vmware.demo.hardware"].path.name,
        "HardwareStruct"
    );
    assert_eq!(
        model.enumerations["com.vmware.demo.hardware_kind"]
            .path
            .name,
        "HardwareKind"
    );
}

#[test]
fn a_service_type_named_like_a_sibling_service_in_the_shared_module() {
    // Service `demo.vm.tools` puts its types in `demo::vm::tools`, the module
    // of package `demo.vm.tools`, whose service `installer` is `Installer`.
    let model = build(vec![
        (
            "com.vmware.demo.vm",
            json!({
                "name": "com.vmware.demo.vm",
                "services": map(vec![(
                    "com.vmware.demo.vm.tools",
                    json!({
                        "name": "tools",
                        "structures": map(vec![("com.vmware.demo.vm.tools.installer", structure("installer", vec![]))]),
                        "enumerations": map(vec![("com.vmware.demo.vm.tools.installer_state", enumeration(&["A"]))]),
                    }),
                )]),
            }),
        ),
        (
            "com.vmware.demo.vm.tools",
            json!({
                "name": "com.vmware.demo.vm.tools",
                "services": map(vec![("com.vmware.demo.vm.tools.installer", json!({"name": "installer"}))]),
            }),
        ),
    ]);
    let handle = &model.services["com.vmware.demo.vm.tools.installer"].path;
    let structure = &model.structures["com.vmware.demo.vm.tools.installer"].path;
    assert_eq!(handle.module, structure.module);
    assert_eq!(handle.module, ["demo", "vm", "tools"]);
    assert_eq!(handle.name, "Installer");
    assert_eq!(structure.name, "InstallerStruct");
    assert_eq!(
        model.services["com.vmware.demo.vm.tools"].nested_module,
        handle.module
    );
}

#[test]
fn names_colliding_after_casing_are_numbered_in_declaration_order() {
    let model = build(vec![(
        "com.vmware.demo",
        json!({
            "name": "com.vmware.demo",
            "structures": map(vec![(
                "com.vmware.demo.spec",
                structure("spec", vec![string_field("memory_size_MiB"), string_field("memory_size_mib"), string_field("type")]),
            )]),
            "enumerations": map(vec![(
                "com.vmware.demo.mode",
                enumeration(&["FOO_BAR", "FOO__BAR", "A_B", "AB", "UNKNOWN", "UNKNOWN_VALUE"]),
            )]),
            "services": map(vec![(
                "com.vmware.demo.svc",
                json!({"name": "svc", "operations": map(vec![
                    ("get$task", void_operation("get$task")),
                    ("get_task", void_operation("get_task")),
                    ("client", void_operation("client")),
                    ("match", void_operation("match")),
                ])}),
            )]),
        }),
    )]);
    let fields: Vec<&str> = model.structures["com.vmware.demo.spec"]
        .fields
        .iter()
        .map(|f| f.rust_name.as_str())
        .collect();
    assert_eq!(fields, ["memory_size_mib", "memory_size_mib_2", "r#type"]);

    let mode = &model.enumerations["com.vmware.demo.mode"];
    let variants: Vec<&str> = mode.values.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(
        variants,
        [
            "FooBar",
            "FooBar2",
            "AB",
            "Ab",
            "UnknownValue",
            "UnknownValue2"
        ]
    );
    assert_eq!(mode.unknown_variant, "Unknown");

    let methods: Vec<(&str, &str)> = model.services["com.vmware.demo.svc"]
        .operations
        .iter()
        .map(|o| (o.id.as_str(), o.rust_name.as_str()))
        .collect();
    // Declaration order is kept; the declared `get_task` keeps its name and
    // the task variant of a `get` that does not exist is numbered.
    assert_eq!(
        methods,
        [
            ("get$task", "get_task_2"),
            ("get_task", "get_task"),
            ("client", "client_svc"),
            ("match", "r#match")
        ]
    );
}

#[test]
fn operation_constants_of_a_handle_make_way_for_its_own_constants() {
    let long = json!({
        "type": {"category": "BUILTIN", "builtin_type": "LONG"},
        "value": {"category": "PRIMITIVE", "primitive_value": {"type": "LONG", "long_value": 1}},
    });
    let model = build(vec![(
        "com.vmware.demo",
        json!({
            "name": "com.vmware.demo",
            "services": map(vec![(
                "com.vmware.demo.svc",
                json!({
                    "name": "svc",
                    "constants": map(vec![("list", long)]),
                    "operations": map(vec![
                        ("list", void_operation("list")),
                        ("get", void_operation("get")),
                    ]),
                }),
            )]),
        }),
    )]);
    let service = &model.services["com.vmware.demo.svc"];
    assert_eq!(service.constants[0].rust_name, "LIST");
    let names: Vec<(&str, &str)> = service
        .operations
        .iter()
        .map(|op| (op.static_name.as_str(), op.handle_const.as_str()))
        .collect();
    assert_eq!(names, [("LIST", "LIST_OPERATION"), ("GET", "GET")]);
}
