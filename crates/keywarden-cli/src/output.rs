//! What a command reports, and how it is printed: text for people, or one JSON document
//! (`--json`) whose shape is documented in `docs/cli.md` and kept stable.
//!
//! Only [`Report::Revealed`] and an [`Exported`] bound for standard output hold key
//! material, because a person asked for it with `key reveal` or `key export`; every
//! other report holds records, which have none (a [`KitCreated`] may hold the kit
//! passphrase the person asked Keywarden to generate).

mod audit;
mod documents;
mod exports;
mod keys;
mod kits;
mod policy;

use std::io::{self, Write};
use std::path::PathBuf;

use keywarden_core::{AuditEntry, KdfParams, KeyRecord, Timestamp};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;
use zeroize::Zeroizing;

use crate::args::ExportFormat;
use crate::failure::{Code, Failure};
use crate::session::display;

pub use audit::to_jsonl;
pub use exports::{Destination, Exported};
pub use keys::{KeyAction, KeyView, Revealed};
pub use kits::{KitCreated, KitFile, KitFileContent, KitRecovered, RecoveredKey, RecoveredOutcome};
pub use policy::PolicyChange;

/// The key file a new vault uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFileUse {
    /// None: the passphrase alone opens the vault.
    None,
    /// An existing file given with `--keyfile`.
    Existing(PathBuf),
    /// A file written by `init --new-keyfile`.
    New(PathBuf),
}

/// The result of a successful command.
#[derive(Debug)]
pub enum Report {
    /// `init`.
    Init {
        /// The new vault.
        vault: PathBuf,
        /// Its Argon2id parameters.
        kdf: KdfParams,
        /// Its key file.
        key_file: KeyFileUse,
    },
    /// `passwd`.
    Passwd {
        /// The vault.
        vault: PathBuf,
    },
    /// `key gen`, `import`, `show`, `rename`, `state`, `rotate`, `destroy`.
    Key {
        /// The key as it now is.
        key: Box<KeyView>,
        /// What was done to it.
        action: KeyAction,
    },
    /// `key list`.
    Keys {
        /// The keys found, in the order asked for.
        keys: Vec<KeyView>,
        /// Whether any filter (search text or option) was given.
        filtered: bool,
        /// The search text (empty: none).
        search: String,
    },
    /// `key delete`.
    Deleted {
        /// The key as it was.
        record: Box<KeyRecord>,
    },
    /// `key reveal`: secret material, at a person's explicit request.
    Revealed(Revealed),
    /// `key export-public` and `key export`: to a file, or the material itself for
    /// standard output (printed as it is, with or without `--json`).
    Exported(Box<Exported>),
    /// `policy show` and `policy set`.
    Policy {
        /// Every setting, as `(name, value)`.
        entries: Vec<(String, String)>,
        /// The setting `policy set` changed.
        change: Option<PolicyChange>,
    },
    /// `audit list`.
    AuditEntries {
        /// The entries, oldest first.
        entries: Vec<AuditEntry>,
    },
    /// `due`: what falls due, overdue first.
    Due {
        /// The items.
        items: Vec<keywarden_core::reminder::DueItem>,
        /// The window asked for, in days.
        within: u32,
    },
    /// `audit verify`, when the log is intact.
    AuditIntact {
        /// How many entries it holds.
        entries: u64,
    },
    /// `audit export --out FILE`.
    AuditExported {
        /// How many entries were written.
        entries: usize,
        /// In which format.
        format: ExportFormat,
        /// Where.
        path: PathBuf,
    },
    /// `calendar`: the iCalendar file written.
    Calendar {
        /// Where.
        path: PathBuf,
        /// How many events (due dates) it holds.
        events: usize,
        /// Whether titles name keys or give their ids.
        naming: keywarden_core::calendar::Naming,
        /// The reminder thresholds, in days: one alarm each per event.
        thresholds: Vec<u32>,
    },
    /// `report`: the review report written (not to be confused with this enum, the
    /// output of every command).
    ReviewWritten {
        /// Where.
        path: PathBuf,
        /// As what.
        format: keywarden_core::report::Format,
        /// Its numbers.
        summary: keywarden_core::report::Summary,
        /// The window of its due section, in days.
        due_within_days: u32,
        /// The window of its unused section, in days.
        unused_days: u32,
    },
    /// `kit create`: the kit made, its files, and a generated passphrase.
    KitCreated(Box<KitCreated>),
    /// `kit list`: kits of the register, oldest first.
    Kits {
        /// The kits.
        kits: Vec<keywarden_core::kit::register::KitRecord>,
        /// Whether `--key` was given.
        filtered: bool,
    },
    /// `kit show`.
    Kit(Box<keywarden_core::kit::register::KitRecord>),
    /// `kit recover`: the keys read back, and what became of them.
    KitRecovered(Box<KitRecovered>),
    /// `kit verify`, when the drill passed: the kit as the register now holds it.
    KitDrilled(Box<keywarden_core::kit::register::KitRecord>),
    /// Text printed as it is, with or without `--json`: `audit export` to standard
    /// output, whose format the command line chose.
    Raw(String),
}

