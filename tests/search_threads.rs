//! A search spread over several threads (one share of the segments each, the default on a
//! machine with more than one core) answers exactly as one thread does: the same page in
//! the same order with the same scores, the same totals, facet counts and passages. The
//! corpus is made by `fynd gen-corpus`, whose words the default bench mix is written for.

mod common;

use fynd::bench::queries;
use fynd::index::{default_search_threads, FyndIndex};
use fynd::query::search;
use tantivy::Executor;

/// Threads the searches of `index`'s next reader run on.
fn reader_threads(index: &FyndIndex) -> usize {
    match index.reader().unwrap().searcher().index().search_executor() {
        Executor::SingleThread => 1,
        Executor::ThreadPool(pool) => pool.current_num_threads(),
    }
}

/// Every answer of the mix, its scores taken out (in order) to be compared apart.
fn answers(index: &FyndIndex) -> Vec<(serde_json::Value, Vec<f64>)> {
    queries::load(None)
        .unwrap()
        .iter()
        .map(|query| {
            let response = search(index, &query.request).unwrap();
            let mut value = serde_json::to_value(response).unwrap();
            value.as_object_mut().unwrap().remove("took_ms");
            let mut scores = Vec::new();
            take_scores(&mut value, &mut scores);
            (value, scores)
        })
        .collect()
}

/// Replaces every `score` by null and collects them in order: a hit's score sums its
/// terms' scores in f32, and the order a union of scorers adds them in may differ in the
/// last bits between two runs; that is no different answer, so scores are compared within
/// a relative tolerance and everything else exactly.
fn take_scores(value: &mut serde_json::Value, scores: &mut Vec<f64>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item.as_f64() {
                    Some(score) if key == "score" => {
                        scores.push(score);
                        *item = serde_json::Value::Null;
                    }
                    _ => take_scores(item, scores),
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|item| take_scores(item, scores))
        }
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
    for ((a, a_scores), (b, b_scores)) in one.iter().zip(&three) {
        assert_eq!(a, b, "query {}", a["query"]);
        assert_eq!(a_scores.len(), b_scores.len(), "query {}", a["query"]);
        for (x, y) in a_scores.iter().zip(b_scores) {
            assert!(
                (x - y).abs() <= 1e-5 * x.abs().max(1.0),
                "query {}: score {x} against {y}",
                a["query"]
            );
        }
        with_hits += usize::from(a["hits"].as_array().is_some_and(|h| h.len() > 1));
    }
    // Every query but those written to find nothing (`no_hits`, which look for
    // suggestions) should have hits to compare.
    let finding = queries::load(None)
        .unwrap()
        .iter()
        .filter(|query| query.class != "no_hits")
        .count();
    assert!(
        with_hits * 10 >= finding * 9,
        "{with_hits} of {finding} queries have a page of hits"
    );
}

#[test]
fn the_reader_kept_from_opening_searches_on_the_threads_set() {
    let dir = common::generated_corpus_index("search-threads-reader", 200, 3, 100);
    // The reader opened with the index is the first one handed out: it searches on the
    // default threads, and on those set before it is handed out.
    let index = common::open(&dir);
    assert_eq!(reader_threads(&index), default_search_threads());
    let mut index = common::open(&dir);
    index.set_search_threads(3).unwrap();
    assert_eq!(reader_threads(&index), 3);
    assert_eq!(reader_threads(&index), 3, "and so do the readers after it");
    index.set_search_threads(1).unwrap();
    assert_eq!(reader_threads(&index), 1);
}
