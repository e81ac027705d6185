//! Commands on the keys of the unlocked vault.

use keywarden_core::{Algorithm, KeyId, KeyUpdate, NewKey};
use tauri::State;

use crate::dto::{AlgorithmInfo, Arg, KeyDetail, KeySummary};
use crate::error::IpcError;
use crate::state::AppState;

/// Longest search query, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

/// `key_algorithms`: the kinds of key the vault can generate.
#[tauri::command]
pub fn key_algorithms(state: State<'_, AppState>) -> Vec<AlgorithmInfo> {
    state.touch();
    Algorithm::ALL
        .into_iter()
        .map(AlgorithmInfo::from)
        .collect()
}

/// `keys_list`: keys whose name, tags or algorithm contain the query (all keys for
/// `null`), sorted by name.
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
            Ok(vault
                .list(&query)
                .into_iter()
                .map(KeySummary::from)
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
    state
        .with_unlocked(|vault| Ok(vault.get(&id)?.into()))
        .await
}

/// `key_generate`: a new key from the operating system's random generator.
///
/// # Errors
/// `invalid_input` (name, notes, tags, unknown algorithm), `name_taken`, `locked`,
/// `no_vault`, `io`.
#[tauri::command]
pub async fn key_generate(
    state: State<'_, AppState>,
    name: Arg<String>,
    algorithm: Arg<String>,
    notes: Arg<String>,
    tags: Arg<Vec<String>>,
) -> Result<KeyDetail, IpcError> {
    state.touch();
    let new = NewKey {
        name: name.0,
        algorithm: algorithm.0.parse::<Algorithm>()?,
        notes: notes.0,
        tags: tags.0,
        ..NewKey::new(String::new(), keywarden_core::Algorithm::Aes256)
    };
    state
        .with_unlocked(|vault| Ok(vault.generate_key(new)?.into()))
        .await
}

/// `key_rename`: gives a key another name.
///
/// # Errors
/// `invalid_input`, `key_not_found`, `name_taken`, `locked`, `no_vault`, `io`.
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
        .with_unlocked(|vault| Ok(vault.update_key(&id, update)?.into()))
        .await
}

/// `key_delete`: deletes a key and its material.
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

fn key_id(text: &str) -> Result<KeyId, IpcError> {
    text.parse::<KeyId>().map_err(|_| {
        IpcError::invalid_input(format!(
            "\"{}\" is not a key id.",
            text.chars().take(64).collect::<String>()
        ))
    })
}
