//! Content library end to end: the generated `content` services against the simulator,
//! over `/rest/com/vmware/content/...`.

mod e2e_support;

use e2e_support::{expect_kind, logged_in, start, unique_name};
use vsphere_vapi::ErrorKind;
use vsphere_vapi::content::library::{Item, ItemModel, StorageBacking, StorageBackingType, item};
use vsphere_vapi::content::library_model::LibraryType;
use vsphere_vapi::content::{Library, LibraryModel, LocalLibrary, library};

#[tokio::test]
async fn local_library_and_item_lifecycle() {
    let sim = start();
    let client = logged_in(&sim).await;
    let local_libraries = LocalLibrary::new(&client);
    let libraries = Library::new(&client);
    let items = Item::new(&client);

    // POST /rest/com/vmware/content/local-library {"create_spec": {...}}. The backing
    // must be a datastore of the simulator's model: the library's files go there.
    let library_name = unique_name("e2e-library");
    let library_id = local_libraries
        .create(&LibraryModel {
                name: Some(library_name.clone()),
                description: Some("Library of the end-to-end tests".to_owned()),
                r#type: Some(LibraryType::Local),
                storage_backings: Some(vec![StorageBacking {
                    r#type: Some(StorageBackingType::Datastore {
                        datastore_id: Some(sim.inventory().datastore.id.clone()),
                    }),
                }]),
                ..LibraryModel::default()
        })
        .send()
        .await
        .unwrap_or_else(|err| panic!("library create: {err}\n{}", sim.stderr()));
    assert!(!library_id.as_str().is_empty());

    // GET local-library/id:{id}; the simulator adds keys of its own, which are ignored.
    let created = local_libraries.get(&library_id).await.expect("library get");
    assert_eq!(created.id.as_deref(), Some(library_id.as_str()));
    assert_eq!(created.name.as_deref(), Some(library_name.as_str()));
    assert_eq!(created.r#type, Some(LibraryType::Local));
    let backings = created.storage_backings.unwrap_or_default();
    assert_eq!(backings.len(), 1, "backings: {backings:?}");
    match &backings[0].r#type {
        Some(StorageBackingType::Datastore { datastore_id }) => assert_eq!(
            datastore_id.as_deref(),
            Some(sim.inventory().datastore.id.as_str())
        ),
        other => panic!("expected a datastore backing, got {other:?}"),
    }
    assert!(created.creation_time.is_some(), "no creation time");

    // GET local-library
    let listed = local_libraries.list().await.expect("library list");
    assert!(
        listed.iter().any(|id| id == library_id.as_str()),
        "{library_id} not in {listed:?}"
    );
    // POST library?~action=find {"spec": {...}}
    let found = libraries
        .find(&library::FindSpec {
            name: Some(library_name.clone()),
            ..library::FindSpec::default()
        })
        .await
        .expect("library find");
    assert_eq!(found, [library_id.as_str()]);

    // GET library/item?library_id={id} on an empty library ({"value": null}).
    let before = items
        .list(&library_id)
        .await
        .expect("items of a new library");
    assert!(before.is_empty(), "new library holds {before:?}");

    // POST library/item {"create_spec": {...}}
    let item_name = unique_name("e2e-item");
    let item_id = items
        .create(&ItemModel {
                library_id: Some(library_id.to_string()),
                name: Some(item_name.clone()),
                description: Some("Item of the end-to-end tests".to_owned()),
                r#type: Some("ovf".to_owned()),
                ..ItemModel::default()
        })
        .send()
        .await
        .expect("item create");
    assert!(!item_id.as_str().is_empty());

    // GET library/item?library_id={id}
    let listed = items.list(&library_id).await.expect("item list");
    assert_eq!(listed, [item_id.as_str()]);
    // GET library/item/id:{id}
    let item = items.get(&item_id).await.expect("item get");
    assert_eq!(item.id.as_deref(), Some(item_id.as_str()));
    assert_eq!(item.library_id.as_deref(), Some(library_id.as_str()));
    assert_eq!(item.name.as_deref(), Some(item_name.as_str()));
    assert_eq!(item.r#type.as_deref(), Some("ovf"));
    // POST library/item?~action=find {"spec": {...}}
    let found = items
        .find(&item::FindSpec {
            library_id: Some(library_id.to_string()),
            name: Some(item_name.clone()),
            ..item::FindSpec::default()
        })
        .await
        .expect("item find");
    assert_eq!(found, [item_id.as_str()]);

    // DELETE library/item/id:{id}
    items.delete(&item_id).await.expect("item delete");
    let remaining = items.list(&library_id).await.expect("item list");
    assert!(remaining.is_empty(), "still listed: {remaining:?}");
    expect_kind(items.get(&item_id).await, ErrorKind::NotFound);

    // DELETE local-library/id:{id}
    local_libraries
        .delete(&library_id)
        .await
        .expect("library delete");
    let remaining = local_libraries.list().await.expect("library list");
    assert!(
        !remaining.iter().any(|id| id == library_id.as_str()),
        "{library_id} still listed"
    );
    expect_kind(local_libraries.get(&library_id).await, ErrorKind::NotFound);
}

