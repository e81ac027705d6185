//! Round trips: what is written comes back identical after lock/unlock and after the
//! file is closed and reopened.

use std::sync::Arc;

use keywarden_core::{
    Algorithm, FixedClock, KdfParams, KeyId, KeyUpdate, LockedVault, NewKey, RecordError, Settings,
    Timestamp,
};

use crate::common::{
    PASSPHRASE, SYMMETRIC, clock, create, materials, new_key, open, pass, records, unlock,
};

/// One key of every algorithm, with notes and tags that exercise Unicode and trimming.
fn every_algorithm() -> Vec<NewKey> {
    SYMMETRIC
        .iter()
        .enumerate()
        .map(|(i, &algorithm)| NewKey {
            notes: format!("notes for {i}: ünïcödé ✓\nsecond line\ttab"),
            tags: vec![format!("tag-{i}"), "shared".to_owned(), " Prod ".to_owned()],
            ..NewKey::new(format!("  Key {i} {} ", algorithm.label()), algorithm)
        })
        .collect()
}

#[test]
fn every_algorithm_survives_lock_unlock_and_reopen_identically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    for new in every_algorithm() {
        let record = vault.generate_key(new.clone()).unwrap().clone();
        assert_eq!(record.name, new.name.trim(), "names are trimmed");
        assert_eq!(record.algorithm, new.algorithm);
        assert_eq!(record.notes, new.notes, "notes are kept as written");
        assert_eq!(record.tags.len(), 3);
        assert_eq!(record.current_version, 1);
        let material = vault.key_material(&record.id, None).unwrap();
        assert_eq!(material.len(), new.algorithm.symmetric_key_len().unwrap());
        assert_eq!(
            vault.key_material(&record.id, Some(1)).unwrap(),
            material,
            "version 1 is the current version"
        );
    }
    assert_eq!(vault.key_count(), SYMMETRIC.len());
    let before = records(&vault);
    let before_material = materials(&vault);
    // Every key's material is distinct: they come from the CSPRNG, not from a constant.
    for (i, (_, a)) in before_material.iter().enumerate() {
        for (_, b) in &before_material[i + 1..] {
            assert_ne!(a, b);
        }
    }

    // lock → unlock on the same handle.
    let vault = vault.lock().unlock(&pass(PASSPHRASE), None).unwrap();
    assert_eq!(records(&vault), before);
    assert_eq!(materials(&vault), before_material);
    drop(vault);

    // close → reopen from the file.
    let vault = unlock(&path, None);
    assert_eq!(records(&vault), before);
    assert_eq!(materials(&vault), before_material);
    for r in &before {
        assert_eq!(vault.get(&r.id).unwrap(), r);
        assert_eq!(vault.find(&r.id.to_string()).unwrap(), r);
        assert_eq!(vault.find(&r.name.to_uppercase()).unwrap(), r);
    }
}

