//! Files that `key export`, `key export-public`, `calendar`, `report` and `kit create`
//! write: made complete under a temporary name beside the target, with their mode set,
//! then put in place in one step, never over an existing file unless asked. A failed or
//! refused export leaves nothing.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::failure::{Code, Failure};
use crate::session::display;

/// Mode of a file holding a public key: anyone may read it.
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of a file holding secret material: its owner only.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of a file that names keys and people (a calendar, a report): its owner only.
pub const PRIVATE_MODE: u32 = 0o600;
/// Mode of a directory `kit create` makes for a kit's files: its owner only.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Where exported material goes: `--out FILE`, or standard output (`--out -`, or no
/// `--out` for a public part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Standard output.
    Stdout,
    /// A file.
    File(PathBuf),
}

impl Target {
    /// `-` is standard output; anything else a file.
    pub fn from_arg(out: Option<&Path>) -> Target {
        match out {
            None => Target::Stdout,
            Some(path) if path.as_os_str() == "-" => Target::Stdout,
            Some(path) => Target::File(path.to_owned()),
        }
    }
}

/// Refuses a path where something already exists (a dangling link included), unless
/// `force`. Checked before the passphrase is asked; [`PendingFile::commit`] checks again,
/// atomically.
///
/// # Errors
/// [`Code::FileExists`].
pub fn check_free(path: &Path, force: bool) -> Result<(), Failure> {
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    Ok(())
}

fn exists(path: &Path) -> Failure {
    Failure::new(
        Code::FileExists,
        format!(
            "{} already exists; nothing was written (give --force to replace it)",
            display(path)
        ),
    )
}

/// A file being written: a temporary file in the target's directory, with the final
/// mode already set, removed again if it is dropped before [`PendingFile::commit`].
#[derive(Debug)]
pub struct PendingFile {
    temp: NamedTempFile,
    path: PathBuf,
    force: bool,
}

impl PendingFile {
    /// Creates the temporary file for `path` with `mode` (on Unix; the umask does not
    /// narrow or widen it). Done before the secret is read, so that an unwritable
    /// directory is reported before anything is taken out of the vault.
    ///
    /// # Errors
    /// [`Code::Io`] when the directory does not exist or cannot be written.
    pub fn create(path: &Path, mode: u32, force: bool) -> Result<PendingFile, Failure> {
        let what = format!("cannot write {}", display(path));
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // tempfile makes the file with mode 0600 and O_EXCL; it is only widened below,
        // for public parts.
        let temp = tempfile::Builder::new()
            .prefix(".keywarden-export-")
            .tempfile_in(dir)
            .map_err(|e| Failure::new(Code::Io, format!("{what}: {}", without_path(&e))))?;
        set_mode(temp.as_file(), mode).map_err(|e| Failure::io(&what, &e))?;
        Ok(PendingFile {
            temp,
            path: path.to_owned(),
            force,
        })
    }

    /// Writes `bytes`, makes them durable, and puts the file in place: linked without
    /// replacing anything, or renamed over an existing file with `--force`.
    ///
    /// # Errors
    /// [`Code::FileExists`] when a file appeared at the path meanwhile (without
    /// `--force`); [`Code::Io`].
    pub fn commit(mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.write(bytes)?;
        self.place()
    }

    /// Writes `bytes` and makes them durable, still under the temporary name: for a set
    /// of files that are all written before any is put in place.
    ///
    /// # Errors
    /// [`Code::Io`].
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        let file = self.temp.as_file_mut();
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Failure::io(&format!("cannot write {}", display(&self.path)), &e))
    }

    /// Puts the file [`PendingFile::write`] wrote in place, as [`PendingFile::commit`]
    /// does.
    ///
    /// # Errors
    /// As [`PendingFile::commit`].
    pub fn place(self) -> Result<(), Failure> {
        let what = format!("cannot write {}", display(&self.path));
        let placed = if self.force {
            self.temp.persist(&self.path)
        } else {
            self.temp.persist_noclobber(&self.path)
        };
        match placed {
            Ok(_) => {}
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => {
                return Err(exists(&self.path));
            }
            // The temporary file comes back inside the error and is removed with it.
            Err(e) => return Err(Failure::io(&what, &e.error)),
        }
        if let Some(dir) = self.path.parent()
            && let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            })
        {
            // Make the new directory entry durable; not every platform allows it.
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// What `kit create --out DIR` can check before the passphrase is asked: `DIR` is
/// missing (it will be made), or a directory that holds nothing yet; with `force`, any
/// directory.
///
/// # Errors
/// [`Code::FileExists`] for a path that is not a directory, or a directory that holds
/// files, without `force`; [`Code::Io`] when it cannot be read.
pub fn check_dir(path: &Path, force: bool) -> Result<(), Failure> {
    let what = || format!("cannot read {}", display(path));
    let metadata = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Failure::io(&what(), &e)),
    };
    if !metadata.is_dir() {
        return Err(Failure::new(
            Code::FileExists,
            format!(
                "{} exists and is not a directory; nothing was written",
                display(path)
            ),
        ));
    }
    let empty = fs::read_dir(path)
        .map_err(|e| Failure::io(&what(), &e))?
        .next()
        .is_none();
    if !force && !empty {
        return Err(Failure::new(
            Code::FileExists,
            format!(
                "{} already holds files; nothing was written (give --force to write beside \
                 them, or name a new directory)",
                display(path)
            ),
        ));
    }
    Ok(())
}

