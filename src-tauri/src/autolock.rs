//! The idle timer: locks the vault after its auto-lock time without activity.
//!
//! Every command, and the UI's `activity` heartbeat, records the time (see
//! [`crate::state::AppState`]). A background thread looks every few seconds; once the
//! vault has been unlocked and untouched for `autoLockMinutes` (a setting stored in the
//! vault), it locks it and the app emits `vault-locked` with reason `idle`. On the
//! ticks where it does not lock, it carries out scheduled destructions that are due, so
//! they happen while the app runs (and at each unlock, see [`crate::state`]), and emits
//! `keys-changed` when it destroyed any.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::dto::{KEYS_CHANGED, KeysChanged, LockReason};
use crate::state::{AppState, Vault};

/// How often the timer looks at the clock: the vault locks at most this late.
pub const CHECK_EVERY: Duration = Duration::from_secs(5);

/// Starts the timer thread for this app. It lives as long as the process.
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn start<R: Runtime>(app: AppHandle<R>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("keywarden-autolock".into())
        .spawn(move || {
            loop {
                std::thread::sleep(CHECK_EVERY);
                tick(&app, Instant::now());
            }
        })
        .map(drop)
}

/// One look at the clock: locks the vault if it has been idle too long, else carries out
/// the destructions that are due and, if any were, emits `keys-changed` so that the
/// window lists the keys again.
pub(crate) fn tick<R: Runtime>(app: &AppHandle<R>, now: Instant) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    if lock_if_idle(&state, now) {
        return;
    }
    let destroyed = destroy_due_now(&state);
    if destroyed > 0
        && let Err(error) = app.emit(KEYS_CHANGED, KeysChanged { destroyed })
    {
        eprintln!("keywarden: cannot tell the window that keys were destroyed: {error}");
    }
}

/// Carries out the scheduled destructions that are due, if the vault is unlocked and no
/// command holds it (the next tick tries again). Answers how many keys were destroyed.
pub(crate) fn destroy_due_now(state: &AppState) -> usize {
    let Ok(mut vault) = state.vault.try_lock() else {
        return 0;
    };
    match vault.unlocked_mut() {
        Ok(unlocked) => crate::state::destroy_due(unlocked),
        Err(_) => 0,
    }
}

/// Locks the vault if it is unlocked and nobody has used the app for its auto-lock time
/// before `now`. Answers whether it locked.
pub(crate) fn lock_if_idle(state: &AppState, now: Instant) -> bool {
    // A command holds the vault: somebody is busy with it, which is not idle.
    let Ok(mut vault) = state.vault.try_lock() else {
        return false;
    };
    let Vault::Unlocked {
        vault: unlocked, ..
    } = &*vault
    else {
        return false;
    };
    let limit = Duration::from_secs(u64::from(unlocked.settings().auto_lock_minutes) * 60);
    // Read under the vault's lock: a command that started earlier has recorded its time.
    if now.saturating_duration_since(state.last_activity()) < limit {
        return false;
    }
    if !matches!(vault.lock(), Ok(true)) {
        return false;
    }
    drop(vault);
    state.vault_locked(LockReason::Idle);
    true
}
