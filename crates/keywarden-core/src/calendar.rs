//! Due dates as an RFC 5545 calendar, so that the person's own calendar reminds them: one
//! event per due date, with an alarm at each "due soon" threshold.
//!
//! Each event's `UID` names the key and the kind of date, not the date itself: a key has
//! at most one date of each kind at a time, so the UIDs of a calendar are distinct, and
//! importing a newer calendar (after a rotation moved the date) moves the event in
//! calendars that update by `UID` instead of leaving the old one to ring.

use std::fmt::Write as _;

use jiff::tz::{Offset, TimeZone};

use crate::clock::{self, Timestamp};
use crate::reminder::{DueItem, DueKind, DueSubject};

/// At most this many daylight-saving transitions go into the calendar's `VTIMEZONE`:
/// two a year for 200 years, far beyond any due date a policy allows.
const MAX_TRANSITIONS: usize = 400;

/// What the calendar says about each key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Event titles name the key (the calendar then reveals key names to whoever can
    /// read it).
    Names,
    /// Event titles give only the key's id.
    IdsOnly,
}

impl Naming {
    /// `names` or `ids-only`.
    pub fn id(self) -> &'static str {
        match self {
            Naming::Names => "names",
            Naming::IdsOnly => "ids-only",
        }
    }
}

/// The `UID` of the event for `item`: `<key or kit id>-<kind>@keywarden`.
pub fn uid(item: &DueItem) -> String {
    format!("{}-{}@keywarden", item.subject, item.kind.id())
}

/// The items as an iCalendar file (RFC 5545): CRLF line ends, lines folded at 75 octets.
/// Events start at local times of `tz` (`DTSTART;TZID=`), with a `VTIMEZONE` that lists
/// its offsets and daylight-saving transitions over the calendar's span, so an alarm
/// `n` days before rings at the same local time of day; in UTC, or in a zone without an
/// IANA name, times are written in UTC. `thresholds` become alarms (`TRIGGER:-P<n>D`, a
/// `DISPLAY` alarm with a description); `now` is the `DTSTAMP`. A snoozed item keeps only
/// the alarms that come after its snooze ends, plus one at that instant. No items give a
/// calendar without events, which calendar applications accept (RFC 5545's grammar asks
/// for at least one component).
pub fn to_ics(
    items: &[DueItem],
    thresholds: &[u32],
    now: Timestamp,
    tz: &TimeZone,
    naming: Naming,
) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!(
            "PRODID:-//Keywarden//Keywarden {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "X-WR-CALNAME:Keywarden due dates".to_owned(),
    ];
    let zone = tz.iana_name().filter(|n| !matches!(*n, "UTC" | "Etc/UTC"));
    if let Some(name) = zone {
        let instants = items
            .iter()
            .flat_map(|i| [Some(i.due_at), i.snooze.as_ref().map(|s| s.until)])
            .flatten();
        let span = instants.fold((now, now), |(lo, hi), t| (lo.min(t), hi.max(t)));
        vtimezone(&mut lines, name, tz, span);
    }
    let start = |t: Timestamp| match zone {
        Some(name) => format!(
            "DTSTART;TZID={name}:{}",
            t.to_zoned(tz.clone()).strftime("%Y%m%dT%H%M%S")
        ),
        None => format!("DTSTART:{}", utc(t)),
    };
    let mut days: Vec<u32> = thresholds.to_vec();
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    for item in items {
        let who = match (naming, item.subject) {
            (Naming::Names, DueSubject::Key(_)) => format!("\"{}\"", item.name),
            (Naming::Names, DueSubject::Kit(_)) => format!("the {}", item.name),
            (Naming::IdsOnly, subject) => format!("{} {subject}", subject.kind()),
        };
        let (summary, what) = match item.kind {
            DueKind::Rotation => (
                format!("Rotate {who}"),
                "Its cryptoperiod ends: rotate it (keywarden key rotate).",
            ),
            DueKind::UsageEnd => (
                format!("Stop using {who} to protect new data"),
                "The originator-usage period the policy allows ends: from then on the key \
                 should only process (decrypt, verify); rotate it (keywarden key rotate).",
            ),
            DueKind::Destruction => (
                format!("{who} will be destroyed"),
                "Its scheduled destruction erases the material; cancel it if the key is still needed.",
            ),
            DueKind::Drill => (
                format!("Drill {who}"),
                "Check that the kit's sheets still recover what it holds, without revealing \
                 it (keywarden kit verify).",
            ),
        };
        let snoozed_until = item.snooze.as_ref().map(|s| s.until);
        let label = match item.subject {
            DueSubject::Key(_) => "Key id",
            DueSubject::Kit(_) => "Kit id",
        };
        let mut description = format!("{what}\n{label}: {}", item.subject);
        if let Some(until) = snoozed_until {
            let _ = write!(description, "\nReminder snoozed until {}.", utc(until));
        }
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!("UID:{}", uid(item)));
        lines.push(format!("DTSTAMP:{}", utc(now)));
        lines.push(start(item.due_at));
        lines.push("DURATION:PT30M".to_owned());
        lines.push(format!(
            "SUMMARY:{}",
            text(&format!("{summary} (Keywarden)"))
        ));
        lines.push(format!("DESCRIPTION:{}", text(&description)));
        lines.push(format!("CATEGORIES:Keywarden,{}", item.kind.id()));
        lines.push("TRANSP:TRANSPARENT".to_owned());
        for &d in &days {
            if let Some(until) = snoozed_until
                && clock::days_before(item.due_at, d, tz) < until
            {
                continue;
            }
            alarm(
                &mut lines,
                Trigger::DaysBefore(d),
                &format!("{summary}: due in {d} day{}", if d == 1 { "" } else { "s" }),
            );
        }
        if let Some(until) = snoozed_until {
            alarm(
                &mut lines,
                Trigger::At(until),
                &format!("{summary}: the snooze ends"),
            );
        }
        lines.push("END:VEVENT".to_owned());
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

