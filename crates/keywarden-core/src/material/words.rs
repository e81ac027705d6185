//! The EFF large word list for diceware passphrases, shipped in the crate
//! (`eff_large_wordlist.txt`, CC BY 3.0 US; see `eff_large_wordlist.NOTICE.md`).

use std::sync::OnceLock;

/// EFF's file, byte for byte: `<five dice digits> TAB <word> LF`, 7,776 lines.
const EFF_LARGE_WORDLIST: &str = include_str!("eff_large_wordlist.txt");

/// How many words the list has: 6^5, one per roll of five dice.
pub const WORD_COUNT: usize = 7776;

/// The words of the EFF large word list, in the file's order (dice order).
pub fn eff_large_words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        EFF_LARGE_WORDLIST
            .lines()
            .filter_map(|line| line.split_once('\t').map(|(_, word)| word))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_shipped_list_is_effs_file_unchanged() {
        let digest = Sha256::digest(EFF_LARGE_WORDLIST.as_bytes());
        assert_eq!(
            base16ct::lower::encode_string(&digest),
            "addd35536511597a02fa0a9ff1e5284677b8883b83e986e43f15a3db996b903e"
        );
    }

    #[test]
    fn the_list_has_7776_distinct_words_in_dice_order() {
        let words = eff_large_words();
        assert_eq!(words.len(), WORD_COUNT);
        let mut sorted = words.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), WORD_COUNT);
        assert_eq!(words[0], "abacus");
        assert_eq!(words[WORD_COUNT - 1], "zoom");
        for (i, line) in EFF_LARGE_WORDLIST.lines().enumerate() {
            let (dice, word) = line.split_once('\t').unwrap();
            // The i-th line is the i-th roll in base 6, digits 1-6.
            let mut n = i;
            let mut expected = [b'1'; 5];
            for d in expected.iter_mut().rev() {
                *d += (n % 6) as u8;
                n /= 6;
            }
            assert_eq!(dice.as_bytes(), expected, "{word}");
            assert!(
                word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{word}"
            );
        }
    }
}
