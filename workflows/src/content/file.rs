//! [`ItemFile`]: one file to put into a library item, and where its bytes
//! come from.

use std::fmt;
use std::path::{Path, PathBuf};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncSeekExt as _};
use vsphere_vapi::runtime::transfer::{ChecksumAlgorithm, Digest, Source};

use crate::error::{Error, Result};

/// One file of a library item: its name in the item, its bytes, and what
/// is known of its size and checksum.
pub struct ItemFile {
    pub(crate) name: String,
    pub(crate) origin: Origin,
    pub(crate) size: Option<u64>,
    /// A checksum the caller vouches for (algorithm, lower-case hex).
    pub(crate) checksum: Option<(ChecksumAlgorithm, String)>,
}

/// Where the bytes of an [`ItemFile`] come from.
pub(crate) enum Origin {
    /// A whole local file.
    Path(PathBuf),
    /// A part of a local file: a member of an OVA archive.
    Part {
        path: PathBuf,
        offset: u64,
        length: u64,
    },
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// A reader, which can be read once.
    Reader(Box<dyn AsyncRead + Send + Unpin>),
}

impl fmt::Debug for ItemFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = match &self.origin {
            Origin::Path(path) => format!("file {}", path.display()),
            Origin::Part {
                path,
                offset,
                length,
            } => format!("{length} bytes at {offset} of {}", path.display()),
            Origin::Bytes(bytes) => format!("{} bytes in memory", bytes.len()),
            Origin::Reader(_) => "a reader".to_owned(),
        };
        f.debug_struct("ItemFile")
            .field("name", &self.name)
            .field("origin", &origin)
            .field("size", &self.size)
            .field("checksum", &self.checksum)
            .finish()
    }
}

impl ItemFile {
    /// The local file at `path`, named in the item as the file is (its last
    /// path component).
    pub fn from_path(path: impl Into<PathBuf>) -> ItemFile {
        let path = path.into();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        ItemFile {
            name,
            origin: Origin::Path(path),
            size: None,
            checksum: None,
        }
    }

    /// `bytes`, named `name` in the item.
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> ItemFile {
        let bytes = bytes.into();
        ItemFile {
            name: name.into(),
            size: Some(bytes.len() as u64),
            origin: Origin::Bytes(bytes),
            checksum: None,
        }
    }

    /// What `reader` delivers, named `name` in the item; `size` is what it
    /// will deliver, when known (the server uses it to check the upload and
    /// to report progress).
    pub fn from_reader(
        name: impl Into<String>,
        reader: impl AsyncRead + Send + Unpin + 'static,
        size: Option<u64>,
    ) -> ItemFile {
        ItemFile {
            name: name.into(),
            origin: Origin::Reader(Box::new(reader)),
            size,
            checksum: None,
        }
    }

    pub(crate) fn part(name: String, path: &Path, offset: u64, length: u64) -> ItemFile {
        ItemFile {
            name,
            origin: Origin::Part {
                path: path.to_owned(),
                offset,
                length,
            },
            size: Some(length),
            checksum: None,
        }
    }

    /// Another name in the item.
    pub fn named(mut self, name: impl Into<String>) -> ItemFile {
        self.name = name.into();
        self
    }

    /// The checksum the file has (lower-case or upper-case hex): sent to the
    /// server with the file's specification and compared with what is
    /// uploaded.
    pub fn checksum(mut self, algorithm: ChecksumAlgorithm, hex: impl Into<String>) -> ItemFile {
        self.checksum = Some((algorithm, hex.into().to_ascii_lowercase()));
        self
    }

    /// The file's name in the item.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when its bytes can be read twice (to compute a checksum before
    /// sending them).
    pub(crate) fn rereadable(&self) -> bool {
        !matches!(self.origin, Origin::Reader(_))
    }

    /// Fills in the size from the file system.
    pub(crate) async fn measure(&mut self) -> Result<()> {
        if let Origin::Path(path) = &self.origin {
            let metadata = tokio::fs::metadata(path)
                .await
                .map_err(|err| Error::io(path, err))?;
            if !metadata.is_file() {
                return Err(Error::Invalid(format!("{} is not a file", path.display())));
            }
            self.size = Some(metadata.len());
        }
        Ok(())
    }

    /// Reads the bytes once to compute their digest, without keeping them.
    pub(crate) async fn digest(&self, algorithm: ChecksumAlgorithm) -> Result<String> {
        let (path, mut reader) = match &self.origin {
            Origin::Bytes(bytes) => return Ok(algorithm.digest_hex(bytes)),
            Origin::Reader(_) => {
                return Err(Error::Invalid(format!(
                    "file `{}`: a reader can be read only once; give its checksum",
                    self.name
                )));
            }
            Origin::Path(path) | Origin::Part { path, .. } => (path, self.open().await?),
        };
        let mut digest = Digest::new(algorithm);
        let mut buffer = vec![0_u8; 256 * 1024];
        loop {
            let read = reader
                .read(&mut buffer)
                .await
                .map_err(|err| Error::io(path, err))?;
            if read == 0 {
                return Ok(digest.finish_hex());
            }
            digest.update(&buffer[..read]);
        }
    }

    /// A reader for a file or a part of one.
    async fn open(&self) -> Result<Box<dyn AsyncRead + Send + Unpin>> {
        match &self.origin {
            Origin::Path(path) => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|err| Error::io(path, err))?;
                Ok(Box::new(file))
            }
            Origin::Part {
                path,
                offset,
                length,
            } => {
                let mut file = tokio::fs::File::open(path)
                    .await
                    .map_err(|err| Error::io(path, err))?;
                file.seek(std::io::SeekFrom::Start(*offset))
                    .await
                    .map_err(|err| Error::io(path, err))?;
                Ok(Box::new(file.take(*length)))
            }
            _ => Err(Error::Invalid(format!(
                "file `{}` is not on disk",
                self.name
            ))),
        }
    }

    /// The bytes as an upload source, consuming the file.
    pub(crate) async fn into_source(self) -> Result<Source> {
        let size = self.size;
        match self.origin {
            Origin::Bytes(bytes) => Ok(Source::bytes(bytes)),
            Origin::Reader(reader) => Ok(Source::reader(reader, size)),
            Origin::Path(_) | Origin::Part { .. } => Ok(Source::reader(self.open().await?, size)),
        }
    }
}
