//! The SQLite schema of vault format v1, the connection settings, and the header check
//! that tells a vault from any other file without letting SQLite touch it.

use std::fs;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{OpenError, StorageError};

/// `PRAGMA application_id` of a vault: "KWDV" in ASCII.
pub const APPLICATION_ID: u32 = 0x4B57_4456;
/// `PRAGMA user_version` of a vault: the format version.
pub const FORMAT_VERSION: u32 = 1;

/// Table names, as used in the associated data of sealed values.
pub(crate) mod table {
    pub const KEYSLOT: &str = "keyslot";
    pub const KEY: &str = "key";
    pub const KEY_VERSION: &str = "key_version";
    pub const SETTING: &str = "setting";
    pub const AUDIT: &str = "audit";
}

/// The whole schema of format v1. `STRICT` tables: SQLite refuses a value of the wrong
/// type instead of storing it.
pub(crate) const SCHEMA_V1: &str = "
CREATE TABLE vault (
    singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
    vault_id    BLOB NOT NULL CHECK (length(vault_id) = 16),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE keyslot (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    row_version   INTEGER NOT NULL,
    kdf           TEXT NOT NULL,
    kdf_memory_kib INTEGER NOT NULL,
    kdf_iterations INTEGER NOT NULL,
    kdf_lanes     INTEGER NOT NULL,
    salt          BLOB NOT NULL,
    keyfile_check BLOB,
    wrapped_dek   BLOB NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE key (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    meta        BLOB NOT NULL
) STRICT;

CREATE TABLE key_version (
    key_id      TEXT NOT NULL REFERENCES key(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    material    BLOB NOT NULL,
    PRIMARY KEY (key_id, version)
) STRICT;

CREATE TABLE setting (
    name        TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    value       BLOB NOT NULL
) STRICT;

CREATE TABLE audit (
    seq         INTEGER PRIMARY KEY,
    entry       BLOB NOT NULL,
    mac         BLOB NOT NULL CHECK (length(mac) = 32)
) STRICT;
";

/// Indexes that hold exactly what the row digest reads ([`crate::audit`]), so that it
/// walks two small indexes instead of looking up every row: at 10,000 keys, about 5 ms
/// instead of 30, at every unlock and every change. Not part of the format: a reader
/// needs none, and a vault made before them gets them at its next unlock.
pub(crate) const ROW_INDEXES: &str = "
CREATE INDEX IF NOT EXISTS key_row ON key (id, row_version);
CREATE INDEX IF NOT EXISTS key_version_row ON key_version (key_id, version, row_version);
";

/// Reads the 100-byte SQLite header and checks that the file is a Keywarden vault of a
/// version this code reads, then takes the vault's advisory lock. The file is opened
/// read-only by the operating system, never by SQLite, so a foreign file is left exactly
/// as it was.
///
/// The returned file holds the lock (an exclusive `flock`) until it is dropped; keep it
/// open for as long as the SQLite connection, and close it after the connection.
///
/// # Errors
/// [`OpenError::NotFound`], [`OpenError::NotAVault`], [`OpenError::Unsupported`], or
/// [`StorageError::Busy`] when another handle holds the vault.
pub(crate) fn check_header(path: &Path) -> Result<fs::File, OpenError> {
    let not_a_vault = |reason| OpenError::NotAVault {
        path: path.to_owned(),
        reason,
    };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(OpenError::NotFound {
                path: path.to_owned(),
            });
        }
        Err(e) => {
            return Err(OpenError::Storage(StorageError::Io {
                reason: e.to_string(),
            }));
        }
    };
    if meta.is_dir() {
        return Err(not_a_vault("it is a directory"));
    }
    if meta.len() == 0 {
        return Err(not_a_vault("the file is empty"));
    }
    let mut header = [0u8; 100];
    let mut file = fs::File::open(path).map_err(|e| StorageError::Io {
        reason: e.to_string(),
    })?;
    if file.read_exact(&mut header).is_err() {
        return Err(not_a_vault("the file is too short to be a vault"));
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err(not_a_vault("it is not an SQLite database"));
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    if be32(68) != APPLICATION_ID {
        return Err(not_a_vault(
            "it is an SQLite database of another application",
        ));
    }
    match be32(60) {
        // Vaults are always in WAL mode (header bytes 18 and 19 are 2); refusing others
        // here keeps SQLite from rewriting the header of a file that only looks like one.
        FORMAT_VERSION if header[18] == 2 && header[19] == 2 => {}
        FORMAT_VERSION => return Err(not_a_vault("its journal is not a vault's")),
        0 => return Err(not_a_vault("its creation was never completed")),
        v => {
            return Err(OpenError::Unsupported {
                found: i64::from(v),
            });
        }
    }
    lock(&file)?;
    Ok(file)
}

/// Takes the exclusive advisory lock that makes one handle per vault the rule.
///
/// SQLite's own exclusive locking mode is kept as well, but two connections that start
/// at the same moment can both take its shared lock and then both fail to upgrade it, so
/// neither would win. An exclusive `flock` is all-or-nothing: exactly one racer gets it.
fn lock(file: &fs::File) -> Result<(), StorageError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => Err(StorageError::Busy),
        Err(fs::TryLockError::Error(e)) => Err(StorageError::Io {
            reason: e.to_string(),
        }),
    }
}

/// Opens an existing file with the vault's connection settings.
pub(crate) fn connect(path: &Path, create: bool) -> Result<Connection, StorageError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    // A held lock means another process has the vault: say so at once, do not wait.
    conn.busy_timeout(std::time::Duration::ZERO)?;
    // One process per vault: the exclusive lock is taken at the first access and held
    // until the connection closes, so a second app or CLI gets `Busy`, not stale data.
    let _: String =
        conn.pragma_update_and_check(None, "locking_mode", "EXCLUSIVE", |r| r.get(0))?;
    let _: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    Ok(conn)
}

/// Runs SQLite's structural check.
pub(crate) fn quick_check(conn: &Connection) -> Result<(), StorageError> {
    let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if verdict == "ok" {
        Ok(())
    } else {
        Err(StorageError::damaged(format!("SQLite check: {verdict}")))
    }
}
