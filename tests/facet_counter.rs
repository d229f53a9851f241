//! The query module's fast facet counting and its one-pass page-and-counts agree with
//! tantivy's own collectors: `FacetCounter` gives what `Count` plus one `FacetCollector`
//! per facet give (on a multi-segment index with deleted documents, for every facet,
//! multi-valued `year` included, packed or not; for queries matching most of a segment,
//! whose counts are taken from the segment's totals, and the others), and `top_docs_and` gives `top_docs`'s hits in every order.

mod common;

use common::{generated_index, generated_records, open};
use fynd::index::FyndIndex;
use fynd::query::facets::{self, FacetCounter};
use fynd::query::sort::{SortKey, SortOrder};
use fynd::schema::FacetKey;
use tantivy::collector::Count;
use tantivy::query::{AllQuery, Query, QueryParser};

fn queries(index: &fynd::index::FyndIndex) -> Vec<Box<dyn Query>> {
    let parser = QueryParser::for_index(&index.index, vec![index.schema.body]);
    let mut queries: Vec<Box<dyn Query>> = vec![Box::new(AllQuery)];
    for text in [
        "projekt",
        "samverkan OR kompetens",
        "utveckling",
        "nothingmatchesthis",
    ] {
        queries.push(parser.parse_query(text).unwrap());
    }
    queries
}

#[test]
fn facet_counter_counts_as_tantivys_collectors_do() {
    // Three commits, the last replacing records of the first: several segments, some with
    // deleted documents.
    let records = generated_records();
    let dir = tempfile::tempdir().unwrap();
    let index = FyndIndex::open_or_create(dir.path()).unwrap();
    let mut writer = index.writer(50_000_000).unwrap();
    let half = records.len() / 2;
    for (n, record) in records.iter().enumerate() {
        writer.upsert(record).unwrap();
        if n == half {
            writer.commit().unwrap();
        }
    }
    writer.commit().unwrap();
    for record in records.iter().take(25) {
        writer.upsert(record).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    assert!(searcher.segment_readers().len() > 1);
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));
    // Segments without deletes count a query that matches most of them (AllQuery, say)
    // from their totals, less the documents it misses.
    assert!(searcher.segment_readers().iter().any(|s| !s.has_deletes()));
    // Every key at once (some packed in one word per document, the rest counted from their
    // own tables), the bench's three (all packed), and small sets.
    let key_sets: [&[FacetKey]; 4] = [
        &FacetKey::ALL,
        &[FacetKey::Fund, FacetKey::Region, FacetKey::Year],
        &[FacetKey::Year],
        &[FacetKey::Owner, FacetKey::Municipality, FacetKey::Year],
    ];
    for keys in key_sets {
        for query in queries(&index) {
            let (total, counted) = searcher
                .search(
                    &*query,
                    &FacetCounter::new(keys.to_vec(), index.segment_state().clone()),
                )
                .unwrap();
            assert_eq!(total, searcher.search(&*query, &Count).unwrap());
            for (key, counts) in keys.iter().zip(counted) {
                let expected = searcher.search(&*query, &facets::collector(*key)).unwrap();
                let expected = facets::sorted_counts(*key, &expected, usize::MAX);
                let got = facets::sorted_values(*key, counts, usize::MAX);
                assert_eq!(got, expected, "{key:?} of {keys:?} for {query:?}");
            }
        }
    }
    // Asked again, from the per-segment cache: the same.
    let query = AllQuery;
    let first = searcher
        .search(
            &query,
            &FacetCounter::new(vec![FacetKey::Year], index.segment_state().clone()),
        )
        .unwrap();
    let again = searcher
        .search(
            &query,
            &FacetCounter::new(vec![FacetKey::Year], index.segment_state().clone()),
        )
        .unwrap();
    assert_eq!(first, again);
}

#[test]
fn one_pass_pages_are_the_pages_of_top_docs() {
    let (dir, _) = generated_index();
    let index = open(dir);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    let orders = [
        SortOrder::default(),
        SortOrder {
            key: SortKey::Relevance,
            descending: false,
        },
        SortOrder::parse("start:desc").unwrap(),
        SortOrder::parse("budget").unwrap(),
        SortOrder::parse("end:asc").unwrap(),
    ];
    for query in queries(&index) {
        for order in orders {
            for (limit, offset) in [(10, 0), (7, 13), (0, 0)] {
                let alone = order.top_docs(&searcher, &*query, limit, offset).unwrap();
                let (page, (total, _)) = order
                    .top_docs_and(
                        &searcher,
                        &*query,
                        limit,
                        offset,
                        FacetCounter::new(vec![FacetKey::Fund], index.segment_state().clone()),
                    )
                    .unwrap();
                assert_eq!(page, alone, "{order:?} {limit} {offset} {query:?}");
                assert_eq!(total, searcher.search(&*query, &Count).unwrap());
            }
        }
    }
}

