//! `vsphere-vapi-codegen`: vAPI metamodel → IR → Rust client crate.
//!
//! Stages, one module each:
//! 1. [`wire`]: serde types for the metamodel JSON as `/rest/com/vmware/vapi/metadata/metamodel/component/id:{id}` serves it.
//! 2. [`ir`]: the validated, fully resolved model (packages, services, operations,
//!    structures, enumerations, REST mappings) with every Rust name decided,
//!    built by [`build_model`] with the rules of [`names`], [`rest`],
//!    [`docs`] and [`features`].
//! 3. [`emit`]: prints the IR as Rust source files.
//!
//! [`load_snapshot`] reads a snapshot directory and runs stages 1 and 2;
//! [`load_union`] reads the snapshots of several releases, unites them
//! ([`merge`]) and builds one model of the union.

pub mod docs;
pub mod emit;
pub mod error;
pub mod features;
pub mod ir;
pub mod lower;
pub mod merge;
pub mod names;
pub mod parallel;
pub mod rest;
pub mod snapshot;
pub mod wire;

pub use error::{Error, Problem};
pub use lower::{build_model, decide_zeros, shape_calls};
pub use snapshot::{
    load_releases, load_snapshot, load_union, read_component, read_release_snapshot, release_dirs,
    snapshot_release,
};
