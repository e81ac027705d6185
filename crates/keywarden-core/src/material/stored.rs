//! The stored encoding of key material: one tag byte, then the body. This is the
//! plaintext the vault seals in `key_version.material` (`docs/key-formats.md`).

use crate::algorithm::{Algorithm, Family};

use super::error::MaterialError;

/// The largest secret text (password, passphrase, token) Keywarden keeps, in bytes.
pub const MAX_SECRET_TEXT_BYTES: usize = 4096;

/// How the body of a stored material blob is encoded: its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Encoding {
    /// `0x01`: the raw bytes of a symmetric key, of exactly
    /// [`Algorithm::symmetric_key_len`] bytes. The vault wrote this before the material
    /// module existed; it never changes.
    Raw = 0x01,
    /// `0x02`: a PKCS#8 `PrivateKeyInfo` version 1 in DER, in Keywarden's canonical form
    /// (Ed25519, X25519, ECDSA P-256 and P-384, RSA).
    Pkcs8 = 0x02,
    /// `0x03`: the 32-byte X25519 secret scalar of an age identity.
    X25519Scalar = 0x03,
    /// `0x04`: UTF-8 text of 1 to [`MAX_SECRET_TEXT_BYTES`] bytes without control
    /// characters (passwords, passphrases, tokens).
    Text = 0x04,
    /// `0x05`: the DER `SubjectPublicKeyInfo`, in canonical form, of an asymmetric key
    /// whose private part the vault does not hold (a public key imported on its own).
    Spki = 0x05,
}

impl Encoding {
    /// The one encoding that the secret material of keys of `algorithm` is stored in
    /// (a public key kept on its own is [`Encoding::Spki`]).
    pub fn for_algorithm(algorithm: Algorithm) -> Encoding {
        match algorithm.family() {
            Family::Symmetric => Encoding::Raw,
            Family::Secret => Encoding::Text,
            Family::Asymmetric if algorithm == Algorithm::AgeX25519 => Encoding::X25519Scalar,
            Family::Asymmetric => Encoding::Pkcs8,
        }
    }

    /// The tag byte.
    pub fn tag(self) -> u8 {
        self as u8
    }
}

/// Checks the tag and the framing of a stored blob and returns its body. The body of a
/// PKCS#8 blob is checked further by the caller, which decodes it.
pub(crate) fn split(algorithm: Algorithm, stored: &[u8]) -> Result<&[u8], MaterialError> {
    let bad = |reason| MaterialError::stored(algorithm, reason);
    let (&tag, body) = stored.split_first().ok_or(bad("it is empty"))?;
    let expected = Encoding::for_algorithm(algorithm);
    if tag != expected.tag() {
        return Err(bad("its encoding tag is not the one of this algorithm"));
    }
    match expected {
        Encoding::Raw => {
            if Some(body.len()) != algorithm.symmetric_key_len() {
                return Err(bad("the key has the wrong length"));
            }
        }
        Encoding::X25519Scalar => {
            if body.len() != 32 {
                return Err(bad("the X25519 scalar is not 32 bytes"));
            }
        }
        Encoding::Text => {
            let text = std::str::from_utf8(body).map_err(|_| bad("the text is not UTF-8"))?;
            check_text(text).map_err(bad)?;
        }
        Encoding::Pkcs8 => {
            if body.is_empty() {
                return Err(bad("the PKCS#8 document is empty"));
            }
        }
        Encoding::Spki => return Err(bad("it is a public key, not a secret")),
    }
    Ok(body)
}

/// Whether `text` may be kept as a secret: not empty, at most
/// [`MAX_SECRET_TEXT_BYTES`] bytes, no control characters.
pub(crate) fn check_text(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        return Err("the text is empty");
    }
    if text.len() > MAX_SECRET_TEXT_BYTES {
        return Err("the text is longer than 4096 bytes");
    }
    if text.chars().any(char::is_control) {
        return Err("the text has control characters (line breaks, tabs, …)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symmetric_keys_keep_the_tag_the_vault_already_writes() {
        for a in Algorithm::ALL {
            let e = Encoding::for_algorithm(a);
            assert_eq!(e == Encoding::Raw, a.family() == Family::Symmetric, "{a}");
        }
        assert_eq!(Encoding::Raw.tag(), 0x01);
    }

    #[test]
    fn text_rules() {
        assert!(check_text("correct horse").is_ok());
        assert!(check_text("").is_err());
        assert!(check_text("a\nb").is_err());
        assert!(check_text("a\tb").is_err());
        assert!(check_text(&"x".repeat(4096)).is_ok());
        assert!(check_text(&"x".repeat(4097)).is_err());
    }
}
