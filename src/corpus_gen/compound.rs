//! Productive Swedish compounding: some words of the generated text become compounds of a
//! modifier, a linking morpheme and the word itself as head ("arbetsmarknad" + "s" +
//! "insatser" → "arbetsmarknadsinsatser"), the way Swedish forms new words freely. Modifiers
//! are drawn from a Zipf law over the training vocabulary, so common compounds recur while
//! new ones keep appearing as the corpus grows, and the vocabulary grows with N as real text
//! does. A fixed set of probe parts is tracked per document, so compound-part recall can be
//! measured against what the generator actually wrote.

use super::rng::Rng;

/// Words whose occurrences (alone or inside a compound) are recorded for each document:
/// the compound-part queries of the benchmarks.
pub const PROBES: [&str; 8] = [
    "samverkan",
    "kompetens",
    "integration",
    "digitalisering",
    "utbildning",
    "företag",
    "arbetsmarknad",
    "jämställdhet",
];

/// Share of eligible words that become compounds.
const COMPOUND_RATE: f64 = 0.07;
/// Share of compounds whose modifier is a probe word.
const PROBE_RATE: f64 = 0.08;

/// Makes compounds from words of the training text.
pub struct Compounder {
    /// Modifiers, most frequent first: the probe it is (if any) and its linking form
    /// ("arbetsmarknads").
    modifiers: Vec<(Option<usize>, String)>,
    /// Probe words with their linking forms.
    probes: Vec<(String, String)>,
}

/// The form a modifier takes inside a compound: a linking "s" after endings that take one
/// in Swedish (-ing, -tion, -het, -skap, -dom, -ad, -an, -ag, -nad), none after a vowel or s.
pub fn linking_form(word: &str) -> String {
    const TAKES_S: [&str; 10] = [
        "ing", "tion", "het", "skap", "dom", "ad", "an", "ag", "else", "tet",
    ];
    if word.ends_with(['s', 'a', 'e', 'i', 'o', 'u', 'y', 'å', 'ä', 'ö']) {
        word.to_string()
    } else if TAKES_S.iter().any(|end| word.ends_with(end)) {
        format!("{word}s")
    } else {
        word.to_string()
    }
}

/// Endings of verbs, adjectives and participles, which do not make compound parts here.
const NOT_NOUN_ENDINGS: [&str; 8] = ["a", "t", "de", "ande", "ende", "iga", "ar", "ra"];

/// A rough test for a noun that can take part in a compound: lower-case letters only, at
/// least six of them, without a verb or adjective ending.
pub fn is_noun_like(word: &str) -> bool {
    word.len() >= 6
        && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
        && !NOT_NOUN_ENDINGS.iter().any(|end| word.ends_with(end))
}

impl Compounder {
    /// A compounder drawing modifiers from `modifiers` (most frequent first).
    pub fn new(modifiers: &[String], probes: &[&str]) -> Compounder {
        Compounder {
            modifiers: modifiers
                .iter()
                .filter(|m| is_noun_like(m))
                .map(|m| (probes.iter().position(|p| p == m), linking_form(m)))
                .collect(),
            probes: probes
                .iter()
                .map(|p| (p.to_string(), linking_form(p)))
                .collect(),
        }
    }

    /// Writes `token` (with its punctuation) to `out`, sometimes as the head of a compound,
    /// and sets bit i of `found` when probe i occurs in it, alone or as a part.
    pub fn write_token(&self, rng: &mut Rng, token: &str, out: &mut String, found: &mut u64) {
        let word_end = token
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let (word, tail) = token.split_at(word_end);
        let eligible = !self.modifiers.is_empty() && is_noun_like(word);
        if eligible && rng.chance(COMPOUND_RATE) {
            if !self.probes.is_empty() && rng.chance(PROBE_RATE) {
                let p = rng.below(self.probes.len());
                out.push_str(&self.probes[p].1);
                *found |= 1 << p;
            } else {
                let (probe, form) = &self.modifiers[rng.zipf(self.modifiers.len())];
                out.push_str(form);
                if let Some(p) = probe {
                    *found |= 1 << p;
                }
            }
        }
        self.mark_probes(word, found);
        out.push_str(word);
        out.push_str(tail);
    }

    /// Sets the bit of every probe that `word` is, or that `word` ends with as a head.
    fn mark_probes(&self, word: &str, found: &mut u64) {
        if word.len() < 5 {
            return;
        }
        for (i, (probe, _)) in self.probes.iter().enumerate() {
            if word.eq_ignore_ascii_case(probe)
                || (word.len() > probe.len() && word.ends_with(probe.as_str()))
            {
                *found |= 1 << i;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linking_s_follows_swedish_endings() {
        assert_eq!(linking_form("arbetsmarknad"), "arbetsmarknads");
        assert_eq!(linking_form("utbildning"), "utbildnings");
        assert_eq!(linking_form("kompetens"), "kompetens");
        assert_eq!(linking_form("skola"), "skola");
        assert_eq!(linking_form("bygg"), "bygg");
    }

    #[test]
    fn probes_are_recorded_alone_and_as_parts() {
        let compounder = Compounder::new(&["region".to_string()], &PROBES);
        let mut rng = Rng::new(9);
        let mut found = 0u64;
        let mut out = String::new();
        compounder.write_token(&mut rng, "myndighetssamverkan,", &mut out, &mut found);
        assert_eq!(found, 1, "samverkan is probe 0");
        let mut compounds = 0;
        for _ in 0..2000 {
            let mut out = String::new();
            let mut found = 0u64;
            compounder.write_token(&mut rng, "insatsen.", &mut out, &mut found);
            assert!(out.ends_with("insatsen."));
            if out != "insatsen." {
                compounds += 1;
                let modifier = out.trim_end_matches("insatsen.");
                let probe = PROBES.iter().position(|p| linking_form(p) == modifier);
                match probe {
                    Some(i) => assert_eq!(found, 1 << i, "{out}"),
                    None => assert_eq!((modifier, found), ("region", 0)),
                }
            }
        }
        assert!((80..220).contains(&compounds), "{compounds} of 2000");
    }
}
