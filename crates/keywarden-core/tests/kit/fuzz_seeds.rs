//! The fuzz targets' seed corpora (`fuzz/seeds/<target>/`): real kit data made by the
//! engine, checked here to still be what the targets need (a document that parses, an
//! envelope that opens with the targets' passphrase and identity, codes and typed lines
//! that assemble, shares that combine, texts a recovery takes), so that a format change
//! cannot quietly leave the fuzzers starting from stale data. When one does, rewrite
//! them, and commit the result:
//!
//! ```sh
//! UPDATE_FUZZ_SEEDS=1 cargo test -p keywarden-core --test kit fuzz_seeds
//! ```
//!
//! The keys and shares are random, so each rewrite changes every seed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail by panicking, like the tests that call them; clippy.toml \
              allows it only inside #[test] functions"
)]

use std::path::{Path, PathBuf};

use keywarden_core::algorithm::{Algorithm, Purpose};
use keywarden_core::kit::chunk::{self, Assembler};
use keywarden_core::kit::envelope::{self, Key, Lock};
use keywarden_core::kit::recovery::Recovery;
use keywarden_core::kit::slip39::Collector;
use keywarden_core::kit::{KitDocument, KitEntry, pdf, scan, slip39, typed};
use keywarden_core::material::SecretKey;

/// The fuzz crate's shared constants (kit id, passphrase, identity, separator), read
/// from its source so that seeds and targets cannot disagree.
#[path = "../../../../fuzz/src/lib.rs"]
#[allow(
    dead_code,
    reason = "the fuzz targets' helpers that the seeds do not need"
)]
mod fuzz;

use fuzz::{IDENTITY, PASSPHRASE, RECIPIENT, SEPARATOR, kit};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds")
}

