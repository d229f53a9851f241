//! How a query was read: for each word, the terms it was searched as, the compound parts it
//! was split into and why, the corpus words it stands for when typed without å, ä, ö, its
//! correction, and what the match mode let it match. This is what `fynd search --explain`
//! prints and the `explain` object of the JSON holds, so a method section can say exactly
//! what was counted.

use super::build::TEXT_FIELDS;
use super::build::{COMPOUND_PARTS_BOOST, CORRECTION_BOOST, FOLDED_BOOST, PARTS_BOOST};
use super::match_mode::MatchMode;
use crate::analysis::lexicon::Lexicon;
use serde::Serialize;

/// The whole reading of one query.
#[derive(Clone, Debug, Serialize)]
pub struct QueryReading {
    /// The match mode the query was run in.
    #[serde(rename = "match")]
    pub match_mode: MatchMode,
    /// What the mode matches, in words.
    pub semantics: String,
    /// Words allowed between a compound's parts found as words of their own; `null` when
    /// they may stand anywhere (broad) or are not searched as words (exact).
    pub words_between_parts: Option<u32>,
    /// The fields a bare word is looked up in, with their weights.
    pub fields: Vec<FieldWeight>,
    /// Each word (or quoted phrase) of the query, in query order.
    pub words: Vec<WordReading>,
}

/// A field and the weight of a match in it.
#[derive(Clone, Debug, Serialize)]
pub struct FieldWeight {
    /// Field name (as the query syntax takes it, or `parts` / `folded` for the derived
    /// fields of compound parts and of words without diacritics).
    pub field: &'static str,
    /// Weight of a match there.
    #[serde(serialize_with = "shortest_decimal")]
    pub weight: f32,
}

/// An f32 as the f64 of its shortest decimal form (0.3, not 0.30000001192092896): what
/// the JSON prints, so that a serializer into f64 (Python's float) gives the same number.
fn shortest_decimal<S: serde::Serializer>(value: &f32, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(value.to_string().parse().unwrap_or(f64::from(*value)))
}

/// How one word or phrase of the query was read.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WordReading {
    /// The word as typed.
    pub typed: String,
    /// The field it was limited to (`title:…`), if any.
    pub field: Option<String>,
    /// Whether it was a quoted phrase (matched as written, words in order).
    pub phrase: bool,
    /// The whole-word terms it was searched as (a stem stands for all inflections).
    pub terms: Vec<String>,
    /// With `--explain`: the corpus words whose term is one of `terms` (the inflections
    /// and spellings the count includes), most frequent first, at most
    /// [`MAX_FORMS`].
    pub forms: Vec<String>,
    /// The compound split, when the word is a compound.
    pub split: Option<CompoundSplit>,
    /// Whether the word is also found inside longer compounds.
    pub inside_compounds: bool,
    /// How the compound's parts as words of their own are matched, in words; `null` when
    /// they are not.
    pub parts_as_words: Option<String>,
    /// Corpus words with å, ä or ö that this word, typed without them, stands for; each is
    /// searched as if typed, at a lower weight.
    pub with_diacritics: Vec<String>,
    /// The corpus word searched in its place too, when the word is not in the corpus.
    pub correction: Option<String>,
    /// Anything else worth knowing (a stopword, an id or code searched exactly).
    pub note: Option<String>,
}

/// A compound's parts and the reason for the split.
#[derive(Clone, Debug, Serialize)]
pub struct CompoundSplit {
    /// The parts, in order.
    pub parts: Vec<SplitPart>,
    /// Why the word was split this way, in words.
    pub reason: String,
}

/// One part of a compound.
#[derive(Clone, Debug, Serialize)]
pub struct SplitPart {
    /// The part as written in the compound ("myndighets").
    pub written: String,
    /// The word it stands for ("myndighet").
    pub word: String,
    /// The term searched for it ("myndig").
    pub term: String,
    /// The part's support as a word: its corpus count (all forms), plus the base
    /// lexicon's share when it is a dictionary word.
    pub count: u32,
}

/// Most corpus forms listed per word.
pub const MAX_FORMS: usize = 30;

