//! The app's state: the selected vault (closed, locked or unlocked) behind one lock, the
//! time of the last activity for the idle timer, and where the default vault lives.
//!
//! The vault's lock is an async mutex: a command waiting for it (while another unlocks,
//! say) waits without holding a thread, and the main thread never waits at all, because
//! every command that takes the lock is `async`. Argon2id work (create, unlock, change
//! passphrase) runs on Tauri's blocking-task threads.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex as StdMutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use keywarden_core::{
    ChangePassphraseError, Clock, CreateError, KdfParams, KeyFile, LockedVault, Passphrase,
    SystemClock, UnlockFailure, UnlockedVault,
};
use tauri::async_runtime::{self, Mutex};

use crate::autostart::Launcher;
use crate::clipboard::SecretClipboard;
use crate::dto::{LockReason, VaultState, VaultStatus};
use crate::error::{ErrorCode, IpcError};
use crate::session::Session;
use keywarden_core::kit::recovery::Recovery;
use keywarden_core::reminder::Reminders;
use keywarden_core::settings::Settings;

/// The environment variable that names the vault file to use instead of the default.
pub const VAULT_ENV: &str = "KEYWARDEN_VAULT";

/// The selected vault, if any, in its one current state.
pub(crate) enum Vault {
    /// No vault is selected.
    Closed,
    /// A vault file is open; nothing secret is in memory.
    Locked {
        /// The vault (boxed: the engine's locked vault is far larger than `Closed`).
        vault: Box<LockedVault>,
        /// Whether unlocking needs a key file, read when the vault was opened.
        keyfile_required: bool,
        /// The shares of its vault recovery kit read so far (`vault_recovery_add`).
        recovery: Option<Box<Recovery>>,
    },
    /// The vault is unlocked.
    Unlocked {
        /// The vault (boxed: it is much larger than a locked one).
        vault: Box<UnlockedVault>,
        /// Whether unlocking needs a key file.
        keyfile_required: bool,
        /// Kits made and not yet saved, kits being read back: gone when this is.
        session: Session,
    },
}

impl Vault {
    /// Opens the vault file at `path`, locked.
    fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self, IpcError> {
        let vault = LockedVault::open(path, clock)?;
        let keyfile_required = vault.requires_key_file()?;
        Ok(Vault::Locked {
            vault: Box::new(vault),
            keyfile_required,
            recovery: None,
        })
    }

    fn path(&self) -> Option<&Path> {
        match self {
            Vault::Closed => None,
            Vault::Locked { vault, .. } => Some(vault.path()),
            Vault::Unlocked { vault, .. } => Some(vault.path()),
        }
    }

    /// The unlocked vault, or `locked` / `no_vault`.
    pub(crate) fn unlocked_mut(&mut self) -> Result<&mut UnlockedVault, IpcError> {
        self.session_mut().map(|(vault, _)| vault)
    }

    /// The unlocked vault and its unfinished work, or `locked` / `no_vault`.
    pub(crate) fn session_mut(&mut self) -> Result<(&mut UnlockedVault, &mut Session), IpcError> {
        match self {
            Vault::Unlocked { vault, session, .. } => Ok((vault, session)),
            Vault::Locked { .. } => Err(IpcError::locked()),
            Vault::Closed => Err(IpcError::no_vault()),
        }
    }

    /// Ends the unfinished work of an unlocked vault (`why` goes in the audit log for a
    /// kit that was made and not saved), before the vault locks, closes or is replaced.
    fn end_session(&mut self, why: &str) {
        if let Vault::Unlocked { vault, session, .. } = self {
            session.end(vault, why);
        }
    }

    /// Forgets every secret: an unlocked vault becomes locked. Answers whether it was
    /// unlocked.
    pub(crate) fn lock(&mut self) -> Result<bool, IpcError> {
        self.end_session("the vault locked before the kit was saved");
        match std::mem::replace(self, Vault::Closed) {
            Vault::Unlocked {
                vault,
                keyfile_required,
                ..
            } => {
                *self = Vault::Locked {
                    vault: Box::new(vault.lock()),
                    keyfile_required,
                    recovery: None,
                };
                Ok(true)
            }
            locked @ Vault::Locked { .. } => {
                *self = locked;
                Ok(false)
            }
            Vault::Closed => Err(IpcError::no_vault()),
        }
    }

