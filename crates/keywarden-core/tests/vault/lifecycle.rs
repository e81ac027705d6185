//! The key lifecycle: NIST states and every transition between them, rotation,
//! scheduled destruction and crypto-erase, the policy, usage.

use std::fs;

use keywarden_core::{
    Action, Algorithm, AuditFilter, KeyId, KeyState, NewKey, Outcome, Policy, Purpose, RecordError,
    SecretUse, UnlockedVault,
};

use crate::common::{ManualClock, PASSPHRASE, WRONG, create_with_clock, open, pass, sql, unlock};

fn key_in(vault: &mut UnlockedVault, name: &str, state: KeyState) -> KeyId {
    let new = NewKey {
        pre_activation: state == KeyState::PreActivation,
        ..NewKey::new(name, Algorithm::Aes256)
    };
    let id = vault.generate_key(new).unwrap().id;
    match state {
        KeyState::PreActivation | KeyState::Active => {}
        KeyState::Destroyed => {
            vault.schedule_destruction(&id, Some(7), "retired").unwrap();
            let mut p = vault.policy().clone();
            p.set("destruction-wait-days", "0").unwrap();
            vault.set_policy(p, "test").unwrap();
            vault.cancel_destruction(&id, "now at once").unwrap();
            vault.schedule_destruction(&id, Some(0), "retired").unwrap();
            let mut p = vault.policy().clone();
            p.set("destruction-wait-days", "7").unwrap();
            vault.set_policy(p, "test").unwrap();
        }
        other => {
            vault.set_state(&id, other, "setting up").unwrap();
        }
    }
    assert_eq!(vault.get(&id).unwrap().state, state);
    id
}

fn failures(vault: &UnlockedVault, action: Action) -> usize {
    vault
        .audit_entries(&AuditFilter {
            action: Some(action),
            outcome: Some(Outcome::Failure),
            ..AuditFilter::default()
        })
        .unwrap()
        .len()
}

#[test]
fn every_pair_of_states_is_allowed_exactly_as_nist_figure_3_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), ManualClock::new());
    let mut n = 0;
    for from in KeyState::ALL {
        for to in KeyState::ALL {
            n += 1;
            let id = key_in(&mut vault, &format!("k{n}"), from);
            let before = vault.get(&id).unwrap().clone();
            let refused_before = failures(&vault, Action::StateChanged)
                + failures(&vault, Action::DestructionScheduled);
            let result = if to == KeyState::Destroyed {
                vault
                    .schedule_destruction(&id, None, "no longer needed")
                    .map(|r| r.destruction.is_some())
            } else {
                vault.set_state(&id, to, "a reason").map(|r| r.state == to)
            };
            let allowed = from.can_become(to);
            match result {
                Ok(done) => {
                    assert!(allowed, "{from} -> {to} went through");
                    assert!(done);
                }
                Err(RecordError::NotAllowed { reason }) => {
                    assert!(!allowed, "{from} -> {to} refused: {reason}");
                    assert_eq!(vault.get(&id).unwrap(), &before, "{from} -> {to}");
                    assert_eq!(
                        failures(&vault, Action::StateChanged)
                            + failures(&vault, Action::DestructionScheduled),
                        refused_before + 1,
                        "the refusal of {from} -> {to} is audited"
                    );
                    if to != KeyState::Destroyed {
                        assert!(reason.contains(from.id()) && reason.contains(to.id()));
                    }
                }
                Err(e) => panic!("{from} -> {to}: {e:?}"),
            }
        }
    }
    assert_eq!(n, 36);
}

#[test]
fn transitions_record_who_when_and_why_and_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    vault.set_actor("Ada Admin").unwrap();
    let new = NewKey {
        pre_activation: true,
        ..NewKey::new("db", Algorithm::Aes256)
    };
    let id = vault.generate_key(new).unwrap().id;
    assert!(vault.get(&id).unwrap().activated_at.is_none());
    clock.advance_days(1);
    vault.set_state(&id, KeyState::Active, "go live").unwrap();
    clock.advance_days(1);
    vault
        .set_state(&id, KeyState::Suspended, "  investigating an alert ")
        .unwrap();
    clock.advance_days(1);
    vault
        .set_state(&id, KeyState::Active, "false alarm")
        .unwrap();
    assert!(matches!(
        vault.set_state(&id, KeyState::Suspended, "   "),
        Err(RecordError::Invalid {
            field: "reason",
            ..
        })
    ));
    let record = vault.get(&id).unwrap().clone();
    let steps: Vec<(Option<KeyState>, KeyState, &str)> = record
        .history
        .iter()
        .map(|t| (t.from, t.to, t.reason.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (None, KeyState::PreActivation, "generated"),
            (Some(KeyState::PreActivation), KeyState::Active, "go live"),
            (
                Some(KeyState::Active),
                KeyState::Suspended,
                "investigating an alert"
            ),
            (Some(KeyState::Suspended), KeyState::Active, "false alarm"),
        ]
    );
    assert!(record.history.iter().all(|t| t.actor == "Ada Admin"));
    let times: Vec<_> = record.history.iter().map(|t| t.at).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1] || w[0] == times[0]));
    assert_eq!(record.activated_at, Some(record.history[1].at));
    drop(vault);
    assert_eq!(
        unlock(&path, None).get(&id).unwrap().history,
        record.history
    );
}

