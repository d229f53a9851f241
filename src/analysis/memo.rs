//! What the chain made of each word lately, kept per thread and shared by every analyzer
//! on it. tantivy gives each field of each new segment a fresh clone of its tokenizer, so
//! a memo kept in the analyzer started cold every few thousand documents and analysed the
//! common words again (1–2 million words analysed for 338 000 distinct ones at 100 000
//! documents); decompounding a word is the costly step of indexing. A thread outlives
//! the segments it writes.
//!
//! The memo holds two generations of at most [`GENERATION_WORDS`] words each: when the
//! newer fills up, the older is dropped and the newer becomes the older, and a word found
//! in the older moves back to the newer. Words in use stay; the long tail of rare words
//! passes through. Entries are for one lexicon at a time: a word is analysed by the
//! lexicon the memo was filled with, or the memo is emptied first.

use super::fasthash::FastMap;
use super::WordTerms;
use std::cell::RefCell;
use std::rc::Rc;

/// Most words in one generation of the memo (a few in unit tests, to see generations pass).
pub const GENERATION_WORDS: usize = if cfg!(test) { 1_000 } else { 200_000 };

#[derive(Default)]
struct Memo {
    lexicon: u64,
    newer: FastMap<String, Rc<WordTerms>>,
    older: FastMap<String, Rc<WordTerms>>,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// What the chain makes of the lower-cased `word` under lexicon `lexicon`: remembered, or
/// made by `compute` and remembered.
pub(super) fn word_terms(
    lexicon: u64,
    word: &str,
    compute: impl FnOnce() -> WordTerms,
) -> Rc<WordTerms> {
    let found = MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.lexicon != lexicon {
            memo.newer.clear();
            memo.older.clear();
            memo.lexicon = lexicon;
        }
        if let Some(terms) = memo.newer.get(word) {
            return Some(terms.clone());
        }
        let (key, terms) = memo.older.remove_entry(word)?;
        insert(&mut memo, key, terms.clone());
        Some(terms)
    });
    if let Some(terms) = found {
        return terms;
    }
    // Computed outside the borrow: the memo is free while the chain runs.
    let terms = Rc::new(compute());
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.lexicon == lexicon {
            insert(&mut memo, word.to_string(), terms.clone());
        }
    });
    terms
}

fn insert(memo: &mut Memo, word: String, terms: Rc<WordTerms>) {
    if memo.newer.len() >= GENERATION_WORDS {
        memo.older = std::mem::take(&mut memo.newer);
    }
    memo.newer.insert(word, terms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn terms(word: &str) -> WordTerms {
        WordTerms {
            stop: false,
            word: word.to_string(),
            folded: String::new(),
            parts: Vec::new(),
            tail: None,
        }
    }

    #[test]
    fn words_in_use_stay_and_another_lexicon_starts_afresh() {
        let computed = Cell::new(0);
        let in_use_computed = Cell::new(0);
        let lookup = |lexicon: u64, word: &str| {
            word_terms(lexicon, word, || {
                computed.set(computed.get() + 1);
                if word == "samverkan" {
                    in_use_computed.set(in_use_computed.get() + 1);
                }
                terms(&format!("{lexicon}:{word}"))
            })
            .word
            .clone()
        };
        assert_eq!(lookup(7, "samverkan"), "7:samverkan");
        assert_eq!(lookup(7, "samverkan"), "7:samverkan");
        assert_eq!(computed.get(), 1);
        // Three generations of rare words pass while one word keeps being used.
        for n in 0..3 * GENERATION_WORDS {
            lookup(7, &format!("ord{n}"));
            if n % 100 == 0 {
                lookup(7, "samverkan");
            }
        }
        assert_eq!(lookup(7, "samverkan"), "7:samverkan");
        assert_eq!(in_use_computed.get(), 1, "a word in use is kept");
        computed.set(0);
        assert_eq!(lookup(7, "ord0"), "7:ord0");
        assert_eq!(
            computed.get(),
            1,
            "a word not used for two generations is dropped"
        );
        assert_eq!(lookup(8, "samverkan"), "8:samverkan");
        assert_eq!(lookup(7, "samverkan"), "7:samverkan");
        assert_eq!(computed.get(), 3);
    }
}
