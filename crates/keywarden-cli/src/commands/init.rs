//! `keywarden init`: creates a new, empty vault.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use keywarden_core::{
    CreateError, KdfError, KdfParams, KeyFile, KeyFileError, LockedVault, SystemClock,
};

use crate::args::InitArgs;
use crate::failure::{Code, Failure};
use crate::output::{self, KeyFileUse, Report};
use crate::session::{Session, display};

/// Creates the vault. Everything that can be checked without the passphrase is checked
/// before it is asked for, and nothing is written before every check has passed. A new
/// key file whose vault could not be created is removed again.
///
/// # Errors
/// The path exists; the key file options are unusable; the KDF parameters are out of
/// range; the passphrase is missing, weak or mistyped; the vault cannot be written.
pub fn run(session: &Session, args: &InitArgs) -> Result<Report, Failure> {
    let path = session.vault.as_path();
    if exists(path) {
        return Err(CreateError::Exists {
            path: path.to_owned(),
        }
        .into());
    }
    let existing_key_file = session.read_key_file()?;
    if let Some(new) = &args.new_keyfile
        && exists(new)
    {
        return Err(Failure::key_file_write(KeyFileError::Exists {
            path: new.clone(),
        }));
    }
    let plan = KdfPlan::from_args(args)?;
    let prompt = format!("New passphrase for {}", display(path));
    let passphrase = session.passphrase_source(&prompt).new_one()?;
    if !passphrase.is_strong_enough() {
        return Err(CreateError::WeakPassphrase.into());
    }
    let kdf = plan.resolve(KdfParams::calibrate)?;

    // The new key file is written last, once everything else has been checked.
    let (key_file, key_file_use) = match (&args.new_keyfile, existing_key_file, &session.keyfile) {
        (Some(new), _, _) => (
            Some(KeyFile::generate(new).map_err(Failure::key_file_write)?),
            KeyFileUse::New(new.clone()),
        ),
        (None, Some(k), Some(given)) => (Some(k), KeyFileUse::Existing(given.clone())),
        (None, _, _) => (None, KeyFileUse::None),
    };
    let created = LockedVault::create(
        path,
        &passphrase,
        key_file.as_ref(),
        kdf,
        args.insecure_test_kdf,
        Arc::new(SystemClock),
    );
    if let Err(e) = created {
        if let KeyFileUse::New(new) = &key_file_use {
            // The key file belongs to a vault that does not exist: it would only confuse.
            let _ = fs::remove_file(new);
        }
        return Err(e.into());
    }
    if kdf.is_insecure() {
        output::warn(
            "these KDF parameters are below the minimums for real keys: \
             use this vault for tests only",
        );
    }
    Ok(Report::Init {
        vault: path.to_owned(),
        kdf,
        key_file: key_file_use,
    })
}

/// A KDF range error in terms of the command-line options (memory in MiB).
fn option_error(error: KdfError, insecure: bool) -> Failure {
    let KdfError::OutOfRange {
        name,
        value,
        min,
        max,
    } = error
    else {
        return error.into();
    };
    let (option, value, min, max, unit) = match name {
        "memory (KiB)" => ("--kdf-memory", value / 1024, min / 1024, max / 1024, " MiB"),
        "iterations" => ("--kdf-iterations", value, min, max, ""),
        "lanes" => ("--kdf-lanes", value, min, max, ""),
        _ => return error.into(),
    };
    let mut message = format!("{option} must be between {min} and {max}{unit}, not {value}");
    if value < min && !insecure {
        message.push_str(" (lower values need --insecure-test-kdf, for test vaults only)");
    }
    Failure::new(Code::InvalidInput, message)
}

/// Whether anything (a file, a directory, a dangling link) is at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// The KDF parameters asked for on the command line, checked, before any calibration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KdfPlan {
    memory_kib: Option<u32>,
    iterations: Option<u32>,
    lanes: Option<u32>,
    insecure: bool,
}

impl KdfPlan {
    /// Reads and checks the `--kdf-*` options. Values given are checked now, so that a
    /// mistake is reported before the passphrase is asked for.
    fn from_args(args: &InitArgs) -> Result<Self, Failure> {
        let memory_kib = args
            .kdf_memory
            .map(|mib| {
                mib.checked_mul(1024).ok_or_else(|| {
                    Failure::new(
                        Code::InvalidInput,
                        format!(
                            "--kdf-memory must be at most {} MiB, not {mib}",
                            KdfParams::MAX_MEMORY_KIB / 1024
                        ),
                    )
                })
            })
            .transpose()?;
        let plan = KdfPlan {
            memory_kib,
            iterations: args.kdf_iterations,
            lanes: args.kdf_lanes,
            insecure: args.insecure_test_kdf,
        };
        // Fill the gaps with values that pass, so only what was given is judged.
        let filler = if plan.insecure {
            KdfParams::INSECURE_TEST
        } else {
            KdfParams {
                memory_kib: KdfParams::DEFAULT_MEMORY_KIB,
                iterations: KdfParams::MIN_ITERATIONS,
                lanes: 1,
            }
        };
        plan.fill(filler)
            .validate(plan.insecure)
            .map_err(|e| option_error(e, plan.insecure))?;
        Ok(plan)
    }

