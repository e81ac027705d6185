//! The audit log in the output: the `audit list` table, entries in JSON (also the lines
//! of `audit export --format jsonl`), and the reports of `audit verify` and `export`.

use keywarden_core::{AuditEntry, Outcome};
use serde::Serialize;

use super::keys::short_fingerprint;
use super::{NONE, cell, rfc3339, table as columns};
use crate::args::ExportFormat;
use crate::failure::{Code, Failure};

/// One audit entry in JSON: every member documented in `docs/cli.md`.
#[derive(Serialize)]
pub(super) struct EntryJson<'a> {
    seq: u64,
    at: String,
    actor: &'a str,
    action: &'static str,
    key: Option<String>,
    key_name: &'a str,
    key_fingerprint: &'a str,
    reason: &'a str,
    outcome: &'static str,
    detail: &'a str,
}

impl<'a> From<&'a AuditEntry> for EntryJson<'a> {
    fn from(e: &'a AuditEntry) -> Self {
        EntryJson {
            seq: e.seq,
            at: rfc3339(e.at),
            actor: &e.actor,
            action: e.action.id(),
            key: e.key.map(|k| k.to_string()),
            key_name: &e.key_name,
            key_fingerprint: &e.key_fingerprint,
            reason: &e.reason,
            outcome: e.outcome.id(),
            detail: &e.detail,
        }
    }
}

/// `audit verify` in JSON, when the log is intact.
#[derive(Serialize)]
pub(super) struct VerifiedJson {
    pub intact: bool,
    pub entries: u64,
}

/// `audit export --out` in JSON.
#[derive(Serialize)]
pub(super) struct ExportedJson {
    pub entries: usize,
    pub format: &'static str,
    pub path: String,
}

pub(super) fn format_id(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Jsonl => "jsonl",
    }
}

pub(super) fn format_label(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "CSV",
        ExportFormat::Jsonl => "JSON Lines",
    }
}

/// Entries as JSON Lines: one compact JSON object per entry, each on its own line.
///
/// # Errors
/// [`Code::Internal`] if an entry cannot be encoded (it always can).
pub fn to_jsonl(entries: &[AuditEntry]) -> Result<String, Failure> {
    let mut out = String::new();
    for e in entries {
        let line = serde_json::to_string(&EntryJson::from(e))
            .map_err(|err| Failure::new(Code::Internal, format!("cannot encode JSON: {err}")))?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// The `audit list` table.
pub(super) fn table(entries: &[AuditEntry]) -> String {
    if entries.is_empty() {
        return "No audit entry matches.\n".to_owned();
    }
    let rows: Vec<[String; 9]> = entries
        .iter()
        .map(|e| {
            [
                e.seq.to_string(),
                rfc3339(e.at),
                cell(&e.actor),
                e.action.id().to_owned(),
                match e.outcome {
                    Outcome::Success => "ok".to_owned(),
                    Outcome::Failure => "FAILED".to_owned(),
                },
                if e.key_name.is_empty() {
                    NONE.to_owned()
                } else {
                    cell(&e.key_name)
                },
                short_fingerprint(&e.key_fingerprint),
                cell(&e.reason),
                cell(&e.detail),
            ]
        })
        .collect();
    columns(
        "",
        [
            "SEQ",
            "WHEN",
            "WHO",
            "ACTION",
            "OUTCOME",
            "KEY",
            "FINGERPRINT",
            "REASON",
            "DETAIL",
        ],
        &rows,
    )
}
