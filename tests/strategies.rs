//! Every strategy the plan chooses finds what the plain collector finds.
//!
//! Properties, on all 2,502 records of `corpus/`, for queries of one word, several words
//! (or, and, not), a phrase, a compound and a misspelt word, with and without facet
//! filters (sidebar counts on and off), sorted by relevance either way or by a date, with
//! and without a page:
//! - the total and every facet count equal the reference's ([`search_reference`]: tantivy's
//!   collector over the query with every filter, each filtered facet counted apart);
//! - the page holds the same hits in the same order, up to hits of equal score (a query
//!   listing everything has no score to compare);
//! - each of the four strategies was chosen by some of these requests.

mod common;

use fynd::index::FyndIndex;
use fynd::query::filters::FacetFilter;
use fynd::query::sort::SortOrder;
use fynd::query::{facet_values, search_reference, search_with, SearchRequest, SearchResponse};
use fynd::schema::FacetKey;
use std::collections::BTreeSet;

/// The query words, drawn from the corpus by frequency: the most frequent long word, one
/// of middling frequency, a rare one, and a long (compound) word.
fn words_of(index: &FyndIndex) -> Vec<String> {
    let all = index.lexicon.words();
    let mut words: Vec<(&str, u32)> = all
        .iter()
        .map(|(word, count)| (word.as_str(), *count))
        .filter(|(word, _)| word.chars().count() >= 6)
        .collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let common = words[0].0;
    let mid = words[words.len() / 50].0;
    let rare = words.iter().rev().find(|(_, count)| *count >= 2).unwrap().0;
    let compound = words
        .iter()
        .find(|(word, _)| word.chars().count() >= 16)
        .unwrap()
        .0;
    [common, mid, rare, compound].map(str::to_string).to_vec()
}

fn queries(words: &[String]) -> Vec<String> {
    let [common, mid, rare, compound] = [&words[0], &words[1], &words[2], &words[3]];
    let mut typo: Vec<char> = mid.chars().collect();
    typo.swap(1, 2);
    let typo: String = typo.into_iter().collect();
    vec![
        common.clone(),
        mid.clone(),
        rare.clone(),
        compound.clone(),
        typo,
        format!("{mid} OR {rare}"),
        format!("{common} {mid}"),
        format!("{common} -{mid}"),
        format!("{compound} OR {common}"),
        format!("\"{common} {mid}\""),
        format!("{mid} OR \"{common} {rare}\""),
        String::new(),
    ]
}

fn same(planned: &SearchResponse, reference: &SearchResponse, context: &str) {
    assert_eq!(planned.total, reference.total, "total: {context}");
    assert_eq!(planned.facets, reference.facets, "facets: {context}");
    let scores = |r: &SearchResponse| -> Vec<f32> { r.hits.iter().map(|h| h.score).collect() };
    let (a, b) = (scores(planned), scores(reference));
    assert_eq!(a.len(), b.len(), "page size: {context}");
    if planned.query.is_empty() {
        // Every document: no score to compare, the index's order.
        let ids =
            |r: &SearchResponse| -> Vec<String> { r.hits.iter().map(|h| h.id.clone()).collect() };
        assert_eq!(ids(planned), ids(reference), "page: {context}");
        return;
    }
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() <= 1e-4 * x.abs().max(1.0),
            "scores {a:?} {b:?}: {context}"
        );
    }
    // Hits of a score no other hit on the page or at its edge shares are the same hits.
    for (i, hit) in planned.hits.iter().enumerate() {
        let tied = |j: usize| j != i && (a[j] - a[i]).abs() <= 1e-4 * a[i].abs().max(1.0);
        let at_edge = i + 1 == a.len() || i == 0;
        if !(0..a.len()).any(tied) && !at_edge {
            assert_eq!(hit.id, reference.hits[i].id, "hit {i}: {context}");
        }
    }
}

#[test]
fn every_strategy_finds_what_the_plain_collector_finds() {
    let dir = common::index_shipped_records();
    let index = FyndIndex::open(dir.path()).unwrap();
    let searcher = index.reader().unwrap().searcher();
    let words = words_of(&index);
    // The two most common funds and regions, as filters.
    let top = |key: FacetKey| -> Vec<String> {
        let listing = facet_values(&index, &SearchRequest::new(""), key).unwrap();
        listing
            .values
            .iter()
            .take(2)
            .map(|v| v.value.clone())
            .collect()
    };
    let (funds, regions) = (top(FacetKey::Fund), top(FacetKey::Region));
    let filter_sets: Vec<Vec<FacetFilter>> = vec![
        Vec::new(),
        vec![FacetFilter {
            key: FacetKey::Fund,
            values: vec![funds[0].clone()],
        }],
        vec![
            FacetFilter {
                key: FacetKey::Region,
                values: regions.clone(),
            },
            FacetFilter {
                key: FacetKey::Fund,
                values: vec![funds[1].clone()],
            },
        ],
    ];
    let mut chosen = BTreeSet::new();
    let mut searches = 0;
    for query in queries(&words) {
        for filters in &filter_sets {
            for sidebar in [true, false] {
                for sort in ["relevance", "relevance:asc", "start:desc"] {
                    for (limit, offset) in [(10, 0), (5, 3), (0, 0)] {
                        let mut request = SearchRequest::new(&query);
                        request.filters = filters.clone();
                        request.sidebar_counts = sidebar;
                        request.sort = SortOrder::parse(sort).unwrap();
                        request.limit = limit;
                        request.offset = offset;
                        request.passages = false;
                        request.facets = vec![FacetKey::Fund, FacetKey::Region, FacetKey::Year];
                        let planned = search_with(&index, &searcher, &request).unwrap();
                        let reference = search_reference(&index, &searcher, &request).unwrap();
                        assert_eq!(reference.strategy, "Collect");
                        let context = format!(
                            "{query:?} filters {filters:?} sidebar {sidebar} sort {sort} \
                             limit {limit} offset {offset}, by {}",
                            planned.strategy
                        );
                        same(&planned, &reference, &context);
                        chosen.insert(planned.strategy);
                        searches += 1;
                    }
                }
            }
        }
    }
    assert_eq!(searches, 12 * 3 * 2 * 3 * 3);
    assert_eq!(
        chosen,
        BTreeSet::from(["Collect", "HitSets", "Sideways", "TermWord"]),
        "strategies chosen"
    );
}
