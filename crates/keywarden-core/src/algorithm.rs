//! What kind of key a key is: its algorithm, and the purposes (NIST SP 800-57 key types)
//! it may serve.
//!
//! Security strengths follow SP 800-57 Part 1 Rev 5, Table 2, rounded down between table
//! points (RSA-4096 is 128 bits, not a NIST figure of its own); see
//! `../shared/reference/nist-policy-defaults.toml` and `docs/policy.md`.

use std::fmt;
use std::str::FromStr;

use crate::error::RecordError;

/// The kinds of key Keywarden generates and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// AES with a 128-bit key.
    Aes128,
    /// AES with a 256-bit key.
    Aes256,
    /// ChaCha20 (and ChaCha20-Poly1305) with a 256-bit key.
    ChaCha20,
    /// HMAC-SHA-256 with a 256-bit key.
    HmacSha256,
    /// HMAC-SHA-512 with a 512-bit key.
    HmacSha512,
    /// Ed25519 signature key pair (also an OpenSSH key type).
    Ed25519,
    /// X25519 key-agreement key pair.
    X25519,
    /// ECDSA key pair on NIST P-256 (also an OpenSSH key type).
    EcdsaP256,
    /// ECDSA key pair on NIST P-384 (also an OpenSSH key type).
    EcdsaP384,
    /// RSA key pair, 2048-bit modulus (also an OpenSSH key type).
    Rsa2048,
    /// RSA key pair, 3072-bit modulus (also an OpenSSH key type).
    Rsa3072,
    /// RSA key pair, 4096-bit modulus (also an OpenSSH key type).
    Rsa4096,
    /// An age X25519 identity (`AGE-SECRET-KEY-1…`) and its recipient (`age1…`).
    AgeX25519,
    /// A random password of printable ASCII characters.
    Password,
    /// A diceware passphrase of words from the shipped word list.
    Diceware,
    /// A random API token (URL-safe text).
    ApiToken,
}

/// The broad family of an algorithm, which decides how its material is stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// A secret symmetric key of fixed length.
    Symmetric,
    /// A private key with a public part that may be shared.
    Asymmetric,
    /// A secret meant for people or services: a password, a passphrase, a token.
    Secret,
}

impl Algorithm {
    /// Every algorithm, in the order a person would choose from.
    pub const ALL: [Algorithm; 16] = [
        Algorithm::Aes256,
        Algorithm::Aes128,
        Algorithm::ChaCha20,
        Algorithm::HmacSha256,
        Algorithm::HmacSha512,
        Algorithm::Ed25519,
        Algorithm::EcdsaP256,
        Algorithm::EcdsaP384,
        Algorithm::Rsa3072,
        Algorithm::Rsa4096,
        Algorithm::Rsa2048,
        Algorithm::X25519,
        Algorithm::AgeX25519,
        Algorithm::Password,
        Algorithm::Diceware,
        Algorithm::ApiToken,
    ];

