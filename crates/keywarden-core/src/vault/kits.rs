//! Recovery kits made from the vault, the custody register that remembers them, and
//! keys restored from a kit. Making a kit is a secret export: it asks for the
//! passphrase again and is audited. A kit enters the register only once its sheets are
//! written ([`UnlockedVault::register_kit`]).

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::UnlockedVault;
use crate::audit::{Action, NewEntry};
use crate::clock;
use crate::error::{RecordError, StorageError};
use crate::key::{self, KeyId, NewKey};
use crate::keyslot::{Keyslot, KeyslotKind, recovery_passphrase};
use crate::kit::register::{
    Custody, KitKey, KitKind, KitRecord, KitStatus, REGISTER_ROW, RegisterV1, next_generation,
};
use crate::kit::sheet::{Sheet, SheetKey, SheetKind};
use crate::kit::{KitDocument, KitEntry, KitError, KitId, envelope, pdf, slip39};
use crate::print::Paper;
use crate::secret::{KeyFile, Passphrase};
use crate::state::KeyState;

/// The shortest kit passphrase a person may choose: it protects the keys on a sheet
/// that anyone who finds it can attack offline (scrypt slows each guess to a second).
pub const MIN_KIT_PASSPHRASE_CHARS: usize = 12;
/// Bytes of a split kit's random master secret: 128 bits, 20-word SLIP-39 shares.
const SPLIT_SECRET_BYTES: usize = 16;
/// SLIP-39 iteration exponent of split kits: the reference implementation's default.
/// The master secret is random, so stretching protects nothing; 1 keeps old tools happy.
const SPLIT_ITERATION_EXPONENT: u8 = 1;
/// The most custodians of one split kit (SLIP-39 allows 16 shares in a group).
pub const MAX_CUSTODIANS: usize = slip39::MAX_SHARES;

/// How a new kit is locked, and who holds it.
pub enum KitLock {
    /// Encrypted to a passphrase that `custodian` writes on the sheet by hand.
    Personal {
        /// The kit passphrase (never printed, never stored).
        passphrase: Zeroizing<String>,
        /// Who keeps the sheet.
        custodian: String,
    },
    /// Not encrypted, after the person was warned: the sheet is the keys.
    Unencrypted {
        /// Who keeps the sheet.
        custodian: String,
    },
    /// One sheet per custodian, each with a SLIP-39 share; `threshold` of them recover.
    Split {
        /// Sheets needed to recover, at least 2.
        threshold: u8,
        /// One name per sheet, all different.
        custodians: Vec<String>,
    },
    /// Encrypted to an escrow agent's age X25519 recipient.
    Escrow {
        /// The agent's `age1…` recipient.
        recipient: String,
        /// The agent's name, printed on the sheet.
        agent: String,
    },
    /// A vault recovery kit (no keys): a new recovery keyslot whose secret is split
    /// into one SLIP-39 share per custodian; it replaces the vault's previous one.
    Vault {
        /// Sheets needed: 1 with one custodian, else from 2 to their number.
        threshold: u8,
        /// One name per sheet, all different.
        custodians: Vec<String>,
    },
}

impl fmt::Debug for KitLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KitLock::Personal { custodian, .. } => f
                .debug_struct("Personal")
                .field("custodian", custodian)
                .finish_non_exhaustive(),
            KitLock::Unencrypted { custodian } => f
                .debug_struct("Unencrypted")
                .field("custodian", custodian)
                .finish(),
            KitLock::Split {
                threshold,
                custodians,
            } => f
                .debug_struct("Split")
                .field("threshold", threshold)
                .field("custodians", custodians)
                .finish(),
            KitLock::Vault {
                threshold,
                custodians,
            } => f
                .debug_struct("Vault")
                .field("threshold", threshold)
                .field("custodians", custodians)
                .finish(),
            KitLock::Escrow { recipient, agent } => f
                .debug_struct("Escrow")
                .field("recipient", recipient)
                .field("agent", agent)
                .finish(),
        }
    }
}

/// A kit to make: which keys (each at its current version), locked how, on what paper.
#[derive(Debug)]
pub struct KitRequest {
    /// The keys it holds, at least one (none for a vault recovery kit).
    pub keys: Vec<KeyId>,
    /// How it is locked and who holds it.
    pub lock: KitLock,
    /// Paper size of its sheets.
    pub paper: Paper,
}

/// One printable document of a kit: the sheet of one custodian.
pub struct SheetFile {
    /// Who it is for.
    pub custodian: String,
    /// Their share number (split and vault kits), from 1.
    pub share: Option<u8>,
    /// The SLIP-39 share printed on it (split and vault kits): secret, for a drill or a
    /// check.
    pub mnemonic: Option<Zeroizing<String>>,
    /// The PDF: secret (it carries the encrypted payload and, for split kits, a share).
    pub pdf: Zeroizing<Vec<u8>>,
}

