//! Swedish text analysis: the one definition of how text becomes index terms, used both
//! when documents are indexed and when queries are parsed, so the two always agree.
//!
//! The chain, one stage per module:
//!
//! 1. [`segment`]: words by the Unicode rules, with ids, codes and amounts also kept whole
//!    ("23-023-S06", "ESF+", "6 036 644") and suspended compounds ("arbetskrafts- och") marked;
//! 2. [`lowercase`];
//! 3. [`stopwords`]: the shipped Snowball stop list; stopwords get no word or part term;
//! 4. [`stem`]: Snowball Swedish, then [`inflect`]: the learned table that joins stems one
//!    word's forms were split over ("myndighet" and "myndigheternas" → "myndig");
//! 5. [`decompound`]: compounds split into parts learned from the corpus ([`lexicon`]),
//!    except in sentences written in English, German or Finnish ([`language`]);
//!    a suspended compound is completed from the compound after the conjunction
//!    ("arbetskrafts- och kompetensförsörjning" → also "arbetskraftsförsörjning");
//! 6. [`fold`]: diacritics removed, for the lenient folded field.
//!
//! One pass yields four streams ([`Analysis`]): whole-word terms, part terms (the `parts`
//! field), folded terms (the `folded` field) and pairs of common words standing side by
//! side. [`SwedishAnalyzer`] hands tantivy one field's terms: the whole words and the
//! pairs for the text fields (`title`, `body`, `owner`, `partners`), or the parts, or the
//! folded terms.

pub mod decompound;
pub mod fasthash;
pub mod fold;
pub mod folded_forms;
pub mod inflect;
pub mod language;
pub mod lexicon;
pub mod lowercase;
mod memo;
pub mod part_filter;
mod recent;
pub mod segment;
pub mod stem;
pub mod stopwords;
pub mod word_pairs;
mod word_table;
mod word_terms;

use fasthash::FastMap;
use lexicon::{Chain, Lexicon};
use lowercase::lowercase;
use segment::{segments, SegmentKind};
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use word_terms::WordTerms;

/// The name the whole-word Swedish analyzer is registered under in every fynd index; the
/// schema's text fields refer to it.
pub const ANALYZER_NAME: &str = "swedish";
/// The name of the analyzer of the compound-parts field.
pub const PARTS_ANALYZER_NAME: &str = "swedish_parts";
/// The name of the analyzer of the diacritic-folded field.
pub const FOLDED_ANALYZER_NAME: &str = "swedish_folded";

/// Conjunctions that may stand between a suspended compound and the compound completing
/// it ("arbetskrafts- och kompetensförsörjning", "kultur- eller fritidsverksamhet").
const CONJUNCTIONS: [&str; 4] = ["och", "eller", "samt", "respektive"];

/// What an analysed term is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermKind {
    /// A word (stemmed, normalised).
    Word,
    /// An id, code or amount kept whole (lower-cased, not stemmed).
    Joined,
    /// A word that is also inside a [`TermKind::Joined`] token.
    JoinedPart,
    /// A suspended compound completed from the compound after it.
    Completed,
    /// A part of a compound (in the parts stream).
    Part,
    /// A folded form (in the folded stream).
    Folded,
    /// Two common words side by side (in the pairs stream, indexed with the words).
    Pair,
    /// Two common words close together, in either order (in the pairs stream, indexed
    /// with the words): see [`near_pair_term`].
    NearPair,
}

/// One analysed term and where it came from in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzedTerm {
    /// The term as stored in the index.
    pub term: String,
    /// Byte range of the source word in the analysed text.
    pub offset: std::ops::Range<usize>,
    /// Word position, for phrase matching; all terms from one word share it.
    pub position: usize,
    /// What the term is.
    pub kind: TermKind,
}

/// The four term streams of one analysed text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Whole-word terms: stemmed, normalised words without stopwords, whole ids, completed
    /// suspended compounds.
    pub words: Vec<AnalyzedTerm>,
    /// Compound parts, each at the position of its compound.
    pub parts: Vec<AnalyzedTerm>,
    /// Folded terms of the words that folding changes ("jämtland" → "jamtland") and of
    /// stopwords, each stopword once per text; a word without diacritics is its own folded
    /// form, found in `words`.
    pub folded: Vec<AnalyzedTerm>,
    /// For every two whole-word terms at neighbouring positions that are both pair words
    /// of the lexicon ([`Lexicon::is_pair_word`]), their [`word_pair_term`], at the first
    /// one's position: indexed in the text field beside the words, so that a phrase of two
    /// common words is found by this one term (as Lucene's CommonGrams does). Then, for
    /// every two whole-word terms that are both near words ([`Lexicon::is_near_word`]) at
    /// most [`Lexicon::near_pairs_between`] words apart, their [`near_pair_term`], at the
    /// first one's position.
    pub pairs: Vec<AnalyzedTerm>,
}

/// The parts-field term for `first` standing right before `second` inside a compound
/// ("kompetens+försörjning"): the parts are words, so the `+` never occurs in a part.
pub fn pair_term(first: &str, second: &str) -> String {
    format!("{first}+{second}")
}

