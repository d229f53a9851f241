//! "Did you mean": when a query finds nothing or little, the indexed words closest to the
//! query's rare words (by edit distance over the title and body term dictionaries, walked by
//! a Levenshtein automaton), shown as they stand in a document rather than as stems. A
//! suggestion begins with the letter the word begins with, as Lucene's spell checker
//! assumes by default: a typo in the first letter is rare, and anchoring it confines each
//! walk to the words of one letter instead of every branch within two edits.

use super::parse::QueryNode;
use super::snippet::positive_words;
use crate::error::FyndError;
use crate::index::FyndIndex;
use serde::Serialize;
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{FuzzyTermQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};
use tantivy_fst::Automaton;

/// A search with at most this many hits gets suggestions.
pub const FEW_HITS: usize = 2;

/// Suggestions offered per word.
const SUGGESTIONS_PER_WORD: usize = 3;

/// Indexed words close to one word of the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The word as typed.
    pub word: String,
    /// Close indexed words, best first (fewest edits, then most documents).
    pub suggestions: Vec<String>,
}

/// Levenshtein distance between `a` and `b` in characters, or `None` once it exceeds `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    (previous[b.len()] <= max).then_some(previous[b.len()])
}

/// Edits allowed for a term of `len` characters: short words tolerate one.
fn max_edits(len: usize) -> usize {
    if len <= 4 {
        1
    } else {
        2
    }
}

/// Suggestions for the words of `query` that are rare in the index, when the search found
/// `total` hits. Words found in more documents than any close alternative get none.
pub fn suggest(
    index: &FyndIndex,
    searcher: &Searcher,
    query: Option<&QueryNode>,
    total: usize,
) -> Result<Vec<Suggestion>, FyndError> {
    if total > FEW_HITS {
        return Ok(Vec::new());
    }
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    let schema = &index.schema;
    let fields = [schema.title, schema.body];
    let mut analyzer = index.index.tokenizer_for_field(schema.body)?;
    // (word as typed, its term, its document frequency)
    let mut words: Vec<(String, String, u64)> = Vec::new();
    for phrase in positive_words(query) {
        let mut stream = analyzer.token_stream(&phrase);
        while stream.advance() {
            let token = stream.token();
            let typed = phrase[token.offset_from..token.offset_to].to_string();
            let term = token.text.clone();
            if words.iter().any(|(_, t, _)| *t == term) || term.chars().count() < 3 {
                continue;
            }
            let freq = doc_freq(searcher, &fields, &term)?;
            words.push((typed, term, freq));
        }
    }
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut candidates: Vec<HashMap<String, (usize, u64)>> = Vec::with_capacity(words.len());
    for (_, word_term, _) in &words {
        candidates.push(close_terms(searcher, &fields, word_term)?);
    }
    let mut out = Vec::new();
    for ((typed, _, freq), found) in words.into_iter().zip(candidates) {
        let mut found: Vec<(String, usize, u64)> = found
            .into_iter()
            .filter(|(_, (_, f))| *f > freq)
            .map(|(term, (d, f))| (term, d, f))
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        let mut suggestions: Vec<String> = Vec::new();
        for (term, _, _) in found {
            let surface = surface_form(index, searcher, &term)?.unwrap_or(term);
            if !suggestions.contains(&surface) && surface != typed.to_lowercase() {
                suggestions.push(surface);
            }
            if suggestions.len() == SUGGESTIONS_PER_WORD {
                break;
            }
        }
        if !suggestions.is_empty() {
            out.push(Suggestion {
                word: typed,
                suggestions,
            });
        }
    }
    Ok(out)
}

