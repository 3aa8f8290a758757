//! Streams a large file to a local HTTP server that discards what it
//! receives, and prints the throughput and the process's peak memory: the
//! upload must hold a few chunks at a time, never the file.
//!
//! ```sh
//! cargo run --release -p vsphere-vapi-runtime --example upload_memory -- 1024
//! /usr/bin/time -v target/release/examples/upload_memory 1024   # "Maximum resident set size"
//! ```
//!
//! The argument is the size in MiB (default 1024). The file is created in
//! the temporary directory (sparse, so it costs no disk) and removed after.

use std::time::Instant;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use vsphere_vapi_runtime::Client;
use vsphere_vapi_runtime::transfer::{ChecksumAlgorithm, Source};

/// Accepts one connection, reads a request with a `Content-Length` body,
/// discards the body and answers `200`; returns the bytes of body read.
async fn discarding_server(listener: TcpListener) -> std::io::Result<u64> {
    let (mut socket, _) = listener.accept().await?;
    let mut buffer = vec![0_u8; 1024 * 1024];
    let mut head = Vec::new();
    let end = loop {
        let read = socket.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::Error::other("connection closed in the head"));
        }
        head.extend_from_slice(&buffer[..read]);
        if let Some(end) = head.windows(4).position(|window| window == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let length: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("no content-length"))?;
    let mut received = (head.len() - end) as u64;
    while received < length {
        let read = socket.read(&mut buffer).await?;
        if read == 0 {
            return Err(std::io::Error::other("connection closed in the body"));
        }
        received += read as u64;
    }
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await?;
    Ok(received)
}

/// The process's peak resident set size, from /proc (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1024,
    };
    let size = mib * 1024 * 1024;
    let path = std::env::temp_dir().join(format!("vapi-upload-memory-{}.bin", std::process::id()));
    std::fs::File::create(&path)?.set_len(size)?;

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(discarding_server(listener));
    let client = Client::new(&url)?;
    let before = peak_rss_kib();
    let started = Instant::now();
    let outcome = client
        .transfer(format!("{url}/cls/data/upload/disk.vmdk"))
        .checksum(ChecksumAlgorithm::Sha256)
        .upload(Source::file(&path).await?)
        .await;
    let took = started.elapsed();
    std::fs::remove_file(&path)?;
    let summary = outcome?;
    let received = server.await??;
    assert_eq!(received, size, "the server received another size");
    println!(
        "uploaded {} MiB in {:.2} s ({:.0} MiB/s), sha256 {}",
        summary.bytes() / (1024 * 1024),
        took.as_secs_f64(),
        summary.bytes() as f64 / (1024.0 * 1024.0) / took.as_secs_f64(),
        summary.checksum(ChecksumAlgorithm::Sha256).unwrap_or("-"),
    );
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        println!("peak resident memory: {after} KiB (before the upload: {before} KiB)");
    }
    Ok(())
}
