//! Shared by the integration tests: the sample corpus as records, and indexes built from
//! records in temporary folders.
#![allow(dead_code)]

use fynd::analysis::lexicon::Chain;
use fynd::index::{FyndIndex, DEFAULT_WRITER_MEMORY};
use fynd::query::{search, SearchRequest, SearchResponse};
use fynd::record::{DocumentShape, ProjectRecord};
use std::path::{Path, PathBuf};

/// The records of the documents in `corpus/`, in file-name order.
pub fn corpus_records() -> Vec<ProjectRecord> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| fynd::ingest::read_document(path).unwrap().record)
        .collect()
}

/// A web-page record with the given id, title and text.
pub fn page(id: &str, title: &str, body: &str) -> ProjectRecord {
    let mut record = ProjectRecord::new(&format!("test/{id}.txt"), DocumentShape::WebPage);
    record.id = id.to_string();
    record.title = title.to_string();
    record.body = body.to_string();
    record
}

/// An index of `records` (lexicon learned from them) in a fresh temporary folder.
pub fn index_of(records: &[ProjectRecord], chain: Chain) -> (tempfile::TempDir, FyndIndex) {
    let dir = tempfile::tempdir().unwrap();
    let mut index = FyndIndex::open_or_create(dir.path()).unwrap();
    index
        .rebuild(records, chain, DEFAULT_WRITER_MEMORY)
        .unwrap();
    (dir, index)
}

/// Searches with up to `limit` hits.
pub fn run(index: &FyndIndex, query: &str, limit: usize) -> SearchResponse {
    let mut request = SearchRequest::new(query);
    request.limit = limit;
    search(index, &request).unwrap()
}

/// Ids of the hits, best first.
pub fn ids(response: &SearchResponse) -> Vec<String> {
    response.hits.iter().map(|hit| hit.id.clone()).collect()
}

/// Id of the corpus record read from the file whose name starts with `prefix` ("000").
pub fn corpus_id(records: &[ProjectRecord], prefix: &str) -> String {
    records
        .iter()
        .find(|r| {
            Path::new(&r.path)
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(prefix))
        })
        .map(|r| r.id.clone())
        .unwrap()
}

/// The rows of `tests/data/projektbanken-sample.json` (300 real project records).
pub fn sample_rows() -> Vec<serde_json::Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/projektbanken-sample.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}
