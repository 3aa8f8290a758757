//! Feature assignment of a group's root-package services on a small
//! hand-made model: `com.vmware.vcenter.VM` (in the root package
//! `com.vmware.vcenter`) is compiled by `vcenter-vm`, the feature of the
//! package `com.vmware.vcenter.vm`, not by `vcenter-core`.

mod emit_support;

use std::path::Path;

use emit_support::*;
use vsphere_vapi_codegen::emit;
use vsphere_vapi_codegen::features;
use vsphere_vapi_codegen::ir::{Builtin, Model, Owner, Package, RustPath, Service, TypeRef};

const ROOT: &str = "com.vmware.vcenter";
const VM_PACKAGE: &str = "com.vmware.vcenter.vm";
const VM_SERVICE: &str = "com.vmware.vcenter.VM";
const POWER: &str = "com.vmware.vcenter.vm.power";
const DATASTORE: &str = "com.vmware.vcenter.datastore";
const SYSTEM: &str = "com.vmware.vcenter.system";

fn package(id: &str, module: &[&str]) -> Package {
    Package {
        id: id.to_owned(),
        doc: doc("A package."),
        feature: String::new(),
        module: module.iter().map(|m| (*m).to_owned()).collect(),
        services: Vec::new(),
        structures: Vec::new(),
        enumerations: Vec::new(),
    }
}

fn service(id: &str, package: &str, handle: RustPath, nested: &[&str]) -> Service {
    Service {
        lifecycle: Default::default(),
        id: id.to_owned(),
        package: package.to_owned(),
        doc: doc("A service."),
        path: handle,
        nested_module: nested.iter().map(|m| (*m).to_owned()).collect(),
        operations: Vec::new(),
        structures: Vec::new(),
        enumerations: Vec::new(),
        constants: Vec::new(),
        feature: String::new(),
        releases: Default::default(),
    }
}

/// Adds a structure with one string field, owned by `owner`.
fn add_structure(model: &mut Model, id: &str, owner: Owner, at: RustPath) {
    let name = field("name", "name", builtin(Builtin::String), "A name.");
    if let Owner::Service(service) = &owner {
        model
            .services
            .get_mut(service)
            .unwrap()
            .structures
            .push(id.to_owned());
    } else if let Owner::Package(package) = &owner {
        model
            .packages
            .get_mut(package)
            .unwrap()
            .structures
            .push(id.to_owned());
    }
    model
        .structures
        .insert(id.to_owned(), structure(id, owner, at, "", vec![name]));
}

/// A `vcenter` group whose root package is heavy (150 structures of its
/// own), with the services `VM` (and the package `vm` of the same name),
/// `Datastore` (no package of that name) and a one-operation `System`.
fn model() -> Model {
    let mut model = Model::default();
    model
        .packages
        .insert(ROOT.to_owned(), package(ROOT, &["vcenter"]));
    model.packages.insert(
        VM_PACKAGE.to_owned(),
        package(VM_PACKAGE, &["vcenter", "vm"]),
    );
    for i in 0..150 {
        add_structure(
            &mut model,
            &format!("{ROOT}.thing{i}"),
            Owner::Package(ROOT.to_owned()),
            path(&["vcenter"], &format!("Thing{i}")),
        );
    }
    for i in 0..40 {
        add_structure(
            &mut model,
            &format!("{VM_PACKAGE}.spec{i}"),
            Owner::Package(VM_PACKAGE.to_owned()),
            path(&["vcenter", "vm"], &format!("Spec{i}")),
        );
    }

    // `vm.Power`: a service of the package `vm`.
    let mut power = service(
        POWER,
        VM_PACKAGE,
        path(&["vcenter", "vm"], "Power"),
        &["vcenter", "vm", "power"],
    );
    power.operations = vec![operation(
        "start",
        "start",
        vec![id_field("vm", "VirtualMachine", "The virtual machine.")],
        builtin(Builtin::Void),
    )];
    model.services.insert(POWER.to_owned(), power);
    let power_info = format!("{POWER}.info");
    add_structure(
        &mut model,
        &power_info,
        Owner::Service(POWER.to_owned()),
        path(&["vcenter", "vm", "power"], "Info"),
    );

    // `VM`: a service of the root package; its types live in `vcenter::vm`.
    let mut vm = service(
        VM_SERVICE,
        ROOT,
        path(&["vcenter"], "Vm"),
        &["vcenter", "vm"],
    );
    let filter = format!("{VM_SERVICE}.filter_spec");
    let summary = format!("{VM_SERVICE}.summary");
    vm.operations = vec![
        operation(
            "list",
            "list",
            vec![field(
                "filter",
                "filter",
                optional(structure_ref(&filter)),
                "Filter.",
            )],
            list(structure_ref(&summary)),
        ),
        operation(
            "get",
            "get",
            vec![id_field("vm", "VirtualMachine", "The virtual machine.")],
            structure_ref(&power_info),
        ),
    ];
    model.services.insert(VM_SERVICE.to_owned(), vm);
    add_structure(
        &mut model,
        &filter,
        Owner::Service(VM_SERVICE.to_owned()),
        path(&["vcenter", "vm"], "FilterSpec"),
    );
    add_structure(
        &mut model,
        &summary,
        Owner::Service(VM_SERVICE.to_owned()),
        path(&["vcenter", "vm"], "Summary"),
    );

    // `Datastore`: light, but heavy enough for a feature of its own.
    let mut datastore = service(
        DATASTORE,
        ROOT,
        path(&["vcenter"], "Datastore"),
        &["vcenter", "datastore"],
    );
    let datastore_summary = format!("{DATASTORE}.summary");
    datastore.operations = vec![operation(
        "list",
        "list",
        Vec::new(),
        list(structure_ref(&datastore_summary)),
    )];
    model.services.insert(DATASTORE.to_owned(), datastore);
    for name in ["summary", "info", "filter_spec"] {
        let id = format!("{DATASTORE}.{name}");
        let rust = match name {
            "summary" => "Summary",
            "info" => "Info",
            _ => "FilterSpec",
        };
        add_structure(
            &mut model,
            &id,
            Owner::Service(DATASTORE.to_owned()),
            path(&["vcenter", "datastore"], rust),
        );
    }

    // `System`: too light to be worth a feature.
    let mut system = service(
        SYSTEM,
        ROOT,
        path(&["vcenter"], "System"),
        &["vcenter", "system"],
    );
    system.operations = vec![operation(
        "get",
        "get",
        Vec::new(),
        TypeRef::Builtin(Builtin::String),
    )];
    model.services.insert(SYSTEM.to_owned(), system);

    for id in [VM_SERVICE, DATASTORE, SYSTEM] {
        model
            .packages
            .get_mut(ROOT)
            .unwrap()
            .services
            .push(id.to_owned());
    }
    model
        .packages
        .get_mut(VM_PACKAGE)
        .unwrap()
        .services
        .push(POWER.to_owned());
    emit_support::register_ids(&mut model);
    features::assign(&mut model);
    assert!(vsphere_vapi_codegen::shape_calls(&mut model).is_empty());
    model
}

