//! Private keys as the RustCrypto libraries hold them, and their PKCS#8 and SPKI forms.
//!
//! This is the one place that decides which PKCS#8 documents Keywarden accepts: the key
//! algorithms of `Algorithm` (Ed25519, X25519, ECDSA on P-256 and P-384, RSA of 2048,
//! 3072 or 4096 bits), unencrypted, with a public key (PKCS#8 v2) only if it matches.

use pkcs8::der::asn1::{BitStringRef, OctetStringRef};
use pkcs8::der::{Decode, Encode, Reader, SliceReader};
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use pkcs8::{EncodePrivateKey, EncodePublicKey, ObjectIdentifier, PrivateKeyInfoRef};
use rsa::traits::PublicKeyParts;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::algorithm::Algorithm;

use super::error::MaterialError;
use super::format::Format;

/// Object identifiers of key algorithms and curves (RFC 8410, RFC 5480, RFC 8017).
pub(crate) mod oid {
    use pkcs8::ObjectIdentifier;

    pub const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
    pub const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
    pub const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
    pub const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");
    pub const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    pub const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
    pub const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
    pub const SECP256K1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.10");
    pub const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    pub const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
}

/// A decoded private key of one of the asymmetric algorithms.
pub(crate) enum Keypair {
    /// An Ed25519 signing key (the 32-byte seed of RFC 8032).
    Ed25519(ed25519_dalek::SigningKey),
    /// An X25519 secret scalar (also the secret of an age identity).
    X25519(x25519_dalek::StaticSecret),
    /// An ECDSA key on P-256.
    P256(p256::SecretKey),
    /// An ECDSA key on P-384.
    P384(p384::SecretKey),
    /// A two-prime RSA key.
    Rsa(rsa::PrivateKey),
}

impl Keypair {
    /// The algorithm the key is (for X25519, plain X25519 rather than age).
    ///
    /// # Errors
    /// [`MaterialError::Unsupported`] for an RSA modulus other than 2048, 3072 or 4096
    /// bits.
    pub(crate) fn algorithm(&self) -> Result<Algorithm, MaterialError> {
        Ok(match self {
            Keypair::Ed25519(_) => Algorithm::Ed25519,
            Keypair::X25519(_) => Algorithm::X25519,
            Keypair::P256(_) => Algorithm::EcdsaP256,
            Keypair::P384(_) => Algorithm::EcdsaP384,
            Keypair::Rsa(key) => rsa_algorithm(key.n().bit_width_vartime())?,
        })
    }

    /// Whether a key decoded as this kind may be kept as `algorithm` (an X25519 key may
    /// be an age identity).
    pub(crate) fn fits(&self, algorithm: Algorithm) -> Result<bool, MaterialError> {
        Ok(fits(self.algorithm()?, algorithm))
    }

