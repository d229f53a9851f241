//! One indexing run: walk the paths, read and parse files on all cores, compare them with
//! the manifest, upsert what is new or changed through one writer, remove what vanished,
//! commit in batches — and, for a new index, learn the lexicon from the files first.

use super::manifest::{
    content_hash, file_hash, fingerprint, FileEntry, FileState, HashingReader, Manifest,
    MANIFEST_FILE,
};
use super::tally::{self, Tally};
use super::{record_texts, FyndIndex, RecordWriter, DEFAULT_WRITER_MEMORY};
use crate::analysis::lexicon::{Chain, LexiconLearner};
use crate::error::FyndError;
use crate::ingest::batches::TableBatches;
use crate::ingest::{self, names, IngestError, ParsedDocument};
use crate::record::ProjectRecord;
use crate::record_codec;
use crate::schema::FyndSchema;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use tantivy::{TantivyDocument, Term};

/// Told about progress while files are indexed, so a front end can draw a progress bar.
pub trait IndexProgress {
    /// A pass over `files` files begins: "learning" (reading the corpus for its lexicon) or
    /// "indexing".
    fn start(&mut self, phase: &str, files: usize);
    /// One more file was read.
    fn file_done(&mut self, path: &Path);
    /// All files are read; the final commit runs.
    fn finish(&mut self);
}

/// No progress reporting.
pub struct NoProgress;

impl IndexProgress for NoProgress {
    fn start(&mut self, _phase: &str, _files: usize) {}
    fn file_done(&mut self, _path: &Path) {}
    fn finish(&mut self) {}
}

/// Settings of one indexing run.
#[derive(Clone, Debug)]
pub struct IndexOptions {
    /// Memory the tantivy writer may use before it flushes a segment.
    pub memory_bytes: usize,
    /// Records written between commits (at least; once more than four times this many are
    /// written, a batch is a quarter of what is written so far); a stopped run keeps
    /// everything up to its last commit.
    pub commit_every: usize,
    /// Remove the records of files that were indexed from the walked folders before and are
    /// gone now.
    pub prune: bool,
    /// Largest file read whole. A larger JSON Lines or delimited table is read a batch of
    /// rows at a time ([`ingest::batches::TableBatches`]), whatever its size; any other
    /// larger file is skipped with a warning.
    pub max_file_bytes: u64,
    /// Bytes of rows in one batch of a table read in batches.
    pub table_batch_bytes: usize,
    /// Threads that read and parse files (the writer has its own).
    pub threads: usize,
    /// Forget what the index holds and build it anew from the given paths, learning the
    /// lexicon again.
    pub rebuild: bool,
    /// Files the lexicon of a new index is learned from, at most: a larger corpus is learned
    /// from this many files spread evenly over it, so that a million files are not read
    /// twice. `0` learns from every file.
    pub lexicon_sample: usize,
    /// How files are read (the user's own column names).
    pub read: ingest::ReadOptions,
    /// Merge the small segments once the run has committed for the last time
    /// ([`super::merge::compact`]): searches then open fewer segments. Off, the run ends
    /// sooner and leaves one segment or more per commit.
    pub merge_at_end: bool,
}

/// Files a new index's lexicon is learned from by default. A hundred thousand documents
/// (a few hundred MB of text) hold every word common enough to be a useful compound part;
/// learning from more would double the reading of a large build for words seen a few
/// times in ten million. Smaller corpora are learned from every file.
pub const DEFAULT_LEXICON_SAMPLE: usize = 100_000;

impl Default for IndexOptions {
    fn default() -> IndexOptions {
        IndexOptions {
            memory_bytes: DEFAULT_WRITER_MEMORY,
            commit_every: 10_000,
            prune: true,
            max_file_bytes: 64 * 1024 * 1024,
            table_batch_bytes: ingest::batches::DEFAULT_BATCH_BYTES,
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            rebuild: false,
            lexicon_sample: DEFAULT_LEXICON_SAMPLE,
            read: ingest::ReadOptions::default(),
            merge_at_end: true,
        }
    }
}

/// What one `fynd index` run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct IndexSummary {
    /// Files found under the given paths.
    pub files_seen: usize,
    /// Files indexed for the first time.
    pub files_added: usize,
    /// Files whose content changed since they were indexed, indexed again.
    pub files_updated: usize,
    /// Files indexed before that are gone; their records were removed.
    pub files_removed: usize,
    /// Files unchanged since they were indexed, not read again.
    pub files_unchanged: usize,
    /// Records written (new or replacing an earlier version).
    pub records_written: usize,
    /// Records removed (their file is gone, or no longer gives them).
    pub records_removed: usize,
    /// Files (or rows) that could not be indexed, each with its reason.
    pub skipped: Vec<String>,
    /// Values that could not be read in files that were indexed.
    pub warnings: Vec<String>,
    /// Table columns no record field was found for, one entry per file ("path: a, b"):
    /// their values are kept in `extra`, and `--column HEADER=FIELD` maps them.
    pub unrecognised_columns: Vec<String>,
    /// Records already in the index rewritten because the spelling their owner is shown
    /// under changed: another spelling of the owner's name became the most written one.
    pub owners_regrouped: usize,
    /// Commits made; everything up to the last one survives a crash.
    pub commits: usize,
    /// Merges of small segments run after the last commit ([`super::merge::compact`]).
    pub merges: usize,
    /// Whether the lexicon was learned anew from the files (a new index, or `--rebuild`).
    pub lexicon_learned: bool,
    /// Files the lexicon was learned from: all files, or an even sample of a large corpus
    /// ([`IndexOptions::lexicon_sample`]); 0 when it was not learned in this run.
    pub lexicon_files: usize,
    /// Records in the index after the run.
    pub total_records: u64,
}

