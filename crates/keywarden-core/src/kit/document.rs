//! The recovery document: what a kit holds once decrypted. Plain UTF-8 text that a
//! person can read and a program can parse, one section per key, each key in the
//! standard encoding Keywarden reveals it in (hex for symmetric keys, PKCS#8 PEM for
//! private keys, the age identity for age keys, the text of passwords and tokens):
//!
//! ```text
//! Keywarden recovery kit, format 1
//! Kit: KW-28T5-CY4T
//! Generation: 1
//! Made: 2026-11-28T22:45:00Z
//! Keys: 1
//!
//! Key: Payroll export key
//! Id: 0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10
//! Algorithm: aes-256
//! Purpose: data-encryption
//! Version: 2
//! Fingerprint: kcv 4f0c1a9e2b7d3c11
//! Encoding: hex
//! Material:
//! 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
//! End of key
//! ```

use std::fmt;
use std::fmt::Write as _;

use zeroize::Zeroizing;

use super::{KitError, KitId};
use crate::algorithm::{Algorithm, Purpose};
use crate::clock::Timestamp;
use crate::key::KeyId;
use crate::material::{Format, SecretKey};

/// The first line of every recovery document of this format.
pub const FIRST_LINE: &str = "Keywarden recovery kit, format 1";
/// The line that ends a key's material.
const END_OF_KEY: &str = "End of key";

/// A decrypted kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitDocument {
    /// The kit's id.
    pub kit: KitId,
    /// The generation: 1 for a key's first kit, one more for each re-issue.
    pub generation: u32,
    /// When it was made.
    pub made_at: Timestamp,
    /// The keys.
    pub entries: Vec<KitEntry>,
}

/// One key in a kit.
#[derive(Clone, PartialEq, Eq)]
pub struct KitEntry {
    /// The key's name when the kit was made.
    pub name: String,
    /// The key's id in the vault it came from.
    pub id: KeyId,
    /// Its algorithm.
    pub algorithm: Algorithm,
    /// Its purpose.
    pub purpose: Purpose,
    /// The version of the key's material.
    pub version: u32,
    /// Every fingerprint of that version, main first, as (kind id, value).
    pub fingerprints: Vec<(String, String)>,
    /// The encoding of `material`.
    pub format: Format,
    /// The key in that encoding.
    pub material: Zeroizing<String>,
}

impl fmt::Debug for KitEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KitEntry")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("algorithm", &self.algorithm)
            .field("version", &self.version)
            .field("material", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl KitEntry {
    /// The entry of `key`, version `version` of the vault key `id`, in the encoding it
    /// is revealed in.
    ///
    /// # Errors
    /// [`KitError::Material`] when the key cannot be encoded, or its encoding would not
    /// survive the document (a text secret with line breaks).
    pub fn new(
        name: &str,
        id: KeyId,
        purpose: Purpose,
        version: u32,
        key: &SecretKey,
    ) -> Result<KitEntry, KitError> {
        let algorithm = key.algorithm();
        let format = Format::for_reveal(algorithm);
        let material = |reason: String| KitError::Material {
            name: name.to_owned(),
            reason,
        };
        let bytes = key
            .export(format, "")
            .map_err(|e| material(e.to_string()))?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| material("its encoding is not text".to_owned()))?;
        let text = Zeroizing::new(text.trim_end_matches('\n').to_owned());
        if text.is_empty()
            || text
                .lines()
                .any(|l| l.trim() == END_OF_KEY || l.trim().is_empty())
            || text.contains('\r')
        {
            return Err(material(
                "its text has blank lines or line breaks that a printed kit cannot keep".to_owned(),
            ));
        }
        Ok(KitEntry {
            name: name.to_owned(),
            id,
            algorithm,
            purpose,
            version,
            fingerprints: key
                .fingerprints()
                .iter()
                .map(|f| (f.id().to_owned(), f.to_string()))
                .collect(),
            format,
            material: text,
        })
    }

    /// The key, read back from its material, after checking that its fingerprints are
    /// the ones the kit lists.
    ///
    /// # Errors
    /// [`KitError::Material`] when the material does not decode;
    /// [`KitError::FingerprintMismatch`] when it is not the key the kit names.
    pub fn key(&self) -> Result<SecretKey, KitError> {
        let key = SecretKey::import(self.material.as_bytes(), self.format, Some(self.algorithm))
            .map_err(|e| KitError::Material {
                name: self.name.clone(),
                reason: e.to_string(),
            })?;
        let actual: Vec<(String, String)> = key
            .fingerprints()
            .iter()
            .map(|f| (f.id().to_owned(), f.to_string()))
            .collect();
        if self.fingerprints.is_empty() || actual != self.fingerprints {
            return Err(KitError::FingerprintMismatch {
                name: self.name.clone(),
            });
        }
        Ok(key)
    }
}

