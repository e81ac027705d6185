//! The kit's envelope: the recovery document encrypted in the age format
//! (age-encryption.org/v1), so that the `age` command decrypts it without Keywarden.
//!
//! - A personal kit is encrypted to a kit passphrase (age's scrypt recipient) that the
//!   person writes by hand on the sheet.
//! - A split kit is encrypted to a passphrase that is the SLIP-39 master secret in
//!   lowercase hex: `shamir recover` prints exactly that, and `age -d` asks for it.
//! - A third-party kit is encrypted to the escrow agent's X25519 recipient (`age1…`).
//! - An unencrypted kit (after an explicit warning) is the document itself.

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::KitError;

/// The first line of every age file.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// What opens a sealed kit.
#[derive(Clone, Copy)]
pub enum Lock<'a> {
    /// A passphrase, through scrypt with 2^`log_n` work (age itself uses about one second).
    Passphrase {
        /// The passphrase.
        passphrase: &'a str,
        /// The scrypt work factor, log2(N), 10 to 20.
        log_n: u8,
    },
    /// An age X25519 recipient, `age1…`.
    Recipient(&'a str),
    /// No encryption: the payload is the document.
    Unencrypted,
}

impl std::fmt::Debug for Lock<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lock::Passphrase { log_n, .. } => f
                .debug_struct("Passphrase")
                .field("log_n", log_n)
                .finish_non_exhaustive(),
            Lock::Recipient(r) => f.debug_tuple("Recipient").field(r).finish(),
            Lock::Unencrypted => f.write_str("Unencrypted"),
        }
    }
}

/// The scrypt work factor of a kit passphrase a person chose or was given (age's own
/// default, about a second on a laptop).
pub const PERSON_LOG_N: u8 = 18;
/// The scrypt work factor of a split kit, whose passphrase is a random master secret of
/// 128 bits or more: stretching adds nothing, and recovery stays fast on old machines.
pub const RANDOM_SECRET_LOG_N: u8 = 10;

/// Encrypts `document` under `lock`; the result is a binary age file (or the document
/// itself for [`Lock::Unencrypted`]).
///
/// # Errors
/// [`KitError::Envelope`] for a recipient that is not an age X25519 recipient, a work
/// factor out of range, or a failure of the age library.
pub fn seal(document: &[u8], lock: Lock<'_>) -> Result<Vec<u8>, KitError> {
    let failed = |e: &dyn std::fmt::Display| KitError::Envelope {
        reason: e.to_string(),
    };
    let encryptor = match lock {
        Lock::Unencrypted => return Ok(document.to_vec()),
        Lock::Passphrase { passphrase, log_n } => {
            if !(10..=20).contains(&log_n) {
                return Err(KitError::Envelope {
                    reason: format!("scrypt work factor {log_n} is outside 10 to 20"),
                });
            }
            let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase));
            recipient.set_work_factor(log_n);
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| failed(&e))?
        }
        Lock::Recipient(text) => {
            let recipient =
                age::x25519::Recipient::from_str(text.trim()).map_err(|_| KitError::Envelope {
                    reason: "the escrow agent's key is not an age recipient (age1…)".to_owned(),
                })?;
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| failed(&e))?
        }
    };
    let mut out = Vec::with_capacity(document.len() + 256);
    let mut writer = encryptor.wrap_output(&mut out).map_err(|e| failed(&e))?;
    writer.write_all(document).map_err(|e| failed(&e))?;
    writer.finish().map_err(|e| failed(&e))?;
    Ok(out)
}

/// Whether a payload is an age file (rather than an unencrypted document).
pub fn is_encrypted(payload: &[u8]) -> bool {
    payload.starts_with(AGE_MAGIC)
}

/// What a person gives to open a sealed kit.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// The kit passphrase (or the recovered master secret in hex).
    Passphrase(&'a str),
    /// An age identity, `AGE-SECRET-KEY-1…`.
    Identity(&'a str),
}

/// Decrypts a payload that [`seal`] made; an unencrypted payload is returned as it is
/// and needs no key.
///
/// # Errors
/// [`KitError::WrongKey`] when the passphrase or identity does not open it;
/// [`KitError::Envelope`] for a damaged file or a missing key.
pub fn open(payload: &[u8], key: Option<Key<'_>>) -> Result<Zeroizing<Vec<u8>>, KitError> {
    if !is_encrypted(payload) {
        return Ok(Zeroizing::new(payload.to_vec()));
    }
    let damaged = |e: &dyn std::fmt::Display| KitError::Envelope {
        reason: format!("the encrypted payload is damaged: {e}"),
    };
    let decryptor = age::Decryptor::new(payload).map_err(|e| damaged(&e))?;
    let key = key.ok_or_else(|| KitError::Envelope {
        reason: "the payload is encrypted: give the kit passphrase or identity".to_owned(),
    })?;
    let mut reader = match key {
        Key::Passphrase(p) => {
            let mut identity = age::scrypt::Identity::new(SecretString::from(p));
            // Accept every work factor seal() may write, and no more: a hostile file
            // cannot ask for hours of scrypt.
            identity.set_max_work_factor(20);
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
        }
        Key::Identity(text) => {
            let identity =
                age::x25519::Identity::from_str(text.trim()).map_err(|_| KitError::Envelope {
                    reason: "not an age identity (AGE-SECRET-KEY-1…)".to_owned(),
                })?;
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
        }
    }
    .map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => {
            KitError::WrongKey
        }
        other => damaged(&other),
    })?;
    let mut out = Zeroizing::new(Vec::new());
    reader.read_to_end(&mut out).map_err(|e| damaged(&e))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_kits_open_with_the_passphrase_only() {
        let sealed = seal(
            b"document",
            Lock::Passphrase {
                passphrase: "correct horse",
                log_n: 10,
            },
        )
        .unwrap();
        assert!(is_encrypted(&sealed));
        assert_eq!(
            &open(&sealed, Some(Key::Passphrase("correct horse"))).unwrap()[..],
            b"document"
        );
        assert!(matches!(
            open(&sealed, Some(Key::Passphrase("wrong horse"))),
            Err(KitError::WrongKey)
        ));
        assert!(matches!(
            open(&sealed, None),
            Err(KitError::Envelope { .. })
        ));
    }

    #[test]
    fn recipient_kits_open_with_the_identity() {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let sealed = seal(b"document", Lock::Recipient(&recipient)).unwrap();
        let secret = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
        assert_eq!(
            &open(&sealed, Some(Key::Identity(&secret))).unwrap()[..],
            b"document"
        );
        let other = age::x25519::Identity::generate();
        let other = age::secrecy::ExposeSecret::expose_secret(&other.to_string()).to_owned();
        assert!(matches!(
            open(&sealed, Some(Key::Identity(&other))),
            Err(KitError::WrongKey)
        ));
        assert!(seal(b"x", Lock::Recipient("age1notarecipient")).is_err());
    }

    #[test]
    fn unencrypted_kits_are_the_document_and_damage_is_reported() {
        assert_eq!(seal(b"doc", Lock::Unencrypted).unwrap(), b"doc");
        assert_eq!(&open(b"doc", None).unwrap()[..], b"doc");
        let mut sealed = seal(
            b"document",
            Lock::Passphrase {
                passphrase: "p",
                log_n: 10,
            },
        )
        .unwrap();
        let n = sealed.len();
        sealed[n - 3] ^= 1;
        assert!(open(&sealed, Some(Key::Passphrase("p"))).is_err());
        assert!(
            seal(
                b"x",
                Lock::Passphrase {
                    passphrase: "p",
                    log_n: 30
                }
            )
            .is_err()
        );
    }
}
