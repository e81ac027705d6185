//! Starting Keywarden when the person logs in, minimised to the tray.
//!
//! The real launcher is `tauri-plugin-autostart` (on Linux an XDG autostart entry,
//! `~/.config/autostart/Keywarden.desktop`, that runs the app with [`MINIMIZED_ARG`]).
//! The commands reach it through [`Launcher`], so that tests use one that touches no
//! file of the person running them.

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_autostart::AutoLaunchManager;

/// The argument the autostart entry passes: start hidden, in the tray.
pub const MINIMIZED_ARG: &str = "--minimized";

/// The name of the autostart entry (`Keywarden.desktop` on Linux).
pub const ENTRY_NAME: &str = "Keywarden";

/// Turns starting at login on and off.
pub trait Launcher: Send + Sync {
    /// Whether the app starts at login.
    ///
    /// # Errors
    /// A sentence saying why it cannot be told.
    fn is_enabled(&self) -> Result<bool, String>;

    /// Makes the app start at login (`true`) or not.
    ///
    /// # Errors
    /// A sentence saying why it could not be changed.
    fn set_enabled(&self, enabled: bool) -> Result<(), String>;
}

/// The autostart plugin of a running app.
struct PluginLauncher<R: Runtime>(AppHandle<R>);

impl<R: Runtime> PluginLauncher<R> {
    fn manager(&self) -> Result<State<'_, AutoLaunchManager>, String> {
        self.0
            .try_state::<AutoLaunchManager>()
            .ok_or_else(|| "starting at login is not available on this system".to_owned())
    }
}

impl<R: Runtime> Launcher for PluginLauncher<R> {
    fn is_enabled(&self) -> Result<bool, String> {
        self.manager()?.is_enabled().map_err(|e| e.to_string())
    }

    fn set_enabled(&self, enabled: bool) -> Result<(), String> {
        let launcher = self.manager()?;
        if enabled {
            launcher.enable()
        } else {
            launcher.disable()
        }
        .map_err(|e| e.to_string())
    }
}

/// The launcher of the running app `app`.
pub(crate) fn plugin_launcher<R: Runtime>(app: &AppHandle<R>) -> Arc<dyn Launcher> {
    Arc::new(PluginLauncher(app.clone()))
}

/// The plugin, set up with the argument and entry name above.
pub(crate) fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_autostart::Builder::new()
        .app_name(ENTRY_NAME)
        .arg(MINIMIZED_ARG)
        .build()
}

/// Whether the app was started with [`MINIMIZED_ARG`].
pub fn started_minimized(args: impl IntoIterator<Item = String>) -> bool {
    args.into_iter().skip(1).any(|a| a == MINIMIZED_ARG)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_argument_itself_starts_minimised() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(started_minimized(args(&["keywarden-app", "--minimized"])));
        assert!(!started_minimized(args(&["keywarden-app"])));
        assert!(!started_minimized(args(&["--minimized"])));
        assert!(!started_minimized(args(&[
            "keywarden-app",
            "--minimised-ish"
        ])));
    }
}
