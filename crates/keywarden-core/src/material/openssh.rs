//! The OpenSSH forms of Ed25519, ECDSA and RSA keys: the private key file
//! (`PROTOCOL.key`), the public key line and the `SHA256:` fingerprint, through the
//! ssh-key crate. An SSH key in Keywarden is one of these keys; it has no algorithm of
//! its own.

use p256::elliptic_curve::sec1::ToSec1Point;
use pkcs8::DecodePublicKey;
use ssh_key::private::{EcdsaKeypair, Ed25519Keypair, KeypairData, RsaKeypair};
use ssh_key::public::{EcdsaPublicKey, Ed25519PublicKey, KeyData, RsaPublicKey};
use ssh_key::{HashAlg, LineEnding};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::algorithm::Algorithm;

use super::error::MaterialError;
use super::format::Format;
use super::keypair::Keypair;

/// An unencrypted OpenSSH private key file, LF line endings.
pub(crate) fn private_file(
    keypair: &Keypair,
    algorithm: Algorithm,
    comment: &str,
) -> Result<Zeroizing<String>, MaterialError> {
    let failed = || MaterialError::encoding_failed(algorithm);
    let data = match keypair {
        Keypair::Ed25519(key) => KeypairData::Ed25519(Ed25519Keypair::from(key)),
        Keypair::P256(key) => KeypairData::Ecdsa(EcdsaKeypair::NistP256 {
            public: key.public_key().to_sec1_point(false),
            private: key.clone().into(),
        }),
        Keypair::P384(key) => KeypairData::Ecdsa(EcdsaKeypair::NistP384 {
            public: key.public_key().to_sec1_point(false),
            private: key.clone().into(),
        }),
        Keypair::Rsa(key) => KeypairData::Rsa(RsaKeypair::try_from(key).map_err(|_| failed())?),
        Keypair::X25519(_) => {
            return Err(MaterialError::not_supported(
                algorithm,
                Format::OpenSshPrivate,
            ));
        }
    };
    let key = ssh_key::PrivateKey::new(data, comment).map_err(|_| failed())?;
    key.to_openssh(LineEnding::LF).map_err(|_| failed())
}

/// The SSH public key of a DER `SubjectPublicKeyInfo`.
pub(crate) fn public_key(
    spki_der: &[u8],
    algorithm: Algorithm,
    comment: &str,
) -> Result<ssh_key::PublicKey, MaterialError> {
    let failed = || MaterialError::encoding_failed(algorithm);
    let data = match algorithm {
        Algorithm::Ed25519 => {
            let key =
                ed25519_dalek::VerifyingKey::from_public_key_der(spki_der).map_err(|_| failed())?;
            KeyData::Ed25519(Ed25519PublicKey::from(&key))
        }
        Algorithm::EcdsaP256 => {
            let key = p256::PublicKey::from_public_key_der(spki_der).map_err(|_| failed())?;
            KeyData::Ecdsa(EcdsaPublicKey::NistP256(key.to_sec1_point(false)))
        }
        Algorithm::EcdsaP384 => {
            let key = p384::PublicKey::from_public_key_der(spki_der).map_err(|_| failed())?;
            KeyData::Ecdsa(EcdsaPublicKey::NistP384(key.to_sec1_point(false)))
        }
        Algorithm::Rsa2048 | Algorithm::Rsa3072 | Algorithm::Rsa4096 => {
            let key = rsa::PublicKey::from_public_key_der(spki_der).map_err(|_| failed())?;
            KeyData::Rsa(RsaPublicKey::try_from(&key).map_err(|_| failed())?)
        }
        _ => {
            return Err(MaterialError::not_supported(
                algorithm,
                Format::OpenSshPublic,
            ));
        }
    };
    Ok(ssh_key::PublicKey::new(data, comment))
}

/// The public key line, `<type> <base64 blob>[ <comment>]`.
pub(crate) fn public_line(
    spki_der: &[u8],
    algorithm: Algorithm,
    comment: &str,
) -> Result<String, MaterialError> {
    public_key(spki_der, algorithm, comment)?
        .to_openssh()
        .map_err(|_| MaterialError::encoding_failed(algorithm))
}

/// OpenSSH's SHA-256 fingerprint, `SHA256:<base64 without padding>`.
pub(crate) fn fingerprint(spki_der: &[u8], algorithm: Algorithm) -> Result<String, MaterialError> {
    Ok(public_key(spki_der, algorithm, "")?
        .fingerprint(HashAlg::Sha256)
        .to_string())
}

/// Reads an unencrypted OpenSSH private key file.
pub(crate) fn parse_private_file(data: &[u8]) -> Result<Keypair, MaterialError> {
    let format = Format::OpenSshPrivate;
    let bad = |reason| MaterialError::malformed(format, reason);
    let key = ssh_key::PrivateKey::from_openssh(data).map_err(|e| match e {
        ssh_key::Error::Encrypted => MaterialError::Encrypted { format },
        ssh_key::Error::Crypto | ssh_key::Error::PublicKey => {
            MaterialError::Inconsistent { format }
        }
        _ => bad("not an OpenSSH private key file"),
    })?;
    if key.is_encrypted() {
        return Err(MaterialError::Encrypted { format });
    }
    let keypair = match key.key_data() {
        KeypairData::Ed25519(pair) => {
            let signing = ed25519_dalek::SigningKey::try_from(pair)
                .map_err(|_| MaterialError::Inconsistent { format })?;
            Keypair::Ed25519(signing)
        }
        KeypairData::Ecdsa(EcdsaKeypair::NistP256 { public, private }) => {
            let secret = p256::SecretKey::from_slice(private.as_slice())
                .map_err(|_| bad("not a valid P-256 private key"))?;
            if !bool::from(
                secret
                    .public_key()
                    .to_sec1_point(false)
                    .as_bytes()
                    .ct_eq(public.as_bytes()),
            ) {
                return Err(MaterialError::Inconsistent { format });
            }
            Keypair::P256(secret)
        }
        KeypairData::Ecdsa(EcdsaKeypair::NistP384 { public, private }) => {
            let secret = p384::SecretKey::from_slice(private.as_slice())
                .map_err(|_| bad("not a valid P-384 private key"))?;
            if !bool::from(
                secret
                    .public_key()
                    .to_sec1_point(false)
                    .as_bytes()
                    .ct_eq(public.as_bytes()),
            ) {
                return Err(MaterialError::Inconsistent { format });
            }
            Keypair::P384(secret)
        }
        KeypairData::Rsa(pair) => {
            let key = rsa::PrivateKey::try_from(pair)
                .map_err(|_| bad("not a valid two-prime RSA private key"))?;
            key.validate()
                .map_err(|_| bad("the RSA key's numbers do not fit together"))?;
            Keypair::Rsa(key)
        }
        other => {
            let name = other
                .algorithm()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_else(|_| "unknown".to_owned());
            return Err(MaterialError::Unsupported {
                what: format!("OpenSSH keys of type {name}"),
            });
        }
    };
    // Refuses RSA sizes Keywarden does not keep.
    keypair.algorithm()?;
    Ok(keypair)
}