/// Creates a local library backed by the simulator's datastore and an (empty) item of
/// `kind` in it.
async fn library_with_item(
    sim: &vsphere_vapi_tests::vcsim::Vcsim,
    client: &vsphere_vapi::Client,
    kind: &str,
) -> (vsphere_vapi::ids::LibraryId, vsphere_vapi::ids::ItemId) {
    let library_id = LocalLibrary::new(client)
        .create(&LibraryModel {
            name: Some(unique_name("e2e-library")),
            r#type: Some(LibraryType::Local),
            storage_backings: Some(vec![StorageBacking {
                r#type: Some(StorageBackingType::Datastore {
                    datastore_id: Some(sim.inventory().datastore.id.clone()),
                }),
            }]),
            ..LibraryModel::default()
        })
        .send()
        .await
        .unwrap_or_else(|err| panic!("library create: {err}\n{}", sim.stderr()));
    let item_id = Item::new(client)
        .create(&ItemModel {
            library_id: Some(library_id.to_string()),
            name: Some(unique_name("e2e-item")),
            r#type: Some(kind.to_owned()),
            ..ItemModel::default()
        })
        .send()
        .await
        .expect("item create");
    (library_id, item_id)
}

/// Upload-session files through the typed API. The simulator encodes with Go's
/// `omitempty`, so a file that has received nothing comes back without
/// `bytes_transferred` (required in the metamodel); it decodes as 0, and the
/// omission is recorded.
#[tokio::test]
async fn upload_session_files_decode_without_zero_members() {
    use vsphere_vapi::content::library::item::updatesession::{File, file};
    use vsphere_vapi::content::library::item::{TransferStatus, UpdateSession, UpdateSessionModel};

    let sim = start();
    let client = logged_in(&sim).await;
    let (_library_id, item_id) = library_with_item(&sim, &client, "ovf").await;

    // POST library/item/update-session {"create_spec": {...}}
    let session_id = UpdateSession::new(&client)
        .create(&UpdateSessionModel {
            library_item_id: Some(item_id.to_string()),
            ..UpdateSessionModel::default()
        })
        .send()
        .await
        .unwrap_or_else(|err| panic!("update session create: {err}\n{}", sim.stderr()));
    let files = File::new(&client);

    // POST library/item/updatesession/file/id:{session}?~action=add {"file_spec": {...}}
    let added = files
        .add(
            &session_id,
            &file::AddSpec {
                name: "disk.vmdk".to_owned(),
                source_type: file::AddSpecSourceType::Push,
                size: Some(4),
                checksum_info: None,
            },
        )
        .await
        .unwrap_or_else(|err| panic!("file add: {err}\n{}", sim.stderr()));
    assert_eq!(added.name, "disk.vmdk");
    assert_eq!(added.bytes_transferred, 0);
    assert_eq!(added.status, TransferStatus::WaitingForTransfer);
    match &added.source_type {
        file::InfoSourceType::Push {
            upload_endpoint: Some(endpoint),
        } => assert!(
            endpoint.uri.contains("disk.vmdk"),
            "upload endpoint: {}",
            endpoint.uri
        ),
        other => panic!("expected a push source with an upload endpoint, got {other:?}"),
    }
    assert!(
        vsphere_vapi::runtime::de::omitted_fields().contains(&(
            "content::library::item::updatesession::file::Info",
            "bytes_transferred"
        )),
        "{:?}",
        vsphere_vapi::runtime::de::omitted_fields()
    );

    // GET library/item/updatesession/file?update_session_id={session}
    let listed = files
        .list(&session_id)
        .await
        .unwrap_or_else(|err| panic!("file list: {err}\n{}", sim.stderr()));
    assert_eq!(listed.len(), 1, "files: {listed:?}");
    assert_eq!(listed[0], added);
}

/// Deploying an item without an OVF descriptor fails inside the simulator (it reads
/// the item's `.ovf` file first); the failure is a result, not an error, and comes
/// back without `succeeded` (`false` under `omitempty`). The typed result carries
/// the server's message.
#[tokio::test]
async fn failed_ovf_deploy_reads_as_its_typed_result() {
    use vsphere_vapi::ids::ResourcePoolId;
    use vsphere_vapi::vcenter::ovf::library_item::{DeploymentTarget, ResourcePoolDeploymentSpec};
    use vsphere_vapi::vcenter::ovf::{LibraryItem, OvfErrorCategory};

    let sim = start();
    let client = logged_in(&sim).await;
    let (_library_id, item_id) = library_with_item(&sim, &client, "ovf").await;

    // POST vcenter/ovf/library-item/id:{item}?~action=deploy. The simulator fails
    // before it looks at the target, so any resource pool id does.
    let result = LibraryItem::new(&client)
        .deploy(
            &item_id,
            &DeploymentTarget::new(ResourcePoolId::from("resgroup-1")),
            &ResourcePoolDeploymentSpec::new(true),
        )
        .send()
        .await
        .unwrap_or_else(|err| panic!("deploy: {err}\n{}", sim.stderr()));
    assert!(!result.succeeded);
    assert_eq!(result.resource_id, None);
    let info = result.error.expect("a failed deploy reports why");
    assert!(info.warnings.is_empty() && info.information.is_empty());
    assert_eq!(info.errors.len(), 1, "errors: {:?}", info.errors);
    let OvfErrorCategory::Server { error: Some(error) } = &info.errors[0].category else {
        panic!("expected a server error, got {:?}", info.errors[0].category);
    };
    let message = error["messages"][0]["default_message"]
        .as_str()
        .unwrap_or_default();
    assert!(!message.is_empty(), "no message in {error}");
    let omitted = vsphere_vapi::runtime::de::omitted_fields();
    assert!(
        omitted.contains(&("vcenter::ovf::library_item::DeploymentResult", "succeeded")),
        "{omitted:?}"
    );
}
