//! Helpers shared by the integration tests: vault fixtures, file snapshots, raw SQL access.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::tz::TimeZone;

use keywarden_core::{
    Algorithm, Clock, FixedClock, KdfParams, KeyFile, KeyId, KeyRecord, LockedVault, NewKey,
    Passphrase, Timestamp, UnlockedVault,
};

/// The algorithms whose keys are raw bytes of a fixed length.
pub const SYMMETRIC: [Algorithm; 5] = [
    Algorithm::Aes256,
    Algorithm::Aes128,
    Algorithm::ChaCha20,
    Algorithm::HmacSha256,
    Algorithm::HmacSha512,
];

/// The passphrase of every test vault.
pub const PASSPHRASE: &str = "correct horse battery staple";
/// A passphrase that is long enough but wrong.
pub const WRONG: &str = "incorrect horse battery staple";

pub fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned())
}

/// A clock fixed on a whole second, so that records compare equal across a reopen.
pub fn clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock(Timestamp::from_second(1_790_000_000).unwrap()))
}

/// A clock that tests move forward by hand, in UTC unless it is started elsewhere.
#[derive(Debug)]
pub struct ManualClock(std::sync::Mutex<Timestamp>, TimeZone);

impl ManualClock {
    /// Starts where [`clock`] stands.
    pub fn new() -> Arc<Self> {
        Self::at(
            Timestamp::from_second(1_790_000_000).unwrap(),
            TimeZone::UTC,
        )
    }

    /// Starts at `now`, counting days in `tz`.
    pub fn at(now: Timestamp, tz: TimeZone) -> Arc<Self> {
        Arc::new(ManualClock(std::sync::Mutex::new(now), tz))
    }

    /// Moves the clock forward by whole days.
    pub fn advance_days(&self, days: i64) {
        let mut t = self.0.lock().unwrap();
        *t = t
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .unwrap();
    }

    /// Moves the clock forward by seconds.
    pub fn advance_seconds(&self, seconds: i64) {
        let mut t = self.0.lock().unwrap();
        *t = t
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .unwrap();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }

    fn time_zone(&self) -> TimeZone {
        self.1.clone()
    }
}

/// A vault at `path` whose clock the test controls.
pub fn create_with_clock(path: &Path, clock: Arc<ManualClock>) -> UnlockedVault {
    LockedVault::create(
        path,
        &pass(PASSPHRASE),
        None,
        KdfParams::INSECURE_TEST,
        true,
        clock,
    )
    .unwrap()
}

/// Unlocks the vault at `path` on `clock`.
pub fn unlock_with(path: &Path, clock: Arc<ManualClock>) -> UnlockedVault {
    LockedVault::open(path, clock)
        .unwrap()
        .unlock(&pass(PASSPHRASE), None)
        .unwrap()
}

pub fn create(path: &Path, key_file: Option<&KeyFile>) -> UnlockedVault {
    LockedVault::create(
        path,
        &pass(PASSPHRASE),
        key_file,
        KdfParams::INSECURE_TEST,
        true,
        clock(),
    )
    .unwrap()
}

pub fn open(path: &Path) -> LockedVault {
    LockedVault::open(path, clock()).unwrap()
}

pub fn unlock(path: &Path, key_file: Option<&KeyFile>) -> UnlockedVault {
    open(path).unlock(&pass(PASSPHRASE), key_file).unwrap()
}

pub fn new_key(name: &str, algorithm: Algorithm) -> NewKey {
    NewKey::new(name, algorithm)
}

/// Every record, sorted as `list("")` sorts them, cloned.
pub fn records(vault: &UnlockedVault) -> Vec<KeyRecord> {
    vault.list("").into_iter().cloned().collect()
}

/// The current material of every key, as plain bytes (test code may copy secrets).
pub fn materials(vault: &UnlockedVault) -> Vec<(KeyId, Vec<u8>)> {
    vault
        .list("")
        .iter()
        .map(|r| {
            let m = vault.key_material(&r.id, None).unwrap();
            (r.id, m.expose_secret().to_vec())
        })
        .collect()
}

/// File names in `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// SQLite's companion files of `path` that exist (`-wal`, `-shm`, `-journal`).
pub fn sidecars(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .filter(|p| fs::symlink_metadata(p).is_ok())
        .collect()
}

/// A raw SQLite connection to a closed vault, for inspecting or tampering with it.
/// Foreign keys stay off, as in any tool an attacker would use.
pub fn sql(path: &Path) -> rusqlite::Connection {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)
            .unwrap();
    // The bundled SQLite turns foreign keys on by default; the sqlite3 shell does not.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    conn
}

/// Runs `f` on a raw connection to the closed vault and closes it, so that the WAL is
/// folded back and the engine sees the change.
pub fn with_sql<T>(path: &Path, f: impl FnOnce(&rusqlite::Connection) -> T) -> T {
    let conn = sql(path);
    let out = f(&conn);
    conn.close().map_err(|(_, e)| e).unwrap();
    out
}

/// `PRAGMA integrity_check` through a separate connection.
pub fn integrity_check(path: &Path) -> String {
    with_sql(path, |c| {
        c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap()
    })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A small deterministic generator (SplitMix64), so that random choices in tests repeat.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}
