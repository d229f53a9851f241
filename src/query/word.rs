//! One bare word's query: its alternatives (the word in each text field, inside compounds,
//! in the folded field, as an id) joined by "or", a document scored by the sum of the
//! alternatives it matches, each weighted.
//!
//! Scored, it is tantivy's union of the alternatives, so when every alternative is one term
//! a top ten alone is found by block-max WAND. Counted without scores (the total and facet
//! counts of a word whose page is found that way), a word whose alternatives are all terms
//! is read list by list into one bit set of the segment: document ids only, a block of 128
//! at a time, where the union visited every posting through its window and scorers. At a
//! million documents that was most of a common word's counting time.

use super::facets::{CountedFacets, FacetCounter};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};
use std::sync::Mutex;
use tantivy::collector::Collector;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{BlockSegmentPostings, Postings};
use tantivy::query::{
    Bm25Weight, BooleanQuery, BoostQuery, ConstScorer, EmptyScorer, EnableScoring, Explanation,
    Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyError, Term,
    COLLECT_BLOCK_BUFFER_LEN, TERMINATED,
};

/// One way a word may match, with its weight.
#[derive(Debug)]
pub enum Alternative {
    /// One term, in the field the term names.
    Term {
        /// The term.
        term: Term,
        /// What its postings are read with (frequencies for scoring).
        option: IndexRecordOption,
        /// Its weight.
        boost: Score,
    },
    /// Anything else: a phrase, a compound's parts, a correction.
    Other {
        /// The query.
        query: Box<dyn Query>,
        /// Its weight.
        boost: Score,
    },
}

impl Clone for Alternative {
    fn clone(&self) -> Self {
        match self {
            Alternative::Term {
                term,
                option,
                boost,
            } => Alternative::Term {
                term: term.clone(),
                option: *option,
                boost: *boost,
            },
            Alternative::Other { query, boost } => Alternative::Other {
                query: query.box_clone(),
                boost: *boost,
            },
        }
    }
}

impl Alternative {
    /// The alternative as a weighted query.
    pub fn query(&self) -> Box<dyn Query> {
        let (query, boost): (Box<dyn Query>, Score) = match self {
            Alternative::Term {
                term,
                option,
                boost,
            } => (Box::new(TermQuery::new(term.clone(), *option)), *boost),
            Alternative::Other { query, boost } => (query.box_clone(), *boost),
        };
        Box::new(BoostQuery::new(query, boost))
    }
}

/// A bare word: documents matching any of its alternatives.
#[derive(Clone, Debug)]
pub struct WordQuery {
    alternatives: Vec<Alternative>,
}

impl WordQuery {
    /// The word matched by any of `alternatives`.
    pub fn new(alternatives: Vec<Alternative>) -> WordQuery {
        WordQuery { alternatives }
    }

    /// One word whose alternatives are those of all of `words`, in order: the union tantivy
    /// can prune by block-max WAND. Its scores group the sums differently from the words'
    /// own union (so may differ in the last bits); see [`best_pruned_rescored`].
    pub fn flattened(words: &[&WordQuery]) -> WordQuery {
        WordQuery::new(
            words
                .iter()
                .flat_map(|word| word.alternatives.iter().cloned())
                .collect(),
        )
    }

    /// Each alternative as a weighted query, in order: what a filter is pushed into.
    pub fn alternatives(&self) -> Vec<Box<dyn Query>> {
        self.alternatives.iter().map(Alternative::query).collect()
    }

    /// Whether every alternative is a single term: then a top ten alone is found by
    /// block-max WAND, and the hits are counted from a bit set.
    pub fn is_term_union(&self) -> bool {
        self.alternatives
            .iter()
            .all(|alternative| matches!(alternative, Alternative::Term { .. }))
    }

    /// The word's term alternatives as a word of their own, and each other alternative as
    /// a weighted query, in order: what an "or" of sets (see `hit_tree`) reads the terms of
    /// as lists, block by block, and the rest by their own scorers, where one union scored
    /// every document through its window.
    pub fn split_terms(&self) -> (WordQuery, Vec<Box<dyn Query>>) {
        let (terms, others): (Vec<&Alternative>, Vec<&Alternative>) = self
            .alternatives
            .iter()
            .partition(|alternative| matches!(alternative, Alternative::Term { .. }));
        (
            WordQuery::new(terms.into_iter().cloned().collect()),
            others.into_iter().map(Alternative::query).collect(),
        )
    }

