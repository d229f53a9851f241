//! Swedish text analysis: the one definition of how text becomes index terms, used both
//! when documents are indexed and when queries are parsed, so the two always agree.
//!
//! The chain, one stage per module: [`segment`] (words by Unicode rules) → lower-casing →
//! [`stem`] (Snowball Swedish).

pub mod segment;
pub mod stem;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the Swedish analyzer is registered under in every fynd index; the schema's
/// text fields refer to it.
pub const ANALYZER_NAME: &str = "swedish";

/// One analysed word: the index term and where it came from in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzedTerm {
    /// The term as stored in the index (lower-cased, stemmed).
    pub term: String,
    /// Byte range of the source word in the analysed text.
    pub offset: std::ops::Range<usize>,
    /// Word position, for phrase matching.
    pub position: usize,
}

/// Runs the whole Swedish chain over `text`.
pub fn analyze(text: &str) -> Vec<AnalyzedTerm> {
    let stemmer = stem::SwedishStemmer::new();
    segment::words(text)
        .enumerate()
        .map(|(position, (offset, word))| AnalyzedTerm {
            term: stemmer.stem(&word.to_lowercase()),
            offset: offset..offset + word.len(),
            position,
        })
        .collect()
}

/// The Swedish analyzer as a tantivy tokenizer, registered under [`ANALYZER_NAME`].
#[derive(Clone, Default)]
pub struct SwedishAnalyzer {
    tokens: Vec<Token>,
}

impl Tokenizer for SwedishAnalyzer {
    type TokenStream<'a> = SwedishTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SwedishTokenStream<'a> {
        self.tokens.clear();
        self.tokens
            .extend(analyze(text).into_iter().map(|term| Token {
                offset_from: term.offset.start,
                offset_to: term.offset.end,
                position: term.position,
                text: term.term,
                position_length: 1,
            }));
        SwedishTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// The tokens of one analysed text, handed to tantivy one at a time.
pub struct SwedishTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for SwedishTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyze(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn inflected_forms_meet_and_offsets_point_at_the_source() {
        assert_eq!(
            terms("Samordningsförbunden"),
            terms("samordningsförbundens")
        );
        assert_eq!(terms("Kommunerna"), terms("kommuner"));
        let analyzed = analyze("Ökad samverkan");
        assert_eq!(&"Ökad samverkan"[analyzed[1].offset.clone()], "samverkan");
        assert_eq!(analyzed[1].position, 1);
    }

    #[test]
    fn tantivy_sees_the_same_terms() {
        let mut analyzer = SwedishAnalyzer::default();
        let mut stream = analyzer.token_stream("Myndigheternas samverkan");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, terms("Myndigheternas samverkan"));
    }
}
