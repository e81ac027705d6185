//! `keywarden report`: the key-management review report, one self-contained HTML or PDF
//! file to read or print for the review meeting (`docs/reports.md`). Audited as
//! `report-exported`.

use keywarden_core::report::ReviewReport;
use keywarden_core::vault::export::Document;

use super::document;
use crate::args::ReportArgs;
use crate::failure::{Code, Failure};
use crate::output::Report;
use crate::session::Session;

/// Gathers the report at now, in the system's time zone, and writes it to `--out`. An
/// audit log that does not verify is shown in the report, not refused: the review is
/// where it must be seen.
///
/// # Errors
/// `-` for `--out` (`usage`) or an existing file without `--force` (`file_exists`),
/// before the passphrase is asked; everything [`Session::unlock`] reports; a storage
/// failure while checking the audit log; a file that cannot be written (`io`).
pub fn run(session: &Session, args: &ReportArgs) -> Result<Report, Failure> {
    document::check_out("report", &args.out, args.force)?;
    let mut vault = session.unlock()?.vault;
    let review = ReviewReport::gather(&vault, args.unused_days)?;
    let summary = review.summary();
    let format = args.format();
    let document = review
        .render(format)
        .map_err(|e| Failure::new(Code::Internal, e.to_string()))?;
    document::write_recorded(
        &mut vault,
        Document::Report,
        &args.out,
        args.force,
        &document,
        &format!(
            "{}, {} {}, unused window {} days",
            format,
            summary.keys,
            if summary.keys == 1 { "key" } else { "keys" },
            args.unused_days
        ),
    )?;
    Ok(Report::ReviewWritten {
        path: args.out.clone(),
        format,
        summary,
        due_within_days: review.due_within_days,
        unused_days: args.unused_days,
    })
}
