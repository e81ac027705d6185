//! Commands that move key material across the vault's wall: importing a private key or
//! secret made elsewhere, exporting a public part, and exporting a secret to a file.
//!
//! Files are read and written here, in Rust, with `std::fs`: the web view never gets a
//! file-system plugin. An import reads at most [`MAX_INPUT`] bytes; an export is
//! written atomically ([`crate::outfile`]), mode 0600 for secrets, and never over an
//! existing file unless the person agreed (`overwrite`).

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use keywarden_core::key::limits::NAME_CHARS;
use keywarden_core::material::Jwk;
use keywarden_core::policy::MAX_CRYPTOPERIOD_DAYS;
use keywarden_core::{
    Algorithm, Family, Format, Imported, KeyId, NewKey, Purpose, SecretKey, SecretUse,
    UnlockedVault,
};
use tauri::State;
use zeroize::Zeroizing;

use super::keys::detail;
use super::{MAX_ID_CHARS, days, file_path, key_file, key_id, short};
use crate::dto::{Arg, ImportedKey, KeyDetail, KeyFormatInfo, PublicExport, SecretExport};
use crate::error::IpcError;
use crate::outfile::{self, PUBLIC_MODE, SECRET_MODE};
use crate::state::AppState;

/// The most `key_import` reads: far more than any key file (an RSA-4096 PKCS#8 PEM is
/// about 3.3 KB), little enough to hold in memory.
pub const MAX_INPUT: usize = 1024 * 1024;

/// The id of the JWK format, which the engine hands over as a value for the shell to
/// write as JSON (DESIGN.md section 2).
pub const JWK: &str = "jwk";

/// A format of import and export: one of the engine's, or JWK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    /// One of the engine's formats.
    Standard(Format),
    /// A JSON Web Key (RFC 7517).
    Jwk,
}

impl KeyFormat {
    /// Every format: the engine's, then JWK.
    fn all() -> impl Iterator<Item = KeyFormat> {
        Format::ALL
            .into_iter()
            .map(KeyFormat::Standard)
            .chain([KeyFormat::Jwk])
    }

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            KeyFormat::Standard(f) => f.id(),
            KeyFormat::Jwk => JWK,
        }
    }

    fn label(self) -> &'static str {
        match self {
            KeyFormat::Standard(f) => f.label(),
            KeyFormat::Jwk => "JSON Web Key",
        }
    }

    fn binary(self) -> bool {
        matches!(self, KeyFormat::Standard(f) if !f.is_text())
    }

    fn extension(self) -> &'static str {
        match self {
            KeyFormat::Standard(f) => match f {
                Format::Pkcs8Pem | Format::SpkiPem => "pem",
                Format::Pkcs8Der | Format::SpkiDer => "der",
                Format::OpenSshPrivate => "",
                Format::OpenSshPublic => "pub",
                Format::RawHex => "hex",
                Format::RawBase64 => "b64",
                Format::AgeIdentity | Format::AgeRecipient | Format::Text => "txt",
            },
            KeyFormat::Jwk => "jwk",
        }
    }

    /// Whether a key of `algorithm` has this form: as a private key when `private`,
    /// else its public part.
    pub fn supports(self, algorithm: Algorithm, private: bool) -> bool {
        match self {
            KeyFormat::Standard(f) => f.is_private() == private && f.supports(algorithm),
            // Symmetric keys have a private JWK (`oct`) only; secrets have none.
            KeyFormat::Jwk => match algorithm.family() {
                Family::Asymmetric => true,
                Family::Symmetric => private,
                Family::Secret => false,
            },
        }
    }

    /// A format argument: an id in any case.
    fn parse(text: String) -> Result<KeyFormat, IpcError> {
        let text = short(text, "format", MAX_ID_CHARS)?;
        if text.trim().eq_ignore_ascii_case(JWK) {
            return Ok(KeyFormat::Jwk);
        }
        text.parse::<Format>()
            .map(KeyFormat::Standard)
            .map_err(|e| {
                IpcError::invalid_input(format!(
                    "Keywarden does not know the key format \"{}\".",
                    e.given
                ))
            })
    }
}

