//! IR snapshots of representative services of the union of the real
//! release snapshots (vSphere 8.0.3 to 9.1.1): each service with its nested
//! structures and enumerations, and the releases of each element.

use std::path::PathBuf;
use std::sync::OnceLock;

use vsphere_vapi_codegen::ir::{Doc, DocNode, Model};

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metamodel-snapshots");
        vsphere_vapi_codegen::load_releases(&dir)
            .unwrap_or_else(|err| panic!("{err}"))
            .0
    })
}

/// The service and everything nested in it, as one JSON value.
fn service_ir(id: &str) -> serde_json::Value {
    let model = model();
    let service = model
        .services
        .get(id)
        .unwrap_or_else(|| panic!("no service {id}"));
    let mut structures = serde_json::Map::new();
    let mut enumerations = serde_json::Map::new();
    let mut nested_enums: Vec<&String> = service.enumerations.iter().collect();
    for structure_id in &service.structures {
        let structure = &model.structures[structure_id];
        nested_enums.extend(&structure.enumerations);
        structures.insert(
            structure_id.clone(),
            serde_json::to_value(structure).unwrap(),
        );
    }
    for enumeration_id in nested_enums {
        let enumeration = &model.enumerations[enumeration_id];
        enumerations.insert(
            enumeration_id.clone(),
            serde_json::to_value(enumeration).unwrap(),
        );
    }
    serde_json::json!({
        "service": service,
        "structures": structures,
        "enumerations": enumerations,
    })
}

macro_rules! service_snapshot {
    ($test:ident, $id:literal) => {
        #[test]
        fn $test() {
            insta::assert_json_snapshot!($id, service_ir($id));
        }
    };
}

service_snapshot!(vcenter_vm_power, "com.vmware.vcenter.vm.power");
service_snapshot!(vcenter_vm_tools, "com.vmware.vcenter.vm.tools");
service_snapshot!(
    vcenter_vm_guest_filesystem_transfers,
    "com.vmware.vcenter.vm.guest.filesystem.transfers"
);
service_snapshot!(
    appliance_update_pending,
    "com.vmware.appliance.update.pending"
);
service_snapshot!(cis_tagging_category, "com.vmware.cis.tagging.category");
service_snapshot!(content_library, "com.vmware.content.library");
service_snapshot!(
    vapi_metadata_metamodel_component,
    "com.vmware.vapi.metadata.metamodel.component"
);
service_snapshot!(vstats_counters, "com.vmware.vstats.counters");

#[test]
fn features_and_their_dependencies() {
    // (name, dependencies, umbrella members, number of packages)
    let features: Vec<(&str, &[String], &[String], usize)> = model()
        .features
        .values()
        .map(|f| {
            (
                f.name.as_str(),
                f.depends_on.as_slice(),
                f.includes.as_slice(),
                f.packages.len(),
            )
        })
        .collect();
    insta::assert_debug_snapshot!("features", features);
}

#[test]
fn the_duplicated_deployment_info_resolves_by_scope() {
    // VMware declares `com.vmware.vcenter.deployment.info` twice: in the
    // service `com.vmware.vcenter.deployment` and in the package of that
    // name. Each reference means the one in its own scope.
    let model = model();
    let first = &model.structures["com.vmware.vcenter.deployment.info"];
    let second = &model.structures["com.vmware.vcenter.deployment.info#2"];
    let output = |service: &str| {
        model.services[service]
            .operations
            .iter()
            .find(|o| o.id == "get")
            .map(|o| o.output.clone())
            .unwrap()
    };
    use vsphere_vapi_codegen::ir::{Owner, TypeRef};
    assert_eq!(
        first.owner,
        Owner::Service("com.vmware.vcenter.deployment".into())
    );
    assert_eq!(
        second.owner,
        Owner::Package("com.vmware.vcenter.deployment".into())
    );
    assert_eq!(
        output("com.vmware.vcenter.deployment"),
        TypeRef::Structure(first.id.clone())
    );
    assert_eq!(
        output("com.vmware.vcenter.deployment.size"),
        TypeRef::Structure(second.id.clone())
    );
    assert_ne!(first.path, second.path);
}

