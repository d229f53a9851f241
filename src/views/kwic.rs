//! Concordance lines (keyword in context): every occurrence of the query's words in the
//! matching records, not only the best passage, each with its left and right context and
//! its record id, ready to be aligned on the match.
//!
//! A word is found the way passages find it ([`crate::query::snippet`]): the text is run
//! through the analyzer the field is indexed with, once for whole words and once for
//! compound parts, so "samverkan" is found in "samverkade" and inside
//! "myndighetssamverkan", which is shown with its part boundary ("myndighets|samverkan").
//!
//! Records arrive one at a time in search's order, and a record's text is analysed in
//! pieces of at most [`CHUNK_BYTES`] cut at line breaks or spaces, so memory stays bounded
//! by the largest record, not by the analysis of it; in document order (`--sort doc`) lines
//! stream out as they are found. Sorting by context holds the lines (at most twice the
//! limit at a time).

use super::matching;
use super::terms::chunk_end;
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::deadline::Deadline;
use crate::query::export::{export_first, export_with, HitStream};
use crate::query::match_mode::MatchMode;
use crate::query::snippet::{positive_words, TermMatch, TermMatcher};
use crate::query::SearchRequest;
use serde::Serialize;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Arc;
use tantivy::Searcher;

pub use super::terms::CHUNK_BYTES;

/// Fewest records of the head of search's order that a page of lines in that order reads
/// before it orders every hit ([`kwic`]).
const HEAD_RECORDS: usize = 64;

/// The order of concordance lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KwicSort {
    /// Records in search's order (best first), occurrences in text order; streams.
    Doc,
    /// By the words before the match, nearest first (as Korp sorts "left context").
    Left,
    /// By the match and the words after it.
    Right,
}

impl KwicSort {
    /// The order named `name` (`doc`, `left`, `right`).
    pub fn parse(name: &str) -> Result<KwicSort, FyndError> {
        match name.trim().to_lowercase().as_str() {
            "doc" | "" => Ok(KwicSort::Doc),
            "left" => Ok(KwicSort::Left),
            "right" => Ok(KwicSort::Right),
            _ => Err(FyndError::BadView {
                option: "--sort".into(),
                message: format!(
                    "cannot sort concordance lines by {name:?}: write doc, left or right"
                ),
            }),
        }
    }
}

/// How concordance lines are made.
#[derive(Clone, Copy, Debug)]
pub struct KwicOptions {
    /// Characters of context on each side.
    pub width: usize,
    /// Their order.
    pub sort: KwicSort,
    /// Most lines; 0 for all.
    pub limit: usize,
}

/// One occurrence in context.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KwicLine {
    /// The record's id.
    pub id: String,
    /// The field it is in (`title` or `body`).
    pub field: &'static str,
    /// Byte offset of the match in that field's text.
    pub offset: usize,
    /// Up to `width` characters before the match (white space runs as one space).
    pub left: String,
    /// The matched word as written.
    pub matched: String,
    /// The matched word as shown: a compound matched by a part has `|` between its parts.
    pub shown: String,
    /// Up to `width` characters after the match.
    pub right: String,
    /// When the match is a part of a compound: that part as written ("samverkan").
    pub part: Option<String>,
}

/// Concordance lines, produced as they are read.
pub struct KwicStream {
    /// The query as given.
    pub query: String,
    /// Records the query matches.
    pub total: usize,
    lines: Lines,
}

enum Lines {
    Streamed(Box<Finder>),
    Sorted(std::vec::IntoIter<KwicLine>),
}

impl Iterator for KwicStream {
    type Item = Result<KwicLine, FyndError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.lines {
            Lines::Streamed(finder) => finder.next(),
            Lines::Sorted(lines) => lines.next().map(Ok),
        }
    }
}