#[derive(Serialize)]
struct KdfJson {
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
}

#[derive(Serialize)]
#[serde(untagged)]
enum ReportJson<'a> {
    Init {
        vault: String,
        kdf: KdfJson,
        key_file: bool,
    },
    Passwd {
        vault: String,
        passphrase_changed: bool,
    },
    Key(Box<keys::KeyReportJson<'a>>),
    Keys {
        keys: Vec<keys::KeyJson<'a>>,
    },
    Deleted {
        deleted: DeletedJson<'a>,
    },
    Secret {
        secret: keys::SecretJson<'a>,
    },
    Export {
        export: exports::ExportJson<'a>,
    },
    Policy(policy::PolicyJson<'a>),
    AuditEntries {
        entries: Vec<audit::EntryJson<'a>>,
    },
    AuditIntact {
        audit: audit::VerifiedJson,
    },
    Due {
        within_days: u32,
        due: Vec<DueJson<'a>>,
    },
    AuditExported {
        exported: audit::ExportedJson,
    },
    Calendar {
        calendar: documents::CalendarJson,
    },
    Review {
        report: documents::ReviewJson,
    },
    KitCreated {
        kit: kits::KitJson<'a>,
        directory: String,
        files: Vec<kits::KitFileJson<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kit_passphrase: Option<&'a str>,
    },
    Kits {
        kits: Vec<kits::KitJson<'a>>,
    },
    Kit {
        kit: kits::KitJson<'a>,
    },
    KitRecovered {
        recovered: kits::RecoveredJson<'a>,
    },
    KitDrilled {
        drill: kits::DrillJson<'a>,
    },
}

/// One due item in JSON (`docs/cli.md`, `due`).
#[derive(Serialize)]
struct DueJson<'a> {
    subject: &'static str,
    id: String,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    fingerprint: &'a str,
    kind: &'static str,
    due_at: String,
    status: &'static str,
    days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snoozed_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snooze_reason: Option<&'a str>,
}

impl<'a> From<&'a keywarden_core::reminder::DueItem> for DueJson<'a> {
    fn from(i: &'a keywarden_core::reminder::DueItem) -> Self {
        use keywarden_core::reminder::Urgency;
        let (status, days, threshold) = match i.urgency {
            Urgency::Overdue { days } => ("overdue", days, None),
            Urgency::Soon {
                days_left,
                threshold,
            } => ("due-soon", days_left, Some(threshold)),
            Urgency::Later { days_left } => ("later", days_left, None),
        };
        DueJson {
            subject: i.subject.kind(),
            id: i.subject.to_string(),
            name: &i.name,
            fingerprint: &i.fingerprint,
            kind: i.kind.id(),
            due_at: rfc3339(i.due_at),
            status,
            days,
            threshold,
            snoozed_until: i.snooze.as_ref().map(|z| rfc3339(z.until)),
            snooze_reason: i.snooze.as_ref().map(|z| z.reason.as_str()),
        }
    }
}

