//! The plan of one search, made once from what the builder knew: the query text's shape in
//! types ([`TextQuery`]), the same query as one tantivy query, and — chosen in one place,
//! [`Plan::strategy`] — how its hits, total and counts are found.
//!
//! Every strategy (see [`super::strategy`]) finds the same match set; they differ only in
//! how much of it they read and score. Nothing downstream rediscovers the query's shape by
//! downcasting what the builder made.

use super::hit_tree::HitTree;
use super::sort::SortKey;
use super::strategy::{Collect, HitSets, Sideways, Strategy, TermWord, WordPage};
use super::word::WordQuery;
use super::SearchRequest;
use crate::schema::FacetKey;
use tantivy::query::{BooleanQuery, Occur, Query};

/// The query text as built, with the shape the strategies need kept in types.
#[derive(Debug)]
pub enum TextQuery {
    /// A bare word: its alternatives in every text field (its terms, and for a compound
    /// its parts close together, its folded and corrected forms).
    Word(WordQuery),
    /// Any of the parts ("samverkan OR samarbete"); scores summed over those that match.
    Any(Vec<TextQuery>),
    /// All of `must` and none of `must_not`; `must` is never empty (a query of exclusions
    /// only requires every document).
    All {
        /// Required parts.
        must: Vec<TextQuery>,
        /// Excluded parts.
        must_not: Vec<TextQuery>,
    },
    /// Anything else, as its own tantivy query: a phrase, a word in one field, an id, a
    /// facet value, a range, every document or none.
    Other(Box<dyn Query>),
}

impl TextQuery {
    /// The same query as one tantivy query: an "or" of the parts for [`TextQuery::Any`],
    /// required and excluded clauses for [`TextQuery::All`].
    pub fn to_query(&self) -> Box<dyn Query> {
        match self {
            TextQuery::Word(word) => Box::new(word.clone()),
            TextQuery::Any(parts) => Box::new(BooleanQuery::new(
                parts
                    .iter()
                    .map(|part| (Occur::Should, part.to_query()))
                    .collect(),
            )),
            TextQuery::All { must, must_not } => Box::new(BooleanQuery::new(
                must.iter()
                    .map(|part| (Occur::Must, part.to_query()))
                    .chain(
                        must_not
                            .iter()
                            .map(|part| (Occur::MustNot, part.to_query())),
                    )
                    .collect(),
            )),
            TextQuery::Other(query) => query.box_clone(),
        }
    }

    /// The word, when the query is one bare word whose alternatives are all terms.
    pub fn term_union_word(&self) -> Option<&WordQuery> {
        match self {
            TextQuery::Word(word) if word.is_term_union() => Some(word),
            _ => None,
        }
    }

    /// The alternatives the facet filters may narrow one by one (see
    /// [`super::filtered`]): a bare word's, or the parts of an "or".
    pub fn alternatives(&self) -> Option<Vec<Box<dyn Query>>> {
        match self {
            TextQuery::Word(word) => Some(word.alternatives()),
            TextQuery::Any(parts) if !parts.is_empty() => {
                Some(parts.iter().map(TextQuery::to_query).collect())
            }
            _ => None,
        }
    }
}

/// A search made ready to run: the text query in its shape and as one tantivy query.
pub struct Plan {
    /// The query text's shape.
    pub text: TextQuery,
    /// [`TextQuery::to_query`] of it, made once.
    pub query: Box<dyn Query>,
}

impl Plan {
    /// The plan of a text query.
    pub fn new(text: TextQuery) -> Plan {
        let query = text.to_query();
        Plan { text, query }
    }

    /// How `request` is run; `sideways` are the facets counted the sidebar way in the
    /// main pass. The one place a strategy is chosen; each branch says why.
    pub(crate) fn strategy(
        &self,
        request: &SearchRequest,
        sideways: Vec<(FacetKey, Vec<String>)>,
    ) -> Box<dyn Strategy + '_> {
        let page = match request.sort.key {
            // Sidebar counts need the collector to see the hits that fail one filter.
            _ if !sideways.is_empty() => return Box::new(Sideways { facets: sideways }),
            _ if request.limit == 0 => WordPage::None,
            SortKey::Field(field) => WordPage::ByField(field),
            SortKey::Relevance if request.sort.descending => WordPage::Best,
            // Worst first has no pruning to gain from sets: the collector sees every hit.
            SortKey::Relevance => return Box::new(Collect),
        };
        // One word of terms: bit sets per segment, the page by block-max WAND or a field.
        if let Some(word) = self.text.term_union_word() {
            return Box::new(TermWord { word, page });
        }
        // Several words: sets joined as the query joins them, scores only for the page.
        let tree = HitTree::of(&self.text);
        if tree.has_word() {
            return Box::new(HitSets { tree, page });
        }
        // No word to read as a set (a phrase, a compound alone, a range): the collector.
        Box::new(Collect)
    }
}
