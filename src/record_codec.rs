//! How a record is kept in the document store: in two parts, its JSON without the body and
//! its body, each compressed on its own with zstd against a dictionary trained on the
//! corpus when the index was created.
//!
//! Why each part on its own: a hit decompresses its own record, and a hit without a
//! passage its first part alone, not a store block holding many records; the zstd contexts
//! are kept for reuse. Why a dictionary: a record alone has no earlier text for zstd to
//! refer back to; a dictionary of the corpus's field names and recurring phrases gives it
//! that.
//!
//! Contract:
//! - A stored part is one zstd frame, which names its dictionary (zstd's dictionary id),
//!   followed by the CRC-32 of the bytes compressed. A part whose dictionary is missing,
//!   or whose bytes are damaged, is an error, never other text.
//! - A dictionary is saved in the index folder as `fynd-records-{id}.dict` (with its own
//!   CRC-32) before any record compressed with it is written, and is never changed or
//!   removed: a record reads back with the dictionary its frame names, whichever run wrote
//!   it, so two runs that each trained one (a fresh run stopped and started again, two
//!   runs racing for a new index) never make a committed record unreadable.
//! - New records of an index are compressed with the dictionary of the lowest id in its
//!   folder, or with none when it has none.

use crate::record::ProjectRecord;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use zstd::zstd_safe::{self, CCtx, CDict, DCtx, DDict};

/// Beginning of the name of a file holding one dictionary of an index's stored records.
pub const DICTIONARY_PREFIX: &str = "fynd-records-";

/// End of the name of a dictionary file.
pub const DICTIONARY_SUFFIX: &str = ".dict";

/// The file, in the index folder, of the dictionary with zstd id `id`.
pub fn dictionary_file(id: u32) -> String {
    format!("{DICTIONARY_PREFIX}{id}{DICTIONARY_SUFFIX}")
}

/// Largest dictionary trained. Records share field names and stock phrases more than
/// vocabulary, which a dictionary of this size holds.
pub const DICTIONARY_BYTES: usize = 64 * 1024;

/// Bytes of records a dictionary is trained on, at most: zstd's guidance is about a
/// hundred times the dictionary, and training time grows with the samples.
pub const SAMPLE_BYTES: usize = 4 * 1024 * 1024;

/// Longest sample taken of one part of a record: a long report's first pages hold what it
/// shares with other records (field names, stock phrases) as well as the whole would.
pub const MAX_SAMPLE_BYTES: usize = 8 * 1024;

/// Fewest samples (record parts, empty ones not counted) a dictionary is trained on: with
/// fewer, each part is compressed without one.
pub const MIN_SAMPLES: usize = 64;

/// zstd level records are compressed at: the library's default trade of speed and size.
const LEVEL: i32 = 3;

/// What a record is stored as, before compression: its JSON without the body (the body
/// empty), and the body's text, each compressed on its own. A hit list reads the first
/// alone; passages and record views read both.
pub fn stored_parts(record: &ProjectRecord) -> (Vec<u8>, &str) {
    let head = ProjectRecord {
        body: String::new(),
        ..record.clone()
    };
    let json = serde_json::to_vec(&head).expect("a record always serialises");
    (json, &record.body)
}

/// What [`RecordCodec::train`] is to be given for `record`: its stored parts that are not
/// empty, each cut to [`MAX_SAMPLE_BYTES`].
pub fn samples_of(record: &ProjectRecord) -> Vec<Vec<u8>> {
    let (mut head, body) = stored_parts(record);
    head.truncate(MAX_SAMPLE_BYTES);
    let body = &body.as_bytes()[..body.len().min(MAX_SAMPLE_BYTES)];
    [head, body.to_vec()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect()
}

/// A dictionary file of an index that cannot be read (`file` empty: the folder cannot be
/// listed).
#[derive(Debug)]
pub struct DictionaryError {
    /// The file's name in the index folder.
    pub file: String,
    /// Why it cannot be read.
    pub source: std::io::Error,
}

/// Compresses and decompresses an index's stored records (see the module's contract).
/// Dictionaries are read from the index folder when a frame first names them; contexts are
/// taken from and given back to pools owned by the codec, so all of it lives as long as the
/// index that is open, and no longer.
pub struct RecordCodec {
    /// The index folder dictionaries are read from; none for a codec held in memory only.
    dir: Option<PathBuf>,
    /// Id of the dictionary new records are compressed with; none: without one.
    writing: Option<u32>,
    /// Dictionaries read or trained so far.
    known: Mutex<Vec<Arc<Dictionary>>>,
    decoders: Mutex<Vec<DCtx<'static>>>,
    encoders: Mutex<Vec<CCtx<'static>>>,
}

/// A dictionary, prepared for decompression at once and for compression when the first
/// record is written with it (searching never compresses).
struct Dictionary {
    id: u32,
    bytes: Vec<u8>,
    decoder: DDict<'static>,
    encoder: OnceLock<CDict<'static>>,
}

impl Dictionary {
    fn new(bytes: Vec<u8>) -> std::io::Result<Dictionary> {
        let id = zstd_safe::get_dict_id_from_dict(&bytes)
            .ok_or_else(|| std::io::Error::other("not a zstd dictionary"))?
            .get();
        let decoder = DDict::try_create(&bytes)
            .ok_or_else(|| std::io::Error::other("a damaged zstd dictionary"))?;
        Ok(Dictionary {
            id,
            bytes,
            decoder,
            encoder: OnceLock::new(),
        })
    }

    /// The dictionary saved in `path`, checked against its CRC-32.
    fn read(path: &Path) -> std::io::Result<Dictionary> {
        let saved = std::fs::read(path)?;
        match saved.split_last_chunk::<4>() {
            Some((bytes, crc)) if crc32fast::hash(bytes) == u32::from_le_bytes(*crc) => {
                Dictionary::new(bytes.to_vec())
            }
            _ => Err(std::io::Error::other(
                "the dictionary does not match its checksum",
            )),
        }
    }
}

impl fmt::Debug for RecordCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCodec")
            .field("dir", &self.dir)
            .field("writing", &self.writing)
            .finish_non_exhaustive()
    }
}

