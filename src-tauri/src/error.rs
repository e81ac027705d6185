//! The error every command rejects with: `{code, message}`, as in `docs/ipc.md`.
//!
//! Each engine error is turned into an [`IpcError`] by an exhaustive match with no
//! wildcard arm, so a new engine error variant does not compile until someone decides
//! which code the UI sees. Messages are sentences safe to show to a person: the engine's
//! errors never carry secret bytes, and nothing here adds any.

use keywarden_core::{
    ChangePassphraseError, CreateError, KdfError, KeyFileError, MaterialError, OpenError,
    RecordError, StorageError, UnlockError,
};
use serde::Serialize;

/// The closed set of error codes the UI branches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The passphrase does not open the vault (or the keyslot is damaged).
    WrongPassphrase,
    /// The vault needs a key file and none was given.
    KeyfileRequired,
    /// A key file was given but it is not this vault's key file.
    WrongKeyfile,
    /// A key file was given but this vault does not use one.
    KeyfileNotUsed,
    /// The key file could not be read (missing, a directory, too large, empty).
    KeyfileUnreadable,
    /// No vault file at that path.
    VaultNotFound,
    /// Creating a vault where a file already exists.
    VaultExists,
    /// The file is not a Keywarden vault.
    NotAVault,
    /// The file is a Keywarden vault but is damaged or was tampered with.
    VaultDamaged,
    /// The vault was written by a newer Keywarden.
    VaultUnsupported,
    /// Another process has the vault open.
    VaultBusy,
    /// No vault is selected.
    NoVault,
    /// The command needs an unlocked vault.
    Locked,
    /// An argument failed validation; the message says which.
    InvalidInput,
    /// No key with that id.
    KeyNotFound,
    /// Another key already has that name.
    NameTaken,
    /// The vault's policy forbids it; the message says which rule.
    PolicyViolation,
    /// The key's state or the lifecycle rules forbid it; the message says why.
    NotAllowed,
    /// Writing a file where one already exists, without the person's consent to replace it.
    FileExists,
    /// A scanned sheet holds no QR code that could be read (a page of instructions or
    /// typed lines, or a scan to redo): nothing was added.
    NoCode,
    /// A file-system error.
    Io,
    /// A bug.
    Internal,
}

/// A failed command, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    /// What went wrong, for the UI to branch on.
    pub code: ErrorCode,
    /// A sentence for a person; never secret material.
    pub message: String,
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for IpcError {}

impl IpcError {
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An argument failed validation; `message` says which and why.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// No vault is selected.
    pub fn no_vault() -> Self {
        Self::new(
            ErrorCode::NoVault,
            "No vault is open. Create a vault or open one first.",
        )
    }

    /// The vault is locked and the command needs it unlocked.
    pub fn locked() -> Self {
        Self::new(ErrorCode::Locked, "The vault is locked. Unlock it first.")
    }

    /// A bug in Keywarden; `what` says where, without any secret.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::Internal,
            format!(
                "Keywarden ran into an unexpected problem ({what}). Please report it, along \
                 with what you were doing."
            ),
        )
    }
}

impl From<StorageError> for IpcError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Damaged { detail } => Self::new(
                ErrorCode::VaultDamaged,
                format!("The vault file is damaged or was tampered with ({detail})."),
            ),
            StorageError::Busy => Self::new(
                ErrorCode::VaultBusy,
                "Another Keywarden program has this vault open. Close it, then try again.",
            ),
            StorageError::Io { reason } => Self::new(
                ErrorCode::Io,
                format!("The vault file cannot be read or written: {reason}."),
            ),
        }
    }
}

impl From<OpenError> for IpcError {
    fn from(e: OpenError) -> Self {
        match e {
            OpenError::NotFound { path } => Self::new(
                ErrorCode::VaultNotFound,
                format!("There is no vault at {}.", path.display()),
            ),
            OpenError::NotAVault { path, reason } => Self::new(
                ErrorCode::NotAVault,
                format!("{} is not a Keywarden vault: {reason}.", path.display()),
            ),
            OpenError::Unsupported { found } => Self::new(
                ErrorCode::VaultUnsupported,
                format!(
                    "This vault was made by a newer Keywarden (format version {found}). \
                     Update Keywarden to open it."
                ),
            ),
            OpenError::Storage(s) => s.into(),
        }
    }
}

