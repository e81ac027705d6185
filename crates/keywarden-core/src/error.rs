//! Errors, one enum per operation. No variant ever carries secret bytes; messages are
//! safe to show to a person and to write to a log.

use std::path::PathBuf;

/// A key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file is missing or could not be read or written.
    #[error("the key file {path} cannot be read: {reason}")]
    Unreadable {
        /// The key file's path.
        path: PathBuf,
        /// What the operating system said.
        reason: String,
    },
    /// The path names a directory or something else that is not a regular file.
    #[error("the key file {path} is not a regular file")]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The file is empty: it would add nothing to the passphrase.
    #[error("the key file {path} is empty")]
    Empty {
        /// The key file's path.
        path: PathBuf,
    },
    /// The file is larger than Keywarden reads.
    #[error("the key file {path} is larger than 16 MiB")]
    TooLarge {
        /// The key file's path.
        path: PathBuf,
    },
    /// A new key file was to be written where a file already exists.
    #[error("{path} already exists; a new key file is never written over a file")]
    Exists {
        /// The path given.
        path: PathBuf,
    },
}

/// Argon2id parameters are unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KdfError {
    /// A parameter is outside its allowed range.
    #[error("KDF {name} must be between {min} and {max}, not {value}")]
    OutOfRange {
        /// Which parameter: "memory (KiB)", "iterations" or "lanes".
        name: &'static str,
        /// The value given.
        value: u32,
        /// The smallest allowed value.
        min: u32,
        /// The largest allowed value.
        max: u32,
    },
    /// The Argon2 implementation refused the parameters.
    #[error("Argon2 failed: {0}")]
    Argon2(String),
}

/// The SQLite layer failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The file is damaged or was tampered with: a record failed authentication, a row
    /// is missing or malformed, or SQLite found corruption.
    #[error("the vault file is damaged or was tampered with: {detail}")]
    Damaged {
        /// Which part, without any secret.
        detail: String,
    },
    /// Another process has the vault open.
    #[error("the vault is in use by another Keywarden process")]
    Busy,
    /// The file system refused (permissions, disk full, …).
    #[error("the vault file cannot be written or read: {reason}")]
    Io {
        /// What SQLite or the operating system said.
        reason: String,
    },
}

impl StorageError {
    pub(crate) fn damaged(detail: impl Into<String>) -> Self {
        StorageError::Damaged {
            detail: detail.into(),
        }
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StorageError::damaged(e.to_string())
            }
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StorageError::Busy,
            // Keywarden's statements are fixed: a generic SQL error (no such table or
            // column) means the file's schema is not a vault's.
            Some(ErrorCode::Unknown) => StorageError::damaged(e.to_string()),
            _ => match e {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..)
                | rusqlite::Error::IntegralValueOutOfRange(..)
                | rusqlite::Error::QueryReturnedNoRows => StorageError::damaged(e.to_string()),
                _ => StorageError::Io {
                    reason: e.to_string(),
                },
            },
        }
    }
}

