//! Fuzzes `Recovery::add_text` with several texts in a row (pieces of the input between
//! NUL bytes), as a person adds scans and typed files one by one: no text may panic, and
//! a text that fails must leave the recovery as it was.
#![no_main]

use keywarden_core::kit::recovery::Recovery;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut recovery = Recovery::new();
    for text in keywarden_fuzz::texts(data) {
        let before = recovery.status();
        if recovery.add_text(&text).is_err() {
            assert_eq!(
                recovery.status(),
                before,
                "a failed text changed the recovery"
            );
        }
    }
    // Joins the codes or reads the typed lines; opening would run scrypt or SLIP-39's
    // PBKDF2 at a work factor the input chooses (the envelope and slip39 targets cover
    // those parsers).
    let _ = recovery.payload();
});
