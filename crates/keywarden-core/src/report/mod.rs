//! The key-management review report: the agenda of a regular review of the vault's keys,
//! gathered from an unlocked vault at its clock's now and rendered as one self-contained,
//! printable HTML document (`html.rs`) or as PDF (`pdf.rs`).
//!
//! The document has no scripts and loads nothing: no URLs, no fonts, no images; its CSS
//! is inline, with `@page` and `@media print` rules for A4 and US Letter alike, and a
//! Content-Security-Policy that forbids everything else. Every piece of vault text
//! (names, owners, custodians, reasons, audit details) is HTML-escaped, and control and
//! bidirectional-formatting characters in it are shown as `\u{…}` escapes, so stored
//! text can neither inject markup nor reorder what a printout shows.
//!
//! What it reveals, and how stable it is, is in `docs/reports.md`.

mod html;
mod pdf;

use jiff::tz::TimeZone;

use crate::algorithm::Purpose;
use crate::audit::AuditVerification;
use crate::clock::Timestamp;
use crate::error::StorageError;
use crate::key::{KeyId, KeyRecord};
use crate::kit::register::{KitKind, KitRecord, KitStatus};
use crate::policy::{Finding, Severity};
use crate::print::Paper;
pub use crate::print::TooManyPages;
use crate::reminder::{DueItem, DueKind, Urgency};
use crate::state::KeyState;
pub use crate::vault::EscrowEntry;
use crate::vault::UnlockedVault;

/// The default window of the "unused keys" section, in days: keys not revealed,
/// exported, rotated or made for this long are listed for the review to confirm that
/// they are still needed.
pub const DEFAULT_UNUSED_DAYS: u32 = 90;

/// One key of the inventory, with what the vault says about it at the report's time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryEntry {
    /// The key's record (never its material).
    pub record: KeyRecord,
    /// Its soonest due date, if it has one: rotation, end of usage or destruction.
    pub next_due: Option<(DueKind, Timestamp)>,
    /// What the policy says about it (`UnlockedVault::assess`).
    pub findings: Vec<Finding>,
}

/// A key nobody has used for the report's unused window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedKey {
    /// The key.
    pub id: KeyId,
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: KeyState,
    /// Its owner (may be empty).
    pub owner: String,
    /// When it was last revealed, exported, rotated or made.
    pub last_used_at: Timestamp,
}

/// The report's numbers at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Every key in the vault, destroyed ones included.
    pub keys: usize,
    /// Keys in the active state.
    pub active: usize,
    /// Due dates that have passed.
    pub overdue: usize,
    /// Due dates within the due window that have not passed.
    pub due_soon: usize,
    /// Policy findings of severity violation, over every key.
    pub violations: usize,
    /// Policy findings of severity warning, over every key.
    pub warnings: usize,
    /// Keys unused for the unused window.
    pub unused: usize,
    /// Keys in use that no current recovery kit holds.
    pub unescrowed: usize,
    /// Entries in the audit log when the report was gathered.
    pub audit_entries: u64,
    /// Whether the audit log verified.
    pub audit_intact: bool,
}

/// A key-management review report: everything a review meeting goes through, as the
/// vault stood at [`ReviewReport::generated_at`].
#[derive(Debug, Clone)]
pub struct ReviewReport {
    /// When it was gathered: the vault clock's now, in whole seconds.
    pub generated_at: Timestamp,
    /// The time zone its dates are shown in, and calendar days counted in.
    pub time_zone: TimeZone,
    /// The vault file's name (without its directory).
    pub vault_file: String,
    /// The vault's id (`UnlockedVault::vault_id`).
    pub vault_id: String,
    /// Who gathered it: the vault's actor.
    pub actor: String,
    /// The policy's "due soon" thresholds, in days, largest first.
    pub thresholds: Vec<u32>,
    /// Every key, sorted by name.
    pub keys: Vec<InventoryEntry>,
    /// The window of the due section, in days: the largest threshold.
    pub due_within_days: u32,
    /// What is overdue or falls due within the window, overdue first.
    pub due: Vec<DueItem>,
    /// The window of the unused section, in days.
    pub unused_days: u32,
    /// Keys unused for that long, oldest use first.
    pub unused: Vec<UnusedKey>,
    /// Every key in use and its kits, those with no current kit first, by name.
    pub escrow: Vec<EscrowEntry>,
    /// The current vault recovery kit, if the vault has one.
    pub vault_kit: Option<KitRecord>,
    /// The audit log, checked whole.
    pub audit: AuditVerification,
}

