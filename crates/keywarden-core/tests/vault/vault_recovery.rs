//! Vault recovery kits: a recovery keyslot opened by the master secret of SLIP-39
//! shares, which opens the vault only to set a new passphrase; drills; a new kit
//! replacing the old one; and every refusal leaving the file as it was.

use keywarden_core::kit::KitError;
use keywarden_core::kit::recovery::Recovery;
use keywarden_core::kit::register::{KitKind, KitStatus};
use keywarden_core::print::Paper;
use keywarden_core::vault::{KitLock, KitRequest, PreparedKit};
use keywarden_core::{
    Action, Algorithm, AuditFilter, ChangePassphraseError, KeyFile, Outcome, RecordError,
    UnlockError, UnlockedVault,
};

use super::common::{PASSPHRASE, create, open, pass, sql, unlock};

const NEW_PASSPHRASE: &str = "a new passphrase after the loss";

fn vault_kit(vault: &mut UnlockedVault, threshold: u8, custodians: &[&str]) -> PreparedKit {
    vault_kit_with(vault, threshold, custodians, None)
}

fn vault_kit_with(
    vault: &mut UnlockedVault,
    threshold: u8,
    custodians: &[&str],
    key_file: Option<&KeyFile>,
) -> PreparedKit {
    let request = KitRequest {
        keys: vec![],
        lock: KitLock::Vault {
            threshold,
            custodians: custodians.iter().map(|c| (*c).to_owned()).collect(),
        },
        paper: Paper::A4,
    };
    vault
        .prepare_kit(request, &pass(PASSPHRASE), key_file)
        .unwrap()
}

/// The master secret of these sheets' shares, as a recovery reads it from their words.
fn secret_of(kit: &PreparedKit, sheets: &[usize]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut recovery = Recovery::new();
    for &i in sheets {
        let words = kit.sheets[i].mnemonic.as_ref().unwrap();
        recovery.add_text(words).unwrap();
    }
    recovery.master_secret().unwrap()
}

/// The recovery keyslots in the file (the vault must be closed).
fn recovery_slots(path: &std::path::Path) -> i64 {
    sql(path)
        .query_row(
            "SELECT count(*) FROM keyslot WHERE kind = 'recovery'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn entries(vault: &UnlockedVault, action: Action) -> Vec<keywarden_core::AuditEntry> {
    vault
        .audit_entries(&AuditFilter {
            action: Some(action),
            ..AuditFilter::default()
        })
        .unwrap()
}

#[test]
fn a_split_vault_kit_opens_the_vault_only_to_set_a_new_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let key = vault
        .generate_key(super::common::new_key("Payroll", Algorithm::Aes256))
        .unwrap()
        .id;
    let kit = vault_kit(&mut vault, 2, &["Ada", "Bea", "Cy"]);
    assert_eq!(kit.sheets.len(), 3);
    assert!(kit.payload.is_empty());
    assert_eq!(
        kit.file_names(),
        [1, 2, 3].map(|n| format!(
            "{}-share-{n}-of-3-{}.pdf",
            kit.record.id,
            ["ada", "bea", "cy"][n - 1]
        ))
    );
    for sheet in &kit.sheets {
        assert!(sheet.pdf.starts_with(b"%PDF-"));
        assert_eq!(sheet.mnemonic.as_ref().unwrap().split(' ').count(), 20);
    }
    // Nothing changes until the kit is registered.
    assert!(!vault.has_recovery_kit());
    let secret = secret_of(&kit, &[2, 0]);
    let one_share = {
        let mut r = Recovery::new();
        r.add_text(kit.sheets[1].mnemonic.as_ref().unwrap())
            .unwrap();
        r
    };
    let record = vault.register_kit(kit).unwrap().clone();
    assert_eq!(
        record.kind,
        KitKind::Vault {
            threshold: 2,
            count: 3
        }
    );
    assert!(record.keys.is_empty());
    assert_eq!(record.generation, 1);
    assert!(vault.has_recovery_kit());
    let id = vault.vault_id();
    drop(vault);
    assert_eq!(recovery_slots(&path), 1);

    // One share is not enough, and says so.
    assert!(matches!(one_share.master_secret(), Err(KitError::Share(_))));

    // Two shares open the vault; the old passphrase is replaced.
    let locked = open(&path);
    assert_eq!(locked.vault_id(), id);
    assert!(locked.has_recovery_kit().unwrap());
    let recovered = locked.recover(&secret).unwrap();
    let weak = recovered.set_passphrase(&pass("short"), None).unwrap_err();
    assert!(matches!(weak.error, ChangePassphraseError::WeakPassphrase));
    let vault = weak
        .vault
        .set_passphrase(&pass(NEW_PASSPHRASE), None)
        .unwrap();
    assert!(vault.get(&key).is_ok());
    let recovered_entries = entries(&vault, Action::VaultRecovered);
    assert_eq!(recovered_entries.len(), 1);
    assert_eq!(recovered_entries[0].outcome, Outcome::Success);
    assert_eq!(entries(&vault, Action::PassphraseChanged).len(), 1);
    drop(vault);
    let failure = open(&path).unlock(&pass(PASSPHRASE), None).unwrap_err();
    assert!(matches!(failure.error, UnlockError::WrongPassphrase));
    let vault = failure.vault.unlock(&pass(NEW_PASSPHRASE), None).unwrap();
    assert!(vault.verify_audit().unwrap().is_intact());
    drop(vault);

    // The kit still opens the vault (until a newer one replaces it).
    assert!(open(&path).recover(&secret).is_ok());
}

