//! [`ItemDownload`]: an item's files through a download session.
//!
//! The steps: create a download session on the item → list its files →
//! for each file wanted, ask the server to prepare it and wait until it is
//! (the answer carries its download URL) → `GET` the bytes with the session
//! header, checking the checksum the server gives → delete the session. A
//! failure, or dropping the download, fails and deletes the session.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncWrite;
use vsphere_vapi::Client;
use vsphere_vapi::content::library::item::downloadsession::File as SessionFile;
use vsphere_vapi::content::library::item::downloadsession::file::{
    EndpointType, Info as SessionFileInfo, PrepareStatus,
};
use vsphere_vapi::content::library::item::{DownloadSession, DownloadSessionModel};
use vsphere_vapi::ids::{DownloadSessionId, ItemId};
use vsphere_vapi::runtime::transfer::{ChecksumAlgorithm, TransferSummary};

use super::cleanup::Cleanup;
use super::upload::FileProgress;
use super::{client_token, local_algorithm, message_text};
use crate::error::{Error, Result};

type ProgressFn = Arc<dyn Fn(&FileProgress) + Send + Sync>;

/// What a download received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadReport {
    /// Each file, in the order received.
    pub files: Vec<DownloadedFile>,
}

/// One file a download received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadedFile {
    /// Its name in the item.
    pub name: String,
    /// Where it was written, for [`ItemDownload::to_directory`].
    pub path: Option<PathBuf>,
    /// Bytes received.
    pub bytes: u64,
    /// The SHA-256 of the bytes received (lower-case hex).
    pub sha256: String,
    /// Whether the server gave a checksum the client could check (it
    /// matched, or the download failed).
    pub checksum_verified: bool,
}

/// Gets the files of a library item.
///
/// The steps: create a download session on the item → list its files →
/// for each file wanted, ask the server to prepare it and wait until it is
/// (the answer carries its download URL) → `GET` the bytes with the session
/// header, checking the checksum the server gives → delete the session. A
/// failure, or dropping the download, fails and deletes the session.
///
/// ```no_run
/// # async fn example(client: &vsphere_vapi::Client, item: &vsphere_vapi::ids::ItemId) -> vsphere_vapi_workflows::Result<()> {
/// use vsphere_vapi_workflows::content::ItemDownload;
///
/// let report = ItemDownload::new(client, item).to_directory("backup").await?;
/// for file in report.files {
///     println!("{} ({} bytes)", file.name, file.bytes);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a download does nothing until it is run"]
pub struct ItemDownload {
    client: Client,
    item: ItemId,
    only: Option<Vec<String>>,
    progress: Option<ProgressFn>,
    prepare_timeout: Duration,
}

impl fmt::Debug for ItemDownload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemDownload")
            .field("item", &self.item)
            .field("only", &self.only)
            .field("prepare_timeout", &self.prepare_timeout)
            .finish_non_exhaustive()
    }
}

impl ItemDownload {
    /// A download of the files of `item`.
    pub fn new(client: &Client, item: &ItemId) -> ItemDownload {
        ItemDownload {
            client: client.clone(),
            item: item.clone(),
            only: None,
            progress: None,
            prepare_timeout: Duration::from_secs(600),
        }
    }

