//! The commands, one module each: they do the work and return a [`Report`].

mod audit;
mod calendar;
mod document;
mod due;
mod init;
mod key;
mod kit;
mod passwd;
mod policy;
mod report;

use crate::args::{Cli, Command};
use crate::failure::Failure;
use crate::output::Report;
use crate::session::Session;

/// Runs the command the command line names.
///
/// # Errors
/// The command's [`Failure`]; nothing was changed unless the failure says otherwise.
pub fn run(cli: &Cli) -> Result<Report, Failure> {
    let session = Session::from_cli(cli)?;
    match &cli.command {
        Command::Init(args) => init::run(&session, args),
        Command::Passwd(args) => passwd::run(&session, args),
        Command::Key(command) => key::run(&session, command),
        Command::Policy(command) => policy::run(&session, command),
        Command::Audit(command) => audit::run(&session, command),
        Command::Due(args) => due::run(&session, args),
        Command::Calendar(args) => calendar::run(&session, args),
        Command::Report(args) => report::run(&session, args),
        Command::Kit(command) => kit::run(&session, command),
    }
}
