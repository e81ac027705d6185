//! What is due, and how soon: rotations, the end of originator-usage periods, scheduled
//! destructions and recovery kit drills, counted in calendar days of the person's time zone, with
//! "due soon" thresholds (the policy's `reminder-days`, 30, 14, 7 and 1 by default) and
//! overdue as a state of its own. Reminders can be snoozed, with a reason, up to the
//! policy's `max-snooze-days` past the due date.
//!
//! The dates alone (no names, no ids) are also kept in plaintext in the vault file, so
//! that reminders work while the vault is locked (`docs/threat-model.md`).

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
pub use jiff::tz::TimeZone;
use rusqlite::{Connection, OptionalExtension, params};

use crate::clock::{self, Timestamp};
use crate::error::{RecordError, StorageError};
use crate::key::{KeyId, KeyRecord, Snooze};
use crate::kit::KitId;
use crate::policy::{DEFAULT_REMINDER_DAYS, Policy};
use crate::state::KeyState;
use crate::vault::UnlockedVault;

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DueKind {
    /// The key's rotation interval ends: rotate it.
    Rotation,
    /// The originator-usage period the policy allows ends before the key's own, longer,
    /// rotation interval: from then on the key should not apply protection.
    UsageEnd,
    /// A scheduled destruction will erase the key's material.
    Destruction,
    /// A current recovery kit is due for a drill (the policy's `drill-days` after it was
    /// made or last drilled): check that its sheets still recover what it holds.
    Drill,
}

impl DueKind {
    /// Every kind.
    pub const ALL: [DueKind; 4] = [
        DueKind::Rotation,
        DueKind::UsageEnd,
        DueKind::Destruction,
        DueKind::Drill,
    ];

    /// `rotation`, `usage-end`, `destruction` or `drill`.
    pub fn id(self) -> &'static str {
        match self {
            DueKind::Rotation => "rotation",
            DueKind::UsageEnd => "usage-end",
            DueKind::Destruction => "destruction",
            DueKind::Drill => "drill",
        }
    }
}

impl fmt::Display for DueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for DueKind {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        DueKind::ALL
            .into_iter()
            .find(|k| k.id() == wanted)
            .ok_or_else(|| RecordError::Invalid {
                field: "kind",
                reason: "rotation, usage-end, destruction or drill".to_owned(),
            })
    }
}

/// How pressing a due date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// The due instant has passed (or is now).
    Overdue {
        /// Whole calendar days since the due date (0: due earlier today).
        days: i64,
    },
    /// Within the largest threshold.
    Soon {
        /// Calendar days until the due date (0: later today).
        days_left: i64,
        /// The smallest threshold that has been reached, e.g. 7 for 5 days left.
        threshold: u32,
    },
    /// Further away than every threshold.
    Later {
        /// Calendar days until the due date.
        days_left: i64,
    },
}

/// What a due date belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DueSubject {
    /// A key: its rotation, end of usage or destruction.
    Key(KeyId),
    /// A recovery kit: its drill.
    Kit(KitId),
}

impl DueSubject {
    /// `key` or `kit`.
    pub fn kind(self) -> &'static str {
        match self {
            DueSubject::Key(_) => "key",
            DueSubject::Kit(_) => "kit",
        }
    }

    /// The key, when the subject is one.
    pub fn key(self) -> Option<KeyId> {
        match self {
            DueSubject::Key(id) => Some(id),
            DueSubject::Kit(_) => None,
        }
    }
}

impl fmt::Display for DueSubject {
    /// The subject's id: a key's UUID or a kit's id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DueSubject::Key(id) => id.fmt(f),
            DueSubject::Kit(id) => id.fmt(f),
        }
    }
}

/// One thing that falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    /// The key or kit.
    pub subject: DueSubject,
    /// The key's name, or the kit's title ([`KitRecord::title`]).
    ///
    /// [`KitRecord::title`]: crate::kit::register::KitRecord::title
    pub name: String,
    /// The key's fingerprint (its current version's); empty for a kit.
    pub fingerprint: String,
    /// Rotation, end of usage, destruction or drill.
    pub kind: DueKind,
    /// The due instant.
    pub due_at: Timestamp,
    /// How pressing it is at the time asked.
    pub urgency: Urgency,
    /// The snooze holding for it, if any.
    pub snooze: Option<Snooze>,
}