impl From<KdfError> for IpcError {
    fn from(e: KdfError) -> Self {
        // The shell chooses the parameters itself (by calibration), so a refusal is a bug.
        match e {
            KdfError::OutOfRange { .. } | KdfError::Argon2(_) => {
                Self::internal(format!("key derivation: {e}"))
            }
        }
    }
}

impl From<CreateError> for IpcError {
    fn from(e: CreateError) -> Self {
        match e {
            CreateError::Exists { path } => Self::new(
                ErrorCode::VaultExists,
                format!(
                    "{} already exists. Choose another name or place; Keywarden never \
                     writes a vault over a file.",
                    path.display()
                ),
            ),
            CreateError::WeakPassphrase => weak_passphrase("The passphrase"),
            CreateError::Kdf(k) => k.into(),
            CreateError::Storage(s) => s.into(),
        }
    }
}

impl From<UnlockError> for IpcError {
    fn from(e: UnlockError) -> Self {
        match e {
            UnlockError::WrongPassphrase => Self::new(
                ErrorCode::WrongPassphrase,
                "That passphrase does not open this vault.",
            ),
            UnlockError::KeyFileRequired => Self::new(
                ErrorCode::KeyfileRequired,
                "This vault also needs its key file. Choose the key file, then try again.",
            ),
            UnlockError::WrongKeyFile => Self::new(
                ErrorCode::WrongKeyfile,
                "That is not this vault's key file.",
            ),
            UnlockError::KeyFileNotUsed => Self::new(
                ErrorCode::KeyfileNotUsed,
                "This vault does not use a key file. Remove the key file, then try again.",
            ),
            UnlockError::NoRecoveryKit => Self::new(
                ErrorCode::NotAllowed,
                "This vault has no vault recovery kit, so only its passphrase opens it.",
            ),
            UnlockError::WrongRecoveryKit => Self::new(
                ErrorCode::WrongPassphrase,
                "These shares do not open this vault. They may belong to another vault, or to \
                 a vault recovery kit that a newer one replaced.",
            ),
            UnlockError::Storage(s) => s.into(),
        }
    }
}

impl From<ChangePassphraseError> for IpcError {
    fn from(e: ChangePassphraseError) -> Self {
        match e {
            ChangePassphraseError::Current(UnlockError::WrongPassphrase) => Self::new(
                ErrorCode::WrongPassphrase,
                "The current passphrase is not right. The passphrase was not changed.",
            ),
            ChangePassphraseError::Current(u) => u.into(),
            ChangePassphraseError::WeakPassphrase => weak_passphrase("The new passphrase"),
            ChangePassphraseError::Storage(s) => s.into(),
        }
    }
}

impl From<RecordError> for IpcError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::NotFound { reference } => Self::new(
                ErrorCode::KeyNotFound,
                format!("There is no key {reference}; it may have been deleted."),
            ),
            // The app names keys by their full id, so this only answers a hand-made call.
            RecordError::Ambiguous { reference, count } => Self::invalid_input(format!(
                "\"{reference}\" matches {count} keys; give the full key id."
            )),
            RecordError::NameTaken { name } => Self::new(
                ErrorCode::NameTaken,
                format!("A key named \"{name}\" already exists. Choose another name."),
            ),
            RecordError::Invalid { field, reason } => {
                Self::invalid_input(sentence(&format!("{}: {reason}", capitalise(field))))
            }
            RecordError::UnknownAlgorithm { given } => Self::invalid_input(format!(
                "Keywarden does not know the algorithm \"{given}\"."
            )),
            RecordError::PolicyViolation { reasons } => Self::new(
                ErrorCode::PolicyViolation,
                sentence(&format!(
                    "The vault's policy does not allow this: {reasons}"
                )),
            ),
            RecordError::NotAllowed { reason } => {
                Self::new(ErrorCode::NotAllowed, sentence(&capitalise(&reason)))
            }
            RecordError::Confirmation { .. } => Self::new(
                ErrorCode::WrongPassphrase,
                "That passphrase (or key file) is not this vault's. Nothing was revealed.",
            ),
            RecordError::Kit(k) => k.into(),
            RecordError::Storage(s) => s.into(),
        }
    }
}

