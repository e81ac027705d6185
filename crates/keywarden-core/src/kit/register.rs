//! The custody register: which kits exist, what each holds, who holds which share, and
//! whether a kit is still current. It lives in the vault as one sealed `setting` row
//! (`kits`, `docs/vault-format.md`); the kits themselves are on paper.

use serde::{Deserialize, Serialize};

use crate::clock::{self, Timestamp};
use crate::key::{KeyId, KeyRecord};
use crate::state::KeyState;

use super::KitId;

/// How a kit is locked, and so what a person needs to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KitKind {
    /// One sheet, age-encrypted to a kit passphrase written on it by hand.
    Personal,
    /// One sheet, not encrypted: whoever holds it holds the keys.
    Unencrypted,
    /// One sheet per custodian, each with a SLIP-39 share; any `threshold` of the
    /// `count` sheets recover the keys, fewer reveal nothing.
    Split {
        /// Sheets needed.
        threshold: u8,
        /// Sheets made.
        count: u8,
    },
    /// Encrypted to an escrow agent's age X25519 recipient.
    Escrow {
        /// The agent's `age1…` recipient.
        recipient: String,
    },
    /// A vault recovery kit: no keys, but a recovery secret, as SLIP-39 shares, that
    /// opens the vault's recovery keyslot when the passphrase or key file is lost. One
    /// sheet (`threshold` and `count` 1) or one per custodian.
    Vault {
        /// Sheets needed.
        threshold: u8,
        /// Sheets made.
        count: u8,
    },
}

impl KitKind {
    /// The stable id: `personal`, `unencrypted`, `split`, `escrow`, `vault`.
    pub fn id(&self) -> &'static str {
        match self {
            KitKind::Personal => "personal",
            KitKind::Unencrypted => "unencrypted",
            KitKind::Split { .. } => "split",
            KitKind::Escrow { .. } => "escrow",
            KitKind::Vault { .. } => "vault",
        }
    }

    /// The sheets needed and made, for kinds made of SLIP-39 shares.
    pub fn shares(&self) -> Option<(u8, u8)> {
        match self {
            KitKind::Split { threshold, count } | KitKind::Vault { threshold, count } => {
                Some((*threshold, *count))
            }
            KitKind::Personal | KitKind::Unencrypted | KitKind::Escrow { .. } => None,
        }
    }
}

/// Whether a kit still holds what the vault holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KitStatus {
    /// Every key in it is at the version the kit holds.
    Current,
    /// A key was rotated since: the kit holds an older version (still able to decrypt
    /// or verify what that version protected), and a new kit is due.
    Superseded {
        /// When it was first found superseded.
        at: Timestamp,
        /// Which key moved on.
        reason: String,
    },
    /// A key in it was compromised or destroyed (or, for a vault recovery kit, a newer
    /// one replaced it): the kit must be destroyed, and its holders told.
    Void {
        /// When.
        at: Timestamp,
        /// Which key, and what happened to it.
        reason: String,
    },
}

impl KitStatus {
    /// The stable id: `current`, `superseded`, `void`.
    pub fn id(&self) -> &'static str {
        match self {
            KitStatus::Current => "current",
            KitStatus::Superseded { .. } => "superseded",
            KitStatus::Void { .. } => "void",
        }
    }
}

/// One key in a kit, as it was when the kit was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitKey {
    /// The key's id in the vault.
    pub id: KeyId,
    /// Its name then.
    pub name: String,
    /// The version the kit holds.
    pub version: u32,
    /// Its main fingerprint, as printed: the kind, a space, the value.
    pub fingerprint: String,
}

impl KitKey {
    /// The fingerprint's value alone, as [`KeyRecord::fingerprint`] gives it.
    ///
    /// [`KeyRecord::fingerprint`]: crate::key::KeyRecord::fingerprint
    pub fn fingerprint_value(&self) -> &str {
        self.fingerprint
            .split_once(' ')
            .map_or(&self.fingerprint, |(_, value)| value)
    }
}

/// Who holds a sheet of a kit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custody {
    /// The custodian's name, as printed on the sheet.
    pub custodian: String,
    /// The SLIP-39 share number on their sheet (split kits), from 1.
    pub share: Option<u8>,
}

/// One kit in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KitRecord {
    /// The kit's id.
    pub id: KitId,
    /// 1 for the first kit of its keys, one more for each later kit holding any of them.
    pub generation: u32,
    /// How it is locked.
    pub kind: KitKind,
    /// When it was made.
    pub made_at: Timestamp,
    /// Who made it (the audit actor).
    pub made_by: String,
    /// What it holds.
    pub keys: Vec<KitKey>,
    /// Who holds its sheets.
    pub custody: Vec<Custody>,
    /// Whether it is still current.
    pub status: KitStatus,
    /// When it was last drilled successfully (`None`: never).
    pub last_drill: Option<Timestamp>,
}

