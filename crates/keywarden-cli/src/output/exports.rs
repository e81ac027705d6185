//! `key export-public` and `key export`: what was written where, or the material itself
//! for standard output.

use std::fmt;
use std::path::PathBuf;

use keywarden_core::material::Fingerprint;
use serde::Serialize;
use zeroize::Zeroizing;

use super::clean;
use super::keys::{FingerprintJson, fingerprint_lines};
use crate::session::display;

/// A key's public part or secret material, exported.
#[derive(Debug)]
pub struct Exported {
    /// The key's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version exported.
    pub version: u32,
    /// That version's algorithm id.
    pub algorithm: &'static str,
    /// The format's id.
    pub format: &'static str,
    /// Whether the secret material was exported (`key export`), not the public part.
    pub secret: bool,
    /// Every fingerprint of the version, the main one first.
    pub fingerprints: Vec<Fingerprint>,
    /// Where it went.
    pub destination: Destination,
}

/// Where exported material went.
pub enum Destination {
    /// A file, with its mode.
    File {
        /// The path given.
        path: PathBuf,
        /// Its mode (Unix permissions).
        mode: u32,
    },
    /// Standard output: the bytes to print, as they are (wiped when dropped).
    Stdout(Zeroizing<Vec<u8>>),
}

impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::File { path, mode } => f
                .debug_struct("File")
                .field("path", path)
                .field("mode", &format_args!("{mode:o}"))
                .finish(),
            Destination::Stdout(_) => f.write_str("Stdout(<redacted>)"),
        }
    }
}

/// `{"export": …}` for an export written to a file.
#[derive(Serialize)]
pub(super) struct ExportJson<'a> {
    id: &'a str,
    name: &'a str,
    version: u32,
    algorithm: &'static str,
    format: &'static str,
    part: &'static str,
    path: String,
    mode: String,
    fingerprints: Vec<FingerprintJson>,
}

impl Exported {
    /// The material for standard output, if that is where it goes.
    pub(super) fn stdout_bytes(&self) -> Option<&[u8]> {
        match &self.destination {
            Destination::Stdout(bytes) => Some(bytes),
            Destination::File { .. } => None,
        }
    }

    /// The JSON report of a file written; `None` for standard output, where the material
    /// itself is printed.
    pub(super) fn to_json(&self) -> Option<ExportJson<'_>> {
        let Destination::File { path, mode } = &self.destination else {
            return None;
        };
        Some(ExportJson {
            id: &self.id,
            name: &self.name,
            version: self.version,
            algorithm: self.algorithm,
            format: self.format,
            part: if self.secret { "secret" } else { "public" },
            path: display(path),
            mode: format!("{mode:04o}"),
            fingerprints: self
                .fingerprints
                .iter()
                .map(FingerprintJson::from)
                .collect(),
        })
    }

    /// What people read after a file was written (empty for standard output).
    pub(super) fn to_text(&self) -> String {
        let Destination::File { path, mode } = &self.destination else {
            return String::new();
        };
        let mut out = format!(
            "Wrote the {} of \"{}\" (version {}, {}) to {} as {}, mode {mode:04o}.\n",
            if self.secret {
                "secret key"
            } else {
                "public key"
            },
            clean(&self.name),
            self.version,
            self.algorithm,
            clean(&display(path)),
            self.format,
        );
        if self.secret {
            out.push_str(
                "Keep it as safe as the vault: anyone who reads the file has the key. \
                 The export is recorded in the audit log.\n",
            );
        }
        out.push_str("Fingerprints:\n");
        out.push_str(&fingerprint_lines(&self.fingerprints));
        out
    }
}
