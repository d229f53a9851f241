//! What the chain made of each word lately, remembered at two levels: per thread, for the
//! words in use (no lock on the path every word of every document takes), and shared by
//! all threads, for the words one thread analysed and another may meet next.
//!
//! tantivy gives each field of each new segment a fresh clone of its tokenizer, so a memo
//! kept in the analyzer started cold every few thousand documents and analysed the common
//! words again (1–2 million words analysed for 338 000 distinct ones at 100 000
//! documents). A thread outlives the segments it writes, so the first level is kept per
//! thread. With one memo per thread, each indexing thread still decompounded every word it
//! met, about a million words for 428 000 distinct ones at 100 000 documents on two
//! threads; decompounding a new word is the costly step of indexing, so a word one thread
//! analysed is kept for the others too.
//!
//! Each level holds two generations: when the newer fills up, the older is dropped and the
//! newer becomes the older, and a word found in the older moves back to the newer. Words
//! in use stay; the long tail of rare words passes through. Each entry keeps the id of the
//! lexicon it was made with, and is only found under that lexicon.

use super::fasthash::{FastMap, WordHasher};
use super::WordTerms;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::{Mutex, OnceLock};

/// Most words in one generation of a thread's memo (a few in unit tests, to see
/// generations pass).
pub const THREAD_GENERATION_WORDS: usize = if cfg!(test) { 1_000 } else { 50_000 };

/// Most words in one generation of the shared memo, over all its shards.
pub const SHARED_GENERATION_WORDS: usize = if cfg!(test) { 4_096 } else { 100_000 };

/// Locks the shared memo is split over, so that threads seldom wait for each other.
const SHARDS: usize = 64;

/// Two generations of remembered words, each entry with the lexicon it was made with.
struct Generations<T> {
    limit: usize,
    newer: FastMap<String, (u64, T)>,
    older: FastMap<String, (u64, T)>,
}

impl<T: Clone> Generations<T> {
    fn new(limit: usize) -> Generations<T> {
        Generations {
            limit,
            newer: FastMap::default(),
            older: FastMap::default(),
        }
    }

    /// The entry of `word` made with `lexicon`, moved to the newer generation if it was in
    /// the older.
    fn get(&mut self, lexicon: u64, word: &str) -> Option<T> {
        if let Some((made_with, found)) = self.newer.get(word) {
            return (*made_with == lexicon).then(|| found.clone());
        }
        if self.older.get(word)?.0 != lexicon {
            return None;
        }
        let (key, entry) = self.older.remove_entry(word)?;
        let found = entry.1.clone();
        self.insert(key, entry);
        Some(found)
    }

    /// Remembers `entry` for `word` under `lexicon`, in place of what another lexicon
    /// made of it.
    fn put(&mut self, lexicon: u64, word: String, entry: T) {
        self.insert(word, (lexicon, entry));
    }

    fn insert(&mut self, word: String, entry: (u64, T)) {
        if self.newer.len() >= self.limit {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(word, entry);
    }
}

thread_local! {
    static THREAD_MEMO: RefCell<Generations<Rc<WordTerms>>> =
        RefCell::new(Generations::new(THREAD_GENERATION_WORDS));
}

fn shared_shard(word: &str) -> &'static Mutex<Generations<WordTerms>> {
    static SHARED: OnceLock<Vec<Mutex<Generations<WordTerms>>>> = OnceLock::new();
    let shards = SHARED.get_or_init(|| {
        (0..SHARDS)
            .map(|_| Mutex::new(Generations::new(SHARED_GENERATION_WORDS / SHARDS)))
            .collect()
    });
    let mut hasher = WordHasher::default();
    word.hash(&mut hasher);
    // The high bits: the thread's own table uses the same hash's low ones.
    &shards[(hasher.finish() >> 58) as usize % SHARDS]
}

/// What the chain makes of the lower-cased `word` under lexicon `lexicon`: remembered by
/// this thread, or by another, or made by `compute` and remembered by both levels.
pub(super) fn word_terms(
    lexicon: u64,
    word: &str,
    compute: impl FnOnce() -> WordTerms,
) -> Rc<WordTerms> {
    if let Some(found) = THREAD_MEMO.with(|memo| memo.borrow_mut().get(lexicon, word)) {
        return found;
    }
    let shard = shared_shard(word);
    let shared = shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(lexicon, word);
    let terms = match shared {
        Some(terms) => Rc::new(terms),
        None => {
            // Computed outside every lock and borrow: the memos are free while the chain
            // runs (two threads may then analyse one new word both; they agree).
            let terms = compute();
            shard
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .put(lexicon, word.to_string(), terms.clone());
            Rc::new(terms)
        }
    };
    THREAD_MEMO.with(|memo| {
        memo.borrow_mut()
            .put(lexicon, word.to_string(), terms.clone())
    });
    terms
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
                if word == "memotestord" {
                    in_use_computed.set(in_use_computed.get() + 1);
                }
                terms(&format!("{lexicon}:{word}"))
            })
            .word
            .clone()
        };
        // Lexicon ids and words of this test only: tests run on several threads and share
        // the shared memo.
        assert_eq!(lookup(7007, "memotestord"), "7007:memotestord");
        assert_eq!(lookup(7007, "memotestord"), "7007:memotestord");
        assert_eq!(computed.get(), 1);
        // Three generations of rare words pass while one word keeps being used.
        for n in 0..3 * SHARED_GENERATION_WORDS {
            lookup(7007, &format!("memotestord{n}"));
            if n % 100 == 0 {
                lookup(7007, "memotestord");
            }
        }
        assert_eq!(lookup(7007, "memotestord"), "7007:memotestord");
        assert_eq!(in_use_computed.get(), 1, "a word in use is kept");
        computed.set(0);
        assert_eq!(lookup(7007, "memotestord0"), "7007:memotestord0");
        assert_eq!(
            computed.get(),
            1,
            "a word not used for two generations is dropped"
        );
        assert_eq!(lookup(8008, "memotestord"), "8008:memotestord");
        assert_eq!(lookup(7007, "memotestord"), "7007:memotestord");
        assert_eq!(computed.get(), 3);
    }

    #[test]
    fn a_word_one_thread_analysed_is_not_analysed_again_by_another() {
        let analyse = |made_by: &'static str| {
            std::thread::spawn(move || {
                word_terms(9009, "memotestsamverkan", || terms(made_by))
                    .word
                    .clone()
            })
        };
        assert_eq!(
            analyse("the first thread").join().unwrap(),
            "the first thread"
        );
        assert_eq!(
            analyse("the second thread").join().unwrap(),
            "the first thread"
        );
    }
}
