//! Drill-sideways in one pass. A filtered facet is counted the sidebar way: over the hits
//! of every filter but its own, so its counts show what widening the filter gives. That
//! took one more pass over the hits per filtered facet. Here the query runs once without
//! those filters; each hit is checked against them from the facet tables: a hit that
//! passes them all goes on to the page, the total and the other counts, and is counted in
//! every filtered facet; a hit that fails exactly one is counted in that facet only.

use super::facets::{
    count_run, merge_counts, segment_facets, segment_pack, sum_runs, FacetPack, SegmentFacets,
};
use crate::index::segment_state::SegmentState;
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
    state: Arc<SegmentState>,
}

impl<C> Sideways<C> {
    /// `inner` behind `filters`, with the facet tables `state` keeps.
    pub fn new(
        inner: C,
        filters: Vec<(FacetKey, Vec<String>)>,
        state: Arc<SegmentState>,
    ) -> Sideways<C> {
        Sideways {
            inner,
            filters,
            state,
        }
    }
}

/// One filter in one segment: the facet's table, which ordinals it accepts, and the counts.
pub struct SegmentFilter {
    table: Arc<SegmentFacets>,
    accepted: Vec<bool>,
    counts: Vec<u64>,
    /// For a table counted from the column (a process's first query on the segment).
    column: Option<ColumnFilter>,
}

/// How a filter whose table is counted from the column checks and counts its hits. Each
/// hit is looked up in the column until as many have been as would pay for reading the
/// accepted values' postings lists; then those lists are read into a bit set, and every
/// later hit is one bit. A query with few hits never reads the lists; one with many reads
/// them once. The hits it counts are counted at the harvest, the way that reads less
/// ([`SegmentFacets::count_hits`]).
struct ColumnFilter {
    lookups_left: u64,
    accepted_docs: Option<Vec<u64>>,
    to_count: Vec<DocId>,
}

impl SegmentFilter {
    /// Whether `doc` has a value the filter accepts.
    fn accepts(&mut self, doc: DocId, max_doc: DocId) -> bool {
        if let Some(column) = &mut self.column {
            if column.accepted_docs.is_none() && column.lookups_left == 0 {
                // A failed read leaves the column to check every hit.
                column.accepted_docs = self
                    .table
                    .docs_with_any(&self.accepted, max_doc)
                    .ok()
                    .flatten();
                column.lookups_left = u64::MAX;
            }
            if let Some(docs) = &column.accepted_docs {
                return docs[(doc / 64) as usize] & (1 << (doc % 64)) != 0;
            }
            column.lookups_left -= 1;
        }
        self.table.has_any(doc, &self.accepted)
    }

    /// Counts `doc`'s values, now or at the harvest.
    fn count(&mut self, doc: DocId) {
        match &mut self.column {
            Some(column) => column.to_count.push(doc),
            None => self.table.count(doc, &mut self.counts),
        }
    }
}

/// [`Sideways`] in one segment.
pub struct SidewaysSegment<S> {
    inner: S,
    filters: Vec<SegmentFilter>,
    /// Every filter's facet packed (lane i for filter i), when they all fit: one read per
    /// hit instead of one per filter. The counts are then difference arrays until the
    /// harvest.
    pack: Option<Arc<FacetPack>>,
    max_doc: DocId,
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
                let table = segment_facets(&self.state, segment, *key)?;
                let accepted = table.flags(values);
                let column =
                    table
                        .lookups_before_lists(&accepted)?
                        .map(|lookups_left| ColumnFilter {
                            lookups_left,
                            accepted_docs: None,
                            to_count: Vec::new(),
                        });
                Ok(SegmentFilter {
                    accepted,
                    counts: table.zero_counts(),
                    table,
                    column,
                })
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let keys: Vec<FacetKey> = self.filters.iter().map(|(key, _)| *key).collect();
        let tables: Vec<&SegmentFacets> = filters.iter().map(|f| &*f.table).collect();
        let pack = segment_pack(&self.state, segment, &keys, &tables)?
            .filter(|pack| pack.holds_all(filters.len()));
        Ok(SidewaysSegment {
            inner: self.inner.for_segment(ordinal, segment)?,
            filters,
            pack,
            max_doc: segment.max_doc(),
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
        if let Some(pack) = &self.pack {
            let word = pack.word(doc);
            let mut failed = None;
            for (at, filter) in self.filters.iter().enumerate() {
                let (first, len) = pack.lane_run(word, at);
                let accepted = filter
                    .accepted
                    .get(first..first + len)
                    .is_some_and(|flags| flags.iter().any(|&flag| flag));
                if !accepted {
                    if failed.is_some() {
                        return;
                    }
                    failed = Some(at);
                }
            }
            match failed {
                Some(at) => {
                    let (first, len) = pack.lane_run(word, at);
                    count_run(&mut self.filters[at].counts, first, len);
                }
                None => {
                    for (at, filter) in self.filters.iter_mut().enumerate() {
                        let (first, len) = pack.lane_run(word, at);
                        count_run(&mut filter.counts, first, len);
                    }
                    self.inner.collect(doc, score);
                }
            }
            return;
        }
        let mut failed = None;
        for (at, filter) in self.filters.iter_mut().enumerate() {
            if !filter.accepts(doc, self.max_doc) {
                if failed.is_some() {
                    return;
                }
                failed = Some(at);
            }
        }
        match failed {
            Some(at) => self.filters[at].count(doc),
            None => {
                for filter in &mut self.filters {
                    filter.count(doc);
                }
                self.inner.collect(doc, score);
            }
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        if self.pack.is_some() {
            for filter in &mut self.filters {
                sum_runs(&mut filter.counts);
            }
        }
        for filter in &mut self.filters {
            if let Some(column) = &filter.column {
                let counts = &mut filter.counts;
                filter
                    .table
                    .count_hits(&column.to_count, self.max_doc, &mut Vec::new(), counts);
            }
        }
        (
            self.inner.harvest(),
            self.filters
                .into_iter()
                .map(|filter| (filter.table, filter.counts))
                .collect(),
        )
    }
}
