//! Commands on the audit log: list entries (filtered, newest first) and verify the
//! whole chain.

use keywarden_core::{Action, AuditFilter, Outcome, Timestamp};
use tauri::State;

use super::{MAX_ID_CHARS, key_id, short};
use crate::dto::{Arg, AuditCheck, AuditEntryInfo};
use crate::error::IpcError;
use crate::state::AppState;

/// How many entries `audit_list` gives when no limit is asked for.
pub const DEFAULT_LIMIT: u32 = 500;
/// The most entries one `audit_list` call gives.
pub const MAX_LIMIT: u32 = 10_000;
/// Longest text filter, in characters.
const MAX_TEXT_CHARS: usize = 1000;

/// `audit_list`: entries that pass every filter given, newest first, at most `limit`.
///
/// # Errors
/// `invalid_input` (unknown action or outcome, bad key id or time, limit out of range),
/// `vault_damaged` (an entry fails authentication: run `audit_verify`), `locked`,
/// `no_vault`.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per filter of the contract"
)]
pub async fn audit_list(
    state: State<'_, AppState>,
    action: Arg<Option<String>>,
    key: Arg<Option<String>>,
    outcome: Arg<Option<String>>,
    since: Arg<Option<String>>,
    until: Arg<Option<String>>,
    text: Arg<Option<String>>,
    limit: Arg<Option<i64>>,
) -> Result<Vec<AuditEntryInfo>, IpcError> {
    state.touch();
    let filter = AuditFilter {
        action: action
            .0
            .map(|a| {
                let a = short(a, "action", MAX_ID_CHARS)?;
                // The engine's refusal lists every action; the UI offers them instead.
                a.parse::<Action>().map_err(|_| {
                    IpcError::invalid_input(format!("Keywarden has no audit action \"{a}\"."))
                })
            })
            .transpose()?,
        key: key.0.map(|k| key_id(&k)).transpose()?,
        outcome: outcome.0.map(|o| parse_outcome(&o)).transpose()?,
        since: since.0.map(|t| time(&t, "since")).transpose()?,
        until: until.0.map(|t| time(&t, "until")).transpose()?,
        text: text
            .0
            .map(|t| short(t, "search text", MAX_TEXT_CHARS))
            .transpose()?
            .filter(|t| !t.trim().is_empty()),
    };
    let limit = match limit.0 {
        None => DEFAULT_LIMIT,
        Some(n) => u32::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                IpcError::invalid_input(format!("The limit must be from 1 to {MAX_LIMIT}."))
            })?,
    };
    state
        .with_unlocked(|vault| {
            let entries = vault.audit_entries(&filter)?;
            Ok(entries
                .into_iter()
                .rev()
                .take(limit as usize)
                .map(AuditEntryInfo::from)
                .collect())
        })
        .await
}

/// `audit_verify`: checks every entry's seal, the chain and the head.
///
/// # Errors
/// `vault_damaged` or `io` when the log cannot be read at all, `locked`, `no_vault`.
#[tauri::command]
pub async fn audit_verify(state: State<'_, AppState>) -> Result<AuditCheck, IpcError> {
    state.touch();
    state
        .with_unlocked(|vault| Ok(AuditCheck::from(vault.verify_audit()?)))
        .await
}

fn parse_outcome(text: &str) -> Result<Outcome, IpcError> {
    match text {
        "success" => Ok(Outcome::Success),
        "failure" => Ok(Outcome::Failure),
        _ => Err(IpcError::invalid_input(
            "An outcome is \"success\" or \"failure\".",
        )),
    }
}

fn time(text: &str, what: &str) -> Result<Timestamp, IpcError> {
    short(text.to_owned(), what, MAX_ID_CHARS)?
        .parse::<Timestamp>()
        .map_err(|_| {
            IpcError::invalid_input(format!(
                "`{what}` must be an RFC 3339 time, such as 2025-01-31T00:00:00Z."
            ))
        })
}
