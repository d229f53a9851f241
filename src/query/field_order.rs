//! A page of hits in the order of a number or date field, and a range of such a field,
//! found two ways with the same answers:
//! - **from the field's order**: each segment's documents ordered by the field, read once
//!   and kept in the index's [`SegmentState`] (segments never change), walked until
//!   enough of them are hits, or cut at the range's bounds: no hit's value is read;
//! - **from the hits' values**: each hit's value read (or, for a range, one pass over the
//!   column), for few hits, and the first time a process meets the segment and field.
//!   Ordering every document costs more than one query's pass, so a command that runs one
//!   query never pays for it; a long-running process pays once ([`field_order`]).
//!
//! Only the page's documents, and those that tie with its last value, are scored (for the
//! tie-break by relevance). Used for a bare word, whose hits are a bit set already (see
//! `word`).

use super::range::{RangeField, RangeFilter};
use super::sort::Page;
use super::word::{set_bits, zeros, HitFilter};
use crate::index::segment_state::{lock, SegmentState};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Bound;
use std::sync::Arc;
use tantivy::columnar::{Cardinality, Column};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader};

/// The documents of one segment in the order of one field's values (ascending), those
/// without a value after them in document order.
pub struct FieldOrder {
    docs: Vec<DocId>,
    /// The values of the first `values.len()` of `docs`, those with a value, ascending.
    values: Vec<u64>,
}

impl FieldOrder {
    /// Reads `field` of every document of `segment` and orders the documents by it.
    fn read(segment: &SegmentReader, field: RangeField) -> FieldOrder {
        let column = column(segment, field);
        let mut valued: Vec<(u64, DocId)> = Vec::with_capacity(segment.max_doc() as usize);
        let mut missing = Vec::new();
        for doc in 0..segment.max_doc() {
            match column.as_ref().and_then(|c| c.first(doc)) {
                Some(value) => valued.push((value, doc)),
                None => missing.push(doc),
            }
        }
        let (values, mut docs): (Vec<u64>, Vec<DocId>) = order_by_value(valued).into_iter().unzip();
        docs.extend(missing);
        FieldOrder { docs, values }
    }

    /// The documents whose value lies within `lower` and `upper`.
    fn within(&self, lower: Bound<u64>, upper: Bound<u64>) -> &[DocId] {
        let from = match lower {
            Bound::Included(v) => self.values.partition_point(|x| *x < v),
            Bound::Excluded(v) => self.values.partition_point(|x| *x <= v),
            Bound::Unbounded => 0,
        };
        let to = match upper {
            Bound::Included(v) => self.values.partition_point(|x| *x <= v),
            Bound::Excluded(v) => self.values.partition_point(|x| *x < v),
            Bound::Unbounded => self.values.len(),
        };
        &self.docs[from..to.max(from)]
    }

    /// The documents in the order asked for: valued ones by value, then the rest.
    fn walk(&self, descending: bool) -> impl Iterator<Item = DocId> + '_ {
        let (valued, rest) = self.docs.split_at(self.values.len());
        let valued: Box<dyn Iterator<Item = &DocId>> = if descending {
            Box::new(valued.iter().rev())
        } else {
            Box::new(valued.iter())
        };
        valued.chain(rest).copied()
    }
}

/// `pairs` of a value and a document, in ascending document order, ordered by value and
/// documents of one value in document order: what sorting the pairs gives. A radix sort
/// (a stable counting pass per 11 bits of the values' spread above the smallest), so the
/// cost is linear in the documents: a sort by comparison of every document of a large
/// segment was most of a sorted command's time in a fresh process, which orders each
/// segment once.
fn order_by_value(mut pairs: Vec<(u64, DocId)>) -> Vec<(u64, DocId)> {
    const DIGIT_BITS: u32 = 11;
    const DIGITS: usize = 1 << DIGIT_BITS;
    if pairs.len() < DIGITS {
        pairs.sort_unstable();
        return pairs;
    }
    let min = pairs.iter().map(|&(value, _)| value).min().unwrap_or(0);
    let spread = pairs
        .iter()
        .map(|&(value, _)| value - min)
        .max()
        .unwrap_or(0);
    let bits = u64::BITS - spread.leading_zeros();
    let mut sorted = vec![(0u64, 0 as DocId); pairs.len()];
    let mut shift = 0;
    while shift < bits {
        let digit = |value: u64| ((value - min) >> shift) as usize & (DIGITS - 1);
        let mut starts = vec![0usize; DIGITS];
        for &(value, _) in &pairs {
            starts[digit(value)] += 1;
        }
        let mut next = 0;
        for start in &mut starts {
            let count = *start;
            *start = next;
            next += count;
        }
        for &pair in &pairs {
            let slot = &mut starts[digit(pair.0)];
            sorted[*slot] = pair;
            *slot += 1;
        }
        std::mem::swap(&mut pairs, &mut sorted);
        shift += DIGIT_BITS;
    }
    pairs
}

