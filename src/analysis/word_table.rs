//! The lexicon's table of words, held one of two ways with one answer per word.
//!
//! - **Built**: a hash table in memory. Learning a lexicon, growing it with new text and
//!   indexing need it: decompounding every new word form asks for dozens of candidate
//!   parts, and a hash lookup is the cheapest answer.
//! - **Mapped**: finite-state maps (tantivy's FST crate, the structure of tantivy's own
//!   term dictionary) in the saved lexicon file, memory-mapped. Opening an index to search
//!   reads nothing of them; a query pays only for the pages its own words' lookups touch.
//!   The table of a large corpus runs to millions of words, which a search that reads them
//!   all into a hash table pays for on every command.
//!
//! Invariant: for every word, [`WordTable::get`] gives the same [`WordStats`] whichever way
//! the table is held ([`MappedWords::from_entries`] writes what `get` reads back), and so do
//! the corpus words and families listed from it; a mapped table becomes a built one, with
//! the same entries, the moment it must change ([`WordTable::make_built`]).

use super::fasthash::FastMap;
use std::sync::Arc;
use tantivy::directory::OwnedBytes;
use tantivy_fst::{IntoStreamer, Map, MapBuilder, Streamer};

/// What the lexicon knows of one word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct WordStats {
    /// Occurrences in the corpus.
    pub own: u32,
    /// The word's support as a compound part (`Lexicon::count`), derived when the lexicon
    /// is learned or loaded, so that decompounding, which asks for it for every candidate
    /// part of every new word, pays one lookup.
    pub evidence: u32,
    /// What the base lexicon adds (`BASE_COUNT`, `DICTIONARY_COUNT` or 0).
    pub bonus: u32,
    /// The word may be a compound part at all: `MIN_PART_CHARS` letters or more,
    /// `MIN_PART_COUNT` occurrences or more (bonus included), neither a stopword nor a
    /// derivational affix.
    pub part: bool,
}

/// A lexicon's words with their stats: built in memory or mapped from the saved file.
#[derive(Clone)]
pub(super) enum WordTable {
    /// A hash table: what learning, growing and indexing use.
    Built(FastMap<Box<str>, WordStats>),
    /// The saved lexicon's maps: what a search opens.
    Mapped(Arc<MappedWords>),
}

impl Default for WordTable {
    fn default() -> WordTable {
        WordTable::Built(FastMap::default())
    }
}

impl std::fmt::Debug for WordTable {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            WordTable::Built(words) => write!(f, "WordTable::Built({} words)", words.len()),
            WordTable::Mapped(mapped) => {
                write!(f, "WordTable::Mapped({} words)", mapped.words.len())
            }
        }
    }
}

impl WordTable {
    /// What the table holds for `word`.
    pub fn get(&self, word: &str) -> Option<WordStats> {
        match self {
            WordTable::Built(words) => words.get(word).copied(),
            WordTable::Mapped(mapped) => mapped.get(word).map(|(stats, _)| stats),
        }
    }

    /// The hash table, made from the mapped one first if the table is mapped: what a
    /// change to the table needs.
    pub fn make_built(&mut self) -> &mut FastMap<Box<str>, WordStats> {
        if let WordTable::Mapped(mapped) = self {
            *self = WordTable::Built(mapped.entries().collect());
        }
        match self {
            WordTable::Built(words) => words,
            WordTable::Mapped(_) => unreachable!("made built above"),
        }
    }

    /// Every entry (corpus and base words alike), in no particular order.
    pub fn entries(&self) -> Box<dyn Iterator<Item = (Box<str>, WordStats)> + '_> {
        match self {
            WordTable::Built(words) => Box::new(words.iter().map(|(w, s)| (w.clone(), *s))),
            WordTable::Mapped(mapped) => Box::new(mapped.entries()),
        }
    }

    /// Calls `visit` with each corpus word (one the corpus has: a count above 0) that starts
    /// with `prefix`, and its count; in byte order when the table is mapped.
    pub fn visit_corpus_words(&self, prefix: &str, mut visit: impl FnMut(&str, u32)) {
        match self {
            WordTable::Built(words) => {
                for (word, stats) in words {
                    if stats.own > 0 && word.starts_with(prefix) {
                        visit(word, stats.own);
                    }
                }
            }
            WordTable::Mapped(mapped) => {
                let mut stream = mapped.words.range().ge(prefix).into_stream();
                while let Some((key, value)) = stream.next() {
                    if !key.starts_with(prefix.as_bytes()) {
                        break;
                    }
                    let own = Packed(value).own();
                    if own > 0 {
                        // Keys are written from `str`s (`MappedWords::from_entries`).
                        if let Ok(word) = std::str::from_utf8(key) {
                            visit(word, own);
                        }
                    }
                }
            }
        }
    }
}

