//! What the chain makes of one lower-cased word (its whole-word term, folded form, compound
//! parts, last part as written), packed into one string that starts with the word itself.
//!
//! Every word of every document is looked up in the memo ([`super::memo`]). Kept as one
//! string, a remembered word is one allocation, read in one go, where a struct of strings
//! was one allocation for the key, one for the struct and one for each term: at a million
//! documents the memo held 170 MB less at the indexer's peak. Where each field ends is
//! kept beside the string, so reading a word's terms, done for every word of every
//! document, searches nothing.

use std::ops::Deref;

/// Stands between two parts-field terms. No term holds it: words are made of letters and
/// digits, pair terms join two words with `+`.
const SEPARATOR: char = '\u{1}';

/// A word's terms in one string `text` (of type `S`: owned, or shared by a memo): the word,
/// the whole-word term, the folded form, the last part as written, then the parts-field
/// terms, each field ending where `ends` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct WordTerms<S> {
    text: S,
    /// Where the word, the term, the folded form and the tail end in `text`.
    ends: [u32; 4],
    /// The word's number in the stop list, when it is a stopword.
    stop: Option<u8>,
    pair: bool,
    near: bool,
}

impl WordTerms<String> {
    /// Packs what the chain makes of `word`: `stop` (its number in the stop list when it
    /// is a stopword, which has no whole-word term to index), the whole-word `term`, the `folded` form (empty: none), the last part as
    /// written (`tail`, for completing suspended compounds) and the parts-field terms.
    pub fn pack(
        word: &str,
        stop: Option<u8>,
        term: &str,
        folded: &str,
        tail: Option<&str>,
        parts: &[String],
    ) -> WordTerms<String> {
        let tail = tail.unwrap_or("");
        let parts_len: usize = parts.iter().map(|part| part.len() + 1).sum();
        let mut text =
            String::with_capacity(word.len() + term.len() + folded.len() + tail.len() + parts_len);
        let mut ends = [0; 4];
        for (end, field) in ends.iter_mut().zip([word, term, folded, tail]) {
            text.push_str(field);
            *end = u32::try_from(text.len()).expect("a word shorter than 4 GB");
        }
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                text.push(SEPARATOR);
            }
            text.push_str(part);
        }
        WordTerms {
            text,
            ends,
            stop,
            pair: false,
            near: false,
        }
    }

    /// The same terms, the whole-word term marked as a pair word (see [`WordTerms::pair`])
    /// and as a near word (see [`WordTerms::near`]) as `pair` and `near` say.
    pub fn with_common(mut self, pair: bool, near: bool) -> WordTerms<String> {
        self.pair = pair;
        self.near = near;
        self
    }
}

impl<S: Deref<Target = str>> WordTerms<S> {
    /// The same terms in another kind of string (a shared one, for a memo).
    pub fn convert<T: Deref<Target = str> + for<'a> From<&'a str>>(&self) -> WordTerms<T> {
        WordTerms {
            text: T::from(&self.text),
            ends: self.ends,
            stop: self.stop,
            pair: self.pair,
            near: self.near,
        }
    }

    fn field(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The word the terms are of.
    pub fn word(&self) -> &str {
        self.field(0)
    }

    /// A stopword: no whole-word or parts terms.
    pub fn stop(&self) -> bool {
        self.stop.is_some()
    }

    /// The word's number in the stop list, when it is a stopword.
    pub fn stop_number(&self) -> Option<u8> {
        self.stop
    }

    /// Whether the whole-word term is one of the lexicon's pair words
    /// ([`super::lexicon::Lexicon::is_pair_word`]).
    pub fn pair(&self) -> bool {
        self.pair
    }

    /// Whether the whole-word term is one of the lexicon's near words
    /// ([`super::lexicon::Lexicon::is_near_word`]).
    pub fn near(&self) -> bool {
        self.near
    }

    /// The whole-word term.
    pub fn term(&self) -> &str {
        self.field(1)
    }

    /// The folded form, empty when folding changes nothing (and the word is no stopword).
    pub fn folded(&self) -> &str {
        self.field(2)
    }

    /// The last part as written, when the word is a compound.
    pub fn tail(&self) -> Option<&str> {
        Some(self.field(3)).filter(|tail| !tail.is_empty())
    }

    /// The parts-field terms.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.text[self.ends[3] as usize..]
            .split(SEPARATOR)
            .filter(|part| !part.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn packed_terms_read_back_as_packed() {
        let parts = ["myndighet".to_string(), "samverkan".to_string()];
        let packed = WordTerms::pack(
            "myndighetssamverkan",
            None,
            "myndighetssamverkan",
            "",
            Some("samverkan"),
            &parts,
        );
        let shared: WordTerms<Rc<str>> = packed.convert();
        for terms in [packed.convert::<Rc<str>>(), shared] {
            assert_eq!(terms.word(), "myndighetssamverkan");
            assert!(!terms.stop());
            assert_eq!(terms.term(), "myndighetssamverkan");
            assert_eq!(terms.folded(), "");
            assert_eq!(terms.tail(), Some("samverkan"));
            assert_eq!(
                terms.parts().collect::<Vec<_>>(),
                ["myndighet", "samverkan"]
            );
        }

        let terms = WordTerms::pack("för", Some(3), "för", "for", None, &[]);
        assert_eq!(terms.word(), "för");
        assert!(terms.stop());
        assert_eq!(terms.stop_number(), Some(3));
        assert_eq!(
            (terms.term(), terms.folded(), terms.tail()),
            ("för", "for", None)
        );
        assert_eq!(terms.parts().count(), 0);

        // A plain word: every field but the word and the term empty.
        let terms = WordTerms::pack("projekten", None, "projekt", "", None, &[]);
        assert_eq!((terms.word(), terms.term()), ("projekten", "projekt"));
        assert_eq!((terms.folded(), terms.tail()), ("", None));
        assert_eq!(terms.parts().count(), 0);
    }
}