fn read(target: &str, name: &str) -> Vec<u8> {
    let path = seeds().join(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A recovery document with a symmetric key, a key pair, an age identity and a password.
fn document() -> KitDocument {
    let keys = [
        (
            "Payroll export key",
            Algorithm::Aes256,
            Purpose::DataEncryption,
        ),
        ("Deploy signing key", Algorithm::Ed25519, Purpose::Signature),
        (
            "Backup age identity",
            Algorithm::AgeX25519,
            Purpose::KeyAgreement,
        ),
        ("Router admin", Algorithm::Password, Purpose::Secret),
    ];
    let mut entries = Vec::new();
    for (i, (name, algorithm, purpose)) in keys.into_iter().enumerate() {
        let id = format!("0b6b0a8e-3c41-4d1c-9c5a-8f0e3d2b7a1{i}")
            .parse()
            .unwrap();
        let key = SecretKey::generate(algorithm).unwrap();
        entries.push(KitEntry::new(name, id, purpose, 2, &key).unwrap());
    }
    KitDocument {
        kit: kit(),
        generation: 1,
        made_at: "2026-11-28T22:45:00Z".parse().unwrap(),
        entries,
    }
}

/// Texts joined into one input, as the targets split it.
fn join(texts: &[impl AsRef<str>]) -> Vec<u8> {
    texts
        .iter()
        .map(|t| t.as_ref().as_bytes())
        .collect::<Vec<_>>()
        .join(&SEPARATOR)
}

/// The pieces of one input.
fn split(input: &[u8]) -> Vec<String> {
    fuzz::texts(input).collect()
}

/// Writes every seed afresh.
fn write_seeds() {
    let text = document().to_text().unwrap();
    let personal = envelope::seal(
        text.as_bytes(),
        Lock::Passphrase {
            passphrase: PASSPHRASE,
            log_n: envelope::RANDOM_SECRET_LOG_N,
        },
    )
    .unwrap();
    let escrow = envelope::seal(text.as_bytes(), Lock::Recipient(RECIPIENT)).unwrap();
    let codes = chunk::split(kit(), &personal, pdf::CODE_CHARS).unwrap();
    let lines = typed::lines(kit(), &personal);
    let shares: Vec<String> = slip39::split(&[7; 16], b"", 1, &[(2, 3)], 1, true)
        .unwrap()
        .remove(0)
        .iter()
        .map(|s| s.to_string())
        .collect();
    let groups: Vec<String> = slip39::split(&[9; 32], b"", 2, &[(1, 1), (2, 3)], 0, false)
        .unwrap()
        .iter()
        .flatten()
        .map(|s| s.to_string())
        .collect();
    // A split sheet's share as a person types it (numbered words), another as a QR code
    // reads, and the payload's codes.
    let numbered: Vec<String> = shares[0]
        .split(' ')
        .enumerate()
        .map(|(i, w)| format!("{}. {w}", i + 1))
        .collect();
    let typed_page = format!("Kit: {}\n\n{}\n", kit(), lines.join("\n"));

    let files: [(&str, &str, Vec<u8>); 12] = [
        ("document", "four-keys", text.as_bytes().to_vec()),
        ("envelope", "passphrase", personal.clone()),
        ("envelope", "identity", escrow),
        ("envelope", "unencrypted", text.as_bytes().to_vec()),
        ("chunk", "codes", join(&codes)),
        ("chunk", "one-code", codes[0].as_bytes().to_vec()),
        ("typed", "lines", lines.join("\n").into_bytes()),
        ("slip39", "two-of-three", join(&shares)),
        ("slip39", "two-groups", join(&groups)),
        ("recovery", "codes", join(&codes)),
        ("recovery", "typed", typed_page.into_bytes()),
        (
            "recovery",
            "split",
            join(&[numbered.join("\n"), shares[1].clone(), codes.join("\n")]),
        ),
    ];
    for (target, name, bytes) in files {
        let dir = seeds().join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// The seeds are valid kit data that takes each target past its first checks.
#[test]
fn fuzz_seeds_are_real_kit_data() {
    if std::env::var_os("UPDATE_FUZZ_SEEDS").is_some() {
        write_seeds();
    }
    let text = String::from_utf8(read("document", "four-keys")).unwrap();
    let document = KitDocument::parse(&text).unwrap();
    assert_eq!(document.entries.len(), 4);
    for entry in &document.entries {
        entry.key().unwrap();
    }

    let personal = read("envelope", "passphrase");
    let opened = envelope::open(&personal, Some(Key::Passphrase(PASSPHRASE))).unwrap();
    assert_eq!(&opened[..], text.as_bytes());
    let opened =
        envelope::open(&read("envelope", "identity"), Some(Key::Identity(IDENTITY))).unwrap();
    assert_eq!(&opened[..], text.as_bytes());
    assert_eq!(read("envelope", "unencrypted"), text.as_bytes());

    let mut codes = Assembler::new();
    for code in split(&read("chunk", "codes")) {
        codes.add(&code).unwrap();
    }
    assert_eq!(codes.finish().unwrap(), personal);
    Assembler::new()
        .add(&String::from_utf8(read("chunk", "one-code")).unwrap())
        .unwrap();
    let lines = String::from_utf8(read("typed", "lines")).unwrap();
    assert_eq!(typed::read(kit(), &lines).unwrap(), personal);

    for name in ["two-of-three", "two-groups"] {
        let mut shares = Collector::new();
        for share in split(&read("slip39", name)) {
            shares.add(&share).unwrap();
        }
        shares.combine(b"").unwrap();
    }

    for name in ["codes", "typed", "split"] {
        let mut recovery = Recovery::new();
        for text in split(&read("recovery", name)) {
            recovery.add_text(&text).unwrap();
        }
        assert_eq!(recovery.payload().unwrap(), personal, "{name}");
    }

    // The scan seeds (made once, by hand, with Pillow: a PNG and a JPEG of finder-like
    // squares, a PDF page of Flate pixels with PNG predictors) decode; their first byte
    // picks the magic bytes the target puts back (fuzz/fuzz_targets/scan.rs).
    for (name, magic) in [
        ("page-png", &b"\x89PNG\r\n\x1a\n"[..]),
        ("page-jpeg", b"\xff\xd8\xff"),
        ("page-pdf", b"%PDF-1.4\n"),
    ] {
        let seed = read("scan", name);
        let mut file = magic.to_vec();
        file.extend_from_slice(&seed[1..]);
        let scanned = scan::read(&file).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((scanned.images, scanned.codes), (1, 0), "{name}");
    }
}
