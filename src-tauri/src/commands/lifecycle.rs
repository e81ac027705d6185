//! Commands of a key's lifecycle: state changes, rotation, scheduled destruction, and
//! revealing the material to the person who asks. Each takes a reason, which the engine
//! keeps in the key's history and the audit log.

use keywarden_core::policy::MAX_DESTRUCTION_WAIT_DAYS;
use keywarden_core::{Algorithm, KeyState, SecretUse};
use tauri::State;

use super::keys::detail;
use super::{MAX_ID_CHARS, key_file, key_id, short};
use crate::dto::{Arg, KeyDetail, RevealedSecret};
use crate::error::IpcError;
use crate::state::AppState;

/// `key_set_state`: moves a key to another NIST SP 800-57 state (activate, suspend,
/// reactivate, deactivate, mark compromised). `destroyed` is reached only through
/// `key_schedule_destruction`.
///
/// # Errors
/// `invalid_input` (id, unknown state, reason), `not_allowed` (a transition SP 800-57
/// does not have), `key_not_found`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn key_set_state(
    state: State<'_, AppState>,
    id: Arg<String>,
    to: Arg<String>,
    reason: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let to = short(to.0, "state", MAX_ID_CHARS)?.parse::<KeyState>()?;
    let reason = super::reason(reason.0)?;
    state
        .with_unlocked(|vault| {
            vault.set_state(&id, to, &reason)?;
            detail(vault, &id)
        })
        .await
}

/// `key_rotate`: makes a new version of an active key (with `algorithm`, or the same
/// one, or the policy's replacement); the old version is deactivated.
///
/// # Errors
/// `invalid_input`, `not_allowed` (not active; another family; cannot be generated yet),
/// `policy_violation`, `key_not_found`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn key_rotate(
    state: State<'_, AppState>,
    id: Arg<String>,
    algorithm: Arg<Option<String>>,
    reason: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let algorithm = algorithm
        .0
        .map(|a| {
            short(a, "algorithm", MAX_ID_CHARS)?
                .parse::<Algorithm>()
                .map_err(IpcError::from)
        })
        .transpose()?;
    let reason = super::reason(reason.0)?;
    // A new RSA-3072/4096 version takes seconds: on a blocking-task thread.
    state
        .with_unlocked_blocking(move |vault| {
            vault.rotate_key(&id, algorithm, &reason)?;
            detail(vault, &id)
        })
        .await
}

/// `key_schedule_destruction`: the key's material is erased after `days` (`null`: the
/// policy's waiting period, which is also the least). With a wait of 0 (a policy that
/// allows it) the key is destroyed at once.
///
/// # Errors
/// `invalid_input`, `not_allowed` (destroyed; already scheduled; shorter than the
/// policy's wait), `key_not_found`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn key_schedule_destruction(
    state: State<'_, AppState>,
    id: Arg<String>,
    days: Arg<Option<i64>>,
    reason: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let after = days
        .0
        .map(|d| super::days(d, "waiting period", MAX_DESTRUCTION_WAIT_DAYS))
        .transpose()?;
    let reason = super::reason(reason.0)?;
    state
        .with_unlocked(|vault| {
            vault.schedule_destruction(&id, after, &reason)?;
            detail(vault, &id)
        })
        .await
}

/// `key_cancel_destruction`: cancels a scheduled destruction.
///
/// # Errors
/// `invalid_input`, `not_allowed` (none scheduled), `key_not_found`, `locked`,
/// `no_vault`, `io`.
#[tauri::command]
pub async fn key_cancel_destruction(
    state: State<'_, AppState>,
    id: Arg<String>,
    reason: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let reason = super::reason(reason.0)?;
    state
        .with_unlocked(|vault| {
            vault.cancel_destruction(&id, &reason)?;
            detail(vault, &id)
        })
        .await
}

/// `key_reveal`: the material of a version (`null`: the current one) in its reveal form, after
/// the passphrase (and key file) are checked again. Audited, success or failure.
///
/// # Errors
/// `wrong_passphrase` (nothing revealed), key-file errors, `not_allowed` (destroyed),
/// `key_not_found` (also an unknown version), `invalid_input`, `locked`, `no_vault`.
#[tauri::command]
pub async fn key_reveal(
    state: State<'_, AppState>,
    id: Arg<String>,
    version: Arg<Option<i64>>,
    passphrase: Arg<String>,
    keyfile_path: Arg<Option<String>>,
) -> Result<RevealedSecret, IpcError> {
    state.touch();
    let passphrase = super::passphrase(passphrase.0)?;
    let id = key_id(&id.0)?;
    let version = super::version(version.0)?;
    let key_file = key_file(keyfile_path.0)?;
    // Re-checking the passphrase is Argon2id work: off the async threads.
    state
        .with_unlocked_blocking(move |vault| {
            let number = match version {
                Some(v) => v,
                None => vault.get(&id)?.current_version,
            };
            let material = vault.use_secret(
                &id,
                Some(number),
                SecretUse::Reveal,
                &passphrase,
                key_file.as_ref(),
            )?;
            RevealedSecret::of(number, &material)
        })
        .await
}
