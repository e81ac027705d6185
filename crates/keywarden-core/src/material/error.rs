//! What can go wrong when key material is made, read, converted or written.

use crate::algorithm::Algorithm;

use super::format::Format;

/// Key material could not be generated, decoded, imported or exported.
///
/// No variant carries secret bytes, and no message quotes the input: a message is safe to
/// show to a person and to write to a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaterialError {
    /// The format does not exist for this kind of key (an OpenSSH form of an X25519 key,
    /// raw hex of an RSA key, a PEM file of a password).
    #[error("{} keys have no {} form", .algorithm.label(), .format.label())]
    FormatNotSupported {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// The format asked for.
        format: Format,
    },
    /// The key has no JWK form (passwords, passphrases and tokens; a public JWK of a
    /// symmetric key).
    #[error("{} keys have no {} JWK form", .algorithm.label(), if *.private { "private" } else { "public" })]
    JwkNotSupported {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// Whether the private form was asked for.
        private: bool,
    },
    /// A JWK is not a valid private key of a kind Keywarden keeps.
    #[error("not a valid JWK: {reason}")]
    BadJwk {
        /// What is wrong, in a few words (never a part of the key).
        reason: &'static str,
    },
    /// The format does not say which algorithm the key is for (raw hex, base64, text, an
    /// octet JWK), and no algorithm was given.
    #[error("{} does not say what kind of key it holds; give the algorithm", .format.label())]
    AlgorithmNeeded {
        /// The format of the input.
        format: Format,
    },
    /// The key read is of another algorithm than the one given.
    #[error("the key is {}, not {}", .found.label(), .expected.label())]
    AlgorithmMismatch {
        /// The algorithm given.
        expected: Algorithm,
        /// The algorithm found in the input.
        found: Algorithm,
    },
    /// The key is protected by a passphrase; Keywarden imports only plain keys.
    #[error(
        "the {} key is encrypted; decrypt it first ({})",
        .format.label(),
        match .format {
            Format::OpenSshPrivate => "ssh-keygen -p -N '' -f FILE",
            _ => "openssl pkcs8 -in FILE -out PLAIN.pem",
        }
    )]
    Encrypted {
        /// The format of the input.
        format: Format,
    },
    /// The key is well formed but of a kind Keywarden does not keep (an RSA size other
    /// than 2048, 3072 or 4096 bits, a curve other than P-256 or P-384, DSA, a security
    /// key).
    #[error("unsupported key: {what}")]
    Unsupported {
        /// What the key is, in a few words (never its value).
        what: String,
    },
    /// The input is not a valid key in the format given.
    #[error("not a valid {}: {reason}", .format.label())]
    Malformed {
        /// The format of the input.
        format: Format,
        /// What is wrong, in a few words (never a part of the input).
        reason: &'static str,
    },
    /// The input holds a public key that is not the private key's own.
    #[error("the public key in the {} does not belong to its private key", .format.label())]
    Inconsistent {
        /// The format of the input.
        format: Format,
    },
    /// The input is a public key, and a private key is needed.
    #[error("the {} holds no private key", .format.label())]
    NoPrivateKey {
        /// The format of the input.
        format: Format,
    },
    /// A stored material blob (tag and body, `docs/key-formats.md`) does not fit the
    /// algorithm of its key. A vault reports this as damage.
    #[error("the stored {} material is not valid: {reason}", .algorithm.label())]
    BadStoredEncoding {
        /// The algorithm of the key record.
        algorithm: Algorithm,
        /// What is wrong, in a few words (never a part of the blob).
        reason: &'static str,
    },
    /// A cryptographic library failed to generate or encode a key.
    #[error("the {} key could not be {action}", .algorithm.label())]
    Crypto {
        /// The algorithm of the key.
        algorithm: Algorithm,
        /// "generated" or "encoded".
        action: &'static str,
    },
}

impl MaterialError {
    pub(crate) fn malformed(format: Format, reason: &'static str) -> Self {
        MaterialError::Malformed { format, reason }
    }

    pub(crate) fn not_supported(algorithm: Algorithm, format: Format) -> Self {
        MaterialError::FormatNotSupported { algorithm, format }
    }

    pub(crate) fn stored(algorithm: Algorithm, reason: &'static str) -> Self {
        MaterialError::BadStoredEncoding { algorithm, reason }
    }

    pub(crate) fn encoding_failed(algorithm: Algorithm) -> Self {
        MaterialError::Crypto {
            algorithm,
            action: "encoded",
        }
    }
}
