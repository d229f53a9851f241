//! Similar projects: the records that share most of one record's distinctive terms, each
//! with the shared terms that explain why.
//!
//! The record's title and body are analysed as they were indexed (whole words and compound
//! parts); each term is weighted by tf-idf — `(1 + ln tf) · ln(1 + (N − df + 0.5) / (df + 0.5))`,
//! the BM25 idf search scores with — and parts at half weight, as search weighs them below
//! whole words. The [`QUERY_TERMS`] heaviest terms that some other record has and that
//! not most records have become one boosted "or" query over the title, body and parts fields;
//! search's BM25 then ranks the other records (a MoreLikeThis query, as Lucene's is built).

use super::terms::{text_terms, TermSource, TextTerm};
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::deadline::Deadline;
use crate::query::lookup::find_record_with;
use serde::Serialize;
use std::collections::HashSet;
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

/// Most terms of the record the query is built from.
pub const QUERY_TERMS: usize = 30;

/// Weight of a compound part against a whole word.
const PART_WEIGHT: f32 = 0.5;

/// A term the record and a similar one share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedTerm {
    /// A word of the record it stands for.
    pub word: String,
    /// The index term.
    pub term: String,
    /// Whole word or compound part.
    pub kind: TermSource,
    /// Its weight in the query (tf-idf in the record).
    pub weight: f32,
}

/// One similar record.
#[derive(Clone, Debug, Serialize)]
pub struct SimilarHit {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its score (BM25 of the weighted terms; higher is more alike).
    pub score: f32,
    /// The query terms it has, heaviest first.
    pub shared: Vec<SharedTerm>,
}

/// The answer of `fynd similar` and `/api/similar/{id}`.
#[derive(Clone, Debug, Serialize)]
pub struct Similar {
    /// The record asked about.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The terms the likeness is measured by, heaviest first.
    pub terms: Vec<SharedTerm>,
    /// The most similar records, most alike first.
    pub hits: Vec<SimilarHit>,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
}

/// The `limit` records most like the one with id `id`.
pub fn similar(
    index: &FyndIndex,
    searcher: &Searcher,
    id: &str,
    limit: usize,
) -> Result<Similar, FyndError> {
    similar_until(index, searcher, id, limit, &Deadline::none())
}

/// [`similar`], stopped with [`FyndError::TimedOut`] once `deadline` has passed (between
/// pieces of the texts analysed and around the search for the likest records).
pub fn similar_until(
    index: &FyndIndex,
    searcher: &Searcher,
    id: &str,
    limit: usize,
    deadline: &Deadline,
) -> Result<Similar, FyndError> {
    deadline.finish(similar_before(index, searcher, id, limit, deadline))
}

fn similar_before(
    index: &FyndIndex,
    searcher: &Searcher,
    id: &str,
    limit: usize,
    deadline: &Deadline,
) -> Result<Similar, FyndError> {
    let started = Instant::now();
    let schema = &index.schema;
    let record = find_record_with(index, searcher, id)?;
    let mut analyzer = index.analyzer();
    let own = text_terms(&mut analyzer, &[&record.title, &record.body], deadline)?;
    let docs = searcher.num_docs().max(1) as f32;
    let mut weighted: Vec<(f32, &TextTerm)> = Vec::new();
    for term in &own {
        let field = match term.kind {
            TermSource::Word => schema.body,
            TermSource::Part => schema.parts,
        };
        let mut df = searcher.doc_freq(&Term::from_field_text(field, &term.term))?;
        if term.kind == TermSource::Word {
            df = df.max(searcher.doc_freq(&Term::from_field_text(schema.title, &term.term))?);
        }
        // A term only this record has explains no likeness; one most records have, none.
        if df < 2 || df as f32 > docs / 2.0 {
            continue;
        }
        let df = df as f32;
        let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
        let tf = 1.0 + (term.count as f32).ln();
        let kind = if term.kind == TermSource::Part {
            PART_WEIGHT
        } else {
            1.0
        };
        weighted.push((tf * idf * kind, term));
    }
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.term.cmp(&b.1.term)));
    weighted.truncate(QUERY_TERMS);
    let terms: Vec<SharedTerm> = weighted
        .iter()
        .map(|(weight, term)| SharedTerm {
            word: term.shown(analyzer.lexicon()),
            term: term.term.clone(),
            kind: term.kind,
            weight: *weight,
        })
        .collect();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for term in &terms {
        let fields: &[Field] = match term.kind {
            TermSource::Word => &[schema.title, schema.body],
            TermSource::Part => &[schema.parts],
        };
        for field in fields {
            let query = TermQuery::new(
                Term::from_field_text(*field, &term.term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), term.weight)),
            ));
        }
    }
    let mut hits = Vec::new();
    if !clauses.is_empty() {
        let query = deadline.wrap(Box::new(BooleanQuery::new(clauses)));
        let top = searcher.search(&*query, &TopDocs::with_limit(limit + 1).order_by_score())?;
        for (score, address) in top {
            let other = schema.read_record(searcher, address)?;
            if other.id == record.id || hits.len() == limit {
                continue;
            }
            let theirs: HashSet<(String, TermSource)> =
                text_terms(&mut analyzer, &[&other.title, &other.body], deadline)?
                    .into_iter()
                    .map(|t| (t.term, t.kind))
                    .collect();
            let shared = terms
                .iter()
                .filter(|t| theirs.contains(&(t.term.clone(), t.kind)))
                .cloned()
                .collect();
            hits.push(SimilarHit {
                id: other.id,
                title: other.title,
                score,
                shared,
            });
        }
    }
    Ok(Similar {
        id: record.id,
        title: record.title,
        terms,
        hits,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}
