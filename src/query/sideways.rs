//! Drill-sideways in one pass. A filtered facet is counted the sidebar way: over the hits
//! of every filter but its own, so its counts show what widening the filter gives. That
//! took one more pass over the hits per filtered facet. Here the query runs once without
//! those filters; each hit is checked against them from the facet tables: a hit that
//! passes them all goes on to the page, the total and the other counts, and is counted in
//! every filtered facet; a hit that fails exactly one is counted in that facet only.

use super::facets::{merge_counts, segment_facets, SegmentFacets};
use crate::schema::FacetKey;
use std::collections::HashMap;
use std::sync::Arc;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Collects with `inner` the hits that pass every filter of `filters` (facet and accepted
/// values), and counts each filtered facet over the hits that pass the others.
pub struct Sideways<C> {
    inner: C,
    filters: Vec<(FacetKey, Vec<String>)>,
}

impl<C> Sideways<C> {
    /// `inner` behind `filters`.
    pub fn new(inner: C, filters: Vec<(FacetKey, Vec<String>)>) -> Sideways<C> {
        Sideways { inner, filters }
    }
}

/// One filter in one segment: the facet's table, which ordinals it accepts, and the counts.
pub struct SegmentFilter {
    table: Arc<SegmentFacets>,
    accepted: Vec<bool>,
    counts: Vec<u64>,
}

/// [`Sideways`] in one segment.
pub struct SidewaysSegment<S> {
    inner: S,
    filters: Vec<SegmentFilter>,
}

impl<C: Collector> Collector for Sideways<C> {
    type Fruit = (C::Fruit, Vec<HashMap<String, u64>>);
    type Child = SidewaysSegment<C::Child>;

    fn for_segment(
        &self,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let filters = self
            .filters
            .iter()
            .map(|(key, values)| {
                let table = segment_facets(segment, *key)?;
                Ok(SegmentFilter {
                    accepted: table.flags(values),
                    counts: table.zero_counts(),
                    table,
                })
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(SidewaysSegment {
            inner: self.inner.for_segment(ordinal, segment)?,
            filters,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(
        &self,
        fruits: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut merged: Vec<HashMap<String, u64>> = vec![HashMap::new(); self.filters.len()];
        let mut inner = Vec::with_capacity(fruits.len());
        for (fruit, tables) in fruits {
            inner.push(fruit);
            for (into, (table, counts)) in merged.iter_mut().zip(tables) {
                merge_counts(into, &table, counts);
            }
        }
        Ok((self.inner.merge_fruits(inner)?, merged))
    }
}

impl<S: SegmentCollector> SegmentCollector for SidewaysSegment<S> {
    type Fruit = (S::Fruit, Vec<(Arc<SegmentFacets>, Vec<u64>)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        let mut failed = None;
        for (at, filter) in self.filters.iter().enumerate() {
            if !filter.table.has_any(doc, &filter.accepted) {
                if failed.is_some() {
                    return;
                }
                failed = Some(at);
            }
        }
        match failed {
            Some(at) => {
                let filter = &mut self.filters[at];
                filter.table.count(doc, &mut filter.counts);
            }
            None => {
                for filter in &mut self.filters {
                    filter.table.count(doc, &mut filter.counts);
                }
                self.inner.collect(doc, score);
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        (
            self.inner.harvest(),
            self.filters
                .into_iter()
                .map(|filter| (filter.table, filter.counts))
                .collect(),
        )
    }
}
