//! The command line, as clap parses it: global options, commands and their arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use keywarden_core::kit::KitId;
use keywarden_core::print::{Paper, UnknownPaper};
use keywarden_core::reminder::DueKind;
use keywarden_core::{Action, Algorithm, KeyState, NewKey, Purpose};

use crate::key_format::KeyFormat;

/// Text shown at the end of `keywarden --help`: where secrets come from and what the exit
/// codes mean. `docs/cli.md` says the same at more length.
const AFTER_HELP: &str = "\
Vault: --vault PATH, else the KEYWARDEN_VAULT environment variable, else
keywarden/vault.keywarden in the platform data directory (~/.local/share on Linux).

Passphrase: --passphrase-file FILE (its first line), else the KEYWARDEN_PASSPHRASE
environment variable, else a prompt when standard input is a terminal.

Actor: --actor NAME names the person in the audit log and state history; by
default, the operating system's user.

Exit codes:
  0  success
  1  a check failed or something is due (audit verify found the log tampered
     with; kit verify found a kit unlike the register; due listed a key)
  2  usage error or invalid input (bad name, unknown algorithm, weak passphrase,
     unknown or ambiguous key reference, name taken, file exists, kit data
     refused), a policy violation, or a step the key's state does not allow
  3  wrong passphrase or key file (missing, wrong, unexpected or unreadable),
     or a kit passphrase or identity that does not open the kit
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

    /// Who is acting, for the audit log [default: the operating system's user]
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "NAME"
    )]
    pub actor: Option<String>,

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
    /// Generate, list, show and manage keys through their lifecycle
    #[command(subcommand)]
    Key(KeyCommand),
    /// Show or change the vault's key-management policy
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// List, verify and export the audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// List rotations and destructions that are due (exit 1 when any is)
    Due(DueArgs),
    /// Write every due date to an iCalendar file, with reminders (audited)
    Calendar(CalendarArgs),
    /// Write the key-management review report, one printable HTML or PDF file (audited)
    Report(ReportArgs),
    /// Make, list, recover and drill recovery kits: keys on paper, in open formats
    #[command(subcommand)]
    Kit(KitCommand),
}

/// `keywarden kit …`.
#[derive(Debug, Subcommand)]
pub enum KitCommand {
    /// Make a recovery kit: printable PDF sheets and the age file (asks for the
    /// passphrase again; audited)
    Create(KitCreateArgs),
    /// List the kits in the custody register, oldest first
    List {
        /// Only kits that hold this key: a reference, or the full id of a deleted key
        #[arg(long, value_name = "REF")]
        key: Option<String>,
    },
    /// Show one kit of the register: its keys, custodians, status and last drill
    Show {
        /// The kit's id, KW-XXXX-XXXX
        #[arg(value_name = "KIT", value_parser = parse_kit_id)]
        kit: KitId,
    },
    /// Read a kit back from scanned sheets, or its codes, typed lines and share words,
    /// and add its keys to the vault (audited)
    Recover(KitRecoverArgs),
    /// Drill: read a kit back and check it against the register, without showing its
    /// secrets (exit 1 when it does not match; audited)
    Verify(KitReadArgs),
}

/// How `kit create --kind` locks a kit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KitKindArg {
    // One sheet, encrypted to a kit passphrase written on it by hand.
    Personal,
    // One sheet per custodian, each with a SLIP-39 share; --threshold of them recover it.
    Split,
    // Encrypted to an escrow agent's age recipient.
    Escrow,
    // One sheet, not encrypted: whoever holds it holds the keys.
    Unencrypted,
    // A vault recovery kit (no keys): opens the vault when the passphrase is lost.
    Vault,
}

impl KitKindArg {
    /// The kind as `--kind` names it.
    pub fn id(self) -> &'static str {
        match self {
            KitKindArg::Personal => "personal",
            KitKindArg::Split => "split",
            KitKindArg::Escrow => "escrow",
            KitKindArg::Unencrypted => "unencrypted",
            KitKindArg::Vault => "vault",
        }
    }
}

/// `keywarden kit create`.
#[derive(Debug, Args)]
pub struct KitCreateArgs {
    /// The keys the kit holds, each at its current version: ids, names or unique id
    /// prefixes (4+ characters); none for a vault recovery kit
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,

    /// How the kit is locked
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: KitKindArg,

    /// The directory to write the sheets and the age file to (made with mode 0700 if
    /// missing; it must be empty unless --force)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Paper size of the sheets: a4 or letter
    #[arg(long, value_name = "PAPER", default_value = "a4", value_parser = parse_paper)]
    pub paper: Paper,

