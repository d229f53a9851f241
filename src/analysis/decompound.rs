//! Decompounding: splits a Swedish compound ("myndighetssamverkan") into the words it is
//! made of ("myndighet" + "samverkan"), using only what the corpus itself shows.
//!
//! A split is allowed when every part is a word the lexicon has seen often enough on its
//! own ([`MIN_PART_COUNT`]), of at least [`MIN_PART_CHARS`] letters, and neither a stopword
//! nor a derivational affix; a last part written like a suffix ("-ande", "-ingar") is never
//! used. Parts before the last may carry a linking morpheme (-s-, -e-, -a-, -o-, -u-) or
//! have dropped or changed a final vowel ("arbets" → arbete, "hälso" → hälsa, "skol" →
//! skola); the last part may be inflected ("formerna" → form). Among the allowed splits
//! that cut through no word of its own (`cuts_a_whole_word`), and the word left whole, the
//! one with the highest geometric mean of the parts' counts wins (Koehn & Knight, 2003,
//! "Empirical methods for compound splitting"). A part's count is the count of all its
//! forms ("myndighet" is supported by "myndigheterna" too). One deviation from Koehn &
//! Knight: the whole word's count is divided by [`WHOLE_WORD_DISCOUNT`] before the
//! comparison. They split for translation, where a wrong split is costly; fynd always
//! indexes the whole word as well, so a missed split loses recall ("försörjning" no longer
//! finds "kompetensförsörjning" once that is frequent) while a spurious one only adds
//! low-weight part terms. Frequent plain words ("företag" against "före" + "tag") still
//! stay whole.
//!
//! Evidence comes in two strengths. A part is *attested* when the corpus uses it on its
//! own ([`MIN_PART_COUNT`] times, all forms counted) or the hand-written base list has it;
//! a part only the dictionary knows is not. The discount applies only against splits whose
//! parts are all attested ("landsbygd" → land + bygd). A split that leans on a
//! dictionary-only part must beat the whole word's count undiscounted (corpus count and
//! base-lexicon bonus), so a word the corpus or the hand list vouches for is not taken
//! apart into strings the dictionary merely knows ("kommun" ≠ kom + mun, "genomföras" ≠
//! gen + omföra). A dictionary-only last part also needs [`MIN_DICTIONARY_HEAD_CHARS`]
//! letters: inflected verbs and adjectives end in short dictionary words ("fokuse|rar",
//! "star|kare").
//!
//! What the dictionary says of the whole word and of a part as written also counts. A
//! part written as a dictionary word is that word ("solo" in "soloföretag" is no "sol" with
//! a linking -o-; "fast" in "hållfast" no "fas" with an ending -t), whichever word is more
//! common. A dictionary word is a base form, so its last part is read uninflected
//! ("biljett" is no bil + "jet" + -t). A three-letter part only the dictionary knows is
//! used only in a word the dictionary knows, as written or inflected ("lak" in
//! "lakvatten", "räk" in "räkfisket"); elsewhere a three-letter dictionary word is found by
//! accident ("kor" in "kortest").
//!
//! A part is usually three letters or more. A two-letter last part ("sol|el") is used only
//! in a word the dictionary shows to be such a compound ([`Lexicon::two_letter_head`]: the
//! word ends in a two-letter noun, what stands before is a noun, and the word inflects as
//! the last part does, so "handel" and "tunnel" never qualify), when the corpus uses the
//! two-letter word on its own ([`MIN_PART_COUNT`] times), and only when the parts are
//! better attested than the whole word (and than any split into longer parts),
//! without the discount: two-letter endings are common in plain words ("kvartal",
//! "bandy"), and the dictionary mark alone cannot tell every loanword from a compound.
//!
//! Derived forms ([`derived_base`]): a word or part that is a dictionary word made of a
//! dictionary word and a derivational suffix or the negating prefix o- ("fiskeri" → fisk,
//! "kulturell" → kultur, "ohälsa" → hälsa) also gives the base word, indexed as a part, so
//! that a researcher counting a word also counts what is derived from it.

use super::fasthash::FastMap;
use super::inflect::INFLECTIONS;
use super::lexicon::{Lexicon, PartEvidence};
use super::memo;
use super::stopwords::is_stopword;
use std::ops::Range;
use std::rc::Rc;

/// Fewest letters a part may have.
pub const MIN_PART_CHARS: usize = 3;
/// Fewest occurrences (corpus count plus base-lexicon bonus) a part needs.
pub const MIN_PART_COUNT: u32 = 2;
/// Most parts one word is split into.
pub const MAX_PARTS: usize = 4;
/// Longest word that is split, in letters. Real compounds stay well under it (the longest
/// words of the shipped corpus have 40 letters, dictionaries' longest about 50); the search
/// over cut points grows with the square of the length, so a run of letters with no space
/// (a page whose tags leave "ordordord…" 100 000 letters long) is indexed whole instead of
/// taking seconds per word.
pub const MAX_COMPOUND_CHARS: usize = 64;
/// How much the count of the unsplit word is discounted against the best split.
pub const WHOLE_WORD_DISCOUNT: f64 = 8.0;
/// Fewest letters of a last part that only the dictionary knows (no corpus use, not in
/// the hand-written list). The end of a word is where its inflectional and derivational
/// endings are, and the letters before a short ending are often a three-letter dictionary
/// word: "fokuse|rar", "organise|ras", "star|kare" (kar). Four-letter heads ("bädd" in
/// "testbäddar", "kvot" in "fiskekvoter") are common enough in real compounds to keep.
pub const MIN_DICTIONARY_HEAD_CHARS: usize = 4;
/// Fewest letters of a part before the last that only the dictionary knows: a
/// three-letter dictionary word is found inside too many words by accident ("kor" in
/// "kortest", "gen" in "genomföra"), while common short parts ("sol", "bil") are words the
/// corpus uses.
pub const MIN_DICTIONARY_PART_CHARS: usize = 4;

