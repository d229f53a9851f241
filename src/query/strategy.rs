//! The ways one search can find its hits, each a named type behind one trait.
//!
//! Contract of every [`Strategy`]: it finds exactly the *match set* — the documents of the
//! plan's query that pass every facet filter and range of the request — and returns
//! - `total`: the size of the match set;
//! - `counted`: the counts of the facets counted in the main pass
//!   ([`super::unfiltered_keys`]) over exactly the match set;
//! - `sideways`: for each facet counted the sidebar way in the same pass, its counts over
//!   the match set without that facet's own filter (empty when none is);
//! - `page`: the hits `offset .. offset + limit` of the match set in the request's order.
//!
//! Past the request's deadline every strategy stops with tantivy's error for it (which
//! [`super::deadline::Deadline::finish`] turns into a timeout).
//!
//! The strategies differ only in how much of the match set they read and score; a test
//! checks each against [`Collect`], the plain collector (`tests/strategies.rs`).

use super::facets::FacetCounter;
use super::field_order::{self, FieldPage};
use super::hit_tree::HitTree;
use super::range::RangeField;
use super::sort::{Page, SidewaysCounts};
use super::word::{self, WordQuery};
use super::{Prepared, SearchRequest};
use crate::error::FyndError;
use crate::schema::{FacetKey, FyndSchema};
use std::collections::HashMap;
use tantivy::query::{EnableScoring, Query};
use tantivy::Searcher;

/// What a strategy finds (see the module's contract).
pub struct Found {
    /// The hits on the page, in order.
    pub page: Page,
    /// The size of the match set.
    pub total: usize,
    /// The counts of the facets counted in the main pass.
    pub counted: Vec<HashMap<String, u64>>,
    /// The counts of the facets counted sideways in the same pass.
    pub sideways: SidewaysCounts,
}

/// What every strategy runs on.
pub struct SearchContext<'a> {
    /// The schema of the index.
    pub schema: &'a FyndSchema,
    /// The searcher of the commit searched.
    pub searcher: &'a Searcher,
    /// The request.
    pub request: &'a SearchRequest,
    /// The request made ready.
    pub prepared: &'a Prepared,
    /// The query with every filter but those of the facets counted sideways.
    pub query: &'a dyn Query,
    /// Counts the facets of the main pass.
    pub also: FacetCounter,
}

/// One way of finding a search's hits, total and counts.
pub trait Strategy {
    /// Runs the search; see the module's contract.
    fn run(&self, context: SearchContext<'_>) -> Result<Found, FyndError>;

    /// The strategy's name, as tests and benchmarks report it.
    fn name(&self) -> &'static str;
}

/// How the page of a search read as sets of hits is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordPage {
    /// No page: counts only.
    None,
    /// Best first.
    Best,
    /// By a field.
    ByField(RangeField),
}

/// One bare word whose alternatives are all terms: its hits (narrowed by the filters and
/// ranges) as a bit set per segment give the total and the counts; the page is found best
/// first by block-max WAND, or by walking the segment in a field's order
/// ([`field_order`]), scoring only the documents that can be on it.
pub struct TermWord<'p> {
    /// The word.
    pub word: &'p WordQuery,
    /// How its page is found.
    pub page: WordPage,
}

impl Strategy for TermWord<'_> {
    fn name(&self) -> &'static str {
        "TermWord"
    }

    fn run(&self, context: SearchContext<'_>) -> Result<Found, FyndError> {
        let SearchContext {
            schema,
            searcher,
            request,
            prepared,
            also,
            ..
        } = context;
        let word = self.word;
        let filters = prepared.hit_filters(schema, searcher, request)?;
        let scored = word.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let scores = word.scores(searcher)?;
        let descending = request.sort.descending;
        let wanted = request.offset + request.limit;
        let floor = word::SharedFloor::new(wanted);
        let page = self.page;
        let deadline = &request.deadline;
        let ((total, counted), candidates) =
            word.count_and(searcher, &also, &filters, |ord, reader, hits| match page {
                _ if deadline.passed() => deadline.check_tantivy().map(|()| Vec::new()),
                WordPage::None => Ok(Vec::new()),
                WordPage::Best => Ok(word::best_in_segment(
                    ord, reader, hits, &*scored, &scores, wanted, &floor,
                )?
                .into_iter()
                .map(|(score, address)| (None, score, address))
                .collect()),
                WordPage::ByField(field) => {
                    let page = FieldPage::new(&prepared.segment_state, field, descending);
                    field_order::candidates(&page, ord, reader, hits.bits, wanted, &*scored)
                }
            })?;
        Ok(Found {
            page: field_order::page(candidates, descending, request.offset, request.limit),
            total,
            counted,
            sideways: Vec::new(),
        })
    }
}

