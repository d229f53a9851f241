//! From the parsed query to a tantivy query: each word is analysed with the index's own
//! Swedish chain (the same lexicon the documents were analysed with) and looked up in every
//! text field, title weighted highest; then, with lower weights, among compound parts and
//! in the diacritic-folded field. A long word the corpus never has gets its one-letter
//! correction searched too, and the correction is reported.

use super::all_words::AllWordsQuery;
use super::match_mode::MatchMode;
use super::near_words::NearWordsQuery;
use super::parse::{Occur, QueryNode};
use super::plan::TextQuery;
use super::reading::{CompoundSplit, QueryReading, SplitPart, WordReading};
use super::word::{Alternative, WordQuery};
use crate::analysis::decompound::WHOLE_WORD_DISCOUNT;
use crate::analysis::fold::fold;
use crate::analysis::folded_forms::FoldedForms;
use crate::analysis::inflect::{verb_term, INFLECTIONS, MIN_BASE_CHARS};
use crate::analysis::{
    near_pair_term, pair_term, word_pair_term, AnalyzedTerm, Analyzer, TermKind,
};
use crate::schema::{facet_for, FacetKey, FyndSchema};
use serde::Serialize;
use tantivy::query::{AllQuery, BooleanQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

/// Text fields a bare word is looked up in, with their weights: a match in the title
/// counts twice a match in the body; partner names count half.
pub const TEXT_FIELDS: [(&str, f32); 4] = [
    ("title", 2.0),
    ("owner", 1.0),
    ("body", 1.0),
    ("partners", 0.5),
];

/// Weight of an exact id match for a bare word ("23-023-S06" finds that record first).
const ID_BOOST: f32 = 10.0;

/// Weight of a word found only inside a compound (the parts field): well below a whole-word
/// match, so "samverkan" ranks documents with the word itself above those with
/// "myndighetssamverkan" alone.
pub const PARTS_BOOST: f32 = 0.3;

/// Weight of a compound query word matched by all of its parts as separate words close
/// together ("myndighetssamverkan" finding "samverkan mellan myndigheter"; anywhere in the
/// broad mode), or by all of them side by side inside a longer compound ("livsmedel"
/// finding "livsmedelsbranschen").
pub const COMPOUND_PARTS_BOOST: f32 = 0.3;

/// Weight of the one-letter correction of a word the corpus does not have: it finds the
/// documents, below those that match a word as typed.
pub const CORRECTION_BOOST: f32 = 0.5;

/// Weight of a match in the diacritic-folded field ("jamtland" finding "Jämtlands").
pub const FOLDED_BOOST: f32 = 0.2;

/// A word of the query replaced by its one-letter correction (the original is searched
/// too), as reported in the human output and the JSON `corrections` list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The word as typed.
    pub from: String,
    /// The corpus word searched for it.
    pub to: String,
}

/// A built query and the corrections it used.
pub struct Built {
    /// The query in its shape; `None` when nothing in it is searchable (only
    /// punctuation, say).
    pub text: Option<TextQuery>,
    /// Words that were corrected, in query order.
    pub corrections: Vec<Correction>,
    /// How each word was read (see [`QueryReading`]).
    pub reading: QueryReading,
}

impl Built {
    /// The query as one tantivy query; `None` when nothing in it is searchable.
    pub fn query(&self) -> Option<Box<dyn Query>> {
        self.text.as_ref().map(TextQuery::to_query)
    }
}

/// What shapes a build beyond the query itself.
#[derive(Clone, Copy)]
pub struct BuildContext<'a> {
    /// What a word matches beyond itself.
    pub mode: MatchMode,
    /// Words allowed between a compound's parts written as words, in compound mode.
    pub words_between_parts: u32,
    /// The corpus words with diacritics by folded form: a word typed without å, ä, ö is
    /// searched as each corpus word it stands for. `None`: only the folded field.
    pub folded_forms: Option<&'a FoldedForms>,
}