/// One due date without the key it belongs to: what the vault keeps in plaintext.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderDate {
    /// What falls due.
    pub kind: DueKind,
    /// When.
    pub due_at: Timestamp,
    /// Until when its reminder is snoozed, if it is.
    pub snoozed_until: Option<Timestamp>,
}

/// Every due date of a vault, with its reminder thresholds, readable while it is locked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminders {
    /// The policy's "due soon" thresholds, in days.
    pub thresholds: Vec<u32>,
    /// The due dates, soonest first.
    pub dates: Vec<ReminderDate>,
}

impl Reminders {
    /// Writes the plaintext copy into the vault file, in one transaction. With
    /// `previous`, what the file is known to hold, only the rows that differ are deleted
    /// and inserted (a new key adds one or two of 10,000); without it, every row is
    /// rewritten.
    pub(crate) fn store(
        &self,
        conn: &mut Connection,
        previous: Option<&Reminders>,
    ) -> Result<(), StorageError> {
        let tx = conn.transaction()?;
        tx.execute_batch(REMINDER_TABLES)?;
        let (gone, new) = match previous {
            Some(p) => differences(&p.dates, &self.dates),
            None => {
                tx.execute("DELETE FROM reminder", [])?;
                (Vec::new(), self.dates.iter().collect())
            }
        };
        for d in gone {
            tx.execute(
                "DELETE FROM reminder WHERE rowid = (SELECT rowid FROM reminder \
                 WHERE kind = ?1 AND due_at = ?2 AND snoozed_until IS ?3 LIMIT 1)",
                d.sql(),
            )?;
        }
        for d in new {
            tx.execute(
                "INSERT INTO reminder (kind, due_at, snoozed_until) VALUES (?1, ?2, ?3)",
                d.sql(),
            )?;
        }
        if previous.is_none_or(|p| p.thresholds != self.thresholds) {
            tx.execute("DELETE FROM reminder_threshold", [])?;
            for days in &self.thresholds {
                tx.execute(
                    "INSERT INTO reminder_threshold (days) VALUES (?1)",
                    params![days],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Reads the plaintext copy. A vault that has none yet (made by an older version and
    /// not unlocked since) has no dates and the default thresholds. Rows that do not
    /// decode (a damaged or edited file) are skipped: this copy only drives reminders,
    /// and the next unlock rewrites it from the sealed records.
    pub(crate) fn load(conn: &Connection) -> Result<Reminders, StorageError> {
        Ok(Self::read(conn)?.0)
    }

    /// [`Self::load`], and whether the copy is exactly what the file holds: `false` when
    /// there is none yet or a row was skipped, so that only then must an unlock rewrite it.
    pub(crate) fn read(conn: &Connection) -> Result<(Reminders, bool), StorageError> {
        let exists = conn
            .query_row(
                "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'reminder'",
                [],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            let defaults = Reminders {
                thresholds: DEFAULT_REMINDER_DAYS.to_vec(),
                dates: Vec::new(),
            };
            return Ok((defaults, false));
        }
        let mut exact = true;
        let mut dates = Vec::new();
        let mut stmt = conn.prepare("SELECT kind, due_at, snoozed_until FROM reminder")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
            ))
        })?;
        for row in rows {
            let Some((kind, due, until)) = row
                .ok()
                .and_then(|(kind, due, until)| Some((kind.parse::<DueKind>().ok()?, due, until)))
            else {
                exact = false;
                continue;
            };
            dates.push(ReminderDate {
                kind,
                due_at: clock::from_unix(due),
                snoozed_until: until.map(clock::from_unix),
            });
        }
        soonest_first(&mut dates);
        let stored: Vec<Option<u32>> = conn
            .prepare("SELECT days FROM reminder_threshold ORDER BY days DESC")?
            .query_map([], |r| r.get::<_, i64>(0))?
            .map(|d| {
                d.ok()
                    .and_then(|d| u32::try_from(d).ok())
                    .filter(|d| (1..=crate::policy::MAX_REMINDER_DAYS).contains(d))
            })
            .collect();
        let mut thresholds: Vec<u32> = stored
            .iter()
            .flatten()
            .copied()
            .take(crate::policy::MAX_REMINDERS)
            .collect();
        exact &= thresholds.len() == stored.len();
        if thresholds.is_empty() {
            thresholds = DEFAULT_REMINDER_DAYS.to_vec();
            exact = false;
        }
        Ok((Reminders { thresholds, dates }, exact))
    }
}

impl ReminderDate {
    /// The row's columns: kind, due instant, end of the snooze.
    fn sql(&self) -> (&'static str, i64, Option<i64>) {
        (
            self.kind.id(),
            clock::to_unix(self.due_at),
            self.snoozed_until.map(clock::to_unix),
        )
    }

