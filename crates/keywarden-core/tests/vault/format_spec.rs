//! An independent reader, written from `docs/vault-format.md` alone with the primitives
//! it names, opens a vault made by the engine: the document is precise enough, and the
//! engine writes what it says. Also: a v1 reader ignores keyslots of kinds it does not
//! know (section 2).

use std::fs;
use std::path::Path;

use aes_gcm_siv::aead::{Aead, KeyInit, Payload};
use aes_gcm_siv::{Aes256GcmSiv, Nonce};
use argon2::{Argon2, Params, Version};
use ciborium::Value;
use hkdf::Hkdf;
use keywarden_core::{KeyFile, KeyUpdate, NewKey, Settings};
use sha2::{Digest, Sha256};

use crate::common::{PASSPHRASE, SYMMETRIC, create, open, pass, unlock, with_sql};

/// Section 4: the associated data of a sealed value.
fn aad(vault_id: &[u8], table: &str, row_id: &str, row_version: i64) -> Vec<u8> {
    let mut out = b"KWv1".to_vec();
    out.extend_from_slice(vault_id);
    out.push(u8::try_from(table.len()).unwrap());
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(&u16::try_from(row_id.len()).unwrap().to_be_bytes());
    out.extend_from_slice(row_id.as_bytes());
    out.extend_from_slice(&u64::try_from(row_version).unwrap().to_be_bytes());
    out
}

/// Section 4: `0x01 || nonce (12) || ciphertext || tag (16)`, AES-256-GCM-SIV.
fn unseal(key: &[u8], blob: &[u8], aad: &[u8]) -> Vec<u8> {
    assert_eq!(blob[0], 0x01, "algorithm byte");
    assert!(blob.len() >= 1 + 12 + 16);
    let cipher = Aes256GcmSiv::new_from_slice(key).unwrap();
    let nonce = Nonce::try_from(&blob[1..13]).unwrap();
    cipher
        .decrypt(
            &nonce,
            Payload {
                msg: &blob[13..],
                aad,
            },
        )
        .expect("the spec's AAD and key open the blob")
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, &mut out)
        .unwrap();
    out
}

/// A CBOR map's value under a text key.
fn field<'a>(map: &'a Value, key: &str) -> Option<&'a Value> {
    map.as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
}

fn text(map: &Value, key: &str) -> String {
    field(map, key).unwrap().as_text().unwrap().to_owned()
}

fn int(map: &Value, key: &str) -> i128 {
    field(map, key).unwrap().as_integer().unwrap().into()
}

/// What the independent reader finds: per key (name, algorithm, notes, tags, created,
/// current_version, material of version 1), and the auto-lock minutes.
type Read = (
    Vec<(String, String, String, Vec<String>, i128, i128, Vec<u8>)>,
    i128,
);

