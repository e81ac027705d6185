//! The stored encoding: round trips, and strict refusal of anything else.

use keywarden_core::Algorithm;
use keywarden_core::algorithm::Family;
use keywarden_core::material::{Encoding, MaterialError, SecretKey};
use proptest::prelude::*;

use crate::common::quick_algorithms;

fn refused(algorithm: Algorithm, blob: &[u8]) -> bool {
    matches!(
        SecretKey::from_stored(algorithm, blob),
        Err(MaterialError::BadStoredEncoding { .. })
    )
}

#[test]
fn stored_blobs_start_with_the_algorithms_tag() {
    for algorithm in quick_algorithms() {
        let key = SecretKey::generate(algorithm).unwrap();
        let stored = key.to_stored();
        let expected = Encoding::for_algorithm(algorithm);
        assert_eq!(stored[0], expected.tag(), "{algorithm}");
        match expected {
            Encoding::Raw => {
                assert_eq!(Some(stored.len() - 1), algorithm.symmetric_key_len());
            }
            Encoding::X25519Scalar => assert_eq!(stored.len(), 33),
            Encoding::Pkcs8 => assert_eq!(stored[1], 0x30, "a DER SEQUENCE"),
            Encoding::Text => assert!(std::str::from_utf8(&stored[1..]).is_ok()),
            Encoding::Spki => unreachable!("no secret is stored as a public key"),
        }
    }
}

#[test]
fn symmetric_keys_are_stored_as_the_vault_already_writes_them() {
    // 0x01 || raw key: what vault.rs wrote before this module existed.
    let mut blob = vec![0x01];
    blob.extend_from_slice(&[0x42; 32]);
    let key = SecretKey::from_stored(Algorithm::Aes256, &blob).unwrap();
    assert_eq!(key.to_stored(), blob);
    assert_eq!(
        &key.export(keywarden_core::Format::RawHex, "").unwrap()[..],
        "42".repeat(32).as_bytes()
    );
}

#[test]
fn wrong_tags_lengths_and_truncations_are_refused() {
    for algorithm in quick_algorithms() {
        let key = SecretKey::generate(algorithm).unwrap();
        let good = key.to_stored().to_vec();
        assert!(refused(algorithm, &[]), "{algorithm}: empty");
        assert!(refused(algorithm, &good[..1]), "{algorithm}: tag only");
        for tag in 0..=255u8 {
            if tag == good[0] {
                continue;
            }
            let mut bad = good.clone();
            bad[0] = tag;
            assert!(refused(algorithm, &bad), "{algorithm}: tag {tag:#04x}");
        }
        if algorithm.family() != Family::Secret {
            let mut longer = good.clone();
            longer.push(0);
            assert!(refused(algorithm, &longer), "{algorithm}: one byte more");
            assert!(
                refused(algorithm, &good[..good.len() - 1]),
                "{algorithm}: one byte less"
            );
        } else {
            let mut control = good.clone();
            control.push(b'\n');
            assert!(refused(algorithm, &control), "{algorithm}: a line break");
            let mut invalid = good.clone();
            invalid.push(0xff);
            assert!(refused(algorithm, &invalid), "{algorithm}: not UTF-8");
        }
    }
}

#[test]
fn a_key_stored_under_another_algorithm_is_refused() {
    for a in quick_algorithms() {
        let key = SecretKey::generate(a).unwrap();
        for b in quick_algorithms() {
            let same_shape = Encoding::for_algorithm(a) == Encoding::for_algorithm(b)
                && match Encoding::for_algorithm(a) {
                    Encoding::Raw => a.symmetric_key_len() == b.symmetric_key_len(),
                    Encoding::Text | Encoding::X25519Scalar => true,
                    Encoding::Pkcs8 | Encoding::Spki => a == b,
                };
            let result = SecretKey::from_stored(b, key.to_stored());
            assert_eq!(result.is_ok(), same_shape, "{a} stored as {b}");
        }
    }
}

