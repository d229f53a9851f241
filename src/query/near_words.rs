//! A compound's parts as words of their own, close together: the documents where every part
//! ("myndighet", "samverkan") stands as a word in one text field with at most a few words
//! between neighbouring parts, in any order, inflected ("samverkan mellan myndigheter",
//! "myndigheternas samverkan"). What a researcher means by the compound when it is written
//! apart; parts merely somewhere in the document are not (that is [`AllWordsQuery`], the
//! broad mode).
//!
//! Contract: the documents matched are a subset of those [`AllWordsQuery`] matches over the
//! same parts, each with the same score; a document is kept when, in some field, positions
//! `q1 < q2 < … < qn` exist, one per part (each part once), whose neighbours differ by at
//! most `words_between + 1`. Stopwords keep their positions, so "utveckling av företag"
//! has one word between its parts.

use super::all_words::{AllWordsQuery, AllWordsScorer};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Documents holding every part as a word, the parts close together in one field.
#[derive(Clone, Debug)]
pub struct NearWordsQuery {
    /// Per part, the part's term in each text field, the fields in the same order for
    /// every part.
    parts: Vec<Vec<Term>>,
    /// Words allowed between neighbouring parts.
    words_between: u32,
}

impl NearWordsQuery {
    /// Every part of `parts` (each given as its terms, one per field, fields in one order)
    /// in one field, neighbouring parts at most `words_between` words apart.
    pub fn new(parts: Vec<Vec<Term>>, words_between: u32) -> NearWordsQuery {
        NearWordsQuery {
            parts,
            words_between,
        }
    }
}

impl Query for NearWordsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(NearWordsWeight {
            anywhere: AllWordsQuery::new(self.parts.clone()).weight(scoring)?,
            parts: self.parts.clone(),
            max_gap: self.words_between + 1,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in self.parts.iter().flatten() {
            visitor(term, true);
        }
    }
}

struct NearWordsWeight {
    /// The parts anywhere: the candidates, and their scores.
    anywhere: Box<dyn Weight>,
    parts: Vec<Vec<Term>>,
    /// Largest difference of neighbouring parts' positions.
    max_gap: u32,
}

/// One part's positions in one field of a segment, read document by document.
struct PartPositions {
    postings: Option<SegmentPostings>,
}

impl PartPositions {
    /// The positions of the part in `doc` (empty when the field does not hold it there);
    /// `doc` must not decrease from call to call.
    fn read(&mut self, doc: DocId, into: &mut Vec<u32>) {
        into.clear();
        let Some(postings) = &mut self.postings else {
            return;
        };
        let mut at = postings.doc();
        if at < doc {
            at = postings.seek(doc);
        }
        if at == TERMINATED {
            self.postings = None;
        } else if at == doc {
            postings.positions(into);
        }
    }
}

impl NearWordsWeight {
    /// Per field, per part, a reader of the part's positions in `reader`.
    fn positions(&self, reader: &SegmentReader) -> tantivy::Result<Vec<Vec<PartPositions>>> {
        let fields = self.parts.first().map_or(0, Vec::len);
        let mut by_field = Vec::with_capacity(fields);
        for field in 0..fields {
            let mut parts = Vec::with_capacity(self.parts.len());
            for terms in &self.parts {
                let term = &terms[field];
                let index = reader.inverted_index(term.field())?;
                let postings =
                    index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?;
                parts.push(PartPositions { postings });
            }
            by_field.push(parts);
        }
        Ok(by_field)
    }
}

impl Weight for NearWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut candidates = self.anywhere.scorer(reader, boost)?;
        if candidates.doc() == TERMINATED {
            return Ok(Box::new(EmptyScorer));
        }
        let mut fields = self.positions(reader)?;
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); self.parts.len()];
        let mut docs = Vec::new();
        let mut scores = Vec::new();
        while candidates.doc() != TERMINATED {
            let doc = candidates.doc();
            let near = fields.iter_mut().any(|parts| {
                for (part, list) in parts.iter_mut().zip(lists.iter_mut()) {
                    part.read(doc, list);
                }
                lists.iter().all(|list| !list.is_empty()) && parts_near(&lists, self.max_gap)
            });
            if near {
                docs.push(doc);
                scores.push(candidates.score());
            }
            candidates.advance();
        }
        if docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(AllWordsScorer::new(docs, scores)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not hold the parts close together"
            )));
        }
        Ok(Explanation::new(
            "every compound part as a word, close together (sum of their BM25 scores)",
            scorer.score(),
        ))
    }
}