impl From<KeyFormat> for KeyFormatInfo {
    fn from(f: KeyFormat) -> Self {
        let ids = |private| {
            Algorithm::ALL
                .into_iter()
                .filter(|a| f.supports(*a, private))
                .map(|a| a.id().to_owned())
                .collect::<Vec<_>>()
        };
        let (private_for, public_for) = (ids(true), ids(false));
        let kind = match (private_for.is_empty(), public_for.is_empty()) {
            (false, false) => "both",
            (false, true) => "private",
            _ => "public",
        };
        Self {
            id: f.id().to_owned(),
            label: f.label().to_owned(),
            kind: kind.to_owned(),
            binary: f.binary(),
            extension: f.extension().to_owned(),
            private_for,
            public_for,
        }
    }
}

/// `key_formats`: every format of import and export, with the algorithms that have it.
#[tauri::command]
pub fn key_formats(state: State<'_, AppState>) -> Vec<KeyFormatInfo> {
    state.touch();
    KeyFormat::all().map(KeyFormatInfo::from).collect()
}

/// `key_import`: a private key, a secret or a public key alone (a public-only key) made
/// elsewhere, from a file (`path`) or pasted `text`, in `format` (`null`: recognised by
/// its content; hex, base64 and text need `algorithm`), stored as a new key. The policy
/// flags an algorithm it does not allow rather than refusing it; a purpose the
/// algorithm cannot serve is refused.
///
/// # Errors
/// `invalid_input` (a file that cannot be used, a format that cannot be told, an
/// encrypted key, anything that is not a valid key, a field), `name_taken`,
/// `policy_violation` (purpose), `io`, `locked`, `no_vault`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the contract"
)]
pub async fn key_import(
    state: State<'_, AppState>,
    path: Arg<Option<String>>,
    text: Arg<Option<String>>,
    format: Arg<Option<String>>,
    algorithm: Arg<Option<String>>,
    name: Arg<String>,
    purpose: Arg<Option<String>>,
    owner: Arg<Option<String>>,
    custodians: Arg<Option<Vec<String>>>,
    tags: Arg<Option<Vec<String>>>,
    notes: Arg<Option<String>>,
    pre_activation: Arg<Option<bool>>,
    rotation_days: Arg<Option<i64>>,
) -> Result<ImportedKey, IpcError> {
    state.touch();
    // Pasted material is wiped when this function ends, whatever happens.
    let text = text.0.map(Zeroizing::new);
    let name = name.0;
    // The engine records a refused import with the name in the audit log.
    if name.trim().chars().count() > NAME_CHARS {
        return Err(IpcError::invalid_input(format!(
            "Name: at most {NAME_CHARS} characters."
        )));
    }
    let format = format.0.map(KeyFormat::parse).transpose()?;
    let hint = algorithm
        .0
        .map(|a| {
            short(a, "algorithm", MAX_ID_CHARS)?
                .parse::<Algorithm>()
                .map_err(IpcError::from)
        })
        .transpose()?;
    let purpose = purpose
        .0
        .map(|p| {
            short(p, "purpose", MAX_ID_CHARS)?
                .parse::<Purpose>()
                .map_err(IpcError::from)
        })
        .transpose()?;
    let rotation_days = rotation_days
        .0
        .map(|d| days(d, "rotation interval", MAX_CRYPTOPERIOD_DAYS))
        .transpose()?;
    let data = key_input(path.0, text)?;
    let (format, key) = decode(&data, format, hint)?;
    drop(data);
    let fingerprints = key.fingerprints().iter().map(ToString::to_string).collect();
    let main = key.fingerprint().to_string();
    let new = NewKey {
        purpose,
        owner: owner.0.unwrap_or_default(),
        custodians: custodians.0.unwrap_or_default(),
        notes: notes.0.unwrap_or_default(),
        tags: tags.0.unwrap_or_default(),
        pre_activation: pre_activation.0.unwrap_or(false),
        rotation_days,
        ..NewKey::new(name, key.algorithm())
    };
    state
        .with_unlocked(|vault| {
            // Not refused (the same material may serve under two names), but rarely meant.
            let same_material_as = vault
                .list("")
                .into_iter()
                .filter(|r| r.versions.iter().any(|v| v.fingerprint == main))
                .map(|r| r.name.clone())
                .collect();
            let id = vault.import_key(new, key)?.id;
            Ok(ImportedKey {
                key: detail(vault, &id)?,
                format: format.id().to_owned(),
                fingerprints,
                same_material_as,
            })
        })
        .await
}