/// `due` for people: one line per item, or a sentence when nothing is due.
fn due_text(items: &[keywarden_core::reminder::DueItem], within: u32) -> String {
    use keywarden_core::reminder::Urgency;
    if items.is_empty() {
        return format!("Nothing is due within {within} days.\n");
    }
    let mut out = String::new();
    for i in items {
        let when = match i.urgency {
            Urgency::Overdue { days: 0 } => "overdue since today".to_owned(),
            Urgency::Overdue { days } => format!("overdue by {days} days"),
            Urgency::Soon { days_left: 0, .. } => "due today".to_owned(),
            Urgency::Soon { days_left, .. } | Urgency::Later { days_left } => {
                format!("due in {days_left} days")
            }
        };
        let what = match i.kind {
            keywarden_core::reminder::DueKind::Rotation => "rotate",
            keywarden_core::reminder::DueKind::UsageEnd => "usage-end",
            keywarden_core::reminder::DueKind::Destruction => "destroyed",
            keywarden_core::reminder::DueKind::Drill => "drill",
        };
        let fingerprint = if i.fingerprint.is_empty() {
            String::new()
        } else {
            format!(", {}", keys::short_fingerprint(&i.fingerprint))
        };
        out.push_str(&format!(
            "{:<22} {:<9} {}  {} ({}{fingerprint})\n",
            when,
            what,
            rfc3339(i.due_at),
            clean(&i.name),
            i.subject
        ));
        if let Some(z) = &i.snooze {
            out.push_str(&format!(
                "{:<22} snoozed until {}: {}\n",
                "",
                rfc3339(z.until),
                clean(&z.reason)
            ));
        }
    }
    out
}

#[derive(Serialize)]
struct DeletedJson<'a> {
    id: String,
    name: &'a str,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    details: &'a [String],
}

impl Report {
    /// The exit code of a command that succeeded: 1 when `due` lists anything (so that
    /// cron and scripts notice), else 0.
    pub fn exit_code(&self) -> u8 {
        match self {
            Report::Due { items, .. } if items.iter().any(|i| i.snooze.is_none()) => 1,
            _ => 0,
        }
    }