    /// Unlocks a locked vault (Argon2id: call it off the main thread). An unlocked vault
    /// stays as it is; on failure the vault stays locked.
    fn unlock(
        &mut self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<(), IpcError> {
        match std::mem::replace(self, Vault::Closed) {
            Vault::Locked {
                vault,
                keyfile_required,
                recovery,
            } => match (*vault).unlock(passphrase, key_file) {
                Ok(vault) => {
                    self.unlocked(vault, keyfile_required);
                    Ok(())
                }
                Err(failure) => {
                    let UnlockFailure { vault, error } = *failure;
                    *self = Vault::Locked {
                        vault: Box::new(vault),
                        keyfile_required,
                        recovery,
                    };
                    Err(error.into())
                }
            },
            unlocked @ Vault::Unlocked { .. } => {
                *self = unlocked;
                Ok(())
            }
            Vault::Closed => Err(IpcError::no_vault()),
        }
    }
}

impl Vault {
    /// Becomes the unlocked `vault`, carrying out the destructions that fell due while
    /// it was locked.
    fn unlocked(&mut self, mut vault: UnlockedVault, keyfile_required: bool) {
        destroy_due(&mut vault);
        *self = Vault::Unlocked {
            vault: Box::new(vault),
            keyfile_required,
            session: Session::default(),
        };
    }

    /// The shares read so far of the locked vault's recovery kit, or `no_vault`, or
    /// `not_allowed` when the vault is unlocked.
    pub(crate) fn recovery_mut(&mut self) -> Result<&mut Option<Box<Recovery>>, IpcError> {
        match self {
            Vault::Locked { recovery, .. } => Ok(recovery),
            Vault::Unlocked { .. } => Err(IpcError::new(
                ErrorCode::NotAllowed,
                "The vault is already unlocked: change its passphrase in Settings.",
            )),
            Vault::Closed => Err(IpcError::no_vault()),
        }
    }

    /// Opens the locked vault with the master secret of the recovery shares read so far
    /// and sets `new` as its passphrase, with `key_file` or none (Argon2id twice: call it
    /// off the main thread). On failure the vault stays locked, with its shares.
    fn recover(&mut self, new: &Passphrase, key_file: Option<&KeyFile>) -> Result<(), IpcError> {
        let secret = match self.recovery_mut()? {
            Some(recovery) => recovery.master_secret()?,
            None => {
                return Err(IpcError::invalid_input(
                    "Add the words of the vault recovery kit's sheets first.",
                ));
            }
        };
        let Vault::Locked {
            vault,
            keyfile_required,
            recovery,
        } = std::mem::replace(self, Vault::Closed)
        else {
            return Err(IpcError::internal("the vault changed state"));
        };
        let (vault, error) = match (*vault).recover(&secret) {
            Err(failure) => (failure.vault, failure.error.into()),
            Ok(recovered) => match recovered.set_passphrase(new, key_file) {
                Ok(vault) => {
                    self.unlocked(vault, key_file.is_some());
                    return Ok(());
                }
                // Nothing was written: the vault is locked again, as it was.
                Err(refused) => (refused.vault.lock(), refused.error.into()),
            },
        };
        *self = Vault::Locked {
            vault: Box::new(vault),
            keyfile_required,
            recovery,
        };
        Err(error)
    }
}

/// Carries out the scheduled destructions that are due. A failure is logged, not
/// returned: the vault stays usable and the next unlock or timer tick tries again.
pub(crate) fn destroy_due(vault: &mut UnlockedVault) -> usize {
    match vault.destroy_due() {
        Ok(done) => done.len(),
        Err(error) => {
            eprintln!("keywarden: scheduled destructions failed: {error}");
            0
        }
    }
}

/// How `vault_create` chooses Argon2id parameters.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KdfChoice {
    /// Measure this machine (the real thing: about a second of work per unlock).
    Calibrate,
    /// Fixed, deliberately weak parameters so that tests run fast. Exists only in test
    /// builds; no command can choose it.
    #[cfg(test)]
    InsecureForTests,
}

