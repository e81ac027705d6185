//! Keys whose private part lives elsewhere: a public key imported on its own is named,
//! fingerprinted, exported and rotated to its holder's new public key, and every way to
//! a secret refuses it clearly.

use keywarden_core::material::{Format, Imported, PublicKey, SecretKey};
use keywarden_core::print::Paper;
use keywarden_core::vault::{KitLock, KitRequest};
use keywarden_core::{Action, Algorithm, AuditFilter, NewKey, RecordError, SecretUse};
use zeroize::Zeroizing;

use crate::common::{PASSPHRASE, create, pass, unlock};

fn their_public_key(algorithm: Algorithm) -> (SecretKey, PublicKey) {
    let theirs = SecretKey::generate(algorithm).unwrap();
    let line = theirs.export(Format::OpenSshPublic, "bob@example").unwrap();
    let public = PublicKey::import(&line, Format::OpenSshPublic, None).unwrap();
    (theirs, public)
}

fn refused(result: Result<impl std::fmt::Debug, RecordError>, words: &str) {
    match result {
        Err(RecordError::NotAllowed { reason }) => {
            assert!(reason.contains(words), "{reason}");
        }
        other => panic!("expected a refusal naming {words:?}, got {other:?}"),
    }
}

#[test]
fn a_public_key_alone_is_kept_named_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let (theirs, public) = their_public_key(Algorithm::Ed25519);
    let record = vault
        .import_key(
            NewKey::new("bob's ssh key", Algorithm::Aes256),
            public.clone(),
        )
        .unwrap()
        .clone();
    assert!(record.public_only);
    assert_eq!(record.algorithm, Algorithm::Ed25519);
    assert_eq!(record.fingerprint(), theirs.fingerprint().to_string());
    let kinds: Vec<&str> = record.versions[0]
        .fingerprints
        .iter()
        .map(|(kind, _)| kind.as_str())
        .collect();
    assert_eq!(kinds, ["spki-sha256", "openssh-sha256"]);
    let imported = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::KeyImported),
            ..AuditFilter::default()
        })
        .unwrap();
    assert!(
        imported[0].detail.contains("Ed25519 public key only"),
        "{}",
        imported[0].detail
    );

    // The flag and the public key survive a lock and an unlock.
    drop(vault);
    let mut vault = unlock(&path, None);
    let again = vault.get(&record.id).unwrap().clone();
    assert!(again.public_only);
    let exported = vault
        .export_public(&record.id, None, "openssh-public")
        .unwrap();
    assert_eq!(exported, public);
    assert_eq!(
        exported
            .export(Format::OpenSshPublic, "bob@example")
            .unwrap(),
        theirs
            .export(Format::OpenSshPublic, "bob@example")
            .unwrap()
            .to_vec()
    );
    // Nothing to escrow.
    assert!(vault.escrow_coverage().iter().all(|e| e.id != record.id));
}

#[test]
fn every_way_to_a_secret_refuses_a_public_only_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("v.keywarden"), None);
    let (_, public) = their_public_key(Algorithm::EcdsaP256);
    let id = vault
        .import_key(NewKey::new("partner", Algorithm::EcdsaP256), public)
        .unwrap()
        .id;
    let words = "holds only the public key";
    for how in [SecretUse::Reveal, SecretUse::Export("pkcs8-pem")] {
        refused(
            vault.use_secret(&id, None, how, &pass(PASSPHRASE), None),
            words,
        );
    }
    refused(vault.key_material(&id, None), words);
    let kit = KitRequest {
        keys: vec![id],
        lock: KitLock::Personal {
            passphrase: Zeroizing::new("brisk otter lantern seventy".to_owned()),
            custodian: "Ada".to_owned(),
        },
        paper: Paper::A4,
    };
    refused(vault.prepare_kit(kit, &pass(PASSPHRASE), None), words);
    refused(vault.rotate_key(&id, None, "yearly"), "its holder makes");
    // Each refusal is in the audit log, and the key is as it was.
    let failed = vault
        .audit_entries(&AuditFilter::default())
        .unwrap()
        .into_iter()
        .filter(|e| e.outcome != keywarden_core::Outcome::Success)
        .count();
    assert!(failed >= 3, "{failed}");
    assert_eq!(vault.get(&id).unwrap().versions.len(), 1);
}

