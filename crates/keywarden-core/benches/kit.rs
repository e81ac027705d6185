//! Benchmark of the recovery-kit quality bar of DESIGN.md section 7: a 3-of-5 split kit
//! of an RSA-4096 key, made into five PDF sheets (goal: under 1 s); and reading one
//! scanned page back (`scan::read` of a 300 dpi A4 PNG with four codes of 1000
//! characters, as a sheet carries them). Figures: `docs/performance.md`.
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
use keywarden_core::kit::scan;
use keywarden_core::print::Paper;
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
    let page = scanned_page();
    c.bench_function("kit/scan_a4_300dpi_page_4_codes", |b| {
        b.iter(|| {
            let scanned = scan::read(&page).unwrap();
            assert_eq!(scanned.codes, 4);
            black_box(scanned)
        });
    });
    c.final_summary();
}

/// An A4 page at 300 dpi (2480 × 3508 pixels) as PNG, with four QR codes of 1000
/// characters at level Q, two a row, 7 pixels a module (1.7 pt, about as on the sheets).
fn scanned_page() -> Vec<u8> {
    const MODULE: u32 = 7;
    let mut page = image::GrayImage::from_pixel(2480, 3508, image::Luma([255]));
    for n in 0..4u32 {
        let text: String = (0..1000)
            .map(|i| char::from(b'a' + ((i * 7 + n) % 26) as u8))
            .collect();
        let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::Q)
            .unwrap();
        let side = code.width();
        // Side by side with a quiet zone of 8 modules between them.
        let step = (side as u32 + 8) * MODULE;
        let (left, top) = (120 + (n % 2) * step, 300 + (n / 2) * step);
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (x, y) = ((i % side) as u32, (i / side) as u32);
                for d in 0..MODULE * MODULE {
                    let (dx, dy) = (d % MODULE, d / MODULE);
                    page.put_pixel(
                        left + x * MODULE + dx,
                        top + y * MODULE + dy,
                        image::Luma([0]),
                    );
                }
            }
        }
    }
    let mut png = std::io::Cursor::new(Vec::new());
    page.write_to(&mut png, image::ImageFormat::Png).unwrap();
    png.into_inner()
}
