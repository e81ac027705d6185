//! Fingerprints: short public names of keys that people compare to tell keys apart.
//!
//! - Asymmetric keys: SHA-256 of the DER `SubjectPublicKeyInfo`, lowercase hex without
//!   colons (the same as `openssl pkey -pubin -outform DER | sha256sum`); for keys that
//!   have an OpenSSH form also OpenSSH's `SHA256:<base64 without padding>` of the SSH
//!   public key blob, exactly as `ssh-keygen -l -E sha256` prints it; for an age identity
//!   its recipient `age1…`, which is how age names it.
//! - Symmetric keys and secrets: a key check value (KCV), the first 8 bytes of
//!   HMAC-SHA-256 with the secret as the key and `keywarden/v1/kcv` as the message,
//!   in lowercase hex.
//!
//! # Why not the classic KCV
//! Banking's KCV encrypts a block of zeros with the key and shows the first bytes. It
//! exists only for block ciphers (nothing for ChaCha20, HMAC keys or passwords), and it
//! publishes a real ciphertext of a known plaintext under the key: the first keystream
//! block of AES-CTR or GCM with a zero counter block. The HMAC form works for any secret,
//! is a PRF output that tells nothing about the key or about what the key encrypts, and
//! is bound to Keywarden by its message. Only 64 bits are shown: enough to tell keys
//! apart, and a collision does not matter (a KCV is a check, not an identity).
//!
//! # Security warning
//! A KCV lets whoever sees it test guesses of the secret offline, one HMAC per guess.
//! For generated keys (128 bits and more) that is hopeless. For an imported password of
//! low entropy it is not: treat the KCV of such a password like a fast, unsalted hash
//! of it.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The HMAC message of the key check value.
pub const KCV_MESSAGE: &[u8] = b"keywarden/v1/kcv";

/// A fingerprint of a key, shown with [`Display`](fmt::Display).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fingerprint {
    /// SHA-256 of the DER `SubjectPublicKeyInfo`; shown as 64 lowercase hex digits.
    Spki([u8; 32]),
    /// OpenSSH's fingerprint, `SHA256:` and 43 base64 characters.
    OpenSsh(String),
    /// An age recipient, `age1…`, the public name of an age identity.
    AgeRecipient(String),
    /// The key check value of a symmetric key or secret; shown as 16 lowercase hex
    /// digits.
    Kcv([u8; 8]),
}

impl Fingerprint {
    /// SHA-256 of a DER `SubjectPublicKeyInfo`.
    pub fn of_spki(spki_der: &[u8]) -> Fingerprint {
        Fingerprint::Spki(Sha256::digest(spki_der).into())
    }

    /// The key check value of a secret (the raw key, or the UTF-8 text of a secret).
    pub fn kcv(secret: &[u8]) -> Fingerprint {
        // HMAC accepts keys of any length (long keys are hashed first), so this cannot
        // fail; the fallback keeps the engine free of panics all the same.
        let mut out = [0u8; 8];
        if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
            mac.update(KCV_MESSAGE);
            let tag = mac.finalize().into_bytes();
            out.copy_from_slice(&tag[..8]);
        }
        Fingerprint::Kcv(out)
    }

    /// The stable id of the kind of fingerprint: `spki-sha256`, `openssh-sha256`,
    /// `age-recipient` or `kcv`.
    pub fn id(&self) -> &'static str {
        match self {
            Fingerprint::Spki(_) => "spki-sha256",
            Fingerprint::OpenSsh(_) => "openssh-sha256",
            Fingerprint::AgeRecipient(_) => "age-recipient",
            Fingerprint::Kcv(_) => "kcv",
        }
    }

    /// What kind of fingerprint this is, for labels: "SHA-256 (SPKI)", "OpenSSH",
    /// "age recipient" or "KCV".
    pub fn label(&self) -> &'static str {
        match self {
            Fingerprint::Spki(_) => "SHA-256 (SPKI)",
            Fingerprint::OpenSsh(_) => "OpenSSH",
            Fingerprint::AgeRecipient(_) => "age recipient",
            Fingerprint::Kcv(_) => "KCV",
        }
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fingerprint::Spki(digest) => f.write_str(&base16ct::lower::encode_string(digest)),
            Fingerprint::Kcv(kcv) => f.write_str(&base16ct::lower::encode_string(kcv)),
            Fingerprint::OpenSsh(text) | Fingerprint::AgeRecipient(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kcv_is_the_truncated_hmac_of_the_fixed_message() {
        // HMAC-SHA-256(key = 32 zero bytes, "keywarden/v1/kcv"), computed with an
        // independent HMAC (Python's hmac module) and kept as a golden value.
        let kcv = Fingerprint::kcv(&[0u8; 32]);
        assert_eq!(kcv.to_string(), "34937468ff5747c7");
        assert_eq!(
            Fingerprint::kcv(b"correct horse battery staple").to_string(),
            "1b891e7d28394a61"
        );
        assert_ne!(kcv, Fingerprint::kcv(&[1u8; 32]));
        assert_eq!(kcv.label(), "KCV");
    }
}