/// The term indexed for whole-word term `first` standing right before `second`
/// ("hållb tillväx"): no word term holds a space (an amount kept whole is no pair word).
pub fn word_pair_term(first: &str, second: &str) -> String {
    format!("{first} {second}")
}

/// The term indexed for whole-word terms `a` and `b` standing close together in either
/// order ("kompet~utveckling" for "utveckling av kompetens" and "kompetensen utvecklas"
/// alike): the two terms in byte order, joined by `~`, which no word term holds. A field
/// holds it exactly where it holds both terms at distinct positions at most
/// [`Lexicon::near_pairs_between`] words apart within one of its texts, so a compound of
/// two near words written apart ("kompetensutveckling") is one list to read.
pub fn near_pair_term(a: &str, b: &str) -> String {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    format!("{first}~{second}")
}

/// Whether an index term joins two terms (a [`word_pair_term`], [`pair_term`] or
/// [`near_pair_term`]) rather than standing for one word: such terms are for finding
/// documents, never shown or suggested as words.
pub fn is_joined_pair(term: &str) -> bool {
    term.contains([' ', '+', '~'])
}

/// Whether an index term is a [`near_pair_term`]: it marks where two words stand close,
/// not a word of the text, so a passage never marks it.
pub fn is_near_pair(term: &str) -> bool {
    term.contains('~')
}

/// One node of a compound's split, for finding the parts that stand side by side.
struct SplitNode {
    term: String,
    /// One of the compound's own parts (not a part of a part).
    top: bool,
    /// The base word a part is derived from ([`decompound::derived_base`]): a term of the
    /// parts stream, never one side of a pair term.
    derived: bool,
    /// The leaves (unsplit parts) it covers: `first_leaf..end_leaf`.
    first_leaf: usize,
    end_leaf: usize,
}

/// The parts a compound is first split into, as [`Analyzer::top_split`] gives them.
#[derive(Debug, Default)]
pub struct TopSplit {
    /// The parts, in order, each with its place in the lower-cased word.
    pub parts: Vec<decompound::Part>,
    /// The parts' distinct terms, in order of first appearance.
    pub terms: Vec<String>,
}

/// The Swedish analysis chain over one lexicon.
pub struct Analyzer {
    lexicon: Arc<Lexicon>,
    stemmer: stem::SwedishStemmer,
    /// While [`Analyzer::words_read`] runs: a word no memo holds gets its whole-word
    /// term alone.
    words_alone: bool,
}

impl Clone for Analyzer {
    fn clone(&self) -> Analyzer {
        Analyzer::new(self.lexicon.clone())
    }
}

impl Analyzer {
    /// An analyzer that splits compounds and normalises inflections as `lexicon` says.
    pub fn new(lexicon: Arc<Lexicon>) -> Analyzer {
        Analyzer {
            stemmer: lexicon.stemmer(),
            lexicon,
            words_alone: false,
        }
    }

    /// An analyzer over the built-in base lexicon only (no corpus).
    pub fn base() -> Analyzer {
        static BASE: OnceLock<Arc<Lexicon>> = OnceLock::new();
        Analyzer::new(BASE.get_or_init(|| Arc::new(Lexicon::base())).clone())
    }

    /// The lexicon this analyzer uses.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The terms of the parts a compound word is first split into ("landsbyg" and
    /// "utveckling" for "landsbygdsutveckling"), without the parts of those parts ("land",
    /// "bygd"), which the parts stream also holds: what a query means when it asks for a
    /// compound's parts. Empty for a word that is no compound.
    pub fn top_parts(&self, word: &str) -> Vec<String> {
        self.top_split(word).terms.clone()
    }

