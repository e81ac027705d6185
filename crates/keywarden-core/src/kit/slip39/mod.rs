//! SLIP-39 (SatoshiLabs SLIP-0039): Shamir's secret sharing for mnemonic codes.
//!
//! [`split`] encrypts a master secret with a passphrase and splits it in two levels:
//! into groups, any `group_threshold` of which are needed, and each group into member
//! shares, any `member_threshold` of which rebuild the group. Each share is a mnemonic
//! of 20 words (16-byte secret) to 59 words (64 bytes). [`combine`] (or a [`Collector`],
//! for shares typed in one by one) brings the secret back; [`Share::parse`] reads one
//! share's parameters so that a caller can check that it belongs to a kit and show
//! progress.
//!
//! Both revisions of the format are read and written: original shares, whose encryption
//! is salted with the identifier, and extendable ones (the newer revision), whose is
//! not. The output is interoperable with the reference implementation
//! (python-shamir-mnemonic) and passes its 45 test vectors; see `docs/slip39.md`.
//!
//! A wrong passphrase is not an error: SLIP-39 cannot tell one, and [`combine`] then
//! returns a different secret of the same length. Callers must check the recovered
//! secret against something they know (a fingerprint, for example).
//!
//! Secrets, share values and mnemonics live in [`Zeroizing`] buffers, and no `Debug`,
//! `Display` or error shows them.

mod cipher;
mod collector;
mod error;
mod gf256;
mod rs1024;
mod shamir;
mod share;
mod wordlist;

use zeroize::Zeroizing;

pub use collector::{Collector, GroupProgress, Progress};
pub use error::{Parameter, Slip39Error};
pub use share::Share;
pub use wordlist::{WORD_COUNT, words};

use cipher::CipherParams;
use share::Header;

/// The shortest master secret, in bytes (128 bits, the spec's minimum).
pub const MIN_SECRET_LEN: usize = 16;

/// The longest master secret Keywarden splits or reads, in bytes (512 bits, the
/// longest BIP-32 seed). The spec sets no maximum.
pub const MAX_SECRET_LEN: usize = 64;

/// The most groups, and the most members in a group (4-bit fields).
pub const MAX_SHARES: usize = 16;

/// The largest iteration exponent (a 4-bit field). Each step doubles the work of
/// both splitting and combining: 0 is 10,000 PBKDF2-SHA256 iterations, 15 is 327
/// million.
pub const MAX_ITERATION_EXPONENT: u8 = 15;

/// Splits `master_secret` into SLIP-39 mnemonics, one list per group.
///
/// `groups` gives each group's (member threshold, member count); any `group_threshold`
/// groups, each with its member threshold of shares, recover the secret. The
/// passphrase (printable ASCII, possibly empty) encrypts the secret first, with
/// 10,000 x 2^`iteration_exponent` PBKDF2 iterations. `extendable` sets the extendable
/// backup flag (the newer revision; what the reference implementation now does by
/// default). The identifier and all share randomness come from the OS CSPRNG.
///
/// # Errors
/// [`Slip39Error::SecretLength`] unless the secret has an even number of bytes from
/// [`MIN_SECRET_LEN`] to [`MAX_SECRET_LEN`]; [`Slip39Error::Passphrase`];
/// [`Slip39Error::IterationExponent`] above 15; [`Slip39Error::GroupCount`] for no
/// group or more than 16; [`Slip39Error::GroupThreshold`] outside 1..=groups;
/// [`Slip39Error::MemberThreshold`] for a count outside 1..=16 or a threshold outside
/// 1..=count; [`Slip39Error::MemberThresholdOne`] for a 1-of-N group with N > 1, which
/// the spec forbids (make a 1-of-1 group and copy its share).
pub fn split(
    master_secret: &[u8],
    passphrase: &[u8],
    group_threshold: u8,
    groups: &[(u8, u8)],
    iteration_exponent: u8,
    extendable: bool,
) -> Result<Vec<Vec<Zeroizing<String>>>, Slip39Error> {
    check_secret_length(master_secret.len())?;
    check_passphrase(passphrase)?;
    check_split_params(group_threshold, groups, iteration_exponent)?;
    let identifier = random_identifier();
    let params = CipherParams {
        identifier,
        extendable,
        iteration_exponent,
    };
    let encrypted = cipher::encrypt(master_secret, passphrase, params);
    let group_count = groups.len() as u8; // at most 16, checked above
    let group_shares = shamir::split_secret(group_threshold, group_count, &encrypted);
    let mnemonics = groups
        .iter()
        .zip(group_shares)
        .map(|(&(member_threshold, member_count), group)| {
            shamir::split_secret(member_threshold, member_count, &group.value)
                .into_iter()
                .map(|member| {
                    let header = Header {
                        identifier,
                        extendable,
                        iteration_exponent,
                        group_index: group.x,
                        group_threshold,
                        group_count,
                        member_index: member.x,
                        member_threshold,
                    };
                    Share::new(header, member.value).to_mnemonic()
                })
                .collect()
        })
        .collect();
    Ok(mnemonics)
}

