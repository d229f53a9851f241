//! Splitting new word forms: how long `decompound::split` takes a word with the lexicon of a
//! real index held in memory, as indexing holds it. Indexing splits every word form the
//! first time any thread meets it, so this is the cost a new word adds to `fynd index`.
//!
//!     FYND_BENCH_INDEX=DIR FYND_BENCH_CORPUS=DIR cargo bench --bench decompound
//!
//! `FYND_BENCH_INDEX` is an index whose lexicon is used (e.g. the side-by-side's
//! `target/peers/100000/fynd-index`), `FYND_BENCH_CORPUS` a folder of text files whose
//! distinct lower-cased words of five letters or more are split, in file-name order, up to
//! `FYND_BENCH_WORDS` of them (default 200 000). Prints the time per word and a digest of
//! every split, so that two builds can be checked to split alike. Each word is split once,
//! on one thread, with the thread's memos of parts starting empty.

use fynd::analysis::decompound::split;
use fynd::analysis::lexicon::Lexicon;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let (Some(index), Some(corpus)) = (
        std::env::var_os("FYND_BENCH_INDEX").map(PathBuf::from),
        std::env::var_os("FYND_BENCH_CORPUS").map(PathBuf::from),
    ) else {
        eprintln!(
            "set FYND_BENCH_INDEX (an index folder) and FYND_BENCH_CORPUS (a folder of text files)"
        );
        return;
    };
    let limit: usize = std::env::var("FYND_BENCH_WORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let mut lexicon = match Lexicon::load(&index) {
        Ok(Some(lexicon)) => lexicon,
        Ok(None) => panic!("{}: no lexicon in this folder", index.display()),
        Err(err) => panic!("{}: {err}", index.display()),
    };
    lexicon.make_built();

    let mut words = Vec::new();
    let mut seen = HashSet::new();
    'files: for entry in walkdir::WalkDir::new(&corpus).sort_by_file_name() {
        let entry = entry.expect("a readable corpus folder");
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for word in text.to_lowercase().split(|c: char| !c.is_alphabetic()) {
            if word.chars().count() >= 5 && seen.insert(word.to_string()) {
                words.push(word.to_string());
                if words.len() == limit {
                    break 'files;
                }
            }
        }
    }

    let start = Instant::now();
    let mut split_words = 0;
    let mut digest = 0u64;
    for word in &words {
        if let Some(parts) = split(&lexicon, word) {
            split_words += 1;
            for part in parts {
                for byte in part.lemma.bytes().chain(part.surface.end.to_le_bytes()) {
                    digest = digest.wrapping_mul(31).wrapping_add(u64::from(byte));
                }
            }
        }
    }
    let elapsed = start.elapsed();
    println!(
        "{} distinct words, {} split: {:.2} us a word (splits digest {:016x})",
        words.len(),
        split_words,
        elapsed.as_secs_f64() * 1e6 / words.len().max(1) as f64,
        digest
    );
}
