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
//! [`load_snapshot`] reads a snapshot directory and runs stages 1 and 2.

pub mod lower;
pub mod docs;
pub mod emit;
pub mod error;
pub mod features;
pub mod ir;
pub mod names;
pub mod rest;
pub mod snapshot;
pub mod wire;

pub use lower::{build_model, decide_zeros, shape_calls};
pub use error::{Error, Problem};
pub use snapshot::{load_snapshot, read_component};