#[test]
fn rotation_makes_a_new_version_and_keeps_the_old_one_for_processing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    let id = vault
        .generate_key(NewKey::new("data", Algorithm::Aes128))
        .unwrap()
        .id;
    let v1 = vault
        .key_material(&id, None)
        .unwrap()
        .expose_secret()
        .to_vec();
    let first_due = vault.next_rotation(vault.get(&id).unwrap()).unwrap();
    clock.advance_days(100);
    let record = vault
        .rotate_key(&id, None, "yearly rotation")
        .unwrap()
        .clone();
    assert_eq!(record.current_version, 2);
    assert_eq!(record.versions.len(), 2);
    assert_eq!(record.algorithm, Algorithm::Aes128);
    assert_eq!(record.state, KeyState::Active);
    assert!(record.versions[0].deactivated_at.is_some());
    assert!(record.versions[1].deactivated_at.is_none());
    assert_eq!(record.rotated_at, Some(record.versions[1].created_at));
    // The new due date counts from the rotation.
    let due = vault.next_rotation(&record).unwrap();
    assert_eq!(
        due.duration_since(first_due).as_secs(),
        100 * 86_400,
        "{first_due} {due}"
    );
    // Both versions read back; the old one is unchanged.
    let v2 = vault
        .key_material(&id, None)
        .unwrap()
        .expose_secret()
        .to_vec();
    assert_ne!(v1, v2);
    assert_eq!(
        vault.key_material(&id, Some(1)).unwrap().expose_secret(),
        v1
    );
    // Other families and non-active keys are refused, and so is a missing reason.
    assert!(matches!(
        vault.rotate_key(&id, Some(Algorithm::Password), "x"),
        Err(RecordError::NotAllowed { .. })
    ));
    assert!(matches!(
        vault.rotate_key(&id, None, ""),
        Err(RecordError::Invalid { .. })
    ));
    vault.set_state(&id, KeyState::Suspended, "hold").unwrap();
    assert!(matches!(
        vault.rotate_key(&id, None, "x"),
        Err(RecordError::NotAllowed { .. })
    ));
    drop(vault);
    let vault = unlock(&path, None);
    assert_eq!(vault.get(&id).unwrap().versions, record.versions);
    assert_eq!(
        vault.key_material(&id, Some(1)).unwrap().expose_secret(),
        v1
    );
}

#[test]
fn rotation_moves_to_an_algorithm_the_policy_now_prefers() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), ManualClock::new());
    let id = vault
        .generate_key(NewKey::new("old", Algorithm::Aes128))
        .unwrap()
        .id;
    let mut policy = vault.policy().clone();
    policy.set("min-strength", "256").unwrap();
    vault.set_policy(policy, "tighten").unwrap();
    let findings = vault.assess(vault.get(&id).unwrap());
    assert_eq!(findings[0].code, "strength-below-minimum");
    let record = vault.rotate_key(&id, None, "policy").unwrap();
    assert_eq!(record.algorithm, Algorithm::Aes256);
    assert_eq!(record.versions[0].algorithm, Algorithm::Aes128);
    assert!(vault.assess(vault.get(&id).unwrap()).is_empty());
    // Asking for the weak one explicitly is a policy violation, and changes nothing.
    let before = vault.get(&id).unwrap().clone();
    assert!(matches!(
        vault.rotate_key(&id, Some(Algorithm::Aes128), "again"),
        Err(RecordError::PolicyViolation { .. })
    ));
    assert_eq!(vault.get(&id).unwrap(), &before);
}

