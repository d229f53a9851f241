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

/// What [`learn`] finds: the stems to join, and the forms that must leave their Snowball
/// stem to another word.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InflectionTable {
    /// Snowball stem → canonical stem, for stems that split one word's forms.
    pub stems: HashMap<String, String>,
    /// Form → canonical stem, for a form whose Snowball stem is another word's
    /// ("fasad" → "fas", the stem of "fas", "faser"): the form joins its own word's other
    /// forms ("fasaden" → "fasad") and the stem stays the other word's.
    pub words: HashMap<String, String>,
}

/// Learns the inflection table from a vocabulary of lower-cased words.
///
/// The forms of one word (a group of [`form_groups`]) whose Snowball stems differ are
/// joined under the shortest stem. A stem that is *another word* is never joined: a base
/// form of the vocabulary, with forms of its own, that Snowball leaves as it is and that
/// shares no form with this word (groups that share a form are one word). Snowball strips -ad from "fasad" and gives it "fas"
/// (phase), and joining there would make every form of "fasad" a form of "fas". The forms
/// on such a stem get their word's canonical stem one by one ([`InflectionTable::words`]).
pub fn learn<'a>(
    vocabulary: impl Iterator<Item = &'a str>,
    stemmer: &SwedishStemmer,
) -> InflectionTable {
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
    // A group counts only when its base is a word of the vocabulary too, or when it has
    // three forms: two forms alone ("handel", "handen") are too weak a sign.
    let groups: Vec<(String, Vec<&str>)> = form_groups(words.iter().copied())
        .into_iter()
        .filter(|(base, forms)| present.contains(base.as_str()) || forms.len() >= 3)
        .collect();
    // Groups that share a form are forms of one word ("kommunerna" is under "kommun" and
    // under "kommunern"): each group's word, as the smallest group index reached.
    let mut word_of: Vec<usize> = (0..groups.len()).collect();
    fn root(word_of: &mut [usize], mut group: usize) -> usize {
        while word_of[group] != group {
            word_of[group] = word_of[word_of[group]];
            group = word_of[group];
        }
        group
    }
    let mut group_of_form: HashMap<&str, usize> = HashMap::new();
    for (index, (_, forms)) in groups.iter().enumerate() {
        for &form in forms {
            let other = *group_of_form.entry(form).or_insert(index);
            let (a, b) = (root(&mut word_of, index), root(&mut word_of, other));
            word_of[a.max(b)] = a.min(b);
        }
    }
    // A stem is another word's when it is a word of the vocabulary that Snowball leaves as
    // it is ("fas") and that is no form of this word: in no group, or in another word's,
    // and no base of this word's forms.
    // Each group's forms with their stems, stemmed once.
    let group_stems: Vec<Vec<(&str, String)>> = groups
        .iter()
        .map(|(_, forms)| {
            forms
                .iter()
                .map(|&form| (form, stemmer.stem(form)))
                .collect()
        })
        .collect();
    let mut another_word: HashMap<&str, Option<usize>> = HashMap::new();
    let mut checked: HashSet<&str> = HashSet::new();
    for (_, stem) in group_stems.iter().flatten() {
        if let Some(&word) = present.get(stem.as_str()) {
            if checked.insert(word) && stemmer.stem(word) == word {
                let group = group_of_form.get(word).map(|&g| root(&mut word_of, g));
                another_word.insert(word, group);
            }
        }
    }
    let mut moved: Vec<(&str, String)> = Vec::new();
    for (index, ((_, forms), form_stems)) in groups.iter().zip(&group_stems).enumerate() {
        let word = root(&mut word_of, index);
        // A stem that some form of this word inflects ("mål" of "målet", "målen") is this
        // word's base, even a base too short to head a group.
        let another_words = |stem: &str| {
            another_word
                .get(stem)
                .is_some_and(|&other| other != Some(word))
                && !forms.iter().any(|form| {
                    form.strip_prefix(stem)
                        .is_some_and(|ending| INFLECTIONS.contains(&ending))
                })
        };
        let mut stems: Vec<&str> = form_stems
            .iter()
            .map(|(_, stem)| stem.as_str())
            .filter(|stem| !another_words(stem))
            .collect();
        let foreign = form_stems.iter().any(|(_, stem)| another_words(stem));
        stems.sort_unstable();
        stems.dedup();
        if stems.is_empty() || (stems.len() < 2 && !foreign) {
            continue;
        }
        let roots: Vec<String> = stems.iter().map(|s| find(&mut parent, s)).collect();
        let canonical = roots
            .iter()
            .min_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)))
            .cloned()
            .expect("at least one stem");
        for (stem, root) in stems.iter().zip(&roots) {
            parent.insert(root.clone(), canonical.clone());
            parent.insert(stem.to_string(), canonical.clone());
        }
        for (form, stem) in form_stems {
            if another_words(stem) {
                moved.push((form, canonical.clone()));
            }
        }
    }
    let keys: Vec<String> = parent.keys().cloned().collect();
    let stems = keys
        .into_iter()
        .filter_map(|stem| {
            let root = find(&mut parent, &stem);
            (root != stem).then_some((stem, root))
        })
        .collect();
    let mut words: HashMap<String, String> = moved
        .into_iter()
        .map(|(form, canonical)| (form.to_string(), find(&mut parent, &canonical)))
        .collect();
    for (form, verb) in verb_homographs(&present) {
        words.entry(form).or_insert(verb);
    }
    InflectionTable { stems, words }
}

