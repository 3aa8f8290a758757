//! Runtime for the generated `vsphere-vapi` client.
//!
//! The generated crate is thin: every operation is a static [`OperationSpec`]
//! describing how it travels over `/api` and over `/rest`, plus a function that
//! hands its parameters to [`Client::operation`]. Everything about HTTP,
//! sessions, encodings, errors and tasks lives here:
//!
//! - **Identifiers**: [`vapi_id!`] declares one newtype per resource type
//!   (`VirtualMachineId`), serialized as a plain string; [`ResourceId`] takes
//!   any of them, [`TaskId`] names a task.
//! - **Enumerations**: [`vapi_enum!`] declares open enumerations whose
//!   catch-all variant holds an [`UnknownVariant`]; known wire values always
//!   parse to their own variant.
//! - **Errors**: every failure is an [`Error`]; what the server reported is a
//!   [`ServerError`] with its discriminator ([`ServerError::error_type`],
//!   `NOT_FOUND`), messages and the error structure as JSON, which the
//!   generated crate decodes into its typed `com.vmware.vapi.std.errors`
//!   structures.
//! - **Tasks**: [`Call::send_task`] starts the `$task` variant of an operation
//!   and returns a [`Task<T>`] to [`wait`](Task::wait) for (yielding the typed
//!   result), inspect ([`Task::status`]) or [`cancel`](Task::cancel).
//! - **Retries**: a [`RetryPolicy`] repeats what is safe to repeat — failures
//!   to connect always, busy answers (503, 429) and reset connections only
//!   for operations whose [`Idempotency`] allows it.
//! - **Transfers**: [`Client::transfer`] streams uploads and downloads of the
//!   URLs the API hands out (content library, guest files), with progress,
//!   checksums and an explicit trust for other hosts ([`transfer`]).
//! - **Proxies and closing**: [`ClientBuilder::proxy`], the proxy environment
//!   variables, and [`Client::close`] to end the session once for all clones.
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
//! client.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Handling a server error by its discriminator:
//!
//! ```no_run
//! # async fn example(client: &vsphere_vapi_runtime::Client, spec: &'static vsphere_vapi_runtime::OperationSpec) {
//! match client.operation(spec).param("vm", "vm-42").send::<serde_json::Value>().await {
//!     Ok(info) => println!("{info}"),
//!     Err(error) if error.error_type() == Some("NOT_FOUND") => println!("gone"),
//!     Err(error) => eprintln!("{error}"),
//! }
//! # }
//! ```

#![warn(missing_docs)]

mod client;
pub mod de;
mod encode;
mod enum_macro;
mod error;
mod ids;
#[cfg(feature = "mock")]
pub mod mock;
mod proxy;
pub mod release;
mod retry;
pub mod ser;
pub mod spec;
mod task;
mod tls;
pub mod transfer;
pub mod transport;
pub mod types;

pub use client::{Call, Client, ClientBuilder, Protocol, SESSION_HEADER};
pub use enum_macro::UnknownVariant;
pub use error::{Error, Result, ServerError, TransportKind};
pub use ids::{ResourceId, TaskId};
pub use release::{ReleaseSource, ServerRelease};
pub use retry::RetryPolicy;
pub use spec::{
    HttpMethod, HttpRoute, Idempotency, Operation, OperationSpec, ParamBinding, ParamLocation,
    Releases,
};
pub use task::{TASK_CANCEL, TASK_GET, Task, TaskProgress, TaskState, TaskStatus, TaskWaitOptions};
pub use transport::{ReqwestTransport, Transport};

/// Re-exported so generated code (and the `vapi_enum!` expansion) can name
/// serde through this crate.
pub use serde;
/// Re-exported so generated code can name `serde_json::Value` through this
/// crate.
pub use serde_json;