#[test]
fn a_public_only_key_rotates_to_its_holders_new_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let (old, public) = their_public_key(Algorithm::Rsa2048);
    let id = vault
        .import_key(
            NewKey::new("vendor signing", Algorithm::Rsa2048),
            public.clone(),
        )
        .unwrap()
        .id;
    // The same public key again is not a new version.
    refused(
        vault.replace_public_key(&id, public, "yearly"),
        "already version 1",
    );
    // A key that cannot serve the key's purpose (signature) is refused.
    let agreement = SecretKey::generate(Algorithm::X25519).unwrap();
    let spki = agreement.export(Format::SpkiDer, "").unwrap();
    match vault.replace_public_key(
        &id,
        PublicKey::import(&spki, Format::SpkiDer, None).unwrap(),
        "yearly",
    ) {
        Err(RecordError::PolicyViolation { reasons }) => {
            assert!(
                reasons.contains("X25519 keys cannot serve signature"),
                "{reasons}"
            );
        }
        other => panic!("expected a purpose refusal, got {other:?}"),
    }
    assert_eq!(vault.get(&id).unwrap().versions.len(), 1);
    let (new, replacement) = their_public_key(Algorithm::Ed25519);
    let record = vault
        .replace_public_key(&id, replacement.clone(), "vendor moved to Ed25519")
        .unwrap()
        .clone();
    assert_eq!(record.current_version, 2);
    assert_eq!(record.algorithm, Algorithm::Ed25519);
    assert_eq!(record.fingerprint(), new.fingerprint().to_string());
    assert_eq!(
        record.versions[0].fingerprint,
        old.fingerprint().to_string()
    );
    assert!(record.versions[0].deactivated_at.is_some());
    assert!(record.rotated_at.is_some());
    drop(vault);
    let mut vault = unlock(&path, None);
    assert_eq!(
        vault.export_public(&id, None, "spki-pem").unwrap(),
        replacement
    );
    assert_eq!(
        vault
            .export_public(&id, Some(1), "spki-pem")
            .unwrap()
            .fingerprint(),
        old.fingerprint()
    );
    // A key whose private part the vault holds rotates by generation only.
    let own = vault
        .generate_key(NewKey::new("own", Algorithm::Ed25519))
        .unwrap()
        .id;
    let (_, other) = their_public_key(Algorithm::Ed25519);
    refused(
        vault.replace_public_key(&own, other, "swap"),
        "holds the private key",
    );
}

#[test]
fn a_destroyed_public_only_key_leaves_a_tombstone() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("v.keywarden"), None);
    let age = SecretKey::generate(Algorithm::AgeX25519).unwrap();
    let recipient = age.export(Format::AgeRecipient, "").unwrap();
    let imported = Imported::import(&recipient, Format::AgeRecipient, None).unwrap();
    assert!(imported.is_public_only());
    let record = vault
        .import_key(
            NewKey::new("backup recipient", Algorithm::AgeX25519),
            imported,
        )
        .unwrap()
        .clone();
    assert_eq!(record.fingerprint(), age.fingerprint().to_string());
    assert!(record.fingerprint().starts_with("age1"));
    let mut policy = vault.policy().clone();
    policy.set("destruction-wait-days", "0").unwrap();
    vault.set_policy(policy, "test").unwrap();
    vault
        .schedule_destruction(&record.id, Some(0), "the backup host is gone")
        .unwrap();
    let tomb = vault.get(&record.id).unwrap();
    assert_eq!(tomb.state, keywarden_core::KeyState::Destroyed);
    assert_eq!(tomb.fingerprint(), age.fingerprint().to_string());
    refused(
        vault.export_public(&record.id, None, "age-recipient"),
        "destroyed",
    );
}