impl KitRecord {
    /// How the kit is named where it falls due: `vault recovery kit`, or its kind and
    /// the keys it holds, e.g. `split kit of "Archive signing"`.
    pub fn title(&self) -> String {
        if let KitKind::Vault { .. } = self.kind {
            return "vault recovery kit".to_owned();
        }
        let names: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("\"{}\"", k.name))
            .collect();
        format!("{} kit of {}", self.kind.id(), names.join(", "))
    }

    /// Whether the kit holds the key `id`.
    pub fn holds(&self, id: &KeyId) -> bool {
        self.keys.iter().any(|k| k.id == *id)
    }

    /// The status this kit should have now that `record` is as it is: void once the key
    /// is compromised or destroyed, superseded once it moved past the kit's version.
    /// `None` when nothing changes (void stays void; superseded only becomes void).
    pub fn status_after(&self, record: &KeyRecord, now: Timestamp) -> Option<KitStatus> {
        let held = self.keys.iter().find(|k| k.id == record.id)?;
        let void = match record.state {
            KeyState::Compromised => Some("was marked compromised"),
            KeyState::Destroyed => Some("was destroyed"),
            _ => None,
        };
        match (&self.status, void) {
            (KitStatus::Void { .. }, _) => None,
            (_, Some(what)) => Some(KitStatus::Void {
                at: now,
                reason: format!("the key \"{}\" {what}", record.name),
            }),
            (KitStatus::Current, None) if record.current_version > held.version => {
                Some(KitStatus::Superseded {
                    at: now,
                    reason: format!(
                        "the key \"{}\" was rotated to version {}",
                        record.name, record.current_version
                    ),
                })
            }
            _ => None,
        }
    }
}

/// The generation of a new kit of `keys`: one more than the highest generation of any
/// kit in `register` that holds one of them.
pub fn next_generation(register: &[KitRecord], keys: &[KeyId]) -> u32 {
    register
        .iter()
        .filter(|k| keys.iter().any(|id| k.holds(id)))
        .map(|k| k.generation)
        .max()
        .map_or(1, |g| g.saturating_add(1))
}

/// The name of the `setting` row that holds the register.
pub(crate) const REGISTER_ROW: &str = "kits";

