//! Wire types of `docs/ipc.md`: what commands take and give, in camelCase JSON. They
//! exist only here, at the boundary; the engine knows nothing of them.

use keywarden_core::state::COMPROMISE_FOLLOW_UP;
use keywarden_core::{
    Algorithm, AuditEntry, AuditVerification, Family, Finding, KeyRecord, KeyState, KeyVersion,
    Policy, Purpose, ScheduledDestruction, Severity, Timestamp, Transition, UnlockedVault,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tauri::Runtime;
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};

use zeroize::Zeroize;

use crate::error::{IpcError, capitalise, sentence};

mod kits;

pub use kits::{
    AddedInfo, Count, CustodyInfo, GeneratedPassphrase, KitInfo, KitKeyDetail, KitKeyInfo,
    KitLockInfo, PreparedKitInfo, RecoveredKit, RecoveryProgress, RestoreResult, RestoredKey,
    SavedKit, SheetInfo, SheetPreview,
};

/// Whether a vault is selected, and whether it is unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VaultState {
    /// No vault is selected.
    Closed,
    /// A vault is selected; nothing secret is in memory.
    Locked,
    /// The vault is unlocked.
    Unlocked,
}

/// The answer of `vault_status` and of every command that changes the vault's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    /// Closed, locked or unlocked.
    pub state: VaultState,
    /// The selected vault file; `None` when closed.
    pub path: Option<String>,
    /// Where a vault is created or looked for by default.
    pub default_vault_path: String,
    /// Whether a file exists at the default path.
    pub default_vault_exists: bool,
    /// Whether the selected vault needs a key file; known once a vault is selected.
    pub keyfile_required: Option<bool>,
    /// Minutes without activity before the vault locks itself; known once unlocked.
    pub auto_lock_minutes: Option<u32>,
    /// Seconds a copied secret stays on the clipboard; known once unlocked.
    pub clipboard_clear_seconds: Option<u32>,
    /// Whether the selected vault has a current vault recovery kit (a recovery keyslot).
    pub recovery_kit: Option<bool>,
}

/// How far reading a vault recovery kit is: shares read, and needed (0 before the
/// first share).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VaultRecoveryProgress {
    /// Shares read.
    pub have: u8,
    /// Shares needed.
    pub need: u8,
}

/// A kind of key the vault knows. Every kind is listed, including those the engine
/// cannot generate yet: generating one is refused with `not_allowed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlgorithmInfo {
    /// The stable identifier, such as `aes-256`.
    pub id: String,
    /// A label for people, such as `AES-256`.
    pub label: String,
    /// Key length in bits.
    pub bits: u32,
    /// One sentence on what the key is for.
    pub description: String,
    /// `symmetric`, `asymmetric` or `secret`.
    pub family: String,
    /// Security strength in bits (NIST SP 800-57 Part 1, Table 2).
    pub strength: u32,
    /// The [`PurposeInfo::id`]s it can serve; the first is the usual one.
    pub purposes: Vec<String>,
}

impl From<Algorithm> for AlgorithmInfo {
    fn from(a: Algorithm) -> Self {
        Self {
            id: a.id().to_owned(),
            label: a.label().to_owned(),
            bits: a.bits(),
            description: a.description().to_owned(),
            family: match a.family() {
                Family::Symmetric => "symmetric",
                Family::Asymmetric => "asymmetric",
                Family::Secret => "secret",
            }
            .to_owned(),
            strength: a.security_strength(),
            purposes: a.purposes().iter().map(|p| p.id().to_owned()).collect(),
        }
    }
}

/// What a key may be for (a NIST SP 800-57 key type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PurposeInfo {
    /// The stable identifier, such as `data-encryption`.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// The [`AlgorithmInfo::id`]s that can serve it.
    pub algorithms: Vec<String>,
}

impl From<Purpose> for PurposeInfo {
    fn from(p: Purpose) -> Self {
        Self {
            id: p.id().to_owned(),
            label: p.label().to_owned(),
            algorithms: Algorithm::ALL
                .into_iter()
                .filter(|a| a.purposes().contains(&p))
                .map(|a| a.id().to_owned())
                .collect(),
        }
    }
}

/// A key state and where it may go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateInfo {
    /// The stable identifier, such as `pre-activation`.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// The states `key_set_state` may move a key in this state to (never `destroyed`:
    /// destruction is scheduled).
    pub next: Vec<String>,
}

