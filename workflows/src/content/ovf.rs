//! [`OvfPackage`]: the files of an OVF package (a descriptor and the files
//! it references, plus its manifest and certificate) from a directory or an
//! OVA archive, in the order the content library takes them.
//!
//! The library wants a package's manifest and certificate before its
//! descriptor (it refuses them after it), then the files the descriptor's
//! `References` name. An OVA is a tar archive of those files; its members
//! are sent straight from the archive, so nothing is unpacked to disk or
//! held in memory besides the descriptor and the manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vsphere_vapi::runtime::transfer::ChecksumAlgorithm;

use super::file::ItemFile;
use crate::error::{Error, Result};

/// Largest descriptor or manifest read into memory: real ones are a few
/// hundred kilobytes at most.
const METADATA_LIMIT: u64 = 16 * 1024 * 1024;

/// The files of an OVF package, ready for [`ItemUpload::files`](super::ItemUpload::files)
/// (or [`ItemUpload::package`](super::ItemUpload::package)), which should
/// target an item of type `ovf`.
#[derive(Debug)]
pub struct OvfPackage {
    source: PathBuf,
    files: Vec<ItemFile>,
}

/// One regular file of an OVA archive: its name and where its bytes are.
#[derive(Debug, Clone)]
struct Member {
    name: String,
    offset: u64,
    size: u64,
}

impl OvfPackage {
    /// The package whose descriptor is `path`: the descriptor, the files its
    /// `References` name (next to it), and `<name>.mf` and `<name>.cert`
    /// when they exist. Fails when a referenced file is missing, or
    /// referenced by URL or in another directory.
    pub async fn from_ovf(path: impl AsRef<Path>) -> Result<OvfPackage> {
        let path = path.as_ref().to_owned();
        let descriptor = read_limited(&path).await?;
        let references = references(&path, &descriptor)?;
        let dir = path.parent().map(Path::to_owned).unwrap_or_default();
        let mut files = Vec::new();
        let mut checksums = BTreeMap::new();
        for extension in ["mf", "cert"] {
            let companion = path.with_extension(extension);
            if tokio::fs::try_exists(&companion).await.unwrap_or(false) {
                if extension == "mf" {
                    checksums = manifest(&companion, &read_limited(&companion).await?)?;
                }
                files.push(ItemFile::from_path(companion));
            }
        }
        files.push(ItemFile::from_path(&path));
        for name in references {
            let file = dir.join(&name);
            if !tokio::fs::try_exists(&file).await.unwrap_or(false) {
                return Err(Error::package(
                    &path,
                    format!("references `{name}`, which is not next to it"),
                ));
            }
            files.push(ItemFile::from_path(file));
        }
        Ok(OvfPackage {
            source: path,
            files: with_checksums(files, &checksums),
        })
    }

    /// The package in the OVA archive at `path`: its descriptor (the first
    /// `.ovf` member), the members it references, its manifest and
    /// certificate. Members are read from the archive when sent.
    pub async fn from_ova(path: impl AsRef<Path>) -> Result<OvfPackage> {
        let path = path.as_ref().to_owned();
        let index_path = path.clone();
        let members = tokio::task::spawn_blocking(move || index_ova(&index_path))
            .await
            .map_err(|err| Error::package(&path, format!("reading the archive failed: {err}")))??;
        let find = |name: &str| members.iter().find(|member| member.name == name);
        let Some(descriptor) = members.iter().find(|member| member.name.ends_with(".ovf")) else {
            return Err(Error::package(
                &path,
                "the archive holds no .ovf descriptor",
            ));
        };
        let text = read_member(&path, descriptor).await?;
        let references = references(&path, &text)?;
        let mut files = Vec::new();
        let mut checksums = BTreeMap::new();
        for extension in [".mf", ".cert"] {
            if let Some(member) = members
                .iter()
                .find(|member| member.name.ends_with(extension))
            {
                if extension == ".mf" {
                    checksums = manifest(&path, &read_member(&path, member).await?)?;
                }
                files.push(ItemFile::part(
                    member.name.clone(),
                    &path,
                    member.offset,
                    member.size,
                ));
            }
        }
        files.push(ItemFile::part(
            descriptor.name.clone(),
            &path,
            descriptor.offset,
            descriptor.size,
        ));
        for name in references {
            let Some(member) = find(&name) else {
                return Err(Error::package(
                    &path,
                    format!("the descriptor references `{name}`, which the archive does not hold"),
                ));
            };
            files.push(ItemFile::part(
                member.name.clone(),
                &path,
                member.offset,
                member.size,
            ));
        }
        Ok(OvfPackage {
            source: path,
            files: with_checksums(files, &checksums),
        })
    }