/// Derivational affixes that are words too ("het", "sam") but never useful parts.
pub(crate) const AFFIXES: [&str; 14] = [
    "het", "sam", "bar", "lig", "ning", "skap", "dom", "else", "are", "ande", "ende", "tion",
    "vis", "lös",
];

/// Endings that look like a last part ("nätverk|ande", "bygd|ens", "förbättr|ingar") but
/// are derivational or inflectional suffixes; a last part written like this is never used.
const SUFFIX_SURFACES: [&str; 25] = [
    "ande", "andes", "andet", "ende", "endes", "ing", "ingar", "ingen", "ingens", "ning", "ningar",
    "ningen", "else", "het", "heten", "heter", "lig", "liga", "ligt", "ella", "iska", "ens", "ers",
    "ares", "tion",
];

/// Derivational suffixes a dictionary word may be its base word plus, each with the fewest
/// letters the base must have. Only suffixes whose derivatives keep the base's meaning
/// ("fisk" → "fiskeri", "kultur" → "kulturell"), with bases long enough that a match is
/// seldom an accident: -ell needs five letters ("bordell", "modell" are no derivatives of
/// "bord", "mod"), -eri four ("bageri" is not of "bag"). Left out: -e ("skede" is not of
/// "sked", "rike" not of "rik"; Snowball already stems "fiske" to "fisk"), -isk
/// ("geografisk" is not of "fisk"), -ig, -lig, -het, -ning and the like, which make words
/// of their own ("bild" → "bildning").
pub const DERIVATIONAL_SUFFIXES: [(&str, usize); 2] = [("eri", 4), ("ell", 5)];

/// The negating prefix ("ohälsa", "otrygghet", "ovanlig"), and the fewest letters of the
/// word it negates ("olik" is not of "lik", "otur" not of "tur").
pub const NEGATION_PREFIX: (&str, usize) = ("o", 4);

/// One part of a split compound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Byte range of the part as written in the compound (with its linking morpheme).
    pub surface: Range<usize>,
    /// The word the part stands for, as the lexicon has it ("arbete" for "arbets").
    pub lemma: String,
}

/// What the dictionary says of the whole word being split.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// The word as written is a dictionary word ("lakvatten", "biljett"). The dictionary
    /// lists base forms, so its last part is read as written, uninflected: "biljett" is
    /// no bil + "jett" read as "jet" with an ending -t. Its short dictionary-only parts
    /// are vouched for.
    Lemma,
    /// The word is an inflected form of a dictionary word ("räkfisket"): its short
    /// dictionary-only parts are vouched for.
    Inflected,
    /// The dictionary does not know the word ("kortest").
    Unknown,
}

impl Whole {
    fn of(lexicon: &Lexicon, word: &str) -> Whole {
        if lexicon.is_base_word(word) {
            return Whole::Lemma;
        }
        let inflected = INFLECTIONS[1..].iter().any(|ending| {
            word.strip_suffix(ending).is_some_and(|base| {
                lexicon.is_base_word(base)
                    || (ending.starts_with(['a', 'o']) && lexicon.is_base_word(&format!("{base}a")))
            })
        });
        if inflected {
            Whole::Inflected
        } else {
            Whole::Unknown
        }
    }
}

/// The best-supported candidate lemma seen so far: highest count, then the
/// alphabetically first. Candidates are written into one reused buffer, so the search
/// allocates only for a lemma that wins.
#[derive(Default)]
struct BestLemma {
    buffer: String,
    /// Fewest letters a candidate only the dictionary knows must have (0: any).
    min_unattested_chars: usize,
    /// Letters of the part as written, when they count against `min_unattested_chars`
    /// too: "kor" in "kortest" is too short to be read as the dictionary's "kora" (`None`:
    /// the whole word is a dictionary word, which vouches for its short parts, "lak" in
    /// "lakvatten").
    surface_chars: Option<usize>,
    /// When the part as written is itself a dictionary word, its whole-word term: only a
    /// candidate with that term may stand for it ("solo" is not "sol" with a linking -o-,
    /// "fast" not "fas" with an ending -t), however much more common the other word is.
    own_term: Option<Rc<str>>,
    best: Option<(String, PartEvidence)>,
}

