//! A search spread over several threads (one share of the segments each, the default on a
//! machine with more than one core) answers exactly as one thread does: the same page in
//! the same order with the same scores, the same totals, facet counts and passages. The
//! corpus is made by `fynd gen-corpus`, whose words the default bench mix is written for.

mod common;

use fynd::bench::queries;
use fynd::index::{default_search_threads, FyndIndex};
use fynd::query::search;

fn answers(index: &FyndIndex) -> Vec<serde_json::Value> {
    queries::load(None)
        .unwrap()
        .iter()
        .map(|query| {
            let response = search(index, &query.request).unwrap();
            let mut value = serde_json::to_value(response).unwrap();
            value.as_object_mut().unwrap().remove("took_ms");
            round_scores(&mut value);
            value
        })
        .collect()
}

/// Every `score` rounded to seven significant digits: a hit's score sums its terms' scores
/// in f32, and the order a union of scorers adds them in may differ in the last bit
/// between two runs; that is no different answer.
fn round_scores(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item.as_f64() {
                    Some(score) if key == "score" => {
                        *item = serde_json::json!(format!("{score:.6e}"));
                    }
                    _ => round_scores(item),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(round_scores),
        _ => {}
    }
}

#[test]
fn every_query_of_the_bench_mix_answers_the_same_on_one_thread_and_on_three() {
    let dir = common::generated_corpus_index("search-threads", 1_200, 5, 300);
    let mut index = common::open(&dir);
    assert_eq!(index.search_threads(), default_search_threads());
    let segments = index.index.searchable_segment_ids().unwrap().len();
    assert!(segments >= 3, "{segments} segments");
    index.set_search_threads(1).unwrap();
    assert_eq!(index.search_threads(), 1);
    let one = answers(&index);
    index.set_search_threads(3).unwrap();
    assert_eq!(index.search_threads(), 3);
    let three = answers(&index);

    assert_eq!(one.len(), three.len());
    let mut with_hits = 0;
    for (a, b) in one.iter().zip(&three) {
        assert_eq!(a, b, "query {}", a["query"]);
        with_hits += usize::from(a["hits"].as_array().is_some_and(|h| h.len() > 1));
    }
    assert!(
        with_hits * 10 >= one.len() * 9,
        "{with_hits} of {} queries have a page of hits",
        one.len()
    );
}