impl Default for BuildContext<'_> {
    fn default() -> Self {
        BuildContext {
            mode: MatchMode::default(),
            words_between_parts: super::match_mode::WORDS_BETWEEN_PARTS,
            folded_forms: None,
        }
    }
}

struct Builder<'a> {
    context: BuildContext<'a>,
    /// The words read so far; the last one is being read.
    reading: QueryReading,
    schema: &'a FyndSchema,
    analyzer: &'a mut Analyzer,
    /// The index searched, to tell a word the lexicon lacks (it may be learned from a
    /// sample of the corpus) from a word the corpus lacks.
    searcher: Option<&'a Searcher>,
    corrections: Vec<Correction>,
    /// Search stopwords as plain words (in the folded field): for a query of stopwords only.
    stopwords_as_words: bool,
}

/// Field names allowed before a colon in a query: the text fields, `id`, and the facets.
pub fn query_fields() -> Vec<&'static str> {
    let mut fields: Vec<&str> = TEXT_FIELDS.iter().map(|(name, _)| *name).collect();
    fields.push("id");
    for key in FacetKey::ALL {
        if !fields.contains(&key.name()) {
            fields.push(key.name());
        }
    }
    fields
}

/// Turns a parsed query into a tantivy query over `schema`, analysing words with
/// `analyzer` (the index's own). When every word is a stopword, they are searched as plain
/// words instead of giving nothing. With a `searcher`, a word the index holds is never
/// corrected, even when the lexicon does not know it.
pub fn build(
    schema: &FyndSchema,
    analyzer: &mut Analyzer,
    searcher: Option<&Searcher>,
    node: &QueryNode,
) -> Built {
    build_with(schema, analyzer, searcher, node, BuildContext::default())
}

/// [`build`] in a match mode, with the corpus words a word typed without diacritics
/// stands for.
pub fn build_with(
    schema: &FyndSchema,
    analyzer: &mut Analyzer,
    searcher: Option<&Searcher>,
    node: &QueryNode,
    context: BuildContext<'_>,
) -> Built {
    let mut builder = Builder {
        context,
        reading: QueryReading::new(context.mode, context.words_between_parts),
        schema,
        analyzer,
        searcher,
        corrections: Vec::new(),
        stopwords_as_words: false,
    };
    let mut query = builder.node(node);
    if query.is_none() {
        builder.stopwords_as_words = true;
        builder.corrections.clear();
        builder.reading.words.clear();
        query = builder.node(node);
    }
    Built {
        text: query,
        corrections: builder.corrections,
        reading: builder.reading,
    }
}

