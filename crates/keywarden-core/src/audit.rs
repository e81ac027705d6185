//! The tamper-evident audit log: every operation, success or failure, as a sealed entry
//! chained to the one before by a MAC under the audit chain key, with a sealed head that
//! names the newest entry so that cutting entries off the end is detected too.
//!
//! Layout (`docs/vault-format.md`, section "audit"): row `seq` of table `audit` holds
//! `entry = seal(audit key, place(audit, seq, 1), CBOR)` and
//! `mac = HMAC-SHA-256(chain key, previous mac || u64be(seq) || entry)`, with 32 zero
//! bytes before the first entry. The `setting` row `audit-head` holds the newest
//! entry's `{seq, mac}`, sealed with the audit key.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::clock::{self, Timestamp};
use crate::error::{RecordError, StorageError};
use crate::key::KeyId;
use crate::schema::table;
use crate::seal::{self, Place};
use crate::secret::SymmetricKey;
use crate::settings::SettingRow;

/// The `setting` row that holds the head of the chain.
pub(crate) const HEAD_ROW: &str = "audit-head";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The vault was made.
    VaultCreated,
    /// The vault was unlocked.
    Unlocked,
    /// An unlock failed (recorded at the next successful unlock).
    UnlockFailed,
    /// The passphrase was changed.
    PassphraseChanged,
    /// Preferences changed.
    SettingsChanged,
    /// The policy changed.
    PolicyChanged,
    /// A key was generated.
    KeyGenerated,
    /// A key was imported.
    KeyImported,
    /// A key's name, notes, tags, owner or custodians changed.
    KeyUpdated,
    /// A key record was deleted outright (not destroyed).
    KeyDeleted,
    /// A key changed state.
    StateChanged,
    /// A key got a new version.
    KeyRotated,
    /// A destruction was scheduled.
    DestructionScheduled,
    /// A scheduled destruction was cancelled.
    DestructionCancelled,
    /// A key's material was erased.
    KeyDestroyed,
    /// Secret material was shown to a person.
    SecretRevealed,
    /// Secret material left the vault in a file or on the clipboard.
    SecretExported,
    /// The public part of a key was exported.
    PublicExported,
    /// The audit log was found cut off or rolled back at unlock; the entry says how.
    AuditTampered,
    /// A reminder of a due date was snoozed.
    ReminderSnoozed,
    /// A snoozed reminder was woken early.
    SnoozeCancelled,
    /// A due-date calendar was exported.
    CalendarExported,
    /// A key-management report was exported.
    ReportExported,
    /// A recovery kit was made (one entry per key it holds) or could not be.
    KitCreated,
    /// A kit became superseded (its key was rotated) or void (compromised, destroyed).
    KitStatusChanged,
    /// Keys were restored from a recovery kit.
    KitRecovered,
    /// A kit was drilled: its shares or payload read back and checked, or not.
    KitDrilled,
    /// The vault was opened with its vault recovery kit, and a new passphrase set (or
    /// an attempt failed, recorded at the next successful unlock).
    VaultRecovered,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 28] = [
        Action::VaultCreated,
        Action::Unlocked,
        Action::UnlockFailed,
        Action::PassphraseChanged,
        Action::SettingsChanged,
        Action::PolicyChanged,
        Action::KeyGenerated,
        Action::KeyImported,
        Action::KeyUpdated,
        Action::KeyDeleted,
        Action::StateChanged,
        Action::KeyRotated,
        Action::DestructionScheduled,
        Action::DestructionCancelled,
        Action::KeyDestroyed,
        Action::SecretRevealed,
        Action::SecretExported,
        Action::PublicExported,
        Action::AuditTampered,
        Action::ReminderSnoozed,
        Action::SnoozeCancelled,
        Action::CalendarExported,
        Action::ReportExported,
        Action::KitCreated,
        Action::KitStatusChanged,
        Action::KitRecovered,
        Action::KitDrilled,
        Action::VaultRecovered,
    ];

    /// The stable identifier stored in entries and used by filters.
    pub fn id(self) -> &'static str {
        match self {
            Action::VaultCreated => "vault-created",
            Action::Unlocked => "unlocked",
            Action::UnlockFailed => "unlock-failed",
            Action::PassphraseChanged => "passphrase-changed",
            Action::SettingsChanged => "settings-changed",
            Action::PolicyChanged => "policy-changed",
            Action::KeyGenerated => "key-generated",
            Action::KeyImported => "key-imported",
            Action::KeyUpdated => "key-updated",
            Action::KeyDeleted => "key-deleted",
            Action::StateChanged => "state-changed",
            Action::KeyRotated => "key-rotated",
            Action::DestructionScheduled => "destruction-scheduled",
            Action::DestructionCancelled => "destruction-cancelled",
            Action::KeyDestroyed => "key-destroyed",
            Action::SecretRevealed => "secret-revealed",
            Action::SecretExported => "secret-exported",
            Action::PublicExported => "public-exported",
            Action::AuditTampered => "audit-tampered",
            Action::ReminderSnoozed => "reminder-snoozed",
            Action::SnoozeCancelled => "snooze-cancelled",
            Action::CalendarExported => "calendar-exported",
            Action::ReportExported => "report-exported",
            Action::KitCreated => "kit-created",
            Action::KitStatusChanged => "kit-status-changed",
            Action::KitRecovered => "kit-recovered",
            Action::KitDrilled => "kit-drilled",
            Action::VaultRecovered => "vault-recovered",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Action {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Action::ALL
            .into_iter()
            .find(|a| a.id() == wanted)
            .ok_or_else(|| RecordError::Invalid {
                field: "action",
                reason: format!(
                    "unknown action \"{}\"; known: {}",
                    s.chars().take(64).collect::<String>(),
                    Action::ALL.map(Action::id).join(", ")
                ),
            })
    }
}