/// Indexes every file under `roots` into the index at `dir` with default options.
pub fn index_paths(
    dir: &Path,
    roots: &[PathBuf],
    memory_bytes: usize,
    progress: &mut dyn IndexProgress,
) -> Result<IndexSummary, FyndError> {
    let options = IndexOptions {
        memory_bytes,
        ..IndexOptions::default()
    };
    index_paths_with(dir, roots, &options, progress)
}

/// What reading one file came to.
enum FileOutcome {
    /// Could not be read or parsed; nothing already indexed from it is touched (so it
    /// counts as seen, and is not pruned).
    Skipped(IngestError, Option<PathBuf>),
    /// Same as when it was indexed; only its size and time are remembered anew.
    Unchanged {
        key: PathBuf,
        size: u64,
        modified_ns: u128,
    },
    /// A table larger than [`IndexOptions::max_file_bytes`], new or changed: read in
    /// batches by the thread that writes, when its turn comes, so that the parsing
    /// threads wait (their channel full) instead of piling up files behind it.
    Streamed {
        key: PathBuf,
        state: FileState,
        size: u64,
        modified_ns: u128,
    },
    /// Read and parsed, with the index document of each record built.
    Parsed {
        key: PathBuf,
        state: FileState,
        entry: FileEntry,
        contents: ingest::FileContents,
        documents: Vec<TantivyDocument>,
    },
}

/// Reads one file, compares it with the manifest and, when it is new or changed, parses it
/// and builds its records' index documents; runs on the parsing threads.
fn read_one(
    path: &Path,
    manifest: &Manifest,
    options: &IndexOptions,
    schema: &FyndSchema,
) -> FileOutcome {
    let shown = path.display().to_string();
    let key = std::fs::canonicalize(path).ok();
    let skipped = |reason: String| {
        FileOutcome::Skipped(
            IngestError {
                path: shown.clone(),
                line: None,
                reason,
            },
            key.clone(),
        )
    };
    let Some((key, metadata)) = key
        .clone()
        .and_then(|key| Some((key.clone(), std::fs::metadata(&key).ok()?)))
    else {
        return skipped("cannot read file: it vanished or is not accessible".to_string());
    };
    let (size, modified_ns) = fingerprint(&metadata);
    let streamed = size > options.max_file_bytes;
    if streamed && !is_streamed_table(path, options) {
        return skipped(over_cap(size, options));
    }
    let mut bytes = None;
    let state = manifest.state(&key, size, modified_ns, || {
        if streamed {
            return file_hash(&key);
        }
        let read = std::fs::read(&key)?;
        let hash = content_hash(&read);
        bytes = Some(read);
        Ok(hash)
    });
    match state {
        Err(err) => return skipped(format!("cannot read file: {err}")),
        Ok(FileState::Unchanged) => {
            return FileOutcome::Unchanged {
                key,
                size,
                modified_ns,
            }
        }
        Ok(_) => {}
    }
    let state = state.expect("errors returned above");
    if streamed {
        return FileOutcome::Streamed {
            key,
            state,
            size,
            modified_ns,
        };
    }
    let bytes = match bytes.map_or_else(|| std::fs::read(&key), Ok) {
        Ok(bytes) => bytes,
        Err(err) => return skipped(format!("cannot read file: {err}")),
    };
    match ingest::parse_bytes_with(&shown, &bytes, &options.read) {
        Ok(contents) => {
            let (owners, extra_keys) = tally::file_counts(&contents.documents);
            FileOutcome::Parsed {
                documents: contents
                    .documents
                    .iter()
                    .map(|parsed| schema.document(&parsed.record))
                    .collect(),
                entry: FileEntry {
                    size,
                    modified_ns,
                    hash: content_hash(&bytes),
                    ids: contents
                        .documents
                        .iter()
                        .map(|d| d.record.id.clone())
                        .collect(),
                    owners: Some(owners),
                    extra_keys: Some(extra_keys),
                },
                key,
                state,
                contents,
            }
        }
        Err(err) => FileOutcome::Skipped(err, Some(key)),
    }
}

/// Why a file over the size cap that is not a table read in batches is skipped.
fn over_cap(size: u64, options: &IndexOptions) -> String {
    format!(
        "{} MB is over the size cap of {} MB for files read whole (JSON Lines and CSV/TSV tables of any size are read in batches; raise the cap with --max-file-mb)",
        size / (1024 * 1024),
        options.max_file_bytes / (1024 * 1024)
    )
}

/// The table at `path` read in batches, its bytes hashed as they are read; `Ok(None)` when
/// the file is not a table that can be read in batches.
fn table_batches(
    path: &Path,
    options: &IndexOptions,
) -> Result<Option<TableBatches<BufReader<HashingReader<File>>>>, IngestError> {
    let shown = path.display().to_string();
    let file = File::open(path).map_err(|err| IngestError {
        path: shown.clone(),
        line: None,
        reason: format!("cannot read file: {err}"),
    })?;
    let reader = BufReader::with_capacity(1 << 16, HashingReader::new(file));
    TableBatches::open(&shown, reader, &options.read, options.table_batch_bytes)
}