/// `key_replace_public`: rotates a public-only key to the new public key its holder
/// made, from a file (`path`) or pasted `text`, in `format` (`null`: recognised by its
/// content). Version n+1 is the new public key; the old one is deactivated and keeps
/// its fingerprint.
///
/// # Errors
/// `invalid_input` (a file or text that cannot be used, a private key, a field),
/// `not_allowed` (not active, not public-only, the same public key again),
/// `policy_violation` (an algorithm that cannot serve the key's purpose),
/// `key_not_found`, `io`, `locked`, `no_vault`.
#[tauri::command]
pub async fn key_replace_public(
    state: State<'_, AppState>,
    id: Arg<String>,
    path: Arg<Option<String>>,
    text: Arg<Option<String>>,
    format: Arg<Option<String>>,
    reason: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let text = text.0.map(Zeroizing::new);
    let id = key_id(&id.0)?;
    let format = format.0.map(KeyFormat::parse).transpose()?;
    let reason = super::reason(reason.0)?;
    let data = key_input(path.0, text)?;
    let Imported::Public(public) = decode(&data, format, None)?.1 else {
        return Err(IpcError::invalid_input(
            "This is a private key: give the new public key only (its holder keeps the \
             private key).",
        ));
    };
    drop(data);
    state
        .with_unlocked(|vault| {
            vault.replace_public_key(&id, public, &reason)?;
            detail(vault, &id)
        })
        .await
}

/// `key_export_public`: the public part of a version (`null`: the current one) in a
/// public `format`, as text, or written to `path` (mode 0644). No passphrase; audited.
///
/// # Errors
/// `invalid_input` (a format the key has no public form in, a binary format without a
/// path, a path), `file_exists` (unless `overwrite`), `not_allowed` (no public part, a
/// destroyed key), `key_not_found`, `io`, `locked`, `no_vault`.
#[tauri::command]
pub async fn key_export_public(
    state: State<'_, AppState>,
    id: Arg<String>,
    version: Arg<Option<i64>>,
    format: Arg<String>,
    path: Arg<Option<String>>,
    overwrite: Arg<Option<bool>>,
) -> Result<PublicExport, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let version = super::version(version.0)?;
    let format = KeyFormat::parse(format.0)?;
    let overwrite = overwrite.0.unwrap_or(false);
    let path = path.0.map(|p| file_path(p, "file to write")).transpose()?;
    if let Some(path) = &path {
        outfile::check_free(path, overwrite)?;
    } else if format.binary() {
        return Err(IpcError::invalid_input(format!(
            "{} is binary: save it to a file.",
            format.label()
        )));
    }
    state
        .with_unlocked(|vault| {
            let (name, number, algorithm) = version_of(vault, &id, version)?;
            if !format.supports(algorithm, false) {
                return Err(IpcError::invalid_input(format!(
                    "{} keys have no {} public form.",
                    algorithm.label(),
                    format.label()
                )));
            }
            let public = vault.export_public(&id, Some(number), format.id())?;
            let bytes = match format {
                KeyFormat::Standard(f) => public.export(f, &name)?,
                KeyFormat::Jwk => {
                    let mut json = serde_json::to_vec_pretty(&public.to_jwk()?)
                        .map_err(|e| IpcError::internal(format!("JWK: {e}")))?;
                    json.push(b'\n');
                    json
                }
            };
            match path {
                Some(path) => {
                    outfile::write(&path, &bytes, PUBLIC_MODE, overwrite)?;
                    Ok(PublicExport {
                        format: format.id().to_owned(),
                        version: number,
                        text: None,
                        path: Some(path.display().to_string()),
                    })
                }
                None => Ok(PublicExport {
                    format: format.id().to_owned(),
                    version: number,
                    text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                    path: None,
                }),
            }
        })
        .await
}

