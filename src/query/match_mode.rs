//! How much a query word matches beyond itself: the three match modes a researcher chooses
//! between (`--match`, `match=`), and what each one means, written once here so the
//! builder, `--explain` and the documentation say the same thing.

use crate::error::FyndError;
use serde::Serialize;

/// Words allowed between the parts of a compound found as words of their own in
/// [`MatchMode::Compound`] unless `--near` says otherwise. Stopwords count as words, and a
/// Swedish compound written apart usually puts a preposition and often an adjective or a
/// determiner between its parts: "samverkan mellan olika myndigheter", "utveckling av nya
/// företag" are "myndighetssamverkan" and "företagsutveckling"; "myndigheter som arbetar
/// med samverkan" is not. A window never spans two sentences (see
/// [`crate::analysis::segment::SENTENCE_GAP`]). docs/RELEVANCE.md has the precision and
/// recall of each window on the judged sets.
pub const WORDS_BETWEEN_PARTS: u32 = 2;

/// Most words `--near` may allow between parts: beyond that the parts are no longer
/// written together, and broad mode says so honestly.
pub const MAX_WORDS_BETWEEN_PARTS: u32 = 10;

/// What a query word matches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// The word and its inflections only (in any text field; also typed without å, ä, ö).
    Exact,
    /// The default: the word and its inflections; the word inside longer compounds; for a
    /// compound, also its parts as words of their own close together
    /// ([`WORDS_BETWEEN_PARTS`]), in either order, inflected, in one field.
    #[default]
    Compound,
    /// As [`MatchMode::Compound`], but a compound's parts as words may stand anywhere in
    /// the document, however far apart: higher recall, much lower precision.
    Broad,
}

impl MatchMode {
    /// Every mode, in the order the documentation lists them.
    pub const ALL: [MatchMode; 3] = [MatchMode::Exact, MatchMode::Compound, MatchMode::Broad];

    /// The mode's name as `--match` and `match=` take it.
    pub fn name(self) -> &'static str {
        match self {
            MatchMode::Exact => "exact",
            MatchMode::Compound => "compound",
            MatchMode::Broad => "broad",
        }
    }

    /// Reads a mode name (English, or the Swedish `exakt`, `sammansatt`, `bred`), in any
    /// case; an unknown name is an error that lists the valid ones.
    pub fn parse(text: &str) -> Result<MatchMode, FyndError> {
        match text.trim().to_lowercase().as_str() {
            "exact" | "exakt" => Ok(MatchMode::Exact),
            "compound" | "sammansatt" | "" => Ok(MatchMode::Compound),
            "broad" | "bred" => Ok(MatchMode::Broad),
            _ => Err(FyndError::BadMatchMode {
                text: text.to_string(),
            }),
        }
    }

    /// Whether a word is also found inside longer compounds (the parts field).
    pub fn inside_compounds(self) -> bool {
        self != MatchMode::Exact
    }

    /// How a compound's parts as words of their own are matched: `None` not at all,
    /// `Some(None)` anywhere in the document, `Some(Some(n))` with at most `n` words
    /// (`words_between` in compound mode) between neighbouring parts, in one field.
    pub fn parts_as_words(self, words_between: u32) -> Option<Option<u32>> {
        match self {
            MatchMode::Exact => None,
            MatchMode::Compound => Some(Some(words_between)),
            MatchMode::Broad => Some(None),
        }
    }

    /// Reads `--near N` (words allowed between a compound's parts), 0 to
    /// [`MAX_WORDS_BETWEEN_PARTS`].
    pub fn parse_near(text: &str) -> Result<u32, FyndError> {
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_WORDS_BETWEEN_PARTS)
            .ok_or_else(|| FyndError::BadNear {
                text: text.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_reads_back_from_its_name_and_unknown_names_are_refused() {
        for mode in MatchMode::ALL {
            assert_eq!(MatchMode::parse(mode.name()).unwrap(), mode);
            assert_eq!(MatchMode::parse(&mode.name().to_uppercase()).unwrap(), mode);
        }
        assert_eq!(MatchMode::parse("exakt").unwrap(), MatchMode::Exact);
        let err = MatchMode::parse("fuzzy").unwrap_err().to_string();
        assert!(err.contains("exact, compound or broad"), "{err}");
    }
}