/// Makes the directory `path`, and its missing parents, readable by its owner only
/// (mode 0700); says whether it made `path` (`false`: it was there).
///
/// # Errors
/// [`Code::Io`].
pub fn make_private_dir(path: &Path) -> Result<bool, Failure> {
    if path.is_dir() {
        return Ok(false);
    }
    let what = format!("cannot make the directory {}", display(path));
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(PRIVATE_DIR_MODE);
        builder.create(path).map_err(|e| Failure::io(&what, &e))?;
        // The umask may have narrowed it further, never widened it; make it exact.
        fs::set_permissions(path, fs::Permissions::from_mode(PRIVATE_DIR_MODE))
            .map_err(|e| Failure::io(&what, &e))?;
    }
    #[cfg(not(unix))]
    builder.create(path).map_err(|e| Failure::io(&what, &e))?;
    Ok(true)
}

/// The operating system's error alone: tempfile adds ` at path "…"` with the random name
/// of a temporary file that was never made, which tells the person nothing.
fn without_path(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at path \"") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

#[cfg(unix)]
fn set_mode(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &fs::File, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_with_its_mode_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        PendingFile::create(&path, SECRET_MODE, false)
            .unwrap()
            .commit(b"first")
            .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, SECRET_MODE);
        }
        assert_eq!(check_free(&path, false).unwrap_err().code, Code::FileExists);
        assert!(check_free(&path, true).is_ok());
        // A file that appears between the check and the commit is not replaced.
        let err = PendingFile::create(&path, SECRET_MODE, false)
            .unwrap()
            .commit(b"second")
            .unwrap_err();
        assert_eq!(err.code, Code::FileExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        PendingFile::create(&path, PUBLIC_MODE, true)
            .unwrap()
            .commit(b"third")
            .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"third");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, PUBLIC_MODE);
        }
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        drop(PendingFile::create(&path, SECRET_MODE, false).unwrap());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        let err = PendingFile::create(&dir.path().join("missing/key.pem"), SECRET_MODE, false)
            .unwrap_err();
        assert_eq!(err.code, Code::Io);
        // The message names the file asked for, not the temporary one.
        assert!(
            !err.message.contains(".keywarden-export-"),
            "{}",
            err.message
        );
        assert!(
            err.message
                .ends_with("missing/key.pem: No such file or directory (os error 2)")
        );
    }

    #[test]
    fn a_kit_directory_is_made_private_and_must_hold_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let kits = dir.path().join("new/kits");
        assert!(
            check_dir(&kits, false).is_ok(),
            "a missing directory will be made"
        );
        assert!(make_private_dir(&kits).unwrap());
        assert!(!make_private_dir(&kits).unwrap(), "it is there now");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&kits).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, PRIVATE_DIR_MODE);
        }
        assert!(check_dir(&kits, false).is_ok(), "empty");
        fs::write(kits.join("notes.txt"), "mine").unwrap();
        assert_eq!(check_dir(&kits, false).unwrap_err().code, Code::FileExists);
        assert!(check_dir(&kits, true).is_ok());
        let file = kits.join("notes.txt");
        assert_eq!(check_dir(&file, true).unwrap_err().code, Code::FileExists);
    }

    #[test]
    fn a_dash_is_standard_output() {
        assert_eq!(Target::from_arg(None), Target::Stdout);
        assert_eq!(Target::from_arg(Some(Path::new("-"))), Target::Stdout);
        assert_eq!(
            Target::from_arg(Some(Path::new("k.pem"))),
            Target::File(PathBuf::from("k.pem"))
        );
    }
}