impl WordTable {
    /// Calls `visit` with each corpus word whose folded form ([`super::fold::fold`]) is
    /// `typed` and its count, if the table is mapped: one walk of the word map, which reads
    /// only the paths that spell `typed` with or without diacritics. `false` (nothing
    /// visited) when the table is built, whose caller has its own map of folded forms.
    pub fn visit_folding_to(&self, typed: &str, mut visit: impl FnMut(&str, u32)) -> bool {
        let WordTable::Mapped(mapped) = self else {
            return false;
        };
        let mut stream = mapped.words.search(FoldsTo::new(typed)).into_stream();
        while let Some((key, value)) = stream.next() {
            let own = Packed(value).own();
            if let (true, Ok(word)) = (own > 0, std::str::from_utf8(key)) {
                visit(word, own);
            }
        }
        true
    }
}

/// An automaton over UTF-8 bytes that accepts exactly the words whose folded form is a
/// given one: at each letter of it, the letter itself or any letter that folds to it.
struct FoldsTo {
    /// Per letter of the folded form, the UTF-8 spellings of the letters that fold to it.
    letters: Vec<Vec<Vec<u8>>>,
}

/// Where [`FoldsTo`] is: the letters matched so far and the bytes of the letter begun;
/// `None` once no word can match.
#[derive(Clone)]
struct FoldState(Option<(usize, Vec<u8>)>);

impl FoldsTo {
    fn new(folded: &str) -> FoldsTo {
        const DIACRITICS: &str = "åäáàâæöøóòôéèêëüúùûíìîï";
        let letters = folded
            .chars()
            .map(|letter| {
                let mut spellings = vec![letter.to_string().into_bytes()];
                for other in DIACRITICS.chars() {
                    if super::fold::fold(&other.to_string()).starts_with(letter) {
                        spellings.push(other.to_string().into_bytes());
                    }
                }
                spellings
            })
            .collect();
        FoldsTo { letters }
    }
}

impl tantivy_fst::Automaton for FoldsTo {
    type State = FoldState;

    fn start(&self) -> FoldState {
        FoldState(Some((0, Vec::new())))
    }

    fn is_match(&self, state: &FoldState) -> bool {
        matches!(&state.0, Some((at, begun)) if *at == self.letters.len() && begun.is_empty())
    }

    fn can_match(&self, state: &FoldState) -> bool {
        state.0.is_some()
    }

    fn accept(&self, state: &FoldState, byte: u8) -> FoldState {
        let Some((at, begun)) = &state.0 else {
            return FoldState(None);
        };
        let Some(spellings) = self.letters.get(*at) else {
            return FoldState(None);
        };
        let mut bytes = begun.clone();
        bytes.push(byte);
        if spellings.contains(&bytes) {
            FoldState(Some((at + 1, Vec::new())))
        } else if spellings.iter().any(|s| s.starts_with(&bytes)) {
            FoldState(Some((*at, bytes)))
        } else {
            FoldState(None)
        }
    }
}

/// The packed value of a word in the mapped table: its corpus count, base bonus and flags
/// in one `u64` (the FST's value), flags lowest so that the many base words the corpus
/// lacks have small values that the FST shares between keys.
#[derive(Clone, Copy)]
struct Packed(u64);

impl Packed {
    const PART: u64 = 1;
    const TWO_LETTER_HEAD: u64 = 1 << 1;
    /// The word's evidence differs from its own count and is in the evidence map.
    const EVIDENCE_APART: u64 = 1 << 2;
    const BONUS_SHIFT: u32 = 4;
    const OWN_SHIFT: u32 = 12;

    fn new(stats: &WordStats, two_letter_head: bool) -> Packed {
        // The bonus is one of the base lexicon's small constants.
        debug_assert!(stats.bonus < 256);
        let mut value = u64::from(stats.own) << Self::OWN_SHIFT
            | u64::from(stats.bonus.min(255)) << Self::BONUS_SHIFT;
        if stats.part {
            value |= Self::PART;
        }
        if two_letter_head {
            value |= Self::TWO_LETTER_HEAD;
        }
        if stats.evidence != stats.own {
            value |= Self::EVIDENCE_APART;
        }
        Packed(value)
    }

