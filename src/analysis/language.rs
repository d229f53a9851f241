//! Sentences written in English, German or Finnish inside Swedish texts (an English
//! summary, a partner's description, a programme's name). Their words keep their
//! whole-word terms but are not split as Swedish compounds: English "solutions" is no
//! Swedish "sol" + "utions", and a count of solar projects must not hold it.
//!
//! Danish and Norwegian sentences (Interreg projects with Öresund, Kattegat, Skagerrak or
//! Norway) are read as Swedish on purpose: their compounds mostly share their parts with
//! Swedish ones ("bilpendlere", "gjennomføringsfasen", "resultater"), and a researcher
//! counting "bil" counts Danish car commuters too. The false friends among them
//! (Norwegian "virkemidler", "act" and not "timber") are the price; docs/RELEVANCE.md
//! measures both sides.
//!
//! A sentence is told by its function words, the words a language cannot do without and
//! that Swedish never writes ("the", "und", "että"), against the Swedish ones no neighbour
//! writes ("och", "att", "inte", "är"). The unit is a sentence (as
//! [`super::segment::segments`] draws them), so the same sentence reads alike in a whole
//! text, a passage or a concordance line.

use super::segment::{Segment, SegmentKind, SENTENCE_GAP};

/// Function words of English, German and Finnish that are no Swedish word, lower-cased,
/// sorted (by bytes).
pub const FOREIGN_WORDS: [&str; 35] = [
    "and", "are", "auch", "been", "das", "die", "eine", "einer", "että", "from", "für", "has",
    "have", "ist", "kanssa", "myös", "nicht", "oder", "of", "ovat", "sind", "tai", "that", "the",
    "this", "to", "und", "von", "was", "werden", "were", "which", "will", "with", "zu",
];

/// Function words that only Swedish of these languages writes, lower-cased, sorted.
pub const SWEDISH_WORDS: [&str; 22] = [
    "alla", "andra", "att", "dessa", "detta", "där", "ett", "från", "för", "genom", "hur", "inom",
    "inte", "mellan", "många", "och", "också", "ska", "skall", "till", "vill", "är",
];

/// Longest function word of either list, in bytes.
const LONGEST: usize = 6;

/// Which list the word `text` (as written) is in: `Some(true)` a foreign function word,
/// `Some(false)` a Swedish one, `None` neither. Every word of a text is looked up, so it
/// neither allocates nor decodes: the word is lower-cased into a small buffer, ASCII and
/// the upper-case letters Å, Ä, Ö, Ü (two bytes in UTF-8, lower-cased by one bit of the
/// second), and matched against byte strings the compiler turns into a decision tree. The
/// lists above are what it holds (a test checks the two agree).
fn function_word(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    if bytes.len() < 2 || bytes.len() > LONGEST {
        return None;
    }
    let mut buffer = [0u8; LONGEST];
    let lower = &mut buffer[..bytes.len()];
    for (at, &byte) in bytes.iter().enumerate() {
        lower[at] = if at > 0 && bytes[at - 1] == 0xc3 && (0x80..=0x9e).contains(&byte) {
            byte | 0x20
        } else {
            byte.to_ascii_lowercase()
        };
    }
    match &*lower {
        b"and" | b"are" | b"auch" | b"been" | b"das" | b"die" | b"eine" | b"einer"
        | b"ett\xc3\xa4" | b"from" | b"f\xc3\xbcr" | b"has" | b"have" | b"ist" | b"kanssa"
        | b"my\xc3\xb6s" | b"nicht" | b"oder" | b"of" | b"ovat" | b"sind" | b"tai" | b"that"
        | b"the" | b"this" | b"to" | b"und" | b"von" | b"was" | b"werden" | b"were" | b"which"
        | b"will" | b"with" | b"zu" => Some(true),
        b"alla" | b"andra" | b"att" | b"dessa" | b"detta" | b"d\xc3\xa4r" | b"ett"
        | b"fr\xc3\xa5n" | b"f\xc3\xb6r" | b"genom" | b"hur" | b"inom" | b"inte" | b"mellan"
        | b"m\xc3\xa5nga" | b"och" | b"ocks\xc3\xa5" | b"ska" | b"skall" | b"till" | b"vill"
        | b"\xc3\xa4r" => Some(false),
        _ => None,
    }
}

/// Foreign function words a sentence needs at least, so that a Swedish sentence naming
/// one English title ("Power of the North") stays Swedish unless nothing Swedish is in it.
const MIN_FOREIGN: u32 = 2;

/// The function words of one sentence so far, counted word by word as the chain reads it.
#[derive(Clone, Copy, Debug, Default)]
pub struct SentenceLanguage {
    foreign: u32,
    swedish: u32,
}

