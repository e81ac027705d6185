//! Commands on the keys of the unlocked vault: what kinds of key exist, listing, reading,
//! generating, changing and deleting records. State changes, rotation, destruction and
//! reveal are in [`super::lifecycle`].

use keywarden_core::key::limits::NAME_CHARS;
use keywarden_core::policy::MAX_CRYPTOPERIOD_DAYS;
use keywarden_core::{
    Algorithm, KeyId, KeyState, KeyUpdate, NewKey, Purpose, RecordError, UnlockedVault,
};
use tauri::State;

use super::{MAX_ID_CHARS, days, key_id, short};
use crate::dto::{AlgorithmInfo, Arg, KeyDetail, KeySummary, PurposeInfo, StateInfo};
use crate::error::IpcError;
use crate::state::AppState;

/// Longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

/// `key_algorithms`: every kind of key the vault knows, in the order a person would
/// choose from.
#[tauri::command]
pub fn key_algorithms(state: State<'_, AppState>) -> Vec<AlgorithmInfo> {
    state.touch();
    Algorithm::ALL
        .into_iter()
        .map(AlgorithmInfo::from)
        .collect()
}

/// `key_purposes`: what a key may be for (NIST SP 800-57 key types).
#[tauri::command]
pub fn key_purposes(state: State<'_, AppState>) -> Vec<PurposeInfo> {
    state.touch();
    Purpose::ALL.into_iter().map(PurposeInfo::from).collect()
}

/// `key_states`: the NIST SP 800-57 key states, in lifecycle order, with the states each
/// may become through `key_set_state`.
#[tauri::command]
pub fn key_states(state: State<'_, AppState>) -> Vec<StateInfo> {
    state.touch();
    KeyState::ALL.into_iter().map(StateInfo::from).collect()
}

/// `keys_list`: keys whose name, tags, owner, algorithm, purpose or state contain the
/// query (all keys for `null`), sorted by name.
///
/// # Errors
/// `invalid_input` (query too long), `locked`, `no_vault`.
#[tauri::command]
pub async fn keys_list(
    state: State<'_, AppState>,
    query: Arg<Option<String>>,
) -> Result<Vec<KeySummary>, IpcError> {
    state.touch();
    let query = query.0.unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(IpcError::invalid_input(format!(
            "A search has at most {MAX_QUERY_CHARS} characters."
        )));
    }
    state
        .with_unlocked(|vault| {
            let vault = &*vault;
            Ok(vault
                .list(&query)
                .into_iter()
                .map(|r| KeySummary::of(vault, r))
                .collect())
        })
        .await
}

/// `key_get`: one key.
///
/// # Errors
/// `invalid_input` (not a key id), `key_not_found`, `locked`, `no_vault`.
#[tauri::command]
pub async fn key_get(state: State<'_, AppState>, id: Arg<String>) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    state.with_unlocked(|vault| detail(vault, &id)).await
}

/// `key_generate`: a new key from the operating system's random generator, checked
/// against the policy. Arguments after `tags` may be left out.
///
/// # Errors
/// `invalid_input` (a field, an unknown algorithm or purpose), `name_taken`,
/// `policy_violation`, `not_allowed` (the engine cannot generate that kind yet),
/// `locked`, `no_vault`, `io`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the contract"
)]
pub async fn key_generate(
    state: State<'_, AppState>,
    name: Arg<String>,
    algorithm: Arg<String>,
    notes: Arg<String>,
    tags: Arg<Vec<String>>,
    purpose: Arg<Option<String>>,
    owner: Arg<Option<String>>,
    custodians: Arg<Option<Vec<String>>>,
    pre_activation: Arg<Option<bool>>,
    rotation_days: Arg<Option<i64>>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    // The engine records a refused generation with the name in the audit log: keep a
    // hostile name out of it.
    let name = name.0;
    if name.trim().chars().count() > NAME_CHARS {
        return Err(IpcError::invalid_input(format!(
            "Name: at most {NAME_CHARS} characters."
        )));
    }
    let algorithm = short(algorithm.0, "algorithm", MAX_ID_CHARS)?.parse::<Algorithm>()?;
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
    let new = NewKey {
        purpose,
        owner: owner.0.unwrap_or_default(),
        custodians: custodians.0.unwrap_or_default(),
        notes: notes.0,
        tags: tags.0,
        pre_activation: pre_activation.0.unwrap_or(false),
        rotation_days,
        ..NewKey::new(name, algorithm)
    };
    // RSA-3072/4096 take seconds to generate: on a blocking-task thread.
    state
        .with_unlocked_blocking(move |vault| {
            let id = vault.generate_key(new)?.id;
            detail(vault, &id)
        })
        .await
}

/// `key_update`: changes a key's name, notes, tags, owner, custodians or rotation
/// interval. A `null` (or left-out) argument leaves that field as it is; `rotationDays`
/// 0 makes the key follow the policy's cryptoperiod again.
///
/// # Errors
/// `invalid_input`, `key_not_found`, `name_taken`, `not_allowed` (a destroyed key),
/// `locked`, `no_vault`, `io`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the contract"
)]
pub async fn key_update(
    state: State<'_, AppState>,
    id: Arg<String>,
    name: Arg<Option<String>>,
    notes: Arg<Option<String>>,
    tags: Arg<Option<Vec<String>>>,
    owner: Arg<Option<String>>,
    custodians: Arg<Option<Vec<String>>>,
    rotation_days: Arg<Option<i64>>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let rotation_days = rotation_days
        .0
        .map(|d| days(d, "rotation interval", MAX_CRYPTOPERIOD_DAYS))
        .transpose()?
        .map(|d| (d > 0).then_some(d));
    let update = KeyUpdate {
        name: name.0,
        notes: notes.0,
        tags: tags.0,
        owner: owner.0,
        custodians: custodians.0,
        rotation_days,
    };
    state
        .with_unlocked(|vault| {
            vault.update_key(&id, update)?;
            detail(vault, &id)
        })
        .await
}

/// `key_rename`: gives a key another name.
///
/// # Errors
/// `invalid_input`, `key_not_found`, `name_taken`, `not_allowed`, `locked`, `no_vault`,
/// `io`.
#[tauri::command]
pub async fn key_rename(
    state: State<'_, AppState>,
    id: Arg<String>,
    name: Arg<String>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let update = KeyUpdate {
        name: Some(name.0),
        ..KeyUpdate::default()
    };
    state
        .with_unlocked(|vault| {
            vault.update_key(&id, update)?;
            detail(vault, &id)
        })
        .await
}

/// `key_delete`: deletes a key and its material outright, leaving no record.
///
/// # Errors
/// `invalid_input`, `key_not_found`, `locked`, `no_vault`, `io`.
#[tauri::command]
pub async fn key_delete(state: State<'_, AppState>, id: Arg<String>) -> Result<(), IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    state
        .with_unlocked(|vault| Ok(vault.delete_key(&id)?))
        .await
}

/// The detail of key `id` as it is now.
pub(crate) fn detail(vault: &UnlockedVault, id: &KeyId) -> Result<KeyDetail, IpcError> {
    let record = vault.get(id).map_err(|e: RecordError| IpcError::from(e))?;
    Ok(KeyDetail::of(vault, record))
}
