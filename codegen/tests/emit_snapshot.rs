//! Golden code for a representative set of real services: the emitter run
//! on the union of the checked-in release snapshots, one insta snapshot per
//! service (its client handle plus its nested types and operation specs, as
//! `emit::render_service` shows them). They cover path/query/body
//! parameters, task operations, legacy `/rest` routes, unions, nested
//! enumerations, and a service later releases dropped (`vstats.counters`).

use std::path::Path;
use std::sync::OnceLock;

use vsphere_vapi_codegen::emit;
use vsphere_vapi_codegen::ir::Model;

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metamodel-snapshots");
        vsphere_vapi_codegen::load_releases(&dir)
            .unwrap_or_else(|err| panic!("loading {}: {err}", dir.display()))
            .0
    })
}

fn check(service_id: &str) {
    let text = emit::render_service(model(), service_id)
        .unwrap_or_else(|err| panic!("rendering {service_id}: {err}"));
    insta::assert_snapshot!(service_id, text);
}

#[test]
fn vcenter_vm_power() {
    check("com.vmware.vcenter.vm.power");
}

#[test]
fn vcenter_vm_tools() {
    check("com.vmware.vcenter.vm.tools");
}

#[test]
fn vcenter_vm_guest_filesystem_transfers() {
    check("com.vmware.vcenter.vm.guest.filesystem.transfers");
}

#[test]
fn appliance_update_pending() {
    check("com.vmware.appliance.update.pending");
}

#[test]
fn cis_tagging_category() {
    check("com.vmware.cis.tagging.category");
}

#[test]
fn content_library() {
    check("com.vmware.content.library");
}

#[test]
fn vapi_metadata_metamodel_component() {
    check("com.vmware.vapi.metadata.metamodel.component");
}

/// The whole crate emits without error and every service renders.
#[test]
fn whole_snapshot_emits() {
    let generated = emit::generate(model()).unwrap_or_else(|err| panic!("{err}"));
    assert!(
        generated
            .files
            .contains_key(Path::new("crates/vcenter/src/vcenter/vm.rs"))
    );
    let largest = generated
        .files
        .iter()
        .map(|(path, text)| (text.lines().count(), path))
        .max();
    if let Some((lines, path)) = largest {
        // Written-out serde impls (see "Compile cost" in the `emit` docs)
        // make structure-heavy modules about half again as long; a module
        // is still one file, reviewed as a diff.
        assert!(
            lines < 8_000,
            "{} has {lines} lines; files must stay reviewable",
            path.display()
        );
    }
}

#[test]
fn vstats_counters() {
    check("com.vmware.vstats.counters");
}
