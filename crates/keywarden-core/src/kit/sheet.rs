//! Recovery kit sheets: what one printed sheet of a kit shows, and the checks it must pass.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use super::slip39::Share;
use super::{KitError, KitId, envelope};
use crate::clock::Timestamp;

/// How a sheet's payload is protected, and so what a person needs besides the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetKind {
    /// Age-encrypted to a passphrase written by hand on the sheet.
    Personal,
    /// A personal kit that is not encrypted (made after a warning): the sheet is the keys.
    Unencrypted,
    /// One SLIP-39 share of a split kit: any `threshold` of the `count` sheets recover it.
    Split {
        /// This sheet's share, from 1.
        share_number: u8,
        /// How many sheets recover the kit.
        threshold: u8,
        /// How many sheets (shares) the kit has.
        count: u8,
    },
    /// Age-encrypted to an escrow agent's X25519 recipient.
    Escrow {
        /// The agent's recipient, `age1…`.
        recipient: String,
    },
    /// One SLIP-39 share of a vault recovery secret (no payload, no keys): any
    /// `threshold` of the `count` sheets open the vault's recovery keyslot.
    Vault {
        /// This sheet's share, from 1.
        share_number: u8,
        /// How many sheets open the vault.
        threshold: u8,
        /// How many sheets (shares) the kit has.
        count: u8,
        /// The vault's id in hex, as `keywarden` shows it.
        vault: String,
    },
}

impl SheetKind {
    /// This sheet's share number, the threshold and the count, for kinds made of
    /// SLIP-39 shares.
    pub fn share(&self) -> Option<(u8, u8, u8)> {
        match self {
            SheetKind::Split {
                share_number,
                threshold,
                count,
            }
            | SheetKind::Vault {
                share_number,
                threshold,
                count,
                ..
            } => Some((*share_number, *threshold, *count)),
            SheetKind::Personal | SheetKind::Unencrypted | SheetKind::Escrow { .. } => None,
        }
    }
}

/// What a sheet says about one key of its kit (never its material, which is in the
/// payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetKey {
    /// The key's name when the kit was made.
    pub name: String,
    /// Its algorithm id (`docs/key-formats.md`).
    pub algorithm: String,
    /// The version of its material in the kit.
    pub version: u32,
    /// Every fingerprint as (kind, value), main first, as in the recovery document.
    pub fingerprints: Vec<(String, String)>,
}

/// One printed sheet of a kit: everything [`super::pdf::render`] puts on paper.
///
/// A sheet of an unencrypted kit, and the share of a split kit, are secret: `Debug`
/// shows neither the share nor the payload, and it is not `Clone`.
pub struct Sheet {
    /// The kit's id.
    pub kit: KitId,
    /// The kit's generation: 1 for the first kit of these keys, one more per re-issue.
    pub generation: u32,
    /// When the kit was made (printed as a UTC date).
    pub made_at: Timestamp,
    /// How the payload is protected.
    pub kind: SheetKind,
    /// Who keeps this sheet, if anyone is named.
    pub custodian: Option<String>,
    /// The keys the kit holds.
    pub keys: Vec<SheetKey>,
    /// The SLIP-39 mnemonic of this sheet's share (split and vault kits only).
    pub share: Option<Zeroizing<String>>,
    /// The age file, or the recovery document itself for an unencrypted kit; empty for
    /// a vault recovery kit.
    pub payload: Vec<u8>,
}

impl fmt::Debug for Sheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sheet")
            .field("kit", &self.kit)
            .field("generation", &self.generation)
            .field("made_at", &self.made_at)
            .field("kind", &self.kind)
            .field("custodian", &self.custodian)
            .field("keys", &self.keys)
            .field("share", &self.share.as_ref().map(|_| "[redacted]"))
            .field("payload", &format_args!("[{} bytes]", self.payload.len()))
            .finish()
    }
}