/// `key_export`: the secret material of a version (`null`: the current one) in a
/// private `format`, written to `path` atomically with mode 0600, after the passphrase
/// (and key file) are checked again. Audited, success or failure. The material never
/// crosses to the web view.
///
/// # Errors
/// `wrong_passphrase` (nothing written), key-file errors, `invalid_input` (a format the
/// key has no private form in, a path, a folder), `file_exists` (unless `overwrite`),
/// `not_allowed` (destroyed), `key_not_found`, `io`, `locked`, `no_vault`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the contract"
)]
pub async fn key_export(
    state: State<'_, AppState>,
    id: Arg<String>,
    version: Arg<Option<i64>>,
    format: Arg<String>,
    path: Arg<String>,
    overwrite: Arg<Option<bool>>,
    passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<SecretExport, IpcError> {
    state.touch();
    let passphrase = super::passphrase(passphrase.0)?;
    let id = key_id(&id.0)?;
    let version = super::version(version.0)?;
    let format = KeyFormat::parse(format.0)?;
    let overwrite = overwrite.0.unwrap_or(false);
    let path = file_path(path.0, "file to write")?;
    // Refused before the passphrase is checked, so that nothing is taken out for a file
    // that cannot be written.
    outfile::check_free(&path, overwrite)?;
    if !path.parent().is_some_and(Path::is_dir) {
        return Err(IpcError::invalid_input(format!(
            "The folder of {} does not exist.",
            path.display()
        )));
    }
    let key_file = key_file(keyfile_path.0)?;
    // Re-checking the passphrase is Argon2id work: off the async threads.
    state
        .with_unlocked_blocking(move |vault| {
            let (name, number, algorithm) = version_of(vault, &id, version)?;
            if !format.supports(algorithm, true) {
                return Err(IpcError::invalid_input(format!(
                    "{} keys have no {} form.",
                    algorithm.label(),
                    format.label()
                )));
            }
            let key = vault.use_secret(
                &id,
                Some(number),
                SecretUse::Export(format.id()),
                &passphrase,
                key_file.as_ref(),
            )?;
            let bytes = secret_bytes(&key, format, &name)?;
            outfile::write(&path, &bytes, SECRET_MODE, overwrite)?;
            Ok(SecretExport {
                format: format.id().to_owned(),
                version: number,
                path: path.display().to_string(),
            })
        })
        .await
}

/// The secret in `format`, in a buffer wiped on drop.
fn secret_bytes(
    key: &SecretKey,
    format: KeyFormat,
    name: &str,
) -> Result<Zeroizing<Vec<u8>>, IpcError> {
    match format {
        KeyFormat::Standard(f) => Ok(key.export(f, name)?),
        KeyFormat::Jwk => {
            let jwk = key.to_jwk(true)?;
            // Sized up front so that the secret is never copied by a growing buffer.
            let mut out = Zeroizing::new(Vec::with_capacity(16 * 1024));
            serde_json::to_writer_pretty(&mut *out, &jwk)
                .map_err(|e| IpcError::internal(format!("JWK: {e}")))?;
            out.push(b'\n');
            Ok(out)
        }
    }
}

/// Reads the file to import: at most [`MAX_INPUT`] bytes, in a buffer sized once and
/// wiped when dropped.
/// The key's name, the version asked for (`None`: the current one) and that version's
/// algorithm (a rotation may have changed it).
fn version_of(
    vault: &UnlockedVault,
    id: &KeyId,
    version: Option<u32>,
) -> Result<(String, u32, Algorithm), IpcError> {
    let record = vault.get(id)?;
    let number = version.unwrap_or(record.current_version);
    let algorithm = record
        .versions
        .iter()
        .find(|v| v.number == number)
        .map_or(record.algorithm, |v| v.algorithm);
    Ok((record.name.clone(), number, algorithm))
}

fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, IpcError> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => IpcError::invalid_input(format!("There is no file {shown}.")),
        _ => IpcError::new(
            crate::error::ErrorCode::Io,
            format!("{shown} cannot be read: {e}."),
        ),
    })?;
    if meta.is_dir() {
        return Err(IpcError::invalid_input(format!(
            "{shown} is a folder; choose the key file."
        )));
    }
    if !meta.is_file() {
        return Err(IpcError::invalid_input(format!(
            "{shown} is not a regular file; choose the key file."
        )));
    }
    if meta.len() > MAX_INPUT as u64 {
        return Err(too_large(&shown.to_string()));
    }
    let mut data = Zeroizing::new(Vec::with_capacity(MAX_INPUT + 1));
    File::open(path)
        .and_then(|f| f.take(MAX_INPUT as u64 + 1).read_to_end(&mut data))
        .map_err(|e| {
            IpcError::new(
                crate::error::ErrorCode::Io,
                format!("{shown} cannot be read: {e}."),
            )
        })?;
    // The file may have grown since its size was read.
    if data.len() > MAX_INPUT {
        return Err(too_large(&shown.to_string()));
    }
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(IpcError::invalid_input(format!("{shown} is empty.")));
    }
    Ok(data)
}

