//! Commands on the vault as a whole: select, create, unlock, recover with the vault
//! recovery kit, lock, close, passphrase, auto-lock, and the activity heartbeat.

use keywarden_core::settings::{
    MAX_AUTO_LOCK_MINUTES, MAX_CLIPBOARD_CLEAR_SECONDS, MIN_CLIPBOARD_CLEAR_SECONDS,
};
use tauri::State;
use tauri::ipc::Request;
use zeroize::Zeroizing;

use super::{file_path, key_file, passphrase};
use crate::dto::{Arg, AutostartStatus, VaultRecoveryProgress, VaultStatus};
use crate::error::{ErrorCode, IpcError};
use crate::state::AppState;

/// `vault_status`: the vault's state and the default vault's path.
///
/// # Errors
/// None in practice; the `Result` lets the command borrow the state.
#[tauri::command]
pub async fn vault_status(state: State<'_, AppState>) -> Result<VaultStatus, IpcError> {
    state.touch();
    Ok(state.status().await)
}

/// `vault_select`: opens an existing vault file, locked.
///
/// # Errors
/// `invalid_input` for a bad path; `vault_not_found`, `not_a_vault`, `vault_damaged`,
/// `vault_unsupported`, `vault_busy` or `io` from opening the file.
#[tauri::command]
pub async fn vault_select(
    state: State<'_, AppState>,
    path: Arg<String>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let path = file_path(path.0, "vault file")?;
    state.select(path).await
}

/// `vault_create`: makes a new vault (calibrating Argon2id to this machine, a second or
/// two) and selects it, unlocked.
///
/// # Errors
/// `invalid_input` (bad path, weak passphrase), `vault_exists`, `keyfile_unreadable`,
/// `io`.
#[tauri::command]
pub async fn vault_create(
    state: State<'_, AppState>,
    path: Arg<String>,
    passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let passphrase = super::passphrase(passphrase.0)?;
    let path = file_path(path.0, "vault file")?;
    let key_file = key_file(keyfile_path.0)?;
    state.create(path, passphrase, key_file).await
}

/// `vault_unlock`: unlocks the selected vault.
///
/// # Errors
/// `wrong_passphrase`, `keyfile_required`, `wrong_keyfile`, `keyfile_not_used`,
/// `keyfile_unreadable`, `no_vault`, `vault_damaged`, `vault_busy`, `io`.
#[tauri::command]
pub async fn vault_unlock(
    state: State<'_, AppState>,
    passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let passphrase = super::passphrase(passphrase.0)?;
    let key_file = key_file(keyfile_path.0)?;
    state.unlock(passphrase, key_file).await
}

/// The longest text of one sheet of a vault recovery kit: its words, numbered, with
/// room for notes (a 33-word share has about 300 characters).
const MAX_SHARE_TEXT_BYTES: usize = 4096;

/// `vault_recovery_add`: reads the words (or the code's text) of one sheet of the locked
/// vault's recovery kit; answers the shares read and needed ("1 of 2"). A text that
/// fails adds nothing; the error names the word.
///
/// # Errors
/// `invalid_input` (empty or too long text, a bad, foreign or repeated share, a key
/// kit's codes), `not_allowed` (the vault is unlocked), `no_vault`.
#[tauri::command]
pub async fn vault_recovery_add(
    state: State<'_, AppState>,
    text: Arg<String>,
) -> Result<VaultRecoveryProgress, IpcError> {
    state.touch();
    // Share words are secret: wiped when this call ends.
    let text = Zeroizing::new(text.0);
    if text.trim().is_empty() {
        return Err(IpcError::invalid_input(
            "Type the words of a sheet of the vault recovery kit first.",
        ));
    }
    if text.len() > MAX_SHARE_TEXT_BYTES {
        return Err(IpcError::invalid_input(
            "That is far longer than the words of a sheet.",
        ));
    }
    let (have, need) = state.recovery_add(&text).await?;
    Ok(VaultRecoveryProgress { have, need })
}