#[test]
fn every_operation_has_both_routes_or_a_reason() {
    for service in model().services.values() {
        for op in &service.operations {
            assert!(
                op.api.is_some() != op.api_missing_reason.is_some(),
                "{}.{}",
                service.id,
                op.id
            );
            assert!(
                op.rest.is_some() != op.rest_missing_reason.is_some(),
                "{}.{}",
                service.id,
                op.id
            );
        }
    }
}

#[test]
fn no_two_operations_share_a_route() {
    use std::collections::BTreeMap;
    for protocol in ["api", "rest"] {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for service in model().services.values() {
            for op in &service.operations {
                let route = if protocol == "api" { &op.api } else { &op.rest };
                let Some(route) = route else { continue };
                // Operations dispatched by a required query parameter (a
                // bare `params` key such as `name`) share method, path and
                // fixed query, and differ in the query parameters they send.
                let mut query_params: Vec<&str> = route
                    .params
                    .iter()
                    .filter_map(|p| match &p.location {
                        vsphere_vapi_codegen::ir::ParamLocation::Query(name) => Some(name.as_str()),
                        _ => None,
                    })
                    .collect();
                query_params.sort_unstable();
                let key = format!(
                    "{:?} {} {:?} {query_params:?}",
                    route.method, route.path, route.query
                );
                let this = format!("{}.{}", service.id, op.id);
                if let Some(other) = seen.insert(key.clone(), this.clone()) {
                    panic!("{protocol}: {other} and {this} share {key}");
                }
            }
        }
    }
}

#[test]
fn types_renamed_to_resolve_collisions() {
    use vsphere_vapi_codegen::names::type_name;
    let model = model();
    let natural = |id: &str| {
        type_name(
            id.split('#')
                .next()
                .unwrap_or(id)
                .rsplit('.')
                .next()
                .unwrap_or(id),
        )
    };
    let mut renamed: Vec<String> = Vec::new();
    for s in model.services.values() {
        if s.path.name != natural(&s.id) {
            renamed.push(format!(
                "service {} -> {}::{}",
                s.id,
                s.path.module.join("::"),
                s.path.name
            ));
        }
    }
    for s in model.structures.values() {
        if s.path.name != natural(&s.id) {
            renamed.push(format!(
                "structure {} -> {}::{}",
                s.id,
                s.path.module.join("::"),
                s.path.name
            ));
        }
    }
    for e in model.enumerations.values() {
        if e.path.name != natural(&e.id) {
            renamed.push(format!(
                "enumeration {} -> {}::{}",
                e.id,
                e.path.module.join("::"),
                e.path.name
            ));
        }
    }
    insta::assert_debug_snapshot!("renamed_types", renamed);
}

/// Every documentation of the model, with where it comes from.
fn all_docs(model: &Model) -> Vec<(String, &Doc)> {
    let mut docs: Vec<(String, &Doc)> = Vec::new();
    for p in model.packages.values() {
        docs.push((p.id.clone(), &p.doc));
    }
    for s in model.services.values() {
        docs.push((s.id.clone(), &s.doc));
        for o in &s.operations {
            docs.push((format!("{}.{}", s.id, o.id), &o.doc));
            docs.push((format!("{}.{} output", s.id, o.id), &o.output_doc));
            docs.extend(
                o.params
                    .iter()
                    .map(|p| (format!("{}.{} param {}", s.id, o.id, p.name), &p.doc)),
            );
            docs.extend(
                o.errors
                    .iter()
                    .map(|e| (format!("{}.{} error", s.id, o.id), &e.doc)),
            );
        }
    }
    for s in model.structures.values() {
        docs.push((s.id.clone(), &s.doc));
        docs.extend(
            s.fields
                .iter()
                .map(|f| (format!("{} field {}", s.id, f.name), &f.doc)),
        );
    }
    for e in model.enumerations.values() {
        docs.push((e.id.clone(), &e.doc));
        docs.extend(
            e.values
                .iter()
                .map(|v| (format!("{} value {}", e.id, v.wire), &v.doc)),
        );
    }
    docs
}

