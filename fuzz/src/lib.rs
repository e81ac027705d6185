//! What the fuzz targets share: how one input becomes several texts, the fixed kit id,
//! passphrase and identity their seeds are made with, and the guard that keeps a fuzz
//! input from asking age for seconds of scrypt.

use keywarden_core::kit::KitId;

/// The kit id of every seed that needs one (typed lines are checked against it).
pub fn kit() -> KitId {
    KitId::from_bits(0x12_3456_789A)
}

/// The passphrase the `envelope` target opens with; its passphrase seeds are sealed to
/// it, so that the fuzzer starts past the scrypt stanza.
pub const PASSPHRASE: &str = "correct horse battery staple fuzz kit";

/// The age identity the `envelope` target opens with: a throwaway key made for these
/// seeds and public by design.
pub const IDENTITY: &str =
    "AGE-SECRET-KEY-1W4K6RPDV6YHCAEMALFU5P3XM5RP77NXZ9JSG940Q2RWVYP73S5LSN09UHE";

/// The recipient of [`IDENTITY`].
pub const RECIPIENT: &str = "age1qzm5etuup808vwuy75m6hv5yaujqtv5ty7c4s506a9ecrd4xfa2spwtyg8";

/// The byte that separates the texts of one input (one call of the API under test each).
pub const SEPARATOR: u8 = 0;

/// The texts of one input: the pieces between [`SEPARATOR`] bytes, invalid UTF-8
/// replaced (the APIs take `&str`, so every input still reaches them).
pub fn texts(data: &[u8]) -> impl Iterator<Item = String> + '_ {
    data.split(|b| *b == SEPARATOR)
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
}

/// The most scrypt work (log2 N) a fuzz input may ask for: 2^12 costs milliseconds. The
/// engine accepts up to 20 (about three seconds and 1 GiB), which would make the fuzzer
/// report every such input as a timeout or out-of-memory and find nothing else.
pub const MAX_FUZZ_LOG_N: u64 = 12;

/// Whether `payload` asks for at most [`MAX_FUZZ_LOG_N`] of scrypt work: no header line
/// `-> scrypt <salt> <log N>` whose log N (age reads its leading digits) is above it.
/// Stanza arguments are separated by single spaces and lines end in LF, as age parses
/// them.
pub fn scrypt_work_is_small(payload: &[u8]) -> bool {
    payload.split(|b| *b == b'\n').all(|line| {
        let mut args = line.split(|b| *b == b' ');
        if args.next() != Some(b"->") || args.next() != Some(b"scrypt") {
            return true;
        }
        let log_n = args.nth(1).unwrap_or_default();
        let digits = log_n.iter().take_while(|b| b.is_ascii_digit());
        digits
            .fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
            .le(&MAX_FUZZ_LOG_N)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_scrypt_work_is_spotted() {
        assert!(scrypt_work_is_small(
            b"age-encryption.org/v1\n-> scrypt c2FsdA 10\nxx\n"
        ));
        assert!(scrypt_work_is_small(b"-> X25519 20\n"));
        assert!(!scrypt_work_is_small(b"-> scrypt c2FsdA 13\n"));
        assert!(!scrypt_work_is_small(b"-> scrypt c2FsdA 20junk\n"));
        assert!(!scrypt_work_is_small(
            b"-> scrypt c2FsdA 99999999999999999999999\n"
        ));
    }

    #[test]
    fn inputs_split_at_the_separator() {
        let texts: Vec<String> = texts(b"a\0b\xff\0").collect();
        assert_eq!(texts, ["a", "b\u{fffd}", ""]);
    }
}
