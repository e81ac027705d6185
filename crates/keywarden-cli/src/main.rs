//! `keywarden`, the command-line tool over the Keywarden engine (see `docs/cli.md`).

mod args;
mod commands;
mod failure;
mod input;
mod key_format;
mod outfile;
mod output;
mod passphrase;
mod session;
mod terminal;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::args::Cli;
use crate::failure::Failure;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = commands::run(&cli).and_then(|report| {
        output::print(&report, cli.json)?;
        Ok(report.exit_code())
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            output::print_failure(&failure, cli.json);
            ExitCode::from(failure.code.exit_code())
        }
    }
}

/// Help, version, or a malformed command line. Usage errors exit with 2, as clap's own
/// do; with `--json` anywhere on the line they are reported as JSON too.
fn usage_error(e: &clap::Error) -> ExitCode {
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    let json = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json");
    if informational || !json {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let text = e.render().to_string();
    let first = text.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    let failure = Failure::usage(message);
    output::print_failure(&failure, true);
    ExitCode::from(failure.code.exit_code())
}
