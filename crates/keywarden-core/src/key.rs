//! Key records: what a key is called and what it is, apart from its secret material.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::algorithm::{Algorithm, Purpose};
use crate::clock::{self, Timestamp};
use crate::error::RecordError;
use crate::reminder::DueKind;
use crate::state::{KeyState, Transition};

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
    /// What kind of key the current version is.
    pub algorithm: Algorithm,
    /// What the key is for.
    pub purpose: Purpose,
    /// The person or team responsible for the key.
    pub owner: String,
    /// People who hold or may recover the key (kit custodians, administrators).
    pub custodians: Vec<String>,
    /// Free text.
    pub notes: String,
    /// Labels for search and grouping.
    pub tags: Vec<String>,
    /// The key's state.
    pub state: KeyState,
    /// Every change of state, oldest first.
    pub history: Vec<Transition>,
    /// Every version of the material, oldest first; the last is the current one.
    pub versions: Vec<KeyVersion>,
    /// When the key was made.
    pub created_at: Timestamp,
    /// When the record last changed.
    pub updated_at: Timestamp,
    /// When the key became active, if it has.
    pub activated_at: Option<Timestamp>,
    /// When the key was last rotated.
    pub rotated_at: Option<Timestamp>,
    /// Days between rotations for this key, overriding the policy's cryptoperiod.
    pub rotation_days: Option<u32>,
    /// A destruction that is scheduled and not yet carried out.
    pub destruction: Option<ScheduledDestruction>,
    /// Snoozed reminders, at most one per kind of due date.
    pub snoozes: Vec<Snooze>,
    /// When secret material was last shown to a person.
    pub revealed_at: Option<Timestamp>,
    /// When secret material last left the vault.
    pub exported_at: Option<Timestamp>,
    /// The number of the current version of the key's material (1 for a new key).
    pub current_version: u32,
    /// The vault holds only the public key (imported on its own); the private key lives
    /// elsewhere, so nothing can reveal, export, escrow or rotate a secret of it.
    pub public_only: bool,
    pub(crate) row_version: u64,
}

/// One version of a key's material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVersion {
    /// 1 for the first, then one more per rotation.
    pub number: u32,
    /// The algorithm of this version.
    pub algorithm: Algorithm,
    /// When it was made.
    pub created_at: Timestamp,
    /// Its main fingerprint (`docs/key-formats.md`); kept after destruction.
    pub fingerprint: String,
    /// Every fingerprint, the main one first, as (kind id, value): `spki-sha256`,
    /// `openssh-sha256` (SSH-capable keys), `age-recipient`, `kcv`.
    pub fingerprints: Vec<(String, String)>,
    /// When a newer version replaced it (it may still process: decrypt, verify).
    pub deactivated_at: Option<Timestamp>,
    /// When its material was erased.
    pub destroyed_at: Option<Timestamp>,
}

impl KeyVersion {
    /// The main fingerprint and the full list, as stored, of a key whose fingerprints
    /// are `all`, the main one first.
    pub(crate) fn fingerprints_of(
        all: &[crate::material::Fingerprint],
    ) -> (String, Vec<(String, String)>) {
        let main = all.first().map(ToString::to_string).unwrap_or_default();
        let all = all
            .iter()
            .map(|f| (f.id().to_owned(), f.to_string()))
            .collect();
        (main, all)
    }
}

/// A destruction waiting to be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledDestruction {
    /// When it was scheduled.
    pub scheduled_at: Timestamp,
    /// When the material will be erased.
    pub due_at: Timestamp,
    /// Who scheduled it.
    pub actor: String,
    /// Why.
    pub reason: String,
}

/// A reminder of one due date, put off with a reason. It holds for that due date only:
/// once the date moves (a rotation), the reminder is back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snooze {
    /// What falls due.
    pub kind: DueKind,
    /// The due date it was snoozed for.
    pub due_at: Timestamp,
    /// When reminders resume.
    pub until: Timestamp,
    /// Who snoozed it.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub reason: String,
}