#[test]
fn a_pkcs8_body_must_be_canonical() {
    // A PKCS#8 v2 Ed25519 key (with its public key) is valid PKCS#8, but not the stored
    // form; import accepts it, storage does not.
    let key = SecretKey::generate(Algorithm::Ed25519).unwrap();
    let v1 = key.export(keywarden_core::Format::Pkcs8Der, "").unwrap();
    let public = key.public_key().unwrap();
    let raw_public = &public.spki_der()[12..];
    // version 1, the same body, and [1] IMPLICIT BIT STRING public key.
    let mut inner = vec![0x02, 0x01, 0x01];
    inner.extend_from_slice(&v1[5..]);
    inner.extend_from_slice(&[0x81, 0x21, 0x00]);
    inner.extend_from_slice(raw_public);
    let mut v2 = vec![0x30, inner.len() as u8];
    v2.extend_from_slice(&inner);
    let imported = SecretKey::import(&v2, keywarden_core::Format::Pkcs8Der, None).unwrap();
    assert_eq!(imported, key);
    let mut blob = vec![0x02];
    blob.extend_from_slice(&v2);
    assert!(refused(Algorithm::Ed25519, &blob));
    // A v2 document whose public key is another key's is inconsistent.
    let other = SecretKey::generate(Algorithm::Ed25519).unwrap();
    let other_public = &other.public_key().unwrap().spki_der()[12..].to_vec();
    let n = v2.len();
    v2[n - 32..].copy_from_slice(other_public);
    assert!(matches!(
        SecretKey::import(&v2, keywarden_core::Format::Pkcs8Der, None),
        Err(MaterialError::Inconsistent { .. })
    ));
}

/// Whether changing `flip` bits of byte `index` of a stored blob of `len` bytes only
/// touches scalar bits that X25519 ignores. In both X25519 encodings (PKCS#8 and the
/// bare age scalar) the 32-byte scalar ends the blob.
fn ignored_by_clamping(algorithm: Algorithm, len: usize, index: usize, flip: u8) -> bool {
    let x25519 = matches!(algorithm, Algorithm::X25519 | Algorithm::AgeX25519);
    let ignored = match index {
        _ if !x25519 => 0,
        i if i == len - 32 => 0b0000_0111,
        i if i == len - 1 => 0b1100_0000,
        _ => 0,
    };
    flip & !ignored == 0
}

#[test]
fn x25519_keys_differing_only_in_clamped_bits_are_the_same_key() {
    // The case proptest found: the stored scalar is kept exactly as generated or
    // imported, so two blobs can name one key. Both are accepted and agree.
    for algorithm in [Algorithm::X25519, Algorithm::AgeX25519] {
        let key = SecretKey::generate(algorithm).unwrap();
        let mut blob = key.to_stored().to_vec();
        let n = blob.len();
        blob[n - 1] ^= 0x40;
        blob[n - 32] ^= 0x05;
        let twin = SecretKey::from_stored(algorithm, &blob).unwrap();
        assert_eq!(twin.fingerprint(), key.fingerprint());
        assert!(ignored_by_clamping(algorithm, n, n - 1, 0x40));
        assert!(!ignored_by_clamping(algorithm, n, n - 1, 0x20));
        assert!(!ignored_by_clamping(algorithm, n, n - 2, 0x40));
    }
    assert!(!ignored_by_clamping(Algorithm::Ed25519, 48, 47, 0x40));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes, under any algorithm: an error or a key whose stored form is exactly
    /// the input, never a panic.
    #[test]
    fn from_stored_never_panics_and_accepts_only_canonical_blobs(
        index in 0..Algorithm::ALL.len(),
        blob in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let algorithm = Algorithm::ALL[index];
        if let Ok(key) = SecretKey::from_stored(algorithm, &blob) {
            prop_assert_eq!(key.to_stored(), &blob[..]);
        }
    }

    /// Valid blobs with one byte changed: an error or again a canonical key.
    #[test]
    fn damaged_blobs_are_refused_or_canonical(
        index in 0..6usize,
        position in any::<prop::sample::Index>(),
        flip in 1..=255u8,
    ) {
        let algorithms = [
            Algorithm::Aes128, Algorithm::Ed25519, Algorithm::X25519,
            Algorithm::EcdsaP256, Algorithm::EcdsaP384, Algorithm::AgeX25519,
        ];
        let algorithm = algorithms[index];
        let key = SecretKey::generate(algorithm).unwrap();
        let mut blob = key.to_stored().to_vec();
        let i = position.index(blob.len());
        blob[i] ^= flip;
        if let Ok(damaged) = SecretKey::from_stored(algorithm, &blob) {
            prop_assert_eq!(damaged.to_stored(), &blob[..]);
            if damaged.fingerprint() == key.fingerprint() {
                // Only a change in the bits X25519 clamps away (RFC 7748 section 5:
                // the low three bits of the first scalar byte, the top two of the
                // last) leaves the key, and so its fingerprint, the same.
                prop_assert!(
                    ignored_by_clamping(algorithm, blob.len(), i, flip),
                    "byte {i} ^ {flip:#04x}"
                );
            }
        }
    }

    /// Import of arbitrary bytes in every private format never panics.
    #[test]
    fn import_never_panics(
        format_index in 0..keywarden_core::Format::ALL.len(),
        index in 0..Algorithm::ALL.len(),
        hinted in any::<bool>(),
        data in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let format = keywarden_core::Format::ALL[format_index];
        let hint = hinted.then_some(Algorithm::ALL[index]);
        let _ = SecretKey::import(&data, format, hint);
    }
}
