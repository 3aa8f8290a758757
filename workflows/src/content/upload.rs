//! [`ItemUpload`]: files into a library item through an update session.
//!
//! The steps, as the content library prescribes them: create an update
//! session on the item → for each file, add it (the server answers with an
//! upload URL) and `PUT` its bytes there with the session header → validate
//! the files → complete the session → wait until the server has applied it
//! → delete the session. Any failure, or dropping the upload before it
//! finishes, fails and deletes the session (and the item, when the upload
//! created it), so nothing lingers until it expires.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use vsphere_vapi::Client;
use vsphere_vapi::content::library::item::updatesession::File as SessionFile;
use vsphere_vapi::content::library::item::updatesession::file::{
    AddSpec, AddSpecSourceType, Info as SessionFileInfo, InfoSourceType,
};
use vsphere_vapi::content::library::item::{
    UpdateSession, UpdateSessionModel, UpdateSessionModelState,
};
use vsphere_vapi::content::library::{Item, ItemModel};
use vsphere_vapi::ids::{ItemId, LibraryId, UpdateSessionId};
use vsphere_vapi::runtime::transfer::ChecksumAlgorithm;

use super::cleanup::Cleanup;
use super::file::ItemFile;
use super::ovf::OvfPackage;
use super::{checksum_info, client_token, message_text};
use crate::error::{Error, Result};

/// How far an upload has got, as given to the progress callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileProgress {
    /// The file being sent.
    pub file: String,
    /// Its position among the files (from 0).
    pub index: usize,
    /// How many files the upload sends.
    pub files: usize,
    /// Bytes of this file sent so far.
    pub transferred: u64,
    /// This file's size, when known.
    pub total: Option<u64>,
}

type ProgressFn = Arc<dyn Fn(&FileProgress) + Send + Sync>;

/// What an upload sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReport {
    /// The item the files went into (the new one, when it was created).
    pub item: ItemId,
    /// Each file, in the order sent.
    pub files: Vec<UploadedFile>,
}

/// One file an upload sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// Its name in the item.
    pub name: String,
    /// Bytes sent.
    pub bytes: u64,
    /// The SHA-256 of the bytes sent (lower-case hex).
    pub sha256: String,
}

/// The item an upload fills.
#[derive(Debug, Clone)]
enum Target {
    Existing(ItemId),
    New {
        library: LibraryId,
        name: String,
        kind: String,
        description: Option<String>,
    },
}

/// Puts files into a library item.
///
/// The steps, as the content library prescribes them: create an update
/// session on the item → for each file, add it (the server answers with an
/// upload URL) and `PUT` its bytes there with the session header → validate
/// the files → complete the session → wait until the server has applied it
/// → delete the session. Any failure, or dropping the upload before it
/// finishes, fails and deletes the session (and the item, when the upload
/// created it), so nothing lingers until it expires.
///
/// ```no_run
/// # async fn example(client: &vsphere_vapi::Client, library: &vsphere_vapi::ids::LibraryId) -> vsphere_vapi_workflows::Result<()> {
/// use vsphere_vapi_workflows::content::{ItemFile, ItemUpload};
///
/// let report = ItemUpload::new_item(client, library, "ubuntu-24.04", "iso")
///     .file(ItemFile::from_path("ubuntu-24.04-live-server-amd64.iso"))
///     .on_progress(|p| eprintln!("{}: {} of {:?}", p.file, p.transferred, p.total))
///     .send()
///     .await?;
/// println!("item {}", report.item);
/// # Ok(())
/// # }
/// ```
#[must_use = "an upload does nothing until `send` is awaited"]
pub struct ItemUpload {
    client: Client,
    target: Target,
    files: Vec<ItemFile>,
    checksum: Option<ChecksumAlgorithm>,
    validate: bool,
    progress: Option<ProgressFn>,
    completion_timeout: Duration,
    keep_alive: Duration,
}

impl fmt::Debug for ItemUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemUpload")
            .field("target", &self.target)
            .field("files", &self.files)
            .field("checksum", &self.checksum)
            .field("validate", &self.validate)
            .field("completion_timeout", &self.completion_timeout)
            .finish_non_exhaustive()
    }
}

