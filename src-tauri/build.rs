//! Generates the app's permissions: each command below needs a grant in `capabilities/`.

/// Every app command. Keep in step with `generate_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "vault_status",
    "vault_select",
    "vault_create",
    "vault_unlock",
    "vault_recovery_add",
    "vault_recovery_add_scan",
    "vault_recovery_reset",
    "vault_recover",
    "vault_lock",
    "vault_close",
    "vault_change_passphrase",
    "settings_set_auto_lock",
    "settings_set_clipboard_clear",
    "settings_autostart",
    "settings_set_autostart",
    "activity",
    "clipboard_copy",
    "clipboard_clear",
    "key_algorithms",
    "keys_list",
    "key_get",
    "key_generate",
    "key_rename",
    "key_delete",
    "key_purposes",
    "key_states",
    "key_update",
    "key_set_state",
    "key_rotate",
    "key_schedule_destruction",
    "key_cancel_destruction",
    "key_reveal",
    "key_formats",
    "key_import",
    "key_replace_public",
    "key_export_public",
    "key_export",
    "policy_get",
    "policy_set",
    "policy_check_new",
    "audit_list",
    "audit_verify",
    "dashboard",
    "calendar_export",
    "report_export",
    "reminder_snooze",
    "reminder_cancel_snooze",
    "kits_list",
    "kit_generate_passphrase",
    "kit_prepare",
    "kit_preview",
    "kit_save",
    "kit_discard",
    "kit_recover_add",
    "kit_recover_add_scan",
    "kit_recover_open",
    "kit_recover_restore",
    "kit_recover_reset",
    "kit_drill",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // Cargo shows a build script's stdout when it fails.
        println!("{error:#}");
        std::process::exit(1);
    }
}
