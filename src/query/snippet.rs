//! Passages: the part of a document's text that best shows why it matched, a few sentences
//! long, with every matched word marked.
//!
//! A word matches exactly when the index says it does ("kommunerna" for the query
//! "kommun"). Matches can come from several fields analysed differently (a field of compound
//! parts, say): each field is one [`TermMatcher`], and their matches are merged before the
//! best passage is chosen.
//!
//! Two ways find the same matches. A text alone is run through the analyzer its field was
//! indexed with ([`TermMatcher::matches`]). A hit's body is not analysed: the field's
//! postings say at which word positions the document holds each query term, and the body's
//! segmentation into words (no stemming, no lexicon, no decompounding) says where in the text
//! those positions are ([`TermMatcher::matches_at`]). Analysing the ten bodies of a page,
//! decompounding each word, was most of a passage's time in a fresh process. The test
//! `a_passage_picked_at_its_document_is_the_passage_of_its_text` holds the second way to
//! the first.

use super::parse::{Occur, QueryNode};
use crate::analysis::lexicon::Lexicon;
use crate::analysis::lowercase::lowercase;
use crate::analysis::segment::{segments, Segment, SegmentKind};
use crate::analysis::Analyzer;
use crate::index::FyndIndex;
use crate::record::ProjectRecord;
use crate::schema::FyndSchema;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use tantivy::postings::Postings;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocSet, Searcher, Term};

/// Longest passage, in characters.
pub const PASSAGE_CHARS: usize = 360;

/// Most sentences in one passage.
pub const PASSAGE_SENTENCES: usize = 3;

/// Bytes at the start of a text that its passage is chosen from (256 KB, a hundred pages).
/// Picking a passage analyses the text it looks at, so over a whole document of tens of
/// megabytes one search took seconds per hit and gigabytes; a document longer than this is
/// still indexed and found in full, but its passage comes from its first part (or is its
/// opening when no query word is there).
pub const PASSAGE_SOURCE_BYTES: usize = 256 * 1024;

/// Characters of context kept before the first match when a long sentence must be cut.
const LEAD_CHARS: usize = 60;

/// A piece of text and the byte ranges in it that matched the query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Passage {
    /// The text, with "…" where it was cut from a longer text.
    pub text: String,
    /// Matched byte ranges in `text`, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Passage {
    /// The passage as HTML: text escaped, matches in `<mark>` elements.
    pub fn to_html(&self) -> String {
        self.render(escape_html, |text| {
            format!("<mark>{}</mark>", escape_html(text))
        })
    }

    /// The passage with each match wrapped by `mark`, and the rest passed through `plain`.
    pub fn render(&self, plain: impl Fn(&str) -> String, mark: impl Fn(&str) -> String) -> String {
        let mut out = String::new();
        let mut at = 0;
        for range in &self.highlights {
            out.push_str(&plain(&self.text[at..range.start]));
            out.push_str(&mark(&self.text[range.clone()]));
            at = range.end;
        }
        out.push_str(&plain(&self.text[at..]));
        out
    }

    /// The matched words, as they stand in the text.
    pub fn marked(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|r| &self.text[r.clone()])
            .collect()
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One word of the text that matched a query term.
#[derive(Clone, Debug, PartialEq)]
pub struct TermMatch {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// The index term it matched.
    pub term: String,
    /// How much the term says about relevance (its IDF): rare terms count more.
    pub weight: f32,
}

/// Finds the query's terms in text the way one field analyses it.
pub struct TermMatcher {
    /// The field's analyzer, copied once into each thread that reads texts for it.
    analyzer: TextAnalyzer,
    /// The lexicon it analyses with (its address) and the field: which warm analyzer of
    /// the thread to use.
    key: (usize, Field),
    weights: HashMap<String, f32>,
    /// For a field of whole words: the lexicon to read a text's words with, in place of
    /// `analyzer` ([`Analyzer::words_read`]: the same terms, no decompounding).
    reads_words: Option<Arc<Lexicon>>,
    /// What the field holds of a document before its body, which shifts the body's word
    /// positions in the field; `None` when the body's matches are not read from positions:
    /// the index keeps none for the field (an index written before the parts field kept
    /// them), or the field is neither the body nor the parts field, whose texts ahead of
    /// the body are known. The body is then analysed.
    ahead: Option<BodyAhead>,
}

