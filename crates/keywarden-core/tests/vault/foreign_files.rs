//! Foreign and broken files: each gives its own `OpenError`, and the file is left
//! byte-for-byte as it was, with no `-wal`, `-shm` or `-journal` made beside it.

use std::fs;
use std::path::Path;

use keywarden_core::{LockedVault, OpenError, StorageError, UnlockError};
use sha2::{Digest, Sha256};

use crate::common::{PASSPHRASE, clock, names_in, pass, sidecars, with_sql};
use crate::tamper::{Fixture, Outcome};

/// The SQLite header's `application_id` of a vault ("KWDV").
const APPLICATION_ID: i64 = 0x4B57_4456;

/// The SHA-256 of a regular file's content (`None` for anything else: reading a FIFO
/// would block).
fn digest(path: &Path) -> Option<[u8; 32]> {
    fs::metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .and_then(|_| fs::read(path).ok())
        .map(|b| Sha256::digest(&b).into())
}

/// Opens `path`, expects an error accepted by `expected`, and checks that neither the
/// file nor its directory changed.
fn refused_unchanged(path: &Path, expected: fn(&OpenError) -> bool) -> OpenError {
    let dir = path.parent().unwrap();
    let names = names_in(dir);
    let before = digest(path);
    let len = fs::metadata(path).ok().map(|m| m.len());
    let err = match LockedVault::open(path, clock()) {
        Ok(v) => panic!("{path:?} opened: {v:?}"),
        Err(e) => e,
    };
    // The file first: a wrong error kind is bad, a modified file is worse.
    assert_eq!(digest(path), before, "{path:?} was modified ({err:?})");
    assert_eq!(fs::metadata(path).ok().map(|m| m.len()), len);
    assert!(sidecars(path).is_empty(), "{:?}", sidecars(path));
    assert_eq!(names_in(dir), names, "files appeared beside {path:?}");
    assert!(expected(&err), "{path:?}: unexpected {err:?}");
    err
}

fn not_a_vault(e: &OpenError) -> bool {
    matches!(e, OpenError::NotAVault { .. })
}

fn damaged_or_not_a_vault(e: &OpenError) -> bool {
    matches!(
        e,
        OpenError::NotAVault { .. } | OpenError::Storage(StorageError::Damaged { .. })
    )
}

/// An SQLite database with a table and a row, with these header fields.
fn sqlite_file(path: &Path, application_id: i64, user_version: i64) {
    let c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
                     INSERT INTO notes (body) VALUES ('hello');",
    )
    .unwrap();
    c.pragma_update(None, "application_id", application_id)
        .unwrap();
    c.pragma_update(None, "user_version", user_version).unwrap();
    c.close().unwrap();
}

#[test]
fn a_foreign_sqlite_database_is_not_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    sqlite_file(&path, 0, 0);
    refused_unchanged(&path, not_a_vault);
    // Another application's id, and a WAL-mode database of another application.
    let other_app = dir.path().join("other-app.db");
    sqlite_file(&other_app, 0x1234_5678, 1);
    refused_unchanged(&other_app, not_a_vault);
    let wal = dir.path().join("wal.db");
    sqlite_file(&wal, 0, 1);
    with_sql(&wal, |c| {
        let _: String = c
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .unwrap();
    });
    refused_unchanged(&wal, not_a_vault);
}

#[test]
fn a_newer_format_is_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.keywarden");
    sqlite_file(&path, APPLICATION_ID, 2);
    let err = refused_unchanged(&path, |e| matches!(e, OpenError::Unsupported { found: 2 }));
    assert!(err.to_string().contains('2'), "{err}");
    let path = dir.path().join("v-huge.keywarden");
    sqlite_file(&path, APPLICATION_ID, i64::from(u32::MAX >> 1));
    refused_unchanged(&path, |e| matches!(e, OpenError::Unsupported { .. }));
}

#[test]
fn an_unfinished_creation_is_not_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.keywarden");
    sqlite_file(&path, APPLICATION_ID, 0);
    refused_unchanged(&path, not_a_vault);
}

#[test]
fn text_empty_binary_and_directory_are_not_vaults() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    fs::write(
        &text,
        "SQLite format 3 is what this text file talks about.\n".repeat(10),
    )
    .unwrap();
    refused_unchanged(&text, not_a_vault);
    let empty = dir.path().join("empty");
    fs::write(&empty, b"").unwrap();
    refused_unchanged(&empty, not_a_vault);
    let zeros = dir.path().join("zeros");
    fs::write(&zeros, vec![0u8; 8192]).unwrap();
    refused_unchanged(&zeros, not_a_vault);
    // Only the magic, nothing after it.
    let magic = dir.path().join("magic");
    fs::write(&magic, b"SQLite format 3\0").unwrap();
    refused_unchanged(&magic, not_a_vault);
    let subdir = dir.path().join("a-directory.keywarden");
    fs::create_dir(&subdir).unwrap();
    refused_unchanged(&subdir, not_a_vault);
}