    /// The JSON document, or `None` for [`Report::Raw`], which is printed as it is.
    fn to_json(&self) -> Option<ReportJson<'_>> {
        Some(match self {
            Report::Init {
                vault,
                kdf,
                key_file,
            } => ReportJson::Init {
                vault: display(vault),
                kdf: KdfJson {
                    memory_kib: kdf.memory_kib,
                    iterations: kdf.iterations,
                    lanes: kdf.lanes,
                },
                key_file: *key_file != KeyFileUse::None,
            },
            Report::Passwd { vault } => ReportJson::Passwd {
                vault: display(vault),
                passphrase_changed: true,
            },
            Report::Key { key, action } => {
                ReportJson::Key(Box::new(keys::report_json(key, action)))
            }
            Report::Keys { keys, .. } => ReportJson::Keys {
                keys: keys.iter().map(keys::KeyJson::from).collect(),
            },
            Report::Deleted { record } => ReportJson::Deleted {
                deleted: DeletedJson {
                    id: record.id.to_string(),
                    name: &record.name,
                },
            },
            Report::Revealed(revealed) => ReportJson::Secret {
                secret: revealed.to_json(),
            },
            Report::Exported(exported) => ReportJson::Export {
                export: exported.to_json()?,
            },
            Report::Policy { entries, change } => {
                ReportJson::Policy(policy::to_json(entries, change.as_ref()))
            }
            Report::AuditEntries { entries } => ReportJson::AuditEntries {
                entries: entries.iter().map(audit::EntryJson::from).collect(),
            },
            Report::Due { items, within } => ReportJson::Due {
                within_days: *within,
                due: items.iter().map(DueJson::from).collect(),
            },
            Report::AuditIntact { entries } => ReportJson::AuditIntact {
                audit: audit::VerifiedJson {
                    intact: true,
                    entries: *entries,
                },
            },
            Report::AuditExported {
                entries,
                format,
                path,
            } => ReportJson::AuditExported {
                exported: audit::ExportedJson {
                    entries: *entries,
                    format: audit::format_id(*format),
                    path: display(path),
                },
            },
            Report::Calendar {
                path,
                events,
                naming,
                thresholds,
            } => ReportJson::Calendar {
                calendar: documents::calendar_json(path, *events, *naming, thresholds),
            },
            Report::ReviewWritten {
                path,
                format,
                summary,
                due_within_days,
                unused_days,
            } => ReportJson::Review {
                report: documents::review_json(
                    path,
                    *format,
                    summary,
                    *due_within_days,
                    *unused_days,
                ),
            },
            Report::KitCreated(created) => ReportJson::KitCreated {
                kit: (&created.record).into(),
                directory: display(&created.dir),
                files: kits::files_json(created),
                kit_passphrase: created.kit_passphrase.as_deref().map(String::as_str),
            },
            Report::Kits { kits, .. } => ReportJson::Kits {
                kits: kits.iter().map(kits::KitJson::from).collect(),
            },
            Report::Kit(kit) => ReportJson::Kit {
                kit: kit.as_ref().into(),
            },
            Report::KitRecovered(recovered) => ReportJson::KitRecovered {
                recovered: recovered.as_ref().into(),
            },
            Report::KitDrilled(kit) => ReportJson::KitDrilled {
                drill: kits::drill_json(kit),
            },
            Report::Raw(_) => return None,
        })
    }

    fn to_text(&self) -> Zeroizing<String> {
        Zeroizing::new(match self {
            Report::Init {
                vault,
                kdf,
                key_file,
            } => {
                let mut out = format!("Created the vault {}\n", display(vault));
                out.push_str(&format!(
                    "Argon2id: {} of memory, {} {}, {} {}\n",
                    memory(kdf.memory_kib),
                    kdf.iterations,
                    plural(kdf.iterations, "pass", "passes"),
                    kdf.lanes,
                    plural(kdf.lanes, "lane", "lanes"),
                ));
                match key_file {
                    KeyFileUse::None => {
                        out.push_str("Key file: none (the passphrase alone opens the vault)\n")
                    }
                    KeyFileUse::Existing(path) => {
                        out.push_str(&format!("Key file: {}\n", display(path)));
                    }
                    KeyFileUse::New(path) => out.push_str(&format!(
                        "Key file: {} (new)\n\
                         Keep a copy of the key file apart from the vault: without it, and \
                         without the passphrase, the vault cannot be opened.\n",
                        display(path)
                    )),
                }
                out
            }
            Report::Passwd { vault } => {
                format!("Changed the passphrase of {}\n", display(vault))
            }
            Report::Key { key, action } => keys::report_text(key, action),
            Report::Keys {
                keys,
                filtered,
                search,
            } => {
                if !keys.is_empty() {
                    keys::list_table(keys)
                } else if !search.trim().is_empty() {
                    format!("No key matches \"{}\".\n", clean(search))
                } else if *filtered {
                    "No key matches these filters.\n".to_owned()
                } else {
                    "The vault holds no keys.\n".to_owned()
                }
            }
            Report::Deleted { record } => format!(
                "Deleted the key \"{}\" ({}).\n",
                clean(&record.name),
                record.id
            ),
            Report::Revealed(revealed) => return revealed.to_text(),
            Report::Exported(exported) => exported.to_text(),
            Report::Policy { entries, change } => policy::to_text(entries, change.as_ref()),
            Report::AuditEntries { entries } => audit::table(entries),
            Report::Due { items, within } => due_text(items, *within),
            Report::AuditIntact { entries } => format!(
                "The audit log is intact: {entries} {}, each sealed and chained, and its \
                 head matches.\n",
                plural_u64(*entries, "entry", "entries")
            ),
            Report::AuditExported {
                entries,
                format,
                path,
            } => format!(
                "Wrote {entries} audit {} to {} as {}.\n",
                plural_u64(*entries as u64, "entry", "entries"),
                display(path),
                audit::format_label(*format)
            ),
            Report::Calendar {
                path,
                events,
                naming,
                thresholds,
            } => documents::calendar_text(path, *events, *naming, thresholds),
            Report::ReviewWritten {
                path,
                format,
                summary,
                due_within_days,
                unused_days,
            } => documents::review_text(path, *format, summary, *due_within_days, *unused_days),
            Report::KitCreated(created) => kits::created_text(created),
            Report::Kits { kits, filtered } => kits::list_text(kits, *filtered),
            Report::Kit(kit) => kits::show_text(kit),
            Report::KitRecovered(recovered) => kits::recovered_text(recovered),
            Report::KitDrilled(kit) => kits::drill_text(kit),
            Report::Raw(text) => text.clone(),
        })
    }
}

/// Prints a command's report on standard output.
///
/// # Errors
/// [`Code::Io`] when standard output cannot be written. A closed pipe (`keywarden key
/// list | head -1`) is not an error.
pub fn print(report: &Report, json: bool) -> Result<(), Failure> {
    if let Report::Exported(exported) = report
        && let Some(bytes) = exported.stdout_bytes()
    {
        return write_stdout(bytes);
    }
    // A generated kit passphrase goes to the terminal, apart from the report; with
    // `--json` it is a member of the document, since the caller asked for it.
    if !json
        && let Report::KitCreated(created) = report
        && let Some(passphrase) = &created.kit_passphrase
    {
        kits::print_passphrase(passphrase);
    }
    let text = match report.to_json() {
        Some(doc) if json => to_json_text(&doc)?,
        _ => report.to_text(),
    };
    write_stdout(text.as_bytes())
}