/// Whether the operation went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// It was done.
    Success,
    /// It was refused or failed; the entry's detail says why.
    Failure,
}

impl Outcome {
    /// `success` or `failure`.
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

impl FromStr for Outcome {
    type Err = RecordError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "success" => Ok(Outcome::Success),
            "failure" => Ok(Outcome::Failure),
            _ => Err(RecordError::Invalid {
                field: "outcome",
                reason: "\"success\" or \"failure\"".to_owned(),
            }),
        }
    }
}

/// One entry of the log, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its position, from 1.
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: String,
    /// What.
    pub action: Action,
    /// On which key, if any.
    pub key: Option<KeyId>,
    /// The key's name at the time (kept after the key is gone).
    pub key_name: String,
    /// The key's fingerprint at the time, that of the version current when the action
    /// began (empty for entries written before fingerprints were recorded, and for
    /// requests about a key that does not exist).
    pub key_fingerprint: String,
    /// Why, in the person's words (may be empty).
    pub reason: String,
    /// Success or failure.
    pub outcome: Outcome,
    /// What exactly happened, or why it failed. Never secret material.
    pub detail: String,
}

/// An entry to append: everything but its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewEntry {
    pub action: Action,
    /// The key's id, name and fingerprint.
    pub key: Option<(KeyId, String, String)>,
    pub reason: String,
    pub outcome: Outcome,
    pub detail: String,
}

