//! The command line, as clap parses it: global options, commands and their arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use keywarden_core::Algorithm;

/// Text shown at the end of `keywarden --help`: where secrets come from and what the exit
/// codes mean. `docs/cli.md` says the same at more length.
const AFTER_HELP: &str = "\
Vault: --vault PATH, else the KEYWARDEN_VAULT environment variable, else
keywarden/vault.keywarden in the platform data directory (~/.local/share on Linux).

Passphrase: --passphrase-file FILE (its first line), else the KEYWARDEN_PASSPHRASE
environment variable, else a prompt when standard input is a terminal.

Exit codes:
  0  success
  1  a check failed or something is due (reserved for later commands)
  2  usage error or invalid input (bad name, unknown algorithm, weak passphrase,
     unknown or ambiguous key reference, name taken, file exists)
  3  wrong passphrase or key file (missing, wrong, unexpected or unreadable)
  4  no vault at the path, or a damaged, foreign or newer file
  5  the vault is in use by another process, or an I/O or system error

Documentation: docs/cli.md";

/// `keywarden`: a key vault on the command line.
#[derive(Debug, Parser)]
#[command(
    name = "keywarden",
    version,
    about = "Keywarden: keep cryptographic keys in an encrypted vault file",
    after_help = AFTER_HELP,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// The vault file [env: KEYWARDEN_VAULT] (default in `keywarden --help`)
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "PATH"
    )]
    pub vault: Option<PathBuf>,

    /// Print JSON on standard output, errors included
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Read the passphrase from the first line of FILE
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub passphrase_file: Option<PathBuf>,

    /// The vault's key file (init: an existing file to require from now on)
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub keyfile: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new, empty vault
    Init(InitArgs),
    /// Change the vault's passphrase
    Passwd(PasswdArgs),
    /// Generate, list, show, rename and delete keys
    #[command(subcommand)]
    Key(KeyCommand),
}

/// `keywarden init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Write a new random key file at FILE and require it to unlock the vault
    #[arg(long, value_name = "FILE", conflicts_with = "keyfile")]
    pub new_keyfile: Option<PathBuf>,

    /// Argon2id memory in MiB [default: 256]
    #[arg(long, value_name = "MiB", value_parser = clap::value_parser!(u32).range(1..))]
    pub kdf_memory: Option<u32>,

    /// Argon2id passes [default: about one second's worth, at least 3]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub kdf_iterations: Option<u32>,

    /// Argon2id lanes [default: one per core]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub kdf_lanes: Option<u32>,

    /// Allow weak KDF parameters, by default 1 MiB, 1 pass, 1 lane (tests only)
    #[arg(long)]
    pub insecure_test_kdf: bool,
}

/// `keywarden passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// The new passphrase: FILE's first line [env: KEYWARDEN_NEW_PASSPHRASE]
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

/// `keywarden key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a new key from the operating system's random generator
    Gen(GenArgs),
    /// List keys, sorted by name
    List(ListArgs),
    /// Show one key's details (never its secret material)
    Show {
        /// The key: its id, its name, or a unique id prefix (4+ characters)
        #[arg(value_name = "REF")]
        reference: String,
    },
    /// Give a key a new name
    Rename {
        /// The key: its id, its name, or a unique id prefix (4+ characters)
        #[arg(value_name = "REF")]
        reference: String,
        /// The new name
        #[arg(value_name = "NEW_NAME")]
        new_name: String,
    },
    /// Delete a key and erase its material
    Delete {
        /// The key: its id, its name, or a unique id prefix (4+ characters)
        #[arg(value_name = "REF")]
        reference: String,
        /// Do not ask for confirmation (needed when stdin is not a terminal)
        #[arg(long)]
        yes: bool,
    },
}

/// `keywarden key gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// The key's name, unique in the vault (1 to 200 characters)
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Kind of key: aes-256, aes-128, chacha20, hmac-sha256, hmac-sha512, ed25519,
    /// ecdsa-p256, ecdsa-p384, rsa-3072, rsa-4096, rsa-2048, x25519, age-x25519,
    /// password, diceware or api-token
    #[arg(long, value_name = "ALG", value_parser = parse_algorithm)]
    pub alg: Algorithm,

    /// Free text kept with the key
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,

    /// A label for search and grouping (repeat for several)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

/// `keywarden key list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys whose name, tags or algorithm contain TEXT, in any case
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

/// Parses an algorithm name with the engine's own parser, so the CLI accepts exactly
/// what the engine knows.
fn parse_algorithm(text: &str) -> Result<Algorithm, keywarden_core::RecordError> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn clap_configuration_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn gen_help_names_every_algorithm() {
        let mut cmd = Cli::command();
        let key = cmd.find_subcommand_mut("key").unwrap();
        let help = key
            .find_subcommand_mut("gen")
            .unwrap()
            .render_help()
            .to_string();
        for alg in Algorithm::ALL {
            assert!(help.contains(alg.id()), "{} missing from\n{help}", alg.id());
        }
    }

    #[test]
    fn global_options_are_accepted_after_the_command() {
        let cli = Cli::try_parse_from([
            "keywarden",
            "key",
            "list",
            "--json",
            "--vault",
            "v",
            "--keyfile",
            "k",
        ])
        .unwrap();
        assert!(cli.json);
        assert_eq!(cli.vault, Some(PathBuf::from("v")));
        assert_eq!(cli.keyfile, Some(PathBuf::from("k")));
    }

    #[test]
    fn init_refuses_both_key_file_options() {
        let err =
            Cli::try_parse_from(["keywarden", "init", "--keyfile", "a", "--new-keyfile", "b"])
                .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}