/// The u64 column of `field` in `segment` (None where no document has it).
fn column(segment: &SegmentReader, field: RangeField) -> Option<Column<u64>> {
    segment
        .fast_fields()
        .u64_lenient(field.name())
        .ok()
        .flatten()
        .map(|(column, _)| column)
}

/// A segment with fewer hits than one in this many documents has its hits' values read
/// and ordered instead of being walked in the field's order (which would pass over
/// nearly every document to find a few).
const FEW_HITS: usize = 32;

/// What a process holds of one segment's order by one field.
#[derive(Clone)]
enum KeptOrder {
    /// A search asked for it once and did without.
    Asked,
    /// Read and kept.
    Read(Arc<FieldOrder>),
}

/// The order of `segment`'s documents by `field` while `state` keeps the segment: None the
/// first time this process asks (the caller reads the field of its hits, or scans the
/// column, instead), read and kept from the second time on. Ordering every document of a
/// segment costs more than one query's pass over the column, so a command that runs one
/// query never pays for it; a long-running process pays once per segment and field, as for
/// the facet tables ([`super::facets::segment_facets`]).
pub fn field_order(
    state: &SegmentState,
    segment: &SegmentReader,
    field: RangeField,
) -> Option<Arc<FieldOrder>> {
    let orders = state.of(segment).map::<RangeField, KeptOrder>();
    {
        let mut kept = lock(&orders);
        match kept.get(&field) {
            Some(KeptOrder::Read(order)) => return Some(order.clone()),
            Some(KeptOrder::Asked) => {}
            None => {
                kept.insert(field, KeptOrder::Asked);
                return None;
            }
        }
    }
    // Read outside the lock: other queries go on meanwhile.
    let order = Arc::new(FieldOrder::read(segment, field));
    lock(&orders).insert(field, KeptOrder::Read(order.clone()));
    Some(order)
}

/// A range of a number or date field, kept by cutting the segment's documents ordered by
/// the field at its bounds: no document's value is read, where the range query reads the
/// column of every document of the segment (most of a filtered word's time at a million
/// documents).
pub struct ColumnRange {
    field: RangeField,
    lower: Bound<u64>,
    upper: Bound<u64>,
    state: Arc<SegmentState>,
}

impl ColumnRange {
    /// The range of `filter`, for a field with a column (not `year`), cut from the orders
    /// `state` keeps.
    pub fn new(filter: &RangeFilter, state: Arc<SegmentState>) -> Option<ColumnRange> {
        let (lower, upper) = filter.column_bounds()?;
        Some(ColumnRange {
            field: filter.field,
            lower,
            upper,
            state,
        })
    }
}

impl ColumnRange {
    /// Hands `mark` the documents of `segment` whose value of the field lies in the range,
    /// ascending, a run of the segment at a time, from one pass over the column's values
    /// (without an order of the segment); false, with nothing handed, for a column with
    /// several values per document, whose first value the order goes by.
    fn scan(&self, segment: &SegmentReader, mut mark: impl FnMut(&[DocId])) -> bool {
        let Some(column) = column(segment, self.field) else {
            return true;
        };
        if column.get_cardinality() == Cardinality::Multivalued {
            return false;
        }
        let lower = match self.lower {
            Bound::Included(v) => v,
            Bound::Excluded(v) => match v.checked_add(1) {
                Some(v) => v,
                None => return true,
            },
            Bound::Unbounded => 0,
        };
        let upper = match self.upper {
            Bound::Included(v) => v,
            Bound::Excluded(v) => match v.checked_sub(1) {
                Some(v) => v,
                None => return true,
            },
            Bound::Unbounded => u64::MAX,
        };
        // Clamped to the column's bounds (every value lies within them): the column's scan
        // shifts a range by its smallest value with a saturating subtraction, so a range
        // wholly below it would be read as one at it.
        let (lower, upper) = (lower.max(column.min_value()), upper.min(column.max_value()));
        if lower > upper {
            return true;
        }
        // A run at a time into one small list: the documents in range of a whole segment
        // would be a list of up to its size, in fresh memory. Short runs in debug builds,
        // so that the tests' small segments are scanned in several.
        const RUN: DocId = if cfg!(debug_assertions) {
            1 << 8
        } else {
            1 << 16
        };
        let mut docs = Vec::new();
        let mut start = 0;
        while start < segment.max_doc() {
            let end = start.saturating_add(RUN).min(segment.max_doc());
            docs.clear();
            column.get_docids_for_value_range(lower..=upper, start..end, &mut docs);
            mark(&docs);
            start = end;
        }
        true
    }
}

