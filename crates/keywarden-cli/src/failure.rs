//! Every way a command can fail, as a stable code, a message safe to show, and an exit
//! code. Engine errors are mapped here with exhaustive matches and no wildcard arm, so a
//! new engine error cannot reach a script without a decision about its code.

use std::fmt;
use std::path::Path;

use keywarden_core::kit::KitError;
use keywarden_core::kit::slip39::Slip39Error;
use keywarden_core::{
    ChangePassphraseError, CreateError, KdfError, KeyFileError, MaterialError, OpenError,
    RecordError, StorageError, UnlockError, UnlockFailure,
};

/// The closed set of error codes printed with `--json`. Where a code also exists in
/// `docs/ipc.md`, it has the same name and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The command line is malformed, or a passphrase or confirmation is needed and
    /// there is no terminal to ask on.
    Usage,
    /// A value failed validation (name, tags, notes, weak passphrase, KDF parameters).
    InvalidInput,
    /// The two entries of a new passphrase differ.
    PassphraseMismatch,
    /// The person did not confirm a deletion.
    NotConfirmed,
    /// No key matches the reference.
    KeyNotFound,
    /// An id prefix matches several keys.
    KeyAmbiguous,
    /// Another key already has the name.
    NameTaken,
    /// `init` was pointed at a path that already exists.
    VaultExists,
    /// `init --new-keyfile` was pointed at a path that already exists.
    KeyfileExists,
    /// `key export --out FILE` (or `export-public`) was pointed at a path that already
    /// exists, without `--force`.
    FileExists,
    /// The passphrase does not open the vault.
    WrongPassphrase,
    /// The vault needs a key file and none was given.
    KeyfileRequired,
    /// The key file is not this vault's key file.
    WrongKeyfile,
    /// A key file was given but the vault does not use one.
    KeyfileNotUsed,
    /// The key file cannot be read (missing, a directory, empty, too large).
    KeyfileUnreadable,
    /// Nothing exists at the vault path.
    VaultNotFound,
    /// The file is not a Keywarden vault.
    NotAVault,
    /// The vault is damaged or was tampered with.
    VaultDamaged,
    /// The vault was written by a newer Keywarden.
    VaultUnsupported,
    /// Another process has the vault open.
    VaultBusy,
    /// The file system or the terminal failed.
    Io,
    /// Argon2 could not run (usually: not enough memory for the parameters).
    KdfFailed,
    /// The vault's policy forbids the operation (exit 2).
    PolicyViolation,
    /// The key's state or the lifecycle rules forbid the operation (exit 2).
    NotAllowed,
    /// A check found a problem (exit 1): the audit log does not verify.
    CheckFailed,
    /// Recovery-kit data was refused (exit 2): a malformed or foreign code, share,
    /// typed line or payload, or a key that does not match its fingerprint.
    KitInvalid,
    /// No kit in the vault's custody register has the id (exit 2).
    KitNotFound,
    /// A bug in Keywarden.
    Internal,
}

impl Code {
    /// Every code, for tests.
    #[cfg(test)]
    pub const ALL: [Code; 28] = [
        Code::Usage,
        Code::InvalidInput,
        Code::PassphraseMismatch,
        Code::NotConfirmed,
        Code::KeyNotFound,
        Code::KeyAmbiguous,
        Code::NameTaken,
        Code::VaultExists,
        Code::KeyfileExists,
        Code::FileExists,
        Code::WrongPassphrase,
        Code::KeyfileRequired,
        Code::WrongKeyfile,
        Code::KeyfileNotUsed,
        Code::KeyfileUnreadable,
        Code::VaultNotFound,
        Code::NotAVault,
        Code::VaultDamaged,
        Code::VaultUnsupported,
        Code::VaultBusy,
        Code::Io,
        Code::KdfFailed,
        Code::PolicyViolation,
        Code::NotAllowed,
        Code::CheckFailed,
        Code::KitInvalid,
        Code::KitNotFound,
        Code::Internal,
    ];

