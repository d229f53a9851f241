//! Trends: how many projects match each query per bucket — per year a project runs, per
//! start year, per fund, region, county or programme area — optionally as a share of all
//! projects in the bucket and with the money granted or budgeted per bucket summed.
//!
//! Counts are over the match set of each query with the request's filters (what search's
//! `total` counts); the denominators ("all") are over the same filters with no query. Every
//! bucket the filtered index has is listed, also where a query has none; years are listed
//! in calendar order with the years between the first and the last filled in.

use super::matching;
use crate::error::FyndError;
use crate::index::segment_state::SegmentState;
use crate::index::FyndIndex;
use crate::query::facets::{read_segment_facets, SegmentFacets};
use crate::query::values::ValueUsed;
use crate::query::SearchRequest;
use crate::record::Date;
use crate::schema::FacetKey;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DateTime, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// What a trend's buckets are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendBy {
    /// Every calendar year a project runs (a project counts in each), or a page's
    /// publication year: the `year` facet.
    Year,
    /// The year a project started (projects without a start date are not bucketed).
    StartYear,
    /// The values of a facet (fund, region, county, programme area).
    Facet(FacetKey),
}

impl TrendBy {
    /// Every name `--by` takes.
    pub const NAMES: [&'static str; 6] = [
        "year",
        "start_year",
        "fund",
        "region",
        "county",
        "programme_area",
    ];

    /// The bucketing named `name` (one of [`TrendBy::NAMES`]).
    pub fn parse(name: &str) -> Result<TrendBy, FyndError> {
        match name.trim().to_lowercase().as_str() {
            "year" | "år" => Ok(TrendBy::Year),
            "start_year" | "startår" => Ok(TrendBy::StartYear),
            "fund" | "fond" => Ok(TrendBy::Facet(FacetKey::Fund)),
            "region" => Ok(TrendBy::Facet(FacetKey::Region)),
            "county" | "län" => Ok(TrendBy::Facet(FacetKey::County)),
            "programme_area" | "programområde" => Ok(TrendBy::Facet(FacetKey::ProgrammeArea)),
            _ => Err(FyndError::BadView {
                option: "--by".into(),
                message: format!(
                    "cannot bucket by {name:?}: write one of {}",
                    TrendBy::NAMES.join(", ")
                ),
            }),
        }
    }

    /// The name as `--by` takes it.
    pub fn name(self) -> &'static str {
        match self {
            TrendBy::Year => "year",
            TrendBy::StartYear => "start_year",
            TrendBy::Facet(key) => key.name(),
        }
    }

    /// Whether buckets are years (listed in calendar order, gaps filled).
    pub fn is_years(self) -> bool {
        matches!(self, TrendBy::Year | TrendBy::StartYear)
    }
}

/// Money that can be summed per bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SumField {
    /// Granted EU support, SEK.
    Granted,
    /// Total budget, SEK.
    Budget,
}

impl SumField {
    /// The field named `name` (`granted` or `budget`).
    pub fn parse(name: &str) -> Result<SumField, FyndError> {
        match name.trim().to_lowercase().as_str() {
            "granted" | "beviljat" => Ok(SumField::Granted),
            "budget" => Ok(SumField::Budget),
            _ => Err(FyndError::BadView {
                option: "--sum".into(),
                message: format!("cannot sum {name:?}: write granted or budget"),
            }),
        }
    }

    /// The name of the field (and of its fast column).
    pub fn name(self) -> &'static str {
        match self {
            SumField::Granted => "granted",
            SumField::Budget => "budget",
        }
    }
}

/// What a trend is asked for, beside the queries.
#[derive(Clone, Copy, Debug)]
pub struct TrendOptions {
    /// The buckets.
    pub by: TrendBy,
    /// Divide each count by the number of all projects in the bucket.
    pub share: bool,
    /// Sum this money per bucket.
    pub sum: Option<SumField>,
}

/// One bucket of one series.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The bucket ("2023", "ESF+", "Skåne").
    pub bucket: String,
    /// Matching projects in the bucket.
    pub count: u64,
    /// All projects in the bucket (under the same filters, without the query).
    pub all: u64,
    /// `count / all` with `--share` (0 where the bucket is empty); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// The summed money of the matching projects in the bucket, with `--sum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sum: Option<u64>,
    /// How many of the matching projects in the bucket have that money given, with `--sum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summed: Option<u64>,
}

/// The buckets of one query.
#[derive(Clone, Debug, Serialize)]
pub struct TrendSeries {
    /// The query as given.
    pub query: String,
    /// Documents it matches (search's `total`).
    pub total: usize,
    /// Matching documents without a value for the buckets (no date, no fund, …).
    pub unbucketed: u64,
    /// One point per bucket, in the trend's bucket order.
    pub points: Vec<TrendPoint>,
    /// How typed facet values were matched.
    pub values_used: Vec<ValueUsed>,
}