impl ItemUpload {
    fn with_target(client: &Client, target: Target) -> ItemUpload {
        ItemUpload {
            client: client.clone(),
            target,
            files: Vec::new(),
            checksum: None,
            validate: true,
            progress: None,
            completion_timeout: Duration::from_secs(600),
            keep_alive: Duration::from_secs(60),
        }
    }

    /// Adds files to (or replaces files of) the existing item `item`.
    pub fn into_item(client: &Client, item: &ItemId) -> ItemUpload {
        ItemUpload::with_target(client, Target::Existing(item.clone()))
    }

    /// Creates an item named `name` of type `kind` (`ovf`, `iso`, `file`,
    /// … — free text for the library; `ovf` items can be deployed) in
    /// `library` and puts the files into it. When the upload fails, the
    /// item is deleted again.
    pub fn new_item(
        client: &Client,
        library: &LibraryId,
        name: impl Into<String>,
        kind: impl Into<String>,
    ) -> ItemUpload {
        ItemUpload::with_target(
            client,
            Target::New {
                library: library.clone(),
                name: name.into(),
                kind: kind.into(),
                description: None,
            },
        )
    }

    /// The description of the item created (ignored for an existing one).
    pub fn description(mut self, text: impl Into<String>) -> ItemUpload {
        if let Target::New { description, .. } = &mut self.target {
            *description = Some(text.into());
        }
        self
    }

    /// Adds a file to send.
    pub fn file(mut self, file: ItemFile) -> ItemUpload {
        self.files.push(file);
        self
    }

    /// Adds files to send, in order.
    pub fn files(mut self, files: impl IntoIterator<Item = ItemFile>) -> ItemUpload {
        self.files.extend(files);
        self
    }

    /// Adds the files of an OVF package (use an item of type `ovf`), in the
    /// order the library takes them.
    pub fn package(self, package: OvfPackage) -> ItemUpload {
        self.files(package.into_files())
    }

    /// Computes this checksum of each file on disk or in memory before
    /// sending it and hands it to the server with the file's size, so the
    /// server checks what it receives (files given a checksum of their own
    /// keep it). Reading a file twice costs time; without this the server
    /// checks the size only, and the client still compares what it sent
    /// with any checksum given.
    pub fn checksum(mut self, algorithm: ChecksumAlgorithm) -> ItemUpload {
        self.checksum = Some(algorithm);
        self
    }

    /// Whether the server's validation runs before the session is completed
    /// (default true): it reports files the item type needs but did not get
    /// (an OVF descriptor's disks) and files it rejects, with their names,
    /// where completing would only fail.
    pub fn validate(mut self, validate: bool) -> ItemUpload {
        self.validate = validate;
        self
    }

