//! Fuzzes reading scanned sheets: `scan::read` on PNG, JPEG and PDF files (the input's
//! first byte picks which magic bytes it starts with, so that every input reaches a
//! decoder). A result names at most as many images as the PDF limit allows, and no code
//! is read twice.
//!
//! Inputs that declare images of more than 2 million pixels, and PDFs with JPEG pages,
//! are skipped: decoding them and searching them for codes takes seconds by design (a
//! real page at 300 dpi has 8.7 million), which is time, not a bug, and would only
//! trip the fuzzer's timeout. The size checks that guard those paths have unit tests.
#![no_main]

use std::io::Cursor;

use keywarden_core::kit::scan::{self, ScanKind};
use libfuzzer_sys::fuzz_target;

const MAGIC: [&[u8]; 3] = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-1.4\n"];

fuzz_target!(|data: &[u8]| {
    let_rxing_panics_unwind();
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut file = MAGIC[usize::from(pick) % MAGIC.len()].to_vec();
    file.extend_from_slice(rest);
    if too_slow(&file) {
        return;
    }
    if let Ok(scanned) = scan::read(&file) {
        assert!(scanned.images >= 1 && scanned.images <= scan::MAX_PDF_IMAGES);
        let codes: Vec<&str> = scanned
            .text
            .split("\n\n")
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(codes.len(), scanned.codes, "codes miscounted");
    }
});

/// `scan::read` catches the panics of rxing's QR finder ("can panic", its code says)
/// and reads such a page as one with no code; libFuzzer's panic hook aborts on every
/// panic before it unwinds. This hook lets panics raised inside rxing unwind to that
/// catch, and hands every other panic to libFuzzer's hook.
fn let_rxing_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_rxing = info
                .location()
                .is_some_and(|l| l.file().contains("/rxing-"));
            if !in_rxing {
                abort(info);
            }
        }));
    });
}

/// Whether `file` would take seconds for its size alone (see the module's comment).
fn too_slow(file: &[u8]) -> bool {
    match ScanKind::of(file) {
        Some(ScanKind::Pdf) => file.windows(9).any(|w| w == b"DCTDecode"),
        Some(_) => image::ImageReader::new(Cursor::new(file))
            .with_guessed_format()
            .ok()
            .and_then(|r| r.into_dimensions().ok())
            .is_some_and(|(w, h)| u64::from(w) * u64::from(h) > 2_000_000),
        None => true,
    }
}
