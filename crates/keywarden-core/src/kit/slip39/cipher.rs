//! The encryption of the master secret with the passphrase: a four-round Feistel
//! network (Luby-Rackoff) whose round function is PBKDF2-HMAC-SHA256.
//!
//! `F(i, R) = PBKDF2(password = i || passphrase, salt = salt || R,
//! iterations = 2500 << e, length = n/2)`, where the salt is "shamir" || identifier
//! (two bytes, big-endian) for original shares and empty for extendable ones (so that
//! new shares of the same secret may have a new identifier). The network is a
//! permutation: every passphrase decrypts to *some* secret, and no passphrase is wrong.

use sha2::Sha256;
use zeroize::Zeroizing;

/// The rounds of the Feistel network.
const ROUNDS: u8 = 4;

/// PBKDF2 iterations in all four rounds together at iteration exponent 0.
const BASE_ITERATIONS: u32 = 10_000;

/// The parameters that, with the passphrase, key the permutation.
#[derive(Clone, Copy, Debug)]
pub(super) struct CipherParams {
    /// The 15-bit identifier of the share set.
    pub identifier: u16,
    /// The extendable backup flag: no identifier in the salt.
    pub extendable: bool,
    /// Each round runs `2500 << iteration_exponent` iterations.
    pub iteration_exponent: u8,
}

impl CipherParams {
    /// The salt prefix: "shamir" || identifier, or nothing for extendable shares.
    fn salt(&self) -> Vec<u8> {
        if self.extendable {
            Vec::new()
        } else {
            let mut salt = b"shamir".to_vec();
            salt.extend_from_slice(&self.identifier.to_be_bytes());
            salt
        }
    }

    /// PBKDF2 iterations in each round.
    fn iterations(&self) -> u32 {
        (BASE_ITERATIONS / u32::from(ROUNDS)) << self.iteration_exponent
    }
}

/// Encrypts the master secret (even length) to the encrypted master secret.
pub(super) fn encrypt(
    master_secret: &[u8],
    passphrase: &[u8],
    params: CipherParams,
) -> Zeroizing<Vec<u8>> {
    feistel(master_secret, passphrase, params, [0, 1, 2, 3])
}

/// Decrypts the encrypted master secret (even length) to the master secret.
pub(super) fn decrypt(
    encrypted: &[u8],
    passphrase: &[u8],
    params: CipherParams,
) -> Zeroizing<Vec<u8>> {
    feistel(encrypted, passphrase, params, [3, 2, 1, 0])
}

/// The network: `(L, R) = (R, L xor F(i, R))` for each round `i`, then `R || L`.
fn feistel(
    input: &[u8],
    passphrase: &[u8],
    params: CipherParams,
    rounds: [u8; ROUNDS as usize],
) -> Zeroizing<Vec<u8>> {
    let half = input.len() / 2;
    let mut left = Zeroizing::new(input[..half].to_vec());
    let mut right = Zeroizing::new(input[half..].to_vec());
    let salt = params.salt();
    for i in rounds {
        let f = round_function(i, passphrase, &salt, &right, params.iterations());
        for (l, f) in left.iter_mut().zip(f.iter()) {
            *l ^= f;
        }
        std::mem::swap(&mut left, &mut right);
    }
    let mut out = Zeroizing::new(Vec::with_capacity(input.len()));
    out.extend_from_slice(&right);
    out.extend_from_slice(&left);
    out
}

/// `F(i, R)`: PBKDF2-HMAC-SHA256 of `i || passphrase` over `salt || R`.
fn round_function(
    i: u8,
    passphrase: &[u8],
    salt: &[u8],
    right: &[u8],
    iterations: u32,
) -> Zeroizing<Vec<u8>> {
    let mut password = Zeroizing::new(Vec::with_capacity(1 + passphrase.len()));
    password.push(i);
    password.extend_from_slice(passphrase);
    let mut full_salt = Zeroizing::new(Vec::with_capacity(salt.len() + right.len()));
    full_salt.extend_from_slice(salt);
    full_salt.extend_from_slice(right);
    let mut out = Zeroizing::new(vec![0u8; right.len()]);
    pbkdf2::pbkdf2_hmac::<Sha256>(&password, &full_salt, iterations, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: CipherParams = CipherParams {
        identifier: 0x1234,
        extendable: false,
        iteration_exponent: 0,
    };

    #[test]
    fn decrypt_inverts_encrypt() {
        let secret: Vec<u8> = (0..32).collect();
        for extendable in [false, true] {
            let params = CipherParams {
                extendable,
                ..PARAMS
            };
            let encrypted = encrypt(&secret, b"TREZOR", params);
            assert_ne!(*encrypted, secret);
            assert_eq!(*decrypt(&encrypted, b"TREZOR", params), secret);
        }
    }

    #[test]
    fn every_parameter_keys_the_permutation() {
        let secret = [7u8; 16];
        let base = encrypt(&secret, b"", PARAMS);
        let variants = [
            encrypt(&secret, b"x", PARAMS),
            encrypt(
                &secret,
                b"",
                CipherParams {
                    identifier: 0x1235,
                    ..PARAMS
                },
            ),
            encrypt(
                &secret,
                b"",
                CipherParams {
                    extendable: true,
                    ..PARAMS
                },
            ),
            encrypt(
                &secret,
                b"",
                CipherParams {
                    iteration_exponent: 1,
                    ..PARAMS
                },
            ),
        ];
        for v in &variants {
            assert_ne!(*v, base);
        }
        // The identifier does not enter extendable shares' encryption.
        let ext = |identifier| {
            encrypt(
                &secret,
                b"",
                CipherParams {
                    identifier,
                    extendable: true,
                    iteration_exponent: 0,
                },
            )
        };
        assert_eq!(ext(1), ext(2));
    }

    #[test]
    fn the_iteration_count_is_2500_per_round_doubled_per_exponent() {
        assert_eq!(PARAMS.iterations(), 2500);
        let e3 = CipherParams {
            iteration_exponent: 3,
            ..PARAMS
        };
        assert_eq!(e3.iterations(), 20_000);
        assert_eq!(PARAMS.salt(), b"shamir\x12\x34");
    }
}
