//! `keywarden key …`: generate, list, show, rename and delete keys, and move them
//! through their lifecycle: state changes, rotation, scheduled destruction, reveal;
//! import and export are in [`import`] and [`export`].

mod export;
mod import;

use std::cmp::Ordering;
use std::collections::HashSet;

use keywarden_core::{
    Format, KeyId, KeyRecord, KeyUpdate, RecordError, SecretUse, Timestamp, UnlockedVault,
};

use crate::args::{DestroyArgs, GenArgs, KeyCommand, ListArgs, RevealArgs, SnoozeArgs, SortKey};
use crate::failure::{Code, Failure};
use crate::output::{self, KeyAction, KeyView, Report, Revealed};
use crate::session::{Session, Unlocked};
use crate::terminal;

/// Runs one `key` command.
///
/// # Errors
/// Everything [`Session::unlock`] reports, then the engine's record errors: an unknown
/// or ambiguous reference, a name taken, an invalid field, a policy violation, a step
/// the key's state does not allow. A deletion or reveal that is not confirmed changes
/// nothing.
pub fn run(session: &Session, command: &KeyCommand) -> Result<Report, Failure> {
    // Refuse before the passphrase is asked and the KDF runs; a key to import is read
    // and checked now, so a bad file is reported before anyone types.
    let mut imported = None;
    let mut replacement = None;
    match command {
        KeyCommand::Delete { yes: false, .. } if !terminal::is_interactive() => {
            return Err(Failure::usage(
                "standard input is not a terminal, so deletion cannot be confirmed: \
                 add --yes to delete without asking",
            ));
        }
        KeyCommand::Reveal(RevealArgs { yes: false, .. })
            if terminal::stdout_is_terminal() && !terminal::is_interactive() =>
        {
            return Err(Failure::usage(
                "the secret would be printed on a terminal and standard input cannot \
                 confirm it: add --yes, or redirect standard output",
            ));
        }
        KeyCommand::Import(args) => imported = Some(import::read(args)?),
        KeyCommand::Rotate(args) => {
            if let Some(file) = &args.public {
                replacement = Some(import::read_public(args, file)?);
            }
        }
        KeyCommand::ExportPublic(args) => export::check_public(args)?,
        KeyCommand::Export(args) => export::check_secret(args)?,
        _ => {}
    }
    let mut unlocked = session.unlock()?;
    let vault = &mut unlocked.vault;
    match command {
        KeyCommand::Gen(args) => generate(vault, args),
        KeyCommand::List(args) => list(vault, args),
        KeyCommand::Show { reference } => {
            let record = vault.find(reference)?.clone();
            Ok(key_report(vault, record, KeyAction::Shown))
        }
        KeyCommand::Rename {
            reference,
            new_name,
        } => {
            let old = vault.find(reference)?.clone();
            let record = vault
                .update_key(
                    &old.id,
                    KeyUpdate {
                        name: Some(new_name.clone()),
                        ..KeyUpdate::default()
                    },
                )?
                .clone();
            Ok(key_report(vault, record, KeyAction::Renamed(old.name)))
        }
        KeyCommand::Delete { reference, yes } => {
            let record = vault.find(reference)?.clone();
            if !yes {
                confirm_delete(&record.name, &record.id.to_string())?;
            }
            vault.delete_key(&record.id)?;
            Ok(Report::Deleted {
                record: Box::new(record),
            })
        }
        KeyCommand::State(args) => {
            let id = vault.find(&args.reference)?.id;
            let from = vault.get(&id)?.state;
            let record = vault.set_state(&id, args.state, &args.reason)?.clone();
            Ok(key_report(vault, record, KeyAction::StateChanged(from)))
        }
        KeyCommand::Rotate(args) => {
            let id = vault.find(&args.reference)?.id;
            let previous = vault.get(&id)?.current_version;
            let hint = vault.get(&id)?.public_only && replacement.is_none();
            let record = match replacement {
                Some(public) => vault.replace_public_key(&id, public, &args.reason),
                None => vault.rotate_key(&id, args.alg, &args.reason),
            }
            .map_err(|e| match e {
                // Say how the command line takes the new public key.
                RecordError::NotAllowed { reason } if hint => RecordError::NotAllowed {
                    reason: format!("{reason} (--public FILE)"),
                },
                other => other,
            })?
            .clone();
            Ok(key_report(vault, record, KeyAction::Rotated(previous)))
        }
        KeyCommand::Destroy(args) => destroy(vault, args),
        KeyCommand::Snooze(args) => snooze(vault, args),
        KeyCommand::Reveal(args) => reveal(session, &mut unlocked, args),
        KeyCommand::Import(args) => import::store(vault, args, imported),
        KeyCommand::ExportPublic(args) => export::public(vault, args),
        KeyCommand::Export(args) => export::secret(session, &mut unlocked, args),
    }
}