impl NewEntry {
    pub(crate) fn new(action: Action) -> Self {
        NewEntry {
            action,
            key: None,
            reason: String::new(),
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }

    pub(crate) fn key(mut self, id: KeyId, name: &str, fingerprint: &str) -> Self {
        self.key = Some((id, name.to_owned(), fingerprint.to_owned()));
        self
    }

    pub(crate) fn reason(mut self, reason: &str) -> Self {
        self.reason = bounded(reason.trim(), crate::key::limits::REASON_CHARS);
        self
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = bounded(&detail.into(), MAX_DETAIL_CHARS);
        self
    }

    pub(crate) fn failed(mut self, why: impl Into<String>) -> Self {
        self.outcome = Outcome::Failure;
        self.detail = bounded(&why.into(), MAX_DETAIL_CHARS);
        self
    }
}

/// The longest detail an entry keeps, in characters.
const MAX_DETAIL_CHARS: usize = 2_000;

/// `text` without control characters other than line breaks, cut to `max` characters:
/// a refused request may carry anything, and the log keeps only a bounded, printable
/// account of it.
fn bounded(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The sealed plaintext of an entry: a CBOR map with these text keys.
#[derive(Serialize, Deserialize)]
struct EntryV1 {
    at: i64,
    actor: String,
    action: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    key_name: String,
    /// Absent in entries written before fingerprints were recorded.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    key_fingerprint: String,
    #[serde(default)]
    reason: String,
    outcome: String,
    #[serde(default)]
    detail: String,
}

/// The sealed plaintext of the head row: the newest position and its chain value in
/// lowercase hex.
#[derive(Serialize, Deserialize)]
struct HeadV1 {
    seq: u64,
    mac: String,
    /// [`row_digest`] of the vault after the change the entry records.
    #[serde(default)]
    rows: Option<String>,
}

/// The newest entry: its position and chain value. Position 0 is the empty log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    pub seq: u64,
    pub mac: [u8; 32],
    /// The head row's version (0: not written yet).
    pub row_version: u64,
}

impl Head {
    pub(crate) const EMPTY: Head = Head {
        seq: 0,
        mac: [0; 32],
        row_version: 0,
    };
}

/// The two audit sub-keys: one seals entries, one keys the chain.
pub(crate) struct AuditKeys {
    pub seal: SymmetricKey,
    pub chain: SymmetricKey,
}

fn chain_mac(key: &SymmetricKey, previous: &[u8; 32], seq: u64, entry: &[u8]) -> [u8; 32] {
    #[allow(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key.expose()).expect("HMAC takes any key");
    mac.update(previous);
    mac.update(&seq.to_be_bytes());
    mac.update(entry);
    mac.finalize().into_bytes().into()
}

fn entry_place<'a>(vault_id: &'a [u8; 16], seq_text: &'a str) -> Place<'a> {
    Place {
        vault_id,
        table: table::AUDIT,
        row_id: seq_text,
        row_version: 1,
    }
}

fn head_row<'a>(keys: &'a AuditKeys, vault_id: &'a [u8; 16]) -> SettingRow<'a> {
    SettingRow {
        name: HEAD_ROW,
        key: &keys.seal,
        vault_id,
    }
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// Who acts, when, and the [`row_digest`] of the vault once the change is written: what
/// every entry of one transaction shares.
#[derive(Clone, Copy)]
pub(crate) struct Stamp<'a> {
    pub actor: &'a str,
    pub at: Timestamp,
    pub rows: &'a str,
}

/// Appends `entry` after `head` inside the caller's transaction and returns the new
/// head. The caller adopts it only once the transaction commits.
pub(crate) fn append(
    conn: &Connection,
    keys: &AuditKeys,
    vault_id: &[u8; 16],
    head: Head,
    stamp: &Stamp<'_>,
    entry: &NewEntry,
) -> Result<Head, StorageError> {
    let Stamp { actor, at, rows } = *stamp;
    let seq = head.seq + 1;
    let plain = EntryV1 {
        at: clock::to_unix(at),
        actor: actor.to_owned(),
        action: entry.action.id().to_owned(),
        key: entry.key.as_ref().map(|(id, _, _)| id.to_string()),
        key_name: entry
            .key
            .as_ref()
            .map(|(_, n, _)| n.clone())
            .unwrap_or_default(),
        key_fingerprint: entry
            .key
            .as_ref()
            .map(|(_, _, f)| f.clone())
            .unwrap_or_default(),
        reason: entry.reason.clone(),
        outcome: entry.outcome.id().to_owned(),
        detail: entry.detail.clone(),
    };
    let seq_text = seq.to_string();
    let blob = seal::seal(
        &keys.seal,
        &entry_place(vault_id, &seq_text),
        &crate::vault::encode_cbor(&plain)?,
    );
    let mac = chain_mac(&keys.chain, &head.mac, seq, &blob);
    conn.execute(
        "INSERT INTO audit (seq, entry, mac) VALUES (?1, ?2, ?3)",
        params![i64_of(seq), blob, mac.as_slice()],
    )?;
    let sealed = HeadV1 {
        seq,
        mac: crate::vault::hex(&mac),
        rows: Some(rows.to_owned()),
    };
    let row_version = head_row(keys, vault_id).write(conn, head.row_version, &sealed)?;
    Ok(Head {
        seq,
        mac,
        row_version,
    })
}

/// A digest of which rows the vault holds, at which row versions: SHA-256 over
/// `"keywarden/v1/rows\n"` then one line `table NUL row_id NUL row_version LF` per row,
/// table by table in the order `key`, `key_version`, `keyslot`, `setting`, each in its
/// primary-key order: `key` by id, `key_version` by key id then version number (row id
/// `<key id>/<version>`), `keyslot` by id, `setting` by name (except `audit-head`). Ids
/// and names compare bytewise. The head carries it, so a row deleted, added or rolled
/// back to an older version outside Keywarden is detected at unlock; contents are bound
/// to their row versions by the seals. Each table is read in index order, unsorted.
pub(crate) fn row_digest(conn: &Connection) -> Result<String, StorageError> {
    use sha2::Digest;
    use std::io::Write as _;
    // Each query yields the row id in one or two parts (joined by '/') and the row
    // version, in the table's index order.
    const QUERIES: [(&str, &str); 4] = [
        ("key", "SELECT id, NULL, row_version FROM key ORDER BY id"),
        (
            "key_version",
            "SELECT key_id, version, row_version FROM key_version ORDER BY key_id, version",
        ),
        (
            "keyslot",
            "SELECT NULL, id, row_version FROM keyslot ORDER BY id",
        ),
        (
            "setting",
            "SELECT name, NULL, row_version FROM setting WHERE name != 'audit-head' ORDER BY name",
        ),
    ];
    let mut hash = Sha256::new();
    hash.update(b"keywarden/v1/rows\n");
    let mut line = Vec::with_capacity(96);
    for (table, sql) in QUERIES {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let malformed = || StorageError::damaged(format!("a {table} row has a malformed id"));
            line.clear();
            line.extend_from_slice(table.as_bytes());
            line.push(0);
            let text = row.get_ref(0)?;
            let number: Option<i64> = row.get(1)?;
            let version: i64 = row.get(2)?;
            let io = |_| malformed();
            match (text.as_str_or_null().map_err(|_| malformed())?, number) {
                (Some(id), None) => line.extend_from_slice(id.as_bytes()),
                (Some(id), Some(n)) => write!(line, "{id}/{n}").map_err(io)?,
                (None, Some(n)) => write!(line, "{n}").map_err(io)?,
                (None, None) => return Err(malformed()),
            }
            writeln!(line, "\0{version}").map_err(io)?;
            hash.update(&line);
        }
    }
    Ok(crate::vault::hex(&hash.finalize()))
}

