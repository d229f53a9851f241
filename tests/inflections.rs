//! How often one word's forms split across Snowball stems, measured on real records, and
//! how much of that the learned inflection table joins again. A "word" is a base form found
//! in the records together with at least one inflected form of it (base + a Swedish noun or
//! adjective ending: -en, -et, -er, -erna, -ernas, -s, …); it is split when its forms do not
//! all get one term. Figures are recorded in docs/RELEVANCE.md.
//!
//! `cargo test --test inflections -- --nocapture` prints the figures for the test sample;
//! `cargo test --release --test inflections -- --ignored --nocapture` measures all 2,497
//! real records in `../shared/real/` (or `$FYND_REAL_DIR`).

mod common;

use fynd::analysis::inflect::split_rate;
use fynd::analysis::lexicon::Lexicon;
use fynd::analysis::stem::SwedishStemmer;

/// (words, split under Snowball alone, split with the table learned from the same texts,
/// split with a table learned from the other half of the texts only).
fn measure(texts: &[String]) -> (usize, usize, usize, usize) {
    let stemmer = SwedishStemmer::new();
    let lexicon = Lexicon::learn(texts.iter().map(String::as_str));
    let all = lexicon.words();
    let vocabulary = all.iter().map(|(word, _)| word.as_str());
    let (words, snowball) = split_rate(vocabulary.clone(), |w| stemmer.stem(w));
    let (_, learned) = split_rate(vocabulary, |w| lexicon.word_term(w));
    // Held out: learn from the first half, measure the second half's words.
    let half = texts.len() / 2;
    let first = Lexicon::learn(texts[..half].iter().map(String::as_str));
    let second = Lexicon::learn(texts[half..].iter().map(String::as_str));
    let held = second.words();
    let held = || held.iter().map(|(w, _)| w.as_str());
    let (held_words, held_snowball) = split_rate(held(), |w| stemmer.stem(w));
    let (_, held_learned) = split_rate(held(), |w| first.word_term(w));
    println!(
        "{words} words with several forms; split by Snowball alone: {snowball} ({:.1}%); \
         with the learned table: {learned} ({:.1}%)",
        100.0 * snowball as f64 / words as f64,
        100.0 * learned as f64 / words as f64
    );
    println!(
        "held out (table from the first half, words of the second half): {held_words} words; \
         Snowball alone {held_snowball} ({:.1}%), with the table {held_learned} ({:.1}%)",
        100.0 * held_snowball as f64 / held_words as f64,
        100.0 * held_learned as f64 / held_words as f64
    );
    (words, snowball, learned, held_learned.min(held_snowball))
}

/// Title and description of a real record (the JSON shape of the project bank).
fn record_text(row: &serde_json::Value) -> String {
    format!(
        "{}\n{}",
        row["projektnamn"].as_str().unwrap_or(""),
        row["projektbeskrivning"].as_str().unwrap_or("")
    )
}

fn sample_texts() -> Vec<String> {
    common::sample_rows().iter().map(record_text).collect()
}

#[test]
fn snowball_splits_forms_and_the_learned_table_joins_them() {
    let (words, snowball, learned, _) = measure(&sample_texts());
    assert!(words > 500, "{words}");
    assert!(
        snowball * 20 > words,
        "Snowball split only {snowball} of {words}"
    );
    assert!(
        learned * 10 < snowball,
        "{learned} still split of {snowball}"
    );
}

/// Minimal CSV reading (quoted fields, doubled quotes, newlines inside quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            ('\r', false) => {}
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
#[ignore = "reads the 2,497 real records outside the repository; run with --release"]
fn on_all_real_records() {
    let dir = std::env::var("FYND_REAL_DIR")
        .unwrap_or_else(|_| format!("{}/../shared/real", env!("CARGO_MANIFEST_DIR")));
    let json: Vec<serde_json::Value> = serde_json::from_slice(
        &std::fs::read(format!("{dir}/projektbanken-2014-2020.json")).unwrap(),
    )
    .unwrap();
    let mut texts: Vec<String> = json.iter().map(record_text).collect();
    let csv = std::fs::read_to_string(format!("{dir}/projektbanken-2007-2013.csv")).unwrap();
    let rows = csv_rows(&csv);
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (name, description) = (column("projektnamn"), column("projektbeskrivning"));
    for row in &rows[1..] {
        if row.len() == header.len() {
            texts.push(format!("{}\n{}", row[name], row[description]));
        }
    }
    println!("{} records", texts.len());
    let (words, snowball, learned, _) = measure(&texts);
    assert!(
        learned * 10 < snowball,
        "{learned} of {snowball} of {words}"
    );
}