    /// The alternatives joined by "or".
    fn union(&self) -> BooleanQuery {
        BooleanQuery::new(
            self.alternatives()
                .into_iter()
                .map(|query| (Occur::Should, query))
                .collect(),
        )
    }

    /// The total and the counts of `counter` over the documents holding any of the word's
    /// terms (for a term union; other alternatives are left out), each segment's hits read
    /// into a bit set and counted from there, with no document handed over one by one.
    pub fn count(
        &self,
        searcher: &Searcher,
        counter: &FacetCounter,
    ) -> tantivy::Result<CountedFacets> {
        let (counted, _) = self.count_and(searcher, counter, &[], |_, _, _| Ok(()))?;
        Ok(counted)
    }

    /// [`WordQuery::count`] over the documents that also match every one of `filters`
    /// (unscored weights of facet filters and ranges), and what `also` makes of each
    /// segment's hits (the set bits of its third argument, deleted documents included), in
    /// the same task.
    pub fn count_and<T: Send>(
        &self,
        searcher: &Searcher,
        counter: &FacetCounter,
        filters: &[Box<dyn HitFilter>],
        also: impl Fn(SegmentOrdinal, &SegmentReader, SegmentHits<'_>) -> tantivy::Result<T> + Sync,
    ) -> tantivy::Result<(CountedFacets, Vec<T>)> {
        let weight = TermBitsWeight {
            terms: self.terms(),
        };
        count_hits(
            searcher,
            counter,
            filters,
            |reader| Ok((weight.matching(reader)?, ())),
            |ord, reader, hits, ()| also(ord, reader, hits),
        )
    }

    /// The documents of `reader` holding any of the word's terms (for a term union), one
    /// bit per document, deleted ones included.
    pub fn bits(&self, reader: &SegmentReader) -> tantivy::Result<Vec<u64>> {
        TermBitsWeight {
            terms: self.terms(),
        }
        .matching(reader)
    }

    /// What scores chosen documents of the word (for a term union), with the statistics
    /// of `searcher`: the scores the union gives them.
    pub fn scores(&self, searcher: &Searcher) -> tantivy::Result<WordScores> {
        let terms = self
            .alternatives
            .iter()
            .filter_map(|alternative| match alternative {
                Alternative::Term { term, boost, .. } => Some((term, *boost)),
                Alternative::Other { .. } => None,
            })
            .map(|(term, boost)| {
                let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
                let weight = weight.boost_by(boost);
                let table = ScoreTable::new(&weight);
                Ok((term.clone(), weight, table))
            })
            .collect::<tantivy::Result<_>>()?;
        Ok(WordScores { terms })
    }

    fn terms(&self) -> Vec<Term> {
        self.alternatives
            .iter()
            .filter_map(|alternative| match alternative {
                Alternative::Term { term, .. } => Some(term.clone()),
                Alternative::Other { .. } => None,
            })
            .collect()
    }
}

impl Query for WordQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !scoring.is_scoring_enabled() && self.is_term_union() {
            return Ok(Box::new(TermBitsWeight {
                terms: self.terms(),
            }));
        }
        self.union().weight(scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for alternative in &self.alternatives {
            match alternative {
                Alternative::Term { term, .. } => visitor(term, false),
                Alternative::Other { query, .. } => query.query_terms(visitor),
            }
        }
    }
}

/// The documents holding any of `terms`, unscored.
struct TermBitsWeight {
    terms: Vec<Term>,
}

impl TermBitsWeight {
    /// The documents of `reader` holding any of the terms (deleted ones too, as postings
    /// hold them; collectors skip those), one bit per document.
    fn matching(&self, reader: &SegmentReader) -> tantivy::Result<Vec<u64>> {
        let mut words = Vec::new();
        for term in &self.terms {
            let index = reader.inverted_index(term.field())?;
            let Some(mut block) = index.read_block_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            if words.is_empty() {
                words = zeros((reader.max_doc() as usize).div_ceil(64));
            }
            loop {
                let docs = block.docs();
                if docs.is_empty() {
                    break;
                }
                set_bits(&mut words, docs);
                block.advance();
            }
        }
        Ok(words)
    }
}