    /// The snake_case name printed in `{"error":{"code":…}}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Usage => "usage",
            Code::InvalidInput => "invalid_input",
            Code::PassphraseMismatch => "passphrase_mismatch",
            Code::NotConfirmed => "not_confirmed",
            Code::KeyNotFound => "key_not_found",
            Code::KeyAmbiguous => "key_ambiguous",
            Code::NameTaken => "name_taken",
            Code::VaultExists => "vault_exists",
            Code::KeyfileExists => "keyfile_exists",
            Code::FileExists => "file_exists",
            Code::WrongPassphrase => "wrong_passphrase",
            Code::KeyfileRequired => "keyfile_required",
            Code::WrongKeyfile => "wrong_keyfile",
            Code::KeyfileNotUsed => "keyfile_not_used",
            Code::KeyfileUnreadable => "keyfile_unreadable",
            Code::VaultNotFound => "vault_not_found",
            Code::NotAVault => "not_a_vault",
            Code::VaultDamaged => "vault_damaged",
            Code::VaultUnsupported => "vault_unsupported",
            Code::VaultBusy => "vault_busy",
            Code::Io => "io",
            Code::KdfFailed => "kdf_failed",
            Code::PolicyViolation => "policy_violation",
            Code::NotAllowed => "not_allowed",
            Code::CheckFailed => "check_failed",
            Code::KitInvalid => "kit_invalid",
            Code::KitNotFound => "kit_not_found",
            Code::Internal => "internal",
        }
    }

    /// The process exit code (documented in `docs/cli.md` and `keywarden --help`).
    pub fn exit_code(self) -> u8 {
        match self {
            Code::Usage
            | Code::InvalidInput
            | Code::PassphraseMismatch
            | Code::NotConfirmed
            | Code::KeyNotFound
            | Code::KeyAmbiguous
            | Code::NameTaken
            | Code::VaultExists
            | Code::KeyfileExists
            | Code::FileExists
            | Code::PolicyViolation
            | Code::NotAllowed
            | Code::KitInvalid
            | Code::KitNotFound => 2,
            Code::CheckFailed => 1,
            Code::WrongPassphrase
            | Code::KeyfileRequired
            | Code::WrongKeyfile
            | Code::KeyfileNotUsed
            | Code::KeyfileUnreadable => 3,
            Code::VaultNotFound | Code::NotAVault | Code::VaultDamaged | Code::VaultUnsupported => {
                4
            }
            Code::VaultBusy | Code::Io | Code::KdfFailed | Code::Internal => 5,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed command: what to tell the person or the script, and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The stable code.
    pub code: Code,
    /// One sentence, safe to show and to log; never a secret.
    pub message: String,
    /// The items of a list the message announces (the problems `audit verify` found);
    /// usually empty.
    pub details: Vec<String>,
}

impl Failure {
    /// A failure with this code and message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// This failure with a list of details (each one line, safe to show).
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Code::Usage, message)
    }

    /// The file system or terminal failed while doing `what`.
    pub fn io(what: &str, error: &std::io::Error) -> Self {
        Failure::new(Code::Io, format!("{what}: {error}"))
    }

    /// A key file given with `--keyfile` could not be read (exit 3).
    pub fn key_file_read(error: KeyFileError) -> Self {
        let message = error.to_string();
        match error {
            KeyFileError::Unreadable { .. }
            | KeyFileError::NotAFile { .. }
            | KeyFileError::Empty { .. }
            | KeyFileError::TooLarge { .. } => Failure::new(Code::KeyfileUnreadable, message),
            // Reading never creates a file; should it ever say so, the path is taken.
            KeyFileError::Exists { .. } => Failure::new(Code::KeyfileExists, message),
        }
    }

    /// A new key file for `init --new-keyfile` could not be written.
    pub fn key_file_write(error: KeyFileError) -> Self {
        let message = error.to_string();
        match error {
            KeyFileError::Exists { .. } => Failure::new(Code::KeyfileExists, message),
            KeyFileError::Unreadable { path, reason } => Failure::new(
                Code::Io,
                format!(
                    "the key file {} cannot be written: {reason}",
                    path.display()
                ),
            ),
            KeyFileError::NotAFile { .. }
            | KeyFileError::Empty { .. }
            | KeyFileError::TooLarge { .. } => Failure::new(Code::Io, message),
        }
    }

    /// The vault at `path` could not be opened. A missing vault suggests `init`.
    pub fn open(error: OpenError, path: &Path) -> Self {
        let message = error.to_string();
        match error {
            OpenError::NotFound { .. } => Failure::new(
                Code::VaultNotFound,
                format!(
                    "no vault at {}; create one with `keywarden init`, or give --vault PATH",
                    path.display()
                ),
            ),
            OpenError::NotAVault { .. } => Failure::new(Code::NotAVault, message),
            OpenError::Unsupported { .. } => Failure::new(Code::VaultUnsupported, message),
            OpenError::Storage(s) => s.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<StorageError> for Failure {
    fn from(error: StorageError) -> Self {
        let message = error.to_string();
        match error {
            StorageError::Damaged { .. } => Failure::new(Code::VaultDamaged, message),
            StorageError::Busy => Failure::new(Code::VaultBusy, message),
            StorageError::Io { .. } => Failure::new(Code::Io, message),
        }
    }
}

impl From<KdfError> for Failure {
    fn from(error: KdfError) -> Self {
        match error {
            KdfError::OutOfRange { .. } => Failure::new(Code::InvalidInput, error.to_string()),
            KdfError::Argon2(_) => Failure::new(Code::KdfFailed, error.to_string()),
        }
    }
}

impl From<CreateError> for Failure {
    fn from(error: CreateError) -> Self {
        let message = error.to_string();
        match error {
            CreateError::Exists { .. } => Failure::new(Code::VaultExists, message),
            CreateError::WeakPassphrase => Failure::new(Code::InvalidInput, message),
            CreateError::Kdf(k) => k.into(),
            CreateError::Storage(s) => s.into(),
        }
    }
}

impl From<UnlockError> for Failure {
    fn from(error: UnlockError) -> Self {
        let message = error.to_string();
        match error {
            UnlockError::WrongPassphrase => Failure::new(Code::WrongPassphrase, message),
            UnlockError::KeyFileRequired => Failure::new(
                Code::KeyfileRequired,
                "this vault needs its key file: give --keyfile FILE",
            ),
            UnlockError::WrongKeyFile => Failure::new(Code::WrongKeyfile, message),
            UnlockError::KeyFileNotUsed => Failure::new(
                Code::KeyfileNotUsed,
                "this vault does not use a key file: leave out --keyfile",
            ),
            UnlockError::NoRecoveryKit => Failure::new(Code::KitNotFound, message),
            UnlockError::WrongRecoveryKit => Failure::new(Code::WrongPassphrase, message),
            UnlockError::Storage(s) => s.into(),
        }
    }
}

impl From<Box<UnlockFailure>> for Failure {
    fn from(failure: Box<UnlockFailure>) -> Self {
        failure.error.into()
    }
}

impl From<ChangePassphraseError> for Failure {
    fn from(error: ChangePassphraseError) -> Self {
        let message = error.to_string();
        match error {
            ChangePassphraseError::Current(u) => u.into(),
            ChangePassphraseError::WeakPassphrase => Failure::new(Code::InvalidInput, message),
            ChangePassphraseError::Storage(s) => s.into(),
        }
    }
}

impl From<RecordError> for Failure {
    fn from(error: RecordError) -> Self {
        let message = error.to_string();
        match error {
            RecordError::NotFound { .. } => Failure::new(Code::KeyNotFound, message),
            RecordError::Ambiguous { .. } => Failure::new(Code::KeyAmbiguous, message),
            RecordError::NameTaken { .. } => Failure::new(Code::NameTaken, message),
            RecordError::Invalid { .. } | RecordError::UnknownAlgorithm { .. } => {
                Failure::new(Code::InvalidInput, message)
            }
            RecordError::PolicyViolation { .. } => Failure::new(Code::PolicyViolation, message),
            RecordError::NotAllowed { .. } => Failure::new(Code::NotAllowed, message),
            RecordError::Confirmation { .. } => Failure::new(Code::WrongPassphrase, message),
            RecordError::Kit(k) => k.into(),
            RecordError::Storage(s) => s.into(),
        }
    }
}

impl From<KitError> for Failure {
    fn from(error: KitError) -> Self {
        let message = error.to_string();
        match error {
            KitError::WrongKey | KitError::NotThisVault => {
                Failure::new(Code::WrongPassphrase, message)
            }
            KitError::Material { .. } => Failure::new(Code::InvalidInput, message),
            // The engine quotes the word as typed and the words it resembles: close to a
            // word of the share, which output may carry into logs. The position is enough.
            KitError::Share(Slip39Error::UnknownWord { position, .. }) => Failure::new(
                Code::KitInvalid,
                format!("share: word {position} is not a SLIP-39 word; check it against the paper"),
            ),
            KitError::BadKitId { .. }
            | KitError::Chunk { .. }
            | KitError::OtherKit { .. }
            | KitError::MissingChunks { .. }
            | KitError::TypedLine { .. }
            | KitError::Document { .. }
            | KitError::FingerprintMismatch { .. }
            | KitError::Share(_)
            | KitError::Scan { .. }
            | KitError::Envelope { .. } => Failure::new(Code::KitInvalid, message),
        }
    }
}

impl From<MaterialError> for Failure {
    fn from(error: MaterialError) -> Self {
        let message = error.to_string();
        match error {
            // Asked of material the vault itself made or checked on import: a stored
            // key that cannot be put into its own form is damage or a bug, not a
            // mistake the person made.
            MaterialError::BadStoredEncoding { .. } => Failure::new(Code::VaultDamaged, message),
            MaterialError::Crypto { .. } => Failure::new(Code::Internal, message),
            // Inputs and formats a person chose (import and export, later commands).
            MaterialError::FormatNotSupported { .. }
            | MaterialError::JwkNotSupported { .. }
            | MaterialError::BadJwk { .. }
            | MaterialError::AlgorithmNeeded { .. }
            | MaterialError::AlgorithmMismatch { .. }
            | MaterialError::Encrypted { .. }
            | MaterialError::Unsupported { .. }
            | MaterialError::Malformed { .. }
            | MaterialError::Inconsistent { .. }
            | MaterialError::NoPrivateKey { .. } => Failure::new(Code::InvalidInput, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
        }
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        let exit = |e: Failure| e.code.exit_code();
        let path = Path::new("v");
        assert_eq!(exit(UnlockError::WrongPassphrase.into()), 3);
        assert_eq!(exit(UnlockError::KeyFileRequired.into()), 3);
        assert_eq!(exit(UnlockError::WrongKeyFile.into()), 3);
        assert_eq!(exit(UnlockError::KeyFileNotUsed.into()), 3);
        assert_eq!(
            exit(Failure::key_file_read(KeyFileError::Empty {
                path: PathBuf::from("k")
            })),
            3
        );
        assert_eq!(
            exit(Failure::open(
                OpenError::NotFound {
                    path: PathBuf::from("v")
                },
                path
            )),
            4
        );
        assert_eq!(
            exit(Failure::open(
                OpenError::NotAVault {
                    path: PathBuf::from("v"),
                    reason: "x"
                },
                path
            )),
            4
        );
        assert_eq!(
            exit(Failure::open(OpenError::Unsupported { found: 2 }, path)),
            4
        );
        assert_eq!(
            exit(Failure::open(
                OpenError::Storage(StorageError::Damaged { detail: "x".into() }),
                path
            )),
            4
        );
        assert_eq!(exit(StorageError::Busy.into()), 5);
        assert_eq!(exit(StorageError::Io { reason: "x".into() }.into()), 5);
        assert_eq!(exit(CreateError::WeakPassphrase.into()), 2);
        assert_eq!(exit(ChangePassphraseError::WeakPassphrase.into()), 2);
        assert_eq!(
            exit(
                RecordError::UnknownAlgorithm {
                    given: "des".into()
                }
                .into()
            ),
            2
        );
        assert_eq!(
            exit(
                RecordError::Ambiguous {
                    reference: "abcd".into(),
                    count: 2
                }
                .into()
            ),
            2
        );
        assert_eq!(
            exit(
                KdfError::OutOfRange {
                    name: "iterations",
                    value: 1,
                    min: 3,
                    max: 100
                }
                .into()
            ),
            2
        );
    }

    #[test]
    fn docs_list_every_code_with_its_exit_code() {
        let doc =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md"))
                .unwrap();
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.exit_code());
            assert!(doc.contains(&row), "docs/cli.md lacks the row {row}");
        }
    }

    #[test]
    fn a_missing_vault_suggests_init() {
        let f = Failure::open(
            OpenError::NotFound {
                path: PathBuf::from("x.keywarden"),
            },
            Path::new("x.keywarden"),
        );
        assert_eq!(f.code, Code::VaultNotFound);
        assert!(f.message.contains("keywarden init"), "{}", f.message);
    }
}