#[test]
fn documentation_nodes_carry_no_markup_or_lifecycle_prose() {
    let mut links = 0;
    let mut absolute = 0;
    for (at, doc) in all_docs(model()) {
        for node in &doc.nodes {
            match node {
                DocNode::Text(text) => {
                    for leftover in [
                        "{@",
                        "(@",
                        "{#",
                        ".. deprecated::",
                        "was added in vSphere API",
                    ] {
                        assert!(
                            !text.contains(leftover),
                            "{at}: {leftover:?} left in {text:?}"
                        );
                    }
                }
                DocNode::Link { target, .. } => {
                    assert!(!target.trim().is_empty(), "{at}: empty link");
                    links += 1;
                    let base = target.split('#').next().unwrap_or_default();
                    let base = base.strip_prefix("mod@").unwrap_or(base);
                    let model = model();
                    if model.structures.contains_key(base)
                        || model.enumerations.contains_key(base)
                        || model.services.contains_key(base)
                        || model.packages.contains_key(base)
                    {
                        absolute += 1;
                    }
                }
                DocNode::Code(code) => assert!(!code.trim().is_empty(), "{at}: empty code"),
                _ => {}
            }
        }
    }
    // Nearly every reference resolves to an element of the model.
    assert!(links > 7_000, "{links} links");
    assert!(
        absolute * 100 >= links * 98,
        "{absolute} of {links} links resolved"
    );
}

#[test]
fn every_task_operation_knows_its_result_type() {
    use std::collections::BTreeMap;
    use vsphere_vapi_codegen::ir::{TaskKind, TypeRef};
    fn shape(ty: &TypeRef) -> String {
        match ty {
            TypeRef::Builtin(builtin) => format!("{builtin:?}"),
            TypeRef::Structure(_) => "structure".to_owned(),
            TypeRef::Enumeration(_) => "enumeration".to_owned(),
            TypeRef::Resource(_) | TypeRef::AnyResource => "Id".to_owned(),
            TypeRef::Optional(inner) => format!("Optional<{}>", shape(inner)),
            TypeRef::List(inner) => format!("List<{}>", shape(inner)),
            TypeRef::Set(inner) => format!("Set<{}>", shape(inner)),
            TypeRef::Map(key, value) => format!("Map<{}, {}>", shape(key), shape(value)),
        }
    }
    let mut shapes: BTreeMap<String, usize> = BTreeMap::new();
    let mut with_twin = 0;
    for service in model().services.values() {
        for op in &service.operations {
            if op.task == TaskKind::None {
                assert_eq!(op.task_result, None, "{}.{}", service.id, op.id);
                continue;
            }
            let result = op
                .task_result
                .as_ref()
                .unwrap_or_else(|| panic!("{}.{}: no task result", service.id, op.id));
            if let TaskKind::TaskVariantOf(sync) = &op.task {
                let twin = service.operations.iter().find(|o| &o.id == sync).unwrap();
                assert_eq!(result, &twin.output, "{}.{}", service.id, op.id);
                with_twin += 1;
            }
            *shapes.entry(shape(result)).or_default() += 1;
        }
    }
    // The union: 9.1.1.0's figures of metamodel-snapshots/README.md ("Task
    // results": 13, 8, 2, 1, 60, 67) plus the task operations of older
    // releases only.
    let expected: BTreeMap<String, usize> = [
        ("Id", 16),
        ("List<structure>", 8),
        ("Optional<List<structure>>", 2),
        ("String", 1),
        ("Void", 65),
        ("structure", 72),
    ]
    .into_iter()
    .map(|(shape, count)| (shape.to_owned(), count))
    .collect();
    assert_eq!(shapes, expected);
    assert_eq!(with_twin, 5);

    let result = |service: &str, op: &str| {
        model().services[service]
            .operations
            .iter()
            .find(|o| o.id == op)
            .and_then(|o| o.task_result.clone())
    };
    assert_eq!(
        result(
            "com.vmware.esx.settings.clusters.configuration",
            "check_compliance$task"
        ),
        Some(TypeRef::Structure(
            "com.vmware.esx.settings.clusters.configuration.cluster_compliance".to_owned()
        ))
    );
    assert_eq!(
        result("com.vmware.vcenter.VM", "clone$task"),
        Some(TypeRef::Resource("virtualmachine".to_owned()))
    );
}