/// Fields must stay on one line: no line breaks or other control characters.
fn one_line(field: &'static str, value: &str) -> Result<(), KitError> {
    if value.chars().any(char::is_control) {
        return Err(KitError::Document {
            line: 0,
            reason: format!("the {field} has a line break or control character"),
        });
    }
    Ok(())
}

impl KitDocument {
    /// The document's text.
    ///
    /// # Errors
    /// [`KitError::Document`] when a name or fingerprint would break the layout.
    pub fn to_text(&self) -> Result<Zeroizing<String>, KitError> {
        let mut out = Zeroizing::new(String::with_capacity(
            256 + self
                .entries
                .iter()
                .map(|e| 512 + e.material.len())
                .sum::<usize>(),
        ));
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "{FIRST_LINE}\nKit: {}\nGeneration: {}\nMade: {}\nKeys: {}\n",
            self.kit,
            self.generation,
            self.made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            self.entries.len()
        );
        for e in &self.entries {
            one_line("name", &e.name)?;
            let _ = write!(
                out,
                "\nKey: {}\nId: {}\nAlgorithm: {}\nPurpose: {}\nVersion: {}\n",
                e.name,
                e.id,
                e.algorithm.id(),
                e.purpose.id(),
                e.version
            );
            for (kind, value) in &e.fingerprints {
                one_line("fingerprint", kind)?;
                one_line("fingerprint", value)?;
                let _ = writeln!(out, "Fingerprint: {kind} {value}");
            }
            let _ = write!(
                out,
                "Encoding: {}\nMaterial:\n{}\n{END_OF_KEY}\n",
                e.format.id(),
                e.material.as_str()
            );
        }
        Ok(out)
    }

    /// Reads a document's text.
    ///
    /// # Errors
    /// [`KitError::Document`] naming the line that does not fit the format.
    pub fn parse(text: &str) -> Result<KitDocument, KitError> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let mut reader = Reader { lines: &mut lines };
        let (n, first) = reader.next_line()?;
        if first.trim() != FIRST_LINE {
            return Err(KitError::Document {
                line: n,
                reason: "this is not a Keywarden recovery document of format 1".to_owned(),
            });
        }
        let kit = reader.field("Kit")?.parse::<KitId>()?;
        let generation = reader.number("Generation")?;
        let (n, made) = reader.field_at("Made")?;
        let made_at: Timestamp = made.parse().map_err(|_| KitError::Document {
            line: n,
            reason: "Made is not a date and time".to_owned(),
        })?;
        let count = reader.number("Keys")?;
        let mut entries = Vec::new();
        for _ in 0..count {
            entries.push(reader.entry()?);
        }
        if let Some((n, extra)) = reader.lines.find(|(_, l)| !l.trim().is_empty()) {
            return Err(KitError::Document {
                line: n,
                reason: format!(
                    "unexpected text after the last key: \"{}\"",
                    extra.chars().take(40).collect::<String>()
                ),
            });
        }
        Ok(KitDocument {
            kit,
            generation,
            made_at,
            entries,
        })
    }
}

/// Reads a document line by line, skipping blank lines between fields.
struct Reader<'a, I: Iterator<Item = (usize, &'a str)>> {
    lines: &'a mut I,
}