    /// The stable identifier used in the file, the CLI and the app.
    pub fn id(self) -> &'static str {
        match self {
            Algorithm::Aes128 => "aes-128",
            Algorithm::Aes256 => "aes-256",
            Algorithm::ChaCha20 => "chacha20",
            Algorithm::HmacSha256 => "hmac-sha256",
            Algorithm::HmacSha512 => "hmac-sha512",
            Algorithm::Ed25519 => "ed25519",
            Algorithm::X25519 => "x25519",
            Algorithm::EcdsaP256 => "ecdsa-p256",
            Algorithm::EcdsaP384 => "ecdsa-p384",
            Algorithm::Rsa2048 => "rsa-2048",
            Algorithm::Rsa3072 => "rsa-3072",
            Algorithm::Rsa4096 => "rsa-4096",
            Algorithm::AgeX25519 => "age-x25519",
            Algorithm::Password => "password",
            Algorithm::Diceware => "diceware",
            Algorithm::ApiToken => "api-token",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Aes128 => "AES-128",
            Algorithm::Aes256 => "AES-256",
            Algorithm::ChaCha20 => "ChaCha20",
            Algorithm::HmacSha256 => "HMAC-SHA-256",
            Algorithm::HmacSha512 => "HMAC-SHA-512",
            Algorithm::Ed25519 => "Ed25519",
            Algorithm::X25519 => "X25519",
            Algorithm::EcdsaP256 => "ECDSA P-256",
            Algorithm::EcdsaP384 => "ECDSA P-384",
            Algorithm::Rsa2048 => "RSA-2048",
            Algorithm::Rsa3072 => "RSA-3072",
            Algorithm::Rsa4096 => "RSA-4096",
            Algorithm::AgeX25519 => "age identity (X25519)",
            Algorithm::Password => "Random password",
            Algorithm::Diceware => "Diceware passphrase",
            Algorithm::ApiToken => "API token",
        }
    }

    /// One sentence on what the key is for.
    pub fn description(self) -> &'static str {
        match self {
            Algorithm::Aes128 => "Symmetric encryption key, 128 bits (AES-GCM, AES-CTR).",
            Algorithm::Aes256 => {
                "Symmetric encryption key, 256 bits: the usual choice for data encryption."
            }
            Algorithm::ChaCha20 => "Symmetric encryption key, 256 bits, for ChaCha20-Poly1305.",
            Algorithm::HmacSha256 => "Message authentication key, 256 bits, for HMAC-SHA-256.",
            Algorithm::HmacSha512 => "Message authentication key, 512 bits, for HMAC-SHA-512.",
            Algorithm::Ed25519 => "Signature key pair; the usual choice for new SSH keys.",
            Algorithm::X25519 => "Key-agreement key pair (Diffie-Hellman on Curve25519).",
            Algorithm::EcdsaP256 => "Signature key pair on NIST P-256 (TLS, SSH, code signing).",
            Algorithm::EcdsaP384 => "Signature key pair on NIST P-384, 192-bit strength.",
            Algorithm::Rsa2048 => "RSA key pair for legacy systems; allowed only through 2030.",
            Algorithm::Rsa3072 => "RSA key pair, 128-bit strength, for signatures or transport.",
            Algorithm::Rsa4096 => "RSA key pair, 4096 bits, for systems that ask for it.",
            Algorithm::AgeX25519 => "An age identity, to decrypt files encrypted to its recipient.",
            Algorithm::Password => "A random password of 24 printable characters.",
            Algorithm::Diceware => "A passphrase of 10 words from the EFF large word list.",
            Algorithm::ApiToken => "A random 256-bit token in URL-safe text.",
        }
    }

    /// The algorithm's family.
    pub fn family(self) -> Family {
        match self {
            Algorithm::Aes128
            | Algorithm::Aes256
            | Algorithm::ChaCha20
            | Algorithm::HmacSha256
            | Algorithm::HmacSha512 => Family::Symmetric,
            Algorithm::Ed25519
            | Algorithm::X25519
            | Algorithm::EcdsaP256
            | Algorithm::EcdsaP384
            | Algorithm::Rsa2048
            | Algorithm::Rsa3072
            | Algorithm::Rsa4096
            | Algorithm::AgeX25519 => Family::Asymmetric,
            Algorithm::Password | Algorithm::Diceware | Algorithm::ApiToken => Family::Secret,
        }
    }

    /// The length of a symmetric key in bytes; `None` for other families.
    pub fn symmetric_key_len(self) -> Option<usize> {
        match self {
            Algorithm::Aes128 => Some(16),
            Algorithm::Aes256 | Algorithm::ChaCha20 | Algorithm::HmacSha256 => Some(32),
            Algorithm::HmacSha512 => Some(64),
            _ => None,
        }
    }

    /// The key size people know the algorithm by, in bits: the symmetric key length, the
    /// RSA modulus, the curve's field size, or the entropy of a generated secret.
    pub fn bits(self) -> u32 {
        match self {
            Algorithm::Aes128 => 128,
            Algorithm::Aes256
            | Algorithm::ChaCha20
            | Algorithm::HmacSha256
            | Algorithm::Ed25519
            | Algorithm::X25519
            | Algorithm::EcdsaP256
            | Algorithm::AgeX25519
            | Algorithm::ApiToken => 256,
            Algorithm::HmacSha512 => 512,
            Algorithm::EcdsaP384 => 384,
            Algorithm::Rsa2048 => 2048,
            Algorithm::Rsa3072 => 3072,
            Algorithm::Rsa4096 => 4096,
            // 24 characters from 94 printable ASCII characters: 24 * log2(94).
            Algorithm::Password => 157,
            // 10 words from a list of 7,776: 10 * log2(7776).
            Algorithm::Diceware => 129,
        }
    }

    /// Security strength in bits (SP 800-57 Part 1 Rev 5, Tables 2 and 3, floored
    /// between table points; generated secrets by their entropy, floored the same way).
    pub fn security_strength(self) -> u32 {
        match self {
            Algorithm::Aes128
            | Algorithm::Ed25519
            | Algorithm::X25519
            | Algorithm::EcdsaP256
            | Algorithm::Rsa3072
            | Algorithm::Rsa4096
            | Algorithm::AgeX25519
            | Algorithm::Password
            | Algorithm::Diceware => 128,
            Algorithm::EcdsaP384 => 192,
            Algorithm::Rsa2048 => 112,
            Algorithm::Aes256
            | Algorithm::ChaCha20
            | Algorithm::HmacSha256
            | Algorithm::HmacSha512
            | Algorithm::ApiToken => 256,
        }
    }

    /// Whether a large quantum computer would break it (NIST IR 8547 draft): every
    /// classical public-key algorithm.
    pub fn quantum_vulnerable(self) -> bool {
        self.family() == Family::Asymmetric
    }

    /// The purposes this algorithm can serve; the first is the usual one.
    pub fn purposes(self) -> &'static [Purpose] {
        use Purpose::*;
        match self {
            Algorithm::Aes128 | Algorithm::Aes256 => &[DataEncryption, KeyWrapping],
            Algorithm::ChaCha20 => &[DataEncryption],
            Algorithm::HmacSha256 | Algorithm::HmacSha512 => &[Authentication, KeyDerivation],
            Algorithm::Ed25519 | Algorithm::EcdsaP256 | Algorithm::EcdsaP384 => {
                &[Signature, Authentication]
            }
            Algorithm::Rsa2048 | Algorithm::Rsa3072 | Algorithm::Rsa4096 => {
                &[Signature, Authentication, KeyTransport]
            }
            Algorithm::X25519 | Algorithm::AgeX25519 => &[KeyAgreement],
            Algorithm::Password | Algorithm::Diceware | Algorithm::ApiToken => &[Secret],
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Algorithm {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Algorithm::ALL
            .into_iter()
            .find(|a| a.id() == wanted)
            .ok_or_else(|| RecordError::UnknownAlgorithm {
                given: s.chars().take(64).collect(),
            })
    }
}

