//! What the tray icon and desktop notifications say about due dates, and when to notify.
//!
//! Pure: the due dates, the time and the time zone come in, text and decisions go out,
//! so every rule is tested with a chosen clock. Nothing here names a key or gives an id:
//! a notification can show on a lock screen, and the dates are readable while the vault
//! is locked, so counts and dates are all it says.
//!
//! The rules: a notification when the app starts with anything overdue or due soon, then
//! at most one a day while it runs, plus one more on the same day only when things got
//! more pressing (a date became overdue, or crossed a smaller reminder threshold). A
//! snoozed date counts for nothing until its snooze ends.

use keywarden_core::Timestamp;
use keywarden_core::reminder::{ReminderDate, TimeZone, Urgency, urgency};

/// How pressing the most pressing date is: what a notification escalates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Within a reminder threshold: the smallest reached (7 for 5 days left).
    Soon {
        /// Days.
        threshold: u32,
    },
    /// A date has passed.
    Overdue,
}

impl Level {
    /// Larger is more pressing: overdue, then the smaller thresholds.
    fn rank(self) -> i64 {
        match self {
            Level::Overdue => i64::MAX,
            Level::Soon { threshold } => -i64::from(threshold),
        }
    }
}

/// The counts behind the tray icon and a notification.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outlook {
    /// Dates that have passed, not snoozed.
    pub overdue: usize,
    /// Dates within the largest threshold, not snoozed.
    pub soon: usize,
    /// Dates overdue or due soon whose reminders are snoozed.
    pub snoozed: usize,
    /// The most pressing level, if anything is overdue or due soon.
    pub level: Option<Level>,
    /// Dates within the level's threshold (for `Soon`), or overdue (for `Overdue`).
    pub at_level: usize,
    /// The earliest overdue date, not snoozed.
    pub earliest_overdue: Option<Timestamp>,
    /// The next date not yet passed within the largest threshold, not snoozed.
    pub next_due: Option<Timestamp>,
    /// The largest threshold, in days.
    pub horizon: u32,
}

impl Outlook {
    /// What `dates` come to at `now`, counted in calendar days of `tz` against the
    /// policy's `thresholds`.
    pub fn of(dates: &[ReminderDate], thresholds: &[u32], now: Timestamp, tz: &TimeZone) -> Self {
        let mut out = Outlook {
            horizon: thresholds.iter().copied().max().unwrap_or(0),
            ..Outlook::default()
        };
        let mut pressing = Vec::new();
        for date in dates {
            let u = urgency(date.due_at, now, tz, thresholds);
            if matches!(u, Urgency::Later { .. }) {
                continue;
            }
            if date.snoozed_until.is_some_and(|until| until > now) {
                out.snoozed += 1;
                continue;
            }
            match u {
                Urgency::Overdue { .. } => {
                    out.overdue += 1;
                    out.earliest_overdue = Some(
                        out.earliest_overdue
                            .map_or(date.due_at, |t| t.min(date.due_at)),
                    );
                }
                Urgency::Soon { threshold, .. } => {
                    out.soon += 1;
                    out.next_due = Some(out.next_due.map_or(date.due_at, |t| t.min(date.due_at)));
                    pressing.push(threshold);
                }
                Urgency::Later { .. } => {}
            }
        }
        if out.overdue > 0 {
            out.level = Some(Level::Overdue);
            out.at_level = out.overdue;
        } else if let Some(threshold) = pressing.iter().copied().min() {
            out.level = Some(Level::Soon { threshold });
            // Every date within that threshold, whichever smaller one it reached.
            out.at_level = pressing.iter().filter(|t| **t <= threshold).count();
        }
        out
    }

    /// Overdue and due-soon dates together: the tray's badge.
    pub fn pressing(&self) -> usize {
        self.overdue + self.soon
    }
}

/// A count of due dates: a key may have two (a rotation and a destruction), and a kit
/// drill is not a key's at all.
fn dates(n: usize) -> String {
    format!("{n} {}", if n == 1 { "date" } else { "dates" })
}

fn days(n: u32) -> String {
    format!("{n} {}", if n == 1 { "day" } else { "days" })
}

/// A date as a person reads it in `tz`: "Tuesday 4 March".
fn day(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone()).strftime("%A %-d %B").to_string()
}

/// The tray icon's tooltip.
pub fn tooltip(outlook: &Outlook) -> String {
    match (outlook.overdue, outlook.soon) {
        (0, 0) => "Keywarden: nothing due".to_owned(),
        (0, soon) => format!(
            "Keywarden: {} due within {}",
            dates(soon),
            days(outlook.horizon)
        ),
        (overdue, 0) => format!("Keywarden: {} overdue", dates(overdue)),
        (overdue, soon) => format!(
            "Keywarden: {} overdue, {} more due within {}",
            dates(overdue),
            soon,
            days(outlook.horizon)
        ),
    }
}

