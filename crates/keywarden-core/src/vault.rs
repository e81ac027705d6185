//! The vault: a [`LockedVault`] knows where the file is and how to unlock it; an
//! [`UnlockedVault`] holds the data key and the decrypted key records.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hkdf::Hkdf;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::algorithm::Algorithm;
use crate::clock::{self, Clock};
use crate::error::{
    ChangePassphraseError, CreateError, OpenError, RecordError, StorageError, UnlockError,
};
use crate::kdf::KdfParams;
use crate::key::{self, KeyId, KeyMetaV1, KeyRecord, KeyUpdate, NewKey};
use crate::keyslot::{Keyslot, KeyslotKind, to_i64};
use crate::schema::{self, APPLICATION_ID, FORMAT_VERSION, SCHEMA_V1, table};
use crate::seal::{self, Place};
use crate::secret::{KeyFile, KeyMaterial, Passphrase, SymmetricKey};
use crate::settings::{SETTINGS_ROW, Settings};

/// The default vault: `keywarden/vault.keywarden` in the platform's data directory
/// (`$XDG_DATA_HOME` or `~/.local/share` on Linux).
pub fn default_vault_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("keywarden").join("vault.keywarden"))
}

/// HKDF-SHA-256 labels of the sub-keys derived from the data key.
mod label {
    pub const RECORDS: &[u8] = b"keywarden/v1/records";
    pub const MATERIAL: &[u8] = b"keywarden/v1/material";
}

/// The first byte of a sealed `key_version.material` plaintext: how the rest is encoded.
const MATERIAL_RAW: u8 = 0x01;

