//! Query: from what a researcher typed (query text, filters, a period) to ranked hits with
//! passages and facet counts. Parsing ([`parse`]) and query building ([`build`]) are
//! separate from filtering ([`filters`]), counting ([`facets`]) and passages ([`snippet`]).

pub mod all_words;
pub mod build;
pub mod deadline;
pub mod export;
pub mod facets;
pub mod field_order;
pub mod fields;
pub mod filtered;
pub mod filters;
pub mod hit_tree;
pub mod lookup;
pub mod match_mode;
pub mod near_words;
pub mod options;
pub mod parse;
pub mod plan;
pub mod range;
pub mod reading;
pub mod sideways;
pub mod snippet;
pub mod sort;
pub(crate) mod strategy;
pub mod suggest;
pub mod values;
pub mod word;

use crate::error::FyndError;
use crate::index::segment_state::SegmentState;
use crate::index::FyndIndex;
use crate::record::{Date, DocumentShape, ProjectRecord};
use crate::schema::{FacetKey, FyndSchema};
use deadline::Deadline;
use facets::FacetCount;
use filters::{FacetFilter, PeriodFilter};
use match_mode::MatchMode;
use parse::QueryNode;
use plan::{Plan, TextQuery};
use range::RangeFilter;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use snippet::{Passage, PassagePicker};
use sort::SortOrder;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use strategy::{SearchContext, Strategy};
use suggest::Suggestion;
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, EnableScoring, Occur, Query};
use tantivy::Searcher;
use values::ValueUsed;

/// Everything that defines one search.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The query text; empty means every document.
    pub query: String,
    /// Facet filters: OR within a facet, AND across facets.
    pub filters: Vec<FacetFilter>,
    /// Number and date ranges every hit must satisfy (from flags such as `--budget`).
    pub ranges: Vec<RangeFilter>,
    /// Period the projects must overlap.
    pub period: PeriodFilter,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip (for paging).
    pub offset: usize,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Facets to count.
    pub facets: Vec<FacetKey>,
    /// Values to return per facet.
    pub facet_limit: usize,
    /// Pick a best passage for each hit (off: `snippet` is empty, for benchmarks that time
    /// passages as their own class).
    pub passages: bool,
    /// Count a filtered facet the sidebar way, with every filter but its own, so its counts
    /// show what widening would give (on by default). Off, every facet is counted over the
    /// hits themselves: what a plain filtered query in another engine counts, which the
    /// side-by-side benchmark compares.
    pub sidebar_counts: bool,
    /// What a query word matches beyond itself (see [`MatchMode`]).
    pub match_mode: MatchMode,
    /// Words allowed between a compound's parts written as words, in compound mode.
    pub words_between_parts: u32,
    /// Spell out how the query was read in full: the explanation in the response then also
    /// lists, for each word, the forms of it the corpus has (a scan of the lexicon).
    pub explain: bool,
    /// When the work must stop (none by default; the server sets its request timeout):
    /// past it, the search ends with [`FyndError::TimedOut`] instead of running on.
    pub deadline: Deadline,
    /// Each hit also carries its whole record but the body ([`Hit::record`]), for a caller
    /// that hands every field on, as the Python package does; off for the command line and
    /// the server, whose hits show the fields they print.
    pub records: bool,
}

impl SearchRequest {
    /// A request for `query` with the default page, facets and no filters.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            filters: Vec::new(),
            ranges: Vec::new(),
            period: PeriodFilter::default(),
            limit: 10,
            offset: 0,
            sort: SortOrder::default(),
            facets: FacetKey::DEFAULT_COUNTED.to_vec(),
            facet_limit: 20,
            passages: true,
            sidebar_counts: true,
            match_mode: MatchMode::default(),
            words_between_parts: match_mode::WORDS_BETWEEN_PARTS,
            explain: false,
            deadline: Deadline::none(),
            records: false,
        }
    }
}