    /// The split of `word` (lower-cased with [`lowercase`]) into the parts it is first split
    /// into, with their distinct terms ([`Analyzer::top_parts`]); no parts for a word that
    /// is no compound. Remembered per thread for the words lately asked for: a stream of
    /// queries builds the same words again and again, both for the query and for the
    /// reading that shows how it was split, and splitting one asks the lexicon for dozens
    /// of candidate parts.
    pub fn top_split(&self, word: &str) -> Rc<TopSplit> {
        let lower = lowercase(word);
        if self.lexicon.chain == Chain::Plain || stopwords::is_stopword(&lower) {
            return Rc::new(TopSplit::default());
        }
        thread_local! {
            static TOP_SPLITS: RefCell<(u64, TopSplits)> = RefCell::new((0, TopSplits::default()));
        }
        /// Word → its top split.
        type TopSplits = FastMap<Box<str>, Rc<TopSplit>>;
        /// Most words remembered per thread; past it the memo starts again.
        const REMEMBERED: usize = 4_096;
        let id = self.lexicon.id();
        let known = TOP_SPLITS.with(|memo| {
            let memo = memo.borrow();
            (memo.0 == id)
                .then(|| memo.1.get(lower.as_ref()).cloned())
                .flatten()
        });
        if let Some(split) = known {
            return split;
        }
        let parts = decompound::split(&self.lexicon, &lower).unwrap_or_default();
        let mut terms: Vec<String> = Vec::new();
        for part in &parts {
            let term = self.lexicon.word_term(&part.lemma);
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        let split = Rc::new(TopSplit { parts, terms });
        TOP_SPLITS.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.0 != id || memo.1.len() >= REMEMBERED {
                *memo = (id, TopSplits::default());
            }
            memo.1.insert(lower.as_ref().into(), split.clone());
        });
        split
    }

    /// Everything the chain makes of the lower-cased word `lower`; remembered ([`memo`]).
    fn word_terms(&self, lower: &str) -> WordTerms<Rc<str>> {
        if self.words_alone {
            if let Some(found) = memo::remembered(self.lexicon.id(), lower) {
                return found;
            }
            return self.compute(lower, false).convert();
        }
        self.full_word_terms(lower)
    }

    /// What the chain makes of `lower`, every stream's terms, remembered.
    fn full_word_terms(&self, lower: &str) -> WordTerms<Rc<str>> {
        memo::word_terms(self.lexicon.id(), lower, || self.compute(lower, true))
    }

    /// What the chain makes of `lower`; without `with_parts`, no parts (which alone need
    /// decompounding, the costly step) and no tail.
    fn compute(&self, lower: &str, with_parts: bool) -> WordTerms<String> {
        let stem = self.stemmer.stem(lower);
        if self.lexicon.chain == Chain::Plain {
            // No pair words: the plain chain is the baseline of the relevance tests.
            return WordTerms::pack(lower, None, &stem, "", None, &[]);
        }
        let word = match self.lexicon.agent_term(lower) {
            Some(agent) => agent,
            None => self.lexicon.stem_term(lower, &stem).to_string(),
        };
        let stop_number = stopwords::number(lower);
        let stop = stop_number.is_some();
        // A word that folding leaves as it is has its folded form in the words stream
        // already; only stopwords (which have no word term) keep theirs regardless.
        let folded = match fold::fold(&word) {
            std::borrow::Cow::Owned(folded) => folded,
            std::borrow::Cow::Borrowed(same) if stop => same.to_string(),
            std::borrow::Cow::Borrowed(_) => String::new(),
        };
        let split = if stop || !with_parts {
            None
        } else {
            decompound::split(&self.lexicon, lower)
        };
        let (parts, tail) = match split {
            Some(parts) => (
                self.part_terms(&parts),
                parts.last().map(|last| &lower[last.surface.clone()]),
            ),
            // A word that is no compound may still be derived from another ("fiskeriet"
            // from "fisk"): the base word's term is its one part term, unless the word's
            // own term is that already ("fiske" stems to "fisk").
            None if !stop && with_parts => match decompound::derived_base(&self.lexicon, lower) {
                Some(base) => {
                    let term = self.lexicon.word_term(&base);
                    let parts = if term == word { Vec::new() } else { vec![term] };
                    (parts, None)
                }
                None => (Vec::new(), None),
            },
            None => (Vec::new(), None),
        };
        let pair = !stop && self.lexicon.is_pair_word(&word);
        let near = !stop && self.lexicon.is_near_word(&word);
        WordTerms::pack(lower, stop_number, &word, &folded, tail, &parts).with_common(pair, near)
    }

    /// The terms of a compound's parts, and of the parts of those that are compounds
    /// themselves ("kompetensförsörjning" in "kompetensförsörjningskedja", then "kompetens"
    /// and "försörjning"), followed by the pair terms ([`pair_term`]) of the parts that stand
    /// side by side in a compound of three parts or more, at any level of the split:
    /// "kompetens+försörjning" and "försörjning+kedja". A compound query asks for its own
    /// parts' pairs, so it finds itself inside a longer compound ("livsmedel" in
    /// "livsmedelsbranschen", split into livs, medel, bransch) without matching documents
    /// that merely hold its parts in different compounds ("Folkhälsomyndigheten" and
    /// "samverkansorgan" for "myndighetssamverkan"). The two parts of a two-part compound
    /// make no pair: that pair is the word itself, which the word fields hold, and indexing
    /// it for every two-part compound made indexing a sixth slower. Each part is split
    /// once: decompounding is the costly step of indexing.
    fn part_terms(&self, parts: &[decompound::Part]) -> Vec<String> {
        let mut nodes = Vec::new();
        let mut leaves = 0;
        for part in parts {
            self.split_nodes(&part.lemma, 1, &mut leaves, &mut nodes);
        }
        let mut terms: Vec<String> = Vec::with_capacity(nodes.len() * 2);
        for node in &nodes {
            if !terms.contains(&node.term) {
                terms.push(node.term.clone());
            }
        }
        if leaves < 3 {
            return terms;
        }
        for before in &nodes {
            if before.derived {
                continue;
            }
            for after in nodes
                .iter()
                .filter(|after| !after.derived && after.first_leaf == before.end_leaf)
            {
                if parts.len() == 2 && before.top && after.top {
                    continue;
                }
                let pair = pair_term(&before.term, &after.term);
                if !terms.contains(&pair) {
                    terms.push(pair);
                }
            }
        }
        terms
    }

    /// Every node of the split of `lemma` (itself, then its parts and theirs, in that
    /// order), each with the run of leaves (unsplit parts, numbered from `leaves`) it covers.
    fn split_nodes(
        &self,
        lemma: &str,
        depth: usize,
        leaves: &mut usize,
        nodes: &mut Vec<SplitNode>,
    ) {
        let memo::PartLemma {
            term,
            parts,
            derived,
        } = memo::part_lemma(self.lexicon.id(), lemma, || {
            let term: Rc<str> = self.lexicon.word_term(lemma).into();
            let derived = decompound::derived_base(&self.lexicon, lemma)
                .map(|base| self.lexicon.word_term(&base))
                .filter(|base| **base != *term)
                .map(Rc::from);
            let parts = decompound::split(&self.lexicon, lemma).unwrap_or_default();
            memo::PartLemma {
                term,
                parts: parts.into_iter().map(|part| part.lemma).collect(),
                derived,
            }
        });
        let at = nodes.len();
        nodes.push(SplitNode {
            term: term.to_string(),
            top: depth == 1,
            derived: false,
            first_leaf: *leaves,
            end_leaf: *leaves,
        });
        if depth < decompound::MAX_PARTS && !parts.is_empty() {
            for part in parts.iter() {
                self.split_nodes(part, depth + 1, leaves, nodes);
            }
        } else {
            *leaves += 1;
        }
        nodes[at].end_leaf = *leaves;
        if let Some(derived) = derived {
            nodes.push(SplitNode {
                term: derived.to_string(),
                top: false,
                derived: true,
                first_leaf: nodes[at].first_leaf,
                end_leaf: *leaves,
            });
        }
    }

    /// Runs the whole chain over `text`, all four streams.
    pub fn analyze(&mut self, text: &str) -> Analysis {
        self.run(text, [true; 4])
    }

    /// The whole-word and parts streams of [`Analyzer::analyze`], without folded terms or
    /// pairs: the words and parts a text holds, for views that list them.
    pub fn words_and_parts(&mut self, text: &str) -> Analysis {
        self.run(text, [true, true, false, false])
    }

    /// Only the whole-word stream of [`Analyzer::analyze`].
    pub fn words(&mut self, text: &str) -> Vec<AnalyzedTerm> {
        self.run(text, [true, false, false, false]).words
    }

    /// The terms a field of whole words (title, body) indexes for `text`: the whole-word
    /// stream, then the pairs, as [`SwedishAnalyzer`] hands them to tantivy. For reading a
    /// text rather than indexing it: a word no memo holds is neither decompounded (the
    /// costly step of the chain, which only the parts need) nor remembered, so a passage
    /// of a hit in a fresh process does not decompound the hundreds of words it meets for
    /// the first time.
    pub fn words_read(&mut self, text: &str) -> Vec<AnalyzedTerm> {
        self.words_alone = true;
        let Analysis {
            mut words, pairs, ..
        } = self.run(text, [true, false, false, true]);
        self.words_alone = false;
        words.extend(pairs);
        words
    }

    fn run(&mut self, text: &str, want: [bool; 4]) -> Analysis {
        let mut out = Analysis::default();
        self.run_into(
            text,
            want,
            [
                &mut out.words,
                &mut out.parts,
                &mut out.folded,
                &mut out.pairs,
            ],
        );
        out
    }

    /// The chain over `text`, its four streams put into `words`, `parts`, `folded` and
    /// `pairs` where `want` asks for them.
    fn run_into<S: TermSink>(
        &mut self,
        text: &str,
        want: [bool; 4],
        [words, parts, folded, pairs]: [&mut S; 4],
    ) {
        let [want_words, want_parts, want_folded, want_pairs] = want;
        let segs = segments(text);
        // Words of an English, German or Finnish sentence are not split as Swedish
        // compounds: a sentence's parts are taken back when it ends foreign.
        let mut sentence = language::SentenceLanguage::default();
        let mut sentence_parts = 0;
        // The whole-word terms that are pair words, with their positions and source words.
        let mut pairable: Vec<PairWord> = Vec::new();
        // The stopwords whose folded term this text has had, one bit each by number.
        let mut stops_seen: u128 = 0;
        words.reserve_terms(if want_words { segs.len() } else { 0 });
        parts.reserve_terms(if want_parts { segs.len() / 2 } else { 0 });
        folded.reserve_terms(if want_folded { segs.len() / 2 } else { 0 });
        let mut completions: Vec<(usize, std::ops::Range<usize>, String)> = Vec::new();
        for (index, seg) in segs.iter().enumerate() {
            if want_parts && language::starts_sentence(&segs, index) {
                if sentence.is_foreign() {
                    parts.truncate_terms(sentence_parts);
                }
                sentence = language::SentenceLanguage::default();
                sentence_parts = parts.term_count();
            }
            let lower = lowercase(&seg.text);
            if want_parts && seg.kind != SegmentKind::Joined {
                sentence.count(&lower);
            }
            if seg.kind == SegmentKind::Joined {
                if want_words {
                    words.push_term(&lower, seg.offset.clone(), seg.position, TermKind::Joined);
                }
                continue;
            }
            if seg.kind == SegmentKind::Suspended && (want_words || want_parts) {
                if let Some(completed) = self.complete(&lower, &segs[index + 1..]) {
                    completions.push((seg.position, seg.offset.clone(), completed));
                }
            }
            let kind = if seg.kind == SegmentKind::JoinedPart {
                TermKind::JoinedPart
            } else {
                TermKind::Word
            };
            let terms = self.word_terms(&lower);
            // A stopword's folded term once per text: a query of stopwords alone asks which
            // texts have them, and their every occurrence was a fifth of all postings.
            let repeated_stop = terms.stop_number().is_some_and(|number| {
                let bit = 1u128 << number;
                let seen = stops_seen & bit != 0;
                stops_seen |= bit;
                seen
            });
            if want_folded && !terms.folded().is_empty() && !repeated_stop {
                folded.push_term(
                    terms.folded(),
                    seg.offset.clone(),
                    seg.position,
                    TermKind::Folded,
                );
            }
            if terms.stop() {
                continue;
            }
            if want_words {
                words.push_term(terms.term(), seg.offset.clone(), seg.position, kind);
            }
            if want_parts {
                for part in terms.parts() {
                    parts.push_term(part, seg.offset.clone(), seg.position, TermKind::Part);
                }
            }
            if want_pairs && (terms.pair() || terms.near()) {
                pairable.push((seg.position, seg.offset.clone(), terms));
            }
        }
        if want_parts && sentence.is_foreign() {
            parts.truncate_terms(sentence_parts);
        }
        let had_completions = !completions.is_empty();
        for (position, offset, completed) in completions {
            let terms = self.word_terms(&completed);
            if want_words {
                words.push_term(terms.term(), offset.clone(), position, TermKind::Completed);
            }
            if want_parts {
                for part in terms.parts() {
                    parts.push_term(part, offset.clone(), position, TermKind::Part);
                }
            }
            if want_pairs && (terms.pair() || terms.near()) {
                pairable.push((position, offset, terms));
            }
        }
        if had_completions {
            parts.sort_by_position();
            words.sort_by_position();
            pairable.sort_by_key(|(position, _, _)| *position);
        }
        if want_pairs {
            push_pairs(&pairable, pairs);
            if let Some(between) = self.lexicon.near_pairs_between() {
                push_near_pairs(&pairable, between, pairs);
            }
        }
    }

    /// "arbetskrafts" before "och kompetensförsörjning" → "arbetskraftsförsörjning".
    fn complete(&mut self, suspended: &str, following: &[segment::Segment]) -> Option<String> {
        for seg in following.iter().take(6) {
            let lower = lowercase(&seg.text);
            match seg.kind {
                SegmentKind::Suspended => continue,
                SegmentKind::Word if CONJUNCTIONS.contains(&lower.as_ref()) => continue,
                SegmentKind::Word => {
                    // The tail is a part: the full terms, whatever is read.
                    let terms = self.full_word_terms(&lower);
                    let tail = terms.tail()?;
                    return Some(format!("{suspended}{tail}"));
                }
                _ => return None,
            }
        }
        None
    }
}

