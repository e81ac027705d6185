//! Kit ids: 40 random bits, written `KW-XXXX-XXXX` in Crockford's base 32 so that a
//! person can read one aloud and type it back (`O` reads as `0`, `I` and `L` as `1`).

use std::fmt;
use std::str::FromStr;

use super::KitError;

/// Crockford's base-32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A kit's id, printed on every sheet and carried by every QR code of the kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KitId(u64);

impl KitId {
    /// A new random id from the OS CSPRNG.
    pub fn random() -> KitId {
        let bytes: [u8; 5] = crate::random::array();
        KitId(bytes.iter().fold(0, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// The id of these 40 bits (higher bits are ignored).
    pub fn from_bits(bits: u64) -> KitId {
        KitId(bits & 0xFF_FFFF_FFFF)
    }

    /// The 40 bits.
    pub fn bits(self) -> u64 {
        self.0
    }
}

impl fmt::Display for KitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut digits = [0u8; 8];
        for (i, d) in digits.iter_mut().enumerate() {
            let shift = 35 - 5 * i;
            *d = ALPHABET[((self.0 >> shift) & 31) as usize];
        }
        let text = std::str::from_utf8(&digits).map_err(|_| fmt::Error)?;
        write!(f, "KW-{}-{}", &text[..4], &text[4..])
    }
}

/// The value of one Crockford digit, reading look-alikes as the digit they resemble.
fn digit(c: char) -> Option<u64> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|a| char::from(*a) == c)
        .map(|p| p as u64)
}

impl FromStr for KitId {
    type Err = KitError;

    /// Reads `KW-XXXX-XXXX`, in any case, with or without the prefix and dashes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || KitError::BadKitId {
            given: s.chars().take(32).collect(),
        };
        let trimmed = s.trim();
        let body = trimmed
            .strip_prefix("KW-")
            .or_else(|| trimmed.strip_prefix("kw-"))
            .unwrap_or(trimmed);
        let digits: Vec<char> = body.chars().filter(|c| *c != '-').collect();
        if digits.len() != 8 {
            return Err(bad());
        }
        let mut bits = 0u64;
        for c in digits {
            bits = (bits << 5) | digit(c).ok_or_else(bad)?;
        }
        Ok(KitId(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_and_read_back_with_look_alikes_forgiven() {
        let id = KitId::from_bits(0x12_3456_789A);
        let text = id.to_string();
        assert_eq!(text, "KW-28T5-CY4T");
        assert_eq!(text.parse::<KitId>().unwrap(), id);
        assert_eq!("kw-28t5-cy4t".parse::<KitId>().unwrap(), id);
        assert_eq!("28T5CY4T".parse::<KitId>().unwrap(), id);
        assert_eq!(
            "KW-0000-0001".parse::<KitId>().unwrap(),
            "KW-OOOO-OOOL".parse().unwrap()
        );
        assert_eq!(KitId::from_bits(u64::MAX).to_string(), "KW-ZZZZ-ZZZZ");
        for bad in [
            "",
            "KW-",
            "KW-1234-567",
            "KW-1234-5678-9",
            "KW-U234-5678",
            "KW-12!4-5678",
        ] {
            assert!(bad.parse::<KitId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(KitId::random(), KitId::random());
    }
}
