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
pub mod pdf;
pub mod recovery;
pub mod register;
pub mod scan;
pub mod sheet;
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
    /// Shares that do not open this vault's recovery keyslot (a drill of a vault
    /// recovery kit).
    #[error(
        "these shares do not open this vault: they belong to another vault or to a replaced vault recovery kit"
    )]
    NotThisVault,
    /// A SLIP-39 share is malformed or does not fit with the others.
    #[error("share: {0}")]
    Share(#[from] slip39::Slip39Error),
    /// A scanned image or PDF could not be read, or holds no code.
    #[error("scan: {reason}")]
    Scan {
        /// What is wrong, and what to do.
        reason: String,
    },
    /// The age envelope could not be made or opened.
    #[error("{reason}")]
    Envelope {
        /// What went wrong.
        reason: String,
    },
}

/// Words in a generated kit passphrase: 6 EFF words, about 77 bits, which scrypt at
/// [`envelope::PERSON_LOG_N`] turns into years of guessing, and short enough to write
/// by hand without mistakes.
pub const PASSPHRASE_WORDS: usize = 6;

/// A kit passphrase to write on the sheet by hand: [`PASSPHRASE_WORDS`] words drawn
/// uniformly from the EFF large word list (the OS CSPRNG), separated by spaces.
pub fn generate_passphrase() -> zeroize::Zeroizing<String> {
    let words = crate::material::eff_large_words();
    let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
    let mut out = zeroize::Zeroizing::new(String::with_capacity(PASSPHRASE_WORDS * 10));
    for i in 0..PASSPHRASE_WORDS {
        if i > 0 {
            out.push(' ');
        }
        let index = crate::random::below(count) as usize;
        out.push_str(words.get(index).copied().unwrap_or("abacus"));
    }
    out
}

/// `1, 3, 4`.
fn list(items: &[usize]) -> String {
    items
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn generated_passphrases_are_six_listed_words() {
        let words = crate::material::eff_large_words();
        let p = generate_passphrase();
        let parts: Vec<&str> = p.split(' ').collect();
        assert_eq!(parts.len(), PASSPHRASE_WORDS);
        assert!(parts.iter().all(|w| words.contains(w)));
        assert_ne!(*p, *generate_passphrase());
    }
}
