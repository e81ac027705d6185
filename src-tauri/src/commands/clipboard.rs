//! Commands of the clipboard: the window copies through the shell, which wipes a copied
//! secret on time ([`crate::clipboard`]).

use std::time::Duration;

use tauri::State;
use zeroize::Zeroizing;

use crate::dto::{Arg, ClipboardCopy};
use crate::error::{ErrorCode, IpcError};
use crate::state::AppState;

/// The most `clipboard_copy` takes: far more than any key's text.
const MAX_COPY_BYTES: usize = 1024 * 1024;

/// `clipboard_copy`: puts `text` on the clipboard. A `secret` (revealed material) needs
/// the vault unlocked and is wiped after the vault's `clipboard_clear_seconds`, when the
/// vault locks or closes, and when the app quits; a public text stays.
///
/// # Errors
/// `invalid_input` (empty or too long), `locked` and `no_vault` (a secret), `io` (the
/// clipboard cannot be written).
#[tauri::command]
pub async fn clipboard_copy(
    state: State<'_, AppState>,
    text: Arg<String>,
    secret: Arg<bool>,
) -> Result<ClipboardCopy, IpcError> {
    state.touch();
    // Wiped when this function ends, whatever happens.
    let text = Zeroizing::new(text.0);
    if text.is_empty() || text.len() > MAX_COPY_BYTES {
        return Err(IpcError::invalid_input(
            "There is nothing to copy, or it is longer than 1 MiB.",
        ));
    }
    let wipe_after = if secret.0 {
        let seconds = state
            .with_unlocked(|vault| Ok(vault.settings().clipboard_clear_seconds))
            .await?;
        Some(seconds)
    } else {
        None
    };
    state
        .clipboard
        .copy(&text, wipe_after.map(|s| Duration::from_secs(s.into())))
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Io,
                format!("The clipboard cannot be written: {e}"),
            )
        })?;
    Ok(ClipboardCopy {
        clears_in_seconds: wipe_after,
    })
}

/// `clipboard_clear`: empties the clipboard now, whatever is on it.
///
/// # Errors
/// `io` (the clipboard cannot be emptied).
#[tauri::command]
pub fn clipboard_clear(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.touch();
    state.clipboard.clear().map_err(|e| {
        IpcError::new(
            ErrorCode::Io,
            format!("The clipboard cannot be emptied: {e}"),
        )
    })
}