/// What a key is for: the key types of NIST SP 800-57 Part 1, section 5.1.1, grouped as
/// a person chooses them (private and public halves of a pair share one purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Purpose {
    /// Symmetric data-encryption key.
    DataEncryption,
    /// Symmetric key-wrapping key.
    KeyWrapping,
    /// Authentication: symmetric authentication keys and private authentication keys.
    Authentication,
    /// Private signature key (and its public verification key).
    Signature,
    /// Static key-agreement key pair, or an age identity.
    KeyAgreement,
    /// Private key-transport key (RSA-OAEP, RSA-KEM).
    KeyTransport,
    /// Symmetric key-derivation (master) key.
    KeyDerivation,
    /// A password, passphrase or token that a person or service presents.
    Secret,
}

impl Purpose {
    /// Every purpose, in the order of SP 800-57's list.
    pub const ALL: [Purpose; 8] = [
        Purpose::DataEncryption,
        Purpose::KeyWrapping,
        Purpose::Authentication,
        Purpose::Signature,
        Purpose::KeyAgreement,
        Purpose::KeyTransport,
        Purpose::KeyDerivation,
        Purpose::Secret,
    ];

    /// The stable identifier used in the file, the CLI and the app.
    pub fn id(self) -> &'static str {
        match self {
            Purpose::DataEncryption => "data-encryption",
            Purpose::KeyWrapping => "key-wrapping",
            Purpose::Authentication => "authentication",
            Purpose::Signature => "signature",
            Purpose::KeyAgreement => "key-agreement",
            Purpose::KeyTransport => "key-transport",
            Purpose::KeyDerivation => "key-derivation",
            Purpose::Secret => "secret",
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Purpose::DataEncryption => "Data encryption",
            Purpose::KeyWrapping => "Key wrapping",
            Purpose::Authentication => "Authentication",
            Purpose::Signature => "Signature",
            Purpose::KeyAgreement => "Key agreement",
            Purpose::KeyTransport => "Key transport",
            Purpose::KeyDerivation => "Key derivation",
            Purpose::Secret => "Password or secret",
        }
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Purpose {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Purpose::ALL
            .into_iter()
            .find(|p| p.id() == wanted)
            .ok_or_else(|| RecordError::Invalid {
                field: "purpose",
                reason: format!(
                    "unknown purpose \"{}\"; known: {}",
                    s.chars().take(64).collect::<String>(),
                    Purpose::ALL.map(Purpose::id).join(", ")
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithms_and_purposes_round_trip_through_their_ids() {
        for a in Algorithm::ALL {
            assert_eq!(a.id().parse::<Algorithm>().unwrap(), a);
            assert!(!a.purposes().is_empty());
        }
        for p in Purpose::ALL {
            assert_eq!(p.id().parse::<Purpose>().unwrap(), p);
        }
        assert_eq!(" AES-256 ".parse::<Algorithm>().unwrap(), Algorithm::Aes256);
        assert!(matches!(
            "des".parse::<Algorithm>(),
            Err(RecordError::UnknownAlgorithm { .. })
        ));
        assert!("encryption".parse::<Purpose>().is_err());
    }

    #[test]
    fn every_algorithm_is_listed_once() {
        let mut ids: Vec<_> = Algorithm::ALL.iter().map(|a| a.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Algorithm::ALL.len());
    }

    #[test]
    fn symmetric_keys_and_only_they_have_a_fixed_length() {
        for a in Algorithm::ALL {
            assert_eq!(
                a.symmetric_key_len().is_some(),
                a.family() == Family::Symmetric,
                "{a}"
            );
        }
    }
}
