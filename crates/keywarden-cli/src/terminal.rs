//! The terminal: whether a person is there to answer, and how to ask them.

use std::io::{self, BufRead, IsTerminal, Write};

use zeroize::Zeroizing;

/// Whether standard input is a terminal, so that a person can answer a prompt.
///
/// Passphrases are read from the terminal itself (`/dev/tty`), but only when standard
/// input is one too: a command run from a script or a test never blocks on a prompt.
pub fn is_interactive() -> bool {
    io::stdin().is_terminal()
}

/// Asks for a secret on the terminal without echo. The answer is wiped when dropped.
///
/// # Errors
/// When the terminal cannot be read.
pub fn ask_secret(prompt: &str) -> io::Result<Zeroizing<String>> {
    rpassword::prompt_password(prompt).map(Zeroizing::new)
}

/// Asks a question on standard error and reads one line from standard input, without
/// its line ending.
///
/// # Errors
/// When standard error cannot be written or standard input cannot be read.
pub fn ask_line(prompt: &str) -> io::Result<String> {
    let mut err = io::stderr().lock();
    err.write_all(prompt.as_bytes())?;
    err.flush()?;
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    while line.ends_with(['\n', '\r']) {
        line.pop();
    }
    Ok(line)
}

/// Whether standard output is a terminal, where printed secrets could be seen.
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}