/// The bytes of a key to read: from the file at `path` or from pasted `text`, one of
/// the two.
fn key_input(
    path: Option<String>,
    text: Option<Zeroizing<String>>,
) -> Result<Zeroizing<Vec<u8>>, IpcError> {
    match (path, text) {
        (Some(path), None) => read_file(&file_path(path, "key file")?),
        (None, Some(text)) => pasted(&text),
        (Some(_), Some(_)) => Err(IpcError::invalid_input(
            "Give either a file or pasted text, not both.",
        )),
        (None, None) => Err(IpcError::invalid_input(
            "Choose a file with the key, or paste the key.",
        )),
    }
}

fn too_large(what: &str) -> IpcError {
    IpcError::invalid_input(format!(
        "{what} is larger than 1 MiB: that is not a key file."
    ))
}

/// Pasted text as bytes to decode.
fn pasted(text: &str) -> Result<Zeroizing<Vec<u8>>, IpcError> {
    if text.len() > MAX_INPUT {
        return Err(too_large("The pasted text"));
    }
    if text.trim().is_empty() {
        return Err(IpcError::invalid_input("Paste the key first."));
    }
    Ok(Zeroizing::new(text.as_bytes().to_vec()))
}

/// Decodes the material in `format`, or in the format its content shows.
fn decode(
    data: &[u8],
    format: Option<KeyFormat>,
    hint: Option<Algorithm>,
) -> Result<(KeyFormat, Imported), IpcError> {
    let format = match format {
        Some(f) => f,
        None => detect(data).ok_or_else(|| {
            IpcError::invalid_input(
                "Keywarden cannot tell what kind of key this is. Choose its format (hex, \
                 base64 and text also need the algorithm).",
            )
        })?,
    };
    let key = match format {
        KeyFormat::Standard(f) => Imported::import(data, f, hint)?,
        KeyFormat::Jwk => Imported::from_jwk(&parse_jwk(data)?, hint)?,
    };
    Ok((format, key))
}

