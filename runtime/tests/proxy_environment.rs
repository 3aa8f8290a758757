//! The standard proxy environment variables are honoured unless the builder
//! says `no_proxy()`. Alone in its test binary: it changes the process
//! environment, which every client built at the same time would read.

mod support;

use vsphere_vapi_runtime::{Client, HttpMethod, HttpRoute, Idempotency, OperationSpec};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

static VM_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "list",
    task: false,
    idempotency: Idempotency::Safe,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm",
        query: &[],
        params: &[],
    }),
    rest: None,
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
};

#[test]
fn environment_proxies_are_used_unless_disabled() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(["vm-1"]))
            .expect(2)
            .mount(&server)
            .await;
        let (proxy, seen) = support::proxy::start().await;
        // SAFETY: this is the only test of this binary and no other thread
        // reads the environment while it runs (the runtime is
        // single-threaded, and the servers started above do not read it).
        unsafe {
            for name in [
                "NO_PROXY",
                "no_proxy",
                "ALL_PROXY",
                "all_proxy",
                "http_proxy",
            ] {
                std::env::remove_var(name);
            }
            std::env::set_var("HTTP_PROXY", format!("http://{proxy}"));
        }
        let through_proxy = Client::new(server.uri()).unwrap();
        let direct = Client::builder(server.uri()).no_proxy().build().unwrap();
        // SAFETY: as above.
        unsafe {
            std::env::remove_var("HTTP_PROXY");
        }
        let _: Vec<String> = through_proxy.operation(&VM_LIST).send().await.unwrap();
        assert_eq!(seen.heads().len(), 1, "{:?}", seen.heads());
        assert!(seen.heads()[0].starts_with(&format!("GET {}/api/vcenter/vm", server.uri())));
        let _: Vec<String> = direct.operation(&VM_LIST).send().await.unwrap();
        assert_eq!(seen.heads().len(), 1, "the direct client used the proxy");
    });
}