/// A vault file that is open but not unlocked: no secret is in memory.
pub struct LockedVault {
    path: PathBuf,
    conn: Connection,
    vault_id: [u8; 16],
    clock: Arc<dyn Clock>,
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

struct SubKeys {
    records: SymmetricKey,
    material: SymmetricKey,
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
        let temp = dir.join(format!(
            ".{file_name}.creating-{}",
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
        UnlockedVault::load(locked, dek).map_err(|f| match f.error {
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
        let mut conn = schema::connect(temp, true)?;
        restrict_to_owner(temp)?;
        let vault_id: [u8; 16] = crate::random::array();
        let dek = SymmetricKey::random();
        let now = clock::to_unix(clock.now());
        let slot = Keyslot::wrap(1, 1, &vault_id, kdf, passphrase, key_file, &dek)?;
        let tx = conn.transaction()?;
        tx.execute_batch(SCHEMA_V1)?;
        tx.execute(
            "INSERT INTO vault (singleton, vault_id, created_at) VALUES (1, ?1, ?2)",
            params![vault_id.as_slice(), now],
        )?;
        slot.insert(&tx, KeyslotKind::Passphrase, now)?;
        let keys = SubKeys::derive(&dek, &vault_id);
        let settings = encode_cbor(&Settings::default())?;
        tx.execute(
            "INSERT INTO setting (name, row_version, value) VALUES (?1, 1, ?2)",
            params![
                SETTINGS_ROW,
                seal::seal(&keys.records, &settings_place(&vault_id, 1), &settings)
            ],
        )?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", FORMAT_VERSION)?;
        tx.commit()?;
        // Fold the WAL into the file so the linked file is complete on its own.
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        conn.close().map_err(|(_, e)| StorageError::from(e))?;
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
            _lock: lock,
        })
    }

    /// The vault file's path.
    pub fn path(&self) -> &Path {
        &self.path
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
        self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<UnlockedVault, Box<UnlockFailure>> {
        match self.unwrap_dek(passphrase, key_file) {
            Ok(dek) => UnlockedVault::load(self, dek),
            Err(error) => Err(Box::new(UnlockFailure { vault: self, error })),
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

fn settings_place(vault_id: &[u8; 16], row_version: u64) -> Place<'_> {
    Place {
        vault_id,
        table: table::SETTING,
        row_id: SETTINGS_ROW,
        row_version,
    }
}

fn encode_cbor<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StorageError> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out)
        .map_err(|e| StorageError::damaged(format!("cannot encode a record: {e}")))?;
    Ok(out)
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn row_version(v: i64, what: &str) -> Result<u64, StorageError> {
    u64::try_from(v).map_err(|_| StorageError::damaged(format!("{what}: negative row version")))
}

impl UnlockedVault {
    fn load(locked: LockedVault, dek: SymmetricKey) -> Result<Self, Box<UnlockFailure>> {
        let keys = SubKeys::derive(&dek, &locked.vault_id);
        match Self::read_all(&locked, &keys) {
            Ok((records, settings, settings_row_version)) => Ok(UnlockedVault {
                locked,
                dek,
                keys,
                records,
                settings,
                settings_row_version,
            }),
            Err(e) => Err(Box::new(UnlockFailure {
                vault: locked,
                error: UnlockError::Storage(e),
            })),
        }
    }

    #[allow(
        clippy::type_complexity,
        reason = "a private helper's tuple of results"
    )]
    fn read_all(
        locked: &LockedVault,
        keys: &SubKeys,
    ) -> Result<(BTreeMap<KeyId, KeyRecord>, Settings, u64), StorageError> {
        let (settings_version, blob): (i64, Vec<u8>) = locked
            .conn
            .query_row(
                "SELECT row_version, value FROM setting WHERE name = ?1",
                [SETTINGS_ROW],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StorageError::damaged("the settings row is missing"))?;
        let settings_version = row_version(settings_version, "settings")?;
        let plain = seal::open(
            &keys.records,
            &settings_place(&locked.vault_id, settings_version),
            &blob,
        )
        .map_err(|_| StorageError::damaged("the settings failed authentication"))?;
        let settings: Settings = ciborium::from_reader(plain.as_slice())
            .map_err(|_| StorageError::damaged("the settings cannot be decoded"))?;

        let mut stmt = locked
            .conn
            .prepare("SELECT id, row_version, meta FROM key")?;
        let mut rows = stmt.query([])?;
        let mut records = BTreeMap::new();
        while let Some(row) = rows.next()? {
            let id_text: String = row.get(0)?;
            let damaged = |what: &str| StorageError::damaged(format!("key {id_text}: {what}"));
            let id: KeyId = id_text.parse().map_err(|_| damaged("malformed id"))?;
            let version = row_version(row.get(1)?, &id_text)?;
            let blob: Vec<u8> = row.get(2)?;
            let place = Place {
                vault_id: &locked.vault_id,
                table: table::KEY,
                row_id: &id_text,
                row_version: version,
            };
            let plain = seal::open(&keys.records, &place, &blob)
                .map_err(|_| damaged("the record failed authentication"))?;
            let meta: KeyMetaV1 = ciborium::from_reader(plain.as_slice())
                .map_err(|_| damaged("the record cannot be decoded"))?;
            let algorithm: Algorithm = meta
                .algorithm
                .parse()
                .map_err(|_| damaged("unknown algorithm"))?;
            records.insert(
                id,
                KeyRecord {
                    id,
                    name: meta.name,
                    algorithm,
                    notes: meta.notes,
                    tags: meta.tags,
                    created_at: clock::from_unix(meta.created),
                    updated_at: clock::from_unix(meta.updated),
                    current_version: meta.current_version,
                    row_version: version,
                },
            );
        }
        Ok((records, settings, settings_version))
    }

    /// The current time in whole seconds, as the file stores it, so a record reads the
    /// same before and after a reopen.
    fn now(&self) -> crate::clock::Timestamp {
        clock::from_unix(clock::to_unix(self.locked.clock.now()))
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
        let meta = KeyMetaV1 {
            name: record.name.clone(),
            algorithm: record.algorithm.id().to_owned(),
            notes: record.notes.clone(),
            tags: record.tags.clone(),
            created: clock::to_unix(record.created_at),
            updated: clock::to_unix(record.updated_at),
            current_version: record.current_version,
        };
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

    /// Generates a new key from the operating system's CSPRNG and stores it.
    ///
    /// # Errors
    /// [`RecordError`]: invalid fields, a name already taken, or a storage failure (in
    /// which case nothing was stored).
    pub fn generate_key(&mut self, new: NewKey) -> Result<&KeyRecord, RecordError> {
        let name = key::clean_name(&new.name)?;
        self.ensure_name_free(&name, None)?;
        let now = self.now();
        let record = KeyRecord {
            id: KeyId::random(),
            name,
            algorithm: new.algorithm,
            notes: key::clean_notes(&new.notes)?,
            tags: key::clean_tags(&new.tags)?,
            created_at: now,
            updated_at: now,
            current_version: 1,
            row_version: 1,
        };
        let Some(len) = new.algorithm.symmetric_key_len() else {
            return Err(RecordError::Invalid {
                field: "algorithm",
                reason: format!("{} keys cannot be generated yet", new.algorithm.label()),
            });
        };
        let material = KeyMaterial::random(len);
        let meta = self.seal_meta(&record)?;
        let id = record.id.to_string();
        let mut plain = Zeroizing::new(Vec::with_capacity(1 + material.len()));
        plain.push(MATERIAL_RAW);
        plain.extend_from_slice(material.expose_secret());
        let material_row = format!("{id}/1");
        let sealed_material = seal::seal(
            &self.keys.material,
            &self.material_place(&material_row, 1),
            &plain,
        );
        let tx = self.locked.conn.transaction()?;
        tx.execute(
            "INSERT INTO key (id, row_version, meta) VALUES (?1, 1, ?2)",
            params![id, meta],
        )?;
        tx.execute(
            "INSERT INTO key_version (key_id, version, row_version, material)
             VALUES (?1, 1, 1, ?2)",
            params![id, sealed_material],
        )?;
        tx.commit()?;
        let key_id = record.id;
        Ok(self.records.entry(key_id).or_insert(record))
    }

    /// Changes a key's name, notes or tags.
    ///
    /// # Errors
    /// [`RecordError`]: no such key, invalid fields, a name already taken, or a storage
    /// failure (in which case nothing changed).
    pub fn update_key(&mut self, id: &KeyId, update: KeyUpdate) -> Result<&KeyRecord, RecordError> {
        let mut record = self.get(id)?.clone();
        if let Some(name) = &update.name {
            let name = key::clean_name(name)?;
            self.ensure_name_free(&name, Some(*id))?;
            record.name = name;
        }
        if let Some(notes) = &update.notes {
            record.notes = key::clean_notes(notes)?;
        }
        if let Some(tags) = &update.tags {
            record.tags = key::clean_tags(tags)?;
        }
        let previous = record.row_version;
        record.row_version += 1;
        record.updated_at = self.now();
        let meta = self.seal_meta(&record)?;
        let changed = self.locked.conn.execute(
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
        Ok(self.records.entry(*id).insert_entry(record).into_mut())
    }

    /// Deletes a key and every version of its material. SQLite's `secure_delete`
    /// overwrites the freed space.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] or a storage failure (in which case nothing changed).
    pub fn delete_key(&mut self, id: &KeyId) -> Result<(), RecordError> {
        self.get(id)?;
        let text = id.to_string();
        let tx = self.locked.conn.transaction()?;
        tx.execute("DELETE FROM key_version WHERE key_id = ?1", [&text])?;
        tx.execute("DELETE FROM key WHERE id = ?1", [&text])?;
        tx.commit()?;
        self.records.remove(id);
        Ok(())
    }

    /// The secret material of a key's version (`None`: the current version).
    ///
    /// # Errors
    /// [`RecordError::NotFound`] for an unknown key or version; a damaged error when the
    /// sealed material fails authentication.
    pub fn key_material(
        &self,
        id: &KeyId,
        version: Option<u32>,
    ) -> Result<KeyMaterial, RecordError> {
        let record = self.get(id)?;
        let version = version.unwrap_or(record.current_version);
        let text = id.to_string();
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
        let damaged =
            |what: &str| StorageError::damaged(format!("key {text} version {version}: {what}"));
        let material_row = format!("{text}/{version}");
        let place = self.material_place(&material_row, row_version(row_v, &text)?);
        let mut plain = seal::open(&self.keys.material, &place, &blob)
            .map_err(|_| damaged("the material failed authentication"))?;
        let length_ok = record
            .algorithm
            .symmetric_key_len()
            .is_none_or(|n| plain.len() == 1 + n);
        if plain.first() != Some(&MATERIAL_RAW) || !length_ok {
            return Err(damaged("the material has an unexpected encoding").into());
        }
        plain.remove(0);
        Ok(KeyMaterial::new(plain))
    }

    /// Stores new preferences.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for an out-of-range value, or a storage failure.
    pub fn set_settings(&mut self, settings: Settings) -> Result<(), RecordError> {
        settings.validate()?;
        let next = self.settings_row_version + 1;
        let blob = seal::seal(
            &self.keys.records,
            &settings_place(&self.locked.vault_id, next),
            &encode_cbor(&settings)?,
        );
        let changed = self.locked.conn.execute(
            "UPDATE setting SET row_version = ?1, value = ?2 WHERE name = ?3 AND row_version = ?4",
            params![
                to_i64(next),
                blob,
                SETTINGS_ROW,
                to_i64(self.settings_row_version)
            ],
        )?;
        if changed != 1 {
            return Err(StorageError::damaged("the settings changed underneath").into());
        }
        self.settings = settings;
        self.settings_row_version = next;
        Ok(())
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
                    replacement.replace(&self.locked.conn, slot.row_version)?;
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
        Err(last.into())
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
            .generate_key(NewKey {
                name: "k".into(),
                algorithm: Algorithm::Aes128,
                notes: String::new(),
                tags: vec![],
            })
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
