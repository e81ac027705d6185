//! Fuzzes SLIP-39 share parsing: every piece of the input (between NUL bytes) as one
//! mnemonic, through `Share::parse` (which must read back its own mnemonic) and a
//! `Collector`; a complete set is combined when its PBKDF2 work is small.
#![no_main]

use keywarden_core::kit::slip39::{Collector, Share};
use libfuzzer_sys::fuzz_target;

/// The highest iteration exponent combined: each step doubles SLIP-39's 10,000 PBKDF2
/// iterations, and 15 (the most a share can say) takes minutes.
const MAX_ITERATION_EXPONENT: u8 = 1;

fuzz_target!(|data: &[u8]| {
    let mut collector = Collector::new();
    for text in keywarden_fuzz::texts(data) {
        if let Ok(share) = Share::parse(&text) {
            let again = Share::parse(&share.to_mnemonic());
            assert_eq!(
                again.as_ref(),
                Ok(&share),
                "a share's mnemonic reads back otherwise"
            );
        }
        let _ = collector.add(&text);
    }
    if collector.progress().is_complete()
        && collector
            .shares()
            .all(|s| s.iteration_exponent() <= MAX_ITERATION_EXPONENT)
    {
        let _ = collector.combine(b"");
        let _ = collector.combine(b"TREZOR");
    }
});