/// The answer of `fynd trend` and `/api/trend`.
#[derive(Clone, Debug, Serialize)]
pub struct Trend {
    /// What the buckets are (`year`, `start_year`, `fund`, …).
    pub by: String,
    /// Whether shares were asked for.
    pub share: bool,
    /// The money summed (`granted`, `budget`), if any.
    pub sum: Option<String>,
    /// Every bucket, in order.
    pub buckets: Vec<String>,
    /// Projects under the filters, with or without a bucket value.
    pub all_total: usize,
    /// One series per query, in the order given.
    pub series: Vec<TrendSeries>,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
}

/// The trend of every query of `queries` (each run with the filters, ranges, match mode
/// and deadline of `base`; its own query text is ignored).
pub fn trend(
    index: &FyndIndex,
    searcher: &Searcher,
    base: &SearchRequest,
    queries: &[String],
    options: TrendOptions,
) -> Result<Trend, FyndError> {
    base.deadline.finish(trend_until_deadline(
        index, searcher, base, queries, options,
    ))
}

fn trend_until_deadline(
    index: &FyndIndex,
    searcher: &Searcher,
    base: &SearchRequest,
    queries: &[String],
    options: TrendOptions,
) -> Result<Trend, FyndError> {
    let started = Instant::now();
    let collector = BucketCollector {
        by: options.by,
        sum: options.sum,
        state: index.segment_state().clone(),
    };
    let mut all_request = base.clone();
    all_request.query = String::new();
    let (all_query, _) = matching(index, searcher, &all_request)?;
    let all = searcher.search(&*all_query, &collector)?;
    let mut counted = Vec::new();
    for text in queries {
        let mut request = base.clone();
        request.query = text.clone();
        let (query, prepared) = matching(index, searcher, &request)?;
        counted.push((text, searcher.search(&*query, &collector)?, prepared));
    }
    let buckets = bucket_order(options.by, &all, counted.iter().map(|(_, b, _)| b));
    let series = counted
        .into_iter()
        .map(|(text, counts, prepared)| TrendSeries {
            query: text.clone(),
            total: counts.total as usize,
            unbucketed: counts.unbucketed,
            points: buckets
                .iter()
                .map(|bucket| {
                    let here = counts.buckets.get(bucket).copied().unwrap_or_default();
                    let all = all.buckets.get(bucket).map_or(0, |b| b.count);
                    TrendPoint {
                        bucket: bucket.clone(),
                        count: here.count,
                        all,
                        share: options.share.then(|| {
                            if all == 0 {
                                0.0
                            } else {
                                here.count as f64 / all as f64
                            }
                        }),
                        sum: options
                            .sum
                            .map(|_| u64::try_from(here.sum).unwrap_or(u64::MAX)),
                        summed: options.sum.map(|_| here.summed),
                    }
                })
                .collect(),
            values_used: prepared.values_used,
        })
        .collect();
    Ok(Trend {
        by: options.by.name().to_string(),
        share: options.share,
        sum: options.sum.map(|s| s.name().to_string()),
        buckets,
        all_total: all.total as usize,
        series,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Years in calendar order from the first to the last any count has (gaps filled); other
/// buckets most projects first (ties by name), as `fynd facets` lists them.
fn bucket_order<'a>(
    by: TrendBy,
    all: &Buckets,
    series: impl Iterator<Item = &'a Buckets>,
) -> Vec<String> {
    let mut names: HashMap<&str, u64> = all
        .buckets
        .iter()
        .map(|(name, b)| (name.as_str(), b.count))
        .collect();
    for counts in series {
        for name in counts.buckets.keys() {
            names.entry(name.as_str()).or_insert(0);
        }
    }
    if by.is_years() {
        let years: Vec<i32> = names.keys().filter_map(|y| y.parse().ok()).collect();
        match (years.iter().min(), years.iter().max()) {
            (Some(&first), Some(&last)) => (first..=last).map(|y| y.to_string()).collect(),
            _ => Vec::new(),
        }
    } else {
        let mut named: Vec<(&str, u64)> = names.into_iter().collect();
        named.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        named
            .into_iter()
            .map(|(name, _)| name.to_string())
            .collect()
    }
}

/// Count, money and how many had money, of one bucket.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    count: u64,
    sum: u128,
    summed: u64,
}

impl Tally {
    fn add(&mut self, money: Option<u64>) {
        self.count += 1;
        if let Some(money) = money {
            self.sum += u128::from(money);
            self.summed += 1;
        }
    }

    fn merge(&mut self, other: Tally) {
        self.count += other.count;
        self.sum += other.sum;
        self.summed += other.summed;
    }
}

/// What [`BucketCollector`] found.
#[derive(Clone, Debug, Default)]
struct Buckets {
    total: u64,
    unbucketed: u64,
    buckets: HashMap<String, Tally>,
}

/// Counts the hits per bucket (and sums their money), one pass over the hits.
struct BucketCollector {
    by: TrendBy,
    sum: Option<SumField>,
    /// Where the facet tables are kept.
    state: Arc<SegmentState>,
}

/// Where a segment's bucket values come from.
enum SegmentKeys {
    /// A facet's values, from the table search counts facets with.
    Facet(Arc<SegmentFacets>, Vec<Tally>),
    /// The start date's column: a year per document.
    Start(Column<DateTime>, HashMap<i32, Tally>),
}

struct BucketSegment {
    keys: SegmentKeys,
    money: Option<Column<u64>>,
    total: u64,
    unbucketed: u64,
}

impl Collector for BucketCollector {
    type Fruit = Buckets;
    type Child = BucketSegment;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let keys = match self.by {
            TrendBy::Year => {
                let table = read_segment_facets(&self.state, segment, FacetKey::Year)?;
                let tallies = vec![Tally::default(); table.names().len()];
                SegmentKeys::Facet(table, tallies)
            }
            TrendBy::Facet(key) => {
                let table = read_segment_facets(&self.state, segment, key)?;
                let tallies = vec![Tally::default(); table.names().len()];
                SegmentKeys::Facet(table, tallies)
            }
            TrendBy::StartYear => {
                SegmentKeys::Start(segment.fast_fields().date("start")?, HashMap::new())
            }
        };
        let money = match self.sum {
            Some(field) => Some(segment.fast_fields().u64(field.name())?),
            None => None,
        };
        Ok(BucketSegment {
            keys,
            money,
            total: 0,
            unbucketed: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Buckets>) -> tantivy::Result<Buckets> {
        let mut merged = Buckets::default();
        for fruit in fruits {
            merged.total += fruit.total;
            merged.unbucketed += fruit.unbucketed;
            for (name, tally) in fruit.buckets {
                merged.buckets.entry(name).or_default().merge(tally);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for BucketSegment {
    type Fruit = Buckets;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.total += 1;
        let money = self.money.as_ref().and_then(|column| column.first(doc));
        match &mut self.keys {
            SegmentKeys::Facet(table, tallies) => {
                let ords = table.ords(doc);
                if ords.is_empty() {
                    self.unbucketed += 1;
                }
                let mut previous = u32::MAX;
                for &ord in ords {
                    // A document counts once per distinct value.
                    if ord != previous {
                        tallies[ord as usize].add(money);
                    }
                    previous = ord;
                }
            }
            SegmentKeys::Start(column, tallies) => match column.first(doc) {
                Some(start) => {
                    let days = start.into_timestamp_secs().div_euclid(86_400);
                    let year = Date::from_days_since_epoch(days).year;
                    tallies.entry(year).or_default().add(money);
                }
                None => self.unbucketed += 1,
            },
        }
    }

    fn harvest(self) -> Buckets {
        let buckets = match self.keys {
            SegmentKeys::Facet(table, tallies) => table
                .names()
                .iter()
                .zip(tallies)
                .filter(|(_, tally)| tally.count > 0)
                .map(|(name, tally)| (name.clone(), tally))
                .collect(),
            SegmentKeys::Start(_, tallies) => tallies
                .into_iter()
                .map(|(year, tally)| (year.to_string(), tally))
                .collect(),
        };
        Buckets {
            total: self.total,
            unbucketed: self.unbucketed,
            buckets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets(names: &[(&str, u64)]) -> Buckets {
        Buckets {
            buckets: names
                .iter()
                .map(|(name, count)| {
                    let tally = Tally {
                        count: *count,
                        ..Tally::default()
                    };
                    (name.to_string(), tally)
                })
                .collect(),
            ..Buckets::default()
        }
    }

    #[test]
    fn years_are_listed_in_order_with_the_gaps_filled() {
        let all = buckets(&[("2016", 3), ("2012", 1), ("2014", 2)]);
        let series = buckets(&[("2018", 1)]);
        assert_eq!(
            bucket_order(TrendBy::Year, &all, [&series].into_iter()),
            ["2012", "2013", "2014", "2015", "2016", "2017", "2018"]
        );
    }

    #[test]
    fn other_buckets_are_listed_most_projects_first() {
        let all = buckets(&[("Skåne", 3), ("Stockholm", 7), ("Jämtland", 3)]);
        assert_eq!(
            bucket_order(TrendBy::Facet(FacetKey::Region), &all, std::iter::empty()),
            ["Stockholm", "Jämtland", "Skåne"]
        );
    }
}
