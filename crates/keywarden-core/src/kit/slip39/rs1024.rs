//! RS1024, the checksum of a SLIP-39 mnemonic: a Reed-Solomon code over GF(1024) whose
//! three check words detect any error in up to three words.
//!
//! The customization string is fed in before the words: "shamir" for the original
//! shares, "shamir_extendable" for shares with the extendable backup flag set, so a
//! share cannot pass for the other kind.

/// How many words the checksum takes at the end of a mnemonic.
pub(super) const CHECKSUM_WORDS: usize = 3;

/// The customization string of shares without the extendable backup flag.
const CUSTOMIZATION: &[u8] = b"shamir";

/// The customization string of shares with the extendable backup flag.
const CUSTOMIZATION_EXTENDABLE: &[u8] = b"shamir_extendable";

/// The generator's coefficients, from the spec.
const GENERATOR: [u32; 10] = [
    0x00E0_E040,
    0x01C1_C080,
    0x0383_8100,
    0x0707_0200,
    0x0E0E_0009,
    0x1C0C_2412,
    0x3808_6C24,
    0x3090_FC48,
    0x21B1_F890,
    0x03F3_F120,
];

/// The customization string for shares with or without the extendable flag.
pub(super) fn customization(extendable: bool) -> &'static [u8] {
    if extendable {
        CUSTOMIZATION_EXTENDABLE
    } else {
        CUSTOMIZATION
    }
}

/// The spec's `rs1024_polymod` over the customization string, then `words`.
fn polymod(customization: &[u8], words: impl IntoIterator<Item = u16>) -> u32 {
    let values = customization.iter().map(|&b| u32::from(b));
    polymod_from(1, values.chain(words.into_iter().map(u32::from)))
}

/// The polymod loop from the state `chk`. Each step is linear over GF(2) in the state
/// and the value, which [`single_word_fix_exists`] relies on.
fn polymod_from(mut chk: u32, values: impl IntoIterator<Item = u32>) -> u32 {
    for v in values {
        let b = chk >> 20;
        chk = ((chk & 0xF_FFFF) << 10) ^ v;
        for (i, g) in GENERATOR.iter().enumerate() {
            if (b >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Whether changing the one word `from_end` places before the last (0 = the last word)
/// can make the checksum of `words` valid, with the customization unchanged.
///
/// By linearity, changing that word by `d` (xor) changes the residue by the image of
/// `d` fed into a zero state and followed by `from_end` zero words; the checksum
/// becomes valid when that change equals `residue ^ 1`.
pub(super) fn single_word_fix_exists(customization: &[u8], words: &[u16], from_end: usize) -> bool {
    let target = polymod(customization, words.iter().copied()) ^ 1;
    let zeros = std::iter::repeat_n(0u32, from_end);
    let basis: Vec<u32> = (0..10)
        .map(|bit| polymod_from(0, std::iter::once(1u32 << bit).chain(zeros.clone())))
        .collect();
    (1..1024u32).any(|d| {
        let change = basis
            .iter()
            .enumerate()
            .filter(|&(bit, _)| (d >> bit) & 1 == 1)
            .fold(0, |acc, (_, image)| acc ^ image);
        change == target
    })
}

/// The three checksum words for the data words (everything before the checksum).
pub(super) fn create_checksum(customization: &[u8], data: &[u16]) -> [u16; CHECKSUM_WORDS] {
    let padded = data.iter().copied().chain([0; CHECKSUM_WORDS]);
    let residue = polymod(customization, padded) ^ 1;
    // Each word is 10 bits, so the mask makes the cast lossless.
    [20, 10, 0].map(|shift| ((residue >> shift) & 0x3FF) as u16)
}

/// Whether `words` (data then checksum) carry a valid checksum.
pub(super) fn verify_checksum(customization: &[u8], words: &[u16]) -> bool {
    polymod(customization, words.iter().copied()) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first official test vector ("duckling enlarge ..."), as word indices.
    const VECTOR_1: [u16; 20] = [
        248, 288, 0, 0, 17, 753, 521, 840, 372, 497, 155, 670, 192, 448, 297, 249, 23, 173, 196,
        496,
    ];

    #[test]
    fn the_first_official_vector_has_a_valid_checksum() {
        assert!(verify_checksum(b"shamir", &VECTOR_1));
        assert!(!verify_checksum(b"shamir_extendable", &VECTOR_1));
        let (data, checksum) = VECTOR_1.split_at(VECTOR_1.len() - CHECKSUM_WORDS);
        assert_eq!(create_checksum(b"shamir", data), checksum);
    }

    #[test]
    fn created_checksums_verify_with_their_customization_only() {
        let data: Vec<u16> = (0..30).map(|i| (i * 37 + 5) % 1024).collect();
        for extendable in [false, true] {
            let cs = customization(extendable);
            let mut words = data.clone();
            words.extend(create_checksum(cs, &data));
            assert!(verify_checksum(cs, &words));
            assert!(!verify_checksum(customization(!extendable), &words));
        }
    }

    #[test]
    fn the_linear_search_agrees_with_trying_every_word() {
        let mut words = VECTOR_1.to_vec();
        words[7] ^= 0x155;
        for position in 0..words.len() {
            let brute = (0..1024u16).filter(|&w| w != words[position]).any(|w| {
                let mut candidate = words.clone();
                candidate[position] = w;
                verify_checksum(CUSTOMIZATION, &candidate)
            });
            let from_end = words.len() - 1 - position;
            assert_eq!(
                single_word_fix_exists(CUSTOMIZATION, &words, from_end),
                brute,
                "{position}"
            );
            assert_eq!(brute, position == 7);
        }
    }

    #[test]
    fn every_error_in_up_to_three_words_is_detected() {
        let data: Vec<u16> = (0..17).map(|i| (i * 101 + 3) % 1024).collect();
        let mut words = data.clone();
        words.extend(create_checksum(CUSTOMIZATION, &data));
        // Every single-word change at every position.
        for pos in 0..words.len() {
            for delta in 1..1024u16 {
                let mut bad = words.clone();
                bad[pos] ^= delta;
                assert!(!verify_checksum(CUSTOMIZATION, &bad), "{pos} ^ {delta}");
            }
        }
        // A sample of two- and three-word changes.
        for (a, b, c) in [(0, 1, 2), (3, 10, 19), (17, 18, 19), (5, 6, 12)] {
            for delta in [1u16, 2, 511, 512, 1023] {
                let mut bad = words.clone();
                bad[a] ^= delta;
                bad[b] ^= delta.rotate_left(3) & 0x3FF | 1;
                assert!(!verify_checksum(CUSTOMIZATION, &bad));
                bad[c] ^= 0x2AA;
                assert!(!verify_checksum(CUSTOMIZATION, &bad));
            }
        }
    }
}
