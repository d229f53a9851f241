//! Looking up one record by id, for `fynd show ID`.

use super::suggest::edit_distance;
use super::values::fold;
use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::record::ProjectRecord;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// Ids offered when the asked-for id does not exist.
const SIMILAR_IDS: usize = 5;

/// The record with id `id`. An id that differs only in case or diacritics from exactly one
/// indexed id finds that record; otherwise a missing id is a [`FyndError::NoRecord`] naming
/// the closest ids.
pub fn find_record(index: &FyndIndex, id: &str) -> Result<ProjectRecord, FyndError> {
    let reader = index.reader()?;
    find_record_with(index, &reader.searcher(), id)
}

/// [`find_record`] on `searcher` (of `index`), for a caller that keeps one reader open.
pub fn find_record_with(
    index: &FyndIndex,
    searcher: &Searcher,
    id: &str,
) -> Result<ProjectRecord, FyndError> {
    let searcher = searcher.clone();
    let id = id.trim();
    if let Some(record) = by_exact_id(index, &searcher, id)? {
        return Ok(record);
    }
    let ids = all_ids(index, &searcher)?;
    let folded = fold(id);
    let same: Vec<&String> = ids.iter().filter(|known| fold(known) == folded).collect();
    if let [only] = same.as_slice() {
        if let Some(record) = by_exact_id(index, &searcher, only)? {
            return Ok(record);
        }
    }
    let mut close: Vec<(usize, &String)> = ids
        .iter()
        .filter_map(|known| {
            let known_folded = fold(known);
            edit_distance(&folded, &known_folded, 3)
                .or_else(|| known_folded.contains(&folded).then_some(4))
                .map(|d| (d, known))
        })
        .collect();
    close.sort();
    Err(FyndError::NoRecord {
        id: id.to_string(),
        similar: close
            .into_iter()
            .take(SIMILAR_IDS)
            .map(|(_, known)| known.clone())
            .collect(),
    })
}

fn by_exact_id(
    index: &FyndIndex,
    searcher: &Searcher,
    id: &str,
) -> Result<Option<ProjectRecord>, FyndError> {
    let schema = &index.schema;
    let query = TermQuery::new(
        Term::from_field_text(schema.id, id),
        IndexRecordOption::Basic,
    );
    let top = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, address)) => Ok(Some(schema.read_record(searcher, *address)?)),
        None => Ok(None),
    }
}

fn all_ids(index: &FyndIndex, searcher: &Searcher) -> Result<Vec<String>, FyndError> {
    let mut ids = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(index.schema.id)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if let Ok(id) = std::str::from_utf8(stream.key()) {
                ids.push(id.to_string());
            }
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}
