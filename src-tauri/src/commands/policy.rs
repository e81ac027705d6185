//! Commands on the vault's policy: read it, change one setting (audited, with a
//! reason), and ask what it says about a new key before generating it.

use keywarden_core::policy::MAX_CRYPTOPERIOD_DAYS;
use keywarden_core::{Algorithm, Policy, Purpose, Timestamp};
use tauri::State;

use super::{MAX_ID_CHARS, short};
use crate::dto::{AlgorithmVerdict, Arg, FindingInfo, PolicyInfo};
use crate::error::IpcError;
use crate::state::AppState;

/// Longest setting value: every algorithm id, comma-separated, fits.
const MAX_VALUE_CHARS: usize = 1000;

/// `policy_get`: the vault's policy.
///
/// # Errors
/// `locked`, `no_vault`.
#[tauri::command]
pub async fn policy_get(state: State<'_, AppState>) -> Result<PolicyInfo, IpcError> {
    state.touch();
    state
        .with_unlocked(|vault| Ok(PolicyInfo::from(vault.policy())))
        .await
}

/// `policy_set`: changes one setting (`min-strength`, `allowed-algorithms`,
/// `destruction-wait-days`, `cryptoperiod.<purpose>`) and records why.
///
/// # Errors
/// `invalid_input` (unknown setting, value out of range, no reason), `locked`,
/// `no_vault`, `io`.
#[tauri::command]
pub async fn policy_set(
    state: State<'_, AppState>,
    name: Arg<String>,
    value: Arg<String>,
    reason: Arg<String>,
) -> Result<PolicyInfo, IpcError> {
    state.touch();
    let name = short(name.0, "setting name", MAX_ID_CHARS * 2)?;
    let value = short(value.0, "setting's value", MAX_VALUE_CHARS)?;
    // The engine does not insist on a reason for a policy change; the app does, as for
    // every other audited change.
    let reason = super::reason(reason.0)?;
    state
        .with_unlocked(|vault| {
            let mut policy = vault.policy().clone();
            policy.set(&name, &value)?;
            vault.set_policy(policy, &reason)?;
            Ok(PolicyInfo::from(vault.policy()))
        })
        .await
}

/// `policy_check_new`: what the policy says about a new key for `purpose`, made with
/// `algorithm`, or with each algorithm when `algorithm` is `null`: the checks
/// `key_generate` applies (violations refuse it), plus the post-quantum warning for a
/// public-key algorithm whose first cryptoperiod would run past 2035.
///
/// # Errors
/// `invalid_input` (unknown algorithm or purpose), `locked`, `no_vault`.
#[tauri::command]
pub async fn policy_check_new(
    state: State<'_, AppState>,
    algorithm: Arg<Option<String>>,
    purpose: Arg<String>,
) -> Result<Vec<AlgorithmVerdict>, IpcError> {
    state.touch();
    let purpose = short(purpose.0, "purpose", MAX_ID_CHARS)?.parse::<Purpose>()?;
    let algorithms = match algorithm.0 {
        Some(a) => vec![short(a, "algorithm", MAX_ID_CHARS)?.parse::<Algorithm>()?],
        None => Algorithm::ALL.to_vec(),
    };
    let now = state.now();
    state
        .with_unlocked(|vault| {
            let policy = vault.policy();
            Ok(algorithms
                .into_iter()
                .map(|a| AlgorithmVerdict {
                    algorithm: a.id().to_owned(),
                    findings: assess_new(policy, a, purpose, now)
                        .into_iter()
                        .map(FindingInfo::from)
                        .collect(),
                })
                .collect())
        })
        .await
}

/// The policy's findings on a new key. The engine's `assess` needs a stored record; this
/// composes the same two checks for a key not made yet (see the engine wish list in
/// `docs/ipc.md`).
fn assess_new(
    policy: &Policy,
    algorithm: Algorithm,
    purpose: Purpose,
    now: Timestamp,
) -> Vec<keywarden_core::Finding> {
    let mut findings = policy.assess_algorithm(algorithm, purpose, now);
    let period = i64::from(policy.cryptoperiod(purpose).min(MAX_CRYPTOPERIOD_DAYS));
    let due = Timestamp::from_second(now.as_second().saturating_add(period * 86_400))
        .unwrap_or(Timestamp::MAX);
    findings.extend(Policy::quantum_finding(algorithm, due));
    findings
}