/// What a field holds of a document ahead of its body. tantivy numbers the positions of a
/// field's next text on from one past the end of the text before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyAhead {
    /// The body is the field's only text (the body field).
    Nothing,
    /// The texts of [`crate::schema::FyndSchema::texts_ahead_of_body`] come first (the
    /// parts field), the body last.
    OtherTexts,
}

/// Per thread, the analyzers passages were picked with, by field, and the lexicon they
/// belong to. Their memos of analysed words stay warm from hit to hit and from query to
/// query (the search threads live as long as the index), so a body's words are
/// decompounded once, not once per query: cold memos were most of a passage's time.
/// Only one lexicon's analyzers are kept; each holds that lexicon, so its address is not
/// reused while they live.
type WarmAnalyzers = Option<(usize, HashMap<Field, TextAnalyzer>)>;

thread_local! {
    static WARM: RefCell<WarmAnalyzers> = const { RefCell::new(None) };
}

impl TermMatcher {
    /// A matcher for `words` (as typed in the query) in `field`, weighted by how rare each
    /// term is in that field. A query word stands for its whole-word term and for its
    /// compound parts, so "myndighetssamverkan" also marks "samverkan" and "myndigheter",
    /// and over the parts field "samverkan" marks "samverkansformerna". `None` when the
    /// field has no analyzer.
    pub fn new(
        index: &FyndIndex,
        searcher: &Searcher,
        field: Field,
        words: &[String],
    ) -> Option<TermMatcher> {
        let analyzer = index.index.tokenizer_for_field(field).ok()?;
        let num_docs = searcher.num_docs().max(1) as f32;
        let mut weights = HashMap::new();
        for query_field in [field, index.schema.body, index.schema.parts] {
            let Ok(mut query_analyzer) = index.index.tokenizer_for_field(query_field) else {
                continue;
            };
            for word in words {
                let mut stream = query_analyzer.token_stream(word);
                while stream.advance() {
                    let term = stream.token().text.clone();
                    if crate::analysis::is_near_pair(&term) {
                        continue;
                    }
                    let doc_freq = searcher
                        .doc_freq(&Term::from_field_text(field, &term))
                        .unwrap_or(0) as f32;
                    let idf = (1.0 + (num_docs - doc_freq + 0.5) / (doc_freq + 0.5)).ln();
                    weights.entry(term).or_insert(idf.max(0.01));
                }
            }
        }
        let positions = index
            .index
            .schema()
            .get_field_entry(field)
            .field_type()
            .get_index_record_option()
            .is_some_and(|option| option.has_positions());
        let ahead = match field {
            _ if !positions => None,
            field if field == index.schema.body => Some(BodyAhead::Nothing),
            field if field == index.schema.parts => Some(BodyAhead::OtherTexts),
            _ => None,
        };
        Some(TermMatcher {
            analyzer,
            key: (Arc::as_ptr(&index.lexicon) as usize, field),
            weights,
            reads_words: None,
            ahead,
        })
    }

    /// The matcher for a field of whole words (title, body), reading texts with
    /// [`Analyzer::words_read`]: the terms the field's analyzer gives, without the
    /// decompounding of every word that analyzer does for the other streams.
    pub fn reading_words(mut self, index: &FyndIndex) -> TermMatcher {
        self.reads_words = Some(index.lexicon.clone());
        self
    }

    /// Whether the document at `address` holds one of the terms in this matcher's field:
    /// its text can match only if so (the field indexes that text, or more).
    pub fn may_match(&self, searcher: &Searcher, address: DocAddress) -> bool {
        let field = self.key.1;
        let segment = searcher.segment_reader(address.segment_ord);
        let Ok(inverted) = segment.inverted_index(field) else {
            return true;
        };
        self.weights.keys().any(|term| {
            let term = Term::from_field_text(field, term);
            match inverted.read_postings(&term, IndexRecordOption::Basic) {
                // A list starts at its first document, and seeks only forward.
                Ok(Some(mut postings)) => {
                    postings.doc() <= address.doc_id
                        && postings.seek(address.doc_id) == address.doc_id
                }
                Ok(None) => false,
                Err(_) => true,
            }
        })
    }

