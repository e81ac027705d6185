//! Key records: what a key is called and what it is, apart from its secret material.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::algorithm::Algorithm;
use crate::clock::Timestamp;
use crate::error::RecordError;

/// A key's identity: a random UUID, shown lowercase and hyphenated.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(uuid::Uuid);

impl KeyId {
    pub(crate) fn random() -> Self {
        Self(uuid::Builder::from_random_bytes(crate::random::array()).into_uuid())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

impl FromStr for KeyId {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::try_parse(s)
            .map(Self)
            .map_err(|_| RecordError::Invalid {
                field: "id",
                reason: format!(
                    "\"{}\" is not a key id",
                    s.chars().take(64).collect::<String>()
                ),
            })
    }
}

/// A key as listed: everything but its secret material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The key's id.
    pub id: KeyId,
    /// A unique, human name.
    pub name: String,
    /// What kind of key it is.
    pub algorithm: Algorithm,
    /// Free text.
    pub notes: String,
    /// Labels for search and grouping.
    pub tags: Vec<String>,
    /// When the key was made.
    pub created_at: Timestamp,
    /// When the record last changed.
    pub updated_at: Timestamp,
    /// The number of the current version of the key's material (1 for a new key).
    pub current_version: u32,
    pub(crate) row_version: u64,
}

impl KeyRecord {
    /// Whether `needle` (already lowercased) occurs in the name, a tag or the algorithm.
    pub(crate) fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.name.to_lowercase().contains(needle)
            || self.algorithm.id().contains(needle)
            || self.tags.iter().any(|t| t.to_lowercase().contains(needle))
    }
}

/// What a new key is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// Its name, unique in the vault.
    pub name: String,
    /// What kind of key to generate.
    pub algorithm: Algorithm,
    /// Free text.
    pub notes: String,
    /// Labels.
    pub tags: Vec<String>,
}

/// A change to a key record; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyUpdate {
    /// A new name.
    pub name: Option<String>,
    /// New notes.
    pub notes: Option<String>,
    /// New tags, replacing the old ones.
    pub tags: Option<Vec<String>>,
}

/// Limits on the fields of a record.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 200;
    /// Longest notes, in characters.
    pub const NOTES_CHARS: usize = 10_000;
    /// Most tags on one key.
    pub const TAGS: usize = 32;
    /// Longest tag, in characters.
    pub const TAG_CHARS: usize = 64;
}

fn invalid(field: &'static str, reason: impl Into<String>) -> RecordError {
    RecordError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// The form in which two names are compared: NFKC, then lowercase, so names that look
/// the same (composed and decomposed accents, ligatures, case) are the same name.
pub(crate) fn comparable_name(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc().collect::<String>().to_lowercase()
}

/// Trims and checks a name.
pub(crate) fn clean_name(name: &str) -> Result<String, RecordError> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 {
        return Err(invalid("name", "a key needs a name"));
    }
    if n > limits::NAME_CHARS {
        return Err(invalid(
            "name",
            format!("at most {} characters", limits::NAME_CHARS),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("name", "no control characters (tabs, line breaks)"));
    }
    Ok(name.to_owned())
}

/// Checks notes (kept as written).
pub(crate) fn clean_notes(notes: &str) -> Result<String, RecordError> {
    if notes.chars().count() > limits::NOTES_CHARS {
        return Err(invalid(
            "notes",
            format!("at most {} characters", limits::NOTES_CHARS),
        ));
    }
    Ok(notes.to_owned())
}

/// Trims, checks and de-duplicates tags, keeping their order.
pub(crate) fn clean_tags(tags: &[String]) -> Result<Vec<String>, RecordError> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim();
        let n = tag.chars().count();
        if n == 0 {
            return Err(invalid("tags", "a tag cannot be empty"));
        }
        if n > limits::TAG_CHARS {
            return Err(invalid(
                "tags",
                format!("a tag has at most {} characters", limits::TAG_CHARS),
            ));
        }
        if tag.contains(',') || tag.chars().any(char::is_control) {
            return Err(invalid(
                "tags",
                "a tag cannot contain commas or control characters",
            ));
        }
        if !out.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            out.push(tag.to_owned());
        }
    }
    if out.len() > limits::TAGS {
        return Err(invalid("tags", format!("at most {} tags", limits::TAGS)));
    }
    Ok(out)
}

/// The sealed plaintext of a `key.meta` column: a CBOR map (RFC 8949) with these text
/// keys. Later versions may add keys; readers ignore keys they do not know.
#[derive(Serialize, Deserialize)]
pub(crate) struct KeyMetaV1 {
    pub name: String,
    pub algorithm: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub created: i64,
    pub updated: i64,
    pub current_version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Backup key ").unwrap(), "Backup key");
        assert!(clean_name("   ").is_err());
        assert!(clean_name("a\nb").is_err());
        assert!(clean_name(&"x".repeat(200)).is_ok());
        assert!(clean_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn tags_are_cleaned() {
        let tags = vec![" prod ".to_owned(), "PROD".to_owned(), "db".to_owned()];
        assert_eq!(clean_tags(&tags).unwrap(), vec!["prod", "db"]);
        assert!(clean_tags(&["a,b".to_owned()]).is_err());
        assert!(clean_tags(&[String::new()]).is_err());
        let many: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();
        assert!(clean_tags(&many).is_err());
    }

    #[test]
    fn key_ids_are_version_4_uuids() {
        let id = KeyId::random();
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(&text[14..15], "4");
        assert_eq!(text.parse::<KeyId>().unwrap(), id);
        assert!("not-an-id".parse::<KeyId>().is_err());
    }
}
