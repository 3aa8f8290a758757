//! Runtime for the generated `vsphere-vapi` client.
//!
//! The generated crate is thin: every operation is a static [`OperationSpec`]
//! describing how it travels over `/api` and over `/rest`, plus a function that
//! hands its parameters to [`Client::operation`]. Everything about HTTP,
//! sessions, encodings, errors and tasks lives here.

pub mod spec;

pub use spec::{HttpMethod, HttpRoute, OperationSpec, ParamBinding, ParamLocation};