/// Reads the closed vault at `path` following the document, section by section.
fn read_by_the_spec(path: &Path, passphrase: &str, key_file: Option<&[u8]>) -> Read {
    // Section 1: the raw header.
    let header = fs::read(path).unwrap();
    assert_eq!(&header[..16], b"SQLite format 3\0");
    assert_eq!(
        &header[68..72],
        &0x4B57_4456u32.to_be_bytes(),
        "application_id"
    );
    assert_eq!(&header[60..64], &1u32.to_be_bytes(), "user_version");
    assert_eq!((header[18], header[19]), (2, 2), "WAL");

    with_sql(path, |c| {
        let vault_id: Vec<u8> = c
            .query_row("SELECT vault_id FROM vault WHERE singleton = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(vault_id.len(), 16);

        // Sections 2 and 3: the passphrase slot and its KEK.
        #[allow(clippy::type_complexity, reason = "one row of the keyslot table")]
        let (id, row_version, kdf, m, t, p, salt, check, wrapped): (
            i64,
            i64,
            String,
            u32,
            u32,
            u32,
            Vec<u8>,
            Option<Vec<u8>>,
            Vec<u8>,
        ) = c
            .query_row(
                "SELECT id, row_version, kdf, kdf_memory_kib, kdf_iterations, kdf_lanes, salt,
                        keyfile_check, wrapped_dek
                 FROM keyslot WHERE kind = 'passphrase'",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!(kdf, "argon2id-v19");
        assert_eq!(salt.len(), 32);
        assert_eq!(wrapped.len(), 61, "BLOB(61)");
        let k: Option<Vec<u8>> = key_file.map(|bytes| Sha256::digest(bytes).to_vec());
        match (&k, &check) {
            (Some(k), Some(check)) => {
                assert_eq!(
                    &hkdf(&salt, k, b"keywarden/v1/keyfile-check", 16),
                    check,
                    "key-file check value"
                );
            }
            (None, None) => {}
            _ => panic!("keyfile_check is NULL exactly when there is no key file"),
        }
        let params = Params::new(m, t, p, Some(32)).unwrap();
        let argon2 = match &k {
            Some(k) => {
                Argon2::new_with_secret(k, argon2::Algorithm::Argon2id, Version::V0x13, params)
                    .unwrap()
            }
            None => Argon2::new(argon2::Algorithm::Argon2id, Version::V0x13, params),
        };
        let mut kek = [0u8; 32];
        argon2
            .hash_password_into(passphrase.as_bytes(), &salt, &mut kek)
            .unwrap();

        // Section 4: the data key and the sub-keys.
        let dek = unseal(
            &kek,
            &wrapped,
            &aad(&vault_id, "keyslot", &id.to_string(), row_version),
        );
        assert_eq!(dek.len(), 32);
        let records = hkdf(&vault_id, &dek, b"keywarden/v1/records", 32);
        let material = hkdf(&vault_id, &dek, b"keywarden/v1/material", 32);

        // Section 5: the plaintexts.
        let mut keys = Vec::new();
        let mut stmt = c
            .prepare("SELECT id, row_version, meta FROM key ORDER BY id")
            .unwrap();
        let rows: Vec<(String, i64, Vec<u8>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (key_id, row_version, meta) in rows {
            assert_eq!(key_id.len(), 36);
            let plain = unseal(
                &records,
                &meta,
                &aad(&vault_id, "key", &key_id, row_version),
            );
            let map: Value = ciborium::from_reader(plain.as_slice()).unwrap();
            let tags = field(&map, "tags")
                .map(|v| {
                    v.as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_text().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            let notes = field(&map, "notes")
                .map(|v| v.as_text().unwrap().to_owned())
                .unwrap_or_default();
            assert!(int(&map, "updated") >= int(&map, "created"));
            let (version, version_row, sealed): (i64, i64, Vec<u8>) = c
                .query_row(
                    "SELECT version, row_version, material FROM key_version
                     WHERE key_id = ?1 AND version = ?2",
                    rusqlite::params![key_id, int(&map, "current_version") as i64],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            let plain = unseal(
                &material,
                &sealed,
                &aad(
                    &vault_id,
                    "key_version",
                    &format!("{key_id}/{version}"),
                    version_row,
                ),
            );
            assert_eq!(plain[0], 0x01, "raw encoding");
            keys.push((
                text(&map, "name"),
                text(&map, "algorithm"),
                notes,
                tags,
                int(&map, "created"),
                int(&map, "current_version"),
                plain[1..].to_vec(),
            ));
        }
        let (row_version, value): (i64, Vec<u8>) = c
            .query_row(
                "SELECT row_version, value FROM setting WHERE name = 'preferences'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let plain = unseal(
            &records,
            &value,
            &aad(&vault_id, "setting", "preferences", row_version),
        );
        let map: Value = ciborium::from_reader(plain.as_slice()).unwrap();
        (keys, int(&map, "auto_lock_minutes"))
    })
}

/// What the engine says about the same vault, in the reader's terms.
fn read_by_the_engine(path: &Path, key_file: Option<&KeyFile>) -> Read {
    let vault = unlock(path, key_file);
    let mut keys: Vec<_> = vault
        .list("")
        .into_iter()
        .map(|r| {
            (
                r.id.to_string(),
                (
                    r.name.clone(),
                    r.algorithm.id().to_owned(),
                    r.notes.clone(),
                    r.tags.clone(),
                    i128::from(r.created_at.as_second()),
                    i128::from(r.current_version),
                    vault
                        .key_material(&r.id, None)
                        .unwrap()
                        .expose_secret()
                        .to_vec(),
                ),
            )
        })
        .collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    (
        keys.into_iter().map(|(_, k)| k).collect(),
        i128::from(vault.settings().auto_lock_minutes),
    )
}

fn fill(vault: &mut keywarden_core::UnlockedVault) {
    for (i, a) in SYMMETRIC.into_iter().enumerate() {
        let id = vault
            .generate_key(NewKey {
                notes: if i % 2 == 0 {
                    format!("notes {i} ✓")
                } else {
                    String::new()
                },
                tags: (0..i).map(|t| format!("tag{t}")).collect(),
                ..NewKey::new(format!("spec key {i}"), a)
            })
            .unwrap()
            .id;
        if i == 1 {
            // A row version above 1.
            vault
                .update_key(
                    &id,
                    KeyUpdate {
                        name: Some("renamed spec key".into()),
                        ..KeyUpdate::default()
                    },
                )
                .unwrap();
        }
    }
    vault
        .set_settings(Settings {
            auto_lock_minutes: 33,
            ..Settings::default()
        })
        .unwrap();
}

#[test]
fn an_independent_reader_following_the_format_document_opens_a_vault() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    fill(&mut vault);
    drop(vault);
    let by_spec = read_by_the_spec(&path, PASSPHRASE, None);
    assert_eq!(by_spec.0.len(), SYMMETRIC.len());
    assert_eq!(by_spec.1, 33);
    assert_eq!(by_spec, read_by_the_engine(&path, None));

    // After a passphrase change (slot row version 2, new salt).
    let mut vault = unlock(&path, None);
    vault
        .change_passphrase(&pass(PASSPHRASE), None, &pass("changed for the reader"))
        .unwrap();
    drop(vault);
    assert_eq!(
        read_by_the_spec(&path, "changed for the reader", None),
        by_spec
    );
}

#[test]
fn an_independent_reader_opens_a_vault_with_a_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let kf_path = dir.path().join("key");
    let key_file = KeyFile::generate(&kf_path).unwrap();
    let mut vault = create(&path, Some(&key_file));
    fill(&mut vault);
    drop(vault);
    let bytes = fs::read(&kf_path).unwrap();
    assert_eq!(bytes.len(), 64, "generated key files are 64 random bytes");
    let by_spec = read_by_the_spec(&path, PASSPHRASE, Some(&bytes));
    assert_eq!(by_spec, read_by_the_engine(&path, Some(&key_file)));
}

#[test]
fn keyslots_of_unknown_kinds_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    drop(create(&path, None));
    with_sql(&path, |c| {
        c.execute(
            "INSERT INTO keyslot (id, kind, row_version, kdf, kdf_memory_kib, kdf_iterations,
                 kdf_lanes, salt, keyfile_check, wrapped_dek, created_at)
             VALUES (2, 'recovery', 1, 'some-future-kdf', 0, 0, 0, x'00', NULL, x'00', 0)",
            [],
        )
        .unwrap();
    });
    // Reading the slots before unlock ignores the unknown kind.
    let locked = open(&path);
    assert!(!locked.requires_key_file().unwrap());
    // A slot added by hand (not by a newer Keywarden, which would move the audit head
    // with it) is then reported as a row added outside Keywarden.
    let failure = locked.unlock(&pass(PASSPHRASE), None).unwrap_err();
    assert!(
        failure
            .error
            .to_string()
            .contains("do not match the audit head"),
        "{:?}",
        failure.error
    );
}
