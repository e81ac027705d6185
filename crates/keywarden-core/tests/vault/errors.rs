//! Each failure of create and unlock has its own error, and a failed create leaves
//! nothing behind.

use std::fs;
use std::path::Path;
use std::sync::{Arc, Barrier};

use keywarden_core::{
    CreateError, KdfError, KdfParams, KeyFile, LockedVault, OpenError, StorageError, UnlockError,
};

use crate::common::{PASSPHRASE, WRONG, clock, create, names_in, open, pass, sidecars};

fn try_create(
    path: &Path,
    passphrase: &str,
    key_file: Option<&KeyFile>,
) -> Result<keywarden_core::UnlockedVault, CreateError> {
    LockedVault::create(
        path,
        &pass(passphrase),
        key_file,
        KdfParams::INSECURE_TEST,
        true,
        clock(),
    )
}

#[test]
fn unlock_errors_name_the_factor_that_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let with_kf = dir.path().join("with-keyfile.keywarden");
    let without_kf = dir.path().join("plain.keywarden");
    let kf = KeyFile::generate(&dir.path().join("key")).unwrap();
    let other = KeyFile::generate(&dir.path().join("other")).unwrap();
    drop(create(&with_kf, Some(&kf)));
    drop(create(&without_kf, None));

    let locked = open(&without_kf);
    assert!(!locked.requires_key_file().unwrap());
    let f = locked.unlock(&pass(WRONG), None).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::WrongPassphrase),
        "{:?}",
        f.error
    );
    let f = f.vault.unlock(&pass(PASSPHRASE), Some(&kf)).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::KeyFileNotUsed),
        "{:?}",
        f.error
    );
    // Even with the wrong passphrase, an unexpected key file is named first.
    let f = f.vault.unlock(&pass(WRONG), Some(&kf)).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::KeyFileNotUsed),
        "{:?}",
        f.error
    );
    // The vault handed back after failures still unlocks.
    f.vault.unlock(&pass(PASSPHRASE), None).unwrap();

    let locked = open(&with_kf);
    assert!(locked.requires_key_file().unwrap());
    let f = locked.unlock(&pass(PASSPHRASE), None).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::KeyFileRequired),
        "{:?}",
        f.error
    );
    let f = f.vault.unlock(&pass(PASSPHRASE), Some(&other)).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::WrongKeyFile),
        "{:?}",
        f.error
    );
    let f = f.vault.unlock(&pass(WRONG), Some(&kf)).unwrap_err();
    assert!(
        matches!(f.error, UnlockError::WrongPassphrase),
        "{:?}",
        f.error
    );
    // A key file re-read from disk is the same key file.
    let reread = KeyFile::read(&dir.path().join("key")).unwrap();
    f.vault.unlock(&pass(PASSPHRASE), Some(&reread)).unwrap();
}

#[test]
fn a_key_file_with_one_byte_changed_is_the_wrong_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let kf_path = dir.path().join("key");
    let kf = KeyFile::generate(&kf_path).unwrap();
    drop(create(&path, Some(&kf)));
    let mut bytes = fs::read(&kf_path).unwrap();
    bytes[10] ^= 0x01;
    let changed_path = dir.path().join("changed");
    fs::write(&changed_path, &bytes).unwrap();
    let changed = KeyFile::read(&changed_path).unwrap();
    let f = open(&path)
        .unlock(&pass(PASSPHRASE), Some(&changed))
        .unwrap_err();
    assert!(
        matches!(f.error, UnlockError::WrongKeyFile),
        "{:?}",
        f.error
    );
}

#[test]
fn weak_passphrase_at_create_is_refused_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    for weak in ["", "short", "eleven char", "            ", "   padded   "] {
        let err = try_create(&path, weak, None).unwrap_err();
        assert!(
            matches!(err, CreateError::WeakPassphrase),
            "{weak:?}: {err:?}"
        );
    }
    assert!(
        names_in(dir.path()).is_empty(),
        "{:?}",
        names_in(dir.path())
    );
    // Exactly twelve characters (not bytes) is enough.
    drop(try_create(&path, "twelve chars", None).unwrap());
    drop(try_create(&dir.path().join("u.keywarden"), "ééééééééééé é", None).unwrap());
}

#[test]
fn insecure_kdf_parameters_are_refused_without_the_switch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let err = LockedVault::create(
        &path,
        &pass(PASSPHRASE),
        None,
        KdfParams::INSECURE_TEST,
        false,
        clock(),
    )
    .unwrap_err();
    assert!(
        matches!(err, CreateError::Kdf(KdfError::OutOfRange { .. })),
        "{err:?}"
    );
    // Out of the absolute range even with the switch.
    let err = LockedVault::create(
        &path,
        &pass(PASSPHRASE),
        None,
        KdfParams {
            lanes: 0,
            ..KdfParams::INSECURE_TEST
        },
        true,
        clock(),
    )
    .unwrap_err();
    assert!(
        matches!(err, CreateError::Kdf(KdfError::OutOfRange { .. })),
        "{err:?}"
    );
    assert!(
        names_in(dir.path()).is_empty(),
        "{:?}",
        names_in(dir.path())
    );
}

