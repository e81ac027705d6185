//! `keywarden passwd`: replaces the vault's passphrase (same key file, same KDF
//! strength), or, with `--recovery-kit`, sets a new one for a vault whose passphrase is
//! lost, opening it with its vault recovery kit.

use keywarden_core::ChangePassphraseError;

use crate::args::PasswdArgs;
use crate::failure::Failure;
use crate::output::Report;
use crate::passphrase::{ENV_NEW_PASSPHRASE, Source};
use crate::session::Session;

/// Checks the current passphrase (and key file) by unlocking, or opens the vault with
/// its recovery kit, then rewraps the vault's data key under the new passphrase.
///
/// # Errors
/// Everything [`Session::unlock`] reports; for `--recovery-kit`, unreadable or
/// malformed shares, too few, or shares that do not open this vault; a weak or
/// mistyped new passphrase; a storage failure, after which the old passphrase still
/// opens the vault.
pub fn run(session: &Session, args: &PasswdArgs) -> Result<Report, Failure> {
    if !args.recovery_kit.is_empty() {
        return recover(session, args);
    }
    let mut unlocked = session.unlock()?;
    let new = new_passphrase(args)?;
    unlocked
        .vault
        .change_passphrase(&unlocked.passphrase, unlocked.key_file.as_ref(), &new)?;
    Ok(Report::Passwd {
        vault: session.vault.clone(),
    })
}

/// `passwd --recovery-kit`: the shares are read and the vault opened with them before
/// the new passphrase is asked; `--keyfile` names the key file from now on.
fn recover(session: &Session, args: &PasswdArgs) -> Result<Report, Failure> {
    let recovery = super::kit::gather(&args.recovery_kit)?;
    let secret = recovery.master_secret()?;
    let mut locked = session.open()?;
    if let Some(actor) = &session.actor {
        locked.set_actor(actor)?;
    }
    let key_file = session.read_key_file()?;
    let recovered = locked.recover(&secret).map_err(|f| f.error)?;
    let new = new_passphrase(args)?;
    recovered
        .set_passphrase(&new, key_file.as_ref())
        .map_err(|f| f.error)?;
    Ok(Report::Passwd {
        vault: session.vault.clone(),
    })
}

/// The new passphrase, asked twice on the terminal or read from its file or variable.
fn new_passphrase(args: &PasswdArgs) -> Result<keywarden_core::Passphrase, Failure> {
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
    Ok(new)
}