#[test]
fn recovery_that_is_never_finished_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let kit = vault_kit(&mut vault, 1, &["Ada"]);
    assert_eq!(kit.sheets.len(), 1);
    assert_eq!(kit.file_names(), [format!("{}.pdf", kit.record.id)]);
    let secret = secret_of(&kit, &[0]);
    vault.register_kit(kit).unwrap();
    drop(vault);
    let before = std::fs::read(&path).unwrap();
    let recovered = open(&path).recover(&secret).unwrap();
    drop(recovered);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    unlock(&path, None);
}

#[test]
fn wrong_shares_and_vaults_without_a_kit_are_refused_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        dir.path().join("a.keywarden"),
        dir.path().join("b.keywarden"),
    );
    let mut vault_b = create(&b, None);
    let kit_b = vault_kit(&mut vault_b, 1, &["Bea"]);
    let secret_b = secret_of(&kit_b, &[0]);
    vault_b.register_kit(kit_b).unwrap();
    drop(vault_b);
    // No kit yet.
    drop(create(&a, None));
    let failure = open(&a).recover(&secret_b).unwrap_err();
    assert!(matches!(failure.error, UnlockError::NoRecoveryKit));
    drop(failure);
    let mut vault_a = unlock(&a, None);
    let kit_a = vault_kit(&mut vault_a, 1, &["Ada"]);
    vault_a.register_kit(kit_a).unwrap();
    drop(vault_a);

    // Another vault's shares.
    let failure = open(&a).recover(&secret_b).unwrap_err();
    assert!(matches!(failure.error, UnlockError::WrongRecoveryKit));
    // The failed attempt is recorded at the next unlock of that handle.
    let vault = failure.vault.unlock(&pass(PASSPHRASE), None).unwrap();
    let failed = entries(&vault, Action::UnlockFailed);
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].detail.contains("vault recovery kit"),
        "{failed:?}"
    );
}

