//! The key formats the command line accepts: the engine's [`Format`]s and JWK, which the
//! engine hands over as a value for the CLI to write as JSON (DESIGN.md section 2).

use std::fmt;
use std::str::FromStr;

use keywarden_core::{Algorithm, Family, Format};

/// The id of the JWK format on the command line and in JSON output.
pub const JWK: &str = "jwk";

/// A format of `key import`, `key export-public` or `key export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    /// One of the engine's formats.
    Standard(Format),
    /// A JSON Web Key (RFC 7517; RFC 7518 and RFC 8037 key types).
    Jwk,
}

impl KeyFormat {
    /// The stable id: the engine's format id, or `jwk`.
    pub fn id(self) -> &'static str {
        match self {
            KeyFormat::Standard(format) => format.id(),
            KeyFormat::Jwk => JWK,
        }
    }

    /// Whether it is binary (DER), which is never printed on a terminal.
    pub fn is_binary(self) -> bool {
        match self {
            KeyFormat::Standard(format) => !format.is_text(),
            KeyFormat::Jwk => false,
        }
    }

    /// Whether a key of `algorithm` has this form: as a private key when `private`, else
    /// its public part.
    pub fn supports(self, algorithm: Algorithm, private: bool) -> bool {
        match self {
            KeyFormat::Standard(format) => {
                format.is_private() == private && format.supports(algorithm)
            }
            // Symmetric keys have a private JWK (`oct`) only; secrets have none.
            KeyFormat::Jwk => match algorithm.family() {
                Family::Asymmetric => true,
                Family::Symmetric => private,
                Family::Secret => false,
            },
        }
    }

    /// The formats a key of `algorithm` can be exported in, private or public, as ids.
    pub fn ids_for(algorithm: Algorithm, private: bool) -> Vec<&'static str> {
        Format::ALL
            .into_iter()
            .map(KeyFormat::Standard)
            .chain([KeyFormat::Jwk])
            .filter(|f| f.supports(algorithm, private))
            .map(KeyFormat::id)
            .collect()
    }

    /// Every id, for messages: the engine's formats, then `jwk`.
    pub fn all_ids() -> String {
        let mut ids: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
        ids.push(JWK);
        ids.join(", ")
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for KeyFormat {
    type Err = String;

    /// An id in any case: `jwk`, or one of the engine's format ids.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.trim().eq_ignore_ascii_case(JWK) {
            return Ok(KeyFormat::Jwk);
        }
        text.parse::<Format>()
            .map(KeyFormat::Standard)
            .map_err(|e| {
                format!(
                    "unknown key format \"{}\"; known: {}",
                    e.given,
                    Self::all_ids()
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for format in Format::ALL {
            let parsed: KeyFormat = format.id().parse().unwrap();
            assert_eq!(parsed, KeyFormat::Standard(format));
            assert_eq!(parsed.id(), format.id());
        }
        assert_eq!("JWK".parse::<KeyFormat>().unwrap(), KeyFormat::Jwk);
        let err = "pem".parse::<KeyFormat>().unwrap_err();
        assert!(err.contains("jwk") && err.contains("pkcs8-pem"), "{err}");
    }

    #[test]
    fn jwk_follows_the_engine() {
        assert!(KeyFormat::Jwk.supports(Algorithm::Aes256, true));
        assert!(!KeyFormat::Jwk.supports(Algorithm::Aes256, false));
        assert!(!KeyFormat::Jwk.supports(Algorithm::Password, true));
        assert!(KeyFormat::Jwk.supports(Algorithm::AgeX25519, false));
        assert_eq!(
            KeyFormat::ids_for(Algorithm::Ed25519, false),
            ["spki-pem", "spki-der", "openssh-public", "jwk"]
        );
        assert_eq!(
            KeyFormat::ids_for(Algorithm::Password, true),
            ["hex", "base64", "text"]
        );
    }
}
