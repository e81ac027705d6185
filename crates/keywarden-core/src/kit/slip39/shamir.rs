//! Shamir's secret sharing as SLIP-39 does it, byte by byte over GF(256).
//!
//! For a threshold T >= 2, the polynomial goes through T - 2 random shares, the digest
//! share at x = 254 (4 bytes of HMAC-SHA256(key = R, msg = S), then the n - 4 random
//! bytes R) and the secret at x = 255. The shares handed out are its values at
//! x = 0..N. Recovering interpolates at 255 and at 254 and checks the digest, so a
//! wrong or forged share is caught with probability 1 - 2^-32. A threshold of 1 copies
//! the secret into every share, without a digest.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::Slip39Error;
use super::gf256;
use crate::random;

/// The x coordinate of the digest share.
const DIGEST_INDEX: u8 = 254;

/// The x coordinate of the secret.
const SECRET_INDEX: u8 = 255;

/// The bytes of the digest at the start of the digest share.
const DIGEST_LENGTH: usize = 4;

/// One point of the polynomials: an index and one value byte per secret byte.
pub(super) struct RawShare {
    /// The x coordinate (a group or member index, or 254, 255).
    pub x: u8,
    /// The values of the n polynomials at x.
    pub value: Zeroizing<Vec<u8>>,
}

/// Splits `secret` into `count` shares (indices 0..count) of which any `threshold`
/// recover it. The caller has checked 1 <= threshold <= count <= 16 and that the
/// secret has at least 16 bytes.
pub(super) fn split_secret(threshold: u8, count: u8, secret: &[u8]) -> Vec<RawShare> {
    if threshold <= 1 {
        return (0..count)
            .map(|x| RawShare {
                x,
                value: Zeroizing::new(secret.to_vec()),
            })
            .collect();
    }
    let random_count = threshold - 2;
    let mut base: Vec<RawShare> = (0..random_count)
        .map(|x| RawShare {
            x,
            value: random_bytes(secret.len()),
        })
        .collect();
    let random_part = random_bytes(secret.len() - DIGEST_LENGTH);
    let mut digest_share = Zeroizing::new(digest(&random_part, secret).to_vec());
    digest_share.extend_from_slice(&random_part);
    base.push(RawShare {
        x: DIGEST_INDEX,
        value: digest_share,
    });
    base.push(RawShare {
        x: SECRET_INDEX,
        value: Zeroizing::new(secret.to_vec()),
    });
    let computed: Vec<RawShare> = (random_count..count)
        .map(|x| RawShare {
            x,
            value: interpolate(&base, x),
        })
        .collect();
    base.truncate(usize::from(random_count));
    base.extend(computed);
    base
}

/// Recovers the secret from exactly `threshold` shares with distinct indices and
/// values of one length (the caller has checked both), verifying its digest.
pub(super) fn recover_secret(
    threshold: u8,
    shares: &[RawShare],
) -> Result<Zeroizing<Vec<u8>>, Slip39Error> {
    if threshold <= 1 {
        return shares
            .first()
            .map(|s| s.value.clone())
            .ok_or(Slip39Error::NoShares);
    }
    let secret = interpolate(shares, SECRET_INDEX);
    let digest_share = interpolate(shares, DIGEST_INDEX);
    let (stored, random_part) = digest_share.split_at(DIGEST_LENGTH.min(digest_share.len()));
    if bool::from(digest(random_part, &secret).ct_eq(stored)) {
        Ok(secret)
    } else {
        Err(Slip39Error::InvalidDigest)
    }
}

/// The values at `x` of the polynomials through `shares` (Lagrange interpolation).
///
/// The basis values depend only on the indices, which are public, so they come from
/// the log/exp tables; the share bytes are multiplied by them in constant time.
/// Indices must be distinct and values of one length: a repeated index would make the
/// result meaningless (it never panics); a shorter value is taken as zero-padded.
fn interpolate(shares: &[RawShare], x: u8) -> Zeroizing<Vec<u8>> {
    debug_assert!(
        distinct_indices(shares),
        "interpolation needs distinct indices"
    );
    if let Some(share) = shares.iter().find(|s| s.x == x) {
        return share.value.clone();
    }
    let len = shares.iter().map(|s| s.value.len()).max().unwrap_or(0);
    let mut result = Zeroizing::new(vec![0u8; len]);
    for share in shares {
        let basis = basis_at(shares, share.x, x);
        for (out, &y) in result.iter_mut().zip(share.value.iter()) {
            *out ^= gf256::mul(y, basis);
        }
    }
    result
}

