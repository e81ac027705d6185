//! Where a passphrase comes from: a file, an environment variable, or the terminal.
//!
//! Every passphrase is wrapped into [`Passphrase`] as soon as it is read, and the
//! buffers it passed through are wiped. No passphrase is ever printed.

use std::fs;
use std::path::Path;

use keywarden_core::Passphrase;
use zeroize::Zeroize;

use crate::failure::{Code, Failure};
use crate::terminal;

/// The environment variable that holds the vault's passphrase.
pub const ENV_PASSPHRASE: &str = "KEYWARDEN_PASSPHRASE";
/// The environment variable that holds the new passphrase for `passwd`.
pub const ENV_NEW_PASSPHRASE: &str = "KEYWARDEN_NEW_PASSPHRASE";

/// One passphrase to obtain, and where to look for it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// A file given on the command line, read first.
    pub file: Option<&'a Path>,
    /// The option that names such a file, for messages.
    pub file_option: &'static str,
    /// The environment variable tried next, if there is one (a kit passphrase has none).
    pub env: Option<&'static str>,
    /// What the terminal prompt asks for.
    pub prompt: &'a str,
}

impl Source<'_> {
    /// The passphrase of an existing vault, asked once on a terminal.
    ///
    /// # Errors
    /// See [`Source::obtain`].
    pub fn existing(&self) -> Result<Passphrase, Failure> {
        self.obtain(false)
    }

    /// A passphrase being chosen, asked twice on a terminal (the two must match).
    ///
    /// # Errors
    /// See [`Source::obtain`]; also [`Code::PassphraseMismatch`].
    pub fn new_one(&self) -> Result<Passphrase, Failure> {
        self.obtain(true)
    }

    /// Reads the file if one was given, else the environment variable (if any) if it is
    /// set and not empty, else asks on the terminal (twice when `confirm`).
    ///
    /// # Errors
    /// [`Code::InvalidInput`] when the file cannot be read or is not UTF-8 text,
    /// [`Code::Usage`] when there is nothing to read and no terminal to ask on,
    /// [`Code::Io`] when the terminal fails, [`Code::PassphraseMismatch`].
    fn obtain(&self, confirm: bool) -> Result<Passphrase, Failure> {
        if let Some(path) = self.file {
            return from_file(path, self.file_option);
        }
        if let Some(env) = self.env {
            match std::env::var(env) {
                Ok(value) if !value.is_empty() => return Ok(Passphrase::new(value)),
                Ok(_) | Err(std::env::VarError::NotPresent) => {}
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Failure::new(
                        Code::InvalidInput,
                        format!("{env} is not valid UTF-8"),
                    ));
                }
            }
        }
        if !terminal::is_interactive() {
            let or_env = self.env.map(|e| format!(" or set {e}")).unwrap_or_default();
            return Err(Failure::usage(format!(
                "a passphrase is needed and standard input is not a terminal: \
                 give {} FILE{or_env}",
                self.file_option
            )));
        }
        let ask = |prompt: &str| {
            terminal::ask_secret(prompt)
                .map(|mut text| Passphrase::new(std::mem::take(&mut *text)))
                .map_err(|e| Failure::io("cannot read the passphrase from the terminal", &e))
        };
        let first = ask(&format!("{}: ", self.prompt))?;
        if confirm {
            let second = ask(&format!("{} (again): ", self.prompt))?;
            if first.expose_bytes() != second.expose_bytes() {
                return Err(Failure::new(
                    Code::PassphraseMismatch,
                    "the two passphrases differ; nothing was changed",
                ));
            }
        }
        Ok(first)
    }
}

/// The first line of a file, without its line ending.
fn from_file(path: &Path, option: &str) -> Result<Passphrase, Failure> {
    let mut bytes = fs::read(path).map_err(|e| {
        Failure::new(
            Code::InvalidInput,
            format!("{option}: cannot read {}: {e}", path.display()),
        )
    })?;
    let line = first_line(&bytes).map(str::to_owned);
    bytes.zeroize();
    line.map(Passphrase::new).ok_or_else(|| {
        Failure::new(
            Code::InvalidInput,
            format!("{option}: {} is not UTF-8 text", path.display()),
        )
    })
}

/// The text before the first line break (`\n` or `\r\n`), or all of it.
fn first_line(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let line = text.split('\n').next().unwrap_or_default();
    Some(line.strip_suffix('\r').unwrap_or(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_first_line_counts() {
        assert_eq!(first_line(b"correct horse\nsecond"), Some("correct horse"));
        assert_eq!(first_line(b"windows line\r\n"), Some("windows line"));
        assert_eq!(first_line(b"no newline"), Some("no newline"));
        assert_eq!(first_line(b"  spaces kept  \n"), Some("  spaces kept  "));
        assert_eq!(first_line(b""), Some(""));
        assert_eq!(first_line(b"\xff\xfe"), None);
    }

    #[test]
    fn a_file_wins_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pass");
        fs::write(&file, "from the file here\n").unwrap();
        let source = Source {
            file: Some(&file),
            file_option: "--passphrase-file",
            // A variable no test sets: the file must be read without looking at it.
            env: Some("KEYWARDEN_TEST_UNSET_VARIABLE"),
            prompt: "Passphrase",
        };
        let p = source.existing().unwrap();
        assert_eq!(p.expose_bytes(), b"from the file here");
    }

    #[test]
    fn a_missing_file_is_invalid_input() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source {
            file: Some(&dir.path().join("missing")),
            file_option: "--passphrase-file",
            env: Some("KEYWARDEN_TEST_UNSET_VARIABLE"),
            prompt: "Passphrase",
        };
        let err = source.existing().unwrap_err();
        assert_eq!(err.code, Code::InvalidInput);
        assert!(err.message.starts_with("--passphrase-file: cannot read"));
    }
}