    /// The order of [`Reminders::dates`]: by every field, so that equal copies are equal
    /// lists.
    fn order(&self) -> (Timestamp, DueKind, Option<Timestamp>) {
        (self.due_at, self.kind, self.snoozed_until)
    }
}

/// Sorts due dates soonest first, as [`Reminders::dates`] holds them.
fn soonest_first(dates: &mut [ReminderDate]) {
    dates.sort_unstable_by_key(ReminderDate::order);
}

/// What is in `old` and not in `new`, and what is in `new` and not in `old`, counting
/// repeats (several keys can fall due at the same instant); both sorted soonest first.
fn differences<'a>(
    old: &'a [ReminderDate],
    new: &'a [ReminderDate],
) -> (Vec<&'a ReminderDate>, Vec<&'a ReminderDate>) {
    let (mut gone, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o.order() == n.order() => {
                i += 1;
                j += 1;
            }
            (Some(o), n) if n.is_none_or(|n| o.order() < n.order()) => {
                gone.push(o);
                i += 1;
            }
            (_, Some(n)) => {
                added.push(n);
                j += 1;
            }
            (_, None) => return (gone, added),
        }
    }
}

/// The plaintext reminder tables (`docs/vault-format.md`), made by the first write of
/// a vault that lacks them.
pub(crate) const REMINDER_TABLES: &str = "
CREATE TABLE IF NOT EXISTS reminder (
    kind          TEXT NOT NULL,
    due_at        INTEGER NOT NULL,
    snoozed_until INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS reminder_threshold (
    days          INTEGER PRIMARY KEY
) STRICT;
";

/// The calendar date of `t` in `tz`.
fn date_in(t: Timestamp, tz: &TimeZone) -> Date {
    t.to_zoned(tz.clone()).date()
}

/// How pressing `due_at` is at `now`, in calendar days of `tz`. `thresholds` are days
/// before the due date, in any order; the due instant itself is overdue.
pub fn urgency(due_at: Timestamp, now: Timestamp, tz: &TimeZone, thresholds: &[u32]) -> Urgency {
    let days = |from: Date, to: Date| i64::from((to - from).get_days());
    let (today, due_day) = (date_in(now, tz), date_in(due_at, tz));
    if due_at <= now {
        return Urgency::Overdue {
            days: days(due_day, today),
        };
    }
    let days_left = days(today, due_day);
    match thresholds
        .iter()
        .copied()
        .filter(|t| i64::from(*t) >= days_left)
        .min()
    {
        Some(threshold) => Urgency::Soon {
            days_left,
            threshold,
        },
        None => Urgency::Later { days_left },
    }
}

/// How due dates are counted: the policy's periods, in calendar days of one time zone.
/// Holds nothing of the vault but the policy, so that the due dates of many keys can be
/// counted on several threads.
pub(crate) struct Schedule<'a> {
    pub(crate) policy: &'a Policy,
    pub(crate) tz: TimeZone,
}

impl Schedule<'_> {
    /// Since when a key in use (active or suspended) has been in use: its last rotation or
    /// its activation. `None` for keys not in use.
    fn in_use_since(record: &KeyRecord) -> Option<Timestamp> {
        if !matches!(record.state, KeyState::Active | KeyState::Suspended) {
            return None;
        }
        record.rotated_at.or(record.activated_at)
    }

    /// [`UnlockedVault::next_rotation`].
    pub(crate) fn next_rotation(&self, record: &KeyRecord) -> Option<Timestamp> {
        let start = Self::in_use_since(record)?;
        let period = record
            .rotation_days
            .unwrap_or_else(|| self.policy.cryptoperiod(record.purpose));
        Some(clock::days_after(start, period, &self.tz))
    }

    /// When the originator-usage period the policy allows ends for a key in use.
    pub(crate) fn usage_end(&self, record: &KeyRecord) -> Option<Timestamp> {
        let start = Self::in_use_since(record)?;
        let period = self.policy.cryptoperiod(record.purpose);
        Some(clock::days_after(start, period, &self.tz))
    }

    /// [`UnlockedVault::due_dates`].
    pub(crate) fn due_dates(&self, record: &KeyRecord) -> Vec<(DueKind, Timestamp)> {
        let mut out = Vec::new();
        if let Some(t) = self.next_rotation(record) {
            out.push((DueKind::Rotation, t));
            if let Some(end) = self.usage_end(record)
                && end < t
            {
                out.push((DueKind::UsageEnd, end));
            }
        }
        if let Some(d) = &record.destruction
            && record.state != KeyState::Destroyed
        {
            out.push((DueKind::Destruction, d.due_at));
        }
        out
    }
}

