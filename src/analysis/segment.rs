//! Word segmentation: words by the Unicode word-boundary rules (UAX #29), plus the tokens
//! those rules would break apart but researchers search as one: ids ("23-023-S06"),
//! codes ("NUTS-2", "ESF+"), dates ("2014-01-02") and amounts written in digit groups
//! ("6 036 644"). Such a token is emitted whole *and* as its words, at the position of its
//! first word, so both `23-023-S06` and `S06` find it. Words standing before a hyphen and a
//! space ("arbetskrafts- och") are marked as suspended compounds.

use std::borrow::Cow;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// What kind of token a [`Segment`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// An ordinary word.
    Word,
    /// A word written with a trailing hyphen before a space ("arbetskrafts- och …"), the
    /// first half of a suspended compound.
    Suspended,
    /// A word that is also part of a [`SegmentKind::Joined`] token.
    JoinedPart,
    /// Several words joined by hyphens or slashes with a digit among them, a word with a
    /// trailing plus, or digit groups of one amount, kept as one token.
    Joined,
}

/// One token of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The token as written (digit groups of an amount are written without spaces).
    pub text: Cow<'a, str>,
    /// Byte range in the input.
    pub offset: Range<usize>,
    /// Word position; a joined token shares the position of its first word.
    pub position: usize,
    /// Word, suspended word, or joined token.
    pub kind: SegmentKind,
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}'
}

fn is_digits(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `byte` ends a run of text that UAX #29 always breaks a word at: ASCII white
/// space.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Whether `run` (no white space in it) is one word by the UAX #29 rules for certain: it
/// holds only ASCII letters and digits and the Latin-1 letters (å, ä, ö, é, ü, …), which
/// the rules never break between.
fn is_one_word(run: &str) -> bool {
    let bytes = run.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if b.is_ascii_alphanumeric() => i += 1,
            // U+00C0..=U+00FF, but for × (U+00D7) and ÷ (U+00F7).
            0xc3 if i + 1 < bytes.len() && !matches!(bytes[i + 1], 0x97 | 0xb7) => i += 2,
            _ => return false,
        }
    }
    !bytes.is_empty()
}

/// The words of `text` with their byte offsets, exactly what `unicode_word_indices` gives
/// (the UAX #29 words with a letter or digit in them), found faster: most runs between
/// spaces in Swedish prose are a plain word, taken whole without the Unicode tables, and
/// only the other runs (with punctuation, symbols or other scripts) go through the rules.
/// The rules always break at ASCII white space, so segmenting run by run gives the same
/// words. Segmentation was a tenth of indexing time.
pub fn word_indices(text: &str) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut words = Vec::with_capacity(text.len() / 7 + 1);
    let mut i = 0;
    while i < bytes.len() {
        if is_ascii_space(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_ascii_space(bytes[i]) {
            i += 1;
        }
        let run = &text[start..i];
        if is_one_word(run) {
            words.push((start, run));
        } else {
            words.extend(
                run.unicode_word_indices()
                    .map(|(at, word)| (start + at, word)),
            );
        }
    }
    words
}

/// Positions skipped at a sentence boundary: more than any window of words that is asked
/// for by position (a phrase, a compound's parts written apart, `--near` at most 10), so
/// that no such window spans two sentences ("… fortsatt utveckling. Projektet …" is no
/// "utvecklingsprojekt").
pub const SENTENCE_GAP: usize = 16;

/// Whether the text between two words ends a sentence: a full stop, question or
/// exclamation mark followed by white space, or a line break.
fn ends_sentence(between: &str) -> bool {
    between.contains('\n')
        || between.char_indices().any(|(at, c)| {
            matches!(c, '.' | '!' | '?') && between[at + 1..].starts_with(char::is_whitespace)
        })
}

