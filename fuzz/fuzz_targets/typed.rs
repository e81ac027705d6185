//! Fuzzes reading typed lines (`typed::read`) with the input as the typed text, and, as
//! a round trip, the input's bytes written as typed lines and read back.
#![no_main]

use keywarden_core::kit::typed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kit = keywarden_fuzz::kit();
    let _ = typed::read(kit, &String::from_utf8_lossy(data));

    let lines = typed::lines(kit, data);
    assert_eq!(
        typed::read(kit, &lines.join("\n")).ok().as_deref(),
        Some(data),
        "typed lines did not read back"
    );
});