impl BestLemma {
    /// Candidates for the part written `surface`, of which one only the dictionary knows
    /// needs `min_unattested_chars` letters.
    fn new(
        lexicon: &Lexicon,
        surface: &str,
        min_unattested_chars: usize,
        whole: Whole,
    ) -> BestLemma {
        // The part filter answers most surfaces without a lookup.
        let own_term = lexicon
            .part_evidence(surface)
            .filter(|_| lexicon.is_base_word(surface))
            .map(|_| part_term(lexicon, surface));
        BestLemma {
            min_unattested_chars,
            surface_chars: (whole == Whole::Unknown).then(|| surface.chars().count()),
            own_term,
            ..BestLemma::default()
        }
    }

    /// Considers `self.buffer` as a candidate.
    fn consider(&mut self, lexicon: &Lexicon) {
        let Some(evidence) = lexicon.part_evidence(&self.buffer) else {
            return;
        };
        let chars = self.buffer.chars().count();
        if !evidence.attested
            && self
                .surface_chars
                .map_or(chars, |surface| surface.min(chars))
                < self.min_unattested_chars
        {
            return;
        }
        if let Some(own) = &self.own_term {
            if part_term(lexicon, &self.buffer) != *own {
                return;
            }
        }
        let better = match &self.best {
            None => true,
            Some((lemma, best)) => {
                evidence.count > best.count
                    || (evidence.count == best.count && self.buffer < *lemma)
            }
        };
        if better {
            self.best = Some((self.buffer.clone(), evidence));
        }
    }

    /// Considers `stem` followed by `ending`.
    fn candidate(&mut self, lexicon: &Lexicon, stem: &str, ending: &str) {
        self.buffer.clear();
        self.buffer.push_str(stem);
        self.buffer.push_str(ending);
        self.consider(lexicon);
    }
}

/// The candidate lemmas of a non-final part written `surface`, each a stem and the
/// letter to add to it: the part as written ("projekt"), without a linking -s or vowel
/// ("arbets" → "arbet", "arbete"; "skol" ← "skolo" → "skola"), or with a lemma's last
/// -a or -e that the compound drops ("skol" → "skola"). In no particular order: the
/// best is chosen by count, then alphabetically.
fn first_part_candidates(surface: &str) -> impl Iterator<Item = (&str, &'static str)> {
    let mut chars = surface.chars();
    let last = chars.next_back();
    let stem = chars.as_str();
    let linking: &'static [&'static str] = match last {
        Some('s') => &["", "e"],
        Some('e' | 'a' | 'o' | 'u') => &["", "a"],
        _ => &[],
    };
    std::iter::once((surface, ""))
        .chain(linking.iter().map(move |ending| (stem, *ending)))
        .chain([(surface, "a"), (surface, "e")])
}

/// The vowels a non-final part may end in where its lemma does not ("skolo" for
/// "skola", "arbete" for "arbet"): those [`first_part_candidates`] takes off.
const LINKING_VOWELS: [&str; 4] = ["e", "a", "o", "u"];

/// Passes to `emit` every surface (a part as written before another) of which `lemma` is
/// a candidate (`first_part_candidates`), built in `written`: the inverse of the
/// candidates, so that a surface none of whose candidates can be a part is rejected
/// with one probe ([`Lexicon::may_write_part`]) instead of one per candidate.
pub fn part_surfaces(lemma: &str, written: &mut String, emit: &mut dyn FnMut(&str)) {
    let mut emit_with = |stem: &str, tail: &str| {
        written.clear();
        written.push_str(stem);
        written.push_str(tail);
        emit(written);
    };
    // As written, or followed by a linking -s or vowel.
    emit_with(lemma, "");
    emit_with(lemma, "s");
    for vowel in LINKING_VOWELS {
        emit_with(lemma, vowel);
    }
    let mut chars = lemma.chars();
    let last = chars.next_back();
    let stem = chars.as_str();
    // Its last -a or -e dropped, or that -e given as a linking -s ("tide": "tids"),
    // or that -a as a linking vowel ("skola": "skolo").
    if let Some('e' | 'a') = last {
        emit_with(stem, "");
    }
    if last == Some('e') {
        emit_with(stem, "s");
    }
    if last == Some('a') {
        for vowel in LINKING_VOWELS {
            emit_with(stem, vowel);
        }
    }
}

/// The best-supported word a non-final part stands for ([`first_part_candidates`]),
/// with its evidence.
fn first_part(lexicon: &Lexicon, surface: &str, whole: Whole) -> Option<(String, PartEvidence)> {
    // A cut none of whose candidates can be a part ends here, after one probe.
    if !lexicon.may_write_part(surface) {
        return None;
    }
    // One part as written begins many compounds ("kompetens", "utvecklings"): what it
    // stands for is remembered, apart for words the dictionary does not know (whose short
    // parts need more letters, see `BestLemma`).
    let remembered = if whole == Whole::Unknown {
        &FIRST_PARTS_OF_UNKNOWN
    } else {
        &FIRST_PARTS
    };
    memo::remembered_per_thread(
        remembered,
        memo::PART_MEMO_WORDS,
        lexicon.id(),
        surface,
        || best_first_part(lexicon, surface, whole),
    )
}

