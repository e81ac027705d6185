//! Sealing: AES-256-GCM-SIV with a fresh random nonce and associated data that binds a
//! sealed value to its vault, table, row and row version.
//!
//! A sealed blob is `0x01 || nonce (12 bytes) || ciphertext || tag (16 bytes)`. The
//! leading byte names the algorithm so a later format can change it.

use aes_gcm_siv::aead::{AeadInOut, KeyInit};
use aes_gcm_siv::{Aes256GcmSiv, Nonce, Tag};
use zeroize::Zeroizing;

use crate::secret::SymmetricKey;

/// The algorithm byte of a sealed blob: AES-256-GCM-SIV with a 96-bit random nonce.
pub const SEAL_V1: u8 = 0x01;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Bytes a sealed blob adds to its plaintext.
pub const SEAL_OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// The prefix of every associated-data string, format version 1.
const AAD_PREFIX: &[u8; 4] = b"KWv1";

/// Where a sealed value lives: the associated data of its seal.
///
/// Encoded as `"KWv1" || vault_id (16) || len(table) (u8) || table ||
/// len(row_id) (u16 BE) || row_id || row_version (u64 BE)`; every field is
/// length-prefixed or fixed-size, so two different places never encode the same.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// The vault's random 128-bit id.
    pub vault_id: &'a [u8; 16],
    /// The table name, ASCII.
    pub table: &'a str,
    /// The row's primary key as text (a UUID, a decimal integer, a setting name).
    pub row_id: &'a str,
    /// The row version, incremented on every change of the row.
    pub row_version: u64,
}

impl Place<'_> {
    fn encode(&self) -> Vec<u8> {
        let table = self.table.as_bytes();
        let row = self.row_id.as_bytes();
        let mut aad = Vec::with_capacity(4 + 16 + 1 + table.len() + 2 + row.len() + 8);
        aad.extend_from_slice(AAD_PREFIX);
        aad.extend_from_slice(self.vault_id);
        // Table names are short constants and row ids are UUIDs, integers or setting
        // names checked on write; the debug assertions document the bound.
        debug_assert!(table.len() <= usize::from(u8::MAX));
        debug_assert!(row.len() <= usize::from(u16::MAX));
        aad.push(u8::try_from(table.len()).unwrap_or(u8::MAX));
        aad.extend_from_slice(table);
        aad.extend_from_slice(&u16::try_from(row.len()).unwrap_or(u16::MAX).to_be_bytes());
        aad.extend_from_slice(row);
        aad.extend_from_slice(&self.row_version.to_be_bytes());
        aad
    }
}

/// A sealed blob failed to open: it was changed, moved, replayed, sealed with another
/// key, or is not a sealed blob at all. Deliberately says nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a sealed value failed authentication")]
pub struct Unsealable;

/// Seals `plaintext` for `place` under `key`.
pub(crate) fn seal(key: &SymmetricKey, place: &Place<'_>, plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256GcmSiv::new(key.expose().into());
    let nonce: [u8; NONCE_LEN] = crate::random::array();
    let mut out = Vec::with_capacity(SEAL_OVERHEAD + plaintext.len());
    out.push(SEAL_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let body = &mut out[1 + NONCE_LEN..];
    #[allow(
        clippy::expect_used,
        reason = "encryption fails only for messages over 2^36 bytes"
    )]
    let tag = cipher
        .encrypt_inout_detached(&Nonce::from(nonce), &place.encode(), body.into())
        .expect("AES-GCM-SIV encryption of a record");
    out.extend_from_slice(&tag);
    out
}

/// Opens a blob sealed by [`seal`] for the same `place` and `key`.
///
/// # Errors
/// [`Unsealable`] for any change to the blob, the place or the key.
pub(crate) fn open(
    key: &SymmetricKey,
    place: &Place<'_>,
    blob: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Unsealable> {
    if blob.len() < SEAL_OVERHEAD || blob[0] != SEAL_V1 {
        return Err(Unsealable);
    }
    let (nonce, rest) = blob[1..].split_at(NONCE_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let nonce = Nonce::try_from(nonce).map_err(|_| Unsealable)?;
    let tag = Tag::try_from(tag).map_err(|_| Unsealable)?;
    let cipher = Aes256GcmSiv::new(key.expose().into());
    let mut buf = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(&nonce, &place.encode(), buf.as_mut_slice().into(), &tag)
        .map_err(|_| Unsealable)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VAULT: [u8; 16] = [1; 16];

    fn place(row: &str, version: u64) -> Place<'_> {
        Place {
            vault_id: &VAULT,
            table: "key",
            row_id: row,
            row_version: version,
        }
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let key = SymmetricKey::random();
        let a = seal(&key, &place("r", 1), b"hello");
        let b = seal(&key, &place("r", 1), b"hello");
        assert_ne!(a, b, "each seal uses a fresh nonce");
        assert_eq!(&open(&key, &place("r", 1), &a).unwrap()[..], b"hello");
        assert_eq!(a.len(), 5 + SEAL_OVERHEAD);
    }

    #[test]
    fn any_change_of_place_or_key_is_rejected() {
        let key = SymmetricKey::random();
        let blob = seal(&key, &place("r", 1), b"secret");
        assert_eq!(open(&key, &place("s", 1), &blob), Err(Unsealable));
        assert_eq!(open(&key, &place("r", 2), &blob), Err(Unsealable));
        let other_vault = Place {
            vault_id: &[2; 16],
            ..place("r", 1)
        };
        assert_eq!(open(&key, &other_vault, &blob), Err(Unsealable));
        let other_table = Place {
            table: "setting",
            ..place("r", 1)
        };
        assert_eq!(open(&key, &other_table, &blob), Err(Unsealable));
        assert_eq!(
            open(&SymmetricKey::random(), &place("r", 1), &blob),
            Err(Unsealable)
        );
        assert_eq!(open(&key, &place("r", 1), &blob[..20]), Err(Unsealable));
        assert_eq!(open(&key, &place("r", 1), &[]), Err(Unsealable));
    }

    #[test]
    fn aad_fields_cannot_run_into_each_other() {
        // Without length prefixes, ("ab", "c") and ("a", "bc") would encode alike.
        let a = Place {
            table: "ab",
            ..place("c", 1)
        };
        let b = Place {
            table: "a",
            ..place("bc", 1)
        };
        assert_ne!(a.encode(), b.encode());
    }

    proptest! {
        #[test]
        fn every_single_bit_flip_is_rejected(
            plaintext in proptest::collection::vec(any::<u8>(), 0..64),
            index in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let key = SymmetricKey::random();
            let mut blob = seal(&key, &place("r", 7), &plaintext);
            let i = index.index(blob.len());
            blob[i] ^= 1 << bit;
            prop_assert_eq!(open(&key, &place("r", 7), &blob), Err(Unsealable));
        }
    }
}
