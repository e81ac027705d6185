//! What is due: rotations and scheduled destructions, overdue first, within a window.

use jiff::tz::TimeZone;
use keywarden_core::policy::DEFAULT_REMINDER_DAYS as DEFAULT_THRESHOLDS;
use keywarden_core::reminder::{DueKind, DueSubject, Urgency};
use keywarden_core::{Action, AuditFilter, Clock, Outcome, RecordError, Timestamp};
use keywarden_core::{Algorithm, KeyState, NewKey};

use crate::common::{ManualClock, create_with_clock};
use keywarden_core::LockedVault;

#[test]
fn due_items_come_overdue_first_then_soonest_and_respect_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let with_period = |name: &str, days| NewKey {
        rotation_days: Some(days),
        ..NewKey::new(name, Algorithm::Aes256)
    };
    let overdue = vault.generate_key(with_period("overdue", 10)).unwrap().id;
    let soon = vault.generate_key(with_period("soon", 20)).unwrap().id;
    let later = vault.generate_key(with_period("later", 400)).unwrap().id;
    let pre = vault
        .generate_key(NewKey {
            pre_activation: true,
            ..with_period("not active", 1)
        })
        .unwrap()
        .id;
    let doomed = vault.generate_key(with_period("doomed", 400)).unwrap().id;
    vault
        .schedule_destruction(&doomed, Some(30), "retired")
        .unwrap();
    clock.advance_days(12);

    let all = vault.due(&DEFAULT_THRESHOLDS, None);
    let order: Vec<(String, DueKind)> = all.iter().map(|i| (i.name.clone(), i.kind)).collect();
    assert_eq!(
        order,
        [
            ("overdue".to_owned(), DueKind::Rotation),
            ("soon".to_owned(), DueKind::Rotation),
            ("doomed".to_owned(), DueKind::Destruction),
            ("doomed".to_owned(), DueKind::Rotation),
            ("later".to_owned(), DueKind::Rotation),
        ]
    );
    assert_eq!(all[0].subject, DueSubject::Key(overdue));
    assert_eq!(all[0].urgency, Urgency::Overdue { days: 2 });
    assert_eq!(
        all[1].urgency,
        Urgency::Soon {
            days_left: 8,
            threshold: 14
        }
    );
    assert!(all.iter().all(|i| i.subject != DueSubject::Key(pre)));
    // A window of 10 days keeps the overdue and the 8-day item only.
    let window: Vec<_> = vault
        .due(&DEFAULT_THRESHOLDS, Some(10))
        .into_iter()
        .map(|i| i.subject)
        .collect();
    assert_eq!(window, [DueSubject::Key(overdue), DueSubject::Key(soon)]);
    // Rotating moves the overdue item ten days on; a deactivated key has no rotation due.
    vault.rotate_key(&overdue, None, "due").unwrap();
    vault
        .set_state(&later, KeyState::Deactivated, "retired")
        .unwrap();
    let names: Vec<_> = vault
        .due(&DEFAULT_THRESHOLDS, None)
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, ["soon", "overdue", "doomed", "doomed"]);
}

fn key_due_in(
    vault: &mut keywarden_core::UnlockedVault,
    name: &str,
    days: u32,
) -> keywarden_core::KeyId {
    vault
        .generate_key(NewKey {
            rotation_days: Some(days),
            ..NewKey::new(name, Algorithm::Aes256)
        })
        .unwrap()
        .id
}

/// Counts every row of the plaintext copy deleted or inserted from now on, through a
/// table and triggers outside the vault's format, which the engine never reads.
fn count_reminder_writes(path: &std::path::Path) {
    crate::common::with_sql(path, |sql| {
        sql.execute_batch(
            "CREATE TABLE probe (inserted INTEGER);
             CREATE TRIGGER probe_delete AFTER DELETE ON reminder
             BEGIN INSERT INTO probe VALUES (0); END;
             CREATE TRIGGER probe_insert AFTER INSERT ON reminder
             BEGIN INSERT INTO probe VALUES (1); END;",
        )
        .unwrap()
    });
}

