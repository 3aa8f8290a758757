//! Which required fields of the real metamodel decode a missing member as
//! their zero (`lower::zeros`), counted, and the ones the simulator tests
//! depend on checked by name.

use std::collections::BTreeMap;
use std::path::Path;

use vsphere_vapi_codegen::ir::{Builtin, Model, TypeRef};

fn model() -> Model {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../metamodel-snapshots")
        .join(vsphere_vapi_codegen::emit::DEFAULT_SNAPSHOT);
    vsphere_vapi_codegen::load_snapshot(&dir)
        .unwrap_or_else(|err| panic!("loading {}: {err}", dir.display()))
}

fn kind(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Builtin(Builtin::Boolean | Builtin::Long | Builtin::Double | Builtin::String) => {
            "scalar"
        }
        TypeRef::Builtin(Builtin::Id) | TypeRef::Resource(_) | TypeRef::AnyResource => "identifier",
        TypeRef::Builtin(Builtin::Uri) => "uri",
        TypeRef::Builtin(Builtin::DateTime) => "date-time",
        TypeRef::Builtin(Builtin::Binary | Builtin::Secret) => "binary or secret",
        TypeRef::Builtin(_) => "dynamic",
        TypeRef::Enumeration(_) => "enumeration",
        TypeRef::Structure(_) => "structure",
        TypeRef::List(_) | TypeRef::Set(_) | TypeRef::Map(..) => "collection",
        TypeRef::Optional(_) => "optional",
    }
}

#[test]
fn required_fields_with_and_without_zeros() {
    let model = model();
    let mut lenient: BTreeMap<&str, usize> = BTreeMap::new();
    let mut strict: BTreeMap<&str, usize> = BTreeMap::new();
    for structure in model.structures.values() {
        for field in &structure.fields {
            if matches!(field.ty, TypeRef::Optional(_)) {
                assert!(!field.zero_if_missing, "{}.{}", structure.id, field.name);
                continue;
            }
            let counts = if field.zero_if_missing {
                &mut lenient
            } else {
                &mut strict
            };
            *counts.entry(kind(&field.ty)).or_default() += 1;
        }
    }
    let total = |counts: &BTreeMap<&str, usize>| counts.values().sum::<usize>();
    println!("zero when missing: {} {lenient:?}", total(&lenient));
    println!("still required: {} {strict:?}", total(&strict));
    let zero_structures = model.structures.values().filter(|s| s.zero).count();
    println!("structures implementing Zero: {zero_structures}");
    // Every collection and scalar has a zero; identifiers and enumerations never.
    assert!(!strict.contains_key("scalar") && !strict.contains_key("collection"));
    for kind in [
        "identifier",
        "enumeration",
        "uri",
        "date-time",
        "binary or secret",
        "dynamic",
    ] {
        assert!(!lenient.contains_key(kind), "{kind} fields got zeros");
    }
    assert!(lenient["structure"] > 0 && strict["structure"] > 0);
}

#[test]
fn fields_the_simulator_leaves_out() {
    let model = model();
    let field = |structure: &str, name: &str| {
        model.structures[structure]
            .fields
            .iter()
            .find(|field| field.name == name)
            .unwrap_or_else(|| panic!("{structure} has no field {name}"))
            .zero_if_missing
    };
    let file = "com.vmware.content.library.item.updatesession.file.info";
    assert!(field(file, "bytes_transferred"));
    assert!(field(file, "name"));
    assert!(!field(file, "status"), "an enumeration");
    assert!(!field(file, "source_type"), "a union tag");
    let result = "com.vmware.vcenter.ovf.library_item.deployment_result";
    assert!(field(result, "succeeded"));
    let info = "com.vmware.vcenter.ovf.library_item.result_info";
    assert!(field(info, "errors") && field(info, "warnings"));
    let category = "com.vmware.cis.tagging.category_model";
    assert!(field(category, "description") && field(category, "used_by"));
    assert!(!field(category, "id") && !field(category, "cardinality"));
    let tag = "com.vmware.cis.tagging.tag_model";
    assert!(field(tag, "description"));
    assert!(!field(tag, "category_id"));
}