/// The total and the counts of `counter` over each segment's hits (the set bits `hits`
/// gives, narrowed by every one of `filters`), and what `also` makes of each segment's
/// hits, in the same task: one task per segment, on the searcher's threads.
pub fn count_hits<T: Send, X>(
    searcher: &Searcher,
    counter: &FacetCounter,
    filters: &[Box<dyn HitFilter>],
    hits: impl Fn(&SegmentReader) -> tantivy::Result<(Vec<u64>, X)> + Sync,
    also: impl Fn(SegmentOrdinal, &SegmentReader, SegmentHits<'_>, X) -> tantivy::Result<T> + Sync,
) -> tantivy::Result<(CountedFacets, Vec<T>)> {
    let fruits = searcher.index().search_executor().map(
        |(ord, reader): (usize, &SegmentReader)| {
            let ord = ord as SegmentOrdinal;
            let (mut words, extra) = hits(reader)?;
            let unfiltered = count_bits(&words);
            for filter in filters {
                if words.is_empty() {
                    break;
                }
                filter.narrow(reader, &mut words)?;
            }
            let hits = SegmentHits {
                bits: &words,
                unfiltered,
            };
            let made = also(ord, reader, hits, extra)?;
            let segment = counter.for_segment(ord, reader)?;
            Ok((segment.harvest_bits(&words, reader), made))
        },
        searcher.segment_readers().iter().enumerate(),
    )?;
    let (counts, made): (Vec<_>, Vec<T>) = fruits.into_iter().unzip();
    Ok((counter.merge_fruits(counts)?, made))
}

/// A word's hits in one segment, after the filters.
#[derive(Clone, Copy)]
pub struct SegmentHits<'a> {
    /// One bit per document of the segment (deleted documents may be set).
    pub bits: &'a [u64],
    /// How many bits were set before the filters.
    pub unfiltered: usize,
}

impl SegmentHits<'_> {
    /// Whether `doc` is a hit (deleted or not).
    #[inline]
    pub fn contains(&self, doc: DocId) -> bool {
        self.bits
            .get((doc / 64) as usize)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }
}

/// `len` zeros, written rather than only allocated zeroed. Fresh memory from the
/// allocator reads as the kernel's shared zero page until it is written, so an array that
/// is read before it is written (a sum added to, a bit or-ed in) faults twice per page,
/// and the second fault, replacing the zero page, flushes the page tables' cache on every
/// core of a process with several threads. Written first, each page faults once. For the
/// arrays of one value or bit per document that a search fills.
pub fn zeros<T: Copy + Default>(len: usize) -> Vec<T> {
    let mut values = Vec::with_capacity(len);
    values.resize(len, T::default());
    values
}

/// The number of set bits.
pub fn count_bits(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}

/// Something that keeps some of a segment's documents: a facet filter, a range.
pub trait HitFilter: Sync {
    /// Clears the bits of `hits` (one per document of `segment`) whose documents it does
    /// not keep.
    fn narrow(&self, segment: &SegmentReader, hits: &mut [u64]) -> tantivy::Result<()>;
}

/// A query's unscored weight keeps the documents it matches.
impl HitFilter for Box<dyn Weight> {
    fn narrow(&self, segment: &SegmentReader, hits: &mut [u64]) -> tantivy::Result<()> {
        narrow(hits, self.scorer(segment, 1.0)?.as_mut());
        Ok(())
    }
}

/// Clears the bits of `words` whose documents `filter` does not hold.
fn narrow(words: &mut [u64], filter: &mut dyn Scorer) {
    let mut keep = zeros(words.len());
    set_docs(&mut keep, filter);
    for (word, keep) in words.iter_mut().zip(keep) {
        *word &= keep;
    }
}

