//! The key lifecycle on an unlocked vault: state changes, rotation, scheduled
//! destruction with crypto-erase, audited access to secret material, the policy, and the
//! audit log.

use rusqlite::params;

use super::{POLICY_ROW, UnlockedVault};
use crate::algorithm::Algorithm;
use crate::audit::{self, Action, AuditEntry, AuditFilter, AuditVerification, NewEntry};
use crate::clock::Timestamp;
use crate::error::{RecordError, StorageError};
use crate::key::{self, KeyId, KeyRecord, KeyVersion, ScheduledDestruction};
use crate::material::{Imported, PublicKey, SecretKey};
use crate::policy::{Finding, Policy, PolicyV1, Severity};
use crate::seal;
use crate::secret::{KeyFile, Passphrase};
use crate::state::{KeyState, Transition};

/// New material for `algorithm` from the OS CSPRNG.
pub(super) fn generate_material(algorithm: Algorithm) -> Result<SecretKey, RecordError> {
    SecretKey::generate(algorithm).map_err(|e| RecordError::Invalid {
        field: "algorithm",
        reason: format!("{} keys could not be generated: {e}", algorithm.label()),
    })
}

/// What the next version of a rotated key is made of.
enum Next {
    /// New material from the OS CSPRNG, of this algorithm or the one the policy prefers.
    Generated(Option<Algorithm>),
    /// The new public key of a public-only key.
    Public(PublicKey),
}

pub(super) fn not_allowed(reason: impl Into<String>) -> RecordError {
    RecordError::NotAllowed {
        reason: reason.into(),
    }
}

/// What a person does with secret material; both are audited and need the passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretUse<'a> {
    /// Shown on screen or copied to the clipboard.
    Reveal,
    /// Written out in a format, named for the audit log (such as `pkcs8-pem`).
    Export(&'a str),
}