impl Builder<'_> {
    fn node(&mut self, node: &QueryNode) -> Option<TextQuery> {
        match node {
            QueryNode::Word { field, text, .. } => self.field_query(field.as_deref(), text, true),
            QueryNode::Phrase { field, text, .. } => {
                self.field_query(field.as_deref(), text, false)
            }
            QueryNode::Range { filter, .. } => Some(TextQuery::Other(filter.query(self.schema))),
            QueryNode::Any(options) => {
                let parts: Vec<TextQuery> = options
                    .iter()
                    .filter_map(|option| self.node(option))
                    .collect();
                (!parts.is_empty()).then_some(TextQuery::Any(parts))
            }
            QueryNode::All(clauses) => {
                let mut must = Vec::new();
                let mut must_not = Vec::new();
                for (occur, node) in clauses {
                    if let Some(query) = self.node(node) {
                        match occur {
                            Occur::Must => must.push(query),
                            Occur::MustNot => must_not.push(query),
                        }
                    }
                }
                if must.is_empty() && must_not.is_empty() {
                    return None;
                }
                if must.is_empty() {
                    must.push(TextQuery::Other(Box::new(AllQuery)));
                }
                if must.len() == 1 && must_not.is_empty() {
                    return must.pop();
                }
                Some(TextQuery::All { must, must_not })
            }
        }
    }

    fn field_query(&mut self, field: Option<&str>, text: &str, is_word: bool) -> Option<TextQuery> {
        let schema = self.schema;
        match field {
            None => {
                self.reading.words.push(WordReading {
                    typed: text.trim().to_string(),
                    phrase: !is_word,
                    ..WordReading::default()
                });
                let lower = text.trim().to_lowercase();
                // The corpus words this word stands for when typed without å, ä, ö: each is
                // searched as if it had been typed, below the word as typed.
                let with_diacritics: Vec<String> = match self.context.folded_forms {
                    Some(forms) if is_word => forms
                        .words_for(&lower)
                        .into_iter()
                        .map(|(word, _)| word)
                        .collect(),
                    _ => Vec::new(),
                };
                let correction = if is_word && with_diacritics.is_empty() {
                    self.analyzer
                        .lexicon()
                        .correction(&lower)
                        .filter(|_| !self.in_index(text))
                } else {
                    None
                };
                // A corrected word's compound parts are asked for by its correction, at the
                // correction's weight: asked for at full weight by the word as typed too,
                // they would rank documents with the parts above those with the word.
                let mut clauses = self.bare_clauses(text, is_word, correction.is_none(), true);
                for word in &with_diacritics {
                    let spelt = self.bare_clauses(word, true, true, false);
                    if !spelt.is_empty() {
                        clauses.push(Alternative::Other {
                            query: Box::new(WordQuery::new(spelt)),
                            boost: FOLDED_BOOST,
                        });
                        continue;
                    }
                    // A stopword ("sådant"): the texts that have it, as a query of it
                    // alone finds them (its folded term, once per text).
                    let folded: Vec<String> = self
                        .analyzer
                        .analyze(word)
                        .folded
                        .into_iter()
                        .map(|t| t.term)
                        .collect();
                    if let Some(query) = all_of(schema.folded, &folded) {
                        clauses.push(other(query, FOLDED_BOOST));
                    }
                }
                if let Some(reading) = self.reading.words.last_mut() {
                    reading.with_diacritics = with_diacritics;
                    reading.correction = correction.clone();
                }
                if let Some(to) = correction {
                    let corrected = self.bare_clauses(&to, true, true, false);
                    if !corrected.is_empty() {
                        clauses.push(Alternative::Other {
                            query: Box::new(WordQuery::new(corrected)),
                            boost: CORRECTION_BOOST,
                        });
                    }
                    self.corrections.push(Correction {
                        from: text.trim().to_string(),
                        to,
                    });
                }
                if clauses.is_empty() {
                    return None;
                }
                clauses.push(Alternative::Term {
                    term: Term::from_field_text(schema.id, text.trim()),
                    option: IndexRecordOption::Basic,
                    boost: ID_BOOST,
                });
                Some(TextQuery::Word(WordQuery::new(clauses)))
            }
            Some("id") => Some(TextQuery::Other(Box::new(TermQuery::new(
                Term::from_field_text(schema.id, text.trim()),
                IndexRecordOption::Basic,
            )))),
            Some(name) if TEXT_FIELDS.iter().any(|(text_name, _)| *text_name == name) => {
                let words = query_words(&self.analyzer.analyze(text).words);
                self.reading.words.push(WordReading {
                    typed: text.trim().to_string(),
                    field: Some(name.to_string()),
                    phrase: !is_word,
                    terms: words.iter().map(|word| word.term.clone()).collect(),
                    note: Some(format!(
                        "in the {name} field only, as written (inflections included)"
                    )),
                    ..WordReading::default()
                });
                let field = text_field(schema, name);
                let query = match self.word_pair(field, &words) {
                    Some(pair) => {
                        Some(Box::new(TermQuery::new(pair, IndexRecordOption::WithFreqs))
                            as Box<dyn Query>)
                    }
                    None => terms_query(field, &words),
                };
                query.map(TextQuery::Other)
            }
            Some(name) => {
                let key = FacetKey::parse(name)?;
                Some(TextQuery::Other(Box::new(TermQuery::new(
                    Term::from_facet(schema.facet(key), &facet_for(text.trim())),
                    IndexRecordOption::Basic,
                ))))
            }
        }
    }

    /// The pair term standing for the phrase `words` in text field `field`: two words side
    /// by side, both pair words of the lexicon, are also indexed as one term of the field
    /// (see [`crate::analysis::Analysis::pairs`]), which it holds in exactly the documents
    /// where the phrase stands. Its list is read in place of the two words' lists and
    /// positions, and a document is scored by BM25 of the pair as of a word of the field.
    fn word_pair(&self, field: Field, words: &[AnalyzedTerm]) -> Option<Term> {
        let [first, second] = words else {
            return None;
        };
        let lexicon = self.analyzer.lexicon();
        let side_by_side = second.position == first.position + 1
            && [first, second].iter().all(|word| {
                matches!(word.kind, TermKind::Word | TermKind::JoinedPart)
                    && lexicon.is_pair_word(&word.term)
            });
        side_by_side
            .then(|| Term::from_field_text(field, &word_pair_term(&first.term, &second.term)))
    }

    /// Per text field, the near-pair term of a compound's two `parts` (whole-word terms),
    /// when the index holds near pairs for both at `words_between` words
    /// ([`crate::analysis::near_pair_term`]): then that term's list is the documents where
    /// the parts stand close together, read in place of their positions.
    fn near_pairs(&self, parts: &[String], words_between: u32) -> Option<Vec<Term>> {
        let lexicon = self.analyzer.lexicon();
        let [first, second] = parts else {
            return None;
        };
        let indexed = lexicon.near_pairs_between() == Some(words_between)
            && lexicon.is_near_word(first)
            && lexicon.is_near_word(second);
        indexed.then(|| text_field_terms(self.schema, &near_pair_term(first, second)))
    }

    /// Whether every whole-word term of `text` is in some text field of the index.
    fn in_index(&mut self, text: &str) -> bool {
        let Some(searcher) = self.searcher else {
            return false;
        };
        let words = query_words(&self.analyzer.analyze(text).words);
        !words.is_empty()
            && words.iter().all(|word| {
                TEXT_FIELDS.iter().any(|(name, _)| {
                    let term = Term::from_field_text(text_field(self.schema, name), &word.term);
                    searcher.doc_freq(&term).is_ok_and(|n| n > 0)
                })
            })
    }

    /// The whole-word terms of the inflected forms of the lower-cased word `written`
    /// (every noun and adjective ending of [`INFLECTIONS`], also after a doubled final
    /// consonant: "program" → "programmet") that differ from its own `term` and that some
    /// text field of the index holds (forms the lexicon has never counted are not tried: a
    /// lexicon learned from a sample of a large corpus may miss a rare form). Snowball gives "kompetensinsats" and
    /// "kompetensinsatser" different stems, and the inflection table joins them only when
    /// the corpus has both forms; a query for the one must still count the other.
    fn inflected_terms(&self, written: &str, own: &str) -> Vec<String> {
        let Some(searcher) = self.searcher else {
            return Vec::new();
        };
        if written.chars().count() < MIN_BASE_CHARS || !written.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        let lexicon = self.analyzer.lexicon();
        let doubled = written
            .chars()
            .last()
            .filter(|c| !"aeiouyåäö".contains(*c))
            .map(|c| format!("{written}{c}"));
        // "banat" is "bana" + "t" (as "temat" is "tema" + "t"), but the verb's form when the
        // lexicon has set the verb spelt like this noun apart (`inflect::verb_homographs`).
        let verb = verb_term(written);
        let mut terms: Vec<String> = Vec::new();
        for ending in INFLECTIONS.iter().filter(|ending| !ending.is_empty()) {
            let mut forms = vec![format!("{written}{ending}")];
            if let Some(doubled) = doubled
                .as_ref()
                .filter(|_| ending.starts_with(['e', 'a', 'o']))
            {
                forms.push(format!("{doubled}{ending}"));
            }
            for form in forms {
                // Only forms the corpus has (the lexicon is the cheap first check: most
                // endings make no word at all, and each index lookup reads every segment).
                if lexicon.corpus_count(&form) == 0 {
                    continue;
                }
                let candidate = lexicon.word_term(&form);
                if candidate == own
                    || terms.contains(&candidate)
                    || verb.as_deref() == Some(&candidate)
                {
                    continue;
                }
                let held = TEXT_FIELDS.iter().any(|(name, _)| {
                    let term = Term::from_field_text(text_field(self.schema, name), &candidate);
                    searcher.doc_freq(&term).is_ok_and(|n| n > 0)
                });
                if held {
                    terms.push(candidate);
                }
            }
        }
        terms
    }

    /// The compound split of `written` with each part's support, and why it was split, as
    /// the reading reports it; `None` when the word is no compound.
    fn split_reading(&self, written: &str) -> Option<CompoundSplit> {
        let lexicon = self.analyzer.lexicon();
        // As the split was made: its parts' places are in this lower-casing of the word.
        let lower = crate::analysis::lowercase::lowercase(written);
        let split = self.analyzer.top_split(written);
        let parts = &split.parts;
        if parts.is_empty() {
            return None;
        }
        let attested = parts.iter().all(|part| {
            lexicon
                .part_evidence(&part.lemma)
                .is_none_or(|evidence| evidence.attested)
        });
        let parts: Vec<SplitPart> = parts
            .iter()
            .map(|part| SplitPart {
                written: lower[part.surface.clone()].to_string(),
                word: part.lemma.clone(),
                term: lexicon.word_term(&part.lemma),
                count: lexicon
                    .part_evidence(&part.lemma)
                    .map_or_else(|| lexicon.count(&part.lemma), |evidence| evidence.count),
            })
            .collect();
        let product: f64 = parts
            .iter()
            .map(|part| f64::from(part.count.max(1)).ln())
            .sum();
        let mean = (product / parts.len() as f64).exp();
        let whole = lexicon.count(&lower);
        let reason = if attested {
            format!(
                "every part is a word the corpus uses (or of fynd's base list), and the \
                 geometric mean of the parts' counts ({mean:.1}) beats the whole word's \
                 count ({whole}) divided by {WHOLE_WORD_DISCOUNT}"
            )
        } else {
            format!(
                "every part is a word of the corpus or of the Swedish dictionary, and the \
                 geometric mean of the parts' counts ({mean:.1}) beats the whole word's \
                 count ({whole}), undivided, as a split on a dictionary-only part must"
            )
        };
        Some(CompoundSplit { parts, reason })
    }

    /// The alternatives one bare word (or phrase) is searched as: whole words in every text
    /// field; for a single word also inside compounds and, for a compound, as its parts
    /// written as words; and in the folded field.
    /// With `record`, what was made of the word goes into the reading's last word.
    fn bare_clauses(
        &mut self,
        text: &str,
        is_word: bool,
        compound_parts: bool,
        record: bool,
    ) -> Vec<Alternative> {
        let analysis = self.analyzer.analyze(text);
        let words = query_words(&analysis.words);
        let mut reading = WordReading {
            terms: words.iter().map(|word| word.term.clone()).collect(),
            ..WordReading::default()
        };
        let clauses = self.word_clauses(
            text,
            is_word,
            compound_parts,
            &analysis,
            words,
            &mut reading,
        );
        if record {
            if let Some(last) = self.reading.words.last_mut() {
                last.terms = reading.terms;
                last.split = reading.split;
                last.inside_compounds = reading.inside_compounds;
                last.parts_as_words = reading.parts_as_words;
                last.note = reading.note;
            }
        }
        clauses
    }

    /// The clauses of [`Builder::bare_clauses`] for the analysed `words` of `text`, with
    /// what was made of them noted in `reading`.
    fn word_clauses(
        &mut self,
        text: &str,
        is_word: bool,
        compound_parts: bool,
        analysis: &crate::analysis::Analysis,
        words: Vec<AnalyzedTerm>,
        reading: &mut WordReading,
    ) -> Vec<Alternative> {
        let schema = self.schema;
        let mode = self.context.mode;
        let mut clauses: Vec<Alternative> = Vec::new();
        if words.is_empty() {
            reading.note =
                Some("a stopword: it counts only in a query of stopwords alone".to_string());
            // Stopwords only: nothing, unless the whole query is stopwords.
            if self.stopwords_as_words {
                let stopwords: Vec<String> =
                    analysis.folded.iter().map(|t| t.term.clone()).collect();
                if let Some(query) = all_of(schema.folded, &stopwords) {
                    clauses.push(other(query, 1.0));
                }
            }
            return clauses;
        }
        for (name, boost) in TEXT_FIELDS {
            let field = text_field(schema, name);
            match (words.as_slice(), self.word_pair(field, &words)) {
                ([word], _) => clauses.push(term(field, &word.term, boost)),
                (_, Some(pair)) => clauses.push(Alternative::Term {
                    term: pair,
                    option: IndexRecordOption::WithFreqs,
                    boost,
                }),
                _ => clauses.extend(terms_query(field, &words).map(|query| other(query, boost))),
            }
        }
        if words.iter().any(|t| t.kind == TermKind::Joined) {
            // An id or code ("ESF+") is searched exactly, not leniently.
            reading.note = Some("an id, code or number: searched exactly as written".to_string());
            return clauses;
        }
        if is_word && words.len() == 1 {
            // The word's inflections whose stem Snowball puts elsewhere, where the corpus
            // lacks the form that would have joined them in the inflection table.
            let written = text[words[0].offset.clone()].to_lowercase();
            let inflected = self.inflected_terms(&written, &words[0].term);
            for extra in &inflected {
                for (name, boost) in TEXT_FIELDS {
                    clauses.push(term(text_field(schema, name), extra, boost));
                }
            }
            reading.terms.extend(inflected.iter().cloned());
            if mode.inside_compounds() {
                clauses.push(term(schema.parts, &words[0].term, PARTS_BOOST));
                for extra in &inflected {
                    clauses.push(term(schema.parts, extra, PARTS_BOOST));
                }
                reading.inside_compounds = true;
            }
            // The parts the compound is first split into: "landsbygdsutveckling" asks for
            // "landsbygd" and "utveckling", not also for "land" and "bygd" (the parts
            // stream holds those too). Asking for every level's parts missed "utveckling
            // av landsbygden", and the nested parts' lists (five for
            // "energieffektivisering", with "isa" and "ring") were most of the time.
            let written = &text[words[0].offset.clone()];
            let top = self.analyzer.top_parts(written);
            if top.len() >= 2 {
                reading.split = self.split_reading(written);
            }
            let parts_as_words = mode
                .parts_as_words(self.context.words_between_parts)
                .filter(|_| compound_parts);
            if let (Some(window), true) = (parts_as_words, top.len() >= 2) {
                // All parts as words of their own, in one text field close together (the
                // candidates read into bit sets, see `all_words`, then their positions
                // checked, see `near_words`), or in any field anywhere (broad); and, below,
                // the parts side by side inside a longer compound. Not each part in either: that conjunction of five-list unions, each filling and
                // scoring a window of its lists at every seek, was nearly all of a compound
                // query's time at a million documents.
                let all_parts: Vec<Vec<Term>> = top
                    .iter()
                    .map(|part| text_field_terms(schema, part))
                    .collect();
                // Close together (the default), or anywhere (broad).
                let parts_query: Box<dyn Query> = match window {
                    Some(words_between) => {
                        reading.parts_as_words = Some(format!(
                            "{} as words of their own, in one field, either order, inflected, \
                             with at most {words_between} word(s) between them",
                            top.join(" + ")
                        ));
                        let near = NearWordsQuery::new(all_parts, words_between);
                        Box::new(match self.near_pairs(&top, words_between) {
                            Some(pairs) => near.with_indexed_pairs(pairs),
                            None => near,
                        })
                    }
                    None => {
                        reading.parts_as_words = Some(format!(
                            "{} as words of their own anywhere in the document",
                            top.join(" + ")
                        ));
                        Box::new(AllWordsQuery::new(all_parts))
                    }
                };
                clauses.push(other(parts_query, COMPOUND_PARTS_BOOST));
                // The compound inside a longer one ("livsmedel" in "livsmedelsbranschen",
                // split into livs, medel, bransch): its parts side by side there, asked for
                // as pair terms, which the index holds for compounds of three parts or
                // more. All parts anywhere inside compounds matched documents with the
                // parts in different compounds, and that conjunction of two long lists was
                // most of a compound query's time. The compound itself in the body counts
                // here too (a two-part compound has no pair in the index), so a document
                // with the compound ranks above those with its parts as words only.
                let mut inside: Vec<(tantivy::query::Occur, Box<dyn Query>)> = vec![(
                    tantivy::query::Occur::Should,
                    term_query(schema.body, &words[0].term),
                )];
                let pairs: Vec<Box<dyn Query>> = top
                    .windows(2)
                    .map(|pair| term_query(schema.parts, &pair_term(&pair[0], &pair[1])))
                    .collect();
                inside.extend(must_all(pairs).map(|query| (tantivy::query::Occur::Should, query)));
                clauses.push(other(
                    Box::new(BooleanQuery::new(inside)),
                    COMPOUND_PARTS_BOOST,
                ));
            }
        }
        // A quoted phrase is matched as written: the lenient match keeps no word order.
        if is_word {
            clauses.extend(lenient_clauses(schema, &words));
        }
        clauses
    }
}