impl QueryReading {
    /// An empty reading for a query run in `mode`.
    pub fn new(mode: MatchMode, words_between_parts: u32) -> QueryReading {
        let semantics = match mode {
            MatchMode::Exact => "exact: each word and its inflections only".to_string(),
            MatchMode::Compound => format!(
                "compound: each word and its inflections; the word inside longer compounds; \
                 a compound also as its parts written as words of their own, in one field, \
                 either order, inflected, with at most {words_between_parts} word(s) between them"
            ),
            MatchMode::Broad => "broad: each word and its inflections; the word inside longer \
                 compounds; a compound also as its parts written as words anywhere in the \
                 document"
                .to_string(),
        };
        let mut fields: Vec<FieldWeight> = TEXT_FIELDS
            .iter()
            .map(|(field, weight)| FieldWeight {
                field,
                weight: *weight,
            })
            .collect();
        if mode.inside_compounds() {
            fields.push(FieldWeight {
                field: "parts",
                weight: PARTS_BOOST,
            });
            fields.push(FieldWeight {
                field: "parts as words",
                weight: COMPOUND_PARTS_BOOST,
            });
        }
        fields.push(FieldWeight {
            field: "folded",
            weight: FOLDED_BOOST,
        });
        fields.push(FieldWeight {
            field: "correction",
            weight: CORRECTION_BOOST,
        });
        QueryReading {
            match_mode: mode,
            semantics,
            words_between_parts: mode.parts_as_words(words_between_parts).flatten(),
            fields,
            words: Vec::new(),
        }
    }

    /// Fills in every word's `forms` from `lexicon`: the corpus words whose whole-word term
    /// is one of the word's terms. A scan of the lexicon's words that share the term's
    /// first two letters, so only on request.
    pub fn add_forms(&mut self, lexicon: &Lexicon) {
        for word in &mut self.words {
            let mut forms: Vec<(String, u32)> = Vec::new();
            for term in &word.terms {
                let prefix: String = term.chars().take(2).collect();
                lexicon.visit_words(&prefix, |form, count| {
                    if lexicon.word_term(form) == *term {
                        forms.push((form.to_string(), count));
                    }
                });
            }
            forms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            forms.dedup();
            word.forms = forms
                .into_iter()
                .take(MAX_FORMS)
                .map(|(form, _)| form)
                .collect();
        }
    }

    /// The reading in lines of text, for `fynd search --explain`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("Match mode {}", self.semantics)];
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| format!("{} {}", f.field, f.weight))
            .collect();
        lines.push(format!("Fields and weights: {}", fields.join(", ")));
        for word in &self.words {
            let mut head = format!("\"{}\"", word.typed);
            if let Some(field) = &word.field {
                head = format!("{field}:{head}");
            }
            if word.phrase {
                head.push_str(" (phrase, words in this order)");
            }
            lines.push(format!("{head}: searched as {}", word.terms.join(" ")));
            if !word.forms.is_empty() {
                lines.push(format!("  forms in the corpus: {}", word.forms.join(", ")));
            }
            if let Some(split) = &word.split {
                let parts: Vec<String> = split
                    .parts
                    .iter()
                    .map(|p| {
                        format!(
                            "{} ({}, term {}, count {})",
                            p.written, p.word, p.term, p.count
                        )
                    })
                    .collect();
                lines.push(format!("  compound: {}", parts.join(" + ")));
                lines.push(format!("  split because {}", split.reason));
            }
            if word.inside_compounds {
                lines.push("  also inside longer compounds".to_string());
            }
            if let Some(parts) = &word.parts_as_words {
                lines.push(format!("  also as its parts {parts}"));
            }
            if !word.with_diacritics.is_empty() {
                lines.push(format!(
                    "  typed without å/ä/ö: also searched as {}",
                    word.with_diacritics.join(", ")
                ));
            }
            if let Some(to) = &word.correction {
                lines.push(format!("  not in the corpus: also searched as \"{to}\""));
            }
            if let Some(note) = &word.note {
                lines.push(format!("  {note}"));
            }
        }
        lines
    }
}
