//! Integration tests of the vault engine through its public API, on real SQLite files.
//!
//! One test binary (STYLE.md); each module under `tests/vault/` is one concern. Vaults
//! use `KdfParams::INSECURE_TEST` so that tests are fast; performance is measured only by
//! the benchmarks (`benches/vault.rs`, `docs/performance.md`), never by timed tests.
//! (A crate root's `mod` looks beside it, hence the `#[path]`s.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail by panicking, like the tests that call them; clippy.toml \
              allows it only inside #[test] functions"
)]

#[path = "vault/audit.rs"]
mod audit;
#[path = "vault/common.rs"]
mod common;
#[path = "vault/concurrency.rs"]
mod concurrency;
#[path = "vault/crash.rs"]
mod crash;
#[path = "vault/errors.rs"]
mod errors;
#[path = "vault/foreign_files.rs"]
mod foreign_files;
#[path = "vault/format_spec.rs"]
mod format_spec;
#[path = "vault/kits.rs"]
mod kits;
#[path = "vault/lifecycle.rs"]
mod lifecycle;
#[path = "vault/model.rs"]
mod model;
#[path = "vault/moved_rows.rs"]
mod moved_rows;
#[path = "vault/passphrase.rs"]
mod passphrase;
#[path = "vault/public_keys.rs"]
mod public_keys;
#[path = "vault/reminders.rs"]
mod reminders;
#[path = "vault/round_trip.rs"]
mod round_trip;
#[path = "vault/secrets.rs"]
mod secrets;
#[path = "vault/tamper.rs"]
mod tamper;
#[path = "vault/vault_recovery.rs"]
mod vault_recovery;

use std::sync::Arc;

use keywarden_core::{
    Algorithm, KeyFile, LockedVault, NewKey, OpenError, SystemClock, UnlockError,
};

use common::{create, open, pass};

#[test]
fn create_generate_reopen_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let id = vault
        .generate_key(NewKey {
            notes: "n".into(),
            tags: vec!["prod".into()],
            ..NewKey::new("Backup", Algorithm::Aes256)
        })
        .unwrap()
        .id;
    let material = vault.key_material(&id, None).unwrap();
    assert_eq!(material.len(), 32);
    drop(vault);

    let locked = open(&path);
    assert!(!locked.requires_key_file().unwrap());
    let vault = locked
        .unlock(&pass("correct horse battery staple"), None)
        .unwrap();
    let listed = vault.list("");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "Backup");
    assert_eq!(listed[0].tags, vec!["prod"]);
    assert_eq!(vault.key_material(&id, None).unwrap(), material);
}

#[test]
fn wrong_passphrase_and_key_file_errors_are_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let kf = KeyFile::generate(&dir.path().join("key")).unwrap();
    let other = KeyFile::generate(&dir.path().join("other")).unwrap();
    drop(create(&path, Some(&kf)));
    let locked = open(&path);
    assert!(locked.requires_key_file().unwrap());
    let f = locked
        .unlock(&pass("wrong passphrase!!"), Some(&kf))
        .unwrap_err();
    assert!(matches!(f.error, UnlockError::WrongPassphrase));
    let f = f
        .vault
        .unlock(&pass("correct horse battery staple"), None)
        .unwrap_err();
    assert!(matches!(f.error, UnlockError::KeyFileRequired));
    let f = f
        .vault
        .unlock(&pass("correct horse battery staple"), Some(&other))
        .unwrap_err();
    assert!(matches!(f.error, UnlockError::WrongKeyFile));
    f.vault
        .unlock(&pass("correct horse battery staple"), Some(&kf))
        .unwrap();
}

#[test]
fn second_process_handle_is_refused_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let _vault = create(&path, None);
    let err = LockedVault::open(&path, Arc::new(SystemClock)).unwrap_err();
    assert!(
        matches!(err, OpenError::Storage(keywarden_core::StorageError::Busy)),
        "{err:?}"
    );
}