    /// Who keeps a sheet: one for personal and unencrypted kits [default: the actor];
    /// one per sheet, in share order, for split and vault kits
    #[arg(long = "custodian", value_name = "NAME")]
    pub custodians: Vec<String>,

    /// Split and vault kits: how many sheets recover (2 to the number of custodians; a
    /// vault kit of one sheet needs none)
    #[arg(long, value_name = "M")]
    pub threshold: Option<u8>,

    /// Escrow kits: the agent's age public key (age1…)
    #[arg(long, value_name = "RECIPIENT")]
    pub recipient: Option<String>,

    /// Escrow kits: the agent's name, printed on the sheet
    #[arg(long, value_name = "NAME")]
    pub agent: Option<String>,

    /// Personal kits: the kit passphrase, FILE's first line [default: asked twice on the
    /// terminal]
    #[arg(long, value_name = "FILE", conflicts_with = "generate_passphrase")]
    pub kit_passphrase_file: Option<PathBuf>,

    /// Personal kits: generate a six-word kit passphrase and print it once, to be
    /// written on the sheet by hand
    #[arg(long)]
    pub generate_passphrase: bool,

    /// Unencrypted kits: make one although anyone holding the sheet has the keys
    #[arg(long)]
    pub yes_unencrypted: bool,

    /// Write into a directory that holds other files, replacing any of the same name
    #[arg(long)]
    pub force: bool,
}

/// What `kit recover` and `kit verify` read.
#[derive(Debug, Args)]
pub struct KitReadArgs {
    /// What to read, in any order: scanned sheets (PNG, JPEG, or a PDF of scanned
    /// pages), whose QR codes are decoded; text files of QR code texts (as `zbarimg
    /// --raw` prints them), typed lines, share words (one share per paragraph), the kit
    /// id; - for standard input
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Personal kits: the kit passphrase, FILE's first line [default: asked on the
    /// terminal]
    #[arg(long, value_name = "FILE")]
    pub kit_passphrase_file: Option<PathBuf>,

    /// Escrow kits: the agent's age identity file (its AGE-SECRET-KEY-1… line)
    #[arg(long, value_name = "FILE")]
    pub identity: Option<PathBuf>,
}

/// `keywarden kit recover`.
#[derive(Debug, Args)]
pub struct KitRecoverArgs {
    /// What to read, and what opens it
    #[command(flatten)]
    pub read: KitReadArgs,

    /// Open the kit and check every key against its fingerprints, but add nothing (no
    /// vault needed)
    #[arg(long)]
    pub dry_run: bool,
}

/// `keywarden calendar`.
#[derive(Debug, Args)]
pub struct CalendarArgs {
    /// The iCalendar file to write (RFC 5545, mode 0600), such as due.ics
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Title events with key ids instead of names (by default the calendar names
    /// every key that has a due date, to whoever can read it)
    #[arg(long)]
    pub ids_only: bool,

    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

/// `keywarden report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The file to write (mode 0600), such as review.html or review.pdf
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// html or pdf [default: pdf when FILE ends in .pdf, else html]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ReportFormat>,

    /// Paper size of a PDF report: a4 or letter
    #[arg(long, value_name = "PAPER", default_value = "a4", value_parser = parse_paper)]
    pub paper: Paper,

    /// List keys not revealed, exported or rotated (or made) for N days or more as
    /// unused
    #[arg(
        long,
        value_name = "N",
        default_value_t = keywarden_core::report::DEFAULT_UNUSED_DAYS,
        value_parser = clap::value_parser!(u32).range(1..=36500)
    )]
    pub unused_days: u32,

    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

/// `keywarden due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// What falls due within DAYS calendar days (overdue items always)
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub within: u32,

    /// Also list snoozed reminders (they never make the exit code 1)
    #[arg(long)]
    pub include_snoozed: bool,
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

    /// The passphrase is lost: open the vault with its vault recovery kit instead,
    /// from enough of its sheets: scans (PNG, JPEG, PDF), or their words or codes in
    /// text files, or - for standard input. --keyfile then names the key file the vault uses from now on (without
    /// it, none)
    #[arg(long = "recovery-kit", value_name = "FILE", num_args = 1..)]
    pub recovery_kit: Vec<PathBuf>,
}

