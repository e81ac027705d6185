//! Keys in the output: the detail block of `key show` and friends, the `key list` table,
//! their JSON, and the secret material of `key reveal`.

use std::fmt;

use keywarden_core::material::Fingerprint;
use keywarden_core::reminder::DueKind;
use keywarden_core::state::COMPROMISE_FOLLOW_UP;
use keywarden_core::{
    Finding, KeyRecord, KeyState, KeyVersion, Severity, Timestamp, Transition, UnlockedVault,
};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{NONE, cell, clean, day, rfc3339, rfc3339_opt};

/// A key with what the vault says about it now: its next rotation and the policy's
/// findings. Built while the vault is unlocked, printed after.
#[derive(Debug, Clone)]
pub struct KeyView {
    /// The record.
    pub record: KeyRecord,
    /// When it is next due for rotation (`None`: not active or suspended).
    pub next_rotation: Option<Timestamp>,
    /// The days between rotations in effect: the key's own, or the policy's for its
    /// purpose.
    pub rotation_days: u32,
    /// What the policy says about it.
    pub findings: Vec<Finding>,
}

impl KeyView {
    /// The view of `record` in `vault`.
    pub fn new(vault: &UnlockedVault, record: KeyRecord) -> Self {
        KeyView {
            next_rotation: vault.next_rotation(&record),
            rotation_days: record
                .rotation_days
                .unwrap_or_else(|| vault.policy().cryptoperiod(record.purpose)),
            findings: vault.assess(&record),
            record,
        }
    }

    /// The findings that break the policy.
    pub fn violations(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Violation)
    }

    /// The findings that are only warnings.
    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
    }

    fn overdue(&self) -> bool {
        self.findings.iter().any(|f| f.code == "rotation-overdue")
    }
}

/// What happened to the key a command reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAction {
    /// `key gen`.
    Generated,
    /// `key show`: everything, versions and timeline included.
    Shown,
    /// `key rename`, with the old name.
    Renamed(String),
    /// `key state`, with the state before.
    StateChanged(KeyState),
    /// `key rotate`, with the version before.
    Rotated(u32),
    /// `key destroy`: scheduled for later.
    DestructionScheduled,
    /// `key destroy` with no wait: destroyed at once.
    Destroyed,
    /// `key destroy --cancel`.
    DestructionCancelled,
    /// `key snooze`, with the kind of due date.
    Snoozed(DueKind),
    /// `key snooze --cancel`, with the kind of due date.
    SnoozeCancelled(DueKind),
    /// `key import`, with the format read and every fingerprint of the material.
    Imported {
        /// The format's id (`pkcs8-pem`, `jwk`, …).
        format: &'static str,
        /// Every fingerprint, the main one first.
        fingerprints: Vec<Fingerprint>,
    },
}

/// A fingerprint in JSON: what kind it is, and its value as Keywarden shows it.
#[derive(Serialize)]
pub(super) struct FingerprintJson {
    kind: &'static str,
    value: String,
}

impl From<&Fingerprint> for FingerprintJson {
    fn from(f: &Fingerprint) -> Self {
        FingerprintJson {
            kind: f.id(),
            value: f.to_string(),
        }
    }
}

/// Fingerprints for people: one `  LABEL  VALUE` line each, labels aligned.
pub(super) fn fingerprint_lines(fingerprints: &[Fingerprint]) -> String {
    let rows: Vec<[String; 2]> = fingerprints
        .iter()
        .map(|f| [f.label().to_owned(), f.to_string()])
        .collect();
    let mut out = String::new();
    let width = rows.iter().map(|[label, _]| label.len()).max().unwrap_or(0);
    for [label, value] in rows {
        out.push_str(&format!("  {label:<width$}  {value}\n"));
    }
    out
}

/// Secret material a person asked to see (`key reveal`), in its text form.
///
/// No `Clone`; `Debug` is redacted; the text is wiped when dropped.
pub struct Revealed {
    /// The key's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version revealed.
    pub version: u32,
    /// The text form's id (`hex`, `pkcs8-pem`, `age-identity`, `text`).
    pub encoding: &'static str,
    /// The material in that form.
    pub text: Zeroizing<String>,
}