/// The format of key material, from its content (the engine's
/// [`keywarden_core::material::detect`]), with JWK as a format of its own here.
pub fn detect(data: &[u8]) -> Option<KeyFormat> {
    keywarden_core::material::detect(data).map(|d| match d {
        keywarden_core::material::Detected::Format(f) => KeyFormat::Standard(f),
        keywarden_core::material::Detected::Jwk => KeyFormat::Jwk,
    })
}

/// A JWK from JSON text. The messages say where the JSON is wrong, never what
/// it holds.
fn parse_jwk(data: &[u8]) -> Result<Jwk, IpcError> {
    let jwk: Jwk = serde_json::from_slice(data).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "a member is not a string, or it is not an object",
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "the JSON is malformed"
            }
            serde_json::error::Category::Io => "it cannot be read",
        };
        IpcError::invalid_input(format!(
            "Not a valid JWK: {what} (line {}, column {}).",
            e.line(),
            e.column()
        ))
    })?;
    Ok(jwk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(data: &[u8]) -> Option<&'static str> {
        detect(data).map(KeyFormat::id)
    }

    #[test]
    fn formats_are_recognised_by_their_content() {
        let key = SecretKey::generate(Algorithm::Ed25519).unwrap();
        let der = key.export(Format::Pkcs8Der, "").unwrap();
        assert_eq!(detected(&der), Some("pkcs8-der"));
        let public = key.public_key().unwrap();
        assert_eq!(detected(public.spki_der()), Some("spki-der"));
        assert_eq!(
            detected(&key.export(Format::Pkcs8Pem, "").unwrap()),
            Some("pkcs8-pem")
        );
        assert_eq!(
            detected(&key.export(Format::OpenSshPrivate, "c").unwrap()),
            Some("openssh-private")
        );
        assert_eq!(
            detected(&key.export(Format::OpenSshPublic, "c").unwrap()),
            Some("openssh-public")
        );
        assert_eq!(
            detected(&key.export(Format::SpkiPem, "").unwrap()),
            Some("spki-pem")
        );
        assert_eq!(detected(b"  {\"kty\":\"OKP\"}"), Some("jwk"));
        let age = SecretKey::generate(Algorithm::AgeX25519).unwrap();
        assert_eq!(
            detected(&age.export(Format::AgeIdentity, "").unwrap()),
            Some("age-identity")
        );
        assert_eq!(
            detected(&age.export(Format::AgeRecipient, "").unwrap()),
            Some("age-recipient")
        );
        assert_eq!(detected(b"00112233445566778899aabbccddeeff"), None);
        assert_eq!(detected(b"correct horse battery staple"), None);
        assert_eq!(detected(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), None);
    }

    #[test]
    fn jwk_errors_never_quote_the_input() {
        let e = parse_jwk(br#"{"kty": "OKP", "d": 12345678}"#).unwrap_err();
        assert!(!e.message.contains("12345678"), "{}", e.message);
        // A public JWK parses: the engine decides what it holds.
        let public = parse_jwk(br#"{"kty": "OKP", "crv": "Ed25519", "x": "abc"}"#).unwrap();
        assert!(!public.is_private());
        let e = parse_jwk(b"{\"d\": \"secret").unwrap_err();
        assert!(!e.message.contains("secret"), "{}", e.message);
    }

    #[test]
    fn jwk_follows_the_engine() {
        assert!(KeyFormat::Jwk.supports(Algorithm::Aes256, true));
        assert!(!KeyFormat::Jwk.supports(Algorithm::Aes256, false));
        assert!(!KeyFormat::Jwk.supports(Algorithm::Password, true));
        let info = KeyFormatInfo::from(KeyFormat::Jwk);
        assert_eq!(info.kind, "both");
        let info = KeyFormatInfo::from(KeyFormat::Standard(Format::SpkiPem));
        assert_eq!(info.kind, "public");
        assert!(info.private_for.is_empty());
    }
}