impl From<KeyState> for StateInfo {
    fn from(s: KeyState) -> Self {
        Self {
            id: s.id().to_owned(),
            label: s.label().to_owned(),
            next: settable_states(s),
        }
    }
}

/// The states `key_set_state` accepts from `s`.
fn settable_states(s: KeyState) -> Vec<String> {
    s.next_states()
        .into_iter()
        .filter(|n| *n != KeyState::Destroyed)
        .map(|n| n.id().to_owned())
        .collect()
}

/// One thing the policy says about a key or an algorithm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingInfo {
    /// `violation` (refused for new keys, flagged on old ones) or `warning`.
    pub severity: String,
    /// A stable code such as `strength-112-until-2030`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

impl From<Finding> for FindingInfo {
    fn from(f: Finding) -> Self {
        Self {
            severity: match f.severity {
                Severity::Violation => "violation",
                Severity::Warning => "warning",
            }
            .to_owned(),
            code: f.code.to_owned(),
            message: sentence(&f.message),
        }
    }
}

/// The policy's verdict on one algorithm for one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlgorithmVerdict {
    /// An [`AlgorithmInfo::id`].
    pub algorithm: String,
    /// Empty when the policy has nothing to say.
    pub findings: Vec<FindingInfo>,
}

/// A key as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySummary {
    /// The key's id: a UUID, lowercase and hyphenated.
    pub id: String,
    /// The key's name.
    pub name: String,
    /// An [`AlgorithmInfo::id`] (of the current version).
    pub algorithm: String,
    /// A [`PurposeInfo::id`].
    pub purpose: String,
    /// A [`StateInfo::id`].
    pub state: String,
    /// Labels.
    pub tags: Vec<String>,
    /// When the key was made, RFC 3339 in UTC.
    pub created_at: String,
    /// When the key is next due for rotation; `None` unless active or suspended.
    pub next_rotation: Option<String>,
    /// When a scheduled destruction will happen, if one is scheduled.
    pub destruction_due: Option<String>,
    /// The current version's fingerprint (may be empty).
    pub fingerprint: String,
    /// The current version's number.
    pub version: u32,
    /// The vault holds only the public key: nothing can reveal, export, escrow or
    /// rotate a secret of it.
    pub public_only: bool,
    /// How many policy violations the key has now.
    pub violations: u32,
    /// How many policy warnings the key has now.
    pub warnings: u32,
}

impl KeySummary {
    /// The summary of `r`, with what the vault's policy says about it now.
    pub fn of(vault: &UnlockedVault, r: &KeyRecord) -> Self {
        let findings = vault.assess(r);
        let count = |s: Severity| {
            u32::try_from(findings.iter().filter(|f| f.severity == s).count()).unwrap_or(u32::MAX)
        };
        Self {
            id: r.id.to_string(),
            name: r.name.clone(),
            algorithm: r.algorithm.id().to_owned(),
            purpose: r.purpose.id().to_owned(),
            state: r.state.id().to_owned(),
            tags: r.tags.clone(),
            created_at: rfc3339(r.created_at),
            next_rotation: vault.next_rotation(r).map(rfc3339),
            destruction_due: r.destruction.as_ref().map(|d| rfc3339(d.due_at)),
            fingerprint: r.fingerprint().to_owned(),
            version: r.current_version,
            public_only: r.public_only,
            violations: count(Severity::Violation),
            warnings: count(Severity::Warning),
        }
    }
}

/// One version of a key's material (never the material itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionInfo {
    /// 1, then one more per rotation.
    pub number: u32,
    /// An [`AlgorithmInfo::id`].
    pub algorithm: String,
    /// When it was made.
    pub created_at: String,
    /// Its fingerprint (may be empty).
    pub fingerprint: String,
    /// Every form of its fingerprint, the main one first.
    pub fingerprints: Vec<FingerprintInfo>,
    /// When a newer version (or a state change) retired it.
    pub deactivated_at: Option<String>,
    /// When its material was erased.
    pub destroyed_at: Option<String>,
}

