//! age identities (`AGE-SECRET-KEY-1…`) and recipients (`age1…`): Bech32 (BIP 173, not
//! Bech32m) of the 32-byte X25519 secret scalar and public key, as age-encryption.org/v1
//! defines them. The X25519 arithmetic is x25519-dalek's; only the text form is here.

use std::fmt::Write as _;

use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Bech32, Hrp};
use zeroize::Zeroizing;

use super::error::MaterialError;
use super::format::Format;

/// The human-readable part of an identity (written in upper case).
const IDENTITY_HRP: Hrp = Hrp::parse_unchecked("age-secret-key-");
/// The human-readable part of a recipient.
const RECIPIENT_HRP: Hrp = Hrp::parse_unchecked("age");

/// The identity of an X25519 secret scalar, upper case as age writes it.
pub(crate) fn identity(scalar: &[u8; 32]) -> Result<Zeroizing<String>, MaterialError> {
    let failed = || MaterialError::encoding_failed(crate::Algorithm::AgeX25519);
    let len = bech32::encoded_length::<Bech32>(IDENTITY_HRP, scalar).map_err(|_| failed())?;
    // Sized up front so that the secret text is never copied by a growing buffer.
    let mut out = Zeroizing::new(String::with_capacity(len));
    bech32::encode_upper_to_fmt::<Bech32, String>(&mut out, IDENTITY_HRP, scalar)
        .map_err(|_| failed())?;
    Ok(out)
}

/// The recipient of an X25519 public key.
pub(crate) fn recipient(public: &[u8; 32]) -> Result<String, MaterialError> {
    bech32::encode_lower::<Bech32>(RECIPIENT_HRP, public)
        .map_err(|_| MaterialError::encoding_failed(crate::Algorithm::AgeX25519))
}

/// Reads a recipients file with one recipient: comment lines (`# …`) and blank lines
/// are skipped, exactly one `age1…` line (lower case, as age writes it) must remain.
pub(crate) fn parse_recipient_file(text: &str) -> Result<[u8; 32], MaterialError> {
    let bad = |reason| MaterialError::malformed(Format::AgeRecipient, reason);
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next().ok_or(bad("no age1 line"))?;
    if lines.next().is_some() {
        return Err(bad("the file holds more than one recipient"));
    }
    let checked = CheckedHrpstring::new::<Bech32>(line)
        .map_err(|_| bad("not a Bech32 string with a valid checksum"))?;
    if checked.hrp() != RECIPIENT_HRP {
        return Err(bad("the prefix is not age1"));
    }
    let bytes: Vec<u8> = checked.byte_iter().collect();
    let public: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| bad("the key is not 32 bytes"))?;
    // Strict: the one lower-case encoding of these bytes.
    if recipient(&public)? != line {
        return Err(bad("the encoding is not canonical (age writes lower case)"));
    }
    Ok(public)
}

/// Reads an identity file as `age-keygen` writes it: comment lines (`# …`) and blank
/// lines are skipped, exactly one identity line must remain. When a `# public key: age1…`
/// comment is present, it must be the identity's own recipient.
pub(crate) fn parse_identity_file(text: &str) -> Result<Zeroizing<[u8; 32]>, MaterialError> {
    let format = Format::AgeIdentity;
    let bad = |reason| MaterialError::malformed(format, reason);
    let mut identity = None;
    let mut stated_recipient = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if let Some(r) = comment.trim().strip_prefix("public key:") {
                stated_recipient = Some(r.trim());
            }
            continue;
        }
        if identity.is_some() {
            return Err(bad("the file holds more than one identity"));
        }
        identity = Some(parse_identity(line)?);
    }
    let scalar = identity.ok_or(bad("no AGE-SECRET-KEY-1 line"))?;
    if let Some(stated) = stated_recipient {
        let secret = x25519_dalek::StaticSecret::from(*scalar);
        let public = x25519_dalek::PublicKey::from(&secret);
        if recipient(public.as_bytes())? != stated {
            return Err(MaterialError::Inconsistent { format });
        }
    }
    Ok(scalar)
}

