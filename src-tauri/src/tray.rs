//! The tray icon (Show Keywarden, Lock, Quit; its tooltip and title count what is
//! overdue or due soon) and the desktop notifications about due dates.
//!
//! A background thread looks at the due dates every [`CHECK_EVERY`], whether the vault
//! is locked (the plaintext dates the vault file keeps for this) or unlocked, updates the
//! tray, and asks [`crate::reminders::Notifier`] whether to notify. Neither the tray nor a
//! notification ever names a key.
//!
//! Both are optional comforts: without a tray host (or the appindicator library) the app
//! runs without a tray icon, and without a notification service notifications fail
//! quietly. Neither stops the app.

use std::time::Duration;

use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::MAIN_WINDOW;
use crate::reminders::{self, Notifier, Outlook};
use crate::state::AppState;

/// The tray icon's id.
pub const TRAY_ID: &str = "keywarden";
/// How often the due dates are looked at.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

const SHOW: &str = "show";
const LOCK: &str = "lock";
const QUIT: &str = "quit";

/// Shows, unminimises and focuses the main window.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Makes the tray icon. On Linux the appindicator library is loaded now, and a missing
/// library panics inside the tray crate: that is caught, logged, and the app goes on
/// without a tray.
pub fn create<R: Runtime>(app: &AppHandle<R>) {
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match built {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("keywarden: no tray icon: {error}"),
        Err(_) => eprintln!(
            "keywarden: no tray icon: the system tray library is missing (libayatana-appindicator3)"
        ),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, SHOW, "Show Keywarden", true, None::<&str>)?;
    let lock = MenuItem::with_id(app, LOCK, "Lock", true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let quit = MenuItem::with_id(app, QUIT, "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&show, &lock, &separator, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(include_bytes!("../../icons/64x64.png"))?)
        .tooltip("Keywarden")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(on_menu)
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                show_main_window(tray.app_handle());
            }
        })
        .build(app)?;
    Ok(())
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        SHOW => show_main_window(app),
        LOCK => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                // No vault open: nothing to lock. The window hears `vault-locked`.
                let _ = app.state::<AppState>().lock().await;
            });
        }
        QUIT => app.exit(0),
        _ => {}
    }
}

/// Starts the thread that keeps the tray's counts current and sends notifications: at
/// once (the notification "when the app starts"), then every [`CHECK_EVERY`].
///
/// # Errors
/// When the operating system cannot start a thread.
pub fn start_watch<R: Runtime>(app: AppHandle<R>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("keywarden-reminders".into())
        .spawn(move || {
            let mut notifier = Notifier::new();
            loop {
                look(&app, &mut notifier);
                std::thread::sleep(CHECK_EVERY);
            }
        })
        .map(drop)
}

/// One look at the due dates: the tray's text, and a notification if one is due.
fn look<R: Runtime>(app: &AppHandle<R>, notifier: &mut Notifier) {
    let state = app.state::<AppState>();
    let (now, tz) = (state.now(), &state.time_zone());
    let Some(reminders) = state.reminder_dates() else {
        // No vault, or a command holds it: keep what the tray says until next time.
        return;
    };
    let outlook = Outlook::of(&reminders.dates, &reminders.thresholds, now, tz);
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(reminders::tooltip(&outlook)));
        let _ = tray.set_title(Some(reminders::title(&outlook)));
    }
    if let Some(notice) = notifier.decide(&outlook, now, tz) {
        // Shown on a background task; without a notification service it fails there,
        // quietly. An error here means it could not even be prepared.
        if let Err(error) = app
            .notification()
            .builder()
            .title(notice.title)
            .body(notice.body)
            .show()
        {
            eprintln!("keywarden: a reminder notification could not be shown: {error}");
        }
    }
}