    fn own(self) -> u32 {
        (self.0 >> Self::OWN_SHIFT) as u32
    }
}

/// The mapped table: the words, the evidence of those whose evidence is not their own
/// count, and the corpus count of each word family (by canonical stem).
pub(super) struct MappedWords {
    words: Map<OwnedBytes>,
    evidence: Map<OwnedBytes>,
    families: Map<OwnedBytes>,
}

/// A mapped table's three maps as bytes, in the order [`MappedWords::open`] reads them.
pub(super) type MapBytes = [Vec<u8>; 3];

impl MappedWords {
    /// The maps' bytes for `entries` (each word once, in any order; the flag says whether
    /// the dictionary shows the word to be a compound of a two-letter last part) and
    /// `families` (canonical stem → corpus count of all its forms).
    pub fn from_entries(
        entries: impl Iterator<Item = (Box<str>, WordStats, bool)>,
        families: impl Iterator<Item = (String, u32)>,
    ) -> std::io::Result<MapBytes> {
        let mut entries: Vec<_> = entries.collect();
        entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut words = MapBuilder::memory();
        let mut evidence = MapBuilder::memory();
        for (word, stats, two_letter_head) in &entries {
            words
                .insert(word.as_bytes(), Packed::new(stats, *two_letter_head).0)
                .map_err(std::io::Error::other)?;
            if stats.evidence != stats.own {
                evidence
                    .insert(word.as_bytes(), u64::from(stats.evidence))
                    .map_err(std::io::Error::other)?;
            }
        }
        let mut families: Vec<_> = families.collect();
        families.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut family_map = MapBuilder::memory();
        for (stem, count) in &families {
            family_map
                .insert(stem.as_bytes(), u64::from(*count))
                .map_err(std::io::Error::other)?;
        }
        let bytes =
            |builder: MapBuilder<Vec<u8>>| builder.into_inner().map_err(std::io::Error::other);
        Ok([bytes(words)?, bytes(evidence)?, bytes(family_map)?])
    }

    /// The table over the three maps' bytes (as [`MappedWords::from_entries`] made them);
    /// an error when one is not a map.
    pub fn open(maps: [OwnedBytes; 3]) -> std::io::Result<MappedWords> {
        let [words, evidence, families] = maps.map(|bytes| {
            tantivy_fst::raw::Fst::new(bytes)
                .map(Map::from)
                .map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))
        });
        Ok(MappedWords {
            words: words?,
            evidence: evidence?,
            families: families?,
        })
    }

    /// The stats of `word`, and whether it is a compound of a two-letter last part.
    pub fn get(&self, word: &str) -> Option<(WordStats, bool)> {
        self.words
            .get(word)
            .map(|value| self.unpack(word.as_bytes(), Packed(value)))
    }

    fn unpack(&self, word: &[u8], packed: Packed) -> (WordStats, bool) {
        let own = packed.own();
        let evidence = if packed.0 & Packed::EVIDENCE_APART != 0 {
            self.evidence.get(word).map_or(own, |e| e as u32)
        } else {
            own
        };
        let stats = WordStats {
            own,
            evidence,
            bonus: ((packed.0 >> Packed::BONUS_SHIFT) & 0xff) as u32,
            part: packed.0 & Packed::PART != 0,
        };
        (stats, packed.0 & Packed::TWO_LETTER_HEAD != 0)
    }

    /// Every entry, in byte order.
    fn entries(&self) -> impl Iterator<Item = (Box<str>, WordStats)> + '_ {
        let mut all = Vec::with_capacity(self.words.len());
        let mut stream = self.words.stream();
        while let Some((key, value)) = stream.next() {
            let (stats, _) = self.unpack(key, Packed(value));
            all.push((String::from_utf8_lossy(key).into(), stats));
        }
        all.into_iter()
    }

    /// The corpus count of all forms of the word family with canonical stem `term`.
    pub fn family_count(&self, term: &str) -> Option<u32> {
        self.families.get(term).map(|count| count as u32)
    }

    /// Every family with its count, in byte order.
    pub fn families(&self) -> Vec<(String, u32)> {
        let mut all = Vec::with_capacity(self.families.len());
        let mut stream = self.families.stream();
        while let Some((key, value)) = stream.next() {
            all.push((String::from_utf8_lossy(key).into_owned(), value as u32));
        }
        all
    }

    /// Whether the dictionary shows `word` to be a compound of a two-letter last part.
    pub fn two_letter_head(&self, word: &str) -> bool {
        self.get(word).is_some_and(|(_, head)| head)
    }
}
