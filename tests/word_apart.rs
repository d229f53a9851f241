//! A bare word ("integration", "projekt") is searched in two passes: its page of ten by
//! block-max WAND, its total and facet counts from its lists read into bit sets. Both must
//! be what one scoring pass over every hit gives, on an index of several segments with
//! deleted documents, whether the word is in a few documents or all of them.

mod common;

use common::generated_index_with_deletes;
use fynd::query::build::{build, query_fields};
use fynd::query::filters::FacetFilter;
use fynd::query::parse::parse;
use fynd::query::range::{RangeField, RangeFilter};
use fynd::query::sort::{SortKey, SortOrder};
use fynd::query::{search, SearchRequest};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::TantivyDocument;

/// A word, its facet filters and its ranges (field, range).
type FilteredCase<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

#[test]
fn a_bare_words_page_and_counts_found_apart_are_those_of_one_pass() {
    // Two commits, the second replacing records of the first: two segments, one with
    // deleted documents.
    let (_dir, index) = generated_index_with_deletes(700);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));

    // A topic word in some records, one with diacritics, and filler words in most.
    for word in ["integration", "jämställdhet", "arbete", "projekt"] {
        let mut apart = SearchRequest::new(word);
        apart.passages = false;
        let found = search(&index, &apart).unwrap();

        // One pass: the same request ordered worst first, which is counted while the
        // page is collected; and the page by tantivy's exhaustive top ten beside a count.
        let mut one_pass = apart.clone();
        one_pass.sort = SortOrder {
            key: SortKey::Relevance,
            descending: false,
        };
        let counted = search(&index, &one_pass).unwrap();
        assert!(found.total > 0, "{word}");
        assert_eq!(found.total, counted.total, "{word}");
        assert_eq!(found.facets, counted.facets, "{word}");

        let node = parse(word, &query_fields()).unwrap().unwrap();
        let query = build(&index.schema, &mut index.analyzer(), Some(&searcher), &node)
            .query
            .unwrap();
        let (top, total) = searcher
            .search(&*query, &(TopDocs::with_limit(10).order_by_score(), Count))
            .unwrap();
        assert_eq!(found.total, total, "{word}");
        let expected: Vec<f32> = top.iter().map(|(score, _)| *score).collect();
        let scores: Vec<f32> = found.hits.iter().map(|hit| hit.score).collect();
        assert_eq!(scores, expected, "{word}");
    }
    // By a field: the page walked in the field's order is tantivy's, paged too; equal
    // values by relevance, equal relevance by address.
    for word in ["integration", "arbete", "projekt", "1234"] {
        let node = parse(word, &query_fields()).unwrap().unwrap();
        let query = build(&index.schema, &mut index.analyzer(), Some(&searcher), &node)
            .query
            .unwrap();
        for (sort, offset) in [
            ("start:desc", 0),
            ("budget:desc", 10),
            ("end", 0),
            ("participants", 25),
        ] {
            let mut request = SearchRequest::new(word);
            request.passages = false;
            request.sort = SortOrder::parse(sort).unwrap();
            request.offset = offset;
            let found = search(&index, &request).unwrap();
            let expected = request
                .sort
                .top_docs(&searcher, &*query, request.limit, offset)
                .unwrap();
            let expected: Vec<(String, f32)> = expected
                .into_iter()
                .map(|(score, address)| {
                    let doc: TantivyDocument = searcher.doc(address).unwrap();
                    (index.schema.record_from(&doc).unwrap().id, score)
                })
                .collect();
            let found: Vec<(String, f32)> = found
                .hits
                .into_iter()
                .map(|hit| (hit.id, hit.score))
                .collect();
            assert!(!found.is_empty() || offset > 0, "{word} {sort}");
            assert_eq!(found, expected, "{word} {sort} {offset}");
        }
    }
    // Narrowed by facet filters and ranges (counted over the hits, as a plain filtered
    // query counts): the same page, total and counts as one pass over the conjunction,
    // whether the filters keep many of the word's hits (pruning) or few (scored from the
    // lists).
    let cases: [FilteredCase; 6] = [
        ("arbete", &["fund=ESF+"], &[]),
        ("arbete", &["region=Skåne", "owner=Lunds kommun"], &[]),
        ("integration", &[], &[("budget", ">=2000000")]),
        ("projekt", &[], &[("start", "[2018-01-01 TO 2020-12-31]")]),
        (
            "projekt",
            &["fund=ESF"],
            &[("participants", "<40"), ("end", ">=2021-06-01")],
        ),
        (
            "jämställdhet",
            &["region=Stockholm"],
            &[("participants", "[10 TO 30]")],
        ),
    ];
    for (word, specs, ranges) in cases {
        let mut request = SearchRequest::new(word);
        request.passages = false;
        request.sidebar_counts = false;
        request.filters =
            FacetFilter::parse_all(&specs.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        request.ranges = ranges
            .iter()
            .map(|(field, text)| {
                RangeFilter::parse(RangeField::parse(field).unwrap(), text).unwrap()
            })
            .collect();
        let found = search(&index, &request).unwrap();
        let mut one_pass = request.clone();
        one_pass.sort = SortOrder {
            key: SortKey::Relevance,
            descending: false,
        };
        let counted = search(&index, &one_pass).unwrap();
        let case = format!("{word} {specs:?} {ranges:?}");
        assert!(found.total > 0, "{case}");
        assert_eq!(found.total, counted.total, "{case}");
        assert_eq!(found.facets, counted.facets, "{case}");

        let node = parse(word, &query_fields()).unwrap().unwrap();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            build(&index.schema, &mut index.analyzer(), Some(&searcher), &node)
                .query
                .unwrap(),
        )];
        clauses.extend(
            request
                .filters
                .iter()
                .map(|f| (Occur::Must, f.query(&index.schema))),
        );
        clauses.extend(
            request
                .ranges
                .iter()
                .map(|r| (Occur::Must, r.query(&index.schema))),
        );
        let (top, total) = searcher
            .search(
                &BooleanQuery::new(clauses),
                &(TopDocs::with_limit(10).order_by_score(), Count),
            )
            .unwrap();
        assert_eq!(found.total, total, "{case}");
        let expected: Vec<f32> = top.iter().map(|(score, _)| *score).collect();
        let scores: Vec<f32> = found.hits.iter().map(|hit| hit.score).collect();
        assert_eq!(scores, expected, "{case}");
    }

    // "1234" is in one title: too few hits for a walk in the field's order.
    let rare = search(&index, &SearchRequest::new("1234")).unwrap();
    assert!(rare.total > 0 && rare.total * 32 < 700, "{}", rare.total);
    // Every title says "projekt": the counts taken from what the word misses.
    let most = search(&index, &SearchRequest::new("projekt")).unwrap();
    assert!(most.total > searcher.num_docs() as usize / 2);
}