impl fmt::Debug for Revealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Revealed")
            .field("id", &self.id)
            .field("version", &self.version)
            .field("encoding", &self.encoding)
            .field("text", &"<redacted>")
            .finish()
    }
}

impl Revealed {
    pub(super) fn to_json(&self) -> SecretJson<'_> {
        SecretJson {
            id: &self.id,
            name: &self.name,
            version: self.version,
            encoding: self.encoding,
            material: &self.text,
        }
    }

    pub(super) fn to_text(&self) -> Zeroizing<String> {
        let mut text = Zeroizing::new(String::with_capacity(self.text.len() + 1));
        text.push_str(&self.text);
        text.push('\n');
        text
    }
}

/// `key reveal` in JSON.
#[derive(Serialize)]
pub(super) struct SecretJson<'a> {
    id: &'a str,
    name: &'a str,
    version: u32,
    encoding: &'static str,
    material: &'a str,
}

/// A key in JSON: every member documented in `docs/cli.md`.
#[derive(Serialize)]
pub(super) struct KeyJson<'a> {
    id: String,
    name: &'a str,
    algorithm: &'static str,
    purpose: &'static str,
    state: &'static str,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    owner: &'a str,
    custodians: &'a [String],
    tags: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    notes: &'a str,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    activated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revealed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exported_at: Option<String>,
    current_version: u32,
    public_only: bool,
    rotation_days: u32,
    rotation_source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_rotation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destruction: Option<DestructionJson<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    snoozes: Vec<SnoozeJson<'a>>,
    versions: Vec<VersionJson<'a>>,
    history: Vec<TransitionJson<'a>>,
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct DestructionJson<'a> {
    scheduled_at: String,
    due_at: String,
    actor: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct SnoozeJson<'a> {
    kind: &'static str,
    due_at: String,
    until: String,
    actor: &'a str,
    at: String,
    reason: &'a str,
}

#[derive(Serialize)]
struct VersionJson<'a> {
    number: u32,
    algorithm: &'static str,
    created_at: String,
    fingerprint: &'a str,
    fingerprints: Vec<StoredFingerprintJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deactivated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destroyed_at: Option<String>,
}

/// A stored fingerprint of a version: its kind id and value.
#[derive(Serialize)]
struct StoredFingerprintJson<'a> {
    kind: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct TransitionJson<'a> {
    from: Option<&'static str>,
    to: &'static str,
    at: String,
    actor: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct FindingJson<'a> {
    severity: &'static str,
    code: &'static str,
    message: &'a str,
}

impl<'a> From<&'a KeyView> for KeyJson<'a> {
    fn from(v: &'a KeyView) -> Self {
        let r = &v.record;
        KeyJson {
            id: r.id.to_string(),
            name: &r.name,
            algorithm: r.algorithm.id(),
            purpose: r.purpose.id(),
            state: r.state.id(),
            fingerprint: r.fingerprint(),
            owner: &r.owner,
            custodians: &r.custodians,
            tags: &r.tags,
            notes: &r.notes,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            activated_at: rfc3339_opt(r.activated_at),
            rotated_at: rfc3339_opt(r.rotated_at),
            revealed_at: rfc3339_opt(r.revealed_at),
            exported_at: rfc3339_opt(r.exported_at),
            current_version: r.current_version,
            public_only: r.public_only,
            rotation_days: v.rotation_days,
            rotation_source: if r.rotation_days.is_some() {
                "key"
            } else {
                "policy"
            },
            next_rotation: rfc3339_opt(v.next_rotation),
            destruction: r.destruction.as_ref().map(|d| DestructionJson {
                scheduled_at: rfc3339(d.scheduled_at),
                due_at: rfc3339(d.due_at),
                actor: &d.actor,
                reason: &d.reason,
            }),
            snoozes: r
                .snoozes
                .iter()
                .map(|z| SnoozeJson {
                    kind: z.kind.id(),
                    due_at: rfc3339(z.due_at),
                    until: rfc3339(z.until),
                    actor: &z.actor,
                    at: rfc3339(z.at),
                    reason: &z.reason,
                })
                .collect(),
            versions: r
                .versions
                .iter()
                .map(|ver| VersionJson {
                    number: ver.number,
                    algorithm: ver.algorithm.id(),
                    created_at: rfc3339(ver.created_at),
                    fingerprint: &ver.fingerprint,
                    fingerprints: ver
                        .fingerprints
                        .iter()
                        .map(|(kind, value)| StoredFingerprintJson { kind, value })
                        .collect(),
                    deactivated_at: rfc3339_opt(ver.deactivated_at),
                    destroyed_at: rfc3339_opt(ver.destroyed_at),
                })
                .collect(),
            history: r
                .history
                .iter()
                .map(|t| TransitionJson {
                    from: t.from.map(KeyState::id),
                    to: t.to.id(),
                    at: rfc3339(t.at),
                    actor: &t.actor,
                    reason: &t.reason,
                })
                .collect(),
            findings: v
                .findings
                .iter()
                .map(|f| FindingJson {
                    severity: severity_id(f.severity),
                    code: f.code,
                    message: &f.message,
                })
                .collect(),
        }
    }
}