impl KeyRecord {
    /// The snooze holding for `kind` due at `due_at`, at `now`.
    pub fn snooze_of(&self, kind: DueKind, due_at: Timestamp, now: Timestamp) -> Option<&Snooze> {
        self.snoozes
            .iter()
            .find(|s| s.kind == kind && s.due_at == due_at && s.until > now)
    }

    /// Whether `needle` (already lowercased) occurs in the name, a tag, the owner, the
    /// algorithm, the purpose or the state.
    pub(crate) fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.name.to_lowercase().contains(needle)
            || self.algorithm.id().contains(needle)
            || self.purpose.id().contains(needle)
            || self.state.id().contains(needle)
            || self.owner.to_lowercase().contains(needle)
            || self.tags.iter().any(|t| t.to_lowercase().contains(needle))
    }

    /// The current version.
    pub fn current(&self) -> Option<&KeyVersion> {
        self.versions
            .iter()
            .find(|v| v.number == self.current_version)
    }

    /// The current version's fingerprint (empty for a record without versions).
    pub fn fingerprint(&self) -> &str {
        self.current().map_or("", |v| v.fingerprint.as_str())
    }

    /// When the key was last used in a way the vault sees: revealed, exported,
    /// rotated, or else made.
    pub fn last_used_at(&self) -> Timestamp {
        [self.revealed_at, self.exported_at, self.rotated_at]
            .into_iter()
            .flatten()
            .fold(self.created_at, Timestamp::max)
    }
}

/// What a new key is made from. [`NewKey::new`] fills in the usual defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKey {
    /// Its name, unique in the vault.
    pub name: String,
    /// What kind of key to generate.
    pub algorithm: Algorithm,
    /// What it is for; `None`: the algorithm's usual purpose.
    pub purpose: Option<Purpose>,
    /// The person or team responsible.
    pub owner: String,
    /// People who hold or may recover it.
    pub custodians: Vec<String>,
    /// Free text.
    pub notes: String,
    /// Labels.
    pub tags: Vec<String>,
    /// Leave the key in pre-activation instead of activating it at once.
    pub pre_activation: bool,
    /// Days between rotations, overriding the policy's cryptoperiod.
    pub rotation_days: Option<u32>,
}

