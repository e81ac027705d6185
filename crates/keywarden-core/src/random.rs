//! The one source of randomness: the operating system's CSPRNG.

/// Fills `dest` from the operating system's CSPRNG.
///
/// # Panics
/// When the operating system cannot provide randomness. There is no safe way to go on
/// making keys without it, so this is the one deliberate panic in the engine.
pub(crate) fn fill(dest: &mut [u8]) {
    #[allow(
        clippy::expect_used,
        reason = "no key may be made without OS randomness"
    )]
    getrandom::fill(dest).expect("the operating system's random number generator failed");
}

/// A fresh random array.
pub(crate) fn array<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    fill(&mut out);
    out
}

/// The operating system's CSPRNG as a `rand_core` generator, for the libraries that
/// draw their own randomness (RSA primes, elliptic-curve scalars). It reads through
/// [`fill`], so it is the same source, with the same deliberate panic.
pub(crate) struct OsRng;

impl rand_core::TryRng for OsRng {
    type Error = std::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from_le_bytes(array()))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from_le_bytes(array()))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        fill(dst);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for OsRng {}

/// A uniformly distributed integer in `0..n`, by rejection sampling: draws of 32 random
/// bits that fall in the incomplete last block of `n` values are thrown away, so that
/// no value is more likely than another (no modulo bias).
///
/// # Panics
/// Never for `n >= 1`; `n == 0` is a caller bug and yields 0.
pub(crate) fn below(n: u32) -> u32 {
    if n <= 1 {
        return 0;
    }
    // The largest multiple of n that fits in 2^32: accept draws below it.
    let zone = u32::MAX - (u32::MAX % n + 1) % n;
    loop {
        let draw = u32::from_le_bytes(array());
        if draw <= zone {
            return draw % n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_covers_it() {
        assert_eq!(below(0), 0);
        assert_eq!(below(1), 0);
        let mut counts = [0u32; 7];
        for _ in 0..7000 {
            counts[below(7) as usize] += 1;
        }
        // Each value expects 1000; 800 is more than 6 standard deviations away.
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
    }
}