/// Whether the file at `path` is a table read in batches (its first lines say so).
fn is_streamed_table(path: &Path, options: &IndexOptions) -> bool {
    matches!(table_batches(path, options), Ok(Some(_)))
}

/// Indexes every file under `roots` into the index at `dir`, as [`index_in_place`] does; a
/// rebuild ([`IndexOptions::rebuild`]) writes the new index in a folder beside the old one
/// and swaps it in when it is complete: searches see the old index until then, a rebuild
/// that is stopped leaves the old index as it was, and a rebuild works whatever state the
/// old index is in (a damaged `meta.json`, manifest or lexicon is simply replaced).
pub fn index_paths_with(
    dir: &Path,
    roots: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn IndexProgress,
) -> Result<IndexSummary, FyndError> {
    // A path that is not there is a typo more often than not: stop before an index is
    // created or changed, rather than index the rest and prune what the path gave before.
    if let Some(missing) = roots.iter().find(|root| !root.exists()) {
        return Err(FyndError::NoSuchPath {
            path: missing.clone(),
        });
    }
    let walked = ingest::walk::collect_files(roots);
    if walked.0.is_empty() {
        return Err(FyndError::NoFiles {
            paths: roots.to_vec(),
            passed_over: walked.1.len(),
        });
    }
    if !options.rebuild {
        return index_in_place(dir, roots, walked, options, progress);
    }
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source: std::io::Error| FyndError::Io { path, source }
    };
    // The folder itself, so that `--index .` or a link to the index has a name and a
    // parent to build beside.
    let canonical = std::fs::canonicalize(dir).ok();
    let dir = canonical.as_deref().unwrap_or(dir);
    let name = dir
        .file_name()
        .map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let building = dir.with_file_name(format!(".{name}.rebuilding"));
    let retired = dir.with_file_name(format!(".{name}.replaced"));
    // Another fynd writing the old index makes the rebuild fail at once, as any run does;
    // the lock is held until the swap. An old index that cannot be opened (damaged) has no
    // lock to hold and is replaced all the same.
    use tantivy::Directory as _;
    let old = FyndIndex::open(dir).ok();
    let lock = match &old {
        Some(old) => Some(
            old.index
                .directory()
                .acquire_lock(&tantivy::directory::INDEX_WRITER_LOCK)
                .map_err(|_| FyndError::IndexLocked {
                    dir: dir.to_path_buf(),
                })?,
        ),
        None => None,
    };
    // Left over from a rebuild that was stopped: never swapped in, so of no use.
    for stale in [&building, &retired] {
        if stale.exists() {
            std::fs::remove_dir_all(stale).map_err(io_error(stale))?;
        }
    }
    let fresh = IndexOptions {
        rebuild: false,
        ..options.clone()
    };
    let summary = index_in_place(&building, roots, walked, &fresh, progress)?;
    drop(old);
    // The swap, in one step where the system can exchange two folders: a search that
    // opens the index finds the old or the new, and a stop at any moment leaves one of them
    // in place (what is left beside it is removed by the next run). Elsewhere, two renames
    // microseconds apart: a search between them finds no index (an open index keeps
    // reading the old files); none ever finds a half-built one.
    if dir.exists() && exchange(&building, dir).map_err(io_error(dir))? {
        std::fs::rename(&building, &retired).map_err(io_error(&building))?;
    } else {
        if dir.exists() {
            std::fs::rename(dir, &retired).map_err(io_error(dir))?;
        }
        std::fs::rename(&building, dir).map_err(io_error(dir))?;
    }
    drop(lock);
    remove_retired(&retired);
    Ok(summary)
}

/// Removes the old index a rebuild swapped out. A search that opened it before the swap
/// may still write into it (a lock file) while it is removed; after a few tries what is
/// left stays, and the next run removes it: the new index is in place either way.
fn remove_retired(retired: &Path) {
    for _ in 0..5 {
        match std::fs::remove_dir_all(retired) {
            Ok(()) => return,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// Exchanges folders `a` and `b` in one step (Linux `renameat2` with `RENAME_EXCHANGE`):
/// `Ok(true)` when done, `Ok(false)` when the system or file system cannot (then nothing
/// changed).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::other("a folder name with a NUL byte"))
    };
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call; the syscall
    // reads them and touches no other memory.
    let done = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::ENOSYS) | Some(libc::EINVAL) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err),
    }
}