impl fmt::Debug for SheetFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SheetFile")
            .field("custodian", &self.custodian)
            .field("share", &self.share)
            .field("mnemonic", &self.mnemonic.as_ref().map(|_| "[redacted]"))
            .field("pdf_bytes", &self.pdf.len())
            .finish()
    }
}

/// A kit made but not yet in the register: write its files, then hand it to
/// [`UnlockedVault::register_kit`].
#[derive(Debug)]
pub struct PreparedKit {
    /// What the register will hold.
    pub record: KitRecord,
    /// One PDF per custodian.
    pub sheets: Vec<SheetFile>,
    /// The age file (or the document of an unencrypted kit): the machine-readable copy;
    /// empty for a vault recovery kit.
    pub payload: Vec<u8>,
    /// What each sheet shows, for [`PreparedKit::preview`].
    layouts: Vec<Sheet>,
    paper: Paper,
    /// A vault recovery kit's new keyslot, stored by [`UnlockedVault::register_kit`].
    slot: Option<Keyslot>,
}

/// The most characters of a custodian's name in a sheet's file name.
const FILE_NAME_CHARS: usize = 40;

impl PreparedKit {
    /// The names of the kit's files, one per sheet in the order of
    /// [`PreparedKit::sheets`] (`KW-28T5-CY4T-share-2-of-3-bea.pdf`, or
    /// `KW-28T5-CY4T.pdf` for a kit of one sheet), then the machine-readable copy
    /// (`KW-28T5-CY4T.age`, `.txt` when unencrypted; none for a vault recovery kit).
    /// Each is unique within the kit and none holds a path separator, whatever the
    /// custodians are called.
    pub fn file_names(&self) -> Vec<String> {
        let id = self.record.id;
        let count = self.sheets.len();
        let mut names: Vec<String> = self
            .sheets
            .iter()
            .map(|sheet| match sheet.share {
                Some(n) if count > 1 => format!(
                    "{id}-share-{n}-of-{count}-{}.pdf",
                    file_safe(&sheet.custodian)
                ),
                _ => format!("{id}.pdf"),
            })
            .collect();
        let extension = match self.record.kind {
            KitKind::Vault { .. } => None,
            KitKind::Unencrypted => Some("txt"),
            KitKind::Personal | KitKind::Split { .. } | KitKind::Escrow { .. } => Some("age"),
        };
        names.extend(extension.map(|e| format!("{id}.{e}")));
        names
    }

    /// The pages of sheet `index` (from 0, in the order of [`PreparedKit::sheets`]) as
    /// standalone SVG documents, drawn exactly as the PDF: the preview before printing.
    /// As secret as the sheet.
    ///
    /// # Errors
    /// [`KitError::Document`] for an index past the last sheet.
    pub fn preview(&self, index: usize) -> Result<Vec<Zeroizing<String>>, KitError> {
        let sheet = self.layouts.get(index).ok_or_else(|| KitError::Document {
            line: 0,
            reason: format!("this kit has {} sheets", self.layouts.len()),
        })?;
        pdf::render_svg(sheet, self.paper)
    }
}

/// What happened to each key of a kit restored into the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restored {
    /// Added as a new key.
    Added {
        /// Its id in this vault.
        id: KeyId,
        /// Its name here (the kit's, or with " (from KW-…)" when that name was taken).
        name: String,
    },
    /// The vault already holds this key (a version with the same fingerprint).
    AlreadyPresent {
        /// The key that has it.
        id: KeyId,
        /// Its name.
        name: String,
    },
}

/// A key in use (active, suspended or deactivated) and the recovery kits that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscrowEntry {
    /// The key.
    pub id: KeyId,
    /// Its name.
    pub name: String,
    /// Its current version's main fingerprint.
    pub fingerprint: String,
    /// Its state.
    pub state: KeyState,
    /// The current kits that hold it, oldest first: none means no paper copy.
    pub current: Vec<KitId>,
    /// With no current kit, the newest kit that held it, superseded or void.
    pub replaced: Option<(KitId, KitStatus)>,
}

impl UnlockedVault {
    /// Every kit in the custody register, oldest first.
    pub fn kits(&self) -> &[KitRecord] {
        &self.kits
    }

    /// The kit `id`.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] when the register has no such kit.
    pub fn kit(&self, id: KitId) -> Result<&KitRecord, RecordError> {
        self.kits
            .iter()
            .find(|k| k.id == id)
            .ok_or_else(|| RecordError::NotFound {
                reference: id.to_string(),
            })
    }

    /// Whether the vault has a recovery keyslot, that is a current vault recovery kit.
    pub fn has_recovery_kit(&self) -> bool {
        self.kits
            .iter()
            .any(|k| matches!(k.kind, KitKind::Vault { .. }) && k.status == KitStatus::Current)
    }

    /// The kits that hold key `id`, oldest first.
    pub fn kits_of(&self, id: &KeyId) -> Vec<&KitRecord> {
        self.kits.iter().filter(|k| k.holds(id)).collect()
    }

