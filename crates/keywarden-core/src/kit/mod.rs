//! Recovery kits (`docs/kit-format.md`): keys on paper in open formats, recoverable in
//! twenty years without Keywarden.
//!
//! A kit's [`document`] (plain text, one section per key) is sealed in an age
//! [`envelope`], then printed as QR [`chunk`]s and as [`typed`] lines with a check per
//! line. Every kit has a [`KitId`]. A split kit's passphrase is a random secret shared
//! out with [`slip39`] (SatoshiLabs SLIP-0039), so that any M of N custodians, and no
//! fewer, can open it with any SLIP-39 tool.

pub mod chunk;
pub mod document;
pub mod envelope;
mod id;
pub mod slip39;
pub mod typed;

pub use document::{KitDocument, KitEntry};
pub use id::KitId;

/// Why kit data was refused. Messages name the place (a line, a chunk, a key) and never
/// contain secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KitError {
    /// Not a kit id.
    #[error("\"{given}\" is not a kit id (KW-XXXX-XXXX)")]
    BadKitId {
        /// What was given, shortened.
        given: String,
    },
    /// A QR chunk is malformed or does not fit with the others.
    #[error("kit code: {reason}")]
    Chunk {
        /// What is wrong.
        reason: String,
    },
    /// A chunk of another kit.
    #[error("this code belongs to kit {found}, not {expected}")]
    OtherKit {
        /// The kit being read.
        expected: KitId,
        /// The kit of the code.
        found: KitId,
    },
    /// Chunks are missing.
    #[error("{} of {count} codes are still missing: {}", missing.len(), list(missing))]
    MissingChunks {
        /// The positions missing, from 1.
        missing: Vec<usize>,
        /// How many codes the kit has (0: none read yet).
        count: usize,
    },
    /// A typed line is wrong.
    #[error("typed line {line}: {reason}")]
    TypedLine {
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The recovery document does not fit the format.
    #[error("recovery document, line {line}: {reason}")]
    Document {
        /// The line, from 1 (0: the document as a whole).
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A key's material cannot be written to, or read from, a kit.
    #[error("key \"{name}\": {reason}")]
    Material {
        /// The key's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The material read back is not the key the kit names.
    #[error("key \"{name}\": its material does not match the fingerprint on the kit")]
    FingerprintMismatch {
        /// The key's name.
        name: String,
    },
    /// The passphrase or identity does not open the kit.
    #[error("this passphrase or identity does not open the kit")]
    WrongKey,
    /// The age envelope could not be made or opened.
    #[error("{reason}")]
    Envelope {
        /// What went wrong.
        reason: String,
    },
}

/// `1, 3, 4`.
fn list(items: &[usize]) -> String {
    items
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