/// Exchanging two folders in one step is only done on Linux.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Indexes the files `walked` found under `roots` (the files, and the entries that could
/// not be read) into the index at `dir`: files are read and parsed on
/// several threads, new and changed files are upserted by id through one writer, records of
/// files that are gone are removed, and the work is committed in batches with the manifest
/// saved after each commit. A file that cannot be parsed is skipped and reported; it never
/// stops the batch, and what was indexed from it before stays.
fn index_in_place(
    dir: &Path,
    roots: &[PathBuf],
    walked: (Vec<PathBuf>, Vec<(PathBuf, String)>),
    options: &IndexOptions,
    progress: &mut dyn IndexProgress,
) -> Result<IndexSummary, FyndError> {
    // A manifest without tantivy's meta.json: the index's records are lost (the folder was
    // damaged or half copied) while the manifest still says every file is indexed. Opening
    // makes a new, empty index; the manifest must then be set aside, or every file would be
    // passed over as unchanged and the index stay empty.
    let index_lost = dir.join(MANIFEST_FILE).exists() && !dir.join("meta.json").exists();
    let mut index = FyndIndex::open_or_create(dir)?;
    // Fail at once, before any reading, while another process holds the index.
    drop(index.writer(options.memory_bytes)?);
    let io_error = |path: PathBuf| move |source: std::io::Error| FyndError::Io { path, source };
    let mut manifest =
        Manifest::load(dir).map_err(|source| FyndError::loading(dir, MANIFEST_FILE, source))?;
    let (files, unreadable) = walked;
    let mut summary = IndexSummary {
        files_seen: files.len(),
        ..IndexSummary::default()
    };
    // Folders the walk could not read (permissions, an I/O error): what was indexed from
    // them before is kept, not pruned as if the files were gone.
    let unread_folders: Vec<PathBuf> = unreadable
        .iter()
        .filter_map(|(path, _)| std::fs::canonicalize(path).ok())
        .filter(|path| path.is_dir())
        .collect();
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
    if index_lost && !manifest.files.is_empty() {
        summary.warnings.push(format!(
            "{}: missing, so the index held no records while its manifest listed {} files: every file is read and indexed again",
            dir.join("meta.json").display(),
            manifest.files.len()
        ));
        manifest = Manifest::default();
    }
    let fresh = manifest.files.is_empty() && index.num_records()? == 0;
    if (options.rebuild || fresh) && index.lexicon.chain == Chain::Full {
        let sample = lexicon_sample(&files, options.lexicon_sample);
        progress.start("learning", sample.len());
        let (learner, samples) = learn_from_files(&sample, options, progress);
        summary.lexicon_files = sample.len();
        index.use_lexicon(learner.finish());
        index.train_record_codec(&samples)?;
        index
            .lexicon
            .save(dir)
            .map_err(io_error(dir.to_path_buf()))?;
        summary.lexicon_learned = true;
    }
    if !summary.lexicon_learned {
        // The lexicon as opened keeps its word table in the file; decompounding every new
        // word form asks it for dozens of candidate parts, which a table in memory answers
        // faster.
        let mut lexicon = (*index.lexicon).clone();
        lexicon.make_built();
        index.use_lexicon(lexicon);
    }
    let mut writer = index.writer(options.memory_bytes)?;
    // Nothing in the index yet: a record's id needs no delete unless this run saw it before.
    let empty = fresh || options.rebuild;
    if options.rebuild {
        writer.delete_all()?;
        manifest = Manifest::default();
    }
    progress.start("indexing", files.len());
    // Owner spellings and extra keys over every file the index holds; kept up to date as
    // files are read and removed below.
    let mut tally = Tally::of(&manifest);

    let snapshot = manifest.clone();
    let schema = &index.schema;
    let mut sink = RecordSink {
        writer,
        schema,
        first_seen: HashMap::new(),
        files: &files,
        empty,
        since_commit: 0,
    };
    // Files that were in the manifest before this run and are gone now are pruned; when the
    // manifest was empty there are none, and the (large) set of files seen is not kept.
    let prune = options.prune && !snapshot.files.is_empty();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let next = AtomicUsize::new(0);
    let threads = options.threads.max(1);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<(usize, FileOutcome)>(threads * 4);
    let count_words = !summary.lexicon_learned && index.lexicon.chain == Chain::Full;
    let new_words = std::thread::scope(|scope| -> Result<LexiconLearner, FyndError> {
        let mut workers = Vec::with_capacity(threads);
        for _ in 0..threads {
            let sender = sender.clone();
            let (files, next, snapshot) = (&files, &next, &snapshot);
            workers.push(scope.spawn(move || {
                let mut learner = LexiconLearner::default();
                loop {
                    let at = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(at) else { break };
                    let outcome = read_one(path, snapshot, options, schema);
                    if let (true, FileOutcome::Parsed { contents, .. }) = (count_words, &outcome) {
                        for parsed in &contents.documents {
                            record_texts(&parsed.record).for_each(|t| learner.add(t));
                        }
                    }
                    if sender.send((at, outcome)).is_err() {
                        break;
                    }
                }
                learner
            }));
        }
        drop(sender);
        // Outcomes are applied in file order, so "the file read last wins" is well defined.
        let mut waiting: BTreeMap<usize, FileOutcome> = BTreeMap::new();
        // Words of the tables read in batches here, for an index that learns new words.
        let mut streamed_words = LexiconLearner::default();
        let mut expected = 0;
        for (at, outcome) in receiver {
            waiting.insert(at, outcome);
            while let Some(outcome) = waiting.remove(&expected) {
                progress.file_done(&files[expected]);
                let file_number = expected;
                expected += 1;
                match outcome {
                    FileOutcome::Skipped(err, key) => {
                        summary.skipped.push(err.to_string());
                        if prune {
                            seen.extend(key);
                        }
                    }
                    FileOutcome::Unchanged {
                        key,
                        size,
                        modified_ns,
                    } => {
                        summary.files_unchanged += 1;
                        if let Some(entry) = manifest.files.get_mut(&key) {
                            entry.size = size;
                            entry.modified_ns = modified_ns;
                        }
                        if prune {
                            seen.insert(key);
                        }
                    }
                    FileOutcome::Parsed {
                        key,
                        state,
                        entry,
                        contents,
                        documents,
                    } => {
                        match state {
                            FileState::New => summary.files_added += 1,
                            _ => summary.files_updated += 1,
                        }
                        summary
                            .skipped
                            .extend(contents.problems.iter().map(ToString::to_string));
                        if !contents.unrecognised_columns.is_empty() {
                            summary.unrecognised_columns.push(format!(
                                "{}: {}",
                                files[file_number].display(),
                                contents.unrecognised_columns.join(", ")
                            ));
                        }
                        let regroup = tally.change(manifest.files.get(&key), Some(&entry));
                        manifest.owners_to_regroup.extend(regroup);
                        let before = manifest
                            .files
                            .get(&key)
                            .map(|e| e.ids.clone())
                            .unwrap_or_default();
                        // A set, so that a changed table of many rows is compared in
                        // linear time.
                        let now: HashSet<&String> = entry.ids.iter().collect();
                        for gone in before.iter().filter(|id| !now.contains(id)) {
                            if manifest.files_with_id(gone) == 1 {
                                sink.writer.delete(gone);
                                summary.records_removed += 1;
                            }
                        }
                        sink.write(
                            file_number,
                            &tally,
                            contents.documents,
                            documents,
                            &mut summary,
                        )?;
                        if prune {
                            seen.insert(key.clone());
                        }
                        manifest.files.insert(key, entry);
                        sink.commit_if_due(&tally, &manifest, dir, options, &mut summary)?;
                    }
                    FileOutcome::Streamed {
                        key,
                        state,
                        size,
                        modified_ns,
                    } => {
                        let batches = match table_batches(&files[file_number], options) {
                            Ok(Some(batches)) => batches,
                            Ok(None) => {
                                // Changed since the parsing thread looked at it.
                                summary.skipped.push(format!(
                                    "{}: {}",
                                    files[file_number].display(),
                                    over_cap(size, options)
                                ));
                                if prune {
                                    seen.insert(key);
                                }
                                continue;
                            }
                            Err(err) => {
                                summary.skipped.push(err.to_string());
                                if prune {
                                    seen.insert(key);
                                }
                                continue;
                            }
                        };
                        let before = manifest.files.get(&key).cloned();
                        // What the batches so far count for in the tally; the file's
                        // earlier entry until the first batch.
                        let mut counted = before.clone();
                        let mut owners: BTreeMap<String, u64> = BTreeMap::new();
                        let mut extra_keys: BTreeSet<String> = BTreeSet::new();
                        let mut ids: Vec<String> = Vec::new();
                        let mut whole = true;
                        // Whether the manifest holds the file as unfinished.
                        let mut unfinished_saved = false;
                        let mut unrecognised: Vec<String> = Vec::new();
                        let mut batches = batches;
                        for batch in &mut batches {
                            let contents = match batch {
                                Ok(contents) => contents,
                                Err(err) => {
                                    summary.skipped.push(err.to_string());
                                    whole = false;
                                    break;
                                }
                            };
                            summary
                                .skipped
                                .extend(contents.problems.iter().map(ToString::to_string));
                            unrecognised.extend(contents.unrecognised_columns);
                            let (batch_owners, batch_keys) =
                                tally::file_counts(&contents.documents);
                            for (spelling, count) in batch_owners {
                                *owners.entry(spelling).or_insert(0) += count;
                            }
                            extra_keys.extend(batch_keys);
                            ids.extend(contents.documents.iter().map(|d| d.record.id.clone()));
                            if count_words {
                                for parsed in &contents.documents {
                                    record_texts(&parsed.record)
                                        .for_each(|t| streamed_words.add(t));
                                }
                            }
                            let counts = FileEntry {
                                size,
                                modified_ns,
                                hash: content_hash(&[]),
                                ids: Vec::new(),
                                owners: Some(owners.clone().into_iter().collect()),
                                extra_keys: Some(extra_keys.iter().cloned().collect()),
                            };
                            let regroup = tally.change(counted.as_ref(), Some(&counts));
                            manifest.owners_to_regroup.extend(regroup);
                            counted = Some(counts);
                            let documents = contents
                                .documents
                                .iter()
                                .map(|parsed| schema.document(&parsed.record))
                                .collect();
                            sink.write(
                                file_number,
                                &tally,
                                contents.documents,
                                documents,
                                &mut summary,
                            )?;
                            // The file is in the manifest as read only after its last
                            // batch: before a commit half-way it stands there as
                            // unfinished (never unchanged, so the next run reads it
                            // again) with every id it may have in the index, so that
                            // its records are removed if it is gone by then.
                            if sink.commit_due(options, &summary) {
                                let unfinished = unfinished_entry(before.as_ref(), &ids, &counted);
                                manifest.files.insert(key.clone(), unfinished);
                                unfinished_saved = true;
                            }
                            sink.commit_if_due(&tally, &manifest, dir, options, &mut summary)?;
                        }
                        if !unrecognised.is_empty() {
                            summary.unrecognised_columns.push(format!(
                                "{}: {}",
                                files[file_number].display(),
                                unrecognised.join(", ")
                            ));
                        }
                        if prune {
                            seen.insert(key.clone());
                        }
                        if !whole {
                            // Its records so far are written; the manifest keeps the
                            // earlier entry, or the file as unfinished, so the next run
                            // reads the file again. The tally follows the manifest.
                            if unfinished_saved {
                                let unfinished = unfinished_entry(before.as_ref(), &ids, &counted);
                                manifest.files.insert(key, unfinished);
                            } else {
                                let regroup = tally.change(counted.as_ref(), before.as_ref());
                                manifest.owners_to_regroup.extend(regroup);
                            }
                            continue;
                        }
                        match state {
                            FileState::New => summary.files_added += 1,
                            _ => summary.files_updated += 1,
                        }
                        let now: HashSet<&String> = ids.iter().collect();
                        for gone in before
                            .iter()
                            .flat_map(|entry| &entry.ids)
                            .filter(|id| !now.contains(id))
                        {
                            if manifest.files_with_id(gone) == 1 {
                                sink.writer.delete(gone);
                                summary.records_removed += 1;
                            }
                        }
                        drop(now);
                        let hash = batches.into_reader().into_inner().hash();
                        // An id repeated in several batches is one record.
                        ids.sort_unstable();
                        ids.dedup();
                        let entry = FileEntry {
                            size,
                            modified_ns,
                            hash,
                            ids,
                            owners: Some(owners.into_iter().collect()),
                            extra_keys: Some(extra_keys.into_iter().collect()),
                        };
                        // A table that gave no batch (a header alone) was never counted.
                        let regroup = tally.change(counted.as_ref(), Some(&entry));
                        manifest.owners_to_regroup.extend(regroup);
                        manifest.files.insert(key, entry);
                    }
                }
            }
        }
        let mut total = streamed_words;
        for worker in workers {
            total.merge(worker.join().expect("a parsing thread panicked"));
        }
        Ok(total)
    })?;
    progress.finish();
    // What only the reading needed goes before the last commit, when the writer flushes
    // every thread's segment at once (a million files' paths and ids are 0.15 GB).
    let RecordSink {
        mut writer,
        first_seen,
        ..
    } = sink;
    drop(first_seen);
    drop(files);

    if prune {
        let (gone, kept) = gone_files(&manifest, roots, &seen, &unread_folders);
        for (folder, files) in kept {
            summary.warnings.push(format!(
                "{}: cannot be read, so the records of the {files} file(s) indexed from it before are kept as they were",
                folder.display()
            ));
        }
        for path in gone {
            let entry = manifest.files.remove(&path).expect("listed above");
            let regroup = tally.change(Some(&entry), None);
            manifest.owners_to_regroup.extend(regroup);
            for id in &entry.ids {
                if manifest.files_with_id(id) == 0 {
                    writer.delete(id);
                    summary.records_removed += 1;
                }
            }
            summary.files_removed += 1;
        }
    }
    writer.set_extra_keys(tally.extra_keys());
    if !manifest.owners_to_regroup.is_empty() {
        // Records were written under a spelling their owner's group no longer has (an
        // earlier file's, before a later one outnumbered it): commit what is written, with
        // the manifest naming those spellings, then rewrite the records.
        writer.commit()?;
        manifest
            .save(dir)
            .map_err(io_error(dir.join(MANIFEST_FILE)))?;
        summary.commits += 1;
        summary.owners_regrouped = tally::regroup_owners(
            &index,
            &mut writer,
            &tally.owners,
            &manifest.owners_to_regroup,
        )?;
        manifest.owners_to_regroup.clear();
    }
    if tally.legacy_files() > 0 {
        summary.warnings.push(format!(
            "{}: {} file(s) were indexed by an earlier fynd, which grouped owners only within each file and kept no list of extra keys: run `fynd index --rebuild` to group owners across files and give each extra key its own export column",
            dir.display(),
            tally.legacy_files()
        ));
    }
    writer.commit_last()?;
    manifest
        .save(dir)
        .map_err(io_error(dir.join(MANIFEST_FILE)))?;
    summary.commits += 1;
    if count_words && summary.records_written > 0 {
        let mut lexicon = (*index.lexicon).clone();
        lexicon.absorb(new_words);
        index.use_lexicon(lexicon);
        index
            .lexicon
            .save(dir)
            .map_err(io_error(dir.to_path_buf()))?;
    }
    // After the manifest and lexicon are saved: each merge is committed on its own, and a
    // run stopped during one leaves the index of the last commit.
    if options.merge_at_end {
        // Searches share an index's segments out among the cores (`query::search_threads`).
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        // A handle of its own: the run's reader holds the segments being merged away.
        let handle = tantivy::Index::open_in_dir(dir)?;
        summary.merges = super::merge::compact(&handle, summary.records_written as u64, cores)?;
    }
    summary.total_records = index.num_records()?;
    Ok(summary)
}

