//! What every command shares: the global options, the vault's path, and the way from a
//! path to an unlocked vault.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use keywarden_core::{KeyFile, LockedVault, Passphrase, SystemClock, UnlockedVault};

use crate::args::Cli;
use crate::failure::Failure;
use crate::output;
use crate::passphrase::{ENV_PASSPHRASE, Source};

/// The environment variable that names the vault when `--vault` is not given.
pub const ENV_VAULT: &str = "KEYWARDEN_VAULT";

/// The global options, resolved.
#[derive(Debug, Clone)]
pub struct Session {
    /// The vault file.
    pub vault: PathBuf,
    /// `--passphrase-file`.
    pub passphrase_file: Option<PathBuf>,
    /// `--keyfile`.
    pub keyfile: Option<PathBuf>,
    /// `--actor`: who is acting, for the audit log (`None`: the engine's default, the
    /// operating system's user).
    pub actor: Option<String>,
}

/// A vault unlocked for one command, with the secrets that unlocked it (`passwd` needs
/// them again).
#[derive(Debug)]
pub struct Unlocked {
    /// The vault.
    pub vault: UnlockedVault,
    /// The passphrase that opened it.
    pub passphrase: Passphrase,
    /// The key file that opened it, if the vault has one.
    pub key_file: Option<KeyFile>,
}

impl Session {
    /// Resolves the global options: `--vault`, else `KEYWARDEN_VAULT` if it is set and
    /// not empty, else the platform's default path.
    ///
    /// # Errors
    /// A usage error when no path was given and the platform has no data directory.
    pub fn from_cli(cli: &Cli) -> Result<Self, Failure> {
        let from_env = std::env::var_os(ENV_VAULT)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let vault = match cli.vault.clone().or(from_env) {
            Some(path) => path,
            None => keywarden_core::default_vault_path().ok_or_else(|| {
                Failure::usage(
                    "this system has no data directory for the default vault: \
                     give --vault PATH or set KEYWARDEN_VAULT",
                )
            })?,
        };
        Ok(Session {
            vault,
            passphrase_file: cli.passphrase_file.clone(),
            keyfile: cli.keyfile.clone(),
            actor: cli.actor.clone(),
        })
    }

    /// Where the vault's passphrase comes from.
    pub fn passphrase_source<'a>(&'a self, prompt: &'a str) -> Source<'a> {
        Source {
            file: self.passphrase_file.as_deref(),
            file_option: "--passphrase-file",
            env: Some(ENV_PASSPHRASE),
            prompt,
        }
    }

    /// Reads `--keyfile`, if given.
    ///
    /// # Errors
    /// [`crate::failure::Code::KeyfileUnreadable`].
    pub fn read_key_file(&self) -> Result<Option<KeyFile>, Failure> {
        self.keyfile
            .as_deref()
            .map(KeyFile::read)
            .transpose()
            .map_err(Failure::key_file_read)
    }

    /// Opens the vault, locked.
    ///
    /// # Errors
    /// Not found, not a vault, damaged, newer format, in use, I/O.
    pub fn open(&self) -> Result<LockedVault, Failure> {
        LockedVault::open(&self.vault, Arc::new(SystemClock))
            .map_err(|e| Failure::open(e, &self.vault))
    }

    /// Opens the vault, checks the key file options against it, obtains the passphrase
    /// (only then: a missing or foreign vault is reported before anyone types), and
    /// unlocks it as the actor (`--actor`). Then carries out every scheduled
    /// destruction that is due, saying so on standard error: whatever the command, using
    /// the vault keeps its destructions on time.
    ///
    /// # Errors
    /// Everything [`Session::open`] reports, a missing, unreadable or wrong key file,
    /// no passphrase available, a wrong passphrase, a damaged vault, an invalid
    /// `--actor`, a storage failure while destroying keys that are due.
    pub fn unlock(&self) -> Result<Unlocked, Failure> {
        let mut locked = self.open()?;
        if let Some(actor) = &self.actor {
            // Before unlocking, so that the unlock's own audit entry names the actor.
            locked.set_actor(actor)?;
        }
        if self.keyfile.is_none() && locked.requires_key_file()? {
            return Err(keywarden_core::UnlockError::KeyFileRequired.into());
        }
        let key_file = self.read_key_file()?;
        let prompt = format!("Passphrase for {}", display(locked.path()));
        let passphrase = self.passphrase_source(&prompt).existing()?;
        let mut vault = locked.unlock(&passphrase, key_file.as_ref())?;
        // Before the command's own work, so that it sees the keys as they now are.
        for id in vault.destroy_due()? {
            let name = vault.get(&id).map(|r| r.name.clone()).unwrap_or_default();
            output::warn(&format!(
                "destroyed the key \"{}\" ({id}) as scheduled: its material is erased",
                output::clean(&name)
            ));
        }
        Ok(Unlocked {
            vault,
            passphrase,
            key_file,
        })
    }
}

/// A path as shown to people and in JSON: as given, lossily converted to UTF-8.
pub fn display(path: &Path) -> String {
    path.display().to_string()
}
