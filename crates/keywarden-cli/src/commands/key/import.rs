//! `key import`: a private key, a secret or a public key alone made elsewhere, read from
//! a file or standard input, recognised by its content when no `--format` is given, and
//! stored as a new key; and the new public key `key rotate --public` reads.

use std::path::Path;

use keywarden_core::material::{Imported, Jwk, PublicKey};
use keywarden_core::{Algorithm, UnlockedVault};

use crate::args::{ImportArgs, RotateArgs};
use crate::failure::{Code, Failure};
use crate::input;
use crate::key_format::KeyFormat;
use crate::output::{self, KeyAction, KeyView, Report};

/// A key read and checked, not yet stored.
#[derive(Debug)]
pub struct Input {
    /// The format it was read in.
    format: KeyFormat,
    /// The key: private, or the public key alone.
    key: Imported,
}

/// Reads `FILE` (or standard input), recognises its format unless `--format` names it,
/// and decodes the key. Runs before the vault is unlocked.
///
/// # Errors
/// [`Code::InvalidInput`]: a file that cannot be read, is empty or too large, whose
/// format cannot be told, or that is not a valid key of a kind Keywarden keeps
/// (encrypted keys included); the messages never quote the input.
pub fn read(args: &ImportArgs) -> Result<Input, Failure> {
    read_key(&args.file, args.format, args.alg)
}

/// Reads the new public key of `key rotate --public FILE`. Runs before the vault is
/// unlocked.
///
/// # Errors
/// As [`read`], and [`Code::InvalidInput`] for a file that holds a private key.
pub fn read_public(args: &RotateArgs, file: &Path) -> Result<PublicKey, Failure> {
    match read_key(file, args.format, None)?.key {
        Imported::Public(key) => Ok(key),
        Imported::Secret(_) => Err(Failure::new(
            Code::InvalidInput,
            format!(
                "{} holds a private key: --public takes the new public key only (its \
                 holder keeps the private key)",
                input::name(file)
            ),
        )),
    }
}

fn read_key(
    file: &Path,
    format: Option<KeyFormat>,
    alg: Option<Algorithm>,
) -> Result<Input, Failure> {
    let data = input::read(file, "a key file")?;
    let format = match format {
        Some(format) => format,
        None => detect(&data).ok_or_else(|| {
            Failure::new(
                Code::InvalidInput,
                format!(
                    "cannot tell what kind of key {} holds: give --format (hex, base64 and \
                     text need --alg too)",
                    input::name(file)
                ),
            )
        })?,
    };
    let key = match format {
        KeyFormat::Standard(f) => Imported::import(&data, f, alg)?,
        KeyFormat::Jwk => Imported::from_jwk(&parse_jwk(&data)?, alg)?,
    };
    Ok(Input { format, key })
}

/// Stores the key read by [`read`] (or reads it now) as a new key with the options
/// given. The policy flags an algorithm it does not allow rather than refusing it; a
/// purpose the algorithm cannot serve is refused.
///
/// # Errors
/// As [`read`]; the engine's record errors (name taken, invalid fields, a purpose the
/// key cannot serve).
pub fn store(
    vault: &mut UnlockedVault,
    args: &ImportArgs,
    input: Option<Input>,
) -> Result<Report, Failure> {
    let Input { format, key } = match input {
        Some(input) => input,
        None => read(args)?,
    };
    let fingerprints = key.fingerprints();
    // Not refused (the same material may serve under two names), but rarely meant.
    let main = key.fingerprint().to_string();
    let twins: Vec<(String, String)> = vault
        .list("")
        .into_iter()
        .filter(|r| r.versions.iter().any(|v| v.fingerprint == main))
        .map(|r| (r.name.clone(), r.id.to_string()))
        .collect();
    let new = args.fields.new_key(&args.name, key.algorithm());
    let record = vault.import_key(new, key)?.clone();
    for (name, id) in twins {
        output::warn(&format!(
            "the vault already holds this key material as \"{}\" ({id})",
            output::clean(&name)
        ));
    }
    Ok(Report::Key {
        key: Box::new(KeyView::new(vault, record)),
        action: KeyAction::Imported {
            format: format.id(),
            fingerprints,
        },
    })
}

/// The format of key material, from its content (the engine's
/// [`keywarden_core::material::detect`]), with JWK as a format of its own here.
fn detect(data: &[u8]) -> Option<KeyFormat> {
    keywarden_core::material::detect(data).map(|d| match d {
        keywarden_core::material::Detected::Format(f) => KeyFormat::Standard(f),
        keywarden_core::material::Detected::Jwk => KeyFormat::Jwk,
    })
}

/// A JWK from JSON text. The messages name where the JSON is wrong, never what it holds.
fn parse_jwk(data: &[u8]) -> Result<Jwk, Failure> {
    let jwk: Jwk = serde_json::from_slice(data).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "a member is not a string, or it is not an object",
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "the JSON is malformed"
            }
            serde_json::error::Category::Io => "it cannot be read",
        };
        Failure::new(
            Code::InvalidInput,
            format!(
                "not a valid JWK: {what} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    Ok(jwk)
}

#[cfg(test)]
mod tests {
    use keywarden_core::Format;

    use super::*;

    fn detected(data: &[u8]) -> Option<&'static str> {
        detect(data).map(KeyFormat::id)
    }

    #[test]
    fn formats_are_recognised_by_their_content() {
        let generated =
            keywarden_core::SecretKey::generate(keywarden_core::Algorithm::Ed25519).unwrap();
        let der = generated.export(Format::Pkcs8Der, "").unwrap();
        assert_eq!(detected(&der), Some("pkcs8-der"));
        let spki = generated.public_key().unwrap();
        assert_eq!(detected(spki.spki_der()), Some("spki-der"));
        let pem = generated.export(Format::Pkcs8Pem, "").unwrap();
        assert_eq!(detected(&pem), Some("pkcs8-pem"));
        let ssh = generated.export(Format::OpenSshPrivate, "c").unwrap();
        assert_eq!(detected(&ssh), Some("openssh-private"));
        let line = generated.export(Format::OpenSshPublic, "c").unwrap();
        assert_eq!(detected(&line), Some("openssh-public"));
        assert_eq!(
            detected(&generated.export(Format::SpkiPem, "").unwrap()),
            Some("spki-pem")
        );
        assert_eq!(
            detected(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n"),
            Some("pkcs8-pem")
        );
        assert_eq!(detected(b"  {\"kty\":\"OKP\"}"), Some("jwk"));

        let age =
            keywarden_core::SecretKey::generate(keywarden_core::Algorithm::AgeX25519).unwrap();
        let identity = age.export(Format::AgeIdentity, "").unwrap();
        assert_eq!(detected(&identity), Some("age-identity"));
        let recipient = age.export(Format::AgeRecipient, "").unwrap();
        assert_eq!(detected(&recipient), Some("age-recipient"));

        assert_eq!(detected(b"00112233445566778899aabbccddeeff"), None);
        assert_eq!(detected(b"correct horse battery staple"), None);
    }

    #[test]
    fn jwk_errors_never_quote_the_input() {
        let err = parse_jwk(br#"{"kty": "OKP", "d": 12345678}"#).unwrap_err();
        assert_eq!(err.code, Code::InvalidInput);
        assert!(!err.message.contains("12345678"), "{}", err.message);
        let err = parse_jwk(b"{\"d\": \"secret").unwrap_err();
        assert!(!err.message.contains("secret"), "{}", err.message);
    }
}
