//! Powers on every stopped virtual machine that carries a tag, optionally
//! moving each one somewhere first.
//!
//! The function behind `examples/power_on_tagged.rs`, kept in the library
//! so that its tests (`tests/power_on_tagged.rs`) can run it against
//! `vsphere_vapi::mock` instead of a vCenter.
//!
//! The calls it makes:
//!
//! 1. `cis::tagging::Tag::list` and `Tag::get` to find the tags by name (a
//!    name may exist in several categories: all of them count);
//! 2. `TagAssociation::list_attached_objects` for each tag, keeping the
//!    virtual machines;
//! 3. `vcenter::Vm::list` filtered by those machines and `POWERED_OFF`;
//! 4. per machine, when a placement is given, `Vm::relocate_and_wait` (a
//!    vCenter task), then `vm::Power::start`.
//!
//! Failing to find what to work on stops the run; a machine that fails is
//! reported and the others go on.

use std::collections::BTreeSet;
use std::fmt;

use vsphere_vapi::cis::tagging::{Tag, TagAssociation};
use vsphere_vapi::ids::{TagId, VirtualMachineId};
use vsphere_vapi::vcenter::Vm;
use vsphere_vapi::vcenter::vm::{FilterSpec, Power, RelocatePlacementSpec, RelocateSpec, power};
use vsphere_vapi::{Client, Error, ErrorExt, ErrorKind};

/// The resource type of virtual machines among tagged objects.
const VIRTUAL_MACHINE: &str = "VirtualMachine";

/// What happened to the tagged virtual machines that were powered off.
#[derive(Debug, Default)]
pub struct Report {
    /// Powered on (moved first, when a placement was given).
    pub started: Vec<VirtualMachineId>,
    /// Powered on by someone else since the listing.
    pub already_running: Vec<VirtualMachineId>,
    /// Deleted since the listing (`NOT_FOUND`).
    pub vanished: Vec<VirtualMachineId>,
    /// Could not be moved or powered on, with the reason.
    pub failed: Vec<(VirtualMachineId, Error)>,
}

/// Why the run stopped before working on any virtual machine.
#[derive(Debug)]
pub enum PowerOnError {
    /// No tag has this name.
    UnknownTag(String),
    /// A call needed to find the virtual machines failed.
    Api {
        /// What was being done.
        action: String,
        /// The client's error.
        source: Error,
    },
}

impl fmt::Display for PowerOnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerOnError::UnknownTag(name) => write!(f, "no tag is named `{name}`"),
            PowerOnError::Api { action, source } => write!(f, "{action} failed: {source}"),
        }
    }
}

impl std::error::Error for PowerOnError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PowerOnError::UnknownTag(_) => None,
            PowerOnError::Api { source, .. } => Some(source),
        }
    }
}

fn api(action: impl Into<String>) -> impl FnOnce(Error) -> PowerOnError {
    let action = action.into();
    move |source| PowerOnError::Api { action, source }
}

/// Powers on the powered-off virtual machines carrying a tag named
/// `tag_name`; with `place_on`, each is relocated there first (and left off
/// when that fails).
pub async fn power_on_tagged(
    client: &Client,
    tag_name: &str,
    place_on: Option<&RelocatePlacementSpec>,
) -> Result<Report, PowerOnError> {
    let tags = find_tags(client, tag_name).await?;
    let mut tagged = BTreeSet::new();
    let associations = TagAssociation::new(client);
    for tag in &tags {
        let objects = associations
            .list_attached_objects(tag)
            .await
            .map_err(api(format!("listing the objects tagged {tag}")))?;
        tagged.extend(
            objects
                .into_iter()
                .filter(|object| object.r#type == VIRTUAL_MACHINE)
                .map(|object| VirtualMachineId::from(object.id.as_str())),
        );
    }
    let mut report = Report::default();
    if tagged.is_empty() {
        return Ok(report);
    }

    let vms = Vm::new(client);
    let filter = FilterSpec {
        vms: Some(tagged.iter().map(|vm| vm.as_str().to_owned()).collect()),
        power_states: Some(vec![power::State::PoweredOff]),
        ..FilterSpec::default()
    };
    let mut stopped = vms
        .list()
        .filter(&filter)
        .send()
        .await
        .map_err(api("listing the tagged virtual machines"))?;
    // The same order on every run, whatever order the server lists them in.
    stopped.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.vm.cmp(&b.vm)));

    let power = Power::new(client);
    for vm in stopped.into_iter().map(|summary| summary.vm) {
        if let Some(placement) = place_on {
            let spec = RelocateSpec {
                placement: Some(placement.clone()),
                disks: None,
            };
            // A vCenter task: starts the move and waits for it to finish.
            match vms.relocate_and_wait(&vm, &spec).await {
                Ok(()) => {}
                Err(err) if err.is_kind(ErrorKind::NotFound) => {
                    report.vanished.push(vm);
                    continue;
                }
                Err(err) => {
                    report.failed.push((vm, err));
                    continue;
                }
            }
        }
        match power.start(&vm).await {
            Ok(()) => report.started.push(vm),
            Err(err) if err.is_kind(ErrorKind::AlreadyInDesiredState) => {
                report.already_running.push(vm);
            }
            Err(err) if err.is_kind(ErrorKind::NotFound) => report.vanished.push(vm),
            Err(err) => report.failed.push((vm, err)),
        }
    }
    Ok(report)
}

/// Every tag named `name`.
async fn find_tags(client: &Client, name: &str) -> Result<Vec<TagId>, PowerOnError> {
    let tags = Tag::new(client);
    let mut found = Vec::new();
    for id in tags.list().await.map_err(api("listing the tags"))? {
        let id = TagId::from(id);
        match tags.get(&id).await {
            Ok(tag) if tag.name == name => found.push(id),
            Ok(_) => {}
            // Deleted since the listing.
            Err(err) if err.is_kind(ErrorKind::NotFound) => {}
            Err(err) => return Err(api(format!("reading tag {id}"))(err)),
        }
    }
    if found.is_empty() {
        return Err(PowerOnError::UnknownTag(name.to_owned()));
    }
    Ok(found)
}