/// The report on one key, with what the vault says about it now.
fn key_report(vault: &UnlockedVault, record: KeyRecord, action: KeyAction) -> Report {
    Report::Key {
        key: Box::new(KeyView::new(vault, record)),
        action,
    }
}

/// `key gen`: the policy's warnings about the new key go to standard error.
fn generate(vault: &mut UnlockedVault, args: &GenArgs) -> Result<Report, Failure> {
    let record = vault
        .generate_key(args.fields.new_key(&args.name, args.alg))?
        .clone();
    let view = KeyView::new(vault, record);
    for warning in view.warnings() {
        output::warn(&output::clean(&warning.message));
    }
    Ok(Report::Key {
        key: Box::new(view),
        action: KeyAction::Generated,
    })
}

/// `key list`: the engine's search, then the filters, then the order asked for.
fn list(vault: &UnlockedVault, args: &ListArgs) -> Result<Report, Failure> {
    let search = args.search.clone().unwrap_or_default();
    let unused: Option<HashSet<KeyId>> = args
        .unused_days
        .map(|days| vault.unused_keys(days).iter().map(|r| r.id).collect());
    let horizon = args
        .due_within
        .map(|d| days_from_now("--due-within", d))
        .transpose()?;
    let mut keys: Vec<KeyView> = vault
        .list(&search)
        .into_iter()
        .filter(|r| args.state.is_none_or(|s| r.state == s))
        .filter(|r| args.purpose.is_none_or(|p| r.purpose == p))
        .filter(|r| args.alg.is_none_or(|a| r.algorithm == a))
        .filter(|r| unused.as_ref().is_none_or(|set| set.contains(&r.id)))
        .map(|r| KeyView::new(vault, r.clone()))
        .filter(|v| horizon.is_none_or(|h| v.next_rotation.is_some_and(|due| due <= h)))
        .collect();
    // The engine lists by name; a stable sort keeps that order among equals.
    match args.sort {
        SortKey::Name => {}
        SortKey::State => keys.sort_by_key(|v| v.record.state),
        SortKey::Due => keys.sort_by(|a, b| by_due(a.next_rotation, b.next_rotation)),
        SortKey::Created => keys.sort_by_key(|v| v.record.created_at),
    }
    let filtered = args.state.is_some()
        || args.purpose.is_some()
        || args.alg.is_some()
        || args.due_within.is_some()
        || args.unused_days.is_some();
    Ok(Report::Keys {
        keys,
        filtered,
        search,
    })
}