/// The best `wanted` of one segment's hits (the set bits of `hits`, deleted documents
/// skipped), by the score `weight` gives them (the word's, scoring), equal scores by
/// address: found with pruning, so a word whose alternatives are all terms has blocks
/// that cannot reach the page skipped by block-max WAND, as tantivy's own top ten would.
///
/// Where the filters keep few of the word's hits, pruning gains little (the page's
/// threshold rises only with hits that pass them), so the kept hits are scored instead,
/// from one read of each term's list (see [`WordScores`]).
pub fn best_in_segment(
    segment_ord: SegmentOrdinal,
    segment: &SegmentReader,
    hits: SegmentHits<'_>,
    weight: &dyn Weight,
    scores: &WordScores,
    wanted: usize,
    floor: &SharedFloor,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let kept = count_bits(hits.bits);
    if wanted == 0 || kept == 0 {
        return Ok(Vec::new());
    }
    let alive = segment.alive_bitset();
    let is_hit = |doc: DocId| hits.contains(doc) && alive.is_none_or(|alive| alive.is_alive(doc));
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(wanted + 1);
    let offer = |best: &mut BinaryHeap<Ranked>, doc: DocId, score: Score| {
        best.push(Ranked { score, doc });
        if best.len() > wanted {
            best.pop();
        }
    };
    if kept.saturating_mul(SELECTIVE) <= hits.unfiltered {
        let scored = scores.of_hits(segment, hits.bits)?;
        return Ok(best_of_scored(
            segment_ord,
            segment,
            hits.bits,
            &scored,
            wanted,
        ));
    } else {
        let mut threshold = floor.below(TIE_MARGIN);
        weight.for_each_pruning(threshold, segment, &mut |doc, score| {
            if is_hit(doc) {
                offer(&mut best, doc, score);
                floor.offer(score);
            }
            threshold = threshold.max(floor.below(TIE_MARGIN));
            threshold
        })?;
    }
    Ok(best
        .into_iter()
        .map(|ranked| (ranked.score, DocAddress::new(segment_ord, ranked.doc)))
        .collect())
}

/// The best `wanted` of one segment's hits (deleted documents skipped) by the scores
/// `exact` gives (for documents in ascending order), found by pruning with `pruned`, a
/// union whose scores are within a few units in the last place of the exact ones (the
/// same terms summed in another grouping): every hit whose pruned score comes within
/// [`PRUNING_MARGIN`] of the page's last is kept and scored exactly, so the page is the
/// one the exact scores give.
pub fn best_pruned_rescored(
    segment_ord: SegmentOrdinal,
    segment: &SegmentReader,
    hits: SegmentHits<'_>,
    pruned: &dyn Weight,
    wanted: usize,
    floor: &SharedFloor,
    exact: impl Fn(&[DocId]) -> tantivy::Result<Vec<Score>>,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    if wanted == 0 || count_bits(hits.bits) == 0 {
        return Ok(Vec::new());
    }
    let alive = segment.alive_bitset();
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(wanted + 1);
    let mut offered: Vec<(DocId, Score)> = Vec::new();
    let mut threshold = floor.below(PRUNING_MARGIN);
    pruned.for_each_pruning(threshold, segment, &mut |doc, score| {
        if hits.contains(doc) && alive.is_none_or(|alive| alive.is_alive(doc)) {
            offered.push((doc, score));
            best.push(Ranked { score, doc });
            if best.len() > wanted {
                best.pop();
            }
            floor.offer(score);
        }
        threshold = threshold.max(floor.below(PRUNING_MARGIN));
        threshold
    })?;
    let last = floor.below(PRUNING_MARGIN);
    let candidates: Vec<DocId> = offered
        .into_iter()
        .filter(|(_, score)| *score >= last)
        .map(|(doc, _)| doc)
        .collect();
    let scores = exact(&candidates)?;
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(wanted + 1);
    for (&doc, &score) in candidates.iter().zip(&scores) {
        best.push(Ranked { score, doc });
        if best.len() > wanted {
            best.pop();
        }
    }
    Ok(best
        .into_iter()
        .map(|ranked| (ranked.score, DocAddress::new(segment_ord, ranked.doc)))
        .collect())
}

/// The last score of a page of the best hits offered so far, from every segment of one
/// search: no hit scoring below it can be on the page, so every segment prunes with it
/// (a segment on its own starts from nothing, and with scores as close as a common word's
/// that was most of a page's cost). Kept over all segments, not per segment: an "or" of
/// two common words has its best hits spread one or two per segment, and each segment's
/// own page ended far below the search's. Scores are never negative, so their bits order
/// as they do.
pub struct SharedFloor {
    /// The floor's bits.
    floor: AtomicU32,
    /// The best scores offered, worst first (bits), at most `wanted`.
    best: Mutex<BinaryHeap<Reverse<u32>>>,
    /// The page's length.
    wanted: usize,
}

