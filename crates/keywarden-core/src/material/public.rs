//! Public keys: the public part of an asymmetric key, and public keys read on their own
//! (SPKI PEM or DER, an OpenSSH public key line, an age recipient, a public JWK) for
//! keys whose private part lives elsewhere.
//!
//! A public key read from outside is checked as strictly as a private one: the
//! algorithm must be one Keywarden keeps, the point must be on its curve, the RSA modulus
//! of a kept size. It is kept in canonical form, the DER `SubjectPublicKeyInfo` the
//! RustCrypto libraries write (uncompressed EC points, RSA with NULL parameters), so
//! that its fingerprint is the one `openssl pkey -pubin -outform DER | sha256sum` gives
//! for the key as OpenSSL writes it.

use pkcs8::der::Decode;
use pkcs8::spki::SubjectPublicKeyInfoRef;
use pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use ssh_key::public::{EcdsaPublicKey, KeyData};

use crate::algorithm::Algorithm;

use super::error::MaterialError;
use super::fingerprint::Fingerprint;
use super::format::Format;
use super::keypair::{self, oid};
use super::stored::Encoding;
use super::{age, openssh};

/// The public part of an asymmetric key: its algorithm and its DER
/// `SubjectPublicKeyInfo` (for an age identity, the X25519 public key's).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    pub(super) algorithm: Algorithm,
    pub(super) spki: Vec<u8>,
}

impl PublicKey {
    pub(crate) fn new(algorithm: Algorithm, spki: Vec<u8>) -> Self {
        PublicKey { algorithm, spki }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// The main fingerprint: the age recipient for an age identity, otherwise SHA-256 of
    /// the SPKI ([`Fingerprint::Spki`]).
    pub fn fingerprint(&self) -> Fingerprint {
        if self.algorithm == Algorithm::AgeX25519
            && let Some(recipient) = self.age_recipient()
        {
            return Fingerprint::AgeRecipient(recipient);
        }
        Fingerprint::of_spki(&self.spki)
    }

    /// Every fingerprint, the main one first: for an age identity the recipient and the
    /// SPKI digest; for keys with an OpenSSH form the SPKI digest and OpenSSH's
    /// `SHA256:`; for X25519 the SPKI digest.
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        let mut out = vec![self.fingerprint()];
        if self.algorithm == Algorithm::AgeX25519 {
            out.push(Fingerprint::of_spki(&self.spki));
        }
        if Format::OpenSshPublic.supports(self.algorithm)
            && let Ok(ssh) = openssh::fingerprint(&self.spki, self.algorithm)
        {
            out.push(Fingerprint::OpenSsh(ssh));
        }
        out
    }

    /// The age recipient (`age1…`) of an age identity or an X25519 key; `None` for
    /// other algorithms.
    pub fn age_recipient(&self) -> Option<String> {
        if !matches!(self.algorithm, Algorithm::AgeX25519 | Algorithm::X25519) {
            return None;
        }
        age::recipient(&self.x25519_bytes()?).ok()
    }

    /// The raw 32-byte public key of an Ed25519, X25519 or age key.
    pub(crate) fn x25519_bytes(&self) -> Option<[u8; 32]> {
        let spki = pkcs8::SubjectPublicKeyInfoRef::from_der(&self.spki).ok()?;
        spki.subject_public_key.as_bytes()?.try_into().ok()
    }
}