impl ReviewReport {
    /// Gathers the report from `vault` at its clock's now, with dates in its clock's time
    /// zone and the unused window of `unused_days` days.
    ///
    /// # Errors
    /// A storage failure while checking the audit log.
    pub fn gather(vault: &UnlockedVault, unused_days: u32) -> Result<ReviewReport, StorageError> {
        let thresholds = {
            let mut t = vault.policy().reminder_days.clone();
            t.sort_unstable_by(|a, b| b.cmp(a));
            t.dedup();
            t
        };
        let due_within_days = thresholds.first().copied().unwrap_or(0);
        let keys = vault
            .list("")
            .into_iter()
            .map(|r| InventoryEntry {
                next_due: vault.due_dates(r).into_iter().min_by_key(|(k, t)| (*t, *k)),
                findings: vault.assess(r),
                record: r.clone(),
            })
            .collect();
        let unused = vault
            .unused_keys(unused_days)
            .into_iter()
            .map(|r| UnusedKey {
                id: r.id,
                name: r.name.clone(),
                state: r.state,
                owner: r.owner.clone(),
                last_used_at: r.last_used_at(),
            })
            .collect();
        let escrow = vault.escrow_coverage();
        let vault_kit = vault
            .kits()
            .iter()
            .rev()
            .find(|k| matches!(k.kind, KitKind::Vault { .. }) && k.status == KitStatus::Current)
            .cloned();
        Ok(ReviewReport {
            generated_at: vault.now(),
            time_zone: vault.time_zone(),
            vault_file: vault
                .path()
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            vault_id: vault.vault_id(),
            actor: vault.actor().to_owned(),
            due: vault.due(&thresholds, Some(due_within_days)),
            thresholds,
            keys,
            due_within_days,
            unused_days,
            unused,
            escrow,
            vault_kit,
            audit: vault.verify_audit()?,
        })
    }

    /// The numbers of the summary.
    pub fn summary(&self) -> Summary {
        let findings = || self.keys.iter().flat_map(|k| &k.findings);
        Summary {
            keys: self.keys.len(),
            active: self
                .keys
                .iter()
                .filter(|k| k.record.state == KeyState::Active)
                .count(),
            overdue: self
                .due
                .iter()
                .filter(|i| matches!(i.urgency, Urgency::Overdue { .. }))
                .count(),
            due_soon: self
                .due
                .iter()
                .filter(|i| !matches!(i.urgency, Urgency::Overdue { .. }))
                .count(),
            violations: findings()
                .filter(|f| f.severity == Severity::Violation)
                .count(),
            warnings: findings()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
            unused: self.unused.len(),
            unescrowed: self.escrow.iter().filter(|e| e.current.is_empty()).count(),
            audit_entries: self.audit.entries,
            audit_intact: self.audit.is_intact(),
        }
    }

    /// How many keys are in each state, every state listed in lifecycle order.
    pub fn by_state(&self) -> Vec<(KeyState, usize)> {
        KeyState::ALL
            .into_iter()
            .map(|s| (s, self.keys.iter().filter(|k| k.record.state == s).count()))
            .collect()
    }

    /// How many keys serve each purpose, every purpose listed.
    pub fn by_purpose(&self) -> Vec<(Purpose, usize)> {
        Purpose::ALL
            .into_iter()
            .map(|p| {
                (
                    p,
                    self.keys.iter().filter(|k| k.record.purpose == p).count(),
                )
            })
            .collect()
    }

    /// The name of the report's time zone: its IANA name, else its offset at the
    /// report's time.
    pub fn time_zone_name(&self) -> String {
        match self.time_zone.iana_name() {
            Some(name) => name.to_owned(),
            None => format!("UTC{}", self.time_zone.to_offset(self.generated_at)),
        }
    }

    /// The report as a document in `format`: the same bytes for the same report.
    ///
    /// # Errors
    /// [`TooManyPages`] for a PDF of more pages than a PDF can count (which no vault
    /// comes near: it takes hundreds of millions of keys).
    pub fn render(&self, format: Format) -> Result<Vec<u8>, TooManyPages> {
        match format {
            Format::Html => Ok(self.to_html().into_bytes()),
            Format::Pdf(paper) => self.to_pdf(paper),
        }
    }

