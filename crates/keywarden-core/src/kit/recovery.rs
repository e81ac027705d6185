//! Reading a kit back: the texts of QR codes, typed lines and SLIP-39 share words, in
//! any order and from any number of sources, until the recovery document opens.
//!
//! Input is text, as a QR decoder prints it or a person types it. It is read in
//! paragraphs (separated by blank lines); in each, a line starting with `KW1 ` is a
//! payload code, a line shaped like `07 <48 base64 characters> 3f9a` is a typed line, a
//! token `KW-XXXX-XXXX` names the kit, and the remaining words, without any numbering,
//! are one SLIP-39 share.

use zeroize::Zeroizing;

use super::chunk::{self, Assembler};
use super::slip39::{Collector, Progress};
use super::{KitDocument, KitError, KitId, envelope, typed};

/// What [`Recovery::add_text`] found in one text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Added {
    /// New payload codes.
    pub codes: usize,
    /// Typed lines.
    pub typed_lines: usize,
    /// New shares.
    pub shares: usize,
}

/// How far a recovery is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The kit, once a code or kit id has been read.
    pub kit: Option<KitId>,
    /// Payload codes read, and how many the kit has (0: none read yet).
    pub codes: (usize, usize),
    /// Typed lines read.
    pub typed_lines: usize,
    /// SLIP-39 shares collected, and what they still need.
    pub shares: Progress,
}

impl Status {
    /// Shares in, and shares needed (0 needed before the first share), for the usual
    /// one-group split: "2 of 3".
    pub fn share_count(&self) -> (u8, u8) {
        let have = self.shares.groups.iter().map(|g| g.have).sum();
        let need = self.shares.groups.first().map_or(0, |g| g.need);
        (have, need)
    }

    /// Whether only SLIP-39 shares were read, no payload code or typed line: the
    /// sheets of a vault recovery kit.
    pub fn only_shares(&self) -> bool {
        self.codes.1 == 0 && self.typed_lines == 0 && self.share_count().0 > 0
    }
}

/// A recovery in progress.
#[derive(Debug, Default)]
pub struct Recovery {
    kit: Option<KitId>,
    codes: Assembler,
    typed: Vec<String>,
    shares: Collector,
}

/// The most characters of input one recovery reads: far more than any kit (99 codes of
/// 1000 characters, their typed lines and 16 shares).
pub const MAX_INPUT_CHARS: usize = 1 << 20;

impl Recovery {
    /// An empty recovery.
    pub fn new() -> Recovery {
        Recovery::default()
    }

