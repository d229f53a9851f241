//! A small, fast, seedable random number generator (SplitMix64). The generator needs the
//! same numbers on every machine and every run for a seed, independent of thread count, so
//! each document gets its own generator seeded from (seed, document number).

/// SplitMix64: 64 bits of state, passes BigCrush, and any seed is a good seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator for document `n` of a corpus generated with `seed`.
    pub fn for_document(seed: u64, n: u64) -> Rng {
        let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
        let mixed = rng.next_u64() ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng(mixed)
    }

    /// A generator started from `state`.
    pub fn new(state: u64) -> Rng {
        Rng(state)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by multiply-shift (bias below 2^-32 for our sizes).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below((hi - lo + 1) as usize) as u64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of `items` (non-empty), uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index in `0..n` drawn from a Zipf-like law (rank r has weight about 1/r^1.0),
    /// so a few items are very common and the tail keeps producing new ones as more is
    /// drawn: the shape of word and compound frequencies in real text.
    pub fn zipf(&mut self, n: usize) -> usize {
        // Inverse CDF of the continuous 1/x law on [1, n+1): x = (n+1)^u.
        let x = ((n as f64) + 1.0).powf(self.unit());
        ((x as usize).max(1) - 1).min(n - 1)
    }

    /// A normally distributed number (Box–Muller), for log-normal budgets and lengths.
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_get_different_reproducible_streams() {
        let a: Vec<u64> = (0..4).map(|_| Rng::for_document(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_document(7, 1).next_u64(),
            Rng::for_document(7, 2).next_u64()
        );
        assert_ne!(
            Rng::for_document(7, 1).next_u64(),
            Rng::for_document(8, 1).next_u64()
        );
    }

    #[test]
    fn draws_stay_in_range_and_zipf_favours_low_ranks() {
        let mut rng = Rng::new(1);
        let mut low = 0;
        for _ in 0..10_000 {
            assert!(rng.below(7) < 7);
            let b = rng.between(3, 5);
            assert!((3..=5).contains(&b));
            let z = rng.zipf(1000);
            assert!(z < 1000);
            low += usize::from(z < 10);
        }
        // Under 1/x, ranks 0..10 of 1000 carry ln(11)/ln(1001) ≈ 35% of the mass.
        assert!((2500..4500).contains(&low), "{low}");
    }
}
