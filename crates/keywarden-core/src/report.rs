//! The key-management review report: the agenda of a regular review of the vault's keys,
//! gathered from an unlocked vault at its clock's now and rendered as one self-contained,
//! printable HTML document.
//!
//! The document has no scripts and loads nothing: no URLs, no fonts, no images; its CSS
//! is inline, with `@page` and `@media print` rules for A4 and US Letter alike, and a
//! Content-Security-Policy that forbids everything else. Every piece of vault text
//! (names, owners, custodians, reasons, audit details) is HTML-escaped, and control and
//! bidirectional-formatting characters in it are shown as `\u{…}` escapes, so stored
//! text can neither inject markup nor reorder what a printout shows.
//!
//! What it reveals, and how stable it is, is in `docs/reports.md`.

use std::fmt::Write as _;

use jiff::tz::TimeZone;

use crate::algorithm::Purpose;
use crate::audit::AuditVerification;
use crate::clock::Timestamp;
use crate::error::StorageError;
use crate::key::{KeyId, KeyRecord};
use crate::kit::KitId;
use crate::kit::register::{KitKind, KitRecord, KitStatus};
use crate::policy::{Finding, Severity};
use crate::reminder::{DueItem, DueKind, Urgency};
use crate::state::KeyState;
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

/// A key in use (active, suspended or deactivated) and the recovery kits that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowEntry {
    /// The key.
    pub id: KeyId,
    /// Its name.
    pub name: String,
    /// Its state.
    pub state: KeyState,
    /// The current kits that hold it, oldest first: none means no paper copy.
    pub current: Vec<KitId>,
    /// With no current kit, the newest kit that held it, superseded or void.
    pub replaced: Option<(KitId, KitStatus)>,
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
        let mut escrow: Vec<EscrowEntry> = vault
            .list("")
            .into_iter()
            .filter(|r| {
                matches!(
                    r.state,
                    KeyState::Active | KeyState::Suspended | KeyState::Deactivated
                )
            })
            .map(|r| {
                let kits = vault.kits_of(&r.id);
                let current: Vec<KitId> = kits
                    .iter()
                    .filter(|k| k.status == KitStatus::Current)
                    .map(|k| k.id)
                    .collect();
                let replaced = kits
                    .last()
                    .filter(|_| current.is_empty())
                    .map(|k| (k.id, k.status.clone()));
                EscrowEntry {
                    id: r.id,
                    name: r.name.clone(),
                    state: r.state,
                    current,
                    replaced,
                }
            })
            .collect();
        // Stable: the keys with no current kit first, each group still by name.
        escrow.sort_by_key(|e| !e.current.is_empty());
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

    /// The report as one HTML document (UTF-8, `<!DOCTYPE html>`), the same bytes for
    /// the same report.
    pub fn to_html(&self) -> String {
        let mut h = Html::default();
        let title = format!(
            "Key-management review: {}, {}",
            self.vault_file,
            self.day(self.generated_at)
        );
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.raw(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
        );
        h.raw("<meta name=\"referrer\" content=\"no-referrer\">\n");
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(
            h.0,
            "<meta name=\"generator\" content=\"Keywarden {}\">",
            env!("CARGO_PKG_VERSION")
        );
        h.raw("<title>");
        h.text(&title);
        h.raw("</title>\n<style>\n");
        h.raw(CSS);
        h.raw("</style>\n</head>\n<body>\n");
        self.header(&mut h);
        self.summary_section(&mut h);
        self.inventory(&mut h);
        self.counts(&mut h);
        self.due_section(&mut h);
        self.findings_section(&mut h);
        self.unused_section(&mut h);
        self.escrow_section(&mut h);
        self.audit_section(&mut h);
        h.raw(SIGN_OFF);
        h.raw("</body>\n</html>\n");
        h.0
    }

    fn header(&self, h: &mut Html) {
        h.raw("<header id=\"header\">\n<h1>Key-management review</h1>\n");
        h.raw(
            "<p class=\"confidential\"><strong>Confidential.</strong> This report names \
             keys, their owners and custodians, and what is due. It holds no key material. \
             Keep it, and every printout, with the review's records.</p>\n",
        );
        h.raw("<table class=\"facts\">\n<tbody>\n");
        h.raw("<tr><th scope=\"row\">Generated</th><td>");
        self.when(h, self.generated_at);
        h.raw("</td></tr>\n");
        h.fact("Time zone", &self.time_zone_name(), false);
        h.fact("Vault file", &self.vault_file, true);
        h.fact("Vault id", &self.vault_id, true);
        h.fact("Prepared by", &self.actor, false);
        h.fact(
            "Reminder thresholds",
            &format!("{} days before a due date", join_days(&self.thresholds)),
            false,
        );
        h.raw("</tbody>\n</table>\n</header>\n");
    }

    fn summary_section(&self, h: &mut Html) {
        let s = self.summary();
        h.section("summary", "Summary");
        h.raw("<dl class=\"summary\">\n");
        let audit = if s.audit_intact {
            "intact".to_owned()
        } else {
            "NOT INTACT".to_owned()
        };
        let due_label = format!("Due within {} days", self.due_within_days);
        let unused_label = format!("Unused for {} days", self.unused_days);
        let rows: [(&str, &str, String); 10] = [
            ("keys", "Keys", s.keys.to_string()),
            ("active", "Active", s.active.to_string()),
            ("overdue", "Overdue", s.overdue.to_string()),
            ("due-soon", &due_label, s.due_soon.to_string()),
            ("violations", "Policy violations", s.violations.to_string()),
            ("warnings", "Policy warnings", s.warnings.to_string()),
            ("unused", &unused_label, s.unused.to_string()),
            (
                "unescrowed",
                "Keys with no current kit",
                s.unescrowed.to_string(),
            ),
            (
                "audit-entries",
                "Audit entries",
                s.audit_entries.to_string(),
            ),
            ("audit", "Audit log", audit),
        ];
        for (id, label, value) in &rows {
            let _ = write!(h.0, "<div><dt>");
            h.text(label);
            let _ = write!(h.0, "</dt><dd data-count=\"{id}\">");
            h.text(value);
            h.raw("</dd></div>\n");
        }
        h.raw("</dl>\n</section>\n");
    }

    fn inventory(&self, h: &mut Html) {
        h.section("inventory", "Inventory");
        if self.keys.is_empty() {
            h.raw("<p class=\"empty\">The vault holds no keys.</p>\n</section>\n");
            return;
        }
        h.raw("<table class=\"inventory\">\n<thead><tr>");
        for head in [
            "Name",
            "Algorithm",
            "Purpose",
            "State",
            "Owner",
            "Custodians",
            "Version",
            "Fingerprint",
            "Created",
            "Last rotated",
            "Next due",
        ] {
            let _ = write!(h.0, "<th scope=\"col\">{head}</th>");
        }
        h.raw("</tr></thead>\n<tbody>\n");
        for k in &self.keys {
            let r = &k.record;
            let _ = write!(h.0, "<tr data-id=\"{}\"><td>", r.id);
            h.text(&r.name);
            let _ = write!(h.0, "<br><span class=\"mono id\">{}</span></td>", r.id);
            let _ = write!(
                h.0,
                "<td>{}</td><td>{}</td><td>{}</td><td>",
                r.algorithm.id(),
                r.purpose.id(),
                r.state.id()
            );
            h.text_or_none(&r.owner);
            h.raw("</td><td>");
            h.text_or_none(&r.custodians.join(", "));
            let _ = write!(
                h.0,
                "</td><td class=\"num\">{}</td><td class=\"mono\">",
                r.current_version
            );
            h.text_or_none(r.fingerprint());
            h.raw("</td><td>");
            self.date(h, Some(r.created_at));
            h.raw("</td><td>");
            self.date(h, r.rotated_at);
            h.raw("</td><td>");
            match k.next_due {
                Some((kind, at)) => {
                    self.date(h, Some(at));
                    let _ = write!(h.0, " <span class=\"kind\">{}</span>", kind.id());
                }
                None => h.raw(NONE),
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn counts(&self, h: &mut Html) {
        h.section("by-state", "Keys by state");
        count_table(
            h,
            "State",
            self.by_state().into_iter().map(|(s, n)| (s.id(), n)),
        );
        h.raw("</section>\n");
        h.section("by-purpose", "Keys by purpose");
        count_table(
            h,
            "Purpose",
            self.by_purpose().into_iter().map(|(p, n)| (p.id(), n)),
        );
        h.raw("</section>\n");
    }

    fn due_section(&self, h: &mut Html) {
        h.section("due", "Due and overdue");
        let _ = writeln!(
            h.0,
            "<p>Overdue dates, and dates within {} days (the largest reminder threshold), \
             overdue first. Days are calendar days in {}.</p>",
            self.due_within_days,
            escape(&self.time_zone_name())
        );
        if self.due.is_empty() {
            h.raw(
                "<p class=\"empty\">Nothing is overdue or due within the window.</p>\n</section>\n",
            );
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">What</th>\
             <th scope=\"col\">Due</th><th scope=\"col\">Key or kit</th><th scope=\"col\">Note</th>\
             </tr></thead>\n<tbody>\n",
        );
        for item in &self.due {
            let (class, status) = match item.urgency {
                Urgency::Overdue { days: 0 } => ("overdue", "OVERDUE since today".to_owned()),
                Urgency::Overdue { days } => {
                    ("overdue", format!("OVERDUE by {days} {}", unit(days)))
                }
                Urgency::Soon { days_left: 0, .. } => ("soon", "due today".to_owned()),
                Urgency::Soon { days_left, .. } | Urgency::Later { days_left } => {
                    ("soon", format!("due in {days_left} {}", unit(days_left)))
                }
            };
            let _ = write!(
                h.0,
                "<tr data-id=\"{}\" data-kind=\"{}\" class=\"{class}\"><td>{status}</td><td>{}</td><td>",
                item.subject,
                item.kind.id(),
                item.kind.id()
            );
            self.when(h, item.due_at);
            h.raw("</td><td>");
            h.text(&item.name);
            let _ = write!(
                h.0,
                "<br><span class=\"mono id\">{}</span></td><td>",
                item.subject
            );
            let mut notes = Vec::new();
            if let Some(z) = &item.snooze {
                notes.push((
                    format!("Reminder snoozed until {} by ", self.day(z.until)),
                    z.actor.clone(),
                    z.reason.clone(),
                ));
            }
            if item.kind == DueKind::Destruction
                && let Some(d) = self
                    .keys
                    .iter()
                    .find(|k| Some(k.record.id) == item.subject.key())
                    .and_then(|k| k.record.destruction.as_ref())
            {
                notes.push((
                    format!("Scheduled on {} by ", self.day(d.scheduled_at)),
                    d.actor.clone(),
                    d.reason.clone(),
                ));
            }
            if notes.is_empty() {
                h.raw(NONE);
            }
            for (i, (lead, who, why)) in notes.iter().enumerate() {
                if i > 0 {
                    h.raw("<br>");
                }
                h.text(lead);
                h.text(who);
                h.raw(": ");
                h.text(why);
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn findings_section(&self, h: &mut Html) {
        h.section("findings", "Policy violations and warnings");
        let flagged: Vec<&InventoryEntry> = self
            .keys
            .iter()
            .filter(|k| !k.findings.is_empty())
            .collect();
        if flagged.is_empty() {
            h.raw(
                "<p class=\"empty\">No key breaks the policy or has a warning.</p>\n</section>\n",
            );
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">Severity</th>\
             <th scope=\"col\">Code</th><th scope=\"col\">Finding</th></tr></thead>\n<tbody>\n",
        );
        for k in flagged {
            let mut findings: Vec<&Finding> = k.findings.iter().collect();
            findings.sort_by_key(|f| f.severity == Severity::Warning);
            for f in findings {
                let severity = match f.severity {
                    Severity::Violation => "violation",
                    Severity::Warning => "warning",
                };
                let _ = write!(
                    h.0,
                    "<tr data-id=\"{}\" class=\"{severity}\"><td>",
                    k.record.id
                );
                h.text(&k.record.name);
                let _ = write!(h.0, "</td><td>{severity}</td><td class=\"mono\">");
                h.text(f.code);
                h.raw("</td><td>");
                h.text(&f.message);
                h.raw("</td></tr>\n");
            }
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn unused_section(&self, h: &mut Html) {
        h.section("unused", "Unused keys");
        let _ = writeln!(
            h.0,
            "<p>Keys, not destroyed, that nobody has revealed, exported or rotated for {} \
             days or more since they were made: is each still needed?</p>",
            self.unused_days
        );
        if self.unused.is_empty() {
            h.raw("<p class=\"empty\">No key is unused for that long.</p>\n</section>\n");
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">State</th>\
             <th scope=\"col\">Owner</th><th scope=\"col\">Last used</th></tr></thead>\n<tbody>\n",
        );
        for u in &self.unused {
            let _ = write!(h.0, "<tr data-id=\"{}\"><td>", u.id);
            h.text(&u.name);
            let _ = write!(h.0, "</td><td>{}</td><td>", u.state.id());
            h.text_or_none(&u.owner);
            h.raw("</td><td>");
            self.date(h, Some(u.last_used_at));
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn escrow_section(&self, h: &mut Html) {
        h.section("escrow", "Escrow coverage");
        h.raw(
            "<p>Keys in use (active, suspended, deactivated) and the current recovery kits \
             that hold them. A key with none has no copy on paper: it is lost with the \
             vault, and a superseded or void kit must be replaced.</p>\n",
        );
        match &self.vault_kit {
            Some(kit) => {
                let _ = write!(
                    h.0,
                    "<p data-vault-kit=\"{}\">Vault recovery kit: {}, generation {}, made ",
                    kit.id, kit.id, kit.generation
                );
                self.date(h, Some(kit.made_at));
                h.raw(", last drilled ");
                self.date(h, kit.last_drill);
                h.raw(".</p>\n");
            }
            None => h.raw(
                "<p data-vault-kit=\"\">Vault recovery kit: <strong>none</strong>. A lost \
                 passphrase or key file loses the whole vault.</p>\n",
            ),
        }
        if self.escrow.is_empty() {
            h.raw("<p class=\"empty\">No key is in use.</p>\n</section>\n");
            return;
        }
        h.raw(
            "<table>\n<thead><tr><th scope=\"col\">Key</th><th scope=\"col\">State</th>\
             <th scope=\"col\">Current kits</th><th scope=\"col\">Note</th></tr></thead>\n\
             <tbody>\n",
        );
        for e in &self.escrow {
            let _ = write!(
                h.0,
                "<tr data-id=\"{}\" data-kits=\"{}\"><td>",
                e.id,
                e.current.len()
            );
            h.text(&e.name);
            let _ = write!(h.0, "</td><td>{}</td><td>", e.state.id());
            let current: Vec<String> = e.current.iter().map(ToString::to_string).collect();
            h.text_or_none(&current.join(", "));
            h.raw("</td><td>");
            match &e.replaced {
                Some((kit, status)) => {
                    let _ = write!(h.0, "<strong>{kit} is {}</strong>", status.id());
                    if let KitStatus::Superseded { reason, .. } | KitStatus::Void { reason, .. } =
                        status
                    {
                        h.raw(": ");
                        h.text(reason);
                    }
                    h.raw("; make a new kit");
                }
                None if e.current.is_empty() => h.raw("<strong>Never put in a kit</strong>"),
                None => {}
            }
            h.raw("</td></tr>\n");
        }
        h.raw("</tbody>\n</table>\n</section>\n");
    }

    fn audit_section(&self, h: &mut Html) {
        h.section("audit", "Audit log");
        let n = self.audit.entries;
        if self.audit.is_intact() {
            let _ = writeln!(
                h.0,
                "<p class=\"intact\" data-intact=\"true\">Intact: {n} {}, each sealed and \
                 chained to the one before, and the sealed head names the newest.</p>",
                if n == 1 { "entry" } else { "entries" }
            );
        } else {
            let _ = writeln!(
                h.0,
                "<p class=\"tampered\" data-intact=\"false\"><strong>NOT INTACT:</strong> \
                 {n} {}; the check found {} {}. Investigate before relying on the log.</p>\n<ul>",
                if n == 1 { "entry" } else { "entries" },
                self.audit.problems.len(),
                if self.audit.problems.len() == 1 {
                    "problem"
                } else {
                    "problems"
                }
            );
            for p in &self.audit.problems {
                h.raw("<li>");
                h.text(&p.to_string());
                h.raw("</li>\n");
            }
            h.raw("</ul>\n");
        }
        h.raw("</section>\n");
    }

    /// A date and time in the report's zone, with the instant in UTC for machines.
    fn when(&self, h: &mut Html, t: Timestamp) {
        let local = t.to_zoned(self.time_zone.clone());
        let _ = write!(h.0, "<time datetime=\"{t:.0}\">");
        h.text(&local.strftime("%Y-%m-%d %H:%M %Z").to_string());
        h.raw("</time>");
    }

    /// A day in the report's zone, or a dash.
    fn date(&self, h: &mut Html, t: Option<Timestamp>) {
        match t {
            Some(t) => {
                let _ = write!(h.0, "<time datetime=\"{t:.0}\">{}</time>", self.day(t));
            }
            None => h.raw(NONE),
        }
    }

    fn day(&self, t: Timestamp) -> String {
        t.to_zoned(self.time_zone.clone())
            .strftime("%Y-%m-%d")
            .to_string()
    }
}

/// What a cell shows for a value that is not there.
const NONE: &str = "—";

/// Lines for the review's signatures, at the end of the printout.
const SIGN_OFF: &str = "<section id=\"sign-off\">\n<h2>Review</h2>\n\
<table class=\"sign-off\">\n<tbody>\n\
<tr><th scope=\"row\">Reviewed by</th><td></td></tr>\n\
<tr><th scope=\"row\">Date</th><td></td></tr>\n\
<tr><th scope=\"row\">Actions agreed</th><td class=\"tall\"></td></tr>\n\
<tr><th scope=\"row\">Signature</th><td></td></tr>\n\
</tbody>\n</table>\n</section>\n";

/// The report's style: system fonts only, and print rules that fit A4 (210 mm) and US
/// Letter (216 mm) alike: the page size is left to the printer, the margins fit both.
const CSS: &str = "\
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 10pt/1.35 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif;
  color: #111; background: #fff; margin: 1.5em auto; max-width: 75em; padding: 0 1em; }
h1 { font-size: 17pt; margin: 0 0 .3em; }
h2 { font-size: 12.5pt; margin: 1.3em 0 .4em; padding-bottom: .1em; border-bottom: 1px solid #888;
  break-after: avoid; page-break-after: avoid; }
p { margin: .3em 0 .6em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { border: 1px solid #aaa; padding: .2em .35em; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.facts { width: auto; }
table.facts th { width: 11em; }
table.counts { width: auto; min-width: 18em; }
.num { text-align: right; }
.mono { font-family: ui-monospace, \"SFMono-Regular\", Menlo, Consolas, \"Liberation Mono\", monospace;
  font-size: .88em; overflow-wrap: anywhere; word-break: break-all; }
.id { color: #444; }
.kind { color: #444; font-size: .9em; }
.inventory { font-size: .92em; }
.confidential { border: 1.5pt solid #111; padding: .35em .5em; }
.overdue td:first-child, .violation td:nth-child(2), .tampered { font-weight: 700; }
.empty { font-style: italic; color: #444; }
dl.summary { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .3em 1em; margin: .3em 0; }
dl.summary div { border: 1px solid #aaa; padding: .25em .45em; }
dl.summary dt { font-size: .9em; color: #333; }
dl.summary dd { margin: 0; font-size: 13pt; font-weight: 700; }
.sign-off td { height: 2.2em; }
.sign-off td.tall { height: 7em; }
@page { margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; font-size: 8.5pt; }
  .inventory { font-size: 7.5pt; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section { break-inside: auto; }
  #sign-off { break-inside: avoid; page-break-inside: avoid; }
}
";

/// The document being written.
#[derive(Default)]
struct Html(String);

impl Html {
    /// Markup written by this module, never vault text.
    fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    /// Text, escaped.
    fn text(&mut self, text: &str) {
        self.0.push_str(&escape(text));
    }

    /// Text, escaped, or a dash when empty.
    fn text_or_none(&mut self, text: &str) {
        if text.trim().is_empty() {
            self.raw(NONE);
        } else {
            self.text(text);
        }
    }

    /// A header fact: a row of the table at the top.
    fn fact(&mut self, label: &str, value: &str, mono: bool) {
        let _ = write!(self.0, "<tr><th scope=\"row\">{label}</th><td");
        self.raw(if mono { " class=\"mono\">" } else { ">" });
        self.text_or_none(value);
        self.raw("</td></tr>\n");
    }

    /// Opens a section with its heading; the caller closes it.
    fn section(&mut self, id: &str, title: &str) {
        let _ = writeln!(self.0, "<section id=\"{id}\">\n<h2>{title}</h2>");
    }
}

/// A two-column table of counts.
fn count_table<'a>(h: &mut Html, what: &str, rows: impl Iterator<Item = (&'a str, usize)>) {
    let _ = write!(
        h.0,
        "<table class=\"counts\">\n<thead><tr><th scope=\"col\">{what}</th>\
         <th scope=\"col\" class=\"num\">Keys</th></tr></thead>\n<tbody>\n"
    );
    for (id, n) in rows {
        let _ = writeln!(
            h.0,
            "<tr data-{}=\"{id}\"><td>{id}</td><td class=\"num\">{n}</td></tr>",
            what.to_lowercase()
        );
    }
    h.raw("</tbody>\n</table>\n");
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

/// Vault text for HTML text and attribute values: `& < > " '` as character references;
/// control characters other than line breaks and tabs, Unicode noncharacters and the
/// bidirectional formatting characters (which could reorder what is shown) as visible
/// `\u{…}` escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) || is_noncharacter(c) => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
    out
}

/// The characters of Unicode's bidirectional algorithm that change the order text is
/// shown in (embeddings, overrides, isolates and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Unicode noncharacters, which HTML parsers report as errors.
fn is_noncharacter(c: char) -> bool {
    let n = u32::from(c);
    (0xfdd0..=0xfdef).contains(&n) || n & 0xfffe == 0xfffe
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
            escape("a\u{1b}[2J\u{202e}b\u{fffe}\n"),
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
        use crate::kit::sheet::Paper;
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
