//! JSON Web Keys (RFC 7517), for the key types of RFC 7518 (`EC`, `RSA`, `oct`) and
//! RFC 8037 (`OKP`: Ed25519, X25519).
//!
//! The engine writes no JSON (DESIGN.md section 2): [`Jwk`] derives `Serialize` and
//! `Deserialize`, and the CLI or the app turns it into JSON text with serde_json.
//!
//! `kid` is the key's SHA-256 SPKI fingerprint in lowercase hex ([`Fingerprint::Spki`]),
//! the same value Keywarden shows everywhere else, rather than the RFC 7638 thumbprint,
//! which would be one more fingerprint for people to compare; for an `oct` key it is the
//! key check value. It is informative only: [`SecretKey::from_jwk`] ignores it.

use std::fmt;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use p256::elliptic_curve::sec1::ToSec1Point;
use pkcs8::DecodePublicKey;
use pkcs8::EncodePublicKey;
use pkcs8::der::asn1::UintRef;
use pkcs8::der::{Decode, Encode};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::algorithm::{Algorithm, Family};

use super::error::MaterialError;
use super::fingerprint::Fingerprint;
use super::keypair::Keypair;
use super::stored::Encoding;
use super::{PublicKey, SecretKey};

/// A JSON Web Key, public or private. Every member is optional here so that any JSON
/// object deserialises; [`SecretKey::from_jwk`] decides what is valid. Members
/// Keywarden does not use (`use`, `alg`, `key_ops`, `x5c`, …) are ignored when read and
/// never written.
///
/// # Security warning
/// A private JWK holds the secret in `d`, `p`, `q`, `dp`, `dq`, `qi` or `k`. The value
/// is wiped on drop and its `Debug` names the members present without their values,
/// but the JSON text made from it is the caller's to wipe.
#[derive(Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct Jwk {
    /// Key type: `OKP`, `EC`, `RSA` or `oct`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    /// Key id: the SHA-256 SPKI fingerprint (hex), or the KCV of an `oct` key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Curve: `Ed25519`, `X25519`, `P-256` or `P-384`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// OKP public key, or EC x coordinate (base64url).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate (base64url).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus (base64url, big-endian).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Private: OKP or EC private key, or RSA private exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub d: Option<String>,
    /// Private: RSA first prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    /// Private: RSA second prime factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Private: RSA first factor CRT exponent, d mod (p − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dp: Option<String>,
    /// Private: RSA second factor CRT exponent, d mod (q − 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dq: Option<String>,
    /// Private: RSA CRT coefficient, q⁻¹ mod p.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qi: Option<String>,
    /// Private: the symmetric key of an `oct` JWK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<String>,
}

impl Jwk {
    /// Whether the JWK holds private members.
    pub fn is_private(&self) -> bool {
        self.d.is_some() || self.k.is_some() || self.p.is_some() || self.q.is_some()
    }
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("kid", &self.kid)
            .field("crv", &self.crv)
            .field("x", &self.x)
            .field("y", &self.y)
            .field("n", &self.n)
            .field("e", &self.e)
            .field("d", &secret(&self.d))
            .field("p", &secret(&self.p))
            .field("q", &secret(&self.q))
            .field("dp", &secret(&self.dp))
            .field("dq", &secret(&self.dq))
            .field("qi", &secret(&self.qi))
            .field("k", &secret(&self.k))
            .finish()
    }
}

fn b64(bytes: &[u8]) -> Option<String> {
    Some(Base64UrlUnpadded::encode_string(bytes))
}

fn some(value: &str) -> Option<String> {
    Some(value.to_owned())
}