#[test]
fn create_over_an_existing_file_is_refused_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // An existing vault (closed), an ordinary file, an empty file, a directory and a
    // dangling symbolic link.
    let vault = dir.path().join("vault.keywarden");
    drop(create(&vault, None));
    let text = dir.path().join("notes.txt");
    fs::write(&text, "my notes\n").unwrap();
    let empty = dir.path().join("empty");
    fs::write(&empty, b"").unwrap();
    let subdir = dir.path().join("subdir");
    fs::create_dir(&subdir).unwrap();
    let dangling = dir.path().join("dangling");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();

    let before_names = names_in(dir.path());
    for path in [&vault, &text, &empty, &subdir, &dangling] {
        let before = fs::read(path).ok();
        let err = try_create(path, PASSPHRASE, None).unwrap_err();
        assert!(
            matches!(err, CreateError::Exists { .. }),
            "{path:?}: {err:?}"
        );
        assert_eq!(fs::read(path).ok(), before, "{path:?} changed");
        assert_eq!(
            names_in(dir.path()),
            before_names,
            "leftovers after {path:?}"
        );
    }
    assert!(
        !dir.path().join("nowhere").exists(),
        "the link was followed"
    );
    // The refused vault still opens with its own passphrase.
    open(&vault).unlock(&pass(PASSPHRASE), None).unwrap();
}

#[test]
fn create_over_an_open_vault_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let held = create(&path, None);
    let err = try_create(&path, "another passphrase", None).unwrap_err();
    assert!(matches!(err, CreateError::Exists { .. }), "{err:?}");
    drop(held);
    open(&path).unlock(&pass(PASSPHRASE), None).unwrap();
}

#[test]
fn create_leaves_exactly_one_private_file_once_closed() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    vault
        .generate_key(crate::common::new_key(
            "k",
            keywarden_core::Algorithm::Aes256,
        ))
        .unwrap();
    // While open, the WAL is as private as the vault.
    for file in std::iter::once(path.clone()).chain(sidecars(&path)) {
        let mode = fs::metadata(&file).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file:?} has mode {mode:o}");
    }
    drop(vault);
    assert_eq!(names_in(dir.path()), ["v.keywarden"]);
    assert!(sidecars(&path).is_empty());
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600);
    // The temporary name it was built under is gone: the file has one link.
    assert_eq!(meta.nlink(), 1);
}

#[test]
fn create_in_a_missing_directory_makes_it_and_a_parent_that_is_a_file_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("a").join("b").join("v.keywarden");
    drop(create(&nested, None));
    assert_eq!(names_in(&dir.path().join("a").join("b")), ["v.keywarden"]);

    let file = dir.path().join("plain-file");
    fs::write(&file, b"x").unwrap();
    let err = try_create(&file.join("v.keywarden"), PASSPHRASE, None).unwrap_err();
    assert!(
        matches!(err, CreateError::Storage(StorageError::Io { .. })),
        "{err:?}"
    );
    assert_eq!(fs::read(&file).unwrap(), b"x");
    assert_eq!(names_in(dir.path()), ["a", "plain-file"]);
}

#[test]
fn racing_creators_one_wins_the_other_gets_exists_and_nothing_is_left_over() {
    // Both pass the "does it exist" check; the hard link decides. Repeated, because the
    // race is won differently each time.
    for round in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.keywarden");
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["first passphrase", "second passphrase"]
            .into_iter()
            .map(|p| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    try_create(&path, p, None).map(drop).map(|()| p)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let winners: Vec<&str> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().copied())
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(
                    matches!(e, CreateError::Exists { .. }),
                    "round {round}: {e:?}"
                );
            }
        }
        assert_eq!(names_in(dir.path()), ["v.keywarden"], "round {round}");
        // The file at the path is the winner's, complete.
        open(&path).unlock(&pass(winners[0]), None).unwrap();
        let loser = if winners[0] == "first passphrase" {
            "second passphrase"
        } else {
            "first passphrase"
        };
        let f = open(&path).unlock(&pass(loser), None).unwrap_err();
        assert!(matches!(f.error, UnlockError::WrongPassphrase));
    }
}