    /// Every word of `text` that matches one of the terms, in order.
    pub fn matches(&self, text: &str) -> Vec<TermMatch> {
        if self.weights.is_empty() {
            return Vec::new();
        }
        if let Some(lexicon) = &self.reads_words {
            return Analyzer::new(lexicon.clone())
                .words_read(text)
                .into_iter()
                .filter_map(|analysed| {
                    let weight = *self.weights.get(&analysed.term)?;
                    Some(TermMatch {
                        range: analysed.offset,
                        term: analysed.term,
                        weight,
                    })
                })
                .collect();
        }
        self.with_warm_analyzer(|analyzer| {
            let mut stream = analyzer.token_stream(text);
            let mut found = Vec::new();
            while stream.advance() {
                let token = stream.token();
                if let Some(weight) = self.weights.get(&token.text) {
                    found.push(TermMatch {
                        range: token.offset_from..token.offset_to,
                        term: token.text.clone(),
                        weight: *weight,
                    });
                }
            }
            found
        })
    }

    /// `work` with this thread's warm analyzer of the field.
    fn with_warm_analyzer<T>(&self, work: impl FnOnce(&mut TextAnalyzer) -> T) -> T {
        let (lexicon, field) = self.key;
        WARM.with(|warm| {
            let mut warm = warm.borrow_mut();
            if warm.as_ref().is_none_or(|(current, _)| *current != lexicon) {
                *warm = Some((lexicon, HashMap::new()));
            }
            let analyzers = &mut warm.as_mut().expect("set above").1;
            let analyzer = analyzers
                .entry(field)
                .or_insert_with(|| self.analyzer.clone());
            work(analyzer)
        })
    }

    /// The position of the body's first word in the field, `ahead` being the texts the
    /// field holds before it: tantivy numbers each text's positions on from one past the
    /// end of the one before (past its last token's position, or where that text began
    /// when it gave no token).
    fn body_start<'t>(&self, kind: BodyAhead, ahead: impl Iterator<Item = &'t str>) -> u32 {
        match kind {
            BodyAhead::Nothing => 0,
            BodyAhead::OtherTexts => self.with_warm_analyzer(|analyzer| {
                let mut start = 0;
                for text in ahead {
                    let mut end = start;
                    let mut stream = analyzer.token_stream(text);
                    while stream.advance() {
                        let token = stream.token();
                        end = end.max(start + token.position as u32 + token.position_length as u32);
                    }
                    start = end + 1;
                }
                start
            }),
        }
    }

    /// [`TermMatcher::matches`] for `text`, the body (or its head) of the document at
    /// `address`, read from the index: the positions at which the document holds each term
    /// in the field, placed on `words`, the segmentation of `text`. `ahead` are the texts
    /// the field holds before the body. No word of the body is analysed but the words
    /// found for a field that holds other texts first: where those texts begin depends on
    /// the lexicon they were indexed with, which an index that has learned words since may
    /// no longer have, so each such word must give its term again. `None` when one does
    /// not, or when the field's matches are not read from positions: the caller then
    /// analyses the text.
    pub fn matches_at<'t>(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        ahead: impl Iterator<Item = &'t str>,
        text: &str,
        words: &[Segment],
    ) -> Option<Vec<TermMatch>> {
        let kind = self.ahead?;
        let field = self.key.1;
        let segment = searcher.segment_reader(address.segment_ord);
        let Ok(inverted) = segment.inverted_index(field) else {
            return Some(Vec::new());
        };
        let mut found = Vec::new();
        let mut positions = Vec::new();
        let mut ahead = Some(ahead);
        let mut start = None;
        for (text, &weight) in &self.weights {
            let term = Term::from_field_text(field, text);
            let Ok(Some(mut postings)) =
                inverted.read_postings(&term, IndexRecordOption::WithFreqsAndPositions)
            else {
                continue;
            };
            // A list starts at its first document, and seeks only forward.
            if postings.doc() > address.doc_id || postings.seek(address.doc_id) != address.doc_id {
                continue;
            }
            let start = match start {
                Some(start) => start,
                None => *start.insert(self.body_start(kind, ahead.take().expect("taken once"))),
            };
            positions.clear();
            postings.positions(&mut positions);
            for position in positions.iter().filter_map(|p| p.checked_sub(start)) {
                if let Some(range) = word_range(kind, words, position as usize, text) {
                    found.push(TermMatch {
                        range,
                        term: text.clone(),
                        weight,
                    });
                }
            }
        }
        // A suspended word ("kompetens-" before "och affärsutveckling") holds the parts
        // of its completed compound, which it does not give alone: the words that are
        // not suspended show whether the positions were placed right, and one at least
        // must be there to show it.
        let suspended = |m: &TermMatch| {
            words
                .iter()
                .any(|w| w.offset.start == m.range.start && w.kind == SegmentKind::Suspended)
        };
        let (in_suspended, others): (Vec<&TermMatch>, Vec<&TermMatch>) =
            found.iter().partition(|m| suspended(m));
        let verified = kind == BodyAhead::Nothing
            || ((in_suspended.is_empty() || !others.is_empty())
                && others
                    .iter()
                    .all(|m| self.gives_term(&text[m.range.clone()], &m.term)));
        verified.then_some(found)
    }

    /// Whether this field's analyzer gives `term` for `word` alone.
    fn gives_term(&self, word: &str, term: &str) -> bool {
        self.with_warm_analyzer(|analyzer| {
            let mut stream = analyzer.token_stream(word);
            while stream.advance() {
                if stream.token().text == term {
                    return true;
                }
            }
            false
        })
    }
}