#[test]
fn a_fifo_is_not_a_vault_and_open_does_not_block_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; skipped");
        return;
    }
    refused_unchanged(&fifo, not_a_vault);
}

#[test]
fn a_missing_path_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let err = LockedVault::open(&dir.path().join("missing"), clock()).unwrap_err();
    assert!(matches!(err, OpenError::NotFound { .. }), "{err:?}");
    assert!(names_in(dir.path()).is_empty());
}

#[test]
fn truncated_vaults_are_refused_unchanged() {
    let fx = Fixture::new(false);
    let len = fx.pristine.len();
    let page = 4096;
    assert!(
        len >= 4 * page,
        "the fixture has several pages ({len} bytes)"
    );
    assert_eq!(len % page, 0);
    let dir = tempfile::tempdir().unwrap();
    // Cut at the header or on a page boundary: refused when the file is opened.
    let mut cuts = vec![0, 1, 16, 99, 100, page, len / 2];
    cuts.extend((1..len / page).map(|k| k * page));
    for cut in cuts {
        let path = dir.path().join(format!("cut-{cut}.keywarden"));
        fs::write(&path, &fx.pristine[..cut]).unwrap();
        refused_unchanged(&path, damaged_or_not_a_vault);
        fs::remove_file(&path).unwrap();
    }
    // Cut inside the last page: SQLite reads the missing tail as zeros, so the damage may
    // only show when a record is read. It must still never give different data.
    for cut in [len - 1, len - 100, len - page + 1] {
        fs::write(&fx.path, &fx.pristine[..cut]).unwrap();
        let outcome = fx.attempt();
        // A refusal leaves the file as it was; an unlock that went through (the cut
        // only removed unused space) appends to the audit log, so only then may it grow.
        if !matches!(outcome, Outcome::Accepted { .. }) {
            assert_eq!(fs::metadata(&fx.path).unwrap().len(), cut as u64);
        }
        assert!(
            !matches!(outcome, Outcome::Accepted { identical: false }),
            "cut {cut}: {outcome:?}"
        );
        assert!(sidecars(&fx.path).is_empty());
    }
    fx.restore();
}

#[test]
fn a_vault_with_a_zeroed_page_is_refused_unchanged() {
    // The brief's case is the middle page; every page after the first (which holds the
    // header, and so is "not a vault") is tried.
    let fx = Fixture::new(false);
    let page = 4096;
    let pages = fx.pristine.len() / page;
    let dir = tempfile::tempdir().unwrap();
    let mut accepted = Vec::new();
    for n in 0..pages {
        let mut bytes = fx.pristine.clone();
        bytes[n * page..(n + 1) * page].fill(0);
        let path = dir.path().join(format!("zeroed-{n}.keywarden"));
        fs::write(&path, &bytes).unwrap();
        let before = digest(&path);
        match LockedVault::open(&path, clock()) {
            Err(e) => assert!(damaged_or_not_a_vault(&e), "page {n}: {e:?}"),
            Ok(locked) => {
                // quick_check missed it; unlocking must still refuse.
                match locked.unlock(&pass(PASSPHRASE), None) {
                    Err(f) => assert!(
                        matches!(f.error, UnlockError::Storage(StorageError::Damaged { .. })),
                        "page {n}: {:?}",
                        f.error
                    ),
                    Ok(_) => accepted.push(n),
                }
            }
        }
        assert_eq!(digest(&path), before, "page {n}: file modified");
        assert!(sidecars(&path).is_empty(), "page {n}");
        fs::remove_file(&path).unwrap();
    }
    assert!(
        accepted.is_empty(),
        "zeroed pages {accepted:?} of {pages} unlocked"
    );
    // The brief's case on its own: the middle page is refused at open.
    let mut bytes = fx.pristine.clone();
    bytes[pages / 2 * page..(pages / 2 + 1) * page].fill(0);
    let path = dir.path().join("middle.keywarden");
    fs::write(&path, &bytes).unwrap();
    refused_unchanged(&path, damaged_or_not_a_vault);
}

#[test]
fn a_file_with_a_vault_header_but_no_vault_tables_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hollow.keywarden");
    sqlite_file(&path, APPLICATION_ID, 1);
    refused_unchanged(&path, damaged_or_not_a_vault);
}

#[test]
fn a_vault_missing_a_table_is_damaged() {
    for table in ["key", "key_version", "setting", "keyslot", "vault"] {
        let fx = Fixture::new(false);
        with_sql(&fx.path, |c| {
            c.execute_batch(&format!("PRAGMA foreign_keys = OFF; DROP TABLE {table};"))
                .unwrap();
        });
        let outcome = fx.attempt();
        assert!(
            crate::tamper::damaged_at_open(&outcome)
                || crate::tamper::damaged_at_unlock(&outcome)
                || crate::tamper::damaged_material(&outcome),
            "without table {table}: {outcome:?}"
        );
    }
}