    /// Calls `progress` as files are sent.
    pub fn on_progress(
        mut self,
        progress: impl Fn(&FileProgress) + Send + Sync + 'static,
    ) -> ItemUpload {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// How long the server may take to apply the files once the session is
    /// completed (default 10 minutes).
    pub fn completion_timeout(mut self, timeout: Duration) -> ItemUpload {
        self.completion_timeout = timeout;
        self
    }

    /// How often the session is kept alive while a file is being sent
    /// (default every minute; the server drops sessions that see no
    /// activity).
    pub fn keep_alive_interval(mut self, interval: Duration) -> ItemUpload {
        self.keep_alive = interval.max(Duration::from_secs(1));
        self
    }

    /// Runs the upload. On failure, the session is failed (with the error's
    /// text as the reason) and deleted, and an item the upload created is
    /// deleted, before the error is returned.
    pub async fn send(mut self) -> Result<UploadReport> {
        if self.files.is_empty() {
            return Err(Error::Invalid(
                "an upload needs at least one file".to_owned(),
            ));
        }
        let mut cleanup = Cleanup::new(&self.client);
        match self.run(&mut cleanup).await {
            Ok(report) => {
                cleanup.disarm();
                Ok(report)
            }
            Err(error) => {
                cleanup.run(&error.to_string()).await;
                Err(error)
            }
        }
    }

    async fn run(&mut self, cleanup: &mut Cleanup) -> Result<UploadReport> {
        let mut files = std::mem::take(&mut self.files);
        for file in &mut files {
            file.measure().await?;
            if let (Some(algorithm), None) = (self.checksum, &file.checksum) {
                if file.rereadable() {
                    file.checksum = Some((algorithm, file.digest(algorithm).await?));
                }
            }
        }
        let item = self.item(cleanup).await?;
        let sessions = UpdateSession::new(&self.client);
        let session = sessions
            .create(&UpdateSessionModel {
                library_item_id: Some(item.to_string()),
                ..UpdateSessionModel::default()
            })
            .client_token(&client_token())
            .send()
            .await?;
        cleanup.update_session(&session);
        tracing::debug!(item = %item, session = %session, files = files.len(), "update session created");

        let count = files.len();
        let mut sent = Vec::with_capacity(count);
        for (index, file) in files.into_iter().enumerate() {
            sent.push(self.send_file(&session, index, count, file).await?);
        }
        if self.validate {
            let result = SessionFile::new(&self.client).validate(&session).await?;
            if result.has_errors
                || !result.missing_files.is_empty()
                || !result.invalid_files.is_empty()
            {
                return Err(Error::Validation {
                    missing: result.missing_files,
                    invalid: result
                        .invalid_files
                        .into_iter()
                        .map(|invalid| (invalid.name, message_text(&invalid.error_message)))
                        .collect(),
                });
            }
        }
        sessions.complete(&session).await?;
        self.wait_until_applied(&session).await?;
        // Done: the session has served its purpose. A session the server
        // already dropped is fine.
        if let Err(error) = sessions.delete(&session).await {
            tracing::debug!(session = %session, %error, "deleting the finished update session failed");
        }
        Ok(UploadReport { item, files: sent })
    }

    /// The item to fill: the existing one, or one created now (idempotently,
    /// with a client token, so a retried create makes one item).
    async fn item(&self, cleanup: &mut Cleanup) -> Result<ItemId> {
        match &self.target {
            Target::Existing(item) => Ok(item.clone()),
            Target::New {
                library,
                name,
                kind,
                description,
            } => {
                let item = Item::new(&self.client)
                    .create(&ItemModel {
                        library_id: Some(library.to_string()),
                        name: Some(name.clone()),
                        r#type: Some(kind.clone()),
                        description: description.clone(),
                        ..ItemModel::default()
                    })
                    .client_token(&client_token())
                    .send()
                    .await?;
                cleanup.created_item(&item);
                Ok(item)
            }
        }
    }

    /// Adds one file to the session, sends its bytes and checks what the
    /// server says about it.
    async fn send_file(
        &self,
        session: &UpdateSessionId,
        index: usize,
        count: usize,
        file: ItemFile,
    ) -> Result<UploadedFile> {
        let name = file.name.clone();
        let size = file.size;
        let expected = file.checksum.clone();
        let spec = AddSpec {
            name: name.clone(),
            source_type: AddSpecSourceType::Push,
            size: size.and_then(|size| i64::try_from(size).ok()),
            checksum_info: expected.as_ref().map(checksum_info),
        };
        let files = SessionFile::new(&self.client);
        let info = files.add(session, &spec).await?;
        check_file(&info)?;
        let uri = match &info.source_type {
            InfoSourceType::Push {
                upload_endpoint: Some(endpoint),
            } => endpoint.uri.clone(),
            other => {
                return Err(Error::Invalid(format!(
                    "file `{name}`: the server gave no upload endpoint (source type {})",
                    other.as_str()
                )));
            }
        };
        let transferred = Arc::new(AtomicU64::new(0));
        let mut transfer = self
            .client
            .transfer(uri)
            // The server handed the URL out for this session; it may name
            // the server differently than the client does.
            .with_session(true)
            .checksum(ChecksumAlgorithm::Sha256);
        if let Some((algorithm, _)) = &expected {
            transfer = transfer.checksum(*algorithm);
        }
        let progress = self.progress.clone();
        let counter = Arc::clone(&transferred);
        let file_name = name.clone();
        transfer = transfer.on_progress(move |step| {
            counter.store(step.transferred, Ordering::Relaxed);
            if let Some(progress) = &progress {
                progress(&FileProgress {
                    file: file_name.clone(),
                    index,
                    files: count,
                    transferred: step.transferred,
                    total: step.total,
                });
            }
        });
        let source = file.into_source().await?;
        let upload = transfer.upload(source);
        let keep_alive = self.keep_alive_while(session, &transferred, size);
        let summary = tokio::select! {
            outcome = upload => outcome?,
            never = keep_alive => match never {},
        };
        let sha256 = summary
            .checksum(ChecksumAlgorithm::Sha256)
            .unwrap_or_default()
            .to_owned();
        if let Some((algorithm, expected)) = expected {
            let actual = summary.checksum(algorithm).unwrap_or_default();
            if actual != expected {
                return Err(Error::Checksum {
                    file: name,
                    algorithm: algorithm.as_str(),
                    expected,
                    actual: actual.to_owned(),
                });
            }
        }
        // What the server says about the file now: a transfer it could not
        // take shows as an error message on the file.
        let infos = files.list(session).await?;
        if let Some(info) = infos.iter().find(|info| info.name == name) {
            check_file(info)?;
        }
        tracing::debug!(file = %name, bytes = summary.bytes(), "file uploaded");
        Ok(UploadedFile {
            name,
            bytes: summary.bytes(),
            sha256,
        })
    }

    /// Keeps the session alive, telling the server how far the file is,
    /// until dropped (when the file's upload ends). Failures are logged:
    /// the upload decides the outcome.
    async fn keep_alive_while(
        &self,
        session: &UpdateSessionId,
        transferred: &AtomicU64,
        size: Option<u64>,
    ) -> std::convert::Infallible {
        let sessions = UpdateSession::new(&self.client);
        let mut last_progress = 0;
        loop {
            tokio::time::sleep(self.keep_alive).await;
            let mut request = sessions.keep_alive(session);
            if let Some(size) = size.filter(|size| *size > 0) {
                let percent = (transferred.load(Ordering::Relaxed).saturating_mul(100) / size)
                    .min(100) as i64;
                // The server wants the progress to grow.
                if percent > last_progress {
                    last_progress = percent;
                    request = request.client_progress(percent);
                }
            }
            if let Err(error) = request.send().await {
                tracing::debug!(session = %session, %error, "keeping the update session alive failed");
            }
        }
    }

    /// Waits until the completed session is no longer active: done, or
    /// failed with the server's reason.
    async fn wait_until_applied(&self, session: &UpdateSessionId) -> Result<()> {
        let sessions = UpdateSession::new(&self.client);
        let started = Instant::now();
        let mut pause = Duration::from_millis(200);
        loop {
            let info = sessions.get(session).await?;
            match &info.state {
                Some(UpdateSessionModelState::Done) | None => return Ok(()),
                Some(UpdateSessionModelState::Active { .. }) => {}
                Some(state) => {
                    return Err(Error::Session {
                        what: "update session",
                        session: session.to_string(),
                        state: state.as_str().to_owned(),
                        message: info.error_message.as_ref().map(message_text),
                    });
                }
            }
            if started.elapsed() >= self.completion_timeout {
                return Err(Error::Timeout {
                    what: format!("applying update session {session}"),
                    waited: started.elapsed(),
                });
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// The server's verdict on a file of the session: an error message or the
/// `ERROR` status is a failed transfer.
fn check_file(info: &SessionFileInfo) -> Result<()> {
    use vsphere_vapi::content::library::item::TransferStatus;
    if let Some(message) = &info.error_message {
        return Err(Error::FileTransfer {
            file: info.name.clone(),
            message: message_text(message),
        });
    }
    if info.status == TransferStatus::Error {
        return Err(Error::FileTransfer {
            file: info.name.clone(),
            message: "the transfer failed (no message given)".to_owned(),
        });
    }
    Ok(())
}
