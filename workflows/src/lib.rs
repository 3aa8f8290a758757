//! The multi-step vSphere jobs, on top of the generated `vsphere-vapi`
//! services and the runtime's streaming transfers:
//!
//! - [`content`]: files into a content library item ([`content::ItemUpload`]),
//!   OVF packages and OVA archives into an `ovf` item
//!   ([`content::OvfPackage`]), an item's files back ([`content::ItemDownload`]);
//!   each runs in an update or download session that it ends — and fails and
//!   deletes when anything goes wrong, cancellation included.
//! - [`guest`]: files into and out of a virtual machine's guest
//!   ([`guest::GuestFiles`]), through the one-time URLs of the ESXi host.
//!
//! Features: `content` (the `content-library` services) and `guest` (the
//! `vcenter-vm` services), both on by default.
//!
//! Files are streamed: a file of any size is read or written chunk by chunk,
//! never held in memory.

#![warn(missing_docs)]

#[cfg(feature = "content")]
pub mod content;
mod error;
#[cfg(feature = "guest")]
pub mod guest;

pub use error::{Error, Result};