    /// Every key in use (active, suspended, deactivated) whose secret the vault holds,
    /// and the current kits that hold it: those with none first (a paper copy is owed),
    /// each group by name. [Public-only](KeyRecord::public_only) keys have nothing to
    /// escrow.
    pub fn escrow_coverage(&self) -> Vec<EscrowEntry> {
        let mut escrow: Vec<EscrowEntry> = self
            .list("")
            .into_iter()
            .filter(|r| {
                !r.public_only
                    && matches!(
                        r.state,
                        KeyState::Active | KeyState::Suspended | KeyState::Deactivated
                    )
            })
            .map(|r| {
                let kits = self.kits_of(&r.id);
                let current: Vec<KitId> = kits
                    .iter()
                    .filter(|k| k.status == KitStatus::Current)
                    .map(|k| k.id)
                    .collect();
                let replaced = kits
                    .last()
                    .filter(|_| current.is_empty())
                    .map(|k| (k.id, k.status.clone()));
                EscrowEntry {
                    id: r.id,
                    name: r.name.clone(),
                    fingerprint: r.fingerprint().to_owned(),
                    state: r.state,
                    current,
                    replaced,
                }
            })
            .collect();
        // Stable: the keys with no current kit first, each group still by name.
        escrow.sort_by_key(|e| !e.current.is_empty());
        escrow
    }