impl From<&KeyVersion> for VersionInfo {
    fn from(v: &KeyVersion) -> Self {
        Self {
            number: v.number,
            algorithm: v.algorithm.id().to_owned(),
            created_at: rfc3339(v.created_at),
            fingerprint: v.fingerprint.clone(),
            fingerprints: v
                .fingerprints
                .iter()
                .map(|(kind, value)| FingerprintInfo {
                    kind: kind.clone(),
                    value: value.clone(),
                })
                .collect(),
            deactivated_at: v.deactivated_at.map(rfc3339),
            destroyed_at: v.destroyed_at.map(rfc3339),
        }
    }
}

/// One form of a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FingerprintInfo {
    /// `spki-sha256`, `openssh-sha256`, `age-recipient` or `kcv`.
    pub kind: String,
    /// The fingerprint as Keywarden shows it.
    pub value: String,
}

/// One recorded change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionInfo {
    /// The state before; `None` when the key was made.
    pub from: Option<String>,
    /// The state after.
    pub to: String,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// Why.
    pub reason: String,
}

impl From<&Transition> for TransitionInfo {
    fn from(t: &Transition) -> Self {
        Self {
            from: t.from.map(|s| s.id().to_owned()),
            to: t.to.id().to_owned(),
            at: rfc3339(t.at),
            actor: t.actor.clone(),
            reason: t.reason.clone(),
        }
    }
}

/// A destruction waiting to be carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestructionInfo {
    /// When it was scheduled.
    pub scheduled_at: String,
    /// When the material will be erased.
    pub due_at: String,
    /// Who scheduled it.
    pub actor: String,
    /// Why.
    pub reason: String,
}

impl From<&ScheduledDestruction> for DestructionInfo {
    fn from(d: &ScheduledDestruction) -> Self {
        Self {
            scheduled_at: rfc3339(d.scheduled_at),
            due_at: rfc3339(d.due_at),
            actor: d.actor.clone(),
            reason: d.reason.clone(),
        }
    }
}

/// A key with everything but its secret material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDetail {
    /// What a list shows.
    #[serde(flatten)]
    pub summary: KeySummary,
    /// Free text.
    pub notes: String,
    /// When the record last changed, RFC 3339 in UTC.
    pub updated_at: String,
    /// The person or team responsible (may be empty).
    pub owner: String,
    /// People who hold or may recover the key.
    pub custodians: Vec<String>,
    /// The key's own rotation interval in days; `None`: the policy's cryptoperiod.
    pub rotation_days: Option<u32>,
    /// Every version, oldest first; the last is the current one.
    pub versions: Vec<VersionInfo>,
    /// Every change of state, oldest first.
    pub history: Vec<TransitionInfo>,
    /// What the policy says about the key now.
    pub findings: Vec<FindingInfo>,
    /// A scheduled destruction, if any.
    pub destruction: Option<DestructionInfo>,
    /// When the key became active.
    pub activated_at: Option<String>,
    /// When it was last rotated.
    pub rotated_at: Option<String>,
    /// When its material was last shown to a person.
    pub revealed_at: Option<String>,
    /// When its material last left the vault.
    pub exported_at: Option<String>,
    /// The states `key_set_state` may move it to now.
    pub next_states: Vec<String>,
    /// What must follow now that the key is compromised (empty in any other state).
    pub follow_up: Vec<String>,
}

impl KeyDetail {
    /// The detail of `r`, with what the vault's policy says about it now.
    pub fn of(vault: &UnlockedVault, r: &KeyRecord) -> Self {
        Self {
            summary: KeySummary::of(vault, r),
            notes: r.notes.clone(),
            updated_at: rfc3339(r.updated_at),
            owner: r.owner.clone(),
            custodians: r.custodians.clone(),
            rotation_days: r.rotation_days,
            versions: r.versions.iter().map(VersionInfo::from).collect(),
            history: r.history.iter().map(TransitionInfo::from).collect(),
            findings: vault.assess(r).into_iter().map(FindingInfo::from).collect(),
            destruction: r.destruction.as_ref().map(DestructionInfo::from),
            activated_at: r.activated_at.map(rfc3339),
            rotated_at: r.rotated_at.map(rfc3339),
            revealed_at: r.revealed_at.map(rfc3339),
            exported_at: r.exported_at.map(rfc3339),
            next_states: settable_states(r.state),
            follow_up: if r.state == KeyState::Compromised {
                COMPROMISE_FOLLOW_UP.map(str::to_owned).to_vec()
            } else {
                Vec::new()
            },
        }
    }
}

