//! Tagging end to end: the generated `cis::tagging` services against the simulator,
//! over `/rest/com/vmware/cis/tagging/...`.

mod e2e_support;

use e2e_support::{expect_kind, logged_in, start, unique_name};
use vsphere_vapi::ErrorKind;
use vsphere_vapi::ids::{CategoryId, TagId};
use vsphere_vapi::runtime::ResourceId;
use vsphere_vapi::cis::tagging::category_model::Cardinality;
use vsphere_vapi::cis::tagging::{Category, Tag, TagAssociation, category, tag};
use vsphere_vapi::vapi::standard::DynamicId;

#[tokio::test]
async fn category_and_tag_lifecycle_with_the_inventory_vm() {
    let sim = start();
    let client = logged_in(&sim).await;
    let categories = Category::new(&client);
    let tags = Tag::new(&client);
    let associations = TagAssociation::new(&client);

    // POST /rest/com/vmware/cis/tagging/category {"create_spec": {...}}
    let category_name = unique_name("e2e-category");
    let category_id = categories
        .create(&category::CreateSpec {
            name: category_name.clone(),
            description: "Category of the end-to-end tests".to_owned(),
            cardinality: Cardinality::Multiple,
            associable_types: vec!["VirtualMachine".to_owned()],
            category_id: None,
        })
        .await
        .expect("category create");
    assert!(
        category_id
            .as_str()
            .starts_with("urn:vmomi:InventoryServiceCategory:"),
        "category id: {category_id}"
    );

    // GET category/id:{id}
    let created = categories.get(&category_id).await.expect("category get");
    assert_eq!(created.id, category_id);
    assert_eq!(created.name, category_name);
    assert_eq!(created.description, "Category of the end-to-end tests");
    assert_eq!(created.cardinality, Cardinality::Multiple);
    assert_eq!(created.associable_types, ["VirtualMachine"]);
    // GET category
    let listed = categories.list().await.expect("category list");
    assert!(
        listed.iter().any(|id| id == category_id.as_str()),
        "{category_id} not in {listed:?}"
    );

    // PATCH category/id:{id} {"update_spec": {...}}: only the given field changes.
    categories
        .update(
            &category_id,
            &category::UpdateSpec {
                description: Some("Updated by the end-to-end tests".to_owned()),
                ..category::UpdateSpec::default()
            },
        )
        .await
        .expect("category update");
    let updated = categories.get(&category_id).await.expect("category get");
    assert_eq!(updated.description, "Updated by the end-to-end tests");
    assert_eq!(updated.name, category_name);

    // POST tag {"create_spec": {...}}
    let tag_name = unique_name("e2e-tag");
    let tag_id = tags
        .create(&tag::CreateSpec {
            name: tag_name.clone(),
            description: "Tag of the end-to-end tests".to_owned(),
            category_id: category_id.clone(),
            tag_id: None,
        })
        .await
        .expect("tag create");
    assert!(
        tag_id.as_str().starts_with("urn:vmomi:InventoryServiceTag:"),
        "tag id: {tag_id}"
    );
    // GET tag/id:{id}
    let created_tag = tags.get(&tag_id).await.expect("tag get");
    assert_eq!(created_tag.id, tag_id);
    assert_eq!(created_tag.name, tag_name);
    assert_eq!(created_tag.category_id, category_id);
    assert_eq!(created_tag.description, "Tag of the end-to-end tests");
    // GET tag; POST tag/id:{category_id}?~action=list-tags-for-category
    assert!(
        tags.list()
            .await
            .expect("tag list")
            .iter()
            .any(|id| id == tag_id.as_str())
    );
    // Identifiers listed as strings convert into the typed ones.
    let listed_tag = TagId::from(
        tags.list_tags_for_category(&category_id)
            .await
            .expect("tags of the category")
            .remove(0),
    );
    assert_eq!(listed_tag, tag_id);
    assert_eq!(
        tags.list_tags_for_category(&category_id)
            .await
            .expect("tags of the category"),
        [tag_id.as_str()]
    );

    let vm = DynamicId {
        r#type: sim.vm().kind.clone(),
        id: ResourceId::from(sim.vm().id.as_str()),
    };
    // POST tag-association/id:{tag_id}?~action=list-attached-objects; the simulator
    // answers a tag without objects with {"value": null}.
    let before = associations
        .list_attached_objects(&tag_id)
        .await
        .expect("objects of the new tag");
    assert!(before.is_empty(), "new tag is attached to {before:?}");

    // POST tag-association/id:{tag_id}?~action=attach {"object_id": {...}}
    associations.attach(&tag_id, &vm).await.expect("attach");
    let attached = associations
        .list_attached_objects(&tag_id)
        .await
        .expect("objects of the tag");
    assert_eq!(attached, std::slice::from_ref(&vm));
    // POST tag-association?~action=list-attached-tags {"object_id": {...}}
    let on_vm = associations
        .list_attached_tags(&vm)
        .await
        .expect("tags of the VM");
    assert!(
        on_vm.iter().any(|id| id == tag_id.as_str()),
        "{tag_id} not in {on_vm:?}"
    );

    // POST tag-association/id:{tag_id}?~action=detach {"object_id": {...}}
    associations.detach(&tag_id, &vm).await.expect("detach");
    let after = associations
        .list_attached_objects(&tag_id)
        .await
        .expect("objects of the detached tag");
    assert!(after.is_empty(), "still attached to {after:?}");
    let on_vm = associations
        .list_attached_tags(&vm)
        .await
        .expect("tags of the VM");
    assert!(
        !on_vm.iter().any(|id| id == tag_id.as_str()),
        "{tag_id} still in {on_vm:?}"
    );

    // DELETE tag/id:{id}
    tags.delete(&tag_id).await.expect("tag delete");
    let remaining = tags.list().await.expect("tag list");
    assert!(
        !remaining.iter().any(|id| id == tag_id.as_str()),
        "{tag_id} still listed"
    );
    expect_kind(tags.get(&tag_id).await, ErrorKind::NotFound);

    // DELETE category/id:{id}
    categories
        .delete(&category_id)
        .await
        .expect("category delete");
    let remaining = categories.list().await.expect("category list");
    assert!(
        !remaining.iter().any(|id| id == category_id.as_str()),
        "{category_id} still listed"
    );
    expect_kind(categories.get(&category_id).await, ErrorKind::NotFound);
}

