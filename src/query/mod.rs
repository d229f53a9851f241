//! Query: from what a researcher typed (query text, filters, a period) to ranked hits with
//! passages and facet counts. Parsing ([`parse`]) and query building ([`build`]) are
//! separate from filtering ([`filters`]), counting ([`facets`]) and passages ([`snippet`]).

pub mod build;
pub mod facets;
pub mod filters;
pub mod parse;
pub mod snippet;

use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::record::{Date, DocumentShape};
use crate::schema::FacetKey;
use facets::FacetCount;
use filters::{FacetFilter, PeriodFilter};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use snippet::{Passage, PassagePicker};
use std::time::Instant;
use tantivy::collector::{Count, MultiCollector, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, EmptyQuery, Occur, Query};
use tantivy::TantivyDocument;

/// Everything that defines one search.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// The query text; empty means every document.
    pub query: String,
    /// Facet filters: OR within a facet, AND across facets.
    pub filters: Vec<FacetFilter>,
    /// Period the projects must overlap.
    pub period: PeriodFilter,
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip (for paging).
    pub offset: usize,
    /// Facets to count.
    pub facets: Vec<FacetKey>,
    /// Values to return per facet.
    pub facet_limit: usize,
}

impl SearchRequest {
    /// A request for `query` with the default page, facets and no filters.
    pub fn new(query: &str) -> SearchRequest {
        SearchRequest {
            query: query.to_string(),
            filters: Vec::new(),
            period: PeriodFilter::default(),
            limit: 10,
            offset: 0,
            facets: FacetKey::DEFAULT_COUNTED.to_vec(),
            facet_limit: 20,
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
    /// counted with every filter but its own, so the counts show what widening would give.
    #[serde(serialize_with = "facets_as_object")]
    pub facets: Vec<(FacetKey, Vec<FacetCount>)>,
    /// Words of the query that matched nothing in the corpus and were also searched as
    /// their one-letter correction (`{"from": …, "to": …}`); empty when none was needed.
    pub corrections: Vec<build::Correction>,
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

/// Runs `request` against `index`.
pub fn search(index: &FyndIndex, request: &SearchRequest) -> Result<SearchResponse, FyndError> {
    let started = Instant::now();
    let schema = &index.schema;
    let mut corrections = Vec::new();
    let text_query: Box<dyn Query> = if request.query.trim().is_empty() {
        Box::new(AllQuery)
    } else {
        let parsed = parse::parse(&request.query, &build::query_fields()).map_err(|err| {
            FyndError::QuerySyntax {
                query: request.query.clone(),
                position: err.position,
                message: err.message,
            }
        })?;
        parsed
            .and_then(|node| {
                let built = build::build(schema, &mut index.analyzer(), &node);
                corrections = built.corrections;
                built.query
            })
            .unwrap_or_else(|| Box::new(EmptyQuery))
    };

    // The query with every filter, and (for facets that are filtered on) without its own.
    let with_filters = |skip: Option<FacetKey>| -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        for filter in request.filters.iter().filter(|f| Some(f.key) != skip) {
            clauses.push((Occur::Must, filter.query(schema)));
        }
        for query in request.period.queries(schema) {
            clauses.push((Occur::Must, query));
        }
        if clauses.len() == 1 {
            text_query.box_clone()
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    };
    let full_query = with_filters(None);

    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut collectors = MultiCollector::new();
    let top_handle = (request.limit > 0).then(|| {
        collectors.add_collector(
            TopDocs::with_limit(request.limit)
                .and_offset(request.offset)
                .order_by_score(),
        )
    });
    let count_handle = collectors.add_collector(Count);
    let is_filtered = |key: FacetKey| request.filters.iter().any(|f| f.key == key);
    let shared_facets: Vec<_> = request
        .facets
        .iter()
        .filter(|key| !is_filtered(**key))
        .map(|key| (*key, collectors.add_collector(facets::collector(*key))))
        .collect();
    let mut fruits = searcher.search(&*full_query, &collectors)?;
    let top_docs = top_handle
        .map(|h| h.extract(&mut fruits))
        .unwrap_or_default();
    let total = count_handle.extract(&mut fruits);
    let mut facet_counts: Vec<(FacetKey, Vec<FacetCount>)> = shared_facets
        .into_iter()
        .map(|(key, handle)| {
            let counts = handle.extract(&mut fruits);
            (
                key,
                facets::sorted_counts(key, &counts, request.facet_limit),
            )
        })
        .collect();
    for key in request.facets.iter().filter(|key| is_filtered(**key)) {
        let counts = searcher.search(&*with_filters(Some(*key)), &facets::collector(*key))?;
        facet_counts.push((
            *key,
            facets::sorted_counts(*key, &counts, request.facet_limit),
        ));
    }
    facet_counts.sort_by_key(|(key, _)| request.facets.iter().position(|k| k == key));

    let picker = PassagePicker::new(&searcher, &*text_query, schema.body);
    let mut hits = Vec::with_capacity(top_docs.len());
    for (score, address) in top_docs {
        let doc: TantivyDocument = searcher.doc(address)?;
        let record = schema.record_from(&doc)?;
        let passage = picker.pick(&record.body);
        hits.push(Hit {
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
        });
    }
    Ok(SearchResponse {
        query: request.query.clone(),
        total,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets: facet_counts,
        corrections,
    })
}
