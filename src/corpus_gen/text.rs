//! The text model: a word bigram chain learned from the running text of the real documents
//! in `corpus/`. Tokens keep their attached punctuation, so sentence ends, commas and
//! parentheses come out where real text has them; a sentence starts with a token that
//! started a sentence in the training text.

use super::compound::Compounder;
use super::rng::Rng;
use std::collections::HashMap;

/// A learned word bigram model.
pub struct TextModel {
    /// Every distinct token of the training text.
    vocab: Vec<String>,
    /// For each token, the tokens that followed it (with repeats, so drawing uniformly from
    /// the list draws by bigram frequency).
    next: Vec<Vec<u32>>,
    /// Tokens that started a sentence.
    starts: Vec<u32>,
    /// Token frequencies, for the compounder's lists.
    counts: Vec<u32>,
}

/// True when a token ends a sentence.
fn ends_sentence(token: &str) -> bool {
    token.ends_with(['.', '!', '?'])
}

impl TextModel {
    /// Learns the model from `texts` (in order; the same texts give the same model).
    pub fn learn<'a>(texts: impl IntoIterator<Item = &'a str>) -> TextModel {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut model = TextModel {
            vocab: Vec::new(),
            next: Vec::new(),
            starts: Vec::new(),
            counts: Vec::new(),
        };
        for text in texts {
            let mut previous: Option<u32> = None;
            for token in text.split_whitespace() {
                if token.contains(['¿', '�']) {
                    previous = None;
                    continue;
                }
                let id = *ids.entry(token.to_string()).or_insert_with(|| {
                    model.vocab.push(token.to_string());
                    model.next.push(Vec::new());
                    model.counts.push(0);
                    (model.vocab.len() - 1) as u32
                });
                model.counts[id as usize] += 1;
                match previous {
                    None => {
                        if token.starts_with(char::is_uppercase) {
                            model.starts.push(id);
                        }
                    }
                    Some(p) => model.next[p as usize].push(id),
                }
                previous = (!ends_sentence(token)).then_some(id);
            }
        }
        if model.starts.is_empty() {
            model.vocab.push("Projektet.".to_string());
            model.next.push(Vec::new());
            model.counts.push(1);
            model.starts.push(0);
        }
        model
    }

    /// Distinct tokens learned.
    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// Lower-case alphabetic words of at least `min_len` letters seen at least `min_count`
    /// times, most frequent first (ties in first-seen order): the compounder's parts.
    pub fn words(&self, min_len: usize, min_count: u32) -> Vec<String> {
        let mut words: Vec<(u32, usize)> = self
            .vocab
            .iter()
            .enumerate()
            .filter(|(i, w)| {
                self.counts[*i] >= min_count
                    && w.chars().count() >= min_len
                    && w.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
            })
            .map(|(i, _)| (self.counts[i], i))
            .collect();
        words.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        words
            .into_iter()
            .map(|(_, i)| self.vocab[i].clone())
            .collect()
    }

    /// Appends one sentence of at most `max_words` tokens to `out`, compounding some words.
    pub fn sentence(
        &self,
        rng: &mut Rng,
        compounder: &Compounder,
        max_words: usize,
        out: &mut String,
        found: &mut u64,
    ) {
        let mut id = *rng.pick(&self.starts) as usize;
        for n in 0..max_words {
            let token = &self.vocab[id];
            if n > 0 {
                out.push(' ');
            }
            compounder.write_token(rng, token, out, found);
            let followers = &self.next[id];
            if ends_sentence(token) {
                return;
            }
            if followers.is_empty() {
                break;
            }
            id = *rng.pick(followers) as usize;
        }
        let trimmed = out.trim_end_matches([',', ';', ':', '–', '-']).len();
        out.truncate(trimmed);
        out.push('.');
    }

    /// A title: a sentence opening of 2–`max_words` words without closing punctuation.
    pub fn title(&self, rng: &mut Rng, compounder: &Compounder, max_words: usize) -> String {
        let mut out = String::new();
        let mut ignored = 0;
        let words = 4 + rng.below(max_words.saturating_sub(3).max(1));
        self.sentence(rng, compounder, words, &mut out, &mut ignored);
        // End on a content word, not on "att", "och", "i", a comma or a full stop.
        let mut title = out.as_str();
        loop {
            title = title.trim_end_matches(|c: char| !c.is_alphanumeric());
            match title.rsplit_once(' ') {
                Some((rest, last)) if last.chars().count() < 4 => title = rest,
                _ => break,
            }
        }
        if title.is_empty() {
            "Projekt".to_string()
        } else {
            title.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learned_chain_only_follows_seen_bigrams() {
        let model = TextModel::learn(["Vi stärker samverkan i regionen. Vi stärker kompetens."]);
        let compounder = Compounder::new(&[], &[]);
        let mut rng = Rng::new(3);
        for _ in 0..50 {
            let mut out = String::new();
            let mut found = 0;
            model.sentence(&mut rng, &compounder, 20, &mut out, &mut found);
            assert!(
                out == "Vi stärker samverkan i regionen." || out == "Vi stärker kompetens.",
                "{out}"
            );
        }
    }
}
