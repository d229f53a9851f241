//! A compound's parts as words of their own: documents that hold every part ("myndighet",
//! "samverkan") in some text field, each part in any of them, however far apart. What the
//! broad match mode matches, and the candidates (with their scores) that the default mode
//! keeps only where the parts stand close together (`near_words`). As a conjunction of
//! per-field unions this was the most expensive clause of a compound query: tantivy's
//! buffered union fills and scores a window of 4 096 documents at every seek, so the
//! common part's lists were scored nearly in full behind the rare one. Here, per segment,
//! the parts are taken rarest first. When one is rare, its lists are read into a bit set and
//! the other parts' lists are sought for its documents, and only the documents left are
//! scored. When all are common, every list is read once, block by block: its documents
//! gathered as bits, each posting's score added to its document's sum, and the parts' bits
//! intersected. The score is what the conjunction of unions gave: the sum of every part's
//! BM25 score in every field that holds it, added in the same order.

use super::word::{set_bits, zeros};
use tantivy::postings::Postings;
use tantivy::query::{
    BitSetDocSet, Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, Score, SegmentReader, TantivyError, Term, TERMINATED};

/// Documents holding every part, each as a word in one of its terms' fields.
#[derive(Clone, Debug)]
pub struct AllWordsQuery {
    /// Per part, the part's term in each field it may be in.
    parts: Vec<Vec<Term>>,
}

impl AllWordsQuery {
    /// Every part of `parts` (each given as its terms, one per field) in some field.
    pub fn new(parts: Vec<Vec<Term>>) -> AllWordsQuery {
        AllWordsQuery { parts }
    }
}

impl Query for AllWordsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = part_weights(&self.parts, scoring)?;
        Ok(Box::new(AllWordsWeight {
            parts: self.parts.clone(),
            weights,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for term in self.parts.iter().flatten() {
            visitor(term, false);
        }
    }
}

/// A part's postings in a segment (its lists' lengths summed), with its terms.
type PartSize<'a> = (u64, &'a Vec<Term>);

struct AllWordsWeight {
    parts: Vec<Vec<Term>>,
    /// One BM25 weight per part and field (in the order of `parts`), when scoring.
    weights: Vec<Bm25Weight>,
}

impl AllWordsWeight {
    /// The documents of `reader` holding every part; None when none does. The parts are
    /// taken rarest first; a part whose lists are long beside the documents left is sought
    /// for those documents (its lists' skip data pass over the blocks between them), not
    /// read whole: "gruvverksamhet" read every block of "verksamhet" to keep the few
    /// documents "gruva" had.
    fn matching(
        &self,
        reader: &SegmentReader,
        parts: &[PartSize<'_>],
    ) -> tantivy::Result<Option<BitSet>> {
        let mut found: Option<BitSet> = None;
        for &(postings, terms) in parts {
            let part = match &found {
                Some(before) if (before.len() as u64) * SEEK_RATIO < postings => {
                    sought(reader, terms, before)?
                }
                _ => read_whole(reader, terms, found.as_ref())?,
            };
            if part.len() == 0 {
                return Ok(None);
            }
            found = Some(part);
        }
        Ok(found)
    }

    /// Each part's postings in `reader` (its lists' lengths summed) with its terms, rarest
    /// first; None when a part is in no document.
    fn part_sizes(&self, reader: &SegmentReader) -> tantivy::Result<Option<Vec<PartSize<'_>>>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for terms in &self.parts {
            let mut postings = 0u64;
            for term in terms {
                let index = reader.inverted_index(term.field())?;
                if let Some(info) = index.get_term_info(term)? {
                    postings += u64::from(info.doc_freq);
                }
            }
            if postings == 0 {
                return Ok(None);
            }
            parts.push((postings, terms));
        }
        parts.sort_by_key(|(postings, _)| *postings);
        Ok(Some(parts))
    }

    /// The documents holding every part and their scores, every list read once with its
    /// frequencies: each part's documents gathered as bits, every posting's score added to
    /// its document's sum, and the parts' bits joined. For parts all common ("kompetens",
    /// "utveckling"), where reading the lists for the documents and again for the scores,
    /// merged with the documents, was nearly half of the query.
    fn dense(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<(Vec<DocId>, Vec<Score>)> {
        let max_doc = reader.max_doc() as usize;
        let words = max_doc.div_ceil(64);
        let scoring = !self.weights.is_empty();
        let mut sums = if scoring { zeros(max_doc) } else { Vec::new() };
        let mut all = vec![u64::MAX; words];
        let mut weights = self.weights.iter();
        for terms in &self.parts {
            let mut bits = zeros(words);
            for term in terms {
                let weight = weights.next().map(|weight| weight.boost_by(boost));
                let index = reader.inverted_index(term.field())?;
                let option = if scoring {
                    IndexRecordOption::WithFreqs
                } else {
                    IndexRecordOption::Basic
                };
                let Some(mut block) = index.read_block_postings(term, option)? else {
                    continue;
                };
                let norms = reader.get_fieldnorms_reader(term.field())?;
                loop {
                    let docs = block.docs();
                    if docs.is_empty() {
                        break;
                    }
                    set_bits(&mut bits, docs);
                    if let Some(weight) = &weight {
                        for (&doc, &freq) in docs.iter().zip(block.freqs()) {
                            if let Some(sum) = sums.get_mut(doc as usize) {
                                *sum += weight.score(norms.fieldnorm_id(doc), freq);
                            }
                        }
                    }
                    block.advance();
                }
            }
            for (into, from) in all.iter_mut().zip(&bits) {
                *into &= from;
            }
        }
        let mut docs = Vec::new();
        let mut scores = Vec::new();
        for (at, &word) in all.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let doc = at * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if doc < max_doc {
                    docs.push(doc as DocId);
                    scores.push(if scoring { sums[doc] } else { boost });
                }
            }
        }
        Ok((docs, scores))
    }
}

