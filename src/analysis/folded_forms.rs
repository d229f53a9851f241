//! The corpus words a word typed without Swedish letters stands for: "ansokan" for
//! "ansökan", "hogskolan" for "högskolan", "smaforetag" for "småföretag". Searching those
//! words as if they had been typed (their inflections, their compounds, their parts) is
//! what makes a query without å, ä and ö find at least what the query with them finds;
//! looking the folded stem up in the folded field alone did not, where the inflection table
//! or the compound splitter treat the two spellings differently.
//!
//! The words are found by spelling the typed word with the letters its letters may have
//! lost (a: å, ä, æ; o: ö, ø; e: é; u: ü) and looking each spelling up in the lexicon: a
//! few hundred lookups for a long word, and nothing built beforehand, so a command that
//! runs one query does not pay for a map of the whole vocabulary. A word with too many
//! such letters to spell out, or one that neither the corpus has nor those spellings find
//! (a word that lost another diacritic: "yderomradera" for "yderområderâ"), is looked up
//! in that map instead, built on first need.

use super::fasthash::FastMap;
use super::fold::fold;
use super::lexicon::Lexicon;
use std::sync::{Arc, OnceLock};

/// The letters a letter typed without diacritics may stand for (besides itself).
const RESTORED: [(char, &[char]); 4] = [
    ('a', &['å', 'ä', 'æ']),
    ('o', &['ö', 'ø']),
    ('e', &['é']),
    ('u', &['ü']),
];

/// Most spellings tried for one word; beyond that the map of every folded form is used.
const MAX_SPELLINGS: usize = 4096;

/// The corpus words with diacritics that a word typed without them stands for, over one
/// lexicon.
#[derive(Debug)]
pub struct FoldedForms {
    lexicon: Arc<Lexicon>,
    /// Folded form → the corpus words that fold to it (derived on first need).
    by_folded: OnceLock<FoldedMap>,
}

/// Folded form → the corpus words that fold to it, with their counts.
type FoldedMap = FastMap<Box<str>, Vec<(Box<str>, u32)>>;

impl FoldedForms {
    /// The corpus words of `lexicon` by their folded forms; nothing is computed yet.
    pub fn new(lexicon: Arc<Lexicon>) -> FoldedForms {
        FoldedForms {
            lexicon,
            by_folded: OnceLock::new(),
        }
    }

    /// The corpus words (with their counts, most frequent first) that the lower-cased
    /// `typed` is the folded form of; empty when `typed` has diacritics itself or no corpus
    /// word folds to it.
    pub fn words_for(&self, typed: &str) -> Vec<(String, u32)> {
        if fold(typed) != typed {
            return Vec::new();
        }
        let spelled = self
            .spelled(typed)
            .filter(|words| !words.is_empty() || self.lexicon.corpus_count(typed) > 0);
        let mut words = match spelled {
            Some(words) => words,
            None => self.folding_to(typed),
        };
        words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        words
    }

    /// The corpus words with diacritics whose folded form is `typed`: found by walking the
    /// lexicon's mapped word table where it has one, else looked up in the map of every
    /// folded form, built on first need.
    fn folding_to(&self, typed: &str) -> Vec<(String, u32)> {
        let mut words = Vec::new();
        let walked = self.lexicon.visit_words_folding_to(typed, |word, count| {
            if word != typed {
                words.push((word.to_string(), count));
            }
        });
        if walked {
            return words;
        }
        self.map()
            .get(typed)
            .map(|words| {
                words
                    .iter()
                    .map(|(word, count)| (word.to_string(), *count))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The corpus words among the spellings of `typed` with restored letters ([`RESTORED`]),
    /// `typed` itself left out; `None` when there are more than [`MAX_SPELLINGS`].
    fn spelled(&self, typed: &str) -> Option<Vec<(String, u32)>> {
        let choices: Vec<Vec<char>> = typed
            .chars()
            .map(|c| {
                let mut options = vec![c];
                if let Some((_, restored)) = RESTORED.iter().find(|(plain, _)| *plain == c) {
                    options.extend_from_slice(restored);
                }
                options
            })
            .collect();
        let spellings = choices
            .iter()
            .try_fold(1usize, |n, options| n.checked_mul(options.len()))
            .filter(|n| *n <= MAX_SPELLINGS)?;
        let mut found = Vec::new();
        let mut word = String::with_capacity(typed.len() * 2);
        for number in 1..spellings {
            // Spelling `number` in mixed radix: each letter's choice in turn.
            word.clear();
            let mut rest = number;
            for options in &choices {
                word.push(options[rest % options.len()]);
                rest /= options.len();
            }
            let count = self.lexicon.corpus_count(&word);
            if count > 0 {
                found.push((word.clone(), count));
            }
        }
        Some(found)
    }

    /// Every corpus word that folding changes, by its folded form.
    fn map(&self) -> &FoldedMap {
        self.by_folded.get_or_init(|| {
            let mut by_folded: FoldedMap = FastMap::default();
            self.lexicon.visit_words("", |word, count| {
                let folded = fold(word);
                if folded != word {
                    by_folded
                        .entry(folded.into_owned().into_boxed_str())
                        .or_default()
                        .push((word.into(), count));
                }
            });
            by_folded
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_word_stands_for_every_corpus_word_that_folds_to_it() {
        let lexicon = Arc::new(Lexicon::learn([
            "Ansökan om stöd. Ansökan skickas. Högskolan och högskolans lärare. Sma ord. \
             Idéerna i Øresund. Yderområderâ.",
        ]));
        let forms = FoldedForms::new(lexicon.clone());
        let words = |typed: &str| -> Vec<String> {
            forms
                .words_for(typed)
                .into_iter()
                .map(|(word, _)| word)
                .collect()
        };
        assert_eq!(words("ansokan"), ["ansökan"]);
        assert_eq!(words("hogskolan"), ["högskolan"]);
        assert_eq!(words("ideerna"), ["idéerna"]);
        assert_eq!(words("oresund"), ["øresund"]);
        // A word without diacritics stands for nothing, and neither does a word with them.
        assert!(words("sma").is_empty());
        assert!(words("ansökan").is_empty());
        // Spelled out or looked up in the map of every folded form: the same words.
        for (word, _) in lexicon.words() {
            let word = word.as_str();
            let typed = fold(word);
            let from_map: Vec<String> = forms.map().get(typed.as_ref()).map_or(Vec::new(), |w| {
                let mut w: Vec<String> = w.iter().map(|(x, _)| x.to_string()).collect();
                w.sort();
                w
            });
            let mut spelled = words(&typed);
            spelled.sort();
            assert_eq!(spelled, from_map, "{typed}");
        }
    }
}