    /// Decodes an unencrypted PKCS#8 `PrivateKeyInfo` (version 1, or version 2 whose
    /// public key matches).
    ///
    /// # Errors
    /// [`MaterialError::Encrypted`] for an `EncryptedPrivateKeyInfo`,
    /// [`MaterialError::Unsupported`] for another algorithm, curve or RSA size,
    /// [`MaterialError::Inconsistent`] when the public key does not match, and
    /// [`MaterialError::Malformed`] for anything else.
    pub(crate) fn from_pkcs8_der(der: &[u8], format: Format) -> Result<Keypair, MaterialError> {
        let info = match PrivateKeyInfoRef::from_der(der) {
            Ok(info) => info,
            Err(_) if is_encrypted_private_key_info(der) => {
                return Err(MaterialError::Encrypted { format });
            }
            Err(_) => {
                return Err(MaterialError::malformed(
                    format,
                    "not a PKCS#8 PrivateKeyInfo structure",
                ));
            }
        };
        let bad = |reason| MaterialError::malformed(format, reason);
        let keypair = match info.algorithm.oid {
            oid::ED25519 => {
                let seed = curve25519_secret(&info, format)?;
                let key = ed25519_dalek::SigningKey::from_bytes(&seed);
                check_public(&info, key.verifying_key().as_bytes(), format)?;
                Keypair::Ed25519(key)
            }
            oid::X25519 => {
                let scalar = curve25519_secret(&info, format)?;
                let key = x25519_dalek::StaticSecret::from(*scalar);
                let public = x25519_dalek::PublicKey::from(&key);
                check_public(&info, public.as_bytes(), format)?;
                Keypair::X25519(key)
            }
            oid::EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map_err(|_| bad("an EC key without a named curve"))?;
                let keypair = match curve {
                    oid::P256 => Keypair::P256(
                        p256::SecretKey::try_from(info.clone())
                            .map_err(|_| bad("not a valid P-256 private key"))?,
                    ),
                    oid::P384 => Keypair::P384(
                        p384::SecretKey::try_from(info.clone())
                            .map_err(|_| bad("not a valid P-384 private key"))?,
                    ),
                    other => return Err(unsupported_curve(other)),
                };
                check_ec_public(&info, &keypair, format)?;
                keypair
            }
            oid::RSA => {
                let key = rsa::PrivateKey::try_from(info.clone())
                    .map_err(|_| bad("not a valid two-prime RSA private key"))?;
                key.validate()
                    .map_err(|_| bad("the RSA key's numbers do not fit together"))?;
                let keypair = Keypair::Rsa(key);
                // Refuse other sizes before anything else is done with the key.
                keypair.algorithm()?;
                if info.public_key.is_some() {
                    return Err(bad("an RSA key with a PKCS#8 v2 public key field"));
                }
                keypair
            }
            other => return Err(unsupported_algorithm(other)),
        };
        Ok(keypair)
    }

    /// The canonical PKCS#8 encoding: version 1 (no public key field); the inner key as
    /// the library writes it (RFC 8410 `CurvePrivateKey`, SEC1 `ECPrivateKey` with the
    /// public point and without parameters, PKCS#1 `RSAPrivateKey`).
    pub(crate) fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        let failed = || MaterialError::encoding_failed(self.algorithm_or_rsa());
        let document = match self {
            Keypair::Ed25519(key) => curve25519_pkcs8(oid::ED25519, key.as_bytes()),
            Keypair::X25519(key) => curve25519_pkcs8(oid::X25519, key.as_bytes()),
            Keypair::P256(key) => key.to_pkcs8_der().map_err(|_| failed()),
            Keypair::P384(key) => key.to_pkcs8_der().map_err(|_| failed()),
            Keypair::Rsa(key) => key.to_pkcs8_der().map_err(|_| failed()),
        }?;
        Ok(Zeroizing::new(document.as_bytes().to_vec()))
    }

    /// The public key as a DER `SubjectPublicKeyInfo`.
    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, MaterialError> {
        let failed = || MaterialError::encoding_failed(self.algorithm_or_rsa());
        let document = match self {
            Keypair::Ed25519(key) => {
                return curve25519_spki(oid::ED25519, key.verifying_key().as_bytes(), failed);
            }
            Keypair::X25519(key) => {
                let public = x25519_dalek::PublicKey::from(key);
                return curve25519_spki(oid::X25519, public.as_bytes(), failed);
            }
            Keypair::P256(key) => key.public_key().to_public_key_der(),
            Keypair::P384(key) => key.public_key().to_public_key_der(),
            Keypair::Rsa(key) => key.to_public_key().to_public_key_der(),
        }
        .map_err(|_| failed())?;
        Ok(document.as_bytes().to_vec())
    }

    fn algorithm_or_rsa(&self) -> Algorithm {
        self.algorithm().unwrap_or(Algorithm::Rsa2048)
    }
}

/// The RSA algorithm of a modulus of `bits` bits.
///
/// # Errors
/// [`MaterialError::Unsupported`] for sizes other than 2048, 3072 and 4096 bits.
pub(crate) fn rsa_algorithm(bits: u32) -> Result<Algorithm, MaterialError> {
    match bits {
        2048 => Ok(Algorithm::Rsa2048),
        3072 => Ok(Algorithm::Rsa3072),
        4096 => Ok(Algorithm::Rsa4096),
        bits => Err(MaterialError::Unsupported {
            what: format!("RSA keys of {bits} bits (Keywarden keeps 2048, 3072 or 4096)"),
        }),
    }
}

/// The refusal of a key algorithm (an SPKI or PKCS#8 algorithm OID) Keywarden does not
/// keep.
pub(crate) fn unsupported_algorithm(algorithm: ObjectIdentifier) -> MaterialError {
    let what = match algorithm {
        oid::RSA_PSS => {
            "RSA keys restricted to RSASSA-PSS (id-RSASSA-PSS); export as rsaEncryption".to_owned()
        }
        oid::ED448 => "Ed448 keys".to_owned(),
        oid::X448 => "X448 keys".to_owned(),
        other => format!("keys of algorithm {other}"),
    };
    MaterialError::Unsupported { what }
}

/// The refusal of an elliptic curve other than P-256 and P-384.
pub(crate) fn unsupported_curve(curve: ObjectIdentifier) -> MaterialError {
    let what = match curve {
        oid::P521 => "ECDSA keys on P-521 (use P-256 or P-384)".to_owned(),
        oid::SECP256K1 => "ECDSA keys on secp256k1 (use P-256 or P-384)".to_owned(),
        other => format!("elliptic curve {other} (use P-256 or P-384)"),
    };
    MaterialError::Unsupported { what }
}

