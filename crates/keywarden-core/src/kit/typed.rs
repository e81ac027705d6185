//! The text fallback: the payload's base64 in numbered lines of 48 characters, each
//! ending in a 4-digit check, for when no QR code can be read. A line reads
//!
//! ```text
//! 07 YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNjcnlwdCBk 3f9a
//! ```
//!
//! and its check is the first four hex digits of SHA-256 of the kit id, a space, the
//! line number, a space and the data: `printf 'KW-28T5-CY4T 07 YWdl…' | sha256sum`.
//! Without Keywarden, a person types the middle column into a file, in order, and runs
//! `base64 -d`; the checks tell which line has a typo.

use base64ct::{Base64, Encoding};
use sha2::{Digest, Sha256};

use super::{KitError, KitId};

/// Base64 characters per line (36 bytes of payload).
pub const LINE_CHARS: usize = 48;

/// The check of one line.
fn check(kit: KitId, number: usize, data: &str) -> String {
    let digest = Sha256::digest(format!("{kit} {number:02} {data}").as_bytes());
    crate::vault::hex(&digest[..2])
}

/// The lines of `payload`, numbered from 1; none for an empty payload (a line with no
/// data could not be read back).
pub fn lines(kit: KitId, payload: &[u8]) -> Vec<String> {
    let text = Base64::encode_string(payload);
    text.as_bytes()
        .chunks(LINE_CHARS)
        .enumerate()
        .map(|(i, part)| {
            // Base64 is ASCII: every slice of it is a string.
            let data = String::from_utf8_lossy(part);
            format!("{:02} {data} {}", i + 1, check(kit, i + 1, &data))
        })
        .collect()
}

/// Reads typed lines back, in order, ignoring blank lines and surrounding spaces.
///
/// # Errors
/// [`KitError::TypedLine`] naming the first line whose number is out of sequence, whose
/// check does not match (a typo) or that is malformed; [`KitError::Chunk`] when the
/// whole does not decode.
pub fn read(kit: KitId, text: &str) -> Result<Vec<u8>, KitError> {
    let mut data = String::new();
    let typed = text.lines().map(str::trim).filter(|l| !l.is_empty());
    for (expected, raw) in (1usize..).zip(typed) {
        let bad = |reason: String| KitError::TypedLine {
            line: expected,
            reason,
        };
        let fields: Vec<&str> = raw.split_whitespace().collect();
        let [number, body, given] = fields[..] else {
            return Err(bad(
                "a line is its number, the data and a 4-digit check, separated by spaces"
                    .to_owned(),
            ));
        };
        let number: usize = number
            .parse()
            .map_err(|_| bad(format!("\"{number}\" is not a line number")))?;
        if number != expected {
            return Err(bad(format!(
                "line {number} came where line {expected} was expected"
            )));
        }
        if !given.eq_ignore_ascii_case(&check(kit, number, body)) {
            return Err(bad(format!(
                "the check {given} does not match: a character of line {number} is wrong"
            )));
        }
        data.push_str(body);
    }
    Base64::decode_vec(&data).map_err(|_| KitError::Chunk {
        reason: "the typed lines do not decode: a line may be missing".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_a_typo_names_its_line() {
        let kit = KitId::from_bits(0x12_3456_789A);
        let payload: Vec<u8> = (0..200u8).collect();
        let typed = lines(kit, &payload);
        assert_eq!(typed.len(), 200usize.div_ceil(36));
        assert!(typed[0].starts_with("01 "));
        let text = format!("\n  {}\n\n", typed.join("\n"));
        assert_eq!(read(kit, &text).unwrap(), payload);
        // The check is what the docs say: SHA-256 of "KW-… NN data".
        let first: Vec<&str> = typed[0].split(' ').collect();
        let digest = Sha256::digest(format!("{kit} 01 {}", first[1]).as_bytes());
        assert_eq!(first[2], crate::vault::hex(&digest[..2]));

        let mut typo = typed.clone();
        let (n, rest) = typo[3].split_at(3);
        let flipped: String = rest
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 5 {
                    if c == 'x' { 'y' } else { 'x' }
                } else {
                    c
                }
            })
            .collect();
        typo[3] = format!("{n}{flipped}");
        match read(kit, &typo.join("\n")) {
            Err(KitError::TypedLine { line, .. }) => assert_eq!(line, 4),
            other => panic!("{other:?}"),
        }
        let mut skipped = typed.clone();
        skipped.remove(1);
        assert!(matches!(
            read(kit, &skipped.join("\n")),
            Err(KitError::TypedLine { line: 2, .. })
        ));
        assert!(read(KitId::from_bits(1), &typed.join("\n")).is_err());
        assert!(read(kit, "01 AAAA").is_err());
    }

    /// Issue 5 (fuzzing): an empty payload was written as one line with no data, which
    /// `read` refuses.
    #[test]
    fn issue_5_an_empty_payload_reads_back() {
        let kit = KitId::from_bits(7);
        assert!(lines(kit, b"").is_empty());
        assert_eq!(read(kit, &lines(kit, b"").join("\n")).unwrap(), b"");
    }
}