/// The manifest entry of a table whose batches are being written: every id it may have in
/// the index (those of its earlier entry and those written so far), the counts of the
/// batches written (`counted`), and a size no file has, so that it is never taken for
/// unchanged.
fn unfinished_entry(
    before: Option<&FileEntry>,
    ids: &[String],
    counted: &Option<FileEntry>,
) -> FileEntry {
    let mut all: Vec<String> = before
        .iter()
        .flat_map(|entry| entry.ids.iter())
        .chain(ids)
        .cloned()
        .collect();
    all.sort_unstable();
    all.dedup();
    FileEntry {
        size: u64::MAX,
        modified_ns: 0,
        hash: content_hash(&[]),
        ids: all,
        owners: counted.as_ref().and_then(|c| c.owners.clone()),
        extra_keys: counted.as_ref().and_then(|c| c.extra_keys.clone()),
    }
}

/// Where the records of the files read are written, in the order of the files.
struct RecordSink<'s, 'w> {
    writer: RecordWriter<'w>,
    schema: &'s FyndSchema,
    /// Record id → the file (its number in `files`) that gave it first in this run.
    first_seen: HashMap<String, usize>,
    files: &'s [PathBuf],
    /// The index held nothing before this run: a record's id needs no delete unless this
    /// run wrote it before.
    empty: bool,
    /// Records written since the last commit.
    since_commit: usize,
}

