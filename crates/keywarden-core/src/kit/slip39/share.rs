//! One share as a mnemonic: its fields, and its encoding into words and back.
//!
//! | field | bits |
//! |---|---|
//! | identifier | 15 |
//! | extendable backup flag | 1 |
//! | iteration exponent | 4 |
//! | group index, group threshold - 1, group count - 1 | 4 each |
//! | member index, member threshold - 1 | 4 each |
//! | share value, left-padded with zero bits to a multiple of 10 | 8n + padding |
//! | RS1024 checksum | 30 |
//!
//! Every 10 bits, big-endian, is one word of the list.

use std::fmt;

use zeroize::Zeroizing;

use super::wordlist;
use super::{Slip39Error, rs1024};

/// Words before the share value: identifier and flags (2), group and member fields (2).
const HEADER_WORDS: usize = 4;

/// Words that are not the share value: the header and the checksum.
const METADATA_WORDS: usize = HEADER_WORDS + rs1024::CHECKSUM_WORDS;

/// The fewest words of a share: a 128-bit secret.
const MIN_WORDS: usize = 20;

/// The most words of a share Keywarden reads: a 512-bit secret (the longest BIP-32
/// seed). The spec sets no maximum; this bounds the work done on arbitrary input.
const MAX_WORDS: usize = 59;

/// The word (from 0) that holds the extendable backup flag.
const FLAG_WORD: usize = 1;

/// Bits in a word.
const WORD_BITS: usize = 10;

/// One SLIP-39 share: the parameters it states and its value.
///
/// The value is secret (with enough other shares, or alone for a 1-of-1 kit, it gives
/// the secret), so it is zeroed on drop and `Debug` redacts it. The parameters are
/// not secret: they are what a person checks to see that shares belong together.
/// Indices count from 0, as in the format; add 1 to show them.
#[derive(Clone, PartialEq, Eq)]
pub struct Share {
    identifier: u16,
    extendable: bool,
    iteration_exponent: u8,
    group_index: u8,
    group_threshold: u8,
    group_count: u8,
    member_index: u8,
    member_threshold: u8,
    value: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Share")
            .field("identifier", &self.identifier)
            .field("extendable", &self.extendable)
            .field("iteration_exponent", &self.iteration_exponent)
            .field("group_index", &self.group_index)
            .field("group_threshold", &self.group_threshold)
            .field("group_count", &self.group_count)
            .field("member_index", &self.member_index)
            .field("member_threshold", &self.member_threshold)
            .field(
                "value",
                &format_args!("<{} bytes redacted>", self.value.len()),
            )
            .finish()
    }
}

/// The fields of a share other than its value, for [`Share::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Header {
    pub identifier: u16,
    pub extendable: bool,
    pub iteration_exponent: u8,
    pub group_index: u8,
    pub group_threshold: u8,
    pub group_count: u8,
    pub member_index: u8,
    pub member_threshold: u8,
}

impl Share {
    /// A share from its fields; the caller has checked their ranges.
    pub(super) fn new(header: Header, value: Zeroizing<Vec<u8>>) -> Self {
        Self {
            identifier: header.identifier,
            extendable: header.extendable,
            iteration_exponent: header.iteration_exponent,
            group_index: header.group_index,
            group_threshold: header.group_threshold,
            group_count: header.group_count,
            member_index: header.member_index,
            member_threshold: header.member_threshold,
            value,
        }
    }

