//! Recovery kits made from a vault: the register, the audit trail, the status of kits
//! after rotation, compromise and destruction, and keys restored from a kit's codes,
//! typed lines and shares into another vault.

use keywarden_core::kit::chunk::{self, MAX_CHUNK_CHARS};
use keywarden_core::kit::recovery::Recovery;
use keywarden_core::kit::register::{KitKind, KitStatus};
use keywarden_core::kit::{KitError, typed};
use keywarden_core::print::Paper;
use keywarden_core::vault::{KitLock, KitRequest, PreparedKit, Restored};
use keywarden_core::{Action, Algorithm, AuditFilter, KeyId, KeyState, RecordError, UnlockedVault};
use zeroize::Zeroizing;

use super::common::{PASSPHRASE, WRONG, create, pass, unlock};

const KIT_PASSPHRASE: &str = "brisk otter lantern seventy";

fn personal(keys: Vec<KeyId>) -> KitRequest {
    KitRequest {
        keys,
        lock: KitLock::Personal {
            passphrase: Zeroizing::new(KIT_PASSPHRASE.to_owned()),
            custodian: "Ada Lovelace".to_owned(),
        },
        paper: Paper::A4,
    }
}

fn split(keys: Vec<KeyId>, threshold: u8, custodians: &[&str]) -> KitRequest {
    KitRequest {
        keys,
        lock: KitLock::Split {
            threshold,
            custodians: custodians.iter().map(|c| (*c).to_owned()).collect(),
        },
        paper: Paper::Letter,
    }
}

fn make(vault: &mut UnlockedVault, request: KitRequest) -> PreparedKit {
    vault.prepare_kit(request, &pass(PASSPHRASE), None).unwrap()
}

fn actions(vault: &UnlockedVault, action: Action) -> Vec<keywarden_core::AuditEntry> {
    vault
        .audit_entries(&AuditFilter {
            action: Some(action),
            ..AuditFilter::default()
        })
        .unwrap()
}

/// The texts a scanner would read off the kit's payload codes.
fn codes(kit: &PreparedKit) -> Vec<String> {
    chunk::split(kit.record.id, &kit.payload, MAX_CHUNK_CHARS).unwrap()
}

#[test]
fn a_personal_kit_is_registered_and_restores_into_another_vault() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("a.keywarden"), None);
    let aes = vault
        .generate_key(super::common::new_key("Payroll", Algorithm::Aes256))
        .unwrap()
        .clone();
    let ed = vault
        .generate_key(super::common::new_key("Signing", Algorithm::Ed25519))
        .unwrap()
        .clone();
    let kit = make(&mut vault, personal(vec![aes.id, ed.id]));
    assert_eq!(kit.sheets.len(), 1);
    assert!(kit.sheets[0].pdf.starts_with(b"%PDF-"));
    assert!(keywarden_core::kit::envelope::is_encrypted(&kit.payload));
    // Nothing is recorded until the sheets are written.
    assert!(vault.kits().is_empty());
    let kit_id = kit.record.id;
    let scanned = codes(&kit);
    let registered = vault.register_kit(kit).unwrap().clone();
    assert_eq!(registered.generation, 1);
    assert_eq!(registered.kind, KitKind::Personal);
    assert_eq!(registered.status, KitStatus::Current);
    assert_eq!(registered.custody[0].custodian, "Ada Lovelace");
    let created = actions(&vault, Action::KitCreated);
    assert_eq!(created.len(), 2, "one entry per key");
    assert!(
        created
            .iter()
            .all(|e| e.detail.contains(&kit_id.to_string()))
    );

    // The register outlives a lock.
    let path = vault.path().to_owned();
    drop(vault);
    let mut vault = unlock(&path, None);
    assert_eq!(vault.kits(), std::slice::from_ref(&registered));

    // Scan the codes in any order, open with the handwritten passphrase.
    let mut recovery = Recovery::new();
    for code in scanned.iter().rev() {
        recovery.add_text(code).unwrap();
    }
    assert!(matches!(
        recovery.open(Some("not the kit passphrase"), None),
        Err(KitError::WrongKey)
    ));
    let document = recovery.open(Some(KIT_PASSPHRASE), None).unwrap();
    assert_eq!(document.kit, kit_id);

    // Restoring into the same vault finds both keys already there.
    let again = vault.restore_kit(&document).unwrap();
    assert!(
        again
            .iter()
            .all(|r| matches!(r, Restored::AlreadyPresent { .. }))
    );

    let mut other = create(&dir.path().join("b.keywarden"), None);
    let restored = other.restore_kit(&document).unwrap();
    assert_eq!(restored.len(), 2);
    for (original, outcome) in [&aes, &ed].into_iter().zip(&restored) {
        let Restored::Added { id, name } = outcome else {
            panic!("{outcome:?}");
        };
        assert_eq!(name, &original.name);
        let copy = other.get(id).unwrap();
        assert_eq!(copy.fingerprint(), original.fingerprint());
        assert_eq!(
            other.key_material(id, None).unwrap(),
            vault.key_material(&original.id, None).unwrap()
        );
    }
    assert_eq!(actions(&other, Action::KitRecovered).len(), 1);
}

