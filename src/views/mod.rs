//! Research views over the match sets of [`crate::query`]: how a theme runs over time or
//! across funds and regions ([`trend`]), every occurrence of a word in context ([`kwic`]),
//! the projects most like one ([`similar`]) and the words written around a theme
//! ([`cooccur`]).
//!
//! Every view starts from a [`SearchRequest`] and counts over exactly the documents a search
//! with it matches (its `total`): the query is prepared and filtered the way
//! [`crate::query::search`] prepares it, so a view never disagrees with the hit list.

pub mod cooccur;
pub mod kwic;
pub mod similar;
pub mod terms;
pub mod trend;

use crate::error::FyndError;
use crate::index::FyndIndex;
use crate::query::{Prepared, SearchRequest};
use tantivy::query::Query;
use tantivy::Searcher;

/// The query of `request` with all its filters and ranges, as search counts its `total`,
/// with what the preparation found out (how facet values matched, corrections).
pub(crate) fn matching(
    index: &FyndIndex,
    searcher: &Searcher,
    request: &SearchRequest,
) -> Result<(Box<dyn Query>, Prepared), FyndError> {
    let prepared = Prepared::new(index, searcher, request)?;
    let query = prepared.with_filters(&index.schema, None);
    Ok((query, prepared))
}
