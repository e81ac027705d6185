//! `keywarden passwd`: replaces the vault's passphrase (same key file, same KDF strength).

use keywarden_core::ChangePassphraseError;

use crate::args::PasswdArgs;
use crate::failure::Failure;
use crate::output::Report;
use crate::passphrase::{ENV_NEW_PASSPHRASE, Source};
use crate::session::Session;

/// Checks the current passphrase (and key file) by unlocking, then rewraps the vault's
/// data key under the new passphrase.
///
/// # Errors
/// Everything [`Session::unlock`] reports; a weak or mistyped new passphrase; a storage
/// failure, after which the old passphrase still opens the vault.
pub fn run(session: &Session, args: &PasswdArgs) -> Result<Report, Failure> {
    let mut unlocked = session.unlock()?;
    let new = Source {
        file: args.new_passphrase_file.as_deref(),
        file_option: "--new-passphrase-file",
        env: Some(ENV_NEW_PASSPHRASE),
        prompt: "New passphrase",
    }
    .new_one()?;
    if !new.is_strong_enough() {
        return Err(ChangePassphraseError::WeakPassphrase.into());
    }
    unlocked
        .vault
        .change_passphrase(&unlocked.passphrase, unlocked.key_file.as_ref(), &new)?;
    Ok(Report::Passwd {
        vault: session.vault.clone(),
    })
}
