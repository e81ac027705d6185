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