/// One matching document, as the JSON contract of `fynd search --json` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// Record id.
    pub id: String,
    /// Source file.
    pub path: String,
    /// Title.
    pub title: String,
    /// Relevance score (higher is better).
    pub score: f32,
    /// Document shape.
    pub shape: DocumentShape,
    /// EU fund.
    pub fund: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// NUTS-2 code.
    pub nuts2: Option<String>,
    /// Programme area.
    pub programme_area: Option<String>,
    /// Specific objective.
    pub specific_objective: Option<String>,
    /// Owner organisation.
    pub owner: Option<String>,
    /// Project start.
    pub start: Option<Date>,
    /// Project end.
    pub end: Option<Date>,
    /// Publication date of a page.
    pub published: Option<Date>,
    /// Years the record counts in.
    pub years: Vec<i32>,
    /// Total budget, SEK.
    pub budget: Option<u64>,
    /// Granted support, SEK.
    pub granted: Option<u64>,
    /// Best passage as HTML, matches in `<mark>`.
    pub snippet: String,
    /// The whole record but its body (empty), when the request asked for it
    /// ([`SearchRequest::records`]); left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<Box<ProjectRecord>>,
    /// The same passage with highlight ranges, for terminal output.
    #[serde(skip)]
    pub passage: Passage,
}

/// The answer to a search: the JSON contract of `fynd search --json`.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Number of matching documents (all of them, not just this page).
    pub total: usize,
    /// Time the search took, in milliseconds.
    pub took_ms: f64,
    /// This page of hits, best first.
    pub hits: Vec<Hit>,
    /// Counts per facet over all matching documents; a facet the user filtered on is
    /// counted with every filter but its own, so the counts show what widening would give
    /// (unless the request turned sidebar counts off).
    #[serde(serialize_with = "facets_as_object")]
    pub facets: Vec<(FacetKey, Vec<FacetCount>)>,
    /// The order of the hits, as `--sort` takes it (`relevance:desc`, `start:asc`, …).
    pub sort: String,
    /// Hits skipped before this page.
    pub offset: usize,
    /// For every facet value in a filter or the query: which indexed values it matched
    /// (values match regardless of case and diacritics).
    pub values_used: Vec<ValueUsed>,
    /// Number and date ranges applied, in words (`budget >= 5000000`).
    pub ranges: Vec<String>,
    /// When the query finds nothing or little: indexed words close to the query's words.
    pub did_you_mean: Vec<Suggestion>,
    /// Words of the query that matched nothing in the corpus and were also searched as
    /// their one-letter correction (`{"from": …, "to": …}`); empty when none was needed.
    pub corrections: Vec<build::Correction>,
    /// How the query was read: the match mode, and for each word its terms, compound
    /// split, spellings and correction (with `explain`, also its forms in the corpus).
    pub explain: reading::QueryReading,
    /// The strategy that found the hits (see [`strategy`]): for tests and benchmarks.
    #[serde(skip)]
    pub strategy: &'static str,
}

fn facets_as_object<S: Serializer>(
    facets: &[(FacetKey, Vec<FacetCount>)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(facets.len()))?;
    for (key, counts) in facets {
        map.serialize_entry(key.name(), counts)?;
    }
    map.end()
}

/// A request made ready to run: the query parsed and built, facet values resolved against
/// the index. Shared by [`search`], [`export::export`] and the facet listing.
pub(crate) struct Prepared {
    /// The query text alone (what is scored and highlighted), in its shape and as one
    /// tantivy query.
    pub plan: Plan,
    /// The parsed query, if the text was not empty.
    pub parsed: Option<QueryNode>,
    /// Facet filters with values as indexed.
    pub filters: Vec<FacetFilter>,
    /// How each typed facet value was matched.
    pub values_used: Vec<ValueUsed>,
    /// Query words that matched nothing and were also searched as their correction.
    pub corrections: Vec<build::Correction>,
    /// How the query was read.
    pub reading: reading::QueryReading,
    range_queries: Vec<Box<dyn Query>>,
    /// Whether filtered facets are counted the sidebar way (see [`SearchRequest`]).
    sidebar_counts: bool,
    /// When the work must stop: every query made from this one stops at it.
    pub deadline: Deadline,
    /// What searches keep per segment of the index (facet tables, field orders).
    pub segment_state: Arc<SegmentState>,
}

