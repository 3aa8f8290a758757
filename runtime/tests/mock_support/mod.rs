//! Shared by the mock server suites (`mock.rs`, `mock_server.rs`): hand-written
//! operation descriptions and typed results standing in for generated ones.

// Each suite uses a different subset.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use vsphere_vapi_runtime::mock::MockServer;
use vsphere_vapi_runtime::transport::{Exchange, HttpRequest, TransportFuture};
use vsphere_vapi_runtime::types::VapiMap;
use vsphere_vapi_runtime::{
    Client, HttpMethod, HttpRoute, Operation, OperationSpec, ParamBinding, ParamLocation, Protocol,
    TaskWaitOptions, Transport,
};

vsphere_vapi_runtime::vapi_id! {
    /// Identifier of a virtual machine.
    pub struct VirtualMachineId = "VirtualMachine";
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_states: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub vm: VirtualMachineId,
    pub name: String,
    pub power_state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelocateSpec {
    pub folder: Option<String>,
    pub tags: VapiMap<String, String>,
}

pub const FILTER: &[ParamBinding] = &[ParamBinding {
    param: "filter",
    location: ParamLocation::Query("filter"),
}];
pub const VM: &[ParamBinding] = &[ParamBinding {
    param: "vm",
    location: ParamLocation::Path("vm"),
}];

pub static VM_LIST: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "list",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/api/vcenter/vm",
        query: &[],
        params: FILTER,
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Get,
        path: "/rest/vcenter/vm",
        query: &[],
        params: FILTER,
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    idempotency: vsphere_vapi_runtime::Idempotency::None,
};
pub const LIST: Operation<Vec<Summary>> = Operation::new(&VM_LIST);

pub static POWER_START: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.vm.power",
    operation_id: "start",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}/power",
        query: &[("action", "start")],
        params: VM,
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/vcenter/vm/{vm}/power/start",
        query: &[],
        params: VM,
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    idempotency: vsphere_vapi_runtime::Idempotency::None,
};
pub const START: Operation<()> = Operation::new(&POWER_START);

pub static POWER_STOP: OperationSpec = OperationSpec {
    operation_id: "stop",
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}/power",
        query: &[("action", "stop")],
        params: VM,
    }),
    rest: None,
    ..POWER_START
};

pub const RELOCATE_PARAMS_API: &[ParamBinding] = &[
    ParamBinding {
        param: "vm",
        location: ParamLocation::Path("vm"),
    },
    ParamBinding {
        param: "spec",
        location: ParamLocation::Body,
    },
];
pub const RELOCATE_PARAMS_REST: &[ParamBinding] = &[
    ParamBinding {
        param: "vm",
        location: ParamLocation::Path("vm"),
    },
    ParamBinding {
        param: "spec",
        location: ParamLocation::BodyField("spec"),
    },
];

pub static VM_RELOCATE_TASK: OperationSpec = OperationSpec {
    service_id: "com.vmware.vcenter.VM",
    operation_id: "relocate$task",
    task: true,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}",
        query: &[("action", "relocate"), ("vmw-task", "true")],
        params: RELOCATE_PARAMS_API,
    }),
    rest: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/rest/vcenter/vm/{vm}",
        query: &[("action", "relocate"), ("vmw-task", "true")],
        params: RELOCATE_PARAMS_REST,
    }),
    releases: vsphere_vapi_runtime::Releases::UNKNOWN,
    idempotency: vsphere_vapi_runtime::Idempotency::None,
};
pub const RELOCATE_TASK: Operation<VapiMap<String, i64>> = Operation::new(&VM_RELOCATE_TASK);

pub static VM_RELOCATE: OperationSpec = OperationSpec {
    operation_id: "relocate",
    task: false,
    api: Some(HttpRoute {
        method: HttpMethod::Post,
        path: "/api/vcenter/vm/{vm}",
        query: &[("action", "relocate")],
        params: RELOCATE_PARAMS_API,
    }),
    rest: None,
    ..VM_RELOCATE_TASK
};
pub const RELOCATE: Operation<()> = Operation::new(&VM_RELOCATE);

pub static TABLE: &[&OperationSpec] = &[&VM_LIST, &POWER_START, &POWER_STOP, &VM_RELOCATE_TASK];

pub fn summary(vm: &str, name: &str) -> Summary {
    Summary {
        vm: VirtualMachineId::from(vm),
        name: name.to_owned(),
        power_state: "POWERED_OFF".to_owned(),
    }
}

pub fn fast() -> TaskWaitOptions {
    TaskWaitOptions::default().intervals(Duration::from_millis(1), Duration::from_millis(2))
}

pub fn rest_client(server: &MockServer) -> Client {
    server
        .client_builder()
        .protocol(Protocol::Rest)
        .build()
        .unwrap()
}

/// Keeps every exchange with the mock as the bytes that travelled.
#[derive(Clone)]
pub struct Spy {
    pub inner: MockServer,
    pub seen: Arc<Mutex<Vec<(String, u16, String)>>>,
}

impl Transport for Spy {
    fn send(&self, request: HttpRequest, exchange: Exchange) -> TransportFuture<'_> {
        let target = format!("{} {}", request.method(), request.uri());
        Box::pin(async move {
            let response = self.inner.send(request, exchange).await?;
            self.seen.lock().unwrap().push((
                target,
                response.status().as_u16(),
                String::from_utf8_lossy(response.body()).into_owned(),
            ));
            Ok(response)
        })
    }
}
