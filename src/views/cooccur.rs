//! Co-occurring words: the words and compound parts that occur in the projects a query
//! matches more often than in the other projects, ranked by Dunning's log-likelihood ratio.
//!
//! For a term t, the matching projects M and the reference R (every project under the same
//! filters, without the query; M ⊆ R), the 2×2 table of document counts is
//!
//! |            | has t     | lacks t             |
//! |------------|-----------|---------------------|
//! | in M       | a         | b = \|M\| − a       |
//! | not in M   | c = n − a | d = \|R\| − \|M\| − c |
//!
//! with n the projects of R that have t. The score is G² = 2 Σ O · ln(O / E) over the four
//! cells, E = row total · column total / \|R\| (Dunning 1993, "Accurate methods for the
//! statistics of surprise and coincidence"): unlike pointwise mutual information it does
//! not favour rare words, and it is about χ²-distributed with one degree of freedom, so
//! G² > 10.83 is significant at p < 0.001. Only over-represented terms (a / \|M\| > c /
//! (\|R\| − \|M\|)) with a ≥ the minimum count are listed; the query's own terms are left out.
//!
//! Candidates are the terms of up to [`SAMPLE_DOCS`] matching projects spread evenly over
//! the match set (all of them when fewer match); each candidate's counts are then exact,
//! read from the index's postings (a word in the title or body fields, a part in the parts
//! field, which holds the parts of every text field).

use super::matching;
use super::terms::{shown_word, text_terms, TermSource};
use crate::analysis::fasthash::FastMap;
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::snippet::positive_words;
use crate::query::word::set_bits;
use crate::query::SearchRequest;
use serde::Serialize;
use std::collections::HashSet;
use std::time::Instant;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// Most matching projects whose text is read for candidate terms. The candidates are the
/// sample's most frequent terms, whose frequency a few hundred projects already rank
/// (reading the text is most of the view's time: the sample sets its cost).
pub const SAMPLE_DOCS: usize = 300;

/// Most candidate terms whose counts are read from the postings.
pub const CANDIDATES: usize = 300;

/// Candidates counted as one task on a search thread.
const COUNT_CHUNK: usize = 8;

/// One co-occurring term and the counts behind its score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CooccurringTerm {
    /// A word of the matching texts it stands for (a part as written in its compound).
    pub word: String,
    /// The index term.
    pub term: String,
    /// Whole word or compound part.
    pub kind: TermSource,
    /// Matching projects that have it (a).
    pub in_matching: u64,
    /// Projects of the reference that have it (a + c).
    pub in_all: u64,
    /// Matching projects expected to have it if it were spread evenly: in_all · |M| / |R|.
    pub expected: f64,
    /// (a / |M|) / ((a + c) / |R|): how many times more often than overall.
    pub ratio: f64,
    /// Dunning's log-likelihood G².
    pub log_likelihood: f64,
}

/// The answer of `fynd cooccur` and `/api/cooccur`.
#[derive(Clone, Debug, Serialize)]
pub struct Cooccurrences {
    /// The query as given.
    pub query: String,
    /// Projects the query matches (|M|, search's `total`).
    pub matching: u64,
    /// Projects under the filters (|R|), the reference.
    pub documents: u64,
    /// Matching projects whose text was read for candidates.
    pub sampled: u64,
    /// The score: `log_likelihood` (Dunning's G²).
    pub score: &'static str,
    /// The terms, highest G² first.
    pub terms: Vec<CooccurringTerm>,
    /// Time taken, in milliseconds.
    pub took_ms: f64,
}

/// What `fynd cooccur` is asked for.
#[derive(Clone, Copy, Debug)]
pub struct CooccurOptions {
    /// Terms to list.
    pub limit: usize,
    /// Fewest matching projects a term must be in.
    pub min_count: u64,
}

/// The terms over-represented in the projects `request` matches; past the request's
/// deadline, [`FyndError::TimedOut`].
pub fn cooccur(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    options: CooccurOptions,
) -> Result<Cooccurrences, FyndError> {
    request
        .deadline
        .finish(cooccur_until_deadline(index, searcher, request, options))
}

