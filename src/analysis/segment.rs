//! Word segmentation by the Unicode word-boundary rules (UAX #29).

use unicode_segmentation::UnicodeSegmentation;

/// The words of `text` with their byte offsets; punctuation and space are dropped.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.unicode_word_indices()
}
