//! From the parsed query to a tantivy query: each word is analysed with the same Swedish
//! chain as the documents and looked up in every text field, title weighted highest.

use super::parse::{Occur, QueryNode};
use crate::analysis::analyze;
use crate::schema::{facet_for, FacetKey, FyndSchema};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Text fields a bare word is looked up in, with their weights: a match in the title
/// counts twice a match in the body; partner names count half.
pub const TEXT_FIELDS: [(&str, f32); 4] = [
    ("title", 2.0),
    ("owner", 1.0),
    ("body", 1.0),
    ("partners", 0.5),
];

/// Weight of an exact id match for a bare word ("23-023-S06" finds that record first).
const ID_BOOST: f32 = 10.0;

/// Field names allowed before a colon in a query: the text fields, `id`, and the facets.
pub fn query_fields() -> Vec<&'static str> {
    let mut fields: Vec<&str> = TEXT_FIELDS.iter().map(|(name, _)| *name).collect();
    fields.push("id");
    for key in FacetKey::ALL {
        if !fields.contains(&key.name()) {
            fields.push(key.name());
        }
    }
    fields
}

/// Turns a parsed query into a tantivy query over `schema`. `None` when nothing in it is
/// searchable (only punctuation, say).
pub fn build(schema: &FyndSchema, node: &QueryNode) -> Option<Box<dyn Query>> {
    match node {
        QueryNode::Word { field, text, .. } | QueryNode::Phrase { field, text, .. } => {
            field_query(schema, field.as_deref(), text)
        }
        QueryNode::Range { filter, .. } => Some(filter.query(schema)),
        QueryNode::Any(options) => {
            let clauses: Vec<_> = options
                .iter()
                .filter_map(|option| build(schema, option))
                .map(|query| (tantivy::query::Occur::Should, query))
                .collect();
            (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
        }
        QueryNode::All(clauses) => {
            let mut built: Vec<(tantivy::query::Occur, Box<dyn Query>)> = clauses
                .iter()
                .filter_map(|(occur, node)| {
                    let occur = match occur {
                        Occur::Must => tantivy::query::Occur::Must,
                        Occur::MustNot => tantivy::query::Occur::MustNot,
                    };
                    build(schema, node).map(|query| (occur, query))
                })
                .collect();
            if built.is_empty() {
                return None;
            }
            if built
                .iter()
                .all(|(occur, _)| *occur == tantivy::query::Occur::MustNot)
            {
                built.push((tantivy::query::Occur::Must, Box::new(AllQuery)));
            }
            if built.len() == 1 {
                return built.pop().map(|(_, query)| query);
            }
            Some(Box::new(BooleanQuery::new(built)))
        }
    }
}

fn field_query(schema: &FyndSchema, field: Option<&str>, text: &str) -> Option<Box<dyn Query>> {
    match field {
        None => {
            let mut clauses: Vec<(tantivy::query::Occur, Box<dyn Query>)> = TEXT_FIELDS
                .iter()
                .filter_map(|(name, boost)| {
                    let query = text_query(text_field(schema, name), text)?;
                    Some((
                        tantivy::query::Occur::Should,
                        Box::new(BoostQuery::new(query, *boost)) as Box<dyn Query>,
                    ))
                })
                .collect();
            if clauses.is_empty() {
                return None;
            }
            let id = TermQuery::new(
                Term::from_field_text(schema.id, text.trim()),
                IndexRecordOption::Basic,
            );
            clauses.push((
                tantivy::query::Occur::Should,
                Box::new(BoostQuery::new(Box::new(id), ID_BOOST)),
            ));
            Some(Box::new(BooleanQuery::new(clauses)))
        }
        Some("id") => Some(Box::new(TermQuery::new(
            Term::from_field_text(schema.id, text.trim()),
            IndexRecordOption::Basic,
        ))),
        Some(name) if TEXT_FIELDS.iter().any(|(text_name, _)| *text_name == name) => {
            text_query(text_field(schema, name), text)
        }
        Some(name) => {
            let key = FacetKey::parse(name)?;
            Some(Box::new(TermQuery::new(
                Term::from_facet(schema.facet(key), &facet_for(text.trim())),
                IndexRecordOption::Basic,
            )))
        }
    }
}

fn text_field(schema: &FyndSchema, name: &str) -> Field {
    match name {
        "title" => schema.title,
        "owner" => schema.owner_text,
        "partners" => schema.partners,
        _ => schema.body,
    }
}

/// One word or several: a term query for one analysed term, a phrase query for more (a
/// word like "ESF-rådet" analyses to two terms that must stand together).
fn text_query(field: Field, text: &str) -> Option<Box<dyn Query>> {
    let terms = analyze(text);
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &terms[0].term),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new_with_offset(
            terms
                .iter()
                .map(|term| (term.position, Term::from_field_text(field, &term.term)))
                .collect(),
        ))),
    }
}