    /// The report's title: what, which vault, which day.
    fn title(&self) -> String {
        format!(
            "Key-management review: {}, {}",
            self.vault_file,
            self.day(self.generated_at)
        )
    }

    /// The facts of the header after when it was generated: label, value, and whether
    /// the value is an identifier (set in monospace).
    fn facts(&self) -> [(&'static str, String, bool); 5] {
        [
            ("Time zone", self.time_zone_name(), false),
            ("Vault file", self.vault_file.clone(), true),
            ("Vault id", self.vault_id.clone(), true),
            ("Prepared by", self.actor.clone(), false),
            (
                "Reminder thresholds",
                format!("{} days before a due date", join_days(&self.thresholds)),
                false,
            ),
        ]
    }

    /// The summary's numbers: a stable name, a label, the value.
    fn summary_rows(&self) -> [(&'static str, String, String); 10] {
        let s = self.summary();
        let audit = if s.audit_intact {
            "intact"
        } else {
            "NOT INTACT"
        };
        [
            ("keys", "Keys".to_owned(), s.keys.to_string()),
            ("active", "Active".to_owned(), s.active.to_string()),
            ("overdue", "Overdue".to_owned(), s.overdue.to_string()),
            (
                "due-soon",
                format!("Due within {} days", self.due_within_days),
                s.due_soon.to_string(),
            ),
            (
                "violations",
                "Policy violations".to_owned(),
                s.violations.to_string(),
            ),
            (
                "warnings",
                "Policy warnings".to_owned(),
                s.warnings.to_string(),
            ),
            (
                "unused",
                format!("Unused for {} days", self.unused_days),
                s.unused.to_string(),
            ),
            (
                "unescrowed",
                "Keys with no current kit".to_owned(),
                s.unescrowed.to_string(),
            ),
            (
                "audit-entries",
                "Audit entries".to_owned(),
                s.audit_entries.to_string(),
            ),
            ("audit", "Audit log".to_owned(), audit.to_owned()),
        ]
    }

    /// The due section's opening sentence.
    fn due_intro(&self) -> String {
        format!(
            "Overdue dates, and dates within {} days (the largest reminder threshold), \
             overdue first. Days are calendar days in {}.",
            self.due_within_days,
            self.time_zone_name()
        )
    }

    /// The unused section's opening sentence.
    fn unused_intro(&self) -> String {
        format!(
            "Keys, not destroyed, that nobody has revealed, exported or rotated for {} \
             days or more since they were made: is each still needed?",
            self.unused_days
        )
    }

    /// The notes of a due item: a snoozed reminder, a scheduled destruction.
    fn due_notes(&self, item: &DueItem) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(z) = &item.snooze {
            notes.push(format!(
                "Reminder snoozed until {} by {}: {}",
                self.day(z.until),
                z.actor,
                z.reason
            ));
        }
        if item.kind == DueKind::Destruction
            && let Some(d) = self
                .keys
                .iter()
                .find(|k| Some(k.record.id) == item.subject.key())
                .and_then(|k| k.record.destruction.as_ref())
        {
            notes.push(format!(
                "Scheduled on {} by {}: {}",
                self.day(d.scheduled_at),
                d.actor,
                d.reason
            ));
        }
        notes
    }

    /// Whether the audit log is intact, its headline and what follows it.
    fn audit_status(&self) -> (bool, &'static str, String) {
        let n = self.audit.entries;
        let entries = if n == 1 { "entry" } else { "entries" };
        if self.audit.is_intact() {
            (
                true,
                "Intact:",
                format!(
                    "{n} {entries}, each sealed and chained to the one before, and the sealed \
                     head names the newest."
                ),
            )
        } else {
            let p = self.audit.problems.len();
            (
                false,
                "NOT INTACT:",
                format!(
                    "{n} {entries}; the check found {p} {}. Investigate before relying on \
                     the log.",
                    if p == 1 { "problem" } else { "problems" }
                ),
            )
        }
    }

    /// A day in the report's zone.
    fn day(&self, t: Timestamp) -> String {
        t.to_zoned(self.time_zone.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }

    /// A date and time in the report's zone, with the zone's abbreviation.
    fn local_time(&self, t: Timestamp) -> String {
        t.to_zoned(self.time_zone.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }
}

/// What a report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One self-contained HTML document, printed from a browser.
    Html,
    /// A PDF document on the given paper.
    Pdf(Paper),
}

impl std::fmt::Display for Format {
    /// `HTML`, or `PDF on a4` (or `letter`), as the audit log records it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::Html => f.write_str("HTML"),
            Format::Pdf(paper) => write!(f, "PDF on {paper}"),
        }
    }
}