/// The concordance of `request`'s query over the records it matches (with its filters).
pub fn kwic(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    options: KwicOptions,
) -> Result<KwicStream, FyndError> {
    let (_, prepared) = matching(index, searcher, request)?;
    let words = prepared
        .parsed
        .as_ref()
        .map(positive_words)
        .unwrap_or_default();
    // In exact mode a word is not looked for inside compounds, in the lines as in the hits.
    let fields = match request.match_mode {
        MatchMode::Exact => vec![index.schema.body],
        _ => vec![index.schema.body, index.schema.parts],
    };
    let matchers = fields
        .into_iter()
        .filter_map(|field| TermMatcher::new(index, searcher, field, &words))
        .collect::<Vec<_>>();
    let mut all = request.clone();
    all.limit = usize::MAX;
    all.offset = 0;
    // A page in search's order reads the head of the order only: the best records first
    // (a top-k pass), and every hit ordered only if their lines do not fill the page.
    let head = (options.sort == KwicSort::Doc && options.limit > 0)
        .then(|| (options.limit * 2).max(HEAD_RECORDS));
    let hits = match head {
        Some(first) => export_first(index, searcher, &all, first)?,
        None => export_with(index, searcher, &all, false)?,
    };
    let total = hits.total;
    let mut finder = Finder {
        hits,
        matchers,
        lexicon: index.lexicon.clone(),
        width: options.width,
        cursor: None,
        pending: VecDeque::new(),
        left: if options.sort == KwicSort::Doc {
            options.limit
        } else {
            0
        },
        unlimited: options.sort != KwicSort::Doc || options.limit == 0,
        deadline: request.deadline.clone(),
    };
    if let Some(first) = head.filter(|first| total > *first) {
        let mut page: VecDeque<KwicLine> = VecDeque::new();
        for line in finder.by_ref() {
            page.push_back(line?);
        }
        if page.len() < options.limit {
            // The head's records did not fill the page: the rest of the order, after them.
            let mut rest = export_with(index, searcher, &all, false)?;
            rest.skip_hits(first);
            finder.hits = rest;
            finder.left = options.limit;
            finder.pending = page;
        } else {
            return Ok(KwicStream {
                query: request.query.clone(),
                total,
                lines: Lines::Sorted(Vec::from(page).into_iter()),
            });
        }
    }
    let lines = match options.sort {
        KwicSort::Doc => Lines::Streamed(Box::new(finder)),
        sort => {
            let key = |line: &KwicLine| sort_key(line, sort);
            let mut kept: Vec<(String, KwicLine)> = Vec::new();
            for line in finder.by_ref() {
                let line = line?;
                kept.push((key(&line), line));
                if options.limit > 0 && kept.len() >= options.limit * 2 {
                    kept.sort_by(|a, b| a.0.cmp(&b.0));
                    kept.truncate(options.limit);
                }
            }
            kept.sort_by(|a, b| a.0.cmp(&b.0));
            if options.limit > 0 {
                kept.truncate(options.limit);
            }
            Lines::Sorted(
                kept.into_iter()
                    .map(|(_, line)| line)
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        }
    };
    Ok(KwicStream {
        query: request.query.clone(),
        total,
        lines,
    })
}

/// The key a line sorts by: its left context read backwards from the match, or the match
/// and its right context; lower-cased, ties in document order (the sort is stable).
fn sort_key(line: &KwicLine, sort: KwicSort) -> String {
    match sort {
        KwicSort::Left => line
            .left
            .split_whitespace()
            .rev()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
        _ => format!("{} {}", line.matched, line.right).to_lowercase(),
    }
}

/// Where the finder is: one record's texts, the field and the byte it has read to.
struct Cursor {
    id: String,
    texts: Vec<(&'static str, String)>,
    field: usize,
    at: usize,
}

/// Finds the lines record by record, piece by piece.
struct Finder {
    hits: HitStream,
    matchers: Vec<TermMatcher>,
    lexicon: Arc<crate::analysis::lexicon::Lexicon>,
    width: usize,
    cursor: Option<Cursor>,
    pending: VecDeque<KwicLine>,
    /// Lines still to give, unless `unlimited`.
    left: usize,
    unlimited: bool,
    /// Looked at before each record and each piece of text.
    deadline: Deadline,
}

impl Iterator for Finder {
    type Item = Result<KwicLine, FyndError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if !self.unlimited && self.left == 0 {
                return None;
            }
            if let Some(line) = self.pending.pop_front() {
                self.left = self.left.saturating_sub(1);
                return Some(Ok(line));
            }
            if let Err(err) = self.deadline.check() {
                return Some(Err(err));
            }
            let Some(cursor) = self.cursor.as_mut().filter(|c| c.field < c.texts.len()) else {
                let hit = match self.hits.next()? {
                    Ok(hit) => hit,
                    Err(err) => return Some(Err(err)),
                };
                let record = hit.record;
                self.cursor = Some(Cursor {
                    id: record.id,
                    texts: vec![("title", record.title), ("body", record.body)],
                    field: 0,
                    at: 0,
                });
                continue;
            };
            if cursor.at >= cursor.texts[cursor.field].1.len() {
                cursor.field += 1;
                cursor.at = 0;
                continue;
            }
            let (field, text) = &cursor.texts[cursor.field];
            let piece = cursor.at..chunk_end(text, cursor.at);
            for (range, term) in occurrences(&self.matchers, &text[piece.clone()], piece.start) {
                self.pending.push_back(line(
                    &cursor.id,
                    field,
                    text,
                    range,
                    term.as_deref(),
                    self.width,
                    &self.lexicon,
                ));
            }
            let end = piece.end;
            if let Some(cursor) = self.cursor.as_mut() {
                cursor.at = end;
            }
        }
    }
}

