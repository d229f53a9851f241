//! Criterion benches of the pipeline on documents from `fynd gen-corpus`: parsing (MB/s),
//! indexing (documents/s, the full analysis on) and query latency per class of the default
//! mix (`benches/queries.txt`). Run with
//!
//!     cargo bench --bench pipeline
//!
//! The query benches search an index of `FYND_PIPELINE_DOCS` generated documents (default
//! 20 000, so the setup stays within a few minutes on two cores; `FYND_PIPELINE_DOCS=100000`
//! for the 100k), built once and kept in the build's scratch folder.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use fynd::bench::queries;
use fynd::corpus_gen::{generate, GenOptions, Generator};
use fynd::index::{index_paths_with, FyndIndex, IndexOptions, NoProgress};
use fynd::query::search_with;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// Documents parsed or indexed per iteration of the parse and index benches.
const BATCH: u64 = 2_000;

fn documents(count: u64) -> Vec<String> {
    let generator = Generator::new(1);
    (0..count).map(|n| generator.document(n).text).collect()
}

fn parsing(c: &mut Criterion) {
    let docs = documents(BATCH);
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("generated documents", |b| {
        b.iter(|| {
            for (i, text) in docs.iter().enumerate() {
                black_box(fynd::ingest::parse_bytes(&format!("{i}.txt"), text.as_bytes()).ok());
            }
        })
    });
    group.finish();
}

fn indexing(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pipeline-index");
    let corpus = root.join("corpus");
    if !corpus.join("truth.tsv").exists() {
        let options = GenOptions {
            docs: BATCH,
            out: corpus.clone(),
            seed: 1,
            threads: 2,
            records: None,
            count_words: false,
        };
        generate(&options, &|_| {}).expect("corpus");
    }
    let mut group = c.benchmark_group("index");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH));
    group.bench_function("generated documents (files to committed index)", |b| {
        b.iter(|| {
            let dir = root.join("index");
            let _ = std::fs::remove_dir_all(&dir);
            let summary = index_paths_with(
                &dir,
                &[corpus.join("docs")],
                &IndexOptions::default(),
                &mut NoProgress,
            )
            .expect("indexes");
            assert_eq!(summary.total_records, BATCH);
        })
    });
    group.finish();
}

/// The query index: `FYND_PIPELINE_DOCS` generated documents, built once.
fn query_index() -> PathBuf {
    let count: u64 = std::env::var("FYND_PIPELINE_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pipeline-query-{count}"));
    let dir = root.join("index");
    if FyndIndex::open(&dir).and_then(|i| i.num_records()).ok() == Some(count) {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&root);
    let options = GenOptions {
        docs: count,
        out: root.join("corpus"),
        seed: 1,
        threads: 2,
        records: None,
        count_words: false,
    };
    generate(&options, &|_| {}).expect("corpus");
    index_paths_with(
        &dir,
        &[root.join("corpus/docs")],
        &IndexOptions::default(),
        &mut NoProgress,
    )
    .expect("indexes");
    dir
}

fn querying(c: &mut Criterion) {
    let dir = query_index();
    let index = FyndIndex::open(&dir).expect("index");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let mix = queries::load(None).expect("default mix");
    let mut group = c.benchmark_group("query");
    let mut seen = Vec::new();
    for query in &mix {
        // The first query of each class stands for it.
        if seen.contains(&query.class) {
            continue;
        }
        seen.push(query.class.clone());
        group.bench_with_input(
            BenchmarkId::new(query.class.as_str(), &query.request.query),
            &query.request,
            |b, request| {
                b.iter(|| black_box(search_with(&index, &searcher, request).expect("runs")))
            },
        );
    }
    group.finish();
}

criterion_group!(benches, parsing, indexing, querying);
criterion_main!(benches);
