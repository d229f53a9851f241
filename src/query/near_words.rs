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

use super::all_words::{part_scores, part_weights, AllWordsScorer};
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
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
        // The weights `AllWordsQuery` has, so a document scores what it scores there.
        let weights = part_weights(&self.parts, scoring)?;
        Ok(Box::new(NearWordsWeight {
            parts: self.parts.clone(),
            weights,
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
    parts: Vec<Vec<Term>>,
    /// One BM25 weight per part and field (in the order of `parts`), when scoring.
    weights: Vec<Bm25Weight>,
    /// Largest difference of neighbouring parts' positions.
    max_gap: u32,
}

impl NearWordsWeight {
    /// The documents of `reader` where, in some field, the parts stand close together:
    /// per field, the parts' lists intersected rarest first (each sought to the next
    /// candidate), and only the documents all of them share read for positions. A
    /// document with the parts in different fields is never read.
    fn near_docs(&self, reader: &SegmentReader) -> tantivy::Result<Vec<DocId>> {
        let fields = self.parts.first().map_or(0, Vec::len);
        let mut found: Vec<DocId> = Vec::new();
        let mut positions: Vec<Vec<u32>> = vec![Vec::new(); self.parts.len()];
        for field in 0..fields {
            let mut lists: Vec<(u32, usize, SegmentPostings)> =
                Vec::with_capacity(self.parts.len());
            for (part, terms) in self.parts.iter().enumerate() {
                let term = &terms[field];
                let index = reader.inverted_index(term.field())?;
                let Some(info) = index.get_term_info(term)? else {
                    break;
                };
                let postings = index
                    .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)?;
                lists.push((info.doc_freq, part, postings));
            }
            if lists.len() < self.parts.len() {
                continue;
            }
            lists.sort_by_key(|(doc_freq, _, _)| *doc_freq);
            let mut here = Vec::new();
            'docs: loop {
                let mut target = lists[0].2.doc();
                if target == TERMINATED {
                    break;
                }
                let mut at = 1;
                while at < lists.len() {
                    let postings = &mut lists[at].2;
                    let mut doc = postings.doc();
                    if doc < target {
                        doc = postings.seek(target);
                    }
                    if doc == TERMINATED {
                        break 'docs;
                    }
                    if doc > target {
                        target = lists[0].2.seek(doc);
                        if target == TERMINATED {
                            break 'docs;
                        }
                        at = 1;
                        continue;
                    }
                    at += 1;
                }
                for (_, part, postings) in &mut lists {
                    postings.positions(&mut positions[*part]);
                }
                if parts_near(&positions, self.max_gap) {
                    here.push(target);
                }
                lists[0].2.advance();
            }
            found = union(&found, &here);
        }
        Ok(found)
    }
}