/// A key's secret material, shown because a person asked (`key_reveal`). The text is
/// wiped when this is dropped; `Debug` never shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevealedSecret {
    /// The version revealed.
    pub version: u32,
    /// How `text` is encoded: `hex` for now.
    pub encoding: &'static str,
    /// The material.
    pub text: String,
}

impl std::fmt::Debug for RevealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RevealedSecret(version {}, <redacted>)", self.version)
    }
}

impl Drop for RevealedSecret {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl RevealedSecret {
    /// `key` as a person reads it back (`Format::for_reveal`).
    pub fn of(version: u32, key: &keywarden_core::SecretKey) -> Result<Self, IpcError> {
        let format = keywarden_core::Format::for_reveal(key.algorithm());
        let text = key
            .reveal_text()
            .map_err(|e| IpcError::internal(e.to_string()))?;
        Ok(Self {
            version,
            encoding: format.id(),
            text: text.to_string(),
        })
    }
}

/// A key format the app can import or export (`key_formats`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyFormatInfo {
    /// The stable identifier: an engine format id such as `pkcs8-pem`, or `jwk`.
    pub id: String,
    /// A label for people.
    pub label: String,
    /// `private` (carries the secret), `public`, or `both` (JWK).
    pub kind: String,
    /// Whether it is binary (DER): it can be saved but not shown or copied.
    pub binary: bool,
    /// The usual file name extension, without the dot (may be empty).
    pub extension: String,
    /// The [`AlgorithmInfo::id`]s that have this form as a private key.
    pub private_for: Vec<String>,
    /// The [`AlgorithmInfo::id`]s whose public part has this form.
    pub public_for: Vec<String>,
}

/// The answer of `key_import`: the new key and what was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedKey {
    /// The key as stored; its `findings` are what the policy says about it.
    pub key: KeyDetail,
    /// The format the material was read in (detected or given).
    pub format: String,
    /// Every fingerprint of the material, the main one first.
    pub fingerprints: Vec<String>,
    /// Names of other keys that already hold the same material.
    pub same_material_as: Vec<String>,
}

/// The answer of `clipboard_copy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClipboardCopy {
    /// Seconds until the shell wipes the copied secret; `null` for a public text, which
    /// stays.
    pub clears_in_seconds: Option<u32>,
}

/// The answer of `key_export_public`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublicExport {
    /// The format written.
    pub format: String,
    /// The version exported.
    pub version: u32,
    /// The public key as text, when no file was asked for.
    pub text: Option<String>,
    /// The file written, when one was asked for.
    pub path: Option<String>,
}

/// The answer of `key_export`: where the secret went (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretExport {
    /// The format written.
    pub format: String,
    /// The version exported.
    pub version: u32,
    /// The file written (mode 0600 on Unix).
    pub path: String,
}

/// The payload of the [`KEYS_CHANGED`] event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeysChanged {
    /// How many keys the idle timer destroyed as scheduled.
    pub destroyed: usize,
}

/// The event emitted when keys change without a command (scheduled destructions).
pub const KEYS_CHANGED: &str = "keys-changed";

/// The vault's policy, as the policy page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyInfo {
    /// The least security strength of a new key, in bits (112, 128, 192 or 256).
    pub min_strength_bits: u32,
    /// The [`AlgorithmInfo::id`]s new keys may use.
    pub allowed_algorithms: Vec<String>,
    /// Days between scheduling a destruction and carrying it out.
    pub destruction_wait_days: u32,
    /// The cryptoperiod of each purpose, in days, by [`PurposeInfo::id`], in the order
    /// of the purposes.
    pub cryptoperiods: Vec<Cryptoperiod>,
    /// Days before a due date when it counts as "due soon", largest first.
    pub reminder_days: Vec<u32>,
    /// How far past its due date a reminder may be snoozed, in days (0: never).
    pub max_snooze_days: u32,
    /// Days from a kit's making or last passed drill to its next drill.
    pub drill_days: u32,
}

/// The cryptoperiod of one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cryptoperiod {
    /// A [`PurposeInfo::id`].
    pub purpose: String,
    /// Days.
    pub days: u32,
}

