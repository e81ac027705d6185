//! `keywarden audit …`: list, verify and export the vault's audit log.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use keywarden_core::{AuditFilter, KeyId, Outcome, RecordError, Timestamp, UnlockedVault};

use crate::args::{AuditCommand, AuditFilterArgs, ExportFormat, OutcomeArg};
use crate::failure::{Code, Failure};
use crate::output::{self, Report};
use crate::session::{Session, display};

/// Runs one `audit` command.
///
/// # Errors
/// Everything [`Session::unlock`] reports; a malformed filter (`invalid_input`); a log
/// that does not verify (`check_failed`, exit 1); a damaged entry while listing
/// (`vault_damaged`: run `audit verify`); an export file that cannot be written.
pub fn run(session: &Session, command: &AuditCommand) -> Result<Report, Failure> {
    // Check the dates before asking for the passphrase.
    if let AuditCommand::List { filter, .. } | AuditCommand::Export { filter, .. } = command {
        dates(filter)?;
    }
    let vault = session.unlock()?.vault;
    match command {
        AuditCommand::List { filter, limit } => {
            let mut entries = vault.audit_entries(&to_filter(&vault, filter)?)?;
            if let Some(limit) = limit {
                entries.drain(..entries.len().saturating_sub(*limit));
            }
            Ok(Report::AuditEntries { entries })
        }
        AuditCommand::Verify => {
            let verification = vault.verify_audit()?;
            if verification.is_intact() {
                Ok(Report::AuditIntact {
                    entries: verification.entries,
                })
            } else {
                let n = verification.problems.len();
                Err(Failure::new(
                    Code::CheckFailed,
                    format!(
                        "the audit log does not verify: {n} {} in {} entries",
                        if n == 1 { "problem" } else { "problems" },
                        verification.entries
                    ),
                )
                .with_details(
                    verification
                        .problems
                        .iter()
                        .map(ToString::to_string)
                        .collect(),
                ))
            }
        }
        AuditCommand::Export {
            format,
            out,
            filter,
        } => {
            let entries = vault.audit_entries(&to_filter(&vault, filter)?)?;
            let text = match format {
                ExportFormat::Csv => keywarden_core::audit::to_csv(&entries),
                ExportFormat::Jsonl => output::to_jsonl(&entries)?,
            };
            match out {
                None => Ok(Report::Raw(text)),
                Some(path) => {
                    write_private(path, text.as_bytes())?;
                    Ok(Report::AuditExported {
                        entries: entries.len(),
                        format: *format,
                        path: path.clone(),
                    })
                }
            }
        }
    }
}

/// The engine's filter for the options given; a key as [`key_id`] finds it.
fn to_filter(vault: &UnlockedVault, args: &AuditFilterArgs) -> Result<AuditFilter, Failure> {
    let (since, until) = dates(args)?;
    let key = args
        .key
        .as_deref()
        .map(|reference| key_id(vault, reference))
        .transpose()?;
    Ok(AuditFilter {
        action: args.action,
        key,
        outcome: args.outcome.map(|o| match o {
            OutcomeArg::Success => Outcome::Success,
            OutcomeArg::Failure => Outcome::Failure,
        }),
        since,
        until,
        text: args.search.clone().filter(|t| !t.trim().is_empty()),
    })
}

/// The key `reference` names: a key of the vault, or the full id of a key deleted
/// since (the audit log and the kit register still name it).
///
/// # Errors
/// The engine's lookup errors, when `reference` is not a full id either.
pub(crate) fn key_id(vault: &UnlockedVault, reference: &str) -> Result<KeyId, Failure> {
    match vault.find(reference) {
        Ok(record) => Ok(record.id),
        Err(e @ RecordError::NotFound { .. }) => reference
            .trim()
            .parse::<KeyId>()
            .map_err(|_| Failure::from(e)),
        Err(e) => Err(e.into()),
    }
}

/// `--since` and `--until` as instants.
fn dates(args: &AuditFilterArgs) -> Result<(Option<Timestamp>, Option<Timestamp>), Failure> {
    let since = args
        .since
        .as_deref()
        .map(|t| parse_date("--since", t, false))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| parse_date("--until", t, true))
        .transpose()?;
    Ok((since, until))
}

/// A day (`2026-11-28`, UTC) or an RFC 3339 time. A day given to `--until` means up to
/// its end: the instant the next day starts.
pub(crate) fn parse_date(option: &str, text: &str, end_of_day: bool) -> Result<Timestamp, Failure> {
    let text = text.trim();
    let invalid = || {
        Failure::new(
            Code::InvalidInput,
            format!(
                "{option}: \"{}\" is neither a day (YYYY-MM-DD) nor an RFC 3339 time",
                output::clean(&text.chars().take(64).collect::<String>())
            ),
        )
    };
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let is_day = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !is_day {
        return Err(invalid());
    }
    let start: Timestamp = format!("{text}T00:00:00Z").parse().map_err(|_| invalid())?;
    if end_of_day {
        Timestamp::from_second(start.as_second() + 86_400).map_err(|_| invalid())
    } else {
        Ok(start)
    }
}

/// Writes `bytes` to `path`, created or replaced, readable only by its owner on Unix:
/// the log names keys and people.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let what = format!("cannot write {}", display(path));
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| Failure::io(&what, &e))?;
    #[cfg(unix)]
    {
        // An existing file keeps its mode when opened; narrow it too.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|e| Failure::io(&what, &e))?;
    }
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::io(&what, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_accepted() {
        let since = parse_date("--since", "2026-11-28", false).unwrap();
        assert_eq!(since.to_string(), "2026-11-28T00:00:00Z");
        let until = parse_date("--until", "2026-11-28", true).unwrap();
        assert_eq!(until.to_string(), "2026-11-29T00:00:00Z");
        let t = parse_date("--until", "2026-11-28T10:00:00Z", true).unwrap();
        assert_eq!(t.to_string(), "2026-11-28T10:00:00Z");
        for bad in ["yesterday", "2026-13-01", "28/11/2026", "2026-1-1"] {
            let err = parse_date("--since", bad, false).unwrap_err();
            assert_eq!(err.code, Code::InvalidInput, "{bad}");
            assert!(err.message.starts_with("--since:"), "{}", err.message);
        }
    }
}