/// The union of two ascending lists of documents, ascending, each document once.
fn union(a: &[DocId], b: &[DocId]) -> Vec<DocId> {
    if a.is_empty() {
        return b.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

impl Weight for NearWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.near_docs(reader)?;
        if docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let scores = if self.weights.is_empty() {
            vec![boost; docs.len()]
        } else {
            part_scores(reader, &self.parts, &self.weights, &docs, boost)?
        };
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
    if let [first, second] = positions {
        return two_near(first, second, max_gap);
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

/// [`parts_near`] for two parts: each position of the first list compared with the
/// nearest other position of the second on either side, both lists walked once.
fn two_near(first: &[u32], second: &[u32], max_gap: u32) -> bool {
    let mut j = 0;
    for &a in first {
        while j < second.len() && second[j] < a {
            j += 1;
        }
        // The nearest position before `a`, and the nearest after it (not `a` itself).
        if j > 0 && a - second[j - 1] <= max_gap {
            return true;
        }
        let after = second[j..].iter().find(|&&b| b != a);
        if after.is_some_and(|&b| b - a <= max_gap) {
            return true;
        }
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
        assert!(parts_near(&[vec![5], vec![5, 6]], 2));
        assert!(parts_near(&[vec![5, 6], vec![5]], 2));
        // Three parts: the middle one bridges the other two.
        assert!(parts_near(&[vec![0], vec![2], vec![4]], 2));
        assert!(!parts_near(&[vec![0], vec![9], vec![4]], 2));
    }

    /// A small index of two text fields, each document's fields given as words.
    fn index_of(docs: &[[Vec<&str>; 2]]) -> (tantivy::Index, [tantivy::schema::Field; 2]) {
        use tantivy::schema::{Schema, TEXT};
        let mut builder = Schema::builder();
        let fields = [
            builder.add_text_field("a", TEXT),
            builder.add_text_field("b", TEXT),
        ];
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for doc in docs {
            let mut document = tantivy::TantivyDocument::default();
            for (field, words) in fields.iter().zip(doc) {
                document.add_text(*field, words.join(" "));
            }
            writer.add_document(document).unwrap();
        }
        writer.commit().unwrap();
        (index, fields)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// The per-field intersection finds exactly the documents the definition names
        /// (some field holds the parts close together, by their positions in the text),
        /// each scored as `AllWordsQuery` scores it.
        #[test]
        fn near_words_match_the_definition_and_score_as_all_words(
            docs in proptest::collection::vec(
                [proptest::collection::vec(proptest::sample::select(vec!["x", "y", "z", "w"]), 0..12),
                 proptest::collection::vec(proptest::sample::select(vec!["x", "y", "z", "w"]), 0..12)],
                1..30),
            words in proptest::sample::subsequence(vec!["x", "y", "z"], 2..=3),
            words_between in 0u32..3,
        ) {
            use super::super::all_words::AllWordsQuery;
            use tantivy::collector::{DocSetCollector, TopDocs};
            let (index, fields) = index_of(&docs);
            let searcher = index.reader().unwrap().searcher();
            let parts: Vec<Vec<Term>> = words
                .iter()
                .map(|word| fields.iter().map(|f| Term::from_field_text(*f, word)).collect())
                .collect();
            let expected: Vec<u32> = docs
                .iter()
                .enumerate()
                .filter(|(_, doc)| {
                    doc.iter().any(|field_words| {
                        let positions: Vec<Vec<u32>> = words
                            .iter()
                            .map(|word| {
                                field_words
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, w)| *w == word)
                                    .map(|(at, _)| at as u32)
                                    .collect()
                            })
                            .collect();
                        positions.iter().all(|p| !p.is_empty())
                            && parts_near(&positions, words_between + 1)
                    })
                })
                .map(|(at, _)| at as u32)
                .collect();
            let near = NearWordsQuery::new(parts.clone(), words_between);
            let mut found: Vec<u32> = searcher
                .search(&near, &DocSetCollector)
                .unwrap()
                .into_iter()
                .map(|address| address.doc_id)
                .collect();
            found.sort_unstable();
            prop_assert_eq!(&found, &expected);
            // Scores: those of the parts anywhere, for the same documents.
            let limit = docs.len().max(1);
            let anywhere: std::collections::HashMap<u32, f32> = searcher
                .search(&AllWordsQuery::new(parts), &TopDocs::with_limit(limit).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(score, address)| (address.doc_id, score))
                .collect();
            for (score, address) in searcher
                .search(&near, &TopDocs::with_limit(limit).order_by_score())
                .unwrap()
            {
                let other = anywhere[&address.doc_id];
                prop_assert!((score - other).abs() <= 1e-5 * other.abs().max(1.0), "{} {}", score, other);
            }
        }
        /// The sweep answers exactly what trying every choice answers.
        #[test]
        fn the_sweep_agrees_with_trying_every_choice(
            lists in proptest::collection::vec(
                proptest::collection::btree_set(0u32..12, 1..5), 2..5),
            gap in 1u32..4,
        ) {
            let positions: Vec<Vec<u32>> =
                lists.into_iter().map(|set| set.into_iter().collect()).collect();
            prop_assert_eq!(parts_near(&positions, gap), naive(&positions, gap));
        }
    }
}
