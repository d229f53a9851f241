//! Swedish stopwords: words so common that they carry no meaning for search. They are left
//! out of the word and part fields (they cost nothing at query time) but kept in the folded
//! field, so that a query of stopwords alone can still be answered.
//!
//! The list is `stopwords_sv.txt` next to this file: the Snowball project's Swedish stop
//! list (snowballstem.org, algorithms/swedish/stop.txt, BSD licence), one word a line.

use super::fasthash::FastMap;
use std::sync::OnceLock;

/// The shipped stop list, as written in the repository.
pub const STOPWORD_FILE: &str = include_str!("stopwords_sv.txt");

/// The stopwords, each with its number in the list (in the order of the file).
fn set() -> &'static FastMap<&'static str, u8> {
    static SET: OnceLock<FastMap<&'static str, u8>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut numbered = FastMap::default();
        for word in STOPWORD_FILE
            .lines()
            .map(|line| line.split('|').next().unwrap_or("").trim())
            .filter(|word| !word.is_empty())
        {
            let next = u8::try_from(numbered.len()).expect("fewer than 256 stopwords");
            numbered.entry(word).or_insert(next);
        }
        numbered
    })
}

/// Every stopword of the list.
pub fn all() -> impl Iterator<Item = &'static str> {
    set().keys().copied()
}

/// Whether the lower-cased `word` is a Swedish stopword.
pub fn is_stopword(word: &str) -> bool {
    set().contains_key(word)
}

/// The number of the lower-cased `word` in the stop list (below [`MAX_STOPWORDS`]), if it
/// is a stopword: for telling, with one bit each, which stopwords a text has had already.
pub fn number(word: &str) -> Option<u8> {
    set().get(word).copied()
}

/// More stopwords than the list may hold: a text's stopwords seen fit in one `u128`.
pub const MAX_STOPWORDS: usize = 128;

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_holds_function_words_only() {
        for word in ["och", "att", "för", "i", "som", "mellan", "vilkas"] {
            assert!(super::is_stopword(word), "{word}");
        }
        for word in ["samverkan", "myndighet", "kommun"] {
            assert!(!super::is_stopword(word), "{word}");
        }
        assert_eq!(super::set().len(), 114);
        assert!(super::set().len() <= super::MAX_STOPWORDS);
        assert_eq!(super::number("och"), super::number("och"));
        assert_ne!(super::number("och"), super::number("att"));
        assert_eq!(super::number("samverkan"), None);
    }
}