impl SharedFloor {
    /// A floor for a page of `wanted` hits.
    pub fn new(wanted: usize) -> SharedFloor {
        SharedFloor {
            floor: AtomicU32::new(0),
            best: Mutex::new(BinaryHeap::with_capacity(wanted + 1)),
            wanted,
        }
    }

    /// Raises the floor to `score` if it is higher (the last score of a page of hits).
    pub fn raise(&self, score: Score) {
        if score > 0.0 {
            self.floor
                .fetch_max(score.to_bits(), AtomicOrdering::Relaxed);
        }
    }

    /// Counts the score of one hit (each hit offered once): with a page of them, the floor
    /// rises to the page's last.
    pub fn offer(&self, score: Score) {
        if score <= 0.0 || self.wanted == 0 {
            return;
        }
        let mut best = self
            .best
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if best.len() == self.wanted && best.peek().is_some_and(|worst| worst.0 >= score.to_bits())
        {
            return;
        }
        best.push(Reverse(score.to_bits()));
        if best.len() > self.wanted {
            best.pop();
        }
        if best.len() == self.wanted {
            if let Some(worst) = best.peek() {
                self.raise(f32::from_bits(worst.0));
            }
        }
    }

    /// The floor lowered by the share `margin` (so equal scores, which the address
    /// breaks, and scores a rounding apart pass); the lowest score when none is known.
    pub fn below(&self, margin: Score) -> Score {
        match f32::from_bits(self.floor.load(AtomicOrdering::Relaxed)) {
            floor if floor > 0.0 => floor * (1.0 - margin),
            _ => Score::MIN,
        }
    }
}

/// How far below the shared floor a hit scored exactly may be and still be offered: its
/// equals must pass (the address breaks ties).
const TIE_MARGIN: Score = 1e-6;

/// How far below the page's last pruned score a hit may be and still be scored exactly:
/// far more than a sum of a few dozen terms can differ by when grouped otherwise.
pub const PRUNING_MARGIN: Score = 1e-4;

/// The best `wanted` of one segment's hits (the set bits of `hits`, deleted documents
/// skipped) by `scores` (one per document), equal scores by address.
pub fn best_of_scored(
    segment_ord: SegmentOrdinal,
    segment: &SegmentReader,
    hits: &[u64],
    scores: &[Score],
    wanted: usize,
) -> Vec<(Score, DocAddress)> {
    let alive = segment.alive_bitset();
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(wanted + 1);
    if wanted == 0 {
        return Vec::new();
    }
    for (at, &word) in hits.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let doc = at as DocId * 64 + bits.trailing_zeros();
            bits &= bits - 1;
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                let score = scores[doc as usize];
                if best.len() < wanted {
                    best.push(Ranked { score, doc });
                } else if best.peek().is_some_and(|worst| score > worst.score) {
                    best.pop();
                    best.push(Ranked { score, doc });
                }
            }
        }
    }
    best.into_iter()
        .map(|ranked| (ranked.score, DocAddress::new(segment_ord, ranked.doc)))
        .collect()
}

/// Filters keeping at most one in this many of a word's hits have the kept hits scored
/// from the lists rather than found by pruning.
const SELECTIVE: usize = 10;

/// The scores of a word whose alternatives are all terms, for chosen documents: each
/// term's list read once, block by block, and its BM25 score (weighted as in the union)
/// added for the documents asked for, in the alternatives' order, which is the order the
/// union adds them in.
pub struct WordScores {
    /// Each term with its weight, boosted, and the scores of its most frequent term
    /// frequencies.
    terms: Vec<(Term, Bm25Weight, ScoreTable)>,
}

/// Hits this many times fewer than a word's postings are scored by seeking its lists.
const SEEK_RATIO: u64 = 16;

/// Hits in at least one document of this many make the scoring of listed hits
/// branch-free.
const DENSE: usize = 8;

/// Term frequencies below this have their scores looked up instead of computed (a
/// division each, which the scoring loop waited on).
const TABLED_FREQS: u32 = 4;

