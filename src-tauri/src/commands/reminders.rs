//! Commands on what falls due: the dashboard of an unlocked vault (due dates, counts,
//! policy violations, unused keys, recent audit entries), snoozing a reminder, the
//! calendar export and the review report.

use keywarden_core::calendar::{self, Naming};
use keywarden_core::kit::register::KitStatus;
use keywarden_core::print::Paper;
use keywarden_core::reminder::{DueItem, DueKind, Urgency};
use keywarden_core::report::{DEFAULT_UNUSED_DAYS, Format, ReviewReport};
use keywarden_core::vault::export::Document;
use keywarden_core::{AuditFilter, KeyState, Severity, UnlockedVault};
use tauri::State;

use super::{MAX_ID_CHARS, file_path, key_id, short};
use crate::dto::{
    Arg, AuditEntryInfo, CalendarExport, Dashboard, DashboardCounts, DueInfo, FindingInfo,
    KeyViolations, KeyWithoutKit, ReportExport, SnoozeInfo, StateCount, UnusedKey, rfc3339,
};
use crate::error::IpcError;
use crate::outfile;
use crate::state::AppState;

/// A key nobody revealed, exported or rotated for this many days is listed for review.
pub const UNUSED_DAYS: u32 = 90;
/// How many audit entries the dashboard shows.
pub const RECENT_AUDIT: usize = 8;
/// The finding an overdue rotation gives; the dashboard lists it as a due date instead.
const ROTATION_OVERDUE: &str = "rotation-overdue";

/// `dashboard`: what needs attention in the unlocked vault, in the clock's time zone.
///
/// # Errors
/// `vault_damaged` (an audit entry fails authentication), `locked`, `no_vault`.
#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> Result<Dashboard, IpcError> {
    state.touch();
    let now = state.now();
    state
        .with_unlocked(|vault| build_dashboard(vault, now))
        .await
}

/// The dashboard of `vault` at `now`, days counted in the vault's time zone.
pub(crate) fn build_dashboard(
    vault: &UnlockedVault,
    now: keywarden_core::Timestamp,
) -> Result<Dashboard, IpcError> {
    let policy = vault.policy();
    let thresholds = policy.reminder_days.clone();
    let largest = thresholds.iter().copied().max().unwrap_or(0);
    let items = vault.due(&thresholds, Some(largest));
    let due: Vec<DueInfo> = items.iter().map(|item| due_info(vault, item)).collect();

    let records = vault.list("");
    let by_state = KeyState::ALL
        .into_iter()
        .map(|s| StateCount {
            state: s.id().to_owned(),
            count: records.iter().filter(|r| r.state == s).count(),
        })
        .collect();

    let violations: Vec<KeyViolations> = records
        .iter()
        .filter_map(|r| {
            let findings: Vec<FindingInfo> = vault
                .assess(r)
                .into_iter()
                .filter(|f| f.severity == Severity::Violation && f.code != ROTATION_OVERDUE)
                .map(FindingInfo::from)
                .collect();
            (!findings.is_empty()).then(|| KeyViolations {
                key_id: r.id.to_string(),
                key_name: r.name.clone(),
                key_fingerprint: r.fingerprint().to_owned(),
                key_state: r.state.id().to_owned(),
                findings,
            })
        })
        .collect();

    let unused: Vec<UnusedKey> = vault
        .unused_keys(UNUSED_DAYS)
        .into_iter()
        .map(|r| UnusedKey {
            key_id: r.id.to_string(),
            key_name: r.name.clone(),
            key_fingerprint: r.fingerprint().to_owned(),
            key_state: r.state.id().to_owned(),
            last_used_at: rfc3339(r.last_used_at()),
        })
        .collect();

    let without_kit = without_kit(vault);

    let entries = vault.audit_entries(&AuditFilter::default())?;
    let recent_audit = entries
        .into_iter()
        .rev()
        .take(RECENT_AUDIT)
        .map(AuditEntryInfo::from)
        .collect();

    // The engine gives a due date its snooze only while the snooze holds.
    let snoozed = due.iter().filter(|d| d.snooze.is_some()).count();
    let count = |urgency: &str| {
        due.iter()
            .filter(|d| d.urgency == urgency && d.snooze.is_none())
            .count()
    };
    let counts = DashboardCounts {
        keys: records.len(),
        by_state,
        overdue: count("overdue"),
        soon: count("soon"),
        snoozed,
        violations: violations.len(),
        unused: unused.len(),
        without_kit: without_kit.len(),
    };
    Ok(Dashboard {
        generated_at: rfc3339(now),
        time_zone: vault.time_zone().iana_name().unwrap_or("UTC").to_owned(),
        reminder_days: thresholds,
        max_snooze_days: policy.max_snooze_days,
        due,
        counts,
        violations,
        unused_days: UNUSED_DAYS,
        unused,
        without_kit,
        recent_audit,
    })
}