/// An alternative of `query` weighted by `boost`.
fn other(query: Box<dyn Query>, boost: f32) -> Alternative {
    Alternative::Other { query, boost }
}

/// The alternative of `term` in `field`, scored by its frequency and weighted by `boost`.
fn term(field: Field, term: &str, boost: f32) -> Alternative {
    Alternative::Term {
        term: Term::from_field_text(field, term),
        option: IndexRecordOption::WithFreqs,
        boost,
    }
}

/// `term` in `field`, scored by its frequency.
fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, term),
        IndexRecordOption::WithFreqs,
    ))
}

/// The lenient match of the query's words: each word's folded form ("jamtland" for
/// "Jämtlands" or "jamtland") in the folded field, where words with diacritics have it,
/// or in the whole-word fields, where a word without diacritics is its own folded form.
/// Several words must all match, anywhere (the folded field keeps no positions). For one
/// word typed without diacritics the whole-word fields are left out: the exact clauses
/// search them already. For one word typed with diacritics the folded field is left out:
/// it holds the folded forms of words with diacritics, so it would find again, in a list as
/// long as the word's own, the documents the exact clauses find (plus the rare word spelt
/// with other diacritics), and that second list was half the time of a common word such as
/// "företag" at a million documents; the word's folded form as written without diacritics
/// ("foretag") is still asked for in the whole-word fields.
///
/// The clauses come weighted by [`FOLDED_BOOST`]: for one word each alternative is a
/// clause of its own, so that a single word's query is a union of term queries only, which
/// tantivy runs on its term scorers directly instead of through a nested union.
fn lenient_clauses(schema: &FyndSchema, words: &[AnalyzedTerm]) -> Vec<Alternative> {
    let alternatives = |word: &AnalyzedTerm| -> Vec<(Field, String)> {
        let folded = fold(&word.term);
        let mut fields = Vec::new();
        if words.len() > 1 || folded == word.term {
            fields.push(schema.folded);
        }
        if words.len() > 1 || folded != word.term {
            fields.extend(TEXT_FIELDS.iter().map(|(name, _)| text_field(schema, name)));
        }
        fields
            .into_iter()
            .map(|field| (field, folded.to_string()))
            .collect()
    };
    if let [word] = words {
        return alternatives(word)
            .into_iter()
            .map(|(field, folded)| term(field, &folded, FOLDED_BOOST))
            .collect();
    }
    let per_word: Vec<Box<dyn Query>> = words
        .iter()
        .map(|word| {
            let any: Vec<(tantivy::query::Occur, Box<dyn Query>)> = alternatives(word)
                .into_iter()
                .map(|(field, folded)| (tantivy::query::Occur::Should, term_query(field, &folded)))
                .collect();
            Box::new(BooleanQuery::new(any)) as Box<dyn Query>
        })
        .collect();
    must_all(per_word)
        .map(|query| other(query, FOLDED_BOOST))
        .into_iter()
        .collect()
}

