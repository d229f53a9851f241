//! Decompounding: splits a Swedish compound ("myndighetssamverkan") into the words it is
//! made of ("myndighet" + "samverkan"), using only what the corpus itself shows.
//!
//! A split is allowed when every part is a word the lexicon has seen often enough on its
//! own ([`MIN_PART_COUNT`]), of at least [`MIN_PART_CHARS`] letters, and neither a
//! stopword nor a derivational affix; a last part written like a suffix ("-ande",
//! "-ingar") is never used. Parts before the last may carry a linking morpheme
//! (-s-, -e-, -a-, -o-, -u-) or have dropped or changed a final vowel ("arbets" → arbete,
//! "hälso" → hälsa, "skol" → skola); the last part may be inflected ("formerna" → form).
//! Among the allowed splits, and the word left whole, the one with the highest geometric
//! mean of the parts' counts wins (Koehn & Knight, 2003, "Empirical methods for compound
//! splitting"). A part's count is the count of all its forms ("myndighet" is supported by
//! "myndigheterna" too). One deviation from Koehn & Knight: the whole word's count is
//! divided by [`WHOLE_WORD_DISCOUNT`] before the comparison. They split for translation,
//! where a wrong split is costly; fynd always indexes the whole word as well, so a missed
//! split loses recall ("försörjning" no longer finds "kompetensförsörjning" once that is
//! frequent) while a spurious one only adds low-weight part terms. Frequent plain words
//! ("företag" against "före" + "tag") still stay whole.

use super::inflect::INFLECTIONS;
use super::lexicon::Lexicon;
use super::stopwords::is_stopword;
use std::ops::Range;

/// Fewest letters a part may have.
pub const MIN_PART_CHARS: usize = 3;
/// Fewest occurrences (corpus count plus base-lexicon bonus) a part needs.
pub const MIN_PART_COUNT: u32 = 2;
/// Most parts one word is split into.
pub const MAX_PARTS: usize = 4;
/// How much the count of the unsplit word is discounted against the best split.
pub const WHOLE_WORD_DISCOUNT: f64 = 8.0;

/// Derivational affixes that are words too ("het", "sam") but never useful parts.
const AFFIXES: [&str; 14] = [
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

/// One part of a split compound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// Byte range of the part as written in the compound (with its linking morpheme).
    pub surface: Range<usize>,
    /// The word the part stands for, as the lexicon has it ("arbete" for "arbets").
    pub lemma: String,
}

fn usable(lexicon: &Lexicon, lemma: &str) -> Option<u32> {
    // The lookup first: most candidates are no word at all, and the part filter rejects
    // most of those without touching the lexicon's table.
    let count = lexicon.part_count(lemma);
    if count < MIN_PART_COUNT
        || lemma.chars().count() < MIN_PART_CHARS
        || is_stopword(lemma)
        || AFFIXES.contains(&lemma)
    {
        return None;
    }
    Some(count)
}

/// The best-supported candidate lemma seen so far: highest count, then the
/// alphabetically first. Candidates are written into one reused buffer, so the search
/// allocates only for a lemma that wins.
#[derive(Default)]
struct BestLemma {
    buffer: String,
    best: Option<(String, u32)>,
}

impl BestLemma {
    /// Considers `self.buffer` as a candidate.
    fn consider(&mut self, lexicon: &Lexicon) {
        let Some(count) = usable(lexicon, &self.buffer) else {
            return;
        };
        let better = match &self.best {
            None => true,
            Some((lemma, best)) => count > *best || (count == *best && self.buffer < *lemma),
        };
        if better {
            self.best = Some((self.buffer.clone(), count));
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

/// The best-supported word a non-final part stands for, with its count.
fn first_part(lexicon: &Lexicon, surface: &str) -> Option<(String, u32)> {
    // "för" in "förbättringar" is a prefix, not the verb "föra".
    if is_stopword(surface) {
        return None;
    }
    let mut best = BestLemma::default();
    best.candidate(lexicon, surface, "");
    let mut chars = surface.chars();
    let last = chars.next_back();
    let stem = chars.as_str();
    match last {
        Some('s') => {
            best.candidate(lexicon, stem, "");
            best.candidate(lexicon, stem, "e");
        }
        Some('e' | 'a' | 'o' | 'u') => {
            best.candidate(lexicon, stem, "");
            best.candidate(lexicon, stem, "a");
        }
        _ => {}
    }
    best.candidate(lexicon, surface, "a");
    best.candidate(lexicon, surface, "e");
    best.best
}

/// The best-supported word a final (possibly inflected) part stands for, with its count.
fn last_part(lexicon: &Lexicon, surface: &str) -> Option<(String, u32)> {
    if SUFFIX_SURFACES.contains(&surface) {
        return None;
    }
    let mut best = BestLemma::default();
    for ending in INFLECTIONS {
        if let Some(base) = surface.strip_suffix(ending) {
            best.candidate(lexicon, base, "");
            if !ending.is_empty() {
                best.candidate(lexicon, base, "a");
            }
        }
    }
    best.best
}

/// Splits a lower-cased `word` into parts, or `None` when it is better left whole.
pub fn split(lexicon: &Lexicon, word: &str) -> Option<Vec<Part>> {
    if word.chars().count() < 2 * MIN_PART_CHARS || !word.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut best_split: Option<(f64, Vec<Part>)> = None;
    let mut current: Vec<(Part, u32)> = Vec::new();
    search(lexicon, word, 0, &mut current, &mut best_split);
    let (score, parts) = best_split?;
    let whole = lexicon
        .count(word)
        .max(last_part(lexicon, word).map_or(0, |(_, c)| c));
    (score > f64::from(whole) / WHOLE_WORD_DISCOUNT).then_some(parts)
}

fn search(
    lexicon: &Lexicon,
    word: &str,
    start: usize,
    current: &mut Vec<(Part, u32)>,
    best_split: &mut Option<(f64, Vec<Part>)>,
) {
    let rest = &word[start..];
    if !current.is_empty() {
        if let Some((lemma, count)) = last_part(lexicon, rest) {
            current.push((
                Part {
                    surface: start..word.len(),
                    lemma,
                },
                count,
            ));
            let score = (current.iter().map(|(_, c)| f64::from(*c).ln()).sum::<f64>()
                / current.len() as f64)
                .exp();
            if best_split.as_ref().is_none_or(|(s, _)| score > *s) {
                *best_split = Some((score, current.iter().map(|(p, _)| p.clone()).collect()));
            }
            current.pop();
        }
    }
    if current.len() + 1 >= MAX_PARTS {
        return;
    }
    for (cut, _) in rest.char_indices().skip(MIN_PART_CHARS) {
        if rest[cut..].chars().count() < MIN_PART_CHARS {
            break;
        }
        if let Some((lemma, count)) = first_part(lexicon, &rest[..cut]) {
            current.push((
                Part {
                    surface: start..start + cut,
                    lemma,
                },
                count,
            ));
            search(lexicon, word, start + cut, current, best_split);
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
}
