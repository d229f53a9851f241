//! The corpus words a word typed without Swedish letters stands for: "ansokan" for
//! "ansökan", "hogskolan" for "högskolan", "smaforetag" for "småföretag". Searching those
//! words as if they had been typed (their inflections, their compounds, their parts) is
//! what makes a query without å, ä and ö find at least what the query with them finds;
//! looking the folded stem up in the folded field alone did not, where the inflection table
//! or the compound splitter treat the two spellings differently.

use super::fasthash::FastMap;
use super::fold::fold;
use super::lexicon::Lexicon;

/// Corpus words with diacritics, by their folded form; derived from a lexicon's words.
#[derive(Debug, Default)]
pub struct FoldedForms {
    /// Folded form → the corpus words that fold to it, most frequent first.
    by_folded: FastMap<Box<str>, Vec<(Box<str>, u32)>>,
}

impl FoldedForms {
    /// The map of every corpus word of `lexicon` that folding changes.
    pub fn new(lexicon: &Lexicon) -> FoldedForms {
        let mut by_folded: FastMap<Box<str>, Vec<(Box<str>, u32)>> = FastMap::default();
        for (word, count) in lexicon.words() {
            let folded = fold(word);
            if folded != word {
                by_folded
                    .entry(folded.into_owned().into_boxed_str())
                    .or_default()
                    .push((word.into(), count));
            }
        }
        for words in by_folded.values_mut() {
            words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        FoldedForms { by_folded }
    }

    /// The corpus words (with their counts, most frequent first) that the lower-cased
    /// `typed` is the folded form of; empty when `typed` has diacritics itself or no corpus
    /// word folds to it.
    pub fn words_for(&self, typed: &str) -> &[(Box<str>, u32)] {
        self.by_folded.get(typed).map_or(&[], Vec::as_slice)
    }

    /// Number of folded forms that stand for at least one corpus word.
    pub fn len(&self) -> usize {
        self.by_folded.len()
    }

    /// Whether no corpus word has diacritics.
    pub fn is_empty(&self) -> bool {
        self.by_folded.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_word_stands_for_every_corpus_word_that_folds_to_it() {
        let lexicon = Lexicon::learn([
            "Ansökan om stöd. Ansökan skickas. Högskolan och högskolans lärare. Sma ord.",
        ]);
        let forms = FoldedForms::new(&lexicon);
        let words = |typed: &str| -> Vec<String> {
            forms
                .words_for(typed)
                .iter()
                .map(|(word, _)| word.to_string())
                .collect()
        };
        assert_eq!(words("ansokan"), ["ansökan"]);
        assert_eq!(words("hogskolan"), ["högskolan"]);
        // A word without diacritics stands for nothing, and neither does a word with them.
        assert!(words("sma").is_empty());
        assert!(words("ansökan").is_empty());
    }
}
