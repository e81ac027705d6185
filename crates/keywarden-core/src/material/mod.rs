//! Key material: making keys, their stored encoding, standard formats and fingerprints.
//!
//! This module is pure: no file, no vault. A [`SecretKey`] is an algorithm and the
//! canonical bytes the vault seals ([`SecretKey::to_stored`], `docs/key-formats.md`);
//! it comes from [`SecretKey::generate`], [`SecretKey::from_stored`],
//! [`SecretKey::import`] or [`SecretKey::from_jwk`], and goes out through
//! [`SecretKey::export`], [`SecretKey::to_jwk`] and its [`PublicKey`]. A key whose
//! private part lives elsewhere is only a [`PublicKey`] ([`PublicKey::import`],
//! [`PublicKey::from_jwk`]); [`Imported`] is either, as read from a file. Every way in
//! checks the input strictly and gives a [`MaterialError`], never a panic.
//!
//! The cryptography is RustCrypto's (ed25519-dalek, x25519-dalek, p256, p384, rsa,
//! pkcs8, spki, ssh-key); see `docs/decisions/0006-key-material.md`.

mod age;
mod detect;
mod error;
mod export;
mod fingerprint;
mod format;
mod generate;
mod import;
mod jwk;
mod keypair;
mod openssh;
mod public;
mod stored;
mod words;

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::algorithm::{Algorithm, Family};

pub use detect::{Detected, detect};
pub use error::MaterialError;
pub use fingerprint::{Fingerprint, KCV_MESSAGE};
pub use format::{Format, UnknownFormat};
pub use generate::{
    API_TOKEN_BYTES, API_TOKEN_PREFIX, DICEWARE_WORDS, PASSWORD_ALPHABET, PASSWORD_CHARS,
};
pub use import::Imported;
pub use jwk::Jwk;
pub use public::PublicKey;
pub use stored::{Encoding, MAX_SECRET_TEXT_BYTES};
pub use words::{WORD_COUNT, eff_large_words};

use keypair::Keypair;

/// The secret material of one key: its algorithm and its canonical stored encoding (tag
/// byte and body, `docs/key-formats.md`), in a buffer wiped on drop.
///
/// There is no `Clone`, `Display` or `Serialize`; `Debug` shows the algorithm only.
/// Equality is constant-time over the stored bytes.
pub struct SecretKey {
    algorithm: Algorithm,
    stored: Zeroizing<Vec<u8>>,
    public: Option<PublicKey>,
}

impl SecretKey {
    /// A fresh key of `algorithm` from the operating system's CSPRNG.
    ///
    /// Symmetric keys are random bytes; Ed25519 and X25519 keys (and age identities) are
    /// 32 random bytes; ECDSA and RSA keys come from p256, p384 and rsa fed by the OS
    /// CSPRNG. Passwords are [`PASSWORD_CHARS`] characters of [`PASSWORD_ALPHABET`],
    /// passphrases [`DICEWARE_WORDS`] words of the EFF large word list separated by
    /// spaces, API tokens [`API_TOKEN_PREFIX`] and [`API_TOKEN_BYTES`] random bytes in
    /// base64url without padding; every character and word is drawn uniformly.
    /// RSA-4096 takes seconds.
    ///
    /// # Errors
    /// [`MaterialError::Crypto`] if a library fails to make or encode the key.
    pub fn generate(algorithm: Algorithm) -> Result<SecretKey, MaterialError> {
        SecretKey::checked(algorithm, generate::stored(algorithm)?)
    }

    /// The key whose stored encoding is `stored` (as [`SecretKey::to_stored`] wrote it).
    ///
    /// The blob is checked strictly: the tag must be the algorithm's
    /// ([`Encoding::for_algorithm`]), the body of the exact length or text rules, and a
    /// PKCS#8 body must decode to a key of this algorithm and be in Keywarden's canonical
    /// form, byte for byte. The caller keeps and wipes its copy of `stored`.
    ///
    /// # Errors
    /// [`MaterialError::BadStoredEncoding`] when anything does not fit.
    pub fn from_stored(algorithm: Algorithm, stored: &[u8]) -> Result<SecretKey, MaterialError> {
        SecretKey::checked(algorithm, Zeroizing::new(stored.to_vec()))
    }

