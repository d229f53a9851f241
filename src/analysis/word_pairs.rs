//! A small table from words to words (a stem to its canonical stem, a form to its stem),
//! held as one list sorted by key and searched by halving.
//!
//! The lexicon's inflection tables are read from the index on every command that opens it,
//! and looked up once per new word analysed: read into a list they are appended in the
//! order saved (sorted already), where a hash map hashed every key again at each of its
//! growths, in fresh memory. A lookup halves a few thousand keys at most.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;

/// Words to words, sorted by key, each key once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordPairs(Vec<(Box<str>, Box<str>)>);

impl WordPairs {
    /// The word `key` maps to, if any.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| k.as_ref().cmp(key))
            .ok()
            .map(|at| self.0[at].1.as_ref())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v.as_ref()))
    }

    /// The table of `pairs` in any order; of two pairs with one key, the later is kept.
    fn from_pairs(mut pairs: Vec<(Box<str>, Box<str>)>) -> WordPairs {
        if !pairs.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable, so that the later of two equal keys stays last.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            pairs.reverse();
            pairs.dedup_by(|later, earlier| later.0 == earlier.0);
            pairs.reverse();
        }
        WordPairs(pairs)
    }
}

impl From<HashMap<String, String>> for WordPairs {
    fn from(map: HashMap<String, String>) -> WordPairs {
        WordPairs::from_pairs(
            map.into_iter()
                .map(|(k, v)| (k.into_boxed_str(), v.into_boxed_str()))
                .collect(),
        )
    }
}

/// Saved as a JSON object, keys in order (one table is always the same text).
impl Serialize for WordPairs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Read from a JSON object of strings, in whatever order its keys come.
impl<'de> Deserialize<'de> for WordPairs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WordPairs, D::Error> {
        struct PairsVisitor;
        impl<'de> Visitor<'de> for PairsVisitor {
            type Value = WordPairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of words to words")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WordPairs, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    pairs.push((key.into_boxed_str(), value.into_boxed_str()));
                }
                Ok(WordPairs::from_pairs(pairs))
            }
        }
        deserializer.deserialize_map(PairsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_read_in_any_order_finds_every_key_and_keeps_the_later_of_two() {
        let json = r#"{"fas": "fasad", "arbet": "arbete", "bygg": "bygge", "arbet": "arbeta"}"#;
        let pairs: WordPairs = serde_json::from_str(json).unwrap();
        assert_eq!(pairs.len(), 3);
        assert_eq!(pairs.get("arbet"), Some("arbeta"));
        assert_eq!(pairs.get("fas"), Some("fasad"));
        assert_eq!(pairs.get("bygg"), Some("bygge"));
        assert_eq!(pairs.get("byg"), None);
        // Saved in key order, and read back the same.
        let saved = serde_json::to_string(&pairs).unwrap();
        assert_eq!(saved, r#"{"arbet":"arbeta","bygg":"bygge","fas":"fasad"}"#);
        assert_eq!(serde_json::from_str::<WordPairs>(&saved).unwrap(), pairs);
    }
}