/// `vault_recovery_add_scan`: reads the share code of one scanned sheet of the locked
/// vault's recovery kit (a PNG or JPEG image, or a PDF of scanned pages, as the raw
/// body of the call), as `vault_recovery_add` reads its words.
///
/// # Errors
/// As `vault_recovery_add`, `invalid_input` for a scan that cannot be read, `no_code`
/// for one with no code.
#[tauri::command]
pub async fn vault_recovery_add_scan(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<VaultRecoveryProgress, IpcError> {
    state.touch();
    let text = super::recovery::scanned_text(&request).await?;
    let (have, need) = state.recovery_add(&text).await?;
    Ok(VaultRecoveryProgress { have, need })
}

/// `vault_recovery_reset`: forgets the shares read so far.
///
/// # Errors
/// `not_allowed` (the vault is unlocked), `no_vault`.
#[tauri::command]
pub async fn vault_recovery_reset(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.touch();
    state.recovery_reset().await
}

/// `vault_recover`: opens the locked vault with the shares read, sets `newPassphrase` as
/// its passphrase (with the key file at `keyfilePath` from now on, or none), audited,
/// and answers the status, unlocked. On failure nothing is written and the shares stay.
///
/// # Errors
/// `invalid_input` (no shares or too few, a weak passphrase), `wrong_passphrase` (the
/// shares do not open this vault), `not_allowed` (no vault recovery kit, or the vault
/// is unlocked), `keyfile_unreadable`, `no_vault`, `vault_damaged`, `io`.
#[tauri::command]
pub async fn vault_recover(
    state: State<'_, AppState>,
    new_passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let new = super::passphrase(new_passphrase.0)?;
    let key_file = key_file(keyfile_path.0)?;
    state.recover(new, key_file).await
}

/// `vault_lock`: forgets every secret; emits `vault-locked` with reason `user`.
///
/// # Errors
/// `no_vault`.
#[tauri::command]
pub async fn vault_lock(state: State<'_, AppState>) -> Result<VaultStatus, IpcError> {
    state.touch();
    state.lock().await
}

/// `vault_close`: forgets the selected vault; back to the welcome screen.
///
/// # Errors
/// None in practice; the `Result` lets the command borrow the state.
#[tauri::command]
pub async fn vault_close(state: State<'_, AppState>) -> Result<VaultStatus, IpcError> {
    state.touch();
    Ok(state.close().await)
}

/// `vault_change_passphrase`: replaces the passphrase of the unlocked vault.
///
/// # Errors
/// `wrong_passphrase` (the current one), `invalid_input` (the new one is weak),
/// key-file errors, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn vault_change_passphrase(
    state: State<'_, AppState>,
    current_passphrase: Arg<String>,
    new_passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<(), IpcError> {
    state.touch();
    let current = passphrase(current_passphrase.0)?;
    let new = passphrase(new_passphrase.0)?;
    let key_file = key_file(keyfile_path.0)?;
    state.change_passphrase(current, new, key_file).await
}

/// `settings_set_auto_lock`: minutes without activity (1 to 1440) before the vault
/// locks itself.
///
/// # Errors
/// `invalid_input`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn settings_set_auto_lock(
    state: State<'_, AppState>,
    minutes: Arg<i64>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let minutes = u32::try_from(minutes.0)
        .ok()
        .filter(|m| (1..=MAX_AUTO_LOCK_MINUTES).contains(m))
        .ok_or_else(|| {
            IpcError::invalid_input(format!(
                "Auto-lock minutes must be between 1 and {MAX_AUTO_LOCK_MINUTES}."
            ))
        })?;
    state
        .update_settings(|s| s.auto_lock_minutes = minutes)
        .await
}

/// `settings_set_clipboard_clear`: seconds (5 to 600) after which the app empties the
/// clipboard it copied a revealed secret to.
///
/// # Errors
/// `invalid_input`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn settings_set_clipboard_clear(
    state: State<'_, AppState>,
    seconds: Arg<i64>,
) -> Result<VaultStatus, IpcError> {
    state.touch();
    let range = MIN_CLIPBOARD_CLEAR_SECONDS..=MAX_CLIPBOARD_CLEAR_SECONDS;
    let seconds = u32::try_from(seconds.0)
        .ok()
        .filter(|s| range.contains(s))
        .ok_or_else(|| {
            IpcError::invalid_input(format!(
                "The clipboard is cleared after {MIN_CLIPBOARD_CLEAR_SECONDS} to \
                 {MAX_CLIPBOARD_CLEAR_SECONDS} seconds."
            ))
        })?;
    state
        .update_settings(|s| s.clipboard_clear_seconds = seconds)
        .await
}

/// `activity`: the person did something; the idle timer starts again.
#[tauri::command]
pub fn activity(state: State<'_, AppState>) {
    state.touch();
}

/// `settings_autostart`: whether Keywarden starts, minimised to the tray, when the
/// person logs in. A setting of this computer's account, not of the vault.
///
/// # Errors
/// `io` when it cannot be told.
#[tauri::command]
pub async fn settings_autostart(state: State<'_, AppState>) -> Result<AutostartStatus, IpcError> {
    state.touch();
    let enabled = state.launcher()?.is_enabled().map_err(|reason| {
        IpcError::new(
            ErrorCode::Io,
            format!("Whether Keywarden starts at login cannot be told: {reason}."),
        )
    })?;
    Ok(AutostartStatus { enabled })
}

/// `settings_set_autostart`: starts Keywarden minimised to the tray when the person logs
/// in (`enabled`), or stops doing so. Needs the vault unlocked, like every setting.
///
/// # Errors
/// `invalid_input`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn settings_set_autostart(
    state: State<'_, AppState>,
    enabled: Arg<bool>,
) -> Result<AutostartStatus, IpcError> {
    state.touch();
    let enabled = enabled.0;
    let detail = format!(
        "start at login, minimised to the tray: {}",
        if enabled { "on" } else { "off" }
    );
    state
        .with_unlocked(|vault| {
            let changed = state.launcher()?.set_enabled(enabled);
            vault.record_setting_change(&detail, changed.as_ref().err().map(String::as_str))?;
            changed.map_err(|reason| {
                IpcError::new(
                    ErrorCode::Io,
                    format!(
                        "Starting at login could not be turned {}: {reason}.",
                        if enabled { "on" } else { "off" }
                    ),
                )
            })
        })
        .await?;
    Ok(AutostartStatus { enabled })
}
