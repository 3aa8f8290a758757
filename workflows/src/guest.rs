//! Guest file transfer: copying a file into or out of a running virtual
//! machine's guest operating system (VMware Tools required).
//!
//! `vcenter.vm.guest.filesystem.transfers.create` answers with a one-time
//! URL on the ESXi host that runs the virtual machine; the file is `PUT`
//! there (into the guest) or fetched with `GET` (out of it). The URL:
//!
//! * may name its host `*`, meaning the server the call was made on; the
//!   runtime's transfers put that server's name in its place;
//! * carries its own token, so the vCenter session header is not sent;
//! * is served with the ESXi host's certificate, which the client may not
//!   trust by the rules it trusts vCenter by. Say how to trust it with
//!   [`GuestFiles::trust_host`]: the host's certificate (or its CA) as
//!   PEM, or its SHA-256 thumbprint. Nothing is accepted unchecked.
//!
//! A URL is valid for 10 minutes and for one transfer; powering the VM off
//! or migrating it ends it.

use std::fmt;
use std::path::Path;

use tokio::io::AsyncWrite;
use vsphere_vapi::Client;
use vsphere_vapi::ids::VirtualMachineId;
use vsphere_vapi::runtime::transfer::{
    ChecksumAlgorithm, HostTrust, Progress, Source, TransferSummary,
};
use vsphere_vapi::vcenter::vm::guest::Credentials;
use vsphere_vapi::vcenter::vm::guest::filesystem::Transfers;
use vsphere_vapi::vcenter::vm::guest::filesystem::transfers::{CreateSpec, FileCreationAttributes};

use crate::error::{Error, Result};

type ProgressFn = std::sync::Arc<dyn Fn(Progress) + Send + Sync>;

/// Copies files into and out of one virtual machine's guest; see the
/// [module documentation](self).
///
/// ```no_run
/// # async fn example(client: &vsphere_vapi::Client) -> vsphere_vapi_workflows::Result<()> {
/// use vsphere_vapi::ids::VirtualMachineId;
/// use vsphere_vapi::runtime::transfer::HostTrust;
/// use vsphere_vapi::vcenter::vm::guest::{Credentials, CredentialsType};
/// use vsphere_vapi_workflows::guest::GuestFiles;
///
/// let credentials = Credentials {
///     interactive_session: false,
///     r#type: CredentialsType::UsernamePassword {
///         user_name: Some("root".into()),
///         password: Some("guest password".into()),
///     },
/// };
/// let guest = GuestFiles::new(client, &VirtualMachineId::from("vm-42"), credentials)
///     .trust_host(HostTrust::Sha256Thumbprint("AB:CD:…".into()));
/// guest.upload_file("app.conf", "/etc/app.conf", true).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct GuestFiles {
    client: Client,
    vm: VirtualMachineId,
    credentials: Credentials,
    trust: HostTrust,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for GuestFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The credentials' secrets are `Secret`s; the type alone is shown.
        f.debug_struct("GuestFiles")
            .field("vm", &self.vm)
            .field("credentials", &self.credentials.r#type.as_str())
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

impl GuestFiles {
    /// Transfers for the guest of `vm`, authenticated in the guest with
    /// `credentials`.
    pub fn new(client: &Client, vm: &VirtualMachineId, credentials: Credentials) -> GuestFiles {
        GuestFiles {
            client: client.clone(),
            vm: vm.clone(),
            credentials,
            trust: HostTrust::Client,
            progress: None,
        }
    }

    /// How the ESXi host serving the file is trusted (default: as the
    /// client trusts its server, which works when the host's certificate is
    /// issued by a CA the client trusts).
    pub fn trust_host(mut self, trust: HostTrust) -> GuestFiles {
        self.trust = trust;
        self
    }

    /// Calls `progress` as bytes are sent or received.
    pub fn on_progress(
        mut self,
        progress: impl Fn(Progress) + Send + Sync + 'static,
    ) -> GuestFiles {
        self.progress = Some(std::sync::Arc::new(progress));
        self
    }

    /// Copies `source` (whose size must be known) to `guest_path` in the
    /// guest, replacing an existing file when `overwrite` is true.
    pub async fn upload(
        &self,
        source: Source,
        guest_path: &str,
        overwrite: bool,
    ) -> Result<TransferSummary> {
        let Some(size) = source.length() else {
            return Err(Error::Invalid(
                "a file copied into a guest needs a known size".to_owned(),
            ));
        };
        let attributes = FileCreationAttributes {
            size: i64::try_from(size)
                .map_err(|_| Error::Invalid(format!("{size} bytes is too large")))?,
            overwrite: Some(overwrite),
            last_modified: None,
            last_accessed: None,
            windows: None,
            posix: None,
        };
        let url = self.transfer_url(guest_path, Some(attributes)).await?;
        let summary = self.transfer(url).upload(source).await?;
        Ok(summary)
    }

    /// Copies the local file at `local_path` to `guest_path`.
    pub async fn upload_file(
        &self,
        local_path: impl AsRef<Path>,
        guest_path: &str,
        overwrite: bool,
    ) -> Result<TransferSummary> {
        let source = Source::file(local_path).await?;
        self.upload(source, guest_path, overwrite).await
    }

    /// Copies `guest_path` out of the guest into `writer`.
    pub async fn download<W>(&self, guest_path: &str, writer: &mut W) -> Result<TransferSummary>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let url = self.transfer_url(guest_path, None).await?;
        Ok(self.transfer(url).download(writer).await?)
    }

    /// Copies `guest_path` out of the guest into a new local file at
    /// `local_path` (removed again when the copy fails).
    pub async fn download_to_file(
        &self,
        guest_path: &str,
        local_path: impl AsRef<Path>,
    ) -> Result<TransferSummary> {
        let url = self.transfer_url(guest_path, None).await?;
        Ok(self.transfer(url).download_to_file(local_path).await?)
    }

    /// Asks for a transfer URL: into the guest with `attributes`, out of it
    /// without.
    async fn transfer_url(
        &self,
        guest_path: &str,
        attributes: Option<FileCreationAttributes>,
    ) -> Result<String> {
        let spec = CreateSpec {
            path: guest_path.to_owned(),
            attributes,
        };
        Ok(Transfers::new(&self.client)
            .create(&self.vm, &self.credentials, &spec)
            .await?)
    }

    /// The transfer of a URL the service handed out.
    fn transfer(&self, url: String) -> vsphere_vapi::runtime::transfer::Transfer {
        let mut transfer = self
            .client
            .transfer(url)
            .trust(self.trust.clone())
            // The URL carries its own token; the vCenter session stays with
            // vCenter.
            .with_session(false)
            .checksum(ChecksumAlgorithm::Sha256);
        if let Some(progress) = self.progress.clone() {
            transfer = transfer.on_progress(move |step| progress(step));
        }
        transfer
    }
}
