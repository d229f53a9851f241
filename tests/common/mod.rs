//! Shared setup for the integration stories: the shipped corpus, parsed and indexed into a
//! temporary folder.

#![allow(dead_code)]

use fynd::index::{index_paths, FyndIndex, IndexSummary, NoProgress, DEFAULT_WRITER_MEMORY};
use fynd::record::ProjectRecord;
use std::path::{Path, PathBuf};

/// The `corpus/` folder of this repository.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds")
}

/// Every document in `corpus/`, parsed.
pub fn corpus_records() -> Vec<ProjectRecord> {
    let mut records: Vec<ProjectRecord> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|entry| {
            fynd::ingest::read_document(&entry.unwrap().path())
                .unwrap()
                .record
        })
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records
}

/// Indexes `corpus/` into a fresh temporary index.
pub fn indexed_corpus() -> (tempfile::TempDir, FyndIndex, IndexSummary) {
    let dir = tempfile::tempdir().unwrap();
    let summary = index_paths(
        dir.path(),
        &[corpus_dir()],
        DEFAULT_WRITER_MEMORY,
        &mut NoProgress,
    )
    .unwrap();
    let index = FyndIndex::open(dir.path()).unwrap();
    (dir, index, summary)
}
