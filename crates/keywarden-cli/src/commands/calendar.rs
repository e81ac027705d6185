//! `keywarden calendar`: every due date as an iCalendar file, so that the person's own
//! calendar application reminds them, with an alarm at each of the policy's
//! `reminder-days` thresholds. Audited as `calendar-exported`.

use keywarden_core::Timestamp;
use keywarden_core::calendar::{self, Naming};
use keywarden_core::vault::export::Document;

use super::document;
use crate::args::CalendarArgs;
use crate::failure::Failure;
use crate::output::Report;
use crate::session::Session;

/// Writes the calendar of every due date (overdue ones included) to `--out`.
///
/// # Errors
/// `-` for `--out` (`usage`) or an existing file without `--force` (`file_exists`),
/// before the passphrase is asked; everything [`Session::unlock`] reports; a file that
/// cannot be written (`io`).
pub fn run(session: &Session, args: &CalendarArgs) -> Result<Report, Failure> {
    document::check_out("calendar", &args.out, args.force)?;
    let mut vault = session.unlock()?.vault;
    let thresholds = vault.policy().reminder_days.clone();
    let items = vault.due(&thresholds, None);
    let naming = if args.ids_only {
        Naming::IdsOnly
    } else {
        Naming::Names
    };
    // The CLI's vault runs on the system clock: now is the calendar's DTSTAMP.
    let ics = calendar::to_ics(
        &items,
        &thresholds,
        Timestamp::now(),
        &vault.time_zone(),
        naming,
    );
    let events = items.len();
    document::write_recorded(
        &mut vault,
        Document::Calendar,
        &args.out,
        args.force,
        ics.as_bytes(),
        &format!(
            "{events} {}, titles {}",
            if events == 1 { "event" } else { "events" },
            match naming {
                Naming::Names => "name keys",
                Naming::IdsOnly => "give key ids only",
            }
        ),
    )?;
    Ok(Report::Calendar {
        path: args.out.clone(),
        events,
        naming,
        thresholds,
    })
}