/// Rows of the copy deleted and inserted since [`count_reminder_writes`], and rows in it.
fn reminder_writes(path: &std::path::Path) -> (i64, i64, i64) {
    crate::common::with_sql(path, |sql| {
        sql.query_row(
            "SELECT (SELECT count(*) FROM probe WHERE inserted = 0), \
             (SELECT count(*) FROM probe WHERE inserted = 1), (SELECT count(*) FROM reminder)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    })
}

fn days_after(t: Timestamp, days: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_hours(24 * days))
        .unwrap()
}

#[test]
fn a_snooze_marks_the_item_is_audited_and_ends_with_its_due_date() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let id = key_due_in(&mut vault, "backup", 10);
    let due_at = vault.due(&DEFAULT_THRESHOLDS, None)[0].due_at;
    let until = days_after(due_at, 5);
    vault
        .snooze(&id, DueKind::Rotation, until, "  waiting for the new HSM  ")
        .unwrap();
    let item = &vault.due(&DEFAULT_THRESHOLDS, None)[0];
    let snooze = item.snooze.as_ref().expect("snoozed");
    assert_eq!(snooze.until, until);
    assert_eq!(snooze.reason, "waiting for the new HSM");
    assert_eq!(snooze.due_at, due_at);
    let entries = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::ReminderSnoozed),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].reason, "waiting for the new HSM");
    assert!(
        entries[0].detail.contains("snoozed until"),
        "{}",
        entries[0].detail
    );

    // It survives a lock and unlock.
    let path = vault.path().to_owned();
    drop(vault.lock());
    let mut vault = LockedVault::open(&path, clock.clone())
        .unwrap()
        .unlock(&crate::common::pass(crate::common::PASSPHRASE), None)
        .unwrap();
    assert_eq!(vault.get(&id).unwrap().snoozes.len(), 1);

    // Rotating moves the due date: the snooze no longer holds.
    clock.advance_days(1);
    vault.rotate_key(&id, None, "rotated early").unwrap();
    assert!(vault.due(&DEFAULT_THRESHOLDS, None)[0].snooze.is_none());
    // A snooze also lapses at its end.
    let due_at = vault.due(&DEFAULT_THRESHOLDS, None)[0].due_at;
    vault
        .snooze(&id, DueKind::Rotation, days_after(due_at, -2), "soon")
        .unwrap();
    clock.advance_days(8);
    assert!(vault.due(&DEFAULT_THRESHOLDS, None)[0].snooze.is_none());
}

#[test]
fn snoozes_past_the_policy_s_maximum_or_without_a_reason_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let id = key_due_in(&mut vault, "backup", 10);
    let unrelated = vault
        .generate_key(NewKey {
            pre_activation: true,
            ..NewKey::new("not active", Algorithm::Aes256)
        })
        .unwrap()
        .id;
    let due_at = vault.due(&DEFAULT_THRESHOLDS, None)[0].due_at;
    let now = clock.now();
    let before = vault.get(&id).unwrap().clone();
    let latest = days_after(due_at, 30);
    let one_second_later = latest
        .checked_add(jiff::SignedDuration::from_secs(1))
        .unwrap();
    let cases: Vec<(keywarden_core::KeyId, DueKind, Timestamp, &str)> = vec![
        (id, DueKind::Rotation, one_second_later, "too long"),
        (id, DueKind::Rotation, now, "not in the future"),
        (id, DueKind::Rotation, days_after(due_at, 1), "   "),
        (
            id,
            DueKind::Destruction,
            days_after(due_at, 1),
            "nothing scheduled",
        ),
        (
            unrelated,
            DueKind::Rotation,
            days_after(due_at, 1),
            "not in use",
        ),
    ];
    for (key, kind, until, reason) in cases {
        let err = vault.snooze(&key, kind, until, reason).unwrap_err();
        assert!(
            matches!(
                err,
                RecordError::NotAllowed { .. } | RecordError::Invalid { .. }
            ),
            "{reason}: {err:?}"
        );
    }
    assert_eq!(vault.get(&id).unwrap(), &before);
    let refused = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::ReminderSnoozed),
            outcome: Some(Outcome::Failure),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(refused.len(), 5);
    assert!(
        refused[0].detail.contains("at most 30 days"),
        "{}",
        refused[0].detail
    );
    // The exact limit is allowed; a policy of 0 allows none.
    vault.snooze(&id, DueKind::Rotation, latest, "ok").unwrap();
    let mut policy = vault.policy().clone();
    policy.set("max-snooze-days", "0").unwrap();
    vault.set_policy(policy, "no snoozing").unwrap();
    let err = vault
        .snooze(&id, DueKind::Rotation, days_after(due_at, 1), "again")
        .unwrap_err();
    assert!(err.to_string().contains("does not allow"), "{err}");
}