/// Counting documents from a facet's column in batches (`count_many`) gives what counting
/// them one at a time from the table read ahead gives: for every facet, on every segment,
/// for every document and for a spread of them.
#[test]
fn counting_from_the_column_in_batches_equals_the_read_table() {
    use fynd::query::facets::SegmentFacets;
    let (dir, _) = generated_index();
    let index = open(dir);
    let searcher = index.reader().unwrap().searcher();
    let mut counted = 0;
    for segment in searcher.segment_readers() {
        let every: Vec<u32> = (0..segment.max_doc()).collect();
        let spread: Vec<u32> = every.iter().copied().filter(|d| d % 7 < 3).collect();
        for key in FacetKey::ALL {
            let column = SegmentFacets::from_column(segment, key).unwrap();
            let read = SegmentFacets::read(segment, key).unwrap();
            for docs in [&every, &spread] {
                let mut batched = column.zero_counts();
                column.count_many(docs, &mut batched);
                let mut one_by_one = read.zero_counts();
                for &doc in docs {
                    read.count(doc, &mut one_by_one);
                }
                // The slots past the values count documents without one: never reported.
                let values = read.names().len();
                assert_eq!(batched[..values], one_by_one[..values], "{key:?}");
                counted += batched[..values].iter().sum::<u64>();
            }
        }
    }
    assert!(counted > 1_000, "{counted} values counted");
}

/// Drill-sideways over tables counted from the column (a process's first query on a
/// segment: each hit looked up until the accepted values' lists are worth reading into a
/// bit set, counts taken at the harvest) and over read tables (every later query) gives
/// the same hits and counts, for one filter and two, on queries with many and few hits.
#[test]
fn sidebar_counts_from_the_column_equal_those_from_the_read_tables() {
    use fynd::index::segment_state::SegmentState;
    use fynd::query::sideways::Sideways;
    use std::sync::Arc;
    let (_dir, index) = common::generated_index_with_deletes(300);
    let searcher = index.reader().unwrap().searcher();
    // The most frequent fund and the two most frequent regions.
    let top = |key: FacetKey, n: usize| -> Vec<String> {
        let counts = searcher.search(&AllQuery, &facets::collector(key)).unwrap();
        facets::sorted_counts(key, &counts, n)
            .into_iter()
            .map(|c| c.value)
            .collect()
    };
    let filter_sets = [
        vec![(FacetKey::Fund, top(FacetKey::Fund, 1))],
        vec![(FacetKey::Region, top(FacetKey::Region, 2))],
        vec![
            (FacetKey::Fund, top(FacetKey::Fund, 1)),
            (FacetKey::Region, top(FacetKey::Region, 2)),
        ],
    ];
    // Every document; the most frequent year (many hits); the rarest (few).
    let years = top(FacetKey::Year, usize::MAX);
    let counts = searcher
        .search(&AllQuery, &facets::collector(FacetKey::Year))
        .unwrap();
    let by_count = facets::sorted_counts(FacetKey::Year, &counts, usize::MAX);
    let most = by_count
        .iter()
        .max_by_key(|c| c.count)
        .unwrap()
        .value
        .clone();
    let least = by_count
        .iter()
        .min_by_key(|c| c.count)
        .unwrap()
        .value
        .clone();
    assert!(years.len() > 2);
    let year_query = |year: &str| -> Box<dyn Query> {
        let term = tantivy::Term::from_facet(
            index.schema.facet(FacetKey::Year),
            &fynd::schema::facet_for(year),
        );
        Box::new(tantivy::query::TermQuery::new(
            term,
            tantivy::schema::IndexRecordOption::Basic,
        ))
    };
    let queries: Vec<Box<dyn Query>> =
        vec![Box::new(AllQuery), year_query(&most), year_query(&least)];
    let mut compared = 0;
    for filters in filter_sets {
        for query in &queries {
            let run = |state: &Arc<SegmentState>| {
                searcher
                    .search(
                        &*query,
                        &Sideways::new(Count, filters.clone(), state.clone()),
                    )
                    .unwrap()
            };
            let fresh = run(&Arc::new(SegmentState::default()));
            assert!(fresh.0 <= searcher.search(&**query, &Count).unwrap());
            let read = Arc::new(SegmentState::default());
            run(&read);
            let from_read = run(&read);
            assert_eq!(fresh, from_read, "{filters:?} {query:?}");
            compared += usize::from(fresh.0 > 0);
        }
    }
    assert!(compared >= 8, "{compared}");
}