/// Decodes one `AGE-SECRET-KEY-1…` string (all upper or all lower case).
fn parse_identity(line: &str) -> Result<Zeroizing<[u8; 32]>, MaterialError> {
    let bad = |reason| MaterialError::malformed(Format::AgeIdentity, reason);
    let checked = CheckedHrpstring::new::<Bech32>(line)
        .map_err(|_| bad("not a Bech32 string with a valid checksum"))?;
    if checked.hrp() != IDENTITY_HRP {
        return Err(bad("the prefix is not AGE-SECRET-KEY-"));
    }
    let mut scalar = Zeroizing::new([0u8; 32]);
    let mut count = 0usize;
    for byte in checked.byte_iter() {
        let slot = scalar
            .get_mut(count)
            .ok_or(bad("the key is not 32 bytes"))?;
        *slot = byte;
        count += 1;
    }
    if count != 32 {
        return Err(bad("the key is not 32 bytes"));
    }
    // Strict: the string must be the one encoding of these bytes (no stray padding bits).
    let again = identity(&scalar)?;
    if !again.eq_ignore_ascii_case(line) {
        return Err(bad("the encoding is not canonical"));
    }
    Ok(scalar)
}

/// Writes an identity file like `age-keygen`: the recipient as a comment, then the
/// identity, each line ending in a newline.
pub(crate) fn identity_file(scalar: &[u8; 32]) -> Result<Zeroizing<String>, MaterialError> {
    let secret = x25519_dalek::StaticSecret::from(*scalar);
    let public = x25519_dalek::PublicKey::from(&secret);
    let id = identity(scalar)?;
    let recipient = recipient(public.as_bytes())?;
    let mut out = Zeroizing::new(String::with_capacity(id.len() + recipient.len() + 20));
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# public key: {recipient}");
    let _ = writeln!(out, "{}", id.as_str());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_round_trip_and_reject_damage() {
        let scalar = [7u8; 32];
        let id = identity(&scalar).unwrap();
        assert!(id.starts_with("AGE-SECRET-KEY-1"));
        assert_eq!(id.len(), 74);
        assert_eq!(*parse_identity(&id).unwrap(), scalar);
        assert_eq!(*parse_identity(&id.to_lowercase()).unwrap(), scalar);
        let mut broken = id.to_string();
        broken.replace_range(20..21, if &broken[20..21] == "Q" { "P" } else { "Q" });
        assert!(parse_identity(&broken).is_err());
        let file = identity_file(&scalar).unwrap();
        assert_eq!(*parse_identity_file(&file).unwrap(), scalar);
        let other = identity_file(&[8u8; 32]).unwrap();
        let mixed = format!("{}\n{}\n", other.lines().next().unwrap(), &id[..]);
        assert!(matches!(
            parse_identity_file(&mixed),
            Err(MaterialError::Inconsistent { .. })
        ));
    }

    #[test]
    fn recipients_are_read_strictly() {
        let public = [9u8; 32];
        let line = recipient(&public).unwrap();
        assert_eq!(parse_recipient_file(&line).unwrap(), public);
        let file = format!("# created: today\n\n{line}\n");
        assert_eq!(parse_recipient_file(&file).unwrap(), public);
        assert!(parse_recipient_file(&line.to_uppercase()).is_err());
        assert!(parse_recipient_file(&format!("{line}\n{line}\n")).is_err());
        assert!(parse_recipient_file("").is_err());
        assert!(parse_recipient_file(&identity(&public).unwrap()).is_err());
        let mut broken = line.clone();
        broken.replace_range(10..11, if &broken[10..11] == "q" { "p" } else { "q" });
        assert!(parse_recipient_file(&broken).is_err());
    }
}
