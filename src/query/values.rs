//! Facet values as users type them: `--filter region=ovre norrland` or `fond:esf+` find the
//! indexed value ("Övre Norrland", "ESF+") whatever the case and with or without diacritics,
//! and the answer reports which value was used.

use crate::error::FyndError;
use crate::schema::{FacetKey, FyndSchema};
use serde::Serialize;
use std::collections::BTreeSet;
use tantivy::schema::Facet;
use tantivy::Searcher;

/// How a typed facet value was matched against the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueUsed {
    /// The facet key (canonical name).
    pub key: String,
    /// The value as the user typed it.
    pub typed: String,
    /// The indexed values it matched (empty: none; then nothing matches it).
    pub used: Vec<String>,
    /// When it matched none: indexed values that look like it (containing it, or a couple
    /// of letters off), best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub close: Vec<String>,
}

/// `text` lower-cased, without diacritics and with runs of white space made one space, so
/// that "Övre  Norrland", "övre norrland" and "Ovre Norrland" compare equal.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            match c {
                'å' | 'ä' | 'à' | 'á' | 'â' | 'ã' => out.push('a'),
                'ö' | 'ø' | 'ò' | 'ó' | 'ô' | 'õ' => out.push('o'),
                'é' | 'è' | 'ê' | 'ë' => out.push('e'),
                'ü' | 'ú' | 'ù' | 'û' => out.push('u'),
                'í' | 'ì' | 'î' | 'ï' => out.push('i'),
                'ç' => out.push('c'),
                'ñ' => out.push('n'),
                'ý' | 'ÿ' => out.push('y'),
                'æ' => out.push_str("ae"),
                c => out.push(c),
            }
        }
    }
    out
}

/// Every value facet `key` has in the index, read from the term dictionaries (no documents
/// are loaded), sorted.
pub fn indexed_values(
    searcher: &Searcher,
    schema: &FyndSchema,
    key: FacetKey,
) -> Result<Vec<String>, FyndError> {
    let field = schema.facet(key);
    let mut values = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            if let Ok(facet) = Facet::from_encoded(stream.key().to_vec()) {
                values.insert(facet.to_path().concat());
            }
        }
    }
    Ok(values.into_iter().collect())
}

/// The indexed values `typed` stands for: itself when indexed exactly; otherwise every value
/// that is equal after [`fold`]ing (usually one).
pub fn resolve(values: &[String], key: FacetKey, typed: &str) -> ValueUsed {
    let typed_trimmed = typed.trim();
    let used = if values.iter().any(|v| v == typed_trimmed) {
        vec![typed_trimmed.to_string()]
    } else {
        let folded = fold(typed_trimmed);
        values
            .iter()
            .filter(|value| fold(value) == folded)
            .cloned()
            .collect()
    };
    let close = if used.is_empty() {
        close_values(values, typed_trimmed)
    } else {
        Vec::new()
    };
    ValueUsed {
        key: key.name().to_string(),
        typed: typed.to_string(),
        used,
        close,
    }
}

/// Values offered for one that matched nothing.
const CLOSE_VALUES: usize = 5;

/// Indexed values within two edits of `typed` or containing it (after folding), fewest
/// edits first.
fn close_values(values: &[String], typed: &str) -> Vec<String> {
    let folded = fold(typed);
    if folded.is_empty() {
        return Vec::new();
    }
    let mut close: Vec<(usize, &String)> = values
        .iter()
        .filter_map(|value| {
            let value_folded = fold(value);
            super::suggest::edit_distance(&folded, &value_folded, 2)
                .or_else(|| value_folded.contains(&folded).then_some(3))
                .map(|distance| (distance, value))
        })
        .collect();
    close.sort();
    close
        .into_iter()
        .take(CLOSE_VALUES)
        .map(|(_, value)| value.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_diacritics_do_not_matter_but_exact_wins() {
        assert_eq!(fold("Övre  Norrland"), "ovre norrland");
        assert_eq!(fold("ÅSELE Kommun"), "asele kommun");
        let values: Vec<String> = ["ESF", "ESF+", "Övre Norrland", "Ovre Norrland", "Skåne"]
            .map(String::from)
            .to_vec();
        assert_eq!(resolve(&values, FacetKey::Fund, "esf+").used, vec!["ESF+"]);
        assert_eq!(resolve(&values, FacetKey::Fund, "ESF").used, vec!["ESF"]);
        assert_eq!(
            resolve(&values, FacetKey::Region, "Övre Norrland").used,
            vec!["Övre Norrland"]
        );
        assert_eq!(
            resolve(&values, FacetKey::Region, "övre norrland").used,
            vec!["Övre Norrland", "Ovre Norrland"]
        );
        assert_eq!(
            resolve(&values, FacetKey::Region, "skane").used,
            vec!["Skåne"]
        );
        assert!(resolve(&values, FacetKey::Region, "Gotland")
            .used
            .is_empty());
    }
}