    /// The stored encoding: the tag byte and the body, the plaintext the vault seals.
    ///
    /// # Security warning
    /// Secret. For the vault's seal only; copies made from this slice are the caller's
    /// to wipe.
    pub fn to_stored(&self) -> &[u8] {
        &self.stored
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The public part of an asymmetric key; `None` for symmetric keys and secrets.
    pub fn public_key(&self) -> Option<PublicKey> {
        self.public.clone()
    }

    /// The key's main fingerprint: [`PublicKey::fingerprint`] for asymmetric keys, the
    /// key check value ([`Fingerprint::Kcv`]) for symmetric keys and secrets.
    pub fn fingerprint(&self) -> Fingerprint {
        match &self.public {
            Some(public) => public.fingerprint(),
            None => Fingerprint::kcv(self.body()),
        }
    }

    /// Every fingerprint of the key, the main one first ([`PublicKey::fingerprints`] for
    /// asymmetric keys).
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        match &self.public {
            Some(public) => public.fingerprints(),
            None => vec![Fingerprint::kcv(self.body())],
        }
    }

    /// Checks a stored blob and derives the public key.
    fn checked(algorithm: Algorithm, stored: Zeroizing<Vec<u8>>) -> Result<Self, MaterialError> {
        let body = stored::split(algorithm, &stored)?;
        let public = match Encoding::for_algorithm(algorithm) {
            Encoding::Raw | Encoding::Text | Encoding::Spki => None,
            Encoding::X25519Scalar => {
                let keypair = scalar_keypair(body).ok_or(MaterialError::stored(
                    algorithm,
                    "the scalar is not 32 bytes",
                ))?;
                Some(PublicKey::new(algorithm, keypair.spki_der()?))
            }
            Encoding::Pkcs8 => {
                let keypair = Keypair::from_pkcs8_der(body, Format::Pkcs8Der).map_err(|_| {
                    MaterialError::stored(algorithm, "the PKCS#8 document is not a valid key")
                })?;
                if keypair.algorithm().ok() != Some(algorithm) {
                    return Err(MaterialError::stored(
                        algorithm,
                        "the PKCS#8 document holds a key of another algorithm",
                    ));
                }
                let canonical = keypair.to_pkcs8_der()?;
                if !bool::from(canonical.as_slice().ct_eq(body)) {
                    return Err(MaterialError::stored(
                        algorithm,
                        "the PKCS#8 document is not in canonical form",
                    ));
                }
                Some(PublicKey::new(algorithm, keypair.spki_der()?))
            }
        };
        Ok(SecretKey {
            algorithm,
            stored,
            public,
        })
    }

    /// A key of `algorithm` from a decoded private key (checked again on the way in).
    fn from_keypair(algorithm: Algorithm, keypair: &Keypair) -> Result<Self, MaterialError> {
        let encoding = Encoding::for_algorithm(algorithm);
        let mut stored = Zeroizing::new(vec![encoding.tag()]);
        match (encoding, keypair) {
            (Encoding::X25519Scalar, Keypair::X25519(secret)) => {
                stored.extend_from_slice(secret.as_bytes());
            }
            (Encoding::Pkcs8, _) => stored.extend_from_slice(&keypair.to_pkcs8_der()?),
            _ => {
                return Err(MaterialError::AlgorithmMismatch {
                    expected: algorithm,
                    found: keypair.algorithm()?,
                });
            }
        }
        SecretKey::checked(algorithm, stored)
    }

    /// The body of the stored encoding (without the tag).
    fn body(&self) -> &[u8] {
        self.stored.get(1..).unwrap_or_default()
    }

    /// The decoded private key of an asymmetric key.
    fn keypair(&self) -> Result<Keypair, MaterialError> {
        match Encoding::for_algorithm(self.algorithm) {
            Encoding::X25519Scalar => scalar_keypair(self.body()),
            Encoding::Pkcs8 => Keypair::from_pkcs8_der(self.body(), Format::Pkcs8Der).ok(),
            Encoding::Raw | Encoding::Text | Encoding::Spki => None,
        }
        .ok_or(MaterialError::stored(
            self.algorithm,
            "the key has no private key pair",
        ))
    }
}

fn scalar_keypair(body: &[u8]) -> Option<Keypair> {
    let scalar: [u8; 32] = body.try_into().ok()?;
    Some(Keypair::X25519(x25519_dalek::StaticSecret::from(scalar)))
}

impl PartialEq for SecretKey {
    /// Constant-time over the stored bytes.
    fn eq(&self, other: &Self) -> bool {
        self.algorithm == other.algorithm
            && bool::from(self.stored.as_slice().ct_eq(other.stored.as_slice()))
    }
}

impl Eq for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, <redacted>)", self.algorithm.id())
    }
}

/// Whether a family has a public part, for callers that only hold an algorithm.
pub fn has_public_key(algorithm: Algorithm) -> bool {
    algorithm.family() == Family::Asymmetric
}