impl From<&Policy> for PolicyInfo {
    fn from(p: &Policy) -> Self {
        Self {
            min_strength_bits: p.min_strength_bits,
            allowed_algorithms: p
                .allowed_algorithms
                .iter()
                .map(|a| a.id().to_owned())
                .collect(),
            destruction_wait_days: p.destruction_wait_days,
            cryptoperiods: Purpose::ALL
                .into_iter()
                .map(|purpose| Cryptoperiod {
                    purpose: purpose.id().to_owned(),
                    days: p.cryptoperiod(purpose),
                })
                .collect(),
            reminder_days: p.reminder_days.clone(),
            max_snooze_days: p.max_snooze_days,
            drill_days: p.drill_days,
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryInfo {
    /// Its position in the log, from 1.
    pub seq: u64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What: an action id such as `key-rotated`.
    pub action: String,
    /// The key's id, if the entry is about a key.
    pub key_id: Option<String>,
    /// The key's name at the time.
    pub key_name: String,
    /// The key's fingerprint at the time (empty in older entries and for requests about
    /// no key).
    pub key_fingerprint: String,
    /// Why, in the person's words (may be empty).
    pub reason: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// What exactly happened, or why it failed.
    pub detail: String,
}

impl From<AuditEntry> for AuditEntryInfo {
    fn from(e: AuditEntry) -> Self {
        Self {
            seq: e.seq,
            at: rfc3339(e.at),
            actor: e.actor,
            action: e.action.id().to_owned(),
            key_id: e.key.map(|k| k.to_string()),
            key_name: e.key_name,
            key_fingerprint: e.key_fingerprint,
            reason: e.reason,
            outcome: e.outcome.id().to_owned(),
            detail: e.detail,
        }
    }
}

/// The result of `audit_verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditCheck {
    /// How many entries the log holds.
    pub entries: u64,
    /// Whether every seal, the chain and the head hold.
    pub intact: bool,
    /// What is wrong, one sentence each; empty when intact.
    pub problems: Vec<String>,
}

impl From<AuditVerification> for AuditCheck {
    fn from(v: AuditVerification) -> Self {
        Self {
            entries: v.entries,
            intact: v.is_intact(),
            problems: v
                .problems
                .iter()
                .map(|p| sentence(&capitalise(&p.to_string())))
                .collect(),
        }
    }
}

/// One due date on the dashboard: a rotation, the end of an originator-usage period or a
/// scheduled destruction that is overdue or within the largest reminder threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DueInfo {
    /// `key` (a rotation, end of usage or destruction) or `kit` (a drill).
    pub subject: String,
    /// The key's UUID or the kit's id.
    pub id: String,
    /// The key's name, or the kit's title (`split kit of "Archive"`).
    pub name: String,
    /// The key's fingerprint (its current version's); empty for a kit.
    pub fingerprint: String,
    /// The key's state (a [`StateInfo::id`]); `None` for a kit.
    pub key_state: Option<String>,
    /// `rotation`, `usage-end`, `destruction` or `drill`.
    pub kind: String,
    /// When it falls due, RFC 3339 in UTC.
    pub due_at: String,
    /// `overdue` or `soon` (`later` only for a date past every threshold).
    pub urgency: String,
    /// Calendar days in the person's time zone: since the due date when overdue (0: due
    /// earlier today), else until it.
    pub days: i64,
    /// The smallest reminder threshold reached (7 for 5 days left); `None` when overdue.
    pub threshold: Option<u32>,
    /// The snooze holding for it, if any.
    pub snooze: Option<SnoozeInfo>,
}

/// A snoozed reminder: no notification for it until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnoozeInfo {
    /// When reminders resume.
    pub until: String,
    /// Why, in the person's words.
    pub reason: String,
    /// Who snoozed it.
    pub by: String,
    /// When.
    pub at: String,
}

/// How many keys are in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateCount {
    /// A [`StateInfo::id`].
    pub state: String,
    /// Keys in it.
    pub count: usize,
}