/// The tray icon's title (shown beside the icon where the desktop supports it): the
/// number of overdue and due-soon dates, or nothing.
pub fn title(outlook: &Outlook) -> String {
    match outlook.pressing() {
        0 => String::new(),
        n => n.to_string(),
    }
}

/// A desktop notification: counts and dates, never a key's name or id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// "1 date overdue", "2 dates due within 7 days".
    pub title: String,
    /// The dates, and what to do.
    pub body: String,
    /// The level it was sent for.
    pub level: Level,
}

/// The notice for `outlook`, if anything is overdue or due soon.
pub fn notice(outlook: &Outlook, tz: &TimeZone) -> Option<Notice> {
    let level = outlook.level?;
    let (title, mut body) = match level {
        Level::Overdue => (
            format!("{} overdue", dates(outlook.overdue)),
            outlook
                .earliest_overdue
                .map(|t| format!("The earliest was due on {}.", day(t, tz)))
                .unwrap_or_default(),
        ),
        Level::Soon { threshold } => (
            format!("{} due within {}", dates(outlook.at_level), days(threshold)),
            outlook
                .next_due
                .map(|t| format!("The next is due on {}.", day(t, tz)))
                .unwrap_or_default(),
        ),
    };
    let more = outlook.pressing() - outlook.at_level;
    if more > 0 {
        body.push_str(&format!(
            " {more} more due within {}.",
            days(outlook.horizon)
        ));
    }
    body.push_str(" Open Keywarden to rotate, drill, review or snooze.");
    Some(Notice {
        title,
        body: body.trim_start().to_owned(),
        level,
    })
}

/// Remembers what was last notified, to decide whether to notify again.
#[derive(Debug, Clone, Default)]
pub struct Notifier {
    /// The calendar day (in the time zone of the time) and level of the last notice.
    last: Option<(jiff::civil::Date, Level)>,
}

