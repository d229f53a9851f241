//! A Bloom filter of the words that may be compound parts. Decompounding a new word tries
//! dozens of candidate parts ("kompetensf", "kompetens", "kompetense", …), and nearly all
//! of them are no word at all. At a million documents the lexicon holds 2.7 million words
//! in a hash table of hundreds of megabytes, so each miss was a cache miss; the filter is
//! a few megabytes and answers most misses from one 64-bit block.

use super::fasthash::WordHasher;
use std::hash::{Hash, Hasher};

/// Bits per word: with three bits set per word in one 64-bit block, about 2 % of
/// candidates that are not words pass the filter (and are then looked up).
const BITS_PER_WORD: usize = 16;

/// Says "maybe" for every word it was built from, and "no" for most others.
#[derive(Clone, Debug, Default)]
pub struct PartFilter {
    blocks: Vec<u64>,
}

impl PartFilter {
    /// A filter of `words`; `expected` sizes it (the number of words, or more).
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>, expected: usize) -> PartFilter {
        let len = (expected.max(1) * BITS_PER_WORD / 64)
            .max(1)
            .next_power_of_two();
        let mut filter = PartFilter {
            blocks: vec![0; len],
        };
        for word in words {
            let (block, bits) = filter.slot(word);
            filter.blocks[block] |= bits;
        }
        filter
    }

    /// Whether `word` may be one of the filter's words (`false`: it is certainly not).
    /// An empty filter (never built) lets every word through.
    pub fn may_contain(&self, word: &str) -> bool {
        if self.blocks.is_empty() {
            return true;
        }
        let (block, bits) = self.slot(word);
        self.blocks[block] & bits == bits
    }

    fn slot(&self, word: &str) -> (usize, u64) {
        let mut hasher = WordHasher::default();
        word.hash(&mut hasher);
        // FxHash's low bits are weak: mix before taking bits (the finaliser of MurmurHash3).
        let mut h = hasher.finish();
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^= h >> 33;
        let block = (h as usize) & (self.blocks.len() - 1);
        let bits = (1u64 << ((h >> 40) & 63)) | (1u64 << ((h >> 46) & 63)) | (1u64 << (h >> 58));
        (block, bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_passes_and_most_others_do_not() {
        let words: Vec<String> = (0..50_000).map(|i| format!("ord{i}")).collect();
        let filter = PartFilter::new(words.iter().map(String::as_str), words.len());
        assert!(words.iter().all(|w| filter.may_contain(w)));
        let passed = (0..50_000)
            .filter(|i| filter.may_contain(&format!("annat{i}")))
            .count();
        assert!(passed < 2_500, "{passed} of 50 000 non-words passed");
        assert!(PartFilter::default().may_contain("vad som helst"));
    }
}
