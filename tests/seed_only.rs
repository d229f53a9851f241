//! Decompounding over a corpus of five documents: `corpus/seeds/` alone, where the corpus
//! itself is too small to teach many parts, so the base lexicon (the hand-written list and
//! the dictionary) must.

mod common;

use common::{corpus_records, ids, run};
use fynd::analysis::decompound;
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn seeds() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

fn index_of(files: &[PathBuf]) -> (tempfile::TempDir, FyndIndex) {
    let dir = tempfile::tempdir().unwrap();
    index_paths(dir.path(), files, DEFAULT_WRITER_MEMORY, &mut NoProgress).unwrap();
    let index = FyndIndex::open(dir.path()).unwrap();
    (dir, index)
}

/// Each seed's record id and the lower-cased words of its title and text.
fn seed_words() -> Vec<(String, BTreeSet<String>)> {
    corpus_records()
        .into_iter()
        .map(|record| {
            let text = format!("{} {}", record.title, record.body);
            let words = text
                .split(|c: char| !c.is_alphabetic())
                .filter(|word| !word.is_empty())
                .map(str::to_lowercase)
                .collect();
            (record.id, words)
        })
        .collect()
}

fn found(index: &FyndIndex, query: &str) -> BTreeSet<String> {
    ids(&run(index, query, 1000)).into_iter().collect()
}

#[test]
fn arbetsmarknad_finds_arbetsmarknadsatgarder() {
    let (_dir, index) = index_of(&seeds());
    let with: BTreeSet<String> = seed_words()
        .into_iter()
        .filter(|(_, words)| words.iter().any(|w| w.starts_with("arbetsmarknadsåtgärd")))
        .map(|(id, _)| id)
        .collect();
    assert!(!with.is_empty());
    let hits = found(&index, "arbetsmarknad");
    assert!(with.is_subset(&hits), "{with:?} not all in {hits:?}");
}

/// The rule: every word of the seeds that the index's lexicon splits into parts that are
/// all base-lexicon words (so the split does not hang on the corpus) is found by a query
/// of its last part, in every record the word itself finds.
///
/// Inflected forms of verbs and adjectives ("fokuserar", "kopplade", "starkare") once
/// split before a short dictionary word ("rar", "lada", "kar") that then did not find them;
/// a last part only the dictionary knows now needs four letters, and a split that leans on
/// the dictionary alone must beat the whole word's count undiscounted.
#[test]
fn every_compound_of_dictionary_words_is_found_by_its_head() {
    let (_dir, index) = index_of(&seeds());
    let mut compounds: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for (id, words) in seed_words() {
        // Ids are kept for the failure message only; the records a word is in are what
        // the word itself finds.
        for word in words {
            let Some(parts) = decompound::split(&index.lexicon, &word) else {
                continue;
            };
            if !parts.iter().all(|p| index.lexicon.is_base_word(&p.lemma)) {
                continue;
            }
            let head = parts.last().unwrap().lemma.clone();
            compounds
                .entry(word)
                .or_insert_with(|| (head, BTreeSet::new()))
                .1
                .insert(id.clone());
        }
    }
    assert!(compounds.len() >= 20, "{} compounds", compounds.len());
    let mut missed = Vec::new();
    for (word, (head, _)) in &compounds {
        let with = found(&index, word);
        let hits = found(&index, head);
        if !with.is_subset(&hits) {
            missed.push(format!("{word} ({head})"));
        }
    }
    assert!(missed.is_empty(), "not found by their head: {missed:?}");
}

/// Words that merely contain a short query word are not found by it, over the seeds plus
/// one page of such look-alikes.
#[test]
fn a_short_part_query_does_not_find_look_alikes() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("lookalikes.txt");
    std::fs::write(
        &page,
        "Utbildning, bild, mobil, bilder och bilda. Geografisk solidaritet. Konsolidera \
         handel i en tunnel varje kvartal med material och antal.",
    )
    .unwrap();
    let mut files = seeds();
    files.push(page);
    let (_index_dir, index) = index_of(&files);
    let seed_ids: BTreeSet<String> = seed_words().into_iter().map(|(id, _)| id).collect();
    for query in ["bil", "fisk", "sol", "el", "hand", "kvart", "tunn", "anta"] {
        let hits = found(&index, query);
        let outside: Vec<&String> = hits.iter().filter(|id| !seed_ids.contains(*id)).collect();
        assert!(
            outside.is_empty(),
            "{query} found the look-alikes: {outside:?}"
        );
    }
}
