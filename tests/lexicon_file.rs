//! The saved lexicon, opened to search, keeps its word table in the file (memory-mapped);
//! indexing holds it in memory. Properties, on the 2,502 records of `corpus/`:
//! - opened, the lexicon's table is the mapped one, and every text of every record is
//!   analysed by it exactly as by the same lexicon held in memory (words, parts, folded
//!   terms, pairs, positions and offsets); the table in memory rejects most cuts of a
//!   new word by the ways parts are written, which the mapped one does not, so its
//!   decompounding is checked against one without that shortcut;
//! - the same holds for every word's count, its evidence as a part and its correction,
//!   and for the words a word typed without diacritics stands for;
//! - saving is reproducible: the same lexicon gives the same bytes;
//! - `fynd check`'s verification finds a byte changed anywhere in the file, and opening
//!   refuses a file that is not a lexicon file.

mod common;

use fynd::analysis::fold::fold;
use fynd::analysis::lexicon::{Lexicon, LEXICON_FILE};
use fynd::analysis::Analyzer;
use fynd::index::{index_paths, FyndIndex, NoProgress, DEFAULT_WRITER_MEMORY};
use std::path::Path;
use std::sync::Arc;

#[test]
fn the_mapped_lexicon_reads_every_record_as_the_lexicon_in_memory_does() {
    let dir = common::index_shipped_records();
    let index = FyndIndex::open(dir.path()).unwrap();
    assert!(format!("{:?}", index.lexicon).contains("WordTable::Mapped"));
    let mapped = index.lexicon.clone();
    let mut built = (*mapped).clone();
    built.make_built();
    assert!(format!("{built:?}").contains("WordTable::Built"));
    let built = Arc::new(built);

    let records = index.stored_records().unwrap();
    assert!(records.len() > 2_000, "{} records", records.len());
    // Each on a thread of its own: analyses are remembered per thread and lexicon id, and
    // the two share the id (they hold the same words).
    let analyse_all = |lexicon: Arc<Lexicon>| {
        let records = &records;
        move || {
            let mut analyzer = Analyzer::new(lexicon);
            records
                .iter()
                .flat_map(|record| [&record.title, &record.body])
                .map(|text| analyzer.analyze(text))
                .collect::<Vec<_>>()
        }
    };
    let (from_file, in_memory) = std::thread::scope(|scope| {
        let a = scope.spawn(analyse_all(mapped.clone()));
        let b = scope.spawn(analyse_all(built.clone()));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(from_file.len(), 2 * records.len());
    let mut parts = 0;
    for (i, (a, b)) in from_file.iter().zip(&in_memory).enumerate() {
        assert_eq!(a, b, "record {}", records[i / 2].id);
        parts += a.parts.len();
    }
    assert!(parts > 10_000, "compounds were split: {parts} parts");

    // Word by word: counts, evidence as a part, the dictionary's two-letter heads and
    // corrections of a letter dropped from each word.
    let words = mapped.words();
    assert_eq!(words.len(), mapped.len());
    let mut sorted_built = built.words();
    sorted_built.sort();
    let mut sorted_mapped = words.clone();
    sorted_mapped.sort();
    assert_eq!(sorted_mapped, sorted_built);
    for (word, count) in words.iter().step_by(7) {
        assert_eq!(mapped.corpus_count(word), *count);
        assert_eq!(mapped.count(word), built.count(word), "{word}");
        assert_eq!(
            mapped.part_evidence(word),
            built.part_evidence(word),
            "{word}"
        );
        assert_eq!(
            mapped.two_letter_head(word),
            built.two_letter_head(word),
            "{word}"
        );
        let typo: String = word.chars().skip(1).collect();
        assert_eq!(mapped.correction(&typo), built.correction(&typo), "{typo}");
    }
    assert!(mapped.two_letter_head("solel"), "from the dictionary");

    // The shortcut the records above were analysed with: most beginnings of the corpus's
    // long words are no part as written, and the table in memory says so at once.
    let mut cuts = 0;
    let mut rejected = 0;
    for (word, _) in words.iter().filter(|(w, _)| w.chars().count() >= 12) {
        for (at, _) in word.char_indices().skip(3) {
            cuts += 1;
            assert!(mapped.may_write_part(&word[..at]));
            rejected += usize::from(!built.may_write_part(&word[..at]));
        }
    }
    assert!(rejected * 2 > cuts, "{rejected} of {cuts} cuts rejected");

    // Words typed without diacritics: the walk of the mapped table finds exactly the corpus
    // words that fold to them, as a scan of every word does.
    let mut by_folded: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (word, _) in &sorted_built {
        by_folded
            .entry(fold(word).into_owned())
            .or_default()
            .push(word.clone());
    }
    let mut walked_forms = 0;
    for (typed, expected) in by_folded.iter().filter(|(_, words)| words.len() > 1) {
        let mut found = Vec::new();
        assert!(mapped.visit_words_folding_to(typed, |word, _| found.push(word.to_string())));
        found.sort();
        assert_eq!(&found, expected, "{typed}");
        walked_forms += 1;
    }
    assert!(
        walked_forms > 100,
        "folded forms with several words: {walked_forms}"
    );
    assert!(!built.visit_words_folding_to("hogskolan", |_, _| ()));
}

#[test]
fn the_lexicon_file_is_reproducible_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
    index_paths(dir.path(), &[seeds], DEFAULT_WRITER_MEMORY, &mut NoProgress).unwrap();
    let file = dir.path().join(LEXICON_FILE);
    let saved = std::fs::read(&file).unwrap();
    let lexicon = Lexicon::load(dir.path()).unwrap().unwrap();
    lexicon.save(dir.path()).unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        saved,
        "saved again: same bytes"
    );
    Lexicon::verify(dir.path()).unwrap();

    // One byte changed in the word table: opening may not see it, the check does.
    let mut damaged = saved.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    std::fs::write(&file, &damaged).unwrap();
    let err = Lexicon::verify(dir.path()).unwrap_err();
    assert!(err.to_string().contains("checksum"), "{err}");

    // Not a lexicon file at all, or cut short: refused on opening, with what is wrong.
    std::fs::write(&file, b"{\"chain\": \"full\"}").unwrap();
    let err = Lexicon::load(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not a fynd lexicon file"), "{err}");
    std::fs::write(&file, &saved[..saved.len() / 3]).unwrap();
    let err = Lexicon::load(dir.path()).unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
}