    /// Reads a mnemonic: words separated by white space, in any letter case.
    ///
    /// # Errors
    /// [`Slip39Error::WordCount`], [`Slip39Error::UnknownWord`] (with suggestions),
    /// [`Slip39Error::Checksum`] (naming the suspect word when exactly one position
    /// could be wrong), [`Slip39Error::Padding`] and
    /// [`Slip39Error::GroupThresholdAboveCount`].
    pub fn parse(mnemonic: &str) -> Result<Self, Slip39Error> {
        let words = to_indices(mnemonic)?;
        let header = read_header(&words);
        if !rs1024::verify_checksum(rs1024::customization(header.extendable), &words) {
            return Err(Slip39Error::Checksum {
                suspect: suspect_word(&words),
            });
        }
        if header.group_count < header.group_threshold {
            return Err(Slip39Error::GroupThresholdAboveCount {
                threshold: header.group_threshold,
                count: header.group_count,
            });
        }
        let value = read_value(&words[HEADER_WORDS..words.len() - rs1024::CHECKSUM_WORDS])?;
        Ok(Self::new(header, value))
    }

    /// The share as a mnemonic: words separated by single spaces.
    pub fn to_mnemonic(&self) -> Zeroizing<String> {
        let mut words = Zeroizing::new(self.header_words().to_vec());
        words.extend(value_words(&self.value).iter());
        let checksum = rs1024::create_checksum(rs1024::customization(self.extendable), &words);
        words.extend(checksum);
        let mut out = Zeroizing::new(String::with_capacity(words.len() * 9));
        for (i, &w) in words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(wordlist::word(w));
        }
        out
    }

    /// The 15-bit random identifier that all shares of one split have.
    pub fn identifier(&self) -> u16 {
        self.identifier
    }

    /// The extendable backup flag: the identifier is not part of the encryption, so
    /// further share sets of the same secret can be made (newer spec revision).
    pub fn extendable(&self) -> bool {
        self.extendable
    }

    /// The iteration exponent e: the encryption runs 10,000 x 2^e PBKDF2 iterations.
    pub fn iteration_exponent(&self) -> u8 {
        self.iteration_exponent
    }

    /// Which group the share belongs to, from 0.
    pub fn group_index(&self) -> u8 {
        self.group_index
    }

    /// How many groups are needed to recover the secret (1 to 16).
    pub fn group_threshold(&self) -> u8 {
        self.group_threshold
    }

    /// How many groups there are (1 to 16).
    pub fn group_count(&self) -> u8 {
        self.group_count
    }

    /// The share's index within its group, from 0.
    pub fn member_index(&self) -> u8 {
        self.member_index
    }

    /// How many shares of its group are needed to recover the group (1 to 16).
    pub fn member_threshold(&self) -> u8 {
        self.member_threshold
    }

    /// The share value (secret).
    pub(super) fn value(&self) -> &[u8] {
        &self.value
    }

    /// The first four words as numbers: identifier, flags, group and member fields.
    fn header_words(&self) -> [u16; HEADER_WORDS] {
        let id_exp = (u32::from(self.identifier) << 5)
            | (u32::from(self.extendable) << 4)
            | u32::from(self.iteration_exponent);
        let params = [
            self.group_index,
            self.group_threshold - 1,
            self.group_count - 1,
            self.member_index,
            self.member_threshold - 1,
        ]
        .iter()
        .fold(0u32, |acc, &field| (acc << 4) | u32::from(field & 0xF));
        [id_exp >> 10, id_exp, params >> 10, params].map(|v| (v & 0x3FF) as u16)
    }
}

/// The mnemonic's words as list indices, checking their number first.
fn to_indices(mnemonic: &str) -> Result<Vec<u16>, Slip39Error> {
    let typed: Vec<&str> = mnemonic.split_whitespace().collect();
    if !valid_word_count(typed.len()) {
        return Err(Slip39Error::WordCount { count: typed.len() });
    }
    typed
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_lowercase();
            wordlist::index_of(&lower).ok_or_else(|| Slip39Error::UnknownWord {
                position: i + 1,
                word: lower.chars().take(40).collect(),
                suggestions: wordlist::suggestions(&lower),
            })
        })
        .collect()
}

