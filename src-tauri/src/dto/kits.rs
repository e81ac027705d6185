//! Wire types of the recovery-kit commands (`docs/ipc.md`, "Recovery kits"): the custody
//! register, a kit made and not yet saved, and a kit being read back. Only two carry a
//! secret, each because the person asked for it: a generated kit passphrase
//! ([`GeneratedPassphrase`], [`PreparedKitInfo::passphrase`]) and the pages of a sheet
//! ([`SheetPreview`]). They are wiped on drop and never shown by `Debug`.

use keywarden_core::kit::KitDocument;
use keywarden_core::kit::recovery::Status;
use keywarden_core::kit::register::{KitKind, KitRecord, KitStatus};
use keywarden_core::vault::{PreparedKit, Restored};
use keywarden_core::{KeyRecord, KeyVersion};
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::{FingerprintInfo, rfc3339};

/// One kit of the custody register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KitInfo {
    /// The kit id, `KW-XXXX-XXXX`.
    pub id: String,
    /// 1 for the first kit of its keys, one more for each later kit holding any of them.
    pub generation: u32,
    /// How it is locked.
    #[serde(flatten)]
    pub lock: KitLockInfo,
    /// When it was made.
    pub made_at: String,
    /// Who made it.
    pub made_by: String,
    /// What it holds.
    pub keys: Vec<KitKeyInfo>,
    /// Who holds its sheets.
    pub custody: Vec<CustodyInfo>,
    /// `current`, `superseded` or `void`.
    pub status: String,
    /// When it became superseded or void.
    pub status_at: Option<String>,
    /// Why it is superseded or void.
    pub status_reason: Option<String>,
    /// When a drill last read it back and matched every fingerprint (`None`: never).
    pub last_drill: Option<String>,
}

/// One key of a kit in the register, as it was when the kit was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KitKeyInfo {
    /// The key's id.
    pub id: String,
    /// Its name then.
    pub name: String,
    /// The version the kit holds.
    pub version: u32,
    /// Its main fingerprint, as printed (`kcv 4f0c…`, `spki-sha256 …`).
    pub fingerprint: String,
}

/// Who holds a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustodyInfo {
    /// The custodian (or escrow agent), as printed on the sheet.
    pub custodian: String,
    /// Their share number (split kits), from 1.
    pub share: Option<u8>,
}

/// How a kit is locked: its kind, and its split or escrow recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KitLockInfo {
    /// `personal`, `unencrypted`, `split` or `escrow`.
    pub kind: String,
    /// Sheets needed to recover a split kit.
    pub threshold: Option<u8>,
    /// Sheets of a split kit.
    pub count: Option<u8>,
    /// The escrow agent's `age1…` recipient.
    pub recipient: Option<String>,
}

impl From<&KitKind> for KitLockInfo {
    fn from(kind: &KitKind) -> Self {
        let (threshold, count) = kind.shares().unzip();
        let recipient = match kind {
            KitKind::Escrow { recipient } => Some(recipient.clone()),
            _ => None,
        };
        Self {
            kind: kind.id().to_owned(),
            threshold,
            count,
            recipient,
        }
    }
}

impl From<&KitRecord> for KitInfo {
    fn from(k: &KitRecord) -> Self {
        let (status_at, status_reason) = match &k.status {
            KitStatus::Current => (None, None),
            KitStatus::Superseded { at, reason } | KitStatus::Void { at, reason } => {
                (Some(rfc3339(*at)), Some(reason.clone()))
            }
        };
        Self {
            id: k.id.to_string(),
            generation: k.generation,
            lock: KitLockInfo::from(&k.kind),
            made_at: rfc3339(k.made_at),
            made_by: k.made_by.clone(),
            keys: k
                .keys
                .iter()
                .map(|key| KitKeyInfo {
                    id: key.id.to_string(),
                    name: key.name.clone(),
                    version: key.version,
                    fingerprint: key.fingerprint.clone(),
                })
                .collect(),
            custody: k
                .custody
                .iter()
                .map(|c| CustodyInfo {
                    custodian: c.custodian.clone(),
                    share: c.share,
                })
                .collect(),
            status: k.status.id().to_owned(),
            status_at,
            status_reason,
            last_drill: k.last_drill.map(rfc3339),
        }
    }
}

