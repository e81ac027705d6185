//! Files the app writes for an export: made complete under a temporary name beside the
//! target, with their mode set, then put in place in one step, never over an existing
//! file unless the person agreed. A failed or refused export leaves nothing behind.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::error::{ErrorCode, IpcError};

/// Mode of a file holding a public key: anyone may read it.
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of a file holding secret material: its owner only.
pub const SECRET_MODE: u32 = 0o600;

/// Refuses a path where something already exists (a dangling link included), unless
/// `overwrite`. A directory is refused always. [`write`] checks again, atomically.
///
/// # Errors
/// `file_exists`, `invalid_input` (a directory).
pub fn check_free(path: &Path, overwrite: bool) -> Result<(), IpcError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(IpcError::invalid_input(format!(
            "{} is a folder; choose a file name.",
            path.display()
        ))),
        Ok(_) if !overwrite => Err(exists(path)),
        _ => Ok(()),
    }
}

fn exists(path: &Path) -> IpcError {
    IpcError::new(
        ErrorCode::FileExists,
        format!(
            "{} already exists. Nothing was written; confirm to replace it.",
            path.display()
        ),
    )
}

fn io_error(path: &Path, e: &io::Error) -> IpcError {
    IpcError::new(
        ErrorCode::Io,
        format!("{} cannot be written: {e}.", path.display()),
    )
}

/// Writes `bytes` to `path` with `mode` (on Unix): a temporary file in the same
/// directory, made durable, then linked without replacing anything, or renamed over an
/// existing file when `overwrite`.
///
/// # Errors
/// `file_exists` when a file is there and `overwrite` is false (also one that appeared
/// meanwhile), `invalid_input` for a directory, `io`.
pub fn write(path: &Path, bytes: &[u8], mode: u32, overwrite: bool) -> Result<(), IpcError> {
    check_free(path, overwrite)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .ok_or_else(|| IpcError::invalid_input("Choose a file inside a folder."))?;
    // tempfile makes the file with mode 0600 and O_EXCL; it is widened only for public
    // parts, before anything is written.
    let mut temp = tempfile::Builder::new()
        .prefix(".keywarden-export-")
        .tempfile_in(dir)
        .map_err(|e| io_error(path, &e))?;
    set_mode(temp.as_file(), mode).map_err(|e| io_error(path, &e))?;
    let file = temp.as_file_mut();
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(path, &e))?;
    let placed = if overwrite {
        temp.persist(path)
    } else {
        temp.persist_noclobber(path)
    };
    match placed {
        Ok(_) => {}
        Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => return Err(exists(path)),
        // The temporary file comes back inside the error and is removed with it.
        Err(e) => return Err(io_error(path, &e.error)),
    }
    if let Ok(d) = fs::File::open(dir) {
        // Make the new directory entry durable; not every platform allows it.
        let _ = d.sync_all();
    }
    Ok(())
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

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_file_is_written_with_its_mode_and_never_over_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        write(&path, b"first", SECRET_MODE, false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"first");
        #[cfg(unix)]
        assert_eq!(mode_of(&path), SECRET_MODE);
        let e = write(&path, b"second", SECRET_MODE, false).unwrap_err();
        assert_eq!(e.code, ErrorCode::FileExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        write(&path, b"third", PUBLIC_MODE, true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"third");
        #[cfg(unix)]
        assert_eq!(mode_of(&path), PUBLIC_MODE);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn folders_and_missing_folders_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let e = write(dir.path(), b"x", SECRET_MODE, true).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = write(
            &dir.path().join("missing/key.pem"),
            b"x",
            SECRET_MODE,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Io);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
