//! The vault: a [`LockedVault`] knows where the file is and how to unlock it; an
//! [`UnlockedVault`] holds the data key and the decrypted key records.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hkdf::Hkdf;
use rayon::prelude::*;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::algorithm::Algorithm;
use crate::audit::{self, Action, AuditKeys, Head, NewEntry};
use crate::clock::{self, Clock, Timestamp};
use crate::error::{
    ChangePassphraseError, CreateError, OpenError, RecordError, StorageError, UnlockError,
};
use crate::kdf::KdfParams;
use crate::key::{self, KeyId, KeyMetaV1, KeyRecord, KeyUpdate, KeyVersion, NewKey};
use crate::keyslot::{Keyslot, KeyslotKind, to_i64};
use crate::material::{Imported, PublicKey, SecretKey};
use crate::policy::{Policy, PolicyV1};
use crate::schema::{self, APPLICATION_ID, FORMAT_VERSION, SCHEMA_V1, table};
use crate::seal::{self, Place};
use crate::secret::{KeyFile, KeyMaterial, Passphrase, SymmetricKey};
use crate::settings::{SETTINGS_ROW, SettingRow, Settings};
use crate::state::{KeyState, Transition};
use zeroize::Zeroizing;

pub mod export;
mod kits;
mod lifecycle;
mod reminders;

pub use kits::{
    EscrowEntry, KitLock, KitRequest, MIN_KIT_PASSPHRASE_CHARS, PreparedKit, Restored, SheetFile,
};
pub use lifecycle::SecretUse;

/// The default vault: `keywarden/vault.keywarden` in the platform's data directory
/// (`$XDG_DATA_HOME` or `~/.local/share` on Linux).
pub fn default_vault_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("keywarden").join("vault.keywarden"))
}

/// HKDF-SHA-256 labels of the sub-keys derived from the data key.
mod label {
    pub const RECORDS: &[u8] = b"keywarden/v1/records";
    pub const MATERIAL: &[u8] = b"keywarden/v1/material";
    pub const AUDIT: &[u8] = b"keywarden/v1/audit";
    pub const AUDIT_CHAIN: &[u8] = b"keywarden/v1/audit-chain";
}

/// The `setting` row that holds the sealed [`Policy`].
const POLICY_ROW: &str = "policy";

/// A vault file that is open but not unlocked: no secret is in memory.
pub struct LockedVault {
    path: PathBuf,
    conn: Connection,
    vault_id: [u8; 16],
    clock: Arc<dyn Clock>,
    /// Failed unlock attempts on this handle, written to the audit log at the next
    /// successful unlock (the file is never changed by a failed attempt).
    failed_unlocks: Vec<(Timestamp, String)>,
    /// Who the audit log names (see [`LockedVault::set_actor`]).
    actor: String,
    /// Holds the vault's advisory lock. Declared after `conn` so that it is dropped (and
    /// the lock released) only once the connection is closed.
    _lock: fs::File,
}

impl fmt::Debug for LockedVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockedVault")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// An unlock that failed: the error, and the vault, still locked, to try again with.
#[derive(Debug)]
pub struct UnlockFailure {
    /// The vault, unchanged.
    pub vault: LockedVault,
    /// Why it did not unlock.
    pub error: UnlockError,
}

/// A vault opened with its vault recovery kit: every record is read and checked, but
/// nothing can be done with it until it has a new passphrase.
pub struct RecoveredVault {
    vault: UnlockedVault,
    /// Failed attempts on the locked vault, for the audit log.
    failed: Vec<(Timestamp, String)>,
}

impl fmt::Debug for RecoveredVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveredVault")
            .field("path", &self.vault.locked.path)
            .finish_non_exhaustive()
    }
}

/// A new passphrase that was refused: the error, and the recovered vault to try again.
#[derive(Debug)]
pub struct PassphraseNotSet {
    /// The vault, still waiting for a passphrase.
    pub vault: RecoveredVault,
    /// Why the passphrase was not set.
    pub error: ChangePassphraseError,
}

impl RecoveredVault {
    /// The vault file's path.
    pub fn path(&self) -> &Path {
        self.vault.path()
    }

    /// Gives up: forgets the data key and returns the vault locked, unchanged.
    pub fn lock(self) -> LockedVault {
        let mut locked = self.vault.lock();
        locked.failed_unlocks = self.failed;
        locked
    }

