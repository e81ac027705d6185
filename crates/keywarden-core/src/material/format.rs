//! The file and text formats a key can be exported to and imported from.
//!
//! JWK is not here: the engine writes no JSON (DESIGN.md section 2), so a JWK leaves the
//! engine as a [`Jwk`](super::Jwk) value that the CLI or the app serialises.

use std::fmt;
use std::str::FromStr;

use crate::algorithm::{Algorithm, Family};

/// A standard encoding of a key, private or public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// PKCS#8 `PrivateKeyInfo` (RFC 5208, RFC 5958 version 1) in PEM (RFC 7468,
    /// `-----BEGIN PRIVATE KEY-----`).
    Pkcs8Pem,
    /// PKCS#8 `PrivateKeyInfo` in binary DER.
    Pkcs8Der,
    /// X.509 `SubjectPublicKeyInfo` (RFC 5280; RFC 8410 for Ed25519 and X25519, RFC 5480
    /// for ECDSA, RFC 3279 for RSA) in PEM (`-----BEGIN PUBLIC KEY-----`).
    SpkiPem,
    /// `SubjectPublicKeyInfo` in binary DER.
    SpkiDer,
    /// An unencrypted OpenSSH private key file (`-----BEGIN OPENSSH PRIVATE KEY-----`,
    /// OpenSSH's `PROTOCOL.key`).
    OpenSshPrivate,
    /// An OpenSSH public key line (`ssh-ed25519 AAAA… comment`, RFC 4253 section 6.6).
    OpenSshPublic,
    /// The raw secret bytes in hexadecimal (symmetric keys and secrets).
    RawHex,
    /// The raw secret bytes in base64 with padding (RFC 4648 section 4).
    RawBase64,
    /// An age identity, `AGE-SECRET-KEY-1…` (age-encryption.org/v1).
    AgeIdentity,
    /// An age recipient, `age1…`.
    AgeRecipient,
    /// The secret as UTF-8 text (passwords, passphrases, tokens).
    Text,
}

impl Format {
    /// Every format, private ones first.
    pub const ALL: [Format; 11] = [
        Format::Pkcs8Pem,
        Format::Pkcs8Der,
        Format::OpenSshPrivate,
        Format::AgeIdentity,
        Format::RawHex,
        Format::RawBase64,
        Format::Text,
        Format::SpkiPem,
        Format::SpkiDer,
        Format::OpenSshPublic,
        Format::AgeRecipient,
    ];

    /// The stable identifier used by the CLI and the app.
    pub fn id(self) -> &'static str {
        match self {
            Format::Pkcs8Pem => "pkcs8-pem",
            Format::Pkcs8Der => "pkcs8-der",
            Format::SpkiPem => "spki-pem",
            Format::SpkiDer => "spki-der",
            Format::OpenSshPrivate => "openssh-private",
            Format::OpenSshPublic => "openssh-public",
            Format::RawHex => "hex",
            Format::RawBase64 => "base64",
            Format::AgeIdentity => "age-identity",
            Format::AgeRecipient => "age-recipient",
            Format::Text => "text",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Format::Pkcs8Pem => "PKCS#8 PEM",
            Format::Pkcs8Der => "PKCS#8 DER",
            Format::SpkiPem => "SPKI PEM public key",
            Format::SpkiDer => "SPKI DER public key",
            Format::OpenSshPrivate => "OpenSSH",
            Format::OpenSshPublic => "OpenSSH public key",
            Format::RawHex => "raw hex",
            Format::RawBase64 => "raw base64",
            Format::AgeIdentity => "age identity",
            Format::AgeRecipient => "age recipient",
            Format::Text => "plain text",
        }
    }

    /// Whether the format carries the secret (and so leaves only by an explicit, audited
    /// export) rather than the public part.
    pub fn is_private(self) -> bool {
        match self {
            Format::Pkcs8Pem
            | Format::Pkcs8Der
            | Format::OpenSshPrivate
            | Format::RawHex
            | Format::RawBase64
            | Format::AgeIdentity
            | Format::Text => true,
            Format::SpkiPem | Format::SpkiDer | Format::OpenSshPublic | Format::AgeRecipient => {
                false
            }
        }
    }

    /// Whether the format is text (PEM, OpenSSH, hex, base64, age, plain text) rather
    /// than binary DER.
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Pkcs8Der | Format::SpkiDer)
    }

    /// Whether a key of `algorithm` has this form.
    pub fn supports(self, algorithm: Algorithm) -> bool {
        let ssh = matches!(
            algorithm,
            Algorithm::Ed25519
                | Algorithm::EcdsaP256
                | Algorithm::EcdsaP384
                | Algorithm::Rsa2048
                | Algorithm::Rsa3072
                | Algorithm::Rsa4096
        );
        match self {
            Format::Pkcs8Pem | Format::Pkcs8Der | Format::SpkiPem | Format::SpkiDer => {
                algorithm.family() == Family::Asymmetric
            }
            Format::OpenSshPrivate | Format::OpenSshPublic => ssh,
            Format::RawHex | Format::RawBase64 => algorithm.family() != Family::Asymmetric,
            Format::AgeIdentity | Format::AgeRecipient => algorithm == Algorithm::AgeX25519,
            Format::Text => algorithm.family() == Family::Secret,
        }
    }

    /// The text form in which a key of `algorithm` is shown to a person who asks to
    /// reveal it: hex for symmetric keys, the text itself for secrets, the age identity
    /// for age keys, PKCS#8 PEM for the other private keys.
    pub fn for_reveal(algorithm: Algorithm) -> Format {
        match algorithm.family() {
            Family::Symmetric => Format::RawHex,
            Family::Secret => Format::Text,
            Family::Asymmetric if algorithm == Algorithm::AgeX25519 => Format::AgeIdentity,
            Family::Asymmetric => Format::Pkcs8Pem,
        }
    }

    /// The formats a key of `algorithm` can be exported to, private ones first.
    pub fn for_algorithm(algorithm: Algorithm) -> Vec<Format> {
        Format::ALL
            .into_iter()
            .filter(|f| f.supports(algorithm))
            .collect()
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown key format \"{given}\"; known: {}",
    Format::ALL.map(Format::id).join(", ")
)]
pub struct UnknownFormat {
    /// The name given (at most 64 characters of it).
    pub given: String,
}

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.id() == wanted)
            .ok_or_else(|| UnknownFormat {
                given: s.chars().take(64).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_ids() {
        for f in Format::ALL {
            assert_eq!(f.id().parse::<Format>().unwrap(), f);
        }
        assert!("pem".parse::<Format>().is_err());
    }

    #[test]
    fn every_algorithm_has_a_private_and_a_way_in() {
        for a in Algorithm::ALL {
            let formats = Format::for_algorithm(a);
            assert!(formats.iter().any(|f| f.is_private()), "{a}");
            let public = formats.iter().any(|f| !f.is_private());
            assert_eq!(public, a.family() == Family::Asymmetric, "{a}");
        }
        assert!(!Format::OpenSshPrivate.supports(Algorithm::X25519));
        assert!(!Format::OpenSshPrivate.supports(Algorithm::AgeX25519));
        assert!(Format::Pkcs8Pem.supports(Algorithm::AgeX25519));
    }
}
