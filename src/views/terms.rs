//! The index terms of a text as the views show them: each distinct whole-word term and
//! compound-part term with how often it occurs and a word of the text it stands for, so a
//! stem such as "samverk" is shown as "samverkan" and a part as the part as written.

use crate::analysis::fasthash::FastMap;
use crate::analysis::lexicon::Lexicon;
use crate::analysis::{decompound, Analyzer, TermKind};
use crate::error::FyndError;
use crate::query::deadline::Deadline;
use serde::Serialize;

/// Most bytes of a text analysed at once: a long text is analysed piece by piece, so the
/// analysis of one piece is all that is held at a time, and a deadline is looked at
/// between pieces.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// Where a term is indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermSource {
    /// A whole word (the text fields).
    Word,
    /// A part of a compound (the parts field).
    Part,
}

impl TermSource {
    /// `word` or `part`.
    pub fn name(self) -> &'static str {
        match self {
            TermSource::Word => "word",
            TermSource::Part => "part",
        }
    }
}

/// One distinct term of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextTerm {
    /// The index term.
    pub term: String,
    /// Whole word or compound part.
    pub kind: TermSource,
    /// The first word of the text it stands in, lower-cased (for a part: the compound).
    pub written: String,
    /// Occurrences in the text.
    pub count: u32,
}

impl TextTerm {
    /// The word to show for the term: the word as written, or for a part the part as
    /// written in its compound. Splitting the compound again costs far more than the
    /// analysis itself, so it is done only for the terms that are shown.
    pub fn shown(&self, lexicon: &Lexicon) -> String {
        shown_word(lexicon, self.kind, &self.written, &self.term)
    }
}

/// The word to show for `term` of kind `kind` first met in the (lower-cased) word
/// `written`: [`TextTerm::shown`] for a term held apart from its text.
pub fn shown_word(lexicon: &Lexicon, kind: TermSource, written: &str, term: &str) -> String {
    match kind {
        TermSource::Word => written.to_string(),
        TermSource::Part => {
            part_as_written(lexicon, written, term).unwrap_or_else(|| term.to_string())
        }
    }
}

/// Shortest term the views consider, in characters: shorter ones are abbreviations and
/// inflection remnants that say little about a text.
const MIN_TERM_CHARS: usize = 3;

/// Whether `term` is a word worth showing: long enough, with a letter, and neither a pair
/// of common words nor a pair of compound parts.
pub fn is_content_term(term: &str) -> bool {
    term.chars().count() >= MIN_TERM_CHARS
        && term.chars().any(char::is_alphabetic)
        && !crate::analysis::is_joined_pair(term)
}

/// The distinct content terms of `texts`, whole words first within each piece of at most
/// [`CHUNK_BYTES`], each with its count and the word it was first met in, in order of
/// first occurrence. Stops with [`FyndError::TimedOut`] once `deadline` has passed.
pub fn text_terms(
    analyzer: &mut Analyzer,
    texts: &[&str],
    deadline: &Deadline,
) -> Result<Vec<TextTerm>, FyndError> {
    let mut found: Vec<TextTerm> = Vec::new();
    // Where each term is in `found`, one table per kind, looked up by `&str`: no key is
    // built for a term already met.
    let mut words_at: FastMap<String, usize> = FastMap::default();
    let mut parts_at: FastMap<String, usize> = FastMap::default();
    for text in texts {
        let mut start = 0;
        while start < text.len() {
            deadline.check()?;
            let end = chunk_end(text, start);
            let piece = &text[start..end];
            start = end;
            let analysis = analyzer.words_and_parts(piece);
            let words = analysis
                .words
                .iter()
                .filter(|t| matches!(t.kind, TermKind::Word | TermKind::Completed))
                .map(|t| (t, TermSource::Word));
            let parts = analysis.parts.iter().map(|t| (t, TermSource::Part));
            for (analysed, kind) in words.chain(parts) {
                if !is_content_term(&analysed.term) {
                    continue;
                }
                let at = match kind {
                    TermSource::Word => &mut words_at,
                    TermSource::Part => &mut parts_at,
                };
                if let Some(&i) = at.get(analysed.term.as_str()) {
                    found[i].count += 1;
                    continue;
                }
                at.insert(analysed.term.clone(), found.len());
                found.push(TextTerm {
                    term: analysed.term.clone(),
                    kind,
                    written: piece[analysed.offset.clone()].to_lowercase(),
                    count: 1,
                });
            }
        }
    }
    Ok(found)
}

/// Where a piece of `text` from byte `start` ends: at most [`CHUNK_BYTES`] on, after the
/// last line break (or else space) before that, so no word is cut.
pub(crate) fn chunk_end(text: &str, start: usize) -> usize {
    if text.len() - start <= CHUNK_BYTES {
        return text.len();
    }
    let mut end = start + CHUNK_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let piece = &text[start..end];
    match piece
        .rfind('\n')
        .or_else(|| piece.rfind(char::is_whitespace))
    {
        Some(at) if at > 0 => start + at + 1,
        _ => end,
    }
}

/// The part of compound `word` whose term is `term`, as written (lower-cased).
pub fn part_as_written(lexicon: &Lexicon, word: &str, term: &str) -> Option<String> {
    let (_, part) = compound_boundaries(lexicon, word, term);
    part.map(|p| p.to_lowercase())
}

/// `word` with `|` between its compound parts, and the part whose term is `term` as
/// written; `word` as it is (and no part) when it does not split.
pub fn compound_boundaries(lexicon: &Lexicon, word: &str, term: &str) -> (String, Option<String>) {
    let lower = word.to_lowercase();
    // The parts' offsets are in the lower-cased word: they must be those of the word as
    // written, which holds unless lower-casing changed a character's length.
    let parts = match decompound::split(lexicon, &lower) {
        Some(parts) if lower.len() == word.len() && parts.len() > 1 => parts,
        _ => return (word.to_string(), None),
    };
    let mut shown = String::with_capacity(word.len() + parts.len());
    let mut part = None;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            shown.push('|');
        }
        let surface = &word[p.surface.clone()];
        shown.push_str(surface);
        if part.is_none() && lexicon.word_term(&p.lemma) == term {
            part = Some(surface.to_string());
        }
    }
    (shown, part)
}
