//! The lexicon: what fynd has learned about the words of the indexed corpus. It holds how
//! often each word occurs (the evidence for decompounding and the vocabulary for typo
//! corrections) and the inflection table ([`super::inflect`]). It is learned when the
//! corpus is indexed, saved in the index folder as [`LEXICON_FILE`] and opened with the
//! index, so that queries are analysed exactly as the documents were. Opened to search, its
//! word table stays in the file, memory-mapped ([`super::word_table`]): a command reads the
//! pages its query's words touch, not the whole vocabulary.

use super::decompound::{self, AFFIXES, MIN_PART_CHARS, MIN_PART_COUNT};
use super::fasthash::{FastMap, FastSet};
use super::inflect::{self, InflectionTable};
use super::lowercase::lowercase;
use super::part_filter::PartFilter;
use super::segment::{segments, SegmentKind};
use super::stem::SwedishStemmer;
use super::stopwords::is_stopword;
use super::word_pairs::WordPairs;
use super::word_table::{MappedWords, WordStats, WordTable};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// File name of the saved lexicon inside an index folder: the word table as finite-state
/// maps that a search memory-maps, and the small tables beside it (see [`Lexicon::save`]).
pub const LEXICON_FILE: &str = "fynd-lexicon.fst";

/// File name of the lexicon as indexes written before the mapped file saved it: JSON,
/// zstd-compressed; still read (and replaced by [`LEXICON_FILE`] at the next save).
pub const JSON_LEXICON_FILE: &str = "fynd-lexicon.json.zst";

/// File name of the lexicon as indexes written before compression saved it (plain JSON);
/// still read.
pub const LEGACY_LEXICON_FILE: &str = "fynd-lexicon.json";

/// The first bytes of a [`LEXICON_FILE`]: its format and version.
const LEXICON_MAGIC: &[u8; 8] = b"FYNDLEX2";

/// The built-in base lexicon as written in the repository (see the file's header).
pub const BASE_LEXICON_FILE: &str = include_str!("base_lexicon_sv.txt");

/// The dictionary part of the base lexicon: the Swedish hunspell dictionary (LGPL-3.0, see
/// `LICENSES/README.md`) as `scripts/base_lexicon.py` processes it, zstd-compressed: one
/// lower-case word a line, `|` lines a header, a word followed by a tab and `2` a compound
/// whose last part is a two-letter noun ([`Lexicon::two_letter_head`]).
pub const DICTIONARY_FILE: &[u8] = include_bytes!("base_lexicon_hunspell_sv.txt.zst");

/// zstd level of the saved lexicon and manifest: fast, and most of what higher levels give.
pub const ZSTD_LEVEL: i32 = 3;

/// How many occurrences a word of the hand-written base lexicon counts as, on top of its
/// corpus count.
pub const BASE_COUNT: u32 = 5;

/// How many occurrences a dictionary word ([`DICTIONARY_FILE`]) not in the hand-written list
/// counts as, on top of its corpus count: [`MIN_PART_COUNT`], enough to be a compound part
/// with no corpus evidence at all, and no more. Being in the dictionary says a string is a
/// word, not that it is common; a word the corpus uses often still outweighs it, so a
/// frequent plain word ("företag") is kept whole against two rare dictionary words ("före",
/// "tag") as before.
pub const DICTIONARY_COUNT: u32 = MIN_PART_COUNT;

/// How many of the corpus's most frequent words (by all their forms, stopwords left out)
/// are [`Lexicon::is_pair_word`]s: two of them side by side are indexed as one pair term,
/// so that a phrase of two common words ("hållbar tillväxt") is one list to read instead of
/// two long lists and their positions. In a generated corpus of a million documents the 64
/// most frequent words are 27 % of the words that are not stopwords (128: 37 %); the pairs
/// to index grow with the square of that share, and with them the indexing time, while a
/// phrase of rarer words has short lists anyway.
pub const PAIR_WORDS: usize = 64;

/// How many of the corpus's most frequent words (chosen as [`PAIR_WORDS`] are) are
/// [`Lexicon::is_near_word`]s: two of them standing at most [`NEAR_WORDS_BETWEEN`] words
/// apart, in either order, are also indexed as one near-pair term. A compound whose two
/// parts are both near words ("kompetens" + "utveckling") is then found written apart by
/// reading that one list, where otherwise both parts' long lists are intersected and their
/// positions read; for any other compound one part is rarer than every near word, and that
/// part's list bounds the positions read.
pub const NEAR_WORDS: usize = 256;

/// Words allowed between two near words for their near-pair term: the default window of
/// a compound's parts written apart, which is what the near-pair terms answer.
pub const NEAR_WORDS_BETWEEN: u32 = 2;

/// Which analysis chain an index was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Chain {
    /// The whole Swedish chain: stopwords, stemming with inflection normalisation,
    /// decompounding, diacritic folding.
    #[default]
    Full,
    /// Lower-casing and Snowball stemming only: the baseline the relevance tests compare with.
    Plain,
}