/// Whether a share can have `count` words: at least 20, at most [`MAX_WORDS`], and a
/// share value whose padding (its bit length mod 16) is at most 8 bits.
fn valid_word_count(count: usize) -> bool {
    (MIN_WORDS..=MAX_WORDS).contains(&count) && padding_bits(count - METADATA_WORDS) <= 8
}

/// The padding bits of a share value of `value_words` words.
fn padding_bits(value_words: usize) -> usize {
    (value_words * WORD_BITS) % 16
}

/// The fields in the first four words (the checksum is verified separately).
fn read_header(words: &[u16]) -> Header {
    let id_exp = (u32::from(words[0]) << 10) | u32::from(words[1]);
    let params = (u32::from(words[2]) << 10) | u32::from(words[3]);
    let nibble = |shift: u32| ((params >> shift) & 0xF) as u8;
    Header {
        identifier: (id_exp >> 5) as u16,
        extendable: (id_exp >> 4) & 1 == 1,
        iteration_exponent: (id_exp & 0xF) as u8,
        group_index: nibble(16),
        group_threshold: nibble(12) + 1,
        group_count: nibble(8) + 1,
        member_index: nibble(4),
        member_threshold: nibble(0) + 1,
    }
}

/// The share value from its words: drop the padding bits, which must be zero.
fn read_value(words: &[u16]) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
    let padding = padding_bits(words.len());
    let mut bits = BitReader::default();
    let mut value = Zeroizing::new(Vec::with_capacity(words.len() * WORD_BITS / 8));
    let mut skipped = 0;
    for &word in words {
        bits.push(word);
        while skipped < padding && bits.len > 0 {
            if bits.take(1) != 0 {
                return Err(Slip39Error::Padding);
            }
            skipped += 1;
        }
        while skipped == padding && bits.len >= 8 {
            value.push(bits.take(8) as u8);
        }
    }
    Ok(value)
}

/// The words of a share value: left-padded with zero bits to a multiple of 10.
fn value_words(value: &[u8]) -> Zeroizing<Vec<u16>> {
    let count = (value.len() * 8).div_ceil(WORD_BITS);
    let padding = count * WORD_BITS - value.len() * 8;
    let mut words = Zeroizing::new(Vec::with_capacity(count));
    // The padding zeros are already in the (zero) accumulator.
    let mut bits = BitReader {
        acc: 0,
        len: padding,
    };
    for &byte in value {
        bits.acc = (bits.acc << 8) | u32::from(byte);
        bits.len += 8;
        while bits.len >= WORD_BITS {
            words.push(bits.take(WORD_BITS) as u16);
        }
    }
    words
}

/// A big-endian bit accumulator of fewer than 32 bits, zeroed on drop.
#[derive(Default)]
struct BitReader {
    acc: u32,
    len: usize,
}

impl BitReader {
    /// Appends a 10-bit word.
    fn push(&mut self, word: u16) {
        self.acc = (self.acc << WORD_BITS) | u32::from(word & 0x3FF);
        self.len += WORD_BITS;
    }

    /// Removes and returns the `n` oldest bits.
    fn take(&mut self, n: usize) -> u32 {
        self.len -= n;
        let out = self.acc >> self.len;
        self.acc &= (1u32 << self.len) - 1;
        out
    }
}

impl Drop for BitReader {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.acc);
    }
}

/// The position (from 1) of the one word that, changed to some other list word, makes
/// the checksum valid, when exactly one position can; `None` otherwise.
///
/// The checksum is a Reed-Solomon code of distance 4, so a single wrong word always
/// has exactly one such position. The replacement word is deliberately not kept: the
/// spec asks implementations to say where an error may be, never what to put there,
/// because when several words are wrong a "correction" can yield another valid share.
fn suspect_word(words: &[u16]) -> Option<usize> {
    let customization = rs1024::customization(read_header(words).extendable);
    let mut found = None;
    for position in 0..words.len() {
        let fixable = if position == FLAG_WORD {
            // This word holds the extendable flag, and so picks the customization.
            fixable_by_trying_every_word(words, position)
        } else {
            rs1024::single_word_fix_exists(customization, words, words.len() - 1 - position)
        };
        if fixable {
            if found.is_some() {
                return None;
            }
            found = Some(position + 1);
        }
    }
    found
}