/// The keys in use (active, suspended, deactivated) that no current kit holds: those
/// whose kit went void or superseded first, then those never put in a kit, by name.
/// The keys in use that no current kit holds (`UnlockedVault::escrow_coverage`): those
/// whose kit needs replacing first, then those never put in one, each group by name.
fn without_kit(vault: &UnlockedVault) -> Vec<KeyWithoutKit> {
    let mut out: Vec<KeyWithoutKit> = vault
        .escrow_coverage()
        .into_iter()
        .filter(|e| e.current.is_empty())
        .map(|e| {
            let (kit_status, kit_reason) = match e.replaced.as_ref().map(|(_, s)| s) {
                Some(KitStatus::Superseded { reason, .. }) => (Some("superseded"), Some(reason)),
                Some(KitStatus::Void { reason, .. }) => (Some("void"), Some(reason)),
                Some(KitStatus::Current) | None => (None, None),
            };
            KeyWithoutKit {
                key_id: e.id.to_string(),
                key_name: e.name.clone(),
                key_fingerprint: e.fingerprint.clone(),
                key_state: e.state.id().to_owned(),
                kit: e.replaced.as_ref().map(|(kit, _)| kit.to_string()),
                kit_status: kit_status.map(str::to_owned),
                kit_reason: kit_reason.cloned(),
            }
        })
        .collect();
    // Stable: keys whose kit needs replacing first, each group still by name.
    out.sort_by_key(|k| k.kit.is_none());
    out
}

fn due_info(vault: &UnlockedVault, item: &DueItem) -> DueInfo {
    let (urgency, days, threshold) = match item.urgency {
        Urgency::Overdue { days } => ("overdue", days, None),
        Urgency::Soon {
            days_left,
            threshold,
        } => ("soon", days_left, Some(threshold)),
        Urgency::Later { days_left } => ("later", days_left, None),
    };
    DueInfo {
        subject: item.subject.kind().to_owned(),
        id: item.subject.to_string(),
        name: item.name.clone(),
        fingerprint: item.fingerprint.clone(),
        key_state: item
            .subject
            .key()
            .and_then(|id| vault.get(&id).ok())
            .map(|r| r.state.id().to_owned()),
        kind: item.kind.id().to_owned(),
        due_at: rfc3339(item.due_at),
        urgency: urgency.to_owned(),
        days,
        threshold,
        snooze: item.snooze.as_ref().map(|z| SnoozeInfo {
            until: rfc3339(z.until),
            reason: z.reason.clone(),
            by: z.actor.clone(),
            at: rfc3339(z.at),
        }),
    }
}