impl SentenceLanguage {
    /// Counts the word `text` (as written or lower-cased).
    pub fn count(&mut self, text: &str) {
        match function_word(text) {
            Some(true) => self.foreign += 1,
            Some(false) => self.swedish += 1,
            None => {}
        }
    }

    /// Whether the sentence counted is written in English, German or Finnish: at least
    /// [`MIN_FOREIGN`] foreign function words and more than twice as many as Swedish ones.
    pub fn is_foreign(&self) -> bool {
        self.foreign >= MIN_FOREIGN && self.foreign > 2 * self.swedish
    }
}

/// Whether segment `index` of `segs` (the segments of one text, in order) starts a new
/// sentence ([`super::segment::segments`] puts a gap of [`SENTENCE_GAP`] positions there).
pub fn starts_sentence(segs: &[Segment<'_>], index: usize) -> bool {
    index > 0 && segs[index].position >= segs[index - 1].position + SENTENCE_GAP
}

/// Which of `segs` stand in a sentence written in English, German or Finnish; `None` when
/// no sentence is. The chain decides the same sentence by sentence as it reads
/// ([`SentenceLanguage`]); this is the same decision for a whole text at once.
pub fn foreign_segments(segs: &[Segment<'_>]) -> Option<Vec<bool>> {
    let mut foreign: Option<Vec<bool>> = None;
    let mut start = 0;
    let mut sentence = SentenceLanguage::default();
    for (index, seg) in segs.iter().enumerate() {
        if starts_sentence(segs, index) {
            mark(&mut foreign, segs.len(), start..index, sentence);
            start = index;
            sentence = SentenceLanguage::default();
        }
        if seg.kind != SegmentKind::Joined {
            sentence.count(&seg.text);
        }
    }
    mark(&mut foreign, segs.len(), start..segs.len(), sentence);
    foreign
}

/// Marks the segments `range` foreign when `sentence` is.
fn mark(
    out: &mut Option<Vec<bool>>,
    len: usize,
    range: std::ops::Range<usize>,
    sentence: SentenceLanguage,
) {
    if sentence.is_foreign() {
        out.get_or_insert_with(|| vec![false; len])[range].fill(true);
    }
}

#[cfg(test)]
mod tests {
    use super::super::segment::segments;
    use super::*;

    fn foreign_words(text: &str) -> Vec<String> {
        let segs = segments(text);
        let Some(foreign) = foreign_segments(&segs) else {
            return Vec::new();
        };
        segs.iter()
            .zip(foreign)
            .filter(|(_, f)| *f)
            .map(|(seg, _)| seg.text.to_string())
            .collect()
    }

    #[test]
    fn the_lookup_holds_the_lists_in_any_case_and_nothing_else() {
        assert!(FOREIGN_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(SWEDISH_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(FOREIGN_WORDS.iter().all(|w| !SWEDISH_WORDS.contains(w)));
        for (list, foreign) in [(&FOREIGN_WORDS[..], true), (&SWEDISH_WORDS[..], false)] {
            for word in list {
                assert_eq!(function_word(word), Some(foreign), "{word}");
                assert_eq!(function_word(&word.to_uppercase()), Some(foreign), "{word}");
                let capital: String = word
                    .chars()
                    .enumerate()
                    .flat_map(|(i, c)| {
                        if i == 0 {
                            c.to_uppercase().collect::<Vec<_>>()
                        } else {
                            vec![c]
                        }
                    })
                    .collect();
                assert_eq!(function_word(&capital), Some(foreign), "{capital}");
            }
        }
        for word in ["utveckling", "en", "samverkan", "the3", "tha", "Över", "x"] {
            assert_eq!(function_word(word), None, "{word}");
        }
    }

    #[test]
    fn an_english_sentence_is_foreign_and_a_swedish_or_danish_one_is_not() {
        // Properties: the unit is the sentence; Swedish sentences around a foreign one
        // stay Swedish; a Danish sentence is read as Swedish; one English title inside a
        // Swedish sentence does not make it foreign.
        let text = "Projektet ska utveckla kvalitetsvirke och skogsskötsel. \
                    Dette gennemføres gennem identifikation af virkemidler og implementering. \
                    The project develops solutions for the region. \
                    Konferensen Power of the North samlade företag från hela länet.";
        let foreign = foreign_words(text);
        assert!(!foreign.contains(&"virkemidler".to_string()));
        assert!(foreign.contains(&"solutions".to_string()));
        assert!(!foreign.contains(&"kvalitetsvirke".to_string()));
        assert!(!foreign.contains(&"Konferensen".to_string()));
        assert!(foreign_words("Samverkan mellan myndigheter och företag.").is_empty());
        assert!(
            foreign_words("Die Solarenergie ist für die Region wichtig und neu.")
                .contains(&"Solarenergie".to_string())
        );
    }
}