/// A term's score for each field norm and term frequency below [`TABLED_FREQS`]: the
/// values its weight computes, so a score looked up is the score computed.
struct ScoreTable(Vec<Score>);

impl ScoreTable {
    fn new(weight: &Bm25Weight) -> ScoreTable {
        let mut table = Vec::with_capacity(256 * TABLED_FREQS as usize);
        for freq in 0..TABLED_FREQS {
            for norm in 0..=255u8 {
                table.push(weight.score(norm, freq));
            }
        }
        ScoreTable(table)
    }

    /// The score for field norm `norm` and term frequency `freq`.
    #[inline]
    fn score(&self, weight: &Bm25Weight, norm: u8, freq: u32) -> Score {
        match self.0.get(freq as usize * 256 + norm as usize) {
            Some(score) if freq < TABLED_FREQS => *score,
            _ => weight.score(norm, freq),
        }
    }
}

impl WordScores {
    /// The score of each of `docs` (ascending, each holding some term of the word or
    /// not), each term's list sought for them: for a few documents.
    pub fn of_docs(&self, segment: &SegmentReader, docs: &[DocId]) -> tantivy::Result<Vec<Score>> {
        let mut scores = vec![0.0; docs.len()];
        for (term, weight, table) in &self.terms {
            let index = segment.inverted_index(term.field())?;
            let Some(mut postings) = index.read_postings(term, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            let norms = match segment.fieldnorms_readers().get_field(term.field())? {
                Some(norms) => norms,
                None => FieldNormReader::constant(segment.max_doc(), 1),
            };
            for (sum, &doc) in scores.iter_mut().zip(docs) {
                let mut at = postings.doc();
                if at < doc {
                    at = postings.seek(doc);
                }
                if at == doc {
                    *sum += table.score(weight, norms.fieldnorm_id(doc), postings.term_freq());
                }
            }
        }
        Ok(scores)
    }

    /// Whether `hits` documents are few beside the word's postings in `segment`: fewer than
    /// one in [`SEEK_RATIO`] of them, where a seek per hit decodes less than every block.
    pub fn few(&self, segment: &SegmentReader, hits: usize) -> tantivy::Result<bool> {
        let mut postings = 0u64;
        for (term, _, _) in &self.terms {
            let index = segment.inverted_index(term.field())?;
            if let Some(info) = index.get_term_info(term)? {
                postings += u64::from(info.doc_freq);
            }
        }
        Ok((hits as u64).saturating_mul(SEEK_RATIO) < postings)
    }

    /// The documents of `segment` holding any of the word's terms (one bit each) and the
    /// score of each (indexed by document, 0 elsewhere), from one read of each term's list:
    /// where every document of the word is wanted with its score.
    pub fn bits_and_scores(
        &self,
        segment: &SegmentReader,
    ) -> tantivy::Result<(Vec<u64>, Vec<Score>)> {
        let max_doc = segment.max_doc() as usize;
        let mut bits = zeros(max_doc.div_ceil(64));
        let mut scores = zeros(max_doc);
        self.each_block(segment, |docs, freqs, term| {
            set_bits(&mut bits, docs);
            for (i, &doc) in docs.iter().enumerate() {
                let freq = freqs.get(i).copied().unwrap_or(1);
                if let Some(sum) = scores.get_mut(doc as usize) {
                    *sum += term.score(doc, freq);
                }
            }
        })?;
        Ok((bits, scores))
    }

    /// Calls `visit` with each block of each term's list (in the alternatives' order): its
    /// documents, their frequencies, and what scores them.
    fn each_block(
        &self,
        segment: &SegmentReader,
        mut visit: impl FnMut(&[DocId], &[u32], &ListScorer<'_>),
    ) -> tantivy::Result<()> {
        for (term, weight, table) in &self.terms {
            let Some((mut block, norms)) = scored_list(segment, term)? else {
                continue;
            };
            let scorer = ListScorer {
                weight,
                table,
                norms: &norms,
            };
            loop {
                let docs = block.docs();
                if docs.is_empty() {
                    break;
                }
                visit(docs, block.freqs(), &scorer);
                block.advance();
            }
        }
        Ok(())
    }

    /// The score of each document of `segment` whose bit is set in `hits` (0 elsewhere),
    /// indexed by document.
    pub fn of_hits(&self, segment: &SegmentReader, hits: &[u64]) -> tantivy::Result<Vec<Score>> {
        let mut scores = zeros(segment.max_doc() as usize);
        let count = count_bits(hits);
        let dense = count.saturating_mul(DENSE) >= scores.len();
        self.each_block(segment, |docs, freqs, term| {
            for (i, &doc) in docs.iter().enumerate() {
                let hit = hits
                    .get((doc / 64) as usize)
                    .map_or(0, |word| (word >> (doc % 64)) & 1);
                let freq = freqs.get(i).copied().unwrap_or(1);
                if dense {
                    // Scored whatever it is, added times 1 for a hit and 0 otherwise (a
                    // sum never read): where hits are common, a branch on them was
                    // mispredicted for a good share of the postings.
                    if let Some(sum) = scores.get_mut(doc as usize) {
                        *sum += term.score(doc, freq) * hit as Score;
                    }
                } else if hit == 1 {
                    scores[doc as usize] += term.score(doc, freq);
                }
            }
        })?;
        Ok(scores)
    }
}

/// A hit in a heap of the best: the greatest is the worst (lowest score, then latest).
struct Ranked {
    score: Score,
    doc: DocId,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Ranked) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Ranked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Ranked) -> std::cmp::Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.doc.cmp(&other.doc))
    }
}

