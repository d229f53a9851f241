//! The index on disk: opening or creating it with the Swedish analyzer registered, and
//! writing records into it by id, so that indexing the same documents twice replaces them
//! instead of adding duplicates.
//!
//! An indexing run has three steps: parse every file into records, learn the lexicon
//! (compound parts, inflection table) from all records the index will hold
//! ([`learn_lexicon`]), then rewrite the index with the analyzer over that lexicon and save
//! the lexicon beside it ([`FyndIndex::rebuild`]), so that queries split and normalise
//! words exactly as the documents were.

use crate::analysis::lexicon::{Chain, Lexicon};
use crate::analysis::{
    Analyzer, Stream, SwedishAnalyzer, ANALYZER_NAME, FOLDED_ANALYZER_NAME, PARTS_ANALYZER_NAME,
};
use crate::error::FyndError;
use crate::ingest::{self, IngestError};
use crate::record::ProjectRecord;
use crate::schema::FyndSchema;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::collector::DocSetCollector;
use tantivy::directory::MmapDirectory;
use tantivy::query::AllQuery;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

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
        let index = Index::open_in_dir(dir)?;
        FyndIndex::wrap(index, dir)
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
        let index = Index::open_or_create(directory, FyndSchema::build().schema).map_err(
            |err| match err {
                tantivy::TantivyError::SchemaError(_) => FyndError::IncompatibleIndex {
                    dir: dir.to_path_buf(),
                },
                other => FyndError::Tantivy(other),
            },
        )?;
        FyndIndex::wrap(index, dir)
    }

    fn wrap(index: Index, dir: &Path) -> Result<FyndIndex, FyndError> {
        let schema = FyndSchema::build();
        if index.schema() != schema.schema {
            return Err(FyndError::IncompatibleIndex {
                dir: dir.to_path_buf(),
            });
        }
        let lexicon = Lexicon::load(dir)
            .map_err(|source| FyndError::Io {
                path: dir.join(crate::analysis::lexicon::LEXICON_FILE),
                source,
            })?
            .unwrap_or_else(Lexicon::base);
        let mut fynd = FyndIndex {
            index,
            schema,
            dir: dir.to_path_buf(),
            lexicon: Arc::new(Lexicon::default()),
        };
        fynd.use_lexicon(lexicon);
        Ok(fynd)
    }

    /// Makes `lexicon` the one every field is analysed with from now on.
    fn use_lexicon(&mut self, lexicon: Lexicon) {
        self.lexicon = Arc::new(lexicon);
        let tokenizers = self.index.tokenizers();
        for (name, stream) in [
            (ANALYZER_NAME, Stream::Words),
            (PARTS_ANALYZER_NAME, Stream::Parts),
            (FOLDED_ANALYZER_NAME, Stream::Folded),
        ] {
            tokenizers.register(name, SwedishAnalyzer::new(self.lexicon.clone(), stream));
        }
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
            .map(|address| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(self.schema.record_from(&doc)?)
            })
            .collect()
    }

    /// Replaces the whole index by `records`: learns the lexicon from them (with `chain`),
    /// analyses and writes every record with it, commits, and saves the lexicon.
    pub fn rebuild(
        &mut self,
        records: &[ProjectRecord],
        chain: Chain,
        memory_bytes: usize,
    ) -> Result<(), FyndError> {
        self.use_lexicon(learn_lexicon(records, chain));
        let mut writer = self.writer(memory_bytes)?;
        writer.writer.delete_all_documents()?;
        for record in records {
            writer.upsert(record)?;
        }
        writer.commit()?;
        drop(writer);
        self.lexicon
            .save(&self.dir)
            .map_err(|source| FyndError::Io {
                path: self.dir.clone(),
                source,
            })
    }

    /// A reader that sees the last commit.
    pub fn reader(&self) -> Result<IndexReader, FyndError> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }

    /// The writer; fails with [`FyndError::IndexLocked`] while another process writes.
    pub fn writer(&self, memory_bytes: usize) -> Result<RecordWriter<'_>, FyndError> {
        let writer = self.index.writer(memory_bytes).map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => FyndError::IndexLocked {
                dir: self.dir.clone(),
            },
            other => FyndError::Tantivy(other),
        })?;
        Ok(RecordWriter {
            writer,
            schema: &self.schema,
            analyzer: self.analyzer(),
        })
    }

    /// Number of records in the last commit.
    pub fn num_records(&self) -> Result<u64, FyndError> {
        Ok(self.reader()?.searcher().num_docs())
    }
}

/// Writes records into the index, replacing any earlier record with the same id.
pub struct RecordWriter<'a> {
    writer: IndexWriter,
    schema: &'a FyndSchema,
    analyzer: Analyzer,
}