/// A key in a kit, with every fingerprint (never its material).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KitKeyDetail {
    /// The key's id in the vault it came from.
    pub id: String,
    /// Its name when the kit was made.
    pub name: String,
    /// An `Algorithm` id.
    pub algorithm: String,
    /// A `Purpose` id.
    pub purpose: String,
    /// The version of its material in the kit.
    pub version: u32,
    /// Every fingerprint, the main one first.
    pub fingerprints: Vec<FingerprintInfo>,
}

impl KitKeyDetail {
    /// Version `version` of the vault key `record`, named `name` in the kit.
    pub fn of_version(name: &str, record: &KeyRecord, version: &KeyVersion) -> Self {
        Self {
            id: record.id.to_string(),
            name: name.to_owned(),
            algorithm: version.algorithm.id().to_owned(),
            purpose: record.purpose.id().to_owned(),
            version: version.number,
            fingerprints: fingerprints(&version.fingerprints),
        }
    }
}

fn fingerprints(list: &[(String, String)]) -> Vec<FingerprintInfo> {
    list.iter()
        .map(|(kind, value)| FingerprintInfo {
            kind: kind.clone(),
            value: value.clone(),
        })
        .collect()
}

/// One sheet of a kit made and not yet saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetInfo {
    /// Its position, from 0: the `sheet` argument of `kit_preview`.
    pub index: usize,
    /// Who it is for.
    pub custodian: String,
    /// Its share number (split kits), from 1.
    pub share: Option<u8>,
    /// The name of its PDF in the folder `kit_save` writes to.
    pub file: String,
}

/// The answer of `kit_prepare`: what the kit holds and who gets which sheet. The kit
/// itself stays in the shell until `kit_save` or `kit_discard`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreparedKitInfo {
    /// The kit id.
    pub id: String,
    /// Its generation.
    pub generation: u32,
    /// How it is locked.
    #[serde(flatten)]
    pub lock: KitLockInfo,
    /// `a4` or `letter`.
    pub paper: String,
    /// When it was made.
    pub made_at: String,
    /// One per custodian.
    pub sheets: Vec<SheetInfo>,
    /// The name of the machine-readable copy (`KW-….age`, `.txt` when unencrypted;
    /// none for a vault recovery kit).
    pub payload_file: Option<String>,
    /// What it holds.
    pub keys: Vec<KitKeyDetail>,
    /// The kit passphrase Keywarden generated because none was given (personal kits
    /// only): shown this once, to be written on the sheet by hand; never stored.
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for PreparedKitInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedKitInfo")
            .field("id", &self.id)
            .field("lock", &self.lock)
            .field("sheets", &self.sheets)
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl Drop for PreparedKitInfo {
    fn drop(&mut self) {
        if let Some(p) = self.passphrase.as_mut() {
            p.zeroize();
        }
    }
}

impl PreparedKitInfo {
    /// The summary of `kit`, whose files will have these names; `passphrase` only when
    /// the shell generated it.
    pub fn of(
        kit: &PreparedKit,
        paper: &str,
        sheet_files: Vec<String>,
        payload_file: Option<String>,
        passphrase: Option<String>,
        keys: Vec<KitKeyDetail>,
    ) -> Self {
        let record = &kit.record;
        Self {
            id: record.id.to_string(),
            generation: record.generation,
            lock: KitLockInfo::from(&record.kind),
            paper: paper.to_owned(),
            made_at: rfc3339(record.made_at),
            sheets: kit
                .sheets
                .iter()
                .zip(sheet_files)
                .enumerate()
                .map(|(index, (sheet, file))| SheetInfo {
                    index,
                    custodian: sheet.custodian.clone(),
                    share: sheet.share,
                    file,
                })
                .collect(),
            payload_file,
            keys,
            passphrase,
        }
    }
}

/// The answer of `kit_generate_passphrase`: a kit passphrase to write on the sheet by
/// hand. Keywarden keeps no copy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedPassphrase {
    /// Six words of the EFF large word list, separated by spaces.
    pub passphrase: String,
    /// How many words (6).
    pub words: usize,
}

impl std::fmt::Debug for GeneratedPassphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GeneratedPassphrase({} words, <redacted>)", self.words)
    }
}

impl Drop for GeneratedPassphrase {
    fn drop(&mut self) {
        self.passphrase.zeroize();
    }
}

