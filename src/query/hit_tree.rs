//! A query of several words ("samverkan OR samarbete", "innovation -företag", "forskning
//! AND utbildning") evaluated as sets: each bare word whose alternatives are all terms is
//! read into a bit set of the segment (see `word`); a compound is an "or" of its terms, read
//! so, and of its other alternatives; anything else (a phrase) is read by its own scorer;
//! and the sets are joined as the query joins them. The total and the facet counts come
//! from the joined set; the page from the hits' scores, each word's computed from one read
//! of its lists for the hits only (or its lists sought for them, when they are few). The
//! scores are those tantivy gives: each part's score summed in the order its union or
//! conjunction sums them, but for the last bits of a compound's (its terms summed first).
//! Evaluated as one scored conjunction of unions, tantivy scored every document of the
//! unions at each step, which at a million documents took 9–22 ms per query.

use super::plan::TextQuery;
use super::word::{count_bits, set_docs, zeros, WordQuery, WordScores};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

/// A query as a tree of sets.
pub enum HitTree {
    /// A bare word whose alternatives are all terms.
    Word(WordQuery),
    /// Anything else, evaluated by its own scorer.
    Other(Box<dyn Query>),
    /// Any of the parts (scores summed over those that match).
    Any(Vec<HitTree>),
    /// All of `must` and none of `must_not` (scores of `must` summed).
    All {
        /// Required parts.
        must: Vec<HitTree>,
        /// Excluded parts.
        must_not: Vec<HitTree>,
    },
}

impl HitTree {
    /// The tree of a built query: "or"s and "and"/"not"s are split, bare words of terms
    /// are words, the rest is left whole. A compound alone (a word with other alternatives
    /// than terms) is left whole: tantivy's collector over its union found its page faster
    /// than scoring every hit as sets.
    pub fn of(text: &TextQuery) -> HitTree {
        match text {
            TextQuery::Word(word) if !word.is_term_union() => {
                HitTree::Other(Box::new(word.clone()))
            }
            _ => HitTree::of_part(text),
        }
    }

    /// The tree of a part of a query; a word with other alternatives than terms (a
    /// compound) becomes an "or" of its terms, read as a word's lists, and of each other
    /// alternative.
    fn of_part(text: &TextQuery) -> HitTree {
        match text {
            TextQuery::Word(word) if word.is_term_union() => HitTree::Word(word.clone()),
            TextQuery::Word(word) => {
                let (terms, others) = word.split_terms();
                if terms.alternatives().is_empty() {
                    return HitTree::Other(Box::new(word.clone()));
                }
                let mut parts = vec![HitTree::Word(terms)];
                parts.extend(others.into_iter().map(HitTree::Other));
                HitTree::Any(parts)
            }
            TextQuery::Any(parts) if !parts.is_empty() => {
                HitTree::Any(parts.iter().map(HitTree::of_part).collect())
            }
            TextQuery::All { must, must_not } if !must.is_empty() => HitTree::All {
                must: must.iter().map(HitTree::of_part).collect(),
                must_not: must_not.iter().map(HitTree::of_part).collect(),
            },
            _ => HitTree::Other(text.to_query()),
        }
    }

    /// Whether some part is a word read as a bit set (otherwise the tree gains nothing).
    pub fn has_word(&self) -> bool {
        match self {
            HitTree::Word(_) => true,
            HitTree::Other(_) => false,
            HitTree::Any(parts) => parts.iter().any(HitTree::has_word),
            HitTree::All { must, must_not } => must.iter().chain(must_not).any(HitTree::has_word),
        }
    }

    /// The tree's weights for `searcher`: what each part needs to be read and scored.
    pub fn weights(&self, searcher: &Searcher) -> tantivy::Result<TreeWeights> {
        Ok(match self {
            HitTree::Word(word) => TreeWeights::Word {
                word: word.clone(),
                scores: word.scores(searcher)?,
            },
            HitTree::Other(query) => TreeWeights::Other {
                unscored: query.weight(EnableScoring::disabled_from_searcher(searcher))?,
                scored: query.weight(EnableScoring::enabled_from_searcher(searcher))?,
            },
            HitTree::Any(parts) => TreeWeights::Any(
                parts
                    .iter()
                    .map(|part| part.weights(searcher))
                    .collect::<tantivy::Result<_>>()?,
            ),
            HitTree::All { must, must_not } => TreeWeights::All {
                must: must
                    .iter()
                    .map(|part| part.weights(searcher))
                    .collect::<tantivy::Result<_>>()?,
                must_not: must_not
                    .iter()
                    .map(|part| part.weights(searcher))
                    .collect::<tantivy::Result<_>>()?,
            },
        })
    }
}