/// The report of a command about one key, in JSON.
#[derive(Serialize)]
pub(super) struct KeyReportJson<'a> {
    key: KeyJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    follow_up: Option<&'static [&'static str]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous_version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprints: Option<Vec<FingerprintJson>>,
}

pub(super) fn report_json<'a>(view: &'a KeyView, action: &KeyAction) -> KeyReportJson<'a> {
    let (previous_state, follow_up, previous_version) = match action {
        KeyAction::StateChanged(from) => {
            (Some(from.id()), Some(follow_up(view.record.state)), None)
        }
        KeyAction::Rotated(previous) => (None, None, Some(*previous)),
        _ => (None, None, None),
    };
    let (format, fingerprints) = match action {
        KeyAction::Imported {
            format,
            fingerprints,
        } => (
            Some(*format),
            Some(fingerprints.iter().map(FingerprintJson::from).collect()),
        ),
        _ => (None, None),
    };
    KeyReportJson {
        key: view.into(),
        previous_state,
        follow_up,
        previous_version,
        format,
        fingerprints,
    }
}

/// What must follow a move into `state`: the compromise follow-up list, or nothing.
fn follow_up(state: KeyState) -> &'static [&'static str] {
    if state == KeyState::Compromised {
        &COMPROMISE_FOLLOW_UP
    } else {
        &[]
    }
}

fn severity_id(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
    }
}

pub(super) fn report_text(view: &KeyView, action: &KeyAction) -> String {
    let r = &view.record;
    let name = clean(&r.name);
    let head = match action {
        KeyAction::Generated => "Generated a new key.\n".to_owned(),
        KeyAction::Shown => String::new(),
        KeyAction::Renamed(old) => format!("Renamed \"{}\" to \"{name}\".\n", clean(old)),
        KeyAction::StateChanged(from) => {
            format!("\"{name}\" went from {} to {}.\n", from.id(), r.state.id())
        }
        KeyAction::Rotated(previous) => format!(
            "Rotated \"{name}\" to version {} ({}); version {previous} is deactivated and can \
             still decrypt or verify.\n",
            r.current_version,
            r.algorithm.id()
        ),
        KeyAction::DestructionScheduled => match &r.destruction {
            Some(d) => format!(
                "\"{name}\" will be destroyed on {}. Until then, cancel with:\n  \
                 keywarden key destroy {} --cancel --reason TEXT\n",
                rfc3339(d.due_at),
                r.id
            ),
            None => format!("The destruction of \"{name}\" is scheduled.\n"),
        },
        KeyAction::Destroyed => format!(
            "Destroyed \"{name}\": its material is erased; the record stays as a tombstone.\n"
        ),
        KeyAction::DestructionCancelled => {
            format!("Cancelled the destruction of \"{name}\".\n")
        }
        KeyAction::Snoozed(kind) => match r.snoozes.iter().find(|z| z.kind == *kind) {
            Some(z) => format!(
                "Snoozed the {kind} reminder of \"{name}\" (due {}) until {}. Wake it early \
                 with:\n  keywarden key snooze {} --kind {kind} --cancel --reason TEXT\n",
                rfc3339(z.due_at),
                rfc3339(z.until),
                r.id
            ),
            None => format!("Snoozed the {kind} reminder of \"{name}\".\n"),
        },
        KeyAction::SnoozeCancelled(kind) => {
            format!("The {kind} reminder of \"{name}\" is no longer snoozed.\n")
        }
        KeyAction::Imported { format, .. } if r.public_only => {
            format!("Imported a public key from {format}; its private key stays with its holder.\n")
        }
        KeyAction::Imported { format, .. } => format!("Imported a key from {format}.\n"),
    };
    let mut out = head + &block(view);
    if *action == KeyAction::Shown {
        out.push_str(&details(view));
    }
    if let KeyAction::Imported { fingerprints, .. } = action {
        out.push_str("\nFingerprints:\n");
        out.push_str(&fingerprint_lines(fingerprints));
        out.push_str(&findings(view));
    }
    let steps = follow_up(r.state);
    if matches!(action, KeyAction::StateChanged(_)) && !steps.is_empty() {
        out.push_str("\nNow:\n");
        for (i, step) in steps.iter().enumerate() {
            out.push_str(&format!("  {}. {step}\n", i + 1));
        }
    }
    out
}

