//! Writing a key in a standard format.
//!
//! Files end with a newline as the usual tools write them (PEM, OpenSSH, age); raw hex,
//! raw base64 and plain text are the bare value with no newline.

use base64ct::{Base64, Encoding as _};
use zeroize::Zeroizing;

use super::error::MaterialError;
use super::format::Format;
use super::keypair::Keypair;
use super::{PublicKey, SecretKey, age, openssh};

/// The PEM label of a PKCS#8 `PrivateKeyInfo` (RFC 7468 section 10).
pub(crate) const PKCS8_PEM_LABEL: &str = "PRIVATE KEY";

/// PEM line endings: LF everywhere, as OpenSSL and OpenSSH write on Unix.
const PEM_LINE_ENDING: pem_rfc7468::LineEnding = pem_rfc7468::LineEnding::LF;

impl SecretKey {
    /// The key as text for a person who asked to reveal it, in
    /// [`Format::for_reveal`]'s form, in a buffer wiped on drop.
    ///
    /// # Errors
    /// [`MaterialError::Crypto`] if a library fails to encode it.
    pub fn reveal_text(&self) -> Result<Zeroizing<String>, MaterialError> {
        let bytes = self.export(Format::for_reveal(self.algorithm), "")?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| MaterialError::encoding_failed(self.algorithm))?;
        Ok(Zeroizing::new(text.trim_end().to_owned()))
    }

    /// The key in `format`. Public formats give the public part (as
    /// [`PublicKey::export`]). `comment` goes into OpenSSH files and lines (usually
    /// `user@host` or the key's name; may be empty) and is ignored by other formats.
    ///
    /// # Security warning
    /// A private format returns the secret in a buffer wiped on drop; what the caller
    /// copies out of it is the caller's to wipe. Exports of secrets are meant to be
    /// audited.
    ///
    /// # Errors
    /// [`MaterialError::FormatNotSupported`] when the key has no such form (see
    /// [`Format::supports`]), [`MaterialError::Crypto`] if a library fails to encode it.
    pub fn export(
        &self,
        format: Format,
        comment: &str,
    ) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        let algorithm = self.algorithm;
        if !format.supports(algorithm) {
            return Err(MaterialError::not_supported(algorithm, format));
        }
        if !format.is_private() {
            let public = self
                .public
                .as_ref()
                .ok_or(MaterialError::not_supported(algorithm, format))?;
            return public.export(format, comment).map(Zeroizing::new);
        }
        let failed = || MaterialError::encoding_failed(algorithm);
        match format {
            Format::Pkcs8Der => self.keypair()?.to_pkcs8_der(),
            Format::Pkcs8Pem => {
                let der = self.keypair()?.to_pkcs8_der()?;
                pem(PKCS8_PEM_LABEL, &der).ok_or_else(failed)
            }
            Format::OpenSshPrivate => {
                let file = openssh::private_file(&self.keypair()?, algorithm, comment)?;
                Ok(Zeroizing::new(file.as_bytes().to_vec()))
            }
            Format::AgeIdentity => match self.keypair()? {
                Keypair::X25519(secret) => {
                    let file = age::identity_file(secret.as_bytes())?;
                    Ok(Zeroizing::new(file.as_bytes().to_vec()))
                }
                _ => Err(failed()),
            },
            Format::RawHex => {
                let body = self.body();
                let mut out = Zeroizing::new(vec![0u8; body.len() * 2]);
                base16ct::lower::encode(body, &mut out).map_err(|_| failed())?;
                Ok(out)
            }
            Format::RawBase64 => {
                let body = self.body();
                let mut out = Zeroizing::new(vec![0u8; Base64::encoded_len(body)]);
                Base64::encode(body, &mut out).map_err(|_| failed())?;
                Ok(out)
            }
            Format::Text => Ok(Zeroizing::new(self.body().to_vec())),
            Format::SpkiPem | Format::SpkiDer | Format::OpenSshPublic | Format::AgeRecipient => {
                Err(MaterialError::not_supported(algorithm, format))
            }
        }
    }
}

impl PublicKey {
    /// The public key in a public `format` (SPKI PEM or DER, OpenSSH public key line,
    /// age recipient). `comment` goes at the end of an OpenSSH line; may be empty.
    ///
    /// # Errors
    /// [`MaterialError::FormatNotSupported`] for a private format or one the key has no
    /// form in, [`MaterialError::Crypto`] if a library fails to encode it.
    pub fn export(&self, format: Format, comment: &str) -> Result<Vec<u8>, MaterialError> {
        let algorithm = self.algorithm;
        if format.is_private() || !format.supports(algorithm) {
            return Err(MaterialError::not_supported(algorithm, format));
        }
        let failed = || MaterialError::encoding_failed(algorithm);
        match format {
            Format::SpkiDer => Ok(self.spki.clone()),
            Format::SpkiPem => pem("PUBLIC KEY", &self.spki)
                .map(|p| p.to_vec())
                .ok_or_else(failed),
            Format::OpenSshPublic => {
                let mut line = openssh::public_line(&self.spki, algorithm, comment)?;
                line.push('\n');
                Ok(line.into_bytes())
            }
            Format::AgeRecipient => {
                let mut line = self.age_recipient().ok_or_else(failed)?;
                line.push('\n');
                Ok(line.into_bytes())
            }
            _ => Err(MaterialError::not_supported(algorithm, format)),
        }
    }
}

/// PEM (RFC 7468) of `der` under `label`, in a buffer sized up front and wiped on drop.
fn pem(label: &str, der: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let len = pem_rfc7468::encoded_len(label, PEM_LINE_ENDING, der).ok()?;
    let mut out = Zeroizing::new(vec![0u8; len]);
    let written = pem_rfc7468::encode(label, PEM_LINE_ENDING, der, &mut out)
        .ok()?
        .len();
    out.truncate(written);
    Some(out)
}