#[test]
fn a_split_kit_opens_with_any_two_of_three_shares_and_not_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("a.keywarden"), None);
    let key = vault
        .generate_key(super::common::new_key("Backup", Algorithm::EcdsaP256))
        .unwrap()
        .clone();
    let kit = make(&mut vault, split(vec![key.id], 2, &["Ada", "Bea", "Cy"]));
    assert_eq!(kit.sheets.len(), 3);
    // The preview is the sheet: its share words are on the first page.
    let preview = kit.preview(1).unwrap();
    assert!(preview.len() >= 2, "a sheet and its instructions page");
    assert!(
        preview
            .iter()
            .all(|p| p.starts_with("<svg ") && p.ends_with("</svg>"))
    );
    let second = kit.sheets[1].mnemonic.as_deref().unwrap();
    let first_word = second.split(' ').next().unwrap();
    assert!(preview[0].contains(&format!(">{first_word}</text>")));
    assert!(matches!(kit.preview(3), Err(KitError::Document { .. })));
    let shares: Vec<String> = kit
        .sheets
        .iter()
        .map(|s| {
            assert!(s.pdf.starts_with(b"%PDF-"));
            s.share.unwrap().to_string()
        })
        .collect();
    assert_eq!(shares, ["1", "2", "3"]);
    let mnemonics: Vec<String> = kit
        .sheets
        .iter()
        .map(|s| s.mnemonic.as_deref().unwrap().to_owned())
        .collect();
    assert_eq!(mnemonics.len(), 3);
    assert!(mnemonics.iter().all(|m| m.split(' ').count() == 20));
    assert_ne!(mnemonics[0], mnemonics[1]);

    for pair in [[0, 1], [0, 2], [2, 1]] {
        let mut recovery = Recovery::new();
        // A person types the words numbered, as printed, with the kit id above them.
        let typed = format!(
            "Kit: {}\n\n{}",
            kit.record.id,
            mnemonics[pair[0]]
                .split(' ')
                .enumerate()
                .map(|(i, w)| format!("{}. {w}", i + 1))
                .collect::<Vec<_>>()
                .join("\n")
        );
        recovery.add_text(&typed).unwrap();
        for line in typed::lines(kit.record.id, &kit.payload) {
            recovery.add_text(&line).unwrap();
        }
        assert_eq!(recovery.status().share_count(), (1, 2));
        assert!(matches!(recovery.open(None, None), Err(KitError::Share(_))));
        recovery.add_text(&mnemonics[pair[1]]).unwrap();
        assert_eq!(recovery.status().share_count(), (2, 2));
        let document = recovery.open(None, None).unwrap();
        assert_eq!(
            document.entries[0].key().unwrap().fingerprint().to_string(),
            key.fingerprint()
        );
    }
    // A repeated share is refused, and says so.
    let mut recovery = Recovery::new();
    recovery.add_text(&mnemonics[0]).unwrap();
    assert!(matches!(
        recovery.add_text(&mnemonics[0]),
        Err(KitError::Share(_))
    ));
    vault.register_kit(kit).unwrap();
    let held = vault.kits_of(&key.id);
    assert_eq!(held.len(), 1);
    assert_eq!(
        held[0].kind,
        KitKind::Split {
            threshold: 2,
            count: 3
        }
    );
    assert_eq!(
        held[0].custody.iter().map(|c| c.share).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)]
    );
}

#[test]
fn a_wrong_passphrase_makes_no_kit_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("a.keywarden"), None);
    let key = vault
        .generate_key(super::common::new_key("Backup", Algorithm::Aes128))
        .unwrap()
        .id;
    let err = vault
        .prepare_kit(personal(vec![key]), &pass(WRONG), None)
        .unwrap_err();
    assert!(matches!(err, RecordError::Confirmation { .. }), "{err:?}");
    assert!(vault.kits().is_empty());
    let failed = actions(&vault, Action::KitCreated);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].outcome, keywarden_core::Outcome::Failure);
}

