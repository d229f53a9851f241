//! Search options as text, the way the command line's flags and the HTTP API's query
//! parameters give them, turned into a [`SearchRequest`] in one place so that `fynd search`
//! and `fynd serve` read every option the same way.

use super::filters::{facet_key, FacetFilter, PeriodFilter};
use super::match_mode::MatchMode;
use super::range::{RangeField, RangeFilter};
use super::sort::SortOrder;
use super::SearchRequest;
use crate::error::FyndError;

/// Every search option as typed, before it is checked.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    /// The query text (empty: every document).
    pub query: String,
    /// `KEY=VALUE` facet filters (repeatable; same key: any value, different keys: all).
    pub filters: Vec<String>,
    /// Start of the period projects must overlap (YYYY-MM-DD or YYYY).
    pub from: Option<String>,
    /// End of that period.
    pub to: Option<String>,
    /// Range options (`--budget '>=5000000'`), one per field.
    pub ranges: Vec<(RangeField, String)>,
    /// Order (`relevance`, `start:desc`, …); `None` for relevance.
    pub sort: Option<String>,
    /// Facets to count; `None` for the default ones.
    pub facets: Option<Vec<String>>,
    /// Match mode (`exact`, `compound`, `broad`); `None` for the default, `compound`.
    pub match_mode: Option<String>,
    /// Words allowed between a compound's parts (`--near`); `None` for the default.
    pub near: Option<String>,
}

impl SearchOptions {
    /// Options for `query` with nothing else set.
    pub fn new(query: &str) -> SearchOptions {
        SearchOptions {
            query: query.to_string(),
            ..SearchOptions::default()
        }
    }

    /// Checks every option and builds the request (default page: 10 hits from the first).
    pub fn request(&self) -> Result<SearchRequest, FyndError> {
        let mut request = SearchRequest::new(&self.query);
        request.filters = FacetFilter::parse_all(&self.filters)?;
        request.period = PeriodFilter::parse(self.from.as_deref(), self.to.as_deref())?;
        for (field, text) in &self.ranges {
            request.ranges.push(RangeFilter::from_flag(*field, text)?);
        }
        if let Some(sort) = &self.sort {
            request.sort = SortOrder::parse(sort)?;
        }
        if let Some(mode) = &self.match_mode {
            request.match_mode = MatchMode::parse(mode)?;
        }
        if let Some(near) = &self.near {
            request.words_between_parts = MatchMode::parse_near(near)?;
        }
        if let Some(facets) = &self.facets {
            request.facets = facets
                .iter()
                .filter(|name| !name.trim().is_empty())
                .map(|name| facet_key(name))
                .collect::<Result<Vec<_>, _>>()?;
        }
        Ok(request)
    }
}
