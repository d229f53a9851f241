//! Story: a run of `fynd index` ends by merging the small segments it wrote, so that a
//! search opens one segment where it would open a dozen. Properties, on the shipped real
//! records committed every 300 records:
//! - merged or not, every query finds the same records with the same facet counts;
//! - the merged index has fewer segments, about one per core, and no file of a merged
//!   segment left in its folder (that a merge drops deleted records is checked in
//!   `index::merge`);
//! - a later run that adds one file does not rewrite the large segment: its new segment
//!   stays alone, and the next run's is merged with it.

use fynd::index::{index_paths_with, FyndIndex, IndexOptions, NoProgress};
use fynd::ingest::esf_plus;
use fynd::query::{search, SearchRequest};
use fynd::record::{DocumentShape, ProjectRecord};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn index(dir: &Path, roots: &[PathBuf], merge_at_end: bool) -> fynd::index::IndexSummary {
    let options = IndexOptions {
        commit_every: 300,
        merge_at_end,
        ..IndexOptions::default()
    };
    index_paths_with(dir, roots, &options, &mut NoProgress).unwrap()
}

fn segment_ids(dir: &Path) -> Vec<String> {
    let index = FyndIndex::open(dir).unwrap();
    let mut ids: Vec<String> = index
        .index
        .searchable_segment_metas()
        .unwrap()
        .iter()
        .map(|meta| meta.id().uuid_string())
        .collect();
    ids.sort();
    ids
}

/// Every record the query finds, and its facet counts.
fn answer(dir: &Path, query: &str) -> (BTreeSet<String>, String) {
    let index = FyndIndex::open(dir).unwrap();
    let mut request = SearchRequest::new(query);
    request.limit = 100_000;
    let response = search(&index, &request).unwrap();
    assert_eq!(response.total, response.hits.len());
    let ids = response.hits.into_iter().map(|hit| hit.id).collect();
    (ids, format!("{:?}", response.facets))
}

fn added_record(dir: &Path, n: usize) {
    let mut record = ProjectRecord::new("", DocumentShape::EsfPlusRecord);
    record.id = format!("2099-{n:04}");
    record.diarienummer = Some(record.id.clone());
    record.title = format!("Myndighetssamverkan i tillägg {n}");
    record.fund = Some("ESF+".to_string());
    record.body = "Samverkan mellan myndigheter kring kompetensutveckling.".to_string();
    std::fs::write(
        dir.join(format!("added-{n}.txt")),
        esf_plus::render(&record),
    )
    .unwrap();
}

#[test]
fn merging_at_the_end_keeps_every_answer_in_a_segment_per_core() {
    let unmerged = tempfile::tempdir().unwrap();
    let merged = tempfile::tempdir().unwrap();
    let summary = index(unmerged.path(), &[shipped()], false);
    assert_eq!(summary.merges, 0);
    assert!(
        segment_ids(unmerged.path()).len() >= 5,
        "committed every 300 records"
    );
    let summary = index(merged.path(), &[shipped()], true);
    assert!(summary.merges >= 1);
    // Segments of at least half a core's share stay as they are; the smaller ones are
    // merged into segments of about one core's share.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let segments = segment_ids(merged.path()).len();
    assert!(segments < segment_ids(unmerged.path()).len());
    assert!(segments <= cores + 1, "{segments} segments");

    // The merged segments' files are gone from the folder.
    let live: Vec<String> = segment_ids(merged.path());
    for entry in std::fs::read_dir(merged.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or_default();
        if stem.len() == 32 && stem.chars().all(|c| c.is_ascii_hexdigit()) {
            assert!(live.contains(&stem.to_string()), "{name} is left behind");
        }
    }

    let index = FyndIndex::open(merged.path()).unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.num_docs(), summary.total_records);

    for query in [
        "myndighetssamverkan",
        "samverkan",
        "kompetensutveckling",
        "\"psykisk ohälsa\"",
        "fund:ESF socialfonden",
        "",
    ] {
        let (ids, facets) = answer(merged.path(), query);
        assert!(!ids.is_empty(), "{query} finds records");
        assert_eq!(
            (ids, facets),
            answer(unmerged.path(), query),
            "{query}: the same records and counts merged or not"
        );
    }
}

/// The shipped records alone, merged.
fn merged_shipped() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    index(dir.path(), &[shipped()], true);
    dir
}

#[test]
fn an_added_file_merges_the_small_segments_only() {
    let dir = tempfile::tempdir().unwrap();
    let added = tempfile::tempdir().unwrap();
    let roots = [shipped(), added.path().to_path_buf()];
    index(dir.path(), &roots, true);
    let large = segment_ids(dir.path());
    let kept = |after: &[String]| large.iter().all(|id| after.contains(id));

    added_record(added.path(), 1);
    let summary = index(dir.path(), &roots, true);
    assert_eq!(summary.records_written, 1);
    assert_eq!(
        summary.merges, 0,
        "one new segment has nothing to merge with"
    );
    let after_one = segment_ids(dir.path());
    assert_eq!(after_one.len(), large.len() + 1);
    assert!(kept(&after_one), "the large segments are not rewritten");

    added_record(added.path(), 2);
    let summary = index(dir.path(), &roots, true);
    assert_eq!(summary.merges, 1, "the two small segments are merged");
    let after_two = segment_ids(dir.path());
    assert_eq!(after_two.len(), large.len() + 1);
    assert!(kept(&after_two), "the large segments are not rewritten");
    let (ids, _) = answer(dir.path(), "");
    assert!(ids.contains("2099-0001") && ids.contains("2099-0002"));
    let (before, _) = answer(merged_shipped().path(), "");
    assert_eq!(ids.len(), before.len() + 2);
}
