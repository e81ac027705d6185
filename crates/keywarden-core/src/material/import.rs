//! Reading a key from a standard format, strictly: a private key or secret
//! ([`SecretKey::import`]), a public key alone ([`PublicKey::import`]), or whichever the
//! format holds ([`Imported`]).

use base64ct::{Base64, Encoding as _};
use zeroize::Zeroizing;

use crate::algorithm::{Algorithm, Family};

use super::error::MaterialError;
use super::export::PKCS8_PEM_LABEL;
use super::fingerprint::Fingerprint;
use super::format::Format;
use super::jwk::Jwk;
use super::keypair::Keypair;
use super::stored::{self, Encoding};
use super::{PublicKey, SecretKey, age, openssh};

impl SecretKey {
    /// Reads a private key or secret from `data` in `format`.
    ///
    /// PKCS#8 (PEM or DER), OpenSSH and age files say which algorithm they hold;
    /// `algorithm_hint`, when given, must agree (an X25519 key may be taken as an age
    /// identity and the other way round). Raw hex, raw base64 and plain text need the
    /// hint. Hex and base64 may be surrounded by white space; plain text loses one
    /// trailing line break, and must then follow the stored-text rules (UTF-8, 1 to
    /// [`MAX_SECRET_TEXT_BYTES`](super::MAX_SECRET_TEXT_BYTES) bytes, no control
    /// characters). The result is in Keywarden's canonical encoding: a PKCS#8 v2 file,
    /// or one written by another library, comes back as Keywarden's PKCS#8 v1.
    ///
    /// # Errors
    /// - [`MaterialError::NoPrivateKey`] for a public format;
    /// - [`MaterialError::AlgorithmNeeded`] when the format needs the hint;
    /// - [`MaterialError::AlgorithmMismatch`] when the key is not of the hinted algorithm;
    /// - [`MaterialError::Encrypted`] for a passphrase-protected PKCS#8 or OpenSSH key;
    /// - [`MaterialError::Unsupported`] for RSA sizes other than 2048, 3072 and 4096,
    ///   curves other than P-256 and P-384, and other key types;
    /// - [`MaterialError::Inconsistent`] when an embedded public key does not match;
    /// - [`MaterialError::FormatNotSupported`] when the hinted algorithm has no such form;
    /// - [`MaterialError::Malformed`] for anything else that is not a valid key.
    pub fn import(
        data: &[u8],
        format: Format,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<SecretKey, MaterialError> {
        if !format.is_private() {
            return Err(MaterialError::NoPrivateKey { format });
        }
        if let Some(hint) = algorithm_hint
            && !format.supports(hint)
        {
            return Err(MaterialError::not_supported(hint, format));
        }
        match format {
            Format::Pkcs8Pem => {
                let der = pkcs8_pem(data)?;
                keyed(Keypair::from_pkcs8_der(&der, format)?, algorithm_hint)
            }
            Format::Pkcs8Der => keyed(Keypair::from_pkcs8_der(data, format)?, algorithm_hint),
            Format::OpenSshPrivate => keyed(openssh::parse_private_file(data)?, algorithm_hint),
            Format::AgeIdentity => {
                let text = utf8(data, format)?;
                let scalar = age::parse_identity_file(text)?;
                let keypair = Keypair::X25519(x25519_dalek::StaticSecret::from(*scalar));
                keyed(keypair, algorithm_hint.or(Some(Algorithm::AgeX25519)))
            }
            Format::RawHex | Format::RawBase64 | Format::Text => {
                let algorithm = algorithm_hint.ok_or(MaterialError::AlgorithmNeeded { format })?;
                let text = utf8(data, format)?;
                let body = match format {
                    Format::RawHex => Zeroizing::new(
                        base16ct::mixed::decode_vec(text.trim())
                            .map_err(|_| MaterialError::malformed(format, "not hexadecimal"))?,
                    ),
                    Format::RawBase64 => Zeroizing::new(
                        Base64::decode_vec(text.trim())
                            .map_err(|_| MaterialError::malformed(format, "not base64"))?,
                    ),
                    _ => {
                        let one_line = text
                            .strip_suffix("\r\n")
                            .or_else(|| text.strip_suffix('\n'))
                            .unwrap_or(text);
                        Zeroizing::new(one_line.as_bytes().to_vec())
                    }
                };
                raw(algorithm, &body, format)
            }
            Format::SpkiPem | Format::SpkiDer | Format::OpenSshPublic | Format::AgeRecipient => {
                Err(MaterialError::NoPrivateKey { format })
            }
        }
    }
}

/// Key material read from outside the vault: a private key or secret, or only the
/// public key of a key pair whose private part lives elsewhere.
#[derive(Debug, PartialEq, Eq)]
pub enum Imported {
    /// A private key or secret: the vault holds all of it.
    Secret(SecretKey),
    /// A public key only: the vault can name, fingerprint and hand out the key, never
    /// use or escrow its secret.
    Public(PublicKey),
}

impl Imported {
    /// Reads `data` in `format`: a private format through [`SecretKey::import`], a
    /// public one through [`PublicKey::import`].
    ///
    /// # Errors
    /// As those two.
    pub fn import(
        data: &[u8],
        format: Format,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<Imported, MaterialError> {
        if format.is_private() {
            SecretKey::import(data, format, algorithm_hint).map(Imported::Secret)
        } else {
            PublicKey::import(data, format, algorithm_hint).map(Imported::Public)
        }
    }

    /// Reads a JWK: a private one (with `d` or `k`) through [`SecretKey::from_jwk`], a
    /// public one through [`PublicKey::from_jwk`].
    ///
    /// # Errors
    /// As those two.
    pub fn from_jwk(
        jwk: &Jwk,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<Imported, MaterialError> {
        if jwk.is_private() {
            SecretKey::from_jwk(jwk, algorithm_hint).map(Imported::Secret)
        } else {
            PublicKey::from_jwk(jwk, algorithm_hint).map(Imported::Public)
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Imported::Secret(key) => key.algorithm(),
            Imported::Public(key) => key.algorithm(),
        }
    }

    /// Whether only the public key was read.
    pub fn is_public_only(&self) -> bool {
        matches!(self, Imported::Public(_))
    }

    /// The main fingerprint ([`SecretKey::fingerprint`], [`PublicKey::fingerprint`]).
    pub fn fingerprint(&self) -> Fingerprint {
        match self {
            Imported::Secret(key) => key.fingerprint(),
            Imported::Public(key) => key.fingerprint(),
        }
    }

    /// Every fingerprint, the main one first.
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        match self {
            Imported::Secret(key) => key.fingerprints(),
            Imported::Public(key) => key.fingerprints(),
        }
    }

    /// The stored encoding the vault seals: [`SecretKey::to_stored`] or
    /// [`PublicKey::to_stored`], in a buffer wiped on drop.
    pub(crate) fn to_stored(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Imported::Secret(key) => Zeroizing::new(key.to_stored().to_vec()),
            Imported::Public(key) => Zeroizing::new(key.to_stored()),
        }
    }
}

impl From<SecretKey> for Imported {
    fn from(key: SecretKey) -> Self {
        Imported::Secret(key)
    }
}

impl From<PublicKey> for Imported {
    fn from(key: PublicKey) -> Self {
        Imported::Public(key)
    }
}

/// A key from a decoded key pair, under the hinted algorithm if any.
fn keyed(keypair: Keypair, hint: Option<Algorithm>) -> Result<SecretKey, MaterialError> {
    let found = keypair.algorithm()?;
    let algorithm = match hint {
        Some(hint) if keypair.fits(hint)? => hint,
        Some(expected) => return Err(MaterialError::AlgorithmMismatch { expected, found }),
        None => found,
    };
    SecretKey::from_keypair(algorithm, &keypair)
}

/// A symmetric key or secret from its raw bytes.
fn raw(algorithm: Algorithm, body: &[u8], format: Format) -> Result<SecretKey, MaterialError> {
    match algorithm.family() {
        Family::Symmetric => {
            if Some(body.len()) != algorithm.symmetric_key_len() {
                return Err(MaterialError::malformed(
                    format,
                    "the key does not have the algorithm's length",
                ));
            }
        }
        Family::Secret => {
            let text = std::str::from_utf8(body)
                .map_err(|_| MaterialError::malformed(format, "the secret is not UTF-8 text"))?;
            stored::check_text(text).map_err(|reason| MaterialError::malformed(format, reason))?;
        }
        Family::Asymmetric => return Err(MaterialError::not_supported(algorithm, format)),
    }
    let mut blob = Zeroizing::new(Vec::with_capacity(1 + body.len()));
    blob.push(Encoding::for_algorithm(algorithm).tag());
    blob.extend_from_slice(body);
    SecretKey::checked(algorithm, blob)
}

fn utf8(data: &[u8], format: Format) -> Result<&str, MaterialError> {
    std::str::from_utf8(data).map_err(|_| MaterialError::malformed(format, "not UTF-8 text"))
}

/// The DER inside a PKCS#8 PEM file, with a clear error for the PEM files people
/// confuse with it.
fn pkcs8_pem(data: &[u8]) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
    let format = Format::Pkcs8Pem;
    let text = utf8(data, format)?.trim();
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(text.as_bytes())
        .map_err(|_| MaterialError::malformed(format, "not a PEM document"))?;
    match decoder.type_label() {
        PKCS8_PEM_LABEL => {}
        "ENCRYPTED PRIVATE KEY" => return Err(MaterialError::Encrypted { format }),
        "PUBLIC KEY" => return Err(MaterialError::NoPrivateKey { format }),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
            return Err(MaterialError::malformed(
                format,
                "a PKCS#1 or SEC1 key, not PKCS#8; convert it with \
                 openssl pkcs8 -topk8 -nocrypt",
            ));
        }
        "OPENSSH PRIVATE KEY" => {
            return Err(MaterialError::malformed(
                format,
                "an OpenSSH key; import it in the OpenSSH format",
            ));
        }
        _ => {
            return Err(MaterialError::malformed(
                format,
                "the PEM label is not PRIVATE KEY",
            ));
        }
    }
    // Sized up front so that the secret is never copied by a growing buffer.
    let mut der = Zeroizing::new(vec![0u8; decoder.remaining_len()]);
    let len = decoder
        .decode(&mut der)
        .map_err(|_| MaterialError::malformed(format, "the PEM body is not valid base64"))?
        .len();
    if decoder.remaining_len() != 0 {
        return Err(MaterialError::malformed(
            format,
            "the PEM body is not valid base64",
        ));
    }
    der.truncate(len);
    Ok(der)
}