/// A whole-word term that is a pair word or a near word: its position, its source word's byte range and
/// what the chain made of the word.
type PairWord = (usize, Range<usize>, WordTerms<Rc<str>>);

/// The [`word_pair_term`] of every two of `pairable` (pair words in position order) at
/// neighbouring positions, every term at one position with every term at the next, as a
/// phrase query matches any term at each position.
fn push_pairs<S: TermSink>(pairable: &[PairWord], pairs: &mut S) {
    let mut text = String::new();
    for (at, (position, offset, first)) in pairable.iter().enumerate() {
        if !first.pair() {
            continue;
        }
        let next = pairable[at + 1..]
            .iter()
            .filter(|(_, _, second)| second.pair())
            .skip_while(|(other, _, _)| other == position)
            .take_while(|(other, _, _)| *other == position + 1);
        for (_, next_offset, second) in next {
            text.clear();
            text.push_str(first.term());
            text.push(' ');
            text.push_str(second.term());
            pairs.push_term(
                &text,
                offset.start..next_offset.end,
                *position,
                TermKind::Pair,
            );
        }
    }
}

/// The [`near_pair_term`] of every two near words of `pairable` (in position order) at
/// distinct positions at most `between + 1` apart, at the first one's position: what a
/// field holding both at such positions holds, whichever stands first.
fn push_near_pairs<S: TermSink>(pairable: &[PairWord], between: u32, pairs: &mut S) {
    let reach = between as usize + 1;
    for (at, (position, offset, first)) in pairable.iter().enumerate() {
        if !first.near() {
            continue;
        }
        let close = pairable[at + 1..]
            .iter()
            .take_while(|(other, _, _)| *other <= position + reach)
            .filter(|(other, _, second)| other > position && second.near());
        for (_, next_offset, second) in close {
            pairs.push_term(
                &near_pair_term(first.term(), second.term()),
                offset.start..next_offset.end,
                *position,
                TermKind::NearPair,
            );
        }
    }
}