/// One BM25 weight per part and field (in the order of `parts`, flattened) when scoring,
/// none when not: the weights [`part_scores`] sums with.
pub(crate) fn part_weights(
    parts: &[Vec<Term>],
    scoring: EnableScoring<'_>,
) -> tantivy::Result<Vec<Bm25Weight>> {
    match scoring {
        EnableScoring::Enabled {
            statistics_provider,
            ..
        } => parts
            .iter()
            .flatten()
            .map(|term| Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term)))
            .collect(),
        EnableScoring::Disabled { .. } => Ok(Vec::new()),
    }
}

/// The score of each of `docs` (ascending) for the terms of `parts` (per part, its term in
/// each field) with one BM25 weight each (in the same order): every term's score in every
/// document that holds it, summed in that order. Each list is read in order and merged
/// with `docs`, or sought for them when they are few beside its length. Shared by the
/// parts-anywhere and the parts-close-together clauses, so a document scores alike in both.
fn part_scores(
    reader: &SegmentReader,
    parts: &[Vec<Term>],
    weights: &[Bm25Weight],
    docs: &[DocId],
    boost: Score,
) -> tantivy::Result<Vec<Score>> {
    let mut scores = vec![0.0; docs.len()];
    if docs.is_empty() {
        return Ok(scores);
    }
    for (term, weight) in parts.iter().flatten().zip(weights) {
        let weight = weight.boost_by(boost);
        let index = reader.inverted_index(term.field())?;
        let Some(info) = index.get_term_info(term)? else {
            continue;
        };
        let norms = reader.get_fieldnorms_reader(term.field())?;
        if (docs.len() as u64) * SEEK_RATIO < u64::from(info.doc_freq) {
            let mut postings =
                index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
            for (score, &doc) in scores.iter_mut().zip(docs) {
                let mut at = postings.doc();
                if at < doc {
                    at = postings.seek(doc);
                }
                if at == TERMINATED {
                    break;
                }
                if at == doc {
                    *score += weight.score(norms.fieldnorm_id(doc), postings.term_freq());
                }
            }
            continue;
        }
        let mut block =
            index.read_block_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let mut at = 0;
        'blocks: loop {
            let found = block.docs();
            if found.is_empty() {
                break;
            }
            for (&doc, &freq) in found.iter().zip(block.freqs()) {
                while docs[at] < doc {
                    at += 1;
                    if at == docs.len() {
                        break 'blocks;
                    }
                }
                if docs[at] == doc {
                    scores[at] += weight.score(norms.fieldnorm_id(doc), freq);
                }
            }
            block.advance();
        }
    }
    Ok(scores)
}

