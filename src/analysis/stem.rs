//! Snowball Swedish stemming (rust-stemmers), the only stemmer compiled into fynd.

use rust_stemmers::{Algorithm, Stemmer};

/// Derivational endings that Snowball Swedish's last step strips ("viktig" → "vikt",
/// "billig" → "bil", "rörelse" → "rör"), longest first.
const DERIVATIONAL_ENDINGS: [&str; 3] = ["lig", "els", "ig"];

/// Reduces lower-cased Swedish words to their Snowball stem, so that inflected forms
/// ("kommunerna", "kommuner") meet in one index term.
///
/// Snowball's last step also strips three derivational endings, -lig, -ig and -els, which
/// makes other words of them: "viktig" (important) meets "vikt" (weight), "billig" (cheap)
/// "bil" (car), "rörelse" (movement) "rör" (pipe). A stemmer that keeps derivations gives
/// such a word the stem with its ending put back ("viktig", "billig", "rörels"), so that
/// all its inflections still meet ("viktiga", "viktigt", "viktigaste" → "viktig") and no
/// other word's do. Snowball as published is kept for the plain baseline chain and for
/// indexes built before.
pub struct SwedishStemmer {
    stemmer: Stemmer,
    keep_derivations: bool,
}

impl SwedishStemmer {
    /// Snowball Swedish as published.
    pub fn new() -> SwedishStemmer {
        SwedishStemmer {
            stemmer: Stemmer::create(Algorithm::Swedish),
            keep_derivations: false,
        }
    }

    /// Snowball Swedish that keeps the derivational endings -lig, -ig and -els.
    pub fn keeping_derivations() -> SwedishStemmer {
        SwedishStemmer {
            keep_derivations: true,
            ..SwedishStemmer::new()
        }
    }

    /// The stem of one lower-cased word.
    pub fn stem(&self, word: &str) -> String {
        let stem = self.stemmer.stem(word);
        if !self.keep_derivations {
            return stem.into_owned();
        }
        // Snowball only removes endings, so the stem is a prefix of the word; the letters
        // after it begin with one of the endings exactly when the last step removed it (no
        // earlier step removes an ending that begins so).
        let rest = word.strip_prefix(stem.as_ref()).unwrap_or("");
        match DERIVATIONAL_ENDINGS
            .iter()
            .find(|ending| rest.starts_with(**ending))
        {
            Some(ending) => format!("{stem}{ending}"),
            None => stem.into_owned(),
        }
    }
}

impl Default for SwedishStemmer {
    fn default() -> Self {
        SwedishStemmer::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derivations_keep_their_ending_and_their_inflections_meet() {
        let snowball = SwedishStemmer::new();
        let keeping = SwedishStemmer::keeping_derivations();
        // Snowball joins words that are not one.
        assert_eq!(snowball.stem("viktig"), snowball.stem("vikt"));
        assert_eq!(snowball.stem("billigare"), snowball.stem("bilar"));
        assert_eq!(snowball.stem("rörelser"), snowball.stem("rör"));
        for (word, forms) in [
            ("viktig", &["viktiga", "viktigt", "viktigaste"][..]),
            ("billig", &["billigt", "billiga", "billigare"][..]),
            ("rörelse", &["rörelser", "rörelsen", "rörelserna"][..]),
            ("möjlighet", &["möjligheter", "möjligheten", "möjlig"][..]),
        ] {
            for form in forms {
                assert_eq!(keeping.stem(form), keeping.stem(word), "{form}");
            }
        }
        assert_ne!(keeping.stem("viktig"), keeping.stem("vikt"));
        assert_ne!(keeping.stem("billig"), keeping.stem("bil"));
        assert_ne!(keeping.stem("rörelse"), keeping.stem("rör"));
        // Every other word stems as Snowball stems it.
        for word in [
            "kommunerna",
            "myndigheternas",
            "samverkan",
            "företagare",
            "bilarna",
        ] {
            assert_eq!(keeping.stem(word), snowball.stem(word), "{word}");
        }
    }
}
