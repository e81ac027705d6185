//! What a command reports, and how it is printed: text for people, or one JSON document
//! (`--json`) whose shape is documented in `docs/cli.md` and kept stable.
//!
//! Nothing here can print key material: the reports hold key records, which have none.

use std::io::{self, Write};
use std::path::PathBuf;

use keywarden_core::{KdfParams, KeyRecord, Timestamp};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::failure::{Code, Failure};
use crate::session::display;

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

/// What happened to the key a command reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAction {
    /// `key gen`.
    Generated,
    /// `key show`.
    Shown,
    /// `key rename`, with the old name.
    Renamed(String),
}

/// The result of a successful command.
#[derive(Debug, Clone)]
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
    /// `key gen`, `key show`, `key rename`.
    Key {
        /// The key as it now is.
        record: KeyRecord,
        /// What was done to it.
        action: KeyAction,
    },
    /// `key list`.
    Keys {
        /// The keys found, sorted by name.
        keys: Vec<KeyRecord>,
        /// The search text (empty: every key).
        search: String,
    },
    /// `key delete`.
    Deleted {
        /// The key as it was.
        record: KeyRecord,
    },
}

/// A key in JSON.
#[derive(Serialize)]
struct KeyJson<'a> {
    id: String,
    name: &'a str,
    algorithm: &'static str,
    tags: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    notes: &'a str,
    created_at: String,
    updated_at: String,
    current_version: u32,
}

impl<'a> From<&'a KeyRecord> for KeyJson<'a> {
    fn from(r: &'a KeyRecord) -> Self {
        KeyJson {
            id: r.id.to_string(),
            name: &r.name,
            algorithm: r.algorithm.id(),
            tags: &r.tags,
            notes: &r.notes,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
            current_version: r.current_version,
        }
    }
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
    Key {
        key: KeyJson<'a>,
    },
    Keys {
        keys: Vec<KeyJson<'a>>,
    },
    Deleted {
        deleted: DeletedJson<'a>,
    },
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
}

impl Report {
    fn to_json(&self) -> ReportJson<'_> {
        match self {
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
            Report::Key { record, .. } => ReportJson::Key { key: record.into() },
            Report::Keys { keys, .. } => ReportJson::Keys {
                keys: keys.iter().map(KeyJson::from).collect(),
            },
            Report::Deleted { record } => ReportJson::Deleted {
                deleted: DeletedJson {
                    id: record.id.to_string(),
                    name: &record.name,
                },
            },
        }
    }

    fn to_text(&self) -> String {
        match self {
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
            Report::Key { record, action } => {
                let head = match action {
                    KeyAction::Generated => "Generated a new key.\n".to_owned(),
                    KeyAction::Shown => String::new(),
                    KeyAction::Renamed(old) => {
                        format!(
                            "Renamed \"{}\" to \"{}\".\n",
                            clean(old),
                            clean(&record.name)
                        )
                    }
                };
                head + &key_block(record)
            }
            Report::Keys { keys, search } => {
                if keys.is_empty() {
                    if search.trim().is_empty() {
                        "The vault holds no keys.\n".to_owned()
                    } else {
                        format!("No key matches \"{}\".\n", clean(search))
                    }
                } else {
                    key_table(keys)
                }
            }
            Report::Deleted { record } => format!(
                "Deleted the key \"{}\" ({}).\n",
                clean(&record.name),
                record.id
            ),
        }
    }
}

/// Prints a command's report on standard output.
///
/// # Errors
/// [`Code::Io`] when standard output cannot be written. A closed pipe (`keywarden key
/// list | head -1`) is not an error.
pub fn print(report: &Report, json: bool) -> Result<(), Failure> {
    let text = if json {
        to_json_text(&report.to_json())?
    } else {
        report.to_text()
    };
    write_stdout(&text)
}

/// Prints a failure: as JSON on standard output with `--json`, else on standard error.
/// Errors while printing it are ignored: there is nowhere left to report them.
pub fn print_failure(failure: &Failure, json: bool) {
    if json {
        let doc = ErrorJson {
            error: ErrorBody {
                code: failure.code.as_str(),
                message: &failure.message,
            },
        };
        if let Ok(text) = to_json_text(&doc) {
            let _ = write_stdout(&text);
        }
    } else {
        let _ = writeln!(io::stderr().lock(), "error: {}", clean(&failure.message));
    }
}

/// Prints a warning on standard error.
pub fn warn(message: &str) {
    let _ = writeln!(io::stderr().lock(), "warning: {message}");
}

fn to_json_text<T: Serialize>(value: &T) -> Result<String, Failure> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(Code::Internal, format!("cannot encode JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::io("cannot write to standard output", &e)),
    }
}

/// RFC 3339 in UTC, to the second: `2025-03-01T12:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    format!("{t:.0}")
}

fn memory(kib: u32) -> String {
    if kib.is_multiple_of(1024) {
        format!("{} MiB", kib / 1024)
    } else {
        format!("{kib} KiB")
    }
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Vault text as shown on a terminal: control characters other than line breaks and
/// tabs are escaped, so stored text can never drive the terminal.
fn clean(text: &str) -> String {
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

/// The first eight characters of a key's id: enough to tell keys apart, and accepted
/// back as a key reference.
fn short_id(record: &KeyRecord) -> String {
    record.id.to_string().chars().take(8).collect()
}

fn key_block(r: &KeyRecord) -> String {
    let tags = if r.tags.is_empty() {
        "-".to_owned()
    } else {
        clean(&r.tags.join(", "))
    };
    let mut out = format!(
        "Name:       {}\n\
         Id:         {}\n\
         Algorithm:  {} ({}, {} bits)\n\
         Tags:       {}\n\
         Created:    {}\n\
         Updated:    {}\n\
         Version:    {}\n",
        clean(&r.name),
        r.id,
        r.algorithm.id(),
        r.algorithm.label(),
        r.algorithm.bits(),
        tags,
        rfc3339(r.created_at),
        rfc3339(r.updated_at),
        r.current_version,
    );
    if !r.notes.is_empty() {
        let notes = clean(&r.notes);
        let mut lines = notes.lines();
        out.push_str(&format!(
            "Notes:      {}\n",
            lines.next().unwrap_or_default()
        ));
        for line in lines {
            out.push_str(&format!("            {line}\n"));
        }
    }
    out
}

fn key_table(keys: &[KeyRecord]) -> String {
    let header = ["NAME", "ALGORITHM", "TAGS", "CREATED", "ID"].map(str::to_owned);
    let rows: Vec<[String; 5]> = keys
        .iter()
        .map(|r| {
            [
                clean(&r.name),
                r.algorithm.id().to_owned(),
                clean(&r.tags.join(",")),
                r.created_at.strftime("%Y-%m-%d").to_string(),
                short_id(r),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
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
    }

    #[test]
    fn timestamps_are_rfc3339_utc_to_the_second() {
        let t: Timestamp = "2025-03-01T12:34:56.789Z".parse().unwrap();
        assert_eq!(rfc3339(t), "2025-03-01T12:34:56Z");
    }

    #[test]
    fn memory_is_shown_in_mib_when_whole() {
        assert_eq!(memory(262_144), "256 MiB");
        assert_eq!(memory(1000), "1000 KiB");
    }
}
