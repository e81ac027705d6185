//! Which format a key file is in, judged from its content, so that people need not say.

use pkcs8::der::Decode;
use pkcs8::der::asn1::AnyRef;

use super::Format;

/// What a key file looks like it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detected {
    /// One of the engine's formats.
    Format(Format),
    /// A JSON object: a JSON Web Key, for the caller to parse (the engine reads no JSON).
    Jwk,
}

/// The format of `data`, from its content: DER (a `SubjectPublicKeyInfo`, otherwise taken
/// as PKCS#8), a JSON object (JWK), a PEM label, an age identity or recipient, an OpenSSH
/// public key line (the first line that is not blank or a `#` comment, as in
/// `authorized_keys` and age recipient files; an RFC 4716 `---- BEGIN SSH2 PUBLIC KEY`
/// block too, which the import then explains how to convert). `None` for anything else
/// (hex, base64, text), whose format must be named.
pub fn detect(data: &[u8]) -> Option<Detected> {
    let standard = |f| Some(Detected::Format(f));
    // DER: exactly one SEQUENCE spanning the whole input (hex text may start with "0").
    if data.first() == Some(&0x30) && AnyRef::from_der(data).is_ok() {
        return if spki::SubjectPublicKeyInfoRef::from_der(data).is_ok() {
            standard(Format::SpkiDer)
        } else {
            standard(Format::Pkcs8Der)
        };
    }
    let text = std::str::from_utf8(data).ok()?.trim_start();
    if text.starts_with('{') {
        return Some(Detected::Jwk);
    }
    if let Some(start) = text.find("-----BEGIN ") {
        let label = text[start + 11..].split("-----").next().unwrap_or_default();
        return match label {
            "OPENSSH PRIVATE KEY" => standard(Format::OpenSshPrivate),
            "PUBLIC KEY" => standard(Format::SpkiPem),
            // PKCS#8, and the labels import explains (ENCRYPTED PRIVATE KEY, RSA PRIVATE
            // KEY, EC PRIVATE KEY).
            _ => standard(Format::Pkcs8Pem),
        };
    }
    let lines = || text.lines().map(str::trim);
    if lines().any(|l| l.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-1")) {
        return standard(Format::AgeIdentity);
    }
    let first = lines()
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default();
    if first.starts_with("---- BEGIN SSH2 PUBLIC KEY") {
        return standard(Format::OpenSshPublic);
    }
    let word = first.split_whitespace().next().unwrap_or_default();
    if word.starts_with("ssh-") || word.starts_with("ecdsa-sha2-") || word.starts_with("sk-") {
        return standard(Format::OpenSshPublic);
    }
    if first.to_ascii_lowercase().starts_with("age1") {
        return standard(Format::AgeRecipient);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Algorithm;
    use crate::material::{PublicKey, SecretKey};

    fn detected(data: &[u8]) -> Option<Detected> {
        detect(data)
    }

    #[test]
    fn formats_are_recognised_by_their_content() {
        let key = SecretKey::generate(Algorithm::Ed25519).unwrap();
        let public = key.public_key().unwrap();
        let f = |format| Some(Detected::Format(format));
        let der = key.export(Format::Pkcs8Der, "").unwrap();
        assert_eq!(detected(&der), f(Format::Pkcs8Der));
        assert_eq!(detected(public.spki_der()), f(Format::SpkiDer));
        for format in [
            Format::Pkcs8Pem,
            Format::OpenSshPrivate,
            Format::OpenSshPublic,
            Format::SpkiPem,
        ] {
            assert_eq!(
                detected(&key.export(format, "c").unwrap()),
                f(format),
                "{format}"
            );
        }
        let age = SecretKey::generate(Algorithm::AgeX25519).unwrap();
        for format in [Format::AgeIdentity, Format::AgeRecipient] {
            assert_eq!(
                detected(&age.export(format, "").unwrap()),
                f(format),
                "{format}"
            );
        }
        assert_eq!(detected(b"  {\"kty\":\"OKP\"}"), Some(Detected::Jwk));
        // Comment lines before a public key, as authorized_keys and recipient files have.
        let mut commented = b"# bob's laptop\n\n".to_vec();
        commented.extend_from_slice(&key.export(Format::OpenSshPublic, "bob").unwrap());
        assert_eq!(detected(&commented), f(Format::OpenSshPublic));
        let mut recipients = b"# created: 2026-12-07\n".to_vec();
        recipients.extend_from_slice(&age.export(Format::AgeRecipient, "").unwrap());
        assert_eq!(detected(&recipients), f(Format::AgeRecipient));
        // RFC 4716: recognised, so that the import can say how to convert it.
        let ssh2 = b"---- BEGIN SSH2 PUBLIC KEY ----\nComment: bob\nAAAAC3Nz\n---- END SSH2 PUBLIC KEY ----\n";
        assert_eq!(detected(ssh2), f(Format::OpenSshPublic));
        assert!(
            PublicKey::import(ssh2, Format::OpenSshPublic, None)
                .unwrap_err()
                .to_string()
                .contains("ssh-keygen -i")
        );
        assert_eq!(detected(b"00112233445566778899aabbccddeeff"), None);
        assert_eq!(detected(b"correct horse battery staple"), None);
        assert_eq!(detected(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
        assert_eq!(detected(&[0x30, 0x00, 0x00]), None);
    }
}