impl From<keywarden_core::kit::KitError> for IpcError {
    fn from(e: keywarden_core::kit::KitError) -> Self {
        use keywarden_core::kit::KitError;
        match e {
            KitError::WrongKey => Self::new(
                ErrorCode::WrongPassphrase,
                "That passphrase or identity does not open this kit.",
            ),
            KitError::NotThisVault => UnlockError::WrongRecoveryKit.into(),
            KitError::BadKitId { .. }
            | KitError::Chunk { .. }
            | KitError::OtherKit { .. }
            | KitError::MissingChunks { .. }
            | KitError::TypedLine { .. }
            | KitError::Document { .. }
            | KitError::Material { .. }
            | KitError::FingerprintMismatch { .. }
            | KitError::Share(_)
            | KitError::Scan { .. }
            | KitError::Envelope { .. } => {
                Self::invalid_input(sentence(&capitalise(&e.to_string())))
            }
        }
    }
}

impl From<KeyFileError> for IpcError {
    fn from(e: KeyFileError) -> Self {
        match e {
            KeyFileError::Unreadable { path, reason } => Self::new(
                ErrorCode::KeyfileUnreadable,
                format!("The key file {} cannot be read: {reason}.", path.display()),
            ),
            KeyFileError::NotAFile { path } => Self::new(
                ErrorCode::KeyfileUnreadable,
                format!(
                    "{} is not a file; choose a file as the key file.",
                    path.display()
                ),
            ),
            KeyFileError::Empty { path } => Self::new(
                ErrorCode::KeyfileUnreadable,
                format!(
                    "The key file {} is empty; an empty file cannot be a key file.",
                    path.display()
                ),
            ),
            KeyFileError::TooLarge { path } => Self::new(
                ErrorCode::KeyfileUnreadable,
                format!(
                    "The key file {} is larger than 16 MiB, more than Keywarden reads.",
                    path.display()
                ),
            ),
            // The app never writes key files yet; if it does, the path was the person's choice.
            KeyFileError::Exists { path } => Self::invalid_input(format!(
                "{} already exists; a new key file is never written over a file.",
                path.display()
            )),
        }
    }
}

impl From<MaterialError> for IpcError {
    fn from(e: MaterialError) -> Self {
        let text = sentence(&capitalise(&e.to_string()));
        match e {
            // What the person gave is not a private key Keywarden keeps; the engine's
            // message says why without quoting the input.
            MaterialError::FormatNotSupported { .. }
            | MaterialError::JwkNotSupported { .. }
            | MaterialError::BadJwk { .. }
            | MaterialError::AlgorithmNeeded { .. }
            | MaterialError::AlgorithmMismatch { .. }
            | MaterialError::Encrypted { .. }
            | MaterialError::Unsupported { .. }
            | MaterialError::Malformed { .. }
            | MaterialError::Inconsistent { .. }
            | MaterialError::NoPrivateKey { .. } => Self::invalid_input(text),
            MaterialError::BadStoredEncoding { .. } => Self::new(
                ErrorCode::VaultDamaged,
                format!("The vault file is damaged or was tampered with ({text})"),
            ),
            MaterialError::Crypto { .. } => Self::internal(e),
        }
    }
}

