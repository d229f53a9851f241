//! Analyzer throughput on generated Swedish text: fynd's full chain against lower-casing
//! plus Snowball stemming alone. The full chain must stay within 2.5× the baseline's cost.
//!
//! Run: `cargo bench --bench analysis`. Figures are recorded in docs/BENCHMARKS.md.
//!
//! The text is generated: words drawn at random (fixed seed) from the running text of the
//! 300 real project descriptions in `tests/data`, so word frequencies, compounds and
//! inflections are those of real Swedish project prose, in sentences of 6–20 words.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fynd::analysis::lexicon::Lexicon;
use fynd::analysis::stem::SwedishStemmer;
use fynd::analysis::{Analyzer, Stream, SwedishAnalyzer};
use std::hint::black_box;
use std::sync::Arc;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// Size of the generated text.
const TEXT_BYTES: usize = 512 * 1024;

fn sample_texts() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/projektbanken-sample.json"
    );
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(path).expect("tests/data sample")).unwrap();
    rows.iter()
        .map(|row| row["projektbeskrivning"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Swedish text of about [`TEXT_BYTES`] bytes, words drawn from `texts` (xorshift, fixed seed).
fn generate(texts: &[String]) -> String {
    let words: Vec<&str> = texts.iter().flat_map(|t| t.unicode_words()).collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::with_capacity(TEXT_BYTES + 64);
    while text.len() < TEXT_BYTES {
        let length = 6 + (next() % 15) as usize;
        for i in 0..length {
            let word = words[(next() % words.len() as u64) as usize];
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text.push_str(". ");
    }
    text
}

/// The baseline: Unicode words, lower-cased, Snowball-stemmed.
fn baseline(stemmer: &SwedishStemmer, text: &str) -> Vec<String> {
    text.unicode_words()
        .map(|word| stemmer.stem(&word.to_lowercase()))
        .collect()
}

fn count_tokens(tokenizer: &mut SwedishAnalyzer, text: &str) -> usize {
    let mut stream = tokenizer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += stream.token().text.len();
    }
    n
}

fn bench(c: &mut Criterion) {
    let texts = sample_texts();
    let text = generate(&texts);
    let lexicon = Arc::new(Lexicon::learn(texts.iter().map(String::as_str)));
    let stemmer = SwedishStemmer::new();

    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);

    group.bench_function("baseline_lowercase_snowball", |b| {
        b.iter(|| black_box(baseline(&stemmer, black_box(&text))))
    });

    // One analyzer reused across texts, as an indexing thread reuses its tokenizer: the
    // per-word memo is warm.
    let mut warm = Analyzer::new(lexicon.clone());
    group.bench_function("full_chain_all_streams", |b| {
        b.iter(|| black_box(warm.analyze(black_box(&text))))
    });

    // A fresh analyzer for every text: the memo starts empty each time.
    group.bench_function("full_chain_all_streams_cold", |b| {
        b.iter(|| black_box(Analyzer::new(lexicon.clone()).analyze(black_box(&text))))
    });

    // What indexing runs per text: one tokenizer per field the text goes into (its own,
    // parts, folded); the first analyses it, the others take their streams.
    let mut tokenizers: Vec<SwedishAnalyzer> = [Stream::Words, Stream::Parts, Stream::Folded]
        .into_iter()
        .map(|stream| SwedishAnalyzer::new(lexicon.clone(), stream))
        .collect();
    group.bench_function("index_time_three_fields", |b| {
        b.iter(|| {
            let n: usize = tokenizers
                .iter_mut()
                .map(|tokenizer| count_tokens(tokenizer, black_box(&text)))
                .sum();
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