#[test]
fn bad_requests_are_refused_with_the_field_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("a.keywarden"), None);
    let key = vault
        .generate_key(super::common::new_key("Backup", Algorithm::Aes256))
        .unwrap()
        .id;
    let invalid = |vault: &mut UnlockedVault, request: KitRequest| match vault.prepare_kit(
        request,
        &pass(PASSPHRASE),
        None,
    ) {
        Err(RecordError::Invalid { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(invalid(&mut vault, personal(vec![])), "keys");
    assert_eq!(invalid(&mut vault, personal(vec![key, key])), "keys");
    let mut short = personal(vec![key]);
    short.lock = KitLock::Personal {
        passphrase: Zeroizing::new("too short".to_owned()),
        custodian: "Ada".to_owned(),
    };
    assert_eq!(invalid(&mut vault, short), "kit passphrase");
    assert_eq!(
        invalid(&mut vault, split(vec![key], 1, &["Ada", "Bea"])),
        "threshold"
    );
    assert_eq!(
        invalid(&mut vault, split(vec![key], 3, &["Ada", "Bea"])),
        "threshold"
    );
    assert_eq!(
        invalid(&mut vault, split(vec![key], 2, &["Ada", "ada", "Bea"])),
        "custodians"
    );
    assert_eq!(
        invalid(&mut vault, split(vec![key], 2, &["Ada"])),
        "custodians"
    );
    let escrow = KitRequest {
        keys: vec![key],
        lock: KitLock::Escrow {
            recipient: "age1notarecipient".to_owned(),
            agent: "Escrow Ltd".to_owned(),
        },
        paper: Paper::A4,
    };
    assert!(matches!(
        vault.prepare_kit(escrow, &pass(PASSPHRASE), None),
        Err(RecordError::Kit(KitError::Envelope { .. }))
    ));
    vault
        .set_state(&key, KeyState::Compromised, "laptop stolen")
        .unwrap();
    assert!(matches!(
        vault.prepare_kit(personal(vec![key]), &pass(PASSPHRASE), None),
        Err(RecordError::NotAllowed { .. })
    ));
    assert!(vault.kits().is_empty());
}

#[test]
fn rotation_supersedes_and_compromise_voids_the_kits_of_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("a.keywarden"), None);
    let key = vault
        .generate_key(super::common::new_key("Backup", Algorithm::Aes256))
        .unwrap()
        .id;
    let other = vault
        .generate_key(super::common::new_key("Other", Algorithm::Aes256))
        .unwrap()
        .id;
    let first = make(&mut vault, personal(vec![key]));
    vault.register_kit(first).unwrap();
    let unrelated = make(&mut vault, personal(vec![other]));
    vault.register_kit(unrelated).unwrap();
    let second = make(&mut vault, split(vec![key], 2, &["Ada", "Bea"]));
    let second = vault.register_kit(second).unwrap().clone();
    assert_eq!(second.generation, 2, "the second kit of this key");

    vault.rotate_key(&key, None, "yearly").unwrap();
    let kits = vault.kits_of(&key);
    assert!(
        kits.iter()
            .all(|k| matches!(k.status, KitStatus::Superseded { .. })),
        "{kits:?}"
    );
    assert_eq!(vault.kits_of(&other)[0].status, KitStatus::Current);
    let third = make(&mut vault, personal(vec![key]));
    let third = vault.register_kit(third).unwrap().clone();
    assert_eq!(third.keys[0].version, 2);
    assert_eq!(third.generation, 3);

    vault
        .set_state(&key, KeyState::Compromised, "laptop stolen")
        .unwrap();
    let path = vault.path().to_owned();
    drop(vault);
    let vault = unlock(&path, None);
    let kits = vault.kits_of(&key);
    assert_eq!(kits.len(), 3);
    for kit in kits {
        let KitStatus::Void { reason, .. } = &kit.status else {
            panic!("{kit:?}");
        };
        assert!(reason.contains("compromised"), "{reason}");
    }
    assert_eq!(vault.kits_of(&other)[0].status, KitStatus::Current);
    // Two superseded by the rotation, three voided by the compromise.
    assert_eq!(actions(&vault, Action::KitStatusChanged).len(), 5);
    assert!(vault.verify_audit().unwrap().problems.is_empty());
}