/// Appends the `VTIMEZONE` of `tz` under `name`: the observance in effect at the start
/// of `span`, then every transition until its end (at most [`MAX_TRANSITIONS`]). Each
/// observance starts at the transition's local time before it (`TZOFFSETFROM`), as
/// RFC 5545 section 3.6.5 asks; a zone without transitions gets one fixed observance.
fn vtimezone(lines: &mut Vec<String>, name: &str, tz: &TimeZone, span: (Timestamp, Timestamp)) {
    let (from, to) = span;
    lines.push("BEGIN:VTIMEZONE".to_owned());
    lines.push(format!("TZID:{name}"));
    let at_start = tz
        .preceding(
            from.checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap_or(from),
        )
        .next();
    let transitions: Vec<_> = at_start
        .into_iter()
        .chain(tz.following(from).take_while(|t| t.timestamp() <= to))
        .take(MAX_TRANSITIONS)
        .collect();
    if transitions.is_empty() {
        let offset = tz.to_offset(from);
        lines.extend([
            "BEGIN:STANDARD".to_owned(),
            "DTSTART:19700101T000000".to_owned(),
            format!("TZOFFSETFROM:{}", utc_offset(offset)),
            format!("TZOFFSETTO:{}", utc_offset(offset)),
            "END:STANDARD".to_owned(),
        ]);
    }
    for t in transitions {
        let at = t.timestamp();
        let before = tz.to_offset(
            at.checked_sub(jiff::SignedDuration::from_secs(1))
                .unwrap_or(at),
        );
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        lines.extend([
            format!("BEGIN:{kind}"),
            format!(
                "DTSTART:{}",
                at.to_zoned(TimeZone::fixed(before))
                    .strftime("%Y%m%dT%H%M%S")
            ),
            format!("TZOFFSETFROM:{}", utc_offset(before)),
            format!("TZOFFSETTO:{}", utc_offset(t.offset())),
            format!("TZNAME:{}", text(t.abbreviation())),
            format!("END:{kind}"),
        ]);
    }
    lines.push("END:VTIMEZONE".to_owned());
}

