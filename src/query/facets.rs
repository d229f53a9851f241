//! Facet counts: how many matching documents have each value of a facet.

use crate::schema::FacetKey;
use serde::Serialize;
use tantivy::collector::{FacetCollector, FacetCounts};
use tantivy::schema::Facet;

/// One facet value and the number of matching documents that have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value, exactly as a `--filter` must name it.
    pub value: String,
    /// Matching documents with that value.
    pub count: u64,
}

/// A collector counting every value of facet `key`.
pub fn collector(key: FacetKey) -> FacetCollector {
    let mut collector = FacetCollector::for_field(format!("facet_{}", key.name()));
    collector.add_facet(Facet::root());
    collector
}

/// The collected counts in display order — most frequent first (ties by value), years in
/// calendar order — cut to `limit` values.
pub fn sorted_counts(key: FacetKey, counts: &FacetCounts, limit: usize) -> Vec<FacetCount> {
    let mut values: Vec<FacetCount> = counts
        .get(Facet::root())
        .map(|(facet, count)| FacetCount {
            value: facet.to_path().concat(),
            count,
        })
        .collect();
    if key == FacetKey::Year {
        values.sort_by(|a, b| a.value.cmp(&b.value));
    } else {
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    }
    values.truncate(limit);
    values
}