#[test]
fn cancelling_a_snooze_brings_the_reminder_back() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock);
    let id = key_due_in(&mut vault, "backup", 10);
    assert!(
        vault
            .cancel_snooze(&id, DueKind::Rotation, "nothing to cancel")
            .is_err()
    );
    let due_at = vault.due(&DEFAULT_THRESHOLDS, None)[0].due_at;
    vault
        .snooze(&id, DueKind::Rotation, due_at, "next week")
        .unwrap();
    vault
        .cancel_snooze(&id, DueKind::Rotation, "the HSM arrived")
        .unwrap();
    assert!(vault.due(&DEFAULT_THRESHOLDS, None)[0].snooze.is_none());
    let cancelled = vault
        .audit_entries(&AuditFilter {
            action: Some(Action::SnoozeCancelled),
            ..AuditFilter::default()
        })
        .unwrap();
    assert_eq!(
        cancelled.iter().map(|e| e.outcome).collect::<Vec<_>>(),
        [Outcome::Failure, Outcome::Success]
    );
}

#[test]
fn a_key_rotating_later_than_the_policy_allows_has_its_usage_end_due_first() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&dir.path().join("v.keywarden"), clock.clone());
    let mut policy = vault.policy().clone();
    policy.set("cryptoperiod.data-encryption", "100").unwrap();
    vault.set_policy(policy, "shorter").unwrap();
    key_due_in(&mut vault, "long", 300);
    key_due_in(&mut vault, "short", 50);
    let start = clock.now();
    let due: Vec<(String, DueKind, Timestamp)> = vault
        .due(&DEFAULT_THRESHOLDS, None)
        .into_iter()
        .map(|i| (i.name, i.kind, i.due_at))
        .collect();
    assert_eq!(
        due,
        [
            ("short".to_owned(), DueKind::Rotation, days_after(start, 50)),
            ("long".to_owned(), DueKind::UsageEnd, days_after(start, 100)),
            ("long".to_owned(), DueKind::Rotation, days_after(start, 300)),
        ]
    );
}

