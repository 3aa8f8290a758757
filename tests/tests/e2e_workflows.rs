//! The content library workflows end to end against the simulator: a
//! multi-MiB file up and back down, an OVF package and an OVA archive
//! imported (and deployed), and a failed upload that leaves nothing behind.
//!
//! Where the simulator differs from vCenter, the tests work around it and
//! say so; the workflows do what vCenter needs:
//!
//! * `updatesession/file?~action=validate` answers an empty body where
//!   vCenter answers a validation result: the uploads here run with
//!   `validate(false)`;
//! * its update-session file `get` answers with the session instead of the
//!   file (the workflows read the files' state with `list`, which it
//!   answers correctly, so nothing here depends on it);
//! * it never moves a file past `WAITING_FOR_TRANSFER` nor counts
//!   `bytes_transferred`, so nothing here asserts on them.

mod e2e_support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use e2e_support::{logged_in, start, unique_name};
use vsphere_vapi::content::library::item::{File as ItemFiles, UpdateSession};
use vsphere_vapi::content::library::{Item, StorageBacking, StorageBackingType};
use vsphere_vapi::content::library_model::LibraryType;
use vsphere_vapi::content::{LibraryModel, LocalLibrary};
use vsphere_vapi::ids::LibraryId;
use vsphere_vapi::runtime::transfer::ChecksumAlgorithm;
use vsphere_vapi_tests::vcsim::Vcsim;
use vsphere_vapi_workflows::Error;
use vsphere_vapi_workflows::content::{ItemDownload, ItemFile, ItemUpload, OvfPackage};

async fn library(sim: &Vcsim, client: &vsphere_vapi::Client) -> LibraryId {
    LocalLibrary::new(client)
        .create(&LibraryModel {
            name: Some(unique_name("e2e-workflows")),
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
        .unwrap_or_else(|err| panic!("library create: {err}\n{}", sim.stderr()))
}

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(unique_name(name));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn pseudo_random(size: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

#[tokio::test]
async fn a_multi_mib_file_goes_up_and_comes_back_the_same() {
    let sim = start();
    let client = logged_in(&sim).await;
    let library = library(&sim, &client).await;
    let scratch = Scratch::new("e2e-roundtrip");
    let size = 24 * 1024 * 1024 + 123;
    let data = pseudo_random(size);
    let original = scratch.0.join("image.iso");
    std::fs::write(&original, &data).unwrap();
    let sha256 = ChecksumAlgorithm::Sha256.digest_hex(&data);

    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&reports);
    let started = std::time::Instant::now();
    let report = ItemUpload::new_item(&client, &library, unique_name("image"), "iso")
        .file(ItemFile::from_path(&original))
        .checksum(ChecksumAlgorithm::Sha256)
        .on_progress(move |progress| sink.lock().unwrap().push(progress.transferred))
        // The simulator answers validate with an empty body (see the top).
        .validate(false)
        .send()
        .await
        .unwrap_or_else(|err| panic!("upload: {err}\n{}", sim.stderr()));
    let up = started.elapsed();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].name, "image.iso");
    assert_eq!(report.files[0].bytes, size as u64);
    assert_eq!(report.files[0].sha256, sha256);
    assert_eq!(reports.lock().unwrap().last(), Some(&(size as u64)));

    // The item holds the file, and no update session is left.
    let files = ItemFiles::new(&client).list(&report.item).await.unwrap();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(
        (files[0].name.as_str(), files[0].size),
        ("image.iso", size as i64)
    );
    let sessions = UpdateSession::new(&client).list().send().await.unwrap();
    assert!(sessions.is_empty(), "sessions left: {sessions:?}");

    let back = scratch.0.join("back");
    let started = std::time::Instant::now();
    let downloaded = ItemDownload::new(&client, &report.item)
        .to_directory(&back)
        .await
        .unwrap_or_else(|err| panic!("download: {err}\n{}", sim.stderr()));
    let down = started.elapsed();
    assert_eq!(downloaded.files.len(), 1);
    let file = &downloaded.files[0];
    assert_eq!(file.bytes, size as u64);
    assert_eq!(file.sha256, sha256);
    let copy = std::fs::read(back.join("image.iso")).unwrap();
    assert_eq!(ChecksumAlgorithm::Sha256.digest_hex(&copy), sha256);
    let mib = size as f64 / (1024.0 * 1024.0);
    eprintln!(
        "simulator transfer rate: upload {:.0} MiB/s, download {:.0} MiB/s ({mib:.0} MiB; debug build)",
        mib / up.as_secs_f64(),
        mib / down.as_secs_f64()
    );

    // One file into a writer.
    let mut bytes = Vec::new();
    let one = ItemDownload::new(&client, &report.item)
        .file_to_writer("image.iso", &mut bytes)
        .await
        .unwrap();
    assert_eq!(one.bytes, size as u64);
    assert_eq!(bytes.len(), size);
}