/// Words of the corpus with their counts, and the inflection table learned from them.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// The chain the index was built with.
    pub chain: Chain,
    /// Corpus words (lower-cased, letters only) and base-lexicon words (the hand-written
    /// list and the dictionary, merged in when the lexicon is derived), with what the chain
    /// asks of each: its corpus count and its evidence as a compound part. One table, so
    /// that decompounding pays one lookup per candidate part; built in memory, or mapped
    /// from the saved file when the lexicon is opened to search.
    words: WordTable,
    /// How many entries of `words` occur in the corpus (the rest are base words only).
    corpus_words: usize,
    /// Snowball stem → canonical stem, for stems that split one word's forms.
    stem_table: WordPairs,
    /// Form → canonical stem, for forms whose Snowball stem is another word's
    /// ([`inflect::InflectionTable::words`]: "fasad" is not "fas"); looked up before the
    /// stem. Empty in lexicons saved before (their indexes keep Snowball's stems).
    form_table: WordPairs,
    /// Corpus count of all forms of a word, by canonical stem, for a built word table:
    /// computed with the counts when a lexicon is learned or grows, and on first use in a
    /// lexicon read from JSON with its words' evidence. A mapped table has them saved.
    family_counts: std::sync::OnceLock<FastMap<String, u32>>,
    /// Tells this lexicon's contents apart from every other's in this process (new with
    /// every change), so analyses made with it can be shared between tokenizers.
    id: u64,
    /// The words that can be compound parts (corpus and base words alike), for rejecting
    /// candidates without a lookup (derived, not saved).
    part_filter: PartFilter,
    /// Every way a word that can be a compound part may be written as a part before
    /// another ([`Lexicon::may_write_part`]), for rejecting most cuts of a new word with one
    /// probe instead of one per candidate lemma. Built with a word table in memory
    /// (indexing, which decompounds every new word form); a mapped table has none and lets
    /// every cut through (derived, not saved).
    part_surfaces: PartFilter,
    /// The whole-word terms indexed in pairs when they stand side by side
    /// ([`Lexicon::is_pair_word`]): chosen when the lexicon is learned and saved with it,
    /// never changed by [`Lexicon::absorb`], so every record of an index has the same pairs.
    pair_words: FastSet<Box<str>>,
    /// The whole-word terms indexed in near pairs ([`Lexicon::is_near_word`]), chosen and
    /// kept as `pair_words` are; empty in lexicons saved before (their indexes hold no
    /// near pairs).
    near_words: FastSet<Box<str>>,
    /// The words allowed between two near words in a near pair of this lexicon's index
    /// ([`NEAR_WORDS_BETWEEN`] when it was learned), saved with it so that the index and
    /// its queries agree whatever a later fynd's default.
    near_words_between: u32,
    /// Agent nouns in -are that the corpus inflects as nouns ("företagare" beside
    /// "företagaren" or "företagarna"): each is its own whole-word term
    /// ([`Lexicon::agent_term`]) instead of Snowball's stem, which it shares with the word
    /// it is made from ("företag", "företagande"). Chosen when the lexicon is learned and
    /// saved with it, never changed by [`Lexicon::absorb`], so every record of an index
    /// has the same terms; empty in lexicons saved before (their indexes keep Snowball's).
    agent_nouns: FastSet<Box<str>>,
    /// Whole-word terms keep the derivational endings Snowball strips
    /// ([`SwedishStemmer::keeping_derivations`]: "viktig" is not "vikt"). Set when the
    /// lexicon is learned and saved with it; false in lexicons saved before (their indexes
    /// keep Snowball's stems) and in the plain chain.
    derivations_kept: bool,
}

/// Endings of a Swedish agent noun in -are, longest first: "företagare", -s, -n, -ns, and
/// the definite plural "företagarna", -s.
const AGENT_ENDINGS: [&str; 6] = ["arnas", "arens", "arna", "aren", "ares", "are"];

/// The definite endings only a noun in -are takes (a comparative such as "starkare" never
/// does); one of them in the corpus tells an agent noun.
const AGENT_DEFINITE_ENDINGS: [&str; 4] = ["aren", "arens", "arna", "arnas"];

/// Fewest letters before "-are" for an agent noun ("läkare", "företagare").
const AGENT_BASE_CHARS: usize = 3;

/// A process-wide unique lexicon id.
fn fresh_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// What the lexicon knows of a candidate compound part ([`Lexicon::part_evidence`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartEvidence {
    /// [`Lexicon::count`] of the word.
    pub count: u32,
    /// The word has more than the dictionary's word for it: the corpus uses it
    /// ([`MIN_PART_COUNT`] times, all forms counted) or it is in the hand-written list.
    pub attested: bool,
}

/// The lexicon as indexes written before the mapped file saved it ([`JSON_LEXICON_FILE`]),
/// read into hash maps.
#[derive(Deserialize)]
struct SavedLexicon {
    chain: Chain,
    /// Read as a list: the lexicon's own table is built from it once, not hashed twice.
    #[serde(deserialize_with = "word_counts")]
    words: Vec<(String, u32)>,
    stem_table: HashMap<String, String>,
    /// Absent from lexicons saved before forms were moved off another word's stem: none.
    #[serde(default)]
    form_table: HashMap<String, String>,
    /// Absent from lexicons saved before pairs were indexed: no pair words.
    #[serde(default)]
    pair_words: Vec<String>,
    /// Absent from lexicons saved before agent nouns were kept apart: none.
    #[serde(default)]
    agent_nouns: Vec<String>,
    /// Absent from lexicons saved before derivations were kept: Snowball's stems.
    #[serde(default)]
    derivations_kept: bool,
    /// Each corpus word's evidence as a part where it is more than its own count (the
    /// count of all its forms), so loading needs no stemming. Absent from lexicons saved
    /// before: derived on load.
    #[serde(default)]
    evidence: Option<FastMap<String, u32>>,
}

/// The saved `words` object (word → count) as a list of pairs, in the file's order, sized
/// from the start when the format says how many there are.
fn word_counts<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, u32)>, D::Error> {
    struct Pairs;
    impl<'de> serde::de::Visitor<'de> for Pairs {
        type Value = Vec<(String, u32)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of words and their counts")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(pair) = map.next_entry::<String, u32>()? {
                pairs.push(pair);
            }
            Ok(pairs)
        }
    }
    deserializer.deserialize_map(Pairs)
}

/// Counts the words of a corpus text by text, so a lexicon can be learned from more text
/// than fits in memory at once, and by several threads (each with its own learner, merged).
#[derive(Clone, Debug, Default)]
pub struct LexiconLearner {
    words: FastMap<String, u32>,
}

impl LexiconLearner {
    /// Counts the words of one text.
    pub fn add(&mut self, text: &str) {
        for segment in segments(text) {
            if matches!(segment.kind, SegmentKind::Joined | SegmentKind::JoinedPart) {
                continue;
            }
            let word = lowercase(&segment.text);
            if word.chars().count() < 2 || !word.chars().all(char::is_alphabetic) {
                continue;
            }
            match self.words.get_mut(word.as_ref()) {
                Some(count) => *count += 1,
                None => {
                    self.words.insert(word.into_owned(), 1);
                }
            }
        }
    }

    /// Adds the counts of another learner (e.g. another thread's).
    pub fn merge(&mut self, other: LexiconLearner) {
        for (word, count) in other.words {
            *self.words.entry(word).or_insert(0) += count;
        }
    }

    /// The lexicon of everything counted: the words, and the inflection table learned from
    /// them and the base lexicon.
    pub fn finish(self) -> Lexicon {
        let words = self.words;
        let stemmer = SwedishStemmer::keeping_derivations();
        let vocabulary = words.keys().map(String::as_str).chain(
            base_words()
                .iter()
                .copied()
                .filter(|w| !words.contains_key(*w)),
        );
        let table = inflect::learn(vocabulary, &stemmer);
        let agent_nouns = agent_nouns(&words);
        let mut lexicon = Lexicon::from_counts(Chain::Full, words, table, true, None);
        lexicon.agent_nouns = agent_nouns;
        lexicon.pair_words = lexicon.most_frequent_terms(PAIR_WORDS);
        lexicon.near_words = lexicon.most_frequent_terms(NEAR_WORDS);
        lexicon.near_words_between = NEAR_WORDS_BETWEEN;
        lexicon
    }
}

