//! The IR of the hand-written fixture `tests/fixtures/mini`: names, routes,
//! unions, docs, features, checked field by field and as a snapshot.

use std::path::PathBuf;

use vsphere_vapi_codegen::ir::{
    Builtin, ConstantValue, DocNode, HttpMethod, Model, Owner, ParamLocation, RouteSource,
    StructureKind, TaskKind, TypeRef,
};

fn model() -> Model {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    vsphere_vapi_codegen::load_snapshot(&dir).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn modules_and_type_names() {
    let model = model();
    let widget = &model.services["com.vmware.demo.widget"];
    assert_eq!(widget.path.module, ["demo"]);
    assert_eq!(widget.path.name, "Widget");
    assert_eq!(widget.nested_module, ["demo", "widget"]);
    let info = &model.structures["com.vmware.demo.widget.info"];
    assert_eq!(
        (info.path.module.as_slice(), info.path.name.as_str()),
        (&["demo".to_owned(), "widget".to_owned()][..], "Info")
    );
    assert_eq!(info.owner, Owner::Service("com.vmware.demo.widget".into()));
    let summary = &model.structures["com.vmware.demo.widget_summary"];
    assert_eq!(summary.path.name, "WidgetSummary");
    let not_found = &model.structures["com.vmware.vapi.std.errors.not_found"];
    assert_eq!(not_found.kind, StructureKind::Error);
    // `std` would shadow the std crate inside `vapi` (see `names`).
    assert_eq!(not_found.path.module, ["vapi", "standard", "errors"]);
    assert_eq!(not_found.path.name, "NotFound");
}

#[test]
fn field_names_keep_wire_names() {
    let model = model();
    let info = &model.structures["com.vmware.demo.widget.info"];
    let names: Vec<(&str, &str)> = info
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.rust_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("name", "name"),
            ("type", "r#type"),
            ("gear_count", "gear_count"),
            ("memory_size_MiB", "memory_size_mib"),
            ("labels", "labels"),
            ("self", "self_"),
        ]
    );
    assert_eq!(
        info.fields[2].ty,
        TypeRef::Optional(Box::new(TypeRef::Builtin(Builtin::Long)))
    );
    assert_eq!(
        info.fields[4].ty,
        TypeRef::Map(
            Box::new(TypeRef::Builtin(Builtin::String)),
            Box::new(TypeRef::Builtin(Builtin::String))
        )
    );
}

#[test]
fn unions_from_union_metadata() {
    let model = model();
    let info = &model.structures["com.vmware.demo.widget.info"];
    assert_eq!(info.unions.len(), 1);
    assert_eq!(info.unions[0].tag_field, "type");
    assert_eq!(info.unions[0].cases["MECHANICAL"], ["gear_count"]);
    assert_eq!(
        info.fields[2].union_case,
        Some(("type".to_owned(), vec!["MECHANICAL".to_owned()]))
    );
}

#[test]
fn enumeration_variants_and_catch_all() {
    let model = model();
    let kind = &model.enumerations["com.vmware.demo.widget.kind"];
    let variants: Vec<&str> = kind.values.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(
        variants,
        [
            "Mechanical",
            "Digital",
            "Vmx03",
            "Other3xLinux64",
            "UnknownValue"
        ]
    );
    // The catch-all is always `Unknown`; the real `UNKNOWN` value yields it.
    assert_eq!(kind.unknown_variant, "Unknown");
}

