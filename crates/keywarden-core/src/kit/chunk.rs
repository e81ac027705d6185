//! QR payload chunks: the payload in base64, cut into pieces that each fit one QR code,
//! every piece labelled with the kit id and `i/n`:
//!
//! ```text
//! KW1 KW-28T5-CY4T 01/03 YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNjcnlwdC...
//! ```
//!
//! Each piece holds a whole number of 3-byte groups (except the last), so the pieces'
//! base64 texts, put in order and joined, are the payload's base64. Without Keywarden:
//!
//! ```sh
//! for f in sheet-*.png; do zbarimg --raw -q "$f"; done | grep '^KW1 ' \
//!   | sort -u | sort -k3,3 | cut -d' ' -f4 | tr -d '\n' | base64 -d > kit.age
//! ```

use std::collections::BTreeMap;

use base64ct::{Base64, Encoding};

use super::{KitError, KitId};

/// The first word of every chunk: Keywarden kit format 1.
pub const PREFIX: &str = "KW1";
/// The most characters a chunk may have: what one QR code carries comfortably.
pub const MAX_CHUNK_CHARS: usize = 1000;
/// The most chunks a kit may have.
pub const MAX_CHUNKS: usize = 99;

/// The chunks of `payload`, each at most `max_chars` characters long (at least 64).
///
/// # Errors
/// [`KitError::Chunk`] when the payload needs more than [`MAX_CHUNKS`] chunks.
pub fn split(kit: KitId, payload: &[u8], max_chars: usize) -> Result<Vec<String>, KitError> {
    let header = format!("{PREFIX} {kit} 00/00 ").len();
    let room = max_chars.clamp(64, MAX_CHUNK_CHARS).saturating_sub(header);
    // Base64 turns 3 bytes into 4 characters; keep pieces on 3-byte boundaries.
    let bytes_per_chunk = (room / 4 * 3).max(3);
    let pieces: Vec<&[u8]> = if payload.is_empty() {
        vec![&[]]
    } else {
        payload.chunks(bytes_per_chunk).collect()
    };
    if pieces.len() > MAX_CHUNKS {
        return Err(KitError::Chunk {
            reason: format!(
                "the payload needs {} QR codes; at most {MAX_CHUNKS} fit a kit",
                pieces.len()
            ),
        });
    }
    let n = pieces.len();
    Ok(pieces
        .iter()
        .enumerate()
        .map(|(i, piece)| {
            format!(
                "{PREFIX} {kit} {:02}/{n:02} {}",
                i + 1,
                Base64::encode_string(piece)
            )
        })
        .collect())
}