/// [`first_part`], worked out.
fn best_first_part(
    lexicon: &Lexicon,
    surface: &str,
    whole: Whole,
) -> Option<(String, PartEvidence)> {
    let mut best = BestLemma::new(lexicon, surface, MIN_DICTIONARY_PART_CHARS, whole);
    for (stem, ending) in first_part_candidates(surface) {
        best.candidate(lexicon, stem, ending);
    }
    // "för" in "förbättringar" is a prefix, not the verb "föra"; "sam" in "samverkan" is
    // one too, not "same". Tested once a candidate is found, which few surfaces have.
    best.best
        .filter(|_| !is_stopword(surface) && !AFFIXES.contains(&surface))
}

/// The best-supported word a final (possibly inflected) part stands for, with its
/// evidence; a word only the dictionary knows needs `min_unattested_chars` letters.
fn last_part(
    lexicon: &Lexicon,
    surface: &str,
    min_unattested_chars: usize,
    whole: Whole,
) -> Option<(String, PartEvidence)> {
    if SUFFIX_SURFACES.contains(&surface) {
        return None;
    }
    let mut best = BestLemma::new(lexicon, surface, min_unattested_chars, Whole::Unknown);
    let endings = if whole == Whole::Lemma {
        &INFLECTIONS[..1]
    } else {
        &INFLECTIONS[..]
    };
    for ending in endings {
        if let Some(base) = surface.strip_suffix(ending) {
            best.candidate(lexicon, base, "");
            // A final -a gives way only to an ending that begins with a- or o- ("skola" →
            // "skolor", "öka" → "ökar"); "-s", "-n", "-t" are added to it ("skolas"), and
            // no -a word takes an e- ending, so "dats" is no form of "data", "lade" none
            // of "lada".
            if ending.starts_with(['a', 'o']) {
                best.candidate(lexicon, base, "a");
            }
        }
    }
    best.best
}

/// The best splits found so far: the best of all, and the best whose parts are all
/// attested ([`PartEvidence::attested`]); each with its score.
#[derive(Default)]
struct BestSplits {
    any: Option<(f64, Vec<Part>, bool)>,
    attested: Option<(f64, Vec<Part>)>,
}

/// Splits a lower-cased `word` into parts, or `None` when it is better left whole.
pub fn split(lexicon: &Lexicon, word: &str) -> Option<Vec<Part>> {
    let chars = word.chars().count();
    if !(MIN_PART_CHARS + 2..=MAX_COMPOUND_CHARS).contains(&chars)
        || !word.chars().all(char::is_alphabetic)
    {
        return None;
    }
    let mut best = BestSplits::default();
    if chars >= 2 * MIN_PART_CHARS {
        let mut current: Vec<(Part, PartEvidence)> = Vec::new();
        search(
            lexicon,
            word,
            Whole::of(lexicon, word),
            0,
            &mut current,
            &mut best,
        );
    }
    let short = two_letter_head_split(lexicon, word);
    if best.any.is_none() && short.is_none() {
        return None;
    }
    // The whole word's support: its own, or that of the word it is an inflected form of.
    let whole = last_part(lexicon, word, 0, Whole::Unknown)
        .map_or(0, |(_, evidence)| evidence.count)
        .max(lexicon.count(word));
    // Against parts the corpus or the hand-written list attests, the whole word's count
    // is discounted (Koehn & Knight with the discount, as before the dictionary joined the
    // base lexicon). A split that leans on a part only the dictionary knows must beat the
    // whole word undiscounted, as a two-letter split must: being in the dictionary says a
    // string is a word, not that this word is made of it, and the corpus's own use of the
    // whole word ("genomföras", "genomförs": gen + omföra) or the hand-written list's
    // ("kommun": kom + mun) outweighs it.
    let attested_bar = f64::from(whole) / WHOLE_WORD_DISCOUNT;
    let dictionary_bar = f64::from(whole);
    let long = match best.any {
        Some((score, parts, attested))
            if score
                > if attested {
                    attested_bar
                } else {
                    dictionary_bar
                } =>
        {
            Some((score, parts))
        }
        _ => best.attested.filter(|(score, _)| *score > attested_bar),
    };
    let short = short.filter(|(score, _)| *score > f64::from(whole));
    match (long, short) {
        (Some((long_score, long)), Some((short_score, short))) => {
            Some(if short_score > long_score {
                short
            } else {
                long
            })
        }
        (Some((_, parts)), None) | (None, Some((_, parts))) => Some(parts),
        (None, None) => None,
    }
}

/// The split of `word` (or of the dictionary word it is an inflected form of) before a
/// two-letter last part, with its score, when the dictionary marks the word as such a
/// compound ([`Lexicon::two_letter_head`]).
fn two_letter_head_split(lexicon: &Lexicon, word: &str) -> Option<(f64, Vec<Part>)> {
    for ending in INFLECTIONS {
        let Some(lemma) = word.strip_suffix(ending) else {
            continue;
        };
        if !lexicon.two_letter_head(lemma) {
            continue;
        }
        let cut = lemma.char_indices().rev().nth(1)?.0;
        let head = &lemma[cut..];
        // The dictionary says the last part is a word; the corpus must use it as one too.
        let head_count = lexicon.count(head);
        if head_count - lexicon.base_count(head) < MIN_PART_COUNT || is_stopword(head) {
            continue;
        }
        let Some((first, evidence)) = first_part(lexicon, &lemma[..cut], Whole::Lemma) else {
            continue;
        };
        let score = (f64::from(evidence.count) * f64::from(head_count)).sqrt();
        let parts = vec![
            Part {
                surface: 0..cut,
                lemma: first,
            },
            Part {
                surface: cut..word.len(),
                lemma: head.to_string(),
            },
        ];
        return Some((score, parts));
    }
    None
}

