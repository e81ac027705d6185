//! The clipboard, written by the shell only: a copied secret is wiped after the vault's
//! wait (`clipboard_clear_seconds`), when the vault locks, and when the app quits, even
//! if the window is gone by then. The window has no clipboard permission of its own.
//!
//! The real board is `tauri-plugin-clipboard-manager`'s; the commands reach it through
//! [`Board`], so that tests use one that touches no clipboard of the person running them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

/// Writes and empties the system clipboard.
pub trait Board: Send + Sync {
    /// Puts `text` on the clipboard.
    ///
    /// # Errors
    /// A sentence saying why it could not.
    fn write(&self, text: &str) -> Result<(), String>;

    /// Empties the clipboard.
    ///
    /// # Errors
    /// A sentence saying why it could not.
    fn clear(&self) -> Result<(), String>;
}

/// The clipboard plugin of a running app.
struct PluginBoard<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Board for PluginBoard<R> {
    fn write(&self, text: &str) -> Result<(), String> {
        self.0
            .clipboard()
            .write_text(text)
            .map_err(|e| e.to_string())
    }

    fn clear(&self) -> Result<(), String> {
        self.0.clipboard().clear().map_err(|e| e.to_string())
    }
}

/// The board of the running app `app`.
pub(crate) fn plugin_board<R: Runtime>(app: &AppHandle<R>) -> Arc<dyn Board> {
    Arc::new(PluginBoard(app.clone()))
}

/// The clipboard and the secret it may hold: which copy (a number that grows with each
/// copy), so that a wipe due for an older copy leaves a newer one alone.
#[derive(Default)]
pub struct SecretClipboard {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    board: OnceLock<Arc<dyn Board>>,
    copies: AtomicU64,
    /// The copy of a secret still on the clipboard, if any.
    held: Mutex<Option<u64>>,
}

impl SecretClipboard {
    /// Sets the board; the first one set stays (tests set theirs before the app does).
    pub(crate) fn set_board(&self, board: Arc<dyn Board>) {
        let _ = self.inner.board.set(board);
    }

    /// Puts `text` on the clipboard. A secret (`wipe_after` given) is wiped once that
    /// time has passed, unless something else was copied since; a public text stays.
    ///
    /// # Errors
    /// A sentence saying why the clipboard could not be written.
    pub(crate) fn copy(&self, text: &str, wipe_after: Option<Duration>) -> Result<(), String> {
        let board = self.inner.board()?;
        let copy = self.inner.copies.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(after) = wipe_after {
            // Started before the write, so that a secret is never on the clipboard
            // without its wipe; a wipe whose copy is not held does nothing. Copies are
            // rare: one sleeping thread each is simpler than a timer wheel.
            let inner = self.inner.clone();
            std::thread::Builder::new()
                .name("clipboard-wipe".to_owned())
                .spawn(move || {
                    std::thread::sleep(after);
                    inner.wipe(Some(copy));
                })
                .map_err(|e| e.to_string())?;
        }
        // Held across the write, so a wipe of an older copy cannot run between the two.
        let mut held = self.inner.held();
        board.write(text)?;
        *held = wipe_after.map(|_| copy);
        Ok(())
    }

    /// Empties the clipboard now, whatever is on it.
    ///
    /// # Errors
    /// A sentence saying why it could not.
    pub(crate) fn clear(&self) -> Result<(), String> {
        let board = self.inner.board()?;
        let mut held = self.inner.held();
        board.clear()?;
        *held = None;
        Ok(())
    }

    /// Wipes a secret that is still on the clipboard (when the vault locks or the app
    /// quits); leaves anything else there alone.
    pub(crate) fn wipe_secret(&self) {
        self.inner.wipe(None);
    }
}

impl Inner {
    fn board(&self) -> Result<&Arc<dyn Board>, String> {
        self.board
            .get()
            .ok_or_else(|| "the clipboard is not available".to_owned())
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<u64>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Empties the clipboard if it holds a secret: copy `only` (`None`: any copy).
    fn wipe(&self, only: Option<u64>) {
        let mut held = self.held();
        let due = match (*held, only) {
            (Some(copy), Some(wanted)) => copy == wanted,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !due {
            return;
        }
        match self.board().and_then(|b| b.clear()) {
            Ok(()) => *held = None,
            Err(error) => eprintln!("keywarden: cannot wipe the copied secret: {error}"),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A clipboard in memory.
    #[derive(Default)]
    pub(crate) struct FakeBoard(pub(crate) Mutex<Option<String>>);

    impl FakeBoard {
        pub(crate) fn text(&self) -> Option<String> {
            self.0.lock().unwrap().clone()
        }
    }

    impl Board for FakeBoard {
        fn write(&self, text: &str) -> Result<(), String> {
            *self.0.lock().unwrap() = Some(text.to_owned());
            Ok(())
        }

        fn clear(&self) -> Result<(), String> {
            *self.0.lock().unwrap() = None;
            Ok(())
        }
    }

    fn clipboard() -> (SecretClipboard, Arc<FakeBoard>) {
        let board = Arc::new(FakeBoard::default());
        let clipboard = SecretClipboard::default();
        clipboard.set_board(board.clone());
        (clipboard, board)
    }

    /// Waits until `board` holds `wanted` (the wipe runs on its own thread).
    fn eventually(board: &FakeBoard, wanted: Option<&str>) {
        for _ in 0..200 {
            if board.text().as_deref() == wanted {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(board.text().as_deref(), wanted);
    }

    #[test]
    fn a_copied_secret_is_wiped_after_its_wait() {
        let (clipboard, board) = clipboard();
        clipboard
            .copy("s3cret", Some(Duration::from_millis(30)))
            .unwrap();
        assert_eq!(board.text().as_deref(), Some("s3cret"));
        eventually(&board, None);
    }

    #[test]
    fn a_later_copy_is_not_wiped_by_an_earlier_wait() {
        let (clipboard, board) = clipboard();
        clipboard
            .copy("first", Some(Duration::from_millis(20)))
            .unwrap();
        clipboard.copy("ssh-ed25519 AAAA", None).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(board.text().as_deref(), Some("ssh-ed25519 AAAA"));
        // A public text is left alone when the vault locks or the app quits.
        clipboard.wipe_secret();
        assert_eq!(board.text().as_deref(), Some("ssh-ed25519 AAAA"));
    }

    #[test]
    fn a_secret_is_wiped_at_once_when_the_vault_locks_or_the_app_quits() {
        let (clipboard, board) = clipboard();
        clipboard
            .copy("s3cret", Some(Duration::from_secs(600)))
            .unwrap();
        clipboard.wipe_secret();
        assert_eq!(board.text(), None);
        // Clear empties whatever is there.
        clipboard.copy("public", None).unwrap();
        clipboard.clear().unwrap();
        assert_eq!(board.text(), None);
    }

    #[test]
    fn without_a_board_nothing_is_copied() {
        let clipboard = SecretClipboard::default();
        assert!(clipboard.copy("s3cret", None).is_err());
        clipboard.wipe_secret();
    }
}
