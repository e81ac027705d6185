//! `calendar` and `report`: what was written where, and what it holds.

use std::path::Path;

use keywarden_core::calendar::Naming;
use keywarden_core::report::{Format, Summary};
use serde::Serialize;

use super::{clean, plural_u64};
use crate::outfile::PRIVATE_MODE;
use crate::session::display;

/// `{"calendar": …}`.
#[derive(Serialize)]
pub(super) struct CalendarJson {
    path: String,
    mode: String,
    events: usize,
    naming: &'static str,
    reminder_days: Vec<u32>,
}

/// `{"report": …}`.
#[derive(Serialize)]
pub(super) struct ReviewJson {
    path: String,
    format: &'static str,
    paper: Option<String>,
    mode: String,
    keys: usize,
    active: usize,
    overdue: usize,
    due_soon: usize,
    due_within_days: u32,
    violations: usize,
    warnings: usize,
    unused: usize,
    unused_days: u32,
    unescrowed: usize,
    audit_intact: bool,
    audit_entries: u64,
}

fn mode() -> String {
    format!("{PRIVATE_MODE:04o}")
}

/// The calendar written, in JSON.
pub(super) fn calendar_json(
    path: &Path,
    events: usize,
    naming: Naming,
    thresholds: &[u32],
) -> CalendarJson {
    CalendarJson {
        path: display(path),
        mode: mode(),
        events,
        naming: naming.id(),
        reminder_days: thresholds.to_vec(),
    }
}

/// The calendar written, for people.
pub(super) fn calendar_text(
    path: &Path,
    events: usize,
    naming: Naming,
    thresholds: &[u32],
) -> String {
    let mut out = format!(
        "Wrote {events} due {} to {} (iCalendar, mode {}), each with reminders {} days before.\n",
        plural_u64(events as u64, "date", "dates"),
        clean(&display(path)),
        mode(),
        list(thresholds),
    );
    out.push_str(match naming {
        Naming::Names => {
            "Event titles name the keys: whoever can read the calendar sees their names \
             (--ids-only leaves them out).\n"
        }
        Naming::IdsOnly => "Event titles give key ids only.\n",
    });
    out
}

/// The report written, in JSON.
pub(super) fn review_json(
    path: &Path,
    format: Format,
    s: &Summary,
    due_within_days: u32,
    unused_days: u32,
) -> ReviewJson {
    let (format, paper) = match format {
        Format::Html => ("html", None),
        Format::Pdf(paper) => ("pdf", Some(paper.to_string())),
    };
    ReviewJson {
        path: display(path),
        format,
        paper,
        mode: mode(),
        keys: s.keys,
        active: s.active,
        overdue: s.overdue,
        due_soon: s.due_soon,
        due_within_days,
        violations: s.violations,
        warnings: s.warnings,
        unused: s.unused,
        unused_days,
        unescrowed: s.unescrowed,
        audit_intact: s.audit_intact,
        audit_entries: s.audit_entries,
    }
}

/// The report written, for people.
pub(super) fn review_text(
    path: &Path,
    format: Format,
    s: &Summary,
    due_within_days: u32,
    unused_days: u32,
) -> String {
    let n = |count: usize, one, many| format!("{count} {}", plural_u64(count as u64, one, many));
    format!(
        "Wrote the key-management review of {} to {} ({format}, mode {}):\n  \
         {} overdue, {} due within {due_within_days} days, {}, {}, {} for {unused_days} days;\n  \
         {} in use with no current recovery kit; the audit log {} ({}).\n\
         It names keys, owners and custodians: treat it and its printouts as confidential.\n",
        n(s.keys, "key", "keys"),
        clean(&display(path)),
        mode(),
        s.overdue,
        s.due_soon,
        n(s.violations, "policy violation", "policy violations"),
        n(s.warnings, "warning", "warnings"),
        n(s.unused, "key unused", "keys unused"),
        n(s.unescrowed, "key", "keys"),
        if s.audit_intact {
            "is intact"
        } else {
            "DOES NOT VERIFY: see the report"
        },
        n(s.audit_entries as usize, "entry", "entries"),
    )
}

/// `30, 14, 7 and 1`.
fn list(days: &[u32]) -> String {
    let text: Vec<String> = days.iter().map(u32::to_string).collect();
    match text.split_last() {
        None => "no".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_read_as_a_list() {
        assert_eq!(list(&[30, 14, 7, 1]), "30, 14, 7 and 1");
        assert_eq!(list(&[3]), "3");
        assert_eq!(list(&[]), "no");
    }
}
