//! Passages: the part of a document's text that best shows why it matched, with the
//! matched words marked.

use std::ops::Range;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::Searcher;

/// Longest passage, in characters.
pub const PASSAGE_CHARS: usize = 240;

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
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Picks passages for the hits of one query.
pub struct PassagePicker {
    generator: Option<SnippetGenerator>,
}

impl PassagePicker {
    /// A picker for `query`'s terms in `field`.
    pub fn new(searcher: &Searcher, query: &dyn Query, field: Field) -> PassagePicker {
        let generator =
            SnippetGenerator::create(searcher, query, field)
                .ok()
                .map(|mut generator| {
                    generator.set_max_num_chars(PASSAGE_CHARS);
                    generator
                });
        PassagePicker { generator }
    }

    /// The best-matching passage of `text`, or its opening when no query word is in it.
    pub fn pick(&self, text: &str) -> Passage {
        if let Some(generator) = &self.generator {
            let snippet = generator.snippet(text);
            if !snippet.is_empty() {
                let range = snippet.fragment_range();
                let prefix = if range.start > 0 { "…" } else { "" };
                let suffix = if range.end < text.len() { "…" } else { "" };
                let shift = prefix.len();
                return Passage {
                    text: format!("{prefix}{}{suffix}", snippet.fragment().replace('\n', " ")),
                    // Several terms can share one word (a compound and its completion):
                    // highlight each stretch of text once.
                    highlights: tantivy::snippet::collapse_overlapped_ranges(snippet.highlighted())
                        .iter()
                        .map(|r| r.start + shift..r.end + shift)
                        .collect(),
                };
            }
        }
        opening(text)
    }
}

/// The first [`PASSAGE_CHARS`] characters of `text`, cut at a word boundary.
fn opening(text: &str) -> Passage {
    let text = text.trim();
    if text.chars().count() <= PASSAGE_CHARS {
        return Passage {
            text: text.to_string(),
            highlights: Vec::new(),
        };
    }
    let cut = text
        .char_indices()
        .nth(PASSAGE_CHARS)
        .map_or(text.len(), |(at, _)| at);
    let cut = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
    Passage {
        text: format!("{}…", text[..cut].trim_end()),
        highlights: Vec::new(),
    }
}