impl PublicKey {
    /// Reads a public key from `data` in a public `format`: SPKI PEM
    /// (`-----BEGIN PUBLIC KEY-----`) or DER, an OpenSSH public key line
    /// (`ssh-ed25519 AAAA… comment`, the first line that is not blank or a `#` comment),
    /// or an age recipient (`age1…`, alone or with `#` comment lines). The formats say
    /// which algorithm they hold; `algorithm_hint`, when given, must agree (an X25519 key
    /// may be taken as an age recipient and the other way round).
    ///
    /// # Errors
    /// - [`MaterialError::AlgorithmMismatch`] when the key is not of the hinted algorithm;
    /// - [`MaterialError::FormatNotSupported`] when the hinted algorithm has no such form;
    /// - [`MaterialError::Unsupported`] for RSA sizes other than 2048, 3072 and 4096,
    ///   curves other than P-256 and P-384, security keys and other key types;
    /// - [`MaterialError::Malformed`] for a private format and anything else that is not a
    ///   valid public key.
    pub fn import(
        data: &[u8],
        format: Format,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<PublicKey, MaterialError> {
        if format.is_private() {
            return Err(MaterialError::malformed(
                format,
                "a private format, not a public key",
            ));
        }
        if let Some(hint) = algorithm_hint
            && !format.supports(hint)
        {
            return Err(MaterialError::not_supported(hint, format));
        }
        let key = match format {
            Format::SpkiDer => PublicKey::from_spki_der(data, format)?,
            Format::SpkiPem => PublicKey::from_spki_der(&spki_pem(data)?, format)?,
            Format::OpenSshPublic => from_openssh(data)?,
            Format::AgeRecipient => {
                let text = std::str::from_utf8(data)
                    .map_err(|_| MaterialError::malformed(format, "not UTF-8 text"))?;
                let public = age::parse_recipient_file(text)?;
                let spki = keypair::curve25519_spki(oid::X25519, &public, || {
                    MaterialError::encoding_failed(Algorithm::AgeX25519)
                })?;
                PublicKey::new(Algorithm::AgeX25519, spki)
            }
            _ => {
                return Err(MaterialError::malformed(
                    format,
                    "a private format, not a public key",
                ));
            }
        };
        key.hinted(algorithm_hint)
    }

    /// The stored encoding of a key whose private part the vault does not hold: the tag
    /// [`Encoding::Spki`] and the DER `SubjectPublicKeyInfo` (`docs/key-formats.md`).
    pub fn to_stored(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.spki.len());
        out.push(Encoding::Spki.tag());
        out.extend_from_slice(&self.spki);
        out
    }

    /// The public key whose stored encoding is `stored` (as [`PublicKey::to_stored`]
    /// wrote it): the tag must be [`Encoding::Spki`] and the SPKI a key of `algorithm`
    /// in canonical form.
    ///
    /// # Errors
    /// [`MaterialError::BadStoredEncoding`] when anything does not fit.
    pub fn from_stored(algorithm: Algorithm, stored: &[u8]) -> Result<PublicKey, MaterialError> {
        let bad = |reason| MaterialError::stored(algorithm, reason);
        let body = match stored.split_first() {
            Some((&tag, body)) if tag == Encoding::Spki.tag() => body,
            Some(_) => return Err(bad("its encoding tag is not the one of a public key")),
            None => return Err(bad("it is empty")),
        };
        let key = PublicKey::from_spki_der(body, Format::SpkiDer)
            .map_err(|_| bad("the SubjectPublicKeyInfo is not a valid key"))?;
        if key.spki != body {
            return Err(bad("the SubjectPublicKeyInfo is not in canonical form"));
        }
        if !keypair::fits(key.algorithm, algorithm) {
            return Err(bad(
                "the SubjectPublicKeyInfo holds a key of another algorithm",
            ));
        }
        Ok(PublicKey::new(algorithm, key.spki))
    }

    /// A checked public key from a DER `SubjectPublicKeyInfo`, re-encoded canonically.
    /// An X25519 key comes back as plain X25519 (see [`PublicKey::hinted`]).
    pub(crate) fn from_spki_der(der: &[u8], format: Format) -> Result<PublicKey, MaterialError> {
        let bad = |reason| MaterialError::malformed(format, reason);
        let info = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|_| bad("not an X.509 SubjectPublicKeyInfo structure"))?;
        let (algorithm, spki) = match info.algorithm.oid {
            oid::ED25519 | oid::X25519 => {
                if info.algorithm.parameters.is_some() {
                    return Err(bad("RFC 8410 keys have no algorithm parameters"));
                }
                let raw: [u8; 32] = info
                    .subject_public_key
                    .as_bytes()
                    .and_then(|b| b.try_into().ok())
                    .ok_or(bad("the public key is not 32 bytes"))?;
                let algorithm = if info.algorithm.oid == oid::ED25519 {
                    ed25519_dalek::VerifyingKey::from_bytes(&raw)
                        .map_err(|_| bad("not a valid Ed25519 point"))?;
                    Algorithm::Ed25519
                } else {
                    Algorithm::X25519
                };
                let failed = || MaterialError::encoding_failed(algorithm);
                (
                    algorithm,
                    keypair::curve25519_spki(info.algorithm.oid, &raw, failed)?,
                )
            }
            oid::EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| bad("an EC key without a named curve"))?;
                match curve {
                    oid::P256 => (
                        Algorithm::EcdsaP256,
                        p256::PublicKey::from_public_key_der(der)
                            .map_err(|_| bad("not a valid P-256 public key"))?
                            .to_public_key_der()
                            .map_err(|_| MaterialError::encoding_failed(Algorithm::EcdsaP256))?
                            .into_vec(),
                    ),
                    oid::P384 => (
                        Algorithm::EcdsaP384,
                        p384::PublicKey::from_public_key_der(der)
                            .map_err(|_| bad("not a valid P-384 public key"))?
                            .to_public_key_der()
                            .map_err(|_| MaterialError::encoding_failed(Algorithm::EcdsaP384))?
                            .into_vec(),
                    ),
                    other => return Err(keypair::unsupported_curve(other)),
                }
            }
            oid::RSA => {
                let key = rsa::PublicKey::from_public_key_der(der)
                    .map_err(|_| bad("not a valid RSA public key"))?;
                let algorithm = keypair::rsa_algorithm(key.n().bit_width_vartime())?;
                let spki = key
                    .to_public_key_der()
                    .map_err(|_| MaterialError::encoding_failed(algorithm))?
                    .into_vec();
                (algorithm, spki)
            }
            other => return Err(keypair::unsupported_algorithm(other)),
        };
        Ok(PublicKey::new(algorithm, spki))
    }

    /// The key under the hinted algorithm, if any (an X25519 key may be an age
    /// recipient and the other way round).
    pub(crate) fn hinted(self, hint: Option<Algorithm>) -> Result<PublicKey, MaterialError> {
        match hint {
            Some(hint) if keypair::fits(self.algorithm, hint) => {
                Ok(PublicKey::new(hint, self.spki))
            }
            Some(expected) => Err(MaterialError::AlgorithmMismatch {
                expected,
                found: self.algorithm,
            }),
            None => Ok(self),
        }
    }
}