impl Notifier {
    /// A notifier that has sent nothing: the first decision after the app starts
    /// notifies whatever is pressing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The notice to show at `now`, if any, and records it as shown: one a day, and
    /// another on the same day only for a more pressing level.
    pub fn decide(&mut self, outlook: &Outlook, now: Timestamp, tz: &TimeZone) -> Option<Notice> {
        let notice = notice(outlook, tz)?;
        let today = now.to_zoned(tz.clone()).date();
        if let Some((day, level)) = self.last
            && day == today
            && notice.level.rank() <= level.rank()
        {
            return None;
        }
        self.last = Some((today, notice.level));
        Some(notice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keywarden_core::reminder::DueKind;

    const THRESHOLDS: [u32; 4] = [30, 14, 7, 1];

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn due(s: &str) -> ReminderDate {
        ReminderDate {
            kind: DueKind::Rotation,
            due_at: at(s),
            snoozed_until: None,
        }
    }

    fn outlook(dates: &[ReminderDate], now: &str) -> Outlook {
        Outlook::of(dates, &THRESHOLDS, at(now), &TimeZone::UTC)
    }

    #[test]
    fn nothing_due_says_so_and_never_notifies() {
        let o = outlook(&[due("2027-06-01T00:00:00Z")], "2027-03-01T09:00:00Z");
        assert_eq!(o.pressing(), 0);
        assert_eq!(o.level, None);
        assert_eq!(tooltip(&o), "Keywarden: nothing due");
        assert_eq!(title(&o), "");
        let mut n = Notifier::new();
        assert_eq!(
            n.decide(&o, at("2027-03-01T09:00:00Z"), &TimeZone::UTC),
            None
        );
    }

    #[test]
    fn titles_count_due_dates_at_the_most_pressing_level() {
        // 5 and 6 days left reach the 7-day threshold; 20 days only the 30-day one.
        let dates = [
            due("2027-03-06T12:00:00Z"),
            due("2027-03-07T12:00:00Z"),
            due("2027-03-21T12:00:00Z"),
        ];
        let o = outlook(&dates, "2027-03-01T09:00:00Z");
        assert_eq!(o.level, Some(Level::Soon { threshold: 7 }));
        let n = notice(&o, &TimeZone::UTC).unwrap();
        assert_eq!(n.title, "2 dates due within 7 days");
        assert_eq!(
            n.body,
            "The next is due on Saturday 6 March. 1 more due within 30 days. Open Keywarden to rotate, drill, review or snooze."
        );
        assert_eq!(tooltip(&o), "Keywarden: 3 dates due within 30 days");
        assert_eq!(title(&o), "3");

        let overdue = outlook(&[due("2027-02-27T12:00:00Z")], "2027-03-01T09:00:00Z");
        let n = notice(&overdue, &TimeZone::UTC).unwrap();
        assert_eq!(n.title, "1 date overdue");
        assert_eq!(
            n.body,
            "The earliest was due on Saturday 27 February. Open Keywarden to rotate, drill, review or snooze."
        );
        assert_eq!(tooltip(&overdue), "Keywarden: 1 date overdue");
    }

    #[test]
    fn a_notice_never_names_a_key() {
        // Only dates go in, so only counts and dates come out; the words are fixed.
        let o = outlook(
            &[due("2027-02-01T00:00:00Z"), due("2027-03-02T00:00:00Z")],
            "2027-03-01T09:00:00Z",
        );
        let n = notice(&o, &TimeZone::UTC).unwrap();
        assert_eq!(n.title, "1 date overdue");
        assert_eq!(
            n.body,
            "The earliest was due on Monday 1 February. 1 more due within 30 days. Open Keywarden to rotate, drill, review or snooze."
        );
        assert_eq!(
            tooltip(&o),
            "Keywarden: 1 date overdue, 1 more due within 30 days"
        );
    }

    #[test]
    fn snoozed_dates_count_for_nothing_until_the_snooze_ends() {
        let snoozed = ReminderDate {
            kind: DueKind::Destruction,
            due_at: at("2027-02-27T12:00:00Z"),
            snoozed_until: Some(at("2027-03-05T00:00:00Z")),
        };
        let o = outlook(&[snoozed], "2027-03-01T09:00:00Z");
        assert_eq!((o.overdue, o.soon, o.snoozed), (0, 0, 1));
        assert_eq!(o.level, None);
        let o = outlook(&[snoozed], "2027-03-05T00:00:00Z");
        assert_eq!((o.overdue, o.snoozed), (1, 0));
        assert_eq!(o.level, Some(Level::Overdue));
    }

    #[test]
    fn one_notice_a_day_and_more_only_when_things_get_more_pressing() {
        let tz = TimeZone::UTC;
        let dates = [due("2027-03-10T12:00:00Z")];
        let mut n = Notifier::new();
        // At start: 9 days left, the 14-day threshold.
        let now = at("2027-03-01T08:00:00Z");
        let first = n
            .decide(&outlook(&dates, "2027-03-01T08:00:00Z"), now, &tz)
            .unwrap();
        assert_eq!(first.title, "1 date due within 14 days");
        // Later the same day, the same level: nothing.
        assert_eq!(
            n.decide(
                &outlook(&dates, "2027-03-01T20:00:00Z"),
                at("2027-03-01T20:00:00Z"),
                &tz
            ),
            None
        );
        // The next day: once more, even at the same level.
        let next = n
            .decide(
                &outlook(&dates, "2027-03-02T00:00:05Z"),
                at("2027-03-02T00:00:05Z"),
                &tz,
            )
            .unwrap();
        assert_eq!(next.title, "1 date due within 14 days");
        assert_eq!(
            n.decide(
                &outlook(&dates, "2027-03-02T12:00:00Z"),
                at("2027-03-02T12:00:00Z"),
                &tz
            ),
            None
        );
        // 2027-03-03: 7 days left, a smaller threshold; later that day a new date
        // becomes overdue: both escalate on the same day.
        let mut more = dates.to_vec();
        more.push(due("2027-03-03T15:00:00Z"));
        let seven = n
            .decide(
                &outlook(&dates, "2027-03-03T09:00:00Z"),
                at("2027-03-03T09:00:00Z"),
                &tz,
            )
            .unwrap();
        assert_eq!(seven.level, Level::Soon { threshold: 7 });
        let overdue = n
            .decide(
                &outlook(&more, "2027-03-03T16:00:00Z"),
                at("2027-03-03T16:00:00Z"),
                &tz,
            )
            .unwrap();
        assert_eq!(overdue.title, "1 date overdue");
        // Less pressing later that day (the overdue one was rotated): nothing.
        assert_eq!(
            n.decide(
                &outlook(&dates, "2027-03-03T18:00:00Z"),
                at("2027-03-03T18:00:00Z"),
                &tz
            ),
            None
        );
    }

    #[test]
    fn the_day_is_the_person_s_day() {
        // 23:30 on 1 March in New York is already 2 March in UTC: one notice per New
        // York day, not per UTC day.
        let ny = TimeZone::get("America/New_York").unwrap();
        let dates = [due("2027-03-05T12:00:00Z")];
        let mut n = Notifier::new();
        let evening = at("2027-03-01T22:00:00Z"); // 17:00 in New York
        let night = at("2027-03-02T04:30:00Z"); // 23:30 on 1 March in New York
        let o = Outlook::of(&dates, &THRESHOLDS, evening, &ny);
        assert!(n.decide(&o, evening, &ny).is_some());
        let o = Outlook::of(&dates, &THRESHOLDS, night, &ny);
        assert_eq!(n.decide(&o, night, &ny), None);
    }
}
