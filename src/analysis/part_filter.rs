//! A Bloom filter of words. The lexicon keeps one of the words that may be compound parts:
//! decompounding a new word tries dozens of candidate parts ("kompetensf", "kompetens",
//! "kompetense", …), and nearly all of them are no word at all. At a million documents the
//! lexicon holds 2.7 million words in a hash table of hundreds of megabytes, so each miss
//! was a cache miss; the filter is a few megabytes and answers most misses from one 64-bit
//! block. Indexing keeps a second one, of the ways those words are written as parts
//! ([`crate::analysis::decompound::part_surfaces`]), built in memory and never saved.

use super::fasthash::WordHasher;
use std::hash::Hasher;
use tantivy::directory::OwnedBytes;

/// Bits per word: with three bits set per word in one 64-bit block, about 2 % of
/// candidates that are not words pass the filter (and are then looked up).
const BITS_PER_WORD: usize = 16;

/// Says "maybe" for every word it was built from, and "no" for most others. The bytes of
/// the lexicon's filter of part words ([`PartFilter::as_bytes`]) are saved with it and
/// mapped back ([`PartFilter::from_bytes`]), so a search opens it without building it; the
/// slot of a word depends on the word's bytes alone, the same in every process and build.
#[derive(Clone, Debug)]
pub struct PartFilter {
    /// The 64-bit blocks, little-endian; a power of two of them, or none.
    blocks: OwnedBytes,
}

impl Default for PartFilter {
    /// The filter of no words: lets every word through.
    fn default() -> PartFilter {
        PartFilter {
            blocks: OwnedBytes::empty(),
        }
    }
}

impl PartFilter {
    /// A filter of `words`; `expected` sizes it (the number of words, or more).
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>, expected: usize) -> PartFilter {
        PartFilter::build(expected, |insert| {
            for word in words {
                insert(word);
            }
        })
    }

    /// A filter of the words `fill` passes to the function it is given (words made on the
    /// way, which need not outlive the call); `expected` sizes it.
    pub fn build(expected: usize, fill: impl FnOnce(&mut dyn FnMut(&str))) -> PartFilter {
        let len = (expected.max(1) * BITS_PER_WORD / 64)
            .max(1)
            .next_power_of_two();
        let mut blocks = vec![0u64; len];
        fill(&mut |word| {
            let (block, bits) = slot(word, len);
            blocks[block] |= bits;
        });
        let bytes: Vec<u8> = blocks
            .iter()
            .flat_map(|block| block.to_le_bytes())
            .collect();
        PartFilter {
            blocks: OwnedBytes::new(bytes),
        }
    }

    /// The filter saved as `bytes` (by [`PartFilter::as_bytes`]); `None` when they cannot
    /// be one (not a power of two of blocks).
    pub fn from_bytes(bytes: OwnedBytes) -> Option<PartFilter> {
        let blocks = bytes.len() / 8;
        (bytes.len().is_multiple_of(8) && (blocks == 0 || blocks.is_power_of_two()))
            .then_some(PartFilter { blocks: bytes })
    }

    /// The filter's bytes, for saving.
    pub fn as_bytes(&self) -> &[u8] {
        self.blocks.as_slice()
    }

    /// Whether `word` may be one of the filter's words (`false`: it is certainly not).
    /// An empty filter (never built) lets every word through.
    pub fn may_contain(&self, word: &str) -> bool {
        let len = self.blocks.len() / 8;
        if len == 0 {
            return true;
        }
        let (block, bits) = slot(word, len);
        let at = block * 8;
        let value = u64::from_le_bytes(
            self.blocks.as_slice()[at..at + 8]
                .try_into()
                .expect("8 bytes"),
        );
        value & bits == bits
    }
}

/// The block (of `len`, a power of two) and the three bits of `word`.
fn slot(word: &str, len: usize) -> (usize, u64) {
    // The word's bytes and a terminator, as `str`'s `Hash` writes them, spelt out so that
    // the slot cannot change with the standard library.
    let mut hasher = WordHasher::default();
    hasher.write(word.as_bytes());
    hasher.write_u8(0xff);
    // FxHash's low bits are weak: mix before taking bits (the finaliser of MurmurHash3).
    let mut h = hasher.finish();
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    let block = (h as usize) & (len - 1);
    let bits = (1u64 << ((h >> 40) & 63)) | (1u64 << ((h >> 46) & 63)) | (1u64 << (h >> 58));
    (block, bits)
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
        // Saved and read back: the same answers.
        let saved = PartFilter::from_bytes(OwnedBytes::new(filter.as_bytes().to_vec())).unwrap();
        assert!((0..50_000).all(|i| {
            let other = format!("annat{i}");
            saved.may_contain(&other) == filter.may_contain(&other)
        }));
        assert!(PartFilter::from_bytes(OwnedBytes::new(vec![0; 24])).is_none());
    }
}
