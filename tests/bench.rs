//! `fynd bench` on the 3 000 generated test records: every class of the default mix runs,
//! the reported hit counts are those of `fynd search`, and the index figures are real.

mod common;

use fynd::bench::{self, queries, BenchOptions};
use fynd::query::search;

#[test]
fn default_mix_runs_and_reports_every_class() {
    let (dir, records) = common::generated_index();
    let index = common::open(dir);
    let mix = queries::load(None).unwrap();
    let options = BenchOptions {
        warmup_rounds: 0,
        rounds: 1,
    };
    let done = std::cell::Cell::new(0);
    let report = bench::run(&index, &mix, options, &|n| done.set(n)).unwrap();
    assert_eq!(done.get(), mix.len());
    assert_eq!(report.docs, records.len() as u64);
    assert!(
        report.segments >= 2,
        "the test index is built in two commits"
    );
    assert_eq!(report.index_bytes, bench::folder_bytes(dir));
    assert!(report.index_bytes > 100_000);
    assert!(report.text_terms > 10);
    let classes: Vec<&str> = report.classes.iter().map(|c| c.class.as_str()).collect();
    assert_eq!(classes.first(), Some(&"rare_word"));
    // The mix is interleaved (one query of each class in turn): its classes in order of
    // first appearance.
    let mut in_mix: Vec<&str> = Vec::new();
    for query in &mix {
        if !in_mix.contains(&query.class.as_str()) {
            in_mix.push(query.class.as_str());
        }
    }
    assert_eq!(
        classes, in_mix,
        "one row per class of the mix, in its order"
    );
    assert!(classes.len() >= 12, "{classes:?}");
    for class in &report.classes {
        assert_eq!(class.runs, class.queries);
        assert!(class.p50_ms > 0.0 && class.p50_ms <= class.p95_ms);
        assert!(class.p95_ms <= class.p99_ms && class.qps > 0.0);
    }
}

#[test]
fn reported_hits_are_the_search_totals() {
    let (dir, records) = common::generated_index();
    let index = common::open(dir);
    let text = "topic | fokus | facets=none\ntopic | ungdomar\nall | | sort=budget:desc\n";
    let mix = queries::parse(std::path::Path::new("mix"), text).unwrap();
    let options = BenchOptions {
        warmup_rounds: 1,
        rounds: 2,
    };
    let report = bench::run(&index, &mix, options, &|_| {}).unwrap();
    let expected = |q: &str| {
        search(&index, &fynd::query::SearchRequest::new(q))
            .unwrap()
            .total
    };
    let topic = &report.classes[0];
    assert_eq!((topic.queries, topic.runs), (2, 4));
    let mean = (expected("fokus") + expected("ungdomar")) as f64 / 2.0;
    assert!((topic.mean_hits - mean).abs() < 1e-9);
    assert_eq!(report.classes[1].mean_hits, records.len() as f64);
}
