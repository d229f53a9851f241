//! A bare word narrowed by a selective filter ("företag" in one region): the filter is read
//! once per segment into a bit set, and each of the word's alternatives (title, body,
//! parts, …) is intersected with it before the alternatives are joined. Joined first and
//! filtered after, tantivy's buffered union scored a window of 4 096 documents at every
//! seek of the filter, so a word in nine documents of ten cost its whole union however
//! few documents the filter kept. A filter that keeps most of a segment is left to the
//! outer conjunction, where it costs less than the intersections would.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::index::SegmentId;
use tantivy::query::{
    intersect_scorers, BitSetDocSet, BooleanQuery, ConstScorer, EmptyScorer, EnableScoring,
    Explanation, Occur, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Filters that keep more than this share of a segment are not pushed into the
/// alternatives: intersecting each alternative with them costs more than it saves.
pub const MAX_PUSHED_SHARE: f64 = 0.15;

/// The documents each segment's filter keeps, read once and shared by the alternatives of
/// one query (segments never change, so a set stays right for as long as its segment lives).
#[derive(Debug, Default)]
struct FilterSets {
    /// Per segment: the documents the filter keeps, or `None` when it keeps too many to be
    /// worth pushing down.
    sets: Mutex<HashMap<SegmentId, Option<Arc<BitSet>>>>,
}

/// One alternative of a bare word, kept to the documents its filter holds in segments
/// where that filter is selective (elsewhere the alternative is left as it is, and the outer
/// conjunction with the filter does the narrowing).
#[derive(Debug)]
struct InFilterQuery {
    inner: Box<dyn Query>,
    filter: Box<dyn Query>,
    sets: Arc<FilterSets>,
}

impl Clone for InFilterQuery {
    fn clone(&self) -> Self {
        InFilterQuery {
            inner: self.inner.box_clone(),
            filter: self.filter.box_clone(),
            sets: Arc::clone(&self.sets),
        }
    }
}

/// `alternatives` (a bare word's, joined by "or") narrowed by `filter`: in a segment where
/// the filter keeps at most 15 % of the documents, each alternative is intersected
/// with it before they are joined; elsewhere they are joined first and the filter applied
/// to the union, as a plain conjunction would.
pub fn narrowed(alternatives: &[Box<dyn Query>], filter: Box<dyn Query>) -> Box<dyn Query> {
    let sets = Arc::new(FilterSets::default());
    let pushed = alternatives
        .iter()
        .map(|inner| {
            (
                Occur::Should,
                Box::new(InFilterQuery {
                    inner: inner.box_clone(),
                    filter: filter.box_clone(),
                    sets: Arc::clone(&sets),
                }) as Box<dyn Query>,
            )
        })
        .collect();
    let joined = alternatives
        .iter()
        .map(|inner| (Occur::Should, inner.box_clone()))
        .collect();
    let plain = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(BooleanQuery::new(joined)) as Box<dyn Query>,
        ),
        (Occur::Must, filter.box_clone()),
    ]);
    Box::new(NarrowedQuery {
        pushed: BooleanQuery::new(pushed),
        plain,
        filter,
        sets,
    })
}

/// A disjunction narrowed by a filter, pushed into its alternatives where that pays (see
/// [`narrowed`]).
#[derive(Debug)]
struct NarrowedQuery {
    /// Each alternative intersected with the filter, then joined.
    pushed: BooleanQuery,
    /// The alternatives joined, then intersected with the filter.
    plain: BooleanQuery,
    filter: Box<dyn Query>,
    sets: Arc<FilterSets>,
}

impl Clone for NarrowedQuery {
    fn clone(&self) -> Self {
        NarrowedQuery {
            pushed: self.pushed.clone(),
            plain: self.plain.clone(),
            filter: self.filter.box_clone(),
            sets: Arc::clone(&self.sets),
        }
    }
}

impl Query for NarrowedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(NarrowedWeight {
            pushed: self.pushed.weight(scoring)?,
            plain: self.plain.weight(scoring)?,
            sets: FilterSetReader {
                filter: self.filter.weight(scoring)?,
                sets: Arc::clone(&self.sets),
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.plain.query_terms(visitor);
    }
}

struct NarrowedWeight {
    pushed: Box<dyn Weight>,
    plain: Box<dyn Weight>,
    sets: FilterSetReader,
}

impl NarrowedWeight {
    fn chosen(&self, reader: &SegmentReader) -> tantivy::Result<&dyn Weight> {
        Ok(if self.sets.set(reader)?.is_some() {
            self.pushed.as_ref()
        } else {
            self.plain.as_ref()
        })
    }
}

impl Weight for NarrowedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.chosen(reader)?.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.chosen(reader)?.explain(reader, doc)
    }
}

impl Query for InFilterQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(InFilterWeight {
            inner: self.inner.weight(scoring)?,
            sets: FilterSetReader {
                filter: self.filter.weight(scoring)?,
                sets: Arc::clone(&self.sets),
            },
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct InFilterWeight {
    inner: Box<dyn Weight>,
    sets: FilterSetReader,
}

/// Reads a segment's filter set once for every weight of one query.
struct FilterSetReader {
    filter: Box<dyn Weight>,
    sets: Arc<FilterSets>,
}

impl FilterSetReader {
    /// The segment's filter set, read on first use; `None` when it is not selective.
    fn set(&self, reader: &SegmentReader) -> tantivy::Result<Option<Arc<BitSet>>> {
        let segment = reader.segment_id();
        if let Some(known) = self.sets.sets.lock().expect("filter sets").get(&segment) {
            return Ok(known.clone());
        }
        let max_doc = reader.max_doc();
        let limit = MAX_PUSHED_SHARE * f64::from(max_doc.max(1));
        let mut kept = self.filter.scorer(reader, 1.0)?;
        // The estimate first (exact for facet values), so a broad filter is never read.
        let mut set = BitSet::with_max_value(max_doc);
        let selective = f64::from(kept.size_hint()) <= limit && {
            let mut doc = kept.doc();
            while doc != TERMINATED {
                set.insert(doc);
                doc = kept.advance();
            }
            set.len() as f64 <= limit
        };
        let set = selective.then(|| Arc::new(set));
        self.sets
            .sets
            .lock()
            .expect("filter sets")
            .insert(segment, set.clone());
        Ok(set)
    }
}

impl Weight for InFilterWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let Some(set) = self.sets.set(reader)? else {
            return Ok(inner);
        };
        if set.len() == 0 {
            return Ok(Box::new(EmptyScorer));
        }
        let kept = ConstScorer::new(BitSetDocSet::from((*set).clone()), 0.0);
        Ok(intersect_scorers(
            vec![inner, Box::new(kept)],
            reader.max_doc(),
        ))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }
}