/// `keywarden key …`.
#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate a new key from the operating system's random generator
    Gen(GenArgs),
    /// List keys, with filters; sorted by name unless --sort says otherwise
    List(ListArgs),
    /// Show one key's details, versions, state timeline and policy findings (never its
    /// secret material)
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
    /// Delete a key and erase its material, leaving no record (see also destroy)
    Delete {
        /// The key: its id, its name, or a unique id prefix (4+ characters)
        #[arg(value_name = "REF")]
        reference: String,
        /// Do not ask for confirmation (needed when stdin is not a terminal)
        #[arg(long)]
        yes: bool,
    },
    /// Move a key to another state, as NIST SP 800-57 allows
    State(StateArgs),
    /// Give an active key a new version; the old one is deactivated
    Rotate(RotateArgs),
    /// Schedule a key's destruction after a waiting period, or cancel it
    Destroy(DestroyArgs),
    /// Put off the reminders of a key's due date, with a reason (audited), or wake them
    Snooze(SnoozeArgs),
    /// Print a key's secret material (asks for the passphrase again; audited)
    Reveal(RevealArgs),
    /// Add a key made elsewhere (a private key, a secret, or a public key alone) from a
    /// file or standard input
    Import(ImportArgs),
    /// Write a key's public part: SPKI, OpenSSH, JWK or age recipient (audited)
    ExportPublic(ExportPublicArgs),
    /// Write a key's secret material to a file (asks for the passphrase again; audited)
    Export(ExportArgs),
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

    /// What the key is, for whom and when to rotate it
    #[command(flatten)]
    pub fields: KeyFieldsArgs,
}

/// The options `key gen` and `key import` share: what a new key is for and who holds it.
#[derive(Debug, Args)]
pub struct KeyFieldsArgs {
    /// What the key is for: data-encryption, key-wrapping, authentication, signature,
    /// key-agreement, key-transport, key-derivation or secret [default: the
    /// algorithm's usual purpose]
    #[arg(long, value_name = "PURPOSE", value_parser = parse_purpose)]
    pub purpose: Option<Purpose>,

    /// The person or team responsible for the key
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,

    /// A person who holds or may recover the key (repeat for several)
    #[arg(long = "custodian", value_name = "NAME")]
    pub custodians: Vec<String>,

    /// Leave the key in pre-activation instead of activating it now
    #[arg(long)]
    pub pre_activation: bool,

    /// Rotate every N days instead of the policy's cryptoperiod for the purpose
    #[arg(long, value_name = "N")]
    pub rotation_days: Option<u32>,

    /// Free text kept with the key
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,

    /// A label for search and grouping (repeat for several)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

impl KeyFieldsArgs {
    /// A new key of this name and algorithm with these fields.
    pub fn new_key(&self, name: &str, algorithm: Algorithm) -> NewKey {
        NewKey {
            purpose: self.purpose,
            owner: self.owner.clone().unwrap_or_default(),
            custodians: self.custodians.clone(),
            notes: self.notes.clone().unwrap_or_default(),
            tags: self.tags.clone(),
            pre_activation: self.pre_activation,
            rotation_days: self.rotation_days,
            ..NewKey::new(name, algorithm)
        }
    }
}

/// `keywarden key list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys whose name, tags, owner, algorithm, purpose or state contain TEXT, in
    /// any case
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,

    /// Only keys in this state: pre-activation, active, suspended, deactivated,
    /// compromised or destroyed
    #[arg(long, value_name = "STATE", value_parser = parse_state)]
    pub state: Option<KeyState>,

    /// Only keys with this purpose
    #[arg(long, value_name = "PURPOSE", value_parser = parse_purpose)]
    pub purpose: Option<Purpose>,

    /// Only keys of this algorithm
    #[arg(long, value_name = "ALG", value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,

    /// Only keys due for rotation within DAYS days (overdue ones included)
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,

    /// Only keys not revealed, exported or rotated (or made) for N days or more
    #[arg(long, value_name = "N")]
    pub unused_days: Option<u32>,

    /// Order of the list (state: lifecycle order; due: soonest first; created: oldest
    /// first)
    #[arg(long, value_enum, default_value_t = SortKey::Name)]
    pub sort: SortKey,
}

/// How `key list` orders keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    // By name, in any case.
    Name,
    // By state in lifecycle order, then by name.
    State,
    // By next rotation, soonest first; keys with none last.
    Due,
    // By creation time, oldest first.
    Created,
}

