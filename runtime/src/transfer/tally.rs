//! Counting, hashing and reporting the bytes of a transfer as they pass.

use std::fmt;

use super::{ChecksumAlgorithm, Digest, Progress, ProgressFn, TransferSummary};

/// The running state of one transfer: bytes so far, the digests being
/// computed, and the caller's progress callback.
pub(super) struct Tally {
    transferred: u64,
    total: Option<u64>,
    digests: Vec<Digest>,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tally")
            .field("transferred", &self.transferred)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Tally {
    pub(super) fn new(
        total: Option<u64>,
        algorithms: &[ChecksumAlgorithm],
        progress: Option<ProgressFn>,
    ) -> Tally {
        let mut digests: Vec<Digest> = Vec::new();
        for algorithm in algorithms {
            if !digests.iter().any(|known| known.algorithm() == *algorithm) {
                digests.push(Digest::new(*algorithm));
            }
        }
        let tally = Tally {
            transferred: 0,
            total,
            digests,
            progress,
        };
        tally.report();
        tally
    }

    pub(super) fn transferred(&self) -> u64 {
        self.transferred
    }

    /// Counts and hashes `chunk`, then tells the progress callback.
    pub(super) fn add(&mut self, chunk: &[u8]) {
        self.transferred += chunk.len() as u64;
        for digest in &mut self.digests {
            digest.update(chunk);
        }
        self.report();
    }

    fn report(&self) {
        if let Some(progress) = &self.progress {
            progress(Progress {
                transferred: self.transferred,
                total: self.total,
            });
        }
    }

    /// The summary of a finished transfer.
    pub(super) fn finish(self, status: u16) -> TransferSummary {
        let checksums = self
            .digests
            .into_iter()
            .map(|digest| (digest.algorithm(), digest.finish_hex()))
            .collect();
        TransferSummary {
            bytes: self.transferred,
            status,
            checksums,
        }
    }
}

/// Lower-case hexadecimal, as the content library writes checksums.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn counts_hashes_and_reports() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let mut tally = Tally::new(
            Some(6),
            &[
                ChecksumAlgorithm::Sha256,
                ChecksumAlgorithm::Sha1,
                ChecksumAlgorithm::Sha256,
            ],
            Some(Arc::new(move |progress: Progress| {
                sink.lock().unwrap().push(progress.transferred)
            })),
        );
        tally.add(b"abc");
        tally.add(b"def");
        let summary = tally.finish(201);
        assert_eq!(*seen.lock().unwrap(), [0, 3, 6]);
        assert_eq!(summary.bytes(), 6);
        assert_eq!(summary.status(), 201);
        assert_eq!(
            summary.checksum(ChecksumAlgorithm::Sha256),
            Some("bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721")
        );
        assert_eq!(
            summary.checksum(ChecksumAlgorithm::Sha1),
            Some("1f8ac10f23c5b5bc1167bda84b833e5c057a77d2")
        );
        assert_eq!(summary.checksum(ChecksumAlgorithm::Sha512), None);
    }
}