    /// Makes a kit: checks the passphrase (and key file) again, reads each key's
    /// current version, writes the recovery document, seals it, and lays out one sheet
    /// per custodian. Nothing is stored: write the sheets, then call
    /// [`UnlockedVault::register_kit`]. A refusal is audited (`kit-created`, failed).
    ///
    /// # Errors
    /// [`RecordError::Confirmation`] for a wrong passphrase or key file;
    /// [`RecordError::Invalid`] for no keys, a repeated key, a short kit passphrase, bad
    /// custodians or threshold; [`RecordError::NotAllowed`] for a compromised,
    /// destroyed or pre-activation key; [`RecordError::Kit`] when a key cannot go on
    /// paper or the escrow recipient is not an age recipient.
    pub fn prepare_kit(
        &mut self,
        request: KitRequest,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<PreparedKit, RecordError> {
        let attempt = NewEntry::new(Action::KitCreated).detail(format!(
            "{} kit of {} key(s)",
            kind_of(&request.lock).id(),
            request.keys.len()
        ));
        match self
            .confirm(passphrase, key_file)
            .and_then(|()| self.build_kit(request))
        {
            Ok(kit) => Ok(kit),
            Err(e) => self.refused(attempt, e),
        }
    }

    fn build_kit(&self, request: KitRequest) -> Result<PreparedKit, RecordError> {
        let KitRequest { keys, lock, paper } = request;
        let kind = kind_of(&lock);
        if let KitLock::Vault { .. } = lock {
            if !keys.is_empty() {
                return Err(invalid(
                    "keys",
                    "a vault recovery kit holds no keys: it opens the whole vault",
                ));
            }
            return self.build_vault_kit(kind, &lock, paper);
        }
        if keys.is_empty() {
            return Err(invalid("keys", "a kit holds at least one key"));
        }
        let mut entries = Vec::with_capacity(keys.len());
        for (i, id) in keys.iter().enumerate() {
            if keys[..i].contains(id) {
                return Err(invalid("keys", "a key is named twice"));
            }
            let record = self.get(id)?;
            match record.state {
                KeyState::Compromised | KeyState::Destroyed | KeyState::PreActivation => {
                    return Err(RecordError::NotAllowed {
                        reason: format!(
                            "the key \"{}\" is {}: only keys in use go into a kit",
                            record.name,
                            record.state.label().to_lowercase()
                        ),
                    });
                }
                KeyState::Active | KeyState::Suspended | KeyState::Deactivated => {}
            }
            let material = self.secret_key(id, None)?;
            entries.push(KitEntry::new(
                &record.name,
                *id,
                record.purpose,
                record.current_version,
                &material,
            )?);
        }
        let custody = custody_of(&lock)?;
        let kit_id = KitId::random();
        let made_at = self.now();
        let generation = next_generation(&self.kits, &keys);
        let document = KitDocument {
            kit: kit_id,
            generation,
            made_at,
            entries,
        };
        let text = document.to_text()?;
        let (payload, shares) = seal_document(text.as_bytes(), &lock)?;
        let sheet_keys: Vec<SheetKey> = document
            .entries
            .iter()
            .map(|e| SheetKey {
                name: e.name.clone(),
                algorithm: e.algorithm.id().to_owned(),
                version: e.version,
                fingerprints: e.fingerprints.clone(),
            })
            .collect();
        let sheet = |custodian: &Custody, kind: SheetKind, share| Sheet {
            kit: kit_id,
            generation,
            made_at,
            kind,
            custodian: Some(custodian.custodian.clone()),
            keys: sheet_keys.clone(),
            share,
            payload: payload.clone(),
        };
        let mut sheets = Vec::with_capacity(custody.len());
        let mut layouts = Vec::with_capacity(custody.len());
        for (i, holder) in custody.iter().enumerate() {
            let sheet_kind = match (&kind, holder.share) {
                (KitKind::Personal, _) => SheetKind::Personal,
                (KitKind::Unencrypted, _) => SheetKind::Unencrypted,
                (KitKind::Escrow { recipient }, _) => SheetKind::Escrow {
                    recipient: recipient.clone(),
                },
                (KitKind::Split { threshold, count }, Some(n)) => SheetKind::Split {
                    share_number: n,
                    threshold: *threshold,
                    count: *count,
                },
                (KitKind::Split { .. } | KitKind::Vault { .. }, None) => {
                    return Err(invalid("custodians", "a split sheet without a share"));
                }
                (KitKind::Vault { .. }, Some(_)) => {
                    return Err(invalid("keys", "a vault recovery kit holds no keys"));
                }
            };
            let share = || shares.get(i).map(|s| Zeroizing::new(s.as_str().to_owned()));
            let layout = sheet(holder, sheet_kind, share());
            let pdf = pdf::render(std::slice::from_ref(&layout), paper)?;
            layouts.push(layout);
            sheets.push(SheetFile {
                custodian: holder.custodian.clone(),
                share: holder.share,
                mnemonic: share(),
                pdf: Zeroizing::new(pdf),
            });
        }
        let record = KitRecord {
            id: kit_id,
            generation,
            kind,
            made_at,
            made_by: self.actor.clone(),
            keys: document
                .entries
                .iter()
                .map(|e| KitKey {
                    id: e.id,
                    name: e.name.clone(),
                    version: e.version,
                    fingerprint: e
                        .fingerprints
                        .first()
                        .map(|(kind, value)| format!("{kind} {value}"))
                        .unwrap_or_default(),
                })
                .collect(),
            custody,
            status: KitStatus::Current,
            last_drill: None,
        };
        Ok(PreparedKit {
            record,
            sheets,
            payload,
            layouts,
            paper,
            slot: None,
        })
    }

    /// A vault recovery kit: a random recovery secret, its SLIP-39 shares (one per
    /// custodian), one sheet each, and the keyslot that the secret opens, wrapping this
    /// vault's data key with the Argon2id parameters of its passphrase slot.
    fn build_vault_kit(
        &self,
        kind: KitKind,
        lock: &KitLock,
        paper: Paper,
    ) -> Result<PreparedKit, RecordError> {
        let custody = custody_of(lock)?;
        let KitKind::Vault { threshold, count } = kind else {
            return Err(invalid("kind", "not a vault recovery kit"));
        };
        let (secret, shares) = split_secret(threshold, count)?;
        let conn = &self.locked.conn;
        let kdf = Keyslot::load(conn, KeyslotKind::Passphrase)?
            .first()
            .map(|s| s.kdf)
            .ok_or_else(|| StorageError::damaged("no passphrase keyslot"))?;
        let slot = Keyslot::wrap(
            Keyslot::next_id(conn)?,
            1,
            &self.locked.vault_id,
            kdf,
            &recovery_passphrase(&secret[..]),
            None,
            &self.dek,
        )
        .map_err(|e| StorageError::damaged(e.to_string()))?;
        let kit_id = KitId::random();
        let made_at = self.now();
        let generation = self
            .kits
            .iter()
            .filter(|k| matches!(k.kind, KitKind::Vault { .. }))
            .map(|k| k.generation)
            .max()
            .map_or(1, |g| g.saturating_add(1));
        let mut sheets = Vec::with_capacity(custody.len());
        let mut layouts = Vec::with_capacity(custody.len());
        for (holder, share) in custody.iter().zip(&shares) {
            let share_number = holder.share.unwrap_or(1);
            let layout = Sheet {
                kit: kit_id,
                generation,
                made_at,
                kind: SheetKind::Vault {
                    share_number,
                    threshold,
                    count,
                    vault: self.vault_id(),
                },
                custodian: Some(holder.custodian.clone()),
                keys: Vec::new(),
                share: Some(share.clone()),
                payload: Vec::new(),
            };
            let pdf = pdf::render(std::slice::from_ref(&layout), paper)?;
            layouts.push(layout);
            sheets.push(SheetFile {
                custodian: holder.custodian.clone(),
                share: Some(share_number),
                mnemonic: Some(share.clone()),
                pdf: Zeroizing::new(pdf),
            });
        }
        let record = KitRecord {
            id: kit_id,
            generation,
            kind,
            made_at,
            made_by: self.actor.clone(),
            keys: Vec::new(),
            custody,
            status: KitStatus::Current,
            last_drill: None,
        };
        Ok(PreparedKit {
            record,
            sheets,
            payload: Vec::new(),
            layouts,
            paper,
            slot: Some(slot),
        })
    }

    /// Enters a kit whose sheets were written into the custody register, with one
    /// `kit-created` audit entry per key it holds, in one transaction.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] when the register already has this kit id; a storage
    /// failure (then nothing is recorded).
    pub fn register_kit(&mut self, kit: PreparedKit) -> Result<&KitRecord, RecordError> {
        let PreparedKit { record, slot, .. } = kit;
        if self.kits.iter().any(|k| k.id == record.id) {
            return Err(invalid("kit", "this kit is already in the register"));
        }
        if let Some(slot) = slot {
            return self.register_vault_kit(record, slot);
        }
        let holders: Vec<String> = record
            .custody
            .iter()
            .map(|c| match c.share {
                Some(n) => format!("{} (share {n})", c.custodian),
                None => c.custodian.clone(),
            })
            .collect();
        let entries: Vec<NewEntry> = record
            .keys
            .iter()
            .map(|k| {
                NewEntry::new(Action::KitCreated)
                    .key(k.id, &k.name, k.fingerprint_value())
                    .detail(format!(
                        "kit {} generation {}, {}, version {}, held by {}",
                        record.id,
                        record.generation,
                        record.kind.id(),
                        k.version,
                        holders.join(", ")
                    ))
            })
            .collect();
        let id = record.id;
        let mut register = self.kits.clone();
        register.push(record);
        self.write_register(register, &entries)?;
        self.kit(id)
    }

    /// Enters a vault recovery kit: its keyslot replaces the vault's previous recovery
    /// keyslot, whose kit becomes void, with the register and the audit entries, in one
    /// transaction.
    fn register_vault_kit(
        &mut self,
        record: KitRecord,
        slot: Keyslot,
    ) -> Result<&KitRecord, RecordError> {
        let holders: Vec<String> = record.custody.iter().map(|c| c.custodian.clone()).collect();
        let (threshold, count) = record.kind.shares().unwrap_or((1, 1));
        let mut entries = vec![NewEntry::new(Action::KitCreated).detail(format!(
            "vault recovery kit {} generation {}, {threshold} of {count} sheets, held by {}",
            record.id,
            record.generation,
            holders.join(", ")
        ))];
        let now = self.now();
        let mut register = self.kits.clone();
        for old in register.iter_mut().filter(|k| {
            matches!(k.kind, KitKind::Vault { .. }) && !matches!(k.status, KitStatus::Void { .. })
        }) {
            let reason = format!("replaced by vault recovery kit {}", record.id);
            entries.push(
                NewEntry::new(Action::KitStatusChanged)
                    .detail(format!("kit {} is now void: {reason}", old.id)),
            );
            old.status = KitStatus::Void { at: now, reason };
        }
        let id = record.id;
        register.push(record);
        let previous = self.kits_row_version;
        let blob = self.register_blob(&register, previous)?;
        let created = clock::to_unix(now);
        let next = self.commit_entries(&entries, |tx| {
            for old in Keyslot::load(tx, KeyslotKind::Recovery)? {
                old.delete(tx)?;
            }
            slot.insert(tx, KeyslotKind::Recovery, created)?;
            Ok(crate::settings::store(tx, REGISTER_ROW, previous, &blob)?)
        })?;
        self.kits = register;
        self.kits_row_version = next;
        self.sync_reminders();
        self.kit(id)
    }

    /// Records that making a kit failed after [`UnlockedVault::prepare_kit`] (its files
    /// could not be written), so the audit log shows the attempt.
    ///
    /// # Errors
    /// A storage failure.
    pub fn record_kit_failure(&mut self, kit: &PreparedKit, why: &str) -> Result<(), RecordError> {
        let entry = NewEntry::new(Action::KitCreated).failed(format!(
            "kit {} ({}): {why}",
            kit.record.id,
            kit.record.kind.id()
        ));
        self.commit(entry, |_| Ok(()))
    }

    /// Adds the keys of a recovered kit to the vault, each checked against its
    /// fingerprints; a key the vault already holds (same fingerprint) is left alone, a
    /// name already taken gets " (from KW-…)". Every key is checked before any is
    /// added; the restore is audited (`kit-recovered`).
    ///
    /// # Errors
    /// [`RecordError::Kit`] when a key's material does not match its fingerprint;
    /// import errors (see [`UnlockedVault::import_key`]); a storage failure.
    pub fn restore_kit(&mut self, document: &KitDocument) -> Result<Vec<Restored>, RecordError> {
        let mut keys = Vec::with_capacity(document.entries.len());
        for entry in &document.entries {
            keys.push(entry.key()?);
        }
        let mut out = Vec::with_capacity(keys.len());
        for (entry, material) in document.entries.iter().zip(keys) {
            let fingerprint = material.fingerprint().to_string();
            let present = self.records.values().find(|r| {
                r.versions
                    .iter()
                    .any(|v| v.algorithm == entry.algorithm && v.fingerprint == fingerprint)
            });
            if let Some(r) = present {
                out.push(Restored::AlreadyPresent {
                    id: r.id,
                    name: r.name.clone(),
                });
                continue;
            }
            let mut name = key::clean_name(&entry.name)?;
            if self.ensure_name_free(&name, None).is_err() {
                name = format!("{name} (from {})", document.kit);
            }
            let mut new = NewKey::new(name, entry.algorithm);
            new.purpose = Some(entry.purpose);
            new.notes = format!(
                "Restored from recovery kit {} (generation {}), version {} of key {}.",
                document.kit, document.generation, entry.version, entry.id
            );
            let record = self.import_key(new, material)?;
            out.push(Restored::Added {
                id: record.id,
                name: record.name.clone(),
            });
        }
        let added = out
            .iter()
            .filter(|r| matches!(r, Restored::Added { .. }))
            .count();
        let entry = NewEntry::new(Action::KitRecovered).detail(format!(
            "kit {} generation {}: {added} key(s) added, {} already present",
            document.kit,
            document.generation,
            out.len() - added
        ));
        self.commit(entry, |_| Ok(()))?;
        Ok(out)
    }

    /// Checks a kit read back in a drill against the register: the kit is known, and
    /// every key it holds has the fingerprint the register recorded. The result (passed
    /// or failed, never the secret) enters the audit log as `kit-drilled`, one entry
    /// per key, and a passed drill updates the kit's last drill date.
    ///
    /// # Errors
    /// [`RecordError::NotFound`] for a kit that is not in the register;
    /// [`RecordError::Kit`] with [`KitError::FingerprintMismatch`] when a key differs
    /// (audited as failed); a storage failure.
    pub fn record_drill(&mut self, document: &KitDocument) -> Result<&KitRecord, RecordError> {
        let attempt = NewEntry::new(Action::KitDrilled).detail(format!("kit {}", document.kit));
        let kit = match self.kit(document.kit) {
            Ok(k) => k.clone(),
            Err(e) => return self.refused(attempt, e),
        };
        for held in &kit.keys {
            let read = document
                .entries
                .iter()
                .find(|e| e.id == held.id && e.version == held.version);
            let matches = read.is_some_and(|e| {
                e.fingerprints
                    .first()
                    .is_some_and(|(kind, value)| format!("{kind} {value}") == held.fingerprint)
            });
            if !matches {
                let error = RecordError::Kit(KitError::FingerprintMismatch {
                    name: held.name.clone(),
                });
                return self.refused(
                    attempt.key(held.id, &held.name, held.fingerprint_value()),
                    error,
                );
            }
        }
        let now = self.now();
        let mut register = self.kits.clone();
        let entries: Vec<NewEntry> = kit
            .keys
            .iter()
            .map(|k| {
                NewEntry::new(Action::KitDrilled)
                    .key(k.id, &k.name, k.fingerprint_value())
                    .detail(format!(
                        "kit {} generation {}: read back, version {} matches its fingerprint",
                        kit.id, kit.generation, k.version
                    ))
            })
            .collect();
        if let Some(k) = register.iter_mut().find(|k| k.id == kit.id) {
            k.last_drill = Some(now);
        }
        self.write_register(register, &entries)?;
        self.kit(kit.id)
    }

    /// Drills the vault recovery kit: checks that the master secret of its shares read
    /// back opens the vault's recovery keyslot (one Argon2id run), without unlocking
    /// anything. The result enters the audit log as `kit-drilled`, and a passed drill
    /// updates the current vault recovery kit's last drill date.
    ///
    /// # Errors
    /// [`RecordError::Kit`] with [`KitError::NotThisVault`] when the shares do not open
    /// the recovery keyslot, or the vault has none (audited as failed); a storage
    /// failure.
    pub fn record_vault_drill(&mut self, secret: &[u8]) -> Result<&KitRecord, RecordError> {
        let attempt = NewEntry::new(Action::KitDrilled).detail("vault recovery kit".to_owned());
        let passphrase = recovery_passphrase(secret);
        let slots = Keyslot::load(&self.locked.conn, KeyslotKind::Recovery)?;
        let opens = slots.iter().any(|slot| {
            slot.unwrap(&self.locked.vault_id, &passphrase, None)
                .is_ok_and(|dek| bool::from(dek.expose().ct_eq(self.dek.expose())))
        });
        let current =
            self.kits.iter().rev().find(|k| {
                matches!(k.kind, KitKind::Vault { .. }) && k.status == KitStatus::Current
            });
        let kit = match (opens, current) {
            (true, Some(kit)) => kit.clone(),
            _ => return self.refused(attempt, RecordError::Kit(KitError::NotThisVault)),
        };
        let mut register = self.kits.clone();
        if let Some(k) = register.iter_mut().find(|k| k.id == kit.id) {
            k.last_drill = Some(self.now());
        }
        let entry = NewEntry::new(Action::KitDrilled).detail(format!(
            "vault recovery kit {} generation {}: its shares open the recovery keyslot",
            kit.id, kit.generation
        ));
        self.write_register(register, &[entry])?;
        self.kit(kit.id)
    }

    /// The register with each kit's status brought up to date for `record` (rotated,
    /// compromised, destroyed), and one audit entry per kit that changed; `None` when
    /// no kit changes.
    pub(super) fn kit_changes(
        &self,
        record: &crate::key::KeyRecord,
    ) -> Option<(Vec<KitRecord>, Vec<NewEntry>)> {
        let now = self.now();
        let mut register = self.kits.clone();
        let mut entries = Vec::new();
        for kit in register.iter_mut() {
            if let Some(status) = kit.status_after(record, now) {
                let (KitStatus::Superseded { reason, .. } | KitStatus::Void { reason, .. }) =
                    &status
                else {
                    continue;
                };
                entries.push(
                    NewEntry::new(Action::KitStatusChanged)
                        .key(record.id, &record.name, record.fingerprint())
                        .detail(format!("kit {} is now {}: {reason}", kit.id, status.id())),
                );
                kit.status = status;
            }
        }
        (!entries.is_empty()).then_some((register, entries))
    }

    /// Writes the register (row `kits` of the `setting` table) with `entries`, in one
    /// transaction, and keeps it once committed.
    fn write_register(
        &mut self,
        register: Vec<KitRecord>,
        entries: &[NewEntry],
    ) -> Result<(), RecordError> {
        let previous = self.kits_row_version;
        let blob = self.register_blob(&register, previous)?;
        let next = self.commit_entries(entries, |tx| {
            Ok(crate::settings::store(tx, REGISTER_ROW, previous, &blob)?)
        })?;
        self.kits = register;
        self.kits_row_version = next;
        self.sync_reminders();
        Ok(())
    }

    /// The sealed register, as version `previous + 1` of its row.
    pub(super) fn register_blob(
        &self,
        register: &[KitRecord],
        previous: u64,
    ) -> Result<Vec<u8>, StorageError> {
        let stored = RegisterV1 {
            kits: register.iter().map(Into::into).collect(),
        };
        self.locked
            .setting(REGISTER_ROW, &self.keys.records)
            .seal(previous + 1, &stored)
    }
}

/// Reads the register at unlock: empty (version 0) when the vault has none yet.
pub(super) fn read_register(
    locked: &super::LockedVault,
    records: &crate::secret::SymmetricKey,
) -> Result<(Vec<KitRecord>, u64), StorageError> {
    let Some((stored, version)) = locked
        .setting(REGISTER_ROW, records)
        .read::<RegisterV1>(&locked.conn)?
    else {
        return Ok((Vec::new(), 0));
    };
    let kits = stored
        .kits
        .into_iter()
        .map(KitRecord::try_from)
        .collect::<Result<Vec<_>, String>>()
        .map_err(|what| StorageError::damaged(format!("the kit register has a bad {what}")))?;
    Ok((kits, version))
}

/// A custodian's name as part of a file name: lower-case letters and digits, runs of
/// anything else as one `-`, at most [`FILE_NAME_CHARS`] characters; `custodian` when
/// nothing is left.
fn file_safe(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if out.chars().count() >= FILE_NAME_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "custodian".to_owned()
    } else {
        out.to_owned()
    }
}