/// Whether one position per part can be chosen (each part once, positions distinct) so
/// that, in position order, neighbours differ by at most `max_gap`. `positions[i]` are the
/// positions of part `i`, ascending; at most 16 parts.
///
/// Every occurrence is visited in position order, keeping for each set of parts the latest
/// position at which a chain covering exactly that set can end: a later end reaches at
/// least as far, so it is the only one worth keeping.
pub fn parts_near(positions: &[Vec<u32>], max_gap: u32) -> bool {
    let parts = positions.len();
    if parts == 0 || parts > 16 {
        return false;
    }
    let full = (1usize << parts) - 1;
    let mut events: Vec<(u32, usize)> = positions
        .iter()
        .enumerate()
        .flat_map(|(part, list)| list.iter().map(move |&position| (position, part)))
        .collect();
    events.sort_unstable();
    let mut last: Vec<Option<u32>> = vec![None; full + 1];
    let mut at = 0;
    while at < events.len() {
        let position = events[at].0;
        let end = at + events[at..].partition_point(|&(p, _)| p == position);
        // Chains extended here may only use ends before this position.
        let before = last.clone();
        for &(_, part) in &events[at..end] {
            let bit = 1usize << part;
            last[bit] = Some(position);
            for (mask, chain_end) in before.iter().enumerate() {
                let Some(chain_end) = chain_end else { continue };
                if mask & bit == 0 && position - chain_end <= max_gap {
                    last[mask | bit] = Some(position);
                }
            }
        }
        if last[full].is_some() {
            return true;
        }
        at = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition itself: try every choice of one position per part.
    fn naive(positions: &[Vec<u32>], max_gap: u32) -> bool {
        fn choose(positions: &[Vec<u32>], chosen: &mut Vec<u32>, max_gap: u32) -> bool {
            if chosen.len() == positions.len() {
                let mut sorted = chosen.clone();
                sorted.sort_unstable();
                return sorted
                    .windows(2)
                    .all(|w| w[1] > w[0] && w[1] - w[0] <= max_gap);
            }
            for &p in &positions[chosen.len()] {
                chosen.push(p);
                if choose(positions, chosen, max_gap) {
                    return true;
                }
                chosen.pop();
            }
            false
        }
        choose(positions, &mut Vec::new(), max_gap)
    }

    #[test]
    fn two_parts_with_one_word_between_in_either_order_are_near() {
        // "samverkan mellan myndigheter": 0 and 2.
        assert!(parts_near(&[vec![2], vec![0]], 2));
        assert!(parts_near(&[vec![0], vec![2]], 2));
        // Two words between is too far at one word allowed.
        assert!(!parts_near(&[vec![0], vec![3]], 2));
        // One occurrence far, another close.
        assert!(parts_near(&[vec![0, 40], vec![17, 41]], 2));
    }

    #[test]
    fn a_part_is_used_once_and_positions_differ() {
        // Both parts only at one position (a completion standing on its word): no chain.
        assert!(!parts_near(&[vec![5], vec![5]], 2));
        // Three parts: the middle one bridges the other two.
        assert!(parts_near(&[vec![0], vec![2], vec![4]], 2));
        assert!(!parts_near(&[vec![0], vec![9], vec![4]], 2));
    }

    proptest! {
        /// The sweep answers exactly what trying every choice answers.
        #[test]
        fn the_sweep_agrees_with_trying_every_choice(
            lists in proptest::collection::vec(
                proptest::collection::btree_set(0u32..24, 1..5), 2..5),
            gap in 1u32..4,
        ) {
            let positions: Vec<Vec<u32>> =
                lists.into_iter().map(|set| set.into_iter().collect()).collect();
            prop_assert_eq!(parts_near(&positions, gap), naive(&positions, gap));
        }
    }
}