impl PublicKey {
    /// The public JWK.
    ///
    /// # Errors
    /// [`MaterialError::Crypto`] if the SPKI cannot be decoded again (never for a key
    /// made by this module).
    pub fn to_jwk(&self) -> Result<Jwk, MaterialError> {
        let algorithm = self.algorithm;
        let failed = || MaterialError::encoding_failed(algorithm);
        let mut jwk = Jwk::default();
        jwk.kid = Some(Fingerprint::of_spki(&self.spki).to_string());
        match algorithm {
            Algorithm::Ed25519 | Algorithm::X25519 | Algorithm::AgeX25519 => {
                let raw = self.x25519_bytes().ok_or_else(failed)?;
                jwk.kty = some("OKP");
                jwk.crv = some(if algorithm == Algorithm::Ed25519 {
                    "Ed25519"
                } else {
                    "X25519"
                });
                jwk.x = b64(&raw);
            }
            Algorithm::EcdsaP256 => {
                let key = p256::PublicKey::from_public_key_der(&self.spki).map_err(|_| failed())?;
                let point = key.to_sec1_point(false);
                jwk.kty = some("EC");
                jwk.crv = some("P-256");
                jwk.x = b64(point.x().ok_or_else(failed)?);
                jwk.y = b64(point.y().ok_or_else(failed)?);
            }
            Algorithm::EcdsaP384 => {
                let key = p384::PublicKey::from_public_key_der(&self.spki).map_err(|_| failed())?;
                let point = key.to_sec1_point(false);
                jwk.kty = some("EC");
                jwk.crv = some("P-384");
                jwk.x = b64(point.x().ok_or_else(failed)?);
                jwk.y = b64(point.y().ok_or_else(failed)?);
            }
            Algorithm::Rsa2048 | Algorithm::Rsa3072 | Algorithm::Rsa4096 => {
                let key = rsa::PublicKey::from_public_key_der(&self.spki).map_err(|_| failed())?;
                jwk.kty = some("RSA");
                jwk.n = b64(&key.n_bytes());
                jwk.e = b64(&key.e_bytes());
            }
            _ => {
                return Err(MaterialError::JwkNotSupported {
                    algorithm,
                    private: false,
                });
            }
        }
        Ok(jwk)
    }
}