impl UnlockedVault {
    /// Moves a key to another state, if NIST SP 800-57 allows that transition.
    /// Destruction goes through [`UnlockedVault::schedule_destruction`] instead.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] for a transition SP 800-57 does not have (audited),
    /// [`RecordError::Invalid`] without a reason, or a storage failure.
    pub fn set_state(
        &mut self,
        id: &KeyId,
        to: KeyState,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        let record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::StateChanged)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        match self.transitioned(record, to, reason) {
            Ok(record) => {
                let from = record.history.last().and_then(|t| t.from);
                let entry = NewEntry::new(Action::StateChanged)
                    .key(*id, &record.name, record.fingerprint())
                    .reason(reason.trim())
                    .detail(format!(
                        "{} to {}",
                        from.map_or("none", KeyState::id),
                        to.id()
                    ));
                self.store_record(record, &[entry], |_| Ok(()))
            }
            Err(e) => self.refused(attempt, e),
        }
    }

    fn transitioned(
        &self,
        mut record: KeyRecord,
        to: KeyState,
        reason: &str,
    ) -> Result<KeyRecord, RecordError> {
        let reason = key::clean_reason(reason)?;
        let from = record.state;
        if to == KeyState::Destroyed {
            return Err(not_allowed(format!(
                "a key is destroyed by scheduling its destruction, which waits {} days and then erases the material",
                self.policy.destruction_wait_days
            )));
        }
        if !from.can_become(to) {
            let next: Vec<&str> = from
                .next_states()
                .into_iter()
                .filter(|s| *s != KeyState::Destroyed)
                .map(KeyState::id)
                .collect();
            return Err(not_allowed(format!(
                "NIST SP 800-57 does not let a key go from {} to {}; from {} it can become {}",
                from.id(),
                to.id(),
                from.id(),
                if next.is_empty() {
                    "nothing else (only destroyed)".to_owned()
                } else {
                    format!("{} or destroyed", next.join(", "))
                }
            )));
        }
        let now = self.now();
        match to {
            KeyState::Active if record.activated_at.is_none() => record.activated_at = Some(now),
            KeyState::Deactivated | KeyState::Compromised => {
                if let Some(v) = record
                    .versions
                    .iter_mut()
                    .find(|v| v.number == record.current_version)
                {
                    v.deactivated_at.get_or_insert(now);
                }
            }
            _ => {}
        }
        record.state = to;
        record.history.push(Transition {
            from: Some(from),
            to,
            at: now,
            actor: self.actor.clone(),
            reason,
        });
        Ok(record)
    }

    /// Rotates an active key: makes version n+1 with the same algorithm, or with
    /// `algorithm`, or, when the policy no longer allows the current one, with the first
    /// algorithm of the same family it allows for the key's purpose. The old version is
    /// deactivated (it can still decrypt or verify) and keeps its fingerprint; the next
    /// rotation date counts from now.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] unless the key is active, for an algorithm of another
    /// family, or for a key whose private part the vault does not hold (see
    /// [`UnlockedVault::replace_public_key`]); [`RecordError::PolicyViolation`]; a
    /// storage failure. Audited.
    pub fn rotate_key(
        &mut self,
        id: &KeyId,
        algorithm: Option<Algorithm>,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        self.rotate(id, Next::Generated(algorithm), reason)
    }

    /// Rotates an active [public-only](KeyRecord::public_only) key to the new public
    /// key its holder made: version n+1 is `public`, the old version is deactivated as in
    /// [`UnlockedVault::rotate_key`]. As with an import, the policy flags an algorithm it
    /// does not allow rather than refusing it.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] unless the key is active and public-only, or when
    /// `public` is already one of its versions; [`RecordError::PolicyViolation`] when
    /// `public`'s algorithm cannot serve the key's purpose; a storage failure. Audited as
    /// `key-rotated`.
    pub fn replace_public_key(
        &mut self,
        id: &KeyId,
        public: PublicKey,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        self.rotate(id, Next::Public(public), reason)
    }

    fn rotate(&mut self, id: &KeyId, next: Next, reason: &str) -> Result<&KeyRecord, RecordError> {
        let record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::KeyRotated)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        let prepared = self.rotated(record, next, reason);
        let (record, material) = match prepared {
            Ok(p) => p,
            Err(e) => return self.refused(attempt, e),
        };
        let version = record.current_version;
        let text = id.to_string();
        let row = format!("{text}/{version}");
        let sealed = seal::seal(
            &self.keys.material,
            &self.material_place(&row, 1),
            &material.to_stored(),
        );
        let entry = NewEntry::new(Action::KeyRotated)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason.trim())
            .detail(format!(
                "version {version}, {}{}, fingerprint {}",
                record.algorithm.label(),
                if record.public_only {
                    " public key only"
                } else {
                    ""
                },
                record.fingerprint()
            ));
        self.store_record(record, &[entry], |tx| {
            tx.execute(
                "INSERT INTO key_version (key_id, version, row_version, material)
                 VALUES (?1, ?2, 1, ?3)",
                params![text, version, sealed],
            )?;
            Ok(())
        })
    }

    fn rotated(
        &self,
        mut record: KeyRecord,
        next: Next,
        reason: &str,
    ) -> Result<(KeyRecord, Imported), RecordError> {
        key::clean_reason(reason)?;
        if record.state != KeyState::Active {
            return Err(not_allowed(match record.state {
                KeyState::Compromised => {
                    "a compromised key is not rotated but replaced: generate a new key".to_owned()
                }
                s => format!("only an active key can be rotated; this one is {}", s.id()),
            }));
        }
        let now = self.now();
        let material = match next {
            Next::Generated(_) if record.public_only => {
                return Err(not_allowed(format!(
                    "the vault holds only the public key of \"{}\": its holder makes the new \
                     key pair; record the new public key instead",
                    record.name
                )));
            }
            Next::Generated(algorithm) => {
                let algorithm = match algorithm {
                    Some(a) if a.family() != record.algorithm.family() => {
                        return Err(not_allowed(format!(
                            "a {} key cannot be rotated to {}; generate a new key instead",
                            record.algorithm.label(),
                            a.label()
                        )));
                    }
                    Some(a) => a,
                    None => self.preferred_algorithm(&record, now)?,
                };
                self.check_policy(algorithm, record.purpose, now)?;
                Imported::Secret(generate_material(algorithm)?)
            }
            Next::Public(_) if !record.public_only => {
                return Err(not_allowed(format!(
                    "the vault holds the private key of \"{}\": rotate it to make a new one",
                    record.name
                )));
            }
            Next::Public(public) if !public.algorithm().purposes().contains(&record.purpose) => {
                return Err(RecordError::PolicyViolation {
                    reasons: format!(
                        "{} keys cannot serve {}, the purpose of \"{}\"",
                        public.algorithm().label(),
                        record.purpose.label().to_lowercase(),
                        record.name
                    ),
                });
            }
            Next::Public(public) => Imported::Public(public),
        };
        let (fingerprint, fingerprints) = KeyVersion::fingerprints_of(&material.fingerprints());
        if let Some(old) = record
            .versions
            .iter()
            .find(|v| v.fingerprint == fingerprint)
        {
            return Err(not_allowed(format!(
                "this is already version {} of \"{}\"",
                old.number, record.name
            )));
        }
        let algorithm = material.algorithm();
        if let Some(v) = record
            .versions
            .iter_mut()
            .find(|v| v.number == record.current_version)
        {
            v.deactivated_at.get_or_insert(now);
        }
        let number = record.current_version + 1;
        record.versions.push(KeyVersion {
            number,
            algorithm,
            created_at: now,
            fingerprint,
            fingerprints,
            deactivated_at: None,
            destroyed_at: None,
        });
        record.current_version = number;
        record.algorithm = algorithm;
        record.rotated_at = Some(now);
        Ok((record, material))
    }

    /// The key's own algorithm if the policy still allows it, or else the first of the
    /// same family that the policy allows for the key's purpose.
    fn preferred_algorithm(
        &self,
        record: &KeyRecord,
        now: Timestamp,
    ) -> Result<Algorithm, RecordError> {
        let clean = |a: Algorithm| {
            a.family() == record.algorithm.family()
                && self
                    .policy
                    .assess_algorithm(a, record.purpose, now)
                    .iter()
                    .all(|f| f.severity != Severity::Violation)
        };
        if clean(record.algorithm) {
            return Ok(record.algorithm);
        }
        Algorithm::ALL
            .into_iter()
            .find(|a| clean(*a))
            .ok_or_else(|| RecordError::PolicyViolation {
                reasons: format!(
                    "no algorithm the policy allows can replace {} for {}",
                    record.algorithm.label(),
                    record.purpose.label().to_lowercase()
                ),
            })
    }

    /// Schedules the destruction of a key after `after_days` (by default the policy's
    /// waiting period, and never less). When the wait is zero the key is destroyed at
    /// once.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] for a destroyed key, a destruction already scheduled,
    /// or a wait shorter than the policy's; a storage failure. Audited.
    pub fn schedule_destruction(
        &mut self,
        id: &KeyId,
        after_days: Option<u32>,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        let mut record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::DestructionScheduled)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        let wait = self.policy.destruction_wait_days;
        let after = after_days.unwrap_or(wait);
        let checked = key::clean_reason(reason).and_then(|reason| {
            if record.state == KeyState::Destroyed {
                return Err(not_allowed("the key is already destroyed"));
            }
            if let Some(d) = &record.destruction {
                return Err(not_allowed(format!(
                    "its destruction is already scheduled for {}; cancel that first",
                    d.due_at
                )));
            }
            if after < wait {
                return Err(not_allowed(format!(
                    "the policy asks for a waiting period of at least {wait} days"
                )));
            }
            if after > crate::policy::MAX_DESTRUCTION_WAIT_DAYS {
                return Err(not_allowed(format!(
                    "wait at most {} days",
                    crate::policy::MAX_DESTRUCTION_WAIT_DAYS
                )));
            }
            Ok(reason)
        });
        let reason = match checked {
            Ok(r) => r,
            Err(e) => return self.refused(attempt, e),
        };
        let now = self.now();
        let due_at = self.days_after(now, after);
        record.destruction = Some(ScheduledDestruction {
            scheduled_at: now,
            due_at,
            actor: self.actor.clone(),
            reason: reason.clone(),
        });
        let entry = NewEntry::new(Action::DestructionScheduled)
            .key(*id, &record.name, record.fingerprint())
            .reason(&reason)
            .detail(format!("due {}", due_at.strftime("%Y-%m-%d %H:%M UTC")));
        self.store_record(record, &[entry], |_| Ok(()))?;
        if after == 0 {
            self.destroy_due()?;
        }
        self.get(id)
    }

    /// Cancels a scheduled destruction.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] when none is scheduled; a storage failure. Audited.
    pub fn cancel_destruction(
        &mut self,
        id: &KeyId,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        let mut record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::DestructionCancelled)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        let checked = key::clean_reason(reason).and_then(|r| match record.destruction {
            Some(_) => Ok(r),
            None => Err(not_allowed("no destruction is scheduled for this key")),
        });
        let reason = match checked {
            Ok(r) => r,
            Err(e) => return self.refused(attempt, e),
        };
        record.destruction = None;
        let entry = NewEntry::new(Action::DestructionCancelled)
            .key(*id, &record.name, record.fingerprint())
            .reason(&reason);
        self.store_record(record, &[entry], |_| Ok(()))
    }

    /// Carries out every scheduled destruction that is due: the material of every
    /// version is overwritten and deleted (with `secure_delete`), the WAL is
    /// checkpointed and truncated, and the record stays as a tombstone in state
    /// destroyed with its name, fingerprints, dates, who and why. Returns the keys
    /// destroyed.
    ///
    /// # Errors
    /// A storage failure; keys destroyed before it stay destroyed.
    pub fn destroy_due(&mut self) -> Result<Vec<KeyId>, RecordError> {
        let now = self.now();
        let due: Vec<KeyId> = self
            .records
            .values()
            .filter(|r| r.destruction.as_ref().is_some_and(|d| d.due_at <= now))
            .map(|r| r.id)
            .collect();
        for id in &due {
            self.crypto_erase(id, now)?;
        }
        if !due.is_empty() {
            // Old pages of the material may sit in the WAL: fold it in and empty it.
            self.locked
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(due)
    }

    fn crypto_erase(&mut self, id: &KeyId, now: Timestamp) -> Result<(), RecordError> {
        let mut record = self.get(id)?.clone();
        let Some(scheduled) = record.destruction.take() else {
            return Ok(());
        };
        let from = record.state;
        record.state = KeyState::Destroyed;
        record.history.push(Transition {
            from: Some(from),
            to: KeyState::Destroyed,
            at: now,
            actor: scheduled.actor.clone(),
            reason: scheduled.reason.clone(),
        });
        for v in &mut record.versions {
            v.destroyed_at.get_or_insert(now);
            v.deactivated_at.get_or_insert(now);
        }
        let text = id.to_string();
        let entry = NewEntry::new(Action::KeyDestroyed)
            .key(*id, &record.name, record.fingerprint())
            .reason(&scheduled.reason)
            .detail(format!(
                "{} version(s) erased; scheduled by {} on {}",
                record.versions.len(),
                scheduled.actor,
                scheduled.scheduled_at
            ));
        self.store_record(record, &[entry], |tx| {
            // Overwrite in place first, then delete: secure_delete zeroes the freed cells.
            tx.execute(
                "UPDATE key_version SET material = zeroblob(length(material)) WHERE key_id = ?1",
                [&text],
            )?;
            tx.execute("DELETE FROM key_version WHERE key_id = ?1", [&text])?;
            Ok(())
        })?;
        Ok(())
    }

    /// Secret material for a person: checks the passphrase (and key file) again, reads
    /// the version (`None`: current), records the use on the key and in the audit log.
    ///
    /// # Errors
    /// [`RecordError::Confirmation`] for a wrong passphrase or key file (audited),
    /// [`RecordError::NotAllowed`] for a destroyed key, [`RecordError::NotFound`].
    pub fn use_secret(
        &mut self,
        id: &KeyId,
        version: Option<u32>,
        how: SecretUse<'_>,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
    ) -> Result<SecretKey, RecordError> {
        let mut record = self.get(id)?.clone();
        let action = match how {
            SecretUse::Reveal => Action::SecretRevealed,
            SecretUse::Export(_) => Action::SecretExported,
        };
        let number = version.unwrap_or(record.current_version);
        let detail = match how {
            SecretUse::Reveal => format!("version {number}"),
            SecretUse::Export(format) => format!("version {number} as {format}"),
        };
        let attempt = NewEntry::new(action)
            .key(*id, &record.name, record.fingerprint())
            .detail(detail.clone());
        let material = match self
            .confirm(passphrase, key_file)
            .and_then(|()| self.secret_key(id, version))
        {
            Ok(m) => m,
            Err(e) => return self.refused(attempt, e),
        };
        let now = self.now();
        match how {
            SecretUse::Reveal => record.revealed_at = Some(now),
            SecretUse::Export(_) => record.exported_at = Some(now),
        }
        let entry = NewEntry::new(action)
            .key(*id, &record.name, record.fingerprint())
            .detail(detail);
        self.store_record(record, &[entry], |_| Ok(()))?;
        Ok(material)
    }

    /// The public part of a key's version (`None`: current), for export: public parts
    /// leave freely (no passphrase) but each export is recorded, with `format` naming it.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] for keys without a public part (symmetric keys,
    /// secrets) and destroyed keys; [`RecordError::NotFound`]; a storage failure.
    pub fn export_public(
        &mut self,
        id: &KeyId,
        version: Option<u32>,
        format: &str,
    ) -> Result<PublicKey, RecordError> {
        let (name, fingerprint) = {
            let record = self.get(id)?;
            (record.name.clone(), record.fingerprint().to_owned())
        };
        let public = self.public_key(id, version)?.ok_or_else(|| {
            not_allowed(format!("\"{name}\" has no public part: it is a secret key"))
        })?;
        let entry = NewEntry::new(Action::PublicExported)
            .key(*id, &name, &fingerprint)
            .detail(format!("as {format}"));
        self.commit(entry, |_| Ok(()))?;
        Ok(public)
    }

    /// The vault's policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Replaces the policy; the audit entry lists each setting that changed.
    ///
    /// # Errors
    /// [`RecordError::Invalid`] for a setting out of range or a missing reason
    /// (audited); a storage failure.
    pub fn set_policy(&mut self, policy: Policy, reason: &str) -> Result<(), RecordError> {
        let attempt = NewEntry::new(Action::PolicyChanged).reason(reason);
        if let Err(e) = key::clean_reason(reason).and_then(|_| policy.validate()) {
            return self.refused(attempt, e);
        }
        let before = self.policy.entries();
        let changes: Vec<String> = policy
            .entries()
            .into_iter()
            .zip(before)
            .filter(|(new, old)| new.1 != old.1)
            .map(|(new, old)| format!("{}: {} to {}", new.0, old.1, new.1))
            .collect();
        if changes.is_empty() {
            return Ok(());
        }
        let previous = self.policy_row_version;
        let blob = self
            .locked
            .setting(POLICY_ROW, &self.keys.records)
            .seal(previous + 1, &PolicyV1::from(&policy))?;
        let entry = NewEntry::new(Action::PolicyChanged)
            .reason(reason.trim())
            .detail(changes.join("; "));
        let next = self.commit(entry, |tx| {
            Ok(crate::settings::store(tx, POLICY_ROW, previous, &blob)?)
        })?;
        self.policy = policy;
        self.policy_row_version = next;
        self.sync_reminders();
        Ok(())
    }

    /// When the key is next due for rotation: its cryptoperiod (the key's own interval
    /// or the policy's for its purpose) counted from its last rotation or activation.
    /// `None` for keys that are not active or suspended.
    pub fn next_rotation(&self, record: &KeyRecord) -> Option<Timestamp> {
        self.schedule().next_rotation(record)
    }

    /// What the policy says about a key now: algorithm, strength and purpose rules,
    /// an overdue rotation, a cryptoperiod past the post-quantum deadline. Destroyed
    /// keys have no findings.
    pub fn assess(&self, record: &KeyRecord) -> Vec<Finding> {
        if record.state == KeyState::Destroyed {
            return Vec::new();
        }
        let now = self.now();
        let mut findings = self
            .policy
            .assess_algorithm(record.algorithm, record.purpose, now);
        if let Some(due) = self.next_rotation(record) {
            if due <= now && record.state == KeyState::Active {
                findings.push(Finding {
                    severity: Severity::Violation,
                    code: "rotation-overdue",
                    message: format!("rotation was due on {due}"),
                });
            }
            findings.extend(Policy::quantum_finding(record.algorithm, due));
        }
        findings
    }

    /// Keys, not destroyed, that have not been revealed, exported or rotated (or made)
    /// for at least `days` days: candidates for a review of whether they are still
    /// needed. Oldest use first.
    pub fn unused_keys(&self, unused_days: u32) -> Vec<&KeyRecord> {
        let now = self.now();
        let mut found: Vec<&KeyRecord> = self
            .records
            .values()
            .filter(|r| r.state != KeyState::Destroyed)
            .filter(|r| self.days_after(r.last_used_at(), unused_days) <= now)
            .collect();
        found.sort_by_key(|r| (r.last_used_at(), r.id));
        found
    }

    /// Checks the whole audit log: every seal, the chain, and the head.
    ///
    /// # Errors
    /// A storage failure reading the log.
    pub fn verify_audit(&self) -> Result<AuditVerification, StorageError> {
        audit::verify(
            &self.locked.conn,
            &self.keys.audit,
            self.audit_head,
            &self.locked.vault_id,
            self.audit_at_unlock.as_ref(),
        )
    }

    /// Whether, at unlock, the newest audit entry was the one the sealed head names (a
    /// quick check; [`UnlockedVault::verify_audit`] checks everything).
    pub fn audit_head_intact(&self) -> bool {
        self.audit_at_unlock.is_none()
    }

    /// The audit entries that pass `filter`, oldest first.
    ///
    /// # Errors
    /// A damaged error when an entry fails authentication (run `verify_audit`).
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StorageError> {
        audit::list(
            &self.locked.conn,
            &self.keys.audit,
            &self.locked.vault_id,
            filter,
        )
    }
}