/// The register as stored (`docs/vault-format.md`, "The kit register"): CBOR with text
/// ids and Unix seconds, readers ignore fields they do not know.
#[derive(Serialize, Deserialize, Default)]
pub(crate) struct RegisterV1 {
    pub kits: Vec<KitV1>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct KitV1 {
    pub id: String,
    pub generation: u32,
    pub kind: String,
    #[serde(default)]
    pub threshold: Option<u8>,
    #[serde(default)]
    pub count: Option<u8>,
    #[serde(default)]
    pub recipient: Option<String>,
    pub made: i64,
    pub made_by: String,
    pub keys: Vec<KitKeyV1>,
    pub custody: Vec<CustodyV1>,
    pub status: String,
    #[serde(default)]
    pub status_at: Option<i64>,
    #[serde(default)]
    pub status_reason: Option<String>,
    #[serde(default)]
    pub last_drill: Option<i64>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct KitKeyV1 {
    pub id: String,
    pub name: String,
    pub version: u32,
    pub fingerprint: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct CustodyV1 {
    pub custodian: String,
    #[serde(default)]
    pub share: Option<u8>,
}

impl From<&KitRecord> for KitV1 {
    fn from(k: &KitRecord) -> Self {
        let (threshold, count) = k.kind.shares().unzip();
        let recipient = match &k.kind {
            KitKind::Escrow { recipient } => Some(recipient.clone()),
            _ => None,
        };
        let (status_at, status_reason) = match &k.status {
            KitStatus::Current => (None, None),
            KitStatus::Superseded { at, reason } | KitStatus::Void { at, reason } => {
                (Some(clock::to_unix(*at)), Some(reason.clone()))
            }
        };
        KitV1 {
            id: k.id.to_string(),
            generation: k.generation,
            kind: k.kind.id().to_owned(),
            threshold,
            count,
            recipient,
            made: clock::to_unix(k.made_at),
            made_by: k.made_by.clone(),
            keys: k
                .keys
                .iter()
                .map(|key| KitKeyV1 {
                    id: key.id.to_string(),
                    name: key.name.clone(),
                    version: key.version,
                    fingerprint: key.fingerprint.clone(),
                })
                .collect(),
            custody: k
                .custody
                .iter()
                .map(|c| CustodyV1 {
                    custodian: c.custodian.clone(),
                    share: c.share,
                })
                .collect(),
            status: k.status.id().to_owned(),
            status_at,
            status_reason,
            last_drill: k.last_drill.map(clock::to_unix),
        }
    }
}

impl TryFrom<KitV1> for KitRecord {
    type Error = String;

    fn try_from(k: KitV1) -> Result<Self, String> {
        let id: KitId = k.id.parse().map_err(|_| format!("kit id {:?}", k.id))?;
        let kind = match (k.kind.as_str(), k.threshold, k.count, k.recipient) {
            ("personal", ..) => KitKind::Personal,
            ("unencrypted", ..) => KitKind::Unencrypted,
            ("split", Some(threshold), Some(count), _) if (1..=count).contains(&threshold) => {
                KitKind::Split { threshold, count }
            }
            ("escrow", _, _, Some(recipient)) => KitKind::Escrow { recipient },
            ("vault", Some(threshold), Some(count), _) if (1..=count).contains(&threshold) => {
                KitKind::Vault { threshold, count }
            }
            (other, ..) => return Err(format!("kit {id}: kind {other:?}")),
        };
        let at = clock::from_unix(k.status_at.unwrap_or(k.made));
        let reason = k.status_reason.unwrap_or_default();
        let status = match k.status.as_str() {
            "current" => KitStatus::Current,
            "superseded" => KitStatus::Superseded { at, reason },
            "void" => KitStatus::Void { at, reason },
            other => return Err(format!("kit {id}: status {other:?}")),
        };
        let keys = k
            .keys
            .into_iter()
            .map(|key| {
                Ok(KitKey {
                    id: key
                        .id
                        .parse()
                        .map_err(|_| format!("kit {id}: key id {:?}", key.id))?,
                    name: key.name,
                    version: key.version,
                    fingerprint: key.fingerprint,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(KitRecord {
            id,
            generation: k.generation,
            kind,
            made_at: clock::from_unix(k.made),
            made_by: k.made_by,
            keys,
            custody: k
                .custody
                .into_iter()
                .map(|c| Custody {
                    custodian: c.custodian,
                    share: c.share,
                })
                .collect(),
            status,
            last_drill: k.last_drill.map(clock::from_unix),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn kit(kind: KitKind, status: KitStatus) -> KitRecord {
        KitRecord {
            id: KitId::from_bits(0x12_3456_789a),
            generation: 2,
            kind,
            made_at: clock::from_unix(1_800_000_000),
            made_by: "Ada".to_owned(),
            keys: vec![KitKey {
                id: "0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10".parse().unwrap(),
                name: "Payroll".to_owned(),
                version: 1,
                fingerprint: "kcv 0011".to_owned(),
            }],
            custody: vec![Custody {
                custodian: "Bea".to_owned(),
                share: Some(1),
            }],
            status,
            last_drill: Some(clock::from_unix(1_800_000_050)),
        }
    }

    #[test]
    fn a_kit_is_titled_by_its_kind_and_keys_and_a_vault_kit_as_such() {
        let mut split = kit(
            KitKind::Split {
                threshold: 2,
                count: 3,
            },
            KitStatus::Current,
        );
        assert_eq!(split.title(), "split kit of \"Payroll\"");
        split.keys.push(KitKey {
            name: "Backup".to_owned(),
            ..split.keys[0].clone()
        });
        assert_eq!(split.title(), "split kit of \"Payroll\", \"Backup\"");
        let vault = kit(
            KitKind::Vault {
                threshold: 1,
                count: 1,
            },
            KitStatus::Current,
        );
        assert_eq!(vault.title(), "vault recovery kit");
    }

    #[test]
    fn every_kind_and_status_round_trips() {
        let at = clock::from_unix(1_800_000_100);
        for kind in [
            KitKind::Personal,
            KitKind::Unencrypted,
            KitKind::Split {
                threshold: 2,
                count: 3,
            },
            KitKind::Escrow {
                recipient: "age1xyz".to_owned(),
            },
        ] {
            for status in [
                KitStatus::Current,
                KitStatus::Superseded {
                    at,
                    reason: "rotated".to_owned(),
                },
                KitStatus::Void {
                    at,
                    reason: "compromised".to_owned(),
                },
            ] {
                let record = kit(kind.clone(), status);
                let back = KitRecord::try_from(KitV1::from(&record)).unwrap();
                assert_eq!(back, record);
            }
        }
    }

    #[test]
    fn a_split_kit_needs_a_threshold_within_its_count() {
        let mut stored = KitV1::from(&kit(
            KitKind::Split {
                threshold: 2,
                count: 3,
            },
            KitStatus::Current,
        ));
        stored.threshold = Some(4);
        assert!(KitRecord::try_from(stored).is_err());
    }

    #[test]
    fn generations_count_per_key() {
        let first = kit(KitKind::Personal, KitStatus::Current);
        let held = first.keys[0].id;
        let other: KeyId = "1b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a10".parse().unwrap();
        assert_eq!(next_generation(&[], &[held]), 1);
        assert_eq!(next_generation(std::slice::from_ref(&first), &[held]), 3);
        assert_eq!(next_generation(&[first], &[other]), 1);
    }
}