/// One `Label:  value` line, values aligned.
fn line(out: &mut String, label: &str, value: &str) {
    out.push_str(&format!("{:<16}{value}\n", format!("{label}:")));
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        NONE.to_owned()
    } else {
        clean(text)
    }
}

fn time_or(t: Option<Timestamp>, absent: &str) -> String {
    t.map_or_else(|| absent.to_owned(), rfc3339)
}

/// The detail block of one key.
fn block(view: &KeyView) -> String {
    let r = &view.record;
    let mut out = String::new();
    line(&mut out, "Name", &clean(&r.name));
    line(&mut out, "Id", &r.id.to_string());
    line(
        &mut out,
        "Algorithm",
        &format!(
            "{} ({}, {} bits)",
            r.algorithm.id(),
            r.algorithm.label(),
            r.algorithm.bits()
        ),
    );
    line(
        &mut out,
        "Purpose",
        &format!("{} ({})", r.purpose.id(), r.purpose.label()),
    );
    line(&mut out, "State", r.state.id());
    if r.public_only {
        line(
            &mut out,
            "Material",
            "public key only (the private key stays with its holder)",
        );
    }
    line(&mut out, "Fingerprint", &or_none(r.fingerprint()));
    // The other forms of the current version's fingerprint (OpenSSH `SHA256:`, …).
    for (kind, value) in r.current().map(|v| &v.fingerprints[..]).unwrap_or_default() {
        if value != r.fingerprint() {
            let label = match kind.as_str() {
                "openssh-sha256" => "  (SSH)".to_owned(),
                "age-recipient" => "  (age)".to_owned(),
                other => format!("  ({other})"),
            };
            line(&mut out, &label, value);
        }
    }
    line(&mut out, "Owner", &or_none(&r.owner));
    line(&mut out, "Custodians", &or_none(&r.custodians.join(", ")));
    line(&mut out, "Tags", &or_none(&r.tags.join(", ")));
    line(&mut out, "Created", &rfc3339(r.created_at));
    line(&mut out, "Updated", &rfc3339(r.updated_at));
    line(&mut out, "Activated", &time_or(r.activated_at, NONE));
    line(&mut out, "Rotated", &time_or(r.rotated_at, "never"));
    line(&mut out, "Revealed", &time_or(r.revealed_at, "never"));
    line(&mut out, "Exported", &time_or(r.exported_at, "never"));
    line(&mut out, "Version", &r.current_version.to_string());
    line(
        &mut out,
        "Rotation",
        &if r.rotation_days.is_some() {
            format!(
                "every {} days (this key's own interval)",
                view.rotation_days
            )
        } else {
            format!(
                "every {} days (the policy's cryptoperiod for {})",
                view.rotation_days,
                r.purpose.id()
            )
        },
    );
    let next = match view.next_rotation {
        Some(t) if view.overdue() => format!("{} (overdue)", rfc3339(t)),
        Some(t) => rfc3339(t),
        None => NONE.to_owned(),
    };
    line(&mut out, "Next rotation", &next);
    let destruction = match &r.destruction {
        Some(d) => format!(
            "due {}, scheduled by {} on {}: {}",
            rfc3339(d.due_at),
            cell(&d.actor),
            rfc3339(d.scheduled_at),
            cell(&d.reason)
        ),
        None => NONE.to_owned(),
    };
    line(&mut out, "Destruction", &destruction);
    if !r.notes.is_empty() {
        let notes = clean(&r.notes);
        let mut lines = notes.lines();
        line(&mut out, "Notes", lines.next().unwrap_or_default());
        for more in lines {
            out.push_str(&format!("{:16}{more}\n", ""));
        }
    }
    out
}