impl Prepared {
    /// Parses and builds `request` for `searcher`, analysing words as `index` does.
    pub fn new(
        index: &FyndIndex,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Result<Prepared, FyndError> {
        request.deadline.check()?;
        let schema = &index.schema;
        let mut known_values: HashMap<FacetKey, Vec<String>> = HashMap::new();
        let mut values_used = Vec::new();
        let mut lookup = |key: FacetKey, typed: &str| -> Result<ValueUsed, FyndError> {
            let known = match known_values.entry(key) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(values::indexed_values(searcher, schema, key)?)
                }
            };
            Ok(values::resolve(known, key, typed))
        };
        let mut filters = Vec::new();
        for filter in &request.filters {
            let mut resolved = Vec::new();
            for typed in &filter.values {
                let used = lookup(filter.key, typed)?;
                if used.used.is_empty() {
                    resolved.push(typed.trim().to_string());
                }
                resolved.extend(used.used.iter().cloned());
                values_used.push(used);
            }
            filters.push(FacetFilter {
                key: filter.key,
                values: resolved,
            });
        }
        let parsed = if lists_everything(&request.query) {
            None
        } else {
            let fields = build::query_fields();
            let parsed =
                parse::parse(&request.query, &fields).map_err(|err| FyndError::QuerySyntax {
                    query: request.query.clone(),
                    position: err.position,
                    message: err.message,
                })?;
            match parsed {
                Some(node) => Some(resolve_facet_words(node, &mut |key, typed| {
                    let used = lookup(key, typed)?;
                    values_used.push(used.clone());
                    Ok(used.used)
                })?),
                None => None,
            }
        };
        // Facet values the query requires at its top level act like `--filter`, so their
        // facet is counted the sidebar way too.
        let rest = match &parsed {
            Some(node) => lift_facet_clauses(node.clone(), &mut filters),
            None => None,
        };
        let mut corrections = Vec::new();
        let mut reading =
            reading::QueryReading::new(request.match_mode, request.words_between_parts);
        let text = match &rest {
            _ if lists_everything(&request.query) => TextQuery::Other(Box::new(AllQuery)),
            Some(node) => {
                let folded_forms = index.folded_forms();
                let context = build::BuildContext {
                    mode: request.match_mode,
                    words_between_parts: request.words_between_parts,
                    folded_forms: Some(&folded_forms),
                };
                let built =
                    build::build_with(schema, &mut index.analyzer(), Some(searcher), node, context);
                corrections = built.corrections;
                reading = built.reading;
                if request.explain {
                    reading.add_forms(&index.lexicon);
                }
                built
                    .text
                    .unwrap_or_else(|| TextQuery::Other(Box::new(EmptyQuery)))
            }
            None if parsed.is_some() => TextQuery::Other(Box::new(AllQuery)),
            None => TextQuery::Other(Box::new(EmptyQuery)),
        };
        let mut range_queries: Vec<Box<dyn Query>> =
            request.ranges.iter().map(|r| r.query(schema)).collect();
        range_queries.extend(request.period.queries(schema));
        Ok(Prepared {
            plan: Plan::new(text),
            parsed,
            filters,
            values_used,
            corrections,
            reading,
            range_queries,
            sidebar_counts: request.sidebar_counts,
            deadline: request.deadline.clone(),
            segment_state: index.segment_state().clone(),
        })
    }

    /// The query with every filter, or (for counting a filtered facet) with every filter
    /// except the one on `skip`.
    pub fn with_filters(&self, schema: &FyndSchema, skip: Option<FacetKey>) -> Box<dyn Query> {
        self.with_filters_except(schema, skip.as_slice())
    }

    /// The query with every filter but those on `skip`, stopping at the request's deadline.
    fn with_filters_except(&self, schema: &FyndSchema, skip: &[FacetKey]) -> Box<dyn Query> {
        self.deadline
            .wrap(self.with_filters_unbounded(schema, skip))
    }

    fn with_filters_unbounded(&self, schema: &FyndSchema, skip: &[FacetKey]) -> Box<dyn Query> {
        let mut facet_filters: Vec<Box<dyn Query>> = self
            .filters
            .iter()
            .filter(|f| !skip.contains(&f.key))
            .map(|filter| filter.query(schema))
            .collect();
        // A bare word's alternatives each narrowed by the facet filters, where they are
        // selective (see `filtered`). Ranges are not pushed down: over a fast field, reading
        // them into a set and intersecting each alternative cost more than it saved.
        let alternatives = self.plan.text.alternatives();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = match alternatives {
            Some(alternatives) if !facet_filters.is_empty() => {
                let filter: Box<dyn Query> = if facet_filters.len() == 1 {
                    facet_filters.remove(0)
                } else {
                    Box::new(BooleanQuery::new(
                        facet_filters
                            .drain(..)
                            .map(|query| (Occur::Must, query))
                            .collect(),
                    ))
                };
                vec![(Occur::Must, filtered::narrowed(&alternatives, filter))]
            }
            _ => vec![(Occur::Must, self.plan.query.box_clone())],
        };
        clauses.extend(facet_filters.into_iter().map(|query| (Occur::Must, query)));
        for query in &self.range_queries {
            clauses.push((Occur::Must, query.box_clone()));
        }
        if clauses.len() == 1 {
            clauses.pop().expect("the text query").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// Every facet filter and range of `request` (as prepared here), as what narrows a
    /// segment's hits: a range of a field with a column is cut from the segment's documents
    /// in the field's order, anything else is its query's documents.
    pub(crate) fn hit_filters(
        &self,
        schema: &FyndSchema,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> tantivy::Result<Vec<Box<dyn word::HitFilter>>> {
        let unscored = EnableScoring::disabled_from_searcher(searcher);
        let mut filters: Vec<Box<dyn word::HitFilter>> = Vec::new();
        for filter in &self.filters {
            filters.push(Box::new(filter.query(schema).weight(unscored)?));
        }
        for range in &request.ranges {
            match field_order::ColumnRange::new(range, self.segment_state.clone()) {
                Some(range) => filters.push(Box::new(range)),
                None => filters.push(Box::new(range.query(schema).weight(unscored)?)),
            }
        }
        for query in request.period.queries(schema) {
            filters.push(Box::new(query.weight(unscored)?));
        }
        Ok(filters)
    }

    /// True when a filter is set on facet `key`.
    pub fn is_filtered(&self, key: FacetKey) -> bool {
        self.filters.iter().any(|f| f.key == key)
    }

    /// True when facet `key` is counted the sidebar way: filtered, with sidebar counts on.
    fn counts_sideways(&self, key: FacetKey) -> bool {
        self.sidebar_counts && self.is_filtered(key)
    }
}

/// Whether the query text asks for every document: empty, or `*` (as Lucene, Elasticsearch
/// and Kibana users type it).
pub fn lists_everything(query: &str) -> bool {
    matches!(query.trim(), "" | "*")
}

/// Finds the indexed values a typed facet value stands for.
type ValueLookup<'a> = dyn FnMut(FacetKey, &str) -> Result<Vec<String>, FyndError> + 'a;

/// Facet counts in the order asked for.
type FacetCounts = Vec<(FacetKey, Vec<FacetCount>)>;

/// Replaces the value of every `facet:value` in the query by the indexed value(s) it
/// stands for (`fund:esf+` → `fund:ESF+`); several values become alternatives.
fn resolve_facet_words(
    node: QueryNode,
    lookup: &mut ValueLookup<'_>,
) -> Result<QueryNode, FyndError> {
    let facet_of = |field: &Option<String>| {
        field.as_deref().and_then(|name| {
            let is_text = build::TEXT_FIELDS.iter().any(|(text, _)| *text == name);
            (!is_text).then(|| FacetKey::parse(name)).flatten()
        })
    };
    Ok(match node {
        QueryNode::Word {
            field,
            text,
            position,
        }
        | QueryNode::Phrase {
            field,
            text,
            position,
        } if facet_of(&field).is_some() => {
            let key = facet_of(&field).expect("checked");
            let mut used = lookup(key, &text)?;
            let word = |text: String| QueryNode::Word {
                field: field.clone(),
                text,
                position,
            };
            match used.len() {
                0 => word(text),
                1 => word(used.remove(0)),
                _ => QueryNode::Any(used.into_iter().map(word).collect()),
            }
        }
        QueryNode::All(clauses) => QueryNode::All(
            clauses
                .into_iter()
                .map(|(occur, node)| Ok((occur, resolve_facet_words(node, lookup)?)))
                .collect::<Result<_, FyndError>>()?,
        ),
        QueryNode::Any(options) => QueryNode::Any(
            options
                .into_iter()
                .map(|node| resolve_facet_words(node, lookup))
                .collect::<Result<_, FyndError>>()?,
        ),
        other => other,
    })
}

/// The facet key and values of a clause that only requires facet values: `fund:ESF+`, or
/// alternatives of one facet (`region:A OR region:B`, or a value that matched several).
fn facet_clause(node: &QueryNode) -> Option<(FacetKey, Vec<String>)> {
    let facet_word = |node: &QueryNode| match node {
        QueryNode::Word {
            field: Some(name),
            text,
            ..
        } if !build::TEXT_FIELDS.iter().any(|(t, _)| t == name) => {
            FacetKey::parse(name).map(|key| (key, text.trim().to_string()))
        }
        _ => None,
    };
    match node {
        QueryNode::All(clauses) => match clauses.as_slice() {
            [(parse::Occur::Must, inner)] => facet_clause(inner),
            _ => None,
        },
        QueryNode::Any(options) => {
            let words: Vec<(FacetKey, String)> =
                options.iter().map(facet_word).collect::<Option<_>>()?;
            let key = words.first()?.0;
            words
                .iter()
                .all(|(k, _)| *k == key)
                .then(|| (key, words.into_iter().map(|(_, v)| v).collect()))
        }
        node => facet_word(node).map(|(key, value)| (key, vec![value])),
    }
}

/// Moves the facet clauses the query requires at its top level into `filters` (one per key,
/// and only for keys without a `--filter`, which would OR with them) and returns what is
/// left of the query (`None`: nothing).
fn lift_facet_clauses(node: QueryNode, filters: &mut Vec<FacetFilter>) -> Option<QueryNode> {
    let clauses = match node {
        QueryNode::All(clauses) => clauses,
        node => vec![(parse::Occur::Must, node)],
    };
    let keys: Vec<Option<FacetKey>> = clauses
        .iter()
        .map(|(occur, node)| {
            (*occur == parse::Occur::Must)
                .then(|| facet_clause(node).map(|(key, _)| key))
                .flatten()
        })
        .collect();
    let filtered: Vec<FacetKey> = filters.iter().map(|f| f.key).collect();
    let mut kept = Vec::new();
    for ((occur, node), key) in clauses.into_iter().zip(&keys) {
        let liftable = key.is_some_and(|key| {
            !filtered.contains(&key) && keys.iter().filter(|k| **k == Some(key)).count() == 1
        });
        match facet_clause(&node) {
            Some((key, values)) if liftable => filters.push(FacetFilter { key, values }),
            _ => kept.push((occur, node)),
        }
    }
    (!kept.is_empty()).then_some(QueryNode::All(kept))
}

/// Facet counts for `keys` over the hits of `prepared`: a facet without a filter is counted
/// in the same pass as everything else; a filtered facet is counted with every filter but its
/// own (what e-commerce sidebars and Kohesio do), so its counts show what widening gives.
fn count_facets(
    schema: &FyndSchema,
    searcher: &Searcher,
    prepared: &Prepared,
    keys: &[FacetKey],
    limit: usize,
) -> Result<(usize, FacetCounts), FyndError> {
    let full_query = prepared.with_filters(schema, None);
    let shared = facets::FacetCounter::new(
        unfiltered_keys(prepared, keys),
        prepared.segment_state.clone(),
    );
    let (total, counted) = searcher.search(&*full_query, &shared)?;
    let counts = finish_facets(
        schema,
        searcher,
        prepared,
        keys,
        limit,
        counted,
        HashMap::new(),
    )?;
    Ok((total, counts))
}

/// The facets of `keys` counted over the hits in the main pass: those without a filter,
/// or all of them when sidebar counts are off.
fn unfiltered_keys(prepared: &Prepared, keys: &[FacetKey]) -> Vec<FacetKey> {
    keys.iter()
        .copied()
        .filter(|key| !prepared.counts_sideways(*key))
        .collect()
}

/// The counts of the main pass (`counted`, for [`unfiltered_keys`]) sorted and cut, with
/// each filtered facet taken from `precounted` or counted in a pass of its own; in the
/// order of `keys`.
fn finish_facets(
    schema: &FyndSchema,
    searcher: &Searcher,
    prepared: &Prepared,
    keys: &[FacetKey],
    limit: usize,
    counted: Vec<HashMap<String, u64>>,
    mut precounted: HashMap<FacetKey, HashMap<String, u64>>,
) -> Result<FacetCounts, FyndError> {
    let mut counts: FacetCounts = unfiltered_keys(prepared, keys)
        .into_iter()
        .zip(counted)
        .map(|(key, values)| (key, facets::sorted_values(key, values, limit)))
        .collect();
    for key in keys.iter().filter(|key| prepared.counts_sideways(**key)) {
        let values = match precounted.remove(key) {
            Some(values) => values,
            None => {
                let query = prepared.with_filters(schema, Some(*key));
                let counter = facets::FacetCounter::new(vec![*key], prepared.segment_state.clone());
                let (_, mut collected) = searcher.search(&*query, &counter)?;
                collected.pop().unwrap_or_default()
            }
        };
        counts.push((*key, facets::sorted_values(*key, values, limit)));
    }
    counts.sort_by_key(|(key, _)| keys.iter().position(|k| k == key));
    Ok(counts)
}

/// Runs `request` against `index`, on a reader of its last commit.
pub fn search(index: &FyndIndex, request: &SearchRequest) -> Result<SearchResponse, FyndError> {
    let started = Instant::now();
    let reader = index.reader()?;
    let mut response = search_with(index, &reader.searcher(), request)?;
    response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok(response)
}

/// Runs `request` on `searcher` (of `index`), so a long-running caller (a benchmark, a
/// server) can keep one reader open across searches. Past the request's deadline it stops
/// with [`FyndError::TimedOut`].
pub fn search_with(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Result<SearchResponse, FyndError> {
    request
        .deadline
        .finish(run(index, searcher, request, Execution::Planned))
}

/// [`search_with`] run the plain way, whatever the plan would choose: tantivy's collector
/// over the query with every filter, each filtered facet counted in a pass of its own.
/// Slower; the reference every planned strategy must agree with (`tests/strategies.rs`).
pub fn search_reference(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Result<SearchResponse, FyndError> {
    request
        .deadline
        .finish(run(index, searcher, request, Execution::Reference))
}

/// How [`run`] finds the hits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Execution {
    /// By the strategy the plan chooses.
    Planned,
    /// By the reference strategy ([`search_reference`]).
    Reference,
}

/// [`search_with`] by `execution`, its checks of the deadline returning tantivy's errors
/// (which [`deadline::Deadline::finish`] replaces).
fn run(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    execution: Execution,
) -> Result<SearchResponse, FyndError> {
    let started = Instant::now();
    let deadline = &request.deadline;
    let schema = &index.schema;
    let searcher = searcher.clone();
    let prepared = Prepared::new(index, &searcher, request)?;
    // One pass over the hits gives the page, the total and the unfiltered facets' counts.
    // A filtered facet that is counted is counted in that pass too (drill-sideways): the
    // query runs without its filter, which each hit is checked against instead.
    let sideways: Vec<(FacetKey, Vec<String>)> = request
        .facets
        .iter()
        .filter(|_| execution == Execution::Planned)
        .filter(|key| prepared.counts_sideways(**key))
        .filter_map(|key| {
            let mut filters = prepared.filters.iter().filter(|f| f.key == *key);
            let filter = filters.next()?;
            filters
                .next()
                .is_none()
                .then(|| (*key, filter.values.clone()))
        })
        .collect();
    let skip: Vec<FacetKey> = sideways.iter().map(|(key, _)| *key).collect();
    let query = prepared.with_filters_except(schema, &skip);
    let also = facets::FacetCounter::new(
        unfiltered_keys(&prepared, &request.facets),
        prepared.segment_state.clone(),
    );
    let strategy: Box<dyn Strategy> = match execution {
        Execution::Planned => prepared.plan.strategy(request, sideways),
        Execution::Reference => Box::new(strategy::Collect),
    };
    let strategy_name = strategy.name();
    let found = strategy.run(SearchContext {
        schema,
        searcher: &searcher,
        request,
        prepared: &prepared,
        query: &*query,
        also,
    })?;
    let (top_docs, total, counted, sideways_counts) =
        (found.page, found.total, found.counted, found.sideways);
    let precounted = skip.into_iter().zip(sideways_counts).collect();
    let facet_counts = finish_facets(
        schema,
        &searcher,
        &prepared,
        &request.facets,
        request.facet_limit,
        counted,
        precounted,
    )?;

    let picker = request
        .passages
        .then(|| PassagePicker::new(index, &searcher, prepared.parsed.as_ref()));
    // Each hit's stored record (and passage) is read in its own task: with the search
    // threads (`FyndIndex::set_search_threads`) ten hits are read on every core.
    let hits = searcher
        .index()
        .search_executor()
        .map(
            |(score, address)| {
                deadline.check_tantivy()?;
                Ok(hit(
                    schema,
                    &searcher,
                    picker.as_ref(),
                    request.records,
                    score,
                    address,
                ))
            },
            top_docs.into_iter(),
        )?
        .into_iter()
        .collect::<Result<Vec<Hit>, FyndError>>()?;
    deadline.check()?;
    let did_you_mean = if total <= suggest::FEW_HITS {
        suggest::suggest(index, &searcher, prepared.parsed.as_ref(), total)?
    } else {
        Vec::new()
    };
    Ok(SearchResponse {
        query: request.query.clone(),
        total,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets: facet_counts,
        sort: request.sort.to_string(),
        offset: request.offset,
        values_used: prepared.values_used,
        ranges: request.ranges.iter().map(ToString::to_string).collect(),
        did_you_mean,
        corrections: prepared.corrections.clone(),
        explain: prepared.reading.clone(),
        strategy: strategy_name,
    })
}

/// The hit at `address`: its stored record, and its best passage when `picker` is given;
/// with `records`, the whole record but the body as well.
fn hit(
    schema: &FyndSchema,
    searcher: &Searcher,
    picker: Option<&PassagePicker>,
    records: bool,
    score: tantivy::Score,
    address: tantivy::DocAddress,
) -> Result<Hit, FyndError> {
    // The body is stored apart, and read only for a passage: a hit's whole record leaves
    // the body out.
    let mut record = if picker.is_some() {
        schema.read_record(searcher, address)?
    } else {
        schema.read_record_without_body(searcher, address)?
    };
    let passage = match picker {
        Some(picker) => picker.pick_at(searcher, address, schema, &record),
        None => Passage::default(),
    };
    let whole = records.then(|| {
        let body = std::mem::take(&mut record.body);
        let whole = Box::new(record.clone());
        record.body = body;
        whole
    });
    Ok(Hit {
        record: whole,
        years: record.years(),
        snippet: passage.to_html(),
        passage,
        id: record.id,
        path: record.path,
        title: record.title,
        score,
        shape: record.shape,
        fund: record.fund,
        region: record.region,
        nuts2: record.nuts2,
        programme_area: record.programme_area,
        specific_objective: record.specific_objective,
        owner: record.owner,
        start: record.start,
        end: record.end,
        published: record.published,
        budget: record.budget,
        granted: record.granted,
    })
}

/// Every value of one facet with its count over the documents `request` matches (its
/// query, filters and ranges; its own facet's filter is left out, as in the sidebar counts).
pub fn facet_values(
    index: &FyndIndex,
    request: &SearchRequest,
    key: FacetKey,
) -> Result<FacetListing, FyndError> {
    let reader = index.reader()?;
    facet_values_with(index, &reader.searcher(), request, key)
}

/// [`facet_values`] on `searcher` (of `index`), for a caller that keeps one reader open.
pub fn facet_values_with(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    key: FacetKey,
) -> Result<FacetListing, FyndError> {
    let schema = &index.schema;
    let prepared = Prepared::new(index, searcher, request)?;
    let counted = count_facets(schema, searcher, &prepared, &[key], usize::MAX);
    let (total, mut counts) = request.deadline.finish(counted)?;
    Ok(FacetListing {
        facet: key.name().to_string(),
        query: request.query.clone(),
        total,
        values: counts.pop().map(|(_, values)| values).unwrap_or_default(),
        values_used: prepared.values_used,
    })
}

/// All values of one facet, the answer of `fynd facets KEY [QUERY]`.
#[derive(Clone, Debug, Serialize)]
pub struct FacetListing {
    /// The facet key.
    pub facet: String,
    /// The query the counts are over (empty: every document).
    pub query: String,
    /// Documents the query and filters match.
    pub total: usize,
    /// Every value with its count, most frequent first (years in calendar order).
    pub values: Vec<FacetCount>,
    /// How typed facet values were matched.
    pub values_used: Vec<ValueUsed>,
}