#[test]
fn rename_update_and_delete_persist_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let a = vault
        .generate_key(new_key("alpha", Algorithm::Aes256))
        .unwrap()
        .id;
    let b = vault
        .generate_key(new_key("beta", Algorithm::HmacSha512))
        .unwrap()
        .id;
    let c = vault
        .generate_key(new_key("gamma", Algorithm::ChaCha20))
        .unwrap()
        .id;
    let material_a = vault.key_material(&a, None).unwrap();
    let material_c = vault.key_material(&c, None).unwrap();

    let renamed = vault
        .update_key(
            &a,
            KeyUpdate {
                name: Some("alpha renamed".into()),
                ..KeyUpdate::default()
            },
        )
        .unwrap()
        .clone();
    assert_eq!(renamed.name, "alpha renamed");
    vault
        .update_key(
            &c,
            KeyUpdate {
                notes: Some("rotate in March".into()),
                tags: Some(vec!["db".into(), "backup".into()]),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    // Updated twice: the second update must build on the first.
    vault
        .update_key(
            &c,
            KeyUpdate {
                name: Some("gamma 2".into()),
                ..KeyUpdate::default()
            },
        )
        .unwrap();
    vault.delete_key(&b).unwrap();
    assert!(matches!(
        vault.key_material(&b, None),
        Err(RecordError::NotFound { .. })
    ));
    let before = records(&vault);
    drop(vault);

    let vault = unlock(&path, None);
    assert_eq!(records(&vault), before);
    assert_eq!(vault.key_count(), 2);
    assert_eq!(vault.get(&a).unwrap().name, "alpha renamed");
    let gamma = vault.get(&c).unwrap();
    assert_eq!(gamma.name, "gamma 2");
    assert_eq!(gamma.notes, "rotate in March");
    assert_eq!(gamma.tags, vec!["db", "backup"]);
    assert!(matches!(vault.get(&b), Err(RecordError::NotFound { .. })));
    assert!(matches!(
        vault.find("beta"),
        Err(RecordError::NotFound { .. })
    ));
    // Renaming changes the record, never the material.
    assert_eq!(vault.key_material(&a, None).unwrap(), material_a);
    assert_eq!(vault.key_material(&c, None).unwrap(), material_c);
    drop(vault);

    // Nothing of the deleted key is left in the file (checked by SQL).
    let (keys, versions, orphans) = crate::common::with_sql(&path, |c| {
        let n = |q: &str| c.query_row(q, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            n("SELECT count(*) FROM key"),
            n("SELECT count(*) FROM key_version"),
            n("SELECT count(*) FROM key_version WHERE key_id NOT IN (SELECT id FROM key)"),
        )
    });
    assert_eq!((keys, versions, orphans), (2, 2, 0));
}

#[test]
fn a_deleted_name_can_be_reused_and_names_are_unique_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let a = vault
        .generate_key(new_key("Alpha", Algorithm::Aes128))
        .unwrap()
        .id;
    assert!(matches!(
        vault.generate_key(new_key(" alpha ", Algorithm::Aes256)),
        Err(RecordError::NameTaken { .. })
    ));
    let b = vault
        .generate_key(new_key("beta", Algorithm::Aes128))
        .unwrap()
        .id;
    assert!(matches!(
        vault.update_key(
            &b,
            KeyUpdate {
                name: Some("ALPHA".into()),
                ..KeyUpdate::default()
            }
        ),
        Err(RecordError::NameTaken { .. })
    ));
    // A failed update changed nothing, in memory or in the file.
    assert_eq!(vault.get(&b).unwrap().name, "beta");
    vault.delete_key(&a).unwrap();
    let again = vault
        .generate_key(new_key("alpha", Algorithm::Aes256))
        .unwrap()
        .id;
    assert_ne!(again, a);
    let before = records(&vault);
    drop(vault);
    assert_eq!(records(&unlock(&path, None)), before);
}

#[test]
fn settings_persist_and_invalid_settings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    assert_eq!(vault.settings(), Settings::default());
    vault
        .set_settings(Settings {
            auto_lock_minutes: 42,
            ..Settings::default()
        })
        .unwrap();
    vault
        .set_settings(Settings {
            auto_lock_minutes: 17,
            ..Settings::default()
        })
        .unwrap();
    assert!(matches!(
        vault.set_settings(Settings {
            auto_lock_minutes: 0,
            ..Settings::default()
        }),
        Err(RecordError::Invalid { .. })
    ));
    assert_eq!(vault.settings().auto_lock_minutes, 17);
    let vault = vault.lock().unlock(&pass(PASSPHRASE), None).unwrap();
    assert_eq!(vault.settings().auto_lock_minutes, 17);
    drop(vault);
    let mut vault = unlock(&path, None);
    assert_eq!(vault.settings().auto_lock_minutes, 17);
    // And it can be changed again after a reopen (the row version carried over).
    vault
        .set_settings(Settings {
            auto_lock_minutes: 1440,
            ..Settings::default()
        })
        .unwrap();
    drop(vault);
    assert_eq!(unlock(&path, None).settings().auto_lock_minutes, 1440);
}

#[test]
fn the_clipboard_wait_is_kept_within_its_limits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    assert_eq!(vault.settings().clipboard_clear_seconds, 30);
    for bad in [0, 4, 601, u32::MAX] {
        assert!(
            matches!(
                vault.set_settings(Settings {
                    clipboard_clear_seconds: bad,
                    ..Settings::default()
                }),
                Err(RecordError::Invalid {
                    field: "clipboard clear seconds",
                    ..
                })
            ),
            "{bad}"
        );
    }
    for good in [5, 600, 45] {
        vault
            .set_settings(Settings {
                clipboard_clear_seconds: good,
                ..vault.settings()
            })
            .unwrap();
    }
    drop(vault);
    let vault = unlock(&path, None);
    assert_eq!(vault.settings().clipboard_clear_seconds, 45);
    assert_eq!(vault.settings().auto_lock_minutes, 5);
}