/// The byte range of `term` at word `position` of `words`, as the analyzer of a field
/// holding `kind` ahead of the body gives it there: the joined token when the term is that
/// token (whole-word fields index a
/// joined token, "esf+", at its first word's position, beside the word), two words for
/// a pair term ("hållbar utveckling" at the first word's position), else the word.
/// `None` past the words looked at.
fn word_range(
    kind: BodyAhead,
    words: &[Segment],
    position: usize,
    term: &str,
) -> Option<Range<usize>> {
    let at = |position: usize| {
        let from = words.partition_point(|w| w.position < position);
        words[from..]
            .iter()
            .take_while(move |w| w.position == position)
    };
    if kind == BodyAhead::Nothing {
        if let Some(joined) = at(position).find(|w| w.kind == SegmentKind::Joined) {
            if lowercase(&joined.text) == term {
                return Some(joined.offset.clone());
            }
        }
    }
    let word = at(position).find(|w| w.kind != SegmentKind::Joined)?;
    if term.contains(' ') {
        let next = at(position + 1).find(|w| w.kind != SegmentKind::Joined)?;
        return Some(word.offset.start..next.offset.end);
    }
    Some(word.offset.clone())
}

/// The words of a parsed query that a passage should show: every word and phrase not under
/// a NOT, unless it is restricted to a field other than title or body.
pub fn positive_words(node: &QueryNode) -> Vec<String> {
    let mut words = Vec::new();
    collect_words(node, &mut words);
    words
}

fn collect_words(node: &QueryNode, words: &mut Vec<String>) {
    match node {
        QueryNode::Word { field, text, .. } | QueryNode::Phrase { field, text, .. } => {
            if matches!(field.as_deref(), None | Some("title") | Some("body")) {
                words.push(text.clone());
            }
        }
        QueryNode::Range { .. } => {}
        QueryNode::All(clauses) => {
            for (occur, clause) in clauses {
                if *occur == Occur::Must {
                    collect_words(clause, words);
                }
            }
        }
        QueryNode::Any(options) => {
            for option in options {
                collect_words(option, words);
            }
        }
    }
}

/// Picks passages for the hits of one query.
#[derive(Default)]
pub struct PassagePicker {
    matchers: Vec<TermMatcher>,
}

impl PassagePicker {
    /// A picker for the words of `query` in the body text, as whole words or as parts of
    /// compounds.
    pub fn new(index: &FyndIndex, searcher: &Searcher, query: Option<&QueryNode>) -> PassagePicker {
        let words = query.map(positive_words).unwrap_or_default();
        // Whole words, and compounds that hold a query word as a part.
        let body = TermMatcher::new(index, searcher, index.schema.body, &words)
            .map(|matcher| matcher.reading_words(index));
        let parts = TermMatcher::new(index, searcher, index.schema.parts, &words);
        PassagePicker {
            matchers: body.into_iter().chain(parts).collect(),
        }
    }

    /// Adds matches of `words` as `field` analyses them (for a field that indexes the same
    /// text differently, e.g. split into compound parts), merged with the others.
    pub fn with_field(
        mut self,
        index: &FyndIndex,
        searcher: &Searcher,
        field: Field,
        words: &[String],
    ) -> PassagePicker {
        if let Some(matcher) = TermMatcher::new(index, searcher, field, words) {
            self.matchers.push(matcher);
        }
        self
    }

