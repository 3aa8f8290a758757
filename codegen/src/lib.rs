//! `vsphere-vapi-codegen`: vAPI metamodel → IR → Rust client crate.
//!
//! Stages, one module each:
//! 1. [`wire`]: serde types for the metamodel JSON as `/rest/com/vmware/vapi/metadata/metamodel/component/id:{id}` serves it.
//! 2. [`ir`]: the validated, fully resolved model (packages, services, operations,
//!    structures, enumerations, REST mappings) with every Rust name decided.
//! 3. [`emit`]: prints the IR as Rust source files.

pub mod ir;