/// Reads the sealed head (a vault without one has an empty log) and the row digest it
/// carries, if any.
pub(crate) fn read_head(
    conn: &Connection,
    keys: &AuditKeys,
    vault_id: &[u8; 16],
) -> Result<(Head, Option<String>), StorageError> {
    let Some((head, row_version)) = head_row(keys, vault_id).read::<HeadV1>(conn)? else {
        return Ok((Head::EMPTY, None));
    };
    let mac = (0..head.mac.len())
        .step_by(2)
        .map(|i| {
            head.mac
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .ok_or_else(|| StorageError::damaged("the audit head has a malformed chain value"))?;
    Ok((
        Head {
            seq: head.seq,
            mac,
            row_version,
        },
        head.rows,
    ))
}

/// One thing wrong with the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// The entry at `seq` was changed (its seal or its chain value does not hold).
    Edited {
        /// Position.
        seq: u64,
    },
    /// Entries `from..=to` are missing.
    Deleted {
        /// First missing position.
        from: u64,
        /// Last missing position.
        to: u64,
    },
    /// The entry stored at `seq` was written at position `belongs`.
    Reordered {
        /// Where it is.
        seq: u64,
        /// Where it was written.
        belongs: u64,
    },
    /// The log ends at `last` but the head says `head`: the newest entries were removed.
    Truncated {
        /// What the head says.
        head: u64,
        /// Where the log ends.
        last: u64,
    },
    /// An earlier unlock found the log tampered with and recorded it in entry `seq`.
    Recorded {
        /// The `audit-tampered` entry.
        seq: u64,
        /// What it found.
        detail: String,
    },
    /// Entries after the head were added without the audit key, or the head was rolled
    /// back.
    BeyondHead {
        /// What the head says.
        head: u64,
        /// Where the log ends.
        last: u64,
    },
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Edited { seq } => write!(f, "entry {seq} was edited"),
            AuditProblem::Deleted { from, to } if from == to => {
                write!(f, "entry {from} was deleted")
            }
            AuditProblem::Deleted { from, to } => write!(f, "entries {from} to {to} were deleted"),
            AuditProblem::Reordered { seq, belongs } => {
                write!(f, "entry {belongs} was moved to position {seq}")
            }
            AuditProblem::Truncated { head, last } => write!(
                f,
                "the newest entries were removed: the log ends at {last}, its head says {head}"
            ),
            AuditProblem::Recorded { seq, detail } => {
                write!(f, "entry {seq} records earlier tampering: {detail}")
            }
            AuditProblem::BeyondHead { head, last } => write!(
                f,
                "the log runs to {last} but its head says {head}: entries were added or the head rolled back"
            ),
        }
    }
}

