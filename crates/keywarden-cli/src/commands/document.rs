//! What `calendar` and `report` share: a document made from the vault's records is
//! written to a new file (mode 0600) whole or not at all, and only then recorded in the
//! audit log, so that the log never claims an export whose file is not there.

use std::fs;
use std::path::Path;

use keywarden_core::UnlockedVault;
use keywarden_core::vault::export::Document;

use crate::failure::Failure;
use crate::outfile::{self, PRIVATE_MODE, PendingFile};
use crate::output;
use crate::session::display;

/// What can be checked before the vault is unlocked: `-` is not a file, and the path
/// must be free unless `force`.
///
/// # Errors
/// [`crate::failure::Code::Usage`] for `-`; [`crate::failure::Code::FileExists`].
pub fn check_out(command: &str, path: &Path, force: bool) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        return Err(Failure::usage(format!(
            "{command} writes a file and records it in the audit log: give --out FILE \
             (standard output is not supported)"
        )));
    }
    outfile::check_free(path, force)
}

/// Writes `bytes` to `path` (mode 0600; over an existing file only with `force`), then
/// records `document` in the audit log with `detail` and the path. A file that cannot be
/// written is recorded as a failed export. If the success cannot be recorded, the file
/// just written is removed again and the command fails: no unrecorded export is left.
///
/// # Errors
/// [`crate::failure::Code::Io`] or [`crate::failure::Code::FileExists`] when the file
/// cannot be written; a storage failure when the export cannot be recorded.
pub fn write_recorded(
    vault: &mut UnlockedVault,
    document: Document,
    path: &Path,
    force: bool,
    bytes: &[u8],
    detail: &str,
) -> Result<(), Failure> {
    let detail = format!("{detail}, to {}", display(path));
    let written = PendingFile::create(path, PRIVATE_MODE, force).and_then(|f| f.commit(bytes));
    if let Err(failure) = written {
        // The refusal is what the person needs to hear; a failure to record it as well
        // is not allowed to hide it.
        let _ = vault.record_export(document, &detail, Some(&failure.message));
        return Err(failure);
    }
    if let Err(e) = vault.record_export(document, &detail, None) {
        let removed = fs::remove_file(path).is_ok();
        let failure = Failure::from(e);
        return Err(Failure::new(
            failure.code,
            format!(
                "{}; the export could not be recorded in the audit log, so {} {}",
                failure.message,
                output::clean(&display(path)),
                if removed {
                    "was removed again"
                } else {
                    "is there unrecorded: remove it"
                }
            ),
        ));
    }
    Ok(())
}