impl Default for RecordCodec {
    fn default() -> RecordCodec {
        RecordCodec::plain()
    }
}

impl RecordCodec {
    /// Records compressed each without a dictionary, held in memory only.
    pub fn plain() -> RecordCodec {
        RecordCodec {
            dir: None,
            writing: None,
            known: Mutex::new(Vec::new()),
            decoders: Mutex::new(Vec::new()),
            encoders: Mutex::new(Vec::new()),
        }
    }

    /// Records compressed with the dictionary `bytes` (as [`RecordCodec::train`] made it),
    /// held in memory until [`RecordCodec::save`].
    pub fn with_dictionary(bytes: Vec<u8>) -> std::io::Result<RecordCodec> {
        let dictionary = Dictionary::new(bytes)?;
        Ok(RecordCodec {
            writing: Some(dictionary.id),
            known: Mutex::new(vec![Arc::new(dictionary)]),
            ..RecordCodec::plain()
        })
    }

    /// A dictionary trained on `samples` (as [`samples_of`] gives them), or `None` when
    /// there are fewer than [`MIN_SAMPLES`] or zstd finds too little to train on; records
    /// are then compressed without one.
    pub fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        zstd::dict::from_samples(samples, DICTIONARY_BYTES).ok()
    }

    /// The codec of the index in `dir`: new records compressed with the dictionary of the
    /// lowest id saved there (none when there is none), which is read at once; any other
    /// dictionary a stored record names is read from there when first needed.
    pub fn open(dir: &Path) -> Result<RecordCodec, DictionaryError> {
        let listing = |source| DictionaryError {
            file: String::new(),
            source,
        };
        let writing = saved_ids(dir).map_err(listing)?.into_iter().min();
        let codec = RecordCodec {
            dir: Some(dir.to_path_buf()),
            writing,
            ..RecordCodec::plain()
        };
        if let Some(id) = writing {
            let file = dictionary_file(id);
            let dictionary = Dictionary::read(&dir.join(&file))
                .map_err(|source| DictionaryError { file, source })?;
            codec
                .known
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Arc::new(dictionary));
        }
        Ok(codec)
    }

    /// Saves the dictionary new records are compressed with in `dir` (a synced temporary
    /// file renamed to its name, which no other dictionary has), and reads dictionaries from
    /// there from now on. A dictionary already saved is left as it is.
    pub fn save(&mut self, dir: &Path) -> std::io::Result<()> {
        self.dir = Some(dir.to_path_buf());
        let Some(dictionary) = self.writing.and_then(|id| self.known(id)) else {
            return Ok(());
        };
        let target = dir.join(dictionary_file(dictionary.id));
        if target.exists() {
            return Ok(());
        }
        let temporary = dir.join(format!("{}.tmp", dictionary_file(dictionary.id)));
        let mut file = std::fs::File::create(&temporary)?;
        std::io::Write::write_all(&mut file, &dictionary.bytes)?;
        std::io::Write::write_all(&mut file, &crc32fast::hash(&dictionary.bytes).to_le_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    }

    /// The names of the dictionary files in `dir` that cannot be read or do not match their
    /// checksum (for `fynd check`: a search reads a dictionary only when a record names it).
    pub fn damaged_files(dir: &Path) -> std::io::Result<Vec<String>> {
        Ok(saved_ids(dir)?
            .into_iter()
            .map(dictionary_file)
            .filter(|name| Dictionary::read(&dir.join(name)).is_err())
            .collect())
    }

    /// zstd's id of the dictionary new records are compressed with, if there is one.
    pub fn dictionary_id(&self) -> Option<u32> {
        self.writing
    }

    /// The dictionary of `id` if it is known already.
    fn known(&self, id: u32) -> Option<Arc<Dictionary>> {
        let known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.iter().find(|d| d.id == id).cloned()
    }

    /// The dictionary of `id`, read from the index folder the first time.
    fn dictionary(&self, id: u32) -> Result<Arc<Dictionary>, String> {
        if let Some(dictionary) = self.known(id) {
            return Ok(dictionary);
        }
        let name = dictionary_file(id);
        let Some(dir) = &self.dir else {
            return Err(format!(
                "the record was compressed with dictionary {id}, not this one"
            ));
        };
        let dictionary = Dictionary::read(&dir.join(&name))
            .map(Arc::new)
            .map_err(|err| format!("{name}: {err}"))?;
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        known.push(dictionary.clone());
        Ok(dictionary)
    }

    /// `bytes` compressed as one zstd frame that records its own length (and its
    /// dictionary's id), followed by the CRC-32 of `bytes`.
    pub fn encode(&self, bytes: &[u8]) -> Vec<u8> {
        // Every way of making a codec holds the dictionary it writes with.
        let dictionary = self.writing.map(|id| {
            self.known(id)
                .expect("a codec holds the dictionary it writes with")
        });
        let mut context = pop(&self.encoders).unwrap_or_else(CCtx::create);
        let mut frame = Vec::with_capacity(zstd_safe::compress_bound(bytes.len()) + 4);
        let written = match &dictionary {
            Some(dictionary) => {
                // The bytes made a decoder, so they are a dictionary zstd accepts.
                let encoder = dictionary
                    .encoder
                    .get_or_init(|| CDict::create(&dictionary.bytes, LEVEL));
                context.compress_using_cdict(&mut frame, bytes, encoder)
            }
            None => context.compress(&mut frame, bytes, LEVEL),
        };
        push(&self.encoders, context);
        // A buffer of zstd's bound for the input always holds the frame.
        written.expect("zstd compresses into a buffer of its own bound");
        frame.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
        frame
    }

    /// The bytes `stored` was made from by [`RecordCodec::encode`] of this index.
    pub fn decode(&self, stored: &[u8]) -> Result<Vec<u8>, String> {
        let Some((frame, crc)) = stored.split_last_chunk::<4>() else {
            return Err("not a compressed record".into());
        };
        let length = match zstd_safe::get_frame_content_size(frame) {
            Ok(Some(length)) => length,
            _ => return Err("not a compressed record".into()),
        };
        // The length is read from the frame, so a damaged one may ask for any amount of
        // memory: it is reserved fallibly, and only what zstd writes is touched.
        let mut bytes = Vec::new();
        usize::try_from(length)
            .ok()
            .and_then(|length| bytes.try_reserve_exact(length).ok())
            .ok_or("a compressed record claims more memory than there is")?;
        let dictionary = zstd_safe::get_dict_id_from_frame(frame)
            .map(|id| self.dictionary(id.get()))
            .transpose()?;
        let mut context = pop(&self.decoders).unwrap_or_else(DCtx::create);
        let read = match &dictionary {
            Some(dictionary) => {
                context.decompress_using_ddict(&mut bytes, frame, &dictionary.decoder)
            }
            None => context.decompress(&mut bytes, frame),
        };
        push(&self.decoders, context);
        match read {
            Ok(n) if n as u64 == length && crc32fast::hash(&bytes) == u32::from_le_bytes(*crc) => {
                Ok(bytes)
            }
            Ok(_) => Err("the record does not match its checksum".into()),
            Err(code) => Err(zstd_safe::get_error_name(code).to_string()),
        }
    }
}

/// The ids of the dictionaries saved in `dir`.
fn saved_ids(dir: &Path) -> std::io::Result<Vec<u32>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(err),
    };
    let mut ids = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        let id = name
            .to_str()
            .and_then(|n| n.strip_prefix(DICTIONARY_PREFIX))
            .and_then(|n| n.strip_suffix(DICTIONARY_SUFFIX))
            .and_then(|id| id.parse::<u32>().ok());
        ids.extend(id);
    }
    Ok(ids)
}

fn pop<T>(pool: &Mutex<Vec<T>>) -> Option<T> {
    pool.lock().unwrap_or_else(|e| e.into_inner()).pop()
}

fn push<T>(pool: &Mutex<Vec<T>>, item: T) {
    pool.lock().unwrap_or_else(|e| e.into_inner()).push(item);
}
