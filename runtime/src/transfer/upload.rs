//! Uploads: a [`Source`] streamed as the body of a `PUT`.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::BytesMut;
use tokio::io::AsyncReadExt as _;
use tracing::Instrument as _;

use super::tally::Tally;
use super::{Source, Transfer, TransferError, TransferFailure, TransferSummary, refused};
use crate::error::{Error, Result};

/// How much is read from the source at a time: large enough for the
/// throughput of a local network, small enough that memory stays flat.
const CHUNK: usize = 256 * 1024;

/// What the body stream and the upload share: the tally, and why the
/// stream stopped when it failed (the HTTP stack reports only that the
/// body failed).
#[derive(Debug)]
struct Shared {
    tally: Option<Tally>,
    failure: Option<TransferFailure>,
}

impl Transfer {
    /// Sends `source` as the body of a `PUT` to the URL, chunk by chunk,
    /// and returns what was sent once the server answered with a success
    /// status. A source with a known size is sent with `Content-Length` and
    /// must deliver exactly that many bytes.
    ///
    /// Fails with [`Error::Transfer`] when the server refuses it (the
    /// status and the start of its answer), when the source fails or
    /// delivers another size; with [`Error::Transport`], [`Error::Tls`] or
    /// [`Error::Timeout`] when the exchange fails.
    pub async fn upload(mut self, source: Source) -> Result<TransferSummary> {
        let has_content_type = self
            .headers
            .iter()
            .any(|(name, _)| name == http::header::CONTENT_TYPE);
        let prepared = self.prepare(http::Method::PUT)?;
        let context = prepared.context;
        let total = source.length;
        let shared = Arc::new(Mutex::new(Shared {
            tally: Some(Tally::new(total, &self.checksums, self.progress.clone())),
            failure: None,
        }));
        let mut request = prepared
            .request
            .body(reqwest::Body::wrap_stream(body_stream(
                source,
                Arc::clone(&shared),
            )));
        if let Some(length) = total {
            request = request.header(http::header::CONTENT_LENGTH, length);
        }
        if !has_content_type {
            request = request.header(http::header::CONTENT_TYPE, "application/octet-stream");
        }
        let span = tracing::debug_span!("vapi_transfer", method = "PUT", url = %context);
        let outcome = request.send().instrument(span.clone()).await;
        let (failure, tally) = {
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            (state.failure.take(), state.tally.take())
        };
        if let Some(failure) = failure {
            return Err(Error::Transfer(Box::new(TransferError::new(
                context, failure,
            ))));
        }
        let response =
            outcome.map_err(|err| crate::transport::transport_error(&context, err, None))?;
        let Some(tally) = tally else {
            return Err(Error::Config(format!(
                "{context}: the upload was already finished"
            )));
        };
        if !response.status().is_success() {
            return Err(refused(&context, response).await);
        }
        if let Some(expected) = total {
            // The server answered before the body was complete.
            if tally.transferred() != expected {
                return Err(Error::Transfer(Box::new(TransferError::new(
                    context,
                    TransferFailure::Length {
                        expected,
                        actual: tally.transferred(),
                    },
                ))));
            }
        }
        tracing::debug!(
            parent: &span,
            bytes = tally.transferred(),
            status = response.status().as_u16(),
            "upload finished"
        );
        Ok(tally.finish(response.status().as_u16()))
    }
}

/// The source as a stream of chunks, counted and hashed as they are taken;
/// a failure is recorded in `shared` before the stream ends with it.
fn body_stream(
    source: Source,
    shared: Arc<Mutex<Shared>>,
) -> impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static {
    let declared = source.length;
    futures_util::stream::try_unfold(
        (source.reader, shared),
        move |(mut reader, shared)| async move {
            let mut buffer = BytesMut::with_capacity(CHUNK);
            let read = reader.read_buf(&mut buffer).await;
            let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
            let fail = |state: &mut Shared, failure: TransferFailure, message: String| {
                state.failure = Some(failure);
                std::io::Error::other(message)
            };
            let count = match read {
                Ok(count) => count,
                Err(err) => {
                    let message = err.to_string();
                    return Err(fail(&mut state, TransferFailure::Source(err), message));
                }
            };
            let sent = state.tally.as_ref().map_or(0, Tally::transferred);
            if count == 0 {
                return match declared {
                    Some(expected) if sent != expected => Err(fail(
                        &mut state,
                        TransferFailure::Length {
                            expected,
                            actual: sent,
                        },
                        "the source ended early".to_owned(),
                    )),
                    _ => Ok(None),
                };
            }
            if let Some(expected) = declared {
                if sent + count as u64 > expected {
                    return Err(fail(
                        &mut state,
                        TransferFailure::Length {
                            expected,
                            actual: sent + count as u64,
                        },
                        "the source holds more than declared".to_owned(),
                    ));
                }
            }
            if let Some(tally) = state.tally.as_mut() {
                tally.add(&buffer);
            }
            drop(state);
            Ok(Some((buffer.freeze(), (reader, shared))))
        },
    )
}
