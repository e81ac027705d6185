//! The Tauri commands of `docs/ipc.md`. Each is thin: check the arguments, call the
//! engine through [`crate::state::AppState`], answer with a wire type from [`crate::dto`].
//!
//! Every argument is an [`Arg`](crate::dto::Arg), so a call with a missing or mistyped
//! argument is rejected as `invalid_input` before anything runs.

pub mod keys;
pub mod vault;

use std::path::PathBuf;

use keywarden_core::{KeyFile, Passphrase};

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