impl RecordSink<'_, '_> {
    /// Writes the records of file `file_number` (all of them, or one batch of a table read
    /// in batches), each with the index document built from it, owners shown under their
    /// group's spelling in `tally`.
    fn write(
        &mut self,
        file_number: usize,
        tally: &Tally,
        parsed: Vec<ParsedDocument>,
        documents: Vec<TantivyDocument>,
        summary: &mut IndexSummary,
    ) -> Result<(), FyndError> {
        for (parsed, document) in parsed.into_iter().zip(documents) {
            let mut record = parsed.record;
            // Shown under its group's spelling over the whole index; the document built
            // while parsing holds the source's.
            let document = if names::group_owner(&mut record, &tally.owners) {
                self.schema.document(&record)
            } else {
                document
            };
            summary
                .warnings
                .extend(parsed.warnings.iter().map(ToString::to_string));
            let earlier = self.first_seen.insert(record.id.clone(), file_number);
            // A table read in batches has warned of its own repeated ids.
            if let Some(earlier) = earlier.filter(|&earlier| earlier != file_number) {
                summary.warnings.push(format!(
                    "{}: same id {} as a record in {}; the later one is kept",
                    record.path,
                    record.id,
                    self.files[earlier].display()
                ));
            }
            if self.empty && earlier.is_none() {
                self.writer.add_document(document)?;
            } else {
                self.writer.upsert_document(&record.id, document)?;
            }
            summary.records_written += 1;
            self.since_commit += 1;
        }
        Ok(())
    }

