//! Runtime for the generated `vsphere-vapi` client.
//!
//! The generated crate is thin: every operation is a static [`OperationSpec`]
//! describing how it travels over `/api` and over `/rest`, plus a function that
//! hands its parameters to [`Client::operation`]. Everything about HTTP,
//! sessions, encodings, errors and tasks lives here.
//!
//! ```no_run
//! # async fn example() -> vsphere_vapi_runtime::Result<()> {
//! use vsphere_vapi_runtime::Client;
//!
//! let client = Client::builder("https://vcenter.example.com")
//!     .pin_certificate_sha256("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89")
//!     .build()?;
//! client.login("administrator@vsphere.local", "password").await?;
//! // ... generated service handles take `&client` ...
//! client.logout().await?;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod client;
pub mod de;
mod encode;
mod enum_macro;
mod error;
mod ids;
pub mod spec;
mod task;
mod tls;
pub mod types;

pub use client::{Call, Client, ClientBuilder, Protocol, SESSION_HEADER};
pub use enum_macro::UnknownVariant;
pub use error::{Error, Result, ServerError, TransportKind};
pub use ids::{ResourceId, TaskId};
pub use spec::{HttpMethod, HttpRoute, OperationSpec, ParamBinding, ParamLocation};
pub use task::{TASK_CANCEL, TASK_GET, Task, TaskProgress, TaskState, TaskStatus, TaskWaitOptions};

/// Re-exported so generated code (and the `vapi_enum!` expansion) can name
/// serde through this crate.
pub use serde;
/// Re-exported so generated code can name `serde_json::Value` through this
/// crate.
pub use serde_json;