    /// Only these files (by name in the item); all of them by default.
    pub fn only(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> ItemDownload {
        self.only = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Calls `progress` as files are received.
    pub fn on_progress(
        mut self,
        progress: impl Fn(&FileProgress) + Send + Sync + 'static,
    ) -> ItemDownload {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// How long the server may take to prepare one file (default 10
    /// minutes; files of a library on another vCenter are fetched first).
    pub fn prepare_timeout(mut self, timeout: Duration) -> ItemDownload {
        self.prepare_timeout = timeout;
        self
    }

    /// Writes each file into `directory` (created if missing) under its
    /// name in the item; a file that fails is removed again.
    pub async fn to_directory(self, directory: impl AsRef<Path>) -> Result<DownloadReport> {
        let directory = directory.as_ref().to_owned();
        tokio::fs::create_dir_all(&directory)
            .await
            .map_err(|err| Error::io(&directory, err))?;
        self.run(Destination::Directory(directory)).await
    }

    /// Writes the one file `name` into `writer`.
    pub async fn file_to_writer<W>(mut self, name: &str, writer: &mut W) -> Result<DownloadedFile>
    where
        W: AsyncWrite + Unpin + Send,
    {
        self.only = Some(vec![name.to_owned()]);
        let mut report = self.run(Destination::Writer(writer)).await?;
        report
            .files
            .pop()
            .ok_or_else(|| Error::Invalid(format!("the item has no file `{name}`")))
    }

    async fn run(self, mut destination: Destination<'_>) -> Result<DownloadReport> {
        let mut cleanup = Cleanup::new(&self.client);
        let outcome = async {
            let session = DownloadSession::new(&self.client)
                .create(&DownloadSessionModel {
                    library_item_id: Some(self.item.to_string()),
                    ..DownloadSessionModel::default()
                })
                .client_token(&client_token())
                .send()
                .await?;
            cleanup.download_session(&session);
            let files = SessionFile::new(&self.client);
            let available = files.list(&session).await?;
            let mut names: Vec<String> = available.iter().map(|info| info.name.clone()).collect();
            if let Some(only) = &self.only {
                if let Some(missing) = only.iter().find(|name| !names.contains(name)) {
                    return Err(Error::Invalid(format!(
                        "item {} has no file `{missing}` (it has {})",
                        self.item,
                        names.join(", ")
                    )));
                }
                names.retain(|name| only.contains(name));
            }
            let mut received = Vec::with_capacity(names.len());
            let count = names.len();
            for (index, name) in names.iter().enumerate() {
                check_name(name)?;
                let info = self.prepare(&session, name).await?;
                let sink = match &mut destination {
                    Destination::Directory(directory) => Sink::File(directory.join(name)),
                    Destination::Writer(writer) => Sink::Writer(&mut **writer),
                };
                received.push(self.fetch(index, count, &info, sink).await?);
            }
            Ok((session, received))
        }
        .await;
        match outcome {
            Ok((session, files)) => {
                cleanup.disarm();
                if let Err(error) = DownloadSession::new(&self.client).delete(&session).await {
                    tracing::debug!(session = %session, %error, "deleting the finished download session failed");
                }
                Ok(DownloadReport { files })
            }
            Err(error) => {
                cleanup.run(&error.to_string()).await;
                Err(error)
            }
        }
    }

    /// Asks the server to prepare `name` and waits until it has.
    async fn prepare(&self, session: &DownloadSessionId, name: &str) -> Result<SessionFileInfo> {
        let files = SessionFile::new(&self.client);
        let mut info = files
            .prepare(session, name)
            .endpoint_type(&EndpointType::Https)
            .send()
            .await?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(200);
        loop {
            if let Some(message) = &info.error_message {
                return Err(Error::FileTransfer {
                    file: name.to_owned(),
                    message: message_text(message),
                });
            }
            match info.status {
                PrepareStatus::Prepared => return Ok(info),
                PrepareStatus::Error => {
                    return Err(Error::FileTransfer {
                        file: name.to_owned(),
                        message: "the server could not prepare it (no message given)".to_owned(),
                    });
                }
                _ => {}
            }
            if started.elapsed() >= self.prepare_timeout {
                return Err(Error::Timeout {
                    what: format!("preparing `{name}` for download"),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
            info = files.get(session, name).await?;
        }
    }

    /// Downloads one prepared file into `sink`.
    async fn fetch(
        &self,
        index: usize,
        count: usize,
        info: &SessionFileInfo,
        sink: Sink<'_>,
    ) -> Result<DownloadedFile> {
        let name = info.name.clone();
        let Some(endpoint) = &info.download_endpoint else {
            return Err(Error::Invalid(format!(
                "file `{name}` is prepared but the server gave no download endpoint"
            )));
        };
        let expected = info.checksum_info.as_ref().and_then(|checksum| {
            let algorithm = local_algorithm(checksum.algorithm.as_ref()?)?;
            Some((algorithm, checksum.checksum.to_ascii_lowercase()))
        });
        let mut transfer = self
            .client
            .transfer(endpoint.uri.clone())
            .with_session(true)
            .checksum(ChecksumAlgorithm::Sha256);
        if let Some((algorithm, _)) = &expected {
            transfer = transfer.checksum(*algorithm);
        }
        if let Some(progress) = self.progress.clone() {
            let file = name.clone();
            transfer = transfer.on_progress(move |step| {
                progress(&FileProgress {
                    file: file.clone(),
                    index,
                    files: count,
                    transferred: step.transferred,
                    total: step.total,
                });
            });
        }
        let (summary, path): (TransferSummary, Option<PathBuf>) = match sink {
            Sink::File(path) => (transfer.download_to_file(&path).await?, Some(path)),
            Sink::Writer(writer) => (transfer.download(writer).await?, None),
        };
        let mut checksum_verified = false;
        if let Some((algorithm, expected)) = expected {
            let actual = summary.checksum(algorithm).unwrap_or_default();
            if actual != expected {
                if let Some(path) = &path {
                    let _ = tokio::fs::remove_file(path).await;
                }
                return Err(Error::Checksum {
                    file: name,
                    algorithm: algorithm.as_str(),
                    expected,
                    actual: actual.to_owned(),
                });
            }
            checksum_verified = true;
        }
        Ok(DownloadedFile {
            name,
            path,
            bytes: summary.bytes(),
            sha256: summary
                .checksum(ChecksumAlgorithm::Sha256)
                .unwrap_or_default()
                .to_owned(),
            checksum_verified,
        })
    }
}

/// Where the files go.
enum Destination<'w> {
    Directory(PathBuf),
    Writer(&'w mut (dyn AsyncWrite + Unpin + Send)),
}

/// Where one file goes.
enum Sink<'w> {
    File(PathBuf),
    Writer(&'w mut (dyn AsyncWrite + Unpin + Send)),
}

/// A file name from the server becomes a path in the caller's directory:
/// it must be one plain component.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.contains('\0');
    if plain {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "the item's file name `{name}` is not a plain file name"
        )))
    }
}