    /// The matches of every field in `text`, in order; overlapping matches are merged.
    pub fn matches(&self, text: &str) -> Vec<TermMatch> {
        self.matches_of(self.matchers.iter(), text)
    }

    /// The matches of `matchers` in `text`, in order; overlapping matches are merged.
    fn matches_of<'a>(
        &'a self,
        matchers: impl Iterator<Item = &'a TermMatcher>,
        text: &str,
    ) -> Vec<TermMatch> {
        merge(matchers.flat_map(|m| m.matches(text)).collect())
    }

    /// The best passage of `text`: the window of up to [`PASSAGE_SENTENCES`] sentences
    /// (at most [`PASSAGE_CHARS`] characters) where the query's terms are most present —
    /// rare and distinct terms count most — or its opening when no query word is in it.
    pub fn pick(&self, full: &str) -> Passage {
        self.pick_from(self.matches(head(full, PASSAGE_SOURCE_BYTES)), full)
    }

    /// [`PassagePicker::pick`] for the body of `record`, the document at `address`: each
    /// field's matches are read from the index's positions ([`TermMatcher::matches_at`]).
    /// In an index whose field keeps no positions, or where the words found do not give
    /// their terms again, the body is analysed for that field, and only when the document
    /// holds one of its terms there (decompounding every word of the body is the costly
    /// step of a passage).
    pub fn pick_at(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        schema: &FyndSchema,
        record: &ProjectRecord,
    ) -> Passage {
        let full = record.body.as_str();
        let text = head(full, PASSAGE_SOURCE_BYTES);
        let words = segments(text);
        let mut matches = Vec::new();
        for matcher in &self.matchers {
            let ahead = schema.texts_ahead_of_body(record).map(|(_, text)| text);
            match matcher.matches_at(searcher, address, ahead, text, &words) {
                Some(found) => matches.extend(found),
                None if matcher.may_match(searcher, address) => {
                    matches.extend(matcher.matches(text))
                }
                None => {}
            }
        }
        self.pick_from(merge(matches), full)
    }

    /// The best passage of `full`, whose head holds `matches`.
    fn pick_from(&self, matches: Vec<TermMatch>, full: &str) -> Passage {
        let text = head(full, PASSAGE_SOURCE_BYTES);
        if matches.is_empty() {
            return opening(text);
        }
        let sentences = sentences(text);
        let mut best: Option<(f32, Range<usize>)> = None;
        let mut consider = |window: Range<usize>| {
            let score = window_score(&matches, &window);
            if score > 0.0 && best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, window));
            }
        };
        for (i, sentence) in sentences.iter().enumerate() {
            if chars(text, sentence) > PASSAGE_CHARS {
                for m in matches.iter().filter(|m| sentence.contains(&m.range.start)) {
                    consider(cut_around(text, sentence, m.range.start));
                }
                continue;
            }
            let mut end = sentence.end;
            for next in sentences.iter().skip(i + 1).take(PASSAGE_SENTENCES - 1) {
                if chars(text, &(sentence.start..next.end)) > PASSAGE_CHARS {
                    break;
                }
                end = next.end;
            }
            consider(sentence.start..end);
        }
        let Some((_, window)) = best else {
            return opening(text);
        };
        let prefix = if text[..window.start].trim().is_empty() {
            ""
        } else {
            "…"
        };
        let suffix = if full[window.end..].trim().is_empty() {
            ""
        } else {
            "…"
        };
        // Line breaks and other white space become spaces of the same byte length, so the
        // match offsets stay valid (a no-break space is two bytes).
        let body: String = text[window.clone()]
            .chars()
            .map(|c| {
                if c.is_whitespace() {
                    " ".repeat(c.len_utf8())
                } else {
                    c.to_string()
                }
            })
            .collect();
        let shift = prefix.len();
        let highlights = matches
            .iter()
            .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
            .map(|m| m.range.start - window.start + shift..m.range.end - window.start + shift)
            .collect();
        Passage {
            text: format!("{prefix}{body}{suffix}"),
            highlights,
        }
    }
}

