//! The SLIP-39 word list, shipped in the crate (`slip39_wordlist.txt`, from SatoshiLabs'
//! reference implementation under the MIT licence; see `slip39_wordlist.NOTICE.md`).
//!
//! 1,024 words, one per 10-bit value, sorted, 4 to 8 letters, each with a unique first
//! four letters; no two words are closer than 2 in Damerau-Levenshtein distance.

use std::sync::OnceLock;

/// The file, byte for byte: one word a line, in index order.
const SLIP39_WORDLIST: &str = include_str!("slip39_wordlist.txt");

/// How many words the list has: one per 10-bit value.
pub const WORD_COUNT: usize = 1024;

/// How many letters identify a word: no two words share their first four.
const PREFIX_LETTERS: usize = 4;

/// The most suggestions given for an unknown word.
const MAX_SUGGESTIONS: usize = 3;

/// Words longer than this get no edit-distance suggestions (no list word has more
/// than 8 letters), which also bounds the work done on arbitrary input.
const MAX_SUGGESTED_LENGTH: usize = 16;

/// The 1,024 SLIP-39 words in index order (word `i` encodes the value `i`).
pub fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| SLIP39_WORDLIST.lines().collect())
}

/// The word for a 10-bit value.
pub(super) fn word(index: u16) -> &'static str {
    words().get(usize::from(index)).copied().unwrap_or("")
}

/// The value of a word, which must be lowercase; `None` when it is not in the list.
pub(super) fn index_of(word: &str) -> Option<u16> {
    words()
        .binary_search(&word)
        .ok()
        .and_then(|i| u16::try_from(i).ok())
}

/// List words that the person may have meant by `typed` (lowercase), best first: the
/// word with the same first four letters, then the words nearest in Damerau-Levenshtein
/// distance (at most 2 edits), at most three in all.
pub(super) fn suggestions(typed: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(word) = by_prefix(typed) {
        out.push(word);
    }
    for word in nearest(typed) {
        if out.len() == MAX_SUGGESTIONS {
            break;
        }
        if !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// The one word that starts with the first four letters of `typed`, if any.
fn by_prefix(typed: &str) -> Option<&'static str> {
    let prefix = typed.get(..PREFIX_LETTERS)?;
    words().iter().copied().find(|w| w.starts_with(prefix))
}

/// The words at the smallest edit distance from `typed`, if it is at most 2.
fn nearest(typed: &str) -> Vec<&'static str> {
    if typed.chars().count() > MAX_SUGGESTED_LENGTH {
        return Vec::new();
    }
    let typed: Vec<char> = typed.chars().collect();
    let scored: Vec<(usize, &'static str)> = words()
        .iter()
        .map(|&w| (edit_distance(&typed, &w.chars().collect::<Vec<_>>()), w))
        .collect();
    let best = scored.iter().map(|&(d, _)| d).min().unwrap_or(usize::MAX);
    if best > 2 {
        return Vec::new();
    }
    scored
        .into_iter()
        .filter(|&(d, _)| d == best)
        .map(|(_, w)| w)
        .take(MAX_SUGGESTIONS)
        .collect()
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent letters each cost 1.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    // rows[i][j]: the distance between a[..i] and b[..j]; three rows suffice.
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[width - 1]
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_shipped_list_is_the_reference_file_unchanged() {
        let digest = Sha256::digest(SLIP39_WORDLIST.as_bytes());
        assert_eq!(
            base16ct::lower::encode_string(&digest),
            "bcc4555340332d169718aed8bf31dd9d5248cb7da6e5d355140ef4f1e601eec3"
        );
    }

    #[test]
    fn the_list_meets_the_specs_criteria() {
        let list = words();
        assert_eq!(list.len(), WORD_COUNT);
        assert_eq!(list[0], "academic");
        assert_eq!(list[WORD_COUNT - 1], "zero");
        assert!(list.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
        let mut prefixes: Vec<&str> = list.iter().map(|w| &w[..PREFIX_LETTERS]).collect();
        prefixes.dedup();
        assert_eq!(prefixes.len(), WORD_COUNT, "unique 4-letter prefixes");
        for w in list {
            assert!((4..=8).contains(&w.len()), "{w}");
            assert!(w.bytes().all(|b| b.is_ascii_lowercase()), "{w}");
        }
        for (i, w) in list.iter().enumerate() {
            assert_eq!(index_of(w), u16::try_from(i).ok());
            assert_eq!(word(u16::try_from(i).unwrap()), *w);
        }
        assert_eq!(index_of("Academic"), None, "lowercase only");
    }

    #[test]
    fn edit_distance_counts_transpositions_as_one() {
        let d = |a: &str, b: &str| {
            edit_distance(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("academic", "academic"), 0);
        assert_eq!(d("acadmeic", "academic"), 1);
        assert_eq!(d("acdemic", "academic"), 1);
        assert_eq!(d("academics", "academic"), 1);
        assert_eq!(d("", "acid"), 4);
        assert_eq!(d("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions_use_the_prefix_then_the_distance() {
        assert_eq!(suggestions("acadmeic"), ["academic"]);
        assert_eq!(suggestions("academical"), ["academic"]);
        assert_eq!(suggestions("duklin")[0], "duckling");
        assert!(suggestions("zzzzzzzz").is_empty());
        assert!(suggestions(&"x".repeat(1000)).is_empty());
    }
}
