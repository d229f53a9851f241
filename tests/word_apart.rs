//! A bare word ("integration", "projekt") is searched in two passes: its page of ten by
//! block-max WAND, its total and facet counts from its lists read into bit sets. Both must
//! be what one scoring pass over every hit gives, on an index of several segments with
//! deleted documents, whether the word is in a few documents or all of them.

mod common;

use common::generated_index_with_deletes;
use fynd::index::FyndIndex;
use fynd::query::build::{build, query_fields};
use fynd::query::filters::FacetFilter;
use fynd::query::parse::parse;
use fynd::query::range::{RangeField, RangeFilter};
use fynd::query::sort::{SortKey, SortOrder};
use fynd::query::{search, SearchRequest, SearchResponse};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, Searcher, TantivyDocument};

/// A word, its facet filters and its ranges (field, range).
type FilteredCase<'a> = (&'a str, &'a [&'a str], &'a [(&'a str, &'a str)]);

/// The request's query (parsed and built as `search` does), its facet filters and its
/// ranges, all required: the plain conjunction one scoring pass evaluates.
fn conjunction(index: &FyndIndex, searcher: &Searcher, request: &SearchRequest) -> BooleanQuery {
    let node = parse(&request.query, &query_fields()).unwrap().unwrap();
    let query = build(&index.schema, &mut index.analyzer(), Some(searcher), &node)
        .query()
        .unwrap();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
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
    BooleanQuery::new(clauses)
}

/// Asserts that `request` (best first) finds the total, counts and page scores of one
/// pass: the same request worst first (counted while its page is collected), and
/// tantivy's exhaustive top ten of the conjunction beside a count.
fn assert_as_one_pass(index: &FyndIndex, searcher: &Searcher, request: &SearchRequest, case: &str) {
    let found = search(index, request).unwrap();
    let mut one_pass = request.clone();
    one_pass.sort = SortOrder {
        key: SortKey::Relevance,
        descending: false,
    };
    let counted = search(index, &one_pass).unwrap();
    assert!(found.total > 0, "{case}");
    assert_eq!(found.total, counted.total, "{case}");
    assert_eq!(found.facets, counted.facets, "{case}");
    let (top, total) = searcher
        .search(
            &conjunction(index, searcher, request),
            &(TopDocs::with_limit(10).order_by_score(), Count),
        )
        .unwrap();
    assert_eq!(found.total, total, "{case}");
    assert_eq!(
        ids_and_scores(&found),
        page_ids(index, searcher, top),
        "{case}"
    );
}

/// Asserts that `request` (ordered by a field) finds the page tantivy's field-ordered
/// top docs of the conjunction give, paged.
fn assert_field_page(index: &FyndIndex, searcher: &Searcher, request: &SearchRequest, case: &str) {
    let found = search(index, request).unwrap();
    let expected = request
        .sort
        .top_docs(
            searcher,
            &conjunction(index, searcher, request),
            request.limit,
            request.offset,
        )
        .unwrap();
    assert!(!found.hits.is_empty() || request.offset > 0, "{case}");
    assert_eq!(
        ids_and_scores(&found),
        page_ids(index, searcher, expected),
        "{case}"
    );
}

/// The record id and score of each hit of `response`.
fn ids_and_scores(response: &SearchResponse) -> Vec<(String, f32)> {
    response
        .hits
        .iter()
        .map(|hit| (hit.id.clone(), hit.score))
        .collect()
}

/// The record id and score of each document of a page of tantivy's.
fn page_ids(
    index: &FyndIndex,
    searcher: &Searcher,
    page: Vec<(f32, DocAddress)>,
) -> Vec<(String, f32)> {
    page.into_iter()
        .map(|(score, address)| {
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            (index.schema.record_from(&doc).unwrap().id, score)
        })
        .collect()
}

#[test]
fn a_bare_words_page_and_counts_found_apart_are_those_of_one_pass() {
    let (_dir, index) = generated_index_with_deletes(700);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    assert!(searcher.segment_readers().iter().any(|s| s.has_deletes()));

    // A topic word in some records, one with diacritics, a filler word in many, and the
    // word every title has.
    for word in ["integration", "jämställdhet", "arbete", "projekt"] {
        let mut request = SearchRequest::new(word);
        request.passages = false;
        assert_as_one_pass(&index, &searcher, &request, word);
    }

    // By a field: the page walked in the field's order is tantivy's, paged too; equal
    // values by relevance, equal relevance by address.
    for word in ["integration", "arbete", "projekt", "1234"] {
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
            assert_field_page(
                &index,
                &searcher,
                &request,
                &format!("{word} {sort} {offset}"),
            );
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
        let case = format!("{word} {specs:?} {ranges:?}");
        assert_as_one_pass(&index, &searcher, &request, &case);
    }

    // "1234" is in one title: too few hits for a walk in the field's order.
    let rare = search(&index, &SearchRequest::new("1234")).unwrap();
    assert!(rare.total > 0 && rare.total * 32 < 700, "{}", rare.total);
    // Every title says "projekt": the counts taken from what the word misses.
    let most = search(&index, &SearchRequest::new("projekt")).unwrap();
    assert!(most.total > searcher.num_docs() as usize / 2);
}

#[test]
fn words_joined_as_sets_give_the_page_and_counts_of_one_pass() {
    let (_dir, index) = generated_index_with_deletes(500);
    let reader = index.reader().unwrap();
    let searcher = reader.searcher();
    // Or, and, not, nesting, a phrase beside a word.
    for query in [
        "integration OR ungdomar",
        "arbete -integration",
        "integration AND ungdomar",
        "(integration OR ungdomar) digitalisering",
        "tillgänglighet OR \"hela perioden\"",
        "\"hela perioden\" -integration",
        // Compounds beside words: a compound's terms read as a word's lists, its parts
        // by their own scorers, scored for the hits only.
        "integration OR styrgruppen",
        "målgruppen ungdomar",
        "(integration OR arbetsförmedlingen) styrgruppen -digitalisering",
    ] {
        for filter in [None, Some("fund=ESF+")] {
            let mut request = SearchRequest::new(query);
            request.passages = false;
            request.sidebar_counts = false;
            if let Some(filter) = filter {
                request.filters = FacetFilter::parse_all(&[filter.to_string()]).unwrap();
            }
            let case = format!("{query} {filter:?}");
            assert_as_one_pass(&index, &searcher, &request, &case);
            // By a field, paged.
            request.sort = SortOrder::parse("budget:desc").unwrap();
            request.offset = 5;
            assert_field_page(&index, &searcher, &request, &format!("{case} by budget"));
        }
    }
}
