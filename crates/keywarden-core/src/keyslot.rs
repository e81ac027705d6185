//! Keyslots: each one wraps the vault's data key (DEK) under a key-encryption key (KEK)
//! derived from something a person has: the passphrase (and key file), or the secret
//! of a vault recovery kit. The `kind` column leaves room for one slot per person.

use hkdf::Hkdf;
use rusqlite::{Connection, params};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::error::{StorageError, UnlockError};
use crate::kdf::{KDF_ARGON2ID, KdfParams, SALT_LEN};
use crate::schema::table;
use crate::seal::{self, Place};
use crate::secret::{KeyFile, Passphrase, SymmetricKey};

/// What a keyslot is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyslotKind {
    /// The vault passphrase, optionally with a key file.
    Passphrase,
    /// The recovery secret of the current vault recovery kit (at most one slot).
    Recovery,
}

impl KeyslotKind {
    fn as_str(self) -> &'static str {
        match self {
            KeyslotKind::Passphrase => "passphrase",
            KeyslotKind::Recovery => "recovery",
        }
    }
}

/// The passphrase of a recovery keyslot: the kit's SLIP-39 master secret in lowercase
/// hex, as `shamir recover` prints it (`docs/vault-format.md`, "The recovery keyslot").
pub(crate) fn recovery_passphrase(secret: &[u8]) -> Passphrase {
    Passphrase::new(crate::vault::hex(secret))
}

/// Length of the key-file check value.
const KEYFILE_CHECK_LEN: usize = 16;
const KEYFILE_CHECK_LABEL: &[u8] = b"keywarden/v1/keyfile-check";

/// One row of the `keyslot` table, without its secret.
#[derive(Debug, Clone)]
pub(crate) struct Keyslot {
    pub id: i64,
    pub row_version: u64,
    pub kdf: KdfParams,
    pub salt: Vec<u8>,
    pub keyfile_check: Option<Vec<u8>>,
    pub wrapped_dek: Vec<u8>,
}

/// The key-file check value: it lets a wrong key file be told from a wrong passphrase.
/// It confirms a guessed key file without the passphrase, which is why key files should
/// be random (`docs/threat-model.md`).
fn keyfile_check(key_file: &KeyFile, salt: &[u8]) -> [u8; KEYFILE_CHECK_LEN] {
    let mut out = [0u8; KEYFILE_CHECK_LEN];
    #[allow(
        clippy::expect_used,
        reason = "16 bytes is far below HKDF's output limit"
    )]
    Hkdf::<Sha256>::new(Some(salt), key_file.expose_digest())
        .expand(KEYFILE_CHECK_LABEL, &mut out)
        .expect("HKDF output length");
    out
}

impl Keyslot {
    fn place<'a>(&self, vault_id: &'a [u8; 16], row_id: &'a str) -> Place<'a> {
        Place {
            vault_id,
            table: table::KEYSLOT,
            row_id,
            row_version: self.row_version,
        }
    }

    /// A new slot wrapping `dek`; `id` and `row_version` are those it will be stored under.
    pub(crate) fn wrap(
        id: i64,
        row_version: u64,
        vault_id: &[u8; 16],
        kdf: KdfParams,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
        dek: &SymmetricKey,
    ) -> Result<Self, crate::error::KdfError> {
        let salt = crate::random::array::<SALT_LEN>().to_vec();
        let kek = kdf.derive(passphrase, key_file, &salt)?;
        let mut slot = Keyslot {
            id,
            row_version,
            kdf,
            keyfile_check: key_file.map(|k| keyfile_check(k, &salt).to_vec()),
            salt,
            wrapped_dek: Vec::new(),
        };
        let row_id = id.to_string();
        slot.wrapped_dek = seal::seal(&kek, &slot.place(vault_id, &row_id), dek.expose());
        Ok(slot)
    }

    /// Unwraps the DEK with a passphrase and key file.
    pub(crate) fn unwrap(
        &self,
        vault_id: &[u8; 16],
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<SymmetricKey, UnlockError> {
        match (&self.keyfile_check, key_file) {
            (Some(_), None) => return Err(UnlockError::KeyFileRequired),
            (None, Some(_)) => return Err(UnlockError::KeyFileNotUsed),
            (Some(stored), Some(k)) => {
                if !bool::from(keyfile_check(k, &self.salt).as_slice().ct_eq(stored)) {
                    return Err(UnlockError::WrongKeyFile);
                }
            }
            (None, None) => {}
        }
        let kek = self
            .kdf
            .derive(passphrase, key_file, &self.salt)
            .map_err(|e| StorageError::damaged(format!("keyslot {}: {e}", self.id)))?;
        let row_id = self.id.to_string();
        let dek = seal::open(&kek, &self.place(vault_id, &row_id), &self.wrapped_dek)
            .map_err(|_| UnlockError::WrongPassphrase)?;
        let bytes: [u8; 32] = dek.as_slice().try_into().map_err(|_| {
            StorageError::damaged(format!("keyslot {} holds no 256-bit key", self.id))
        })?;
        Ok(SymmetricKey::from_bytes(bytes))
    }

    /// Inserts the slot as a new row.
    pub(crate) fn insert(
        &self,
        conn: &Connection,
        kind: KeyslotKind,
        created_at: i64,
    ) -> rusqlite::Result<()> {
        conn.execute(
            "INSERT INTO keyslot (id, kind, row_version, kdf, kdf_memory_kib, kdf_iterations,
                kdf_lanes, salt, keyfile_check, wrapped_dek, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                self.id,
                kind.as_str(),
                to_i64(self.row_version),
                KDF_ARGON2ID,
                self.kdf.memory_kib,
                self.kdf.iterations,
                self.kdf.lanes,
                self.salt,
                self.keyfile_check,
                self.wrapped_dek,
                created_at
            ],
        )?;
        Ok(())
    }

