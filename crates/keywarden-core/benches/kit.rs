//! Benchmark of the recovery-kit quality bar of DESIGN.md section 7: a 3-of-5 split kit
//! of an RSA-4096 key, made into five PDF sheets (goal: under 1 s). Figures:
//! `docs/performance.md`.
//!
//! `cargo bench -p keywarden-core --bench kit` measures `UnlockedVault::prepare_kit`:
//! reading the key, the recovery document, SLIP-39 shares, the age envelope, the QR codes
//! and five PDFs. The vault passphrase check in front of it uses test KDF parameters, so
//! that the figure is the kit's own cost, not Argon2's (which `--bench vault` measures).

#![allow(missing_docs, reason = "a benchmark binary has no public API")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails by panicking, like a test"
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::Criterion;
use keywarden_core::kit::sheet::Paper;
use keywarden_core::vault::{KitLock, KitRequest};
use keywarden_core::{Algorithm, KdfParams, LockedVault, NewKey, Passphrase, SystemClock};

const PASSPHRASE: &str = "correct horse battery staple";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let pass = || Passphrase::new(PASSPHRASE.to_owned());
    let mut vault = LockedVault::create(
        &dir.path().join("bench.keywarden"),
        &pass(),
        None,
        KdfParams::INSECURE_TEST,
        true,
        Arc::new(SystemClock),
    )
    .unwrap();
    let key = vault
        .generate_key(NewKey::new("Archive signing", Algorithm::Rsa4096))
        .unwrap()
        .id;
    let request = || KitRequest {
        keys: vec![key],
        lock: KitLock::Split {
            threshold: 3,
            custodians: ["Ada", "Bea", "Cy", "Dee", "Eve"]
                .map(str::to_owned)
                .to_vec(),
        },
        paper: Paper::A4,
    };
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    c.bench_function("kit/split_3_of_5_rsa4096_pdf", |b| {
        b.iter(|| {
            let kit = vault.prepare_kit(request(), &pass(), None).unwrap();
            assert_eq!(kit.sheets.len(), 5);
            black_box(kit)
        });
    });
    c.final_summary();
}