/// `calendar_export`: every due date of the unlocked vault as an RFC 5545 calendar at
/// `path` (absolute), with an alarm at each reminder threshold. `naming` is `names`
/// (event titles name the keys) or `ids` (key ids only, for a calendar others can read).
/// Written atomically, mode 0600 on Unix, never over a file unless `overwrite`. Audited
/// (`calendar-exported`), a write that fails too.
///
/// # Errors
/// `invalid_input` (bad path or naming, a folder), `file_exists`, `io`, `locked`,
/// `no_vault`.
#[tauri::command]
pub async fn calendar_export(
    state: State<'_, AppState>,
    path: Arg<String>,
    naming: Arg<String>,
    overwrite: Arg<Option<bool>>,
) -> Result<CalendarExport, IpcError> {
    state.touch();
    let path = file_path(path.0, "calendar file")?;
    let naming = match short(naming.0, "naming", MAX_ID_CHARS)?.as_str() {
        "names" => Naming::Names,
        "ids" => Naming::IdsOnly,
        _ => {
            return Err(IpcError::invalid_input(
                "Naming is \"names\" or \"ids\" (key ids only).",
            ));
        }
    };
    let overwrite = overwrite.0.unwrap_or(false);
    outfile::check_free(&path, overwrite)?;
    let now = state.now();
    state
        .with_unlocked(|vault| {
            let thresholds = vault.policy().reminder_days.clone();
            let items = vault.due(&thresholds, None);
            let ics = calendar::to_ics(&items, &thresholds, now, &vault.time_zone(), naming);
            // Recorded as the CLI records it: what, and where.
            let detail = format!(
                "{} {}, titles {}, to {}",
                items.len(),
                if items.len() == 1 { "event" } else { "events" },
                match naming {
                    Naming::Names => "name keys",
                    Naming::IdsOnly => "give key ids only",
                },
                path.display()
            );
            // Not secret material, but key names and dates: the owner's business only.
            if let Err(error) =
                outfile::write(&path, ics.as_bytes(), outfile::SECRET_MODE, overwrite)
            {
                // The refusal is recorded too; if even that fails, the write's error is
                // the one to show.
                let _ = vault.record_export(Document::Calendar, &detail, Some(&error.message));
                return Err(error);
            }
            vault.record_export(Document::Calendar, &detail, None)?;
            Ok(CalendarExport {
                path: path.display().to_string(),
                events: items.len(),
                names: naming == Naming::Names,
            })
        })
        .await
}

/// The longest unused window a report may ask for, in days (as `keywarden report`).
const MAX_UNUSED_DAYS: u32 = 36_500;

/// `report_export`: the key-management review report of the unlocked vault
/// (`docs/reports.md`), one printable file at `path` (absolute): `format` `html` (the
/// default) or `pdf` on `paper` (`a4`, the default, or `letter`), in the system's time
/// zone, listing keys unused for `unusedDays` days (90 when null). Written atomically,
/// mode 0600 on Unix, never over a file unless `overwrite`. Audited (`report-exported`),
/// a write that fails too.
///
/// # Errors
/// `invalid_input` (bad path, a folder, a format other than html or pdf, a paper other
/// than a4 or letter, `unusedDays` outside 1 to 36500), `file_exists`, `io`,
/// `vault_damaged` (an audit entry fails authentication), `locked`, `no_vault`.
#[tauri::command]
pub async fn report_export(
    state: State<'_, AppState>,
    path: Arg<String>,
    format: Arg<Option<String>>,
    paper: Arg<Option<String>>,
    unused_days: Arg<Option<u32>>,
    overwrite: Arg<Option<bool>>,
) -> Result<ReportExport, IpcError> {
    state.touch();
    let path = file_path(path.0, "report file")?;
    let paper = match paper.0 {
        Some(text) => super::paper(text)?,
        None => Paper::A4,
    };
    let format = match format.0.as_deref() {
        None | Some("html") => Format::Html,
        Some("pdf") => Format::Pdf(paper),
        Some(_) => {
            return Err(IpcError::invalid_input(
                "A report is written as html or pdf.",
            ));
        }
    };
    let unused_days = unused_days.0.unwrap_or(DEFAULT_UNUSED_DAYS);
    if !(1..=MAX_UNUSED_DAYS).contains(&unused_days) {
        return Err(IpcError::invalid_input(format!(
            "The unused window is 1 to {MAX_UNUSED_DAYS} days."
        )));
    }
    let overwrite = overwrite.0.unwrap_or(false);
    outfile::check_free(&path, overwrite)?;
    state
        .with_unlocked(|vault| {
            let review = ReviewReport::gather(vault, unused_days)?;
            let s = review.summary();
            // Recorded as the CLI records it: what, and where.
            let detail = format!(
                "{format}, {} {}, unused window {unused_days} days, to {}",
                s.keys,
                if s.keys == 1 { "key" } else { "keys" },
                path.display()
            );
            // Key names, owners and custodians: the owner's business only.
            let document = review.render(format).map_err(IpcError::internal)?;
            if let Err(error) = outfile::write(&path, &document, outfile::SECRET_MODE, overwrite) {
                let _ = vault.record_export(Document::Report, &detail, Some(&error.message));
                return Err(error);
            }
            vault.record_export(Document::Report, &detail, None)?;
            Ok(ReportExport {
                path: path.display().to_string(),
                keys: s.keys,
                overdue: s.overdue,
                due_soon: s.due_soon,
                violations: s.violations,
                unused: s.unused,
                unescrowed: s.unescrowed,
                audit_intact: s.audit_intact,
            })
        })
        .await
}