impl PublicKey {
    /// Reads a public JWK: `OKP` (Ed25519, X25519) with `x`, `EC` (P-256, P-384) with
    /// `x` and `y`, `RSA` with `n` and `e`. The key is checked as [`PublicKey::import`]
    /// checks an SPKI; `algorithm_hint`, when given, must agree (an X25519 JWK may be
    /// taken as an age recipient). `kid` and unknown members are ignored.
    ///
    /// # Errors
    /// [`MaterialError::BadJwk`] for a JWK that is not a valid public key (an `oct` JWK
    /// has none), [`MaterialError::Unsupported`] for other curves and RSA sizes,
    /// [`MaterialError::AlgorithmMismatch`] when the key is not of the hinted algorithm.
    pub fn from_jwk(
        jwk: &Jwk,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<PublicKey, MaterialError> {
        let bad = |reason| MaterialError::BadJwk { reason };
        let invalid = || bad("the members do not form a valid public key");
        let spki = match (jwk.kty.as_deref(), jwk.crv.as_deref()) {
            (None, _) => return Err(bad("the kty member is missing")),
            (Some("OKP"), Some(crv @ ("Ed25519" | "X25519"))) => {
                let x = fixed::<32>(&jwk.x, "the public member x is missing")?;
                let oid = if crv == "Ed25519" {
                    super::keypair::oid::ED25519
                } else {
                    super::keypair::oid::X25519
                };
                super::keypair::curve25519_spki(oid, &x, invalid)?
            }
            (Some("OKP"), Some("Ed448" | "X448")) => {
                return Err(MaterialError::Unsupported {
                    what: "Ed448 and X448 keys".to_owned(),
                });
            }
            (Some("OKP"), _) => return Err(bad("an OKP key's crv is not Ed25519 or X25519")),
            (Some("EC"), Some(crv @ ("P-256" | "P-384"))) => {
                let x = member(&jwk.x, "the public member x is missing")?;
                let y = member(&jwk.y, "the public member y is missing")?;
                let size = if crv == "P-256" { 32 } else { 48 };
                if x.len() != size || y.len() != size {
                    return Err(bad("a key member does not have the curve's length"));
                }
                let point = [&[0x04][..], &x, &y].concat();
                let der = if crv == "P-256" {
                    p256::PublicKey::from_sec1_bytes(&point)
                        .map_err(|_| invalid())?
                        .to_public_key_der()
                } else {
                    p384::PublicKey::from_sec1_bytes(&point)
                        .map_err(|_| invalid())?
                        .to_public_key_der()
                };
                der.map_err(|_| invalid())?.into_vec()
            }
            (Some("EC"), Some(other)) if other == "P-521" || other == "secp256k1" => {
                return Err(MaterialError::Unsupported {
                    what: format!("ECDSA keys on {other} (use P-256 or P-384)"),
                });
            }
            (Some("EC"), _) => return Err(bad("an EC key's crv is not P-256 or P-384")),
            (Some("RSA"), _) => {
                let n = member(&jwk.n, "the RSA member n is missing")?;
                let e = member(&jwk.e, "the RSA member e is missing")?;
                let pkcs1 = rsa::pkcs1::RsaPublicKey {
                    modulus: uint(&n)?,
                    public_exponent: uint(&e)?,
                };
                let der = pkcs1.to_der().map_err(|_| invalid())?;
                rsa::PublicKey::from_pkcs1_der(&der)
                    .map_err(|_| invalid())?
                    .to_public_key_der()
                    .map_err(|_| invalid())?
                    .into_vec()
            }
            (Some("oct"), _) => {
                return Err(bad("an oct key is a secret key: the member k is missing"));
            }
            (Some(_), _) => return Err(bad("kty is not OKP, EC, RSA or oct")),
        };
        PublicKey::from_spki_der(&spki, super::Format::SpkiDer)
            .map_err(|e| match e {
                MaterialError::Unsupported { what } => MaterialError::Unsupported { what },
                _ => invalid(),
            })?
            .hinted(algorithm_hint)
    }
}

impl SecretKey {
    /// The key as a JWK: with its private members when `private`, else the public JWK.
    /// Symmetric keys are `oct` JWKs (private only); an age identity is an `OKP` X25519
    /// JWK.
    ///
    /// # Security warning
    /// A private JWK holds the secret; see [`Jwk`].
    ///
    /// # Errors
    /// [`MaterialError::JwkNotSupported`] for passwords, passphrases and tokens, and for
    /// the public JWK of a symmetric key.
    pub fn to_jwk(&self, private: bool) -> Result<Jwk, MaterialError> {
        let algorithm = self.algorithm;
        let not_supported = MaterialError::JwkNotSupported { algorithm, private };
        match algorithm.family() {
            Family::Secret => return Err(not_supported),
            Family::Symmetric if !private => return Err(not_supported),
            Family::Symmetric => {
                let mut jwk = Jwk::default();
                jwk.kty = some("oct");
                jwk.kid = Some(Fingerprint::kcv(self.body()).to_string());
                jwk.k = b64(self.body());
                return Ok(jwk);
            }
            Family::Asymmetric => {}
        }
        let public = self.public.as_ref().ok_or(not_supported)?;
        let mut jwk = public.to_jwk()?;
        if !private {
            return Ok(jwk);
        }
        let failed = || MaterialError::encoding_failed(algorithm);
        match self.keypair()? {
            Keypair::Ed25519(key) => jwk.d = b64(key.as_bytes()),
            Keypair::X25519(key) => jwk.d = b64(key.as_bytes()),
            Keypair::P256(key) => jwk.d = b64(&Zeroizing::new(key.to_bytes())),
            Keypair::P384(key) => jwk.d = b64(&Zeroizing::new(key.to_bytes())),
            Keypair::Rsa(_) => {
                let info = pkcs8::PrivateKeyInfoRef::from_der(self.body()).map_err(|_| failed())?;
                let rsa = rsa::pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes())
                    .map_err(|_| failed())?;
                jwk.d = b64(rsa.private_exponent.as_bytes());
                jwk.p = b64(rsa.prime1.as_bytes());
                jwk.q = b64(rsa.prime2.as_bytes());
                jwk.dp = b64(rsa.exponent1.as_bytes());
                jwk.dq = b64(rsa.exponent2.as_bytes());
                jwk.qi = b64(rsa.coefficient.as_bytes());
            }
        }
        Ok(jwk)
    }