/// Recovers the master secret from mnemonics, as the spec's "combining the shares".
///
/// The mnemonics must be of one split, from exactly `group threshold` groups, with
/// exactly the member threshold of shares in each (the spec requires exact counts;
/// use a [`Collector`] to accept extra shares). The passphrase must be printable
/// ASCII. **A wrong passphrase is not detected**: it yields a different secret.
///
/// # Errors
/// Any error of [`Share::parse`] (each mnemonic), of [`Collector::add_share`]
/// (mismatched sets, repeats, taken indices), [`Slip39Error::NoShares`],
/// [`Slip39Error::NotEnoughGroups`], [`Slip39Error::NotEnoughMembers`],
/// [`Slip39Error::TooManyGroups`], [`Slip39Error::TooManyMembers`],
/// [`Slip39Error::Passphrase`] and [`Slip39Error::InvalidDigest`].
pub fn combine(mnemonics: &[&str], passphrase: &[u8]) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
    let mut collector = Collector::new();
    for mnemonic in mnemonics {
        collector.add(mnemonic)?;
    }
    check_exact_counts(&collector.progress())?;
    collector.combine(passphrase)
}

/// The spec's exact counts: `group threshold` groups, each with its member threshold.
fn check_exact_counts(progress: &Progress) -> Result<(), Slip39Error> {
    if progress.groups.is_empty() {
        return Err(Slip39Error::NoShares);
    }
    let have = u8::try_from(progress.groups.len()).unwrap_or(u8::MAX);
    if have > progress.group_threshold {
        return Err(Slip39Error::TooManyGroups {
            have,
            need: progress.group_threshold,
        });
    }
    if let Some(g) = progress.groups.iter().find(|g| g.have > g.need) {
        return Err(Slip39Error::TooManyMembers {
            group: g.group_index + 1,
            have: g.have,
            need: g.need,
        });
    }
    if progress.is_complete() {
        Ok(())
    } else {
        Err(collector::shortfall(progress))
    }
}

/// An even number of bytes from 16 to 64.
fn check_secret_length(len: usize) -> Result<(), Slip39Error> {
    if (MIN_SECRET_LEN..=MAX_SECRET_LEN).contains(&len) && len.is_multiple_of(2) {
        Ok(())
    } else {
        Err(Slip39Error::SecretLength { len })
    }
}

/// Printable ASCII only (32 to 126), as the spec requires.
fn check_passphrase(passphrase: &[u8]) -> Result<(), Slip39Error> {
    if passphrase.iter().all(|b| (32..=126).contains(b)) {
        Ok(())
    } else {
        Err(Slip39Error::Passphrase)
    }
}

/// The thresholds, counts and exponent of a split.
fn check_split_params(
    group_threshold: u8,
    groups: &[(u8, u8)],
    iteration_exponent: u8,
) -> Result<(), Slip39Error> {
    if iteration_exponent > MAX_ITERATION_EXPONENT {
        return Err(Slip39Error::IterationExponent(iteration_exponent));
    }
    if groups.is_empty() || groups.len() > MAX_SHARES {
        return Err(Slip39Error::GroupCount(groups.len()));
    }
    if group_threshold == 0 || usize::from(group_threshold) > groups.len() {
        return Err(Slip39Error::GroupThreshold {
            threshold: group_threshold,
            count: groups.len(),
        });
    }
    for (i, &(threshold, count)) in groups.iter().enumerate() {
        let group = i + 1;
        if count == 0 || usize::from(count) > MAX_SHARES || threshold == 0 || threshold > count {
            return Err(Slip39Error::MemberThreshold {
                group,
                threshold,
                count,
            });
        }
        if threshold == 1 && count > 1 {
            return Err(Slip39Error::MemberThresholdOne { group, count });
        }
    }
    Ok(())
}

/// A random 15-bit identifier.
fn random_identifier() -> u16 {
    u16::from_be_bytes(crate::random::array()) & 0x7FFF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_refuses_bad_parameters() {
        let secret = [0u8; 16];
        let split = |t, g: &[(u8, u8)], e| split(&secret, b"", t, g, e, true).unwrap_err();
        assert_eq!(split(1, &[], 0), Slip39Error::GroupCount(0));
        assert_eq!(split(1, &[(1, 1); 17], 0), Slip39Error::GroupCount(17));
        assert!(matches!(
            split(0, &[(1, 1)], 0),
            Slip39Error::GroupThreshold { .. }
        ));
        assert!(matches!(
            split(2, &[(1, 1)], 0),
            Slip39Error::GroupThreshold { .. }
        ));
        assert!(matches!(
            split(1, &[(3, 2)], 0),
            Slip39Error::MemberThreshold { .. }
        ));
        assert!(matches!(
            split(1, &[(0, 2)], 0),
            Slip39Error::MemberThreshold { .. }
        ));
        assert!(matches!(
            split(1, &[(2, 17)], 0),
            Slip39Error::MemberThreshold { .. }
        ));
        assert_eq!(
            split(1, &[(1, 3)], 0),
            Slip39Error::MemberThresholdOne { group: 1, count: 3 }
        );
        assert_eq!(split(1, &[(1, 1)], 16), Slip39Error::IterationExponent(16));
    }

    #[test]
    fn split_refuses_bad_secrets_and_passphrases() {
        for len in [0, 14, 15, 17, 66] {
            assert_eq!(
                split(&vec![1; len], b"", 1, &[(1, 1)], 0, false).unwrap_err(),
                Slip39Error::SecretLength { len }
            );
        }
        for bad in [&b"caf\xc3\xa9"[..], b"tab\t", b"\x7f"] {
            assert_eq!(
                split(&[1; 16], bad, 1, &[(1, 1)], 0, false).unwrap_err(),
                Slip39Error::Passphrase
            );
        }
    }

    #[test]
    fn identifiers_are_15_bits() {
        assert!((0..64).all(|_| random_identifier() < 0x8000));
    }
}
