//! Per-vault preferences, and the sealed rows of the `setting` table that hold them, the
//! policy and the audit head.

use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{RecordError, StorageError};
use crate::schema::table;
use crate::seal::{self, Place};
use crate::secret::SymmetricKey;

/// Preferences stored in the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Minutes without activity after which the app locks the vault.
    #[serde(default = "default_auto_lock")]
    pub auto_lock_minutes: u32,
    /// Seconds after which the app empties the clipboard it copied a secret to.
    #[serde(default = "default_clipboard_clear")]
    pub clipboard_clear_seconds: u32,
}

/// The row name under which [`Settings`] are stored.
pub(crate) const SETTINGS_ROW: &str = "preferences";

/// Default idle time before the app locks itself.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
/// Longest idle time a person may choose (one day).
pub const MAX_AUTO_LOCK_MINUTES: u32 = 24 * 60;

/// Default time a copied secret stays on the clipboard.
pub const DEFAULT_CLIPBOARD_CLEAR_SECONDS: u32 = 30;
/// Shortest time a person may choose: enough to paste once.
pub const MIN_CLIPBOARD_CLEAR_SECONDS: u32 = 5;
/// Longest time a person may choose (ten minutes): a secret is not left on the clipboard.
pub const MAX_CLIPBOARD_CLEAR_SECONDS: u32 = 600;

fn default_auto_lock() -> u32 {
    DEFAULT_AUTO_LOCK_MINUTES
}

fn default_clipboard_clear() -> u32 {
    DEFAULT_CLIPBOARD_CLEAR_SECONDS
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_minutes: DEFAULT_AUTO_LOCK_MINUTES,
            clipboard_clear_seconds: DEFAULT_CLIPBOARD_CLEAR_SECONDS,
        }
    }
}

impl Settings {
    /// Checks every field.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] naming the field.
    pub fn validate(&self) -> Result<(), RecordError> {
        if !(1..=MAX_AUTO_LOCK_MINUTES).contains(&self.auto_lock_minutes) {
            return Err(RecordError::Invalid {
                field: "auto-lock minutes",
                reason: format!("must be between 1 and {MAX_AUTO_LOCK_MINUTES}"),
            });
        }
        let clipboard = MIN_CLIPBOARD_CLEAR_SECONDS..=MAX_CLIPBOARD_CLEAR_SECONDS;
        if !clipboard.contains(&self.clipboard_clear_seconds) {
            return Err(RecordError::Invalid {
                field: "clipboard clear seconds",
                reason: format!(
                    "must be between {MIN_CLIPBOARD_CLEAR_SECONDS} and {MAX_CLIPBOARD_CLEAR_SECONDS}"
                ),
            });
        }
        Ok(())
    }
}

/// One sealed row of the `setting` table: its name, the key that seals it, and the
/// vault it belongs to (bound into the seal with the row version).
pub(crate) struct SettingRow<'a> {
    pub name: &'a str,
    pub key: &'a SymmetricKey,
    pub vault_id: &'a [u8; 16],
}

impl SettingRow<'_> {
    fn place(&self, row_version: u64) -> Place<'_> {
        Place {
            vault_id: self.vault_id,
            table: table::SETTING,
            row_id: self.name,
            row_version,
        }
    }

    /// Reads, opens and decodes the row: `None` when there is none.
    pub(crate) fn read<T: DeserializeOwned>(
        &self,
        conn: &Connection,
    ) -> Result<Option<(T, u64)>, StorageError> {
        let row: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT row_version, value FROM setting WHERE name = ?1",
                [self.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((version, blob)) = row else {
            return Ok(None);
        };
        let damaged = |what: &str| StorageError::damaged(format!("the {} {what}", self.name));
        let version = u64::try_from(version).map_err(|_| damaged("has a negative version"))?;
        let plain = seal::open(self.key, &self.place(version), &blob)
            .map_err(|_| damaged("failed authentication"))?;
        let value =
            crate::vault::decode_cbor(&plain).ok_or_else(|| damaged("cannot be decoded"))?;
        Ok(Some((value, version)))
    }

    /// `value` sealed for version `row_version` of this row.
    pub(crate) fn seal<T: Serialize>(
        &self,
        row_version: u64,
        value: &T,
    ) -> Result<Vec<u8>, StorageError> {
        Ok(seal::seal(
            self.key,
            &self.place(row_version),
            &crate::vault::encode_cbor(value)?,
        ))
    }

    /// Seals and writes `value` as version `previous + 1` (see [`store`]).
    pub(crate) fn write<T: Serialize>(
        &self,
        conn: &Connection,
        previous: u64,
        value: &T,
    ) -> Result<u64, StorageError> {
        let blob = self.seal(previous + 1, value)?;
        store(conn, self.name, previous, &blob)
    }
}

/// Writes a sealed setting row as version `previous + 1`: an insert when `previous` is 0,
/// otherwise a compare-and-set on `previous`. Returns the new version.
pub(crate) fn store(
    conn: &Connection,
    name: &str,
    previous: u64,
    blob: &[u8],
) -> Result<u64, StorageError> {
    let next = previous + 1;
    let (next_i, previous_i) = (
        i64::try_from(next).unwrap_or(i64::MAX),
        i64::try_from(previous).unwrap_or(i64::MAX),
    );
    let changed = if previous == 0 {
        conn.execute(
            "INSERT INTO setting (name, row_version, value) VALUES (?1, ?2, ?3)",
            params![name, next_i, blob],
        )?
    } else {
        conn.execute(
            "UPDATE setting SET row_version = ?1, value = ?2 WHERE name = ?3 AND row_version = ?4",
            params![next_i, blob, name, previous_i],
        )?
    };
    if changed != 1 {
        return Err(StorageError::damaged(format!(
            "the {name} changed underneath"
        )));
    }
    Ok(next)
}
