//! `fynd gen-corpus`: the same seed gives the same bytes whatever the thread count, another
//! seed gives other documents, the probe truth matches the text, and fynd indexes every
//! generated document in the shape it was written in.

mod common;

use fynd::corpus_gen::{generate, GenOptions};
use fynd::index::{index_paths, FyndIndex, NoProgress};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn options(dir: &Path, seed: u64, threads: usize) -> GenOptions {
    GenOptions {
        docs: 600,
        out: dir.join("corpus"),
        seed,
        threads,
        records: Some(dir.join("records.jsonl")),
        count_words: true,
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_documents() {
    let root = common::scratch_dir("gen-determinism");
    let (a, b, c) = (root.join("a"), root.join("b"), root.join("c"));
    let first = generate(&options(&a, 7, 1), &|_| {}).unwrap();
    let second = generate(&options(&b, 7, 3), &|_| {}).unwrap();
    let third = generate(&options(&c, 8, 2), &|_| {}).unwrap();
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(fa.len(), 600 + 2, "documents, truth.tsv and records.jsonl");
    assert!(
        fa == fb,
        "one thread and three threads wrote different bytes"
    );
    assert_eq!(first.bytes, second.bytes);
    assert_eq!(first.distinct_words, second.distinct_words);
    let differing = fa
        .iter()
        .filter(|(path, bytes)| path.ends_with(".txt") && fc.get(*path) != Some(bytes))
        .count();
    assert_eq!(differing, 600, "another seed gives other documents");
    assert_ne!(first.distinct_words, third.distinct_words);
}

#[test]
fn truth_names_documents_holding_the_probe_words_and_fynd_indexes_them_all() {
    let root = common::scratch_dir("gen-truth");
    let summary = generate(&options(&root, 3, 2), &|_| {}).unwrap();
    assert_eq!(summary.shapes.values().sum::<u64>(), 600);
    assert!(
        summary.shapes.values().all(|n| *n > 40),
        "{:?}",
        summary.shapes
    );
    let average = summary.bytes / 600;
    assert!(
        (2_000..4_000).contains(&average),
        "{average} bytes per document"
    );

    // Read the records back as fynd reads them, by id.
    let records: BTreeMap<String, serde_json::Value> =
        std::fs::read_to_string(root.join("records.jsonl"))
            .unwrap()
            .lines()
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                (value["id"].as_str().unwrap().to_string(), value)
            })
            .collect();
    assert_eq!(records.len(), 600, "ids are unique");
    let truth = std::fs::read_to_string(root.join("corpus/truth.tsv")).unwrap();
    let mut rows = 0;
    for line in truth.lines().filter(|l| !l.starts_with('#')) {
        let (id, probes) = line.split_once('\t').unwrap();
        let record = &records[id];
        let text = format!("{} {}", record["title"], record["body"]).to_lowercase();
        for probe in probes.split(',') {
            assert!(text.contains(probe), "{id} should hold {probe}");
        }
        rows += 1;
    }
    let most = *summary.probe_docs.values().max().unwrap();
    assert!(
        rows as u64 >= most,
        "every document of a probe has a truth row"
    );
    assert!(summary.probe_docs["samverkan"] > 25);

    let index_dir = root.join("index");
    let indexed = index_paths(
        &index_dir,
        &[root.join("corpus/docs")],
        50_000_000,
        &mut NoProgress,
    )
    .unwrap();
    assert!(indexed.skipped.is_empty(), "{:?}", indexed.skipped);
    assert_eq!(indexed.total_records, 600);
    assert_eq!(
        FyndIndex::open(&index_dir).unwrap().num_records().unwrap(),
        600
    );
}
