//! Fuzzes `KitDocument::parse` (the decrypted recovery document), then decodes every
//! key it names (`KitEntry::key`: the key formats and fingerprints), and checks that a
//! document that parses and writes out again parses to the same document.
#![no_main]

use keywarden_core::kit::KitDocument;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(document) = KitDocument::parse(text) else {
        return;
    };
    for entry in &document.entries {
        let _ = entry.key();
    }
    if let Ok(again) = document.to_text() {
        assert_eq!(
            KitDocument::parse(&again).as_ref(),
            Ok(&document),
            "a document changed on its way through to_text"
        );
    }
});
