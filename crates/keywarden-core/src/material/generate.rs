//! Fresh key material from the operating system's CSPRNG.

use base64ct::{Base64UrlUnpadded, Encoding as _};
use p256::elliptic_curve::Generate as _;
use zeroize::Zeroizing;

use crate::algorithm::Algorithm;
use crate::random;

use super::error::MaterialError;
use super::keypair::Keypair;
use super::stored::Encoding;
use super::words;

/// The characters of a generated password: printable ASCII, `!` (0x21) to `~` (0x7E),
/// 94 characters, so each carries log2(94) ≈ 6.55 bits.
pub const PASSWORD_ALPHABET: std::ops::RangeInclusive<u8> = 0x21..=0x7E;

/// Characters in a generated password: 24 × 6.55 ≈ 157 bits.
pub const PASSWORD_CHARS: usize = 24;

/// Words in a generated diceware passphrase: 10 × log2(7776) ≈ 129 bits.
pub const DICEWARE_WORDS: usize = 10;

/// The prefix of a generated API token, so that secret scanners can find leaked tokens.
pub const API_TOKEN_PREFIX: &str = "kw_";

/// Random bytes in a generated API token (256 bits).
pub const API_TOKEN_BYTES: usize = 32;

/// The stored blob (tag and body) of a fresh key of `algorithm`.
pub(crate) fn stored(algorithm: Algorithm) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
    let encoding = Encoding::for_algorithm(algorithm);
    let mut out = Zeroizing::new(vec![encoding.tag()]);
    match algorithm {
        Algorithm::Aes128
        | Algorithm::Aes256
        | Algorithm::ChaCha20
        | Algorithm::HmacSha256
        | Algorithm::HmacSha512 => {
            let len = algorithm.symmetric_key_len().unwrap_or(32);
            let mut key = Zeroizing::new(vec![0u8; len]);
            random::fill(&mut key);
            out.extend_from_slice(&key);
        }
        Algorithm::AgeX25519 => {
            let scalar = Zeroizing::new(random::array::<32>());
            out.extend_from_slice(&scalar[..]);
        }
        Algorithm::Ed25519
        | Algorithm::X25519
        | Algorithm::EcdsaP256
        | Algorithm::EcdsaP384
        | Algorithm::Rsa2048
        | Algorithm::Rsa3072
        | Algorithm::Rsa4096 => {
            let der = keypair(algorithm)?.to_pkcs8_der()?;
            out.extend_from_slice(&der);
        }
        Algorithm::Password => out.extend_from_slice(password().as_bytes()),
        Algorithm::Diceware => out.extend_from_slice(diceware().as_bytes()),
        Algorithm::ApiToken => out.extend_from_slice(api_token().as_bytes()),
    }
    Ok(out)
}

fn keypair(algorithm: Algorithm) -> Result<Keypair, MaterialError> {
    let mut rng = random::OsRng;
    let rsa = |bits: usize| {
        rsa::PrivateKey::new(&mut random::OsRng, bits)
            .map(Keypair::Rsa)
            .map_err(|_| MaterialError::Crypto {
                algorithm,
                action: "generated",
            })
    };
    Ok(match algorithm {
        Algorithm::Ed25519 => {
            let seed = Zeroizing::new(random::array::<32>());
            Keypair::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
        }
        Algorithm::X25519 => {
            let scalar = random::array::<32>();
            Keypair::X25519(x25519_dalek::StaticSecret::from(scalar))
        }
        Algorithm::EcdsaP256 => Keypair::P256(p256::SecretKey::generate_from_rng(&mut rng)),
        Algorithm::EcdsaP384 => Keypair::P384(p384::SecretKey::generate_from_rng(&mut rng)),
        Algorithm::Rsa2048 => rsa(2048)?,
        Algorithm::Rsa3072 => rsa(3072)?,
        Algorithm::Rsa4096 => rsa(4096)?,
        _ => {
            return Err(MaterialError::Crypto {
                algorithm,
                action: "generated",
            });
        }
    })
}

/// 24 characters drawn uniformly from [`PASSWORD_ALPHABET`].
fn password() -> Zeroizing<String> {
    let start = u32::from(*PASSWORD_ALPHABET.start());
    let size = u32::from(*PASSWORD_ALPHABET.end()) - start + 1;
    let mut out = Zeroizing::new(String::with_capacity(PASSWORD_CHARS));
    for _ in 0..PASSWORD_CHARS {
        let code = start + random::below(size);
        out.push(char::from_u32(code).unwrap_or('!'));
    }
    out
}

/// 10 words drawn uniformly from the EFF large word list, separated by single spaces.
fn diceware() -> Zeroizing<String> {
    let words = words::eff_large_words();
    // Longest EFF word is 9 letters: room for all without reallocating.
    let mut out = Zeroizing::new(String::with_capacity(DICEWARE_WORDS * 10));
    let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
    for i in 0..DICEWARE_WORDS {
        if i > 0 {
            out.push(' ');
        }
        let index = random::below(count) as usize;
        out.push_str(words.get(index).copied().unwrap_or("abacus"));
    }
    out
}

/// `kw_` and 32 random bytes in base64url without padding (43 characters).
fn api_token() -> Zeroizing<String> {
    let bytes = Zeroizing::new(random::array::<API_TOKEN_BYTES>());
    let mut body = Zeroizing::new([0u8; 43]);
    let encoded = Base64UrlUnpadded::encode(&bytes[..], &mut body[..]).unwrap_or_default();
    let mut out = Zeroizing::new(String::with_capacity(API_TOKEN_PREFIX.len() + 43));
    out.push_str(API_TOKEN_PREFIX);
    out.push_str(encoded);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_use_the_whole_alphabet_and_nothing_else() {
        let mut seen = [false; 128];
        for _ in 0..200 {
            let p = password();
            assert_eq!(p.len(), PASSWORD_CHARS);
            for b in p.bytes() {
                assert!(PASSWORD_ALPHABET.contains(&b));
                seen[usize::from(b)] = true;
            }
        }
        // 4,800 draws from 94 characters: every one shows up (miss chance ~ 1e-19).
        let mut alphabet = PASSWORD_ALPHABET;
        assert!(alphabet.all(|b| seen[usize::from(b)]));
    }

    #[test]
    fn diceware_passphrases_are_ten_listed_words() {
        let words = words::eff_large_words();
        let d = diceware();
        let parts: Vec<_> = d.split(' ').collect();
        assert_eq!(parts.len(), DICEWARE_WORDS);
        assert!(parts.iter().all(|w| words.contains(w)));
        assert!(d.len() <= DICEWARE_WORDS * 10);
    }

    #[test]
    fn api_tokens_are_prefixed_base64url() {
        let t = api_token();
        assert_eq!(t.len(), 46);
        let body = t.strip_prefix(API_TOKEN_PREFIX).unwrap();
        assert_eq!(Base64UrlUnpadded::decode_vec(body).unwrap().len(), 32);
        assert_ne!(*t, *api_token());
    }
}