    /// The package at `path`: an OVA archive when its name ends in `.ova`,
    /// else an OVF descriptor.
    pub async fn open(path: impl AsRef<Path>) -> Result<OvfPackage> {
        let path = path.as_ref();
        let is_ova = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("ova"));
        if is_ova {
            OvfPackage::from_ova(path).await
        } else {
            OvfPackage::from_ovf(path).await
        }
    }

    /// The descriptor or archive the package was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The names of the files, in the order they are sent.
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(ItemFile::name).collect()
    }

    /// The files, in the order they must be sent.
    pub fn into_files(self) -> Vec<ItemFile> {
        self.files
    }
}

/// The files the descriptor's `References` name (`ovf:href`), in order,
/// each once. Only plain file names are accepted: the content library holds
/// an item's files side by side, and a reference by URL would make the
/// server fetch something the caller did not hand over.
fn references(path: &Path, descriptor: &[u8]) -> Result<Vec<String>> {
    let text = std::str::from_utf8(descriptor)
        .map_err(|_| Error::package(path, "the descriptor is not UTF-8"))?;
    // DTDs are refused by default: no entity expansion from a descriptor.
    let document = roxmltree::Document::parse(text)
        .map_err(|err| Error::package(path, format!("the descriptor is not valid XML: {err}")))?;
    let root = document.root_element();
    if root.tag_name().name() != "Envelope" {
        return Err(Error::package(
            path,
            format!(
                "the descriptor's root element is `{}`, not an OVF `Envelope`",
                root.tag_name().name()
            ),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    let files = root
        .children()
        .filter(|node| node.tag_name().name() == "References")
        .flat_map(|references| references.children())
        .filter(|node| node.is_element() && node.tag_name().name() == "File");
    for file in files {
        let attribute = |name: &str| {
            file.attributes()
                .find(|attribute| attribute.name() == name)
                .map(|attribute| attribute.value())
        };
        let Some(href) = attribute("href") else {
            return Err(Error::package(path, "a `File` reference has no `href`"));
        };
        if attribute("chunkSize").is_some() {
            return Err(Error::package(
                path,
                format!("`{href}` is split into chunks, which is not supported"),
            ));
        }
        let plain =
            !href.is_empty() && !href.contains(['/', '\\', ':']) && href != "." && href != "..";
        if !plain {
            return Err(Error::package(
                path,
                format!("the reference `{href}` is not a file name next to the descriptor"),
            ));
        }
        if !names.iter().any(|known| known == href) {
            names.push(href.to_owned());
        }
    }
    Ok(names)
}

/// The checksums a manifest lists: lines `SHA256(disk1.vmdk)= 3a4f…`.
fn manifest(path: &Path, text: &[u8]) -> Result<BTreeMap<String, (ChecksumAlgorithm, String)>> {
    let text =
        std::str::from_utf8(text).map_err(|_| Error::package(path, "the manifest is not UTF-8"))?;
    let mut checksums = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let parsed = line.split_once('(').and_then(|(algorithm, rest)| {
            let (name, hex) = rest.rsplit_once(")=")?;
            Some((algorithm.trim(), name.trim(), hex.trim()))
        });
        let Some((algorithm, name, hex)) = parsed else {
            return Err(Error::package(
                path,
                format!("manifest line `{line}` is not `ALGORITHM(file)= digest`"),
            ));
        };
        let algorithm = match algorithm.to_ascii_uppercase().as_str() {
            "SHA1" => ChecksumAlgorithm::Sha1,
            "SHA256" => ChecksumAlgorithm::Sha256,
            "SHA512" => ChecksumAlgorithm::Sha512,
            // Other digests are the server's to check.
            _ => continue,
        };
        checksums.insert(name.to_owned(), (algorithm, hex.to_ascii_lowercase()));
    }
    Ok(checksums)
}

/// The files with the manifest's checksums, so the server and the client
/// both check them.
fn with_checksums(
    files: Vec<ItemFile>,
    checksums: &BTreeMap<String, (ChecksumAlgorithm, String)>,
) -> Vec<ItemFile> {
    files
        .into_iter()
        .map(|file| match checksums.get(file.name()) {
            Some((algorithm, hex)) => file.checksum(*algorithm, hex.clone()),
            None => file,
        })
        .collect()
}

/// The regular files of the archive at `path`, found by reading the tar
/// headers and seeking past the contents.
fn index_ova(path: &Path) -> Result<Vec<Member>> {
    let failed =
        |err: std::io::Error| Error::package(path, format!("not a readable tar archive: {err}"));
    let file = std::fs::File::open(path).map_err(|err| Error::io(path, err))?;
    let mut archive = tar::Archive::new(file);
    let mut members = Vec::new();
    for entry in archive.entries_with_seek().map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let kind = entry.header().entry_type();
        if kind.is_gnu_sparse() {
            return Err(Error::package(
                path,
                "sparse archive members are not supported",
            ));
        }
        if !kind.is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(failed)?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_owned();
        members.push(Member {
            name,
            offset: entry.raw_file_position(),
            size: entry.size(),
        });
    }
    Ok(members)
}

/// A small member's contents.
async fn read_member(path: &Path, member: &Member) -> Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt as _, AsyncSeekExt as _};
    if member.size > METADATA_LIMIT {
        return Err(Error::package(
            path,
            format!(
                "`{}` is too large for a descriptor or manifest",
                member.name
            ),
        ));
    }
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|err| Error::io(path, err))?;
    file.seek(std::io::SeekFrom::Start(member.offset))
        .await
        .map_err(|err| Error::io(path, err))?;
    let mut bytes = vec![0_u8; member.size as usize];
    file.read_exact(&mut bytes)
        .await
        .map_err(|err| Error::io(path, err))?;
    Ok(bytes)
}