/// A range keeps a segment's hits by reading each hit's value when the hits are fewer than
/// one in this many documents: a scan reads every document's value, and a hit's value read
/// alone costs a few of a scan's.
const HITS_READ_ALONE: usize = 4;

impl ColumnRange {
    /// Whether `value` lies in the range.
    fn holds(&self, value: u64) -> bool {
        (match self.lower {
            Bound::Included(lower) => value >= lower,
            Bound::Excluded(lower) => value > lower,
            Bound::Unbounded => true,
        }) && (match self.upper {
            Bound::Included(upper) => value <= upper,
            Bound::Excluded(upper) => value < upper,
            Bound::Unbounded => true,
        })
    }

    /// Keeps the hits (set bits of `hits`) whose value lies in the range by reading each
    /// one's value, when they are few beside the segment's documents and the column has
    /// at most one value per document (a document without one is not kept); false, with
    /// `hits` untouched, otherwise.
    fn read_each_hit(&self, segment: &SegmentReader, hits: &mut [u64]) -> bool {
        let count: usize = hits.iter().map(|word| word.count_ones() as usize).sum();
        if count * HITS_READ_ALONE >= segment.max_doc() as usize {
            return false;
        }
        let Some(column) = column(segment, self.field) else {
            return false;
        };
        if column.get_cardinality() == Cardinality::Multivalued {
            return false;
        }
        for (at, word) in hits.iter_mut().enumerate() {
            let mut set = *word;
            while set != 0 {
                let doc = at as DocId * 64 + set.trailing_zeros();
                if !column.first(doc).is_some_and(|value| self.holds(value)) {
                    *word &= !(1u64 << (doc % 64));
                }
                set &= set - 1;
            }
        }
        true
    }
}

impl HitFilter for ColumnRange {
    fn narrow(&self, segment: &SegmentReader, hits: &mut [u64]) -> tantivy::Result<()> {
        let mut keep: Vec<u64> = zeros(hits.len());
        // The documents come in ascending order (a scan's, or a cut from an order).
        let mut mark = |docs: &[DocId]| set_bits(&mut keep, docs);
        // The kept order when there is one; else, for few hits, each hit's value; else one
        // pass over the column, or (for a column of several values per document) an order
        // read for this query alone.
        match field_order(&self.state, segment, self.field) {
            Some(order) => mark(order.within(self.lower, self.upper)),
            None if self.read_each_hit(segment, hits) => return Ok(()),
            None => {
                if !self.scan(segment, &mut mark) {
                    mark(FieldOrder::read(segment, self.field).within(self.lower, self.upper));
                }
            }
        }
        for (hit, keep) in hits.iter_mut().zip(keep) {
            *hit &= keep;
        }
        Ok(())
    }
}

/// One segment's candidates for a page: its first `wanted` hits in the field's order and
/// every further hit whose value ties with the last of them, each with its value and score.
pub type Candidates = Vec<(Option<u64>, Score, DocAddress)>;

/// A page in the order of a field: the field, the direction, and where the segments'
/// orders of documents by it are kept.
pub struct FieldPage<'a> {
    /// Where the orders are kept.
    pub state: &'a SegmentState,
    /// The field.
    pub field: RangeField,
    /// Largest values first.
    pub descending: bool,
}

impl FieldPage<'_> {
    /// The page by `field`, largest values first if `descending`, with orders kept in
    /// `state`.
    pub fn new(state: &SegmentState, field: RangeField, descending: bool) -> FieldPage<'_> {
        FieldPage {
            state,
            field,
            descending,
        }
    }
}

