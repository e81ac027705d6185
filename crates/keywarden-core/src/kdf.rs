//! Argon2id: from a passphrase (and an optional key file) to a key-encryption key.
//!
//! Parameters are chosen per vault by [`KdfParams::calibrate`] and stored in each
//! keyslot, so a vault made on a fast machine still opens on a slow one.

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::KdfError;
use crate::secret::{KeyFile, Passphrase, SymmetricKey};

/// The name stored in a keyslot's `kdf` column for Argon2id version 0x13.
pub const KDF_ARGON2ID: &str = "argon2id-v19";

/// Salt length in bytes.
pub const SALT_LEN: usize = 32;

/// Argon2id cost parameters of one keyslot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes over the memory.
    pub iterations: u32,
    /// Degree of parallelism; the lanes are computed on separate threads.
    pub lanes: u32,
}

impl KdfParams {
    /// Smallest memory accepted for a new vault without `insecure` (64 MiB).
    pub const MIN_MEMORY_KIB: u32 = 64 * 1024;
    /// Fewest passes accepted for a new vault without `insecure`.
    pub const MIN_ITERATIONS: u32 = 3;
    /// Largest memory ever accepted, on creation or when reading a file (4 GiB).
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    /// Most passes ever accepted.
    pub const MAX_ITERATIONS: u32 = 100;
    /// Most lanes ever accepted.
    pub const MAX_LANES: u32 = 16;
    /// Memory chosen by [`KdfParams::calibrate`] (256 MiB).
    pub const DEFAULT_MEMORY_KIB: u32 = 256 * 1024;
    /// Time [`KdfParams::calibrate`] aims for.
    pub const DEFAULT_TARGET: Duration = Duration::from_secs(1);

    /// Deliberately weak parameters for tests and benchmarks only (1 MiB, one pass).
    pub const INSECURE_TEST: KdfParams = KdfParams {
        memory_kib: 1024,
        iterations: 1,
        lanes: 1,
    };

    /// Checks the parameters against the absolute limits every keyslot must meet, and,
    /// unless `insecure` is set, against the minimums for a new vault.
    ///
    /// # Errors
    /// [`KdfError::OutOfRange`] naming the parameter and its allowed range.
    pub fn validate(&self, insecure: bool) -> Result<(), KdfError> {
        let (min_mem, min_iter) = if insecure {
            (self.lanes.max(1).saturating_mul(8), 1)
        } else {
            (Self::MIN_MEMORY_KIB, Self::MIN_ITERATIONS)
        };
        check("lanes", self.lanes, 1, Self::MAX_LANES)?;
        check(
            "memory (KiB)",
            self.memory_kib,
            min_mem,
            Self::MAX_MEMORY_KIB,
        )?;
        check(
            "iterations",
            self.iterations,
            min_iter,
            Self::MAX_ITERATIONS,
        )?;
        Ok(())
    }

    /// Whether these parameters are below the minimums for a new vault.
    pub fn is_insecure(&self) -> bool {
        self.validate(false).is_err()
    }

    /// Measures this machine and returns parameters with `memory_kib` memory, one lane per
    /// core (at most [`KdfParams::MAX_LANES`]) and as many passes as fit in `target`
    /// (never fewer than [`KdfParams::MIN_ITERATIONS`]).
    ///
    /// # Errors
    /// [`KdfError`] when `memory_kib` is out of range or Argon2 fails.
    pub fn calibrate(memory_kib: u32, target: Duration) -> Result<Self, KdfError> {
        let lanes = std::thread::available_parallelism()
            .map_or(1, |n| u32::try_from(n.get()).unwrap_or(1))
            .clamp(1, Self::MAX_LANES);
        let probe = KdfParams {
            memory_kib,
            iterations: 1,
            lanes,
        };
        probe.validate(true)?;
        let salt = [0u8; SALT_LEN];
        let mut out = SymmetricKey::zeroed();
        let started = Instant::now();
        probe
            .argon2(None)?
            .hash_password_into(b"calibration", &salt, out.expose_mut())?;
        let one_pass = started.elapsed().max(Duration::from_millis(1));
        let passes = (target.as_secs_f64() / one_pass.as_secs_f64()).floor();
        // The float is finite and positive; the clamp keeps it within u32 range.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let iterations = (passes as u32).clamp(Self::MIN_ITERATIONS, Self::MAX_ITERATIONS);
        Ok(KdfParams {
            iterations,
            ..probe
        })
    }