#[test]
fn a_new_vault_kit_replaces_the_old_one_and_voids_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create(&path, None);
    let first = vault_kit(&mut vault, 2, &["Ada", "Bea"]);
    let old_secret = secret_of(&first, &[0, 1]);
    let first_id = vault.register_kit(first).unwrap().id;
    let second = vault_kit(&mut vault, 1, &["Cy"]);
    let new_secret = secret_of(&second, &[0]);
    let second = vault.register_kit(second).unwrap().clone();
    assert_eq!(second.generation, 2);
    assert!(vault.has_recovery_kit());
    let old = vault.kit(first_id).unwrap();
    assert!(
        matches!(&old.status, KitStatus::Void { reason, .. } if reason.contains(&second.id.to_string())),
        "{:?}",
        old.status
    );
    // A drill of the old kit fails; of the new one passes.
    let err = vault.record_vault_drill(&old_secret).unwrap_err();
    assert_eq!(err, RecordError::Kit(KitError::NotThisVault));
    let drilled = vault.record_vault_drill(&new_secret).unwrap().clone();
    assert_eq!(drilled.id, second.id);
    assert!(drilled.last_drill.is_some());
    let drills = entries(&vault, Action::KitDrilled);
    assert_eq!(
        drills.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [Outcome::Failure, Outcome::Success]
    );
    drop(vault);
    assert_eq!(recovery_slots(&path), 1);
    let failure = open(&path).recover(&old_secret).unwrap_err();
    assert!(matches!(failure.error, UnlockError::WrongRecoveryKit));
    drop(failure);
    assert!(open(&path).recover(&new_secret).is_ok());
}

#[test]
fn a_recovered_vault_takes_a_new_key_file_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let old_key_file = KeyFile::generate(&dir.path().join("old.key")).unwrap();
    let mut vault = create(&path, Some(&old_key_file));
    let kit = vault_kit_with(&mut vault, 1, &["Ada"], Some(&old_key_file));
    let secret = secret_of(&kit, &[0]);
    vault.register_kit(kit).unwrap();
    drop(vault);
    // The key file is lost: the vault is recovered without one.
    let vault = open(&path)
        .recover(&secret)
        .unwrap()
        .set_passphrase(&pass(NEW_PASSPHRASE), None)
        .unwrap();
    drop(vault);
    assert!(!open(&path).requires_key_file().unwrap());
    open(&path).unlock(&pass(NEW_PASSPHRASE), None).unwrap();
    // And again, with a new key file.
    let new_key_file = KeyFile::generate(&dir.path().join("new.key")).unwrap();
    drop(
        open(&path)
            .recover(&secret)
            .unwrap()
            .set_passphrase(&pass(NEW_PASSPHRASE), Some(&new_key_file))
            .unwrap(),
    );
    assert!(open(&path).requires_key_file().unwrap());
    open(&path)
        .unlock(&pass(NEW_PASSPHRASE), Some(&new_key_file))
        .unwrap();
}

#[test]
fn vault_kits_refuse_keys_and_bad_custody() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create(&dir.path().join("v.keywarden"), None);
    let key = vault
        .generate_key(super::common::new_key("K", Algorithm::Aes256))
        .unwrap()
        .id;
    let request = |keys, threshold, custodians: &[&str]| KitRequest {
        keys,
        lock: KitLock::Vault {
            threshold,
            custodians: custodians.iter().map(|c| (*c).to_owned()).collect(),
        },
        paper: Paper::Letter,
    };
    for (req, why) in [
        (request(vec![key], 1, &["Ada"]), "a key"),
        (request(vec![], 1, &["Ada", "Bea"]), "threshold 1 of 2"),
        (request(vec![], 3, &["Ada", "Bea"]), "threshold above count"),
        (request(vec![], 2, &["Ada", "Ada"]), "a custodian twice"),
        (request(vec![], 1, &[""]), "no custodian"),
    ] {
        let err = vault.prepare_kit(req, &pass(PASSPHRASE), None).unwrap_err();
        assert!(matches!(err, RecordError::Invalid { .. }), "{why}: {err:?}");
    }
    assert!(vault.kits().is_empty());
}