/// Where the chain puts the terms of one stream: a list of [`AnalyzedTerm`]s for callers,
/// [`PackedTerms`] for tantivy.
trait TermSink {
    /// Room for `more` terms.
    fn reserve_terms(&mut self, more: usize);
    /// Adds one term.
    fn push_term(&mut self, term: &str, offset: Range<usize>, position: usize, kind: TermKind);
    /// Orders the terms by position, keeping the order of terms at one position.
    fn sort_by_position(&mut self);
    /// How many terms there are.
    fn term_count(&self) -> usize;
    /// Drops every term after the first `count`.
    fn truncate_terms(&mut self, count: usize);
}

impl TermSink for Vec<AnalyzedTerm> {
    fn reserve_terms(&mut self, more: usize) {
        self.reserve(more);
    }

    fn push_term(&mut self, term: &str, offset: Range<usize>, position: usize, kind: TermKind) {
        self.push(AnalyzedTerm {
            term: term.to_string(),
            offset,
            position,
            kind,
        });
    }

    fn sort_by_position(&mut self) {
        self.sort_by_key(|t| t.position);
    }

    fn term_count(&self) -> usize {
        self.len()
    }

    fn truncate_terms(&mut self, count: usize) {
        self.truncate(count);
    }
}

/// One term of [`PackedTerms`].
#[derive(Clone, Debug)]
struct PackedTerm {
    /// Byte range of the term in [`PackedTerms::text`].
    text: Range<usize>,
    /// Byte range of the source word in the analysed text.
    offset: Range<usize>,
    position: usize,
}

