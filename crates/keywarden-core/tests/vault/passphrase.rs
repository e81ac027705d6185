//! Changing the passphrase: the new one works, the old one stops working, records stay,
//! and a change that fails changes nothing.

use std::path::Path;

use keywarden_core::{Algorithm, ChangePassphraseError, KeyFile, UnlockError, UnlockedVault};

use crate::common::{
    PASSPHRASE, SYMMETRIC, WRONG, create, materials, new_key, open, pass, records,
};

const NEW: &str = "a brand new passphrase";

fn unlock_error(path: &Path, passphrase: &str, key_file: Option<&KeyFile>) -> UnlockError {
    open(path)
        .unlock(&pass(passphrase), key_file)
        .unwrap_err()
        .error
}

fn unlock_with(path: &Path, passphrase: &str, key_file: Option<&KeyFile>) -> UnlockedVault {
    open(path).unlock(&pass(passphrase), key_file).unwrap()
}

/// The passphrase keyslot's salt, wrapped key and row version, read from the closed file.
fn keyslot(path: &Path) -> (Vec<u8>, Vec<u8>, i64) {
    crate::common::with_sql(path, |c| {
        c.query_row(
            "SELECT salt, wrapped_dek, row_version FROM keyslot",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    })
}

fn vault_with_keys(path: &Path, key_file: Option<&KeyFile>) -> UnlockedVault {
    let mut vault = create(path, key_file);
    for (i, a) in SYMMETRIC.into_iter().enumerate() {
        vault.generate_key(new_key(&format!("k{i}"), a)).unwrap();
    }
    vault
}

#[test]
fn change_passphrase_switches_the_passphrase_and_keeps_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = vault_with_keys(&path, None);
    let before = records(&vault);
    let before_material = materials(&vault);
    vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass(NEW))
        .unwrap();
    // The handle stays usable and can write after the change.
    vault
        .generate_key(new_key("after", Algorithm::Aes128))
        .unwrap();
    vault
        .delete_key(&vault.find("after").unwrap().id.clone())
        .unwrap();
    drop(vault);

    assert!(matches!(
        unlock_error(&path, PASSPHRASE, None),
        UnlockError::WrongPassphrase
    ));
    let vault = unlock_with(&path, NEW, None);
    assert_eq!(records(&vault), before);
    assert_eq!(materials(&vault), before_material);

    // And back again, through lock() rather than a reopen.
    let mut vault = vault;
    vault
        .change_passphrase(&pass(NEW), None, &pass(PASSPHRASE))
        .unwrap();
    let locked = vault.lock();
    let f = locked.unlock(&pass(NEW), None).unwrap_err();
    assert!(matches!(f.error, UnlockError::WrongPassphrase));
    let vault = f.vault.unlock(&pass(PASSPHRASE), None).unwrap();
    assert_eq!(records(&vault), before);
}

#[test]
fn change_passphrase_with_a_key_file_keeps_the_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let kf = KeyFile::generate(&dir.path().join("key")).unwrap();
    let other = KeyFile::generate(&dir.path().join("other")).unwrap();
    let mut vault = vault_with_keys(&path, Some(&kf));
    let before = records(&vault);

    // The current key file is checked too.
    let err = vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass(NEW))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChangePassphraseError::Current(UnlockError::KeyFileRequired)
        ),
        "{err:?}"
    );
    let err = vault
        .change_passphrase(&pass(PASSPHRASE), Some(&other), &pass(NEW))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChangePassphraseError::Current(UnlockError::WrongKeyFile)
        ),
        "{err:?}"
    );
    vault
        .change_passphrase(&pass(PASSPHRASE), Some(&kf), &pass(NEW))
        .unwrap();
    drop(vault);

    assert!(matches!(
        unlock_error(&path, NEW, None),
        UnlockError::KeyFileRequired
    ));
    assert!(matches!(
        unlock_error(&path, NEW, Some(&other)),
        UnlockError::WrongKeyFile
    ));
    assert!(matches!(
        unlock_error(&path, PASSPHRASE, Some(&kf)),
        UnlockError::WrongPassphrase
    ));
    assert_eq!(records(&unlock_with(&path, NEW, Some(&kf))), before);
}