/// `keywarden key state`.
#[derive(Debug, Args)]
pub struct StateArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// The new state: active, suspended, deactivated or compromised
    #[arg(value_name = "STATE", value_parser = parse_state)]
    pub state: KeyState,

    /// Why, for the state history and the audit log
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// `keywarden key rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Why, for the audit log
    #[arg(long, value_name = "TEXT")]
    pub reason: String,

    /// The new version's algorithm, of the same family [default: the key's own, or
    /// the first the policy allows]
    #[arg(long, value_name = "ALG", value_parser = parse_algorithm, conflicts_with = "public")]
    pub alg: Option<Algorithm>,

    /// For a key the vault holds only the public key of: the holder's new public key
    /// (spki-pem, spki-der, openssh-public, jwk or age-recipient), or - for standard input
    #[arg(long, value_name = "FILE")]
    pub public: Option<PathBuf>,

    /// The format of the --public file [default: recognised from the content]
    #[arg(long, value_name = "FORMAT", value_parser = parse_key_format, requires = "public")]
    pub format: Option<KeyFormat>,
}

/// `keywarden key destroy`.
#[derive(Debug, Args)]
pub struct DestroyArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Wait DAYS days before erasing [default: the policy's destruction-wait-days]
    #[arg(long, value_name = "DAYS", conflicts_with = "cancel")]
    pub after: Option<u32>,

    /// Cancel the scheduled destruction instead
    #[arg(long)]
    pub cancel: bool,

    /// Why, for the state history and the audit log
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// `keywarden key snooze`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("when").args(["until", "days", "cancel"]).required(true)))]
pub struct SnoozeArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Which due date: rotation, usage-end or destruction
    #[arg(long, value_name = "KIND", default_value = "rotation", value_parser = parse_due_kind)]
    pub kind: DueKind,

    /// Remind again from this day (YYYY-MM-DD, UTC) or RFC 3339 time; at most the
    /// policy's max-snooze-days past the due date
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Remind again in DAYS days
    #[arg(long, value_name = "DAYS")]
    pub days: Option<u32>,

    /// End the snooze now instead
    #[arg(long)]
    pub cancel: bool,

    /// Why, for the audit log
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

/// A key's kind of due date: a drill is a kit's and moves only by drilling the kit.
fn parse_due_kind(s: &str) -> Result<DueKind, String> {
    match s.parse() {
        Ok(DueKind::Drill) => {
            Err("a kit drill cannot be snoozed: drill the kit (kit verify)".to_owned())
        }
        Ok(kind) => Ok(kind),
        Err(e) => Err(keywarden_core::RecordError::to_string(&e)),
    }
}

/// `keywarden key reveal`.
#[derive(Debug, Args)]
pub struct RevealArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// The version to reveal [default: the current one]
    #[arg(long, value_name = "N")]
    pub version: Option<u32>,

    /// Print to a terminal without asking first
    #[arg(long)]
    pub yes: bool,
}

/// `keywarden key import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The key file to read, or - for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// The key's name, unique in the vault (1 to 200 characters)
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// The file's format: pkcs8-pem, pkcs8-der, openssh-private, age-identity, jwk,
    /// hex, base64 or text, or for a public key alone spki-pem, spki-der,
    /// openssh-public or age-recipient [default: recognised from the content; hex,
    /// base64 and text must be named]
    #[arg(long, value_name = "FORMAT", value_parser = parse_key_format)]
    pub format: Option<KeyFormat>,

    /// The kind of key the file holds (needed for hex, base64, text and oct JWKs; for
    /// other formats it must agree with the file)
    #[arg(long, value_name = "ALG", value_parser = parse_algorithm)]
    pub alg: Option<Algorithm>,

    /// What the key is, for whom and when to rotate it
    #[command(flatten)]
    pub fields: KeyFieldsArgs,
}

/// `keywarden key export-public`.
#[derive(Debug, Args)]
pub struct ExportPublicArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// The version to export [default: the current one]
    #[arg(long, value_name = "N")]
    pub version: Option<u32>,

    /// spki-pem, spki-der, openssh-public, jwk or age-recipient
    #[arg(long, value_name = "FORMAT", value_parser = parse_key_format)]
    pub format: KeyFormat,

    /// Write to FILE (mode 0644) instead of standard output; - is standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The comment of an OpenSSH public key line [default: the key's name]
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,

    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

/// `keywarden key export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The key: its id, its name, or a unique id prefix (4+ characters)
    #[arg(value_name = "REF")]
    pub reference: String,

    /// The version to export [default: the current one]
    #[arg(long, value_name = "N")]
    pub version: Option<u32>,

    /// pkcs8-pem, pkcs8-der, openssh-private, age-identity, jwk, hex, base64 or text
    #[arg(long, value_name = "FORMAT", value_parser = parse_key_format)]
    pub format: KeyFormat,

    /// The file to write (mode 0600), or - for standard output
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// The comment of an OpenSSH private key file [default: the key's name]
    #[arg(long, value_name = "TEXT")]
    pub comment: Option<String>,

    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,

    /// With --out -: print to a terminal without asking first
    #[arg(long)]
    pub yes: bool,
}