/// The base word of a lower-cased `word` that is a derived form of it, for the parts
/// stream: `word`, or the dictionary word it is an inflected form of ("kulturella" →
/// "kulturell"), is a base-lexicon word made of another base-lexicon word and one of
/// [`DERIVATIONAL_SUFFIXES`] ("fiskeri" → "fisk") or [`NEGATION_PREFIX`] ("ohälsa" →
/// "hälsa"). The derived word must be in the base lexicon itself, so that only words the
/// dictionary knows are read as derivatives, never a corpus word that merely ends alike.
/// `None` for a word that is no derived form.
pub fn derived_base(lexicon: &Lexicon, word: &str) -> Option<String> {
    if word.chars().count() < MIN_PART_CHARS + 2 || is_stopword(word) {
        return None;
    }
    // The affixes are tested first: most words have none, and are answered without a
    // lookup.
    let known = |base: &str, min_chars: usize| {
        base.chars().count() >= min_chars && !is_stopword(base) && lexicon.is_base_word(base)
    };
    for ending in INFLECTIONS {
        let Some(lemma) = word.strip_suffix(ending) else {
            continue;
        };
        let (prefix, min_chars) = NEGATION_PREFIX;
        let negated = lemma.strip_prefix(prefix).map(|base| (base, min_chars));
        let suffixed = DERIVATIONAL_SUFFIXES
            .iter()
            .find_map(|&(suffix, min_chars)| Some((lemma.strip_suffix(suffix)?, min_chars)));
        for (base, min_chars) in negated.into_iter().chain(suffixed) {
            if known(base, min_chars) && lexicon.is_base_word(lemma) {
                return Some(base.to_string());
            }
        }
    }
    None
}

/// Whether the parts of the shortest length ([`MIN_PART_CHARS`] letters) in a split are
/// plausible: each a word of the Swedish dictionary or the hand-written list (a corpus of
/// project records holds three-letter strings of other languages and abbreviations,
/// "der", "ter", "sme", that would split "bilder" into bil + der), and, in a split of
/// three parts or more, at most one of them ("konsolidering" is no kon + sol + ide + ring,
/// "biljetter" no bil + jet + ter).
fn plausible_short_parts(lexicon: &Lexicon, parts: &[(Part, PartEvidence)]) -> bool {
    let mut short = 0;
    for (part, _) in parts {
        if part.lemma.chars().count() <= MIN_PART_CHARS {
            if !lexicon.is_base_word(&part.lemma) {
                return false;
            }
            short += 1;
        }
    }
    parts.len() < 3 || short <= 1
}

/// Whether `parts` cut through a word the lexicon keeps whole: a run of two or more of
/// them, not all, written together is an attested word that is not split on its own.
/// "digitaliseringseftermarknad" is no digital + isa + ring + eftermarknad, however well
/// the short parts' counts average, when "digitalisering" is a word of its own: a
/// compound is read as its words are read alone, so its parts are those of the words it
/// is made of, and a part's count is not spread over pieces of a longer word.
fn cuts_a_whole_word(lexicon: &Lexicon, word: &str, parts: &[(Part, PartEvidence)]) -> bool {
    let last = parts.len() - 1;
    for first in 0..last {
        for end in first + 1..=last {
            if first == 0 && end == last {
                continue;
            }
            let surface = &word[parts[first].0.surface.start..parts[end].0.surface.end];
            let run = if end == last {
                last_part(lexicon, surface, MIN_DICTIONARY_HEAD_CHARS, Whole::Unknown)
            } else {
                first_part(lexicon, surface, Whole::Unknown)
            };
            if run
                .is_some_and(|(lemma, evidence)| evidence.attested && stays_whole(lexicon, &lemma))
            {
                return true;
            }
        }
    }
    false
}

thread_local! {
    /// Per thread, the whole-word terms of the part words lately met as candidates: one
    /// part stands in many compounds, and a term costs a stemming and two table lookups.
    static PART_TERMS: memo::ThreadWordMemo<Rc<str>> =
        std::cell::RefCell::new(FastMap::default());
}

/// What a non-final part stands for, by the part as written, per thread ([`first_part`]):
/// in words the dictionary knows (alone or inflected), and in words it does not.
type FirstParts = memo::ThreadWordMemo<Option<(String, PartEvidence)>>;

thread_local! {
    /// What parts as written stand for in words the dictionary knows.
    static FIRST_PARTS: FirstParts = std::cell::RefCell::new(FastMap::default());
    /// What parts as written stand for in words the dictionary does not know.
    static FIRST_PARTS_OF_UNKNOWN: FirstParts = std::cell::RefCell::new(FastMap::default());
}

/// The whole-word term of a candidate part `word` ([`Lexicon::word_term`]), remembered.
fn part_term(lexicon: &Lexicon, word: &str) -> Rc<str> {
    memo::remembered_per_thread(
        &PART_TERMS,
        memo::PART_MEMO_WORDS,
        lexicon.id(),
        word,
        || lexicon.word_term(word).into(),
    )
}