impl RecordWriter<'_> {
    /// Adds `record`, replacing the record with the same id if the index has one.
    pub fn upsert(&mut self, record: &ProjectRecord) -> Result<(), FyndError> {
        self.writer
            .delete_term(Term::from_field_text(self.schema.id, &record.id));
        self.writer
            .add_document(self.schema.document(record, &mut self.analyzer))?;
        Ok(())
    }

    /// Makes everything written so far durable and visible to new readers.
    pub fn commit(&mut self) -> Result<(), FyndError> {
        self.writer.commit()?;
        Ok(())
    }
}

/// Learns the lexicon of a corpus from the text of its records: every word of title, body,
/// owner and partner lists counted, and the inflection table learned from them. With
/// [`Chain::Plain`] nothing is learned (the baseline chain does not use a lexicon).
pub fn learn_lexicon(records: &[ProjectRecord], chain: Chain) -> Lexicon {
    match chain {
        Chain::Plain => Lexicon::plain(),
        Chain::Full => Lexicon::learn(records.iter().flat_map(|record| {
            [record.title.as_str(), record.body.as_str()]
                .into_iter()
                .chain(record.owner.as_deref())
                .chain(record.partners.iter().map(String::as_str))
                .chain(record.municipalities.iter().map(String::as_str))
        })),
    }
}

/// Told about progress while files are indexed, so a front end can draw a progress bar.
pub trait IndexProgress {
    /// Indexing is about to read `files` files.
    fn start(&mut self, files: usize);
    /// One more file was read.
    fn file_done(&mut self, path: &Path);
    /// All files are read; the final commit runs.
    fn finish(&mut self);
}

/// No progress reporting.
pub struct NoProgress;

impl IndexProgress for NoProgress {
    fn start(&mut self, _files: usize) {}
    fn file_done(&mut self, _path: &Path) {}
    fn finish(&mut self) {}
}

/// What one `fynd index` run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct IndexSummary {
    /// Files found under the given paths.
    pub files_seen: usize,
    /// Records written (new or replacing an earlier version).
    pub records_written: usize,
    /// Files that could not be indexed, each with its reason.
    pub skipped: Vec<String>,
    /// Values that could not be read in files that were indexed.
    pub warnings: Vec<String>,
    /// Records in the index after the run.
    pub total_records: u64,
}

/// Indexes every file under `roots` into the index at `dir`: parse all files, then rebuild
/// the index from the new records and the earlier ones they do not replace (by id), with a
/// lexicon learned from all of them. A file that cannot be parsed is skipped and reported;
/// it never stops the batch.
pub fn index_paths(
    dir: &Path,
    roots: &[PathBuf],
    memory_bytes: usize,
    progress: &mut dyn IndexProgress,
) -> Result<IndexSummary, FyndError> {
    let mut index = FyndIndex::open_or_create(dir)?;
    // Fail early (before parsing) when another process holds the index.
    drop(index.writer(memory_bytes)?);
    let (files, unreadable) = ingest::walk::collect_files(roots);
    let mut summary = IndexSummary {
        files_seen: files.len(),
        ..IndexSummary::default()
    };
    for (path, reason) in unreadable {
        summary.skipped.push(
            IngestError {
                path: path.display().to_string(),
                line: None,
                reason,
            }
            .to_string(),
        );
    }
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let mut records: Vec<ProjectRecord> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    progress.start(files.len());
    for path in &files {
        match ingest::read_document(path) {
            Ok(parsed) => {
                let record = parsed.record;
                summary
                    .warnings
                    .extend(parsed.warnings.iter().map(ToString::to_string));
                if let Some(earlier) = first_seen.insert(record.id.clone(), record.path.clone()) {
                    summary.warnings.push(format!(
                        "{}: same id {} as {earlier}; the record from {} is kept",
                        record.path, record.id, record.path
                    ));
                }
                // A later file with the same id replaces the earlier record.
                match slots.get(&record.id) {
                    Some(&slot) => records[slot] = record,
                    None => {
                        slots.insert(record.id.clone(), records.len());
                        records.push(record);
                    }
                }
                summary.records_written += 1;
            }
            Err(err) => summary.skipped.push(err.to_string()),
        }
        progress.file_done(path);
    }
    progress.finish();
    let mut all: Vec<ProjectRecord> = index
        .stored_records()?
        .into_iter()
        .filter(|stored| !first_seen.contains_key(&stored.id))
        .collect();
    all.extend(records);
    let chain = index.lexicon.chain;
    index.rebuild(&all, chain, memory_bytes)?;
    summary.total_records = index.num_records()?;
    Ok(summary)
}