    /// Replaces the stored slot `previous_version` by this one (a passphrase change).
    pub(crate) fn replace(
        &self,
        conn: &Connection,
        previous_version: u64,
    ) -> Result<(), StorageError> {
        let changed = conn.execute(
            "UPDATE keyslot SET row_version = ?1, kdf_memory_kib = ?2, kdf_iterations = ?3,
                kdf_lanes = ?4, salt = ?5, keyfile_check = ?6, wrapped_dek = ?7
             WHERE id = ?8 AND row_version = ?9",
            params![
                to_i64(self.row_version),
                self.kdf.memory_kib,
                self.kdf.iterations,
                self.kdf.lanes,
                self.salt,
                self.keyfile_check,
                self.wrapped_dek,
                self.id,
                to_i64(previous_version)
            ],
        )?;
        self.one_row(changed)
    }

    /// A write that must have touched exactly this slot's row, at its row version.
    fn one_row(&self, changed: usize) -> Result<(), StorageError> {
        if changed == 1 {
            Ok(())
        } else {
            Err(StorageError::damaged(format!(
                "keyslot {} changed underneath",
                self.id
            )))
        }
    }

    /// Deletes the stored slot (a vault recovery kit replaced).
    pub(crate) fn delete(&self, conn: &Connection) -> Result<(), StorageError> {
        let changed = conn.execute(
            "DELETE FROM keyslot WHERE id = ?1 AND row_version = ?2",
            params![self.id, to_i64(self.row_version)],
        )?;
        self.one_row(changed)
    }

    /// The id a new slot gets: one more than the highest in use.
    pub(crate) fn next_id(conn: &Connection) -> Result<i64, StorageError> {
        Ok(
            conn.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM keyslot", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// Every keyslot of `kind`, in id order; at least one for passphrase slots.
    pub(crate) fn load(conn: &Connection, kind: KeyslotKind) -> Result<Vec<Keyslot>, StorageError> {
        let mut stmt = conn.prepare(
            "SELECT id, row_version, kdf, kdf_memory_kib, kdf_iterations, kdf_lanes, salt,
                    keyfile_check, wrapped_dek
             FROM keyslot WHERE kind = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([kind.as_str()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                (
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                ),
                r.get::<_, Vec<u8>>(6)?,
                r.get::<_, Option<Vec<u8>>>(7)?,
                r.get::<_, Vec<u8>>(8)?,
            ))
        })?;
        let mut slots = Vec::new();
        for row in rows {
            let (id, row_version, kdf, (m, t, p), salt, keyfile_check, wrapped_dek) = row?;
            let damaged = |what: &str| StorageError::damaged(format!("keyslot {id}: {what}"));
            if kdf != KDF_ARGON2ID {
                return Err(damaged("unknown KDF"));
            }
            let to_u32 =
                |v: i64| u32::try_from(v).map_err(|_| damaged("KDF parameter out of range"));
            let params = KdfParams {
                memory_kib: to_u32(m)?,
                iterations: to_u32(t)?,
                lanes: to_u32(p)?,
            };
            // Reading never enforces the creation minimums, only the absolute limits that
            // keep a damaged file from asking for terabytes of memory.
            params.validate(true).map_err(|e| damaged(&e.to_string()))?;
            if salt.len() != SALT_LEN {
                return Err(damaged("salt has the wrong length"));
            }
            if keyfile_check
                .as_ref()
                .is_some_and(|c| c.len() != KEYFILE_CHECK_LEN)
            {
                return Err(damaged("key-file check has the wrong length"));
            }
            slots.push(Keyslot {
                id,
                row_version: u64::try_from(row_version)
                    .map_err(|_| damaged("negative row version"))?,
                kdf: params,
                salt,
                keyfile_check,
                wrapped_dek,
            });
        }
        if slots.is_empty() && kind == KeyslotKind::Passphrase {
            return Err(StorageError::damaged(format!(
                "the vault has no {} keyslot",
                kind.as_str()
            )));
        }
        Ok(slots)
    }
}

/// Row versions are stored as SQLite integers; they never come near `i64::MAX`.
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