#[test]
fn new_keys_must_pass_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create_with_clock(&path, ManualClock::new());
    let mut policy = vault.policy().clone();
    policy.set("min-strength", "192").unwrap();
    policy.set("cryptoperiod.data-encryption", "90").unwrap();
    vault.set_policy(policy.clone(), "stricter").unwrap();
    let err = vault
        .generate_key(NewKey::new("weak", Algorithm::Aes128))
        .unwrap_err();
    assert!(
        matches!(&err, RecordError::PolicyViolation { reasons } if reasons.contains("128-bit")),
        "{err:?}"
    );
    let wrong_purpose = NewKey {
        purpose: Some(Purpose::Signature),
        ..NewKey::new("x", Algorithm::Aes256)
    };
    assert!(matches!(
        vault.generate_key(wrong_purpose),
        Err(RecordError::PolicyViolation { .. })
    ));
    assert_eq!(vault.key_count(), 0);
    assert_eq!(failures(&vault, Action::KeyGenerated), 2);
    // An invalid policy is refused and audited; the stored one persists.
    let mut bad = policy.clone();
    bad.min_strength_bits = 100;
    assert!(vault.set_policy(bad, "oops").is_err());
    assert_eq!(failures(&vault, Action::PolicyChanged), 1);
    drop(vault);
    let vault = unlock(&path, None);
    assert_eq!(vault.policy(), &policy);
    let changes = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::PolicyChanged),
            outcome: Some(Outcome::Success),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert!(changes[0].detail.contains("min-strength: 128 to 192"));
    assert!(
        changes[0]
            .detail
            .contains("cryptoperiod.data-encryption: 730 to 90")
    );
    assert_eq!(changes[0].reason, "stricter");
    assert_eq!(Policy::default().cryptoperiod(Purpose::DataEncryption), 730);
}

#[test]
fn destruction_waits_for_the_policy_period_and_can_be_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let id = vault
        .generate_key(NewKey::new("old", Algorithm::Aes256))
        .unwrap()
        .id;
    assert!(matches!(
        vault.schedule_destruction(&id, Some(3), "too soon"),
        Err(RecordError::NotAllowed { .. })
    ));
    let scheduled = vault
        .schedule_destruction(&id, None, "replaced by new")
        .unwrap()
        .destruction
        .clone()
        .unwrap();
    assert_eq!(
        scheduled
            .due_at
            .duration_since(scheduled.scheduled_at)
            .as_secs(),
        7 * 86_400
    );
    assert!(matches!(
        vault.schedule_destruction(&id, None, "twice"),
        Err(RecordError::NotAllowed { .. })
    ));
    clock.advance_days(6);
    assert!(vault.destroy_due().unwrap().is_empty());
    vault.cancel_destruction(&id, "still needed").unwrap();
    clock.advance_days(2);
    assert!(vault.destroy_due().unwrap().is_empty());
    assert_eq!(vault.get(&id).unwrap().state, KeyState::Active);
    assert!(matches!(
        vault.cancel_destruction(&id, "nothing to cancel"),
        Err(RecordError::NotAllowed { .. })
    ));
    // Scheduled again, it happens once the wait is over, to the second.
    vault
        .schedule_destruction(&id, None, "really retired")
        .unwrap();
    clock.advance_days(6);
    clock.advance_seconds(86_399);
    assert!(vault.destroy_due().unwrap().is_empty());
    clock.advance_seconds(1);
    assert_eq!(vault.destroy_due().unwrap(), [id]);
    let tomb = vault.get(&id).unwrap();
    assert_eq!(tomb.state, KeyState::Destroyed);
    assert_eq!(tomb.name, "old");
    assert!(tomb.destruction.is_none());
    let last = tomb.history.last().unwrap();
    assert_eq!(
        (last.from, last.to, last.reason.as_str()),
        (
            Some(KeyState::Active),
            KeyState::Destroyed,
            "really retired"
        )
    );
    assert!(tomb.versions.iter().all(|v| v.destroyed_at.is_some()));
    assert!(matches!(
        vault.key_material(&id, None),
        Err(RecordError::NotAllowed { .. })
    ));
    assert!(vault.assess(tomb).is_empty());
}