/// Whether some other word at `position` makes the checksum valid, each candidate
/// checked with the customization its own flag selects.
fn fixable_by_trying_every_word(words: &[u16], position: usize) -> bool {
    let mut candidate = words.to_vec();
    let original = words[position];
    (0..wordlist::WORD_COUNT as u16)
        .filter(|&w| w != original)
        .any(|w| {
            candidate[position] = w;
            let extendable = read_header(&candidate).extendable;
            rs1024::verify_checksum(rs1024::customization(extendable), &candidate)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_1: &str = "duckling enlarge academic academic agency result length solution \
        fridge kidney coal piece deal husband erode duke ajar critical decision keyboard";

    #[test]
    fn the_first_official_vector_parses_and_round_trips() {
        let share = Share::parse(VECTOR_1).unwrap();
        assert_eq!(share.group_threshold(), 1);
        assert_eq!(share.group_count(), 1);
        assert_eq!(share.member_threshold(), 1);
        assert!(!share.extendable());
        assert_eq!(share.value().len(), 16);
        let again: String = VECTOR_1.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(*share.to_mnemonic(), again);
    }

    #[test]
    fn parsing_ignores_case_and_extra_white_space() {
        let shouty = format!("  {}\n", VECTOR_1.to_uppercase().replace(' ', "\t "));
        assert_eq!(
            Share::parse(&shouty).unwrap(),
            Share::parse(VECTOR_1).unwrap()
        );
    }

    #[test]
    fn debug_redacts_the_value() {
        let debug = format!("{:?}", Share::parse(VECTOR_1).unwrap());
        assert!(debug.contains("<16 bytes redacted>"), "{debug}");
        assert!(debug.contains("member_threshold: 1"), "{debug}");
    }

    #[test]
    fn valid_word_counts_are_those_of_even_length_secrets() {
        let valid: Vec<usize> = (0..100).filter(|&n| valid_word_count(n)).collect();
        // 16, 18, ..., 64 bytes: ceil(8n / 10) value words plus 7.
        let expected: Vec<usize> = (16..=64)
            .step_by(2)
            .map(|bytes: usize| (bytes * 8).div_ceil(10) + METADATA_WORDS)
            .collect();
        assert_eq!(valid, expected);
        assert_eq!(valid.first(), Some(&20));
        assert!(valid.contains(&33));
    }

    #[test]
    fn values_of_every_valid_length_round_trip() {
        for len in (16..=64).step_by(2) {
            let value: Vec<u8> = (0..len).map(|i| (i * 73 + 11) as u8).collect();
            let words = value_words(&value);
            assert_eq!(*read_value(&words).unwrap(), value, "{len}");
        }
    }

    #[test]
    fn non_zero_padding_is_refused() {
        let mut words = value_words(&[0xFF; 16]);
        words[0] |= 0x200; // the top bit is padding
        assert_eq!(read_value(&words).unwrap_err(), Slip39Error::Padding);
    }

    #[test]
    fn a_single_wrong_word_is_located_at_every_position() {
        let share = Share::parse(VECTOR_1).unwrap();
        let mut words: Vec<u16> = share
            .to_mnemonic()
            .split(' ')
            .map(|w| wordlist::index_of(w).unwrap())
            .collect();
        // Word 2 (position 1) holds the flag: flip it, and change it otherwise.
        words[1] ^= 0x10;
        assert_eq!(suspect_word(&words), Some(2));
        words[1] ^= 0x10;
        for position in 0..words.len() {
            let original = words[position];
            words[position] = (original + 333) % 1024;
            assert_eq!(suspect_word(&words), Some(position + 1));
            words[position] = original;
        }
    }
}
