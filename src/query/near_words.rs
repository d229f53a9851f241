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
//!
//! Two strategies find those documents, chosen per field when the scorer opens:
//! - [`FieldLists`] (positional): the parts' lists intersected, then their positions
//!   compared; its cost grows with the rarest part's list.
//! - [`IndexedPair`]: two parts that are both near words of the index's lexicon, at the
//!   window its near pairs were indexed with, have one near-pair term per field
//!   ([`crate::analysis::near_pair_term`]) whose list holds exactly those documents of the
//!   field, so that list is read and no positions are. The two agree within each text of a
//!   field; across two texts of a multi-valued field (two partner names) only the
//!   positional strategy can match, since tantivy leaves one position between texts. Tests
//!   check the two against each other on real records.

use super::all_words::part_weights;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, TantivyError, Term, TERMINATED,
};

/// Documents holding every part as a word, the parts close together in one field.
#[derive(Clone, Debug)]
pub struct NearWordsQuery {
    /// Per part, the part's term in each text field, the fields in the same order for
    /// every part.
    parts: Vec<Vec<Term>>,
    /// Words allowed between neighbouring parts.
    words_between: u32,
    /// Per field (in the order of each part's terms), the near-pair term of the two parts
    /// in that field, when the index holds near pairs for them at `words_between`.
    indexed: Option<Vec<Term>>,
}

impl NearWordsQuery {
    /// Every part of `parts` (each given as its terms, one per field, fields in one order)
    /// in one field, neighbouring parts at most `words_between` words apart.
    pub fn new(parts: Vec<Vec<Term>>, words_between: u32) -> NearWordsQuery {
        NearWordsQuery {
            parts,
            words_between,
            indexed: None,
        }
    }

    /// The same documents found by reading `pairs`, per field (in the parts' field order),
    /// the near-pair term of the query's two parts. The caller promises that the index
    /// holds these terms exactly where its fields hold both parts within `words_between`
    /// words of each other ([`crate::analysis::near_pair_term`],
    /// [`crate::analysis::lexicon::Lexicon::near_pairs_between`]); with any other number
    /// of parts or of terms the pairs are ignored.
    pub fn with_indexed_pairs(mut self, pairs: Vec<Term>) -> NearWordsQuery {
        let per_field = self.parts.first().map_or(0, Vec::len);
        if self.parts.len() == 2 && pairs.len() == per_field {
            self.indexed = Some(pairs);
        }
        self
    }
}

