//! generate → export → import gives the same key, for every algorithm and format.

use keywarden_core::Algorithm;
use keywarden_core::algorithm::Family;
use keywarden_core::material::{
    Fingerprint, Format, Imported, Jwk, MaterialError, PublicKey, SecretKey,
};

use crate::common::{hint, quick_algorithms, through};

fn check_every_format(key: &SecretKey) {
    let algorithm = key.algorithm();
    for format in Format::ALL {
        if !format.supports(algorithm) {
            assert!(
                matches!(
                    key.export(format, ""),
                    Err(MaterialError::FormatNotSupported { .. })
                ),
                "{algorithm} {format}"
            );
            continue;
        }
        let data = key.export(format, "c").unwrap();
        assert!(!data.is_empty());
        if format.is_private() {
            let back = through(key, format);
            assert_eq!(back, *key, "{algorithm} through {format}");
            assert_eq!(back.to_stored(), key.to_stored());
            assert_eq!(back.fingerprint(), key.fingerprint());
            assert_eq!(back.fingerprints(), key.fingerprints());
            if format.is_text() {
                std::str::from_utf8(&data).unwrap();
            }
        } else {
            // Public exports are the public key's: they read back as that public key
            // alone, never as a private key.
            let public = key.public_key().unwrap();
            assert_eq!(*data, public.export(format, "c").unwrap()[..]);
            assert!(matches!(
                SecretKey::import(&data, format, None),
                Err(MaterialError::NoPrivateKey { .. })
            ));
            let back = PublicKey::import(&data, format, hint(format, algorithm))
                .unwrap_or_else(|e| panic!("{algorithm} public in {format}: {e}"));
            assert_eq!(back, public, "{algorithm} public through {format}");
            assert_eq!(back.fingerprints(), key.fingerprints());
            let stored = back.to_stored();
            assert_eq!(PublicKey::from_stored(algorithm, &stored).unwrap(), public);
            assert!(matches!(
                Imported::import(&data, format, hint(format, algorithm)),
                Ok(Imported::Public(p)) if p == public
            ));
        }
    }
}

fn check_jwk(key: &SecretKey) {
    let algorithm = key.algorithm();
    if algorithm.family() == Family::Secret {
        assert!(matches!(
            key.to_jwk(true),
            Err(MaterialError::JwkNotSupported { .. })
        ));
        return;
    }
    let jwk = key.to_jwk(true).unwrap();
    assert!(jwk.is_private());
    let json = serde_json::to_string(&jwk).unwrap();
    let parsed: Jwk = serde_json::from_str(&json).unwrap();
    let needs_hint =
        matches!(algorithm.family(), Family::Symmetric) || algorithm == Algorithm::AgeX25519;
    let back = SecretKey::from_jwk(&parsed, needs_hint.then_some(algorithm)).unwrap();
    assert_eq!(back, *key, "{algorithm} through JWK");
    assert_eq!(back.fingerprint(), key.fingerprint());
    assert!(!format!("{parsed:?}").contains(jwk.d.as_deref().unwrap_or("-")));
    match key.public_key() {
        Some(public) => {
            let public_jwk = key.to_jwk(false).unwrap();
            assert!(!public_jwk.is_private());
            assert_eq!(public_jwk.kid, jwk.kid);
            assert_eq!(public_jwk.x, jwk.x);
            assert_eq!(public_jwk.n, jwk.n);
            assert_eq!(
                public_jwk.kid.as_deref(),
                Some(Fingerprint::of_spki(public.spki_der()).to_string().as_str())
            );
            assert!(matches!(
                SecretKey::from_jwk(&public_jwk, None),
                Err(MaterialError::BadJwk { .. })
            ));
            let hint = (algorithm == Algorithm::AgeX25519).then_some(algorithm);
            let json = serde_json::to_string(&public_jwk).unwrap();
            let parsed: Jwk = serde_json::from_str(&json).unwrap();
            assert_eq!(PublicKey::from_jwk(&parsed, hint).unwrap(), public);
            assert!(matches!(
                Imported::from_jwk(&parsed, hint),
                Ok(Imported::Public(p)) if p == public
            ));
        }
        None => assert!(key.to_jwk(false).is_err()),
    }
}

#[test]
fn every_algorithm_round_trips_through_every_format_it_has() {
    for algorithm in quick_algorithms() {
        let key = SecretKey::generate(algorithm).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        assert_eq!(
            key.public_key().is_some(),
            algorithm.family() == Family::Asymmetric
        );
        check_every_format(&key);
        check_jwk(&key);
        let back = SecretKey::from_stored(algorithm, key.to_stored()).unwrap();
        assert_eq!(back, key);
    }
}

#[test]
fn rsa_4096_round_trips() {
    let key = SecretKey::generate(Algorithm::Rsa4096).unwrap();
    check_every_format(&key);
    check_jwk(&key);
}

#[test]
fn generated_keys_differ() {
    for algorithm in quick_algorithms().filter(|a| !a.id().starts_with("rsa")) {
        let a = SecretKey::generate(algorithm).unwrap();
        let b = SecretKey::generate(algorithm).unwrap();
        assert_ne!(a, b, "{algorithm}");
        assert_ne!(a.fingerprint(), b.fingerprint(), "{algorithm}");
    }
}