/// The DER inside an SPKI PEM file, with a clear error for the PEM files people confuse
/// with it.
fn spki_pem(data: &[u8]) -> Result<Vec<u8>, MaterialError> {
    let format = Format::SpkiPem;
    let bad = |reason| MaterialError::malformed(format, reason);
    let text = std::str::from_utf8(data).map_err(|_| bad("not UTF-8 text"))?;
    let (label, der) =
        pem_rfc7468::decode_vec(text.trim().as_bytes()).map_err(|_| bad("not a PEM document"))?;
    match label {
        "PUBLIC KEY" => Ok(der),
        "RSA PUBLIC KEY" => Err(bad("a PKCS#1 RSA public key, not SPKI; convert it with \
             openssl rsa -RSAPublicKey_in -pubout")),
        "PRIVATE KEY"
        | "ENCRYPTED PRIVATE KEY"
        | "RSA PRIVATE KEY"
        | "EC PRIVATE KEY"
        | "OPENSSH PRIVATE KEY" => Err(bad("a private key; import it in a private format")),
        "CERTIFICATE" => Err(bad(
            "an X.509 certificate; take its public key with openssl x509 -pubkey -noout",
        )),
        _ => Err(bad("the PEM label is not PUBLIC KEY")),
    }
}

/// A public key from an OpenSSH public key line.
fn from_openssh(data: &[u8]) -> Result<PublicKey, MaterialError> {
    let format = Format::OpenSshPublic;
    let bad = |reason| MaterialError::malformed(format, reason);
    let text = std::str::from_utf8(data).map_err(|_| bad("not UTF-8 text"))?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or(bad("no public key line"))?;
    if line.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
        return Err(bad(
            "an RFC 4716 (SSH2) public key; convert it with ssh-keygen -i -f FILE",
        ));
    }
    let key = ssh_key::PublicKey::from_openssh(line)
        .map_err(|_| bad("not an OpenSSH public key line"))?;
    let spki = match key.key_data() {
        KeyData::Ed25519(public) => ed25519_dalek::VerifyingKey::try_from(public)
            .map_err(|_| bad("not a valid Ed25519 point"))?
            .to_public_key_der(),
        KeyData::Ecdsa(EcdsaPublicKey::NistP256(point)) => {
            p256::PublicKey::from_sec1_bytes(point.as_bytes())
                .map_err(|_| bad("not a valid P-256 point"))?
                .to_public_key_der()
        }
        KeyData::Ecdsa(EcdsaPublicKey::NistP384(point)) => {
            p384::PublicKey::from_sec1_bytes(point.as_bytes())
                .map_err(|_| bad("not a valid P-384 point"))?
                .to_public_key_der()
        }
        KeyData::Rsa(public) => rsa::PublicKey::try_from(public)
            .map_err(|_| bad("not a valid RSA public key"))?
            .to_public_key_der(),
        other => {
            return Err(MaterialError::Unsupported {
                what: format!("OpenSSH keys of type {}", other.algorithm().as_str()),
            });
        }
    }
    .map_err(|_| bad("the key cannot be written as a SubjectPublicKeyInfo"))?;
    // Through the one strict reader, so that every way in is checked alike (RSA sizes).
    PublicKey::from_spki_der(spki.as_bytes(), format)
}
