//! How a record is kept in the document store: its JSON compressed on its own with zstd,
//! against a dictionary trained on the corpus when the index was created.
//!
//! Why each record on its own: a hit then costs the decompression of its own record (a few
//! kilobytes), not of a store block holding many records, and the zstd contexts are kept
//! for reuse, where the store would make one per block (creating a context costs more than
//! decompressing a record on a machine where asking the CPU for its features is slow).
//! Why a dictionary: a record alone compresses worse than a block of records, since zstd
//! has no earlier text to refer back to; a dictionary of the corpus's field names and
//! recurring phrases gives it that, and records alone come out smaller than in blocks.
//!
//! Contract: an index has at most one dictionary, saved before its first record is written
//! and never changed (a rebuild makes a new index), and every record of the index is
//! compressed with it, or without one when the index has none. A stored record is one zstd
//! frame, which names its dictionary (zstd's dictionary id), followed by the CRC-32 of the
//! JSON. A record whose dictionary is not the index's is an error naming both, and a
//! damaged record is an error: neither is ever read as other text.

use crate::record::ProjectRecord;
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use zstd::zstd_safe::{self, CCtx, CDict, DCtx, DDict};

/// File in the index folder holding the dictionary of its stored records.
pub const DICTIONARY_FILE: &str = "fynd-records.dict";

/// Largest dictionary trained. Records share field names and stock phrases more than
/// vocabulary, and a larger dictionary gains little over this on project records.
pub const DICTIONARY_BYTES: usize = 64 * 1024;

/// Bytes of records a dictionary is trained on, at most: zstd's guidance is about a
/// hundred times the dictionary, and training time grows with the samples.
pub const SAMPLE_BYTES: usize = 4 * 1024 * 1024;

/// Longest sample taken of one record: a long report's first pages hold what it shares
/// with other records (field names, stock phrases) as well as the whole would.
pub const MAX_SAMPLE_BYTES: usize = 8 * 1024;

/// Fewest records a dictionary is trained on: with fewer, each record is compressed alone.
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

/// What [`RecordCodec::train`] is to be given for `record`: its stored parts, each cut to
/// [`MAX_SAMPLE_BYTES`].
pub fn samples_of(record: &ProjectRecord) -> [Vec<u8>; 2] {
    let (mut head, body) = stored_parts(record);
    head.truncate(MAX_SAMPLE_BYTES);
    let body = body.as_bytes();
    [head, body[..body.len().min(MAX_SAMPLE_BYTES)].to_vec()]
}

/// Compresses and decompresses an index's stored records (see the module's contract).
/// Contexts are taken from and given back to pools owned by the codec, so they live as long
/// as the index that is open, and no longer.
pub struct RecordCodec {
    dictionary: Option<Dictionary>,
    decoders: Mutex<Vec<DCtx<'static>>>,
    encoders: Mutex<Vec<CCtx<'static>>>,
}

/// A trained dictionary, prepared for decompression at once and for compression when the
/// first record is written (searching never compresses).
struct Dictionary {
    id: u32,
    bytes: Vec<u8>,
    decoder: DDict<'static>,
    encoder: OnceLock<CDict<'static>>,
}

impl fmt::Debug for RecordCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCodec")
            .field("dictionary_id", &self.dictionary_id())
            .finish_non_exhaustive()
    }
}

impl Default for RecordCodec {
    fn default() -> RecordCodec {
        RecordCodec::plain()
    }
}

impl RecordCodec {
    /// Records compressed each alone, without a dictionary.
    pub fn plain() -> RecordCodec {
        RecordCodec {
            dictionary: None,
            decoders: Mutex::new(Vec::new()),
            encoders: Mutex::new(Vec::new()),
        }
    }

    /// Records compressed with the dictionary `bytes` (as [`RecordCodec::train`] made it).
    pub fn with_dictionary(bytes: Vec<u8>) -> std::io::Result<RecordCodec> {
        let id = zstd_safe::get_dict_id_from_dict(&bytes)
            .ok_or_else(|| std::io::Error::other("not a zstd dictionary"))?
            .get();
        let decoder = DDict::try_create(&bytes)
            .ok_or_else(|| std::io::Error::other("a damaged zstd dictionary"))?;
        Ok(RecordCodec {
            dictionary: Some(Dictionary {
                id,
                bytes,
                decoder,
                encoder: OnceLock::new(),
            }),
            ..RecordCodec::plain()
        })
    }

    /// A dictionary trained on `samples` (records as [`samples_of`] gives them), or
    /// `None` when there are fewer than [`MIN_SAMPLES`] or zstd finds too little to train
    /// on; records are then compressed without one.
    pub fn train(samples: &[Vec<u8>]) -> Option<Vec<u8>> {
        if samples.len() < MIN_SAMPLES {
            return None;
        }
        zstd::dict::from_samples(samples, DICTIONARY_BYTES).ok()
    }

