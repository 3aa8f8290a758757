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
