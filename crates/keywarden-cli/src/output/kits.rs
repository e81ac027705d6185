//! Recovery kits in the output: the kit made by `kit create`, the custody register of
//! `kit list` and `kit show`, the keys `kit recover` read back and the drill of
//! `kit verify`, for people and in JSON. Nothing here holds key material; only a
//! generated kit passphrase, which the person asked for, is printed once.

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use keywarden_core::kit::KitId;
use keywarden_core::kit::register::{KitKind, KitRecord, KitStatus};
use keywarden_core::{KeyId, Timestamp};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{NONE, aligned, cell, clean, plural_u64, rfc3339, rfc3339_opt, table};
use crate::outfile::SECRET_MODE;
use crate::session::display;

/// A kit made and entered in the register.
pub struct KitCreated {
    /// The kit as the register holds it.
    pub record: KitRecord,
    /// The directory its files went to.
    pub dir: PathBuf,
    /// The files written, sheets first.
    pub files: Vec<KitFile>,
    /// The kit passphrase, when it was generated (`--generate-passphrase`): printed
    /// once, never stored.
    pub kit_passphrase: Option<Zeroizing<String>>,
}

impl fmt::Debug for KitCreated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KitCreated")
            .field("record", &self.record)
            .field("dir", &self.dir)
            .field("files", &self.files)
            .field(
                "kit_passphrase",
                &self.kit_passphrase.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// One file of a kit.
#[derive(Debug, Clone)]
pub struct KitFile {
    /// Its path (the directory joined with its name).
    pub path: PathBuf,
    /// What it is.
    pub content: KitFileContent,
}

/// What a kit file holds.
#[derive(Debug, Clone)]
pub enum KitFileContent {
    /// The printable sheet of one custodian.
    Sheet {
        /// Who it is for.
        custodian: String,
        /// Their share number (split kits).
        share: Option<u8>,
    },
    /// The machine-readable copy: the age file, or the document of an unencrypted kit.
    Payload,
}

/// The keys of a kit read back by `kit recover`.
#[derive(Debug)]
pub struct KitRecovered {
    /// The kit.
    pub kit: KitId,
    /// Its generation.
    pub generation: u32,
    /// When it was made.
    pub made_at: Timestamp,
    /// Its keys, in the kit's order.
    pub keys: Vec<RecoveredKey>,
    /// `--dry-run`: opened and checked, nothing added.
    pub dry_run: bool,
}

/// One key of a kit read back.
#[derive(Debug)]
pub struct RecoveredKey {
    /// Its name in the kit.
    pub name: String,
    /// Its id in the vault the kit was made from.
    pub kit_key_id: KeyId,
    /// Its algorithm id.
    pub algorithm: &'static str,
    /// Its main fingerprint, `KIND VALUE`, as printed on the sheet.
    pub fingerprint: String,
    /// What became of it.
    pub outcome: RecoveredOutcome,
}

/// What `kit recover` did with a key.
#[derive(Debug)]
pub enum RecoveredOutcome {
    /// `--dry-run`: it matches its fingerprints; nothing was added.
    Checked,
    /// Added to the vault, with its id and name there.
    Added(KeyId, String),
    /// The vault already holds it, as this key.
    AlreadyPresent(KeyId, String),
}

/// A kit in JSON: every member documented in `docs/cli.md`.
#[derive(Serialize)]
pub(super) struct KitJson<'a> {
    id: String,
    generation: u32,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient: Option<&'a str>,
    made_at: String,
    made_by: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_drill: Option<String>,
    keys: Vec<KitKeyJson<'a>>,
    custody: Vec<CustodyJson<'a>>,
}

#[derive(Serialize)]
struct KitKeyJson<'a> {
    id: String,
    name: &'a str,
    version: u32,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct CustodyJson<'a> {
    custodian: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<u8>,
}

impl<'a> From<&'a KitRecord> for KitJson<'a> {
    fn from(k: &'a KitRecord) -> Self {
        let (threshold, count) = k.kind.shares().unzip();
        let recipient = match &k.kind {
            KitKind::Escrow { recipient } => Some(recipient.as_str()),
            _ => None,
        };
        let (status_at, status_reason) = match &k.status {
            KitStatus::Current => (None, None),
            KitStatus::Superseded { at, reason } | KitStatus::Void { at, reason } => {
                (Some(rfc3339(*at)), Some(reason.as_str()))
            }
        };
        KitJson {
            id: k.id.to_string(),
            generation: k.generation,
            kind: k.kind.id(),
            threshold,
            count,
            recipient,
            made_at: rfc3339(k.made_at),
            made_by: &k.made_by,
            status: k.status.id(),
            status_at,
            status_reason,
            last_drill: rfc3339_opt(k.last_drill),
            keys: k
                .keys
                .iter()
                .map(|key| KitKeyJson {
                    id: key.id.to_string(),
                    name: &key.name,
                    version: key.version,
                    fingerprint: &key.fingerprint,
                })
                .collect(),
            custody: k
                .custody
                .iter()
                .map(|c| CustodyJson {
                    custodian: &c.custodian,
                    share: c.share,
                })
                .collect(),
        }
    }
}

