//! The index manifest: which files an index was built from (path, size, modification time,
//! content hash) and which record ids each gave. It is what makes indexing incremental —
//! only new and changed files are parsed again, records of vanished files are removed — and
//! it is written after each commit, so a stopped run resumes where its last commit left off.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Name of the manifest file inside the index folder: JSON, zstd-compressed (paths and
/// hashes of a million files compress about five to one).
pub const MANIFEST_FILE: &str = "fynd-manifest.json.zst";

/// Name of the manifest as indexes written before compression saved it (plain JSON);
/// still read.
pub const LEGACY_MANIFEST_FILE: &str = "fynd-manifest.json";

/// What was indexed from one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes when it was read.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch, when it was read.
    pub modified_ns: u128,
    /// Hash of the file's bytes.
    pub hash: ContentHash,
    /// Ids of the records the file gave.
    pub ids: Vec<String>,
    /// The owner spellings of its records, each with the number of records that write it
    /// (see [`crate::ingest::names::OwnerGroups`]): what the file counts for in the grouping
    /// of owners over the whole index. `None` in a manifest an earlier fynd wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<Vec<(String, u64)>>,
    /// The keys of its records' `extra`, in order: the export columns it needs. `None` in a
    /// manifest an earlier fynd wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_keys: Option<Vec<String>>,
}

/// Every file the index holds records from, by canonical path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Canonical path → what was indexed from it.
    pub files: BTreeMap<PathBuf, FileEntry>,
    /// Spellings that owners were shown under and may still be on records although their
    /// group is shown under another spelling now: set as the counts change, cleared once
    /// those records are rewritten. Saved, so a run stopped in between finishes the work
    /// on the next one.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub owners_to_regroup: BTreeSet<String>,
}

/// How a file compares with what the manifest remembers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Not in the manifest.
    New,
    /// In the manifest with other content.
    Changed,
    /// Same size and time, or same content.
    Unchanged,
}

impl Manifest {
    /// Reads the manifest of the index in `dir`; an index without one has an empty manifest.
    pub fn load(dir: &Path) -> std::io::Result<Manifest> {
        let bytes = match std::fs::read(dir.join(MANIFEST_FILE)) {
            Ok(compressed) => zstd::decode_all(compressed.as_slice())?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::read(dir.join(LEGACY_MANIFEST_FILE)) {
                    Ok(bytes) => bytes,
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                        return Ok(Manifest::default())
                    }
                    Err(err) => return Err(err),
                }
            }
            Err(err) => return Err(err),
        };
        serde_json::from_slice(&bytes).map_err(std::io::Error::other)
    }

    /// Writes the manifest atomically: to a temporary file, synced, then renamed over the
    /// old one, so a crash leaves either the old or the new manifest, never half of one.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let target = dir.join(MANIFEST_FILE);
        let temporary = dir.join(format!("{MANIFEST_FILE}.tmp"));
        let file = std::fs::File::create(&temporary)?;
        let mut encoder = zstd::Encoder::new(file, crate::analysis::lexicon::ZSTD_LEVEL)?;
        serde_json::to_writer(&mut encoder, self).map_err(std::io::Error::other)?;
        let file = encoder.finish()?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)?;
        match std::fs::remove_file(dir.join(LEGACY_MANIFEST_FILE)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    /// How the file at canonical `path`, with `size` and `modified_ns`, compares with what was
    /// indexed; `hash` is asked for only when the size is the same and the time differs.
    pub fn state(
        &self,
        path: &Path,
        size: u64,
        modified_ns: u128,
        hash: impl FnOnce() -> std::io::Result<ContentHash>,
    ) -> std::io::Result<FileState> {
        let Some(entry) = self.files.get(path) else {
            return Ok(FileState::New);
        };
        if entry.size == size && entry.modified_ns == modified_ns {
            return Ok(FileState::Unchanged);
        }
        // Another size is other content: not worth reading the file to hash it.
        if entry.size != size {
            return Ok(FileState::Changed);
        }
        Ok(if entry.hash == hash()? {
            FileState::Unchanged
        } else {
            FileState::Changed
        })
    }

    /// Files the manifest holds under `root` (itself, or inside it when it is a folder).
    pub fn files_under<'a>(&'a self, root: &'a Path) -> impl Iterator<Item = &'a PathBuf> + 'a {
        self.files.keys().filter(move |path| path.starts_with(root))
    }

    /// How many files name `id`; an id from a removed file is deleted from the index only
    /// when no other file still gives it.
    pub fn files_with_id(&self, id: &str) -> usize {
        self.files
            .values()
            .filter(|entry| entry.ids.iter().any(|known| known == id))
            .count()
    }
}