/// Whether `found` (what a file holds) may be kept as `wanted`: the same algorithm, or
/// an X25519 key as an age identity and the other way round.
pub(crate) fn fits(found: Algorithm, wanted: Algorithm) -> bool {
    found == wanted
        || matches!(
            (found, wanted),
            (Algorithm::X25519, Algorithm::AgeX25519) | (Algorithm::AgeX25519, Algorithm::X25519)
        )
}

/// Whether `der` is a PKCS#8 `EncryptedPrivateKeyInfo`: a SEQUENCE of an
/// `AlgorithmIdentifier` (PBES2, PKCS#12 PBE, …) and an OCTET STRING.
fn is_encrypted_private_key_info(der: &[u8]) -> bool {
    let Ok(mut outer) = SliceReader::new(der) else {
        return false;
    };
    outer
        .sequence(|inner: &mut SliceReader<'_>| {
            inner.decode::<AlgorithmIdentifierRef<'_>>()?;
            inner.decode::<&OctetStringRef>()?;
            Ok::<(), pkcs8::der::Error>(())
        })
        .is_ok()
}

/// The 32-byte secret of an RFC 8410 key: `CurvePrivateKey ::= OCTET STRING` inside the
/// `privateKey` OCTET STRING; no algorithm parameters.
fn curve25519_secret(
    info: &PrivateKeyInfoRef<'_>,
    format: Format,
) -> Result<Zeroizing<[u8; 32]>, MaterialError> {
    if info.algorithm.parameters.is_some() {
        return Err(MaterialError::malformed(
            format,
            "RFC 8410 keys have no algorithm parameters",
        ));
    }
    let inner = <&OctetStringRef>::from_der(info.private_key.as_bytes())
        .map_err(|_| MaterialError::malformed(format, "the private key is not an OCTET STRING"))?;
    let bytes: [u8; 32] = inner
        .as_bytes()
        .try_into()
        .map_err(|_| MaterialError::malformed(format, "the private key is not 32 bytes"))?;
    Ok(Zeroizing::new(bytes))
}

/// Checks the optional PKCS#8 v2 public key against the one derived from the secret.
fn check_public(
    info: &PrivateKeyInfoRef<'_>,
    derived: &[u8],
    format: Format,
) -> Result<(), MaterialError> {
    match &info.public_key {
        None => Ok(()),
        Some(bits) => match bits.as_bytes() {
            Some(given) if bool::from(given.ct_eq(derived)) => Ok(()),
            _ => Err(MaterialError::Inconsistent { format }),
        },
    }
}

/// Checks the optional PKCS#8 v2 public key of an EC key (an uncompressed or compressed
/// SEC1 point) against the one derived from the secret.
fn check_ec_public(
    info: &PrivateKeyInfoRef<'_>,
    keypair: &Keypair,
    format: Format,
) -> Result<(), MaterialError> {
    let Some(bits) = &info.public_key else {
        return Ok(());
    };
    let given = bits
        .as_bytes()
        .ok_or(MaterialError::Inconsistent { format })?;
    let same = match keypair {
        Keypair::P256(key) => {
            p256::PublicKey::from_sec1_bytes(given).ok() == Some(key.public_key())
        }
        Keypair::P384(key) => {
            p384::PublicKey::from_sec1_bytes(given).ok() == Some(key.public_key())
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(MaterialError::Inconsistent { format })
    }
}

fn curve25519_pkcs8(
    oid: ObjectIdentifier,
    secret: &[u8; 32],
) -> Result<pkcs8::SecretDocument, MaterialError> {
    let failed = || MaterialError::encoding_failed(algorithm_of(oid));
    // CurvePrivateKey ::= OCTET STRING, itself inside the privateKey OCTET STRING.
    let mut inner = Zeroizing::new([0u8; 34]);
    inner[0] = 0x04;
    inner[1] = 0x20;
    inner[2..].copy_from_slice(secret);
    let info = PrivateKeyInfoRef::new(
        AlgorithmIdentifierRef {
            oid,
            parameters: None,
        },
        OctetStringRef::new(&inner[..]).map_err(|_| failed())?,
    );
    pkcs8::SecretDocument::encode_msg(&info).map_err(|_| failed())
}

pub(crate) fn curve25519_spki(
    oid: ObjectIdentifier,
    public: &[u8; 32],
    failed: impl Fn() -> MaterialError,
) -> Result<Vec<u8>, MaterialError> {
    let spki = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid,
            parameters: None,
        },
        subject_public_key: BitStringRef::from_bytes(public).map_err(|_| failed())?,
    };
    spki.to_der().map_err(|_| failed())
}

fn algorithm_of(oid: ObjectIdentifier) -> Algorithm {
    if oid == oid::ED25519 {
        Algorithm::Ed25519
    } else {
        Algorithm::X25519
    }
}