/// The matches in `piece` (at byte `shift` of its text), in order, each once: a word
/// matched whole is shown as it is; one matched only through the parts field carries the
/// part term it matched, so its boundaries are shown.
fn occurrences(
    matchers: &[TermMatcher],
    piece: &str,
    shift: usize,
) -> Vec<(Range<usize>, Option<String>)> {
    let mut found: Vec<(Range<usize>, Option<String>)> = Vec::new();
    for (m, matcher) in matchers.iter().enumerate() {
        for TermMatch { range, term, .. } in matcher.matches(piece) {
            let range = range.start + shift..range.end + shift;
            if found.iter().any(|(r, _)| r.start == range.start) {
                continue;
            }
            // The first matcher reads whole words; the others, compound parts.
            found.push((range, (m > 0).then_some(term)));
        }
    }
    found.sort_by_key(|(range, _)| range.start);
    found
}

/// The line for the match at `range` of `text`.
fn line(
    id: &str,
    field: &'static str,
    text: &str,
    range: Range<usize>,
    part_term: Option<&str>,
    width: usize,
    lexicon: &crate::analysis::lexicon::Lexicon,
) -> KwicLine {
    let matched = &text[range.clone()];
    let (shown, part) = match part_term {
        Some(term) => super::terms::compound_boundaries(lexicon, matched, term),
        None => (matched.to_string(), None),
    };
    KwicLine {
        id: id.to_string(),
        field,
        offset: range.start,
        left: context_before(&text[..range.start], width),
        matched: matched.to_string(),
        shown,
        right: context_after(&text[range.end..], width),
        part,
    }
}

/// The last `width` characters before a match, white space runs as one space.
fn context_before(text: &str, width: usize) -> String {
    // Reading back 4 bytes a character (and twice for white space runs) is enough.
    let from = text.len().saturating_sub(width * 8);
    let mut from = from;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let flat = flatten(&text[from..]);
    let chars: Vec<char> = flat.chars().collect();
    chars[chars.len().saturating_sub(width)..].iter().collect()
}

/// The first `width` characters after a match, white space runs as one space.
fn context_after(text: &str, width: usize) -> String {
    let mut to = text.len().min(width * 8);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    flatten(&text[..to]).chars().take(width).collect()
}

fn flatten(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_cut_to_width_with_white_space_flattened() {
        assert_eq!(context_before("ett  två\ntre ", 6), "å tre ");
        assert_eq!(context_after(" fyra\n\nfem sex", 8), " fyra fe");
        assert_eq!(context_before("", 5), "");
    }

    #[test]
    fn pieces_end_at_line_breaks_and_cover_the_text() {
        let line = "ord ".repeat(1000);
        let text = format!("{line}\n").repeat(40);
        let mut at = 0;
        while at < text.len() {
            let end = chunk_end(&text, at);
            assert!(end > at && end - at <= CHUNK_BYTES);
            assert!(end == text.len() || text[..end].ends_with('\n'));
            at = end;
        }
    }
}