/// The candidates for `page` of one segment whose hits are the set bits of `hits` (deleted
/// documents included; they are skipped here), scored by `weight` (the query's, with
/// scoring).
pub fn candidates(
    page: &FieldPage<'_>,
    segment_ord: SegmentOrdinal,
    segment: &SegmentReader,
    hits: &[u64],
    wanted: usize,
    weight: &dyn Weight,
) -> tantivy::Result<Candidates> {
    if wanted == 0 {
        return Ok(Vec::new());
    }
    let (field, descending) = (page.field, page.descending);
    let column = column(segment, field);
    let alive = segment.alive_bitset();
    let is_hit = |doc: DocId| {
        hits.get((doc / 64) as usize)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
            && alive.is_none_or(|alive| alive.is_alive(doc))
    };
    let value = |doc: DocId| column.as_ref().and_then(|c| c.first(doc));
    let count: usize = hits.iter().map(|w| w.count_ones() as usize).sum();
    // Few hits: their values read, rather than the segment walked in the field's order;
    // the order is not asked for, so a process that meets only such queries never reads it.
    let order = if count.saturating_mul(FEW_HITS) < segment.max_doc() as usize {
        None
    } else {
        field_order(page.state, segment, field)
    };
    let mut found: Vec<(Option<u64>, DocId)> = Vec::new();
    if let Some(order) = order {
        for doc in order.walk(descending) {
            if !is_hit(doc) {
                continue;
            }
            let value = value(doc);
            if found.len() >= wanted && found.last().map(|(last, _)| *last) != Some(value) {
                break;
            }
            found.push((value, doc));
        }
    } else {
        // Every hit's value read once, in document order. A heap holds the `wanted` best
        // places so far, and a hit is kept only if it would stand among them (ties
        // included): the place the page ends at only moves forward, so what is set aside
        // can never be on the page, and what is kept stays few.
        let place = |value: Option<u64>| match value {
            Some(v) if descending => (0u8, u64::MAX - v),
            Some(v) => (0, v),
            None => (1, 0),
        };
        let mut best: BinaryHeap<(u8, u64)> = BinaryHeap::with_capacity(wanted + 1);
        let mut all: Vec<(Option<u64>, DocId)> = Vec::new();
        for (at, &word) in hits.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let doc = at as DocId * 64 + bits.trailing_zeros();
                bits &= bits - 1;
                if !is_hit(doc) {
                    continue;
                }
                let value = value(doc);
                let here = place(value);
                if best.len() < wanted {
                    best.push(here);
                } else if best.peek().is_some_and(|&last| here <= last) {
                    if best.peek().is_some_and(|&last| here < last) {
                        best.pop();
                        best.push(here);
                    }
                } else {
                    continue;
                }
                all.push((value, doc));
            }
        }
        if let Some(&last) = best.peek() {
            all.retain(|&(value, _)| place(value) <= last);
        }
        all.sort_unstable_by_key(|&(value, doc)| (place(value), doc));
        for (value, doc) in all {
            if found.len() >= wanted && found.last().map(|(last, _)| *last) != Some(value) {
                break;
            }
            found.push((value, doc));
        }
    }
    // Scored in document order, as a scorer only moves forward.
    found.sort_unstable_by_key(|(_, doc)| *doc);
    let mut scorer = weight.scorer(segment, 1.0)?;
    Ok(found
        .into_iter()
        .map(|(value, doc)| {
            let score = if scorer.seek(doc) == doc {
                scorer.score()
            } else {
                0.0
            };
            (value, score, DocAddress::new(segment_ord, doc))
        })
        .collect())
}

/// The page from every segment's candidates: by value (missing values last), equal values
/// by relevance, equal relevance by address; `offset` skipped, `limit` kept.
pub fn page(candidates: Vec<Candidates>, descending: bool, offset: usize, limit: usize) -> Page {
    let mut all: Candidates = candidates.into_iter().flatten().collect();
    all.sort_by(|a, b| {
        by_value(a.0, b.0, descending)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    all.into_iter()
        .skip(offset)
        .take(limit)
        .map(|(_, score, address)| (score, address))
        .collect()
}

/// Two values in the order asked for, missing values last either way.
fn by_value(a: Option<u64>, b: Option<u64>, descending: bool) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The radix order is the order of sorting the pairs, for values of any spread
        /// (dates in seconds, small counts, the whole u64 range) and lists longer and
        /// shorter than one digit's counting table.
        #[test]
        fn ordering_by_value_is_sorting_the_pairs(
            values in prop_oneof![
                proptest::collection::vec(0u64..40, 0..5_000),
                proptest::collection::vec(1_000_000_000u64..1_700_000_000, 0..5_000),
                proptest::collection::vec(any::<u64>(), 0..5_000),
            ],
        ) {
            let pairs: Vec<(u64, DocId)> =
                values.iter().enumerate().map(|(doc, &v)| (v, doc as DocId * 3)).collect();
            let mut sorted = pairs.clone();
            sorted.sort_unstable();
            prop_assert_eq!(order_by_value(pairs), sorted);
        }
    }
}
