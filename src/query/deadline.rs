//! The time one piece of work may take, and where long work stops when it is up.
//!
//! A search, a facet listing or a research view carries a [`Deadline`] in its
//! [`super::SearchRequest`] (none from the command line, the request timeout from the
//! server). The work looks at it where it can stop cleanly: before each segment and every
//! [`CHECK_EVERY`] documents of a query's scorer ([`Deadline::wrap`]), before each hit read
//! and each document a view analyses, and between the pieces a long text is analysed in.
//! Once it has passed, the work returns [`FyndError::TimedOut`] with whatever it had found
//! thrown away: a request answered 503 no longer holds a thread and the cores.
//!
//! Checking costs a clock read per check, a few nanoseconds against the thousands of
//! documents between two checks.

use crate::error::FyndError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Documents a scorer under a deadline hands over between two looks at the clock.
pub const CHECK_EVERY: u32 = 1024;

/// When work must stop: never (the default), or at an instant, or as soon as
/// [`Deadline::cancel`] is called. Clones share one state, so cancelling one cancels all.
#[derive(Clone, Debug, Default)]
pub struct Deadline {
    state: Option<Arc<State>>,
}

#[derive(Debug)]
struct State {
    at: Instant,
    limit: Duration,
    /// Set once the deadline is found passed or the work is cancelled; later looks need no
    /// clock.
    passed: AtomicBool,
}

impl Deadline {
    /// No deadline: the work runs to its end (the command line).
    pub fn none() -> Deadline {
        Deadline::default()
    }