/// Soonest first; keys with no rotation date last.
fn by_due(a: Option<Timestamp>, b: Option<Timestamp>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The instant `days` days from now, given to `option`.
fn days_from_now(option: &str, days: u32) -> Result<Timestamp, Failure> {
    let now = Timestamp::now();
    Timestamp::from_second(now.as_second().saturating_add(i64::from(days) * 86_400)).map_err(|_| {
        Failure::new(
            Code::InvalidInput,
            format!("{option} {days} reaches past the end of time"),
        )
    })
}

/// `key destroy`: schedule, destroy at once (a wait of zero), or cancel.
fn destroy(vault: &mut UnlockedVault, args: &DestroyArgs) -> Result<Report, Failure> {
    let id = vault.find(&args.reference)?.id;
    let (record, action) = if args.cancel {
        let record = vault.cancel_destruction(&id, &args.reason)?.clone();
        (record, KeyAction::DestructionCancelled)
    } else {
        let record = vault
            .schedule_destruction(&id, args.after, &args.reason)?
            .clone();
        let action = if record.destruction.is_none() {
            KeyAction::Destroyed
        } else {
            KeyAction::DestructionScheduled
        };
        (record, action)
    };
    Ok(key_report(vault, record, action))
}

/// `key snooze`: put off one due date's reminders until a day, for some days, or wake
/// them again.
fn snooze(vault: &mut UnlockedVault, args: &SnoozeArgs) -> Result<Report, Failure> {
    let id = vault.find(&args.reference)?.id;
    if args.cancel {
        let record = vault.cancel_snooze(&id, args.kind, &args.reason)?.clone();
        return Ok(key_report(
            vault,
            record,
            KeyAction::SnoozeCancelled(args.kind),
        ));
    }
    let until = match (&args.until, args.days) {
        (Some(text), _) => super::audit::parse_date("--until", text, false)?,
        (None, Some(days)) => days_from_now("--days", days)?,
        (None, None) => {
            return Err(Failure::new(
                Code::Usage,
                "say until when: --until DATE or --days N (or --cancel)",
            ));
        }
    };
    let record = vault.snooze(&id, args.kind, until, &args.reason)?.clone();
    Ok(key_report(vault, record, KeyAction::Snoozed(args.kind)))
}

/// `key reveal`: confirms on a terminal, asks for the passphrase again from the same
/// sources as unlocking, and hands the material over in its text form.
fn reveal(
    session: &Session,
    unlocked: &mut Unlocked,
    args: &RevealArgs,
) -> Result<Report, Failure> {
    let record = unlocked.vault.find(&args.reference)?.clone();
    if !args.yes && terminal::stdout_is_terminal() {
        confirm_printing(&record.name, "nothing was revealed")?;
    }
    let prompt = format!(
        "Passphrase again, to reveal \"{}\"",
        output::clean(&record.name)
    );
    let passphrase = session.passphrase_source(&prompt).existing()?;
    let version = args.version.unwrap_or(record.current_version);
    let material = unlocked.vault.use_secret(
        &record.id,
        args.version,
        SecretUse::Reveal,
        &passphrase,
        unlocked.key_file.as_ref(),
    );
    let material = material.map_err(|e| version_failure(e, &record.name, args.version))?;
    // One text form per kind of key: hex, PEM, an age identity, or the secret itself.
    let encoding = Format::for_reveal(material.algorithm());
    let text = material.reveal_text()?;
    Ok(Report::Revealed(Revealed {
        id: record.id.to_string(),
        name: record.name,
        version,
        encoding: encoding.id(),
        text,
    }))
}

/// A failure of the engine about a key's version: a version the key does not have is
/// said plainly (the engine names it as part of the reference).
fn version_failure(error: RecordError, name: &str, version: Option<u32>) -> Failure {
    match (error, version) {
        (RecordError::NotFound { .. }, Some(number)) => Failure::new(
            Code::KeyNotFound,
            format!("\"{}\" has no version {number}", output::clean(name)),
        ),
        (other, _) => other.into(),
    }
}

/// Asks, on the terminal, before secret material of the key `name` is printed there.
///
/// # Errors
/// [`Code::NotConfirmed`] (with `refused`: what did not happen) unless the answer is
/// `yes`; [`Code::Io`].
fn confirm_printing(name: &str, refused: &str) -> Result<(), Failure> {
    let answer = terminal::ask_line(&format!(
        "This prints the secret material of \"{}\" on the terminal, where others may \
         see it.\nType yes to go on: ",
        output::clean(name)
    ))
    .map_err(|e| Failure::io("cannot read the confirmation", &e))?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(Failure::new(
            Code::NotConfirmed,
            format!("not confirmed; {refused}"),
        ))
    }
}

/// Asks the person to type the key's name.
fn confirm_delete(name: &str, id: &str) -> Result<(), Failure> {
    let answer = terminal::ask_line(&format!(
        "Deleting \"{name}\" ({id}) erases its material for good.\n\
         Type the key's name to confirm: "
    ))
    .map_err(|e| Failure::io("cannot read the confirmation", &e))?;
    if answer.trim() == name {
        Ok(())
    } else {
        Err(Failure::new(
            Code::NotConfirmed,
            "the name typed does not match; the key was not deleted",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_without_a_rotation_date_sort_last() {
        let t: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let later: Timestamp = "2031-01-01T00:00:00Z".parse().unwrap();
        let mut dates = vec![None, Some(later), Some(t), None];
        dates.sort_by(|a, b| by_due(*a, *b));
        assert_eq!(dates, vec![Some(t), Some(later), None, None]);
    }
}