fn invalid(field: &'static str, reason: &str) -> RecordError {
    RecordError::Invalid {
        field,
        reason: reason.to_owned(),
    }
}

fn kind_of(lock: &KitLock) -> KitKind {
    match lock {
        KitLock::Personal { .. } => KitKind::Personal,
        KitLock::Unencrypted { .. } => KitKind::Unencrypted,
        KitLock::Split {
            threshold,
            custodians,
        } => KitKind::Split {
            threshold: *threshold,
            count: u8::try_from(custodians.len()).unwrap_or(u8::MAX),
        },
        KitLock::Escrow { recipient, .. } => KitKind::Escrow {
            recipient: recipient.trim().to_owned(),
        },
        KitLock::Vault {
            threshold,
            custodians,
        } => KitKind::Vault {
            threshold: *threshold,
            count: u8::try_from(custodians.len()).unwrap_or(u8::MAX),
        },
    }
}

/// Who holds which sheet, checked: names clean and distinct, a split kit's threshold
/// from 2 to its number of custodians.
fn custody_of(lock: &KitLock) -> Result<Vec<Custody>, RecordError> {
    let one = |field, name: &str| -> Result<Vec<Custody>, RecordError> {
        let custodian = key::clean_person(field, name)?;
        if custodian.is_empty() {
            return Err(invalid(field, "name who keeps the sheet"));
        }
        Ok(vec![Custody {
            custodian,
            share: None,
        }])
    };
    match lock {
        KitLock::Personal {
            passphrase,
            custodian,
        } => {
            if passphrase.trim().chars().count() < MIN_KIT_PASSPHRASE_CHARS {
                return Err(RecordError::Invalid {
                    field: "kit passphrase",
                    reason: format!(
                        "must have at least {MIN_KIT_PASSPHRASE_CHARS} characters; a generated diceware passphrase is easier to write down"
                    ),
                });
            }
            one("custodian", custodian)
        }
        KitLock::Unencrypted { custodian } => one("custodian", custodian),
        KitLock::Escrow { agent, .. } => one("escrow agent", agent),
        KitLock::Vault {
            threshold: 1,
            custodians,
        } if custodians.len() == 1 => Ok(one("custodian", &custodians[0])?
            .into_iter()
            .map(|c| Custody {
                share: Some(1),
                ..c
            })
            .collect()),
        KitLock::Vault {
            threshold: 1,
            custodians,
        } if custodians.len() > 1 => Err(invalid(
            "threshold",
            "a kit that one sheet opens has one custodian; for more sheets, a threshold of \
             at least 2",
        )),
        KitLock::Split {
            threshold,
            custodians,
        }
        | KitLock::Vault {
            threshold,
            custodians,
        } => {
            let names = key::clean_custodians(custodians)?;
            if names.len() != custodians.len() || names.iter().any(String::is_empty) {
                return Err(invalid(
                    "custodians",
                    "each sheet needs its own custodian, named once",
                ));
            }
            if names.len() < 2 || names.len() > MAX_CUSTODIANS {
                return Err(RecordError::Invalid {
                    field: "custodians",
                    reason: format!("a split kit has 2 to {MAX_CUSTODIANS} custodians"),
                });
            }
            if *threshold < 2 || usize::from(*threshold) > names.len() {
                return Err(RecordError::Invalid {
                    field: "threshold",
                    reason: format!(
                        "must be from 2 to the number of custodians ({})",
                        names.len()
                    ),
                });
            }
            Ok(names
                .into_iter()
                .zip(1u8..)
                .map(|(custodian, n)| Custody {
                    custodian,
                    share: Some(n),
                })
                .collect())
        }
    }
}