impl Sheet {
    /// Checks that the sheet can be printed truthfully: its kind, share and payload agree.
    ///
    /// # Errors
    /// [`KitError::Document`] (line 0: the sheet as a whole) when a payload is empty
    /// (or, on a vault sheet, present); when a personal or escrow sheet's payload is not
    /// an age file, or an unencrypted sheet's is; when a split or vault sheet has no
    /// share, or its share is not a valid SLIP-39 mnemonic, or (for a single-group
    /// share) states another share number or threshold than the sheet; when a share
    /// number is 0 or above the count, or a threshold is 0 or above the count; when
    /// another sheet has a share; when a vault sheet lists keys; when an escrow
    /// recipient is not an age X25519 recipient. The reason never contains the share or
    /// payload.
    pub fn validate(&self) -> Result<(), KitError> {
        let bad = |reason: &str| {
            Err(KitError::Document {
                line: 0,
                reason: format!("sheet of kit {}: {reason}", self.kit),
            })
        };
        let encrypted = envelope::is_encrypted(&self.payload);
        match &self.kind {
            SheetKind::Vault { .. } if !self.payload.is_empty() => {
                return bad("a vault recovery sheet carries a payload");
            }
            SheetKind::Vault { .. } if !self.keys.is_empty() => {
                return bad("a vault recovery sheet lists keys");
            }
            SheetKind::Vault { .. } => {}
            _ if self.payload.is_empty() => return bad("the payload is empty"),
            SheetKind::Unencrypted if encrypted => {
                return bad("an unencrypted sheet carries an age file");
            }
            SheetKind::Personal | SheetKind::Escrow { .. } | SheetKind::Split { .. }
                if !encrypted =>
            {
                return bad("an encrypted kind of sheet carries a payload that is not an age file");
            }
            _ => {}
        }
        match (self.kind.share(), &self.share) {
            (Some((share_number, threshold, count)), share) => {
                if share_number == 0 || share_number > count {
                    return bad("the share number is 0 or above the share count");
                }
                if threshold == 0 || threshold > count {
                    return bad("the threshold is 0 or above the share count");
                }
                let Some(share) = share else {
                    return bad("a sheet of shares has no share");
                };
                let Ok(parsed) = Share::parse(share) else {
                    return bad("the share is not a valid SLIP-39 mnemonic");
                };
                // A single group is how Keywarden splits: then the member fields are the
                // sheet's share number and threshold, and a sheet must not say otherwise.
                if parsed.group_count() == 1
                    && (u16::from(parsed.member_index()) + 1 != u16::from(share_number)
                        || parsed.member_threshold() != threshold)
                {
                    return bad("the share's own number or threshold differs from the sheet's");
                }
            }
            (None, Some(_)) => return bad("a sheet that is not split has a share"),
            (None, None) => {
                if let SheetKind::Escrow { recipient } = &self.kind
                    && age::x25519::Recipient::from_str(recipient.trim()).is_err()
                {
                    return bad("the escrow recipient is not an age recipient (age1…)");
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::slip39;

    fn age_payload() -> Vec<u8> {
        let mut p = b"age-encryption.org/v1\n".to_vec();
        p.extend_from_slice(&[7; 100]);
        p
    }

    fn shares(threshold: u8, count: u8) -> Vec<Zeroizing<String>> {
        slip39::split(&[9; 16], b"", 1, &[(threshold, count)], 0, true)
            .unwrap()
            .remove(0)
    }

    fn split_sheet(n: u8, t: u8, c: u8, share: Option<Zeroizing<String>>) -> Sheet {
        Sheet {
            kit: KitId::from_bits(0x12_3456_789A),
            generation: 1,
            made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
            kind: SheetKind::Split {
                share_number: n,
                threshold: t,
                count: c,
            },
            custodian: None,
            keys: vec![],
            share,
            payload: age_payload(),
        }
    }

    #[test]
    fn split_sheets_need_their_own_valid_share() {
        let s = shares(2, 3);
        assert!(split_sheet(2, 2, 3, Some(s[1].clone())).validate().is_ok());
        for (sheet, why) in [
            (split_sheet(2, 2, 3, None), "no share"),
            (split_sheet(0, 2, 3, Some(s[0].clone())), "share 0"),
            (
                split_sheet(4, 2, 3, Some(s[1].clone())),
                "share above count",
            ),
            (split_sheet(2, 0, 3, Some(s[1].clone())), "threshold 0"),
            (
                split_sheet(2, 4, 3, Some(s[1].clone())),
                "threshold above count",
            ),
            (
                split_sheet(1, 2, 3, Some(s[1].clone())),
                "another share's words",
            ),
            (
                split_sheet(2, 3, 3, Some(s[1].clone())),
                "another threshold",
            ),
            (
                split_sheet(2, 2, 3, Some(Zeroizing::new("not a share".to_owned()))),
                "not a mnemonic",
            ),
        ] {
            let err = sheet.validate().unwrap_err();
            assert!(matches!(err, KitError::Document { line: 0, .. }), "{why}");
            // The share never shows in the message.
            let words: Vec<&str> = s[1].split(' ').take(3).collect();
            let message = err.to_string();
            assert!(!message.contains(&words.join(" ")), "{why}: {message}");
        }
    }

    #[test]
    fn kinds_and_payloads_must_agree() {
        let mut sheet = split_sheet(1, 1, 1, None);
        sheet.kind = SheetKind::Personal;
        assert!(sheet.validate().is_ok());
        sheet.share = Some(shares(1, 1).remove(0));
        assert!(sheet.validate().is_err(), "a share on a personal sheet");
        sheet.share = None;
        sheet.payload = b"Keywarden recovery kit, format 1\n".to_vec();
        assert!(sheet.validate().is_err(), "plaintext on a personal sheet");
        sheet.kind = SheetKind::Unencrypted;
        assert!(sheet.validate().is_ok());
        sheet.payload = age_payload();
        assert!(
            sheet.validate().is_err(),
            "an age file on an unencrypted sheet"
        );
        sheet.payload = vec![];
        assert!(sheet.validate().is_err(), "an empty payload");
        sheet.payload = age_payload();
        let identity = age::x25519::Identity::generate();
        sheet.kind = SheetKind::Escrow {
            recipient: identity.to_public().to_string(),
        };
        assert!(sheet.validate().is_ok());
        sheet.kind = SheetKind::Escrow {
            recipient: "age1nope".to_owned(),
        };
        assert!(sheet.validate().is_err(), "a bad recipient");
    }

    #[test]
    fn vault_sheets_carry_a_share_and_nothing_else() {
        let s = shares(2, 3);
        let mut sheet = split_sheet(2, 2, 3, Some(s[1].clone()));
        sheet.kind = SheetKind::Vault {
            share_number: 2,
            threshold: 2,
            count: 3,
            vault: "0011223344556677".to_owned(),
        };
        sheet.payload = vec![];
        assert!(sheet.validate().is_ok());
        sheet.share = None;
        assert!(sheet.validate().is_err(), "no share");
        sheet.share = Some(s[0].clone());
        assert!(sheet.validate().is_err(), "another share's words");
        sheet.share = Some(s[1].clone());
        sheet.payload = age_payload();
        assert!(sheet.validate().is_err(), "a payload");
        sheet.payload = vec![];
        sheet.keys = vec![SheetKey {
            name: "k".to_owned(),
            algorithm: "aes-256".to_owned(),
            version: 1,
            fingerprints: vec![],
        }];
        assert!(sheet.validate().is_err(), "keys");
    }

    #[test]
    fn debug_redacts_the_share_and_payload() {
        let s = shares(1, 1).remove(0);
        let mut sheet = split_sheet(1, 1, 1, Some(s.clone()));
        sheet.payload = b"age-encryption.org/v1\nSECRETPAYLOAD".to_vec();
        let debug = format!("{sheet:?}");
        assert!(!debug.contains(s.as_str()));
        assert!(!debug.contains("SECRETPAYLOAD"));
        assert!(debug.contains("[redacted]"));
    }
}