#[test]
fn operations_methods_tasks_and_routes() {
    let model = model();
    let widget = &model.services["com.vmware.demo.widget"];
    let op = |id: &str| widget.operations.iter().find(|o| o.id == id).unwrap();
    assert_eq!(op("create$task").rust_name, "create_task");
    assert_eq!(
        op("create$task").task,
        TaskKind::TaskVariantOf("create".into())
    );
    // The fixture records no `TaskResult` (like a live dump): a task
    // variant's result is its synchronous twin's output.
    assert_eq!(
        op("create$task").task_result,
        Some(TypeRef::Builtin(Builtin::Id))
    );
    assert_eq!(op("create").task_result, None);
    // Handle methods and trait methods are not shadowed: the service name
    // is appended.
    assert_eq!(op("new").rust_name, "new_widget");

    let get = op("get");
    let api = get.api.as_ref().unwrap();
    assert_eq!(
        (api.method, api.path.as_str(), api.source),
        (
            HttpMethod::Get,
            "/api/demo/widget/{widget}",
            RouteSource::Verb
        )
    );
    let rest = get.rest.as_ref().unwrap();
    assert_eq!(rest.path, "/rest/com/vmware/demo/widget/id:{widget}");
    assert_eq!(rest.source, RouteSource::DefaultConvention);
    assert_eq!(
        get.output,
        TypeRef::Structure("com.vmware.demo.widget.info".into())
    );
    assert_eq!(
        get.errors[0].structure_id,
        "com.vmware.vapi.std.errors.not_found"
    );

    let task = op("create$task").api.as_ref().unwrap();
    assert_eq!(task.query, [("vmw-task".to_owned(), "true".to_owned())]);
    assert_eq!(task.params[0].location, ParamLocation::Body);
    let rest_task = op("create$task").rest.as_ref().unwrap();
    assert_eq!(
        rest_task.params[0].location,
        ParamLocation::BodyField("spec".into())
    );

    // RequestMapping only: /rest from the mapping, /api derived from it.
    let spin = op("spin");
    assert_eq!(
        spin.rest.as_ref().unwrap().path,
        "/rest/demo/widget/{widget}/spin"
    );
    let api = spin.api.as_ref().unwrap();
    assert_eq!(api.path, "/api/demo/widget/{widget}");
    assert_eq!(api.query, [("action".to_owned(), "spin".to_owned())]);

    // No annotation at all: no /api route, and the reason why.
    let new = op("new");
    assert!(new.api.is_none());
    assert!(
        new.api_missing_reason
            .as_deref()
            .unwrap()
            .contains("no verb or RequestMapping")
    );
    assert_eq!(
        new.rest.as_ref().unwrap().path,
        "/rest/com/vmware/demo/widget"
    );
    assert_eq!(
        new.rest.as_ref().unwrap().query,
        [("~action".to_owned(), "new".to_owned())]
    );
}

#[test]
fn constants_docs_and_features() {
    let model = model();
    let widget = &model.services["com.vmware.demo.widget"];
    assert_eq!(widget.constants[0].rust_name, "MAX_WIDGETS");
    assert_eq!(widget.constants[0].value, ConstantValue::Long(10));
    let text = |t: &str| DocNode::Text(t.to_owned());
    let link = |t: &str| DocNode::Link {
        target: t.to_owned(),
        label: None,
    };
    // `{@code Widget}` names the service: a link.
    assert_eq!(
        widget.doc.nodes,
        [
            text("The "),
            link("com.vmware.demo.widget"),
            text(" service manages widgets.")
        ]
    );
    let info = &model.structures["com.vmware.demo.widget.info"];
    // The lifecycle sentence is data, not text.
    assert_eq!(
        info.doc.nodes,
        [
            text("The "),
            link("com.vmware.demo.widget.info"),
            text(" structure.")
        ]
    );
    assert_eq!(info.lifecycle.since.as_deref(), Some("9.1.0.0"));
    assert_eq!(info.lifecycle.deprecated, None);
    // `{@link #get}` in a field of the service's structure: the operation.
    assert_eq!(
        info.fields[0].doc.nodes,
        [
            text("Name of the "),
            DocNode::Markdown("**".to_owned()),
            text("widget"),
            DocNode::Markdown("**".to_owned()),
            text(". See "),
            link("com.vmware.demo.widget#get"),
            text("."),
        ]
    );
    assert_eq!(
        model.packages["com.vmware.demo"].doc.nodes,
        [
            text("Demo "),
            DocNode::Markdown("\n\n".to_owned()),
            text("package"),
            DocNode::Markdown("\n\n".to_owned()),
            text("."),
        ]
    );

    assert_eq!(model.packages["com.vmware.demo"].feature, "demo");
    assert_eq!(info.feature, "demo");
    let demo = &model.features["demo"];
    assert_eq!(demo.packages, ["com.vmware.demo"]);
    assert_eq!(
        demo.depends_on,
        ["vapi"],
        "errors of com.vmware.vapi.std.errors"
    );
    assert!(model.features["vapi"].depends_on.is_empty());
}

#[test]
fn fixture_ir_snapshot() {
    insta::assert_json_snapshot!("fixture_ir", model());
}