/// The result of checking the whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// How many entries the log holds.
    pub entries: u64,
    /// What is wrong; empty when the log is intact.
    pub problems: Vec<AuditProblem>,
}

impl AuditVerification {
    /// Whether the log is intact.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

struct Row {
    seq: u64,
    entry: Vec<u8>,
    mac: Vec<u8>,
}

fn read_rows(conn: &Connection) -> Result<Vec<Row>, StorageError> {
    let mut stmt = conn.prepare("SELECT seq, entry, mac FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, Vec<u8>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, entry, mac) = row?;
        let seq =
            u64::try_from(seq).map_err(|_| StorageError::damaged("negative audit position"))?;
        out.push(Row { seq, entry, mac });
    }
    Ok(out)
}

/// Checks every entry, the chain and the head.
/// `at_unlock` is what [`check_head`] found when the vault was unlocked: entries
/// appended since then may hide a cut, so it is reported first.
pub(crate) fn verify(
    conn: &Connection,
    keys: &AuditKeys,
    head: Head,
    vault_id: &[u8; 16],
    at_unlock: Option<&AuditProblem>,
) -> Result<AuditVerification, StorageError> {
    let rows = read_rows(conn)?;
    let mut problems: Vec<AuditProblem> = at_unlock.into_iter().cloned().collect();
    let mut expected = 1u64;
    let mut previous = [0u8; 32];
    let max = rows.last().map_or(0, |r| r.seq);
    for row in &rows {
        let mut chain_known = true;
        if row.seq != expected {
            problems.push(AuditProblem::Deleted {
                from: expected,
                to: row.seq.saturating_sub(1),
            });
            chain_known = false;
        }
        let text = row.seq.to_string();
        let opened = seal::open(&keys.seal, &entry_place(vault_id, &text), &row.entry);
        if let Ok(plain) = &opened
            && let Some(e) = crate::vault::decode_cbor::<EntryV1>(plain)
            && e.action == Action::AuditTampered.id()
        {
            problems.push(AuditProblem::Recorded {
                seq: row.seq,
                detail: e.detail,
            });
        }
        if opened.is_err() {
            let belongs = (1..=max.max(head.seq)).filter(|s| *s != row.seq).find(|s| {
                seal::open(
                    &keys.seal,
                    &entry_place(vault_id, &s.to_string()),
                    &row.entry,
                )
                .is_ok()
            });
            problems.push(match belongs {
                Some(belongs) => AuditProblem::Reordered {
                    seq: row.seq,
                    belongs,
                },
                None => AuditProblem::Edited { seq: row.seq },
            });
        } else if chain_known && chain_mac(&keys.chain, &previous, row.seq, &row.entry) != *row.mac
        {
            problems.push(AuditProblem::Edited { seq: row.seq });
        }
        // Carry on from the stored value, so one bad entry is reported once.
        previous = row.mac.as_slice().try_into().unwrap_or([0; 32]);
        expected = row.seq + 1;
    }
    if let (Some(p), _) = check_head(conn, head)?
        && !problems.contains(&p)
    {
        problems.push(p);
    }
    Ok(AuditVerification {
        entries: rows.len() as u64,
        problems,
    })
}

/// Quick check at unlock: is the newest stored entry the one the head names? Returns
/// the problem if not, and the head to append after: the stored log's real end, so that
/// appending never collides with an entry and the chain goes on from what is there.
pub(crate) fn check_head(
    conn: &Connection,
    head: Head,
) -> Result<(Option<AuditProblem>, Head), StorageError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (last, mac) = match last {
        None => (0, [0; 32]),
        Some((seq, mac)) => (
            u64::try_from(seq).map_err(|_| StorageError::damaged("negative audit position"))?,
            <[u8; 32]>::try_from(mac.as_slice())
                .map_err(|_| StorageError::damaged("an audit chain value is not 32 bytes"))?,
        ),
    };
    let problem = if head.seq > last {
        Some(AuditProblem::Truncated {
            head: head.seq,
            last,
        })
    } else if head.seq < last {
        Some(AuditProblem::BeyondHead {
            head: head.seq,
            last,
        })
    } else if mac != head.mac {
        Some(AuditProblem::Edited { seq: last })
    } else {
        None
    };
    Ok((
        problem,
        Head {
            seq: last,
            mac,
            row_version: head.row_version,
        },
    ))
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this action.
    pub action: Option<Action>,
    /// Only entries about this key.
    pub key: Option<KeyId>,
    /// Only this outcome.
    pub outcome: Option<Outcome>,
    /// Only entries at or after this instant.
    pub since: Option<Timestamp>,
    /// Only entries before this instant.
    pub until: Option<Timestamp>,
    /// Only entries whose actor, key name, reason or detail contain this text (any case).
    pub text: Option<String>,
}

