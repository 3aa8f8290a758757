//! Undoing what an unfinished content library workflow started on the
//! server: its update or download session (failed, then deleted, so it does
//! not linger until it expires) and a library item it created.
//!
//! A workflow that fails undoes it before returning its error. One that is
//! dropped before it finishes (the caller's future was canceled, a timeout
//! fired) cannot wait in a destructor; the guard hands the same requests to
//! the async runtime instead, where they run in the background.

use vsphere_vapi::Client;
use vsphere_vapi::content::library::Item;
use vsphere_vapi::content::library::item::{DownloadSession, UpdateSession};
use vsphere_vapi::ids::{DownloadSessionId, ItemId, UpdateSessionId};

/// What a workflow has started and must undo unless it finishes.
#[derive(Debug)]
pub(crate) struct Cleanup {
    client: Client,
    update_session: Option<UpdateSessionId>,
    download_session: Option<DownloadSessionId>,
    created_item: Option<ItemId>,
}

impl Cleanup {
    pub(crate) fn new(client: &Client) -> Cleanup {
        Cleanup {
            client: client.clone(),
            update_session: None,
            download_session: None,
            created_item: None,
        }
    }

    pub(crate) fn update_session(&mut self, id: &UpdateSessionId) {
        self.update_session = Some(id.clone());
    }

    pub(crate) fn download_session(&mut self, id: &DownloadSessionId) {
        self.download_session = Some(id.clone());
    }

    pub(crate) fn created_item(&mut self, id: &ItemId) {
        self.created_item = Some(id.clone());
    }

    /// The workflow finished: the session (ended by the workflow itself) and
    /// the item stay as they are.
    pub(crate) fn disarm(&mut self) {
        self.update_session = None;
        self.download_session = None;
        self.created_item = None;
    }

    /// Fails and deletes the session and deletes the item created, telling
    /// the server `reason`, and waits until that is done. Failures are
    /// logged, not returned: the error that made the workflow stop is the
    /// one the caller needs. The requests run as a task of their own, so
    /// that they finish even when the caller stops waiting for them.
    pub(crate) async fn run(&mut self, reason: &str) {
        let work = Work {
            client: self.client.clone(),
            update_session: self.update_session.take(),
            download_session: self.download_session.take(),
            created_item: self.created_item.take(),
        };
        let reason = reason.to_owned();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                let _ = runtime.spawn(work.run(reason)).await;
            }
            Err(_) => work.run(reason).await,
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if self.update_session.is_none()
            && self.download_session.is_none()
            && self.created_item.is_none()
        {
            return;
        }
        let work = Work {
            client: self.client.clone(),
            update_session: self.update_session.take(),
            download_session: self.download_session.take(),
            created_item: self.created_item.take(),
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(work.run("the client canceled the transfer".to_owned()));
            }
            Err(_) => tracing::warn!(
                ?work,
                "a content library workflow was dropped outside an async runtime; its session stays until it expires"
            ),
        }
    }
}

/// The requests of a cleanup, independent of the guard so they can run
/// after it is gone.
#[derive(Debug)]
struct Work {
    client: Client,
    update_session: Option<UpdateSessionId>,
    download_session: Option<DownloadSessionId>,
    created_item: Option<ItemId>,
}

impl Work {
    async fn run(self, reason: String) {
        let reason = reason.as_str();
        if let Some(id) = &self.update_session {
            let sessions = UpdateSession::new(&self.client);
            // `fail` records why; `delete` removes the session at once
            // instead of when it expires.
            if let Err(error) = sessions.fail(id, reason).await {
                tracing::debug!(session = %id, %error, "failing the update session failed");
            }
            if let Err(error) = sessions.delete(id).await {
                tracing::warn!(session = %id, %error, "deleting the update session failed");
            }
        }
        if let Some(id) = &self.download_session {
            let sessions = DownloadSession::new(&self.client);
            if let Err(error) = sessions.fail(id, reason).await {
                tracing::debug!(session = %id, %error, "failing the download session failed");
            }
            if let Err(error) = sessions.delete(id).await {
                tracing::warn!(session = %id, %error, "deleting the download session failed");
            }
        }
        if let Some(id) = &self.created_item {
            if let Err(error) = Item::new(&self.client).delete(id).await {
                tracing::warn!(item = %id, %error, "deleting the library item created for the upload failed");
            }
        }
        tracing::debug!(reason, "content library workflow cleaned up");
    }
}
