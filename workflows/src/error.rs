//! The error of every workflow: a failed call or transfer, or what the
//! server reported about the work (a file it could not take, a session it
//! failed), or a package that cannot be imported.

use std::path::PathBuf;
use std::time::Duration;

/// Result of the workflows.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a workflow failed. Whatever it had started on the server (an update
/// or download session, a library item it created) was failed and removed
/// before the error was returned, as far as the server allowed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call or a transfer failed ([`vsphere_vapi::Error`]: the server's
    /// error, a transport failure, a refused transfer…).
    #[error(transparent)]
    Client(#[from] vsphere_vapi::Error),
    /// The server reports that it could not take or give a file
    /// (`error_message` of the file's transfer information).
    #[error("file `{file}`: the server reports: {message}")]
    FileTransfer {
        /// The file's name in the library item.
        file: String,
        /// The server's message.
        message: String,
    },
    /// The server failed or canceled the session the workflow ran in.
    #[error("{what} {session} ended as {state}{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Session {
        /// `update session` or `download session`.
        what: &'static str,
        /// The session's identifier.
        session: String,
        /// Its final state (`ERROR`, `CANCELED`).
        state: String,
        /// The session's `error_message`, when it has one.
        message: Option<String>,
    },
    /// The server's validation of the uploaded files found some missing or
    /// invalid.
    #[error(
        "the uploaded files do not validate: {}",
        describe_validation(missing, invalid)
    )]
    Validation {
        /// Files the item needs that were not uploaded (an OVF descriptor's
        /// disks, say).
        missing: Vec<String>,
        /// Files the server rejected, with its reason.
        invalid: Vec<(String, String)>,
    },
    /// The checksum of what was transferred differs from the expected one.
    #[error("file `{file}`: {algorithm} checksum {actual} differs from the expected {expected}")]
    Checksum {
        /// The file's name.
        file: String,
        /// `SHA256`, `SHA1`, …
        algorithm: &'static str,
        /// The expected checksum (lower-case hex).
        expected: String,
        /// The checksum of the bytes transferred.
        actual: String,
    },
    /// An OVF descriptor or OVA archive that cannot be imported.
    #[error("{}: {message}", path.display())]
    Package {
        /// The descriptor or archive.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A local file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The server did not finish within the allowed time.
    #[error("{what} did not finish within {waited:?}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        waited: Duration,
    },
    /// The request cannot be carried out as asked.
    #[error("{0}")]
    Invalid(String),
}

fn describe_validation(missing: &[String], invalid: &[(String, String)]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("missing {}", missing.join(", ")));
    }
    for (file, reason) in invalid {
        parts.push(format!("`{file}` invalid: {reason}"));
    }
    if parts.is_empty() {
        "the server reports errors without naming files".to_owned()
    } else {
        parts.join("; ")
    }
}

#[cfg(feature = "content")]
impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn package(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Package {
            path: path.into(),
            message: message.into(),
        }
    }
}
