//! `keywarden due`: what falls due (rotations, ends of usage, scheduled destructions,
//! kit drills), for people and for cron. The exit code is 1 when anything is listed.

use crate::args::DueArgs;
use crate::failure::Failure;
use crate::output::Report;
use crate::session::Session;

/// Lists what is due within the window, in calendar days of the system's time zone.
///
/// # Errors
/// Everything [`Session::unlock`] reports.
pub fn run(session: &Session, args: &DueArgs) -> Result<Report, Failure> {
    let vault = session.unlock()?.vault;
    let mut items = vault.due(&vault.policy().reminder_days, Some(args.within));
    if !args.include_snoozed {
        items.retain(|i| i.snooze.is_none());
    }
    Ok(Report::Due {
        items,
        within: args.within,
    })
}
