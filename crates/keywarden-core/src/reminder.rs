//! What is due, and how soon: rotations and scheduled destructions, counted in calendar
//! days of the person's time zone, with "due soon" thresholds (30, 14, 7 and 1 days by
//! default) and overdue as a state of its own.

use jiff::civil::Date;
pub use jiff::tz::TimeZone;

use crate::clock::Timestamp;
use crate::key::{KeyId, KeyRecord};
use crate::state::KeyState;
use crate::vault::UnlockedVault;

/// The operating system's time zone, or UTC when it cannot be determined.
pub fn system_time_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// What falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DueKind {
    /// The key's cryptoperiod ends: rotate it.
    Rotation,
    /// A scheduled destruction will erase the key's material.
    Destruction,
}

impl DueKind {
    /// `rotation` or `destruction`.
    pub fn id(self) -> &'static str {
        match self {
            DueKind::Rotation => "rotation",
            DueKind::Destruction => "destruction",
        }
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

/// One thing that falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    /// The key.
    pub key: KeyId,
    /// Its name.
    pub name: String,
    /// Rotation or destruction.
    pub kind: DueKind,
    /// The due instant.
    pub due_at: Timestamp,
    /// How pressing it is at the time asked.
    pub urgency: Urgency,
}

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

impl UnlockedVault {
    /// The due dates of a key: its next rotation (active and suspended keys) and its
    /// scheduled destruction.
    pub fn due_dates(&self, record: &KeyRecord) -> Vec<(DueKind, Timestamp)> {
        let mut out = Vec::new();
        if let Some(t) = self.next_rotation(record) {
            out.push((DueKind::Rotation, t));
        }
        if let Some(d) = &record.destruction
            && record.state != KeyState::Destroyed
        {
            out.push((DueKind::Destruction, d.due_at));
        }
        out
    }

    /// Everything that falls due within `within_days` calendar days of now in `tz`
    /// (everything when `None`), overdue first, then soonest first.
    pub fn due(&self, tz: &TimeZone, thresholds: &[u32], within_days: Option<u32>) -> Vec<DueItem> {
        let now = self.now();
        let mut items: Vec<DueItem> = self
            .list("")
            .into_iter()
            .flat_map(|r| {
                self.due_dates(r).into_iter().map(|(kind, due_at)| DueItem {
                    key: r.id,
                    name: r.name.clone(),
                    kind,
                    due_at,
                    urgency: urgency(due_at, now, tz, thresholds),
                })
            })
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DEFAULT_REMINDER_DAYS as DEFAULT_THRESHOLDS;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
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
