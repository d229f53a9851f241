//! Snowball Swedish stemming (rust-stemmers), the only stemmer compiled into fynd.

use rust_stemmers::{Algorithm, Stemmer};

/// Reduces lower-cased Swedish words to their Snowball stem, so that inflected forms
/// ("kommunerna", "kommuner") meet in one index term.
pub struct SwedishStemmer {
    stemmer: Stemmer,
}

impl SwedishStemmer {
    /// A stemmer for Swedish.
    pub fn new() -> SwedishStemmer {
        SwedishStemmer {
            stemmer: Stemmer::create(Algorithm::Swedish),
        }
    }

    /// The stem of one lower-cased word.
    pub fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }
}

impl Default for SwedishStemmer {
    fn default() -> Self {
        SwedishStemmer::new()
    }
}
