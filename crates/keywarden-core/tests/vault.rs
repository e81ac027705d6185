//! Integration tests of the vault engine through its public API, on real SQLite files.

use std::path::Path;
use std::sync::Arc;

use keywarden_core::{
    Algorithm, KdfParams, KeyFile, LockedVault, NewKey, OpenError, Passphrase, SystemClock,
    UnlockError, UnlockedVault,
};

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned())
}

fn create(path: &Path, key_file: Option<&KeyFile>) -> UnlockedVault {
    LockedVault::create(
        path,
        &pass("correct horse battery staple"),
        key_file,
        KdfParams::INSECURE_TEST,
        true,
        Arc::new(SystemClock),
    )
    .unwrap()
}

fn open(path: &Path) -> LockedVault {
    LockedVault::open(path, Arc::new(SystemClock)).unwrap()
}

#[test]
fn create_generate_reopen_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let id = vault
        .generate_key(NewKey {
            name: "Backup".into(),
            algorithm: Algorithm::Aes256,
            notes: "n".into(),
            tags: vec!["prod".into()],
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