/// A vault file could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// Nothing exists at the path.
    #[error("no vault at {path}")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The path is a directory, or the file is empty, not SQLite, or SQLite of another
    /// application. The file was not changed.
    #[error("{path} is not a Keywarden vault ({reason})")]
    NotAVault {
        /// The path given.
        path: PathBuf,
        /// Why, in a few words.
        reason: &'static str,
    },
    /// The vault was written by a newer Keywarden.
    #[error("the vault uses format version {found}; this Keywarden reads version 1")]
    Unsupported {
        /// The format version in the file.
        found: i64,
    },
    /// The file is a vault but is damaged, or another process holds it.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A new vault could not be created. Nothing was left at the path.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// Something already exists at the path.
    #[error("{path} already exists; a vault is never written over a file")]
    Exists {
        /// The path given.
        path: PathBuf,
    },
    /// The passphrase is too short.
    #[error("the passphrase must have at least 12 characters")]
    WeakPassphrase,
    /// The KDF parameters are out of range.
    #[error(transparent)]
    Kdf(#[from] KdfError),
    /// The file could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A vault could not be unlocked. The vault is unchanged and stays locked.
#[derive(Debug, thiserror::Error)]
pub enum UnlockError {
    /// The passphrase does not open any passphrase keyslot (or the keyslot is damaged:
    /// the two cannot be told apart without the key).
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The vault needs a key file and none was given.
    #[error("this vault needs its key file")]
    KeyFileRequired,
    /// The key file given is not this vault's key file.
    #[error("this is not the vault's key file")]
    WrongKeyFile,
    /// A key file was given but the vault does not use one.
    #[error("this vault does not use a key file")]
    KeyFileNotUsed,
    /// The vault has no recovery keyslot: no vault recovery kit was made for it (or
    /// the file is older than the kit).
    #[error("this vault has no vault recovery kit")]
    NoRecoveryKit,
    /// The shares given do not open the vault's recovery keyslot: they belong to
    /// another vault, or to a vault recovery kit that a newer one replaced.
    #[error(
        "these shares do not open this vault: they belong to another vault or to a replaced vault recovery kit"
    )]
    WrongRecoveryKit,
    /// The file is damaged, or another process holds it.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The passphrase could not be changed. The old passphrase still opens the vault.
#[derive(Debug, thiserror::Error)]
pub enum ChangePassphraseError {
    /// The current passphrase or key file did not verify.
    #[error(transparent)]
    Current(#[from] UnlockError),
    /// The new passphrase is too short.
    #[error("the new passphrase must have at least 12 characters")]
    WeakPassphrase,
    /// The keyslot could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// An operation on key records failed. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// No key matches the id, id prefix or name.
    #[error("no key matches \"{reference}\"")]
    NotFound {
        /// What was looked for.
        reference: String,
    },
    /// More than one key matches an id prefix.
    #[error("\"{reference}\" matches {count} keys; give more of the id")]
    Ambiguous {
        /// What was looked for.
        reference: String,
        /// How many keys match.
        count: usize,
    },
    /// Another key already has this name.
    #[error("a key named \"{name}\" already exists")]
    NameTaken {
        /// The name asked for.
        name: String,
    },
    /// An input field failed validation.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The algorithm name is not one Keywarden generates.
    #[error(
        "unknown algorithm \"{given}\"; known: {}",
        crate::algorithm::Algorithm::ALL.map(|a| a.id()).join(", ")
    )]
    UnknownAlgorithm {
        /// The name given.
        given: String,
    },
    /// The vault's policy forbids it.
    #[error("the policy does not allow this: {reasons}")]
    PolicyViolation {
        /// Every rule broken, as sentences joined by "; ".
        reasons: String,
    },
    /// The key's state (or another rule of the lifecycle) does not allow it.
    #[error("{reason}")]
    NotAllowed {
        /// Why, as a sentence.
        reason: String,
    },
    /// The passphrase or key file given to confirm a sensitive operation is wrong.
    #[error("confirmation failed: {reason}")]
    Confirmation {
        /// What did not match (the unlock error's message).
        reason: String,
    },
    /// Recovery-kit data was refused: a key that cannot go on paper, a bad share, a
    /// damaged code or payload.
    #[error(transparent)]
    Kit(#[from] crate::kit::KitError),
    /// The vault file failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<rusqlite::Error> for RecordError {
    fn from(e: rusqlite::Error) -> Self {
        RecordError::Storage(e.into())
    }
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> Self {
        OpenError::Storage(e.into())
    }
}

impl From<rusqlite::Error> for UnlockError {
    fn from(e: rusqlite::Error) -> Self {
        UnlockError::Storage(e.into())
    }
}

impl From<rusqlite::Error> for ChangePassphraseError {
    fn from(e: rusqlite::Error) -> Self {
        ChangePassphraseError::Storage(e.into())
    }
}

impl From<rusqlite::Error> for CreateError {
    fn from(e: rusqlite::Error) -> Self {
        CreateError::Storage(e.into())
    }
}
