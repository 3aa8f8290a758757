//! Error mapping end to end: what the simulator answers for unknown objects becomes
//! the standard error kinds of the generated client.

mod e2e_support;

use e2e_support::{expect_kind, logged_in, start};
use vsphere_vapi::ids::{CategoryId, ItemId, LibraryId, TagId};
use vsphere_vapi::runtime::ResourceId;
use vsphere_vapi::{ErrorExt, ErrorKind};
use vsphere_vapi::cis::tagging::{Category, Tag, TagAssociation};
use vsphere_vapi::content::LocalLibrary;
use vsphere_vapi::content::library::Item;
use vsphere_vapi::vapi::standard::DynamicId;

const UNKNOWN_CATEGORY: &str =
    "urn:vmomi:InventoryServiceCategory:00000000-0000-0000-0000-000000000000:GLOBAL";
const UNKNOWN_TAG: &str =
    "urn:vmomi:InventoryServiceTag:00000000-0000-0000-0000-000000000000:GLOBAL";
const UNKNOWN_UUID: &str = "00000000-0000-0000-0000-000000000000";

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let sim = start();
    let client = logged_in(&sim).await;

    // GET /rest/com/vmware/cis/tagging/category/id:{id}: the simulator answers
    // `404 page not found` as text/plain, without a vAPI error body.
    let err = expect_kind(
        Category::new(&client)
            .get(&CategoryId::from(UNKNOWN_CATEGORY))
            .await,
        ErrorKind::NotFound,
    );
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.error_type(), Some("NOT_FOUND"));
    let api = err.server_error().expect("a server-reported error");
    assert_eq!(api.status(), 404);
    assert!(api.messages().is_empty(), "messages: {:?}", api.messages());
    assert_eq!(api.excerpt().map(str::trim), Some("404 page not found"));
    // The status stands for the standard error, as in VMware's clients.
    let standard = err.standard_error().expect("a standard error structure");
    assert_eq!(standard.error_type, Some(ErrorKind::NotFound));
    assert!(standard.messages.is_empty());
    let message = err.to_string();
    assert!(
        message.contains("com.vmware.cis.tagging.category"),
        "{message}"
    );
    assert!(message.contains("get"), "{message}");

    // Other methods and services map the same way.
    expect_kind(
        Category::new(&client)
            .delete(&CategoryId::from(UNKNOWN_CATEGORY))
            .await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Tag::new(&client).get(&TagId::from(UNKNOWN_TAG)).await,
        ErrorKind::NotFound,
    );
    let vm = DynamicId {
        r#type: sim.vm().kind.clone(),
        id: ResourceId::from(sim.vm().id.as_str()),
    };
    expect_kind(
        TagAssociation::new(&client)
            .attach(&TagId::from(UNKNOWN_TAG), &vm)
            .await,
        ErrorKind::NotFound,
    );
    expect_kind(
        LocalLibrary::new(&client)
            .get(&LibraryId::from(UNKNOWN_UUID))
            .await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Item::new(&client).get(&ItemId::from(UNKNOWN_UUID)).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Item::new(&client)
            .list(&LibraryId::from(UNKNOWN_UUID))
            .await,
        ErrorKind::NotFound,
    );
}
