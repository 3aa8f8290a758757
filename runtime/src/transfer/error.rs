//! [`TransferError`]: what went wrong in a transfer besides the exchange
//! itself (which fails with [`Error::Transport`](crate::Error::Transport),
//! [`Error::Tls`](crate::Error::Tls) or [`Error::Timeout`](crate::Error::Timeout)
//! as for any call).

use std::fmt;

/// A failed transfer: the server refused it, the source could not be read,
/// the destination could not be written, or the source did not deliver
/// the declared size. Reached through [`Error::Transfer`](crate::Error::Transfer).
#[derive(Debug)]
pub struct TransferError {
    context: String,
    failure: TransferFailure,
}

/// Why a transfer failed; see [`TransferError::failure`].
#[derive(Debug)]
#[non_exhaustive]
pub enum TransferFailure {
    /// The server answered with a status other than success.
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the answer's body (bounded, on one line).
        excerpt: String,
    },
    /// Reading what was being uploaded failed.
    Source(std::io::Error),
    /// Writing what was being downloaded failed.
    Destination(std::io::Error),
    /// The source delivered another number of bytes than declared.
    Length {
        /// The declared size.
        expected: u64,
        /// What the source delivered (at least this much, when it had more).
        actual: u64,
    },
}

impl TransferError {
    pub(crate) fn new(context: impl Into<String>, failure: TransferFailure) -> TransferError {
        TransferError {
            context: context.into(),
            failure,
        }
    }

    /// What was being done: `PUT https://vc.example.com/cls/data/…/disk.vmdk`
    /// (the URL without its query, which may hold a token).
    pub fn context(&self) -> &str {
        &self.context
    }

    /// Why it failed.
    pub fn failure(&self) -> &TransferFailure {
        &self.failure
    }

    /// The HTTP status of a refused transfer.
    pub fn status(&self) -> Option<u16> {
        match self.failure {
            TransferFailure::Status { status, .. } => Some(status),
            _ => None,
        }
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.context)?;
        match &self.failure {
            TransferFailure::Status { status, excerpt } if excerpt.is_empty() => {
                write!(f, "the server answered HTTP {status}")
            }
            TransferFailure::Status { status, excerpt } => {
                write!(f, "the server answered HTTP {status}: {excerpt}")
            }
            TransferFailure::Source(err) => write!(f, "reading the source failed: {err}"),
            TransferFailure::Destination(err) => {
                write!(f, "writing the destination failed: {err}")
            }
            TransferFailure::Length { expected, actual } if actual > expected => write!(
                f,
                "the source holds more than the {expected} bytes declared"
            ),
            TransferFailure::Length { expected, actual } => write!(
                f,
                "the source ended after {actual} of the {expected} bytes declared"
            ),
        }
    }
}

impl std::error::Error for TransferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            TransferFailure::Source(err) | TransferFailure::Destination(err) => Some(err),
            _ => None,
        }
    }
}