    /// Whether [`RecordSink::commit_if_due`] would commit now.
    fn commit_due(&self, options: &IndexOptions, summary: &IndexSummary) -> bool {
        self.since_commit >= options.commit_every.max(summary.records_written / 4)
    }

    /// Commits, and saves the manifest, once enough records are written since the last
    /// commit. Batches grow with the index (a quarter of what is written so far), so that
    /// saving the manifest after each commit stays a bounded share of a large run.
    fn commit_if_due(
        &mut self,
        tally: &Tally,
        manifest: &Manifest,
        dir: &Path,
        options: &IndexOptions,
        summary: &mut IndexSummary,
    ) -> Result<(), FyndError> {
        if self.commit_due(options, summary) {
            self.writer.set_extra_keys(tally.extra_keys());
            self.writer.commit()?;
            manifest.save(dir).map_err(|source| FyndError::Io {
                path: dir.join(MANIFEST_FILE),
                source,
            })?;
            summary.commits += 1;
            self.since_commit = 0;
        }
        Ok(())
    }
}

/// The files of `manifest` under `roots` that this run did not see: gone, to be pruned —
/// except those under a folder in `unread` (canonical paths of folders the walk could not
/// read), which are kept; the second list counts those per folder.
fn gone_files(
    manifest: &Manifest,
    roots: &[PathBuf],
    seen: &HashSet<PathBuf>,
    unread: &[PathBuf],
) -> (Vec<PathBuf>, Vec<(PathBuf, usize)>) {
    // A set: roots may repeat or lie inside one another.
    let mut unseen: std::collections::BTreeSet<&PathBuf> = std::collections::BTreeSet::new();
    for root in roots
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
    {
        unseen.extend(
            manifest
                .files
                .keys()
                .filter(|path| path.starts_with(&root) && !seen.contains(*path)),
        );
    }
    let mut gone = Vec::new();
    let mut kept: Vec<(PathBuf, usize)> = unread.iter().map(|f| (f.clone(), 0)).collect();
    for path in unseen {
        match kept.iter_mut().find(|(folder, _)| path.starts_with(folder)) {
            Some((_, count)) => *count += 1,
            None => gone.push(path.clone()),
        }
    }
    kept.retain(|(_, count)| *count > 0);
    (gone, kept)
}

/// The files a lexicon is learned from: all of `files` when there are at most `limit` (or
/// `limit` is 0), else `limit` of them spread evenly, the first and the last included.
fn lexicon_sample(files: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    if limit == 0 || files.len() <= limit {
        return files.to_vec();
    }
    (0..limit)
        .map(|i| files[i * (files.len() - 1) / (limit - 1).max(1)].clone())
        .collect()
}

