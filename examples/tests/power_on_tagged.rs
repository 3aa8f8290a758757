//! `power_on_tagged` against the mock server: no vCenter needed, and every
//! request and answer goes through the client's real encoding.

use vsphere_vapi::cis::tagging::{Tag, TagAssociation, TagModel};
use vsphere_vapi::ids::{CategoryId, TagId, VirtualMachineId};
use vsphere_vapi::mock::{self, MockServer};
use vsphere_vapi::vapi::standard::DynamicId;
use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{
    FilterSpec, Power, RelocatePlacementSpec, RelocateSpec, Summary, power,
};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind, Protocol};
use vsphere_vapi_examples::power_on_tagged::{PowerOnError, power_on_tagged};

fn vm(id: &str) -> VirtualMachineId {
    VirtualMachineId::from(id)
}

fn tag(id: &str, name: &str) -> TagModel {
    TagModel {
        id: TagId::from(id),
        category_id: CategoryId::from("c-1"),
        name: name.to_owned(),
        description: String::new(),
        used_by: Vec::new(),
    }
}

fn object(kind: &str, id: &str) -> DynamicId {
    DynamicId {
        r#type: kind.to_owned(),
        id: id.into(),
    }
}

fn stopped(id: &str, name: &str) -> Summary {
    Summary {
        vm: vm(id),
        name: name.to_owned(),
        power_state: power::State::PoweredOff,
        cpu_count: Some(2),
        memory_size_mib: Some(4096),
    }
}

/// A vCenter with two tags, `prod` on three virtual machines and a host, of
/// which `web-1` (vm-1), `web-2` (vm-2) and `db` (vm-3) are powered off.
fn inventory() -> MockServer {
    let server = mock::server().require_session();
    server
        .on(Tag::LIST)
        .returns(vec!["t-prod".to_owned(), "t-dev".to_owned()]);
    server.on(Tag::GET).respond(|call| {
        let id: TagId = call.param("tag_id");
        match id.as_str() {
            "t-prod" => Ok(tag("t-prod", "prod")),
            "t-dev" => Ok(tag("t-dev", "dev")),
            other => Err(mock::error(ErrorKind::NotFound, format!("no tag {other}"))),
        }
    });
    server
        .on(TagAssociation::LIST_ATTACHED_OBJECTS)
        .with_param("tag_id", TagId::from("t-prod"))
        .returns(vec![
            object("VirtualMachine", "vm-3"),
            object("HostSystem", "host-9"),
            object("VirtualMachine", "vm-1"),
            object("VirtualMachine", "vm-2"),
        ]);
    server.on(Vm::LIST).respond(|call| {
        // Only the tagged machines, only the powered-off ones.
        let filter: FilterSpec = call.param("filter");
        assert_eq!(
            filter.vms.as_deref(),
            Some(&["vm-1", "vm-2", "vm-3"].map(String::from)[..])
        );
        assert_eq!(filter.power_states, Some(vec![power::State::PoweredOff]));
        Ok(vec![
            stopped("vm-3", "db"),
            stopped("vm-2", "web-2"),
            stopped("vm-1", "web-1"),
        ])
    });
    server
}

async fn logged_in(server: &MockServer, protocol: Protocol) -> Client {
    let client = server.client_builder().protocol(protocol).build().unwrap();
    client
        .login("automation@vsphere.local", "secret")
        .await
        .unwrap();
    client
}

fn started_in_order(server: &MockServer) -> Vec<VirtualMachineId> {
    server
        .calls_to(Power::START)
        .iter()
        .map(|call| call.param("vm"))
        .collect()
}

#[tokio::test]
async fn powers_on_the_stopped_tagged_machines_over_both_protocols() {
    for protocol in [Protocol::Api, Protocol::Rest] {
        let server = inventory();
        server.on(Power::START).succeeds();
        let client = logged_in(&server, protocol).await;

        let report = power_on_tagged(&client, "prod", None).await.unwrap();

        // By name: db, web-1, web-2.
        assert_eq!(
            report.started,
            [vm("vm-3"), vm("vm-1"), vm("vm-2")],
            "{protocol:?}"
        );
        assert!(report.failed.is_empty() && report.vanished.is_empty());
        assert_eq!(started_in_order(&server), report.started);
        assert_eq!(server.count(Vm::LIST), 1);
        assert_eq!(server.count(Tag::GET), 2);
        // No task was needed without a placement.
        assert_eq!(server.count(Vm::RELOCATE_TASK), 0);
        assert!(
            server
                .calls()
                .iter()
                .all(|call| call.protocol() == protocol)
        );
    }
}

