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
    /// Probes of one pass and of two (each run twice, the shorter kept) tell the cost of
    /// a pass from the fixed cost of a run (allocating and first touching the memory,
    /// which at 256 MiB is about as long as a pass): see [`passes_within`]. The probes
    /// take about a second at the default memory (six passes, four fillings).
    ///
    /// # Errors
    /// [`KdfError`] when `memory_kib` is out of range or Argon2 fails.
    pub fn calibrate(memory_kib: u32, target: Duration) -> Result<Self, KdfError> {
        let lanes = std::thread::available_parallelism()
            .map_or(1, |n| u32::try_from(n.get()).unwrap_or(1))
            .clamp(1, Self::MAX_LANES);
        let probe = |iterations| -> Result<Duration, KdfError> {
            let params = KdfParams {
                memory_kib,
                iterations,
                lanes,
            };
            params.validate(true)?;
            let mut out = SymmetricKey::zeroed();
            let started = Instant::now();
            params.argon2(None)?.hash_password_into(
                b"calibration",
                &[0u8; SALT_LEN],
                out.expose_mut(),
            )?;
            Ok(started.elapsed())
        };
        // The shorter of two runs each: a noisy neighbour only ever makes a run longer.
        let (one, two) = (probe(1)?, probe(2)?);
        let (one, two) = (one.min(probe(1)?), two.min(probe(2)?));
        Ok(KdfParams {
            memory_kib,
            iterations: passes_within(target, one, two),
            lanes,
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

/// How many passes fit in `target`, from the time of a one-pass run and of a two-pass
/// run: a run costs a fixed part plus one part per pass, and the difference of the two
/// probes is the part per pass, taken as at least half of the one-pass run. When noise
/// makes the second probe no slower, the whole one-pass run counts as a pass, as if
/// nothing were fixed: fewer passes, never more. Clamped to
/// [`KdfParams::MIN_ITERATIONS`]`..=`[`KdfParams::MAX_ITERATIONS`].
fn passes_within(target: Duration, one: Duration, two: Duration) -> u32 {
    let per_pass = if two > one {
        (two - one).clamp(one / 2, one)
    } else {
        one
    }
    .max(Duration::from_micros(1));
    let fixed = one.saturating_sub(per_pass);
    let passes = target.saturating_sub(fixed).as_nanos() / per_pass.as_nanos();
    u32::try_from(passes)
        .unwrap_or(u32::MAX)
        .clamp(KdfParams::MIN_ITERATIONS, KdfParams::MAX_ITERATIONS)
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
    fn the_fixed_cost_of_a_run_is_not_counted_as_passes() {
        let ms = Duration::from_millis;
        // At 256 MiB: 150 ms to allocate and touch the memory, 130 ms a pass. One probe
        // alone (280 ms) would give 3 passes, 540 ms: half the target.
        assert_eq!(passes_within(ms(1000), ms(280), ms(410)), 6);
        // No fixed cost: passes of 100 ms.
        assert_eq!(passes_within(ms(1000), ms(100), ms(200)), 10);
        // Noise makes the second probe no slower: nothing is taken as fixed.
        assert_eq!(passes_within(ms(1000), ms(100), ms(90)), 10);
        // A pass is never taken as less than half the one-pass run.
        assert_eq!(passes_within(ms(1000), ms(100), ms(110)), 19);
        // A slow machine or a tiny target: never below the minimum.
        assert_eq!(
            passes_within(ms(1000), ms(900), ms(1800)),
            KdfParams::MIN_ITERATIONS
        );
        assert_eq!(
            passes_within(ms(1), ms(100), ms(200)),
            KdfParams::MIN_ITERATIONS
        );
        // A huge target or instant probes: never above the maximum.
        assert_eq!(
            passes_within(ms(100_000), ms(10), ms(20)),
            KdfParams::MAX_ITERATIONS
        );
        assert_eq!(
            passes_within(ms(1000), Duration::ZERO, Duration::ZERO),
            KdfParams::MAX_ITERATIONS
        );
    }

    #[test]
    fn calibrate_respects_minimum_passes() {
        let p = KdfParams::calibrate(1024, Duration::from_millis(1)).unwrap();
        assert_eq!(p.iterations, KdfParams::MIN_ITERATIONS);
        assert_eq!(p.memory_kib, 1024);
        assert!(p.lanes >= 1);
    }
}