#[test]
fn fingerprints_have_their_documented_shapes() {
    for algorithm in quick_algorithms() {
        let key = SecretKey::generate(algorithm).unwrap();
        let all = key.fingerprints();
        assert_eq!(all[0], key.fingerprint());
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        match algorithm.family() {
            Family::Symmetric | Family::Secret => {
                assert_eq!(all.len(), 1);
                assert!(matches!(all[0], Fingerprint::Kcv(_)));
                assert_eq!(shown[0].len(), 16);
            }
            Family::Asymmetric => {
                let spki = all
                    .iter()
                    .find(|f| matches!(f, Fingerprint::Spki(_)))
                    .unwrap()
                    .to_string();
                assert_eq!(spki.len(), 64);
                assert!(
                    spki.bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                );
                let ssh = all.iter().find(|f| matches!(f, Fingerprint::OpenSsh(_)));
                assert_eq!(
                    ssh.is_some(),
                    Format::OpenSshPublic.supports(algorithm),
                    "{algorithm}"
                );
                if let Some(ssh) = ssh {
                    let ssh = ssh.to_string();
                    assert!(ssh.starts_with("SHA256:") && ssh.len() == 50, "{ssh}");
                }
                if algorithm == Algorithm::AgeX25519 {
                    assert!(shown[0].starts_with("age1"));
                }
            }
        }
    }
}

#[test]
fn secrets_have_their_documented_shapes() {
    let text = |a| {
        let key = SecretKey::generate(a).unwrap();
        String::from_utf8(key.export(Format::Text, "").unwrap().to_vec()).unwrap()
    };
    let password = text(Algorithm::Password);
    assert_eq!(password.len(), 24);
    assert!(password.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    let diceware = text(Algorithm::Diceware);
    assert_eq!(diceware.split(' ').count(), 10);
    let token = text(Algorithm::ApiToken);
    assert!(token.starts_with("kw_") && token.len() == 46);
    assert!(
        token[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
}

#[test]
fn debug_output_is_redacted() {
    let key = SecretKey::generate(Algorithm::Password).unwrap();
    let secret = String::from_utf8(key.export(Format::Text, "").unwrap().to_vec()).unwrap();
    let shown = format!("{key:?}");
    assert_eq!(shown, "SecretKey(password, <redacted>)");
    assert!(!shown.contains(&secret));
}

#[test]
fn imports_say_what_they_need() {
    let key = SecretKey::generate(Algorithm::Aes256).unwrap();
    let hex = key.export(Format::RawHex, "").unwrap();
    assert!(matches!(
        SecretKey::import(&hex, Format::RawHex, None),
        Err(MaterialError::AlgorithmNeeded { .. })
    ));
    assert!(matches!(
        SecretKey::import(&hex, Format::RawHex, Some(Algorithm::Aes128)),
        Err(MaterialError::Malformed { .. })
    ));
    // Same length, another algorithm: the hint decides.
    let chacha = SecretKey::import(&hex, Format::RawHex, Some(Algorithm::ChaCha20)).unwrap();
    assert_eq!(chacha.algorithm(), Algorithm::ChaCha20);
    // Upper case and surrounding white space are accepted.
    let upper = format!("  {}\n", std::str::from_utf8(&hex).unwrap().to_uppercase());
    assert_eq!(
        SecretKey::import(upper.as_bytes(), Format::RawHex, Some(Algorithm::Aes256)).unwrap(),
        key
    );
    let ed = SecretKey::generate(Algorithm::Ed25519).unwrap();
    let pem = ed.export(Format::Pkcs8Pem, "").unwrap();
    assert!(matches!(
        SecretKey::import(&pem, Format::Pkcs8Pem, Some(Algorithm::EcdsaP256)),
        Err(MaterialError::AlgorithmMismatch {
            expected: Algorithm::EcdsaP256,
            found: Algorithm::Ed25519
        })
    ));
    let x = SecretKey::generate(Algorithm::X25519).unwrap();
    let err = x.export(Format::OpenSshPrivate, "").unwrap_err();
    assert_eq!(err.to_string(), "X25519 keys have no OpenSSH form");
    // An X25519 key may be taken as an age identity, with the same secret.
    let der = x.export(Format::Pkcs8Der, "").unwrap();
    let age = SecretKey::import(&der, Format::Pkcs8Der, Some(Algorithm::AgeX25519)).unwrap();
    assert_eq!(
        age.public_key().unwrap().spki_der(),
        x.public_key().unwrap().spki_der()
    );
    // Imported text loses one trailing line break, and no more.
    let pw = SecretKey::import(
        b"hunter2 and more\n",
        Format::Text,
        Some(Algorithm::Password),
    )
    .unwrap();
    assert_eq!(
        &pw.export(Format::Text, "").unwrap()[..],
        b"hunter2 and more"
    );
    assert!(SecretKey::import(b"two\nlines", Format::Text, Some(Algorithm::Password)).is_err());
    assert!(SecretKey::import(b"", Format::Text, Some(Algorithm::Password)).is_err());
}

#[test]
fn hints_that_do_not_fit_the_format_are_refused() {
    for algorithm in quick_algorithms() {
        for format in Format::ALL.into_iter().filter(|f| f.is_private()) {
            if format.supports(algorithm) || hint(format, algorithm).is_none() {
                continue;
            }
            assert!(
                matches!(
                    SecretKey::import(b"00", format, Some(algorithm)),
                    Err(MaterialError::FormatNotSupported { .. })
                ),
                "{algorithm} {format}"
            );
        }
    }
}