impl Query for NearWordsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // The weights `AllWordsQuery` has, so a document scores what it scores there.
        let weights = part_weights(&self.parts, scoring)?;
        Ok(Box::new(NearWordsWeight {
            parts: self.parts.clone(),
            indexed: self.indexed.clone(),
            weights,
            max_gap: self.words_between + 1,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        // Positions are read only where no near-pair term stands in for them.
        let positions = self.indexed.is_none();
        for term in self.parts.iter().flatten() {
            visitor(term, positions);
        }
        for term in self.indexed.iter().flatten() {
            visitor(term, false);
        }
    }
}

struct NearWordsWeight {
    parts: Vec<Vec<Term>>,
    /// Per field, the near-pair term read in place of the parts' positions.
    indexed: Option<Vec<Term>>,
    /// One BM25 weight per part and field (in the order of `parts`), when scoring.
    weights: Vec<Bm25Weight>,
    /// Largest difference of neighbouring parts' positions.
    max_gap: u32,
}

impl Weight for NearWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        match NearWordsScorer::open(self, reader, boost)? {
            Some(scorer) => Ok(Box::new(scorer)),
            None => Ok(Box::new(EmptyScorer)),
        }
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

/// The parts' lists in one field, for finding the documents where all of them stand.
struct FieldLists {
    /// Per part in this field: the part's index in `parts` and its postings with positions,
    /// rarest first (the first list leads the intersection).
    lists: Vec<(usize, SegmentPostings)>,
    /// The next document holding every part in this field, at or after the last target
    /// asked for (`TERMINATED` at the end); meaningful once `started`.
    shared: DocId,
    started: bool,
}

impl FieldLists {
    /// Moves to the first document at or after `target` that holds every part in this
    /// field, and returns it: the lists leapfrog, each sought to the next candidate.
    fn shared_from(&mut self, target: DocId) -> DocId {
        if self.started && self.shared >= target {
            return self.shared;
        }
        self.started = true;
        let mut candidate = self.lists[0].1.doc();
        if candidate < target {
            candidate = self.lists[0].1.seek(target);
        }
        let mut at = 1;
        while candidate != TERMINATED && at < self.lists.len() {
            let postings = &mut self.lists[at].1;
            let mut doc = postings.doc();
            if doc < candidate {
                doc = postings.seek(candidate);
            }
            if doc > candidate {
                candidate = self.lists[0].1.seek(doc);
                at = 1;
                continue;
            }
            at += 1;
        }
        self.shared = candidate;
        candidate
    }

    /// Whether the parts stand close together at `self.shared` (every list is on it).
    fn near(&mut self, positions: &mut [Vec<u32>], max_gap: u32) -> bool {
        for (part, postings) in &mut self.lists {
            postings.positions(&mut positions[*part]);
        }
        parts_near(positions, max_gap)
    }
}

/// The documents of one field holding the two parts close together, read from the
/// field's near-pair term: its list is exactly those documents, so every one is a match.
struct IndexedPair {
    postings: SegmentPostings,
}

/// How one field's documents with every part close together are found.
enum FieldDocs {
    Positional(FieldLists),
    /// Boxed: a posting list's block buffers are large beside the positional lists' vector.
    Indexed(Box<IndexedPair>),
}

impl FieldDocs {
    /// The first document at or after `target` that may hold the parts close together in
    /// this field (every one does, for [`IndexedPair`]), or `TERMINATED`.
    fn shared_from(&mut self, target: DocId) -> DocId {
        match self {
            FieldDocs::Positional(lists) => lists.shared_from(target),
            FieldDocs::Indexed(pair) => {
                let doc = pair.postings.doc();
                if doc < target {
                    pair.postings.seek(target)
                } else {
                    doc
                }
            }
        }
    }

    /// The document `shared_from` last returned.
    fn shared(&self) -> DocId {
        match self {
            FieldDocs::Positional(lists) => lists.shared,
            FieldDocs::Indexed(pair) => pair.postings.doc(),
        }
    }

    /// Whether the parts stand close together in [`FieldDocs::shared`].
    fn near(&mut self, positions: &mut [Vec<u32>], max_gap: u32) -> bool {
        match self {
            FieldDocs::Positional(lists) => lists.near(positions, max_gap),
            FieldDocs::Indexed(_) => true,
        }
    }
}

/// One term's list for scoring: every part's term in every field contributes its BM25
/// score where the document holds it, as in [`AllWordsQuery`].
struct ScoredTerm {
    postings: SegmentPostings,
    weight: Bm25Weight,
    norms: FieldNormReader,
}

/// The documents of one segment where some field holds every part close together, found
/// lazily: the next such document only when asked, so a conjunction with a selective
/// filter (which drives with `seek_danger`) reads positions only in the documents it
/// keeps. Positions are read only where a field holds every part.
struct NearWordsScorer {
    fields: Vec<FieldDocs>,
    scored: Vec<ScoredTerm>,
    /// The score of every document when scoring is off.
    boost: Score,
    max_gap: u32,
    /// Reused buffers, one per part.
    positions: Vec<Vec<u32>>,
    doc: DocId,
    size_hint: u32,
}

impl NearWordsScorer {
    /// The scorer of `weight` in `reader`, on its first document; `None` when no field
    /// holds every part.
    fn open(
        weight: &NearWordsWeight,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<NearWordsScorer>> {
        let field_count = weight.parts.first().map_or(0, Vec::len);
        let mut fields = Vec::new();
        let mut size_hint = 0u32;
        for field in 0..field_count {
            if let Some(pairs) = &weight.indexed {
                let term = &pairs[field];
                let index = reader.inverted_index(term.field())?;
                if let Some(info) = index.get_term_info(term)? {
                    size_hint = size_hint.saturating_add(info.doc_freq);
                    let postings =
                        index.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
                    fields.push(FieldDocs::Indexed(Box::new(IndexedPair { postings })));
                }
                continue;
            }
            let mut lists: Vec<(u32, usize, SegmentPostings)> =
                Vec::with_capacity(weight.parts.len());
            for (part, terms) in weight.parts.iter().enumerate() {
                let term = &terms[field];
                let index = reader.inverted_index(term.field())?;
                let Some(info) = index.get_term_info(term)? else {
                    break;
                };
                let postings = index
                    .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)?;
                lists.push((info.doc_freq, part, postings));
            }
            if lists.len() < weight.parts.len() {
                continue;
            }
            lists.sort_by_key(|(doc_freq, _, _)| *doc_freq);
            size_hint = size_hint.saturating_add(lists[0].0);
            fields.push(FieldDocs::Positional(FieldLists {
                lists: lists
                    .into_iter()
                    .map(|(_, part, postings)| (part, postings))
                    .collect(),
                shared: 0,
                started: false,
            }));
        }
        if fields.is_empty() {
            return Ok(None);
        }
        let mut scored = Vec::new();
        for (term, weight) in weight.parts.iter().flatten().zip(&weight.weights) {
            let index = reader.inverted_index(term.field())?;
            let Some(info) = index.get_term_info(term)? else {
                continue;
            };
            scored.push(ScoredTerm {
                postings: index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?,
                weight: weight.boost_by(boost),
                norms: reader.get_fieldnorms_reader(term.field())?,
            });
        }
        let mut scorer = NearWordsScorer {
            fields,
            scored,
            boost,
            max_gap: weight.max_gap,
            positions: vec![Vec::new(); weight.parts.len()],
            doc: 0,
            size_hint,
        };
        scorer.doc = scorer.next_from(0);
        Ok(Some(scorer))
    }

    /// The first document at or after `target` where some field holds the parts close
    /// together, or `TERMINATED`.
    fn next_from(&mut self, mut target: DocId) -> DocId {
        loop {
            let mut first = TERMINATED;
            for field in &mut self.fields {
                first = first.min(field.shared_from(target));
            }
            if first == TERMINATED {
                return TERMINATED;
            }
            for field in &mut self.fields {
                if field.shared() == first && field.near(&mut self.positions, self.max_gap) {
                    return first;
                }
            }
            target = first + 1;
        }
    }
}

impl DocSet for NearWordsScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.doc = self.next_from(self.doc + 1);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc != TERMINATED && self.doc < target {
            self.doc = self.next_from(target);
        }
        self.doc
    }

    /// Reads positions at `target` only: a conjunction that leads with a selective filter
    /// asks for its documents one by one, and the documents between them are never read.
    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        let mut lower = TERMINATED;
        for field in &mut self.fields {
            let shared = field.shared_from(target);
            if shared == target && field.near(&mut self.positions, self.max_gap) {
                self.doc = target;
                return SeekDangerResult::Found;
            }
            lower = lower.min(if shared == target { target + 1 } else { shared });
        }
        // Not a match: the next one is at `lower` or later. `doc` stands below it so that a
        // later `seek_danger` may find it (the contract allows only those until `Found`).
        self.doc = target;
        SeekDangerResult::SeekLowerBound(lower)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.size_hint
    }
}

