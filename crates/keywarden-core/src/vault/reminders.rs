//! Reminders on the vault: snoozing one, cancelling a snooze, and the plaintext copy of
//! the due dates that reminders read while the vault is locked.

use super::lifecycle::not_allowed;
use super::{LockedVault, UnlockedVault};
use crate::audit::{Action, NewEntry};
use crate::clock::Timestamp;
use crate::error::{RecordError, StorageError};
use crate::key::{self, KeyId, KeyRecord, Snooze};
use crate::kit::register::{KitRecord, KitStatus};
use crate::reminder::{DueKind, Reminders, Schedule};

/// How a date reads in audit details.
fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

impl LockedVault {
    /// The due dates and thresholds kept in plaintext, as of the last change or unlock:
    /// enough for a notification ("2 keys overdue") without the passphrase, never a
    /// name or an id.
    ///
    /// # Errors
    /// A storage failure reading the file.
    pub fn reminders(&self) -> Result<Reminders, StorageError> {
        Reminders::load(&self.conn)
    }
}

impl UnlockedVault {
    /// How due dates are counted now: the policy's periods in calendar days of the
    /// vault's time zone.
    pub(crate) fn schedule(&self) -> Schedule<'_> {
        Schedule {
            policy: self.policy(),
            tz: self.time_zone(),
        }
    }

    /// When a recovery kit is next due for a drill: the policy's `drill-days` after it
    /// was made or last drilled successfully. Only current kits are drilled; a superseded
    /// or void kit is due for replacement instead.
    pub fn next_drill(&self, kit: &KitRecord) -> Option<Timestamp> {
        if kit.status != KitStatus::Current {
            return None;
        }
        let since = kit.last_drill.unwrap_or(kit.made_at);
        Some(self.days_after(since, self.policy().drill_days))
    }

    /// Puts off the reminders of one of a key's due dates until `until`, with a reason.
    /// The due date itself does not move: the key still shows as due (marked snoozed),
    /// and a policy violation stays one. A new snooze of the same due date replaces the
    /// old one.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] when nothing of that kind is due for the key, the
    /// policy allows no snoozing, or `until` is past the due date by more than the
    /// policy's `max-snooze-days`; [`RecordError::Invalid`] for an empty or long reason or
    /// an `until` not in the future; a storage failure. Audited.
    pub fn snooze(
        &mut self,
        id: &KeyId,
        kind: DueKind,
        until: Timestamp,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        let mut record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::ReminderSnoozed)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        let now = self.now();
        let max = self.policy().max_snooze_days;
        let due = self
            .due_dates(&record)
            .into_iter()
            .find(|(k, _)| *k == kind);
        let checked = key::clean_reason(reason).and_then(|reason| {
            let (_, due_at) =
                due.ok_or_else(|| not_allowed(format!("no {kind} is due for this key")))?;
            if max == 0 {
                return Err(not_allowed("the policy does not allow snoozing reminders"));
            }
            if until <= now {
                return Err(RecordError::Invalid {
                    field: "until",
                    reason: "a snooze must end in the future".to_owned(),
                });
            }
            let latest = self.days_after(due_at, max);
            if until > latest {
                return Err(not_allowed(format!(
                    "the policy allows snoozing at most {max} days past the due date, until {}",
                    day(latest)
                )));
            }
            Ok((reason, due_at))
        });
        let (reason, due_at) = match checked {
            Ok(ok) => ok,
            Err(e) => return self.refused(attempt, e),
        };
        record.snoozes.retain(|z| z.kind != kind);
        record.snoozes.push(Snooze {
            kind,
            due_at,
            until,
            actor: self.actor.clone(),
            at: now,
            reason: reason.clone(),
        });
        let entry = NewEntry::new(Action::ReminderSnoozed)
            .key(*id, &record.name, record.fingerprint())
            .reason(&reason)
            .detail(format!(
                "{kind} due {}, snoozed until {}",
                day(due_at),
                day(until)
            ));
        self.store_record(record, &[entry], |_| Ok(()))
    }

    /// Ends a snooze early: the reminders of that due date are back.
    ///
    /// # Errors
    /// [`RecordError::NotAllowed`] when no snooze holds for that kind of due date;
    /// [`RecordError::Invalid`] for an empty or long reason; a storage failure. Audited.
    pub fn cancel_snooze(
        &mut self,
        id: &KeyId,
        kind: DueKind,
        reason: &str,
    ) -> Result<&KeyRecord, RecordError> {
        let mut record = self.get(id)?.clone();
        let attempt = NewEntry::new(Action::SnoozeCancelled)
            .key(*id, &record.name, record.fingerprint())
            .reason(reason);
        let now = self.now();
        let holding = self
            .due_dates(&record)
            .into_iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(k, due_at)| record.snooze_of(k, due_at, now))
            .is_some();
        let checked = key::clean_reason(reason).and_then(|r| {
            if holding {
                Ok(r)
            } else {
                Err(not_allowed(format!(
                    "the {kind} reminder of this key is not snoozed"
                )))
            }
        });
        let reason = match checked {
            Ok(r) => r,
            Err(e) => return self.refused(attempt, e),
        };
        record.snoozes.retain(|z| z.kind != kind);
        let entry = NewEntry::new(Action::SnoozeCancelled)
            .key(*id, &record.name, record.fingerprint())
            .reason(&reason)
            .detail(kind.id());
        self.store_record(record, &[entry], |_| Ok(()))
    }

    /// Rewrites the plaintext copy of the due dates after a change, unless it already
    /// says the same (most changes move no due date). The first call of a session always
    /// writes, repairing a stale or edited copy. The copy only drives reminders while the
    /// vault is locked; if writing it fails, the change itself still stands and the next
    /// change or unlock writes it again.
    pub(super) fn sync_reminders(&mut self) {
        let reminders = self.reminders();
        if self.reminders_written.as_ref() == Some(&reminders) {
            return;
        }
        let written = self.reminders_written.as_ref();
        if reminders.store(&mut self.locked.conn, written).is_ok() {
            self.reminders_written = Some(reminders);
        }
    }
}
