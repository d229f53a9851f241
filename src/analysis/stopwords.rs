//! Swedish stopwords: words so common that they carry no meaning for search. They are left
//! out of the word and part fields (they cost nothing at query time) but kept in the folded
//! field, so that a query of stopwords alone can still be answered.
//!
//! The list is `stopwords_sv.txt` next to this file: the Snowball project's Swedish stop
//! list (snowballstem.org, algorithms/swedish/stop.txt, BSD licence), one word a line.

use super::fasthash::FastSet;
use std::sync::OnceLock;

/// The shipped stop list, as written in the repository.
pub const STOPWORD_FILE: &str = include_str!("stopwords_sv.txt");

fn set() -> &'static FastSet<&'static str> {
    static SET: OnceLock<FastSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        STOPWORD_FILE
            .lines()
            .map(|line| line.split('|').next().unwrap_or("").trim())
            .filter(|word| !word.is_empty())
            .collect()
    })
}

/// Whether the lower-cased `word` is a Swedish stopword.
pub fn is_stopword(word: &str) -> bool {
    set().contains(word)
}

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
    }
}
