//! A metamodel in the shape of a vCenter 7.0 live dump
//! (`tests/fixtures/live-7.0`, as `cargo xtask fetch` stores one) still
//! generates, including a preview operation no published binding has: the
//! guest-file `transfers.get`, `GET /api/vcenter/vm/{vm}/guest/filesystem`
//! with a JSON body of `path` and `credentials` (VMware's reference page of
//! that preview form). `tests/tests/older_dump.rs` sends the request.

use std::path::PathBuf;

use vsphere_vapi_codegen::emit;
use vsphere_vapi_codegen::ir::{HttpMethod, Model, ParamLocation, RouteSource};

const TRANSFERS: &str = "com.vmware.vcenter.vm.guest.filesystem.transfers";

fn model() -> Model {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/live-7.0");
    vsphere_vapi_codegen::load_snapshot(&dir).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn a_live_dump_names_no_release_and_gates_nothing() {
    let model = model();
    assert!(model.releases.is_empty());
    assert!(model.services[TRANSFERS].releases.present.is_empty());
    let crate_files = emit::generate(&model).unwrap_or_else(|err| panic!("{err}"));
    let lib = &crate_files.files[&PathBuf::from("crates/shared/src/lib.rs")];
    assert!(lib.contains("pub const RELEASES: &[&str] = &[];"), "{lib}");
}

#[test]
fn the_preview_get_routes_its_body_fields_on_a_get() {
    let model = model();
    let get = &model.services[TRANSFERS].operations[0];
    assert_eq!(get.id, "get");
    let api = get.api.as_ref().expect("an /api route");
    assert_eq!(api.method, HttpMethod::Get);
    assert_eq!(api.path, "/api/vcenter/vm/{vm}/guest/filesystem");
    assert!(api.query.is_empty());
    assert_eq!(api.source, RouteSource::Verb);
    let bindings: Vec<(&str, &ParamLocation)> = api
        .params
        .iter()
        .map(|b| (b.param.as_str(), &b.location))
        .collect();
    assert_eq!(
        bindings,
        [
            ("vm", &ParamLocation::Path("vm".to_owned())),
            (
                "credentials",
                &ParamLocation::BodyField("credentials".to_owned())
            ),
            ("path", &ParamLocation::BodyField("path".to_owned())),
        ]
    );
}

#[test]
fn the_generated_method_sends_that_request() {
    let code = emit::render_service(&model(), TRANSFERS).unwrap_or_else(|err| panic!("{err}"));
    for expected in [
        "pub fn get(\n        &self,\n        vm: &crate::ids::VirtualMachineId,\n        \
         credentials: &crate::vcenter::vm::guest::Credentials,\n        path: &str,\n    ) \
         -> impl ::core::future::Future<Output = vsphere_vapi_runtime::Result<String>> {",
        ".param(\"vm\", vm)\n            .param(\"credentials\", credentials)\n            \
         .param(\"path\", path)\n            .send()",
        "method: HttpMethod::Get,\n            path: \"/api/vcenter/vm/{vm}/guest/filesystem\",\n            \
         query: &[],",
        "location: ParamLocation::BodyField(\"credentials\"),",
        "location: ParamLocation::BodyField(\"path\"),",
        "releases: Releases::UNKNOWN,",
        "- `/api`: `GET /api/vcenter/vm/{vm}/guest/filesystem` (`credentials` in the body, \
         `path` in the body)",
    ] {
        assert!(code.contains(expected), "missing\n{expected}\nin\n{code}");
    }
}