#[test]
fn the_locked_vault_tells_due_dates_without_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    let overdue = key_due_in(&mut vault, "Payroll signing key", 3);
    key_due_in(&mut vault, "soon", 20);
    key_due_in(&mut vault, "later", 400);
    let snoozed = key_due_in(&mut vault, "snoozed", 10);
    clock.advance_days(5);
    let due_at = vault.due(&DEFAULT_THRESHOLDS, None)[1].due_at;
    vault
        .snooze(&snoozed, DueKind::Rotation, due_at, "next week")
        .unwrap();
    let mut policy = vault.policy().clone();
    policy.set("reminder-days", "15,3").unwrap();
    vault.set_policy(policy, "fewer reminders").unwrap();
    let unlocked = vault.reminders();
    assert_eq!(unlocked.thresholds, [15, 3]);
    // Soonest first: the overdue key (day 3), the snoozed one (day 10), then 20 and 400.
    let start = days_after(clock.now(), -5);
    let dates: Vec<(Timestamp, Option<Timestamp>)> = unlocked
        .dates
        .iter()
        .map(|d| (d.due_at, d.snoozed_until))
        .collect();
    assert_eq!(
        dates,
        [
            (days_after(start, 3), None),
            (days_after(start, 10), Some(due_at)),
            (days_after(start, 20), None),
            (days_after(start, 400), None),
        ]
    );

    let locked = vault.lock();
    assert_eq!(locked.reminders().unwrap(), unlocked);
    drop(locked);

    // The plaintext tables hold kinds and instants only.
    let names = crate::common::with_sql(&path, |sql| {
        let mut stmt = sql.prepare("SELECT * FROM reminder").unwrap();
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let kinds: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        (columns, kinds)
    });
    assert_eq!(names.0, ["kind", "due_at", "snoozed_until"]);
    assert_eq!(names.1, ["rotation"; 4]);
    let _ = overdue;

    // Deleting a key removes its dates from the copy too.
    let mut vault = crate::common::unlock_with(&path, clock.clone());
    vault.delete_key(&overdue).unwrap();
    assert_eq!(vault.lock().reminders().unwrap().dates.len(), 3);
}

#[test]
fn a_vault_without_the_plaintext_copy_reads_as_nothing_due_until_its_next_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    key_due_in(&mut vault, "k", 3);
    drop(vault);
    crate::common::with_sql(&path, |sql| {
        sql.execute_batch("DROP TABLE reminder; DROP TABLE reminder_threshold;")
            .unwrap()
    });
    let locked = LockedVault::open(&path, clock.clone()).unwrap();
    let read = locked.reminders().unwrap();
    assert!(read.dates.is_empty());
    assert_eq!(read.thresholds, DEFAULT_THRESHOLDS);
    drop(locked);
    let vault = crate::common::unlock_with(&path, clock);
    assert_eq!(vault.lock().reminders().unwrap().dates.len(), 1);
}

#[test]
fn damaged_plaintext_rows_are_skipped_and_rewritten_at_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    key_due_in(&mut vault, "k", 3);
    drop(vault);
    crate::common::with_sql(&path, |sql| {
        sql.execute_batch(
            "INSERT INTO reminder VALUES ('frobnicate', 1, NULL);
             INSERT INTO reminder_threshold VALUES (-4);",
        )
        .unwrap()
    });
    let locked = LockedVault::open(&path, clock.clone()).unwrap();
    let read = locked.reminders().unwrap();
    assert_eq!(read.dates.len(), 1);
    assert_eq!(read.thresholds, DEFAULT_THRESHOLDS);
    drop(locked);
    let vault = crate::common::unlock_with(&path, clock);
    assert_eq!(vault.lock().reminders().unwrap().dates.len(), 1);
    // Rewritten: the rows that could not be read are gone.
    let rows = crate::common::with_sql(&path, |sql| {
        sql.query_row(
            "SELECT (SELECT count(*) FROM reminder), (SELECT count(*) FROM reminder_threshold)",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )
        .unwrap()
    });
    assert_eq!(rows, (1, DEFAULT_THRESHOLDS.len() as i64));
}

#[test]
fn an_unlock_rewrites_the_plaintext_copy_only_when_it_differs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    let id = key_due_in(&mut vault, "k", 3);
    drop(vault);
    let rewrites = || {
        let (deleted, inserted, _) = reminder_writes(&path);
        deleted + inserted
    };
    count_reminder_writes(&path);
    drop(crate::common::unlock_with(&path, clock.clone()));
    assert_eq!(rewrites(), 0, "nothing changed: the copy is left as it is");
    // A snooze changes the copy: the change writes it, the next unlock leaves it.
    let mut vault = crate::common::unlock_with(&path, clock.clone());
    let until = vault.due(&DEFAULT_THRESHOLDS, None)[0].due_at;
    vault
        .snooze(&id, DueKind::Rotation, until, "waiting for the vendor")
        .unwrap();
    drop(vault);
    let after_snooze = rewrites();
    assert!(after_snooze > 0);
    drop(crate::common::unlock_with(&path, clock.clone()));
    assert_eq!(
        rewrites(),
        after_snooze,
        "the copy already holds the snooze"
    );
    // Once the snooze has ended the copy is out of date: the next unlock rewrites it.
    clock.advance_days(4);
    drop(crate::common::unlock_with(&path, clock));
    assert!(rewrites() > after_snooze);
}

