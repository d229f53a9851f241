//! What searches keep per segment (facet tables, a field's order of documents) lives in the
//! index's `SegmentState`, and one rule lets go of it: tantivy's warmer collection drops a
//! segment's values once no searcher of the index's reader holds the segment.
//!
//! Properties checked, on the shipped project records:
//! - a search that counts facets and sorts by a date keeps values for the segments it read,
//!   and only for segments of the index;
//! - after the records are written again (new segments) and the reader moves to that
//!   commit, the old segments' values go, while a searcher of the old commit that is still
//!   held keeps them;
//! - the searches give the same answers before and after.

mod common;

use fynd::index::DEFAULT_WRITER_MEMORY;
use fynd::query::{search, SearchRequest};
use fynd::schema::FacetKey;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use tantivy::index::SegmentId;

/// The segments of the reader's current searcher.
fn live_segments(index: &fynd::index::FyndIndex) -> BTreeSet<SegmentId> {
    let searcher = index.reader().unwrap().searcher();
    searcher
        .segment_readers()
        .iter()
        .map(|segment| segment.segment_id())
        .collect()
}

fn kept(index: &fynd::index::FyndIndex) -> BTreeSet<SegmentId> {
    index.segment_state().segments_kept().into_iter().collect()
}

/// A search that reads facet tables (twice, so they are read and kept) and a date's order.
fn counted_and_sorted(index: &fynd::index::FyndIndex) -> Vec<String> {
    let mut request = SearchRequest::new("samverkan");
    request.facets = vec![FacetKey::Fund, FacetKey::Region, FacetKey::Year];
    request.sort = fynd::query::sort::SortOrder::parse("start").unwrap();
    request.limit = 5;
    search(index, &request).unwrap();
    let response = search(index, &request).unwrap();
    let mut answer: Vec<String> = response.hits.iter().map(|hit| hit.id.clone()).collect();
    answer.push(response.total.to_string());
    answer.push(format!("{:?}", response.facets));
    answer
}

#[test]
fn a_segments_kept_values_go_when_no_searcher_holds_the_segment() {
    let records = common::corpus_records();
    let (_dir, mut index) = common::index_of(&records, fynd::analysis::lexicon::Chain::Full);

    let before = counted_and_sorted(&index);
    let first = live_segments(&index);
    let kept_first = kept(&index);
    assert!(!kept_first.is_empty(), "the search kept nothing");
    assert!(
        kept_first.is_subset(&first),
        "{kept_first:?} beyond {first:?}"
    );

    // A searcher of the first commit, still held: its segments' values stay.
    let held = index.reader().unwrap().searcher();
    index
        .rebuild(
            &records,
            fynd::analysis::lexicon::Chain::Full,
            DEFAULT_WRITER_MEMORY,
        )
        .unwrap();
    let second = live_segments(&index);
    assert!(first.is_disjoint(&second), "the rebuild wrote new segments");
    assert_eq!(counted_and_sorted(&index), before, "the same answers");
    let kept_both = kept(&index);
    assert!(kept_both.intersection(&second).next().is_some());
    // tantivy collects once a second; wait a few collections and check the held ones stay.
    std::thread::sleep(Duration::from_millis(2_500));
    assert!(
        kept_first.is_subset(&kept(&index)),
        "held segments' values went"
    );

    // Once nothing holds the first commit, its segments' values go.
    drop(held);
    let started = Instant::now();
    while !kept(&index).is_disjoint(&first) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first commit's segments are still kept: {:?}",
            kept(&index)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(kept(&index).is_subset(&second));
    assert_eq!(counted_and_sorted(&index), before, "the same answers again");
}