/// A small OVF package: a descriptor with one virtual machine and one disk,
/// the disk, and a manifest with their SHA-256 checksums.
fn ovf_package(dir: &std::path::Path, name: &str) -> Vec<(String, Vec<u8>)> {
    let disk = pseudo_random(512 * 1024);
    let descriptor = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData">
  <References>
    <File ovf:id="file1" ovf:href="{name}-disk1.vmdk" ovf:size="{}"/>
  </References>
  <DiskSection>
    <Info>Virtual disks</Info>
    <Disk ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:capacity="1" ovf:capacityAllocationUnits="byte * 2^20" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <VirtualSystem ovf:id="{name}">
    <Info>A virtual machine</Info>
    <Name>{name}</Name>
    <OperatingSystemSection ovf:id="101">
      <Info>The guest operating system</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>{name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-13</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:ElementName>1 virtual CPU</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>1</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:ElementName>32MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>32</rasd:VirtualQuantity>
      </Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"#,
        disk.len()
    );
    let ovf = format!("{name}.ovf");
    let vmdk = format!("{name}-disk1.vmdk");
    let manifest = format!(
        "SHA256({ovf})= {}\nSHA256({vmdk})= {}\n",
        ChecksumAlgorithm::Sha256.digest_hex(descriptor.as_bytes()),
        ChecksumAlgorithm::Sha256.digest_hex(&disk)
    );
    let files = vec![
        (ovf, descriptor.into_bytes()),
        (format!("{name}.mf"), manifest.into_bytes()),
        (vmdk, disk),
    ];
    for (file, bytes) in &files {
        std::fs::write(dir.join(file), bytes).unwrap();
    }
    files
}

