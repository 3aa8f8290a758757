//! Parses every file of the committed snapshot into the typed wire model and
//! checks the element counts against `manifest.json`, then builds the IR.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use vsphere_vapi_codegen::snapshot::{component_files, read_component};
use vsphere_vapi_codegen::wire::{ComponentData, StructureInfo, StructureType};

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metamodel-snapshots/vsphere-9.1.1.0")
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
struct Counts {
    packages: u64,
    services: u64,
    operations: u64,
    structures: u64,
    enumerations: u64,
    errors: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.packages += o.packages;
        self.services += o.services;
        self.operations += o.operations;
        self.structures += o.structures;
        self.enumerations += o.enumerations;
        self.errors += o.errors;
    }
}

#[derive(serde::Deserialize)]
struct ManifestComponent {
    id: String,
    file: String,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(serde::Deserialize)]
struct Manifest {
    totals: Counts,
    components: Vec<ManifestComponent>,
}

fn count_structure(info: &StructureInfo, counts: &mut Counts) {
    match info.kind {
        StructureType::Error => counts.errors += 1,
        _ => counts.structures += 1,
    }
    counts.enumerations += info.enumerations.len() as u64;
}

fn count(component: &ComponentData) -> Counts {
    let mut counts = Counts::default();
    for package in component.info.packages.values() {
        counts.packages += 1;
        package
            .structures
            .values()
            .for_each(|s| count_structure(s, &mut counts));
        counts.enumerations += package.enumerations.len() as u64;
        for service in package.services.values() {
            counts.services += 1;
            counts.operations += service.operations.len() as u64;
            service
                .structures
                .values()
                .for_each(|s| count_structure(s, &mut counts));
            counts.enumerations += service.enumerations.len() as u64;
        }
    }
    counts
}

#[test]
fn every_snapshot_file_parses_and_matches_the_manifest() {
    let dir = snapshot_dir();
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest.json parses");
    let files = component_files(&dir).expect("component files");
    assert_eq!(
        files.len(),
        manifest.components.len(),
        "component files vs manifest entries"
    );
    let mut totals = Counts::default();
    let mut by_file = BTreeMap::new();
    for file in &files {
        let component = read_component(file).unwrap_or_else(|err| panic!("{err}"));
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        by_file.insert(name, component);
    }
    for entry in &manifest.components {
        let component = by_file.get(&entry.file).unwrap_or_else(|| {
            panic!(
                "manifest names {}, which is not in the snapshot",
                entry.file
            )
        });
        assert_eq!(component.info.name, entry.id, "{}", entry.file);
        let counts = count(component);
        assert_eq!(counts, entry.counts, "counts of {}", entry.id);
        totals += counts;
    }
    assert_eq!(totals, manifest.totals, "totals");
}

#[test]
fn the_whole_snapshot_builds() {
    let started = Instant::now();
    let model =
        vsphere_vapi_codegen::load_snapshot(&snapshot_dir()).unwrap_or_else(|err| panic!("{err}"));
    eprintln!(
        "loaded {} packages, {} services, {} structures, {} enumerations in {:?}",
        model.packages.len(),
        model.services.len(),
        model.structures.len(),
        model.enumerations.len(),
        started.elapsed()
    );
    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(snapshot_dir().join("manifest.json")).expect("manifest.json"),
    )
    .expect("manifest.json parses");
    let operations: usize = model.services.values().map(|s| s.operations.len()).sum();
    assert_eq!(model.packages.len() as u64, manifest.totals.packages);
    assert_eq!(model.services.len() as u64, manifest.totals.services);
    assert_eq!(operations as u64, manifest.totals.operations);
    assert_eq!(
        model.structures.len() as u64,
        manifest.totals.structures + manifest.totals.errors
    );
    assert_eq!(
        model.enumerations.len() as u64,
        manifest.totals.enumerations
    );
}
