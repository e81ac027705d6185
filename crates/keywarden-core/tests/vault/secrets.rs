//! Secrets never show: no `Debug` or `Display` of any value or error contains the
//! passphrase, the key file or key material, raw or in hex; and the vault file holds no
//! plaintext names, notes, tags or material.

use std::fs;
use std::path::Path;

use keywarden_core::{
    Algorithm, CreateError, KdfParams, KeyFile, KeyUpdate, LockedVault, NewKey, OpenError,
    Settings, StorageError, UnlockError,
};
use sha2::{Digest, Sha256};

use crate::common::{SYMMETRIC, clock, hex, pass, sidecars};

const SECRET_PASSPHRASE: &str = "Zanzibar quokka 7 lighthouse";

/// Every way a secret could show up in text.
fn forms(secret: &[u8]) -> Vec<String> {
    let mut out = vec![
        hex(secret),
        hex(secret).to_uppercase(),
        // Debug of a byte slice or Vec<u8>.
        format!("{secret:?}"),
        // A run of decimal bytes as a Debug list would print them, without brackets.
        secret[..8.min(secret.len())]
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    ];
    if let Ok(text) = std::str::from_utf8(secret) {
        out.push(text.to_owned());
        out.push(text.to_lowercase());
    }
    // Raw bytes as a lossy string: an 8-byte window is enough to spot a leak.
    let lossy = String::from_utf8_lossy(&secret[..8.min(secret.len())]).into_owned();
    if !lossy.contains('\u{FFFD}') {
        out.push(lossy);
    }
    out
}

fn assert_clean(what: &str, text: &str, secrets: &[Vec<u8>]) {
    for secret in secrets {
        for form in forms(secret) {
            assert!(
                !text.contains(&form),
                "{what} shows a secret ({form:?}) in: {text}"
            );
        }
    }
}

fn check<T: std::fmt::Debug>(what: &str, value: &T, secrets: &[Vec<u8>]) {
    assert_clean(what, &format!("{value:?}"), secrets);
    assert_clean(what, &format!("{value:#?}"), secrets);
}

fn check_error<E: std::fmt::Debug + std::fmt::Display>(what: &str, e: &E, secrets: &[Vec<u8>]) {
    check(what, e, secrets);
    assert_clean(what, &e.to_string(), secrets);
}