/// One chunk, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// The kit it belongs to.
    pub kit: KitId,
    /// Its position, from 1.
    pub index: usize,
    /// How many chunks the kit has.
    pub count: usize,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl Chunk {
    /// Reads one chunk's text (as a QR code decodes it).
    ///
    /// # Errors
    /// [`KitError::Chunk`] saying what is wrong with it.
    pub fn parse(text: &str) -> Result<Chunk, KitError> {
        let bad = |reason: &str| KitError::Chunk {
            reason: reason.to_owned(),
        };
        let mut fields = text.trim().split(' ');
        if fields.next() != Some(PREFIX) {
            return Err(bad("not a Keywarden kit code (it should start with KW1)"));
        }
        let kit: KitId = fields
            .next()
            .ok_or_else(|| bad("the kit id is missing"))?
            .parse()?;
        let (index, count) = fields
            .next()
            .and_then(|f| f.split_once('/'))
            .and_then(|(i, n)| Some((i.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .ok_or_else(|| bad("the position i/n is missing or not numbers"))?;
        if count == 0 || count > MAX_CHUNKS || index == 0 || index > count {
            return Err(bad("the position i/n is out of range"));
        }
        let data = fields.next().unwrap_or("");
        if fields.next().is_some() {
            return Err(bad("unexpected text after the data"));
        }
        let bytes = Base64::decode_vec(data).map_err(|_| bad("the data is not valid base64"))?;
        Ok(Chunk {
            kit,
            index,
            count,
            bytes,
        })
    }
}

/// Collects chunks in any order, from any number of scans, until the payload is whole.
#[derive(Debug, Default, Clone)]
pub struct Assembler {
    kit: Option<(KitId, usize)>,
    parts: BTreeMap<usize, Vec<u8>>,
}

impl Assembler {
    /// An empty assembler.
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// Adds a chunk's text. Returns `true` when the chunk was new, `false` for an exact
    /// repeat (the same code scanned twice).
    ///
    /// # Errors
    /// [`KitError::Chunk`] for a malformed chunk, one of another kit, or one that
    /// disagrees with a chunk already read at the same position. Nothing is added.
    pub fn add(&mut self, text: &str) -> Result<bool, KitError> {
        let chunk = Chunk::parse(text)?;
        match self.kit {
            Some((kit, _)) if kit != chunk.kit => {
                return Err(KitError::OtherKit {
                    expected: kit,
                    found: chunk.kit,
                });
            }
            Some((_, count)) if count != chunk.count => {
                return Err(KitError::Chunk {
                    reason: format!(
                        "code {}/{} disagrees with the others, which count {count} codes",
                        chunk.index, chunk.count
                    ),
                });
            }
            _ => {}
        }
        if let Some(existing) = self.parts.get(&chunk.index) {
            if *existing == chunk.bytes {
                return Ok(false);
            }
            return Err(KitError::Chunk {
                reason: format!(
                    "two different codes claim to be {}/{}",
                    chunk.index, chunk.count
                ),
            });
        }
        self.kit = Some((chunk.kit, chunk.count));
        self.parts.insert(chunk.index, chunk.bytes);
        Ok(true)
    }

    /// The kit, once a chunk has been read.
    pub fn kit(&self) -> Option<KitId> {
        self.kit.map(|(k, _)| k)
    }

    /// `(read, expected)`: how many distinct chunks are in, out of how many.
    pub fn progress(&self) -> (usize, usize) {
        (self.parts.len(), self.kit.map_or(0, |(_, n)| n))
    }

    /// The positions still missing, from 1.
    pub fn missing(&self) -> Vec<usize> {
        let count = self.kit.map_or(0, |(_, n)| n);
        (1..=count)
            .filter(|i| !self.parts.contains_key(i))
            .collect()
    }

    /// The payload, once every chunk is in.
    ///
    /// # Errors
    /// [`KitError::MissingChunks`] naming the positions still missing.
    pub fn finish(&self) -> Result<Vec<u8>, KitError> {
        let missing = self.missing();
        if self.kit.is_none() || !missing.is_empty() {
            return Err(KitError::MissingChunks {
                missing,
                count: self.kit.map_or(0, |(_, n)| n),
            });
        }
        Ok(self.parts.values().flatten().copied().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn chunks_fit_their_limit_and_reassemble_in_any_order() {
        let kit = KitId::from_bits(42);
        for (size, limit) in [(0, 1000), (1, 1000), (700, 1000), (5000, 1000), (5000, 300)] {
            let data = payload(size);
            let chunks = split(kit, &data, limit).unwrap();
            assert!(chunks.iter().all(|c| c.len() <= limit), "{size}/{limit}");
            let mut a = Assembler::new();
            for c in chunks.iter().rev() {
                assert!(a.add(c).unwrap());
            }
            assert!(!a.add(&chunks[0]).unwrap(), "a repeat is not new");
            assert_eq!(a.finish().unwrap(), data);
            // Joining the base64 fields in order is the payload's base64.
            let joined: String = chunks
                .iter()
                .map(|c| c.rsplit(' ').next().unwrap())
                .collect();
            assert_eq!(Base64::decode_vec(&joined).unwrap(), data);
        }
    }

    #[test]
    fn other_kits_gaps_and_conflicts_are_named() {
        let data = payload(3000);
        let ours = split(KitId::from_bits(1), &data, 500).unwrap();
        let theirs = split(KitId::from_bits(2), &data, 500).unwrap();
        let mut a = Assembler::new();
        a.add(&ours[0]).unwrap();
        assert!(matches!(a.add(&theirs[1]), Err(KitError::OtherKit { .. })));
        match a.finish() {
            Err(KitError::MissingChunks { missing, count }) => {
                assert_eq!(count, ours.len());
                assert_eq!(missing, (2..=ours.len()).collect::<Vec<_>>());
            }
            other => panic!("{other:?}"),
        }
        let forged = ours[1].replace(
            ours[1].rsplit(' ').next().unwrap(),
            &Base64::encode_string(b"forged"),
        );
        a.add(&ours[1]).unwrap();
        assert!(a.add(&forged).is_err());
        assert_eq!(a.progress(), (2, ours.len()));
    }

    #[test]
    fn malformed_chunks_are_refused() {
        for bad in [
            "",
            "KW2 KW-0000-0001 01/01 AAAA",
            "KW1 KW-NOT!-ANID 01/01 AAAA",
            "KW1 KW-0000-0001 1-1 AAAA",
            "KW1 KW-0000-0001 00/01 AAAA",
            "KW1 KW-0000-0001 02/01 AAAA",
            "KW1 KW-0000-0001 01/01 A!AA",
            "KW1 KW-0000-0001 01/01 AAAA extra",
        ] {
            assert!(Chunk::parse(bad).is_err(), "{bad:?}");
        }
        let too_big = payload(MAX_CHUNKS * 100);
        assert!(split(KitId::from_bits(1), &too_big, 64).is_err());
    }
}