    fn argon2<'k>(&self, secret: Option<&'k KeyFile>) -> Result<Argon2<'k>, KdfError> {
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, Some(32))?;
        Ok(match secret {
            Some(k) => Argon2::new_with_secret(
                k.expose_digest(),
                Algorithm::Argon2id,
                Version::V0x13,
                params,
            )?,
            None => Argon2::new(Algorithm::Argon2id, Version::V0x13, params),
        })
    }

    /// Derives the 256-bit key-encryption key of a keyslot.
    ///
    /// # Errors
    /// [`KdfError`] when the parameters are outside the absolute limits or Argon2 fails.
    pub(crate) fn derive(
        &self,
        passphrase: &Passphrase,
        key_file: Option<&KeyFile>,
        salt: &[u8],
    ) -> Result<SymmetricKey, KdfError> {
        self.validate(true)?;
        let mut kek = SymmetricKey::zeroed();
        self.argon2(key_file)?.hash_password_into(
            passphrase.expose_bytes(),
            salt,
            kek.expose_mut(),
        )?;
        Ok(kek)
    }
}

fn check(name: &'static str, value: u32, min: u32, max: u32) -> Result<(), KdfError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(KdfError::OutOfRange {
            name,
            value,
            min,
            max,
        })
    }
}

impl From<argon2::Error> for KdfError {
    fn from(e: argon2::Error) -> Self {
        KdfError::Argon2(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimums_apply_only_without_insecure() {
        assert!(KdfParams::INSECURE_TEST.validate(true).is_ok());
        assert!(matches!(
            KdfParams::INSECURE_TEST.validate(false),
            Err(KdfError::OutOfRange {
                name: "memory (KiB)",
                ..
            })
        ));
        let ok = KdfParams {
            memory_kib: KdfParams::MIN_MEMORY_KIB,
            iterations: KdfParams::MIN_ITERATIONS,
            lanes: 4,
        };
        assert!(ok.validate(false).is_ok());
        let too_many_lanes = KdfParams { lanes: 17, ..ok };
        assert!(too_many_lanes.validate(true).is_err());
        let huge = KdfParams {
            memory_kib: KdfParams::MAX_MEMORY_KIB + 1,
            ..ok
        };
        assert!(huge.validate(true).is_err());
    }

    #[test]
    fn derive_depends_on_every_input() {
        let dir = tempfile::tempdir().unwrap();
        let kf = KeyFile::generate(&dir.path().join("k")).unwrap();
        let p = KdfParams::INSECURE_TEST;
        let pass = Passphrase::new("correct horse battery".to_owned());
        let other = Passphrase::new("correct horse battery!".to_owned());
        let salt = [7u8; SALT_LEN];
        let base = *p.derive(&pass, None, &salt).unwrap().expose();
        assert_eq!(base, *p.derive(&pass, None, &salt).unwrap().expose());
        assert_ne!(base, *p.derive(&other, None, &salt).unwrap().expose());
        assert_ne!(base, *p.derive(&pass, Some(&kf), &salt).unwrap().expose());
        assert_ne!(
            base,
            *p.derive(&pass, None, &[8u8; SALT_LEN]).unwrap().expose()
        );
        let more = KdfParams { iterations: 2, ..p };
        assert_ne!(base, *more.derive(&pass, None, &salt).unwrap().expose());
    }

    #[test]
    fn calibrate_respects_minimum_passes() {
        let p = KdfParams::calibrate(1024, Duration::from_millis(1)).unwrap();
        assert_eq!(p.iterations, KdfParams::MIN_ITERATIONS);
        assert_eq!(p.memory_kib, 1024);
        assert!(p.lanes >= 1);
    }
}