/// A kit file in JSON.
#[derive(Serialize)]
pub(super) struct KitFileJson<'a> {
    path: String,
    mode: String,
    content: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    custodian: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share: Option<u8>,
}

/// The members of `kit create`'s JSON document beside `kit`.
pub(super) fn files_json(created: &KitCreated) -> Vec<KitFileJson<'_>> {
    created
        .files
        .iter()
        .map(|f| {
            let (content, custodian, share) = match &f.content {
                KitFileContent::Sheet { custodian, share } => {
                    ("sheet", Some(custodian.as_str()), *share)
                }
                KitFileContent::Payload => ("payload", None, None),
            };
            KitFileJson {
                path: display(&f.path),
                mode: format!("{SECRET_MODE:04o}"),
                content,
                custodian,
                share,
            }
        })
        .collect()
}

/// `kit recover` in JSON.
#[derive(Serialize)]
pub(super) struct RecoveredJson<'a> {
    kit: String,
    generation: u32,
    made_at: String,
    dry_run: bool,
    keys: Vec<RecoveredKeyJson<'a>>,
}

#[derive(Serialize)]
struct RecoveredKeyJson<'a> {
    name: &'a str,
    kit_key_id: String,
    algorithm: &'static str,
    fingerprint: &'a str,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vault_name: Option<&'a str>,
}

impl<'a> From<&'a KitRecovered> for RecoveredJson<'a> {
    fn from(r: &'a KitRecovered) -> Self {
        RecoveredJson {
            kit: r.kit.to_string(),
            generation: r.generation,
            made_at: rfc3339(r.made_at),
            dry_run: r.dry_run,
            keys: r
                .keys
                .iter()
                .map(|k| {
                    let (outcome, id, vault_name) = match &k.outcome {
                        RecoveredOutcome::Checked => ("checked", None, None),
                        RecoveredOutcome::Added(id, name) => ("added", Some(id), Some(name)),
                        RecoveredOutcome::AlreadyPresent(id, name) => {
                            ("already-present", Some(id), Some(name))
                        }
                    };
                    RecoveredKeyJson {
                        name: &k.name,
                        kit_key_id: k.kit_key_id.to_string(),
                        algorithm: k.algorithm,
                        fingerprint: &k.fingerprint,
                        outcome,
                        id: id.map(ToString::to_string),
                        vault_name: vault_name.map(String::as_str),
                    }
                })
                .collect(),
        }
    }
}

/// `kit verify` in JSON.
#[derive(Serialize)]
pub(super) struct DrillJson<'a> {
    passed: bool,
    kit: KitJson<'a>,
}

pub(super) fn drill_json(record: &KitRecord) -> DrillJson<'_> {
    DrillJson {
        passed: true,
        kit: record.into(),
    }
}

/// How a kit is locked, for people: `personal`, `2-of-3 split`, `escrow`,
/// `2-of-3 vault recovery`.
fn kind_text(kind: &KitKind) -> String {
    match kind {
        KitKind::Split { threshold, count } => format!("{threshold}-of-{count} split"),
        KitKind::Vault { threshold, count } if *count > 1 => {
            format!("{threshold}-of-{count} vault recovery")
        }
        KitKind::Vault { .. } => "vault recovery".to_owned(),
        KitKind::Personal | KitKind::Unencrypted | KitKind::Escrow { .. } => kind.id().to_owned(),
    }
}

fn status_text(status: &KitStatus) -> String {
    match status {
        KitStatus::Current => "current".to_owned(),
        KitStatus::Superseded { at, reason } | KitStatus::Void { at, reason } => {
            format!("{} since {}: {}", status.id(), rfc3339(*at), cell(reason))
        }
    }
}

/// The keys of a kit: one `  NAME  version N  FINGERPRINT` line each.
fn key_rows(record: &KitRecord) -> String {
    let rows: Vec<[String; 3]> = record
        .keys
        .iter()
        .map(|k| {
            [
                cell(&k.name),
                format!("version {}", k.version),
                cell(&k.fingerprint),
            ]
        })
        .collect();
    table_rows(&rows)
}

/// Rows without a header, indented by two spaces.
fn table_rows<const N: usize>(rows: &[[String; N]]) -> String {
    aligned("  ", rows.iter())
}

/// Who holds which sheet: `  share 1  Ada`, or `  Ada`.
fn custody_rows(record: &KitRecord) -> String {
    record
        .custody
        .iter()
        .map(|c| match c.share {
            Some(n) => format!("  share {n}  {}\n", cell(&c.custodian)),
            None => format!("  {}\n", cell(&c.custodian)),
        })
        .collect()
}