    /// The codec of the index in `dir`: its saved dictionary, or none when it has none. A
    /// dictionary whose checksum does not match is an error: every record depends on it.
    pub fn load(dir: &Path) -> std::io::Result<RecordCodec> {
        let saved = match std::fs::read(dir.join(DICTIONARY_FILE)) {
            Ok(saved) => saved,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(RecordCodec::plain())
            }
            Err(err) => return Err(err),
        };
        match saved.split_last_chunk::<4>() {
            Some((bytes, crc)) if crc32fast::hash(bytes) == u32::from_le_bytes(*crc) => {
                RecordCodec::with_dictionary(bytes.to_vec())
            }
            _ => Err(std::io::Error::other(
                "the dictionary does not match its checksum",
            )),
        }
    }

    /// Saves the dictionary in `dir`, followed by its CRC-32, atomically (a synced
    /// temporary file renamed over the old one); with no dictionary, removes a saved one.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let target = dir.join(DICTIONARY_FILE);
        let Some(dictionary) = &self.dictionary else {
            return match std::fs::remove_file(&target) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
                _ => Ok(()),
            };
        };
        let temporary = dir.join(format!("{DICTIONARY_FILE}.tmp"));
        let mut file = std::fs::File::create(&temporary)?;
        std::io::Write::write_all(&mut file, &dictionary.bytes)?;
        std::io::Write::write_all(&mut file, &crc32fast::hash(&dictionary.bytes).to_le_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)
    }

    /// zstd's id of the dictionary, if there is one.
    pub fn dictionary_id(&self) -> Option<u32> {
        self.dictionary.as_ref().map(|d| d.id)
    }

    /// `json` compressed as one zstd frame that records its own length (and its
    /// dictionary's id), followed by the CRC-32 of `json`.
    pub fn encode(&self, json: &[u8]) -> Vec<u8> {
        let mut context = pop(&self.encoders).unwrap_or_else(CCtx::create);
        let mut frame = Vec::with_capacity(zstd_safe::compress_bound(json.len()));
        let written = match &self.dictionary {
            Some(dictionary) => {
                // The bytes made a decoder, so they are a dictionary zstd accepts.
                let encoder = dictionary
                    .encoder
                    .get_or_init(|| CDict::create(&dictionary.bytes, LEVEL));
                context.compress_using_cdict(&mut frame, json, encoder)
            }
            None => context.compress(&mut frame, json, LEVEL),
        };
        push(&self.encoders, context);
        // A buffer of zstd's bound for the input always holds the frame.
        written.expect("zstd compresses into a buffer of its own bound");
        frame.extend_from_slice(&crc32fast::hash(json).to_le_bytes());
        frame
    }

    /// The bytes `frame` was made from by [`RecordCodec::encode`] of this index.
    pub fn decode(&self, stored: &[u8]) -> Result<Vec<u8>, String> {
        let Some((frame, crc)) = stored.split_last_chunk::<4>() else {
            return Err("not a compressed record".into());
        };
        let length = match zstd_safe::get_frame_content_size(frame) {
            Ok(Some(length)) => length,
            _ => return Err("not a compressed record".into()),
        };
        // The length is read from the frame, so a damaged one could ask for any amount of
        // memory: no record is larger than the store's own length limit of a field.
        let length = usize::try_from(length)
            .ok()
            .filter(|&l| l <= u32::MAX as usize)
            .ok_or("a compressed record claims more than 4 GB")?;
        let mut json = Vec::with_capacity(length);
        let mut context = pop(&self.decoders).unwrap_or_else(DCtx::create);
        let read = match (zstd_safe::get_dict_id_from_frame(frame), &self.dictionary) {
            (None, _) => context.decompress(&mut json, frame),
            (Some(id), Some(dictionary)) if id.get() == dictionary.id => {
                context.decompress_using_ddict(&mut json, frame, &dictionary.decoder)
            }
            (Some(id), _) => {
                push(&self.decoders, context);
                return Err(format!(
                    "the record was compressed with dictionary {id}, and this index's is {}",
                    self.dictionary_id()
                        .map_or_else(|| "none".to_string(), |id| id.to_string())
                ));
            }
        };
        push(&self.decoders, context);
        match read {
            Ok(n) if n == length && crc32fast::hash(&json) == u32::from_le_bytes(*crc) => Ok(json),
            Ok(_) => Err("the record does not match its checksum".into()),
            Err(code) => Err(zstd_safe::get_error_name(code).to_string()),
        }
    }
}

fn pop<T>(pool: &Mutex<Vec<T>>) -> Option<T> {
    pool.lock().unwrap_or_else(|e| e.into_inner()).pop()
}

fn push<T>(pool: &Mutex<Vec<T>>, item: T) {
    pool.lock().unwrap_or_else(|e| e.into_inner()).push(item);
}