impl NewKey {
    /// A key with this name and algorithm, its usual purpose, activated at once.
    pub fn new(name: impl Into<String>, algorithm: Algorithm) -> Self {
        NewKey {
            name: name.into(),
            algorithm,
            purpose: None,
            owner: String::new(),
            custodians: Vec::new(),
            notes: String::new(),
            tags: Vec::new(),
            pre_activation: false,
            rotation_days: None,
        }
    }
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
    /// A new owner.
    pub owner: Option<String>,
    /// New custodians, replacing the old ones.
    pub custodians: Option<Vec<String>>,
    /// A new rotation interval in days (`Some(None)`: follow the policy again).
    pub rotation_days: Option<Option<u32>>,
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
    /// Longest reason for a change, in characters.
    pub const REASON_CHARS: usize = 1_000;
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
/// keys. Later versions may add keys; readers ignore keys they do not know. Times are
/// Unix seconds; ids are the stable text ids of algorithms, purposes and states.
#[derive(Serialize, Deserialize)]
pub(crate) struct KeyMetaV1 {
    pub name: String,
    pub algorithm: String,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub custodians: Vec<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub history: Vec<TransitionV1>,
    #[serde(default)]
    pub versions: Vec<VersionV1>,
    pub created: i64,
    pub updated: i64,
    #[serde(default)]
    pub activated: Option<i64>,
    #[serde(default)]
    pub rotated: Option<i64>,
    #[serde(default)]
    pub rotation_days: Option<u32>,
    #[serde(default)]
    pub destruction: Option<DestructionV1>,
    #[serde(default)]
    pub snoozes: Vec<SnoozeV1>,
    #[serde(default)]
    pub revealed: Option<i64>,
    #[serde(default)]
    pub exported: Option<i64>,
    pub current_version: u32,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_only: bool,
}

/// One state change inside [`KeyMetaV1`].
#[derive(Serialize, Deserialize)]
pub(crate) struct TransitionV1 {
    pub from: Option<String>,
    pub to: String,
    pub at: i64,
    pub actor: String,
    pub reason: String,
}

/// One version inside [`KeyMetaV1`].
#[derive(Serialize, Deserialize)]
pub(crate) struct VersionV1 {
    pub number: u32,
    pub algorithm: String,
    pub created: i64,
    pub fingerprint: String,
    #[serde(default)]
    pub fingerprints: Vec<(String, String)>,
    #[serde(default)]
    pub deactivated: Option<i64>,
    #[serde(default)]
    pub destroyed: Option<i64>,
}

/// A scheduled destruction inside [`KeyMetaV1`].
#[derive(Serialize, Deserialize)]
pub(crate) struct DestructionV1 {
    pub scheduled: i64,
    pub due: i64,
    pub actor: String,
    pub reason: String,
}

/// A snoozed reminder inside [`KeyMetaV1`].
#[derive(Serialize, Deserialize)]
pub(crate) struct SnoozeV1 {
    pub kind: String,
    pub due: i64,
    pub until: i64,
    pub actor: String,
    pub at: i64,
    pub reason: String,
}

impl KeyRecord {
    /// The stored form of the record.
    pub(crate) fn to_meta(&self) -> KeyMetaV1 {
        let unix = clock::to_unix;
        KeyMetaV1 {
            name: self.name.clone(),
            algorithm: self.algorithm.id().to_owned(),
            purpose: Some(self.purpose.id().to_owned()),
            owner: self.owner.clone(),
            custodians: self.custodians.clone(),
            notes: self.notes.clone(),
            tags: self.tags.clone(),
            state: Some(self.state.id().to_owned()),
            history: self
                .history
                .iter()
                .map(|t| TransitionV1 {
                    from: t.from.map(|s| s.id().to_owned()),
                    to: t.to.id().to_owned(),
                    at: unix(t.at),
                    actor: t.actor.clone(),
                    reason: t.reason.clone(),
                })
                .collect(),
            versions: self
                .versions
                .iter()
                .map(|v| VersionV1 {
                    number: v.number,
                    algorithm: v.algorithm.id().to_owned(),
                    created: unix(v.created_at),
                    fingerprint: v.fingerprint.clone(),
                    fingerprints: v.fingerprints.clone(),
                    deactivated: v.deactivated_at.map(unix),
                    destroyed: v.destroyed_at.map(unix),
                })
                .collect(),
            created: unix(self.created_at),
            updated: unix(self.updated_at),
            activated: self.activated_at.map(unix),
            rotated: self.rotated_at.map(unix),
            rotation_days: self.rotation_days,
            destruction: self.destruction.as_ref().map(|d| DestructionV1 {
                scheduled: unix(d.scheduled_at),
                due: unix(d.due_at),
                actor: d.actor.clone(),
                reason: d.reason.clone(),
            }),
            snoozes: self
                .snoozes
                .iter()
                .map(|z| SnoozeV1 {
                    kind: z.kind.id().to_owned(),
                    due: unix(z.due_at),
                    until: unix(z.until),
                    actor: z.actor.clone(),
                    at: unix(z.at),
                    reason: z.reason.clone(),
                })
                .collect(),
            revealed: self.revealed_at.map(unix),
            exported: self.exported_at.map(unix),
            current_version: self.current_version,
            public_only: self.public_only,
        }
    }

