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

use super::fasthash::{FastMap, FastSet, WordHasher};
use super::word_terms::WordTerms;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::rc::Rc;
use std::sync::{Arc, Mutex, OnceLock};

/// Most words in one generation of a thread's memo (a few in unit tests, to see
/// generations pass).
pub const THREAD_GENERATION_WORDS: usize = if cfg!(test) { 1_000 } else { 50_000 };

/// Most words in one generation of the shared memo, over all its shards.
pub const SHARED_GENERATION_WORDS: usize = if cfg!(test) { 4_096 } else { 100_000 };

/// Locks the shared memo is split over, so that threads seldom wait for each other.
const SHARDS: usize = 64;

/// One remembered word: its packed terms (which begin with the word, so the entry is its
/// own key) and the lexicon they were made with.
struct Entry<P> {
    lexicon: u64,
    terms: WordTerms<P>,
}

impl<P: Deref<Target = str>> Borrow<str> for Entry<P> {
    fn borrow(&self) -> &str {
        self.terms.word()
    }
}

impl<P: Deref<Target = str>> Hash for Entry<P> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        Borrow::<str>::borrow(self).hash(state);
    }
}

impl<P: Deref<Target = str>> PartialEq for Entry<P> {
    fn eq(&self, other: &Entry<P>) -> bool {
        Borrow::<str>::borrow(self) == Borrow::<str>::borrow(other)
    }
}

impl<P: Deref<Target = str>> Eq for Entry<P> {}

/// Two generations of remembered words, each entry with the lexicon it was made with.
struct Generations<P> {
    limit: usize,
    newer: FastSet<Entry<P>>,
    older: FastSet<Entry<P>>,
}

impl<P: Deref<Target = str>> Generations<P> {
    fn new(limit: usize) -> Generations<P> {
        Generations {
            limit,
            newer: FastSet::default(),
            older: FastSet::default(),
        }
    }

    /// What `read` makes of the terms of `word` made with `lexicon`, moved to the newer
    /// generation if they were in the older.
    fn get<R>(
        &mut self,
        lexicon: u64,
        word: &str,
        read: impl FnOnce(&WordTerms<P>) -> R,
    ) -> Option<R> {
        if let Some(entry) = self.newer.get(word) {
            return (entry.lexicon == lexicon).then(|| read(&entry.terms));
        }
        if self.older.get(word)?.lexicon != lexicon {
            return None;
        }
        let entry = self.older.take(word)?;
        let found = read(&entry.terms);
        self.insert(entry);
        Some(found)
    }

    /// Remembers the `terms` of a word under `lexicon`, in place of what another lexicon
    /// made of it.
    fn put(&mut self, lexicon: u64, terms: WordTerms<P>) {
        self.insert(Entry { lexicon, terms });
    }

    fn insert(&mut self, entry: Entry<P>) {
        if self.newer.len() >= self.limit {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.replace(entry);
    }
}

thread_local! {
    static THREAD_MEMO: RefCell<Generations<Rc<str>>> =
        RefCell::new(Generations::new(THREAD_GENERATION_WORDS));
}

fn shared_shard(word: &str) -> &'static Mutex<Generations<Arc<str>>> {
    static SHARED: OnceLock<Vec<Mutex<Generations<Arc<str>>>>> = OnceLock::new();
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
    compute: impl FnOnce() -> WordTerms<String>,
) -> WordTerms<Rc<str>> {
    if let Some(found) = THREAD_MEMO.with(|memo| memo.borrow_mut().get(lexicon, word, Clone::clone))
    {
        return found;
    }
    let shard = shared_shard(word);
    // Copied into this thread's own string under the lock: no count shared between
    // threads changes on the way.
    let shared = shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(lexicon, word, WordTerms::convert);
    let terms = match shared {
        Some(terms) => terms,
        None => {
            // Computed outside every lock and borrow: the memos are free while the chain
            // runs (two threads may then analyse one new word both; they agree).
            let terms = compute();
            debug_assert_eq!(terms.word(), word);
            shard
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .put(lexicon, terms.convert());
            terms.convert()
        }
    };
    THREAD_MEMO.with(|memo| memo.borrow_mut().put(lexicon, terms.clone()));
    terms
}

/// What this thread or another remembers of the lower-cased `word` under lexicon
/// `lexicon`, if anything; nothing is computed.
pub(super) fn remembered(lexicon: u64, word: &str) -> Option<WordTerms<Rc<str>>> {
    if let Some(found) = THREAD_MEMO.with(|memo| memo.borrow_mut().get(lexicon, word, Clone::clone))
    {
        return Some(found);
    }
    shared_shard(word)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(lexicon, word, WordTerms::convert)
}