/// Prints a failure: as JSON on standard output with `--json`, else on standard error
/// (with its details, one per line). Errors while printing it are ignored: there is
/// nowhere left to report them.
pub fn print_failure(failure: &Failure, json: bool) {
    if json {
        let doc = ErrorJson {
            error: ErrorBody {
                code: failure.code.as_str(),
                message: &failure.message,
                details: &failure.details,
            },
        };
        if let Ok(text) = to_json_text(&doc) {
            let _ = write_stdout(text.as_bytes());
        }
    } else {
        let mut err = io::stderr().lock();
        let _ = writeln!(err, "error: {}", clean(&failure.message));
        for detail in &failure.details {
            let _ = writeln!(err, "  - {}", clean(detail));
        }
    }
}

/// Prints a line of progress on standard error, with or without `--json`.
pub fn progress(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", clean(message));
}

/// Prints a warning on standard error.
pub fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "warning: {message}");
}

fn to_json_text<T: Serialize>(value: &T) -> Result<Zeroizing<String>, Failure> {
    let mut text = Zeroizing::new(
        serde_json::to_string_pretty(value)
            .map_err(|e| Failure::new(Code::Internal, format!("cannot encode JSON: {e}")))?,
    );
    text.push('\n');
    Ok(text)
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::io("cannot write to standard output", &e)),
    }
}

/// RFC 3339 in UTC, to the second: `2025-03-01T12:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    format!("{t:.0}")
}

/// An optional time in JSON: RFC 3339, or absent.
fn rfc3339_opt(t: Option<Timestamp>) -> Option<String> {
    t.map(rfc3339)
}

/// The day of a time, in UTC: `2025-03-01`.
fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// What the text output shows for a value that is not there.
const NONE: &str = "—";

fn memory(kib: u32) -> String {
    if kib.is_multiple_of(1024) {
        format!("{} MiB", kib / 1024)
    } else {
        format!("{kib} KiB")
    }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    plural_u64(u64::from(n), one, many)
}

fn plural_u64(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Vault text as shown on a terminal: control characters other than line breaks and
/// tabs are escaped, so stored text can never drive the terminal.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Vault text for one cell of a table: [`clean`], on one line.
fn cell(text: &str) -> String {
    clean(text).replace(['\n', '\t'], " ")
}

/// A table: a header, rows, columns two spaces apart, each line after `indent`, and no
/// trailing spaces.
fn table<const N: usize>(indent: &str, header: [&str; N], rows: &[[String; N]]) -> String {
    let header = header.map(str::to_owned);
    aligned(indent, std::iter::once(&header).chain(rows))
}

/// Rows with their columns aligned, two spaces apart, each line after `indent`, and no
/// trailing spaces.
fn aligned<'a, const N: usize>(
    indent: &str,
    rows: impl Iterator<Item = &'a [String; N]> + Clone,
) -> String {
    let mut widths = [0usize; N];
    for row in rows.clone() {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = indent.to_owned();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.width() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(clean("line\nnext\ttab"), "line\nnext\ttab");
        assert_eq!(cell("line\nnext\ttab"), "line next tab");
    }

    #[test]
    fn timestamps_are_rfc3339_utc_to_the_second() {
        let t: Timestamp = "2025-03-01T12:34:56.789Z".parse().unwrap();
        assert_eq!(rfc3339(t), "2025-03-01T12:34:56Z");
        assert_eq!(day(t), "2025-03-01");
    }

    #[test]
    fn memory_is_shown_in_mib_when_whole() {
        assert_eq!(memory(262_144), "256 MiB");
        assert_eq!(memory(1000), "1000 KiB");
    }

    #[test]
    fn tables_align_wide_characters_and_trim_line_ends() {
        let rows = [
            ["日本".to_owned(), "x".to_owned(), String::new()],
            ["ab".to_owned(), "yy".to_owned(), String::new()],
        ];
        assert_eq!(
            table("  ", ["A", "B", "C"], &rows),
            "  A     B   C\n  日本  x\n  ab    yy\n"
        );
    }
}