#[test]
fn a_current_kit_is_due_for_a_drill_until_it_is_drilled_or_superseded() {
    use keywarden_core::kit::chunk::{self, MAX_CHUNK_CHARS};
    use keywarden_core::kit::recovery::Recovery;
    use keywarden_core::print::Paper;
    use keywarden_core::reminder::DueSubject;
    use keywarden_core::vault::{KitLock, KitRequest};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    let key = key_due_in(&mut vault, "Archive", 3000);
    let request = KitRequest {
        keys: vec![key],
        lock: KitLock::Unencrypted {
            custodian: "Ada".to_owned(),
        },
        paper: Paper::A4,
    };
    let kit = vault
        .prepare_kit(
            request,
            &crate::common::pass(crate::common::PASSPHRASE),
            None,
        )
        .unwrap();
    let codes = chunk::split(kit.record.id, &kit.payload, MAX_CHUNK_CHARS).unwrap();
    let kit_id = vault.register_kit(kit).unwrap().id;
    let made = clock.now();
    let drills = |vault: &keywarden_core::UnlockedVault| -> Vec<(DueSubject, String, Timestamp)> {
        vault
            .due(&DEFAULT_THRESHOLDS, None)
            .into_iter()
            .filter(|i| i.kind == DueKind::Drill)
            .map(|i| (i.subject, i.name, i.due_at))
            .collect()
    };
    // The policy's default: a drill a year after the kit was made.
    let title = "unencrypted kit of \"Archive\"".to_owned();
    assert_eq!(
        drills(&vault),
        [(
            DueSubject::Kit(kit_id),
            title.clone(),
            days_after(made, 365)
        )]
    );

    // A shorter period moves it; past it, the drill is overdue and in the locked copy.
    let mut policy = vault.policy().clone();
    policy.set("drill-days", "30").unwrap();
    vault.set_policy(policy, "monthly drills").unwrap();
    assert_eq!(drills(&vault)[0].2, days_after(made, 30));
    clock.advance_days(31);
    let item = vault
        .due(&DEFAULT_THRESHOLDS, Some(0))
        .into_iter()
        .find(|i| i.kind == DueKind::Drill)
        .unwrap();
    assert_eq!(item.urgency, Urgency::Overdue { days: 1 });
    let locked = vault.reminders();
    assert!(
        locked
            .dates
            .iter()
            .any(|d| d.kind == DueKind::Drill && d.due_at == days_after(made, 30))
    );

    // A passed drill starts the period again from the drill.
    let mut recovery = Recovery::new();
    for code in &codes {
        recovery.add_text(code).unwrap();
    }
    let document = recovery.open(None, None).unwrap();
    vault.record_drill(&document).unwrap();
    assert_eq!(drills(&vault)[0].2, days_after(clock.now(), 30));
    let path = vault.path().to_owned();
    let locked = vault.lock();
    assert!(
        locked
            .reminders()
            .unwrap()
            .dates
            .iter()
            .any(|d| d.kind == DueKind::Drill && d.due_at == days_after(clock.now(), 30))
    );
    drop(locked);

    // Rotating the key supersedes the kit: it is due for replacement, not for a drill.
    let mut vault = crate::common::unlock_with(&path, clock.clone());
    vault.rotate_key(&key, None, "yearly").unwrap();
    assert_eq!(drills(&vault), []);
    assert!(
        vault
            .lock()
            .reminders()
            .unwrap()
            .dates
            .iter()
            .all(|d| d.kind != DueKind::Drill)
    );
}