    /// Reads a private JWK. `OKP`, `EC` and `RSA` JWKs say their algorithm (an RSA key
    /// by its modulus size); `algorithm_hint`, when given, must agree (an X25519 JWK may
    /// be taken as an age identity). An `oct` JWK needs the hint, and its key must have
    /// the algorithm's length. Public members present must match the private key; RSA
    /// keys need all of `n`, `e`, `d`, `p`, `q`, `dp`, `dq` and `qi` (RFC 7518 section
    /// 6.3.2; multi-prime `oth` keys are refused). `kid` and unknown members are ignored.
    ///
    /// # Errors
    /// [`MaterialError::BadJwk`] for a JWK that is not a valid private key,
    /// [`MaterialError::NoPrivateKey`]-like cases are reported as `BadJwk` too,
    /// [`MaterialError::Unsupported`] for other curves and RSA sizes,
    /// [`MaterialError::AlgorithmMismatch`] when the key is not of the hinted algorithm.
    pub fn from_jwk(
        jwk: &Jwk,
        algorithm_hint: Option<Algorithm>,
    ) -> Result<SecretKey, MaterialError> {
        let bad = |reason| MaterialError::BadJwk { reason };
        let kty = jwk.kty.as_deref().ok_or(bad("the kty member is missing"))?;
        if kty == "oct" {
            return oct(jwk, algorithm_hint);
        }
        let keypair = match kty {
            "OKP" => okp(jwk)?,
            "EC" => ec(jwk)?,
            "RSA" => rsa_key(jwk)?,
            _ => return Err(bad("kty is not OKP, EC, RSA or oct")),
        };
        let found = keypair.algorithm()?;
        let algorithm = match algorithm_hint {
            Some(hint) if keypair.fits(hint)? => hint,
            Some(expected) => return Err(MaterialError::AlgorithmMismatch { expected, found }),
            None => found,
        };
        let key = SecretKey::from_keypair(algorithm, &keypair)?;
        // Every public member given must be the key's own.
        let own = key.to_jwk(true)?;
        let members = [
            (&jwk.x, &own.x),
            (&jwk.y, &own.y),
            (&jwk.n, &own.n),
            (&jwk.e, &own.e),
            (&jwk.dp, &own.dp),
            (&jwk.dq, &own.dq),
            (&jwk.qi, &own.qi),
        ];
        if members
            .iter()
            .any(|(given, own)| given.is_some() && given != own)
        {
            return Err(bad(
                "a public or CRT member does not belong to the private key",
            ));
        }
        Ok(key)
    }
}

/// Decodes a base64url member (no padding, RFC 7515 section 2).
fn member(value: &Option<String>, name: &'static str) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
    let text = value
        .as_deref()
        .ok_or(MaterialError::BadJwk { reason: name })?;
    Base64UrlUnpadded::decode_vec(text)
        .map(Zeroizing::new)
        .map_err(|_| MaterialError::BadJwk {
            reason: "a member is not base64url without padding",
        })
}

fn fixed<const N: usize>(
    value: &Option<String>,
    missing: &'static str,
) -> Result<Zeroizing<[u8; N]>, MaterialError> {
    let bytes = member(value, missing)?;
    let array: [u8; N] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| MaterialError::BadJwk {
            reason: "a key member does not have the curve's length",
        })?;
    Ok(Zeroizing::new(array))
}

fn okp(jwk: &Jwk) -> Result<Keypair, MaterialError> {
    let d = "the private member d is missing";
    match jwk.crv.as_deref() {
        Some("Ed25519") => {
            let seed = fixed::<32>(&jwk.d, d)?;
            Ok(Keypair::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                &seed,
            )))
        }
        Some("X25519") => {
            let scalar = fixed::<32>(&jwk.d, d)?;
            Ok(Keypair::X25519(x25519_dalek::StaticSecret::from(*scalar)))
        }
        Some("Ed448" | "X448") => Err(MaterialError::Unsupported {
            what: "Ed448 and X448 keys".to_owned(),
        }),
        _ => Err(MaterialError::BadJwk {
            reason: "an OKP key's crv is not Ed25519 or X25519",
        }),
    }
}

