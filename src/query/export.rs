//! Exporting every hit of a search, not just a page: the hits are ordered once (holding only
//! a score and an address per hit), then documents are loaded one at a time as the caller
//! writes them out, so the memory needed does not grow with the documents' size.

use super::snippet::{Passage, PassagePicker};
use super::values::ValueUsed;
use super::{Prepared, SearchRequest};
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::record::ProjectRecord;
use crate::schema::FyndSchema;
use tantivy::{DocAddress, Score, Searcher};

/// One exported hit: its score and the whole record.
#[derive(Clone, Debug)]
pub struct ExportedHit {
    /// Relevance score.
    pub score: Score,
    /// The record, body included.
    pub record: ProjectRecord,
    /// The best passage, when asked for.
    pub passage: Option<Passage>,
}

/// The hits of a search, loaded one by one as they are iterated.
pub struct HitStream {
    /// The query as given.
    pub query: String,
    /// Hits the query matches in all (before `--offset`).
    pub total: usize,
    /// How typed facet values were matched.
    pub values_used: Vec<ValueUsed>,
    /// Every key of `extra` a record of the index has, in order (the index keeps the list
    /// with each commit); `None` when the index does not know them.
    pub extra_keys: Option<Vec<String>>,
    searcher: Searcher,
    schema: FyndSchema,
    hits: std::vec::IntoIter<(Score, DocAddress)>,
    picker: Option<PassagePicker>,
}

impl HitStream {
    /// Hits left to deliver.
    pub fn remaining(&self) -> usize {
        self.hits.len()
    }

    /// Passes over the next `count` hits without loading their records.
    pub fn skip_hits(&mut self, count: usize) {
        if count > 0 {
            self.hits.nth(count - 1);
        }
    }
}

impl Iterator for HitStream {
    type Item = Result<ExportedHit, FyndError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (score, address) = self.hits.next()?;
        let load = || -> Result<ExportedHit, FyndError> {
            let record = self.schema.read_record(&self.searcher, address)?;
            let passage = self
                .picker
                .as_ref()
                .map(|p| p.pick_at(&self.searcher, address, &self.schema, &record));
            Ok(ExportedHit {
                score,
                record,
                passage,
            })
        };
        Some(load())
    }
}

/// Every hit of `request` from its offset on, in its order; at most `request.limit` hits
/// (pass `usize::MAX` for all). With `passages`, each hit carries its best passage.
pub fn export(
    index: &FyndIndex,
    request: &SearchRequest,
    passages: bool,
) -> Result<HitStream, FyndError> {
    let reader = index.reader()?;
    export_with(index, &reader.searcher(), request, passages)
}

/// The first `first` hits of `request` in its order (its offset and limit aside), as
/// [`export_with`] gives them, and the number of all hits: one top-k pass that also counts,
/// instead of ordering every hit, for a caller that reads only the head of the order and
/// falls back to [`export_with`] when it needs more.
pub fn export_first(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    first: usize,
) -> Result<HitStream, FyndError> {
    stream(index, searcher, request, false, |searcher, query| {
        let (page, total) =
            request
                .sort
                .top_docs_and(searcher, query, first, 0, tantivy::collector::Count)?;
        Ok((total, page))
    })
}

/// [`export`] on `searcher` (of `index`), for a caller that keeps one reader open.
pub fn export_with(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    passages: bool,
) -> Result<HitStream, FyndError> {
    stream(index, searcher, request, passages, |searcher, query| {
        let mut hits = request.sort.all_docs(searcher, query)?;
        let total = hits.len();
        hits.drain(..request.offset.min(total));
        hits.truncate(request.limit);
        Ok((total, hits))
    })
}

/// The stream of the hits `pick` gives (with the number of all hits) for `request`'s
/// query and filters on `searcher`. The hits are picked under the request's deadline;
/// once they are, the stream is not cut off (a server has started sending it).
fn stream(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
    passages: bool,
    pick: impl FnOnce(
        &Searcher,
        &dyn tantivy::query::Query,
    ) -> tantivy::Result<(usize, Vec<(Score, DocAddress)>)>,
) -> Result<HitStream, FyndError> {
    let schema = &index.schema;
    let searcher = searcher.clone();
    let prepared = Prepared::new(index, &searcher, request)?;
    let query = prepared.with_filters(schema, None);
    let picked = pick(&searcher, &*query).map_err(FyndError::from);
    let (total, hits) = request.deadline.finish(picked)?;
    let picker = passages.then(|| PassagePicker::new(index, &searcher, prepared.parsed.as_ref()));
    Ok(HitStream {
        query: request.query.clone(),
        total,
        values_used: prepared.values_used,
        extra_keys: index.extra_keys(),
        searcher,
        schema: schema.clone(),
        hits: hits.into_iter(),
        picker,
    })
}