/// A random master secret and its SLIP-39 shares, in share order.
type SplitSecret = (Zeroizing<[u8; SPLIT_SECRET_BYTES]>, Vec<Zeroizing<String>>);

/// A random master secret and its SLIP-39 shares: one group, `threshold` of `count`
/// member shares.
fn split_secret(threshold: u8, count: u8) -> Result<SplitSecret, RecordError> {
    let secret = Zeroizing::new(crate::random::array::<SPLIT_SECRET_BYTES>());
    let mut groups = slip39::split(
        &secret[..],
        b"",
        1,
        &[(threshold, count)],
        SPLIT_ITERATION_EXPONENT,
        true,
    )
    .map_err(|e| RecordError::Kit(KitError::from(e)))?;
    Ok((secret, groups.pop().unwrap_or_default()))
}

/// The payload of a kit, and the SLIP-39 shares of a split kit (one per custodian, in
/// order). A split kit's passphrase is its random master secret in lowercase hex.
fn seal_document(
    document: &[u8],
    lock: &KitLock,
) -> Result<(Vec<u8>, Vec<Zeroizing<String>>), RecordError> {
    let seal = |lock| envelope::seal(document, lock).map_err(RecordError::from);
    match lock {
        KitLock::Personal { passphrase, .. } => Ok((
            seal(envelope::Lock::Passphrase {
                passphrase: passphrase.trim(),
                log_n: envelope::PERSON_LOG_N,
            })?,
            Vec::new(),
        )),
        KitLock::Unencrypted { .. } => Ok((seal(envelope::Lock::Unencrypted)?, Vec::new())),
        KitLock::Escrow { recipient, .. } => {
            Ok((seal(envelope::Lock::Recipient(recipient))?, Vec::new()))
        }
        KitLock::Vault { .. } => Err(invalid("kind", "a vault recovery kit has no payload")),
        KitLock::Split {
            threshold,
            custodians,
        } => {
            let count = u8::try_from(custodians.len()).unwrap_or(u8::MAX);
            let (secret, shares) = split_secret(*threshold, count)?;
            let hex = Zeroizing::new(super::hex(&secret[..]));
            let payload = seal(envelope::Lock::Passphrase {
                passphrase: &hex,
                log_n: envelope::RANDOM_SECRET_LOG_N,
            })?;
            Ok((payload, shares))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custodian_names_become_safe_file_names() {
        assert_eq!(file_safe("Bea Smith-Jones"), "bea-smith-jones");
        assert_eq!(file_safe("  Dr. Ada O'Neil! "), "dr-ada-o-neil");
        assert_eq!(file_safe("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_safe("  Zoë / Bank  "), "zoë-bank");
        assert_eq!(file_safe("///"), "custodian");
        assert_eq!(file_safe(""), "custodian");
        assert_eq!(file_safe(&"x".repeat(300)).chars().count(), FILE_NAME_CHARS);
    }
}