/// Every occurrence of `needle` in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn after_destruction_the_material_is_nowhere_in_the_file_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let wal = dir.path().join("v.keywarden-wal");
    let mut vault = create_with_clock(&path, ManualClock::new());
    let id = vault
        .generate_key(NewKey::new("doomed", Algorithm::HmacSha512))
        .unwrap()
        .id;
    vault.rotate_key(&id, None, "two versions").unwrap();
    let keep = vault
        .generate_key(NewKey::new("kept", Algorithm::HmacSha512))
        .unwrap()
        .id;
    let plain: Vec<Vec<u8>> = [Some(1), Some(2)]
        .into_iter()
        .map(|v| vault.key_material(&id, v).unwrap().expose_secret().to_vec())
        .collect();
    let kept = vault
        .key_material(&keep, None)
        .unwrap()
        .expose_secret()
        .to_vec();
    drop(vault);
    // What an attacker with the file would look for: the sealed rows.
    let sealed: Vec<Vec<u8>> = {
        let c = sql(&path);
        let mut stmt = c
            .prepare("SELECT material FROM key_version WHERE key_id = ?1")
            .unwrap();
        stmt.query_map([id.to_string()], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(sealed.len(), 2);
    let mut vault = unlock(&path, None);
    let bytes = |p: &std::path::Path| fs::read(p).unwrap_or_default();
    let everything = [bytes(&path), bytes(&wal)].concat();
    assert!(
        sealed.iter().all(|s| contains(&everything, s)),
        "the test must see the sealed material before destruction"
    );
    let mut p = vault.policy().clone();
    p.set("destruction-wait-days", "0").unwrap();
    vault.set_policy(p, "test").unwrap();
    vault
        .schedule_destruction(&id, Some(0), "erase now")
        .unwrap();
    assert_eq!(vault.get(&id).unwrap().state, KeyState::Destroyed);
    // While still open, and after it is closed.
    for round in 0..2 {
        let everything = [bytes(&path), bytes(&wal)].concat();
        for s in sealed.iter().chain(&plain) {
            assert!(!contains(&everything, s), "round {round}: material found");
        }
        if round == 0 {
            drop(vault);
            vault = unlock(&path, None);
        }
    }
    assert_eq!(
        vault.key_material(&keep, None).unwrap().expose_secret(),
        kept
    );
    let tomb = vault.get(&id).unwrap();
    assert_eq!(tomb.versions.len(), 2);
}

#[test]
fn revealing_needs_the_passphrase_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let path = dir.path().join("v.keywarden");
    let mut vault = create_with_clock(&path, clock.clone());
    let id = vault
        .generate_key(NewKey::new("api", Algorithm::HmacSha256))
        .unwrap()
        .id;
    clock.advance_days(40);
    assert_eq!(vault.unused_keys(30).len(), 1);
    let before = vault.get(&id).unwrap().clone();
    let err = vault
        .use_secret(&id, None, SecretUse::Reveal, &pass(WRONG), None)
        .unwrap_err();
    assert!(matches!(err, RecordError::Confirmation { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains(WRONG));
    assert_eq!(vault.get(&id).unwrap(), &before);
    assert_eq!(failures(&vault, Action::SecretRevealed), 1);
    let m = vault
        .use_secret(&id, None, SecretUse::Reveal, &pass(PASSPHRASE), None)
        .unwrap();
    assert_eq!(m.algorithm(), Algorithm::HmacSha256);
    assert_eq!(m.reveal_text().unwrap().len(), 64);
    assert!(vault.get(&id).unwrap().revealed_at.is_some());
    assert!(vault.unused_keys(30).is_empty());
    vault
        .use_secret(
            &id,
            Some(1),
            SecretUse::Export("raw-hex"),
            &pass(PASSPHRASE),
            None,
        )
        .unwrap();
    let exported = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::SecretExported),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(exported.len(), 1);
    assert_eq!(exported[0].detail, "version 1 as raw-hex");
    assert_eq!(exported[0].key, Some(id));
    assert!(vault.get(&id).unwrap().exported_at.is_some());
}

#[test]
fn overdue_rotation_is_flagged_and_rotation_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let new = NewKey {
        rotation_days: Some(30),
        ..NewKey::new("short", Algorithm::ChaCha20)
    };
    let id = vault.generate_key(new).unwrap().id;
    clock.advance_days(29);
    assert!(vault.assess(vault.get(&id).unwrap()).is_empty());
    clock.advance_days(1);
    let findings = vault.assess(vault.get(&id).unwrap());
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, "rotation-overdue");
    vault.rotate_key(&id, None, "overdue").unwrap();
    assert!(vault.assess(vault.get(&id).unwrap()).is_empty());
}

#[test]
fn a_locked_reopen_keeps_every_lifecycle_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create_with_clock(&path, ManualClock::new());
    let new = NewKey {
        owner: " Platform team ".into(),
        custodians: vec!["Ada".into(), "Grace".into(), "ada".into()],
        purpose: Some(Purpose::KeyWrapping),
        rotation_days: Some(400),
        ..NewKey::new("wrap", Algorithm::Aes256)
    };
    let id = vault.generate_key(new).unwrap().id;
    vault
        .schedule_destruction(&id, Some(30), "migrating")
        .unwrap();
    let record = vault.get(&id).unwrap().clone();
    assert_eq!(record.owner, "Platform team");
    assert_eq!(record.custodians, ["Ada", "Grace"]);
    drop(vault);
    assert_eq!(
        open(&path)
            .unlock(&pass(PASSPHRASE), None)
            .unwrap()
            .get(&id)
            .unwrap(),
        &record
    );
}