impl<'a, I: Iterator<Item = (usize, &'a str)>> Reader<'a, I> {
    fn next_line(&mut self) -> Result<(usize, &'a str), KitError> {
        self.lines
            .find(|(_, l)| !l.trim().is_empty())
            .ok_or_else(|| KitError::Document {
                line: 0,
                reason: "the document ends too early".to_owned(),
            })
    }

    fn field_at(&mut self, name: &str) -> Result<(usize, &'a str), KitError> {
        let (n, line) = self.next_line()?;
        line.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix(": "))
            .map(|v| (n, v.trim()))
            .ok_or_else(|| KitError::Document {
                line: n,
                reason: format!("expected \"{name}: …\""),
            })
    }

    fn field(&mut self, name: &str) -> Result<&'a str, KitError> {
        self.field_at(name).map(|(_, v)| v)
    }

    fn number(&mut self, name: &str) -> Result<u32, KitError> {
        let (n, v) = self.field_at(name)?;
        v.parse().map_err(|_| KitError::Document {
            line: n,
            reason: format!("{name} is not a number"),
        })
    }

    fn parsed<T: std::str::FromStr>(&mut self, name: &str) -> Result<T, KitError> {
        let (n, v) = self.field_at(name)?;
        v.parse().map_err(|_| KitError::Document {
            line: n,
            reason: format!(
                "unknown {}: \"{}\"",
                name.to_lowercase(),
                v.chars().take(40).collect::<String>()
            ),
        })
    }

    fn entry(&mut self) -> Result<KitEntry, KitError> {
        let name = self.field("Key")?.to_owned();
        let id = self.parsed::<KeyId>("Id")?;
        let algorithm = self.parsed::<Algorithm>("Algorithm")?;
        let purpose = self.parsed::<Purpose>("Purpose")?;
        let version = self.number("Version")?;
        let mut fingerprints = Vec::new();
        let (n, line) = loop {
            let (n, line) = self.next_line()?;
            match line.strip_prefix("Fingerprint: ") {
                Some(rest) => {
                    let (kind, value) =
                        rest.trim()
                            .split_once(' ')
                            .ok_or_else(|| KitError::Document {
                                line: n,
                                reason: "a fingerprint is its kind, a space and its value"
                                    .to_owned(),
                            })?;
                    fingerprints.push((kind.to_owned(), value.trim().to_owned()));
                }
                None => break (n, line),
            }
        };
        let format = line
            .strip_prefix("Encoding: ")
            .and_then(|f| f.trim().parse::<Format>().ok())
            .ok_or_else(|| KitError::Document {
                line: n,
                reason: "expected \"Encoding: …\" with a known encoding".to_owned(),
            })?;
        let (n, line) = self.next_line()?;
        if line.trim() != "Material:" {
            return Err(KitError::Document {
                line: n,
                reason: "expected \"Material:\"".to_owned(),
            });
        }
        let mut material = Zeroizing::new(String::new());
        loop {
            let (_, line) = self.next_line()?;
            if line.trim() == END_OF_KEY {
                break;
            }
            if !material.is_empty() {
                material.push('\n');
            }
            material.push_str(line.trim_end());
        }
        Ok(KitEntry {
            name,
            id,
            algorithm,
            purpose,
            version,
            fingerprints,
            format,
            material,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(algorithms: &[Algorithm]) -> KitDocument {
        KitDocument {
            kit: KitId::from_bits(0x12_3456_789A),
            generation: 2,
            made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
            entries: algorithms
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let key = SecretKey::generate(*a).unwrap();
                    KitEntry::new(
                        &format!("Key {i} – ünïcödé"),
                        KeyId::random(),
                        a.purposes()[0],
                        1,
                        &key,
                    )
                    .unwrap()
                })
                .collect(),
        }
    }

    #[test]
    fn every_kind_of_key_round_trips_through_the_text_and_keeps_its_fingerprint() {
        let doc = document(&[
            Algorithm::Aes256,
            Algorithm::HmacSha512,
            Algorithm::Ed25519,
            Algorithm::EcdsaP384,
            Algorithm::X25519,
            Algorithm::AgeX25519,
            Algorithm::Password,
            Algorithm::Diceware,
            Algorithm::ApiToken,
        ]);
        let text = doc.to_text().unwrap();
        assert!(text.starts_with(FIRST_LINE));
        assert!(text.contains("\nKit: KW-28T5-CY4T\n"));
        let read = KitDocument::parse(&text).unwrap();
        assert_eq!(read, doc);
        for e in &read.entries {
            e.key().unwrap();
        }
        // Windows line ends from a person's editor are fine too.
        assert_eq!(
            KitDocument::parse(&text.replace('\n', "\r\n")).unwrap(),
            doc
        );
    }

    #[test]
    fn a_changed_material_or_fingerprint_is_caught() {
        let mut doc = document(&[Algorithm::Aes128]);
        let other = SecretKey::generate(Algorithm::Aes128).unwrap();
        let hex = other.export(Format::RawHex, "").unwrap();
        doc.entries[0].material = Zeroizing::new(String::from_utf8(hex.to_vec()).unwrap());
        assert!(matches!(
            doc.entries[0].key(),
            Err(KitError::FingerprintMismatch { .. })
        ));
        doc.entries[0].material = Zeroizing::new("zz".to_owned());
        assert!(matches!(
            doc.entries[0].key(),
            Err(KitError::Material { .. })
        ));
    }

    #[test]
    fn malformed_documents_name_the_line() {
        let text = document(&[Algorithm::Aes256]).to_text().unwrap();
        let cases = [
            (
                "Keywarden recovery kit, format 1",
                "Keywarden recovery kit, format 2",
                1,
            ),
            ("Generation: 2", "Generation: two", 3),
            ("Algorithm: aes-256", "Algorithm: rot13", 9),
            ("Encoding: hex", "Encoding: morse", 13),
            ("End of key", "", 0),
        ];
        for (from, to, line) in cases {
            let broken = text.replace(from, to);
            match KitDocument::parse(&broken) {
                Err(KitError::Document { line: l, .. }) => assert_eq!(l, line, "{from}"),
                other => panic!("{from}: {other:?}"),
            }
        }
        assert!(KitDocument::parse(&format!("{}\nmore", text.as_str())).is_err());
        let mut doc = document(&[Algorithm::Aes256]);
        doc.entries[0].name = "two\nlines".to_owned();
        assert!(doc.to_text().is_err());
    }
}