impl UnlockedVault {
    /// The due dates of a key: its next rotation (active and suspended keys), the end of
    /// the policy's originator-usage period when that comes before the key's own
    /// rotation date, and its scheduled destruction.
    pub fn due_dates(&self, record: &KeyRecord) -> Vec<(DueKind, Timestamp)> {
        self.schedule().due_dates(record)
    }

    /// Everything that falls due within `within_days` calendar days of now in the vault's
    /// [time zone](Self::time_zone) (everything when `None`), overdue first, then soonest
    /// first.
    pub fn due(&self, thresholds: &[u32], within_days: Option<u32>) -> Vec<DueItem> {
        let now = self.now();
        let tz = &self.time_zone();
        let keys = self.list("").into_iter().flat_map(|r| {
            self.due_dates(r)
                .into_iter()
                .map(move |(kind, due_at)| DueItem {
                    subject: DueSubject::Key(r.id),
                    name: r.name.clone(),
                    fingerprint: r.fingerprint().to_owned(),
                    kind,
                    due_at,
                    urgency: urgency(due_at, now, tz, thresholds),
                    snooze: r.snooze_of(kind, due_at, now).cloned(),
                })
        });
        let kits = self.kits().iter().filter_map(|k| {
            self.next_drill(k).map(|due_at| DueItem {
                subject: DueSubject::Kit(k.id),
                name: k.title(),
                fingerprint: String::new(),
                kind: DueKind::Drill,
                due_at,
                urgency: urgency(due_at, now, tz, thresholds),
                snooze: None,
            })
        });
        let mut items: Vec<DueItem> = keys
            .chain(kits)
            .filter(|item| match (item.urgency, within_days) {
                (Urgency::Overdue { .. }, _) | (_, None) => true,
                (Urgency::Soon { days_left, .. } | Urgency::Later { days_left }, Some(w)) => {
                    days_left <= i64::from(w)
                }
            })
            .collect();
        items.sort_by_key(|i| {
            (
                !matches!(i.urgency, Urgency::Overdue { .. }),
                i.due_at,
                i.kind,
            )
        });
        items
    }

