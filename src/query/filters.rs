//! Filters that narrow a search without changing its ranking: facet values (OR within a
//! facet, AND across facets) and a date range that project periods must overlap.

use crate::error::FyndError;
use crate::record::Date;
use crate::schema::{facet_for, to_datetime, DateKey, FacetKey, FyndSchema};
use std::ops::Bound;
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

/// The facet a user names, in English or Swedish, any case (`fond`, `Region`,
/// `programområde`).
pub fn facet_key(name: &str) -> Result<FacetKey, FyndError> {
    super::fields::canonical(name)
        .and_then(FacetKey::parse)
        .ok_or_else(|| FyndError::UnknownFilterKey {
            key: name.trim().to_string(),
        })
}

/// Documents whose facet `key` has any of `values` (exact, case as in the facet counts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetFilter {
    /// Which facet.
    pub key: FacetKey,
    /// Accepted values; a document needs one of them.
    pub values: Vec<String>,
}

impl FacetFilter {
    /// Parses `--filter KEY=VALUE` options, merging repeated keys into one filter. KEY may
    /// be a Swedish alias; VALUE is matched against the index when the search runs.
    pub fn parse_all(specs: &[String]) -> Result<Vec<FacetFilter>, FyndError> {
        let mut filters: Vec<FacetFilter> = Vec::new();
        for spec in specs {
            let (key, value) = spec
                .split_once('=')
                .ok_or_else(|| FyndError::BadFilter { text: spec.clone() })?;
            let key = facet_key(key)?;
            let value = value.trim().to_string();
            match filters.iter_mut().find(|filter| filter.key == key) {
                Some(filter) => filter.values.push(value),
                None => filters.push(FacetFilter {
                    key,
                    values: vec![value],
                }),
            }
        }
        Ok(filters)
    }

    /// The filter as a query that matches without adding to the score.
    pub fn query(&self, schema: &FyndSchema) -> Box<dyn Query> {
        let field = schema.facet(self.key);
        let options = self
            .values
            .iter()
            .map(|value| {
                let term = Term::from_facet(field, &facet_for(value));
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(options)),
            0.0,
        ))
    }
}

/// Keeps projects whose period overlaps `[from, to]`. Documents without a period are left
/// out as soon as either end is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PeriodFilter {
    /// Earliest day of interest.
    pub from: Option<Date>,
    /// Latest day of interest.
    pub to: Option<Date>,
}

impl PeriodFilter {
    /// Reads `--from` / `--to` values: a date (YYYY-MM-DD) or a year (YYYY, meaning its
    /// first day for `from` and its last day for `to`).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<PeriodFilter, FyndError> {
        let read = |option: &str, value: Option<&str>, year_end: bool| {
            value
                .map(|text| {
                    let text = text.trim();
                    let date = if text.len() == 4 {
                        text.parse::<i32>().ok().and_then(|year| {
                            if year_end {
                                Date::new(year, 12, 31)
                            } else {
                                Date::new(year, 1, 1)
                            }
                        })
                    } else {
                        Date::parse(text)
                    };
                    date.ok_or_else(|| FyndError::BadDate {
                        option: option.to_string(),
                        value: text.to_string(),
                    })
                })
                .transpose()
        };
        Ok(PeriodFilter {
            from: read("--from", from, false)?,
            to: read("--to", to, true)?,
        })
    }

    /// True when neither end is given.
    pub fn is_empty(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// The overlap condition as queries that match without adding to the score: the period
    /// starts on or before `to` and ends on or after `from`.
    pub fn queries(&self, schema: &FyndSchema) -> Vec<Box<dyn Query>> {
        let date_term = |key: DateKey, date: Date| {
            Term::from_field_date_for_search(schema.date(key), to_datetime(date))
        };
        let mut queries: Vec<Box<dyn Query>> = Vec::new();
        if let Some(to) = self.to {
            let range = RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(date_term(DateKey::Start, to)),
            );
            queries.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
        }
        if let Some(from) = self.from {
            let range = RangeQuery::new(
                Bound::Included(date_term(DateKey::PeriodEnd, from)),
                Bound::Unbounded,
            );
            queries.push(Box::new(ConstScoreQuery::new(Box::new(range), 0.0)));
        }
        queries
    }
}