    fn fill(&self, base: KdfParams) -> KdfParams {
        KdfParams {
            memory_kib: self.memory_kib.unwrap_or(base.memory_kib),
            iterations: self.iterations.unwrap_or(base.iterations),
            lanes: self.lanes.unwrap_or(base.lanes),
        }
    }

    /// The final parameters. With `--insecure-test-kdf`, missing values come from
    /// [`KdfParams::INSECURE_TEST`]; otherwise missing lanes and passes come from
    /// `calibrate` (run with the memory asked for, default 256 MiB), and nothing is
    /// measured when all three values were given.
    fn resolve(
        &self,
        calibrate: impl FnOnce(u32, std::time::Duration) -> Result<KdfParams, KdfError>,
    ) -> Result<KdfParams, Failure> {
        let params = if self.insecure {
            self.fill(KdfParams::INSECURE_TEST)
        } else {
            let memory_kib = self.memory_kib.unwrap_or(KdfParams::DEFAULT_MEMORY_KIB);
            match (self.iterations, self.lanes) {
                (Some(iterations), Some(lanes)) => KdfParams {
                    memory_kib,
                    iterations,
                    lanes,
                },
                _ => {
                    let measured = calibrate(memory_kib, KdfParams::DEFAULT_TARGET)?;
                    self.fill(measured)
                }
            }
        };
        params.validate(self.insecure)?;
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(memory: Option<u32>, iterations: Option<u32>, lanes: Option<u32>) -> InitArgs {
        InitArgs {
            new_keyfile: None,
            kdf_memory: memory,
            kdf_iterations: iterations,
            kdf_lanes: lanes,
            insecure_test_kdf: false,
        }
    }

    fn measured(memory_kib: u32, _: std::time::Duration) -> Result<KdfParams, KdfError> {
        Ok(KdfParams {
            memory_kib,
            iterations: 7,
            lanes: 2,
        })
    }

    fn never(_: u32, _: std::time::Duration) -> Result<KdfParams, KdfError> {
        panic!("calibration must not run")
    }

    #[test]
    fn no_options_calibrate_at_the_default_memory() {
        let plan = KdfPlan::from_args(&args(None, None, None)).unwrap();
        let p = plan.resolve(measured).unwrap();
        assert_eq!(
            p,
            KdfParams {
                memory_kib: KdfParams::DEFAULT_MEMORY_KIB,
                iterations: 7,
                lanes: 2
            }
        );
    }

    #[test]
    fn given_values_win_and_missing_ones_are_measured() {
        let plan = KdfPlan::from_args(&args(Some(128), None, Some(4))).unwrap();
        let p = plan.resolve(measured).unwrap();
        assert_eq!(
            p,
            KdfParams {
                memory_kib: 128 * 1024,
                iterations: 7,
                lanes: 4
            }
        );
        let all = KdfPlan::from_args(&args(Some(64), Some(3), Some(1))).unwrap();
        assert_eq!(
            all.resolve(never).unwrap(),
            KdfParams {
                memory_kib: 64 * 1024,
                iterations: 3,
                lanes: 1
            }
        );
    }

    #[test]
    fn values_below_the_minimums_are_refused_early() {
        for a in [
            args(Some(8), None, None),
            args(None, Some(1), None),
            args(None, None, Some(17)),
            args(Some(u32::MAX), None, None),
        ] {
            let err = KdfPlan::from_args(&a).unwrap_err();
            assert_eq!(err.code, Code::InvalidInput, "{a:?}: {err:?}");
        }
    }

    #[test]
    fn insecure_defaults_to_the_test_parameters_without_measuring() {
        let mut a = args(None, None, None);
        a.insecure_test_kdf = true;
        let plan = KdfPlan::from_args(&a).unwrap();
        assert_eq!(plan.resolve(never).unwrap(), KdfParams::INSECURE_TEST);
        a.kdf_iterations = Some(2);
        let plan = KdfPlan::from_args(&a).unwrap();
        assert_eq!(
            plan.resolve(never).unwrap(),
            KdfParams {
                iterations: 2,
                ..KdfParams::INSECURE_TEST
            }
        );
    }
}