#[tokio::test]
async fn duplicate_category_name_is_already_exists() {
    let sim = start();
    let client = logged_in(&sim).await;
    let categories = Category::new(&client);
    let spec = category::CreateSpec {
        name: unique_name("e2e-duplicate"),
        description: "First of two with this name".to_owned(),
        cardinality: Cardinality::Single,
        associable_types: Vec::new(),
        category_id: None,
    };
    let first = categories.create(&spec).await.expect("first create");

    // 400 with {"type": "com.vmware.vapi.std.errors.already_exists", "value": {}}
    let err = expect_kind(categories.create(&spec).await, ErrorKind::AlreadyExists);
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        categories.list().await.expect("list"),
        [first.as_str()]
    );
    // The typed identifier of the first one still names it.
    let again: CategoryId = CategoryId::from(first.as_str());
    assert_eq!(categories.get(&again).await.expect("get").id, first);
}

/// A category and a tag created with an empty description: the simulator encodes
/// with Go's `omitempty` and leaves `description` (and the empty `used_by`) out of
/// `get`; they decode as empty and the omissions are recorded.
#[tokio::test]
async fn empty_descriptions_read_back() {
    let sim = start();
    let client = logged_in(&sim).await;
    let categories = Category::new(&client);
    let tags = Tag::new(&client);

    let category_name = unique_name("e2e-empty-category");
    let category_id = categories
        .create(&category::CreateSpec {
            name: category_name.clone(),
            description: String::new(),
            cardinality: Cardinality::Single,
            associable_types: Vec::new(),
            category_id: None,
        })
        .await
        .expect("category create");
    // GET category/id:{id}
    let category = categories
        .get(&category_id)
        .await
        .unwrap_or_else(|err| panic!("category get: {err}\n{}", sim.stderr()));
    assert_eq!(category.id, category_id);
    assert_eq!(category.name, category_name);
    assert_eq!(category.description, "");
    assert_eq!(category.cardinality, Cardinality::Single);
    assert!(category.associable_types.is_empty());
    assert!(category.used_by.is_empty());

    let tag_name = unique_name("e2e-empty-tag");
    let tag_id = tags
        .create(&tag::CreateSpec {
            name: tag_name.clone(),
            description: String::new(),
            category_id: category_id.clone(),
            tag_id: None,
        })
        .await
        .expect("tag create");
    // GET tag/id:{id}
    let tag = tags
        .get(&tag_id)
        .await
        .unwrap_or_else(|err| panic!("tag get: {err}\n{}", sim.stderr()));
    assert_eq!(tag.id, tag_id);
    assert_eq!(tag.name, tag_name);
    assert_eq!(tag.category_id, category_id);
    assert_eq!(tag.description, "");

    let omitted = vsphere_vapi::runtime::de::omitted_fields();
    for pair in [
        ("cis::tagging::CategoryModel", "description"),
        ("cis::tagging::TagModel", "description"),
    ] {
        assert!(omitted.contains(&pair), "{pair:?} not in {omitted:?}");
    }

    tags.delete(&tag_id).await.expect("tag delete");
    categories
        .delete(&category_id)
        .await
        .expect("category delete");
}
