//! A segment's facet values counted from the column (the first time a process asks, so a
//! command reads nothing ahead) and from the table read ahead (every later time) give the
//! same answers. Properties, on generated records in two segments, one with deletions, for
//! every facet key:
//! - every document's counts, and the counts of a page of documents, are the same (in the
//!   slots of values: those past them, for documents without a value, are never reported);
//! - whether a document has one of a set of values is the same;
//! - the values' names, as the counts are merged across segments, are the same;
//! - `segment_facets` hands out the column first and the read table from the second time;
//! - a table counted from the column counts many hits from the values' postings lists,
//!   and those counts are the column's, deleted documents left out;
//! - hits handed over as a bit set (a word's list, deleted documents' bits set too) are
//!   counted from the lists, or as the values' totals less the documents they miss,
//!   without being listed, to the column's counts of the alive ones.

mod common;

use fynd::index::FyndIndex;
use fynd::query::facets::{
    merge_counts, read_segment_facets, segment_facets, FacetCounter, SegmentFacets,
};
use fynd::schema::FacetKey;
use std::collections::HashMap;
use tantivy::collector::Collector;

#[test]
fn counting_from_the_column_and_from_the_read_table_agree() {
    let (_dir, index) = common::generated_index_with_deletes(300);
    let searcher = index.reader().unwrap().searcher();
    assert!(searcher.segment_readers().len() >= 2);
    let mut values_seen = 0;
    for segment in searcher.segment_readers() {
        for key in FacetKey::ALL {
            let column = SegmentFacets::from_column(segment, key).unwrap();
            let read = SegmentFacets::read(segment, key).unwrap();
            assert!(!column.is_read() && read.is_read());
            assert_eq!(column.names(), read.names(), "{key:?}");
            values_seen += read.names().len();

            // Each document alone, then every third document together.
            let (mut page_column, mut page_read) = (column.zero_counts(), read.zero_counts());
            for doc in 0..segment.max_doc() {
                let (mut one_column, mut one_read) = (column.zero_counts(), read.zero_counts());
                column.count(doc, &mut one_column);
                read.count(doc, &mut one_read);
                // The slots past the values (documents without one) are never reported.
                let values = read.names().len();
                assert_eq!(
                    one_column[..values],
                    one_read[..values],
                    "{key:?} doc {doc}"
                );
                if doc % 3 == 0 {
                    column.count(doc, &mut page_column);
                    read.count(doc, &mut page_read);
                }
                // Values accepted: every other ordinal.
                let accepted: Vec<bool> = (0..read.names().len()).map(|o| o % 2 == 0).collect();
                assert_eq!(
                    column.has_any(doc, &accepted),
                    read.has_any(doc, &accepted),
                    "{key:?} doc {doc}"
                );
            }
            let (mut by_column, mut by_read) = (HashMap::new(), HashMap::new());
            merge_counts(&mut by_column, &column, page_column);
            merge_counts(&mut by_read, &read, page_read);
            assert_eq!(by_column, by_read, "{key:?}");
        }
    }
    assert!(values_seen > 100, "facet values: {values_seen}");
}

#[test]
fn a_segment_is_counted_from_the_column_first_and_read_from_the_second_time() {
    let (_dir, index) = common::generated_index_with_deletes(10);
    let searcher = index.reader().unwrap().searcher();
    let segment = &searcher.segment_readers()[0];
    let first = segment_facets(index.segment_state(), segment, FacetKey::Region).unwrap();
    assert!(!first.is_read());
    let second = segment_facets(index.segment_state(), segment, FacetKey::Region).unwrap();
    assert!(second.is_read());
    let third = segment_facets(index.segment_state(), segment, FacetKey::Region).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&second, &third),
        "read once, then kept"
    );
    // A caller that needs every document's ordinals gets the read table at once.
    assert!(
        read_segment_facets(index.segment_state(), segment, FacetKey::Fund)
            .unwrap()
            .is_read()
    );
}

#[test]
fn many_hits_counted_from_the_postings_lists_count_what_the_column_counts() {
    let (_dir, index) = common::generated_index_with_deletes(300);
    let searcher = index.reader().unwrap().searcher();
    let mut by_postings = 0;
    for segment in searcher.segment_readers() {
        let alive: Vec<u32> = (0..segment.max_doc())
            .filter(|&doc| !segment.is_deleted(doc))
            .collect();
        // Every alive document, every second, every fifth.
        for step in [1, 2, 5] {
            let docs: Vec<u32> = alive.iter().copied().step_by(step).collect();
            for key in FacetKey::ALL {
                let table = SegmentFacets::from_column(segment, key).unwrap();
                let (mut chosen, mut column) = (table.zero_counts(), table.zero_counts());
                table.count_hits(&docs, segment.max_doc(), &mut Vec::new(), &mut chosen);
                table.count_many(&docs, &mut column);
                let values = table.names().len();
                assert_eq!(chosen[..values], column[..values], "{key:?} step {step}");
                by_postings += usize::from(table.reads_postings(docs.len(), segment.max_doc()));
            }
        }
    }
    // The single-valued keys of a dense hit set at least were read from the lists.
    assert!(by_postings >= 4, "{by_postings}");
}

#[test]
fn hits_as_a_bit_set_are_counted_from_the_lists_as_the_column_counts_them() {
    let (dir, index) = common::generated_index_with_deletes(300);
    let searcher = index.reader().unwrap().searcher();
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));
    let keys = [FacetKey::Fund, FacetKey::Region, FacetKey::Year];
    let (mut listed, mut by_missed) = (0, 0);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let max_doc = segment.max_doc();
        for step in [1, 2, 3, 40] {
            // Every step-th document, deleted or not, as a word's list sets them.
            let mut words = vec![0u64; (max_doc as usize).div_ceil(64)];
            for doc in (0..max_doc).step_by(step) {
                words[(doc / 64) as usize] |= 1 << (doc % 64);
            }
            let alive: Vec<u32> = (0..max_doc)
                .step_by(step)
                .filter(|&doc| !segment.is_deleted(doc))
                .collect();
            // A state of its own, as a fresh process has: the tables are the columns.
            let fresh = FyndIndex::open(dir.path()).unwrap();
            let counter = FacetCounter::new(keys.to_vec(), fresh.segment_state().clone());
            let child = counter.for_segment(ord as u32, segment).unwrap();
            let (hits, tables) = child.harvest_bits(&words, segment);
            assert_eq!(hits, alive.len(), "step {step}");
            for (key, (table, counts)) in keys.iter().zip(&tables) {
                assert!(!table.is_read());
                let mut column = table.zero_counts();
                table.count_many(&alive, &mut column);
                let values = table.names().len();
                assert_eq!(counts[..values], column[..values], "{key:?} step {step}");
                listed += usize::from(table.reads_postings(hits, max_doc));
                by_missed += usize::from(table.counts_missed(max_doc as usize - hits, max_doc));
            }
        }
    }
    // The dense hit sets were counted from the lists or from what they miss, the sparse
    // one from the column.
    assert!(listed >= 6, "{listed}");
    assert!(by_missed >= 2, "{by_missed}");
}