    /// Reads one text (a decoded QR code, a scanned page's codes, a typed file).
    /// Nothing from a text that fails is kept, so the person can fix it and add it
    /// again.
    ///
    /// # Errors
    /// [`KitError::Chunk`] / [`KitError::OtherKit`] for a bad or foreign code,
    /// [`KitError::Share`] for a bad, foreign or repeated share (naming the word),
    /// [`KitError::BadKitId`], and [`KitError::Document`] for text that is none of
    /// these or too long.
    pub fn add_text(&mut self, text: &str) -> Result<Added, KitError> {
        if text.chars().count() > MAX_INPUT_CHARS {
            return Err(KitError::Document {
                line: 0,
                reason: "the input is far longer than any kit".to_owned(),
            });
        }
        // Work on copies, so that a failure leaves the recovery as it was.
        let mut codes = Vec::new();
        let mut typed_lines = Vec::new();
        let mut shares: Vec<Zeroizing<String>> = Vec::new();
        let mut kit = self.kit;
        for paragraph in paragraphs(text) {
            let mut words = Zeroizing::new(Vec::<String>::new());
            for line in paragraph {
                if line.starts_with(&format!("{} ", chunk::PREFIX)) {
                    codes.push(line.to_owned());
                } else if is_typed_line(line) {
                    typed_lines.push(line.to_owned());
                } else if let Some(id) = line.split_whitespace().find_map(kit_id_token) {
                    // A line naming the kit ("Kit: KW-28T5-CY4T"); the rest is a label.
                    let id: KitId = id.parse()?;
                    if let Some(expected) = kit.filter(|k| *k != id) {
                        return Err(KitError::OtherKit {
                            expected,
                            found: id,
                        });
                    }
                    kit = Some(id);
                } else {
                    words.extend(
                        line.split_whitespace()
                            .filter(|t| !is_numbering(t))
                            .map(|t| t.trim_end_matches([',', '.']).to_lowercase()),
                    );
                }
            }
            if !words.is_empty() {
                shares.push(Zeroizing::new(words.join(" ")));
            }
        }
        if codes.is_empty() && typed_lines.is_empty() && shares.is_empty() && kit == self.kit {
            return Err(KitError::Document {
                line: 0,
                reason: "found no kit code, typed line, share or kit id in it".to_owned(),
            });
        }
        let mut assembler = self.codes.clone();
        let mut added = Added::default();
        for code in &codes {
            if assembler.add(code)? {
                added.codes += 1;
            }
            if let (Some(k), Some(c)) = (kit, assembler.kit())
                && k != c
            {
                return Err(KitError::OtherKit {
                    expected: k,
                    found: c,
                });
            }
            kit = kit.or(assembler.kit());
        }
        let mut collector = self.shares.clone();
        for share in &shares {
            collector.add(share)?;
            added.shares += 1;
        }
        added.typed_lines = typed_lines.len();
        self.kit = kit;
        self.codes = assembler;
        self.typed.extend(typed_lines);
        self.shares = collector;
        Ok(added)
    }

    /// How far the recovery is.
    pub fn status(&self) -> Status {
        let (read, count) = self.codes.progress();
        Status {
            kit: self.kit,
            codes: (read, count),
            typed_lines: self.typed.len(),
            shares: self.shares.progress(),
        }
    }

    /// The master secret of the shares read: for a vault recovery kit, what opens the
    /// vault ([`crate::LockedVault::recover`]). Secret.
    ///
    /// # Errors
    /// [`KitError::Share`] when no shares, or too few, were read.
    pub fn master_secret(&self) -> Result<Zeroizing<Vec<u8>>, KitError> {
        Ok(self.shares.combine(b"")?)
    }

    /// The payload: from the codes when they are complete, else from the typed lines.
    ///
    /// # Errors
    /// [`KitError::MissingChunks`] naming the codes still missing (when no typed lines
    /// were given), [`KitError::TypedLine`] for a typo, [`KitError::BadKitId`] when
    /// typed lines came without their kit id.
    pub fn payload(&self) -> Result<Vec<u8>, KitError> {
        let from_codes = self.codes.finish();
        if from_codes.is_ok() || self.typed.is_empty() {
            return from_codes;
        }
        let kit = self.kit.ok_or_else(|| KitError::BadKitId {
            given: "typed lines need the kit id printed above them (KW-XXXX-XXXX)".to_owned(),
        })?;
        typed::read(kit, &self.typed.join("\n"))
    }

    /// Opens the kit: the payload, decrypted with the shares' master secret (split
    /// kits), the `passphrase` (personal kits) or the age `identity` (escrow kits), read
    /// as a recovery document whose keys all match their fingerprints and whose kit id
    /// is the one read.
    ///
    /// # Errors
    /// As [`Recovery::payload`]; [`KitError::Share`] when shares are too few;
    /// [`KitError::WrongKey`]; [`KitError::Document`]; [`KitError::FingerprintMismatch`].
    pub fn open(
        &self,
        passphrase: Option<&str>,
        identity: Option<&str>,
    ) -> Result<KitDocument, KitError> {
        let payload = self.payload()?;
        let hex;
        let key = if !envelope::is_encrypted(&payload) {
            None
        } else if self.shares.shares().next().is_some() {
            let secret = self.shares.combine(b"")?;
            hex = Zeroizing::new(crate::vault::hex(&secret));
            Some(envelope::Key::Passphrase(hex.as_str()))
        } else if let Some(p) = passphrase {
            Some(envelope::Key::Passphrase(p.trim()))
        } else {
            identity.map(envelope::Key::Identity)
        };
        let plain = envelope::open(&payload, key)?;
        let text = std::str::from_utf8(&plain).map_err(|_| KitError::Document {
            line: 0,
            reason: "the decrypted payload is not text".to_owned(),
        })?;
        let document = KitDocument::parse(text)?;
        if let Some(kit) = self.kit
            && kit != document.kit
        {
            return Err(KitError::OtherKit {
                expected: kit,
                found: document.kit,
            });
        }
        for entry in &document.entries {
            entry.key()?;
        }
        Ok(document)
    }
}