/// A key's due-kind argument: `rotation`, `usage-end` or `destruction` (a kit's drill
/// is not snoozed: drilling the kit moves it).
fn due_kind(text: String) -> Result<DueKind, IpcError> {
    match short(text, "kind", MAX_ID_CHARS)?.parse::<DueKind>() {
        Ok(DueKind::Drill) => Err(IpcError::invalid_input(
            "A kit drill cannot be snoozed: drill the kit to move its date.",
        )),
        Ok(kind) => Ok(kind),
        Err(_) => Err(IpcError::invalid_input(
            "A kind is rotation, usage-end or destruction.",
        )),
    }
}

/// `reminder_snooze`: puts off the reminders of one of a key's due dates until `until`
/// (RFC 3339), at most the policy's `maxSnoozeDays` past the due date, with a reason.
/// The date itself does not move. Audited (`reminder-snoozed`), refusals too. Answers
/// the dashboard as it is now.
///
/// # Errors
/// `invalid_input` (bad id, kind, time or reason; a time not in the future),
/// `key_not_found`, `not_allowed` (nothing of that kind due, snoozing not allowed, past
/// the longest snooze), `locked`, `no_vault`.
#[tauri::command]
pub async fn reminder_snooze(
    state: State<'_, AppState>,
    id: Arg<String>,
    kind: Arg<String>,
    until: Arg<String>,
    reason: Arg<String>,
) -> Result<Dashboard, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let kind = due_kind(kind.0)?;
    let until = short(until.0, "until", MAX_ID_CHARS)?
        .parse::<keywarden_core::Timestamp>()
        .map_err(|_| {
            IpcError::invalid_input(
                "`until` must be an RFC 3339 time, such as 2025-01-31T00:00:00Z.",
            )
        })?;
    let reason = super::reason(reason.0)?;
    let now = state.now();
    state
        .with_unlocked(|vault| {
            vault.snooze(&id, kind, until, &reason)?;
            build_dashboard(vault, now)
        })
        .await
}

/// `reminder_cancel_snooze`: ends a snooze early; the reminders of that due date are
/// back. Audited (`snooze-cancelled`). Answers the dashboard as it is now.
///
/// # Errors
/// `invalid_input` (bad id, kind or reason), `key_not_found`, `not_allowed` (no snooze
/// holds), `locked`, `no_vault`.
#[tauri::command]
pub async fn reminder_cancel_snooze(
    state: State<'_, AppState>,
    id: Arg<String>,
    kind: Arg<String>,
    reason: Arg<String>,
) -> Result<Dashboard, IpcError> {
    state.touch();
    let id = key_id(&id.0)?;
    let kind = due_kind(kind.0)?;
    let reason = super::reason(reason.0)?;
    let now = state.now();
    state
        .with_unlocked(|vault| {
            vault.cancel_snooze(&id, kind, &reason)?;
            build_dashboard(vault, now)
        })
        .await
}