/// Every one of `terms` in `field`, anywhere (for a field without positions).
fn all_of(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    must_all(
        terms
            .iter()
            .map(|term| {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>
            })
            .collect(),
    )
}

/// A query that needs all of `queries`: the one itself, or their conjunction.
fn must_all(mut queries: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match queries.len() {
        0 => None,
        1 => queries.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            queries
                .into_iter()
                .map(|query| (tantivy::query::Occur::Must, query))
                .collect(),
        ))),
    }
}

/// The whole-word terms a query searches for: an id or code kept whole replaces the words
/// it was made of; completions of suspended compounds are left out (they stand at the
/// same position as the word they complete).
fn query_words(words: &[AnalyzedTerm]) -> Vec<AnalyzedTerm> {
    let has_joined = words.iter().any(|t| t.kind == TermKind::Joined);
    words
        .iter()
        .filter(|t| {
            t.kind != TermKind::Completed && !(has_joined && t.kind == TermKind::JoinedPart)
        })
        .cloned()
        .collect()
}

/// `text` as a term of every text field, in [`TEXT_FIELDS`] order: how the parts-as-words
/// queries are given a part or a near pair.
pub fn text_field_terms(schema: &FyndSchema, text: &str) -> Vec<Term> {
    TEXT_FIELDS
        .iter()
        .map(|(name, _)| Term::from_field_text(text_field(schema, name), text))
        .collect()
}

