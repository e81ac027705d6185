//! What is due: rotations and scheduled destructions, overdue first, within a window.

use jiff::tz::TimeZone;
use keywarden_core::policy::DEFAULT_REMINDER_DAYS as DEFAULT_THRESHOLDS;
use keywarden_core::reminder::{DueKind, Urgency};
use keywarden_core::{Algorithm, KeyState, NewKey};

use crate::common::{ManualClock, create_with_clock};

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

    let tz = TimeZone::UTC;
    let all = vault.due(&tz, &DEFAULT_THRESHOLDS, None);
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
    assert_eq!(all[0].key, overdue);
    assert_eq!(all[0].urgency, Urgency::Overdue { days: 2 });
    assert_eq!(
        all[1].urgency,
        Urgency::Soon {
            days_left: 8,
            threshold: 14
        }
    );
    assert!(all.iter().all(|i| i.key != pre));
    // A window of 10 days keeps the overdue and the 8-day item only.
    let window: Vec<_> = vault
        .due(&tz, &DEFAULT_THRESHOLDS, Some(10))
        .into_iter()
        .map(|i| i.key)
        .collect();
    assert_eq!(window, [overdue, soon]);
    // Rotating moves the overdue item ten days on; a deactivated key has no rotation due.
    vault.rotate_key(&overdue, None, "due").unwrap();
    vault
        .set_state(&later, KeyState::Deactivated, "retired")
        .unwrap();
    let names: Vec<_> = vault
        .due(&tz, &DEFAULT_THRESHOLDS, None)
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, ["soon", "overdue", "doomed", "doomed"]);
}