/// A small file's contents.
async fn read_limited(path: &Path) -> Result<Vec<u8>> {
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|err| Error::io(path, err))?
        .len();
    if size > METADATA_LIMIT {
        return Err(Error::package(
            path,
            "too large for a descriptor or manifest",
        ));
    }
    tokio::fs::read(path)
        .await
        .map_err(|err| Error::io(path, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTOR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
  <References>
    <File ovf:id="file1" ovf:href="disk1.vmdk" ovf:size="4"/>
    <File ovf:id="file2" ovf:href="disk1.vmdk"/>
    <File ovf:id="file3" ovf:href="cdrom.iso"/>
  </References>
  <DiskSection><Info>disks</Info></DiskSection>
</Envelope>"#;

    #[test]
    fn references_are_read_in_order_once() {
        let names = references(Path::new("x.ovf"), DESCRIPTOR.as_bytes()).unwrap();
        assert_eq!(names, ["disk1.vmdk", "cdrom.iso"]);
    }

    #[test]
    fn references_elsewhere_are_refused() {
        for href in [
            "../etc/passwd",
            "http://example.com/disk.vmdk",
            "sub/disk.vmdk",
            "",
        ] {
            let descriptor = DESCRIPTOR.replace("cdrom.iso", href);
            let error = references(Path::new("x.ovf"), descriptor.as_bytes()).unwrap_err();
            assert!(
                error.to_string().contains("not a file name"),
                "{href}: {error}"
            );
        }
        let error = references(Path::new("x.ovf"), b"<html/>").unwrap_err();
        assert!(error.to_string().contains("Envelope"), "{error}");
        let error = references(Path::new("x.ovf"), b"<Envelope").unwrap_err();
        assert!(error.to_string().contains("not valid XML"), "{error}");
        let dtd = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Envelope>&a;</Envelope>";
        assert!(references(Path::new("x.ovf"), dtd.as_bytes()).is_err());
        let chunked = DESCRIPTOR.replace("ovf:size=\"4\"", "ovf:chunkSize=\"2\"");
        assert!(references(Path::new("x.ovf"), chunked.as_bytes()).is_err());
    }

    /// A scratch directory removed when dropped.
    struct Scratch(PathBuf);

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn scratch(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vapi-ovf-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    #[tokio::test]
    async fn ova_members_are_found_in_place_and_in_order() {
        let dir = scratch("ova");
        let disk: Vec<u8> = (0..70_000_u32).map(|i| (i % 253) as u8).collect();
        let iso = vec![9_u8; 1000];
        let manifest = format!(
            "SHA256(disk1.vmdk)= {}\n",
            ChecksumAlgorithm::Sha256.digest_hex(&disk)
        );
        let ova = dir.0.join("vm.ova");
        let mut builder = tar::Builder::new(std::fs::File::create(&ova).unwrap());
        for (name, bytes) in [
            ("vm.ovf", DESCRIPTOR.as_bytes()),
            ("vm.mf", manifest.as_bytes()),
            ("disk1.vmdk", disk.as_slice()),
            ("cdrom.iso", iso.as_slice()),
            ("unreferenced.txt", b"x".as_slice()),
        ] {
            let mut header = tar::Header::new_ustar();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, bytes).unwrap();
        }
        builder.finish().unwrap();
        drop(builder);

        let package = OvfPackage::open(&ova).await.unwrap();
        assert_eq!(
            package.file_names(),
            ["vm.mf", "vm.ovf", "disk1.vmdk", "cdrom.iso"]
        );
        let files = package.into_files();
        // Each member reads back as what was archived.
        for (file, expected) in files.iter().zip([
            manifest.as_bytes(),
            DESCRIPTOR.as_bytes(),
            disk.as_slice(),
            iso.as_slice(),
        ]) {
            assert_eq!(file.size, Some(expected.len() as u64), "{}", file.name());
            assert_eq!(
                file.digest(ChecksumAlgorithm::Sha1).await.unwrap(),
                ChecksumAlgorithm::Sha1.digest_hex(expected),
                "{}",
                file.name()
            );
        }
        // The manifest's checksum travels with the disk.
        assert_eq!(
            files[2].checksum,
            Some((
                ChecksumAlgorithm::Sha256,
                ChecksumAlgorithm::Sha256.digest_hex(&disk)
            ))
        );
        assert_eq!(files[3].checksum, None);
    }

    #[tokio::test]
    async fn a_descriptor_needs_its_files_next_to_it() {
        let dir = scratch("ovf");
        let descriptor = dir.0.join("vm.ovf");
        std::fs::write(&descriptor, DESCRIPTOR).unwrap();
        std::fs::write(dir.0.join("disk1.vmdk"), b"disk").unwrap();
        let error = OvfPackage::open(&descriptor).await.unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`cdrom.iso`, which is not next to it"),
            "{error}"
        );
        std::fs::write(dir.0.join("cdrom.iso"), b"iso").unwrap();
        std::fs::write(dir.0.join("vm.cert"), b"cert").unwrap();
        let package = OvfPackage::open(&descriptor).await.unwrap();
        assert_eq!(
            package.file_names(),
            ["vm.cert", "vm.ovf", "disk1.vmdk", "cdrom.iso"]
        );
        // An archive without a descriptor.
        let ova = dir.0.join("empty.ova");
        let mut builder = tar::Builder::new(std::fs::File::create(&ova).unwrap());
        let mut header = tar::Header::new_ustar();
        header.set_size(1);
        header.set_cksum();
        builder
            .append_data(&mut header, "disk.vmdk", b"x".as_slice())
            .unwrap();
        builder.finish().unwrap();
        drop(builder);
        let error = OvfPackage::open(&ova).await.unwrap_err();
        assert!(error.to_string().contains("no .ovf descriptor"), "{error}");
        // Not a tar archive at all.
        std::fs::write(dir.0.join("junk.ova"), vec![0xff_u8; 2000]).unwrap();
        assert!(OvfPackage::open(dir.0.join("junk.ova")).await.is_err());
    }

    #[test]
    fn manifests_give_checksums() {
        let text = "SHA256(vm.ovf)= ABCDEF\nSHA1(disk1.vmdk)=0123\nMD5(old.vmdk)= 99\n";
        let checksums = manifest(Path::new("vm.mf"), text.as_bytes()).unwrap();
        assert_eq!(
            checksums.get("vm.ovf"),
            Some(&(ChecksumAlgorithm::Sha256, "abcdef".to_owned()))
        );
        assert_eq!(
            checksums.get("disk1.vmdk"),
            Some(&(ChecksumAlgorithm::Sha1, "0123".to_owned()))
        );
        assert!(!checksums.contains_key("old.vmdk"));
        assert!(manifest(Path::new("vm.mf"), b"garbage").is_err());
    }
}
