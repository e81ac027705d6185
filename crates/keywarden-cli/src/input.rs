//! Input files that `key import`, `kit recover` and `kit verify` read, or standard input
//! for `-`: whole, within a size limit, in a buffer wiped when dropped.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::failure::{Code, Failure};
use crate::session::display;

/// The most one input is read: far more than any key file (an RSA-4096 PKCS#8 PEM is
/// about 3.3 KB) or kit (99 codes of 1000 characters), little enough to hold in memory.
const MAX_INPUT: usize = 1024 * 1024;

/// Whether `path` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How the input is named in messages.
pub fn name(path: &Path) -> String {
    if is_stdin(path) {
        "standard input".to_owned()
    } else {
        display(path)
    }
}

/// The whole input, in a buffer sized once (so no copy of a secret is left behind by a
/// growing buffer) and wiped when dropped. `what` names what it should be, for the
/// message about a file far too large ("a key file").
///
/// # Errors
/// [`Code::InvalidInput`]: it cannot be read, is larger than 1 MiB, or is empty (white
/// space only). The messages never quote the input.
pub fn read(path: &Path, what: &str) -> Result<Zeroizing<Vec<u8>>, Failure> {
    read_up_to(path, what, MAX_INPUT)
}

/// [`read`] with a limit of `max` bytes (a scanned sheet is larger than any text).
///
/// # Errors
/// As [`read`], with `max` for 1 MiB.
pub fn read_up_to(path: &Path, what: &str, max: usize) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let name = name(path);
    let invalid =
        |e: io::Error| Failure::new(Code::InvalidInput, format!("cannot read {name}: {e}"));
    let mut data = Zeroizing::new(Vec::with_capacity(max.min(MAX_INPUT) + 1));
    let limit = (max + 1) as u64;
    if is_stdin(path) {
        io::stdin().lock().take(limit).read_to_end(&mut data)
    } else {
        File::open(path).and_then(|f| f.take(limit).read_to_end(&mut data))
    }
    .map_err(invalid)?;
    if data.len() > max {
        return Err(Failure::new(
            Code::InvalidInput,
            format!("{name} is larger than {} MiB: not {what}", max >> 20),
        ));
    }
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure::new(Code::InvalidInput, format!("{name} is empty")));
    }
    Ok(data)
}