/// `matches` in text order, overlapping ones merged into one that spans them with the
/// greatest weight and its term (the least term among equals). The order they come in does
/// not change the result.
fn merge(mut all: Vec<TermMatch>) -> Vec<TermMatch> {
    all.sort_by(|a, b| {
        (a.range.start, std::cmp::Reverse(a.range.end), &a.term).cmp(&(
            b.range.start,
            std::cmp::Reverse(b.range.end),
            &b.term,
        ))
    });
    let mut merged: Vec<TermMatch> = Vec::with_capacity(all.len());
    for m in all {
        match merged.last_mut() {
            Some(last) if m.range.start < last.range.end => {
                last.range.end = last.range.end.max(m.range.end);
                if m.weight > last.weight {
                    last.weight = m.weight;
                    last.term = m.term;
                }
            }
            _ => merged.push(m),
        }
    }
    merged
}

/// The first `bytes` of `text` at most, ending at a character boundary, and before the
/// word the limit falls in when there is white space to end at.
fn head(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = &text[..end];
    match cut.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &cut[..space],
        _ => cut,
    }
}

/// Distinct terms count their full weight; repeats add a little, so a window with three
/// different query words beats one with the same word three times.
fn window_score(matches: &[TermMatch], window: &Range<usize>) -> f32 {
    let mut seen = HashSet::new();
    let mut score = 0.0;
    for m in matches
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
    {
        score += if seen.insert(m.term.as_str()) {
            m.weight
        } else {
            m.weight * 0.1
        };
    }
    score
}

fn chars(text: &str, range: &Range<usize>) -> usize {
    text[range.clone()].chars().count()
}

/// Sentences of `text` as trimmed byte ranges: a sentence ends at `.`, `!`, `?` or `:`
/// followed by white space, or at a line break.
fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next_is_space = chars.peek().is_none_or(|(_, n)| n.is_whitespace());
        let ends = c == '\n' || (matches!(c, '.' | '!' | '?' | ':') && next_is_space);
        if ends {
            push_trimmed(text, start..at + c.len_utf8(), &mut out);
            start = at + c.len_utf8();
        }
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let piece = &text[range.clone()];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    if lead < piece.len() {
        out.push(range.start + lead..range.end - trail);
    }
}

/// A window of at most [`PASSAGE_CHARS`] characters inside `sentence`, starting a little
/// before byte `anchor`, cut at word boundaries.
fn cut_around(text: &str, sentence: &Range<usize>, anchor: usize) -> Range<usize> {
    let before = &text[sentence.start..anchor];
    let mut start = before
        .char_indices()
        .rev()
        .nth(LEAD_CHARS)
        .map_or(sentence.start, |(at, _)| sentence.start + at);
    if start > sentence.start {
        // Move forward to the next word start.
        start = text[start..anchor]
            .find(char::is_whitespace)
            .map_or(start, |at| start + at + 1);
    }
    let after = &text[start..sentence.end];
    let mut end = after
        .char_indices()
        .nth(PASSAGE_CHARS)
        .map_or(sentence.end, |(at, _)| start + at);
    if end < sentence.end {
        end = text[start..end]
            .rfind(char::is_whitespace)
            .map_or(end, |at| start + at);
    }
    start..end.max(anchor.min(sentence.end))
}

/// The first sentences of `text` up to [`PASSAGE_CHARS`] characters, cut at a word boundary.
fn opening(text: &str) -> Passage {
    let text = text.trim();
    if text.chars().count() <= PASSAGE_CHARS {
        return Passage {
            text: text.replace(['\n', '\r', '\t'], " "),
            highlights: Vec::new(),
        };
    }
    let cut = text
        .char_indices()
        .nth(PASSAGE_CHARS)
        .map_or(text.len(), |(at, _)| at);
    let cut = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
    Passage {
        text: format!(
            "{}…",
            text[..cut].trim_end().replace(['\n', '\r', '\t'], " ")
        ),
        highlights: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_and_line_breaks() {
        let text = "Första meningen. Andra?\nTredje rad utan punkt\n\n  Sista.";
        let got: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            got,
            vec![
                "Första meningen.",
                "Andra?",
                "Tredje rad utan punkt",
                "Sista."
            ]
        );
        assert_eq!(sentences("1.5 miljoner kr").len(), 1);
    }

    #[test]
    fn long_sentences_are_cut_around_the_match() {
        let words: Vec<String> = (0..200).map(|i| format!("ord{i}")).collect();
        let text = words.join(" ");
        let anchor = text.find("ord150").unwrap();
        let whole = 0..text.len();
        let window = cut_around(&text, &whole, anchor);
        assert!(window.contains(&anchor));
        assert!(chars(&text, &window) <= PASSAGE_CHARS);
        assert!(text[window.clone()].starts_with("ord"));
    }
}