#[test]
fn open_of_a_missing_path_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    for path in [
        dir.path().join("missing.keywarden"),
        dir.path().join("no-dir").join("missing.keywarden"),
    ] {
        let err = LockedVault::open(&path, clock()).unwrap_err();
        assert!(matches!(err, OpenError::NotFound { .. }), "{err:?}");
    }
    assert!(
        names_in(dir.path()).is_empty(),
        "open must never create a file"
    );
}

#[test]
fn key_file_errors_are_specific_and_a_16_mib_key_file_works() {
    use keywarden_core::KeyFileError;
    let dir = tempfile::tempdir().unwrap();
    let limit = 16 * 1024 * 1024;
    let big = dir.path().join("big");
    fs::File::create(&big).unwrap().set_len(limit).unwrap();
    let at_limit = KeyFile::read(&big).unwrap();
    let path = dir.path().join("v.keywarden");
    drop(create(&path, Some(&at_limit)));
    open(&path)
        .unlock(&pass(PASSPHRASE), Some(&KeyFile::read(&big).unwrap()))
        .unwrap();

    fs::File::options()
        .write(true)
        .open(&big)
        .unwrap()
        .set_len(limit + 1)
        .unwrap();
    assert!(matches!(
        KeyFile::read(&big),
        Err(KeyFileError::TooLarge { .. })
    ));
    let empty = dir.path().join("empty");
    fs::write(&empty, b"").unwrap();
    assert!(matches!(
        KeyFile::read(&empty),
        Err(KeyFileError::Empty { .. })
    ));
    assert!(matches!(
        KeyFile::read(dir.path()),
        Err(KeyFileError::NotAFile { .. })
    ));
    assert!(matches!(
        KeyFile::read(&dir.path().join("missing")),
        Err(KeyFileError::Unreadable { .. })
    ));
    // A new key file is never written over anything, and the old content stays.
    let before = fs::read(&empty).unwrap();
    assert!(matches!(
        KeyFile::generate(&empty),
        Err(KeyFileError::Exists { .. })
    ));
    assert_eq!(fs::read(&empty).unwrap(), before);
    // A one-byte key file is a key file.
    let one = dir.path().join("one");
    fs::write(&one, b"x").unwrap();
    KeyFile::read(&one).unwrap();
}

#[test]
fn a_new_vault_sweeps_up_stale_unheld_leftovers_of_killed_creations() {
    use std::time::{Duration, SystemTime};
    let dir = tempfile::tempdir().unwrap();
    let leftover = |suffix: &str, age_secs: u64| {
        let path = dir.path().join(format!(".v.keywarden.creating-{suffix}"));
        let f = std::fs::File::create(&path).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(age_secs))
            .unwrap();
        path
    };
    let stale = leftover("00112233445566aa", 3600);
    std::fs::write(
        dir.path()
            .join(".v.keywarden.creating-00112233445566aa-wal"),
        b"x",
    )
    .unwrap();
    let fresh = leftover("00112233445566bb", 5);
    let held = leftover("00112233445566cc", 3600);
    let holder = std::fs::File::open(&held).unwrap();
    holder.try_lock().unwrap();
    let other_vault = leftover("00112233445566dd", 3600);
    std::fs::rename(
        &other_vault,
        dir.path().join(".w.keywarden.creating-00112233445566dd"),
    )
    .unwrap();
    let not_ours = leftover("not-hex", 3600);

    drop(create(&dir.path().join("v.keywarden"), None));
    let names = names_in(dir.path());
    assert!(!stale.exists(), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with("aa-wal")), "{names:?}");
    assert!(
        fresh.exists() && held.exists() && not_ours.exists(),
        "{names:?}"
    );
    assert!(names.contains(&".w.keywarden.creating-00112233445566dd".to_owned()));
    drop(holder);
}

#[test]
fn a_new_vault_ignores_the_sidecars_a_deleted_vault_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    // A vault still open has its write-ahead log beside it; copied to where a new vault
    // goes, it is what moving or deleting only the vault file leaves behind.
    let old = dir.path().join("old.keywarden");
    let mut open_vault = create(&old, None);
    open_vault
        .generate_key(keywarden_core::NewKey::new(
            "left in the log",
            keywarden_core::Algorithm::Aes256,
        ))
        .unwrap();
    let new = dir.path().join("v.keywarden");
    // (No `-shm`: the engine holds the file in exclusive locking mode.)
    let wal = dir.path().join("old.keywarden-wal");
    assert!(
        fs::metadata(&wal).unwrap().len() > 0,
        "{:?}",
        names_in(dir.path())
    );
    fs::copy(&wal, dir.path().join("v.keywarden-wal")).unwrap();
    drop(open_vault);

    let vault = create(&new, None);
    assert_eq!(
        vault.key_count(),
        0,
        "the new vault holds nothing of the old"
    );
    drop(vault);
    open(&new);
}
