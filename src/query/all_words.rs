//! A compound's parts as words of their own: documents that hold every part ("myndighet",
//! "samverkan") in some text field, each part in any of them. As a conjunction of
//! per-field unions this was the most expensive clause of a compound query: tantivy's
//! buffered union fills and scores a window of 4 096 documents at every seek, so the
//! common part's lists were scored nearly in full behind the rare one. Here each part's
//! lists are read block by block into a bit set (document ids only, nothing scored), the
//! sets are intersected, and only the documents of the result are scored, in a second
//! sequential read of the lists. The score is what the conjunction of unions gave: the sum
//! of every part's BM25 score in every field that holds it.

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
        let weights = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => self
                .parts
                .iter()
                .flatten()
                .map(|term| Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(term)))
                .collect::<tantivy::Result<_>>()?,
            EnableScoring::Disabled { .. } => Vec::new(),
        };
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

struct AllWordsWeight {
    parts: Vec<Vec<Term>>,
    /// One BM25 weight per part and field (in the order of `parts`), when scoring.
    weights: Vec<Bm25Weight>,
}

impl AllWordsWeight {
    /// The documents of `reader` holding every part; None when none does.
    fn matching(&self, reader: &SegmentReader) -> tantivy::Result<Option<BitSet>> {
        let max_doc = reader.max_doc();
        let mut found: Option<BitSet> = None;
        for terms in &self.parts {
            let mut part = BitSet::with_max_value(max_doc);
            for term in terms {
                let index = reader.inverted_index(term.field())?;
                let Some(mut block) = index.read_block_postings(term, IndexRecordOption::Basic)?
                else {
                    continue;
                };
                loop {
                    let docs = block.docs();
                    if docs.is_empty() {
                        break;
                    }
                    match &found {
                        None => docs.iter().for_each(|&doc| {
                            part.insert(doc);
                        }),
                        Some(before) => {
                            docs.iter()
                                .filter(|&&doc| before.contains(doc))
                                .for_each(|&doc| {
                                    part.insert(doc);
                                })
                        }
                    }
                    block.advance();
                }
            }
            if part.len() == 0 {
                return Ok(None);
            }
            found = Some(part);
        }
        Ok(found)
    }

    /// The score of each of `docs` (in order), each part's BM25 score in each field summed:
    /// the lists read again in order, merged with `docs`.
    fn scores(
        &self,
        reader: &SegmentReader,
        docs: &[DocId],
        boost: Score,
    ) -> tantivy::Result<Vec<Score>> {
        let mut scores = vec![0.0; docs.len()];
        for (term, weight) in self.parts.iter().flatten().zip(&self.weights) {
            let weight = weight.boost_by(boost);
            let index = reader.inverted_index(term.field())?;
            let Some(mut block) = index.read_block_postings(term, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            let norms = reader.get_fieldnorms_reader(term.field())?;
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
}

impl Weight for AllWordsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let Some(docs) = self.matching(reader)? else {
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
            self.scores(reader, &docs, boost)?
        };
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

/// The matching documents, in order, with their scores.
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