    /// The record from its stored form; the error names what does not decode.
    pub(crate) fn from_meta(
        id: KeyId,
        row_version: u64,
        meta: KeyMetaV1,
    ) -> Result<KeyRecord, &'static str> {
        let time = clock::from_unix;
        let algorithm: Algorithm = meta.algorithm.parse().map_err(|_| "unknown algorithm")?;
        let purpose = match meta.purpose {
            Some(p) => p.parse().map_err(|_| "unknown purpose")?,
            None => algorithm.purposes()[0],
        };
        let state = match meta.state {
            Some(s) => s.parse().map_err(|_| "unknown state")?,
            None => KeyState::Active,
        };
        let mut history = Vec::with_capacity(meta.history.len());
        for t in meta.history {
            history.push(Transition {
                from: match t.from {
                    Some(f) => Some(f.parse().map_err(|_| "unknown state in the history")?),
                    None => None,
                },
                to: t.to.parse().map_err(|_| "unknown state in the history")?,
                at: time(t.at),
                actor: t.actor,
                reason: t.reason,
            });
        }
        let mut versions = Vec::with_capacity(meta.versions.len());
        for v in meta.versions {
            versions.push(KeyVersion {
                number: v.number,
                algorithm: v
                    .algorithm
                    .parse()
                    .map_err(|_| "unknown algorithm in a version")?,
                created_at: time(v.created),
                fingerprint: v.fingerprint,
                fingerprints: v.fingerprints,
                deactivated_at: v.deactivated.map(time),
                destroyed_at: v.destroyed.map(time),
            });
        }
        if versions.is_empty() {
            // Records written before versions were listed: one version, the current one.
            versions.push(KeyVersion {
                number: meta.current_version,
                algorithm,
                created_at: time(meta.created),
                fingerprint: String::new(),
                fingerprints: Vec::new(),
                deactivated_at: None,
                destroyed_at: None,
            });
        }
        Ok(KeyRecord {
            id,
            name: meta.name,
            algorithm,
            purpose,
            owner: meta.owner,
            custodians: meta.custodians,
            notes: meta.notes,
            tags: meta.tags,
            state,
            history,
            versions,
            created_at: time(meta.created),
            updated_at: time(meta.updated),
            activated_at: meta.activated.map(time),
            rotated_at: meta.rotated.map(time),
            rotation_days: meta.rotation_days,
            destruction: meta.destruction.map(|d| ScheduledDestruction {
                scheduled_at: time(d.scheduled),
                due_at: time(d.due),
                actor: d.actor,
                reason: d.reason,
            }),
            snoozes: meta
                .snoozes
                .into_iter()
                .map(|z| {
                    Ok(Snooze {
                        kind: z
                            .kind
                            .parse()
                            .map_err(|_| "unknown kind of snoozed reminder")?,
                        due_at: time(z.due),
                        until: time(z.until),
                        actor: z.actor,
                        at: time(z.at),
                        reason: z.reason,
                    })
                })
                .collect::<Result<_, &'static str>>()?,
            revealed_at: meta.revealed.map(time),
            exported_at: meta.exported.map(time),
            current_version: meta.current_version,
            public_only: meta.public_only,
            row_version,
        })
    }
}

/// Trims and checks a person's name (owner, custodian, actor).
pub(crate) fn clean_person(field: &'static str, name: &str) -> Result<String, RecordError> {
    let name = name.trim();
    if name.chars().count() > limits::NAME_CHARS {
        return Err(invalid(
            field,
            format!("at most {} characters", limits::NAME_CHARS),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid(field, "no control characters (tabs, line breaks)"));
    }
    Ok(name.to_owned())
}

/// Cleans a list of custodians: trimmed, non-empty, unique, at most [`limits::TAGS`].
pub(crate) fn clean_custodians(names: &[String]) -> Result<Vec<String>, RecordError> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = clean_person("custodians", n)?;
        if n.is_empty() {
            return Err(invalid("custodians", "a custodian needs a name"));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
            out.push(n);
        }
    }
    if out.len() > limits::TAGS {
        return Err(invalid(
            "custodians",
            format!("at most {} custodians", limits::TAGS),
        ));
    }
    Ok(out)
}

/// Checks a reason given for a change: required, one paragraph at most.
pub(crate) fn clean_reason(reason: &str) -> Result<String, RecordError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(invalid(
            "reason",
            "say why; the reason is kept in the audit log",
        ));
    }
    if reason.chars().count() > limits::REASON_CHARS {
        return Err(invalid(
            "reason",
            format!("at most {} characters", limits::REASON_CHARS),
        ));
    }
    Ok(reason.to_owned())
}

/// Checks a rotation interval in days.
pub(crate) fn clean_rotation_days(days: Option<u32>) -> Result<Option<u32>, RecordError> {
    match days {
        Some(d) if !(1..=crate::policy::MAX_CRYPTOPERIOD_DAYS).contains(&d) => Err(invalid(
            "rotation days",
            format!("from 1 to {} days", crate::policy::MAX_CRYPTOPERIOD_DAYS),
        )),
        other => Ok(other),
    }
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