impl Scorer for NearWordsScorer {
    fn score(&mut self) -> Score {
        if self.scored.is_empty() {
            return self.boost;
        }
        let doc = self.doc;
        let mut score = 0.0;
        for term in &mut self.scored {
            let mut at = term.postings.doc();
            if at < doc {
                at = term.postings.seek(doc);
            }
            if at == doc {
                score += term
                    .weight
                    .score(term.norms.fieldnorm_id(doc), term.postings.term_freq());
            }
        }
        score
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
        /// In a conjunction with a filter (a term of the second field), which drives the
        /// near-words scorer by `seek_danger` when it is the rarer, the documents are those
        /// of the definition that the filter keeps, with the same scores as unfiltered.
        #[test]
        fn a_filtered_conjunction_keeps_the_near_documents_the_filter_holds(
            docs in proptest::collection::vec(
                [proptest::collection::vec(proptest::sample::select(vec!["x", "y", "z", "w"]), 0..12),
                 proptest::collection::vec(proptest::sample::select(vec!["x", "y", "z", "w"]), 0..4)],
                1..40),
            words_between in 0u32..3,
        ) {
            use tantivy::collector::TopDocs;
            use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
            let (index, fields) = index_of(&docs);
            let searcher = index.reader().unwrap().searcher();
            let parts: Vec<Vec<Term>> = ["x", "y"]
                .iter()
                .map(|word| vec![Term::from_field_text(fields[0], word)])
                .collect();
            let near = NearWordsQuery::new(parts, words_between);
            let limit = docs.len();
            let unfiltered: std::collections::HashMap<u32, f32> = searcher
                .search(&near, &TopDocs::with_limit(limit).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(score, address)| (address.doc_id, score))
                .collect();
            let filter = TermQuery::new(
                Term::from_field_text(fields[1], "w"),
                IndexRecordOption::Basic,
            );
            let both = BooleanQuery::new(vec![
                (Occur::Must, Box::new(near) as Box<dyn Query>),
                (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(filter), 0.0))),
            ]);
            let mut found: Vec<(u32, f32)> = searcher
                .search(&both, &TopDocs::with_limit(limit).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(score, address)| (address.doc_id, score))
                .collect();
            found.sort_by_key(|(doc, _)| *doc);
            let mut expected: Vec<u32> = unfiltered
                .keys()
                .copied()
                .filter(|doc| docs[*doc as usize][1].contains(&"w"))
                .collect();
            expected.sort_unstable();
            prop_assert_eq!(found.iter().map(|(doc, _)| *doc).collect::<Vec<_>>(), expected);
            for (doc, score) in found {
                prop_assert!((score - unfiltered[&doc]).abs() <= 1e-5, "{} {}", score, unfiltered[&doc]);
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