/// A [`HitTree`] ready for one searcher.
pub enum TreeWeights {
    /// A word: its lists and its scores.
    Word {
        /// The word.
        word: WordQuery,
        /// Its scores.
        scores: WordScores,
    },
    /// Anything else: its weight without and with scores.
    Other {
        /// For its documents.
        unscored: Box<dyn Weight>,
        /// For its scores.
        scored: Box<dyn Weight>,
    },
    /// Any of the parts.
    Any(Vec<TreeWeights>),
    /// All of `must`, none of `must_not`.
    All {
        /// Required parts.
        must: Vec<TreeWeights>,
        /// Excluded parts.
        must_not: Vec<TreeWeights>,
    },
}

impl TreeWeights {
    /// The words, when the tree is an "or" of bare words of terms only: then a union of
    /// all their terms can be pruned (see `word::best_pruned_rescored`).
    pub fn or_of_words(&self) -> Option<Vec<&WordQuery>> {
        match self {
            TreeWeights::Any(parts) => parts
                .iter()
                .map(|part| match part {
                    TreeWeights::Word { word, .. } => Some(word),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// The exact score of each of `docs` (ascending) for an "or" of words: each word's
    /// score summed in order, as the union of the words sums them.
    pub fn or_of_words_scores(
        &self,
        segment: &SegmentReader,
        docs: &[DocId],
    ) -> tantivy::Result<Vec<Score>> {
        let mut scores = vec![0.0; docs.len()];
        if let TreeWeights::Any(parts) = self {
            for part in parts {
                if let TreeWeights::Word { scores: word, .. } = part {
                    for (into, from) in scores.iter_mut().zip(word.of_docs(segment, docs)?) {
                        *into += from;
                    }
                }
            }
        }
        Ok(scores)
    }

    /// Whether some part is read by its own scorer rather than as a word's lists.
    fn has_other(&self) -> bool {
        match self {
            TreeWeights::Word { .. } => false,
            TreeWeights::Other { .. } => true,
            TreeWeights::Any(parts) => parts.iter().any(TreeWeights::has_other),
            TreeWeights::All { must, must_not } => {
                must.iter().chain(must_not).any(TreeWeights::has_other)
            }
        }
    }

    /// The documents of `segment` the tree matches, one bit each (deleted ones included).
    pub fn bits(&self, segment: &SegmentReader) -> tantivy::Result<Vec<u64>> {
        let words = (segment.max_doc() as usize).div_ceil(64);
        Ok(match self {
            TreeWeights::Word { word, .. } => {
                let bits = word.bits(segment)?;
                if bits.is_empty() {
                    zeros(words)
                } else {
                    bits
                }
            }
            TreeWeights::Other { unscored, .. } => {
                let mut bits = zeros(words);
                set_docs(&mut bits, unscored.scorer(segment, 1.0)?.as_mut());
                bits
            }
            TreeWeights::Any(parts) => {
                let mut bits = zeros(words);
                for part in parts {
                    for (into, from) in bits.iter_mut().zip(part.bits(segment)?) {
                        *into |= from;
                    }
                }
                bits
            }
            TreeWeights::All { must, must_not } => {
                let mut bits = vec![u64::MAX; words];
                for part in must {
                    if count_bits(&bits) == 0 {
                        break;
                    }
                    for (into, from) in bits.iter_mut().zip(part.bits(segment)?) {
                        *into &= from;
                    }
                }
                for part in must_not {
                    if count_bits(&bits) == 0 {
                        break;
                    }
                    for (into, from) in bits.iter_mut().zip(part.bits(segment)?) {
                        *into &= !from;
                    }
                }
                bits
            }
        })
    }

    /// The documents of `segment` the tree matches (one bit each, deleted ones included)
    /// and the score of each (indexed by document; 0 elsewhere), every part read once: a
    /// word's lists with their frequencies, anything else by its scorer in order. Parts
    /// excluded by "not" are read for their documents only. The sums are grouped as
    /// tantivy groups them: a part's score whole, added to its parent's in order.
    pub fn scored(&self, segment: &SegmentReader) -> tantivy::Result<(Vec<u64>, Vec<Score>)> {
        let max_doc = segment.max_doc() as usize;
        Ok(match self {
            TreeWeights::Word { scores, .. } => scores.bits_and_scores(segment)?,
            TreeWeights::Other { scored, .. } => {
                let mut bits = zeros(max_doc.div_ceil(64));
                let mut scores = zeros(max_doc);
                let mut scorer = scored.scorer(segment, 1.0)?;
                let mut doc = scorer.doc();
                while doc != TERMINATED {
                    bits[(doc / 64) as usize] |= 1 << (doc % 64);
                    scores[doc as usize] = scorer.score();
                    doc = scorer.advance();
                }
                (bits, scores)
            }
            TreeWeights::Any(parts) => {
                let mut bits = zeros(max_doc.div_ceil(64));
                let mut scores = zeros(max_doc);
                for part in parts {
                    let (part_bits, part_scores) = part.scored(segment)?;
                    for (into, from) in bits.iter_mut().zip(part_bits) {
                        *into |= from;
                    }
                    for (into, from) in scores.iter_mut().zip(part_scores) {
                        *into += from;
                    }
                }
                (bits, scores)
            }
            TreeWeights::All { must, must_not } if must.iter().any(TreeWeights::has_other) => {
                // A part scored by its own scorer (a compound) scores every document it
                // has, most of them not hits of the whole: the hits are found first, from
                // the parts' documents alone, and only they are scored.
                let bits = self.bits(segment)?;
                let scores = self.scores(segment, &bits)?;
                (bits, scores)
            }
            TreeWeights::All { must, must_not } => {
                let mut bits = vec![u64::MAX; max_doc.div_ceil(64)];
                let mut scores = zeros(max_doc);
                for part in must {
                    let (part_bits, part_scores) = part.scored(segment)?;
                    for (into, from) in bits.iter_mut().zip(part_bits) {
                        *into &= from;
                    }
                    for (into, from) in scores.iter_mut().zip(part_scores) {
                        *into += from;
                    }
                }
                for part in must_not {
                    for (into, from) in bits.iter_mut().zip(part.bits(segment)?) {
                        *into &= !from;
                    }
                }
                (bits, scores)
            }
        })
    }

    /// The tree's score of each of `hits` (documents it matches), one per document of
    /// `segment` (0 elsewhere): a part's score is computed whole, then added to its
    /// parent's, so the sums are grouped as tantivy groups them.
    pub fn scores(&self, segment: &SegmentReader, hits: &[u64]) -> tantivy::Result<Vec<Score>> {
        let docs = hit_docs(hits);
        let mut scores = zeros(segment.max_doc() as usize);
        for (doc, score) in docs.iter().zip(self.scores_of(segment, hits, &docs)?) {
            scores[*doc as usize] = score;
        }
        Ok(scores)
    }

    /// The tree's score of each of `docs` (the set bits of `hits`, ascending), in their
    /// order. One score per hit at every node of the tree: a conjunction's few hits were
    /// given an array as long as the segment at each of its parts, and the arrays' zeroing
    /// and summing were a fifth of the query.
    fn scores_of(
        &self,
        segment: &SegmentReader,
        hits: &[u64],
        docs: &[DocId],
    ) -> tantivy::Result<Vec<Score>> {
        Ok(match self {
            TreeWeights::Word { scores, .. } => {
                if scores.few(segment, docs.len())? {
                    scores.of_docs(segment, docs)?
                } else {
                    let all = scores.of_hits(segment, hits)?;
                    docs.iter().map(|&doc| all[doc as usize]).collect()
                }
            }
            TreeWeights::Other { scored, .. } => {
                let mut scores = vec![0.0; docs.len()];
                let mut scorer = scored.scorer(segment, 1.0)?;
                if scorer.size_hint() as usize <= docs.len() {
                    // As many hits as the part has documents or more (the part of an
                    // "or"): its documents read in order, the hits among them kept.
                    let mut at = 0;
                    let mut doc = scorer.doc();
                    while doc != TERMINATED && at < docs.len() {
                        while at < docs.len() && docs[at] < doc {
                            at += 1;
                        }
                        if docs.get(at) == Some(&doc) {
                            scores[at] = scorer.score();
                        }
                        doc = scorer.advance();
                    }
                    return Ok(scores);
                }
                for (score, &doc) in scores.iter_mut().zip(docs) {
                    let mut found = scorer.doc();
                    if found < doc {
                        found = scorer.seek(doc);
                    }
                    if found == TERMINATED {
                        break;
                    }
                    if found == doc {
                        *score = scorer.score();
                    }
                }
                scores
            }
            TreeWeights::Any(parts) | TreeWeights::All { must: parts, .. } => {
                let mut scores = vec![0.0; docs.len()];
                for part in parts {
                    for (into, from) in scores.iter_mut().zip(part.scores_of(segment, hits, docs)?)
                    {
                        *into += from;
                    }
                }
                scores
            }
        })
    }
}

/// The documents whose bits are set in `hits`, ascending.
fn hit_docs(hits: &[u64]) -> Vec<DocId> {
    let mut docs = Vec::with_capacity(count_bits(hits));
    for (at, &word) in hits.iter().enumerate() {
        let mut rest = word;
        while rest != 0 {
            docs.push(at as DocId * 64 + rest.trailing_zeros());
            rest &= rest - 1;
        }
    }
    docs
}