/// What a cell shows for a value that is not there.
const NONE: &str = "—";

/// The notice at the top of the report.
const CONFIDENTIAL: (&str, &str) = (
    "Confidential.",
    "This report names keys, their owners and custodians, and what is due. It holds no \
     key material. Keep it, and every printout, with the review's records.",
);

/// The escrow section's opening sentence.
const ESCROW_INTRO: &str = "Keys in use (active, suspended, deactivated) and the current \
     recovery kits that hold them. A key with none has no copy on paper: it is lost with \
     the vault, and a superseded or void kit must be replaced.";

/// The lines of the review's sign-off, each with the room it leaves for writing, in lines.
const SIGN_OFF: [(&str, u8); 4] = [
    ("Reviewed by", 1),
    ("Date", 1),
    ("Actions agreed", 3),
    ("Signature", 1),
];

/// How an urgency reads, and whether it is overdue.
fn due_status(urgency: Urgency) -> (bool, String) {
    match urgency {
        Urgency::Overdue { days: 0 } => (true, "OVERDUE since today".to_owned()),
        Urgency::Overdue { days } => (true, format!("OVERDUE by {days} {}", unit(days))),
        Urgency::Soon { days_left: 0, .. } => (false, "due today".to_owned()),
        Urgency::Soon { days_left, .. } | Urgency::Later { days_left } => {
            (false, format!("due in {days_left} {}", unit(days_left)))
        }
    }
}

/// What the escrow section notes of a key: the part in bold, and the rest.
fn escrow_note(e: &EscrowEntry) -> Option<(String, String)> {
    match &e.replaced {
        Some((kit, status)) => {
            let reason = match status {
                KitStatus::Superseded { reason, .. } | KitStatus::Void { reason, .. } => {
                    format!(": {reason}")
                }
                _ => String::new(),
            };
            Some((
                format!("{kit} is {}", status.id()),
                format!("{reason}; make a new kit"),
            ))
        }
        None if e.current.is_empty() => Some(("Never put in a kit".to_owned(), String::new())),
        None => None,
    }
}

/// The kinds of policy finding, as the report names them.
fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
    }
}

fn unit(days: i64) -> &'static str {
    if days == 1 { "day" } else { "days" }
}