/// The corpus words in -are that the corpus also has with a noun's definite ending
/// ([`AGENT_DEFINITE_ENDINGS`]): the agent nouns ([`Lexicon::agent_term`]).
fn agent_nouns(words: &FastMap<String, u32>) -> FastSet<Box<str>> {
    words
        .keys()
        .filter_map(|word| {
            let base = word.strip_suffix("are")?;
            let noun = base.chars().count() >= AGENT_BASE_CHARS
                && AGENT_DEFINITE_ENDINGS
                    .iter()
                    .any(|ending| words.contains_key(&format!("{base}{ending}")));
            noun.then(|| word.as_str().into())
        })
        .collect()
}

/// The words of the hand-written base lexicon ([`BASE_LEXICON_FILE`]), sorted.
fn base_words() -> &'static [&'static str] {
    static BASE: OnceLock<Vec<&'static str>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut words: Vec<&str> = BASE_LEXICON_FILE
            .lines()
            .map(|line| line.split('|').next().unwrap_or("").trim())
            .filter(|word| !word.is_empty())
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    })
}

/// What the base lexicon says of one word.
#[derive(Clone, Copy, Debug, Default)]
struct BaseEntry {
    /// Occurrences the word counts as on top of its corpus count ([`BASE_COUNT`] or
    /// [`DICTIONARY_COUNT`]).
    bonus: u32,
    /// The dictionary shows the word to be a compound of a two-letter last part.
    two_letter_head: bool,
    /// [`may_be_part`] of the word, worked out once per process.
    may_be_part: bool,
}

/// Whether `word` has what a compound part needs besides evidence: [`MIN_PART_CHARS`]
/// letters or more, neither a stopword nor a derivational affix.
fn may_be_part(word: &str) -> bool {
    word.chars().count() >= MIN_PART_CHARS && !is_stopword(word) && !AFFIXES.contains(&word)
}

/// The base lexicon (hand-written list and dictionary) as one table, built once per
/// process: it is the same for every index, so it is derived, never saved with a lexicon.
struct BaseLexicon {
    words: FastMap<&'static str, BaseEntry>,
    /// The words the dictionary shows to be compounds of a two-letter last part (a few
    /// hundred): a table of their own, small enough to stay in the cache, since every new
    /// word is looked up in it in several forms.
    two_letter_heads: FastSet<&'static str>,
}

fn base_lexicon() -> &'static BaseLexicon {
    static BASE: OnceLock<BaseLexicon> = OnceLock::new();
    BASE.get_or_init(|| {
        let text = zstd::decode_all(DICTIONARY_FILE).expect("the built-in dictionary decompresses");
        let text: &'static str = String::from_utf8(text)
            .expect("the built-in dictionary is UTF-8")
            .leak();
        let mut words: FastMap<&'static str, BaseEntry> = FastMap::default();
        words.reserve(text.len() / 10);
        for line in text.lines().filter(|line| !line.starts_with('|')) {
            let (word, mark) = line.split_once('\t').unwrap_or((line, ""));
            if word.is_empty() {
                continue;
            }
            words.insert(
                word,
                BaseEntry {
                    bonus: DICTIONARY_COUNT,
                    two_letter_head: mark == "2",
                    may_be_part: may_be_part(word),
                },
            );
        }
        for &word in base_words() {
            let entry = words.entry(word).or_default();
            entry.bonus = BASE_COUNT;
            entry.may_be_part = may_be_part(word);
        }
        let two_letter_heads = words
            .iter()
            .filter(|(_, entry)| entry.two_letter_head)
            .map(|(&word, _)| word)
            .collect();
        BaseLexicon {
            words,
            two_letter_heads,
        }
    })
}

impl Lexicon {
    /// The lexicon of an empty corpus: the base lexicon alone.
    pub fn base() -> Lexicon {
        Lexicon::learn(std::iter::empty::<&str>())
    }

    /// A lexicon for the plain baseline chain (no decompounding, no normalisation).
    pub fn plain() -> Lexicon {
        Lexicon {
            chain: Chain::Plain,
            id: fresh_id(),
            ..Lexicon::default()
        }
    }