/// Non-empty trimmed lines, grouped into paragraphs at blank lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![Vec::new()];
    for line in text.lines().map(str::trim) {
        match (line.is_empty(), out.last_mut()) {
            (true, Some(last)) if !last.is_empty() => out.push(Vec::new()),
            (false, Some(last)) => last.push(line),
            _ => {}
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// `07 <base64> 3f9a`: two digits, base64, four hex digits.
fn is_typed_line(line: &str) -> bool {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let [number, data, check] = parts[..] else {
        return false;
    };
    number.len() == 2
        && number.bytes().all(|b| b.is_ascii_digit())
        && !data.is_empty()
        && data.len() <= typed::LINE_CHARS
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
        && check.len() == 4
        && check.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A token that looks like a kit id (`KW-XXXX-XXXX`, any case, maybe followed by
/// punctuation).
fn kit_id_token(token: &str) -> Option<&str> {
    let t = token.trim_end_matches([',', '.', ';', ':']);
    // `get`, not `[..3]`: the third byte may be inside a character.
    (t.len() == 12 && t.get(..3)?.eq_ignore_ascii_case("KW-")).then_some(t)
}

/// `1`, `12.`, `3)`: the numbers printed before share words.
fn is_numbering(token: &str) -> bool {
    let t = token.trim_end_matches(['.', ')', ':']);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn lines_are_classified() {
        assert!(is_typed_line(
            "07 YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNjcnlwdCBk 3f9a"
        ));
        assert!(!is_typed_line("07 academic acid acne"));
        assert!(!is_typed_line("7 YWdl 3f9a"));
        assert_eq!(kit_id_token("KW-28T5-CY4T,"), Some("KW-28T5-CY4T"));
        assert_eq!(kit_id_token("academic"), None);
        assert!(is_numbering("12."));
        assert!(!is_numbering("acid"));
    }

    /// Issue 5 (fuzzing): a 12-byte token whose third byte is inside a character
    /// panicked on slicing.
    #[test]
    fn issue_5_a_token_with_a_character_across_byte_3_is_no_kit_id() {
        assert_eq!(kit_id_token("aé456789012"), None);
        let mut r = Recovery::new();
        assert!(r.add_text("Y\u{fffd}x\u{fffd}\u{fffd}x").is_err());
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        let p = paragraphs("a b\n  \nc\nd\n\n\ne\n");
        assert_eq!(p, vec![vec!["a b"], vec!["c", "d"], vec!["e"]]);
    }

    #[test]
    fn text_with_nothing_of_a_kit_is_refused() {
        let mut r = Recovery::new();
        assert!(matches!(r.add_text("\n\n"), Err(KitError::Document { .. })));
        assert!(matches!(r.add_text("hello world"), Err(KitError::Share(_))));
        assert_eq!(r.status().share_count(), (0, 0));
    }

    #[test]
    fn a_second_kit_id_is_refused() {
        let mut r = Recovery::new();
        r.add_text("Kit KW-28T5-CY4T").unwrap();
        assert!(matches!(
            r.add_text("KW-28T5-CY4V"),
            Err(KitError::OtherKit { .. })
        ));
        assert_eq!(r.status().kit, Some("KW-28T5-CY4T".parse().unwrap()));
    }
}
