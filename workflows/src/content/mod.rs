//! Content library workflows: files into an item ([`ItemUpload`]), OVF and
//! OVA packages into an `ovf` item ([`OvfPackage`]), an item's files back
//! ([`ItemDownload`]).
//!
//! Each runs in a session of its own (an update or a download session)
//! and ends it: completed and deleted when the work succeeded, failed and
//! deleted when it did not — also when the future is dropped before it
//! finishes, in which case the requests run in the background on the
//! async runtime. Errors the server reports about single files
//! (`error_message` of a file's transfer information) are errors.

mod cleanup;
mod download;
mod file;
mod ovf;
mod upload;

pub use download::{DownloadReport, DownloadedFile, ItemDownload};
pub use file::ItemFile;
pub use ovf::OvfPackage;
pub use upload::{FileProgress, ItemUpload, UploadReport, UploadedFile};

use vsphere_vapi::content::library::item::file::{
    ChecksumAlgorithm as ServerAlgorithm, ChecksumInfo,
};
use vsphere_vapi::runtime::transfer::ChecksumAlgorithm;
use vsphere_vapi::vapi::standard::LocalizableMessage;

/// A fresh client token: the server makes one object of any number of
/// creates carrying the same token, so the client's retries of a create
/// are harmless.
fn client_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The text of a server message: its default message, else its identifier.
fn message_text(message: &LocalizableMessage) -> String {
    if message.default_message.is_empty() {
        message.id.clone()
    } else {
        message.default_message.clone()
    }
}

/// A checksum in the form of the file specifications.
fn checksum_info((algorithm, hex): &(ChecksumAlgorithm, String)) -> ChecksumInfo {
    let algorithm = match algorithm {
        ChecksumAlgorithm::Sha1 => ServerAlgorithm::Sha1,
        ChecksumAlgorithm::Sha512 => ServerAlgorithm::Sha512,
        _ => ServerAlgorithm::Sha256,
    };
    ChecksumInfo {
        algorithm: Some(algorithm),
        checksum: hex.clone(),
    }
}

/// The runtime's algorithm for a checksum the server reports, when the
/// runtime can compute it (not MD5).
fn local_algorithm(algorithm: &ServerAlgorithm) -> Option<ChecksumAlgorithm> {
    match algorithm {
        ServerAlgorithm::Sha1 => Some(ChecksumAlgorithm::Sha1),
        ServerAlgorithm::Sha256 => Some(ChecksumAlgorithm::Sha256),
        ServerAlgorithm::Sha512 => Some(ChecksumAlgorithm::Sha512),
        _ => None,
    }
}