    /// Learns the lexicon from the texts of a corpus: counts every word, then learns the
    /// inflection table from the corpus words and the base lexicon.
    pub fn learn<'a>(texts: impl IntoIterator<Item = &'a str>) -> Lexicon {
        let mut learner = LexiconLearner::default();
        for text in texts {
            learner.add(text);
        }
        learner.finish()
    }

    /// A lexicon of `chain` from corpus word counts and an inflection table, with the
    /// derived figures computed.
    fn from_counts(
        chain: Chain,
        counts: impl IntoIterator<Item = (String, u32)>,
        table: InflectionTable,
        derivations_kept: bool,
        evidence: Option<FastMap<String, u32>>,
    ) -> Lexicon {
        let counts = counts.into_iter();
        let mut words: FastMap<Box<str>, WordStats> = FastMap::default();
        words.reserve(counts.size_hint().0);
        for (word, own) in counts {
            words.insert(
                word.into_boxed_str(),
                WordStats {
                    own,
                    ..WordStats::default()
                },
            );
        }
        let mut lexicon = Lexicon {
            chain,
            words: WordTable::Built(words),
            corpus_words: 0,
            stem_table: table.stems.into(),
            form_table: table.words.into(),
            family_counts: std::sync::OnceLock::new(),
            id: 0,
            part_filter: PartFilter::default(),
            part_surfaces: PartFilter::default(),
            pair_words: FastSet::default(),
            near_words: FastSet::default(),
            near_words_between: 0,
            agent_nouns: FastSet::default(),
            derivations_kept,
        };
        lexicon.derive(evidence.as_ref());
        lexicon
    }

    /// The whole-word terms of the `count` most frequent word families of the corpus
    /// (all forms of a word counted together), stopwords left out; ties by term, so the
    /// choice is reproducible.
    fn most_frequent_terms(&self, count: usize) -> FastSet<Box<str>> {
        let stop_terms: FastSet<String> = super::stopwords::all()
            .map(|word| self.word_term(word))
            .collect();
        let all = self.family_list();
        let mut families: Vec<(&str, u32)> = all
            .iter()
            .filter(|(term, _)| !stop_terms.contains(term.as_str()))
            .map(|(term, count)| (term.as_str(), *count))
            .collect();
        families.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        families
            .into_iter()
            .take(count)
            .map(|(term, _)| term.into())
            .collect()
    }

    /// Holds the word table in memory (read from the mapped file if it is mapped), with the
    /// same entries: what indexing wants, whose decompounding asks the table for dozens of
    /// candidate parts of every new word form.
    pub fn make_built(&mut self) {
        if matches!(self.words, WordTable::Built(_)) {
            return;
        }
        (self.part_filter, self.part_surfaces) = part_filters_of(self.words.make_built());
    }

    /// Whether the whole-word `term` is one of the corpus's most frequent words, indexed
    /// in pairs with such a word standing right after it ([`PAIR_WORDS`]).
    pub fn is_pair_word(&self, term: &str) -> bool {
        self.pair_words.contains(term)
    }

    /// Whether the whole-word `term` is one of the corpus's most frequent words, indexed
    /// in a near-pair term with every such word at most [`NEAR_WORDS_BETWEEN`] words from
    /// it ([`NEAR_WORDS`]).
    pub fn is_near_word(&self, term: &str) -> bool {
        self.near_words.contains(term)
    }

    /// The words allowed between two near words whose near-pair term the index holds;
    /// `None` when it holds none (a lexicon without near words).
    pub fn near_pairs_between(&self) -> Option<u32> {
        (!self.near_words.is_empty()).then_some(self.near_words_between)
    }

    /// Adds the word counts of more text (files indexed in a later, incremental run), so
    /// compound splitting learns from them. The inflection table stays as it was learned:
    /// whole-word terms of records already indexed keep meaning what they meant.
    pub fn absorb(&mut self, learner: LexiconLearner) {
        if self.chain != Chain::Full {
            return;
        }
        let words = self.words.make_built();
        for (word, count) in learner.words {
            match words.get_mut(word.as_str()) {
                Some(stats) => stats.own += count,
                None => {
                    words.insert(
                        word.into_boxed_str(),
                        WordStats {
                            own: count,
                            ..WordStats::default()
                        },
                    );
                }
            }
        }
        self.derive(None);
    }

    /// Computes what is derived from the counts: the corpus count of every form of each
    /// word (by canonical stem), so that "myndighet" as a compound part is supported by
    /// "myndigheten", "myndigheterna", …; from it each word's evidence as a part; and the
    /// base lexicon's words and bonuses, merged into the same table.
    fn derive(&mut self, known_evidence: Option<&FastMap<String, u32>>) {
        let mut words = std::mem::take(self.words.make_built());
        self.id = fresh_id();
        self.corpus_words = words.values().filter(|s| s.own > 0).count();
        self.family_counts = std::sync::OnceLock::new();
        if self.chain == Chain::Full {
            self.derive_full(&mut words, known_evidence);
        }
        self.words = WordTable::Built(words);
    }

    /// [`Lexicon::derive`] for the full chain, on the word table taken out of `self`.
    fn derive_full(
        &mut self,
        words: &mut FastMap<Box<str>, WordStats>,
        known_evidence: Option<&FastMap<String, u32>>,
    ) {
        // Base words without corpus occurrences are added again below, after the counts.
        words.retain(|_, stats| stats.own > 0);
        match known_evidence {
            // Saved with the lexicon: a corpus word not listed has its own count.
            Some(known) => {
                for (word, stats) in words.iter_mut() {
                    stats.evidence = known
                        .get(word.as_ref())
                        .copied()
                        .unwrap_or(0)
                        .max(stats.own);
                }
            }
            None => {
                let (families, stems) = self.word_families(words);
                // Only corpus words are left, in the order `word_families` walked them.
                for (stats, stem) in words.values_mut().zip(&stems) {
                    stats.evidence = stats.own.max(families.get(stem).copied().unwrap_or(0));
                }
                let _ = self.family_counts.set(families);
            }
        }
        // The base lexicon joins the table (the same for every lexicon).
        let base = &base_lexicon().words;
        for (word, stats) in words.iter_mut() {
            stats.bonus = base.get(word.as_ref()).map_or(0, |entry| entry.bonus);
            stats.part = stats.evidence + stats.bonus >= MIN_PART_COUNT && may_be_part(word);
        }
        words.reserve(base.len());
        for (&word, entry) in base {
            if !words.contains_key(word) {
                words.insert(
                    word.into(),
                    WordStats {
                        bonus: entry.bonus,
                        part: entry.bonus >= MIN_PART_COUNT && entry.may_be_part,
                        ..WordStats::default()
                    },
                );
            }
        }
        (self.part_filter, self.part_surfaces) = part_filters_of(words);
    }

    /// The corpus count of all forms of each word, by canonical stem, of a built word
    /// table (stemmed on first use when the lexicon was read without them).
    fn built_families(&self) -> &FastMap<String, u32> {
        self.family_counts.get_or_init(|| match &self.words {
            WordTable::Built(words) => self.word_families(words).0,
            WordTable::Mapped(mapped) => mapped.families().into_iter().collect(),
        })
    }

    /// The corpus count of all forms of the word family with canonical stem `term`.
    fn family_count(&self, term: &str) -> Option<u32> {
        match &self.words {
            WordTable::Mapped(mapped) => mapped.family_count(term),
            WordTable::Built(_) => self.built_families().get(term).copied(),
        }
    }

    /// Every word family (canonical stem) with the corpus count of all its forms.
    fn family_list(&self) -> Vec<(String, u32)> {
        match &self.words {
            WordTable::Mapped(mapped) => mapped.families(),
            WordTable::Built(_) => self
                .built_families()
                .iter()
                .map(|(term, count)| (term.clone(), *count))
                .collect(),
        }
    }

    /// The corpus count of all forms of each word of `words`, by canonical stem, and the
    /// canonical stem of each corpus word in the order of `words` (base words without
    /// corpus occurrences skipped): every corpus word stemmed once.
    fn word_families(
        &self,
        words: &FastMap<Box<str>, WordStats>,
    ) -> (FastMap<String, u32>, Vec<String>) {
        let stemmer = self.stemmer();
        let mut families: FastMap<String, u32> = FastMap::default();
        families.reserve(self.corpus_words);
        let mut stems: Vec<String> = Vec::with_capacity(self.corpus_words);
        for (word, stats) in words.iter().filter(|(_, stats)| stats.own > 0) {
            let canonical = self.stem_term(word, &stemmer.stem(word)).to_string();
            *families.entry(canonical.clone()).or_insert(0) += stats.own;
            stems.push(canonical);
        }
        (families, stems)
    }

    /// How often `word` occurred in the corpus (0 for a word never seen).
    pub fn corpus_count(&self, word: &str) -> u32 {
        self.words.get(word).map_or(0, |stats| stats.own)
    }

    /// The evidence for `word` as a compound part: its corpus count (or, when it is a
    /// word of the corpus, the count of all its forms), plus [`BASE_COUNT`] when it is in
    /// the hand-written base lexicon or else [`DICTIONARY_COUNT`] when it is in the
    /// dictionary.
    pub fn count(&self, word: &str) -> u32 {
        self.words
            .get(word)
            .map_or(0, |stats| stats.evidence + stats.bonus)
    }

    /// The part of [`Lexicon::count`] that comes from the base lexicon: [`BASE_COUNT`],
    /// [`DICTIONARY_COUNT`] or 0.
    pub fn base_count(&self, word: &str) -> u32 {
        self.words.get(word).map_or(0, |stats| stats.bonus)
    }

    /// Whether `word` is in the base lexicon (the hand-written list or the dictionary):
    /// known to be a Swedish word whatever the corpus.
    pub fn is_base_word(&self, word: &str) -> bool {
        self.base_count(word) > 0
    }

    /// Whether the dictionary shows `word` to be a compound whose last part is a two-letter
    /// noun ("solel": "sol" + "el"), the only words split before a two-letter part.
    pub fn two_letter_head(&self, word: &str) -> bool {
        match &self.words {
            WordTable::Mapped(mapped) => mapped.two_letter_head(word),
            WordTable::Built(_) => base_lexicon().two_letter_heads.contains(word),
        }
    }

    /// The evidence for `word` as a compound part, `None` for a word that cannot be one
    /// (too short, too rare, a stopword or an affix): most candidates, answered by the part
    /// filter without a lookup; the others by one lookup.
    pub fn part_evidence(&self, word: &str) -> Option<PartEvidence> {
        if !self.part_filter.may_contain(word) {
            return None;
        }
        let stats = self.words.get(word).filter(|stats| stats.part)?;
        Some(PartEvidence {
            count: stats.evidence + stats.bonus,
            attested: stats.evidence >= MIN_PART_COUNT || stats.bonus >= BASE_COUNT,
        })
    }

    /// Whether `surface` may be a compound part as written before another part: `false`
    /// only when no candidate lemma of it ([`decompound::part_surfaces`]) can be a part.
    /// Always `true` for a mapped word table.
    pub fn may_write_part(&self, surface: &str) -> bool {
        self.part_surfaces.may_contain(surface)
    }

    /// The corpus words and their counts, in no particular order. Copies every word: for
    /// scans of the whole vocabulary, which [`Lexicon::visit_words`] narrows by prefix.
    pub fn words(&self) -> Vec<(String, u32)> {
        let mut words = Vec::with_capacity(self.corpus_words);
        self.visit_words("", |word, count| words.push((word.to_string(), count)));
        words
    }

    /// Calls `visit` with each corpus word whose folded form is `typed` and its count, if
    /// the lexicon's word table is mapped (a walk of the paths that spell `typed` with or
    /// without diacritics); `false`, with nothing visited, when the table is in memory.
    pub fn visit_words_folding_to(&self, typed: &str, visit: impl FnMut(&str, u32)) -> bool {
        self.words.visit_folding_to(typed, visit)
    }

    /// Calls `visit` with each corpus word that starts with `prefix` and its count: the
    /// words of one prefix are read without a scan of the others when the table is mapped.
    pub fn visit_words(&self, prefix: &str, visit: impl FnMut(&str, u32)) {
        self.words.visit_corpus_words(prefix, visit);
    }

    /// The stemmer this lexicon's terms are made with: Snowball Swedish, keeping
    /// derivations unless the lexicon was saved before they were kept.
    pub fn stemmer(&self) -> SwedishStemmer {
        if self.derivations_kept {
            SwedishStemmer::keeping_derivations()
        } else {
            SwedishStemmer::new()
        }
    }

    /// The whole-word term of a lower-cased word as this lexicon's chain makes it: the
    /// stem ([`Lexicon::stemmer`]), mapped through the inflection table.
    pub fn word_term(&self, word: &str) -> String {
        if let Some(agent) = self.agent_term(word) {
            return agent;
        }
        let stem = self.stemmer().stem(word);
        self.stem_term(word, &stem).to_string()
    }

    /// The whole-word term of a lower-cased word that is not an agent noun, from its stem
    /// (made by [`Lexicon::stemmer`]): the inflection table's canonical stem.
    pub fn stem_term<'a>(&'a self, word: &str, stem: &'a str) -> &'a str {
        match self.form_table.get(word) {
            Some(term) => term,
            None => self.canonical_stem(stem),
        }
    }

    /// The whole-word term of a form of an agent noun of the corpus ("företagarna" →
    /// "företagare"): Snowball Swedish strips -are, -arna like an inflection and gives
    /// "företagare", "företag" and "företagande" one stem, but an entrepreneur is not a
    /// company, and a count of one must not include the other. `None` for any other word.
    pub fn agent_term(&self, word: &str) -> Option<String> {
        if self.agent_nouns.is_empty() {
            return None;
        }
        let ending = AGENT_ENDINGS
            .iter()
            .find(|ending| word.ends_with(**ending))?;
        let noun = format!("{}are", &word[..word.len() - ending.len()]);
        self.agent_nouns.contains(noun.as_str()).then_some(noun)
    }

    /// This lexicon's id: two lexicons with the same id analyse every text alike.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Number of distinct corpus words.
    pub fn len(&self) -> usize {
        self.corpus_words
    }

    /// Whether no corpus word is known.
    pub fn is_empty(&self) -> bool {
        self.corpus_words == 0
    }

    /// The canonical stem for a Snowball stem (itself unless the inflection table joins it
    /// with another).
    pub fn canonical_stem<'a>(&'a self, stem: &'a str) -> &'a str {
        self.stem_table.get(stem).unwrap_or(stem)
    }

    /// Number of entries in the inflection table.
    pub fn stem_table_len(&self) -> usize {
        self.stem_table.len()
    }

    /// The corpus word one edit away (a letter deleted, inserted, replaced, or two
    /// neighbours swapped) from a lower-cased `word` of six letters or more that the corpus
    /// does not have; the most frequent one when there are several. `None` when the word is
    /// known (in this or another form), short, or has no such neighbour; words that differ
    /// only by diacritics are not corrections (the folded field finds those).
    pub fn correction(&self, word: &str) -> Option<String> {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < 6
            || !chars.iter().all(|c| c.is_alphabetic())
            || self.corpus_count(word) > 0
            || is_stopword(word)
        {
            return None;
        }
        // Another form of the word is in the corpus ("kommunen" where it has "kommuner"):
        // the query finds it already, there is nothing to correct.
        let stem = self.stemmer().stem(word);
        if self.family_count(self.stem_term(word, &stem)).is_some() {
            return None;
        }
        let mut alphabet: Vec<char> = ('a'..='z').collect();
        alphabet.extend(['å', 'ä', 'ö', 'é']);
        let mut best: Option<(u32, String)> = None;
        let folded = super::fold::fold(word);
        let mut consider = |candidate: Vec<char>| {
            let candidate: String = candidate.into_iter().collect();
            let count = self.corpus_count(&candidate);
            // A word that differs only by å/ä/ö/é is the folded field's job, not a typo.
            if count > 0
                && super::fold::fold(&candidate) != folded
                && best
                    .as_ref()
                    .is_none_or(|(c, w)| count > *c || (count == *c && candidate < *w))
            {
                best = Some((count, candidate));
            }
        };
        for i in 0..chars.len() {
            let mut deleted = chars.clone();
            deleted.remove(i);
            consider(deleted);
            if i + 1 < chars.len() {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                consider(swapped);
            }
            for &letter in &alphabet {
                if letter != chars[i] {
                    let mut replaced = chars.clone();
                    replaced[i] = letter;
                    consider(replaced);
                }
            }
        }
        for i in 0..=chars.len() {
            for &letter in &alphabet {
                let mut inserted = chars.clone();
                inserted.insert(i, letter);
                consider(inserted);
            }
        }
        best.map(|(_, word)| word)
    }

    /// Opens the lexicon saved in index folder `dir`; `None` when there is none (an index
    /// written before lexicons existed, or by hand through `upsert` only). A lexicon saved
    /// as [`LEXICON_FILE`] keeps its word table in the file, memory-mapped; one saved by an
    /// older fynd as JSON is read whole.
    pub fn load(dir: &Path) -> std::io::Result<Option<Lexicon>> {
        match std::fs::metadata(dir.join(LEXICON_FILE)) {
            Ok(_) => return Lexicon::open_mapped(dir).map(Some),
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
            Err(_) => {}
        }
        let bytes = match std::fs::read(dir.join(JSON_LEXICON_FILE)) {
            Ok(compressed) => zstd::decode_all(compressed.as_slice())?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                match std::fs::read(dir.join(LEGACY_LEXICON_FILE)) {
                    Ok(bytes) => bytes,
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(err) => return Err(err),
                }
            }
            Err(err) => return Err(err),
        };
        let saved: SavedLexicon = serde_json::from_slice(&bytes).map_err(invalid_data)?;
        let mut lexicon = Lexicon::from_counts(
            saved.chain,
            saved.words,
            InflectionTable {
                stems: saved.stem_table,
                words: saved.form_table,
            },
            saved.derivations_kept,
            saved.evidence,
        );
        lexicon.pair_words = saved.pair_words.into_iter().map(Into::into).collect();
        lexicon.agent_nouns = saved.agent_nouns.into_iter().map(Into::into).collect();
        Ok(Some(lexicon))
    }

    /// The file name of the lexicon saved in `dir` (the one [`Lexicon::load`] reads), for
    /// naming it in an error.
    pub fn file_name(dir: &Path) -> &'static str {
        [LEXICON_FILE, JSON_LEXICON_FILE, LEGACY_LEXICON_FILE]
            .into_iter()
            .find(|name| dir.join(name).exists())
            .unwrap_or(LEXICON_FILE)
    }

    /// Opens [`LEXICON_FILE`] in `dir`: the small tables are read, the word table mapped.
    fn open_mapped(dir: &Path) -> std::io::Result<Lexicon> {
        use tantivy::directory::{Directory, MmapDirectory};
        let directory = MmapDirectory::open(dir).map_err(std::io::Error::other)?;
        let bytes = directory
            .open_read(Path::new(LEXICON_FILE))
            .map_err(std::io::Error::other)?
            .read_bytes()?;
        let [meta, words, evidence, families, filter] = LexiconFile::sections(&bytes)?;
        let meta: LexiconMeta =
            serde_json::from_slice(&bytes.as_slice()[meta]).map_err(invalid_data)?;
        let mapped = MappedWords::open([words, evidence, families].map(|r| bytes.slice(r)))?;
        let part_filter = PartFilter::from_bytes(bytes.slice(filter))
            .ok_or_else(|| invalid_data("the lexicon file's part filter is damaged"))?;
        Ok(Lexicon {
            chain: meta.chain,
            words: WordTable::Mapped(Arc::new(mapped)),
            corpus_words: meta.corpus_words,
            stem_table: meta.stem_table,
            form_table: meta.form_table,
            family_counts: OnceLock::new(),
            id: fresh_id(),
            part_filter,
            part_surfaces: PartFilter::default(),
            pair_words: meta.pair_words.into_iter().map(Into::into).collect(),
            near_words: meta.near_words.into_iter().map(Into::into).collect(),
            near_words_between: meta.near_words_between,
            agent_nouns: meta.agent_nouns.into_iter().map(Into::into).collect(),
            derivations_kept: meta.derivations_kept,
        })
    }

    /// Checks the whole of the lexicon file saved in `dir` against its checksum: what
    /// `fynd check` asks, since opening to search reads only what queries touch. A lexicon
    /// saved as JSON is checked by reading it.
    pub fn verify(dir: &Path) -> std::io::Result<()> {
        match std::fs::read(dir.join(LEXICON_FILE)) {
            Ok(bytes) => LexiconFile::sections(&bytes)
                .and_then(|_| LexiconFile::checksum_holds(&bytes))
                .map(|_| ()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Lexicon::load(dir).map(|_| ())
            }
            Err(err) => Err(err),
        }
    }

    /// Writes the lexicon into index folder `dir` as [`LEXICON_FILE`] (atomically: a
    /// temporary file renamed over the old one), and removes a lexicon saved as JSON by an
    /// older fynd. The file is reproducible: the same lexicon gives the same bytes.
    ///
    /// Layout: [`LEXICON_MAGIC`]; five sections, each its length (u64, little-endian) and
    /// its bytes: the small tables as JSON ([`LexiconMeta`]), the word map, the evidence
    /// map and the family map ([`MappedWords`]), the part filter ([`PartFilter`]); a
    /// CRC-32 of everything before it.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let mut pair_words: Vec<String> = self.pair_words.iter().map(|w| w.to_string()).collect();
        pair_words.sort_unstable();
        let mut near_words: Vec<String> = self.near_words.iter().map(|w| w.to_string()).collect();
        near_words.sort_unstable();
        let mut agent_nouns: Vec<String> = self.agent_nouns.iter().map(|w| w.to_string()).collect();
        agent_nouns.sort_unstable();
        let meta = LexiconMeta {
            chain: self.chain,
            corpus_words: self.corpus_words,
            derivations_kept: self.derivations_kept,
            stem_table: self.stem_table.clone(),
            form_table: self.form_table.clone(),
            pair_words,
            near_words,
            near_words_between: self.near_words_between,
            agent_nouns,
        };
        let entries = self.words.entries().map(|(word, stats)| {
            let head = self.two_letter_head(&word);
            (word, stats, head)
        });
        let [words, evidence, families] =
            MappedWords::from_entries(entries, self.family_list().into_iter())?;
        let meta = serde_json::to_vec(&meta).map_err(std::io::Error::other)?;
        let mut file = LEXICON_MAGIC.to_vec();
        let filter = self.part_filter.as_bytes();
        for section in [&meta[..], &words, &evidence, &families, filter] {
            file.extend_from_slice(&(section.len() as u64).to_le_bytes());
            file.extend_from_slice(section);
        }
        let checksum = crc32fast::hash(&file);
        file.extend_from_slice(&checksum.to_le_bytes());
        let tmp = dir.join(format!("{LEXICON_FILE}.tmp"));
        std::fs::write(&tmp, &file)?;
        std::fs::rename(&tmp, dir.join(LEXICON_FILE))?;
        for older in [JSON_LEXICON_FILE, LEGACY_LEXICON_FILE] {
            match std::fs::remove_file(dir.join(older)) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(err),
                _ => {}
            }
        }
        Ok(())
    }
}

