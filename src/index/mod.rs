//! The index on disk: opening or creating it with the Swedish analyzer registered, and
//! writing records into it by id, so that indexing the same documents twice replaces them
//! instead of adding duplicates. The indexing run (files → records → index, incremental
//! and parallel) is in [`run`]; what it was built from is in [`manifest`].
//!
//! The Swedish analysis depends on a lexicon learned from the corpus (compound parts, the
//! inflection table), saved beside the index so queries analyse words exactly as the
//! documents were. A new index (or `--rebuild`) first reads the files (an even sample of a
//! large corpus) once to learn it
//! ([`learn_lexicon`]); later, incremental runs analyse new and changed files with the saved
//! lexicon, so that every record in the index was analysed the same way.

use crate::analysis::folded_forms::FoldedForms;
use crate::analysis::lexicon::{Chain, Lexicon};
use crate::analysis::{
    Analyzer, Stream, SwedishAnalyzer, ANALYZER_NAME, FOLDED_ANALYZER_NAME, PARTS_ANALYZER_NAME,
};
use crate::error::FyndError;
use crate::ingest::names;
use crate::record::ProjectRecord;
use crate::record_codec::{self, RecordCodec};
use crate::schema::FyndSchema;
use segment_state::SegmentState;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tantivy::collector::DocSetCollector;
use tantivy::directory::MmapDirectory;
use tantivy::query::AllQuery;
use tantivy::store::Compressor;
use tantivy::{
    Executor, Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

mod check;
pub mod manifest;
mod merge;
pub mod read_advice;
mod run;
pub mod segment_state;
mod tally;

pub use check::{check_index, CheckReport};
pub use run::{
    delete_records, index_paths, index_paths_with, DeleteSummary, IndexOptions, IndexProgress,
    IndexSummary, NoProgress, DEFAULT_LEXICON_SAMPLE,
};

/// Threads a search uses unless told otherwise: one per core.
pub fn default_search_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Memory the index writer may use before it flushes a segment.
pub const DEFAULT_WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// An opened fynd index and the schema handles to work with it.
pub struct FyndIndex {
    /// The tantivy index.
    pub index: Index,
    /// Field handles.
    pub schema: FyndSchema,
    /// Where it lives.
    pub dir: PathBuf,
    /// The lexicon the index was built with (the base lexicon for an index without one).
    pub lexicon: Arc<Lexicon>,
    /// The corpus words a word typed without diacritics stands for, over `lexicon`;
    /// replaced with it.
    folded_forms: OnceLock<Arc<FoldedForms>>,
    /// The index's one reader, handed out (reloaded to the last commit) by every
    /// [`FyndIndex::reader`]; the one [`FyndIndex::open`] opened with the index holds the
    /// segment files of the commit that was opened until then.
    kept: std::sync::Mutex<Option<IndexReader>>,
    /// What searches keep per segment, let go with the segment by the reader's warmer.
    segment_state: Arc<SegmentState>,
}

/// A reader of `index`'s last commit that reloads only when asked, with `state` as its
/// warmer: every reader fynd opens.
fn manual_reader(index: &Index, state: &Arc<SegmentState>) -> tantivy::Result<IndexReader> {
    let weak: std::sync::Weak<SegmentState> = Arc::downgrade(state);
    let warmer: std::sync::Weak<dyn tantivy::Warmer> = weak;
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .warmers(vec![warmer])
        .try_into()
}

/// The executor of a search on `threads` threads: the calling thread alone for one, else a
/// pool of `threads`.
fn search_executor(threads: usize) -> tantivy::Result<Executor> {
    if threads <= 1 {
        Ok(Executor::single_thread())
    } else {
        Executor::multi_thread(threads, "tantivy-search-")
    }
}

impl FyndIndex {
    /// Opens an existing index for searching; a missing one is a [`FyndError::NoIndex`]
    /// that tells the user how to build it.
    pub fn open(dir: &Path) -> Result<FyndIndex, FyndError> {
        if !dir.join("meta.json").is_file() {
            return Err(FyndError::NoIndex {
                dir: dir.to_path_buf(),
            });
        }
        // `fynd index --rebuild` swaps a new index folder in at this path: an index whose
        // meta.json was read just before the swap finds its segment files gone. Its files
        // are opened at once, with the meta.json (a reader, kept for the first
        // `reader()`), and an open that raced a swap is done again, on the new folder.
        let mut attempts = 0;
        let segment_state = Arc::new(SegmentState::default());
        let (index, kept) = loop {
            let mut index = Index::open_in_dir(dir).map_err(|err| FyndError::opening(dir, err))?;
            // Before the reader: a reader's searches run on the executor of the index it
            // was made from.
            index.set_executor(search_executor(default_search_threads())?);
            match manual_reader(&index, &segment_state) {
                Ok(reader) => break (index, reader),
                Err(tantivy::TantivyError::OpenReadError(
                    tantivy::directory::error::OpenReadError::FileDoesNotExist(_),
                )) if attempts < 3 => attempts += 1,
                Err(err) => return Err(err.into()),
            }
        };
        let mut fynd = FyndIndex::wrap(index, dir)?;
        fynd.segment_state = segment_state;
        fynd.kept = std::sync::Mutex::new(Some(kept));
        Ok(fynd)
    }

    /// Lets one search use `threads` threads, each taking a share of the segments (1: the
    /// calling thread alone). A researcher waits on one query at a time, so by default a
    /// search uses every core: at a million documents a heavy query's time nearly halves
    /// on two cores (docs/BENCHMARKS.md).
    pub fn set_search_threads(&mut self, threads: usize) -> Result<(), FyndError> {
        if threads.max(1) == self.search_threads() {
            return Ok(());
        }
        self.index.set_executor(search_executor(threads)?);
        // A reader searches on the executor of the index it was made from, so the reader
        // kept is made again.
        let kept = self.kept.get_mut().unwrap_or_else(|e| e.into_inner());
        if kept.is_some() {
            *kept = Some(manual_reader(&self.index, &self.segment_state)?);
        }
        Ok(())
    }

    /// Threads the current searches use (see [`FyndIndex::set_search_threads`]).
    pub fn search_threads(&self) -> usize {
        match self.index.search_executor() {
            Executor::SingleThread => 1,
            Executor::ThreadPool(pool) => pool.current_num_threads(),
        }
    }

    /// Opens the index in `dir`, creating the folder and an empty index if there is none.
    pub fn open_or_create(dir: &Path) -> Result<FyndIndex, FyndError> {
        std::fs::create_dir_all(dir).map_err(|source| FyndError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let directory = MmapDirectory::open(dir).map_err(|err| FyndError::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::other(err.to_string()),
        })?;
        let index = Index::builder()
            .schema(FyndSchema::build().schema)
            .settings(index_settings())
            .open_or_create(directory)
            .map_err(|err| FyndError::opening(dir, err))?;
        FyndIndex::wrap(index, dir)
    }

    fn wrap(index: Index, dir: &Path) -> Result<FyndIndex, FyndError> {
        let mut schema = FyndSchema::build();
        if index.schema() != schema.schema {
            return Err(FyndError::IncompatibleIndex {
                dir: dir.to_path_buf(),
            });
        }
        schema.record_codec = Arc::new(
            RecordCodec::open(dir).map_err(|err| FyndError::loading(dir, &err.file, err.source))?,
        );
        let lexicon = Lexicon::load(dir)
            .map_err(|source| FyndError::loading(dir, Lexicon::file_name(dir), source))?
            .unwrap_or_else(Lexicon::base);
        let mut fynd = FyndIndex {
            index,
            schema,
            dir: dir.to_path_buf(),
            lexicon: Arc::new(Lexicon::default()),
            folded_forms: OnceLock::new(),
            kept: std::sync::Mutex::new(None),
            segment_state: Arc::new(SegmentState::default()),
        };
        fynd.use_lexicon(lexicon);
        Ok(fynd)
    }

    /// Trains the dictionary the stored records are compressed with on `samples` (records
    /// as [`record_codec::samples_of`] gives them) and saves it, while the index holds no
    /// record; an index with records goes on with the dictionary it has, and so does one
    /// given too few samples to train on (without one, unless an earlier run saved one).
    /// A dictionary once saved stays: records name the one they were compressed with.
    pub fn train_record_codec(&mut self, samples: &[Vec<u8>]) -> Result<(), FyndError> {
        if self.num_records()? != 0 {
            return Ok(());
        }
        let Some(dictionary) = RecordCodec::train(samples) else {
            return Ok(());
        };
        let io_error = |source| FyndError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut codec = RecordCodec::with_dictionary(dictionary).map_err(io_error)?;
        codec.save(&self.dir).map_err(io_error)?;
        self.schema.record_codec = Arc::new(codec);
        Ok(())
    }

    /// Makes `lexicon` the one every field is analysed with from now on.
    fn use_lexicon(&mut self, lexicon: Lexicon) {
        self.lexicon = Arc::new(lexicon);
        self.folded_forms = OnceLock::new();
        let tokenizers = self.index.tokenizers();
        for (name, stream) in [
            (ANALYZER_NAME, Stream::Words),
            (PARTS_ANALYZER_NAME, Stream::Parts),
            (FOLDED_ANALYZER_NAME, Stream::Folded),
        ] {
            tokenizers.register(name, SwedishAnalyzer::new(self.lexicon.clone(), stream));
        }
    }

    /// The corpus words a word typed without diacritics stands for (see [`FoldedForms`]).
    pub fn folded_forms(&self) -> Arc<FoldedForms> {
        self.folded_forms
            .get_or_init(|| Arc::new(FoldedForms::new(self.lexicon.clone())))
            .clone()
    }

    /// The analysis chain of this index, for analysing queries the way its documents were.
    pub fn analyzer(&self) -> Analyzer {
        Analyzer::new(self.lexicon.clone())
    }

    /// Every record in the last commit, in index order.
    pub fn stored_records(&self) -> Result<Vec<ProjectRecord>, FyndError> {
        let searcher = self.reader()?.searcher();
        let mut addresses: Vec<_> = searcher
            .search(&AllQuery, &DocSetCollector)?
            .into_iter()
            .collect();
        addresses.sort();
        addresses
            .into_iter()
            .map(|address| Ok(self.schema.read_record(&searcher, address)?))
            .collect()
    }

    /// Replaces the whole index by `records`: learns the lexicon from them (with `chain`),
    /// groups their owners as an indexing run does, analyses and writes every record with
    /// the lexicon, commits with the keys of their `extra`, and saves the lexicon.
    pub fn rebuild(
        &mut self,
        records: &[ProjectRecord],
        chain: Chain,
        memory_bytes: usize,
    ) -> Result<(), FyndError> {
        self.use_lexicon(learn_lexicon(records, chain));
        let samples = dictionary_samples(records);
        self.train_record_codec(&samples)?;
        let mut owners = names::OwnerGroups::default();
        owners.change(&[], &names::owner_counts(records));
        let extra_keys: std::collections::BTreeSet<&String> =
            records.iter().flat_map(|r| r.extra.keys()).collect();
        let mut writer = self.writer(memory_bytes)?;
        writer.writer.delete_all_documents()?;
        for record in records {
            let mut record = record.clone();
            names::group_owner(&mut record, &owners);
            writer.upsert(&record)?;
        }
        writer.set_extra_keys(Some(extra_keys.into_iter().cloned().collect()));
        writer.commit()?;
        drop(writer);
        self.lexicon
            .save(&self.dir)
            .map_err(|source| FyndError::Io {
                path: self.dir.clone(),
                source,
            })
    }

    /// A reader that sees the last commit: the index's one reader, so that what searches
    /// keep per segment ([`FyndIndex::segment_state`]) is let go by one warmer, when no
    /// searcher of it holds the segment any more.
    pub fn reader(&self) -> Result<IndexReader, FyndError> {
        let mut kept = segment_state::lock(&self.kept);
        if let Some(reader) = kept.as_ref() {
            // Reloaded only if there is a newer commit than the one it holds (reloading
            // opens the new segments). A reload that fails (a rebuild swapped the folder
            // meanwhile) leaves the commit it holds, whole.
            if self.holds_last_commit(reader) != Some(true) {
                let _ = reader.reload();
            }
            return Ok(reader.clone());
        }
        let reader = manual_reader(&self.index, &self.segment_state)?;
        *kept = Some(reader.clone());
        Ok(reader)
    }

    /// What searches keep per segment of this index (facet tables, field orders), for as
    /// long as a searcher of its reader holds the segment.
    pub fn segment_state(&self) -> &Arc<SegmentState> {
        &self.segment_state
    }

    /// Whether `reader` holds the segments, with their deletions, of the last commit in the
    /// folder (`None` when meta.json cannot be read).
    fn holds_last_commit(&self, reader: &IndexReader) -> Option<bool> {
        let held: Vec<(tantivy::index::SegmentId, u32)> = reader
            .searcher()
            .segment_readers()
            .iter()
            .map(|segment| (segment.segment_id(), segment.num_deleted_docs()))
            .collect();
        let mut last: Vec<(tantivy::index::SegmentId, u32)> = self
            .index
            .searchable_segment_metas()
            .ok()?
            .iter()
            .map(|meta| (meta.id(), meta.num_deleted_docs()))
            .collect();
        let mut held = held;
        held.sort();
        last.sort();
        Some(held == last)
    }

    /// The writer; fails with [`FyndError::IndexLocked`] while another process writes.
    pub fn writer(&self, memory_bytes: usize) -> Result<RecordWriter<'_>, FyndError> {
        let writer = self.index.writer(memory_bytes).map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => FyndError::IndexLocked {
                dir: self.dir.clone(),
            },
            other => FyndError::Tantivy(other),
        })?;
        // No merge while a run writes; `merge::compact` merges at its end.
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(RecordWriter {
            writer,
            schema: &self.schema,
            payload: self.payload(),
        })
    }

    /// Number of records in the last commit.
    pub fn num_records(&self) -> Result<u64, FyndError> {
        Ok(self.reader()?.searcher().num_docs())
    }

    /// What the last commit keeps beside the records; the default for an index written
    /// before fynd kept anything there (or by another tool).
    pub fn payload(&self) -> CommitPayload {
        self.index
            .load_metas()
            .ok()
            .and_then(|metas| metas.payload)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Every key of `extra` that a record of the index has, in order (see
    /// [`CommitPayload::extra_keys`]); `None` when the index does not know them.
    pub fn extra_keys(&self) -> Option<Vec<String>> {
        self.payload().extra_keys
    }
}

/// What a commit of a fynd index keeps beside its records, as tantivy's commit payload (in
/// `meta.json`, written with the commit, so it always describes the records it is saved
/// with). Every commit carries it on; a merge keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CommitPayload {
    /// Every key of `extra` that a record of the index has, in code-point order: an export
    /// gives each its own column without a pass over the hits first. `None` when it is not
    /// known: an index written by an earlier fynd, or holding files indexed by one.
    #[serde(default)]
    pub extra_keys: Option<Vec<String>>,
}

