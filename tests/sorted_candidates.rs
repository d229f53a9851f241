//! A page in the order of a number or date field is found one of two ways: by reading
//! the field of every hit and keeping the few that can stand on the page (what a process
//! does the first time it meets a segment and field, or for few hits), or by walking the
//! segment's documents in the field's order until the page is full (what it does from the
//! second time on). Properties, on generated records in two segments, one with deletions,
//! for every field with a column, both directions, dense and sparse hit sets and pages of
//! one, ten and a hundred:
//! - both ways give the same candidates: the same documents, values and scores, the
//!   page's hits and every hit tied with its last value;
//! - no candidate is a deleted document or a document outside the hits.

mod common;

use fynd::index::segment_state::SegmentState;
use fynd::query::field_order::{candidates, FieldPage};
use fynd::query::range::RangeField;
use tantivy::query::{AllQuery, EnableScoring, Query};

#[test]
fn reading_every_hits_value_and_walking_the_fields_order_give_the_same_candidates() {
    let (_dir, index) = common::generated_index_with_deletes(300);
    let searcher = index.reader().unwrap().searcher();
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));
    let weight = AllQuery
        .weight(EnableScoring::enabled_from_searcher(&searcher))
        .unwrap();
    let fields = [
        RangeField::Budget,
        RangeField::Granted,
        RangeField::Participants,
        RangeField::Start,
        RangeField::End,
    ];
    let mut compared = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let max_doc = segment.max_doc();
        // Every document, every second, every seventh, and a sparse set.
        for step in [1, 2, 7, 97] {
            let mut hits = vec![0u64; (max_doc as usize).div_ceil(64)];
            for doc in (0..max_doc).step_by(step) {
                hits[(doc / 64) as usize] |= 1 << (doc % 64);
            }
            for field in fields {
                for descending in [false, true] {
                    for wanted in [1, 10, 100] {
                        let fresh = SegmentState::default();
                        let page = FieldPage::new(&fresh, field, descending);
                        let by_values =
                            candidates(&page, ord as u32, segment, &hits, wanted, &*weight)
                                .unwrap();
                        // A second ask reads the order and walks it (when the hits are
                        // many enough to be worth a walk).
                        let by_walk =
                            candidates(&page, ord as u32, segment, &hits, wanted, &*weight)
                                .unwrap();
                        let case = format!("{field:?} desc {descending} step {step} {wanted}");
                        assert_eq!(by_values, by_walk, "{case}");
                        assert!(by_values.len() >= wanted.min(1), "{case}");
                        for (_, _, address) in &by_values {
                            let doc = address.doc_id;
                            assert!(!segment.is_deleted(doc), "{case}: deleted {doc}");
                            assert!(hits[(doc / 64) as usize] & (1 << (doc % 64)) != 0, "{case}");
                        }
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared >= 200, "{compared}");
}
