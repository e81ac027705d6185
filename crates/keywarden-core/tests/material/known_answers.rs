//! Known answers from the RFCs, and golden values that must never change.

use keywarden_core::Algorithm;
use keywarden_core::material::{Fingerprint, Format, Jwk, SecretKey};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 8032 section 7.1 TEST 1 (the same key as RFC 8037 appendix A.1).
const ED25519_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const ED25519_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/// RFC 7748 section 6.1: Alice's X25519 key pair.
const X25519_SECRET: &str = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const X25519_PUBLIC: &str = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

#[test]
fn ed25519_from_the_rfc_8037_jwk_has_the_rfc_public_key() {
    // RFC 8037 appendix A.1, the private key as JSON.
    let json = r#"{"kty":"OKP","crv":"Ed25519",
        "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let jwk: Jwk = serde_json::from_str(json).unwrap();
    let key = SecretKey::from_jwk(&jwk, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::Ed25519);
    let public = key.public_key().unwrap();
    // RFC 8410 SubjectPublicKeyInfo: the fixed 12-byte prefix, then the RFC 8032 key.
    let mut spki = hex("302a300506032b6570032100");
    spki.extend_from_slice(&hex(ED25519_PUBLIC));
    assert_eq!(public.spki_der(), spki);
    let out = key.to_jwk(true).unwrap();
    assert_eq!(out.x, jwk.x);
    assert_eq!(out.d, jwk.d);
    // The canonical PKCS#8 v1 of RFC 8410 section 10.3's layout.
    let mut pkcs8 = hex("302e020100300506032b657004220420");
    pkcs8.extend_from_slice(&hex(ED25519_SECRET));
    assert_eq!(&key.export(Format::Pkcs8Der, "").unwrap()[..], pkcs8);
    assert_eq!(key.to_stored()[0], 0x02);
    assert_eq!(&key.to_stored()[1..], pkcs8);
    // A wrong x is refused.
    let mut wrong: Jwk = serde_json::from_str(json).unwrap();
    wrong.x = Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned());
    assert!(SecretKey::from_jwk(&wrong, None).is_err());
}

#[test]
fn ed25519_openssh_public_key_and_fingerprint_are_stable() {
    let mut pkcs8 = hex("302e020100300506032b657004220420");
    pkcs8.extend_from_slice(&hex(ED25519_SECRET));
    let key = SecretKey::import(&pkcs8, Format::Pkcs8Der, None).unwrap();
    let line = key.export(Format::OpenSshPublic, "rfc8032").unwrap();
    // "ssh-ed25519" blob: string "ssh-ed25519" || string public key, base64.
    assert_eq!(
        std::str::from_utf8(&line).unwrap(),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea rfc8032\n"
    );
    let spki_digest = key.fingerprints()[0].to_string();
    assert_eq!(spki_digest.len(), 64);
    // SHA-256 of the SSH blob, as `ssh-keygen -l -E sha256` prints it (checked by the
    // interop tests against ssh-keygen itself).
    let ssh = key.fingerprints()[1].to_string();
    assert!(ssh.starts_with("SHA256:"), "{ssh}");
}

#[test]
fn x25519_from_rfc_7748_alice() {
    let mut pkcs8 = hex("302e020100300506032b656e04220420");
    pkcs8.extend_from_slice(&hex(X25519_SECRET));
    let key = SecretKey::import(&pkcs8, Format::Pkcs8Der, None).unwrap();
    assert_eq!(key.algorithm(), Algorithm::X25519);
    let mut spki = hex("302a300506032b656e032100");
    spki.extend_from_slice(&hex(X25519_PUBLIC));
    assert_eq!(key.public_key().unwrap().spki_der(), spki);
    assert_eq!(&key.export(Format::Pkcs8Der, "").unwrap()[..], pkcs8);
    // The same scalar as an age identity: stored as the bare scalar (tag 0x03), and
    // the recipient is Bech32 of RFC 7748's public key.
    let age = SecretKey::import(&pkcs8, Format::Pkcs8Der, Some(Algorithm::AgeX25519)).unwrap();
    let mut stored = vec![0x03];
    stored.extend_from_slice(&hex(X25519_SECRET));
    assert_eq!(age.to_stored(), stored);
    let Fingerprint::AgeRecipient(recipient) = age.fingerprint() else {
        panic!("an age identity is named by its recipient");
    };
    assert!(
        recipient.starts_with("age1") && recipient.len() == 62,
        "{recipient}"
    );
    let jwk = key.to_jwk(false).unwrap();
    assert_eq!(
        jwk.x.as_deref(),
        Some("hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo")
    );
}

#[test]
fn kcv_golden_values() {
    // HMAC-SHA-256(key, "keywarden/v1/kcv"), first 8 bytes, computed independently with
    // Python's hmac module.
    let key = |alg: Algorithm, bytes: &[u8]| {
        let mut blob = vec![0x01];
        blob.extend_from_slice(bytes);
        SecretKey::from_stored(alg, &blob)
            .unwrap()
            .fingerprint()
            .to_string()
    };
    assert_eq!(key(Algorithm::Aes256, &[0u8; 32]), "34937468ff5747c7");
    let counting: Vec<u8> = (0..32).collect();
    assert_eq!(key(Algorithm::HmacSha256, &counting), "c312d12290b40b89");
    let password = SecretKey::import(
        b"correct horse battery staple",
        Format::Text,
        Some(Algorithm::Diceware),
    )
    .unwrap();
    assert_eq!(password.fingerprint().to_string(), "1b891e7d28394a61");
}