/// Writes records into the index, replacing any earlier record with the same id.
pub struct RecordWriter<'a> {
    writer: IndexWriter,
    schema: &'a FyndSchema,
    payload: CommitPayload,
}

impl RecordWriter<'_> {
    /// Sets the keys of `extra` the index's records have, saved with the next commit.
    pub fn set_extra_keys(&mut self, keys: Option<Vec<String>>) {
        self.payload.extra_keys = keys;
    }

    /// Adds `record`, replacing the record with the same id if the index has one.
    pub fn upsert(&mut self, record: &ProjectRecord) -> Result<(), FyndError> {
        self.writer
            .delete_term(Term::from_field_text(self.schema.id, &record.id));
        self.writer.add_document(self.schema.document(record))?;
        Ok(())
    }

    /// Adds an already built `document` for the record with `id`, replacing the record with
    /// the same id if the index has one.
    pub fn upsert_document(
        &mut self,
        id: &str,
        document: TantivyDocument,
    ) -> Result<(), FyndError> {
        self.writer
            .delete_term(Term::from_field_text(self.schema.id, id));
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Adds an already built `document` for a record whose id the index does not hold
    /// (a new or rebuilt index, an id not seen before in this run): no delete to apply
    /// at commit.
    pub fn add_document(&mut self, document: TantivyDocument) -> Result<(), FyndError> {
        self.writer.add_document(document)?;
        Ok(())
    }

    /// Removes the record with `id`, if there is one.
    pub fn delete(&mut self, id: &str) {
        self.writer
            .delete_term(Term::from_field_text(self.schema.id, id));
    }

    /// Removes every record.
    pub fn delete_all(&mut self) -> Result<(), FyndError> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes everything written so far durable and visible to new readers, with the
    /// [`CommitPayload`].
    pub fn commit(&mut self) -> Result<(), FyndError> {
        let payload = serde_json::to_string(&self.payload).expect("a payload always serialises");
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        Ok(())
    }

    /// Commits for the last time and closes the writer (so that [`merge::compact`] may
    /// take the index's lock).
    pub fn commit_last(mut self) -> Result<(), FyndError> {
        self.commit()
    }
}