/// A UTC offset in RFC 5545's form, `+HHMM` or `-HHMMSS` when seconds are not zero.
fn utc_offset(offset: Offset) -> String {
    let s = offset.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let (h, m, sec) = (s.abs() / 3600, s.abs() / 60 % 60, s.abs() % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// When an alarm rings.
enum Trigger {
    /// Whole days before the event starts: `TRIGGER:-P<n>D`.
    DaysBefore(u32),
    /// At an instant: `TRIGGER;VALUE=DATE-TIME:<UTC>`.
    At(Timestamp),
}

/// A `DISPLAY` alarm with its description.
fn alarm(lines: &mut Vec<String>, trigger: Trigger, description: &str) {
    lines.push("BEGIN:VALARM".to_owned());
    lines.push("ACTION:DISPLAY".to_owned());
    lines.push(format!("DESCRIPTION:{}", text(description)));
    lines.push(match trigger {
        Trigger::DaysBefore(d) => format!("TRIGGER:-P{d}D"),
        Trigger::At(t) => format!("TRIGGER;VALUE=DATE-TIME:{}", utc(t)),
    });
    lines.push("END:VALARM".to_owned());
}

/// A UTC date-time in RFC 5545's basic form, e.g. `20270301T120000Z`.
fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// RFC 5545 section 3.3.11: backslash, semicolon and comma escaped, line breaks as `\n`,
/// other control characters dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded at 75 octets (section 3.1): continuation lines start with a
/// space, and a character is never split.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    let _ = out.write_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reminder::Urgency;

    fn item(name: &str, kind: DueKind) -> DueItem {
        DueItem {
            subject: DueSubject::Key("0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10".parse().unwrap()),
            name: name.to_owned(),
            fingerprint: "b3e7342fb97bb3ded1163fca7c22c576".to_owned(),
            kind,
            due_at: "2027-03-01T12:00:00Z".parse().unwrap(),
            urgency: Urgency::Later { days_left: 90 },
            snooze: None,
        }
    }

    #[test]
    fn events_have_alarms_at_each_threshold_and_lines_are_folded() {
        let name = "Payroll, DB; master \\ key ünïcödé ".repeat(4);
        let ics = to_ics(
            &[
                item(&name, DueKind::Rotation),
                item("old", DueKind::Destruction),
            ],
            &[7, 30, 1, 14],
            "2026-11-28T20:00:00Z".parse().unwrap(),
            &TimeZone::UTC,
            Naming::Names,
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.split("\r\n").all(|l| l.len() <= 75), "{ics}");
        assert!(!ics.replace("\r\n", "").contains('\n'));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART:20270301T120000Z\r\n"));
        assert!(unfolded.contains("DTSTAMP:20261128T200000Z\r\n"));
        assert!(unfolded.contains("Payroll\\, DB\\; master \\\\ key ünïcödé"));
        let triggers: Vec<&str> = unfolded
            .lines()
            .filter(|l| l.starts_with("TRIGGER:"))
            .collect();
        assert_eq!(triggers.len(), 8);
        assert_eq!(
            &triggers[..4],
            [
                "TRIGGER:-P30D",
                "TRIGGER:-P14D",
                "TRIGGER:-P7D",
                "TRIGGER:-P1D"
            ]
        );
        assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 2);
        assert!(unfolded.contains("SUMMARY:\"old\" will be destroyed (Keywarden)"));
    }

    #[test]
    fn names_can_be_left_out() {
        let ics = to_ics(
            &[item("secret project", DueKind::Rotation)],
            &[7],
            "2026-11-28T20:00:00Z".parse().unwrap(),
            &TimeZone::UTC,
            Naming::IdsOnly,
        );
        assert!(!ics.contains("secret project"));
        assert!(ics.contains("Rotate key 0b6b0a8e"));
    }

    #[test]
    fn uids_name_the_key_and_kind_so_a_moved_date_keeps_its_event() {
        let rotation = item("k", DueKind::Rotation);
        let moved = DueItem {
            due_at: "2028-03-01T12:00:00Z".parse().unwrap(),
            ..rotation.clone()
        };
        assert_eq!(uid(&rotation), uid(&moved));
        assert_eq!(
            uid(&rotation),
            "0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10-rotation@keywarden"
        );
        let kinds = [DueKind::Rotation, DueKind::UsageEnd, DueKind::Destruction];
        let ics = to_ics(
            &kinds.map(|k| item("k", k)),
            &[7],
            "2026-11-28T20:00:00Z".parse().unwrap(),
            &TimeZone::UTC,
            Naming::Names,
        );
        let uids: std::collections::HashSet<&str> =
            ics.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids.len(), 3);
        assert!(
            ics.replace("\r\n ", "")
                .contains("SUMMARY:Stop using \"k\" to protect new data (Keywarden)")
        );
        // Every alarm is a DISPLAY alarm with a description, as RFC 5545 requires.
        let alarms: Vec<&str> = ics.split("BEGIN:VALARM\r\n").skip(1).collect();
        assert_eq!(alarms.len(), 3);
        for a in alarms {
            assert!(a.starts_with("ACTION:DISPLAY\r\nDESCRIPTION:"), "{a}");
        }
    }

    #[test]
    fn a_snoozed_item_rings_only_after_its_snooze_ends() {
        let due: Timestamp = "2027-03-01T12:00:00Z".parse().unwrap();
        let snoozed = DueItem {
            snooze: Some(crate::key::Snooze {
                kind: DueKind::Rotation,
                due_at: due,
                until: "2027-02-25T09:00:00Z".parse().unwrap(),
                actor: "ada".to_owned(),
                at: "2027-02-20T09:00:00Z".parse().unwrap(),
                reason: "private: waiting for the vendor".to_owned(),
            }),
            ..item("k", DueKind::Rotation)
        };
        let ics = to_ics(
            &[snoozed],
            &[30, 14, 7, 1],
            "2027-02-20T10:00:00Z".parse().unwrap(),
            &TimeZone::UTC,
            Naming::IdsOnly,
        );
        let triggers: Vec<&str> = ics.lines().filter(|l| l.starts_with("TRIGGER")).collect();
        // 30, 14 and 7 days before ring before Feb 25, 09:00; 1 day before does not.
        assert_eq!(
            triggers,
            ["TRIGGER:-P1D", "TRIGGER;VALUE=DATE-TIME:20270225T090000Z"]
        );
        assert!(
            ics.replace("\r\n ", "")
                .contains("Reminder snoozed until 20270225T090000Z.")
        );
        // The reason is the person's text: it stays out of the calendar.
        assert!(!ics.contains("vendor"));
    }

    #[test]
    fn nothing_due_gives_a_calendar_without_events_and_control_characters_are_dropped() {
        let now = "2026-11-28T20:00:00Z".parse().unwrap();
        let ics = to_ics(&[], &[7], now, &TimeZone::UTC, Naming::Names);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("X-WR-CALNAME:Keywarden due dates\r\nEND:VCALENDAR\r\n"));
        let ics = to_ics(
            &[item("a\r\nSUMMARY:x\u{1b}[2J\u{7}", DueKind::Rotation)],
            &[7],
            now,
            &TimeZone::UTC,
            Naming::Names,
        );
        assert!(
            ics.contains("SUMMARY:Rotate \"a\\nSUMMARY:x[2J\" (Keywarden)\r\n"),
            "{ics}"
        );
        assert!(!ics.contains('\u{1b}') && !ics.contains('\u{7}'));
    }

    #[test]
    fn in_a_named_zone_events_start_at_local_times_described_by_a_vtimezone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        // Due at 09:00 on April 2nd in Berlin (CEST); the 7-day alarm falls before
        // clocks go forward on March 28th and still rings at 09:00, in CET.
        let due = DueItem {
            due_at: "2027-04-02T07:00:00Z".parse().unwrap(),
            ..item("k", DueKind::Rotation)
        };
        let ics = to_ics(
            &[due],
            &[7],
            "2027-01-10T20:00:00Z".parse().unwrap(),
            &berlin,
            Naming::Names,
        );
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART;TZID=Europe/Berlin:20270402T090000\r\n"));
        assert!(unfolded.contains("DTSTAMP:20270110T200000Z\r\n"));
        assert!(unfolded.contains("TRIGGER:-P7D\r\n"));
        let zone = &unfolded
            [unfolded.find("BEGIN:VTIMEZONE").unwrap()..unfolded.find("END:VTIMEZONE").unwrap()];
        assert!(zone.starts_with("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        // In effect on Jan 10th: CET since October 25th, 2026 (03:00 CEST); then CEST
        // from March 28th, 2027 (02:00 CET). Nothing after the last event.
        assert_eq!(
            zone.split("\r\n").skip(2).collect::<Vec<_>>(),
            [
                "BEGIN:STANDARD",
                "DTSTART:20261025T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "TZNAME:CET",
                "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:20270328T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "TZNAME:CEST",
                "END:DAYLIGHT",
                "",
            ]
        );
        assert!(ics.find("END:VTIMEZONE").unwrap() < ics.find("BEGIN:VEVENT").unwrap());
    }

    #[test]
    fn a_zone_without_transitions_has_one_fixed_observance_and_offsets_keep_seconds() {
        let plus_five = TimeZone::get("Etc/GMT-5").unwrap();
        let due = DueItem {
            due_at: "2027-04-02T07:00:00Z".parse().unwrap(),
            ..item("k", DueKind::Rotation)
        };
        let ics = to_ics(
            &[due],
            &[7],
            "2027-01-10T20:00:00Z".parse().unwrap(),
            &plus_five,
            Naming::Names,
        );
        assert!(ics.contains("DTSTART;TZID=Etc/GMT-5:20270402T120000\r\n"));
        assert!(ics.contains(
            "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0500\r\n\
             TZOFFSETTO:+0500\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        ));
        assert_eq!(
            utc_offset(Offset::from_seconds(-(4 * 3600 + 56 * 60 + 2)).unwrap()),
            "-045602"
        );
        assert_eq!(
            utc_offset(Offset::from_seconds(5 * 3600 + 30 * 60).unwrap()),
            "+0530"
        );
        assert_eq!(utc_offset(Offset::UTC), "+0000");
    }

    #[test]
    fn a_snoozed_item_in_a_zone_counts_alarm_days_in_that_zone() {
        let new_york = TimeZone::get("America/New_York").unwrap();
        // Due 09:00 EDT on March 20th; clocks went forward on March 14th. One day
        // before is 09:00 EDT on the 19th; seven days before is 09:00 EST on the 13th,
        // 23 hours earlier than 7 × 24 hours.
        let due: Timestamp = "2027-03-20T13:00:00Z".parse().unwrap();
        let snooze_until = |until: &str| DueItem {
            due_at: due,
            snooze: Some(crate::key::Snooze {
                kind: DueKind::Rotation,
                due_at: due,
                until: until.parse().unwrap(),
                actor: "ada".to_owned(),
                at: "2027-03-01T09:00:00Z".parse().unwrap(),
                reason: "r".to_owned(),
            }),
            ..item("k", DueKind::Rotation)
        };
        let triggers = |item: DueItem| {
            to_ics(
                &[item],
                &[7, 1],
                "2027-03-01T10:00:00Z".parse().unwrap(),
                &new_york,
                Naming::IdsOnly,
            )
            .lines()
            .filter(|l| l.starts_with("TRIGGER:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
        };
        // A snooze until 13:30 UTC on the 13th ends before that alarm (14:00 UTC), so it
        // stays; under 24-hour days it would ring at 13:00 UTC, inside the snooze.
        assert_eq!(
            triggers(snooze_until("2027-03-13T13:30:00Z")),
            ["TRIGGER:-P7D", "TRIGGER:-P1D"]
        );
        assert_eq!(
            triggers(snooze_until("2027-03-13T14:30:00Z")),
            ["TRIGGER:-P1D"]
        );
    }
}