fn ec(jwk: &Jwk) -> Result<Keypair, MaterialError> {
    let d = "the private member d is missing";
    let invalid = MaterialError::BadJwk {
        reason: "d is not a valid private key on the curve",
    };
    match jwk.crv.as_deref() {
        Some("P-256") => {
            let scalar = fixed::<32>(&jwk.d, d)?;
            p256::SecretKey::from_slice(&scalar[..])
                .map(Keypair::P256)
                .map_err(|_| invalid)
        }
        Some("P-384") => {
            let scalar = fixed::<48>(&jwk.d, d)?;
            p384::SecretKey::from_slice(&scalar[..])
                .map(Keypair::P384)
                .map_err(|_| invalid)
        }
        Some(other) if other == "P-521" || other == "secp256k1" => {
            Err(MaterialError::Unsupported {
                what: format!("ECDSA keys on {other} (use P-256 or P-384)"),
            })
        }
        _ => Err(MaterialError::BadJwk {
            reason: "an EC key's crv is not P-256 or P-384",
        }),
    }
}

fn rsa_key(jwk: &Jwk) -> Result<Keypair, MaterialError> {
    let bad = |reason| MaterialError::BadJwk { reason };
    let n = member(&jwk.n, "the RSA member n is missing")?;
    let e = member(&jwk.e, "the RSA member e is missing")?;
    let d = member(&jwk.d, "the private member d is missing")?;
    let p = member(&jwk.p, "RSA keys without p and q are not supported")?;
    let q = member(&jwk.q, "RSA keys without p and q are not supported")?;
    let dp = member(&jwk.dp, "the RSA member dp is missing")?;
    let dq = member(&jwk.dq, "the RSA member dq is missing")?;
    let qi = member(&jwk.qi, "the RSA member qi is missing")?;
    let pkcs1 = rsa::pkcs1::RsaPrivateKeyRef {
        modulus: uint(&n)?,
        public_exponent: uint(&e)?,
        private_exponent: uint(&d)?,
        prime1: uint(&p)?,
        prime2: uint(&q)?,
        exponent1: uint(&dp)?,
        exponent2: uint(&dq)?,
        coefficient: uint(&qi)?,
        other_prime_infos: None,
    };
    let der = Zeroizing::new(
        pkcs1
            .to_der()
            .map_err(|_| bad("the RSA members do not form a key"))?,
    );
    let key = rsa::PrivateKey::from_pkcs1_der(&der)
        .map_err(|_| bad("the RSA members do not form a valid key"))?;
    key.validate()
        .map_err(|_| bad("the RSA members do not fit together"))?;
    Ok(Keypair::Rsa(key))
}

fn uint(bytes: &[u8]) -> Result<UintRef<'_>, MaterialError> {
    UintRef::new(bytes).map_err(|_| MaterialError::BadJwk {
        reason: "an RSA member is not an integer",
    })
}

fn oct(jwk: &Jwk, hint: Option<Algorithm>) -> Result<SecretKey, MaterialError> {
    let algorithm = hint.ok_or(MaterialError::BadJwk {
        reason: "an oct key does not say its algorithm; give it",
    })?;
    if algorithm.family() != Family::Symmetric {
        return Err(MaterialError::JwkNotSupported {
            algorithm,
            private: true,
        });
    }
    let key = member(&jwk.k, "the oct member k is missing")?;
    if Some(key.len()) != algorithm.symmetric_key_len() {
        return Err(MaterialError::BadJwk {
            reason: "k does not have the algorithm's key length",
        });
    }
    let mut stored = Zeroizing::new(Vec::with_capacity(1 + key.len()));
    stored.push(Encoding::Raw.tag());
    stored.extend_from_slice(&key);
    SecretKey::checked(algorithm, stored)
}
