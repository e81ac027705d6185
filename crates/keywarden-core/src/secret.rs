//! Secret values, one type per role: wiped on drop, never cloned, displayed or serialised.
//!
//! Every type here prints a redacted `Debug`. Reading the bytes is an explicit call
//! (`expose…`) so that every place a secret leaves its wrapper can be found with grep.
//! Wiping is best effort: it clears the buffers these types own, not copies the
//! operating system or the allocator may have made (see `docs/threat-model.md`).

use std::fmt;
use std::fs;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::KeyFileError;

/// The shortest passphrase accepted for a new vault or a passphrase change, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// The largest key file Keywarden reads, in bytes.
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Length of the random key files Keywarden writes, in bytes.
pub const GENERATED_KEY_FILE_BYTES: usize = 64;

/// A vault passphrase, normalised to Unicode NFKC so that the same words typed on
/// different keyboards or systems give the same key.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Takes ownership of `text`, normalises it and wipes the original.
    pub fn new(mut text: String) -> Self {
        let normalised: String = text.nfkc().collect();
        text.zeroize();
        Self(Zeroizing::new(normalised))
    }

    /// The normalised passphrase as bytes (UTF-8), the input to Argon2id.
    pub fn expose_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Whether the passphrase is acceptable for a new vault: at least
    /// [`MIN_PASSPHRASE_CHARS`] characters that are not all white space.
    pub fn is_strong_enough(&self) -> bool {
        self.0.trim().chars().count() >= MIN_PASSPHRASE_CHARS
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// The SHA-256 digest of a key file: the second factor of a keyslot.
///
/// Any file can serve as a key file; only its digest is used, as the Argon2id secret
/// value K (RFC 9106 section 3.1).
pub struct KeyFile(Zeroizing<[u8; 32]>);

impl KeyFile {
    /// Reads and digests the key file at `path`.
    ///
    /// # Errors
    /// [`KeyFileError`] when the file is missing, unreadable, a directory, empty or
    /// larger than [`MAX_KEY_FILE_BYTES`].
    pub fn read(path: &Path) -> Result<Self, KeyFileError> {
        let unreadable = |e: std::io::Error| KeyFileError::Unreadable {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        let meta = fs::metadata(path).map_err(unreadable)?;
        if meta.is_dir() {
            return Err(KeyFileError::NotAFile {
                path: path.to_owned(),
            });
        }
        if meta.len() == 0 {
            return Err(KeyFileError::Empty {
                path: path.to_owned(),
            });
        }
        if meta.len() > MAX_KEY_FILE_BYTES {
            return Err(KeyFileError::TooLarge {
                path: path.to_owned(),
            });
        }
        let mut file = fs::File::open(path).map_err(unreadable)?;
        let mut hasher = Sha256::new();
        let mut buf = Zeroizing::new([0u8; 8192]);
        loop {
            let n = file.read(&mut buf[..]).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(Self::from_digest(hasher.finalize().into()))
    }

    /// Writes a new key file of [`GENERATED_KEY_FILE_BYTES`] random bytes at `path`,
    /// which must not exist yet, and returns it.
    ///
    /// # Errors
    /// [`KeyFileError::Exists`] when something is at `path`, [`KeyFileError::Unreadable`]
    /// when it cannot be written.
    pub fn generate(path: &Path) -> Result<Self, KeyFileError> {
        use std::io::Write;
        let mut bytes = Zeroizing::new([0u8; GENERATED_KEY_FILE_BYTES]);
        crate::random::fill(&mut bytes[..]);
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => KeyFileError::Exists {
                    path: path.to_owned(),
                },
                _ => KeyFileError::Unreadable {
                    path: path.to_owned(),
                    reason: e.to_string(),
                },
            })?;
        file.write_all(&bytes[..])
            .and_then(|()| file.sync_all())
            .map_err(|e| KeyFileError::Unreadable {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Self::from_digest(Sha256::digest(&bytes[..]).into()))
    }

    fn from_digest(digest: [u8; 32]) -> Self {
        Self(Zeroizing::new(digest))
    }

    /// The digest, the Argon2id secret value.
    pub(crate) fn expose_digest(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyFile(<redacted>)")
    }
}

/// A 256-bit symmetric key used inside the engine: the vault data key (DEK), a
/// key-encryption key (KEK) or a sub-key derived from the DEK.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct SymmetricKey([u8; 32]);

impl SymmetricKey {
    /// A fresh random key from the operating system's CSPRNG.
    pub(crate) fn random() -> Self {
        let mut key = Self([0u8; 32]);
        crate::random::fill(&mut key.0);
        key
    }

    /// Wraps bytes that are already a key; the caller wipes its copy.
    pub(crate) fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A zero key to be filled in place by a KDF.
    pub(crate) fn zeroed() -> Self {
        Self([0u8; 32])
    }

    pub(crate) fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn expose_mut(&mut self) -> &mut [u8; 32] {
        &mut self.0
    }
}

impl fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SymmetricKey(<redacted>)")
    }
}

/// The secret material of a key record: raw bytes of a symmetric key today, a
/// standard encoding (PKCS#8, OpenSSH) of a private key later.
pub struct KeyMaterial(Zeroizing<Vec<u8>>);

impl KeyMaterial {
    /// Wraps bytes that are already in a zeroizing buffer.
    pub(crate) fn new(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    /// The secret bytes.
    ///
    /// # Security warning
    /// Only for a person's explicit reveal, export or escrow: copies made from this slice
    /// are the caller's to wipe.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no bytes (never true of a generated key).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for KeyMaterial {
    /// Constant-time comparison.
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for KeyMaterial {}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyMaterial(<{} bytes redacted>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_is_nfkc_normalised() {
        // "ﬁ" (U+FB01) is NFKC-equivalent to "fi"; "é" composed vs decomposed.
        let a = Passphrase::new("\u{FB01}ne cafe\u{301}".to_owned());
        let b = Passphrase::new("fine caf\u{E9}".to_owned());
        assert_eq!(a.expose_bytes(), b.expose_bytes());
    }

    #[test]
    fn debug_output_is_redacted() {
        let p = Passphrase::new("correct horse battery staple".to_owned());
        let m = KeyMaterial::new(Zeroizing::new(vec![7; 32]));
        assert!(!format!("{p:?}").contains("horse"));
        assert_eq!(format!("{m:?}"), "KeyMaterial(<32 bytes redacted>)");
        assert_eq!(
            format!("{:?}", SymmetricKey::random()),
            "SymmetricKey(<redacted>)"
        );
    }

    #[test]
    fn passphrase_strength_counts_characters_not_bytes() {
        assert!(!Passphrase::new("short pass".to_owned()).is_strong_enough());
        assert!(!Passphrase::new("            ".to_owned()).is_strong_enough());
        assert!(Passphrase::new("ééééééééééé é".to_owned()).is_strong_enough());
    }

    #[test]
    fn key_file_digest_depends_on_content() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        let ka = KeyFile::generate(&a).unwrap();
        let kb = KeyFile::generate(&b).unwrap();
        assert_ne!(ka.expose_digest(), kb.expose_digest());
        assert_eq!(
            KeyFile::read(&a).unwrap().expose_digest(),
            ka.expose_digest()
        );
        assert!(matches!(
            KeyFile::generate(&a),
            Err(KeyFileError::Exists { .. })
        ));
    }
}
