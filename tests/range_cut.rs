//! A range of a number or date field ("budget >= 2 000 000", "start in 2018–2020",
//! "co-financing 40–60 %") can be kept three ways: by tantivy's range query, which reads
//! the field of every document; by one pass over the field's column, what a process does
//! the first time it meets the segment and field; cut from the segment's documents ordered
//! by the field, what it does from the second time on, as a bare word's search does. All
//! three keep the same documents, bounds included or excluded, whatever the field's type
//! (whole numbers, decimals, dates), for ranges below, inside and above a segment's values.
//! A process that has not met the field and has few hits reads each hit's value instead:
//! it keeps those of the hits the range query keeps. (A debug build scans a segment in runs
//! of 256 documents, so the pass over the column here crosses many runs' bounds.)

mod common;

use common::{corpus_index, generated_index_with_deletes, open};
use fynd::index::segment_state::SegmentState;
use fynd::index::FyndIndex;
use fynd::query::field_order::ColumnRange;
use fynd::query::range::{RangeField, RangeFilter};
use fynd::query::word::HitFilter;
use std::sync::Arc;
use tantivy::query::{EnableScoring, Query};
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

/// Hits one document in this many, few enough for their values to be read one by one.
const SPARSE: DocId = 7;

/// The documents of `segment` that `cut` keeps of every document, or (`sparse`) of every
/// [`SPARSE`]th.
fn kept_by(cut: &ColumnRange, segment: &SegmentReader, sparse: bool) -> Vec<DocId> {
    let mut bits = vec![0u64; (segment.max_doc() as usize).div_ceil(64)];
    for doc in (0..segment.max_doc()).filter(|doc| !sparse || doc % SPARSE == 0) {
        bits[(doc / 64) as usize] |= 1 << (doc % 64);
    }
    cut.narrow(segment, &mut bits).unwrap();
    (0..segment.max_doc())
        .filter(|doc| bits[(doc / 64) as usize] & (1 << (doc % 64)) != 0)
        .collect()
}

/// The documents of each segment `filter` keeps: by its range query, by a pass over the
/// column (a process that has not met the field before), cut from the field's order (one
/// that has), and of few hits, by their values read one by one (a fresh process).
type Kept = Vec<Vec<DocId>>;
fn kept_four_ways(index: &FyndIndex, filter: &RangeFilter) -> (Kept, Kept, Kept, Kept) {
    let searcher = index.reader().unwrap().searcher();
    let weight = filter
        .query(&index.schema)
        .weight(EnableScoring::disabled_from_searcher(&searcher))
        .unwrap();
    let (mut by_query, mut by_scan, mut by_order, mut by_reads) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0).unwrap();
        let mut docs = Vec::new();
        while scorer.doc() != TERMINATED {
            docs.push(scorer.doc());
            scorer.advance();
        }
        by_query.push(docs);
        let fresh = || {
            ColumnRange::new(filter, Arc::new(SegmentState::default()))
                .expect("a field with a column")
        };
        by_reads.push(kept_by(&fresh(), segment, true));
        let cut = fresh();
        by_scan.push(kept_by(&cut, segment, false));
        // Asked a second time, the process orders the segment by the field and keeps it.
        by_order.push(kept_by(&cut, segment, false));
    }
    (by_query, by_scan, by_order, by_reads)
}

/// Ranges at and around each of `values` (as typed), every kind of bound.
fn ranges_around(values: &[&str]) -> Vec<String> {
    let mut ranges = Vec::new();
    for v in values {
        ranges.extend([
            format!("[{v} TO {v}]"),
            format!("{{{v} TO *]"),
            format!("[* TO {v}}}"),
            format!(">={v}"),
            format!("<{v}"),
        ]);
    }
    ranges.push("[* TO *]".to_string());
    ranges
}

#[test]
fn a_range_scanned_or_cut_from_the_fields_order_keeps_what_the_range_query_keeps() {
    let (_dir, generated) = generated_index_with_deletes(300);
    let seeds = open(corpus_index());
    let cases: [(&FyndIndex, &str, &[&str]); 6] = [
        (&generated, "budget", &["0", "2000000", "19500000"]),
        (&generated, "participants", &["0", "10", "49"]),
        (&generated, "start", &["2018-01-01", "2019-03-05"]),
        (&generated, "end", &["2020-12-28", "2022-06-28"]),
        (&seeds, "cofinancing_rate", &["40", "50", "60.5", "100"]),
        (&seeds, "granted", &["1", "1000000"]),
    ];
    let mut kept_some = 0;
    for (index, field, values) in cases {
        let field = RangeField::parse(field).unwrap();
        for range in ranges_around(values) {
            let filter = RangeFilter::parse(field, &range).unwrap();
            let (by_query, by_scan, by_order, by_reads) = kept_four_ways(index, &filter);
            assert_eq!(
                by_scan, by_query,
                "{field:?} {range}: one pass over the column"
            );
            assert_eq!(by_order, by_query, "{field:?} {range}: the field's order");
            let sparse: Kept = by_query
                .iter()
                .map(|docs| {
                    docs.iter()
                        .copied()
                        .filter(|doc| doc % SPARSE == 0)
                        .collect()
                })
                .collect();
            assert_eq!(by_reads, sparse, "{field:?} {range}: each hit's value");
            if by_query.iter().any(|docs| !docs.is_empty()) {
                kept_some += 1;
            }
        }
    }
    // Most of the ranges keep something: the comparison is not between empty sets.
    assert!(kept_some > 40, "{kept_some}");
}
