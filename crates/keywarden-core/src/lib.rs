//! Keywarden's engine: the encrypted vault file, its keyslots and its key records.
//!
//! A vault is one SQLite file (format v1, specified in `docs/vault-format.md`). It is
//! opened as a [`LockedVault`], which knows nothing secret; a passphrase (and key file,
//! if the vault has one) turns it into an [`UnlockedVault`], which can list, generate,
//! change and delete keys. [`UnlockedVault::lock`] forgets every key and gives the
//! [`LockedVault`] back.
//!
//! This crate has no UI, no async runtime and no JSON: the CLI and the desktop shell
//! are thin layers over it.

pub mod algorithm;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod error;
pub mod kdf;
pub mod key;
mod keyslot;
pub mod kit;
pub mod material;
pub mod policy;
pub mod print;
mod random;
pub mod reminder;
pub mod report;
pub mod schema;
pub mod seal;
pub mod secret;
pub mod settings;
pub mod state;
pub mod vault;

pub use algorithm::{Algorithm, Family, Purpose};
pub use audit::{Action, AuditEntry, AuditFilter, AuditProblem, AuditVerification, Outcome};
pub use clock::{Clock, FixedClock, SystemClock, Timestamp};
pub use error::{
    ChangePassphraseError, CreateError, KdfError, KeyFileError, OpenError, RecordError,
    StorageError, UnlockError,
};
pub use kdf::KdfParams;
pub use key::{KeyId, KeyRecord, KeyUpdate, KeyVersion, NewKey, ScheduledDestruction};
pub use material::{Format, Imported, MaterialError, PublicKey, SecretKey};
pub use policy::{Finding, Policy, Severity};
pub use secret::{KeyFile, KeyMaterial, Passphrase};
pub use settings::Settings;
pub use state::{KeyState, Transition};
pub use vault::{
    LockedVault, PassphraseNotSet, RecoveredVault, SecretUse, UnlockFailure, UnlockedVault,
    default_vault_path,
};