#[test]
fn every_algorithm_the_policy_allows_generates_rotates_and_keeps_old_fingerprints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let mut vault = create_with_clock(&path, ManualClock::new());
    let mut ids = Vec::new();
    for a in Algorithm::ALL {
        // RSA-4096 is slow to generate in a debug build and RSA-3072 covers the code.
        if matches!(a, Algorithm::Rsa4096) {
            continue;
        }
        let result = vault.generate_key(NewKey::new(format!("k {a}"), a));
        if a == Algorithm::Rsa2048 {
            // 112-bit: refused by the default policy (128-bit minimum).
            assert!(matches!(result, Err(RecordError::PolicyViolation { .. })));
            continue;
        }
        let record = result.unwrap().clone();
        assert!(!record.fingerprint().is_empty(), "{a}");
        assert!(!vault.key_material(&record.id, None).unwrap().is_empty());
        ids.push((record.id, record.fingerprint().to_owned()));
    }
    // Rotating a public-key algorithm gives a new fingerprint and keeps the old one.
    let (ed, ed_fp) = ids
        .iter()
        .find(|(id, _)| vault.get(id).unwrap().algorithm == Algorithm::Ed25519)
        .cloned()
        .unwrap();
    let v1 = &vault.get(&ed).unwrap().versions[0];
    let kinds: Vec<&str> = v1.fingerprints.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["spki-sha256", "openssh-sha256"]);
    assert_eq!(v1.fingerprints[0].1, ed_fp);
    assert!(v1.fingerprints[1].1.starts_with("SHA256:"));
    let rotated = vault.rotate_key(&ed, None, "yearly").unwrap().clone();
    assert_eq!(rotated.versions[0].fingerprint, ed_fp);
    assert_ne!(rotated.fingerprint(), ed_fp);
    drop(vault);
    let vault = unlock(&path, None);
    for (id, fp) in &ids {
        let r = vault.get(id).unwrap();
        assert_eq!(&r.versions[0].fingerprint, fp, "{}", r.name);
        assert!(vault.key_material(id, Some(1)).is_ok());
    }
}

#[test]
fn imported_keys_are_recorded_as_they_are_and_flagged() {
    use keywarden_core::{Format, SecretKey};
    let dir = tempfile::tempdir().unwrap();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), ManualClock::new());
    let outside = SecretKey::generate(Algorithm::Rsa2048).unwrap();
    let pem = outside.export(Format::Pkcs8Pem, "").unwrap();
    let key = SecretKey::import(&pem, Format::Pkcs8Pem, None).unwrap();
    // The algorithm comes from the material, whatever the request said.
    let new = NewKey::new("legacy tls", Algorithm::Aes256);
    let record = vault.import_key(new, key).unwrap().clone();
    assert_eq!(record.algorithm, Algorithm::Rsa2048);
    assert_eq!(record.fingerprint(), outside.fingerprint().to_string());
    assert_eq!(record.history[0].reason, "imported");
    let findings = vault.assess(&record);
    assert_eq!(findings[0].code, "strength-below-minimum");
    let imported = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::KeyImported),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(imported.len(), 1);
    // A purpose the algorithm cannot serve is refused.
    let again = SecretKey::import(&pem, Format::Pkcs8Pem, None).unwrap();
    let wrong = NewKey {
        purpose: Some(Purpose::DataEncryption),
        ..NewKey::new("other", Algorithm::Rsa2048)
    };
    assert!(matches!(
        vault.import_key(wrong, again),
        Err(RecordError::PolicyViolation { .. })
    ));
    // Public parts leave without a passphrase, recorded; secret keys have none.
    let public = vault.export_public(&record.id, None, "spki-pem").unwrap();
    assert_eq!(public.fingerprint(), outside.fingerprint());
    let aes = vault
        .generate_key(NewKey::new("aes", Algorithm::Aes256))
        .unwrap()
        .id;
    assert!(matches!(
        vault.export_public(&aes, None, "spki-pem"),
        Err(RecordError::NotAllowed { .. })
    ));
    let exports = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::PublicExported),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(exports.len(), 1);
}