/// What scores the postings of one term's list: its weight, its table of scores, its
/// field's norms.
struct ListScorer<'a> {
    weight: &'a Bm25Weight,
    table: &'a ScoreTable,
    norms: &'a FieldNormReader,
}

impl ListScorer<'_> {
    /// The term's score in `doc`, which holds it `freq` times.
    #[inline]
    fn score(&self, doc: DocId, freq: u32) -> Score {
        self.table
            .score(self.weight, self.norms.fieldnorm_id(doc), freq)
    }
}

/// The list of `term` in `segment`, read with frequencies, and its field's norms (a
/// field without norms counts every document as one token long, as tantivy's scorer does).
fn scored_list(
    segment: &SegmentReader,
    term: &Term,
) -> tantivy::Result<Option<(BlockSegmentPostings, FieldNormReader)>> {
    let index = segment.inverted_index(term.field())?;
    let Some(block) = index.read_block_postings(term, IndexRecordOption::WithFreqs)? else {
        return Ok(None);
    };
    let norms = match segment.fieldnorms_readers().get_field(term.field())? {
        Some(norms) => norms,
        None => FieldNormReader::constant(segment.max_doc(), 1),
    };
    Ok(Some((block, norms)))
}

/// Sets the bit of every document of `docs` in `words`, read 64 at a time.
pub fn set_docs(words: &mut [u64], docs: &mut dyn Scorer) {
    let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
    loop {
        let n = docs.fill_buffer(&mut buffer);
        if n == 0 {
            break;
        }
        set_bits(words, &buffer[..n]);
    }
}

/// Sets the bit of each of `docs` (ascending) in `words`. The bits of one word are gathered
/// in a register and written once: a dense list has dozens of documents per word, and a
/// write per document waited on the one before.
#[inline]
pub fn set_bits(words: &mut [u64], docs: &[DocId]) {
    let mut at = usize::MAX;
    let mut bits = 0u64;
    for &doc in docs {
        let word = (doc / 64) as usize;
        if word != at {
            if let Some(slot) = words.get_mut(at) {
                *slot |= bits;
            }
            at = word;
            bits = 0;
        }
        bits |= 1 << (doc % 64);
    }
    if let Some(slot) = words.get_mut(at) {
        *slot |= bits;
    }
}

impl Weight for TermBitsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = DocBits::new(self.matching(reader)?);
        Ok(if docs.doc() == TERMINATED {
            Box::new(EmptyScorer)
        } else {
            Box::new(ConstScorer::new(docs, boost))
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new("a term of the word, unscored", 1.0))
    }
}

/// The documents of a bit set, in order: a collector is handed them 64 at a time, each
/// found by one count of trailing zeros.
struct DocBits {
    words: Vec<u64>,
    /// The word holding `doc`.
    at: usize,
    /// The bits of that word past `doc`.
    rest: u64,
    doc: DocId,
    len: u32,
}