/// The small tables of a [`LEXICON_FILE`], saved as JSON beside the mapped word table.
#[derive(Serialize, Deserialize)]
struct LexiconMeta {
    chain: Chain,
    corpus_words: usize,
    derivations_kept: bool,
    stem_table: WordPairs,
    form_table: WordPairs,
    pair_words: Vec<String>,
    /// Absent from lexicon files saved before near pairs were indexed: none.
    #[serde(default)]
    near_words: Vec<String>,
    #[serde(default)]
    near_words_between: u32,
    agent_nouns: Vec<String>,
}

/// The filter of the words of `words` that may be compound parts, and the filter of the
/// ways they may be written as a part before another ([`Lexicon::may_write_part`]).
fn part_filters_of(words: &FastMap<Box<str>, WordStats>) -> (PartFilter, PartFilter) {
    let parts: Vec<&str> = words
        .iter()
        .filter(|(_, stats)| stats.part)
        .map(|(word, _)| word.as_ref())
        .collect();
    // A part word is written 6 to 11 ways (`part_surfaces`), most of them 6 or 8.
    let surfaces = PartFilter::build(parts.len() * 8, |insert| {
        let mut written = String::new();
        for part in &parts {
            decompound::part_surfaces(part, &mut written, &mut *insert);
        }
    });
    (
        PartFilter::new(parts.iter().copied(), parts.len()),
        surfaces,
    )
}