/// The Lagrange basis polynomial of the point at `xi` among `shares`, evaluated at
/// `x`: the product over the other points j of (x - xj) / (xi - xj). In GF(256),
/// subtraction is xor. `x` is none of the indices, so no factor is zero.
fn basis_at(shares: &[RawShare], xi: u8, x: u8) -> u8 {
    let mut log_basis: i64 = 0;
    for other in shares.iter().filter(|s| s.x != xi) {
        log_basis += gf256::log(x ^ other.x).unwrap_or(0);
        log_basis -= gf256::log(xi ^ other.x).unwrap_or(0);
    }
    gf256::exp(log_basis)
}

/// Whether no two shares have the same index.
fn distinct_indices(shares: &[RawShare]) -> bool {
    let mut seen = [false; 256];
    shares
        .iter()
        .all(|s| !std::mem::replace(&mut seen[usize::from(s.x)], true))
}

/// The first 4 bytes of HMAC-SHA256(key = random_part, msg = secret).
fn digest(random_part: &[u8], secret: &[u8]) -> [u8; DIGEST_LENGTH] {
    let mut out = [0u8; DIGEST_LENGTH];
    // HMAC takes keys of any length, so this always succeeds.
    if let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(random_part) {
        mac.update(secret);
        let tag = mac.finalize().into_bytes();
        out.copy_from_slice(&tag[..DIGEST_LENGTH]);
    }
    out
}

/// `len` bytes from the operating system's CSPRNG.
fn random_bytes(len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(vec![0u8; len]);
    random::fill(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares_of(all: &[RawShare], pick: &[usize]) -> Vec<RawShare> {
        pick.iter()
            .map(|&i| RawShare {
                x: all[i].x,
                value: all[i].value.clone(),
            })
            .collect()
    }

    #[test]
    fn any_threshold_subset_recovers_the_secret() {
        let secret: Vec<u8> = (100..132).collect();
        let shares = split_secret(3, 5, &secret);
        assert_eq!(
            shares.iter().map(|s| s.x).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        for pick in [[0, 1, 2], [0, 2, 4], [4, 3, 1], [1, 2, 3]] {
            let got = recover_secret(3, &shares_of(&shares, &pick)).unwrap();
            assert_eq!(*got, secret, "{pick:?}");
        }
    }

    #[test]
    fn threshold_two_puts_no_random_share_first() {
        let secret = [9u8; 16];
        let shares = split_secret(2, 16, &secret);
        assert_eq!(shares.len(), 16);
        let got = recover_secret(2, &shares_of(&shares, &[15, 0])).unwrap();
        assert_eq!(*got, secret);
    }

    #[test]
    fn threshold_one_copies_the_secret() {
        let secret = [5u8; 16];
        let shares = split_secret(1, 1, &secret);
        assert_eq!(*shares[0].value, secret);
        assert_eq!(*recover_secret(1, &shares).unwrap(), secret);
    }

    #[test]
    fn a_changed_share_fails_the_digest() {
        let secret = [1u8; 16];
        let mut shares = split_secret(2, 3, &secret);
        shares[1].value[0] ^= 1;
        assert_eq!(
            recover_secret(2, &shares_of(&shares, &[0, 1])).unwrap_err(),
            Slip39Error::InvalidDigest
        );
    }

    #[test]
    fn interpolation_goes_through_the_base_points() {
        // A line through (0, a) and (1, b): known values at 254 and 255 for one byte.
        let points = [
            RawShare {
                x: 1,
                value: Zeroizing::new(vec![0x57]),
            },
            RawShare {
                x: 2,
                value: Zeroizing::new(vec![0x83]),
            },
        ];
        assert_eq!(*interpolate(&points, 1), [0x57]);
        // f(x) = a + b x through (1, 0x57), (2, 0x83): b = (0x57 ^ 0x83) / (1 ^ 2).
        let b = gf256::exp(gf256::log(0x57 ^ 0x83).unwrap() - gf256::log(3).unwrap());
        let a = 0x57 ^ b;
        assert_eq!(*interpolate(&points, 0), [a]);
        assert_eq!(*interpolate(&points, 5), [a ^ gf256::mul(b, 5)]);
    }
}