#[test]
fn periods_count_the_person_s_calendar_days_across_a_daylight_saving_change() {
    // 23:30 on 2027-03-01 in Berlin (CET); clocks go forward on 2027-03-28.
    let start: Timestamp = "2027-03-01T22:30:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let berlin = ManualClock::at(start, TimeZone::get("Europe/Berlin").unwrap());
    let mut vault = create_with_clock(&dir.path().join("berlin.keywarden"), berlin.clone());
    let key = vault
        .generate_key(NewKey {
            rotation_days: Some(30),
            ..NewKey::new("monthly", Algorithm::Aes256)
        })
        .unwrap()
        .id;
    vault.schedule_destruction(&key, Some(28), "test").unwrap();
    // 23:30 on March 31st and 29th in Berlin (CEST): 23 hours short of 30 and 28 × 24 h,
    // which would end at 00:30 on the next day.
    let rotation: Timestamp = "2027-03-31T21:30:00Z".parse().unwrap();
    let destruction: Timestamp = "2027-03-29T21:30:00Z".parse().unwrap();
    let record = vault.get(&key).unwrap().clone();
    assert_eq!(vault.next_rotation(&record), Some(rotation));
    assert_eq!(
        vault.due_dates(&record),
        vec![
            (DueKind::Rotation, rotation),
            (DueKind::Destruction, destruction)
        ]
    );
    let stored: Vec<Timestamp> = vault.reminders().dates.iter().map(|d| d.due_at).collect();
    assert_eq!(stored, vec![destruction, rotation]);

    // A second before 23:30 on the 31st the rotation is due later today; at 23:30, overdue.
    berlin.advance_seconds(rotation.as_second() - start.as_second() - 1);
    let rotation_item = |vault: &keywarden_core::UnlockedVault| {
        vault
            .due(&DEFAULT_THRESHOLDS, None)
            .into_iter()
            .find(|i| i.kind == DueKind::Rotation)
            .unwrap()
            .urgency
    };
    assert_eq!(
        rotation_item(&vault),
        Urgency::Soon {
            days_left: 0,
            threshold: 1
        }
    );
    berlin.advance_seconds(1);
    assert_eq!(rotation_item(&vault), Urgency::Overdue { days: 0 });

    // The same key made at the same instant by a person in UTC, where no change
    // falls, is due exactly 30 × 24 hours later.
    let dir = tempfile::tempdir().unwrap();
    let utc = ManualClock::at(start, TimeZone::UTC);
    let mut vault = create_with_clock(&dir.path().join("utc.keywarden"), utc);
    let key = vault
        .generate_key(NewKey {
            rotation_days: Some(30),
            ..NewKey::new("monthly", Algorithm::Aes256)
        })
        .unwrap()
        .id;
    let record = vault.get(&key).unwrap().clone();
    assert_eq!(
        vault.next_rotation(&record),
        Some("2027-03-31T22:30:00Z".parse().unwrap())
    );
}

#[test]
fn a_change_writes_only_the_rows_of_the_copy_it_moves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.keywarden");
    let clock = ManualClock::new();
    let mut vault = create_with_clock(&path, clock.clone());
    for (name, days) in [("a", 30), ("b", 30), ("c", 90)] {
        key_due_in(&mut vault, name, days);
    }
    drop(vault);
    let probe = || reminder_writes(&path);
    count_reminder_writes(&path);
    // A new key: one row in, none out.
    let mut vault = crate::common::unlock_with(&path, clock.clone());
    let d = key_due_in(&mut vault, "d", 30);
    drop(vault);
    assert_eq!(probe(), (0, 1, 4));
    // Deleting one of three keys due at the same instant: one of the equal rows out.
    let mut vault = crate::common::unlock_with(&path, clock.clone());
    vault.delete_key(&d).unwrap();
    let expected = vault.reminders();
    drop(vault);
    assert_eq!(probe(), (1, 1, 3));
    // What the file holds is what the records give.
    let locked = LockedVault::open(&path, clock.clone()).unwrap();
    assert_eq!(locked.reminders().unwrap(), expected);
}