/// A part whose lists are this many times shorter than the next part's leaves few enough
/// documents to seek the other lists for (see `AllWordsWeight::matching`).
const RARE_RATIO: u64 = 8;

/// A list this many times longer than the documents asked of it is sought for them rather
/// than read whole: a seek decodes at most one block of 128 postings, a whole read every
/// block.
const SEEK_RATIO: u64 = 16;

/// The documents holding `terms` (any of them), among those of `before` when given: every
/// block of every list read.
fn read_whole(
    reader: &SegmentReader,
    terms: &[Term],
    before: Option<&BitSet>,
) -> tantivy::Result<BitSet> {
    let mut part = BitSet::with_max_value(reader.max_doc());
    for term in terms {
        let index = reader.inverted_index(term.field())?;
        let Some(mut block) = index.read_block_postings(term, IndexRecordOption::Basic)? else {
            continue;
        };
        loop {
            let docs = block.docs();
            if docs.is_empty() {
                break;
            }
            match before {
                None => docs.iter().for_each(|&doc| {
                    part.insert(doc);
                }),
                Some(before) => docs
                    .iter()
                    .filter(|&&doc| before.contains(doc))
                    .for_each(|&doc| {
                        part.insert(doc);
                    }),
            }
            block.advance();
        }
    }
    Ok(part)
}

/// The documents of `before` that hold one of `terms`, each list sought for them.
fn sought(reader: &SegmentReader, terms: &[Term], before: &BitSet) -> tantivy::Result<BitSet> {
    let candidates: Vec<DocId> = {
        let mut list = Vec::with_capacity(before.len());
        let mut set = BitSetDocSet::from(before.clone());
        while set.doc() != TERMINATED {
            list.push(set.doc());
            set.advance();
        }
        list
    };
    let mut part = BitSet::with_max_value(reader.max_doc());
    for term in terms {
        let index = reader.inverted_index(term.field())?;
        let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)? else {
            continue;
        };
        for &doc in &candidates {
            let mut at = postings.doc();
            if at < doc {
                at = postings.seek(doc);
            }
            if at == TERMINATED {
                break;
            }
            if at == doc {
                part.insert(doc);
            }
        }
    }
    Ok(part)
}

impl Weight for AllWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(parts) = self.part_sizes(reader)? else {
            return Ok(Box::new(EmptyScorer));
        };
        // A rare part leaves few documents: the others' lists are sought for them.
        let rare = matches!(parts.as_slice(), [(first, _), (second, _), ..] if first * RARE_RATIO < *second);
        let (docs, scores) = if rare {
            let Some(docs) = self.matching(reader, &parts)? else {
                return Ok(Box::new(EmptyScorer));
            };
            let docs = {
                let mut list = Vec::with_capacity(docs.len());
                let mut set = BitSetDocSet::from(docs);
                while set.doc() != TERMINATED {
                    list.push(set.doc());
                    set.advance();
                }
                list
            };
            let scores = if self.weights.is_empty() {
                vec![boost; docs.len()]
            } else {
                part_scores(reader, &self.parts, &self.weights, &docs, boost)?
            };
            (docs, scores)
        } else {
            self.dense(reader, boost)?
        };
        if docs.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(AllWordsScorer {
            docs,
            scores,
            at: 0,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document #{doc} does not hold every part"
            )));
        }
        Ok(Explanation::new(
            "every compound part as a word (sum of their BM25 scores)",
            scorer.score(),
        ))
    }
}

/// The matching documents, in order, with their scores: what [`AllWordsWeight`] found.
struct AllWordsScorer {
    docs: Vec<DocId>,
    scores: Vec<Score>,
    /// Where in `docs` the scorer stands.
    at: usize,
}

impl DocSet for AllWordsScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let rest = &self.docs[self.at..];
        self.at += rest.partition_point(|&doc| doc < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

impl Scorer for AllWordsScorer {
    fn score(&mut self) -> Score {
        self.scores[self.at]
    }
}