/// `keywarden policy …`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show every setting of the policy
    Show,
    /// Change one setting (see `policy show` for the names)
    Set {
        /// min-strength, allowed-algorithms, destruction-wait-days, reminder-days,
        /// max-snooze-days, drill-days or cryptoperiod.PURPOSE
        #[arg(value_name = "NAME")]
        name: String,
        /// The new value, as `policy show` prints it
        #[arg(value_name = "VALUE")]
        value: String,
        /// Why, for the audit log
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

/// `keywarden audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List audit entries, oldest first
    List {
        /// Which entries
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// Only the N newest of the entries that match
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Check every entry, the chain and its head (exit 1 when the log was tampered with)
    Verify,
    /// Write the audit log as CSV or JSON Lines
    Export {
        /// CSV (RFC 4180, with a header line) or JSON Lines (one object per line)
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: ExportFormat,
        /// Write to FILE (created or replaced, readable only by you) instead of standard
        /// output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Which entries
        #[command(flatten)]
        filter: AuditFilterArgs,
    },
}

/// The filters of `audit list` and `audit export`.
#[derive(Debug, Args)]
pub struct AuditFilterArgs {
    /// Only this action (such as key-rotated, state-changed, secret-revealed)
    #[arg(long, value_name = "ACTION", value_parser = parse_action)]
    pub action: Option<Action>,

    /// Only entries about this key: a reference, or the full id of a deleted key
    #[arg(long, value_name = "REF")]
    pub key: Option<String>,

    /// Only this outcome
    #[arg(long, value_enum, value_name = "OUTCOME")]
    pub outcome: Option<OutcomeArg>,

    /// Only entries at or after DATE (YYYY-MM-DD, UTC, or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only entries before DATE (a day: up to its end; a time: before it)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Only entries whose actor, key name, reason or detail contain TEXT, in any case
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
}

/// `--outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    // The operation was done.
    Success,
    // It was refused or failed.
    Failure,
}

/// `audit export --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    // Comma-separated values (RFC 4180), with a header line.
    Csv,
    // JSON Lines: one JSON object per entry, one per line.
    Jsonl,
}

/// `report --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    // One self-contained HTML document, to read or print from a browser.
    Html,
    // A PDF document on --paper.
    Pdf,
}

impl ReportArgs {
    /// The format to write: `--format`, else PDF for a `.pdf` file and HTML otherwise.
    pub fn format(&self) -> keywarden_core::report::Format {
        let pdf = match self.format {
            Some(format) => format == ReportFormat::Pdf,
            None => self
                .out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf")),
        };
        if pdf {
            keywarden_core::report::Format::Pdf(self.paper)
        } else {
            keywarden_core::report::Format::Html
        }
    }
}

/// Parses a paper size with the engine's parser.
fn parse_paper(text: &str) -> Result<Paper, String> {
    text.parse().map_err(|e: UnknownPaper| e.to_string())
}

/// Parses a kit id with the engine's parser.
fn parse_kit_id(text: &str) -> Result<KitId, String> {
    text.parse()
        .map_err(|e: keywarden_core::kit::KitError| e.to_string())
}

/// Parses an algorithm name with the engine's own parser, so the CLI accepts exactly
/// what the engine knows.
fn parse_algorithm(text: &str) -> Result<Algorithm, keywarden_core::RecordError> {
    text.parse()
}

/// Parses a key format: the engine's format ids, and `jwk`.
fn parse_key_format(text: &str) -> Result<KeyFormat, String> {
    text.parse()
}

/// Parses a purpose with the engine's parser.
fn parse_purpose(text: &str) -> Result<Purpose, String> {
    text.parse()
        .map_err(|e: keywarden_core::RecordError| reason_only(&e))
}

/// Parses a key state with the engine's parser.
fn parse_state(text: &str) -> Result<KeyState, String> {
    text.parse()
        .map_err(|e: keywarden_core::RecordError| reason_only(&e))
}

/// Parses an audit action with the engine's parser.
fn parse_action(text: &str) -> Result<Action, String> {
    text.parse()
        .map_err(|e: keywarden_core::RecordError| reason_only(&e))
}

/// An engine validation error without its field name, which clap already shows.
fn reason_only(error: &keywarden_core::RecordError) -> String {
    match error {
        keywarden_core::RecordError::Invalid { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
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