/// Most words a thread keeps in each of its memos of compound parts (their lemmas, their
/// terms, what a part as written stands for); past it, that memo starts afresh.
pub const PART_MEMO_WORDS: usize = if cfg!(test) { 100 } else { 100_000 };

/// What a compound part's lemma ("utveckling") is made of: its term, and the lemmas of its
/// own parts (none: it is not split).
#[derive(Clone, Debug)]
pub(super) struct PartLemma {
    pub term: Rc<str>,
    pub parts: Rc<[String]>,
    /// The term of the base word the lemma is derived from, if any.
    pub derived: Option<Rc<str>>,
}

/// A thread's memo of what was made of words: each entry under the id of the lexicon it
/// was made with (found only under that lexicon), the whole memo forgotten once it holds
/// its bound.
pub(super) type ThreadWordMemo<V> = RefCell<FastMap<Box<str>, (u64, V)>>;

/// What `memo` (a thread's, bounded to `limit` words) holds for `word` under lexicon
/// `lexicon`, or what `compute` makes of it, then remembered.
pub(super) fn remembered_per_thread<V: Clone + 'static>(
    memo: &'static std::thread::LocalKey<ThreadWordMemo<V>>,
    limit: usize,
    lexicon: u64,
    word: &str,
    compute: impl FnOnce() -> V,
) -> V {
    let found = memo.with(|memo| {
        memo.borrow()
            .get(word)
            .filter(|(made_with, _)| *made_with == lexicon)
            .map(|(_, value)| value.clone())
    });
    if let Some(found) = found {
        return found;
    }
    // Made outside the borrow: `compute` may ask this or another memo again.
    let value = compute();
    memo.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= limit {
            memo.clear();
        }
        memo.insert(word.into(), (lexicon, value.clone()));
    });
    value
}

thread_local! {
    static PART_LEMMA_MEMO: ThreadWordMemo<PartLemma> = RefCell::new(FastMap::default());
}

/// What the lemma of a compound part is made of under lexicon `lexicon`: remembered by
/// this thread, or made by `compute`. The parts of new compounds are mostly common words
/// ("utveckling", "projekt"), and each compound's parts are split in turn (for the parts
/// of parts); remembered, a common part is split once instead of once per compound.
pub(super) fn part_lemma(
    lexicon: u64,
    lemma: &str,
    compute: impl FnOnce() -> PartLemma,
) -> PartLemma {
    remembered_per_thread(&PART_LEMMA_MEMO, PART_MEMO_WORDS, lexicon, lemma, compute)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Terms of `word` whose whole-word term says who made them.
    fn terms(word: &str, made_by: &str) -> WordTerms<String> {
        WordTerms::pack(word, None, made_by, "", None, &[])
    }

    fn term(terms: &WordTerms<Rc<str>>) -> String {
        terms.term().to_string()
    }

    #[test]
    fn words_in_use_stay_and_another_lexicon_starts_afresh() {
        let computed = Cell::new(0);
        let in_use_computed = Cell::new(0);
        let lookup = |lexicon: u64, word: &str| {
            let packed = word_terms(lexicon, word, || {
                computed.set(computed.get() + 1);
                if word == "memotestord" {
                    in_use_computed.set(in_use_computed.get() + 1);
                }
                terms(word, &format!("{lexicon}:{word}"))
            });
            term(&packed)
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
                term(&word_terms(9009, "memotestsamverkan", || {
                    terms("memotestsamverkan", made_by)
                }))
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

    #[test]
    fn a_common_part_is_split_once_per_thread_and_lexicon() {
        let computed = Cell::new(0);
        let lemma = |lexicon: u64, word: &str| {
            part_lemma(lexicon, word, || {
                computed.set(computed.get() + 1);
                PartLemma {
                    term: format!("{lexicon}:{word}").into(),
                    parts: Rc::from(vec![word[..4].to_string()]),
                    derived: None,
                }
            })
        };
        let first = lemma(1101, "utveckling");
        assert_eq!(
            (&*first.term, &first.parts[..]),
            ("1101:utveckling", &["utve".to_string()][..])
        );
        assert_eq!(&*lemma(1101, "utveckling").term, "1101:utveckling");
        assert_eq!(computed.get(), 1);
        assert_eq!(&*lemma(2202, "utveckling").term, "2202:utveckling");
        assert_eq!(computed.get(), 2);
        // Full, the memo starts afresh.
        for n in 0..PART_MEMO_WORDS {
            lemma(2202, &format!("projekt{n}"));
        }
        computed.set(0);
        lemma(2202, "utveckling");
        assert_eq!(computed.get(), 1);
    }
}