/// The dashboard's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DashboardCounts {
    /// Keys in the vault.
    pub keys: usize,
    /// Keys in each state, in lifecycle order (every state, zeros included).
    pub by_state: Vec<StateCount>,
    /// Due dates that have passed and are not snoozed.
    pub overdue: usize,
    /// Due dates within the largest threshold, not snoozed.
    pub soon: usize,
    /// Overdue or due-soon dates whose reminders are snoozed.
    pub snoozed: usize,
    /// Keys with at least one policy violation other than an overdue rotation (those are
    /// among the due dates).
    pub violations: usize,
    /// Keys unused for [`Dashboard::unused_days`] days or more.
    pub unused: usize,
    /// Keys in use that no current kit holds ([`Dashboard::without_kit`]).
    pub without_kit: usize,
}

/// A key with policy violations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyViolations {
    /// The key's id.
    pub key_id: String,
    /// The key's name.
    pub key_name: String,
    /// The key's fingerprint (its current version's; may be empty).
    pub key_fingerprint: String,
    /// The key's state.
    pub key_state: String,
    /// Its findings of severity `violation`, an overdue rotation left out.
    pub findings: Vec<FindingInfo>,
}

/// A key nobody has revealed, exported or rotated for a while.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnusedKey {
    /// The key's id.
    pub key_id: String,
    /// The key's name.
    pub key_name: String,
    /// The key's fingerprint (its current version's; may be empty).
    pub key_fingerprint: String,
    /// The key's state.
    pub key_state: String,
    /// When it was last revealed, exported, rotated or made.
    pub last_used_at: String,
}

/// A key in use (active, suspended or deactivated) that no current kit holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyWithoutKit {
    /// The key's id.
    pub key_id: String,
    /// The key's name.
    pub key_name: String,
    /// The key's fingerprint (its current version's; may be empty).
    pub key_fingerprint: String,
    /// The key's state.
    pub key_state: String,
    /// The newest kit that holds it (superseded or void); `None`: it was never in a kit.
    pub kit: Option<String>,
    /// That kit's status: `superseded` or `void`.
    pub kit_status: Option<String>,
    /// Why it is superseded or void.
    pub kit_reason: Option<String>,
}

/// The answer of `dashboard`: what needs attention in the unlocked vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Now, by the vault's clock.
    pub generated_at: String,
    /// The time zone days are counted in (an IANA name, or `UTC`).
    pub time_zone: String,
    /// The policy's reminder thresholds, in days, largest first.
    pub reminder_days: Vec<u32>,
    /// How far past its due date a reminder may be snoozed (0: never).
    pub max_snooze_days: u32,
    /// Overdue dates first (oldest first), then the soonest.
    pub due: Vec<DueInfo>,
    /// Counts for the summary tiles.
    pub counts: DashboardCounts,
    /// Keys with policy violations, by name.
    pub violations: Vec<KeyViolations>,
    /// How long unused makes a key worth a review, in days.
    pub unused_days: u32,
    /// Keys unused that long, longest unused first.
    pub unused: Vec<UnusedKey>,
    /// Keys in use that no current kit holds: those whose kit is superseded or void
    /// first, then those never put in a kit, each by name.
    pub without_kit: Vec<KeyWithoutKit>,
    /// The newest audit entries, newest first.
    pub recent_audit: Vec<AuditEntryInfo>,
}

/// The answer of `report_export`: where it went and the numbers of its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportExport {
    /// The file written.
    pub path: String,
    /// Every key, destroyed ones included.
    pub keys: usize,
    /// Due dates that have passed.
    pub overdue: usize,
    /// Due dates within the largest reminder threshold that have not.
    pub due_soon: usize,
    /// Policy violations, over every key.
    pub violations: usize,
    /// Keys unused for the window.
    pub unused: usize,
    /// Keys in use that no current recovery kit holds.
    pub unescrowed: usize,
    /// Whether the audit log verified.
    pub audit_intact: bool,
}

/// The answer of `calendar_export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarExport {
    /// The file written.
    pub path: String,
    /// How many events it holds.
    pub events: usize,
    /// Whether event titles name the keys (`false`: key ids only).
    pub names: bool,
}

/// Whether Keywarden starts, minimised to the tray, when the person logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutostartStatus {
    /// Whether it does.
    pub enabled: bool,
}

/// Why the vault locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LockReason {
    /// Nobody used the app for the vault's auto-lock time.
    Idle,
    /// The person asked.
    User,
}

/// The payload of the [`VAULT_LOCKED`] event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultLocked {
    /// Why the vault locked.
    pub reason: LockReason,
}

