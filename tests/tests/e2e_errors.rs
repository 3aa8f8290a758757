//! Error mapping end to end: what the simulator answers for unknown objects becomes
//! the standard error kinds of the generated client.

mod e2e_support;

use e2e_support::{expect_kind, logged_in, start};
use vsphere_vapi::ErrorKind;
use vsphere_vapi::cis::tagging::{Category, Tag, TagAssociation};
use vsphere_vapi::content::LocalLibrary;
use vsphere_vapi::content::library::Item;
use vsphere_vapi::vapi::std_::DynamicId;

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
        Category::new(&client).get(UNKNOWN_CATEGORY).await,
        ErrorKind::NotFound,
    );
    assert_eq!(err.status(), Some(404));
    let api = err.api_error().expect("an API error");
    assert!(api.messages.is_empty(), "messages: {:?}", api.messages);
    assert_eq!(
        api.body_excerpt.as_deref().map(str::trim),
        Some("404 page not found")
    );
    let message = err.to_string();
    assert!(
        message.contains("com.vmware.cis.tagging.category"),
        "{message}"
    );
    assert!(message.contains("get"), "{message}");

    // Other methods and services map the same way.
    expect_kind(
        Category::new(&client).delete(UNKNOWN_CATEGORY).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Tag::new(&client).get(UNKNOWN_TAG).await,
        ErrorKind::NotFound,
    );
    let vm = DynamicId {
        r#type: sim.vm().kind.clone(),
        id: sim.vm().id.clone(),
    };
    expect_kind(
        TagAssociation::new(&client).attach(UNKNOWN_TAG, &vm).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        LocalLibrary::new(&client).get(UNKNOWN_UUID).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Item::new(&client).get(UNKNOWN_UUID).await,
        ErrorKind::NotFound,
    );
    expect_kind(
        Item::new(&client).list(UNKNOWN_UUID).await,
        ErrorKind::NotFound,
    );
}