/// Reading the layout [`Lexicon::save`] writes.
struct LexiconFile;

impl LexiconFile {
    /// The byte ranges of the five sections; an error naming what is wrong when the file
    /// is not a lexicon file of this version or is cut short.
    fn sections(bytes: &[u8]) -> std::io::Result<[std::ops::Range<usize>; 5]> {
        let damaged =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        if bytes.len() < LEXICON_MAGIC.len() + 4 || &bytes[..LEXICON_MAGIC.len()] != LEXICON_MAGIC {
            return Err(damaged("not a fynd lexicon file of this version"));
        }
        let end = bytes.len() - 4;
        let mut at = LEXICON_MAGIC.len();
        let mut ranges: [std::ops::Range<usize>; 5] = Default::default();
        for range in &mut ranges {
            let len_end = at + 8;
            if len_end > end {
                return Err(damaged("the lexicon file is cut short"));
            }
            let len = u64::from_le_bytes(bytes[at..len_end].try_into().expect("8 bytes"));
            let start = len_end;
            let stop = usize::try_from(len)
                .ok()
                .and_then(|len| start.checked_add(len))
                .filter(|&stop| stop <= end)
                .ok_or_else(|| damaged("the lexicon file is cut short"))?;
            *range = start..stop;
            at = stop;
        }
        if at != end {
            return Err(damaged("the lexicon file has bytes after its sections"));
        }
        Ok(ranges)
    }

