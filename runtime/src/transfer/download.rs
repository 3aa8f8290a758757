//! Downloads: the body of a `GET` written chunk by chunk to a writer, a
//! file or memory.

use std::path::Path;

use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use tracing::Instrument as _;

use super::tally::Tally;
use super::{Transfer, TransferError, TransferFailure, TransferSummary, refused};
use crate::error::{Error, Result};

impl Transfer {
    /// Downloads the URL's content into `writer`, chunk by chunk, and
    /// flushes it. Fails with [`Error::Transfer`] when the server refuses
    /// (its status and the start of its answer) or writing fails, and with
    /// [`Error::Transport`] (an [`IncompleteBody`](crate::TransportKind::IncompleteBody)
    /// among them), [`Error::Tls`] or [`Error::Timeout`] when the exchange
    /// fails; what was written by then stays written.
    pub async fn download<W>(mut self, writer: &mut W) -> Result<TransferSummary>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        let prepared = self.prepare(http::Method::GET)?;
        let context = prepared.context;
        let span = tracing::debug_span!("vapi_transfer", method = "GET", url = %context);
        let mut response = prepared
            .request
            .send()
            .instrument(span.clone())
            .await
            .map_err(|err| crate::transport::transport_error(&context, err, None))?;
        if !response.status().is_success() {
            return Err(refused(&context, response).await);
        }
        let status = response.status().as_u16();
        let url = response.url().clone();
        let mut tally = Tally::new(
            response.content_length(),
            &self.checksums,
            self.progress.clone(),
        );
        let failed_write = |err: std::io::Error| {
            Error::Transfer(Box::new(TransferError::new(
                context.as_str(),
                TransferFailure::Destination(err),
            )))
        };
        while let Some(chunk) = response
            .chunk()
            .instrument(span.clone())
            .await
            .map_err(|err| crate::transport::transport_error(&context, err, Some(&url)))?
        {
            writer.write_all(&chunk).await.map_err(failed_write)?;
            tally.add(&chunk);
        }
        writer.flush().await.map_err(failed_write)?;
        tracing::debug!(parent: &span, bytes = tally.transferred(), status, "download finished");
        Ok(tally.finish(status))
    }

    /// Downloads the URL's content into a new file at `path` (replacing
    /// one that exists). On failure the partial file is removed.
    pub async fn download_to_file(self, path: impl AsRef<Path>) -> Result<TransferSummary> {
        let path = path.as_ref();
        let failed = |err: std::io::Error| {
            Error::Transfer(Box::new(TransferError::new(
                format!("writing `{}`", path.display()),
                TransferFailure::Destination(err),
            )))
        };
        let mut file = tokio::fs::File::create(path).await.map_err(failed)?;
        let outcome = self.download(&mut file).await;
        let outcome = match outcome {
            Ok(summary) => file.sync_all().await.map(|()| summary).map_err(failed),
            Err(error) => Err(error),
        };
        if outcome.is_err() {
            drop(file);
            // The error that matters is the transfer's.
            let _ = tokio::fs::remove_file(path).await;
        }
        outcome
    }

    /// Downloads the URL's content into memory, for small files.
    pub async fn download_bytes(self) -> Result<(Vec<u8>, TransferSummary)> {
        let mut bytes = Vec::new();
        let summary = self.download(&mut bytes).await?;
        Ok((bytes, summary))
    }
}