/// The 64-bit FNV-1a hash of a file's bytes: stable across Rust versions. Saved as 16 hex
/// digits; held as a number (a million files' hashes as strings took 40 MB more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentHash(pub u64);

impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let hex = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        u64::from_str_radix(&hex, 16)
            .map(ContentHash)
            .map_err(|_| serde::de::Error::custom(format!("not a content hash: {hex:?}")))
    }
}

/// FNV-1a's starting value: the hash of no bytes.
const EMPTY_HASH: u64 = 0xcbf2_9ce4_8422_2325;

/// `hash` carried on over `bytes` (FNV-1a), so that a file hashed in pieces hashes as a
/// whole.
fn fold(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The content hash of `bytes`.
pub fn content_hash(bytes: &[u8]) -> ContentHash {
    ContentHash(fold(EMPTY_HASH, bytes))
}

/// A reader that hashes what passes through it: the content hash of a file read in
/// batches, without holding the file, equal to [`content_hash`] of its bytes once it is
/// read to the end.
pub struct HashingReader<R> {
    inner: R,
    hash: u64,
}

impl<R> HashingReader<R> {
    /// Hashes what is read from `inner`.
    pub fn new(inner: R) -> HashingReader<R> {
        HashingReader {
            inner,
            hash: EMPTY_HASH,
        }
    }

    /// The hash of the bytes read so far.
    pub fn hash(&self) -> ContentHash {
        ContentHash(self.hash)
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.hash = fold(self.hash, &buffer[..read]);
        Ok(read)
    }
}

/// The content hash of the file at `path`, read in blocks.
pub fn file_hash(path: &Path) -> std::io::Result<ContentHash> {
    let mut reader = HashingReader::new(std::fs::File::open(path)?);
    std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok(reader.hash())
}

/// Size and modification time (ns since the epoch) of a file.
pub fn fingerprint(metadata: &std::fs::Metadata) -> (u64, u128) {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    (metadata.len(), modified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_compares_time_then_content() {
        let mut manifest = Manifest::default();
        let path = PathBuf::from("/x/a.txt");
        let hash = content_hash(b"hej");
        manifest.files.insert(
            path.clone(),
            FileEntry {
                size: 3,
                modified_ns: 10,
                hash,
                ids: vec!["1".into()],
                owners: None,
                extra_keys: None,
            },
        );
        let never = || -> std::io::Result<ContentHash> { panic!("no hash needed") };
        assert_eq!(
            manifest.state(&path, 3, 10, never).unwrap(),
            FileState::Unchanged
        );
        let same = hash;
        assert_eq!(
            manifest.state(&path, 3, 11, || Ok(same)).unwrap(),
            FileState::Unchanged
        );
        let other = content_hash(b"hopp");
        assert_eq!(
            manifest.state(&path, 4, 11, || Ok(other)).unwrap(),
            FileState::Changed
        );
        assert_eq!(
            manifest.state(Path::new("/y"), 1, 1, never).unwrap(),
            FileState::New
        );
        assert_eq!(manifest.files_under(Path::new("/x")).count(), 1);
        assert_eq!(
            manifest.files_under(Path::new("/x/a")).count(),
            0,
            "a component, not a prefix"
        );
        let dir = tempfile::tempdir().unwrap();
        manifest.save(dir.path()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), manifest);
    }

    #[test]
    fn hashes_are_saved_as_sixteen_hex_digits() {
        let hash = content_hash(b"hej");
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(json.len(), 18, "{json}");
        assert!(json[1..17].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(serde_json::from_str::<ContentHash>(&json).unwrap(), hash);
        assert!(serde_json::from_str::<ContentHash>("\"xyz\"").is_err());
    }

    #[test]
    fn a_manifest_saved_as_plain_json_by_an_older_fynd_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert(
            PathBuf::from("/x/a.txt"),
            FileEntry {
                size: 3,
                modified_ns: 10,
                hash: content_hash(b"hej"),
                ids: vec!["1".into()],
                owners: None,
                extra_keys: None,
            },
        );
        std::fs::write(
            dir.path().join(LEGACY_MANIFEST_FILE),
            serde_json::to_vec(&manifest).unwrap(),
        )
        .unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), manifest);
        manifest.save(dir.path()).unwrap();
        assert!(!dir.path().join(LEGACY_MANIFEST_FILE).exists());
        assert!(dir.path().join(MANIFEST_FILE).is_file());
        assert_eq!(Manifest::load(dir.path()).unwrap(), manifest);
    }
}
