//! Fuzzes QR chunk parsing: `Chunk::parse` and an `Assembler` fed every piece of the
//! input (between NUL bytes) as one scanned code; and, as a round trip, the input's bytes
//! split into chunks and assembled again.
#![no_main]

use keywarden_core::kit::chunk::{self, Assembler, Chunk};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut assembler = Assembler::new();
    for text in keywarden_fuzz::texts(data) {
        let parsed = Chunk::parse(&text);
        let added = assembler.add(&text);
        assert!(
            parsed.is_ok() || added.is_err(),
            "a malformed code was added"
        );
    }
    if assembler.finish().is_ok() {
        let (read, expected) = assembler.progress();
        assert_eq!(read, expected, "finished with codes missing");
    }

    let kit = keywarden_fuzz::kit();
    let max_chars = 64 + usize::from(data.first().copied().unwrap_or(0)) * 4;
    let Ok(codes) = chunk::split(kit, data, max_chars) else {
        return;
    };
    let mut assembler = Assembler::new();
    for code in codes.iter().rev() {
        assert!(code.len() <= max_chars, "a code is longer than asked");
        assert!(
            matches!(assembler.add(code), Ok(true)),
            "a code was refused"
        );
    }
    assert_eq!(assembler.finish().ok().as_deref(), Some(data));
});
