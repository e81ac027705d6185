//! Keywarden's desktop shell: thin Tauri commands over the engine (`keywarden-core`).
//!
//! The web UI calls the commands of `docs/ipc.md` ([`commands`]); each checks its
//! arguments, calls the engine through the shared [`state::AppState`] and answers with a
//! wire type ([`dto`]) or an [`error::IpcError`]. The [`autolock`] timer locks the vault
//! when nobody has used the app for a while.
//!
//! [`run`] starts the real app; [`build_app`] configures any [`tauri::Builder`], so tests
//! drive the same commands on Tauri's mock runtime.

pub mod autolock;
pub mod autostart;
pub mod clipboard;
pub mod commands;
pub mod dto;
pub mod error;
pub mod outfile;
pub mod reminders;
pub mod session;
pub mod state;
pub mod tray;

#[cfg(test)]
mod tests;

use tauri::plugin::TauriPlugin;
use tauri::{Builder, Context, Emitter, Manager, Runtime};

use crate::dto::{VAULT_LOCKED, VaultLocked};
use crate::state::AppState;

/// The label of the app's one window (capabilities are granted to it by name).
pub const MAIN_WINDOW: &str = "main";

/// Starts the desktop app and returns when it quits.
pub fn run() {
    let minimized = autostart::started_minimized(std::env::args());
    let builder = Builder::default()
        // First, so that a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main_window(app);
        }))
        // The tray and the reminders exist only in the real app: the tests' mock
        // runtime has no event loop to run them (their rules are in `reminders`).
        .setup(move |app| {
            tray::create(app.handle());
            if minimized && let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                // Started at login: stay in the tray until the person opens the window.
                let _ = window.hide();
            }
            tray::start_watch(app.handle().clone())?;
            Ok(())
        });
    let app = match build_app(builder, AppState::from_env()).build(context()) {
        Ok(app) => app,
        Err(error) => {
            eprintln!("keywarden: the app stopped: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let tauri::RunEvent::Exit = event {
            // A copied secret does not outlive the app.
            app.state::<AppState>().clipboard.wipe_secret();
        }
    });
}

/// Configures `builder` as the Keywarden app: plugins, the shared `state`, the commands,
/// the idle timer and the `vault-locked` and `keys-changed` events.
pub fn build_app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        // Used from Rust only (`clipboard`): the window is granted none of its commands
        // and copies through `clipboard_copy`, so a copied secret is wiped on time.
        .plugin(tauri_plugin_clipboard_manager::init())
        // Desktop notifications about due dates, sent from Rust only: the window is
        // granted none of the plugin's commands.
        .plugin(tauri_plugin_notification::init())
        // Starting at login, minimised; turned on and off through `settings_set_autostart`.
        .plugin(autostart::plugin())
        .plugin(wiring())
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::vault::vault_status,
            commands::vault::vault_select,
            commands::vault::vault_create,
            commands::vault::vault_unlock,
            commands::vault::vault_recovery_add,
            commands::vault::vault_recovery_add_scan,
            commands::vault::vault_recovery_reset,
            commands::vault::vault_recover,
            commands::vault::vault_lock,
            commands::vault::vault_close,
            commands::vault::vault_change_passphrase,
            commands::vault::settings_set_auto_lock,
            commands::vault::settings_set_clipboard_clear,
            commands::vault::settings_autostart,
            commands::vault::settings_set_autostart,
            commands::vault::activity,
            commands::clipboard::clipboard_copy,
            commands::clipboard::clipboard_clear,
            commands::keys::key_algorithms,
            commands::keys::keys_list,
            commands::keys::key_get,
            commands::keys::key_generate,
            commands::keys::key_rename,
            commands::keys::key_delete,
            commands::keys::key_purposes,
            commands::keys::key_states,
            commands::keys::key_update,
            commands::lifecycle::key_set_state,
            commands::lifecycle::key_rotate,
            commands::lifecycle::key_schedule_destruction,
            commands::lifecycle::key_cancel_destruction,
            commands::lifecycle::key_reveal,
            commands::material::key_formats,
            commands::material::key_import,
            commands::material::key_replace_public,
            commands::material::key_export_public,
            commands::material::key_export,
            commands::policy::policy_get,
            commands::policy::policy_set,
            commands::policy::policy_check_new,
            commands::audit::audit_list,
            commands::audit::audit_verify,
            commands::reminders::dashboard,
            commands::reminders::calendar_export,
            commands::reminders::report_export,
            commands::reminders::reminder_snooze,
            commands::reminders::reminder_cancel_snooze,
            commands::kits::kits_list,
            commands::kits::kit_generate_passphrase,
            commands::kits::kit_prepare,
            commands::kits::kit_preview,
            commands::kits::kit_save,
            commands::kits::kit_discard,
            commands::recovery::kit_recover_add,
            commands::recovery::kit_recover_add_scan,
            commands::recovery::kit_recover_open,
            commands::recovery::kit_recover_restore,
            commands::recovery::kit_recover_reset,
            commands::recovery::kit_drill,
        ])
}

/// Connects the shared state to the app: the `vault-locked` event, the autostart
/// launcher (unless a test set its own) and the idle timer.
///
/// A plugin rather than [`Builder::setup`] because plugins start when the app is built,
/// setup hooks only when its event loop runs, which the mock runtime of the tests never
/// does: this way the tests run exactly this code.
fn wiring<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("keywarden")
        .setup(|app, _api| {
            let handle = app.clone();
            app.state::<AppState>().set_lock_listener(move |reason| {
                if let Err(error) = handle.emit(VAULT_LOCKED, VaultLocked { reason }) {
                    eprintln!("keywarden: cannot tell the window that the vault locked: {error}");
                }
            });
            let state = app.state::<AppState>();
            state.set_launcher(autostart::plugin_launcher(app));
            state.clipboard.set_board(clipboard::plugin_board(app));
            autolock::start(app.clone())?;
            Ok(())
        })
        .build()
}

/// The app's configuration (`tauri.conf.json`), capabilities and, in release builds,
/// the embedded UI.
pub fn context<R: Runtime>() -> Context<R> {
    tauri::generate_context!()
}
