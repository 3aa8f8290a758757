//! A 7.0-era live dump still generates a working method: the preview
//! guest-file `transfers.get` of `codegen/tests/fixtures/live-7.0` (no
//! published binding has it) sends exactly the request of VMware's
//! reference page (`/work/shared/reference/api-vcenter-vm-guest-filesystem-transfers-get.txt`):
//! `GET /api/vcenter/vm/{vm}/guest/filesystem` with a JSON body of `path`
//! and `credentials`.
//!
//! The method the generator writes for it is one `.param(..)` per
//! parameter on the operation's static `OperationSpec`; this test takes the
//! spec the emitter prints from the fixture's IR, checks the method's body
//! in the emitted code, and makes the same call against a recording server.

mod support_mock;

use std::path::PathBuf;

use serde_json::json;
use support_mock::{header, json_body, raw_path_and_query, single_request};
use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::runtime::types::Secret;
use vsphere_vapi::runtime::{
    Client, HttpMethod, HttpRoute, Idempotency, OperationSpec, ParamBinding, ParamLocation,
    Releases,
};
use vsphere_vapi::vcenter::vm::guest::{Credentials, CredentialsType};
use vsphere_vapi_codegen::ir;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TRANSFERS: &str = "com.vmware.vcenter.vm.guest.filesystem.transfers";

fn fixture() -> ir::Model {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures/live-7.0");
    vsphere_vapi_codegen::load_snapshot(&dir).unwrap_or_else(|err| panic!("{err}"))
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// The runtime form of an IR route, as the emitter prints it.
fn idempotency(idempotency: &ir::Idempotency) -> Idempotency {
    match idempotency {
        ir::Idempotency::None => Idempotency::None,
        ir::Idempotency::Safe => Idempotency::Safe,
        ir::Idempotency::WithToken(param) => Idempotency::WithToken(leak(param)),
    }
}

fn route(route: &ir::Route) -> HttpRoute {
    let method = match route.method {
        ir::HttpMethod::Get => HttpMethod::Get,
        ir::HttpMethod::Post => HttpMethod::Post,
        ir::HttpMethod::Put => HttpMethod::Put,
        ir::HttpMethod::Patch => HttpMethod::Patch,
        ir::HttpMethod::Delete => HttpMethod::Delete,
    };
    let params: Vec<ParamBinding> = route
        .params
        .iter()
        .map(|binding| ParamBinding {
            param: leak(&binding.param),
            location: match &binding.location {
                ir::ParamLocation::Path(name) => ParamLocation::Path(leak(name)),
                ir::ParamLocation::Query(name) => ParamLocation::Query(leak(name)),
                ir::ParamLocation::Body => ParamLocation::Body,
                ir::ParamLocation::BodyField(name) => ParamLocation::BodyField(leak(name)),
                ir::ParamLocation::Header(name) => ParamLocation::Header(leak(name)),
            },
        })
        .collect();
    let query: Vec<(&'static str, &'static str)> = route
        .query
        .iter()
        .map(|(k, v)| (leak(k), leak(v)))
        .collect();
    HttpRoute {
        method,
        path: leak(&route.path),
        query: Box::leak(query.into_boxed_slice()),
        params: Box::leak(params.into_boxed_slice()),
    }
}

#[tokio::test]
async fn the_preview_transfers_get_sends_the_reference_request() {
    let model = fixture();
    let service = &model.services[TRANSFERS];
    let get = &service.operations[0];
    let code = vsphere_vapi_codegen::emit::render_service(&model, TRANSFERS)
        .unwrap_or_else(|err| panic!("{err}"));
    // The generated method's body: these parameters, in this order.
    assert!(
        code.contains(
            "self.client\n            .operation(&transfers::ops::GET)\n            \
             .param(\"vm\", vm)\n            .param(\"credentials\", credentials)\n            \
             .param(\"path\", path)\n            .send()"
        ),
        "{code}"
    );
    let spec: &'static OperationSpec = Box::leak(Box::new(OperationSpec {
        service_id: TRANSFERS,
        operation_id: "get",
        task: false,
        api: get.api.as_ref().map(route),
        rest: get.rest.as_ref().map(route),
        releases: Releases::UNKNOWN,
        idempotency: idempotency(&get.idempotency),
    }));

    let server = MockServer::start().await;
    let url = "https://vc.example.com/guestFile?id=1&token=1234";
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(url)))
        .mount(&server)
        .await;
    let client = Client::builder(server.uri()).build().expect("client");
    let credentials = Credentials {
        interactive_session: false,
        r#type: CredentialsType::UsernamePassword {
            user_name: Some("root".to_owned()),
            password: Some(Secret::new("s3cret")),
        },
    };
    let answer: String = client
        .operation(spec)
        .param("vm", &VirtualMachineId::from("vm-42"))
        .param("credentials", &credentials)
        .param("path", "/etc/hosts")
        .send()
        .await
        .expect("the call succeeds");
    assert_eq!(answer, url);

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        raw_path_and_query(&request),
        "/api/vcenter/vm/vm-42/guest/filesystem"
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        json_body(&request),
        json!({
            "path": "/etc/hosts",
            "credentials": {
                "interactive_session": false,
                "type": "USERNAME_PASSWORD",
                "user_name": "root",
                "password": "s3cret"
            }
        })
    );
}
