//! Helpers shared by the material tests.

use keywarden_core::Algorithm;
use keywarden_core::material::{Format, SecretKey};

/// Every algorithm but RSA-4096 (slow to generate; one test of its own covers it).
pub fn quick_algorithms() -> impl Iterator<Item = Algorithm> {
    Algorithm::ALL
        .into_iter()
        .filter(|a| *a != Algorithm::Rsa4096)
}

/// The hint an import in `format` needs: raw and text formats say nothing about the key.
pub fn hint(format: Format, algorithm: Algorithm) -> Option<Algorithm> {
    match format {
        Format::RawHex | Format::RawBase64 | Format::Text => Some(algorithm),
        // An X25519 PKCS#8 key is X25519 unless it is said to be an age identity.
        Format::Pkcs8Pem | Format::Pkcs8Der | Format::SpkiPem | Format::SpkiDer
            if algorithm == Algorithm::AgeX25519 =>
        {
            Some(algorithm)
        }
        _ => None,
    }
}

/// A key of `algorithm` read back from its own export in `format`.
pub fn through(key: &SecretKey, format: Format) -> SecretKey {
    let data = key.export(format, "test@keywarden").unwrap();
    SecretKey::import(&data, format, hint(format, key.algorithm()))
        .unwrap_or_else(|e| panic!("{} in {format}: {e}", key.algorithm()))
}