#[test]
fn debug_and_display_never_show_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let kf_path = dir.path().join("key");
    let key_file = KeyFile::generate(&kf_path).unwrap();
    let key_file_bytes = fs::read(&kf_path).unwrap();
    let key_file_digest = Sha256::digest(&key_file_bytes).to_vec();
    let passphrase = pass(SECRET_PASSPHRASE);
    let mut secrets = vec![
        SECRET_PASSPHRASE.as_bytes().to_vec(),
        key_file_bytes,
        key_file_digest,
    ];

    let mut vault = LockedVault::create(
        &path,
        &passphrase,
        Some(&key_file),
        KdfParams::INSECURE_TEST,
        true,
        clock(),
    )
    .unwrap();
    for a in SYMMETRIC {
        let id = vault
            .generate_key(NewKey {
                notes: String::new(),
                tags: Vec::new(),
                ..NewKey::new(format!("key {a}"), a)
            })
            .unwrap()
            .id;
        let material = vault.key_material(&id, None).unwrap();
        secrets.push(material.expose_secret().to_vec());
        check("KeyMaterial", &material, &secrets);
    }
    check("Passphrase", &passphrase, &secrets);
    check("KeyFile", &key_file, &secrets);
    check("UnlockedVault", &vault, &secrets);
    for r in vault.list("") {
        check("KeyRecord", r, &secrets);
    }

    // Errors of every operation, produced with the secrets at hand.
    check_error(
        "ChangePassphraseError::Current",
        &vault
            .change_passphrase(&pass("not the passphrase"), Some(&key_file), &passphrase)
            .unwrap_err(),
        &secrets,
    );
    check_error(
        "ChangePassphraseError::WeakPassphrase",
        &vault
            .change_passphrase(&passphrase, Some(&key_file), &pass("short"))
            .unwrap_err(),
        &secrets,
    );
    let id = vault.list("")[0].id;
    check_error(
        "RecordError::NameTaken",
        &vault
            .update_key(
                &id,
                KeyUpdate {
                    name: Some(vault.list("")[1].name.clone()),
                    ..KeyUpdate::default()
                },
            )
            .unwrap_err(),
        &secrets,
    );
    check_error(
        "RecordError::NotFound",
        &vault.key_material(&id, Some(9)).unwrap_err(),
        &secrets,
    );
    check_error(
        "RecordError::Invalid",
        &vault
            .set_settings(Settings {
                auto_lock_minutes: 0,
                ..Settings::default()
            })
            .unwrap_err(),
        &secrets,
    );
    check_error(
        "RecordError::UnknownAlgorithm",
        &"des".parse::<Algorithm>().unwrap_err(),
        &secrets,
    );
    let locked = vault.lock();
    check("LockedVault", &locked, &secrets);

    let failure = locked
        .unlock(&pass("not the passphrase"), Some(&key_file))
        .unwrap_err();
    check("UnlockFailure", &failure, &secrets);
    check_error("UnlockError::WrongPassphrase", &failure.error, &secrets);
    let failure = failure.vault.unlock(&passphrase, None).unwrap_err();
    check_error("UnlockError::KeyFileRequired", &failure.error, &secrets);
    let other = KeyFile::generate(&dir.path().join("other")).unwrap();
    let failure = failure.vault.unlock(&passphrase, Some(&other)).unwrap_err();
    check_error("UnlockError::WrongKeyFile", &failure.error, &secrets);
    let busy = LockedVault::open(&path, clock()).unwrap_err();
    check_error("OpenError::Storage(Busy)", &busy, &secrets);
    let locked = failure.vault;

    let create = |p: &Path, kf: Option<&KeyFile>, passphrase: &str, kdf: KdfParams| {
        LockedVault::create(p, &pass(passphrase), kf, kdf, true, clock()).unwrap_err()
    };
    let errors: Vec<(&str, CreateError)> = vec![
        (
            "CreateError::Exists",
            create(
                &path,
                Some(&key_file),
                SECRET_PASSPHRASE,
                KdfParams::INSECURE_TEST,
            ),
        ),
        (
            "CreateError::WeakPassphrase",
            create(
                &dir.path().join("w"),
                None,
                "Zanzibar",
                KdfParams::INSECURE_TEST,
            ),
        ),
        (
            "CreateError::Kdf",
            create(
                &dir.path().join("k"),
                Some(&key_file),
                SECRET_PASSPHRASE,
                KdfParams {
                    lanes: 99,
                    ..KdfParams::INSECURE_TEST
                },
            ),
        ),
        (
            "CreateError::Storage",
            create(
                &kf_path.join("under-a-file"),
                Some(&key_file),
                SECRET_PASSPHRASE,
                KdfParams::INSECURE_TEST,
            ),
        ),
    ];
    for (what, e) in &errors {
        check_error(what, e, &secrets);
    }
    drop(locked);

    // Open errors of every kind.
    let text = dir.path().join("text");
    fs::write(&text, SECRET_PASSPHRASE).unwrap();
    for p in [dir.path().join("missing"), text, dir.path().to_owned()] {
        check_error(
            "OpenError",
            &LockedVault::open(&p, clock()).unwrap_err(),
            &secrets,
        );
    }
    let unsupported = OpenError::Unsupported { found: 2 };
    check_error("OpenError::Unsupported", &unsupported, &secrets);
    for e in [
        StorageError::Busy,
        StorageError::Damaged { detail: "x".into() },
        StorageError::Io { reason: "x".into() },
    ] {
        check_error("StorageError", &e, &secrets);
    }
    let key_file_errors = [
        KeyFile::read(&dir.path().join("missing")).unwrap_err(),
        KeyFile::read(dir.path()).unwrap_err(),
        KeyFile::generate(&kf_path).unwrap_err(),
    ];
    for e in &key_file_errors {
        check_error("KeyFileError", e, &secrets);
    }

    // A vault without a key file: KeyFileNotUsed; then damage: Storage errors.
    let plain = dir.path().join("plain.keywarden");
    drop(
        LockedVault::create(
            &plain,
            &passphrase,
            None,
            KdfParams::INSECURE_TEST,
            true,
            clock(),
        )
        .unwrap(),
    );
    let failure = LockedVault::open(&plain, clock())
        .unwrap()
        .unlock(&passphrase, Some(&key_file))
        .unwrap_err();
    assert!(matches!(failure.error, UnlockError::KeyFileNotUsed));
    check_error("UnlockError::KeyFileNotUsed", &failure.error, &secrets);
    drop(failure);
    crate::common::with_sql(&plain, |c| {
        c.execute(
            "UPDATE setting SET value = CAST(x'00' || substr(value, 2) AS BLOB)",
            [],
        )
        .unwrap()
    });
    let failure = LockedVault::open(&plain, clock())
        .unwrap()
        .unlock(&passphrase, None)
        .unwrap_err();
    assert!(matches!(failure.error, UnlockError::Storage(_)));
    check_error("UnlockError::Storage", &failure.error, &secrets);
    drop(failure);
    let bytes = fs::read(&plain).unwrap();
    fs::write(&plain, &bytes[..bytes.len() / 2]).unwrap();
    let err = LockedVault::open(&plain, clock()).unwrap_err();
    assert!(matches!(err, OpenError::Storage(_)), "{err:?}");
    check_error("OpenError::Storage", &err, &secrets);
}

