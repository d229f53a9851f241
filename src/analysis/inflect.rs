//! Inflection normalisation: makes every form of a word meet in one term where Snowball
//! Swedish alone splits them ("myndighet" → "myndig" but "myndigheternas" → "myndighet";
//! "projekt" → "projek" but "projektet" → "projektet").
//!
//! The table is learned from a vocabulary (the indexed corpus plus the base lexicon): word
//! forms that share a base under a Swedish inflection ending ("myndighet" + "erna",
//! "projekt" + "et") belong to one word; when their Snowball stems differ, the stems are
//! joined and all of them are mapped to the shortest. Only stems that actually split in
//! the vocabulary are in the table, so it stays small.

use super::fasthash::FastSet;
use super::stem::SwedishStemmer;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Swedish noun and adjective endings (definite, plural, genitive) that a base word can
/// take; the empty ending is the base itself.
pub const INFLECTIONS: [&str; 28] = [
    "", "s", "n", "ns", "en", "ens", "et", "ets", "er", "ers", "ar", "ars", "or", "ors", "na",
    "nas", "erna", "ernas", "arna", "arnas", "orna", "ornas", "a", "as", "e", "es", "t", "ts",
];

/// Shortest base (in characters) that inflection endings are stripped to; shorter bases
/// join unrelated words ("bar" + "n").
pub const MIN_BASE_CHARS: usize = 4;

/// Groups of forms in `vocabulary` that share a base under [`INFLECTIONS`], with the
/// Snowball stems of the forms; each group is the forms of one candidate word.
///
/// Only bases with two forms or more are kept. They are found from the words themselves
/// (each word's candidate bases, each base's forms looked up in a set of the vocabulary),
/// so memory stays proportional to the vocabulary, not to every candidate base of every
/// word (a million-document corpus has millions of words).
pub fn form_groups<'a>(
    vocabulary: impl Iterator<Item = &'a str>,
) -> BTreeMap<String, Vec<&'a str>> {
    let words: Vec<&'a str> = vocabulary
        .filter(|word| word.chars().all(char::is_alphabetic))
        .collect();
    let present: FastSet<&'a str> = words.iter().copied().collect();
    let mut groups: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
    let mut candidate = String::new();
    let mut forms: Vec<&'a str> = Vec::with_capacity(INFLECTIONS.len());
    for &word in &words {
        for ending in INFLECTIONS {
            let Some(base) = word.strip_suffix(ending) else {
                continue;
            };
            if base.chars().count() < MIN_BASE_CHARS {
                continue;
            }
            forms.clear();
            for other in INFLECTIONS {
                candidate.clear();
                candidate.push_str(base);
                candidate.push_str(other);
                if let Some(&form) = present.get(candidate.as_str()) {
                    forms.push(form);
                }
            }
            // Each base once: from its first form.
            if forms.len() >= 2 && forms[0] == word {
                groups.insert(base.to_string(), forms.clone());
            }
        }
    }
    groups
}

/// Learns the stem → canonical stem table from a vocabulary of lower-cased words.
pub fn learn<'a>(
    vocabulary: impl Iterator<Item = &'a str>,
    stemmer: &SwedishStemmer,
) -> HashMap<String, String> {
    let words: Vec<&str> = vocabulary.collect();
    let present: HashSet<&str> = words.iter().copied().collect();
    let mut parent: HashMap<String, String> = HashMap::new();
    fn find(parent: &mut HashMap<String, String>, stem: &str) -> String {
        let mut root = stem.to_string();
        while let Some(up) = parent.get(&root) {
            if *up == root {
                break;
            }
            root = up.clone();
        }
        root
    }
    for (base, forms) in form_groups(words.iter().copied()) {
        // A group counts only when its base is a word of the vocabulary too, or when it has
        // three forms: two forms alone ("handel", "handen") are too weak a sign.
        if !present.contains(base.as_str()) && forms.len() < 3 {
            continue;
        }
        let mut stems: Vec<String> = forms.iter().map(|form| stemmer.stem(form)).collect();
        stems.sort();
        stems.dedup();
        if stems.len() < 2 {
            continue;
        }
        let roots: Vec<String> = stems.iter().map(|s| find(&mut parent, s)).collect();
        let canonical = roots
            .iter()
            .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
            .cloned()
            .expect("at least two stems");
        for (stem, root) in stems.iter().zip(&roots) {
            parent.insert(root.clone(), canonical.clone());
            parent.insert(stem.clone(), canonical.clone());
        }
    }
    let keys: Vec<String> = parent.keys().cloned().collect();
    keys.into_iter()
        .filter_map(|stem| {
            let root = find(&mut parent, &stem);
            (root != stem).then_some((stem, root))
        })
        .collect()
}

/// How often the forms of one word split across Snowball stems in a vocabulary: the
/// number of words (form groups whose base is itself in the vocabulary) and how many of
/// them have forms on more than one term under `term`. A form counts under its base only.
pub fn split_rate<'a>(
    vocabulary: impl Iterator<Item = &'a str> + Clone,
    term: impl Fn(&str) -> String,
) -> (usize, usize) {
    let present: HashSet<&str> = vocabulary.clone().collect();
    let groups = form_groups(vocabulary);
    // A word's inflected form ("myndigheterna") heads a group of its own; count each word
    // once, under its base form.
    let inflected: HashSet<&str> = groups
        .iter()
        .filter(|(base, _)| present.contains(base.as_str()))
        .flat_map(|(base, forms)| forms.iter().copied().filter(move |f| f != base))
        .collect();
    let mut words = 0;
    let mut split = 0;
    for (base, forms) in &groups {
        if !present.contains(base.as_str()) || inflected.contains(base.as_str()) {
            continue;
        }
        words += 1;
        let first = term(forms[0]);
        if forms[1..].iter().any(|form| term(form) != first) {
            split += 1;
        }
    }
    (words, split)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_that_snowball_splits_are_joined() {
        let stemmer = SwedishStemmer::new();
        let vocabulary = [
            "myndighet",
            "myndigheten",
            "myndigheterna",
            "myndigheternas",
            "myndighets",
            "projekt",
            "projekten",
            "projektet",
            "arbetsmarknad",
            "arbetsmarknaden",
            "kommun",
            "kommuner",
        ];
        let table = learn(vocabulary.iter().copied(), &stemmer);
        let term = |w: &str| {
            let stem = stemmer.stem(w);
            table.get(&stem).cloned().unwrap_or(stem)
        };
        for group in [
            &vocabulary[0..5],
            &vocabulary[5..8],
            &vocabulary[8..10],
            &vocabulary[10..12],
        ] {
            assert!(group.iter().all(|w| term(w) == term(group[0])), "{group:?}");
        }
        assert_ne!(term("myndighet"), term("projekt"));
        let (words, split) = split_rate(vocabulary.iter().copied(), |w| stemmer.stem(w));
        assert_eq!((words, split), (4, 3));
        assert_eq!(split_rate(vocabulary.iter().copied(), term), (4, 0));
    }
}