    /// A deadline `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        Deadline {
            state: Some(Arc::new(State {
                at: Instant::now() + limit,
                limit,
                passed: AtomicBool::new(false),
            })),
        }
    }

    /// Whether there is a deadline at all.
    pub fn is_set(&self) -> bool {
        self.state.is_some()
    }

    /// Makes the deadline pass now (the answer was given up on: timed out, or the client
    /// went away). No effect without a deadline.
    pub fn cancel(&self) {
        if let Some(state) = &self.state {
            state.passed.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the work must stop.
    pub fn passed(&self) -> bool {
        let Some(state) = &self.state else {
            return false;
        };
        if state.passed.load(Ordering::Relaxed) {
            return true;
        }
        if Instant::now() >= state.at {
            state.passed.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The time the work was given.
    pub fn limit(&self) -> Option<Duration> {
        self.state.as_ref().map(|state| state.limit)
    }

    /// `Err(TimedOut)` once the deadline has passed.
    pub fn check(&self) -> Result<(), FyndError> {
        if self.passed() {
            Err(self.timed_out())
        } else {
            Ok(())
        }
    }

    /// [`Deadline::check`] for code that returns tantivy's errors (a collector, a weight):
    /// the error is replaced by [`FyndError::TimedOut`] where the work ends
    /// ([`Deadline::finish`]).
    pub fn check_tantivy(&self) -> tantivy::Result<()> {
        if self.passed() {
            Err(TantivyError::InternalError(
                "the request's deadline passed".to_string(),
            ))
        } else {
            Ok(())
        }
    }

    /// The outcome of work run under this deadline: `TimedOut` when the deadline passed
    /// (whatever the work returned: an error a check raised, or a result cut short), else
    /// the work's own outcome.
    pub fn finish<T>(&self, outcome: Result<T, FyndError>) -> Result<T, FyndError> {
        if self.passed() {
            Err(self.timed_out())
        } else {
            outcome
        }
    }

    fn timed_out(&self) -> FyndError {
        FyndError::TimedOut {
            limit_ms: self.limit().map_or(0, |limit| limit.as_millis() as u64),
        }
    }

    /// `query`, stopping at this deadline: each segment is looked at first, and its
    /// documents are handed over until the deadline passes (then the segment ends early;
    /// [`Deadline::finish`] turns the cut-short result into `TimedOut`). Without a
    /// deadline, `query` itself.
    pub fn wrap(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.state.is_none() {
            return query;
        }
        Box::new(DeadlineQuery {
            inner: query,
            deadline: self.clone(),
        })
    }
}

/// A query that stops at a deadline (see [`Deadline::wrap`]).
#[derive(Debug)]
struct DeadlineQuery {
    inner: Box<dyn Query>,
    deadline: Deadline,
}

impl Clone for DeadlineQuery {
    fn clone(&self) -> Self {
        DeadlineQuery {
            inner: self.inner.box_clone(),
            deadline: self.deadline.clone(),
        }
    }
}

impl Query for DeadlineQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        self.deadline.check_tantivy()?;
        Ok(Box::new(DeadlineWeight {
            inner: self.inner.weight(scoring)?,
            deadline: self.deadline.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct DeadlineWeight {
    inner: Box<dyn Weight>,
    deadline: Deadline,
}

/// Counts calls and looks at the deadline every [`CHECK_EVERY`] of them.
struct Every {
    calls: u32,
    deadline: Deadline,
}

impl Every {
    fn new(deadline: &Deadline) -> Every {
        Every {
            calls: 0,
            deadline: deadline.clone(),
        }
    }

    /// Whether the deadline has passed (looked at every [`CHECK_EVERY`] calls).
    #[inline]
    fn passed(&mut self) -> bool {
        self.calls += 1;
        if self.calls < CHECK_EVERY {
            return false;
        }
        self.calls = 0;
        self.deadline.passed()
    }
}

impl Weight for DeadlineWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.deadline.check_tantivy()?;
        Ok(Box::new(DeadlineScorer {
            inner: self.inner.scorer(reader, boost)?,
            every: Every::new(&self.deadline),
            stopped: false,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.deadline.check_tantivy()?;
        self.inner.count(reader)
    }

    // The three ways of walking a segment keep the inner weight's own (a boolean query's
    // buffered union, block-max WAND): a callback cannot end the walk, so past the deadline
    // it passes nothing on and, when pruning, raises the threshold past every score, which
    // makes WAND skip the rest of the segment.

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.deadline.check_tantivy()?;
        let mut every = Every::new(&self.deadline);
        let mut stopped = false;
        self.inner.for_each(reader, &mut |doc, score| {
            if stopped || every.passed() {
                stopped = true;
                return;
            }
            callback(doc, score);
        })
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.deadline.check_tantivy()?;
        let mut stopped = false;
        self.inner.for_each_no_score(reader, &mut |docs| {
            // A buffer holds up to 64 documents: look at the clock for each.
            if stopped || self.deadline.passed() {
                stopped = true;
                return;
            }
            callback(docs);
        })
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.deadline.check_tantivy()?;
        let mut every = Every::new(&self.deadline);
        let mut stopped = false;
        self.inner
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                if stopped || every.passed() {
                    stopped = true;
                    return Score::INFINITY;
                }
                callback(doc, score)
            })
    }
}

/// A scorer that ends (reports [`TERMINATED`]) once its deadline has passed.
struct DeadlineScorer {
    inner: Box<dyn Scorer>,
    every: Every,
    stopped: bool,
}

impl DeadlineScorer {
    #[inline]
    fn stop_if_passed(&mut self, doc: DocId) -> DocId {
        if doc != TERMINATED && self.every.passed() {
            self.stopped = true;
            return TERMINATED;
        }
        doc
    }
}

impl DocSet for DeadlineScorer {
    fn advance(&mut self) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        let doc = self.inner.advance();
        self.stop_if_passed(doc)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.stopped {
            return TERMINATED;
        }
        let doc = self.inner.seek(target);
        self.stop_if_passed(doc)
    }

    fn doc(&self) -> DocId {
        if self.stopped {
            TERMINATED
        } else {
            self.inner.doc()
        }
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for DeadlineScorer {
    fn score(&mut self) -> Score {
        self.inner.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_deadline_never_passes_and_a_cancelled_one_has() {
        let none = Deadline::none();
        none.cancel();
        assert!(!none.passed());
        assert!(none.check().is_ok());

        let far = Deadline::after(Duration::from_secs(3600));
        assert!(!far.passed());
        let shared = far.clone();
        shared.cancel();
        assert!(far.passed(), "clones share the state");
        match far.finish(Ok(1)) {
            Err(FyndError::TimedOut { limit_ms }) => assert_eq!(limit_ms, 3_600_000),
            other => panic!("{other:?}"),
        }
    }

    /// An index in memory of `docs` documents holding the word "ord".
    fn index_of(docs: u32) -> (tantivy::Index, tantivy::schema::Field) {
        use tantivy::schema::{Schema, TEXT};
        let mut schema = Schema::builder();
        let field = schema.add_text_field("text", TEXT);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        for _ in 0..docs {
            writer.add_document(tantivy::doc!(field => "ord")).unwrap();
        }
        writer.commit().unwrap();
        (index, field)
    }

    #[test]
    fn a_wrapped_query_ends_its_segment_soon_after_the_deadline_passes() {
        use tantivy::collector::{Count, TopDocs};
        use tantivy::query::TermQuery;
        use tantivy::schema::IndexRecordOption;
        let docs = 20 * CHECK_EVERY;
        let (index, field) = index_of(docs);
        let searcher = index.reader().unwrap().searcher();
        let term = || {
            Box::new(TermQuery::new(
                Term::from_field_text(field, "ord"),
                IndexRecordOption::WithFreqs,
            ))
        };
        let deadline = Deadline::after(Duration::from_secs(3600));
        let query = deadline.wrap(term());
        assert_eq!(searcher.search(&*query, &Count).unwrap(), docs as usize);

        // Cancelled while a scorer walks: it stops at its next look at the clock.
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let reader = searcher.segment_reader(0);
        let mut scorer = weight.scorer(reader, 1.0).unwrap();
        let mut walked = 1;
        while walked < 100 {
            scorer.advance();
            walked += 1;
        }
        deadline.cancel();
        while scorer.advance() != TERMINATED {
            walked += 1;
        }
        assert!(walked <= 100 + CHECK_EVERY, "{walked} of {docs}");
        assert_eq!(scorer.doc(), TERMINATED);

        // Passed before the search: no segment is searched, and the outcome is TimedOut.
        let searched = searcher
            .search(&*query, &TopDocs::with_limit(10).order_by_score())
            .map_err(FyndError::from);
        assert!(searched.is_err());
        assert!(matches!(
            deadline.finish(searched),
            Err(FyndError::TimedOut { .. })
        ));

        // A pruning walk (block-max WAND) past the deadline hands over no more documents.
        let fresh = Deadline::after(Duration::from_secs(3600));
        let weight = fresh
            .wrap(term())
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        let mut handed = 0;
        weight
            .for_each_pruning(0.0, reader, &mut |_, _| {
                handed += 1;
                if handed == 10 {
                    fresh.cancel();
                }
                0.0
            })
            .unwrap();
        assert!(handed < 10 + CHECK_EVERY, "{handed} of {docs}");
    }

    #[test]
    fn a_zero_deadline_has_passed_at_once() {
        let now = Deadline::after(Duration::ZERO);
        assert!(now.passed());
        assert!(now.check_tantivy().is_err());
    }
}
