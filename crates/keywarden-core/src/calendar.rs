//! Due dates as an RFC 5545 calendar, so that the person's own calendar reminds them: one
//! event per due date, with an alarm at each "due soon" threshold.

use std::fmt::Write as _;

use crate::clock::Timestamp;
use crate::reminder::{DueItem, DueKind};

/// What the calendar says about each key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// Event titles name the key (the calendar then reveals key names to whoever can
    /// read it).
    Names,
    /// Event titles give only the key's id.
    IdsOnly,
}

/// The items as an iCalendar file (RFC 5545): CRLF line ends, lines folded at 75 octets,
/// times in UTC. `thresholds` become alarms (`TRIGGER:-P<n>D`); `now` is the `DTSTAMP`.
pub fn to_ics(items: &[DueItem], thresholds: &[u32], now: Timestamp, naming: Naming) -> String {
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
    for item in items {
        let who = match naming {
            Naming::Names => format!("\"{}\"", item.name),
            Naming::IdsOnly => format!("key {}", item.key),
        };
        let (summary, what) = match item.kind {
            DueKind::Rotation => (
                format!("Rotate {who}"),
                "Its cryptoperiod ends: rotate it (keywarden key rotate).",
            ),
            DueKind::UsageEnd => (
                format!("Stop using {who} to protect new data"),
                "The originator-usage period the policy allows ends: rotate it (keywarden key rotate).",
            ),
            DueKind::Destruction => (
                format!("{who} will be destroyed"),
                "Its scheduled destruction erases the material; cancel it if the key is still needed.",
            ),
        };
        lines.push("BEGIN:VEVENT".to_owned());
        lines.push(format!(
            "UID:{}-{}-{}@keywarden",
            item.key,
            item.kind.id(),
            item.due_at.as_second()
        ));
        lines.push(format!("DTSTAMP:{}", utc(now)));
        lines.push(format!("DTSTART:{}", utc(item.due_at)));
        lines.push("DURATION:PT30M".to_owned());
        lines.push(format!(
            "SUMMARY:{}",
            text(&format!("{summary} (Keywarden)"))
        ));
        lines.push(format!(
            "DESCRIPTION:{}",
            text(&format!("{what}\nKey id: {}", item.key))
        ));
        lines.push(format!("CATEGORIES:Keywarden,{}", item.kind.id()));
        lines.push("TRANSP:TRANSPARENT".to_owned());
        let mut days: Vec<u32> = thresholds.to_vec();
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        for d in days {
            lines.push("BEGIN:VALARM".to_owned());
            lines.push("ACTION:DISPLAY".to_owned());
            lines.push(format!(
                "DESCRIPTION:{}",
                text(&format!(
                    "{summary}: due in {d} day{}",
                    if d == 1 { "" } else { "s" }
                ))
            ));
            lines.push(format!("TRIGGER:-P{d}D"));
            lines.push("END:VALARM".to_owned());
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
            key: "0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10".parse().unwrap(),
            name: name.to_owned(),
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
            Naming::IdsOnly,
        );
        assert!(!ics.contains("secret project"));
        assert!(ics.contains("Rotate key 0b6b0a8e"));
    }
}