    /// Whether the CRC-32 at the end of the file is that of the bytes before it.
    fn checksum_holds(bytes: &[u8]) -> std::io::Result<()> {
        let (body, stored) = bytes.split_at(bytes.len() - 4);
        if crc32fast::hash(body).to_le_bytes() == stored {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the lexicon file does not match its checksum",
            ))
        }
    }
}

/// An error for bytes that do not hold what they should.
fn invalid_data(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The lexicon as an older fynd saved it ([`JSON_LEXICON_FILE`]): JSON with the corpus
    /// words, the tables and the evidence apart from the counts.
    fn older_json(lexicon: &Lexicon) -> serde_json::Value {
        let words: BTreeMap<String, u32> = lexicon.words().into_iter().collect();
        let evidence: BTreeMap<String, u32> = lexicon
            .words
            .entries()
            .filter(|(_, stats)| stats.own > 0 && stats.evidence > stats.own)
            .map(|(word, stats)| (word.to_string(), stats.evidence))
            .collect();
        serde_json::json!({
            "chain": lexicon.chain,
            "words": words,
            "stem_table": lexicon.stem_table,
            "form_table": lexicon.form_table,
            "pair_words": lexicon.pair_words.iter().collect::<Vec<_>>(),
            "agent_nouns": lexicon.agent_nouns.iter().collect::<Vec<_>>(),
            "derivations_kept": lexicon.derivations_kept,
            "evidence": evidence,
        })
    }

    /// Every entry of a lexicon's word table, sorted: equal for equal tables however held.
    fn entries(lexicon: &Lexicon) -> Vec<(Box<str>, WordStats)> {
        let mut entries: Vec<_> = lexicon.words.entries().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        entries
    }

    /// A lexicon's families, sorted.
    fn families(lexicon: &Lexicon) -> Vec<(String, u32)> {
        let mut families = lexicon.family_list();
        families.sort_unstable();
        families
    }

    #[test]
    fn an_agent_noun_the_corpus_inflects_is_its_own_term_and_survives_saving() {
        let lexicon = Lexicon::learn([
            "Företagare och företagarna driver företag. Företagande lönar sig. \
             Bilarna går starkare än bilen.",
        ]);
        let term = |word: &str| lexicon.word_term(word);
        assert_eq!(term("företagare"), "företagare");
        assert_eq!(term("företagarnas"), "företagare");
        assert_eq!(term("företagarens"), "företagare");
        assert_ne!(term("företag"), "företagare");
        assert_ne!(term("företagande"), "företagare");
        // A comparative and an -ar noun's plural are no agent nouns.
        assert_eq!(lexicon.agent_term("starkare"), None);
        assert_eq!(lexicon.agent_term("bilarna"), None);
        let dir = tempfile::tempdir().unwrap();
        lexicon.save(dir.path()).unwrap();
        let loaded = Lexicon::load(dir.path()).unwrap().unwrap();
        assert_eq!(
            loaded.agent_term("företagarna").as_deref(),
            Some("företagare")
        );
    }

    #[test]
    fn learns_counts_and_corrects_one_letter_typos_to_corpus_words() {
        let lexicon = Lexicon::learn([
            "Myndighetssamverkan och myndighetssamverkan.",
            "Samverkan i Jämtlands län, 23-023-S06.",
        ]);
        assert_eq!(lexicon.corpus_count("myndighetssamverkan"), 2);
        assert_eq!(lexicon.corpus_count("s06"), 0);
        assert_eq!(lexicon.count("kompetens"), BASE_COUNT);
        assert_eq!(
            lexicon.correction("myndighetsamverkan").as_deref(),
            Some("myndighetssamverkan")
        );
        assert_eq!(lexicon.correction("samverkan"), None);
        assert_eq!(lexicon.correction("läns"), None);
        assert_eq!(lexicon.correction("jamtlands"), None);
        // Another form of a corpus word is found by stemming, not corrected.
        let lexicon = Lexicon::learn(["kommuner och myndigheter"]);
        assert_eq!(lexicon.correction("kommunen"), None);
        assert_eq!(lexicon.correction("kommunar"), None);
        assert_eq!(lexicon.correction("myndigheten"), None);
        assert_eq!(lexicon.correction("kommunerr").as_deref(), Some("kommuner"));
        assert_eq!(lexicon.correction("helt okänd"), None);
    }

    #[test]
    fn pair_words_are_the_most_frequent_words_and_stay_as_learned() {
        let mut lexicon = Lexicon::learn(["och samverkan och samverkan myndigheten"]);
        let samverkan = lexicon.word_term("samverkan");
        assert!(lexicon.is_pair_word(&samverkan));
        assert!(lexicon.is_pair_word(&lexicon.word_term("myndigheten")));
        assert!(
            !lexicon.is_pair_word("och"),
            "a stopword is never a pair word"
        );
        // Later text changes the counts, never the pair words: records indexed before
        // have the pairs they have.
        let mut learner = LexiconLearner::default();
        learner.add(&"kommunerna ".repeat(50));
        lexicon.absorb(learner);
        assert!(lexicon.corpus_count("kommunerna") > 0);
        assert!(!lexicon.is_pair_word(&lexicon.word_term("kommunerna")));
        assert!(lexicon.is_pair_word(&samverkan));
    }

    #[test]
    fn lexicons_saved_before_derivations_were_kept_keep_snowballs_stems() {
        let lexicon = Lexicon::learn(["viktig viktiga vikt vikten"]);
        assert_eq!(lexicon.word_term("viktigt"), "viktig");
        assert_eq!(lexicon.word_term("vikten"), "vikt");
        let mut json = older_json(&lexicon);
        json.as_object_mut().unwrap().remove("derivations_kept");
        let dir = tempfile::tempdir().unwrap();
        let bytes = serde_json::to_vec(&json).unwrap();
        std::fs::write(
            dir.path().join(JSON_LEXICON_FILE),
            zstd::encode_all(bytes.as_slice(), ZSTD_LEVEL).unwrap(),
        )
        .unwrap();
        let old = Lexicon::load(dir.path()).unwrap().unwrap();
        assert_eq!(old.word_term("viktigt"), old.word_term("vikt"));
        lexicon.save(dir.path()).unwrap();
        let new = Lexicon::load(dir.path()).unwrap().unwrap();
        assert_eq!(new.word_term("viktigt"), "viktig");
    }

    #[test]
    fn saved_and_loaded_lexicons_are_the_same() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Lexicon::load(dir.path()).unwrap().is_none());
        let lexicon =
            Lexicon::learn(["myndigheten myndigheternas myndighet fas fasen faser fasad fasaden"]);
        lexicon.save(dir.path()).unwrap();
        let loaded = Lexicon::load(dir.path()).unwrap().unwrap();
        // A form moved off another word's stem stays moved.
        assert!(!loaded.form_table.is_empty());
        assert_eq!(loaded.word_term("fasad"), loaded.word_term("fasaden"));
        assert_ne!(loaded.word_term("fasad"), loaded.word_term("fas"));
        // The words' evidence is saved, and the families stemmed on first use are those
        // the lexicon was learned with.
        assert!(matches!(loaded.words, WordTable::Mapped(_)));
        assert_eq!(entries(&loaded), entries(&lexicon));
        assert_eq!(families(&loaded), families(&lexicon));
        assert_eq!(loaded.len(), lexicon.len());
        assert_eq!(loaded.stem_table, lexicon.stem_table);
        assert_eq!(loaded.form_table, lexicon.form_table);
        assert_eq!(loaded.pair_words, lexicon.pair_words);
        assert!(loaded.is_pair_word(loaded.canonical_stem("myndighet")));
        assert_eq!(loaded.canonical_stem("myndighet"), "myndig");
        assert_eq!(loaded.count("myndighet"), 3 + BASE_COUNT);
    }

    #[test]
    fn a_lexicon_saved_as_plain_json_by_an_older_fynd_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        let lexicon = Lexicon::learn(["myndigheten myndigheternas myndighet"]);
        std::fs::write(
            dir.path().join(LEGACY_LEXICON_FILE),
            serde_json::to_vec(&older_json(&lexicon)).unwrap(),
        )
        .unwrap();
        let loaded = Lexicon::load(dir.path()).unwrap().unwrap();
        // The words' evidence is saved, and the families stemmed on first use are those
        // the lexicon was learned with.
        assert!(matches!(loaded.words, WordTable::Built(_)));
        assert_eq!(entries(&loaded), entries(&lexicon));
        assert_eq!(families(&loaded), families(&lexicon));
        // Saving writes the mapped file and drops the old one.
        loaded.save(dir.path()).unwrap();
        assert!(!dir.path().join(LEGACY_LEXICON_FILE).exists());
        let saved = std::fs::read(dir.path().join(LEXICON_FILE)).unwrap();
        assert_eq!(&saved[..8], LEXICON_MAGIC);
        assert_eq!(
            entries(&Lexicon::load(dir.path()).unwrap().unwrap()),
            entries(&lexicon)
        );
    }
}