/// The indexed terms of `fields` that begin with `word_term`'s first letter and lie within
/// [`max_edits`] of it (itself left out), each with its distance and its document frequency
/// summed over segments and fields. The term dictionaries are walked by a Levenshtein
/// automaton (tantivy's, as [`FuzzyTermQuery`] uses) behind the first letter
/// ([`AfterFirstLetter`]), which visits only the branches that can still end within the
/// distance, so the cost follows the word, not the size of the vocabulary. Each dictionary
/// is walked in a task of its own, on the index's search threads. Terms holding a space are
/// pairs of common words, never suggested.
fn close_terms(
    searcher: &Searcher,
    fields: &[Field],
    word_term: &str,
) -> Result<HashMap<String, (usize, u64)>, FyndError> {
    let max = max_edits(word_term.chars().count());
    let mut found: HashMap<String, (usize, u64)> = HashMap::new();
    let (Some(field), Some(first)) = (fields.first(), word_term.chars().next()) else {
        return Ok(found);
    };
    let rest = &word_term[first.len_utf8()..];
    // Two words that begin alike are as far apart as what follows: the automaton of the
    // rest, built once, is walked behind the first letter over every dictionary.
    let query = FuzzyTermQuery::new(Term::from_field_text(*field, rest), max as u8, false);
    let rest_automaton = query.automaton()?;
    let mut first_bytes = [0u8; 4];
    let automaton = AfterFirstLetter {
        first: first.encode_utf8(&mut first_bytes).as_bytes(),
        rest: &rest_automaton,
    };
    let dictionaries: Vec<(Field, &tantivy::SegmentReader)> = fields
        .iter()
        .flat_map(|field| searcher.segment_readers().iter().map(|s| (*field, s)))
        .collect();
    let walked = searcher.index().search_executor().map(
        |(field, segment)| -> tantivy::Result<Vec<(String, usize, u64)>> {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            let mut close = Vec::new();
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if term == word_term || crate::analysis::is_joined_pair(term) {
                    continue;
                }
                // The automaton kept the term, so the distance is within `max`.
                let Some(distance) = edit_distance(word_term, term, max) else {
                    continue;
                };
                close.push((
                    term.to_string(),
                    distance,
                    u64::from(stream.value().doc_freq),
                ));
            }
            Ok(close)
        },
        dictionaries.into_iter(),
    )?;
    for (term, distance, doc_freq) in walked.into_iter().flatten() {
        found.entry(term).or_insert((distance, 0)).1 += doc_freq;
    }
    Ok(found)
}

/// The terms that begin with the bytes `first` (one character) and go on as `rest`
/// accepts.
struct AfterFirstLetter<'a, A> {
    first: &'a [u8],
    rest: &'a A,
}

/// Where [`AfterFirstLetter`] stands in a term.
#[derive(Clone)]
enum LetterState<S> {
    /// This many bytes of the first letter read.
    First(usize),
    /// Past the first letter, in the rest's automaton.
    Rest(S),
    /// The term does not begin with the letter.
    Dead,
}

impl<A: Automaton> Automaton for AfterFirstLetter<'_, A>
where
    A::State: Clone,
{
    type State = LetterState<A::State>;

    fn start(&self) -> Self::State {
        LetterState::First(0)
    }

    fn is_match(&self, state: &Self::State) -> bool {
        matches!(state, LetterState::Rest(inner) if self.rest.is_match(inner))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        match state {
            LetterState::First(_) => true,
            LetterState::Rest(inner) => self.rest.can_match(inner),
            LetterState::Dead => false,
        }
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        match state {
            LetterState::First(read) if self.first.get(*read) == Some(&byte) => {
                if read + 1 == self.first.len() {
                    LetterState::Rest(self.rest.start())
                } else {
                    LetterState::First(read + 1)
                }
            }
            LetterState::Rest(inner) => LetterState::Rest(self.rest.accept(inner, byte)),
            _ => LetterState::Dead,
        }
    }
}

fn doc_freq(searcher: &Searcher, fields: &[Field], term: &str) -> Result<u64, FyndError> {
    let mut freq = 0;
    for field in fields {
        freq += searcher.doc_freq(&Term::from_field_text(*field, term))?;
    }
    Ok(freq)
}