/// Reads every file once, on all threads, and counts the words of its records for the
/// lexicon; beside that, takes records as samples for the dictionary the stored records are
/// compressed with: from files spread evenly over `files`, each file's share of
/// [`record_codec::SAMPLE_BYTES`] (at least one record), in file order, so the same files
/// give the same samples. Files that cannot be read are passed over here; the indexing
/// pass reports them.
fn learn_from_files(
    files: &[PathBuf],
    options: &IndexOptions,
    progress: &mut dyn IndexProgress,
) -> (LexiconLearner, Vec<Vec<u8>>) {
    let next = AtomicUsize::new(0);
    // Files sampled: every `stride`-th, about as many as there are records of a typical
    // size in the budget.
    let stride = files
        .len()
        .div_ceil(record_codec::SAMPLE_BYTES / 2048)
        .max(1);
    let share = record_codec::SAMPLE_BYTES / files.len().div_ceil(stride).max(1);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<usize>(options.threads.max(1) * 4);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..options.threads.max(1))
            .map(|_| {
                let (next, sender) = (&next, sender.clone());
                scope.spawn(move || {
                    let mut learner = LexiconLearner::default();
                    let mut samples = Vec::new();
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(at) else { break };
                        let mut file_sampled = if at % stride == 0 { 0 } else { share };
                        let mut learn = |record: &ProjectRecord| {
                            record_texts(record).for_each(|t| learner.add(t));
                            if file_sampled < share {
                                for sample in record_codec::samples_of(record) {
                                    file_sampled += sample.len();
                                    samples.push((at, sample));
                                }
                            }
                        };
                        let size = std::fs::metadata(path).map_or(u64::MAX, |m| m.len());
                        if size <= options.max_file_bytes {
                            if let Ok(contents) = ingest::read_file_with(path, &options.read) {
                                contents.documents.iter().for_each(|p| learn(&p.record));
                            }
                        } else if let Ok(Some(batches)) = table_batches(path, options) {
                            for contents in batches.map_while(Result::ok) {
                                contents.documents.iter().for_each(|p| learn(&p.record));
                            }
                        }
                        let _ = sender.send(at);
                    }
                    (learner, samples)
                })
            })
            .collect();
        drop(sender);
        for at in receiver {
            progress.file_done(&files[at]);
        }
        let mut total = LexiconLearner::default();
        let mut samples = Vec::new();
        for worker in workers {
            let (learner, taken) = worker.join().expect("a learning thread panicked");
            total.merge(learner);
            samples.extend(taken);
        }
        // Each file's records in the order read; the files in their order.
        samples.sort_by_key(|(at, _)| *at);
        (total, samples.into_iter().map(|(_, json)| json).collect())
    })
}

/// What `fynd delete` did.
#[derive(Debug, Default, serde::Serialize)]
pub struct DeleteSummary {
    /// Ids whose record was removed.
    pub removed: Vec<String>,
    /// Ids the index had no record for.
    pub not_found: Vec<String>,
    /// Records in the index afterwards.
    pub total_records: u64,
}

/// Removes the records with `ids`. They stay removed while their files are unchanged; a
/// changed file brings its records back on the next `fynd index`.
pub fn delete_records(dir: &Path, ids: &[String]) -> Result<DeleteSummary, FyndError> {
    let index = FyndIndex::open(dir)?;
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY)?;
    let searcher = index.reader()?.searcher();
    let mut summary = DeleteSummary::default();
    for id in ids {
        let term = Term::from_field_text(index.schema.id, id);
        if searcher.doc_freq(&term)? > 0 {
            writer.delete(id);
            summary.removed.push(id.clone());
        } else {
            summary.not_found.push(id.clone());
        }
    }
    writer.commit()?;
    summary.total_records = index.num_records()?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::manifest::ContentHash;

    #[test]
    fn two_folders_are_exchanged_whole_or_left_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("index"), dir.path().join("index.building"));
        for (folder, text) in [(&old, "old"), (&new, "new")] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("meta.json"), text).unwrap();
        }
        let read = |folder: &Path| std::fs::read_to_string(folder.join("meta.json")).unwrap();
        if exchange(&new, &old).unwrap() {
            assert_eq!((read(&old), read(&new)), ("new".into(), "old".into()));
        } else {
            // Where the system cannot exchange folders nothing has moved.
            assert_eq!((read(&old), read(&new)), ("old".into(), "new".into()));
        }
        // A folder that is not there is an error, not a silent no-op.
        if cfg!(target_os = "linux") {
            assert!(exchange(&dir.path().join("missing"), &old).is_err());
        }
    }

    #[test]
    fn files_under_a_folder_that_cannot_be_read_are_not_gone() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let unread = root.join("locked");
        std::fs::create_dir(&unread).unwrap();
        let mut manifest = Manifest::default();
        for path in ["a.txt", "locked/b.txt", "locked/deeper/c.txt", "gone.txt"] {
            let entry = FileEntry {
                size: 1,
                modified_ns: 1,
                hash: ContentHash(1),
                ids: vec![path.to_string()],
                owners: None,
                extra_keys: None,
            };
            manifest.files.insert(root.join(path), entry);
        }
        let seen: HashSet<PathBuf> = [root.join("a.txt")].into_iter().collect();
        // The root given twice (as it may be on the command line) changes nothing.
        let roots = [root.clone(), dir.path().to_path_buf()];
        let (gone, kept) = gone_files(&manifest, &roots, &seen, std::slice::from_ref(&unread));
        assert_eq!(gone, [root.join("gone.txt")]);
        assert_eq!(kept, [(unread.clone(), 2)]);
        // Readable again and the files still not seen: they are gone.
        let (gone, kept) = gone_files(&manifest, &roots, &seen, &[]);
        assert_eq!(gone.len(), 3);
        assert!(kept.is_empty());
    }
}