    /// Every due date with its snooze, without names: what [`LockedVault::reminders`]
    /// reads back while the vault is locked.
    ///
    /// [`LockedVault::reminders`]: crate::LockedVault::reminders
    pub fn reminders(&self) -> Reminders {
        use rayon::prelude::*;
        let now = self.now();
        // At 10,000 keys, counting every due date is a tenth of an unlock: both cores.
        let schedule = self.schedule();
        let keys: Vec<ReminderDate> = self
            .records()
            .par_iter()
            .flat_map_iter(|(_, r)| {
                schedule
                    .due_dates(r)
                    .into_iter()
                    .map(move |(kind, due_at)| ReminderDate {
                        kind,
                        due_at,
                        snoozed_until: r.snooze_of(kind, due_at, now).map(|z| z.until),
                    })
            })
            .collect();
        let kits = self.kits().iter().filter_map(|k| {
            self.next_drill(k).map(|due_at| ReminderDate {
                kind: DueKind::Drill,
                due_at,
                snoozed_until: None,
            })
        });
        let mut dates = keys;
        dates.extend(kits);
        soonest_first(&mut dates);
        // Largest first, as the stored copy reads back.
        let mut thresholds = self.policy().reminder_days.clone();
        thresholds.sort_unstable_by(|a, b| b.cmp(a));
        Reminders { thresholds, dates }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DEFAULT_REMINDER_DAYS as DEFAULT_THRESHOLDS;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn only_the_rows_that_differ_are_rewritten_counting_repeats() {
        let date = |kind, day: &str, snoozed: Option<&str>| ReminderDate {
            kind,
            due_at: at(&format!("2027-{day}T00:00:00Z")),
            snoozed_until: snoozed.map(|d| at(&format!("2027-{d}T00:00:00Z"))),
        };
        let a = date(DueKind::Rotation, "01-01", None);
        let b = date(DueKind::Rotation, "02-01", None);
        let b_snoozed = date(DueKind::Rotation, "02-01", Some("01-15"));
        let c = date(DueKind::Destruction, "03-01", None);
        let mut old = vec![c, a, b, b];
        let mut new = vec![b_snoozed, a, c, b, c];
        soonest_first(&mut old);
        soonest_first(&mut new);
        assert_eq!(old, [a, b, b, c]);
        assert_eq!(new, [a, b, b_snoozed, c, c]);
        // One of the two equal rows goes, and a second row equal to c comes.
        let (gone, added) = differences(&old, &new);
        assert_eq!(gone, [&b]);
        assert_eq!(added, [&b_snoozed, &c]);
        assert_eq!(differences(&new, &new), (vec![], vec![]));
        let (gone, added) = differences(&[], &new);
        assert!(gone.is_empty());
        assert_eq!(added.len(), new.len());
        let (gone, added) = differences(&old, &[]);
        assert_eq!(gone.len(), old.len());
        assert!(added.is_empty());
    }

    #[test]
    fn the_due_instant_is_overdue_and_a_second_before_is_not() {
        let tz = TimeZone::UTC;
        let due = at("2027-03-01T12:00:00Z");
        assert_eq!(
            urgency(due, due, &tz, &DEFAULT_THRESHOLDS),
            Urgency::Overdue { days: 0 }
        );
        assert_eq!(
            urgency(due, at("2027-03-01T11:59:59Z"), &tz, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 0,
                threshold: 1
            }
        );
        assert_eq!(
            urgency(due, at("2027-03-03T00:00:00Z"), &tz, &DEFAULT_THRESHOLDS),
            Urgency::Overdue { days: 2 }
        );
    }

    #[test]
    fn thresholds_count_calendar_days_across_a_leap_day() {
        let tz = TimeZone::UTC;
        let due = at("2028-03-01T09:00:00Z");
        // 2028-02-29 exists: from Feb 1 to Mar 1 is 29 days, within the 30-day threshold.
        assert_eq!(
            urgency(due, at("2028-02-01T09:00:00Z"), &tz, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 29,
                threshold: 30
            }
        );
        assert_eq!(
            urgency(due, at("2028-02-23T09:00:00Z"), &tz, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 7,
                threshold: 7
            }
        );
        assert_eq!(
            urgency(due, at("2028-01-30T09:00:00Z"), &tz, &DEFAULT_THRESHOLDS),
            Urgency::Later { days_left: 31 }
        );
        // 23:30 on the 28th to 00:30 on March 1st is 25 hours but two days (the 29th,
        // then the 1st); in 2027, which has no February 29th, the same is one day.
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let (now, due) = (at("2028-02-28T22:30:00Z"), at("2028-02-29T23:30:00Z"));
        assert_eq!(
            urgency(due, now, &berlin, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 2,
                threshold: 7
            }
        );
        let (now, due) = (at("2027-02-28T22:30:00Z"), at("2027-02-28T23:30:00Z"));
        assert_eq!(
            urgency(due, now, &berlin, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 1,
                threshold: 1
            }
        );
    }

    #[test]
    fn days_are_the_person_s_calendar_days_through_a_daylight_saving_change() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // Clocks go forward on 2027-03-28 in Berlin: that day has 23 hours.
        let due = at("2027-03-29T08:00:00Z"); // 10:00 in Berlin (CEST)
        let now = at("2027-03-27T22:30:00Z"); // 23:30 on the 27th in Berlin (CET)
        assert_eq!(
            urgency(due, now, &berlin, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 2,
                threshold: 7
            }
        );
        // In UTC it is still the 27th too, but in Tokyo it is already the 28th.
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(
            urgency(due, now, &tokyo, &DEFAULT_THRESHOLDS),
            Urgency::Soon {
                days_left: 1,
                threshold: 1
            }
        );
    }
}
