//! `keywarden key …`: generate, list, show, rename and delete keys.

use keywarden_core::{KeyUpdate, NewKey};

use crate::args::KeyCommand;
use crate::failure::{Code, Failure};
use crate::output::{KeyAction, Report};
use crate::session::Session;
use crate::terminal;

/// Runs one `key` command.
///
/// # Errors
/// Everything [`Session::unlock`] reports, then the engine's record errors: an unknown
/// or ambiguous reference, a name taken, an invalid field. A deletion that is not
/// confirmed changes nothing.
pub fn run(session: &Session, command: &KeyCommand) -> Result<Report, Failure> {
    if let KeyCommand::Delete { yes: false, .. } = command {
        // Refuse before the passphrase is asked and the KDF runs.
        if !terminal::is_interactive() {
            return Err(Failure::usage(
                "standard input is not a terminal, so deletion cannot be confirmed: \
                 add --yes to delete without asking",
            ));
        }
    }
    let mut vault = session.unlock()?.vault;
    match command {
        KeyCommand::Gen(args) => {
            let record = vault
                .generate_key(NewKey {
                    name: args.name.clone(),
                    algorithm: args.alg,
                    notes: args.notes.clone().unwrap_or_default(),
                    tags: args.tags.clone(),
                    ..NewKey::new(String::new(), keywarden_core::Algorithm::Aes256)
                })?
                .clone();
            Ok(Report::Key {
                record,
                action: KeyAction::Generated,
            })
        }
        KeyCommand::List(args) => {
            let search = args.search.clone().unwrap_or_default();
            Ok(Report::Keys {
                keys: vault.list(&search).into_iter().cloned().collect(),
                search,
            })
        }
        KeyCommand::Show { reference } => Ok(Report::Key {
            record: vault.find(reference)?.clone(),
            action: KeyAction::Shown,
        }),
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
            Ok(Report::Key {
                record,
                action: KeyAction::Renamed(old.name),
            })
        }
        KeyCommand::Delete { reference, yes } => {
            let record = vault.find(reference)?.clone();
            if !yes {
                confirm_delete(&record.name, &record.id.to_string())?;
            }
            vault.delete_key(&record.id)?;
            Ok(Report::Deleted { record })
        }
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