type LockListener = Box<dyn Fn(LockReason) + Send + Sync>;

/// Everything the commands share, managed by Tauri.
pub struct AppState {
    pub(crate) vault: Arc<Mutex<Vault>>,
    last_activity: StdMutex<Instant>,
    default_path: Option<PathBuf>,
    kdf: KdfChoice,
    clock: Arc<dyn Clock>,
    lock_listener: OnceLock<LockListener>,
    launcher: OnceLock<Arc<dyn Launcher>>,
    /// The clipboard, and the copied secret it may still hold.
    pub(crate) clipboard: SecretClipboard,
}

/// How long a start waits for its default vault while another Keywarden still holds it:
/// the instance that was just quit may not have let go of the file yet.
const BUSY_WAIT: Duration = Duration::from_secs(5);

/// Opens the default vault at start, waiting up to [`BUSY_WAIT`] while it is busy.
fn open_default(path: &Path, clock: &Arc<dyn Clock>) -> Result<Vault, IpcError> {
    let deadline = Instant::now() + BUSY_WAIT;
    loop {
        match Vault::open(path, clock.clone()) {
            Err(e) if e.code == ErrorCode::VaultBusy && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

impl AppState {
    /// The state of a starting app: the default vault is `$KEYWARDEN_VAULT` when set,
    /// else [`keywarden_core::default_vault_path`]; see [`AppState::new`].
    pub fn from_env() -> Self {
        let from_env = std::env::var_os(VAULT_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .map(|p| std::path::absolute(&p).unwrap_or(p));
        Self::new(from_env.or_else(keywarden_core::default_vault_path))
    }

    /// The state of a starting app whose default vault is `default_path`. If a file is
    /// there it is opened, locked; if it cannot be opened the app starts with no vault
    /// (the person sees why when they open it) and the reason is logged.
    pub fn new(default_path: Option<PathBuf>) -> Self {
        Self::with_kdf(default_path, KdfChoice::Calibrate, Arc::new(SystemClock))
    }

    /// Like [`AppState::new`], with weak KDF parameters for fast tests.
    #[cfg(test)]
    pub(crate) fn insecure_for_tests(default_path: Option<PathBuf>) -> Self {
        Self::with_kdf(
            default_path,
            KdfChoice::InsecureForTests,
            Arc::new(SystemClock),
        )
    }

    /// Like [`AppState::insecure_for_tests`], with the vaults' clock chosen by the test.
    #[cfg(test)]
    pub(crate) fn insecure_with_clock(
        default_path: Option<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self::with_kdf(default_path, KdfChoice::InsecureForTests, clock)
    }

    fn with_kdf(default_path: Option<PathBuf>, kdf: KdfChoice, clock: Arc<dyn Clock>) -> Self {
        let vault = match &default_path {
            Some(path) if path.exists() => open_default(path, &clock).unwrap_or_else(|e| {
                eprintln!(
                    "keywarden: the vault at {} was not opened: {}",
                    path.display(),
                    e.message
                );
                Vault::Closed
            }),
            _ => Vault::Closed,
        };
        Self {
            vault: Arc::new(Mutex::new(vault)),
            last_activity: StdMutex::new(Instant::now()),
            default_path,
            kdf,
            clock,
            lock_listener: OnceLock::new(),
            launcher: OnceLock::new(),
            clipboard: SecretClipboard::default(),
        }
    }

    /// Records that the person did something now: the idle timer starts again.
    pub(crate) fn touch(&self) {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    /// When the person last did something.
    pub(crate) fn last_activity(&self) -> Instant {
        *self
            .last_activity
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets what happens when the vault locks (the app emits `vault-locked`). Only the
    /// first call counts.
    pub(crate) fn set_lock_listener(&self, listener: impl Fn(LockReason) + Send + Sync + 'static) {
        let _ = self.lock_listener.set(Box::new(listener));
    }

    /// Sets what turns starting at login on and off. Only the first call counts: tests
    /// set theirs before the app starts, which then keeps it.
    pub(crate) fn set_launcher(&self, launcher: Arc<dyn Launcher>) {
        let _ = self.launcher.set(launcher);
    }

    /// What turns starting at login on and off.
    pub(crate) fn launcher(&self) -> Result<&dyn Launcher, IpcError> {
        self.launcher
            .get()
            .map(|l| &**l)
            .ok_or_else(|| IpcError::internal("no autostart launcher"))
    }

    pub(crate) fn vault_locked(&self, reason: LockReason) {
        // A secret copied from the vault does not outlive its unlocking.
        self.clipboard.wipe_secret();
        if let Some(listener) = self.lock_listener.get() {
            listener(reason);
        }
    }

    /// The status of `vault`.
    pub(crate) fn status_of(&self, vault: &Vault) -> VaultStatus {
        let (state, keyfile_required, settings) = match vault {
            Vault::Closed => (VaultState::Closed, None, None),
            Vault::Locked {
                keyfile_required, ..
            } => (VaultState::Locked, Some(*keyfile_required), None),
            Vault::Unlocked {
                vault,
                keyfile_required,
                ..
            } => (
                VaultState::Unlocked,
                Some(*keyfile_required),
                Some(vault.settings()),
            ),
        };
        VaultStatus {
            state,
            path: vault.path().map(display),
            default_vault_path: self
                .default_path
                .as_deref()
                .map(display)
                .unwrap_or_default(),
            default_vault_exists: self.default_path.as_deref().is_some_and(Path::exists),
            keyfile_required,
            auto_lock_minutes: settings.map(|s| s.auto_lock_minutes),
            clipboard_clear_seconds: settings.map(|s| s.clipboard_clear_seconds),
            recovery_kit: match vault {
                Vault::Locked { vault, .. } => vault.has_recovery_kit().ok(),
                Vault::Unlocked { vault, .. } => Some(vault.has_recovery_kit()),
                Vault::Closed => None,
            },
        }
    }

    /// The current status.
    pub async fn status(&self) -> VaultStatus {
        let vault = self.vault.lock().await;
        self.status_of(&vault)
    }

    /// Opens the vault at `path`, locked, in place of the selected one. If it cannot be
    /// opened the selection does not change, unless it was that same file.
    pub(crate) async fn select(&self, path: PathBuf) -> Result<VaultStatus, IpcError> {
        let clock = self.clock.clone();
        let vault = self
            .on_vault_blocking(move |current| {
                const WHY: &str = "another vault was opened before the kit was saved";
                if current.path().is_some_and(|p| same_file(p, &path)) {
                    // The vault holds an exclusive lock on its file: let go of it first.
                    current.end_session(WHY);
                    *current = Vault::Closed;
                }
                let opened = Vault::open(&path, clock)?;
                current.end_session(WHY);
                *current = opened;
                Ok(())
            })
            .await?;
        Ok(self.status_of(&vault))
    }

    /// Creates a vault at `path` and selects it, unlocked.
    pub(crate) async fn create(
        &self,
        path: PathBuf,
        passphrase: Passphrase,
        key_file: Option<KeyFile>,
    ) -> Result<VaultStatus, IpcError> {
        // The engine checks these too; checking first spares a second of calibration.
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(CreateError::Exists { path }.into());
        }
        if !passphrase.is_strong_enough() {
            return Err(CreateError::WeakPassphrase.into());
        }
        let keyfile_required = key_file.is_some();
        let kdf = self.kdf;
        let clock = self.clock.clone();
        let vault = blocking(move || {
            let (params, allow_insecure) = match kdf {
                KdfChoice::Calibrate => (
                    KdfParams::calibrate(KdfParams::DEFAULT_MEMORY_KIB, KdfParams::DEFAULT_TARGET)?,
                    false,
                ),
                #[cfg(test)]
                KdfChoice::InsecureForTests => (KdfParams::INSECURE_TEST, true),
            };
            LockedVault::create(
                &path,
                &passphrase,
                key_file.as_ref(),
                params,
                allow_insecure,
                clock,
            )
            .map_err(IpcError::from)
        })
        .await??;
        let mut current = self.vault.lock().await;
        current.end_session("another vault was created before the kit was saved");
        *current = Vault::Unlocked {
            vault: Box::new(vault),
            keyfile_required,
            session: Session::default(),
        };
        Ok(self.status_of(&current))
    }

    /// Unlocks the selected vault.
    pub(crate) async fn unlock(
        &self,
        passphrase: Passphrase,
        key_file: Option<KeyFile>,
    ) -> Result<VaultStatus, IpcError> {
        let vault = self
            .on_vault_blocking(move |vault| vault.unlock(&passphrase, key_file.as_ref()))
            .await?;
        Ok(self.status_of(&vault))
    }

    /// Reads one text of the locked vault's recovery kit (a sheet's words or its
    /// code's text) into the shares read so far; a text that fails adds nothing.
    pub(crate) async fn recovery_add(&self, text: &str) -> Result<(u8, u8), IpcError> {
        let mut vault = self.vault.lock().await;
        let recovery = vault
            .recovery_mut()?
            .get_or_insert_with(|| Box::new(Recovery::new()));
        // Read on its own first: codes or typed lines are a key kit's, not a vault
        // recovery kit's, and are refused without forgetting the shares already read.
        let mut alone = Recovery::new();
        alone.add_text(text)?;
        let status = alone.status();
        if status.codes.1 > 0 || status.typed_lines > 0 {
            return Err(IpcError::invalid_input(
                "That is a kit of keys, not a vault recovery kit: recover it from Kits once \
                 the vault is unlocked.",
            ));
        }
        drop(alone);
        recovery.add_text(text)?;
        Ok(recovery.status().share_count())
    }

    /// Forgets the shares of the vault recovery kit read so far.
    pub(crate) async fn recovery_reset(&self) -> Result<(), IpcError> {
        *self.vault.lock().await.recovery_mut()? = None;
        Ok(())
    }

    /// Opens the locked vault with its recovery kit's shares and sets its new passphrase.
    pub(crate) async fn recover(
        &self,
        new: Passphrase,
        key_file: Option<KeyFile>,
    ) -> Result<VaultStatus, IpcError> {
        if !new.is_strong_enough() {
            return Err(ChangePassphraseError::WeakPassphrase.into());
        }
        let vault = self
            .on_vault_blocking(move |vault| vault.recover(&new, key_file.as_ref()))
            .await?;
        Ok(self.status_of(&vault))
    }

    /// Locks the selected vault; emits `vault-locked` (user) if it was unlocked.
    pub(crate) async fn lock(&self) -> Result<VaultStatus, IpcError> {
        let mut vault = self.vault.lock().await;
        let was_unlocked = vault.lock()?;
        let status = self.status_of(&vault);
        drop(vault);
        if was_unlocked {
            self.vault_locked(LockReason::User);
        }
        Ok(status)
    }

    /// Forgets the selected vault.
    pub(crate) async fn close(&self) -> VaultStatus {
        let mut vault = self.vault.lock().await;
        vault.end_session("the vault was closed before the kit was saved");
        *vault = Vault::Closed;
        self.clipboard.wipe_secret();
        self.status_of(&vault)
    }

    /// Replaces the passphrase of the unlocked vault.
    pub(crate) async fn change_passphrase(
        &self,
        current: Passphrase,
        new: Passphrase,
        key_file: Option<KeyFile>,
    ) -> Result<(), IpcError> {
        if !new.is_strong_enough() {
            return Err(ChangePassphraseError::WeakPassphrase.into());
        }
        self.on_vault_blocking(move |vault| {
            vault
                .unlocked_mut()?
                .change_passphrase(&current, key_file.as_ref(), &new)
                .map_err(IpcError::from)
        })
        .await?;
        Ok(())
    }

    /// Changes the vault's preferences with `change`; the others stay as they are.
    pub(crate) async fn update_settings(
        &self,
        change: impl FnOnce(&mut Settings),
    ) -> Result<VaultStatus, IpcError> {
        let mut vault = self.vault.lock().await;
        let unlocked = vault.unlocked_mut()?;
        let mut settings = unlocked.settings();
        change(&mut settings);
        unlocked.set_settings(settings)?;
        Ok(self.status_of(&vault))
    }

    /// Runs `f` on the unlocked vault (quick work only: it holds the vault's lock).
    pub(crate) async fn with_unlocked<T>(
        &self,
        f: impl FnOnce(&mut UnlockedVault) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.with_session(|vault, _| f(vault)).await
    }

    /// Runs `f` on the unlocked vault and its unfinished work (quick work only).
    pub(crate) async fn with_session<T>(
        &self,
        f: impl FnOnce(&mut UnlockedVault, &mut Session) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let mut vault = self.vault.lock().await;
        let (vault, session) = vault.session_mut()?;
        f(vault, session)
    }

    /// Runs `f` on the unlocked vault on a blocking-task thread (for Argon2id work such
    /// as re-checking the passphrase), holding the vault's lock throughout.
    pub(crate) async fn with_unlocked_blocking<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut UnlockedVault) -> Result<T, IpcError> + Send + 'static,
    {
        self.with_session_blocking(move |vault, _| f(vault)).await
    }

    /// Runs `f` on the unlocked vault and its unfinished work on a blocking-task thread
    /// (Argon2id, scrypt, laying out sheets), holding the vault's lock throughout.
    pub(crate) async fn with_session_blocking<T, F>(&self, f: F) -> Result<T, IpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut UnlockedVault, &mut Session) -> Result<T, IpcError> + Send + 'static,
    {
        let mut vault = self.vault.clone().lock_owned().await;
        blocking(move || {
            let (vault, session) = vault.session_mut()?;
            f(vault, session)
        })
        .await?
    }

    /// The due dates of the selected vault (no names, no ids) and its reminder
    /// thresholds, for the tray and notifications: from the plaintext copy the vault
    /// file keeps while it is locked, from the records while it is unlocked. `None` when
    /// no vault is open, a command holds it (the next look tries again) or the copy
    /// cannot be read (logged).
    pub(crate) fn reminder_dates(&self) -> Option<Reminders> {
        let vault = self.vault.try_lock().ok()?;
        let reminders = match &*vault {
            Vault::Closed => return None,
            Vault::Locked { vault, .. } => match vault.reminders() {
                Ok(reminders) => reminders,
                Err(error) => {
                    eprintln!("keywarden: the vault's reminder dates cannot be read: {error}");
                    return None;
                }
            },
            Vault::Unlocked { vault, .. } => vault.reminders(),
        };
        Some(reminders)
    }

    /// Now, by the clock the vaults use.
    pub(crate) fn now(&self) -> keywarden_core::Timestamp {
        self.clock.now()
    }

    /// The time zone the vaults count days in, by the same clock.
    pub(crate) fn time_zone(&self) -> keywarden_core::reminder::TimeZone {
        self.clock.time_zone()
    }

    /// Runs `f` on the vault on a blocking-task thread, holding the vault's lock
    /// throughout, and gives the lock back for the status that follows.
    async fn on_vault_blocking<F>(
        &self,
        f: F,
    ) -> Result<impl std::ops::Deref<Target = Vault> + use<F>, IpcError>
    where
        F: FnOnce(&mut Vault) -> Result<(), IpcError> + Send + 'static,
    {
        let mut vault = self.vault.clone().lock_owned().await;
        blocking(move || f(&mut vault).map(|()| vault)).await?
    }
}

/// Runs `f` on a thread meant for blocking work.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IpcError> {
    async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| IpcError::internal("a background task stopped"))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