/// The term [`verb_homographs`] gives the verb spelt like `noun` (a word in -a): its past
/// tense, "bana" → "banade". A query for the noun must not add it back as an inflection.
pub fn verb_term(noun: &str) -> Option<String> {
    noun.strip_suffix('a').map(|base| format!("{base}ade"))
}

/// Plural endings of a Swedish noun in -a of the first declension ("bana", "banor").
const FIRST_DECLENSION_PLURALS: [&str; 4] = ["or", "orna", "ornas", "ors"];

/// Endings of a first-conjugation verb (present, past, supine and their s-passives) that
/// no noun in -a takes.
pub const FIRST_CONJUGATION_ENDINGS: [&str; 5] = ["ar", "ade", "ades", "at", "ats"];

/// The forms of verbs written like a first-declension noun ("bana väg", "hälsade på",
/// "frågade") with the verb's own term: its past tense ("banade").
///
/// Snowball strips -a, -or, -ar, -ade and -at alike, so the noun "bana" (a track: banan,
/// banor) and the verb "bana" (banar, banade, banat) get one stem, and a count of railway
/// projects would include every project that "banade väg" for something. A word in -a
/// whose vocabulary shows a first-declension plural (-or, -orna) is a noun, and no form of
/// that noun ends in -ar, -ade or -at: those forms are a verb's, another word. The bare
/// form ("bana") and -as (the noun's genitive, the verb's passive) stay with the noun, since
/// the word alone cannot tell which it is. A form in -ar is left alone when the base
/// without -a is a word of the vocabulary, whose plural it may be ("mask", "maskar").
pub fn verb_homographs(present: &HashSet<&str>) -> Vec<(String, String)> {
    let mut moved = Vec::new();
    let mut form = String::new();
    for &noun in present {
        let Some(base) = noun.strip_suffix('a') else {
            continue;
        };
        if base.chars().count() < 3 || !base.chars().all(char::is_alphabetic) {
            continue;
        }
        let is_noun = FIRST_DECLENSION_PLURALS.iter().any(|plural| {
            form.clear();
            form.push_str(base);
            form.push_str(plural);
            present.contains(form.as_str())
        });
        if !is_noun {
            continue;
        }
        let verb = verb_term(noun).expect("a word in -a");
        for ending in FIRST_CONJUGATION_ENDINGS {
            if ending == "ar" && present.contains(base) {
                continue;
            }
            form.clear();
            form.push_str(base);
            form.push_str(ending);
            if present.contains(form.as_str()) {
                moved.push((form.clone(), verb.clone()));
            }
        }
    }
    moved
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

    /// The term `table` gives word `w`, as the lexicon looks it up: the form table first,
    /// then the Snowball stem through the stem table.
    fn term_of(table: &InflectionTable, stemmer: &SwedishStemmer, w: &str) -> String {
        match table.words.get(w) {
            Some(term) => term.clone(),
            None => {
                let stem = stemmer.stem(w);
                table.stems.get(&stem).cloned().unwrap_or(stem)
            }
        }
    }

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
            if let Some(term) = table.words.get(w) {
                return term.clone();
            }
            let stem = stemmer.stem(w);
            table.stems.get(&stem).cloned().unwrap_or(stem)
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

    #[test]
    fn a_form_whose_stem_is_another_word_joins_its_own_word_only() {
        // Properties: a word's forms meet in one term; a stem that is another word
        // ("fas", "möjlig") keeps that word's forms only; a stem that this word's forms
        // inflect ("sid" of "sida", "sidor") is this word's base, even too short to head a
        // group.
        let stemmer = SwedishStemmer::keeping_derivations();
        let vocabulary = [
            "fas",
            "fasen",
            "faser",
            "fasad",
            "fasaden",
            "fasader",
            "sid",
            "sida",
            "sidan",
            "sidor",
            "möjlig",
            "möjliga",
            "möjligt",
            "möjlighet",
            "möjligheten",
            "möjligheter",
            "möjligheternas",
        ];
        let table = learn(vocabulary.iter().copied(), &stemmer);
        let term = |w: &str| term_of(&table, &stemmer, w);
        // Snowball alone gives "fasad" the stem of "fas".
        assert_eq!(stemmer.stem("fasad"), stemmer.stem("fas"));
        for word in [
            &["fasad", "fasaden", "fasader"][..],
            &["fas", "fasen", "faser"],
            &["sida", "sidan", "sidor"],
            &["möjlig", "möjliga", "möjligt"],
            &["möjlighet", "möjligheten", "möjligheter"],
        ] {
            let terms: Vec<String> = word.iter().map(|w| term(w)).collect();
            assert!(terms.iter().all(|t| *t == terms[0]), "{word:?}: {terms:?}");
        }
        assert_ne!(term("fasad"), term("fas"));
        assert_ne!(term("möjlighet"), term("möjlig"));
    }

    #[test]
    fn a_verb_written_like_a_noun_in_a_keeps_its_own_forms() {
        // Properties: the forms of a first-declension noun meet in one term; the -ar, -ade,
        // -at forms of the verb spelt like it meet in another; a word in -a without a
        // plural in -or is no noun, and its verb forms stay on its stem; -ar stays when
        // it may be the plural of the base as a word of its own.
        let stemmer = SwedishStemmer::keeping_derivations();
        let vocabulary = [
            "bana", "banan", "banor", "banorna", "banar", "banade", "banat", "banats", "testa",
            "testar", "testade", "testat", "mask", "maskar", "maska", "maskor", "maskade",
        ];
        let table = learn(vocabulary.iter().copied(), &stemmer);
        let term = |w: &str| term_of(&table, &stemmer, w);
        assert_eq!(stemmer.stem("banade"), stemmer.stem("bana"));
        for word in [
            &["bana", "banan", "banor", "banorna"][..],
            &["banar", "banade", "banat", "banats"],
            &["testa", "testar", "testade", "testat"],
            &["mask", "maskar"],
        ] {
            let terms: Vec<String> = word.iter().map(|w| term(w)).collect();
            assert!(terms.iter().all(|t| *t == terms[0]), "{word:?}: {terms:?}");
        }
        assert_ne!(term("bana"), term("banade"));
        assert_ne!(term("maska"), term("maskade"));
    }
}