#[tokio::test]
async fn a_machine_deleted_meanwhile_is_skipped_and_the_others_start() {
    let server = inventory();
    server
        .on(Power::START)
        .with_param("vm", vm("vm-1"))
        .fails(mock::error(
            ErrorKind::NotFound,
            "The virtual machine vm-1 was not found.",
        ));
    server
        .on(Power::START)
        .with_param("vm", vm("vm-2"))
        .fails(ErrorKind::AlreadyInDesiredState);
    server.on(Power::START).succeeds();
    let client = logged_in(&server, Protocol::Auto).await;

    let report = power_on_tagged(&client, "prod", None).await.unwrap();

    assert_eq!(report.vanished, [vm("vm-1")]);
    assert_eq!(report.already_running, [vm("vm-2")]);
    assert_eq!(report.started, [vm("vm-3")]);
    // vm-1 failed in the middle; vm-2 was still tried after it.
    assert_eq!(
        started_in_order(&server),
        [vm("vm-3"), vm("vm-1"), vm("vm-2")]
    );
}

#[tokio::test]
async fn a_failed_relocate_task_leaves_that_machine_off() {
    let server = inventory();
    server
        .on(Vm::RELOCATE_TASK)
        .with_param("vm", vm("vm-2"))
        .task_fails(mock::error(
            ErrorKind::UnableToAllocateResource,
            "Insufficient resources in cluster domain-c8.",
        ));
    server.on(Vm::RELOCATE_TASK).returns(());
    server.on(Power::START).succeeds();
    let client = logged_in(&server, Protocol::Auto).await;
    let cluster = RelocatePlacementSpec {
        cluster: Some("domain-c8".to_owned()),
        ..RelocatePlacementSpec::default()
    };

    let report = power_on_tagged(&client, "prod", Some(&cluster))
        .await
        .unwrap();

    assert_eq!(report.started, [vm("vm-3"), vm("vm-1")]);
    let [(failed, error)] = &report.failed[..] else {
        panic!("one failure expected: {report:?}");
    };
    assert_eq!(failed, &vm("vm-2"));
    assert!(matches!(error, Error::TaskFailed { .. }), "{error:?}");
    assert!(error.is_kind(ErrorKind::UnableToAllocateResource));
    assert!(
        error.to_string().contains("Insufficient resources"),
        "{error}"
    );
    // Never powered on, and every move asked for the cluster.
    assert!(!started_in_order(&server).contains(&vm("vm-2")));
    let moves = server.calls_to(Vm::RELOCATE_TASK);
    assert_eq!(moves.len(), 3);
    for call in &moves {
        let spec: RelocateSpec = call.param("spec");
        assert_eq!(spec.placement, Some(cluster.clone()));
    }
}

#[tokio::test]
async fn an_unknown_tag_or_an_unreachable_tag_service_stops_the_run() {
    let server = inventory();
    let client = logged_in(&server, Protocol::Auto).await;
    let error = power_on_tagged(&client, "staging", None).await.unwrap_err();
    assert!(
        matches!(error, PowerOnError::UnknownTag(ref name) if name == "staging"),
        "{error}"
    );

    let server = mock::server();
    server.on(Tag::LIST).fails(mock::error(
        ErrorKind::ServiceUnavailable,
        "tagging is restarting",
    ));
    let error = power_on_tagged(&server.client(), "prod", None)
        .await
        .unwrap_err();
    let PowerOnError::Api { action, source } = &error else {
        panic!("{error}");
    };
    assert_eq!(action, "listing the tags");
    assert!(source.is_kind(ErrorKind::ServiceUnavailable));
}

#[tokio::test]
async fn without_a_session_the_server_refuses() {
    let server = inventory();
    let error = power_on_tagged(&server.client(), "prod", None)
        .await
        .unwrap_err();
    let PowerOnError::Api { source, .. } = &error else {
        panic!("{error}");
    };
    assert!(source.is_kind(ErrorKind::Unauthenticated), "{source}");
}