/// `kit create` for people.
pub(super) fn created_text(created: &KitCreated) -> String {
    let r = &created.record;
    let keys = r.keys.len() as u64;
    let mut out = format!(
        "Made the {} kit {} (generation {}) of {keys} {}.\n",
        kind_text(&r.kind),
        r.id,
        r.generation,
        plural_u64(keys, "key", "keys"),
    );
    out.push_str(&format!(
        "Files in {} (mode {SECRET_MODE:04o}):\n",
        clean(&display(&created.dir))
    ));
    let rows: Vec<[String; 2]> = created
        .files
        .iter()
        .map(|f| {
            let name = f
                .path
                .file_name()
                .map_or_else(|| display(&f.path), |n| n.to_string_lossy().into_owned());
            let what = match &f.content {
                KitFileContent::Sheet {
                    custodian,
                    share: Some(n),
                } => format!("share {n}, for {}", cell(custodian)),
                KitFileContent::Sheet {
                    custodian,
                    share: None,
                } => format!("the sheet, for {}", cell(custodian)),
                KitFileContent::Payload => "the machine-readable copy".to_owned(),
            };
            [cell(&name), what]
        })
        .collect();
    out.push_str(&table_rows(&rows));
    out.push_str("Keys:\n");
    out.push_str(&key_rows(r));
    out.push_str(
        "Print the sheets and hand them over; then drill the kit (keywarden kit verify) and \
         delete the files, or keep them as safe as the vault.\n",
    );
    out
}

/// The generated kit passphrase, printed once on standard error (the terminal) with
/// what to do with it. Errors are ignored, as for warnings.
pub(super) fn print_passphrase(passphrase: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "Kit passphrase: {passphrase}\n\
         Write it in the box on the sheet by hand. It is not stored anywhere and is not \
         shown again: without it the kit cannot be opened."
    );
}

/// `kit list` for people.
pub(super) fn list_text(kits: &[KitRecord], filtered: bool) -> String {
    if kits.is_empty() {
        return if filtered {
            "No kit in the register holds this key.\n".to_owned()
        } else {
            "The custody register holds no kits.\n".to_owned()
        };
    }
    let rows: Vec<[String; 7]> = kits
        .iter()
        .map(|k| {
            [
                k.id.to_string(),
                k.generation.to_string(),
                kind_text(&k.kind),
                k.status.id().to_owned(),
                rfc3339(k.made_at),
                k.last_drill.map_or_else(|| "never".to_owned(), rfc3339),
                k.keys
                    .iter()
                    .map(|key| cell(&key.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    table(
        "",
        ["KIT", "GEN", "KIND", "STATUS", "MADE", "LAST DRILL", "KEYS"],
        &rows,
    )
}

/// `kit show` for people.
pub(super) fn show_text(k: &KitRecord) -> String {
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        out.push_str(&format!("{:<12}{value}\n", format!("{label}:")));
    };
    line("Kit", &k.id.to_string());
    line("Generation", &k.generation.to_string());
    line("Kind", &kind_text(&k.kind));
    if let KitKind::Escrow { recipient } = &k.kind {
        line("Recipient", &cell(recipient));
    }
    line(
        "Made",
        &format!("{} by {}", rfc3339(k.made_at), cell(&k.made_by)),
    );
    line("Status", &status_text(&k.status));
    line(
        "Last drill",
        &k.last_drill.map_or_else(|| "never".to_owned(), rfc3339),
    );
    out.push_str("Keys:\n");
    out.push_str(&key_rows(k));
    out.push_str("Custody:\n");
    out.push_str(&custody_rows(k));
    out
}

/// `kit recover` for people.
pub(super) fn recovered_text(r: &KitRecovered) -> String {
    let mut out = if r.dry_run {
        format!(
            "Kit {} (generation {}, made {}) opens, and every key matches its \
             fingerprints. Nothing was added (--dry-run):\n",
            r.kit,
            r.generation,
            rfc3339(r.made_at)
        )
    } else {
        format!(
            "Recovered kit {} (generation {}, made {}):\n",
            r.kit,
            r.generation,
            rfc3339(r.made_at)
        )
    };
    let rows: Vec<[String; 4]> = r
        .keys
        .iter()
        .map(|k| {
            let what = match &k.outcome {
                RecoveredOutcome::Checked => "checked".to_owned(),
                RecoveredOutcome::Added(id, name) if *name == k.name => format!("added as {id}"),
                RecoveredOutcome::Added(id, name) => {
                    format!("added as \"{}\" ({id})", cell(name))
                }
                RecoveredOutcome::AlreadyPresent(id, name) => {
                    format!("already in the vault as \"{}\" ({id})", cell(name))
                }
            };
            [
                cell(&k.name),
                k.algorithm.to_owned(),
                cell(&k.fingerprint),
                what,
            ]
        })
        .collect();
    out.push_str(&table_rows(&rows));
    out
}

/// `kit verify` for people.
pub(super) fn drill_text(k: &KitRecord) -> String {
    let mut out = format!(
        "Drill passed: the {} kit {} (generation {}) opens, and every key matches the \
         fingerprint the register recorded:\n",
        kind_text(&k.kind),
        k.id,
        k.generation,
    );
    out.push_str(&key_rows(k));
    out.push_str(&format!(
        "Recorded in the audit log; last drill: {}.\n",
        k.last_drill.map_or_else(|| NONE.to_owned(), rfc3339)
    ));
    out
}