/// Samples for [`FyndIndex::train_record_codec`] from `records`: every record while they
/// fit in [`record_codec::SAMPLE_BYTES`], else records spread evenly over all of them.
fn dictionary_samples(records: &[ProjectRecord]) -> Vec<Vec<u8>> {
    let estimate: usize = records
        .iter()
        .map(|r| r.title.len() + r.body.len() + 256)
        .sum();
    let step = estimate.div_ceil(record_codec::SAMPLE_BYTES).max(1);
    let mut taken = 0;
    records
        .iter()
        .step_by(step)
        .flat_map(record_codec::samples_of)
        .take_while(|json| {
            taken += json.len();
            taken <= record_codec::SAMPLE_BYTES
        })
        .collect()
}

/// Settings of a new index. The document store holds every record's text (the record JSON
/// is the one stored copy), each record compressed on its own by the index's
/// [`crate::record_codec::RecordCodec`]; the store itself compresses nothing. A hit reads
/// the block holding its record, so blocks are small ([`DOCSTORE_BLOCK_BYTES`]).
pub fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::None,
        docstore_blocksize: DOCSTORE_BLOCK_BYTES,
        ..IndexSettings::default()
    }
}

/// Size of a document-store block: a few compressed records. Reading a record copies its
/// block whole; the store keeps one entry of its skip index per block.
pub const DOCSTORE_BLOCK_BYTES: usize = 4 * 1024;

/// Learns the lexicon of a corpus from the text of its records: every word of title, body,
/// owner and partner lists counted, and the inflection table learned from them. With
/// [`Chain::Plain`] nothing is learned (the baseline chain does not use a lexicon).
pub fn learn_lexicon(records: &[ProjectRecord], chain: Chain) -> Lexicon {
    match chain {
        Chain::Plain => Lexicon::plain(),
        Chain::Full => Lexicon::learn(records.iter().flat_map(record_texts)),
    }
}

/// The texts of a record the lexicon is learned from: title, body, owner, partners and
/// municipalities.
pub fn record_texts(record: &ProjectRecord) -> impl Iterator<Item = &str> {
    [record.title.as_str(), record.body.as_str()]
        .into_iter()
        .chain(record.owner.as_deref())
        .chain(record.partners.iter().map(String::as_str))
        .chain(record.municipalities.iter().map(String::as_str))
}