/// What `key show` adds: the versions, the state timeline and the policy's findings.
fn details(view: &KeyView) -> String {
    let r = &view.record;
    let mut out = String::from("\nVersions:\n");
    let versions: Vec<[String; 6]> = r.versions.iter().map(version_row).collect();
    out.push_str(&super::table(
        "  ",
        [
            "VERSION",
            "ALGORITHM",
            "CREATED",
            "FINGERPRINT",
            "DEACTIVATED",
            "DESTROYED",
        ],
        &versions,
    ));
    out.push_str("\nState timeline:\n");
    let history: Vec<[String; 5]> = r.history.iter().map(transition_row).collect();
    out.push_str(&super::table(
        "  ",
        ["WHEN", "FROM", "TO", "WHO", "WHY"],
        &history,
    ));
    out.push_str(&findings(view));
    out
}

/// The policy's findings about the key: violations first, then warnings.
fn findings(view: &KeyView) -> String {
    let mut out = String::from("\nPolicy:\n");
    if view.findings.is_empty() {
        out.push_str("  no findings\n");
    }
    for f in view.violations().chain(view.warnings()) {
        out.push_str(&format!(
            "  {} ({}): {}\n",
            severity_id(f.severity),
            f.code,
            cell(&f.message)
        ));
    }
    out
}

fn version_row(v: &KeyVersion) -> [String; 6] {
    [
        v.number.to_string(),
        v.algorithm.id().to_owned(),
        rfc3339(v.created_at),
        or_none(&v.fingerprint),
        time_or(v.deactivated_at, NONE),
        time_or(v.destroyed_at, NONE),
    ]
}

fn transition_row(t: &Transition) -> [String; 5] {
    [
        rfc3339(t.at),
        t.from.map_or("(new)", KeyState::id).to_owned(),
        t.to.id().to_owned(),
        cell(&t.actor),
        cell(&t.reason),
    ]
}

/// The `key list` table.
pub(super) fn list_table(keys: &[KeyView]) -> String {
    let rows: Vec<[String; 8]> = keys
        .iter()
        .map(|v| {
            let r = &v.record;
            [
                cell(&r.name),
                r.algorithm.id().to_owned(),
                r.purpose.id().to_owned(),
                r.state.id().to_owned(),
                v.next_rotation.map_or_else(|| NONE.to_owned(), day),
                v.violations().map(|f| f.code).collect::<Vec<_>>().join(","),
                r.id.to_string().chars().take(8).collect(),
                short_fingerprint(r.fingerprint()),
            ]
        })
        .collect();
    super::table(
        "",
        [
            "NAME",
            "ALGORITHM",
            "PURPOSE",
            "STATE",
            "NEXT ROTATION",
            "FLAGS",
            "ID",
            "FINGERPRINT",
        ],
        &rows,
    )
}

/// The first 16 characters of a fingerprint, for a list (`b3e7342fb97bb3de…`); a key
/// check value has 16 and is shown whole. `key show` prints it in full.
pub(super) fn short_fingerprint(fingerprint: &str) -> String {
    if fingerprint.is_empty() {
        return NONE.to_owned();
    }
    let mut short: String = fingerprint.chars().take(16).collect();
    if fingerprint.chars().count() > 16 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::short_fingerprint;

    #[test]
    fn lists_show_fingerprints_cut_to_sixteen_characters() {
        assert_eq!(
            short_fingerprint("b3e7342fb97bb3ded1163fca7c22c576"),
            "b3e7342fb97bb3de…"
        );
        assert_eq!(short_fingerprint("c26a5b316395660e"), "c26a5b316395660e");
        assert_eq!(short_fingerprint(""), "—");
    }
}