impl DocBits {
    fn new(words: Vec<u64>) -> DocBits {
        let len = words.iter().map(|w| w.count_ones()).sum();
        let rest = words.first().copied().unwrap_or(0);
        let mut docs = DocBits {
            words,
            at: 0,
            rest,
            doc: 0,
            len,
        };
        docs.next();
        docs
    }

    #[inline]
    fn next(&mut self) -> DocId {
        loop {
            if self.rest != 0 {
                let bit = self.rest.trailing_zeros();
                self.rest &= self.rest - 1;
                self.doc = self.at as DocId * 64 + bit;
                return self.doc;
            }
            self.at += 1;
            match self.words.get(self.at) {
                Some(&word) => self.rest = word,
                None => {
                    self.doc = TERMINATED;
                    return TERMINATED;
                }
            }
        }
    }
}

impl DocSet for DocBits {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.next()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let at = (target / 64) as usize;
        if at >= self.words.len() {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        if at > self.at {
            self.at = at;
            self.rest = self.words[at];
        }
        self.rest &= !((1u64 << (target % 64)) - 1);
        self.next()
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        if self.doc == TERMINATED {
            return 0;
        }
        buffer[0] = self.doc;
        for (filled, slot) in buffer.iter_mut().enumerate().skip(1) {
            let doc = self.next();
            if doc == TERMINATED {
                return filled;
            }
            *slot = doc;
        }
        self.next();
        COLLECT_BLOCK_BUFFER_LEN
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_the_last_of_the_best_offered_from_every_segment() {
        let floor = SharedFloor::new(3);
        assert_eq!(floor.below(0.0), Score::MIN);
        // The best three are spread over segments: no segment has three of them.
        for score in [5.0, 1.0, 2.0] {
            floor.offer(score);
        }
        assert_eq!(floor.below(0.0), 1.0);
        for score in [7.0, 0.5, 6.0] {
            floor.offer(score);
        }
        assert_eq!(floor.below(0.0), 5.0);
        // A page's last from elsewhere (exact scores of real hits) raises it further; a
        // lower offer never lowers it.
        floor.raise(5.5);
        floor.offer(3.0);
        assert_eq!(floor.below(0.0), 5.5);
        assert!(floor.below(PRUNING_MARGIN) < 5.5);
    }

    /// A set of documents with dense and sparse stretches and word boundaries.
    fn docs() -> Vec<DocId> {
        let mut docs: Vec<DocId> = (0..200).collect();
        docs.extend((300..1000).step_by(7));
        docs.extend([1023, 1024, 1087, 1088, 4095]);
        docs
    }

    fn bits(docs: &[DocId], max_doc: u32) -> Vec<u64> {
        let mut words = zeros((max_doc as usize).div_ceil(64));
        set_bits(&mut words, docs);
        words
    }

    #[test]
    fn a_bit_set_gives_back_its_documents_by_advance_seek_and_buffer() {
        let docs = docs();
        let words = bits(&docs, 4096);

        let mut set = DocBits::new(words.clone());
        assert_eq!(set.size_hint() as usize, docs.len());
        let mut advanced = Vec::new();
        while set.doc() != TERMINATED {
            advanced.push(set.doc());
            set.advance();
        }
        assert_eq!(advanced, docs);

        let mut set = DocBits::new(words.clone());
        let mut buffered = Vec::new();
        let mut buffer = [0; COLLECT_BLOCK_BUFFER_LEN];
        loop {
            let n = set.fill_buffer(&mut buffer);
            if n == 0 {
                break;
            }
            buffered.extend_from_slice(&buffer[..n]);
        }
        assert_eq!(buffered, docs);

        for target in [
            0, 5, 199, 200, 301, 994, 995, 1000, 1024, 1025, 1088, 2000, 4095,
        ] {
            let mut set = DocBits::new(words.clone());
            let expected = docs.iter().copied().find(|&d| d >= target);
            assert_eq!(
                Some(set.seek(target)).filter(|&d| d != TERMINATED),
                expected,
                "{target}"
            );
        }
        let mut set = DocBits::new(words);
        assert_eq!(set.seek(4096), TERMINATED);
        assert!(DocBits::new(vec![0; 4]).doc() == TERMINATED);
    }
}