/// The field of text field `name` (of [`TEXT_FIELDS`]).
pub fn text_field(schema: &FyndSchema, name: &str) -> Field {
    match name {
        "title" => schema.title,
        "owner" => schema.owner_text,
        "partners" => schema.partners,
        _ => schema.body,
    }
}

/// One term or several: a term query for one analysed term, a phrase query for more (a
/// word like "ESF-rådet" analyses to two terms that must stand together).
fn terms_query(field: Field, terms: &[AnalyzedTerm]) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].term),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|term| (term.position, Term::from_field_text(field, &term.term)))
                .collect(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields the query built for `text` asks terms of, with the terms.
    fn asked(text: &str) -> Vec<(Field, String)> {
        let schema = FyndSchema::build();
        let mut analyzer = Analyzer::base();
        let node = QueryNode::Word {
            field: None,
            text: text.to_string(),
            position: 0,
        };
        let built = build(&schema, &mut analyzer, None, &node);
        let mut terms = Vec::new();
        built.query().unwrap().query_terms(&mut |term, _| {
            terms.push((
                term.field(),
                term.value().as_str().unwrap_or("").to_string(),
            ));
        });
        terms
    }

    #[test]
    fn the_folded_field_is_asked_only_for_a_word_typed_without_diacritics() {
        let schema = FyndSchema::build();
        // Typed with diacritics: the exact word in the text fields, its form without
        // diacritics there too (a text written without them), never the folded field.
        let with = asked("företag");
        assert!(with
            .iter()
            .any(|(f, t)| *f == schema.body && t == "företag"));
        assert!(with
            .iter()
            .any(|(f, t)| *f == schema.body && t == "foretag"));
        assert!(!with.iter().any(|(f, _)| *f == schema.folded), "{with:?}");
        // Typed without: the folded field is where "Företagen" is found.
        let without = asked("foretag");
        assert!(without
            .iter()
            .any(|(f, t)| *f == schema.folded && t == "foretag"));
    }
}
