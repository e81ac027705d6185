//! The Tauri commands of `docs/ipc.md`. Each is thin: check the arguments, call the
//! engine through [`crate::state::AppState`], answer with a wire type from [`crate::dto`].
//!
//! Every argument is an [`Arg`](crate::dto::Arg), so a call with a missing or mistyped
//! argument is rejected as `invalid_input` before anything runs.

pub mod audit;
pub mod clipboard;
pub mod keys;
pub mod kits;
pub mod lifecycle;
pub mod material;
pub mod policy;
pub mod recovery;
pub mod reminders;
pub mod vault;

use std::path::PathBuf;

use keywarden_core::key::limits::REASON_CHARS;
use keywarden_core::{KeyFile, KeyId, Passphrase};

use crate::error::IpcError;

/// Longest path accepted, in bytes (Linux's `PATH_MAX`).
const MAX_PATH_BYTES: usize = 4096;

/// Longest passphrase accepted, in characters: far beyond any real one, short enough
/// that Argon2id and Unicode normalisation stay cheap.
pub const MAX_PASSPHRASE_CHARS: usize = 1024;

/// A path argument: not empty, absolute, no NUL, at most [`MAX_PATH_BYTES`].
fn file_path(path: String, what: &str) -> Result<PathBuf, IpcError> {
    if path.is_empty() {
        return Err(IpcError::invalid_input(format!("Choose the {what}.")));
    }
    if path.len() > MAX_PATH_BYTES || path.contains('\0') {
        return Err(IpcError::invalid_input(format!(
            "The path of the {what} is not a usable path."
        )));
    }
    let path = PathBuf::from(path);
    if !path.is_absolute() {
        return Err(IpcError::invalid_input(format!(
            "The path of the {what} must be absolute."
        )));
    }
    Ok(path)
}

/// A passphrase argument. The text is wiped as soon as it is read.
fn passphrase(text: String) -> Result<Passphrase, IpcError> {
    let passphrase = Passphrase::new(text);
    let chars = String::from_utf8_lossy(passphrase.expose_bytes())
        .chars()
        .count();
    if chars > MAX_PASSPHRASE_CHARS {
        return Err(IpcError::invalid_input(format!(
            "A passphrase has at most {MAX_PASSPHRASE_CHARS} characters."
        )));
    }
    Ok(passphrase)
}

/// The optional key-file argument: the file is read and digested now.
fn key_file(path: Option<String>) -> Result<Option<KeyFile>, IpcError> {
    path.map(|p| {
        let path = file_path(p, "key file")?;
        KeyFile::read(&path).map_err(IpcError::from)
    })
    .transpose()
}

/// A key-id argument.
fn key_id(text: &str) -> Result<KeyId, IpcError> {
    text.parse::<KeyId>().map_err(|_| {
        IpcError::invalid_input(format!(
            "\"{}\" is not a key id.",
            text.chars().take(64).collect::<String>()
        ))
    })
}

/// The reason for a change: required, at most [`REASON_CHARS`] characters. Checked here
/// too, before the engine, because the engine records a refused change with its reason
/// in the audit log, and a hostile call must not fill the log.
fn reason(text: String) -> Result<String, IpcError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(IpcError::invalid_input(
            "Say why; the reason is kept in the audit log.",
        ));
    }
    if trimmed.chars().count() > REASON_CHARS {
        return Err(IpcError::invalid_input(format!(
            "A reason has at most {REASON_CHARS} characters."
        )));
    }
    Ok(trimmed.to_owned())
}

/// A short identifier argument (a state, purpose or algorithm id, a setting name): at
/// most `max` characters, so that nothing long reaches a message or the audit log.
fn short(text: String, what: &str, max: usize) -> Result<String, IpcError> {
    if text.chars().count() > max {
        return Err(IpcError::invalid_input(format!(
            "The {what} has at most {max} characters."
        )));
    }
    Ok(text)
}

/// A paper size argument: `a4` or `letter`.
fn paper(text: String) -> Result<keywarden_core::print::Paper, IpcError> {
    short(text, "paper size", MAX_ID_CHARS)?
        .parse()
        .map_err(|_| IpcError::invalid_input("Paper: choose A4 or Letter."))
}

/// Longest identifier (algorithm, purpose, state, action) accepted.
const MAX_ID_CHARS: usize = 64;

/// A whole number of days from an argument that JSON may send as any number.
fn days(value: i64, what: &str, max: u32) -> Result<u32, IpcError> {
    u32::try_from(value)
        .ok()
        .filter(|d| *d <= max)
        .ok_or_else(|| {
            IpcError::invalid_input(format!(
                "The {what} must be a whole number of days from 0 to {max}."
            ))
        })
}

/// A version argument: `None` (the current version) or a whole number from 1.
fn version(value: Option<i64>) -> Result<Option<u32>, IpcError> {
    value
        .map(|v| {
            u32::try_from(v)
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| IpcError::invalid_input("A version is a whole number from 1."))
        })
        .transpose()
}