/// The event emitted whenever the vault locks.
pub const VAULT_LOCKED: &str = "vault-locked";

/// Whole seconds, RFC 3339, UTC (`2025-01-31T12:00:00Z`): the vault stores seconds, so a
/// key reads the same just after it is made as after the vault is reopened.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

/// One command argument, read from the call's JSON object by its camelCase name.
///
/// Tauri's own argument parsing rejects a bad call with a plain string that may quote the
/// value sent; this rejects it with an `invalid_input` [`IpcError`] that names the
/// argument and never repeats its value (it might be a passphrase). A missing argument
/// is read as JSON `null`, so `Arg<Option<T>>` may be left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arg<T>(pub T);

impl<'de, R: Runtime, T: DeserializeOwned> CommandArg<'de, R> for Arg<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        parse_arg(command.message.payload(), command.key)
            .map(Arg)
            .map_err(InvokeError::from)
    }
}

fn parse_arg<T: DeserializeOwned>(payload: &InvokeBody, key: &str) -> Result<T, IpcError> {
    let InvokeBody::Json(serde_json::Value::Object(args)) = payload else {
        return Err(IpcError::invalid_input(
            "The command's arguments must be a JSON object.",
        ));
    };
    let value = args.get(key).unwrap_or(&serde_json::Value::Null);
    T::deserialize(value).map_err(|e| {
        if value.is_null() {
            IpcError::invalid_input(format!("The argument `{key}` is missing."))
        } else {
            // serde says "invalid type: string \"…\", expected u32": keep only what
            // was expected, never the value.
            let text = e.to_string();
            let expected = text
                .find("expected ")
                .map(|at| format!(" ({})", &text[at..]))
                .unwrap_or_default();
            IpcError::invalid_input(format!(
                "The argument `{key}` has the wrong type{expected}."
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::ErrorCode;

    fn body(v: serde_json::Value) -> InvokeBody {
        InvokeBody::Json(v)
    }

    #[test]
    fn args_are_read_by_key() {
        let b = body(json!({"name": "n", "keyfilePath": null}));
        assert_eq!(parse_arg::<String>(&b, "name").unwrap(), "n");
        assert_eq!(
            parse_arg::<Option<String>>(&b, "keyfilePath").unwrap(),
            None
        );
        assert_eq!(parse_arg::<Option<String>>(&b, "absent").unwrap(), None);
    }

    #[test]
    fn bad_args_are_invalid_input_without_their_value() {
        let b = body(json!({"passphrase": 1234567, "tags": ["a", 5]}));
        let e = parse_arg::<String>(&b, "passphrase").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("`passphrase`"), "{}", e.message);
        assert!(!e.message.contains("1234567"), "{}", e.message);
        let e = parse_arg::<Vec<String>>(&b, "tags").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = parse_arg::<String>(&b, "missing").unwrap_err();
        assert_eq!(e.message, "The argument `missing` is missing.");
        let e = parse_arg::<String>(&InvokeBody::Raw(vec![1, 2]), "x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = parse_arg::<String>(&body(json!(["x"])), "x").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn wire_names_are_camel_case() {
        let status = VaultStatus {
            state: VaultState::Locked,
            path: Some("/v".into()),
            default_vault_path: "/d".into(),
            default_vault_exists: true,
            keyfile_required: Some(false),
            auto_lock_minutes: None,
            clipboard_clear_seconds: None,
            recovery_kit: Some(true),
        };
        assert_eq!(
            serde_json::to_value(status).unwrap(),
            json!({
                "state": "locked",
                "path": "/v",
                "defaultVaultPath": "/d",
                "defaultVaultExists": true,
                "keyfileRequired": false,
                "autoLockMinutes": null,
                "clipboardClearSeconds": null,
                "recoveryKit": true,
            })
        );
        let event = VaultLocked {
            reason: LockReason::Idle,
        };
        assert_eq!(
            serde_json::to_value(event).unwrap(),
            json!({"reason": "idle"})
        );
    }

    #[test]
    fn timestamps_are_whole_seconds_in_utc() {
        let t = Timestamp::from_second(1_700_000_000).unwrap();
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20Z");
        let with_nanos = Timestamp::new(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(rfc3339(with_nanos), "2023-11-14T22:13:20Z");
    }
}
