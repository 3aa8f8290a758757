//! The typed wire model reads the metamodel JSON as vAPI `/rest` encodes it.

use std::path::{Path, PathBuf};

use vsphere_vapi_codegen::snapshot::{parse_component, read_component};
use vsphere_vapi_codegen::wire::{BuiltinType, GenericType, StructureType, TypeCategory};

#[test]
fn the_fixture_parses_into_typed_elements() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini/com.vmware.demo.json");
    let component = read_component(&path).unwrap();
    assert_eq!(component.fingerprint, "fixture");
    assert_eq!(component.info.name, "com.vmware.demo");
    let package = component.info.packages.get("com.vmware.demo").unwrap();
    let service = package.services.get("com.vmware.demo.widget").unwrap();
    let keys: Vec<&str> = service.operations.keys().collect();
    assert_eq!(
        keys,
        ["create", "create$task", "get", "list", "new", "spin"]
    );
    let get = service.operations.get("get").unwrap();
    assert_eq!(get.params[0].ty.builtin_type, Some(BuiltinType::Id));
    assert_eq!(
        get.metadata.get("GET").unwrap().string("path"),
        Some("/demo/widget/{widget}")
    );
    assert_eq!(
        get.params[0]
            .metadata
            .get("Resource")
            .unwrap()
            .strings("value"),
        ["com.vmware.demo.Widget"]
    );
    let info = service
        .structures
        .get("com.vmware.demo.widget.info")
        .unwrap();
    assert_eq!(info.kind, StructureType::Structure);
    let gears = &info.fields[2].ty;
    assert_eq!(gears.category, TypeCategory::Generic);
    assert_eq!(
        gears.generic_instantiation.as_ref().unwrap().generic_type,
        GenericType::Optional
    );
}

#[test]
fn maps_may_be_json_objects_and_unknown_fields_are_ignored() {
    let text = r#"{"value": {"fingerprint": "f", "from_the_future": 1, "info": {"name": "c",
        "packages": {"p": {"name": "p", "services": {"p.s": {"name": "s", "operations": {
            "o": {"name": "o", "output": {"type": {"category": "BUILTIN", "builtin_type": "VOID", "extra": true}}}
        }}}}}}}}"#;
    let component = parse_component(text, Path::new("object-maps.json")).unwrap();
    let package = component.info.packages.get("p").unwrap();
    let operation = package
        .services
        .get("p.s")
        .unwrap()
        .operations
        .get("o")
        .unwrap();
    assert_eq!(operation.output.ty.builtin_type, Some(BuiltinType::Void));
    assert!(
        operation.params.is_empty()
            && operation.metadata.is_empty()
            && operation.documentation.is_empty()
    );
}

#[test]
fn unknown_enumeration_strings_are_kept() {
    let text = r#"{"value": {"info": {"name": "c", "packages": [{"key": "p", "value": {"name": "p",
        "structures": [{"key": "p.x", "value": {"name": "x", "type": "EXCEPTION",
            "fields": [{"name": "f", "type": {"category": "TENSOR"}}]}}]}}]}}}"#;
    let component = parse_component(text, Path::new("future.json")).unwrap();
    let structure = component
        .info
        .packages
        .get("p")
        .unwrap()
        .structures
        .get("p.x")
        .unwrap();
    assert_eq!(structure.kind, StructureType::Unknown("EXCEPTION".into()));
    assert_eq!(
        structure.fields[0].ty.category,
        TypeCategory::Unknown("TENSOR".into())
    );
}