/// The answer of `kit_preview`: the pages of one sheet as standalone SVG documents, to
/// show and print. They carry what the paper carries (a split sheet's share words; for
/// an unencrypted kit, the keys): the person asked to see them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SheetPreview {
    /// The sheet, from 0.
    pub sheet: usize,
    /// One SVG document per page.
    pub pages: Vec<String>,
}

impl std::fmt::Debug for SheetPreview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SheetPreview(sheet {}, {} pages, <redacted>)",
            self.sheet,
            self.pages.len()
        )
    }
}

impl Drop for SheetPreview {
    fn drop(&mut self) {
        for page in &mut self.pages {
            page.zeroize();
        }
    }
}

/// The answer of `kit_save`: the kit as the register now holds it, and what was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedKit {
    /// The kit, now in the register.
    pub kit: KitInfo,
    /// The folder written to.
    pub directory: String,
    /// The files written there (mode 0600), the sheets first, then the payload copy.
    pub files: Vec<String>,
}

/// Codes read, and how many the kit has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    /// How many are in.
    pub have: usize,
    /// How many are needed (0: not known yet).
    pub need: usize,
}

/// What the last text added held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddedInfo {
    /// New payload codes.
    pub codes: usize,
    /// Typed lines.
    pub typed_lines: usize,
    /// New SLIP-39 shares.
    pub shares: usize,
}

/// The answer of `kit_recover_add`: how far the recovery is. Never a share or a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryProgress {
    /// The kit, once a code or its id was read.
    pub kit: Option<String>,
    /// Payload codes read, of how many.
    pub codes: Count,
    /// Typed lines read.
    pub typed_lines: usize,
    /// SLIP-39 shares read, of how many the kit needs ("2 of 3").
    pub shares: Count,
    /// What the last text held (all zero for `kit_recover_reset`).
    pub added: AddedInfo,
}

impl RecoveryProgress {
    /// The progress `status`, after a text that held `added`.
    pub fn of(status: &Status, added: AddedInfo) -> Self {
        let (have, need) = status.share_count();
        Self {
            kit: status.kit.map(|k| k.to_string()),
            codes: Count {
                have: status.codes.0,
                need: status.codes.1,
            },
            typed_lines: status.typed_lines,
            shares: Count {
                have: usize::from(have),
                need: usize::from(need),
            },
            added,
        }
    }
}

/// The answer of `kit_recover_open`: what the kit holds, every key checked against its
/// fingerprints. Never the material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveredKit {
    /// The kit id.
    pub kit: String,
    /// Its generation.
    pub generation: u32,
    /// When it was made.
    pub made_at: String,
    /// Whether this vault's register has the kit (then `kit_drill` can record a drill).
    pub in_register: bool,
    /// Its keys.
    pub keys: Vec<KitKeyDetail>,
}

impl RecoveredKit {
    /// What `document` holds; `in_register` as the vault says.
    pub fn of(document: &KitDocument, in_register: bool) -> Self {
        Self {
            kit: document.kit.to_string(),
            generation: document.generation,
            made_at: rfc3339(document.made_at),
            in_register,
            keys: document
                .entries
                .iter()
                .map(|e| KitKeyDetail {
                    id: e.id.to_string(),
                    name: e.name.clone(),
                    algorithm: e.algorithm.id().to_owned(),
                    purpose: e.purpose.id().to_owned(),
                    version: e.version,
                    fingerprints: fingerprints(&e.fingerprints),
                })
                .collect(),
        }
    }
}

/// What happened to one key restored from a kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoredKey {
    /// `added` or `already-present`.
    pub outcome: String,
    /// The key's id in this vault.
    pub id: String,
    /// Its name here.
    pub name: String,
}

impl From<&Restored> for RestoredKey {
    fn from(r: &Restored) -> Self {
        let (outcome, id, name) = match r {
            Restored::Added { id, name } => ("added", id, name),
            Restored::AlreadyPresent { id, name } => ("already-present", id, name),
        };
        Self {
            outcome: outcome.to_owned(),
            id: id.to_string(),
            name: name.clone(),
        }
    }
}

/// The answer of `kit_recover_restore`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestoreResult {
    /// The kit restored from.
    pub kit: String,
    /// Each of its keys, in the kit's order.
    pub keys: Vec<RestoredKey>,
}