/// Several words joined ([`HitTree`]): the joined bit set of the hits gives the total and
/// the counts, and the hits' scores the page.
pub struct HitSets {
    /// The query as a tree of sets.
    pub tree: HitTree,
    /// How its page is found.
    pub page: WordPage,
}

impl Strategy for HitSets {
    fn name(&self) -> &'static str {
        "HitSets"
    }

    fn run(&self, context: SearchContext<'_>) -> Result<Found, FyndError> {
        let SearchContext {
            schema,
            searcher,
            request,
            prepared,
            also,
            ..
        } = context;
        let page = self.page;
        let filters = prepared.hit_filters(schema, searcher, request)?;
        let weights = self.tree.weights(searcher)?;
        let scored = prepared
            .plan
            .query
            .weight(EnableScoring::enabled_from_searcher(searcher))?;
        // An "or" of words: its page pruned over the union of all their terms.
        let pruned = match weights.or_of_words() {
            Some(words) => Some(
                WordQuery::flattened(&words)
                    .weight(EnableScoring::enabled_from_searcher(searcher))?,
            ),
            None => None,
        };
        let descending = request.sort.descending;
        let wanted = request.offset + request.limit;
        let floor = word::SharedFloor::new(wanted);
        let deadline = &request.deadline;
        let ((total, counted), candidates) = word::count_hits(
            searcher,
            &also,
            &filters,
            |reader| {
                deadline.check_tantivy()?;
                // A page best first needs every hit's score: each part is read once for
                // its documents and scores together.
                if matches!(page, WordPage::Best) && pruned.is_none() {
                    let (bits, scores) = weights.scored(reader)?;
                    Ok((bits, Some(scores)))
                } else {
                    Ok((weights.bits(reader)?, None))
                }
            },
            |ord, reader, hits, scores| match page {
                _ if deadline.passed() => deadline.check_tantivy().map(|()| Vec::new()),
                WordPage::None => Ok(Vec::new()),
                WordPage::Best if pruned.is_some() => Ok(word::best_pruned_rescored(
                    ord,
                    reader,
                    hits,
                    pruned.as_deref().expect("checked"),
                    wanted,
                    &floor,
                    |docs| weights.or_of_words_scores(reader, docs),
                )?
                .into_iter()
                .map(|(score, address)| (None, score, address))
                .collect()),
                WordPage::Best => {
                    let scores = match scores {
                        Some(scores) => scores,
                        None => weights.scores(reader, hits.bits)?,
                    };
                    Ok(
                        word::best_of_scored(ord, reader, hits.bits, &scores, wanted)
                            .into_iter()
                            .map(|(score, address)| (None, score, address))
                            .collect(),
                    )
                }
                WordPage::ByField(field) => {
                    let page = FieldPage::new(&prepared.segment_state, field, descending);
                    field_order::candidates(&page, ord, reader, hits.bits, wanted, &*scored)
                }
            },
        )?;
        Ok(Found {
            page: field_order::page(candidates, descending, request.offset, request.limit),
            total,
            counted,
            sideways: Vec::new(),
        })
    }
}

/// tantivy's collectors over the query with every filter: top documents in the request's
/// order and the facet counts, in one pass over every hit. The reference the other
/// strategies are tested against.
pub struct Collect;

impl Strategy for Collect {
    fn name(&self) -> &'static str {
        "Collect"
    }

    fn run(&self, context: SearchContext<'_>) -> Result<Found, FyndError> {
        let request = context.request;
        let (page, (total, counted)) = request.sort.top_docs_and(
            context.searcher,
            context.query,
            request.limit,
            request.offset,
            context.also,
        )?;
        Ok(Found {
            page,
            total,
            counted,
            sideways: Vec::new(),
        })
    }
}

/// tantivy's collectors over the query without the filters of the facets counted
/// sideways, each hit checked against those filters: hits that pass all are the match
/// set, and a hit that fails only one facet's filter counts for that facet (drill
/// sideways).
pub struct Sideways {
    /// Each facet counted sideways, with its filter's values.
    pub facets: Vec<(FacetKey, Vec<String>)>,
}

impl Strategy for Sideways {
    fn name(&self) -> &'static str {
        "Sideways"
    }

    fn run(&self, context: SearchContext<'_>) -> Result<Found, FyndError> {
        let request = context.request;
        let (page, (total, counted), sideways) = request.sort.top_docs_sideways(
            context.searcher,
            context.query,
            request.limit,
            request.offset,
            context.also,
            self.facets.clone(),
            context.prepared.segment_state.clone(),
        )?;
        Ok(Found {
            page,
            total,
            counted,
            sideways,
        })
    }
}