/// The tokens of `text` in order of position (a joined token comes just before its words).
/// Positions count words, plus [`SENTENCE_GAP`] at every sentence boundary.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let words = word_indices(text);
    let mut positions: Vec<usize> = Vec::with_capacity(words.len());
    let mut shift = 0;
    for (k, (start, _)) in words.iter().enumerate() {
        if k > 0 {
            let (before, word) = words[k - 1];
            if ends_sentence(&text[before + word.len()..*start]) {
                shift += SENTENCE_GAP;
            }
        }
        positions.push(k + shift);
    }
    let mut out: Vec<Segment> = Vec::with_capacity(words.len() + 4);
    let mut i = 0;
    while i < words.len() {
        let (start, word) = words[i];
        let end_of = |k: usize| words[k].0 + words[k].1.len();
        // Words joined by '-' or '/' with no space, with a digit somewhere: ids, codes, dates.
        let mut j = i;
        while j + 1 < words.len() && matches!(&text[end_of(j)..words[j + 1].0], "-" | "/") {
            j += 1;
        }
        let has_digit = words[i..=j]
            .iter()
            .any(|(_, w)| w.bytes().any(|b| b.is_ascii_digit()));
        let mut joined: Option<(Cow<str>, usize)> = None;
        if j > i && has_digit {
            joined = Some((Cow::Borrowed(&text[start..end_of(j)]), j));
        } else if is_digits(word) && word.len() <= 3 {
            // An amount in digit groups: "6 036 644".
            let mut k = i;
            while k + 1 < words.len() {
                let gap = &text[end_of(k)..words[k + 1].0];
                let mut gap_chars = gap.chars();
                let single_space =
                    gap_chars.next().is_some_and(is_space) && gap_chars.next().is_none();
                if single_space && words[k + 1].1.len() == 3 && is_digits(words[k + 1].1) {
                    k += 1;
                } else {
                    break;
                }
            }
            if k > i {
                let digits: String = words[i..=k].iter().map(|(_, w)| *w).collect();
                joined = Some((Cow::Owned(digits), k));
            }
        }
        if let Some((joined_text, last)) = joined {
            out.push(Segment {
                text: joined_text,
                offset: start..end_of(last),
                position: positions[i],
                kind: SegmentKind::Joined,
            });
            for (k, (s, w)) in words.iter().enumerate().take(last + 1).skip(i) {
                out.push(Segment {
                    text: Cow::Borrowed(w),
                    offset: *s..*s + w.len(),
                    position: positions[k],
                    kind: SegmentKind::JoinedPart,
                });
            }
            i = last + 1;
            continue;
        }
        let end = start + word.len();
        let after = &text[end..];
        if after.starts_with('+') && !after[1..].starts_with(|c: char| c.is_alphanumeric()) {
            // "ESF+": the plus is part of the name.
            out.push(Segment {
                text: Cow::Borrowed(&text[start..end + 1]),
                offset: start..end + 1,
                position: positions[i],
                kind: SegmentKind::Joined,
            });
            out.push(Segment {
                text: Cow::Borrowed(word),
                offset: start..end,
                position: positions[i],
                kind: SegmentKind::JoinedPart,
            });
            i += 1;
            continue;
        }
        let suspended = after.starts_with('-')
            && after[1..].starts_with(|c: char| c.is_whitespace() || c == ',')
            && word.chars().all(char::is_alphabetic);
        out.push(Segment {
            text: Cow::Borrowed(word),
            offset: start..end,
            position: positions[i],
            kind: if suspended {
                SegmentKind::Suspended
            } else {
                SegmentKind::Word
            },
        });
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_as_the_unicode_rules_find_them() {
        let tricky = [
            "Myndighetssamverkan i Jämtland–Härjedalen: 23-023-S06, ESF+ (2014–2020).",
            "don't stop ÅÄÖ åäö × 3÷4 Straße ÿ 1,5 mkr 6 036 644 kr\r\n\tnästa\u{a0}rad",
            "mid\u{ad}dle \u{301}accent e\u{301}tude \u{200d}zwj \u{feff}bom 日本語 👍🏽 a_b",
            "NUTS-2 ESF:s 2016-08-25 www.esf.se info@esf.se 3.14 kl. 10:30 «citat» ‘x’",
            "\u{b5}m \u{aa}b Ω ß İstanbul \u{212a}elvin \u{1f1f8}\u{1f1ea} x\u{300}\u{300}y",
            "",
            "   ",
            "ett",
        ];
        let corpus = walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .into_iter()
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok());
        let mut texts: Vec<String> = tricky.iter().map(|t| t.to_string()).collect();
        texts.extend(corpus);
        assert!(texts.len() > tricky.len(), "the corpus has readable files");
        for text in &texts {
            let expected: Vec<(usize, &str)> = text.unicode_word_indices().collect();
            assert_eq!(word_indices(text), expected, "in {text:?}");
        }
    }

    fn joined(text: &str) -> Vec<String> {
        segments(text)
            .into_iter()
            .filter(|s| s.kind == SegmentKind::Joined)
            .map(|s| s.text.into_owned())
            .collect()
    }

    #[test]
    fn ids_codes_and_amounts_stay_whole_beside_their_words() {
        assert_eq!(
            joined("Diarienummer 23-023-S06, fond ESF+ och NUTS-2 kod; 6 036 644 kr, 2014-01-02"),
            ["23-023-S06", "ESF+", "NUTS-2", "6036644", "2014-01-02"]
        );
        let segs = segments("ESF+ stöd");
        assert_eq!(segs[0].position, segs[1].position);
        assert_eq!(segs[2].position, 1);
        assert!(joined("ESF-rådet 2,5 procent och 12 st").is_empty());
    }

    #[test]
    fn a_hyphen_before_a_space_marks_a_suspended_compound() {
        let segs = segments("arbetskrafts- och kompetensförsörjning, ESF-rådet");
        let kinds: Vec<_> = segs.iter().map(|s| s.kind).collect();
        assert_eq!(kinds[0], SegmentKind::Suspended);
        assert!(kinds[1..].iter().all(|k| *k == SegmentKind::Word));
        let kinds: Vec<_> = segments("gruv-, stål-, och pappersindustrin")
            .iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(kinds[..2], [SegmentKind::Suspended, SegmentKind::Suspended]);
    }

    #[test]
    fn a_sentence_boundary_puts_a_gap_between_positions() {
        let segs = segments("Fortsatt utveckling. Projektet ska, i år, växa!\nNy rad 1.5 m");
        let at = |word: &str| segs.iter().find(|s| s.text == word).unwrap().position;
        assert_eq!(at("utveckling"), 1);
        assert_eq!(at("Projektet"), 2 + SENTENCE_GAP);
        // A comma is no boundary, nor a full stop inside a number.
        assert_eq!(at("ska"), at("Projektet") + 1);
        assert_eq!(at("i"), at("ska") + 1);
        assert_eq!(at("Ny"), at("växa") + 1 + SENTENCE_GAP);
        assert_eq!(at("m"), at("rad") + 2);
    }
}
