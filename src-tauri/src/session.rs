//! What a person is in the middle of with the unlocked vault: a recovery kit made but not
//! yet saved, and a kit being read back. It lives inside the unlocked vault's state
//! ([`crate::state`]), so locking, closing or switching the vault drops it, and with it
//! every share, passphrase and document it held.

use keywarden_core::UnlockedVault;
use keywarden_core::kit::KitDocument;
use keywarden_core::kit::recovery::Recovery;
use keywarden_core::vault::PreparedKit;

/// The unfinished work of one unlocked vault.
#[derive(Debug, Default)]
pub(crate) struct Session {
    /// The kit `kit_prepare` made, until `kit_save` writes it or `kit_discard` drops it.
    pub(crate) prepared: Option<Box<PreparedKit>>,
    /// The kit being read back by the `kit_recover_*` commands and `kit_drill`.
    pub(crate) recovery: Option<Box<RecoverySession>>,
}

/// A kit being read back: what has been read so far and, once opened, its document.
#[derive(Debug, Default)]
pub(crate) struct RecoverySession {
    /// The codes, typed lines and shares read so far.
    pub(crate) recovery: Recovery,
    /// The decrypted kit, after `kit_recover_open`; dropped when more text is added.
    pub(crate) document: Option<KitDocument>,
}

impl Session {
    /// Drops the kit that was made and not saved, recording in the audit log that it
    /// was not (`why`). A failure to record is logged: the kit is dropped all the same.
    pub(crate) fn discard_prepared(&mut self, vault: &mut UnlockedVault, why: &str) -> bool {
        let Some(kit) = self.prepared.take() else {
            return false;
        };
        if let Err(error) = vault.record_kit_failure(&kit, why) {
            eprintln!("keywarden: an unsaved kit could not be recorded as dropped: {error}");
        }
        true
    }

    /// Ends everything unfinished, as the vault locks or closes: an unsaved kit is
    /// recorded as not saved, a recovery in progress is forgotten.
    pub(crate) fn end(&mut self, vault: &mut UnlockedVault, why: &str) {
        self.discard_prepared(vault, why);
        self.recovery = None;
    }
}