/// The word as it stands in a document that has `term` (lower-cased): what a user would
/// type, where the term itself may be a stem ("samverk" → "samverkan").
fn surface_form(
    index: &FyndIndex,
    searcher: &Searcher,
    term: &str,
) -> Result<Option<String>, FyndError> {
    let schema = &index.schema;
    for field in [schema.title, schema.body] {
        let query = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
        let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.first() else {
            continue;
        };
        let record = schema.read_record(searcher, *address)?;
        let text = if field == schema.title {
            record.title
        } else {
            record.body
        };
        let mut analyzer = index.index.tokenizer_for_field(field)?;
        let mut stream = analyzer.token_stream(&text);
        while stream.advance() {
            let token = stream.token();
            if token.text == term {
                return Ok(Some(
                    text[token.offset_from..token.offset_to].to_lowercase(),
                ));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every term of the dictionaries that begins with the word's first letter compared
    /// with the word: what the automaton must find.
    fn close_terms_by_scan(
        searcher: &Searcher,
        fields: &[Field],
        word_term: &str,
    ) -> HashMap<String, (usize, u64)> {
        let max = max_edits(word_term.chars().count());
        let mut found: HashMap<String, (usize, u64)> = HashMap::new();
        for field in fields {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(*field).unwrap();
                let mut stream = inverted.terms().stream().unwrap();
                while stream.advance() {
                    let term = std::str::from_utf8(stream.key()).unwrap();
                    if term == word_term
                        || crate::analysis::is_joined_pair(term)
                        || term.chars().next() != word_term.chars().next()
                    {
                        continue;
                    }
                    if let Some(distance) = edit_distance(word_term, term, max) {
                        let entry = found.entry(term.to_string()).or_insert((distance, 0));
                        entry.1 += u64::from(stream.value().doc_freq);
                    }
                }
            }
        }
        found
    }

    #[test]
    fn the_automaton_finds_exactly_the_terms_a_scan_finds() {
        let dir = tempfile::tempdir().unwrap();
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
        crate::index::index_paths(
            dir.path(),
            &[seeds],
            crate::index::DEFAULT_WRITER_MEMORY,
            &mut crate::index::NoProgress,
        )
        .unwrap();
        let index = FyndIndex::open(dir.path()).unwrap();
        let searcher = index.reader().unwrap().searcher();
        let fields = [index.schema.title, index.schema.body];
        // Every fifth indexed body term, misspelt in three ways, and as it is.
        let inverted = searcher.segment_readers()[0]
            .inverted_index(index.schema.body)
            .unwrap();
        let mut stream = inverted.terms().stream().unwrap();
        let mut words = Vec::new();
        let mut at = 0;
        while stream.advance() {
            let term = std::str::from_utf8(stream.key()).unwrap().to_string();
            let chars: Vec<char> = term.chars().collect();
            at += 1;
            if at % 5 != 0 || chars.len() < 3 || crate::analysis::is_joined_pair(&term) {
                continue;
            }
            let dropped: String = chars[1..].iter().collect();
            let mut dropped_inside = chars.clone();
            dropped_inside.remove(chars.len() / 2);
            let mut swapped = chars.clone();
            swapped.swap(0, 1);
            let doubled: String = chars.iter().chain(&chars[chars.len() - 1..]).collect();
            words.extend([
                term,
                dropped,
                dropped_inside.into_iter().collect(),
                swapped.into_iter().collect(),
                doubled,
            ]);
        }
        assert!(words.len() > 100);
        for word in &words {
            assert_eq!(
                close_terms(&searcher, &fields, word).unwrap(),
                close_terms_by_scan(&searcher, &fields, word),
                "{word}"
            );
        }
    }

    #[test]
    fn edit_distance_counts_and_gives_up_early() {
        assert_eq!(edit_distance("samverkan", "samverkan", 2), Some(0));
        assert_eq!(edit_distance("samvrkan", "samverkan", 2), Some(1));
        assert_eq!(edit_distance("kommun", "kommuner", 2), Some(2));
        assert_eq!(edit_distance("åsele", "asele", 1), Some(1));
        assert_eq!(edit_distance("kommun", "region", 2), None);
        assert_eq!(edit_distance("a", "abcd", 2), None);
    }
}