    /// Sets the new passphrase (and key file, or none) of a recovered vault: every
    /// passphrase keyslot is rewrapped, and the recovery, the failed attempts before it
    /// and the passphrase change enter the audit log, in one transaction. The vault
    /// recovery kit still opens the vault afterwards, until a new one replaces it.
    ///
    /// # Errors
    /// [`PassphraseNotSet`] with the vault, unchanged: a weak passphrase, or a storage
    /// failure.
    pub fn set_passphrase(
        mut self,
        new: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<UnlockedVault, Box<PassphraseNotSet>> {
        match self.rewrap(new, key_file) {
            Ok(()) => Ok(self.vault),
            Err(error) => Err(Box::new(PassphraseNotSet { vault: self, error })),
        }
    }

    fn rewrap(
        &mut self,
        new: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<(), ChangePassphraseError> {
        if !new.is_strong_enough() {
            return Err(ChangePassphraseError::WeakPassphrase);
        }
        let vault = &mut self.vault;
        let slots = Keyslot::load(&vault.locked.conn, KeyslotKind::Passphrase)?;
        let replacements = slots
            .iter()
            .map(|slot| {
                Keyslot::wrap(
                    slot.id,
                    slot.row_version + 1,
                    &vault.locked.vault_id,
                    slot.kdf,
                    new,
                    key_file,
                    &vault.dek,
                )
                .map(|r| (r, slot.row_version))
                .map_err(|e| StorageError::damaged(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut entries = unlock_entries(self.failed.clone(), vault.audit_at_unlock.as_ref());
        entries.push(NewEntry::new(Action::VaultRecovered).detail(format!(
            "opened with the vault recovery kit; a new passphrase was set{}",
            if key_file.is_some() {
                ", with a key file"
            } else {
                ", without a key file"
            }
        )));
        entries.push(NewEntry::new(Action::PassphraseChanged));
        vault
            .commit_entries(&entries, |tx| {
                for (slot, previous) in &replacements {
                    slot.replace(tx, *previous)?;
                }
                Ok(())
            })
            .map_err(|e| match e {
                RecordError::Storage(s) => s,
                other => StorageError::damaged(other.to_string()),
            })?;
        self.failed.clear();
        // As for a passphrase change: a copy of the main file alone must not open with
        // the old passphrase.
        vault
            .locked
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

struct SubKeys {
    records: SymmetricKey,
    material: SymmetricKey,
    audit: AuditKeys,
}

impl SubKeys {
    fn derive(dek: &SymmetricKey, vault_id: &[u8; 16]) -> Self {
        let hk = Hkdf::<Sha256>::new(Some(vault_id), dek.expose());
        let expand = |info: &[u8]| {
            let mut k = SymmetricKey::zeroed();
            #[allow(
                clippy::expect_used,
                reason = "32 bytes is far below HKDF's output limit"
            )]
            hk.expand(info, k.expose_mut()).expect("HKDF output length");
            k
        };
        SubKeys {
            records: expand(label::RECORDS),
            material: expand(label::MATERIAL),
            audit: AuditKeys {
                seal: expand(label::AUDIT),
                chain: expand(label::AUDIT_CHAIN),
            },
        }
    }
}

/// An unlocked vault: the data key, the sub-keys and every key record, decrypted.
/// Key material stays sealed in the file until [`UnlockedVault::key_material`] asks.
pub struct UnlockedVault {
    locked: LockedVault,
    dek: SymmetricKey,
    keys: SubKeys,
    records: BTreeMap<KeyId, KeyRecord>,
    settings: Settings,
    settings_row_version: u64,
    policy: Policy,
    policy_row_version: u64,
    audit_head: Head,
    /// What was wrong with the end of the audit log at unlock, if anything.
    audit_at_unlock: Option<audit::AuditProblem>,
    actor: String,
    /// The plaintext reminder copy as last written this session (`None`: not yet).
    reminders_written: Option<crate::reminder::Reminders>,
    /// The custody register of recovery kits.
    kits: Vec<crate::kit::register::KitRecord>,
    kits_row_version: u64,
}

impl fmt::Debug for UnlockedVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnlockedVault")
            .field("path", &self.locked.path)
            .field("keys", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl LockedVault {
    /// Creates a new vault at `path` and returns it unlocked.
    ///
    /// The file is built under a temporary name in the same directory and linked into
    /// place only when complete, so a crash leaves no half-made vault at `path`.
    ///
    /// # Errors
    /// [`CreateError`]: the path exists, the passphrase is too short, the KDF parameters
    /// are out of range (below the minimums unless `allow_insecure_kdf`), or the file
    /// cannot be written.
    pub fn create(
        path: &Path,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
        kdf: KdfParams,
        allow_insecure_kdf: bool,
        clock: Arc<dyn Clock>,
    ) -> Result<UnlockedVault, CreateError> {
        if fs::symlink_metadata(path).is_ok() {
            return Err(CreateError::Exists {
                path: path.to_owned(),
            });
        }
        if !passphrase.is_strong_enough() {
            return Err(CreateError::WeakPassphrase);
        }
        kdf.validate(allow_insecure_kdf)?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let io = |e: std::io::Error| StorageError::Io {
            reason: e.to_string(),
        };
        fs::create_dir_all(&dir).map_err(io)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "vault".to_owned());
        sweep_leftovers(&dir, &file_name);
        // A vault file moved or deleted while open leaves its `-wal` behind, which SQLite
        // would replay into the new file. With no vault at `path`, they belong to none.
        for side in ["-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(side);
            let _ = fs::remove_file(name);
        }
        let temp = dir.join(format!(
            "{}{}",
            temp_prefix(&file_name),
            hex(&crate::random::array::<8>())
        ));
        let result =
            Self::build(&temp, passphrase, key_file, kdf, clock.as_ref()).and_then(|dek| {
                // A hard link never replaces an existing file: two creators racing for one
                // path cannot overwrite each other.
                fs::hard_link(&temp, path).map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => CreateError::Exists {
                        path: path.to_owned(),
                    },
                    _ => io(e).into(),
                })?;
                if let Ok(d) = fs::File::open(&dir) {
                    // Make the new directory entry durable; not every platform allows it.
                    let _ = d.sync_all();
                }
                Ok(dek)
            });
        for leftover in ["", "-wal", "-shm", "-journal"] {
            let mut name = temp.clone().into_os_string();
            name.push(leftover);
            let _ = fs::remove_file(name);
        }
        let dek = result?;
        let locked = LockedVault::open(path, clock).map_err(|e| match e {
            OpenError::Storage(s) => CreateError::Storage(s),
            other => CreateError::Storage(StorageError::damaged(other.to_string())),
        })?;
        // The data key is already in hand: no second Argon2id run.
        UnlockedVault::load(locked, dek, false).map_err(|f| match f.error {
            UnlockError::Storage(s) => CreateError::Storage(s),
            other => CreateError::Storage(StorageError::damaged(other.to_string())),
        })
    }

    /// Writes a complete vault at `temp`, in one transaction, closes it, and returns its
    /// data key.
    fn build(
        temp: &Path,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
        kdf: KdfParams,
        clock: &dyn Clock,
    ) -> Result<SymmetricKey, CreateError> {
        // Made and locked before SQLite opens it: a sweep by another creator leaves a
        // temporary file alone while its creator holds this lock.
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let guard = options.open(temp).map_err(|e| StorageError::Io {
            reason: e.to_string(),
        })?;
        let _ = guard.try_lock();
        let mut conn = schema::connect(temp, true)?;
        restrict_to_owner(temp)?;
        let vault_id: [u8; 16] = crate::random::array();
        let dek = SymmetricKey::random();
        let now = clock::to_unix(clock.now());
        let slot = Keyslot::wrap(1, 1, &vault_id, kdf, passphrase, key_file, &dek)?;
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA_V1)?;
        tx.execute_batch(schema::ROW_INDEXES)?;
        tx.execute(
            "INSERT INTO vault (singleton, vault_id, created_at) VALUES (1, ?1, ?2)",
            params![vault_id.as_slice(), now],
        )?;
        slot.insert(&tx, KeyslotKind::Passphrase, now)?;
        let keys = SubKeys::derive(&dek, &vault_id);
        let row = |name| SettingRow {
            name,
            key: &keys.records,
            vault_id: &vault_id,
        };
        row(SETTINGS_ROW).write(&tx, 0, &Settings::default())?;
        row(POLICY_ROW).write(&tx, 0, &PolicyV1::from(&Policy::default()))?;
        audit::append(
            &tx,
            &keys.audit,
            &vault_id,
            Head::EMPTY,
            &audit::Stamp {
                actor: &default_actor(),
                at: clock.now(),
                rows: &audit::row_digest(&tx)?,
            },
            &NewEntry::new(Action::VaultCreated).detail(format!(
                "Argon2id {} MiB, {} passes, {} lanes{}",
                kdf.memory_kib / 1024,
                kdf.iterations,
                kdf.lanes,
                if key_file.is_some() {
                    ", with a key file"
                } else {
                    ""
                }
            )),
        )?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", FORMAT_VERSION)?;
        tx.commit()?;
        // Fold the WAL into the file so the linked file is complete on its own.
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        conn.close().map_err(|(_, e)| StorageError::from(e))?;
        drop(guard);
        Ok(dek)
    }

    /// Opens the vault file at `path`, locked. Checks that it is a vault of a known
    /// version before SQLite reads it, then checks its structure.
    ///
    /// # Errors
    /// [`OpenError`]: nothing there, not a vault (a foreign or empty file, a directory),
    /// a newer format, damaged, or in use by another process. The file is not changed.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<LockedVault, OpenError> {
        let lock = schema::check_header(path)?;
        let conn = schema::connect(path, false)?;
        schema::quick_check(&conn)?;
        let vault_id: Vec<u8> = conn
            .query_row("SELECT vault_id FROM vault WHERE singleton = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StorageError::damaged("the vault row is missing"))?;
        let vault_id: [u8; 16] = vault_id
            .try_into()
            .map_err(|_| StorageError::damaged("the vault id has the wrong length"))?;
        // Fail now, before a passphrase is asked for, if no keyslot is readable.
        Keyslot::load(&conn, KeyslotKind::Passphrase)?;
        Ok(LockedVault {
            path: path.to_owned(),
            conn,
            vault_id,
            clock,
            failed_unlocks: Vec::new(),
            actor: default_actor(),
            _lock: lock,
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The vault's id in lowercase hex (32 characters): not secret, printed on its
    /// vault recovery kits so that a sheet can be matched with its file.
    pub fn vault_id(&self) -> String {
        hex(&self.vault_id)
    }

    /// Whether the vault has a recovery keyslot, that is a current vault recovery kit.
    ///
    /// # Errors
    /// [`StorageError`] when the keyslots cannot be read.
    pub fn has_recovery_kit(&self) -> Result<bool, StorageError> {
        Ok(!Keyslot::load(&self.conn, KeyslotKind::Recovery)?.is_empty())
    }

    /// Opens the vault with the recovery secret of its vault recovery kit (the master
    /// secret of its SLIP-39 shares, [`crate::kit::recovery::Recovery::master_secret`]),
    /// for a lost passphrase or key file. Nothing is written: the result must be given a
    /// new passphrase ([`RecoveredVault::set_passphrase`]) before it can be used. A
    /// failed attempt is recorded at the next successful unlock, like a wrong
    /// passphrase.
    ///
    /// # Errors
    /// [`UnlockFailure`] with the vault, still locked: [`UnlockError::NoRecoveryKit`],
    /// [`UnlockError::WrongRecoveryKit`], or a damaged file.
    pub fn recover(mut self, secret: &[u8]) -> Result<RecoveredVault, Box<UnlockFailure>> {
        let passphrase = crate::keyslot::recovery_passphrase(secret);
        let opened = Keyslot::load(&self.conn, KeyslotKind::Recovery)
            .map_err(UnlockError::from)
            .and_then(|slots| {
                if slots.is_empty() {
                    return Err(UnlockError::NoRecoveryKit);
                }
                slots
                    .iter()
                    .find_map(
                        |slot| match slot.unwrap(&self.vault_id, &passphrase, None) {
                            Err(UnlockError::WrongPassphrase) => None,
                            other => Some(other),
                        },
                    )
                    .unwrap_or(Err(UnlockError::WrongRecoveryKit))
            });
        let dek = match opened {
            Ok(dek) => dek,
            Err(error) => {
                if !matches!(error, UnlockError::Storage(_)) {
                    let now = clock::from_unix(clock::to_unix(self.clock.now()));
                    self.failed_unlocks
                        .push((now, format!("vault recovery kit: {error}")));
                }
                return Err(Box::new(UnlockFailure { vault: self, error }));
            }
        };
        let failed = std::mem::take(&mut self.failed_unlocks);
        match UnlockedVault::load(self, dek, false) {
            Ok(vault) => Ok(RecoveredVault { vault, failed }),
            Err(mut failure) => {
                failure.vault.failed_unlocks = failed;
                Err(failure)
            }
        }
    }

    /// The sealed `setting` row `name` of this vault, sealed with `key`.
    fn setting<'a>(&'a self, name: &'a str, key: &'a SymmetricKey) -> SettingRow<'a> {
        SettingRow {
            name,
            key,
            vault_id: &self.vault_id,
        }
    }

    /// Names the person acting, for the audit entries of the unlock and everything after
    /// it (default: the operating system's user).
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for an empty name, control characters or more than 200
    /// characters.
    pub fn set_actor(&mut self, name: &str) -> Result<(), RecordError> {
        self.actor = clean_actor(name)?;
        Ok(())
    }

    /// Whether unlocking needs a key file as well as the passphrase.
    ///
    /// # Errors
    /// [`StorageError`] when the keyslots cannot be read.
    pub fn requires_key_file(&self) -> Result<bool, StorageError> {
        Ok(Keyslot::load(&self.conn, KeyslotKind::Passphrase)?
            .iter()
            .all(|s| s.keyfile_check.is_some()))
    }

    /// The Argon2id parameters of the passphrase keyslot.
    ///
    /// # Errors
    /// [`StorageError`] when the keyslots cannot be read.
    pub fn kdf_params(&self) -> Result<KdfParams, StorageError> {
        let slots = Keyslot::load(&self.conn, KeyslotKind::Passphrase)?;
        slots
            .first()
            .map(|s| s.kdf)
            .ok_or_else(|| StorageError::damaged("no passphrase keyslot"))
    }

    /// Unlocks the vault with a passphrase and, if it has one, its key file.
    ///
    /// # Errors
    /// [`UnlockFailure`] with the vault, still locked, and the reason: wrong passphrase,
    /// missing, wrong or unexpected key file, or a damaged file (a record that fails
    /// authentication makes the whole unlock fail: no partial view of a tampered vault).
    pub fn unlock(
        mut self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<UnlockedVault, Box<UnlockFailure>> {
        match self.unwrap_dek(passphrase, key_file) {
            Ok(dek) => UnlockedVault::load(self, dek, true),
            Err(error) => {
                if !matches!(error, UnlockError::Storage(_)) {
                    let now = clock::from_unix(clock::to_unix(self.clock.now()));
                    self.failed_unlocks.push((now, error.to_string()));
                }
                Err(Box::new(UnlockFailure { vault: self, error }))
            }
        }
    }

    fn unwrap_dek(
        &self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<SymmetricKey, UnlockError> {
        let slots = Keyslot::load(&self.conn, KeyslotKind::Passphrase)?;
        let mut last = UnlockError::WrongPassphrase;
        for slot in &slots {
            match slot.unwrap(&self.vault_id, passphrase, key_file) {
                Ok(dek) => return Ok(dek),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// How long a temporary file of an unfinished creation must have been left untouched
/// before a later creation removes it (a live creator finishes in seconds).
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The start of the temporary name under which a vault called `file_name` is built.
fn temp_prefix(file_name: &str) -> String {
    format!(".{file_name}.creating-")
}

/// Removes what a creation killed midway left in `dir` for a vault called `file_name`:
/// temporary files (and their SQLite side files) that no creator holds locked and that
/// have not changed for [`STALE_TEMPORARY`]. They may hold a keyslot under the
/// passphrase then being set, so they should not linger. Best effort: errors are
/// ignored, the creation goes on.
fn sweep_leftovers(dir: &Path, file_name: &str) {
    let prefix = temp_prefix(file_name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        if rest.len() != 16 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let path = entry.path();
        let stale = fs::symlink_metadata(&path)
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_TEMPORARY);
        let unheld = fs::File::open(&path).is_ok_and(|f| f.try_lock().is_ok());
        if stale && unheld {
            for side in ["-wal", "-journal", "-shm"] {
                let _ = fs::remove_file(dir.join(format!("{name}{side}")));
            }
            let _ = fs::remove_file(&path);
        }
    }
}

/// The audit entries an unlock records first: what was wrong with the audit log, then
/// the failed attempts since the last unlock.
fn unlock_entries(
    failed: Vec<(Timestamp, String)>,
    problem: Option<&audit::AuditProblem>,
) -> Vec<NewEntry> {
    problem
        .map(|p| NewEntry::new(Action::AuditTampered).failed(p.to_string()))
        .into_iter()
        .chain(failed.into_iter().map(|(at, why)| {
            NewEntry::new(Action::UnlockFailed).failed(format!("{why} (attempt at {at})"))
        }))
        .collect()
}

/// Checks the name of the person acting.
fn clean_actor(name: &str) -> Result<String, RecordError> {
    let name = key::clean_person("actor", name)?;
    if name.is_empty() {
        return Err(RecordError::Invalid {
            field: "actor",
            reason: "name the person acting".to_owned(),
        });
    }
    Ok(name)
}

/// Who is acting, when the caller does not say: the operating system's user name.
fn default_actor() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|n| !n.trim().is_empty()))
        .or_else(|| {
            // Desktop sessions started without a login shell may lack those; the home
            // directory is named after the user on every platform Keywarden runs on.
            dirs::home_dir().and_then(|h| h.file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .and_then(|n| clean_actor(&n).ok())
        .unwrap_or_else(|| "unknown user".to_owned())
}

/// Encodes a record as CBOR (decision 0003).
pub(crate) fn encode_cbor<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StorageError> {
    minicbor_serde::to_vec(value)
        .map_err(|e| StorageError::damaged(format!("cannot encode a record: {e}")))
}

/// Decodes a record's CBOR; `None` when it is not a `T`.
pub(crate) fn decode_cbor<'a, T: serde::Deserialize<'a>>(cbor: &'a [u8]) -> Option<T> {
    minicbor_serde::from_slice(cbor).ok()
}

/// Makes the vault readable and writable by its owner only. SQLite gives its WAL the
/// same permissions as the database file.
fn restrict_to_owner(path: &Path) -> Result<(), StorageError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|e| {
            StorageError::Io {
                reason: e.to_string(),
            }
        })?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The damage of a material row that opened but does not decode.
fn damaged_material(record: &KeyRecord, error: &crate::material::MaterialError) -> RecordError {
    StorageError::damaged(format!(
        "key {}: the material does not decode: {error}",
        record.id
    ))
    .into()
}

fn row_version(v: i64, what: &str) -> Result<u64, StorageError> {
    u64::try_from(v).map_err(|_| StorageError::damaged(format!("{what}: negative row version")))
}

impl UnlockedVault {
    /// Reads every record; with `record_unlock`, also appends the failed attempts this
    /// handle saw and the unlock itself to the audit log, in one transaction.
    fn load(
        mut locked: LockedVault,
        dek: SymmetricKey,
        record_unlock: bool,
    ) -> Result<Self, Box<UnlockFailure>> {
        let keys = SubKeys::derive(&dek, &locked.vault_id);
        let loaded = Self::read_all(&locked, &keys).and_then(|all| {
            let (policy, policy_row_version) = Self::read_policy(&locked, &keys)?;
            let register = kits::read_register(&locked, &keys.records)?;
            let (head, rows) = audit::read_head(&locked.conn, &keys.audit, &locked.vault_id)?;
            let digest = audit::row_digest(&locked.conn)?;
            if rows.is_some_and(|r| r != digest) {
                return Err(StorageError::damaged(
                    "rows were deleted, added or put back from an older copy outside Keywarden: they do not match the audit head",
                ));
            }
            let (problem, end) = audit::check_head(&locked.conn, head)?;
            Ok((all, policy, policy_row_version, register, end, problem, digest))
        });
        let (
            (records, settings, settings_row_version),
            policy,
            policy_row_version,
            (kits, kits_row_version),
            head,
            intact,
            rows,
        ) = match loaded {
            Ok(found) => found,
            Err(e) => {
                return Err(Box::new(UnlockFailure {
                    vault: locked,
                    error: UnlockError::Storage(e),
                }));
            }
        };
        let failed = std::mem::take(&mut locked.failed_unlocks);
        let actor = locked.actor.clone();
        let mut vault = UnlockedVault {
            locked,
            dek,
            keys,
            records,
            settings,
            settings_row_version,
            policy,
            policy_row_version,
            audit_head: head,
            actor,
            audit_at_unlock: intact,
            reminders_written: None,
            kits,
            kits_row_version,
        };
        if record_unlock {
            let mut entries = unlock_entries(failed, vault.audit_at_unlock.as_ref());
            entries.push(NewEntry::new(Action::Unlocked));
            // The unlock changes no row: the digest just checked still holds. A vault
            // made before the row indexes gets them here.
            let indexes =
                |tx: &rusqlite::Transaction<'_>| Ok(tx.execute_batch(schema::ROW_INDEXES)?);
            if let Err(e) = vault.commit_with_rows(&entries, indexes, Some(rows)) {
                let error = match e {
                    RecordError::Storage(s) => UnlockError::Storage(s),
                    other => UnlockError::Storage(StorageError::damaged(other.to_string())),
                };
                return Err(Box::new(UnlockFailure {
                    vault: vault.locked,
                    error,
                }));
            }
        }
        // The plaintext copy is rewritten only when it differs from what the records
        // give (a date passed, another time zone, a damaged row): at 10,000 keys,
        // writing it costs more than reading it.
        if let Ok((stored, true)) = crate::reminder::Reminders::read(&vault.locked.conn) {
            vault.reminders_written = Some(stored);
        }
        vault.sync_reminders();
        Ok(vault)
    }

    fn read_policy(locked: &LockedVault, keys: &SubKeys) -> Result<(Policy, u64), StorageError> {
        let (policy, version) = locked
            .setting(POLICY_ROW, &keys.records)
            .read::<PolicyV1>(&locked.conn)?
            .ok_or_else(|| StorageError::damaged("the policy row is missing"))?;
        Ok((policy.into(), version))
    }

    /// Runs `write` and appends `entries` to the audit log in one transaction; the
    /// in-memory audit head moves only once it commits.
    pub(crate) fn commit_entries<T>(
        &mut self,
        entries: &[NewEntry],
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, RecordError>,
    ) -> Result<T, RecordError> {
        self.commit_with_rows(entries, write, None)
    }

    /// [`Self::commit_entries`]; `rows` is the row digest after `write` when the caller
    /// knows it (an unlock, which changes no row), computed otherwise.
    fn commit_with_rows<T>(
        &mut self,
        entries: &[NewEntry],
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, RecordError>,
        rows: Option<String>,
    ) -> Result<T, RecordError> {
        let at = self.now();
        let tx = self.locked.conn.transaction()?;
        let value = write(&tx)?;
        let rows = match rows {
            Some(r) => r,
            None => audit::row_digest(&tx)?,
        };
        let stamp = audit::Stamp {
            actor: &self.actor,
            at,
            rows: &rows,
        };
        let mut head = self.audit_head;
        for entry in entries {
            head = audit::append(
                &tx,
                &self.keys.audit,
                &self.locked.vault_id,
                head,
                &stamp,
                entry,
            )?;
        }
        tx.commit()?;
        self.audit_head = head;
        Ok(value)
    }

    /// [`Self::commit_entries`] with one entry.
    pub(crate) fn commit<T>(
        &mut self,
        entry: NewEntry,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, RecordError>,
    ) -> Result<T, RecordError> {
        self.commit_entries(std::slice::from_ref(&entry), write)
    }

    /// Records a refused or failed operation, then hands its error back. A failure to
    /// write the entry is not allowed to hide the original error.
    pub(crate) fn refused<T>(
        &mut self,
        entry: NewEntry,
        error: RecordError,
    ) -> Result<T, RecordError> {
        if !matches!(error, RecordError::Storage(_)) {
            let _ = self.commit(entry.failed(error.to_string()), |_| Ok(()));
        }
        Err(error)
    }

    #[allow(
        clippy::type_complexity,
        reason = "a private helper's tuple of results"
    )]
    fn read_all(
        locked: &LockedVault,
        keys: &SubKeys,
    ) -> Result<(BTreeMap<KeyId, KeyRecord>, Settings, u64), StorageError> {
        let (settings, settings_version) = locked
            .setting(SETTINGS_ROW, &keys.records)
            .read::<Settings>(&locked.conn)?
            .ok_or_else(|| StorageError::damaged("the settings row is missing"))?;

        let mut stmt = locked
            .conn
            .prepare("SELECT id, row_version, meta FROM key")?;
        let mut rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // In id order, which the map keeps: building it from sorted rows moves each
        // record once (sorting the records themselves moved each of them many times).
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // Opening and decoding the sealed records is most of an unlock's work after
        // Argon2id: spread it over the cores. The rows are only borrowed, so that they
        // are freed on this thread, which allocated them.
        let vault_id = &locked.vault_id;
        let records = rows
            .par_iter()
            .map(|(id_text, version, blob)| {
                let damaged = |what: &str| StorageError::damaged(format!("key {id_text}: {what}"));
                let id: KeyId = id_text.parse().map_err(|_| damaged("malformed id"))?;
                let version = row_version(*version, id_text)?;
                let place = Place {
                    vault_id,
                    table: table::KEY,
                    row_id: id_text,
                    row_version: version,
                };
                let plain = seal::open(&keys.records, &place, blob)
                    .map_err(|_| damaged("the record failed authentication"))?;
                let meta: KeyMetaV1 =
                    decode_cbor(&plain).ok_or_else(|| damaged("the record cannot be decoded"))?;
                Ok((
                    id,
                    KeyRecord::from_meta(id, version, meta).map_err(damaged)?,
                ))
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        // A list in id order becomes a map in one pass; rayon would merge into the map
        // on one thread.
        Ok((records.into_iter().collect(), settings, settings_version))
    }

    /// The current time in whole seconds, as the file stores it, so a record reads the
    /// same before and after a reopen.
    pub(crate) fn now(&self) -> crate::clock::Timestamp {
        clock::from_unix(clock::to_unix(self.locked.clock.now()))
    }

    /// The time zone whose calendar days periods and due dates are counted in: the
    /// clock's (the operating system's, for [`SystemClock`]).
    ///
    /// [`SystemClock`]: crate::SystemClock
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        self.locked.clock.time_zone()
    }

    /// `n` calendar days after `t` in [`Self::time_zone`]: how every period (cryptoperiod,
    /// destruction wait, snooze limit, drill interval, unused span) is counted.
    pub(crate) fn days_after(&self, t: crate::clock::Timestamp, n: u32) -> crate::clock::Timestamp {
        clock::days_after(t, n, &self.time_zone())
    }

    /// Forgets the data key, the sub-keys and every record, and returns the vault locked.
    pub fn lock(self) -> LockedVault {
        self.locked
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.locked.path
    }

    /// The vault's preferences.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    /// Every key, by id.
    pub(crate) fn records(&self) -> &BTreeMap<KeyId, KeyRecord> {
        &self.records
    }

    /// Number of keys in the vault.
    pub fn key_count(&self) -> usize {
        self.records.len()
    }

    /// Keys whose name, tags or algorithm contain `query` (case-insensitive; an empty
    /// query lists every key), sorted by name.
    pub fn list(&self, query: &str) -> Vec<&KeyRecord> {
        let needle = query.trim().to_lowercase();
        let mut found: Vec<(String, &KeyRecord)> = self
            .records
            .values()
            .filter(|r| r.matches(&needle))
            .map(|r| (r.name.to_lowercase(), r))
            .collect();
        found.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
        found.into_iter().map(|(_, r)| r).collect()
    }

    /// The key with this id.
    ///
    /// # Errors
    /// [`RecordError::NotFound`].
    pub fn get(&self, id: &KeyId) -> Result<&KeyRecord, RecordError> {
        self.records.get(id).ok_or_else(|| RecordError::NotFound {
            reference: id.to_string(),
        })
    }

    /// Finds a key by its full id, its exact name (case-insensitive), or a unique prefix
    /// of its id of at least four characters.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] or [`RecordError::Ambiguous`].
    pub fn find(&self, reference: &str) -> Result<&KeyRecord, RecordError> {
        let reference = reference.trim();
        if let Some(r) = reference
            .parse::<KeyId>()
            .ok()
            .and_then(|id| self.records.get(&id))
        {
            return Ok(r);
        }
        if let Some(r) = self.by_name(reference) {
            return Ok(r);
        }
        let prefix = reference.to_ascii_lowercase();
        if prefix.len() >= 4 && prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let hits: Vec<&KeyRecord> = self
                .records
                .values()
                .filter(|r| r.id.to_string().starts_with(&prefix))
                .collect();
            match hits.len() {
                0 => {}
                1 => return Ok(hits[0]),
                count => {
                    return Err(RecordError::Ambiguous {
                        reference: reference.to_owned(),
                        count,
                    });
                }
            }
        }
        Err(RecordError::NotFound {
            reference: reference.chars().take(200).collect(),
        })
    }

    fn by_name(&self, name: &str) -> Option<&KeyRecord> {
        let name = key::comparable_name(name);
        self.records
            .values()
            .find(|r| key::comparable_name(&r.name) == name)
    }

    fn ensure_name_free(&self, name: &str, except: Option<KeyId>) -> Result<(), RecordError> {
        match self.by_name(name) {
            Some(r) if Some(r.id) != except => Err(RecordError::NameTaken {
                name: name.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    fn seal_meta(&self, record: &KeyRecord) -> Result<Vec<u8>, StorageError> {
        let meta = record.to_meta();
        let id = record.id.to_string();
        let place = Place {
            vault_id: &self.locked.vault_id,
            table: table::KEY,
            row_id: &id,
            row_version: record.row_version,
        };
        Ok(seal::seal(&self.keys.records, &place, &encode_cbor(&meta)?))
    }

    /// Where a version's material lives: the row id is `<key id>/<version>`, so one
    /// version's material cannot be moved to another key or another version.
    fn material_place<'a>(&'a self, row_id: &'a str, row_version: u64) -> Place<'a> {
        Place {
            vault_id: &self.locked.vault_id,
            table: table::KEY_VERSION,
            row_id,
            row_version,
        }
    }

    /// Generates a new key from the operating system's CSPRNG and stores it, checked
    /// against the policy. It starts in pre-activation and, unless
    /// [`NewKey::pre_activation`] asks otherwise, is activated at once; both
    /// transitions are recorded.
    ///
    /// # Errors
    /// [`RecordError`]: invalid fields, a name already taken, a policy violation, or a
    /// storage failure (in which case nothing was stored). Refusals are audited.
    pub fn generate_key(&mut self, new: NewKey) -> Result<&KeyRecord, RecordError> {
        self.add_key(new, None)
    }

    /// Stores a key made elsewhere (see [`Imported::import`]) as a new key, with the
    /// algorithm the material has. Unlike generation, the policy's algorithm and
    /// strength rules do not refuse it: an existing key is recorded as it is and
    /// flagged by [`UnlockedVault::assess`]; only a purpose the algorithm cannot serve
    /// is refused. A public key alone makes a [`KeyRecord::public_only`] key.
    ///
    /// # Errors
    /// As [`UnlockedVault::generate_key`]. Audited as `key-imported`.
    pub fn import_key(
        &mut self,
        new: NewKey,
        key: impl Into<Imported>,
    ) -> Result<&KeyRecord, RecordError> {
        self.add_key(new, Some(key.into()))
    }

    fn add_key(
        &mut self,
        mut new: NewKey,
        given: Option<Imported>,
    ) -> Result<&KeyRecord, RecordError> {
        let action = if given.is_some() {
            Action::KeyImported
        } else {
            Action::KeyGenerated
        };
        if let Some(key) = &given {
            new.algorithm = key.algorithm();
        }
        let attempt = NewEntry::new(action).detail(new.name.trim().to_owned());
        let prepared = self.new_record(&new, given.is_none()).and_then(|record| {
            let key = match given {
                Some(key) => key,
                None => Imported::Secret(lifecycle::generate_material(new.algorithm)?),
            };
            Ok((record, key))
        });
        let (mut record, key) = match prepared {
            Ok(p) => p,
            Err(e) => return self.refused(attempt, e),
        };
        record.public_only = key.is_public_only();
        if let Some(v) = record.versions.first_mut() {
            (v.fingerprint, v.fingerprints) = KeyVersion::fingerprints_of(&key.fingerprints());
        }
        let meta = self.seal_meta(&record)?;
        let id = record.id.to_string();
        let sealed_material = seal::seal(
            &self.keys.material,
            &self.material_place(&format!("{id}/1"), 1),
            &key.to_stored(),
        );
        let entry = NewEntry::new(action)
            .key(record.id, &record.name, record.fingerprint())
            .detail(format!(
                "{}{} for {}, {}, fingerprint {}",
                record.algorithm.label(),
                if record.public_only {
                    " public key only"
                } else {
                    ""
                },
                record.purpose.label().to_lowercase(),
                record.state.label().to_lowercase(),
                record.fingerprint()
            ));
        self.commit(entry, |tx| {
            tx.execute(
                "INSERT INTO key (id, row_version, meta) VALUES (?1, 1, ?2)",
                params![id, meta],
            )?;
            tx.execute(
                "INSERT INTO key_version (key_id, version, row_version, material)
                 VALUES (?1, 1, 1, ?2)",
                params![id, sealed_material],
            )?;
            Ok(())
        })?;
        let key_id = record.id;
        self.records.insert(key_id, record);
        self.sync_reminders();
        self.get(&key_id)
    }

    /// A checked record for a new key, not yet stored; `generated` keys must pass the
    /// whole policy, imported ones only the purpose rule.
    fn new_record(&self, new: &NewKey, generated: bool) -> Result<KeyRecord, RecordError> {
        let name = key::clean_name(&new.name)?;
        self.ensure_name_free(&name, None)?;
        let now = self.now();
        let purpose = new.purpose.unwrap_or(new.algorithm.purposes()[0]);
        if generated {
            self.check_policy(new.algorithm, purpose, now)?;
        } else if !new.algorithm.purposes().contains(&purpose) {
            return Err(RecordError::PolicyViolation {
                reasons: format!(
                    "{} keys cannot serve {}",
                    new.algorithm.label(),
                    purpose.label().to_lowercase()
                ),
            });
        }
        let mut history = vec![Transition {
            from: None,
            to: KeyState::PreActivation,
            at: now,
            actor: self.actor.clone(),
            reason: if generated { "generated" } else { "imported" }.to_owned(),
        }];
        let (state, activated_at) = if new.pre_activation {
            (KeyState::PreActivation, None)
        } else {
            history.push(Transition {
                from: Some(KeyState::PreActivation),
                to: KeyState::Active,
                at: now,
                actor: self.actor.clone(),
                reason: "activated when added".to_owned(),
            });
            (KeyState::Active, Some(now))
        };
        Ok(KeyRecord {
            id: KeyId::random(),
            name,
            algorithm: new.algorithm,
            purpose,
            owner: key::clean_person("owner", &new.owner)?,
            custodians: key::clean_custodians(&new.custodians)?,
            notes: key::clean_notes(&new.notes)?,
            tags: key::clean_tags(&new.tags)?,
            state,
            history,
            versions: vec![KeyVersion {
                number: 1,
                algorithm: new.algorithm,
                created_at: now,
                fingerprint: String::new(),
                fingerprints: Vec::new(),
                deactivated_at: None,
                destroyed_at: None,
            }],
            created_at: now,
            updated_at: now,
            activated_at,
            rotated_at: None,
            rotation_days: key::clean_rotation_days(new.rotation_days)?,
            destruction: None,
            snoozes: Vec::new(),
            revealed_at: None,
            exported_at: None,
            current_version: 1,
            public_only: false,
            row_version: 1,
        })
    }

    /// Refuses an algorithm and purpose the policy forbids at `now`.
    fn check_policy(
        &self,
        algorithm: crate::algorithm::Algorithm,
        purpose: crate::algorithm::Purpose,
        now: Timestamp,
    ) -> Result<(), RecordError> {
        let violations: Vec<String> = self
            .policy
            .assess_algorithm(algorithm, purpose, now)
            .into_iter()
            .filter(|f| f.severity == crate::policy::Severity::Violation)
            .map(|f| f.message)
            .collect();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(RecordError::PolicyViolation {
                reasons: violations.join("; "),
            })
        }
    }

    /// Writes a changed record (its row version one higher) with an audit entry, in one
    /// transaction, and keeps it in memory once committed. `extra` runs in the same
    /// transaction.
    pub(crate) fn store_record(
        &mut self,
        mut record: KeyRecord,
        entries: &[NewEntry],
        extra: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(), RecordError>,
    ) -> Result<&KeyRecord, RecordError> {
        let id = record.id;
        let previous = record.row_version;
        record.row_version += 1;
        record.updated_at = self.now();
        let meta = self.seal_meta(&record)?;
        // Rotating, compromising or destroying a key changes the status of its kits in
        // the same transaction.
        let kit_changes = self.kit_changes(&record);
        let mut all_entries = entries.to_vec();
        let kit_row = match &kit_changes {
            Some((register, kit_entries)) => {
                all_entries.extend(kit_entries.iter().cloned());
                Some(self.register_blob(register, self.kits_row_version)?)
            }
            None => None,
        };
        let kits_previous = self.kits_row_version;
        let kits_next = self.commit_entries(&all_entries, |tx| {
            extra(tx)?;
            let kits_next = match &kit_row {
                Some(blob) => crate::settings::store(
                    tx,
                    crate::kit::register::REGISTER_ROW,
                    kits_previous,
                    blob,
                )?,
                None => kits_previous,
            };
            let changed = tx.execute(
                "UPDATE key SET row_version = ?1, meta = ?2 WHERE id = ?3 AND row_version = ?4",
                params![
                    to_i64(record.row_version),
                    meta,
                    id.to_string(),
                    to_i64(previous)
                ],
            )?;
            if changed != 1 {
                return Err(StorageError::damaged(format!("key {id} changed underneath")).into());
            }
            Ok(kits_next)
        })?;
        if let Some((register, _)) = kit_changes {
            self.kits = register;
            self.kits_row_version = kits_next;
        }
        self.records.insert(id, record);
        self.sync_reminders();
        self.get(&id)
    }

    /// Changes a key's name, notes, tags, owner, custodians or rotation interval.
    ///
    /// # Errors
    /// [`RecordError`]: no such key, invalid fields, a name already taken, or a storage
    /// failure (in which case nothing changed).
    pub fn update_key(&mut self, id: &KeyId, update: KeyUpdate) -> Result<&KeyRecord, RecordError> {
        let current = self.get(id)?.clone();
        let attempt =
            NewEntry::new(Action::KeyUpdated).key(*id, &current.name, current.fingerprint());
        match self.apply_update(current, &update) {
            Ok((record, changed)) => {
                let entry = NewEntry::new(Action::KeyUpdated)
                    .key(*id, &record.name, record.fingerprint())
                    .detail(changed.join(", "));
                self.store_record(record, &[entry], |_| Ok(()))
            }
            Err(e) => self.refused(attempt, e),
        }
    }

    /// The record with `update` applied, and the names of the fields that changed.
    fn apply_update(
        &self,
        mut record: KeyRecord,
        update: &KeyUpdate,
    ) -> Result<(KeyRecord, Vec<String>), RecordError> {
        let mut changed = Vec::new();
        if record.state == KeyState::Destroyed {
            return Err(RecordError::NotAllowed {
                reason: "a destroyed key's record is kept as it was".to_owned(),
            });
        }
        if let Some(name) = &update.name {
            let name = key::clean_name(name)?;
            self.ensure_name_free(&name, Some(record.id))?;
            if name != record.name {
                changed.push(format!("renamed from \"{}\"", record.name));
            }
            record.name = name;
        }
        if let Some(notes) = &update.notes {
            record.notes = key::clean_notes(notes)?;
            changed.push("notes".to_owned());
        }
        if let Some(tags) = &update.tags {
            record.tags = key::clean_tags(tags)?;
            changed.push("tags".to_owned());
        }
        if let Some(owner) = &update.owner {
            record.owner = key::clean_person("owner", owner)?;
            changed.push(format!("owner: {}", record.owner));
        }
        if let Some(custodians) = &update.custodians {
            record.custodians = key::clean_custodians(custodians)?;
            changed.push(format!("custodians: {}", record.custodians.join(", ")));
        }
        if let Some(days) = update.rotation_days {
            record.rotation_days = key::clean_rotation_days(days)?;
            changed.push(match days {
                Some(d) => format!("rotation every {d} days"),
                None => "rotation follows the policy".to_owned(),
            });
        }
        Ok((record, changed))
    }

    /// Deletes a key record and every version of its material outright, leaving no
    /// tombstone (use [`UnlockedVault::schedule_destruction`] for keys that were used).
    /// SQLite's `secure_delete` overwrites the freed space.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] or a storage failure (in which case nothing changed).
    pub fn delete_key(&mut self, id: &KeyId) -> Result<(), RecordError> {
        let record = self.get(id)?;
        let text = id.to_string();
        let entry = NewEntry::new(Action::KeyDeleted)
            .key(*id, &record.name, record.fingerprint())
            .detail(format!("fingerprint {}", record.fingerprint()));
        self.commit(entry, |tx| {
            tx.execute("DELETE FROM key_version WHERE key_id = ?1", [&text])?;
            tx.execute("DELETE FROM key WHERE id = ?1", [&text])?;
            Ok(())
        })?;
        self.records.remove(id);
        self.sync_reminders();
        Ok(())
    }

    /// The raw secret bytes of a key's version (`None`: the current version): the key
    /// itself for symmetric keys, PKCS#8 DER, the age scalar or the text for the others
    /// (`docs/key-formats.md`). Not audited: for the engine's tests and benchmarks; people
    /// reach secrets through [`UnlockedVault::use_secret`].
    ///
    /// # Errors
    /// As [`UnlockedVault::secret_key`].
    pub fn key_material(
        &self,
        id: &KeyId,
        version: Option<u32>,
    ) -> Result<KeyMaterial, RecordError> {
        let key = self.secret_key(id, version)?;
        Ok(KeyMaterial::new(Zeroizing::new(
            key.to_stored().get(1..).unwrap_or_default().to_vec(),
        )))
    }

    /// A key's version (`None`: the current version) as a [`SecretKey`], checked
    /// against its algorithm.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] for an unknown key or version,
    /// [`RecordError::NotAllowed`] for a destroyed key or one whose private part the vault
    /// does not hold, a damaged error when the sealed material fails authentication or
    /// does not decode.
    pub(crate) fn secret_key(
        &self,
        id: &KeyId,
        version: Option<u32>,
    ) -> Result<SecretKey, RecordError> {
        let record = self.get(id)?;
        if record.public_only {
            return Err(RecordError::NotAllowed {
                reason: format!(
                    "the vault holds only the public key of \"{}\"; its private key lives \
                     elsewhere",
                    record.name
                ),
            });
        }
        let (algorithm, plain) = self.open_material(record, version)?;
        SecretKey::from_stored(algorithm, &plain).map_err(|e| damaged_material(record, &e))
    }

    /// The public part of a key's version (`None`: the current version): from the
    /// private key, or the public key the vault holds alone. `None` for symmetric keys
    /// and secrets.
    ///
    /// # Errors
    /// As [`UnlockedVault::secret_key`].
    pub(crate) fn public_key(
        &self,
        id: &KeyId,
        version: Option<u32>,
    ) -> Result<Option<PublicKey>, RecordError> {
        let record = self.get(id)?;
        if !record.public_only {
            return Ok(self.secret_key(id, version)?.public_key());
        }
        let (algorithm, plain) = self.open_material(record, version)?;
        PublicKey::from_stored(algorithm, &plain)
            .map(Some)
            .map_err(|e| damaged_material(record, &e))
    }

    /// The opened material row of a key's version and the version's algorithm.
    fn open_material(
        &self,
        record: &KeyRecord,
        version: Option<u32>,
    ) -> Result<(Algorithm, Zeroizing<Vec<u8>>), RecordError> {
        if record.state == KeyState::Destroyed {
            return Err(RecordError::NotAllowed {
                reason: format!(
                    "the key \"{}\" was destroyed; its material is gone",
                    record.name
                ),
            });
        }
        let version = version.unwrap_or(record.current_version);
        let text = record.id.to_string();
        let row: Option<(i64, Vec<u8>)> = self
            .locked
            .conn
            .query_row(
                "SELECT row_version, material FROM key_version WHERE key_id = ?1 AND version = ?2",
                params![text, version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (row_v, blob) = match row {
            Some(found) => found,
            // The record names its current version: that row must exist.
            None if version == record.current_version => {
                return Err(StorageError::damaged(format!(
                    "key {text}: the material of version {version} is missing"
                ))
                .into());
            }
            None => {
                return Err(RecordError::NotFound {
                    reference: format!("{text} version {version}"),
                });
            }
        };
        let material_row = format!("{text}/{version}");
        let place = self.material_place(&material_row, row_version(row_v, &text)?);
        let plain = seal::open(&self.keys.material, &place, &blob).map_err(|_| {
            StorageError::damaged(format!(
                "key {text} version {version}: the material failed authentication"
            ))
        })?;
        let algorithm = record
            .versions
            .iter()
            .find(|v| v.number == version)
            .map_or(record.algorithm, |v| v.algorithm);
        Ok((algorithm, plain))
    }

    /// Stores new preferences.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for an out-of-range value, or a storage failure.
    pub fn set_settings(&mut self, settings: Settings) -> Result<(), RecordError> {
        settings.validate()?;
        let previous = self.settings_row_version;
        let blob = self
            .locked
            .setting(SETTINGS_ROW, &self.keys.records)
            .seal(previous + 1, &settings)?;
        let entry = NewEntry::new(Action::SettingsChanged).detail(format!(
            "auto-lock after {} minutes, clipboard cleared after {} seconds",
            settings.auto_lock_minutes, settings.clipboard_clear_seconds
        ));
        let next = self.commit(entry, |tx| {
            Ok(crate::settings::store(tx, SETTINGS_ROW, previous, &blob)?)
        })?;
        self.settings = settings;
        self.settings_row_version = next;
        Ok(())
    }

    /// Records a change of a preference kept outside the vault, such as the app's
    /// start-at-login entry of the computer account: `detail` says what it is now,
    /// `failure` why it could not be changed (then the entry records a failure).
    ///
    /// # Errors
    /// A storage failure; the entry is then not recorded.
    pub fn record_setting_change(
        &mut self,
        detail: &str,
        failure: Option<&str>,
    ) -> Result<(), RecordError> {
        let entry = NewEntry::new(Action::SettingsChanged);
        let entry = match failure {
            None => entry.detail(detail),
            Some(why) => entry.failed(format!("{detail}: {why}")),
        };
        self.commit(entry, |_| Ok(()))
    }

    /// Replaces the passphrase: checks the current passphrase and key file, then rewraps
    /// the data key under a key derived from the new passphrase (same key file, same KDF
    /// parameters, fresh salt). Records are not re-encrypted.
    ///
    /// # Errors
    /// [`ChangePassphraseError`]; on any error the old passphrase still opens the vault.
    pub fn change_passphrase(
        &mut self,
        current: &Passphrase,
        key_file: Option<&KeyFile>,
        new: &Passphrase,
    ) -> Result<(), ChangePassphraseError> {
        if !new.is_strong_enough() {
            return Err(ChangePassphraseError::WeakPassphrase);
        }
        let slots = Keyslot::load(&self.locked.conn, KeyslotKind::Passphrase)?;
        let mut last = UnlockError::WrongPassphrase;
        for slot in slots {
            match slot.unwrap(&self.locked.vault_id, current, key_file) {
                Ok(dek) if bool::from(dek.expose().ct_eq(self.dek.expose())) => {
                    let replacement = Keyslot::wrap(
                        slot.id,
                        slot.row_version + 1,
                        &self.locked.vault_id,
                        slot.kdf,
                        new,
                        key_file,
                        &self.dek,
                    )
                    .map_err(|e| StorageError::damaged(e.to_string()))?;
                    let entry = NewEntry::new(Action::PassphraseChanged);
                    self.commit(entry, |tx| Ok(replacement.replace(tx, slot.row_version)?))
                        .map_err(|e| match e {
                            RecordError::Storage(s) => s,
                            other => StorageError::damaged(other.to_string()),
                        })?;
                    // Fold the change into the main file now: a copy of that file alone
                    // (a backup, a sync) must not open with the old passphrase.
                    self.locked.conn.query_row(
                        "PRAGMA wal_checkpoint(TRUNCATE)",
                        [],
                        |_| Ok(()),
                    )?;
                    return Ok(());
                }
                Ok(_) => last = StorageError::damaged("a keyslot holds a foreign data key").into(),
                Err(e) => last = e,
            }
        }
        if !matches!(last, UnlockError::Storage(_)) {
            let entry = NewEntry::new(Action::PassphraseChanged).failed(last.to_string());
            let _ = self.commit(entry, |_| Ok(()));
        }
        Err(last.into())
    }

    /// Checks the passphrase (and key file) again before a sensitive operation:
    /// revealing or exporting secret material. Costs one Argon2id run.
    pub(crate) fn confirm(
        &self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<(), RecordError> {
        let slots = Keyslot::load(&self.locked.conn, KeyslotKind::Passphrase)?;
        let mut last = UnlockError::WrongPassphrase;
        for slot in slots {
            match slot.unwrap(&self.locked.vault_id, passphrase, key_file) {
                Ok(dek) if bool::from(dek.expose().ct_eq(self.dek.expose())) => return Ok(()),
                Ok(_) => {}
                Err(e) => last = e,
            }
        }
        Err(RecordError::Confirmation {
            reason: last.to_string(),
        })
    }

    /// Who the audit log names as acting: the operating system's user unless set.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Names the person acting, for the audit log and state history.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for an empty name, control characters or more than 200
    /// characters.
    pub fn set_actor(&mut self, name: &str) -> Result<(), RecordError> {
        let name = clean_actor(name)?;
        self.locked.actor.clone_from(&name);
        self.actor = name;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SystemClock;
    use crate::key::NewKey;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_vault_is_one_file_with_no_shared_memory_index_and_no_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.keywarden");
        let mut vault = LockedVault::create(
            &path,
            &Passphrase::new("correct horse battery staple".to_owned()),
            None,
            KdfParams::INSECURE_TEST,
            true,
            Arc::new(SystemClock),
        )
        .unwrap();
        vault
            .generate_key(NewKey::new("k", crate::Algorithm::Aes128))
            .unwrap();
        // While open: the WAL, but no -shm (exclusive locking keeps the index in memory).
        assert_eq!(names_in(dir.path()), ["v.keywarden", "v.keywarden-wal"]);
        drop(vault);
        assert_eq!(names_in(dir.path()), ["v.keywarden"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