#[test]
fn the_file_holds_no_plaintext_names_notes_tags_or_material() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = LockedVault::create(
        &path,
        &pass(SECRET_PASSPHRASE),
        None,
        KdfParams::INSECURE_TEST,
        true,
        clock(),
    )
    .unwrap();
    let mut secrets: Vec<Vec<u8>> = vec![SECRET_PASSPHRASE.as_bytes().to_vec()];
    for (i, a) in SYMMETRIC.into_iter().enumerate() {
        let name = format!("payroll-db-master-{i}");
        let notes = format!("rotate with Quintessa {i}");
        let tag = format!("finance-{i}");
        let id = vault
            .generate_key(NewKey {
                notes: notes.clone(),
                tags: vec![tag.clone()],
                ..NewKey::new(name.clone(), a)
            })
            .unwrap()
            .id;
        let material = vault.key_material(&id, None).unwrap();
        secrets.extend([
            name.into_bytes(),
            notes.into_bytes(),
            tag.into_bytes(),
            material.expose_secret().to_vec(),
        ]);
    }
    // While open, the WAL holds the recent pages: it must be as opaque as the file.
    let mut files = vec![path.clone()];
    files.extend(sidecars(&path));
    let scan = |files: &[std::path::PathBuf]| {
        for f in files {
            let bytes = fs::read(f).unwrap();
            for secret in &secrets {
                let raw_hit = bytes.windows(secret.len()).any(|w| w == secret.as_slice());
                assert!(!raw_hit, "{f:?} holds a secret in plaintext");
                let hex_form = hex(secret).into_bytes();
                let hex_hit = bytes
                    .windows(hex_form.len())
                    .any(|w| w == hex_form.as_slice());
                assert!(!hex_hit, "{f:?} holds a secret in hex");
            }
        }
    };
    scan(&files);
    drop(vault);
    scan(&[path]);
}

#[test]
fn a_deleted_key_leaves_no_trace_of_its_sealed_rows_in_the_file() {
    // secure_delete overwrites freed content; closing folds the WAL back. The sealed
    // blobs are ciphertext, but crypto-erase (DESIGN section 1) builds on this.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = crate::common::create(&path, None);
    let gone = vault
        .generate_key(crate::common::new_key("doomed", Algorithm::HmacSha512))
        .unwrap()
        .id;
    vault
        .generate_key(crate::common::new_key("kept", Algorithm::Aes256))
        .unwrap();
    drop(vault);
    let (meta, material): (Vec<u8>, Vec<u8>) = crate::common::with_sql(&path, |c| {
        c.query_row(
            "SELECT meta, material FROM key JOIN key_version ON key_id = id WHERE id = ?1",
            [gone.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    });
    let mut vault = crate::common::unlock(&path, None);
    vault.delete_key(&gone).unwrap();
    drop(vault);
    let bytes = fs::read(&path).unwrap();
    for (what, blob) in [("meta", &meta), ("material", &material)] {
        let window = &blob[blob.len() - 24..];
        assert!(
            !bytes.windows(window.len()).any(|w| w == window),
            "the deleted key's sealed {what} is still in the file"
        );
    }
    assert!(
        !bytes.windows(36).any(|w| w == gone.to_string().as_bytes()),
        "its id too"
    );
}