#[test]
fn a_failed_change_leaves_the_old_passphrase_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    drop(vault_with_keys(&path, None));
    let keyslot_before = keyslot(&path);
    let mut vault = unlock_with(&path, PASSPHRASE, None);
    let before = records(&vault);

    let err = vault
        .change_passphrase(&pass(WRONG), None, &pass(NEW))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChangePassphraseError::Current(UnlockError::WrongPassphrase)
        ),
        "{err:?}"
    );
    for weak in ["short", "", "            "] {
        let err = vault
            .change_passphrase(&pass(PASSPHRASE), None, &pass(weak))
            .unwrap_err();
        assert!(
            matches!(err, ChangePassphraseError::WeakPassphrase),
            "{weak:?}: {err:?}"
        );
    }
    // Weak and wrong at once: neither is applied.
    assert!(
        vault
            .change_passphrase(&pass(WRONG), None, &pass("short"))
            .is_err()
    );
    // A key file for a vault without one.
    let kf = KeyFile::generate(&dir.path().join("key")).unwrap();
    let err = vault
        .change_passphrase(&pass(PASSPHRASE), Some(&kf), &pass(NEW))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ChangePassphraseError::Current(UnlockError::KeyFileNotUsed)
        ),
        "{err:?}"
    );
    // The in-memory vault still works after the failures.
    assert_eq!(records(&vault), before);
    drop(vault);

    assert_eq!(
        keyslot(&path),
        keyslot_before,
        "no failed change wrote the keyslot"
    );
    for attempted in [NEW, "short"] {
        assert!(matches!(
            unlock_error(&path, attempted, None),
            UnlockError::WrongPassphrase
        ));
    }
    assert_eq!(records(&unlock_with(&path, PASSPHRASE, None)), before);
}

#[test]
fn changing_to_the_same_passphrase_still_rewrites_the_salt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    drop(create(&path, None));
    let (salt1, wrapped1, v1) = keyslot(&path);
    let mut vault = unlock_with(&path, PASSPHRASE, None);
    vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass(PASSPHRASE))
        .unwrap();
    drop(vault);
    let (salt2, wrapped2, v2) = keyslot(&path);
    assert_ne!(salt1, salt2, "a fresh salt on every rewrite");
    assert_ne!(wrapped1, wrapped2);
    assert_eq!(v2, v1 + 1);
    unlock_with(&path, PASSPHRASE, None);
}

#[test]
fn after_a_change_a_copy_of_the_main_file_does_not_open_with_the_old_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = vault_with_keys(&path, None);
    vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass(NEW))
        .unwrap();
    // The app stays open; a sync tool copies the vault file (not its -wal).
    let copy = dir.path().join("synced.keywarden");
    std::fs::copy(&path, &copy).unwrap();
    drop(vault);
    let outcome = open(&copy).unlock(&pass(PASSPHRASE), None).map(drop);
    assert!(
        matches!(&outcome, Err(f) if matches!(f.error, UnlockError::WrongPassphrase)),
        "the old passphrase still opens a copy of the main file: {outcome:?}"
    );
}

#[test]
fn after_a_change_and_close_the_old_keyslot_is_gone_from_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    drop(vault_with_keys(&path, None));
    let (old_salt, old_wrapped, _) = keyslot(&path);
    let mut vault = unlock_with(&path, PASSPHRASE, None);
    vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass(NEW))
        .unwrap();
    drop(vault);
    let bytes = std::fs::read(&path).unwrap();
    for (what, old) in [("salt", &old_salt), ("wrapped data key", &old_wrapped)] {
        assert!(
            !bytes.windows(old.len()).any(|w| w == old.as_slice()),
            "the old {what} is still in the file"
        );
    }
}
