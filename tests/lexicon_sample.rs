//! Story: a researcher indexes a large collection. Reading every file twice (once to learn
//! the lexicon, once to index) would double the work, so the lexicon of a new index is
//! learned from an even sample of the files. Every record is still indexed and found, and
//! a word the sample missed is never "corrected" to another word while the index holds it.

mod common;

use fynd::corpus_gen::{generate, GenOptions};
use fynd::index::{index_paths_with, FyndIndex, IndexOptions, IndexSummary, NoProgress};
use fynd::query::{search, SearchRequest};
use std::path::Path;

fn index(docs: &Path, dir: &Path, lexicon_sample: usize) -> IndexSummary {
    let options = IndexOptions {
        memory_bytes: 50_000_000,
        lexicon_sample,
        ..IndexOptions::default()
    };
    index_paths_with(dir, &[docs.to_path_buf()], &options, &mut NoProgress).unwrap()
}

#[test]
fn a_large_corpus_learns_its_lexicon_from_a_sample_and_still_finds_every_word() {
    let root = common::scratch_dir("lexicon-sample");
    let generated = GenOptions {
        docs: 400,
        out: root.join("corpus"),
        seed: 11,
        threads: 2,
        records: None,
        count_words: false,
    };
    generate(&generated, &|_| {}).unwrap();
    let docs = root.join("corpus");

    let full = index(&docs, &root.join("full"), 0);
    let sampled = index(&docs, &root.join("sampled"), 40);
    assert_eq!(full.lexicon_files, full.files_seen);
    assert_eq!(sampled.lexicon_files, 40);
    assert!(sampled.files_seen > 40);
    assert_eq!(sampled.total_records, full.total_records);
    // The summary says so, and how to read every file instead.
    let said = |summary: &IndexSummary| {
        let mut out = Vec::new();
        fynd::output::text::write_index_summary(&mut out, summary, "index").unwrap();
        String::from_utf8(out).unwrap()
    };
    let told = format!("learned from 40 of the {} files", sampled.files_seen);
    assert!(said(&sampled).contains(&told), "{}", said(&sampled));
    assert!(said(&sampled).contains("--lexicon-sample 0"));
    assert!(!said(&full).contains("learned from"), "{}", said(&full));

    let full = FyndIndex::open(&root.join("full")).unwrap();
    let sampled = FyndIndex::open(&root.join("sampled")).unwrap();
    assert!(
        sampled.lexicon.len() < full.lexicon.len(),
        "a sample holds fewer words: {} vs {}",
        sampled.lexicon.len(),
        full.lexicon.len()
    );

    // Words of the corpus the sample never saw, for which the sampled lexicon alone
    // would offer a one-letter correction.
    let missed: Vec<String> = full
        .lexicon
        .words()
        .into_iter()
        .filter(|(word, count)| *count > 0 && sampled.lexicon.corpus_count(word) == 0)
        .map(|(word, _)| word.to_string())
        .filter(|word| sampled.lexicon.correction(word).is_some())
        .take(20)
        .collect();
    assert!(
        !missed.is_empty(),
        "the sample should miss some corrigible words"
    );
    for word in &missed {
        let in_full = search(&full, &SearchRequest::new(word)).unwrap();
        let in_sampled = search(&sampled, &SearchRequest::new(word)).unwrap();
        assert!(in_full.total > 0, "{word} is in the corpus");
        assert!(
            in_sampled.total >= in_full.total.min(1),
            "{word} is found in the sampled index too"
        );
        assert!(
            in_sampled.corrections.is_empty(),
            "{word} is in the index, so it is not corrected: {:?}",
            in_sampled.corrections
        );
    }
}