#[test]
fn updates_after_reopen_build_on_the_stored_row_version() {
    // Each update is a compare-and-set on row_version: one made after a reopen must
    // start from the version in the file, not from 1.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let id = vault
        .generate_key(new_key("k", Algorithm::Aes128))
        .unwrap()
        .id;
    for round in 0..3 {
        vault
            .update_key(
                &id,
                KeyUpdate {
                    notes: Some(format!("round {round}")),
                    ..KeyUpdate::default()
                },
            )
            .unwrap();
        drop(vault);
        vault = unlock(&path, None);
        assert_eq!(vault.get(&id).unwrap().notes, format!("round {round}"));
    }
    drop(vault);
    let row_version: i64 = crate::common::with_sql(&path, |c| {
        c.query_row("SELECT row_version FROM key", [], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(row_version, 4, "created at 1, three updates");
}

#[test]
fn the_passphrase_is_nfkc_normalised_before_the_kdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    // "ﬁ" ligature and a decomposed "é" at creation; plain "fi" and a composed "é" at
    // unlock (what another keyboard or system would send).
    let typed_at_creation = "\u{FB01}ne cafe\u{301} au lait";
    let typed_at_unlock = "fine caf\u{E9} au lait";
    drop(
        LockedVault::create(
            &path,
            &pass(typed_at_creation),
            None,
            KdfParams::INSECURE_TEST,
            true,
            clock(),
        )
        .unwrap(),
    );
    open(&path).unlock(&pass(typed_at_unlock), None).unwrap();
}

#[test]
fn search_matches_name_tag_and_algorithm_case_insensitively() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("v.keywarden"), None);
    for new in every_algorithm() {
        vault.generate_key(new).unwrap();
    }
    assert_eq!(vault.list("").len(), 5);
    assert_eq!(vault.list("  PROD ").len(), 5, "tags are searched, trimmed");
    assert_eq!(vault.list("tag-3").len(), 1);
    assert_eq!(vault.list("hmac").len(), 2, "algorithm ids are searched");
    assert_eq!(vault.list("aes-128").len(), 1);
    assert_eq!(vault.list("KEY 4").len(), 1, "names are searched");
    assert!(vault.list("no such thing").is_empty());
    // Sorted by name, case-insensitively.
    let names: Vec<String> = vault
        .list("")
        .iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

/// A clock with a sub-second part, as the system clock has.
fn subsecond_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(
        Timestamp::new(1_790_000_000, 123_456_789).unwrap(),
    ))
}

/// Regression: records were kept with the clock's sub-second part in memory but stored in
/// whole seconds, so they changed across lock/unlock (fixed in 43057b0).
#[test]
fn records_are_identical_after_relock_with_a_subsecond_clock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = LockedVault::create(
        &path,
        &pass(PASSPHRASE),
        None,
        KdfParams::INSECURE_TEST,
        true,
        subsecond_clock(),
    )
    .unwrap();
    let id: KeyId = vault
        .generate_key(new_key("k", Algorithm::Aes256))
        .unwrap()
        .id;
    let in_memory = vault.get(&id).unwrap().clone();
    let mut vault = vault.lock().unlock(&pass(PASSPHRASE), None).unwrap();
    assert_eq!(vault.get(&id).unwrap(), &in_memory);
    let updated = vault
        .update_key(
            &id,
            KeyUpdate {
                notes: Some("changed".into()),
                ..KeyUpdate::default()
            },
        )
        .unwrap()
        .clone();
    let vault = vault.lock().unlock(&pass(PASSPHRASE), None).unwrap();
    assert_eq!(vault.get(&id).unwrap(), &updated);
}

#[test]
fn names_that_look_the_same_are_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("v.keywarden"), None);
    // "café" composed (NFC) and decomposed (NFD): the same text on screen.
    vault
        .generate_key(new_key("caf\u{E9}", Algorithm::Aes256))
        .unwrap();
    let second = vault.generate_key(new_key("cafe\u{301}", Algorithm::Aes256));
    assert!(
        matches!(second, Err(RecordError::NameTaken { .. })),
        "{second:?}"
    );
}

#[test]
fn a_vault_made_without_the_row_indexes_gets_them_at_its_next_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let id = vault
        .generate_key(new_key("k", Algorithm::Aes256))
        .unwrap()
        .id;
    drop(vault);
    let indexes = || {
        crate::common::with_sql(&path, |sql| {
            let plan: String = sql
                .query_row(
                    "EXPLAIN QUERY PLAN SELECT id, NULL, row_version FROM key ORDER BY id",
                    [],
                    |r| r.get(3),
                )
                .unwrap();
            let names: Vec<String> = sql
                .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (names, plan)
        })
    };
    let (names, plan) = indexes();
    assert_eq!(names, ["key_row", "key_version_row"]);
    assert!(plan.contains("COVERING INDEX key_row"), "{plan}");
    // As an early build left it: the format does not need them.
    crate::common::with_sql(&path, |sql| {
        sql.execute_batch("DROP INDEX key_row; DROP INDEX key_version_row;")
            .unwrap()
    });
    let vault = unlock(&path, None);
    assert_eq!(vault.get(&id).unwrap().name, "k");
    drop(vault);
    assert_eq!(indexes().0, ["key_row", "key_version_row"]);
}