/// Most words whose [`stays_whole`] a thread remembers; past it, it starts afresh.
const WHOLE_WORDS: usize = if cfg!(test) { 100 } else { 50_000 };

thread_local! {
    /// Per thread, whether each word lately asked about stays whole: the same few words
    /// ("digitalisering", "landsbygdsutveckling") stand as runs of parts in thousands of
    /// longer compounds.
    static STAYS_WHOLE: memo::ThreadWordMemo<bool> =
        std::cell::RefCell::new(FastMap::default());
}

/// Whether `word` is not split on its own ([`split`] gives no parts), remembered.
fn stays_whole(lexicon: &Lexicon, word: &str) -> bool {
    memo::remembered_per_thread(&STAYS_WHOLE, WHOLE_WORDS, lexicon.id(), word, || {
        split(lexicon, word).is_none()
    })
}

fn search(
    lexicon: &Lexicon,
    word: &str,
    whole: Whole,
    start: usize,
    current: &mut Vec<(Part, PartEvidence)>,
    best: &mut BestSplits,
) {
    let rest = &word[start..];
    if !current.is_empty() {
        if let Some((lemma, evidence)) = last_part(lexicon, rest, MIN_DICTIONARY_HEAD_CHARS, whole)
        {
            current.push((
                Part {
                    surface: start..word.len(),
                    lemma,
                },
                evidence,
            ));
            if !plausible_short_parts(lexicon, current) {
                current.pop();
                return;
            }
            let score = (current
                .iter()
                .map(|(_, e)| f64::from(e.count).ln())
                .sum::<f64>()
                / current.len() as f64)
                .exp();
            let attested = current.iter().all(|(_, e)| e.attested);
            let parts = || current.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
            let better_any = best.any.as_ref().is_none_or(|(s, _, _)| score > *s);
            let better_attested =
                attested && best.attested.as_ref().is_none_or(|(s, _)| score > *s);
            // Checked only for a split that would win: it splits words of its own.
            if (better_any || better_attested) && !cuts_a_whole_word(lexicon, word, current) {
                if better_any {
                    best.any = Some((score, parts(), attested));
                }
                if better_attested {
                    best.attested = Some((score, parts()));
                }
            }
            current.pop();
        }
    }
    if current.len() + 1 >= MAX_PARTS {
        return;
    }
    let letters = rest.chars().count();
    for (before, (cut, _)) in rest.char_indices().enumerate().skip(MIN_PART_CHARS) {
        if letters - before < MIN_PART_CHARS {
            break;
        }
        if let Some((lemma, evidence)) = first_part(lexicon, &rest[..cut], whole) {
            current.push((
                Part {
                    surface: start..start + cut,
                    lemma,
                },
                evidence,
            ));
            search(lexicon, word, whole, start + cut, current, best);
            current.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lemmas(lexicon: &Lexicon, word: &str) -> Vec<String> {
        split(lexicon, word)
            .map(|parts| parts.into_iter().map(|p| p.lemma).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_run_of_letters_longer_than_any_compound_is_left_whole() {
        let lexicon = Lexicon::base();
        let word = "ord".repeat(MAX_COMPOUND_CHARS / 3 + 1);
        assert!(split(&lexicon, &word).is_none());
        assert!(split(&lexicon, "myndighetssamverkan").is_some());
    }

    #[test]
    fn the_base_lexicon_alone_splits_common_compounds() {
        let lexicon = Lexicon::base();
        assert_eq!(
            lemmas(&lexicon, "myndighetssamverkan"),
            ["myndighet", "samverkan"]
        );
        assert_eq!(
            lemmas(&lexicon, "kompetensförsörjningskedja"),
            ["kompetens", "försörjning", "kedja"]
        );
        assert_eq!(
            lemmas(&lexicon, "samordningsförbundens"),
            ["samordning", "förbund"]
        );
        assert_eq!(
            lemmas(&lexicon, "folkhälsomyndigheten"),
            ["folk", "hälsa", "myndighet"]
        );
        assert_eq!(
            lemmas(&lexicon, "samverkansformerna"),
            ["samverkan", "form"]
        );
        assert_eq!(
            lemmas(&lexicon, "flerlänssamverkan"),
            ["fler", "län", "samverkan"]
        );
        let parts = split(&lexicon, "arbetsdagen").unwrap();
        assert_eq!(&"arbetsdagen"[parts[0].surface.clone()], "arbets");
        assert_eq!(parts[0].lemma, "arbete");
    }

    #[test]
    fn a_split_does_not_cut_through_a_word_of_its_own() {
        // The four short parts average a higher count than digitalisering + eftermarknad,
        // but digital + isa + ring is "digitalisering", which is a word on its own.
        let mut text = String::new();
        for (word, times) in [
            ("digital", 200),
            ("isa", 20),
            ("ringen", 10),
            ("digitalisering", 40),
            ("eftermarknad", 2),
        ] {
            text.push_str(&format!("{word} ").repeat(times));
        }
        let lexicon = Lexicon::learn([text.as_str()]);
        assert_eq!(lemmas(&lexicon, "digitalisering"), Vec::<String>::new());
        assert_eq!(
            lemmas(&lexicon, "digitaliseringseftermarknad"),
            ["digitalisering", "eftermarknad"]
        );
        // A run of parts that is itself split stays split: the finer parts are the
        // parts of the word they make.
        assert_eq!(
            lemmas(&Lexicon::base(), "kompetensförsörjningskedja"),
            ["kompetens", "försörjning", "kedja"]
        );
    }

    #[test]
    fn plain_words_and_affixes_stay_whole() {
        let lexicon = Lexicon::base();
        for word in [
            "samverkan",
            "verksamhet",
            "kommunerna",
            "utveckling",
            "projektet",
            "förbättringar",
            "nätverkande",
        ] {
            assert_eq!(lemmas(&lexicon, word), Vec::<String>::new(), "{word}");
        }
    }

    #[test]
    fn the_corpus_decides_between_splits_and_against_splitting() {
        // A frequent word stays whole when its would-be parts are rare words.
        let mut text = "företag ".repeat(40);
        text.push_str("före tag före tag");
        let lexicon = Lexicon::learn([text.as_str()]);
        assert!(split(&lexicon, "företag").is_none());
        let lexicon = Lexicon::learn([text.replace("företag", "samverkan").as_str()]);
        assert!(split(&lexicon, "företagssamverkan").is_some());
        let lexicon = Lexicon::learn(["bredband bredband bredband utbyggnad utbyggnad"]);
        assert_eq!(
            lemmas(&lexicon, "bredbandsutbyggnaden"),
            ["bredband", "utbyggnad"]
        );
    }

    #[test]
    fn hand_list_words_split_into_hand_list_parts_and_not_into_dictionary_words() {
        let lexicon = Lexicon::base();
        assert_eq!(lemmas(&lexicon, "landsbygd"), ["land", "bygd"]);
        for word in ["kommun", "kultur", "kvartal"] {
            assert_eq!(lemmas(&lexicon, word), Vec::<String>::new(), "{word}");
        }
    }

    #[test]
    fn inflected_forms_do_not_split_before_short_dictionary_words() {
        // Each word is in the corpus, as every word being indexed is.
        let words = [
            "fokuserar",
            "kopplade",
            "organiseras",
            "samordnaren",
            "starkare",
        ];
        let text = format!(
            "fokus fokus kopp kopp organ organ stare stare {}",
            words.join(" ")
        );
        let lexicon = Lexicon::learn([text.as_str()]);
        for word in words {
            assert_eq!(lemmas(&lexicon, word), Vec::<String>::new(), "{word}");
        }
        // "-s" is added to a final -a, never put in its place: "dats" is no form of
        // "data"; and a three-letter first part needs more than the dictionary ("kor").
        let lexicon = Lexicon::learn(["bil bil data data test test bildats kortest"]);
        for word in ["bildats", "kortest"] {
            assert!(
                lemmas(&lexicon, word)
                    .first()
                    .is_none_or(|p| p != "bil" && p != "kor"),
                "{word}"
            );
        }
        // A word the corpus uses is not split into parts only the dictionary knows.
        let lexicon = Lexicon::learn(["genomförs genomförs genomföras genomförts"]);
        for word in ["genomförs", "genomföras", "genomförts"] {
            assert_eq!(lemmas(&lexicon, word), Vec::<String>::new(), "{word}");
        }
    }

    fn derived(lexicon: &Lexicon, word: &str) -> Option<String> {
        derived_base(lexicon, word)
    }

    #[test]
    fn dictionary_parts_split_compounds_of_words_the_corpus_never_had_alone() {
        // Four-letter dictionary heads are parts too ("bädd", "kvot").
        let lexicon = Lexicon::learn(["test test fiske fiske testbäddar fiskekvoter"]);
        assert_eq!(lemmas(&lexicon, "testbäddar"), ["test", "bädd"]);
        assert_eq!(lemmas(&lexicon, "fiskekvoter"), ["fiske", "kvot"]);
        // The corpus has "vatten", "sol" and "el" on their own; the dictionary knows the rest.
        let lexicon = Lexicon::learn(["vatten vatten sol sol el el"]);
        assert_eq!(lemmas(&lexicon, "lakvatten"), ["laka", "vatten"]);
        assert_eq!(lemmas(&lexicon, "vattenmätare"), ["vatten", "mätare"]);
        assert_eq!(lemmas(&lexicon, "solel"), ["sol", "el"]);
        assert_eq!(lemmas(&lexicon, "solelen"), ["sol", "el"]);
        assert_eq!(
            lemmas(&lexicon, "arbetsmarknadsåtgärder"),
            ["arbete", "marknad", "åtgärd"]
        );
    }

    #[test]
    fn two_letter_parts_and_dictionary_words_make_no_false_splits() {
        let lexicon = Lexicon::learn(["el el el by by ur ur hand tunn kult"]);
        for word in [
            "handel",
            "tunnel",
            "kultur",
            "kvartal",
            "material",
            "antal",
            "kanel",
            "tennis",
            "utbildning",
            "bild",
            "mobil",
            "bilder",
            "bilda",
            "geografisk",
            "solidaritet",
            "konsolidera",
            "samverkan",
            "kompetens",
            "företag",
            "verksamhet",
            "bildning",
        ] {
            assert_eq!(lemmas(&lexicon, word), Vec::<String>::new(), "{word}");
        }
        // Without the corpus using "el" alone, the dictionary mark is not enough.
        assert!(split(&Lexicon::base(), "solel").is_none());
    }

    #[test]
    fn a_part_written_as_a_dictionary_word_is_that_word() {
        // The corpus uses "sol", "fas", "bil" and "test" often, "solo" and "fast"
        // seldom: a more common word never takes over a part that is a word as written.
        let lexicon = Lexicon::learn([
            "sol sol sol sol fas fas fas fas bil bil bil bil test test test test \
             solo fast fast håll håll jet jet",
        ]);
        assert_eq!(lemmas(&lexicon, "soloföretag"), ["solo", "företag"]);
        assert_eq!(lemmas(&lexicon, "hållfast"), ["håll", "fast"]);
        // A dictionary word is a base form: its last part is not read as inflected.
        assert!(!lemmas(&lexicon, "biljett").contains(&"bil".to_string()));
        // A word the dictionary does not know does not split after a three-letter part
        // only the dictionary knows ("kor" as "kora")...
        assert!(!lemmas(&lexicon, "kortest").contains(&"test".to_string()));
        // ...while a dictionary compound vouches for its short parts.
        let lexicon = Lexicon::learn(["vatten vatten fiske fiske"]);
        assert_eq!(lemmas(&lexicon, "räkfiske"), ["räka", "fiske"]);
        assert_eq!(lemmas(&lexicon, "räkfisket"), ["räka", "fiske"]);
    }

    #[test]
    fn derived_forms_give_their_base_word_and_look_alikes_do_not() {
        let lexicon = Lexicon::base();
        for (word, base) in [
            ("fiskeri", "fisk"),
            ("fiskeriet", "fisk"),
            ("kulturell", "kultur"),
            ("kulturella", "kultur"),
            ("kulturellt", "kultur"),
            ("ohälsa", "hälsa"),
            ("ohälsan", "hälsa"),
            ("otrygghet", "trygghet"),
        ] {
            assert_eq!(derived(&lexicon, word).as_deref(), Some(base), "{word}");
        }
        for word in [
            "geografisk",
            "utbildning",
            "bilder",
            "bilda",
            "mobil",
            "solidaritet",
            "konsolidera",
            "modell",
            "bordell",
            "formell",
            "olika",
            "ordning",
            "område",
            "skede",
            "rike",
            "kunde",
            "följde",
            "bageri",
        ] {
            assert_eq!(derived(&lexicon, word), None, "{word}");
        }
    }

    #[test]
    fn a_lemma_gives_exactly_the_surfaces_it_is_a_candidate_of() {
        // Every surface whose candidates can include a lemma is the lemma, or the lemma
        // with or without its last letter, followed by at most one letter: each of those
        // is checked both ways.
        let letters: Vec<String> = ('a'..='z')
            .chain(['å', 'ä', 'ö', 'é'])
            .map(String::from)
            .chain([String::new()])
            .collect();
        for lemma in [
            "skola", "tide", "arbete", "projekt", "kurs", "kultur", "miljö", "idé",
        ] {
            let mut given = std::collections::BTreeSet::new();
            part_surfaces(lemma, &mut String::new(), &mut |surface| {
                given.insert(surface.to_string());
            });
            let mut chars = lemma.chars();
            chars.next_back();
            let neighbours: std::collections::BTreeSet<String> = [lemma, chars.as_str()]
                .iter()
                .flat_map(|stem| letters.iter().map(move |letter| format!("{stem}{letter}")))
                .collect();
            for surface in &neighbours {
                let is_candidate = first_part_candidates(surface)
                    .any(|(stem, ending)| format!("{stem}{ending}") == lemma);
                assert_eq!(
                    given.contains(surface),
                    is_candidate,
                    "{lemma} as {surface}"
                );
            }
            assert!(given.is_subset(&neighbours), "{lemma}: {given:?}");
        }
    }

    #[test]
    fn a_part_as_written_is_read_alike_whatever_was_split_before() {
        // "lak" stands for the dictionary's "laka" in the dictionary word "lakvatten",
        // which vouches for its short parts, and for nothing in a word the dictionary does
        // not know: what a thread remembers of "lak" in one must not answer for the other.
        let lexicon = Lexicon::learn(["vatten vatten station station"]);
        let words = ["lakvatten", "lakstation", "lakvatten"];
        let in_order = |words: Vec<&'static str>| {
            let lexicon = lexicon.clone();
            std::thread::spawn(move || {
                words
                    .into_iter()
                    .map(|word| (word, lemmas(&lexicon, word)))
                    .collect::<std::collections::BTreeMap<_, _>>()
            })
            .join()
            .unwrap()
        };
        let forwards = in_order(words.to_vec());
        let backwards = in_order(words.into_iter().rev().skip(1).collect());
        assert_eq!(forwards, backwards);
        assert_eq!(forwards["lakvatten"], ["laka", "vatten"]);
        assert!(forwards["lakstation"].first().is_none_or(|p| p != "laka"));
    }
}