#[test]
fn a_root_service_joins_the_feature_of_its_same_named_package() {
    let model = model();
    assert_eq!(model.services[VM_SERVICE].feature, "vcenter-vm");
    assert_eq!(model.services[POWER].feature, "vcenter-vm");
    for nested in ["filter_spec", "summary"] {
        assert_eq!(
            model.structures[&format!("{VM_SERVICE}.{nested}")].feature,
            "vcenter-vm"
        );
    }
    assert_eq!(model.packages[VM_PACKAGE].feature, "vcenter-vm");
    // The root package itself stays in the core.
    assert_eq!(model.packages[ROOT].feature, "vcenter-core");

    let vm = &model.features["vcenter-vm"];
    assert_eq!(vm.packages, [VM_PACKAGE]);
    assert_eq!(vm.services, [VM_SERVICE]);
    // `VM` uses nothing of the core, so `vcenter-vm` does not enable it.
    assert!(vm.depends_on.is_empty(), "{:?}", vm.depends_on);
}

#[test]
fn light_root_services_get_their_own_feature_or_stay_in_the_core() {
    let model = model();
    assert_eq!(model.services[DATASTORE].feature, "vcenter-datastore");
    assert_eq!(
        model.structures[&format!("{DATASTORE}.info")].feature,
        "vcenter-datastore"
    );
    let datastore = &model.features["vcenter-datastore"];
    assert!(datastore.packages.is_empty());
    assert_eq!(datastore.services, [DATASTORE]);
    assert_eq!(model.services[SYSTEM].feature, "vcenter-core");
    assert!(model.features["vcenter-core"].services.is_empty());
    assert_eq!(
        model.features["vcenter"].includes,
        ["vcenter-core", "vcenter-datastore", "vcenter-vm"]
    );
}

#[test]
fn the_handle_is_gated_on_its_own_feature() {
    let generated = emit::generate(&model()).unwrap_or_else(|err| panic!("{err}"));
    let file = |name: &str| generated.files[Path::new(name)].as_str();
    let root = file("crates/vcenter/src/vcenter.rs");
    assert!(
        root.contains("#[cfg(feature = \"vcenter-vm\")]\n#[derive(Debug, Clone)]\npub struct Vm {"),
        "{root}"
    );
    assert!(root.contains(
        "#[cfg(feature = \"vcenter-datastore\")]\n#[derive(Debug, Clone)]\npub struct Datastore {"
    ));
    assert!(root.contains(
        "#[cfg(feature = \"vcenter-core\")]\n#[derive(Debug, Clone)]\npub struct System {"
    ));
    // Everything in `vcenter::vm` (the package and `VM`'s nested types) is
    // `vcenter-vm`: no item there needs a gate of its own.
    let vm = file("crates/vcenter/src/vcenter/vm.rs");
    assert!(!vm.contains("#[cfg(feature"), "{vm}");
    let manifest = file("Cargo.toml");
    assert!(
        manifest.contains(
            "# com.vmware.vcenter.vm with service com.vmware.vcenter.VM: 2 services, 3 operations.\nvcenter-vm = [\"vsphere-vapi-vcenter/vcenter-vm\"]\n"
        ),
        "{manifest}"
    );
    assert!(manifest.contains(
        "# service com.vmware.vcenter.datastore: 1 services, 1 operations.\nvcenter-datastore = [\"vsphere-vapi-vcenter/vcenter-datastore\"]\n"
    ));
}

#[test]
fn an_identifier_type_is_compiled_with_the_features_that_use_it() {
    let model = model();
    // `VM.get` and `vm.Power.start` take a virtual machine; nothing takes a
    // host.
    assert_eq!(
        model.resource_ids["virtualmachine"].features,
        ["vcenter-vm"]
    );
    assert!(model.resource_ids["hostsystem"].features.is_empty());
    let generated = emit::generate(&model).unwrap_or_else(|err| panic!("{err}"));
    let ids = generated.files[Path::new("crates/shared/src/ids.rs")].as_str();
    assert!(
        ids.contains(
            "    #[cfg(feature = \"vcenter-vm\")]\n    pub struct VirtualMachineId = \"VirtualMachine\";"
        ),
        "{ids}"
    );
    assert!(
        ids.contains("    /// Identifier of a `HostSystem` resource.\n    pub struct HostSystemId"),
        "{ids}"
    );
}