fn cooccur_until_deadline(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    options: CooccurOptions,
) -> Result<Cooccurrences, FyndError> {
    let started = Instant::now();
    let schema = &index.schema;
    let (query, prepared) = matching(index, searcher, request)?;
    let matched = searcher.search(&*query, &DocLists)?;
    let mut reference = request.clone();
    reference.query = String::new();
    let (all_query, _) = matching(index, searcher, &reference)?;
    let all = searcher.search(&*all_query, &DocLists)?;
    let in_m = BitSets::of(searcher, &matched);
    let in_r = BitSets::of(searcher, &all);
    let m = in_m.count;
    let r = in_r.count;

    // The query's own terms: what it matched by, not what goes with it.
    let mut analyzer = index.analyzer();
    let words = prepared
        .parsed
        .as_ref()
        .map(positive_words)
        .unwrap_or_default();
    let deadline = &request.deadline;
    let own_terms = text_terms(&mut analyzer, &[&words.join(" ")], deadline)?;
    let own: HashSet<String> = own_terms.iter().map(|t| t.term.clone()).collect();
    let own_words: HashSet<String> = own_terms
        .into_iter()
        .filter(|t| t.kind == TermSource::Word)
        .map(|t| t.term)
        .collect();

    // Candidates from an even sample of the matching projects.
    let addresses: Vec<DocAddress> = matched
        .iter()
        .flat_map(|(ord, docs)| docs.iter().map(move |doc| DocAddress::new(*ord, *doc)))
        .collect();
    let step = addresses.len().div_ceil(SAMPLE_DOCS).max(1);
    let sample: Vec<DocAddress> = addresses.iter().step_by(step).copied().collect();
    let sampled = sample.len() as u64;
    // The sample split over the search threads, each with its analyzer; merged in sample
    // order, so a term's written form is the one the first sampled project gives it, as
    // on one thread.
    let threads = index.search_threads().clamp(1, sample.len().max(1));
    let shares: Vec<&[DocAddress]> = sample
        .chunks(sample.len().div_ceil(threads).max(1))
        .collect();
    // On the index's search threads, not threads of this call: they outlive it, and so do
    // the memos of the words and parts they analysed, which the next view's sample meets.
    let executor = searcher.index().search_executor();
    let counted = executor.map(
        |share| Ok(sample_terms(index, searcher, share, &own, deadline)),
        shares.iter().copied(),
    )?;
    let mut seen = SampleCounts::default();
    for share in counted {
        for (key, (count, written)) in share? {
            seen.entry(key).or_insert((0, written)).0 += count;
        }
    }
    let mut candidates: Vec<CandidateTerm> = seen.into_iter().collect();
    candidates.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(CANDIDATES);

    // A compound of a query word ("samverkansprojekt" for "samverkan") is in the matching
    // projects by construction: it says nothing about what goes with them.
    candidates.retain(|((_, kind), (_, written))| {
        *kind == TermSource::Part
            || !analyzer
                .top_parts(written)
                .iter()
                .any(|p| own_words.contains(p))
    });
    // Each candidate's exact counts, on the search threads. The candidates come most
    // frequent first, so their lists shrink down the row: handed out in small chunks, the
    // long lists spread over every thread instead of all falling to the first.
    let chunk = COUNT_CHUNK;
    let counts = executor.map(
        |share: &[CandidateTerm]| {
            Ok(share
                .iter()
                .map(|((term, kind), _)| {
                    deadline.check()?;
                    let fields: &[Field] = match kind {
                        TermSource::Word => &[schema.title, schema.body],
                        TermSource::Part => &[schema.parts],
                    };
                    Ok(document_counts(searcher, fields, term, &in_m, &in_r)?)
                })
                .collect::<Result<Vec<(u64, u64)>, FyndError>>())
        },
        candidates.chunks(chunk),
    )?;
    let mut terms = Vec::new();
    let counts = counts
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten();
    for (((term, kind), (_, written)), (a, n)) in candidates.into_iter().zip(counts) {
        let outside = r - m;
        let over = (a as f64) * (outside as f64) > ((n - a) as f64) * (m as f64);
        if a < options.min_count.max(1) || !over {
            continue;
        }
        let expected = n as f64 * m as f64 / r.max(1) as f64;
        terms.push(CooccurringTerm {
            // The compound it was met in, until the listed terms are known.
            word: written,
            term,
            kind,
            in_matching: a,
            in_all: n,
            expected,
            ratio: (a as f64 / m as f64) / (n as f64 / r as f64),
            log_likelihood: log_likelihood(a, m - a, n - a, outside - (n - a)),
        });
    }
    terms.sort_by(|x, y| {
        y.log_likelihood
            .total_cmp(&x.log_likelihood)
            .then_with(|| x.term.cmp(&y.term))
    });
    terms.truncate(options.limit);
    for listed in &mut terms {
        listed.word = shown_word(analyzer.lexicon(), listed.kind, &listed.word, &listed.term);
    }
    Ok(Cooccurrences {
        query: request.query.clone(),
        matching: m,
        documents: r,
        sampled,
        score: "log_likelihood",
        terms,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

/// Per (term, kind): in how many sampled projects it occurs, and the word it was first met
/// in.
type SampleCounts = FastMap<(String, TermSource), (u64, String)>;

/// One entry of [`SampleCounts`].
type CandidateTerm = ((String, TermSource), (u64, String));

/// The content terms of the projects at `sample`, each counted once per project, the
/// query's own terms (`own`) left out.
fn sample_terms(
    index: &FyndIndex,
    searcher: &Searcher,
    sample: &[DocAddress],
    own: &HashSet<String>,
    deadline: &crate::query::deadline::Deadline,
) -> Result<SampleCounts, FyndError> {
    let mut analyzer = index.analyzer();
    let mut seen = SampleCounts::default();
    for address in sample {
        let record = index.schema.read_record(searcher, *address)?;
        for term in text_terms(&mut analyzer, &[&record.title, &record.body], deadline)? {
            if own.contains(&term.term) {
                continue;
            }
            seen.entry((term.term, term.kind))
                .or_insert((0, term.written))
                .0 += 1;
        }
    }
    Ok(seen)
}

/// Dunning's G² of the 2×2 table `[[a, b], [c, d]]` (rows: in M or not; columns: has the
/// term or not).
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = (a + b + c + d) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let cell = |observed: u64, row: u64, column: u64| {
        if observed == 0 {
            return 0.0;
        }
        let expected = row as f64 * column as f64 / n;
        observed as f64 * (observed as f64 / expected).ln()
    };
    2.0 * (cell(a, a + b, a + c)
        + cell(b, a + b, b + d)
        + cell(c, c + d, a + c)
        + cell(d, c + d, b + d))
}

/// How many projects of M and of R have `term` in any of `fields`.
///
/// Each field's posting list is read block by block into a bit set of the segment (a
/// document in several fields is one bit), and the counts are the bits it shares with M's
/// and R's sets: the lists need no merging.
fn document_counts(
    searcher: &Searcher,
    fields: &[Field],
    term: &str,
    in_m: &BitSets,
    in_r: &BitSets,
) -> tantivy::Result<(u64, u64)> {
    let (mut a, mut n) = (0u64, 0u64);
    let mut bits: Vec<u64> = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let (r_bits, m_bits) = (&in_r.segments[ord], &in_m.segments[ord]);
        bits.clear();
        bits.resize(r_bits.len(), 0);
        let mut any = false;
        for field in fields {
            let inverted = segment.inverted_index(*field)?;
            let term = Term::from_field_text(*field, term);
            let Some(mut block) = inverted.read_block_postings(&term, IndexRecordOption::Basic)?
            else {
                continue;
            };
            while !block.docs().is_empty() {
                set_bits(&mut bits, block.docs());
                any = true;
                block.advance();
            }
        }
        if any {
            // R holds only live documents, so deleted ones drop out here.
            for ((word, r), m) in bits.iter().zip(r_bits).zip(m_bits) {
                n += u64::from((word & r).count_ones());
                a += u64::from((word & m).count_ones());
            }
        }
    }
    Ok((a, n))
}

/// Per segment, which documents are in a set.
struct BitSets {
    segments: Vec<Vec<u64>>,
    count: u64,
}

impl BitSets {
    fn of(searcher: &Searcher, lists: &[(SegmentOrdinal, Vec<DocId>)]) -> BitSets {
        let mut segments: Vec<Vec<u64>> = searcher
            .segment_readers()
            .iter()
            .map(|s| vec![0u64; (s.max_doc() as usize).div_ceil(64)])
            .collect();
        let mut count = 0;
        for (ord, docs) in lists {
            for &doc in docs {
                segments[*ord as usize][doc as usize / 64] |= 1 << (doc % 64);
                count += 1;
            }
        }
        BitSets { segments, count }
    }
}

/// Collects the matching documents of each segment, in document order.
struct DocLists;

struct DocList {
    ord: SegmentOrdinal,
    docs: Vec<DocId>,
}

impl Collector for DocLists {
    type Fruit = Vec<(SegmentOrdinal, Vec<DocId>)>;
    type Child = DocList;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<DocList> {
        Ok(DocList {
            ord,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<DocId>)>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut fruits = fruits;
        fruits.sort_by_key(|(ord, _)| *ord);
        Ok(fruits)
    }
}

impl SegmentCollector for DocList {
    type Fruit = (SegmentOrdinal, Vec<DocId>);

    fn collect(&mut self, doc: DocId, _: Score) {
        self.docs.push(doc);
    }

    fn harvest(self) -> Self::Fruit {
        (self.ord, self.docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_likelihood_matches_a_worked_table() {
        // An even spread scores nothing.
        assert!(log_likelihood(10, 90, 100, 900).abs() < 1e-9);
        // Worked by hand: 2·Σ O ln(O/E) for [[30, 70], [20, 880]], n = 1000.
        let cells = [(30.0, 5.0), (70.0, 95.0), (20.0, 45.0), (880.0, 855.0)];
        let want: f64 = 2.0
            * cells
                .iter()
                .map(|(o, e): &(f64, f64)| o * (o / e).ln())
                .sum::<f64>();
        assert!((log_likelihood(30, 70, 20, 880) - want).abs() < 1e-9);
        assert!(log_likelihood(30, 70, 20, 880) > 10.83);
    }
}