impl AuditFilter {
    fn accepts(&self, e: &AuditEntry) -> bool {
        self.action.is_none_or(|a| a == e.action)
            && self.key.is_none_or(|k| Some(k) == e.key)
            && self.outcome.is_none_or(|o| o == e.outcome)
            && self.since.is_none_or(|t| e.at >= t)
            && self.until.is_none_or(|t| e.at < t)
            && self.text.as_deref().is_none_or(|t| {
                let t = t.to_lowercase();
                [&e.actor, &e.key_name, &e.reason, &e.detail]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&t))
            })
    }
}

/// Reads, opens and filters the entries, oldest first.
pub(crate) fn list(
    conn: &Connection,
    keys: &AuditKeys,
    vault_id: &[u8; 16],
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, StorageError> {
    let mut out = Vec::new();
    for row in read_rows(conn)? {
        let text = row.seq.to_string();
        let damaged = |what: &str| StorageError::damaged(format!("audit entry {text}: {what}"));
        let plain = seal::open(&keys.seal, &entry_place(vault_id, &text), &row.entry)
            .map_err(|_| damaged("failed authentication (run audit verify)"))?;
        let e: EntryV1 =
            crate::vault::decode_cbor(&plain).ok_or_else(|| damaged("cannot be decoded"))?;
        let entry = AuditEntry {
            seq: row.seq,
            at: clock::from_unix(e.at),
            actor: e.actor,
            action: e.action.parse().map_err(|_| damaged("unknown action"))?,
            key: match e.key {
                Some(k) => Some(k.parse().map_err(|_| damaged("malformed key id"))?),
                None => None,
            },
            key_name: e.key_name,
            key_fingerprint: e.key_fingerprint,
            reason: e.reason,
            outcome: e.outcome.parse().map_err(|_| damaged("unknown outcome"))?,
            detail: e.detail,
        };
        if filter.accepts(&entry) {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Entries as CSV (RFC 4180): a header line, then one line per entry.
///
/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
/// `'`, so that a spreadsheet shows a name or reason such as `=HYPERLINK(…)` as text
/// instead of running it as a formula (OWASP, "CSV injection").
pub fn to_csv(entries: &[AuditEntry]) -> String {
    fn field(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out =
        String::from("seq,at,actor,action,key,key_name,key_fingerprint,reason,outcome,detail\r\n");
    for e in entries {
        let cells = [
            e.seq.to_string(),
            e.at.to_string(),
            e.actor.clone(),
            e.action.id().to_owned(),
            e.key.map(|k| k.to_string()).unwrap_or_default(),
            e.key_name.clone(),
            e.key_fingerprint.clone(),
            e.reason.clone(),
            e.outcome.id().to_owned(),
            e.detail.clone(),
        ];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}