/// The terms of one stream as one string and their ranges in it: what the tokenizer hands
/// to tantivy one at a time through one reused token. A string per term cost an allocation
/// for every term of every document (a tenth of the chain's time).
#[derive(Clone, Debug, Default)]
pub(crate) struct PackedTerms {
    text: String,
    terms: Vec<PackedTerm>,
}

impl PackedTerms {
    /// Adds the terms of `other` after these.
    fn append(&mut self, other: PackedTerms) {
        let shift = self.text.len();
        self.text.push_str(&other.text);
        self.terms
            .extend(other.terms.into_iter().map(|term| PackedTerm {
                text: term.text.start + shift..term.text.end + shift,
                ..term
            }));
    }
}

impl TermSink for PackedTerms {
    fn reserve_terms(&mut self, more: usize) {
        self.terms.reserve(more);
        self.text.reserve(more * 8);
    }

    fn push_term(&mut self, term: &str, offset: Range<usize>, position: usize, _kind: TermKind) {
        let start = self.text.len();
        self.text.push_str(term);
        self.terms.push(PackedTerm {
            text: start..self.text.len(),
            offset,
            position,
        });
    }

    fn sort_by_position(&mut self) {
        self.terms.sort_by_key(|t| t.position);
    }

    fn term_count(&self) -> usize {
        self.terms.len()
    }

    fn truncate_terms(&mut self, count: usize) {
        if let Some(first) = self.terms.get(count) {
            self.text.truncate(first.text.start);
            self.terms.truncate(count);
        }
    }
}

/// The whole-word terms of `text` under the base lexicon alone. An index analyses with its
/// own learned lexicon instead (`FyndIndex::analyzer`); this is for callers without one.
pub fn analyze(text: &str) -> Vec<AnalyzedTerm> {
    Analyzer::base().words(text)
}

/// Which stream of the chain a [`SwedishAnalyzer`] hands to tantivy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Whole words, then the pairs of common words (title, body, owner, partners).
    Words = 0,
    /// Compound parts (the parts field).
    Parts = 1,
    /// Folded forms (the folded field).
    Folded = 2,
}

/// The Swedish chain as a tantivy tokenizer for one [`Stream`], registered under
/// [`ANALYZER_NAME`], [`PARTS_ANALYZER_NAME`] or [`FOLDED_ANALYZER_NAME`].
#[derive(Clone)]
pub struct SwedishAnalyzer {
    analyzer: Analyzer,
    stream: Stream,
    terms: PackedTerms,
    token: Token,
}

impl SwedishAnalyzer {
    /// A tokenizer for `stream` over `lexicon`.
    pub fn new(lexicon: Arc<Lexicon>, stream: Stream) -> SwedishAnalyzer {
        SwedishAnalyzer {
            analyzer: Analyzer::new(lexicon),
            stream,
            terms: PackedTerms::default(),
            token: Token::default(),
        }
    }
}

impl Default for SwedishAnalyzer {
    fn default() -> Self {
        SwedishAnalyzer {
            analyzer: Analyzer::base(),
            stream: Stream::Words,
            terms: PackedTerms::default(),
            token: Token::default(),
        }
    }
}

impl Tokenizer for SwedishAnalyzer {
    type TokenStream<'a> = SwedishTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SwedishTokenStream<'a> {
        let slot = self.stream as usize;
        let lexicon = self.analyzer.lexicon.id();
        self.terms = match recent::take(lexicon, text, slot) {
            Some(terms) => terms,
            None => {
                let mut streams: [PackedTerms; 3] = Default::default();
                let mut pairs = PackedTerms::default();
                let [words, parts, folded] = &mut streams;
                self.analyzer
                    .run_into(text, [true; 4], [words, parts, folded, &mut pairs]);
                // After all the words: each term's positions still rise, which is all
                // tantivy asks, and a phrase query of words never sees a pair term.
                words.append(pairs);
                let mut streams = streams.map(Some);
                let wanted = streams[slot].take().unwrap_or_default();
                recent::keep(lexicon, text, streams);
                wanted
            }
        };
        SwedishTokenStream {
            terms: &self.terms,
            token: &mut self.token,
            next: 0,
        }
    }
}

/// The tokens of one analysed text, handed to tantivy one at a time.
pub struct SwedishTokenStream<'a> {
    terms: &'a PackedTerms,
    token: &'a mut Token,
    next: usize,
}