#[tokio::test]
async fn an_ovf_package_and_an_ova_archive_become_ovf_items() {
    use vsphere_vapi::ids::ResourcePoolId;
    use vsphere_vapi::vcenter::ovf::LibraryItem;
    use vsphere_vapi::vcenter::ovf::library_item::{DeploymentTarget, ResourcePoolDeploymentSpec};

    let sim = start();
    let client = logged_in(&sim).await;
    let library = library(&sim, &client).await;
    let scratch = Scratch::new("e2e-ovf");

    // From a directory: manifest first, then the descriptor, then its disk.
    ovf_package(&scratch.0, "web");
    let package = OvfPackage::open(scratch.0.join("web.ovf")).await.unwrap();
    assert_eq!(
        package.file_names(),
        ["web.mf", "web.ovf", "web-disk1.vmdk"]
    );
    let report = ItemUpload::new_item(&client, &library, unique_name("web"), "ovf")
        .package(package)
        // The simulator answers validate with an empty body (see the top).
        .validate(false)
        .send()
        .await
        .unwrap_or_else(|err| panic!("OVF import: {err}\n{}", sim.stderr()));
    let mut names: Vec<String> = ItemFiles::new(&client)
        .list(&report.item)
        .await
        .unwrap()
        .into_iter()
        .map(|file| file.name)
        .collect();
    names.sort();
    assert_eq!(names, ["web-disk1.vmdk", "web.mf", "web.ovf"]);
    let item = Item::new(&client).get(&report.item).await.unwrap();
    assert_eq!(item.r#type.as_deref(), Some("ovf"));

    // From an OVA: the same package as one tar archive, members sent
    // straight from it.
    let ova = scratch.0.join("db.ova");
    {
        let db = scratch.0.join("db");
        std::fs::create_dir_all(&db).unwrap();
        let members = ovf_package(&db, "db");
        let mut archive = tar::Builder::new(std::fs::File::create(&ova).unwrap());
        // The descriptor first, as OVF requires.
        for (name, bytes) in [&members[0], &members[1], &members[2]] {
            let mut header = tar::Header::new_ustar();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            archive
                .append_data(&mut header, name, bytes.as_slice())
                .unwrap();
        }
        archive.finish().unwrap();
    }
    let package = OvfPackage::open(&ova).await.unwrap();
    assert_eq!(package.file_names(), ["db.mf", "db.ovf", "db-disk1.vmdk"]);
    let ova_report = ItemUpload::new_item(&client, &library, unique_name("db"), "ovf")
        .package(package)
        .validate(false)
        .send()
        .await
        .unwrap_or_else(|err| panic!("OVA import: {err}\n{}", sim.stderr()));
    // What arrived is what the archive held.
    let disk = ova_report
        .files
        .iter()
        .find(|file| file.name == "db-disk1.vmdk")
        .unwrap();
    assert_eq!(
        disk.sha256,
        ChecksumAlgorithm::Sha256
            .digest_hex(&std::fs::read(scratch.0.join("db/db-disk1.vmdk")).unwrap())
    );

    // The imported item deploys.
    let inventory = sim.inventory();
    let mut spec = ResourcePoolDeploymentSpec::new(true);
    spec.name = Some(unique_name("deployed"));
    let result = LibraryItem::new(&client)
        .deploy(
            &ova_report.item,
            &DeploymentTarget::new(ResourcePoolId::from(inventory.resource_pool.id.clone())),
            &spec,
        )
        .send()
        .await
        .unwrap_or_else(|err| panic!("deploy: {err}\n{}", sim.stderr()));
    assert!(result.succeeded, "deploy failed: {:?}", result.error);
    let vm = result.resource_id.expect("the deployed VM");
    assert_eq!(vm.r#type, "VirtualMachine");
}

#[tokio::test]
async fn a_failed_upload_leaves_no_session_and_no_new_item() {
    let sim = start();
    let client = logged_in(&sim).await;
    let library = library(&sim, &client).await;
    let before = Item::new(&client).list(&library).await.unwrap();
    assert!(before.is_empty());

    // A source that delivers less than the size it declared: the upload
    // fails half way.
    let short = std::io::Cursor::new(vec![1_u8; 3 * 1024 * 1024]);
    let error = ItemUpload::new_item(&client, &library, unique_name("broken"), "file")
        .file(ItemFile::from_reader(
            "broken.bin",
            short,
            Some(8 * 1024 * 1024),
        ))
        .validate(false)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Client(vsphere_vapi::Error::Transfer(_))),
        "{error}"
    );
    assert!(error.to_string().contains("ended after"), "{error}");

    // Neither the update session nor the item created for it is left.
    let sessions = UpdateSession::new(&client).list().send().await.unwrap();
    assert!(sessions.is_empty(), "sessions left: {sessions:?}");
    let items = Item::new(&client).list(&library).await.unwrap();
    assert!(items.is_empty(), "items left: {items:?}");

    // Into an existing item: the item stays, the session goes.
    let item = Item::new(&client)
        .create(&vsphere_vapi::content::library::ItemModel {
            library_id: Some(library.to_string()),
            name: Some(unique_name("kept")),
            r#type: Some("file".to_owned()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let error = ItemUpload::into_item(&client, &item)
        .file(ItemFile::from_reader(
            "broken.bin",
            std::io::Cursor::new(vec![1_u8; 10]),
            Some(20),
        ))
        .validate(false)
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("ended after"), "{error}");
    let sessions = UpdateSession::new(&client).list().send().await.unwrap();
    assert!(sessions.is_empty(), "sessions left: {sessions:?}");
    Item::new(&client).get(&item).await.unwrap();
    // A missing local file fails before anything is created.
    let error = ItemUpload::into_item(&client, &item)
        .file(ItemFile::from_path("/nonexistent/disk.vmdk"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error}");
}
