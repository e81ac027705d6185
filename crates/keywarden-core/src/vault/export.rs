//! Documents made from the vault's records, never from key material: the due-date
//! calendar and the review report. The engine makes their contents (see
//! [`crate::calendar`] and [`crate::report`]); the caller writes the file and then records
//! here, once, whether it was written.

use super::{UnlockedVault, hex};
use crate::audit::{Action, NewEntry};
use crate::error::RecordError;

/// A document written out of the vault that the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// The due-date calendar (`calendar-exported`).
    Calendar,
    /// The key-management review report (`report-exported`).
    Report,
}

impl Document {
    /// The audit action that records it.
    pub fn action(self) -> Action {
        match self {
            Document::Calendar => Action::CalendarExported,
            Document::Report => Action::ReportExported,
        }
    }
}

impl UnlockedVault {
    /// The vault's id: the random 16 bytes made at creation (`docs/vault-format.md`,
    /// table `vault`), as 32 lowercase hexadecimal digits. Not secret: the file holds
    /// it in the clear.
    pub fn vault_id(&self) -> String {
        hex(&self.locked.vault_id)
    }

    /// Records in the audit log that `document` was written (`failure` is `None`) or
    /// could not be (`failure` says why). `detail` says what and where, such as
    /// `3 events, titles name keys, to due.ics`. Call it after the file is in place, so
    /// that a success entry is never written for a file that is not there.
    ///
    /// # Errors
    /// A storage failure; the entry is then not recorded.
    pub fn record_export(
        &mut self,
        document: Document,
        detail: &str,
        failure: Option<&str>,
    ) -> Result<(), RecordError> {
        let entry = NewEntry::new(document.action());
        let entry = match failure {
            None => entry.detail(detail),
            Some(why) => entry.failed(format!("{detail}: {why}")),
        };
        self.commit(entry, |_| Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::audit::{AuditFilter, Outcome};
    use crate::clock::SystemClock;
    use crate::kdf::KdfParams;
    use crate::secret::Passphrase;
    use crate::vault::LockedVault;

    #[test]
    fn exports_are_recorded_as_success_or_failure_with_their_detail() {
        let dir = tempfile::tempdir().unwrap();
        let mut vault = LockedVault::create(
            &dir.path().join("v.keywarden"),
            &Passphrase::new("correct horse battery staple".to_owned()),
            None,
            KdfParams::INSECURE_TEST,
            true,
            Arc::new(SystemClock),
        )
        .unwrap();
        assert_eq!(vault.vault_id().len(), 32);
        assert!(vault.vault_id().bytes().all(|b| b.is_ascii_hexdigit()));
        vault
            .record_export(Document::Calendar, "2 events, to due.ics", None)
            .unwrap();
        vault
            .record_export(Document::Report, "to r.html", Some("disk full"))
            .unwrap();
        let entries = vault.audit_entries(&AuditFilter::default()).unwrap();
        let last: Vec<_> = entries
            .iter()
            .rev()
            .take(2)
            .map(|e| (e.action, e.outcome, e.detail.as_str()))
            .collect();
        assert_eq!(
            last,
            [
                (
                    Action::ReportExported,
                    Outcome::Failure,
                    "to r.html: disk full"
                ),
                (
                    Action::CalendarExported,
                    Outcome::Success,
                    "2 events, to due.ics"
                ),
            ]
        );
        assert!(vault.verify_audit().unwrap().is_intact());
    }
}