impl TokenStream for SwedishTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(term) = self.terms.terms.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.text.clear();
        self.token
            .text
            .push_str(&self.terms.text[term.text.clone()]);
        self.token.offset_from = term.offset.start;
        self.token.offset_to = term.offset.end;
        self.token.position = term.position;
        self.token.position_length = 1;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn inflected_forms_meet_and_offsets_point_at_the_source() {
        assert_eq!(
            terms("Samordningsförbunden"),
            terms("samordningsförbundens")
        );
        assert_eq!(terms("Kommunerna"), terms("kommuner"));
        let analyzed = analyze("Ökad samverkan");
        assert_eq!(&"Ökad samverkan"[analyzed[1].offset.clone()], "samverkan");
        assert_eq!(analyzed[1].position, 1);
    }

    #[test]
    fn a_foreign_sentence_has_no_parts_and_its_neighbours_keep_theirs() {
        // Properties: a compound has parts in a Swedish sentence and none in an English
        // one; the parts kept are those of the segments `language::foreign_segments`
        // leaves Swedish, though the chain tells the sentences apart as it reads them.
        let text = "Kommunen bygger en kompetensförsörjningsfråga. \
                    The project asks the kompetensförsörjningsfråga of the region. \
                    Myndighetssamverkan och kompetensförsörjningsfrågor.";
        let analysis = Analyzer::base().analyze(text);
        let segs = segment::segments(text);
        let foreign = language::foreign_segments(&segs).expect("the English sentence");
        let foreign_offsets: Vec<Range<usize>> = segs
            .iter()
            .zip(&foreign)
            .filter(|(_, foreign)| **foreign)
            .map(|(seg, _)| seg.offset.clone())
            .collect();
        let english = text.find("The project").unwrap()..text.find("Myndighet").unwrap();
        assert!(foreign_offsets.iter().all(|o| english.contains(&o.start)));
        let part_words: Vec<&str> = analysis
            .parts
            .iter()
            .map(|part| &text[part.offset.clone()])
            .collect();
        assert!(analysis
            .parts
            .iter()
            .all(|part| !foreign_offsets.contains(&part.offset)));
        for compound in [
            "kompetensförsörjningsfråga",
            "Myndighetssamverkan",
            "kompetensförsörjningsfrågor",
        ] {
            assert!(part_words.contains(&compound), "{compound}: {part_words:?}");
        }
        assert_eq!(
            analysis
                .parts
                .iter()
                .filter(|part| english.contains(&part.offset.start))
                .count(),
            0
        );
    }

    #[test]
    fn each_stage_on_the_readme_example() {
        let analysis =
            Analyzer::base().analyze("Myndighetssamverkans kompetensförsörjningsfrågor och");
        let words: Vec<&str> = analysis.words.iter().map(|t| t.term.as_str()).collect();
        let parts: Vec<&str> = analysis.parts.iter().map(|t| t.term.as_str()).collect();
        let folded: Vec<&str> = analysis.folded.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(words, ["myndighetssamverkan", "kompetensförsörjningsfråg"]);
        // Parts standing side by side in a compound of three parts also give pair terms.
        assert_eq!(
            parts,
            [
                "myndig",
                "samverkan",
                "kompet",
                "försörjning",
                "fråg",
                "kompet+försörjning",
                "försörjning+fråg"
            ]
        );
        // "myndighetssamverkan" has no diacritics: its word term is its folded form.
        assert_eq!(folded, ["kompetensforsorjningsfrag", "och"]);
    }

    #[test]
    fn ids_stay_whole_and_stopwords_only_reach_the_folded_stream() {
        let analysis = Analyzer::base().analyze("projekt 23-023-S06 inom ESF+");
        let words: Vec<(&str, usize)> = analysis
            .words
            .iter()
            .map(|t| (t.term.as_str(), t.position))
            .collect();
        assert_eq!(
            words,
            [
                ("projek", 0),
                ("23-023-s06", 1),
                ("23", 1),
                ("023", 2),
                ("s06", 3),
                ("esf+", 5),
                ("esf", 5)
            ]
        );
        assert!(analysis.folded.iter().any(|t| t.term == "inom"));
    }

    #[test]
    fn a_stopword_is_folded_once_per_text() {
        let analysis = Analyzer::base().analyze("Och samverkan och kommun och Åre");
        let folded: Vec<&str> = analysis.folded.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(folded, ["och", "are"]);
        // The next text has its own.
        let again = Analyzer::base().analyze("samverkan och");
        assert_eq!(again.folded.len(), 1);
    }

    #[test]
    fn common_words_side_by_side_make_pair_terms() {
        let corpus = "Hållbar tillväxt och nya företag. ".repeat(20);
        let lexicon = Arc::new(Lexicon::learn([corpus.as_str()]));
        let mut analyzer = Analyzer::new(lexicon);
        let term = |analyzer: &mut Analyzer, word: &str| analyzer.words(word)[0].term.clone();
        let text = "Hållbar tillväxt och nya företag i regionen";
        let analysis = analyzer.analyze(text);
        let pairs: Vec<(&str, usize)> = analysis
            .pairs
            .iter()
            .filter(|t| t.kind == TermKind::Pair)
            .map(|t| (t.term.as_str(), t.position))
            .collect();
        let first = word_pair_term(
            &term(&mut analyzer, "hållbar"),
            &term(&mut analyzer, "tillväxt"),
        );
        let second = word_pair_term(&term(&mut analyzer, "nya"), &term(&mut analyzer, "företag"));
        // "och" is a stopword, so "tillväxt" and "nya" are not side by side; "regionen" is
        // not among the corpus's common words.
        assert_eq!(pairs, [(first.as_str(), 0), (second.as_str(), 3)]);
        assert_eq!(&text[analysis.pairs[0].offset.clone()], "Hållbar tillväxt");
        // With no corpus there are no common words, and no pairs.
        assert!(Analyzer::base().analyze(text).pairs.is_empty());
    }

    #[test]
    fn near_words_close_together_in_either_order_make_one_near_pair_term() {
        let corpus = "Utveckling av kompetens. Kompetens och utveckling i regionen. ".repeat(20);
        let lexicon = Arc::new(Lexicon::learn([corpus.as_str()]));
        let between = lexicon.near_pairs_between().unwrap();
        let mut analyzer = Analyzer::new(lexicon);
        let term = |analyzer: &mut Analyzer, word: &str| analyzer.words(word)[0].term.clone();
        let (kompetens, utveckling) = (
            term(&mut analyzer, "kompetens"),
            term(&mut analyzer, "utveckling"),
        );
        let near = near_pair_term(&kompetens, &utveckling);
        assert_eq!(near, near_pair_term(&utveckling, &kompetens));
        let near_pairs = |analyzer: &mut Analyzer, text: &str| -> Vec<(String, usize)> {
            analyzer
                .analyze(text)
                .pairs
                .into_iter()
                .filter(|t| t.kind == TermKind::NearPair)
                .map(|t| (t.term, t.position))
                .collect()
        };
        // Stopwords keep their positions: "av" is one word between.
        assert_eq!(
            near_pairs(&mut analyzer, "utveckling av kompetens"),
            [(near.clone(), 0)]
        );
        // At most `between` words between, in either order.
        let apart = |words: usize| format!("kompetens {} utveckling", vec!["och"; words].join(" "));
        assert_eq!(
            near_pairs(&mut analyzer, &apart(between as usize)),
            [(near.clone(), 0)]
        );
        assert!(near_pairs(&mut analyzer, &apart(between as usize + 1)).is_empty());
        // Never across a sentence's end.
        assert!(near_pairs(&mut analyzer, "Kompetens. Utveckling").is_empty());
        // With no corpus there are no near words.
        assert!(Analyzer::base()
            .analyze("utveckling av kompetens")
            .pairs
            .is_empty());
    }

    #[test]
    fn a_suspended_compound_is_completed_from_the_next_compound() {
        let analysis = Analyzer::base().words("arbetskrafts- och kompetensförsörjning");
        let whole = terms("arbetskraftsförsörjning");
        assert_eq!(whole.len(), 1);
        assert!(analysis
            .iter()
            .any(|t| t.term == whole[0] && t.position == 0));
    }

    #[test]
    fn tantivy_sees_the_same_terms() {
        let mut analyzer = SwedishAnalyzer::default();
        let mut stream = analyzer.token_stream("Myndigheternas samverkan");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, terms("Myndigheternas samverkan"));
    }

    #[test]
    fn tokenizers_of_one_text_share_one_analysis_but_never_across_lexicons() {
        let text = "Företagssamverkan i Jämtlands län";
        let stream_terms = |analyzer: &mut SwedishAnalyzer| {
            let mut stream = analyzer.token_stream(text);
            let mut seen = Vec::new();
            while stream.advance() {
                seen.push(stream.token().text.clone());
            }
            seen
        };
        let base = Arc::new(Lexicon::base());
        // A corpus where "företag" is rare against the whole word: no split.
        let mut corpus = "företagssamverkan ".repeat(200);
        corpus.push_str("företag");
        let learned = Arc::new(Lexicon::learn([corpus.as_str()]));
        for lexicon in [&base, &learned, &base] {
            let expected = Analyzer::new(lexicon.clone()).analyze(text);
            let expected_terms = |terms: &[AnalyzedTerm]| -> Vec<String> {
                terms.iter().map(|t| t.term.clone()).collect()
            };
            let mut words = SwedishAnalyzer::new(lexicon.clone(), Stream::Words);
            let mut parts = SwedishAnalyzer::new(lexicon.clone(), Stream::Parts);
            let mut folded = SwedishAnalyzer::new(lexicon.clone(), Stream::Folded);
            let mut words_and_pairs = expected_terms(&expected.words);
            words_and_pairs.extend(expected_terms(&expected.pairs));
            assert_eq!(stream_terms(&mut words), words_and_pairs);
            assert_eq!(stream_terms(&mut parts), expected_terms(&expected.parts));
            assert_eq!(stream_terms(&mut folded), expected_terms(&expected.folded));
            // Asked again, after the kept streams were taken: analysed again, same terms.
            assert_eq!(stream_terms(&mut parts), expected_terms(&expected.parts));
        }
        let parts_with =
            |lexicon: &Arc<Lexicon>| Analyzer::new(lexicon.clone()).analyze(text).parts;
        assert_ne!(parts_with(&base), parts_with(&learned));
    }
}