fn weak_passphrase(which: &str) -> IpcError {
    IpcError::invalid_input(format!(
        "{which} must have at least {} characters.",
        keywarden_core::secret::MIN_PASSPHRASE_CHARS
    ))
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Ends `s` with a full stop unless it already ends a sentence.
pub(crate) fn sentence(s: &str) -> String {
    if s.ends_with(['.', '!', '?']) {
        s.to_owned()
    } else {
        format!("{s}.")
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn code(e: impl Into<IpcError>) -> ErrorCode {
        e.into().code
    }

    fn path() -> PathBuf {
        PathBuf::from("/tmp/x")
    }

    fn damaged() -> StorageError {
        StorageError::Damaged {
            detail: "a record failed authentication".into(),
        }
    }

    fn io() -> StorageError {
        StorageError::Io {
            reason: "disk full".into(),
        }
    }

    #[test]
    fn codes_serialise_as_the_contract_spells_them() {
        let all = [
            (ErrorCode::WrongPassphrase, "wrong_passphrase"),
            (ErrorCode::KeyfileRequired, "keyfile_required"),
            (ErrorCode::WrongKeyfile, "wrong_keyfile"),
            (ErrorCode::KeyfileNotUsed, "keyfile_not_used"),
            (ErrorCode::KeyfileUnreadable, "keyfile_unreadable"),
            (ErrorCode::VaultNotFound, "vault_not_found"),
            (ErrorCode::VaultExists, "vault_exists"),
            (ErrorCode::NotAVault, "not_a_vault"),
            (ErrorCode::VaultDamaged, "vault_damaged"),
            (ErrorCode::VaultUnsupported, "vault_unsupported"),
            (ErrorCode::VaultBusy, "vault_busy"),
            (ErrorCode::NoVault, "no_vault"),
            (ErrorCode::Locked, "locked"),
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::KeyNotFound, "key_not_found"),
            (ErrorCode::NameTaken, "name_taken"),
            (ErrorCode::PolicyViolation, "policy_violation"),
            (ErrorCode::NotAllowed, "not_allowed"),
            (ErrorCode::FileExists, "file_exists"),
            (ErrorCode::NoCode, "no_code"),
            (ErrorCode::Io, "io"),
            (ErrorCode::Internal, "internal"),
        ];
        for (code, text) in all {
            assert_eq!(serde_json::to_value(code).unwrap(), text);
        }
        let e = IpcError::locked();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "locked", "message": e.message})
        );
    }

    #[test]
    fn storage_errors() {
        assert_eq!(code(damaged()), ErrorCode::VaultDamaged);
        assert_eq!(code(StorageError::Busy), ErrorCode::VaultBusy);
        assert_eq!(code(io()), ErrorCode::Io);
    }

    #[test]
    fn open_errors() {
        assert_eq!(
            code(OpenError::NotFound { path: path() }),
            ErrorCode::VaultNotFound
        );
        assert_eq!(
            code(OpenError::NotAVault {
                path: path(),
                reason: "it is a directory"
            }),
            ErrorCode::NotAVault
        );
        assert_eq!(
            code(OpenError::Unsupported { found: 2 }),
            ErrorCode::VaultUnsupported
        );
        assert_eq!(code(OpenError::Storage(damaged())), ErrorCode::VaultDamaged);
        assert_eq!(
            code(OpenError::Storage(StorageError::Busy)),
            ErrorCode::VaultBusy
        );
        assert_eq!(code(OpenError::Storage(io())), ErrorCode::Io);
    }

    #[test]
    fn kdf_errors_are_bugs() {
        let out_of_range = KdfError::OutOfRange {
            name: "lanes",
            value: 0,
            min: 1,
            max: 16,
        };
        assert_eq!(code(out_of_range.clone()), ErrorCode::Internal);
        assert_eq!(code(KdfError::Argon2("x".into())), ErrorCode::Internal);
        assert_eq!(code(CreateError::Kdf(out_of_range)), ErrorCode::Internal);
    }

    #[test]
    fn create_errors() {
        assert_eq!(
            code(CreateError::Exists { path: path() }),
            ErrorCode::VaultExists
        );
        assert_eq!(code(CreateError::WeakPassphrase), ErrorCode::InvalidInput);
        assert_eq!(code(CreateError::Storage(io())), ErrorCode::Io);
        assert_eq!(
            code(CreateError::Storage(damaged())),
            ErrorCode::VaultDamaged
        );
    }

    #[test]
    fn unlock_errors() {
        assert_eq!(
            code(UnlockError::WrongPassphrase),
            ErrorCode::WrongPassphrase
        );
        assert_eq!(
            code(UnlockError::KeyFileRequired),
            ErrorCode::KeyfileRequired
        );
        assert_eq!(code(UnlockError::WrongKeyFile), ErrorCode::WrongKeyfile);
        assert_eq!(code(UnlockError::KeyFileNotUsed), ErrorCode::KeyfileNotUsed);
        assert_eq!(
            code(UnlockError::Storage(damaged())),
            ErrorCode::VaultDamaged
        );
        assert_eq!(
            code(UnlockError::Storage(StorageError::Busy)),
            ErrorCode::VaultBusy
        );
    }

    #[test]
    fn change_passphrase_errors() {
        use ChangePassphraseError::{Current, Storage, WeakPassphrase};
        assert_eq!(
            code(Current(UnlockError::WrongPassphrase)),
            ErrorCode::WrongPassphrase
        );
        assert_eq!(
            code(Current(UnlockError::KeyFileRequired)),
            ErrorCode::KeyfileRequired
        );
        assert_eq!(
            code(Current(UnlockError::WrongKeyFile)),
            ErrorCode::WrongKeyfile
        );
        assert_eq!(
            code(Current(UnlockError::KeyFileNotUsed)),
            ErrorCode::KeyfileNotUsed
        );
        assert_eq!(code(WeakPassphrase), ErrorCode::InvalidInput);
        assert_eq!(code(Storage(io())), ErrorCode::Io);
    }

    #[test]
    fn record_errors() {
        assert_eq!(
            code(RecordError::NotFound {
                reference: "k".into()
            }),
            ErrorCode::KeyNotFound
        );
        assert_eq!(
            code(RecordError::Ambiguous {
                reference: "abcd".into(),
                count: 2
            }),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            code(RecordError::NameTaken { name: "n".into() }),
            ErrorCode::NameTaken
        );
        assert_eq!(
            code(RecordError::Invalid {
                field: "name",
                reason: "a key needs a name".into()
            }),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            code(RecordError::UnknownAlgorithm {
                given: "des".into()
            }),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            code(RecordError::Storage(damaged())),
            ErrorCode::VaultDamaged
        );
        assert_eq!(code(RecordError::Storage(io())), ErrorCode::Io);
    }

    #[test]
    fn key_file_errors() {
        let unreadable = KeyFileError::Unreadable {
            path: path(),
            reason: "No such file or directory (os error 2)".into(),
        };
        assert_eq!(code(unreadable), ErrorCode::KeyfileUnreadable);
        assert_eq!(
            code(KeyFileError::NotAFile { path: path() }),
            ErrorCode::KeyfileUnreadable
        );
        assert_eq!(
            code(KeyFileError::Empty { path: path() }),
            ErrorCode::KeyfileUnreadable
        );
        assert_eq!(
            code(KeyFileError::TooLarge { path: path() }),
            ErrorCode::KeyfileUnreadable
        );
        assert_eq!(
            code(KeyFileError::Exists { path: path() }),
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn material_errors() {
        use keywarden_core::{Algorithm, Format};
        let e = IpcError::from(MaterialError::Encrypted {
            format: Format::Pkcs8Pem,
        });
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.starts_with("The PKCS#8 PEM key is encrypted"),
            "{}",
            e.message
        );
        assert!(e.message.ends_with('.'), "{}", e.message);
        assert_eq!(
            code(MaterialError::NoPrivateKey {
                format: Format::SpkiPem
            }),
            ErrorCode::InvalidInput
        );
        assert_eq!(
            code(MaterialError::BadStoredEncoding {
                algorithm: Algorithm::Ed25519,
                reason: "x"
            }),
            ErrorCode::VaultDamaged
        );
        assert_eq!(
            code(MaterialError::Crypto {
                algorithm: Algorithm::Rsa2048,
                action: "encoded"
            }),
            ErrorCode::Internal
        );
    }

    #[test]
    fn messages_are_sentences() {
        let e = IpcError::from(RecordError::Invalid {
            field: "name",
            reason: "a key needs a name".into(),
        });
        assert_eq!(e.message, "Name: a key needs a name.");
        let e = IpcError::from(CreateError::WeakPassphrase);
        assert_eq!(
            e.message,
            "The passphrase must have at least 12 characters."
        );
        assert!(IpcError::internal("x").message.contains("report"));
    }
}
