//! Public keys read on their own: strict checks of every way in, and the stored
//! encoding of a key whose private part lives elsewhere.

use base64ct::{Base64UrlUnpadded, Encoding as _};
use keywarden_core::Algorithm;
use keywarden_core::material::{Encoding, Format, Jwk, MaterialError, PublicKey, SecretKey};

fn public_of(algorithm: Algorithm) -> PublicKey {
    SecretKey::generate(algorithm)
        .unwrap()
        .public_key()
        .unwrap()
}

fn malformed(result: Result<PublicKey, MaterialError>, words: &str) {
    match result {
        Err(e @ MaterialError::Malformed { .. }) => {
            assert!(e.to_string().contains(words), "{e}");
        }
        other => panic!("expected a malformed key naming {words:?}, got {other:?}"),
    }
}

#[test]
fn files_that_are_not_public_keys_are_named() {
    let key = SecretKey::generate(Algorithm::EcdsaP256).unwrap();
    let private = key.export(Format::Pkcs8Pem, "").unwrap();
    malformed(
        PublicKey::import(&private, Format::SpkiPem, None),
        "a private key",
    );
    malformed(
        PublicKey::import(&private, Format::Pkcs8Pem, None),
        "a private format",
    );
    let pkcs1 = b"-----BEGIN RSA PUBLIC KEY-----\nMAA=\n-----END RSA PUBLIC KEY-----\n";
    malformed(PublicKey::import(pkcs1, Format::SpkiPem, None), "PKCS#1");
    let cert = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
    malformed(
        PublicKey::import(cert, Format::SpkiPem, None),
        "certificate",
    );
    let ssh2 = b"---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n";
    malformed(
        PublicKey::import(ssh2, Format::OpenSshPublic, None),
        "RFC 4716",
    );
    malformed(
        PublicKey::import(b"ssh-ed25519 AAAA", Format::OpenSshPublic, None),
        "not an OpenSSH public key line",
    );
    malformed(
        PublicKey::import(b"", Format::AgeRecipient, None),
        "no age1 line",
    );
    malformed(
        PublicKey::import(&[0xff; 3], Format::SpkiPem, None),
        "not UTF-8",
    );
    malformed(
        PublicKey::import(&[0x30, 0], Format::SpkiDer, None),
        "X.509",
    );
}

#[test]
fn damaged_and_truncated_spkis_are_refused() {
    for algorithm in [
        Algorithm::Ed25519,
        Algorithm::X25519,
        Algorithm::EcdsaP256,
        Algorithm::EcdsaP384,
        Algorithm::Rsa2048,
    ] {
        let der = public_of(algorithm).spki_der().to_vec();
        for len in [0, 1, der.len() / 2, der.len() - 1] {
            assert!(
                PublicKey::import(&der[..len], Format::SpkiDer, None).is_err(),
                "{algorithm} cut to {len}"
            );
        }
        let mut longer = der.clone();
        longer.push(0);
        assert!(PublicKey::import(&longer, Format::SpkiDer, None).is_err());
    }
    // An EC point off the curve: the last byte of y changed.
    let mut der = public_of(Algorithm::EcdsaP256).spki_der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    malformed(PublicKey::import(&der, Format::SpkiDer, None), "P-256");
}

#[test]
fn the_hint_must_agree() {
    let public = public_of(Algorithm::Ed25519);
    let pem = public.export(Format::SpkiPem, "").unwrap();
    assert!(matches!(
        PublicKey::import(&pem, Format::SpkiPem, Some(Algorithm::EcdsaP256)),
        Err(MaterialError::AlgorithmMismatch { .. })
    ));
    // X25519 and age are one key in two guises.
    let age = public_of(Algorithm::AgeX25519);
    let der = age.spki_der();
    let plain = PublicKey::import(der, Format::SpkiDer, None).unwrap();
    assert_eq!(plain.algorithm(), Algorithm::X25519);
    let as_age = PublicKey::import(der, Format::SpkiDer, Some(Algorithm::AgeX25519)).unwrap();
    assert_eq!(as_age, age);
    assert!(as_age.fingerprint().to_string().starts_with("age1"));
}

#[test]
fn public_jwks_are_checked() {
    let bad = |json: &str| {
        let jwk: Jwk = serde_json::from_str(json).unwrap();
        PublicKey::from_jwk(&jwk, None).unwrap_err()
    };
    let b64 = |bytes: &[u8]| Base64UrlUnpadded::encode_string(bytes);
    let x = b64(&[1u8; 32]);
    let y = b64(&[2u8; 32]);
    let off_curve = bad(&format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}"}}"#
    ));
    assert!(
        matches!(off_curve, MaterialError::BadJwk { .. }),
        "{off_curve}"
    );
    let short = bad(&format!(
        r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
        b64(&[1u8; 31])
    ));
    assert!(matches!(short, MaterialError::BadJwk { .. }), "{short}");
    assert!(matches!(
        bad(r#"{"kty":"oct"}"#),
        MaterialError::BadJwk { .. }
    ));
    assert!(matches!(
        bad(r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#),
        MaterialError::Unsupported { .. }
    ));
    // An RSA modulus of 1024 bits is not one Keywarden keeps.
    let mut n = vec![0xc3u8; 128];
    n[127] |= 1;
    let rsa = bad(&format!(r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#, b64(&n)));
    assert!(rsa.to_string().contains("1024 bits"), "{rsa}");
}

#[test]
fn stored_public_keys_are_checked_strictly() {
    let public = public_of(Algorithm::EcdsaP384);
    let stored = public.to_stored();
    assert_eq!(stored[0], Encoding::Spki.tag());
    assert_eq!(&stored[1..], public.spki_der());
    assert_eq!(
        PublicKey::from_stored(Algorithm::EcdsaP384, &stored).unwrap(),
        public
    );
    let refused = |algorithm, blob: &[u8]| {
        matches!(
            PublicKey::from_stored(algorithm, blob),
            Err(MaterialError::BadStoredEncoding { .. })
        )
    };
    assert!(refused(Algorithm::EcdsaP256, &stored), "another algorithm");
    assert!(refused(Algorithm::EcdsaP384, &[]));
    assert!(refused(Algorithm::EcdsaP384, &stored[..stored.len() - 1]));
    let mut tag = stored.clone();
    tag[0] = Encoding::Pkcs8.tag();
    assert!(refused(Algorithm::EcdsaP384, &tag));
    // A public key is never taken for a secret.
    assert!(matches!(
        SecretKey::from_stored(Algorithm::EcdsaP384, &stored),
        Err(MaterialError::BadStoredEncoding { .. })
    ));
}