fn join_days(days: &[u32]) -> String {
    days.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::algorithm::Algorithm;
    use crate::clock::Clock;
    use crate::kdf::KdfParams;
    use crate::key::{KeyUpdate, NewKey};
    use crate::secret::Passphrase;
    use crate::vault::LockedVault;

    /// A clock the tests move by hand, starting on a fixed instant in Berlin.
    struct TestClock(Mutex<(Timestamp, TimeZone)>);

    impl TestClock {
        fn advance_days(&self, days: i64) {
            let mut t = self.0.lock().unwrap();
            t.0 =
                t.0.checked_add(jiff::SignedDuration::from_hours(24 * days))
                    .unwrap();
        }

        fn move_to(&self, tz: TimeZone) {
            self.0.lock().unwrap().1 = tz;
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Timestamp {
            self.0.lock().unwrap().0
        }

        fn time_zone(&self) -> TimeZone {
            self.0.lock().unwrap().1.clone()
        }
    }

    const HOSTILE: &str = "<script>alert(1)</script> & \"q\" 'x'";

    /// A vault with a hostile key, an overdue key, a pre-activation key and a
    /// deactivated one, 40 days after they were made.
    fn vault(dir: &std::path::Path) -> (UnlockedVault, Arc<TestClock>) {
        let clock = Arc::new(TestClock(Mutex::new((
            "2026-11-02T09:30:00Z".parse().unwrap(),
            TimeZone::get("Europe/Berlin").unwrap(),
        ))));
        let mut vault = LockedVault::create(
            &dir.join("team.keywarden"),
            &Passphrase::new("correct horse battery staple".to_owned()),
            None,
            KdfParams::INSECURE_TEST,
            true,
            clock.clone(),
        )
        .unwrap();
        vault.set_actor("ada").unwrap();
        let hostile = vault
            .generate_key(NewKey {
                owner: "<img src=x onerror=alert(2)>".to_owned(),
                custodians: vec!["bob & \"carol\"".to_owned()],
                rotation_days: Some(365),
                ..NewKey::new(HOSTILE, Algorithm::Aes256)
            })
            .unwrap()
            .id;
        vault
            .generate_key(NewKey {
                rotation_days: Some(30),
                ..NewKey::new("overdue", Algorithm::Ed25519)
            })
            .unwrap();
        vault
            .generate_key(NewKey {
                pre_activation: true,
                ..NewKey::new("waiting", Algorithm::HmacSha256)
            })
            .unwrap();
        let old = vault
            .generate_key(NewKey::new("old", Algorithm::Aes128))
            .unwrap()
            .id;
        vault
            .set_state(&old, KeyState::Deactivated, "replaced")
            .unwrap();
        vault
            .schedule_destruction(&hostile, Some(60), "</td><script>bad()</script>")
            .unwrap();
        vault
            .update_key(
                &hostile,
                KeyUpdate {
                    notes: Some("never shown".to_owned()),
                    ..KeyUpdate::default()
                },
            )
            .unwrap();
        clock.advance_days(40);
        (vault, clock)
    }

    #[test]
    fn the_pdf_has_every_section_on_the_paper_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault(dir.path());
        let report = ReviewReport::gather(&vault, 30).unwrap();
        let a4 = report.to_pdf(Paper::A4).unwrap();
        assert_eq!(a4, report.to_pdf(Paper::A4).unwrap());
        assert_eq!(report.render(Format::Pdf(Paper::A4)).unwrap(), a4);
        assert_eq!(
            report.render(Format::Html).unwrap(),
            report.to_html().into_bytes()
        );
        let text = String::from_utf8_lossy(&a4);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/MediaBox [0 0 595.28 841.89]"));
        assert!(text.contains("/Title (Key-management review: team.keywarden, 2026-12-12)"));
        for heading in [
            "Key-management review",
            "Summary",
            "Inventory",
            "Keys by state",
            "Keys by purpose",
            "Due and overdue",
            "Policy violations and warnings",
            "Unused keys",
            "Escrow coverage",
            "Audit log",
            "Review",
            "Never put in a kit",
            "OVERDUE by 10 days",
        ] {
            assert!(text.contains(&format!("({heading}) Tj")), "{heading}");
        }
        assert!(!text.contains("never shown"));
        assert!(!text.contains("/JavaScript") && !text.contains("/URI"));
        let letter = report.to_pdf(Paper::Letter).unwrap();
        assert!(String::from_utf8_lossy(&letter).contains("/MediaBox [0 0 612 792]"));
        assert_eq!(Format::Pdf(Paper::Letter).to_string(), "PDF on letter");
        assert_eq!(Format::Html.to_string(), "HTML");
    }

    #[test]
    fn a_long_inventory_runs_onto_pages_that_repeat_the_headings() {
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, _) = vault(dir.path());
        for i in 0..120 {
            // Bidirectional formatting characters print as "?": they cannot reorder a page.
            let name = format!("key {i:03} \u{202e}gnp.exe\u{2066}");
            vault
                .generate_key(NewKey::new(&name, Algorithm::Aes256))
                .unwrap();
        }
        let pdf = ReviewReport::gather(&vault, 30)
            .unwrap()
            .to_pdf(Paper::A4)
            .unwrap();
        let text = String::from_utf8_lossy(&pdf);
        let count: usize = text
            .split("/Count ")
            .nth(1)
            .and_then(|t| t.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(count >= 5, "{count} pages");
        // The inventory's headings on each page it spans: at least four.
        assert!(text.matches("(Fingerprint) Tj").count() >= 4);
        assert!(text.contains("(key 000 ?gnp.exe?) Tj"), "{}", &text[..2000]);
        assert!(text.contains(&format!("(page {count} of {count}) Tj")));
    }

    #[test]
    fn hostile_vault_text_is_escaped_everywhere() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault(dir.path());
        let html = ReviewReport::gather(&vault, 30).unwrap().to_html();
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;x&#39;")
        );
        assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(html.contains("bob &amp; &quot;carol&quot;"));
        assert!(html.contains("&lt;/td&gt;&lt;script&gt;bad()&lt;/script&gt;"));
        assert!(!html.contains("never shown"));
        assert_eq!(
            html::escape("a\u{1b}[2J\u{202e}b\u{fffe}\n"),
            "a\\u{1b}[2J\\u{202e}b\\u{fffe}\n"
        );
    }

    #[test]
    fn the_document_is_self_contained_and_has_every_section() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault(dir.path());
        let html = ReviewReport::gather(&vault, 30).unwrap().to_html();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.ends_with("</html>\n"));
        // Every `<` starts markup this module wrote: vault text has none left.
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').expect("a tag ends")];
            let name = tag
                .trim_start_matches('/')
                .split([' ', '\n'])
                .next()
                .unwrap();
            assert!(
                [
                    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1",
                    "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "br", "span",
                    "time", "section", "dl", "div", "dt", "dd", "ul", "li",
                ]
                .contains(&name),
                "<{tag}>"
            );
            for attr in tag.split(' ').skip(1).filter_map(|a| a.split_once('=')) {
                assert!(
                    [
                        "lang",
                        "charset",
                        "http-equiv",
                        "content",
                        "name",
                        "class",
                        "id",
                        "scope",
                        "datetime"
                    ]
                    .contains(&attr.0)
                        || attr.0.starts_with("data-")
                        || !attr.1.starts_with('"'),
                    "attribute {} in <{tag}>",
                    attr.0
                );
            }
        }
        let lower = html.to_lowercase();
        for banned in [
            "http:",
            "https:",
            "url(",
            "@import",
            "@font-face",
            "src=",
            "href=",
        ] {
            let outside_text = lower
                .match_indices(banned)
                .filter(|(i, _)| !lower[..*i].ends_with("&lt;img "))
                .count();
            assert_eq!(outside_text, 0, "{banned} in the report");
        }
        assert!(html.contains("@page {"));
        assert!(html.contains("@media print {"));
        for id in [
            "header",
            "summary",
            "inventory",
            "by-state",
            "by-purpose",
            "due",
            "findings",
            "unused",
            "escrow",
            "audit",
            "sign-off",
        ] {
            assert!(
                html.contains(&format!("id=\"{id}\"")),
                "section {id} missing"
            );
        }
        assert!(html.contains("<dd data-count=\"audit\">intact</dd>"));
    }

    #[test]
    fn counts_follow_the_vault() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault(dir.path());
        let report = ReviewReport::gather(&vault, 30).unwrap();
        let s = report.summary();
        assert_eq!(s.keys, 4);
        assert_eq!(s.active, 2);
        // "overdue" (30 days, made 40 days ago) is overdue; the hostile key's
        // destruction is 20 days away, within the 30-day window.
        assert_eq!(s.overdue, 1);
        assert_eq!(s.due_soon, 1);
        assert_eq!(report.due[0].name, "overdue");
        assert_eq!(report.due[1].kind, DueKind::Destruction);
        assert_eq!(s.violations, 1);
        assert!(
            report
                .keys
                .iter()
                .flat_map(|k| &k.findings)
                .any(|f| f.code == "rotation-overdue")
        );
        // Made 40 days ago and never used: every key but none destroyed.
        assert_eq!(s.unused, 4);
        assert_eq!(
            ReviewReport::gather(&vault, 41).unwrap().summary().unused,
            0
        );
        assert!(s.audit_intact);
        assert_eq!(s.audit_entries, vault.verify_audit().unwrap().entries);
        // No kit yet: the three keys in use ("waiting" is pre-activation) have no copy.
        assert_eq!(s.unescrowed, 3);
        let states: Vec<(&str, usize)> = report
            .by_state()
            .into_iter()
            .map(|(s, n)| (s.id(), n))
            .collect();
        assert_eq!(
            states,
            [
                ("pre-activation", 1),
                ("active", 2),
                ("suspended", 0),
                ("deactivated", 1),
                ("compromised", 0),
                ("destroyed", 0)
            ]
        );
        let purposes: usize = report.by_purpose().iter().map(|(_, n)| n).sum();
        assert_eq!(purposes, 4);
        let html = report.to_html();
        assert!(html.contains("<dd data-count=\"keys\">4</dd>"));
        assert!(html.contains("<dd data-count=\"overdue\">1</dd>"));
        assert!(
            html.contains("<tr data-state=\"active\"><td>active</td><td class=\"num\">2</td></tr>")
        );
        // Rows with a key: inventory 4, due 2, findings 1, unused 4, escrow 3.
        assert_eq!(html.matches("<tr data-id=").count(), 4 + 2 + 1 + 4 + 3);
    }

    #[test]
    fn escrow_coverage_lists_keys_by_their_current_kits() {
        use crate::print::Paper;
        use crate::vault::{KitLock, KitRequest};
        let dir = tempfile::tempdir().unwrap();
        let (mut vault, _) = vault(dir.path());
        let id = |vault: &UnlockedVault, name: &str| {
            vault
                .list("")
                .into_iter()
                .find(|r| r.name == name)
                .unwrap()
                .id
        };
        let overdue = id(&vault, "overdue");
        let pass = Passphrase::new("correct horse battery staple".to_owned());
        let kit = vault
            .prepare_kit(
                KitRequest {
                    keys: vec![overdue],
                    lock: KitLock::Unencrypted {
                        custodian: "Ada".to_owned(),
                    },
                    paper: Paper::A4,
                },
                &pass,
                None,
            )
            .unwrap();
        let kit = vault.register_kit(kit).unwrap().id;
        let report = ReviewReport::gather(&vault, 30).unwrap();
        assert_eq!(report.summary().unescrowed, 2);
        assert!(report.vault_kit.is_none());
        let names: Vec<(&str, usize)> = report
            .escrow
            .iter()
            .map(|e| (e.name.as_str(), e.current.len()))
            .collect();
        assert_eq!(names, [(HOSTILE, 0), ("old", 0), ("overdue", 1)]);
        let html = report.to_html();
        assert!(html.contains("<dd data-count=\"unescrowed\">2</dd>"));
        assert!(html.contains(&format!("<tr data-id=\"{overdue}\" data-kits=\"1\">")));
        assert!(html.contains(&format!("<td>{kit}</td>")));
        assert!(html.contains("<strong>Never put in a kit</strong>"));
        assert!(html.contains("Vault recovery kit: <strong>none</strong>"));

        // Rotated, the key's kit is superseded: the report says to make a new one.
        vault.rotate_key(&overdue, None, "due").unwrap();
        let report = ReviewReport::gather(&vault, 30).unwrap();
        assert_eq!(report.summary().unescrowed, 3);
        let html = report.to_html();
        assert!(
            html.contains(&format!("<strong>{kit} is superseded</strong>: ")),
            "{html}"
        );
    }

    #[test]
    fn the_same_vault_at_the_same_instant_gives_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, clock) = vault(dir.path());
        let first = ReviewReport::gather(&vault, 30).unwrap();
        let again = ReviewReport::gather(&vault, 30).unwrap();
        assert_eq!(first.to_html(), again.to_html());
        assert_eq!(first.generated_at, clock.now());
        assert!(
            first
                .to_html()
                .contains("<time datetime=\"2026-12-12T09:30:00Z\">2026-12-12 10:30 CET</time>")
        );
        // Another zone shows other local times of the same instants.
        clock.move_to(TimeZone::get("Asia/Tokyo").unwrap());
        let tokyo = ReviewReport::gather(&vault, 30).unwrap().to_html();
        assert!(tokyo.contains("2026-12-12 18:30 JST"));
    }

    #[test]
    fn a_log_that_does_not_verify_is_shown_with_its_problems() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) = vault(dir.path());
        let mut report = ReviewReport::gather(&vault, 30).unwrap();
        report.audit.problems = vec![
            crate::audit::AuditProblem::Edited { seq: 3 },
            crate::audit::AuditProblem::Recorded {
                seq: 9,
                detail: "<b>cut</b>".to_owned(),
            },
        ];
        let html = report.to_html();
        assert!(!report.summary().audit_intact);
        assert!(html.contains("<dd data-count=\"audit\">NOT INTACT</dd>"));
        assert!(html.contains("<li>entry 3 was edited</li>"));
        assert!(html.contains("&lt;b&gt;cut&lt;/b&gt;"));
        assert!(html.contains("data-intact=\"false\""));
    }
}
